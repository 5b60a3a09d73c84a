"""The log-in pages (password, then the two-factor code when the account has one) and the two-factor settings page
of a signed-in administrator or unit head. The policy is in thads.org.twofactor, the writes in thads.org.services."""
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from thads.core.errors import DomainError
from thads.org.login import lockout_response
from thads.org.services import (
    two_factor_code_check,
    two_factor_disable,
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
    two_factor_recovery_renew,
)
from thads.org.twofactor import (
    NEW_CODES_KEY,
    PENDING_KEY,
    STATE_KEY,
    authenticator_of,
    has_two_factor,
    is_administrator,
    may_use_two_factor,
    needs_code,
    pending_login,
    pending_login_start,
    qr_svg,
    recovery_codes_left,
    safe_next,
    secret_text,
)


def client_address(request) -> str | None:
    """The client's address as the log-in lockout counts it (axes: REMOTE_ADDR, or X-Forwarded-For behind the
    configured number of trusted proxies)."""
    AxesProxyHandler.update_request(request)
    return getattr(request, "axes_ip_address", None)


class TwoStepLoginView(auth_views.LoginView):
    """Django's log-in view; after the right password, an account with a two-factor device is not logged in but sent
    to the code step (thads.org.twofactor). Serves /login/ and, with the admin's form and template, /admin/login/."""

    def form_valid(self, form):
        user = form.get_user()
        if has_two_factor(user):
            self.request.session.cycle_key()
            pending_login_start(self.request, user, self.get_redirect_url())
            return redirect("login_code")
        return super().form_valid(form)


def _locked(request, credentials):
    request.session.pop(PENDING_KEY, None)
    if request.user.is_authenticated:
        logout(request)
    return lockout_response(request, credentials=credentials)


@never_cache
def login_code(request):
    """The second log-in step: the code of the authenticator app (or a recovery code). Each wrong code is a failed
    log-in for the lockout, as a wrong password is."""
    default_next = resolve_url(settings.LOGIN_REDIRECT_URL)
    pending = pending_login(request)
    if pending is not None:
        user, next_url = pending.user, pending.next
    elif needs_code(request):
        user, next_url = request.user, request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    elif request.user.is_authenticated:
        return redirect(safe_next(request, request.GET.get(REDIRECT_FIELD_NAME, ""), default_next))
    else:
        messages.info(request, _("Your log-in has expired: enter your username and password again."))
        return redirect("login")
    next_url = safe_next(request, next_url, default_next)
    if not has_two_factor(user):  # removed by an administrator meanwhile
        request.session.pop(PENDING_KEY, None)
        request.session[STATE_KEY] = "none"
        return redirect("login" if pending is not None else next_url)
    error = None
    if request.method == "POST":
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            # paused: refused without looking at the code, and the wait restarts (as for a password)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            return _locked(request, credentials)
        code = request.POST.get("code", "").strip() or request.POST.get("recovery", "")
        try:
            check = two_factor_code_check(user=user, code=code, ip_address=client_address(request))
        except DomainError as refusal:
            error = refusal.message
            if refusal.code == "wrong_code":
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                if getattr(request, "axes_locked_out", False):
                    return _locked(request, credentials)
        else:
            if pending is not None:
                request.session.pop(PENDING_KEY, None)
                user.backend = pending.backend or settings.AUTHENTICATION_BACKENDS[-1]
                auth_login(request, user)
            else:
                request.session.cycle_key()
            otp_login(request, check.device)
            request.session[STATE_KEY] = "device"
            if check.recovery:
                messages.warning(request, ngettext(
                    "You logged in with a recovery code; it cannot be used again. %(count)d recovery code left.",
                    "You logged in with a recovery code; it cannot be used again. %(count)d recovery codes left.",
                    check.recovery_left) % {"count": check.recovery_left})
            return redirect(next_url)
    return render(request, "registration/login_code.html", {
        "title": _("Two-factor log-in"), "person": user.get_username(), "error": error, "next": next_url},
        status=200 if error is None else 400)


def _two_factor_context(request, **extra):
    return {"title": _("Two-factor log-in"), "mandatory": settings.TWO_FACTOR_REQUIRED_FOR_ADMINS
            and is_administrator(request.user),
            "next": safe_next(request, request.POST.get(REDIRECT_FIELD_NAME)
                              or request.GET.get(REDIRECT_FIELD_NAME, ""), ""), **extra}


@never_cache
@login_required
def two_factor(request):
    """Turn two-factor log-in on (QR code, secret, first code), or, when it is on: new recovery codes, turn it
    off. For administrators and unit heads only."""
    user = request.user
    if not may_use_two_factor(user):
        raise PermissionDenied(_("Two-factor log-in is for administrators and unit heads."))
    authenticator = authenticator_of(user)
    action = request.POST.get("action", "")
    if authenticator is None:
        device = two_factor_enrolment_start(user=user)
        error = None
        if request.method == "POST" and action == "confirm":
            try:
                codes = two_factor_enrolment_confirm(user=user, device=device, code=request.POST.get("code", ""),
                                                     ip_address=client_address(request))
            except DomainError as refusal:
                error = refusal.message
            else:
                device.refresh_from_db()
                request.session.cycle_key()
                otp_login(request, device)
                request.session[STATE_KEY] = "device"
                request.session[NEW_CODES_KEY] = codes
                messages.success(request, _("Two-factor log-in is on. From now on, you will enter a code from your "
                                            "app after your password."))
                return _to_codes(request)
        return render(request, "registration/two_factor_enrol.html", _two_factor_context(
            request, qr_svg=qr_svg(device), secret=secret_text(device), config_url=device.config_url, error=error,
            digits=device.digits), status=200 if error is None else 400)
    error = None
    if request.method == "POST" and action in ("disable", "renew"):
        try:
            if action == "disable":
                two_factor_disable(user=user, code=request.POST.get("code", ""), ip_address=client_address(request))
            else:
                codes = two_factor_recovery_renew(user=user, code=request.POST.get("code", ""),
                                                  ip_address=client_address(request))
        except DomainError as refusal:
            error = (action, refusal.message)
        else:
            if action == "disable":
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                request.session[STATE_KEY] = "none"
                messages.success(request, _("Two-factor log-in is off: you log in with your password alone."))
                return redirect("two_factor")
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("New recovery codes issued; the old ones no longer work."))
            return _to_codes(request)
    return render(request, "registration/two_factor.html", _two_factor_context(
        request, authenticator=authenticator, recovery_left=recovery_codes_left(user), error=error),
        status=200 if error is None else 400)


def _to_codes(request):
    from django.urls import reverse
    from django.utils.http import urlencode

    next_url = safe_next(request, request.POST.get(REDIRECT_FIELD_NAME, ""), "")
    target = reverse("two_factor_codes")
    return redirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else target)


@never_cache
@login_required
def two_factor_codes(request):
    """The new recovery codes, shown once (a reload shows them no more)."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("two_factor")
    return render(request, "registration/two_factor_codes.html", {
        "title": _("Recovery codes"), "codes": codes,
        "next": safe_next(request, request.GET.get(REDIRECT_FIELD_NAME, ""), resolve_url(settings.LOGIN_REDIRECT_URL))})
