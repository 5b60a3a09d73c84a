"""Two-factor log-in (TOTP, django-otp) for administrators and unit heads.

Who may turn it on: superusers, central administrators, unit heads, and staff accounts without an officer profile
(support and administration accounts). With ``TWO_FACTOR_REQUIRED_FOR_ADMINS`` on, an administrator (a superuser,
a central administrator or a staff account without a profile) who has no device is sent to the enrolment page
before anything else.

The log-in (thads.org.views.TwoStepLoginView, also behind /admin/login/): after the right password, a person with a
confirmed device is **not** logged in; the session only remembers who passed the password (for
``TWO_FACTOR_PENDING_MINUTES``) and the person is sent to the code step. A wrong code counts as a failed log-in for
django-axes (the same per-account and per-address limits and lockouts as wrong passwords, thads.org.login); a right
code logs the person in and marks the session verified (django_otp.login). A recovery code works once.

Every other page is guarded by ``TwoFactorMiddleware``: a session that is logged in, whose account has a device
and that has not passed the code step (a log-in by another path, a session opened before the device was confirmed
in another browser) is sent to the code step; the admin site refuses it too (thads.core.admin_site).

Which sessions have a device is noted in the session at log-in (``STATE_KEY``), so a page costs no extra query.
"""
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from thads.org.models import Role
from thads.org.selectors import officer_profile_of

STATE_KEY = "thads_two_factor"  # "device" or "none": whether the account had a confirmed device at log-in
PENDING_KEY = "thads_two_factor_pending"  # {"user": pk, "backend": ..., "at": epoch, "next": url}
NEW_CODES_KEY = "thads_two_factor_new_codes"  # recovery codes to show once
DEVICE_NAME = "authenticator"


def may_use_two_factor(user) -> bool:
    """Whether ``user`` may turn two-factor log-in on (administrators and unit heads)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    profile = officer_profile_of(user)
    if profile is None:
        return bool(user.is_staff)
    return profile.role in (Role.UNIT_HEAD, Role.CENTRAL_ADMIN)


def is_administrator(user) -> bool:
    """Administrators, for whom ``TWO_FACTOR_REQUIRED_FOR_ADMINS`` makes two-factor log-in mandatory."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = officer_profile_of(user)
    if profile is None:
        return bool(user.is_staff)
    return profile.role == Role.CENTRAL_ADMIN


def authenticator_of(user, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def recovery_device_of(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    """Whether ``user`` has a confirmed authenticator (the recovery codes only come with one)."""
    return user is not None and user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    device = recovery_device_of(user)
    return device.token_set.count() if device else 0


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed by hand: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address of ``device`` as an inline SVG QR code (drawn here: no image service, no CDN)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


@dataclass
class PendingLogin:
    user: object
    backend: str
    next: str


def pending_login(request) -> PendingLogin | None:
    """Who passed the password step in this session and still owes a code (None: nobody, or it is too old)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > settings.TWO_FACTOR_PENDING_MINUTES * 60:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model()._default_manager.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None
    return PendingLogin(user=user, backend=pending.get("backend", ""), next=pending.get("next", ""))


def pending_login_start(request, user, next_url: str) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "backend": getattr(user, "backend", ""), "at": int(time.time()),
                                    "next": next_url}


def safe_next(request, url: str, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return default


def session_state_note(sender, request, user, **kwargs) -> None:
    """user_logged_in: note in the session whether the account has a device (the middleware reads it)."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_KEY] = "device" if has_two_factor(user) else "none"


def needs_code(request) -> bool:
    """A logged-in session whose account has a device and that has not passed the code step."""
    user = request.user
    if not user.is_authenticated:
        return False
    state = request.session.get(STATE_KEY)
    if state is None:  # a session from before two-factor log-in existed: look once
        state = request.session[STATE_KEY] = "device" if has_two_factor(user) else "none"
    if state != "device":
        return False
    verified = getattr(user, "is_verified", None)
    return not (verified and verified())


def needs_enrolment(request) -> bool:
    """An administrator without a device while ``TWO_FACTOR_REQUIRED_FOR_ADMINS`` is on."""
    return (settings.TWO_FACTOR_REQUIRED_FOR_ADMINS and request.user.is_authenticated
            and request.session.get(STATE_KEY) != "device" and is_administrator(request.user)
            and not has_two_factor(request.user))


def _redirect(name: str, request) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")


class TwoFactorMiddleware:
    """Send a session that owes a code to the code step, and (when mandatory) an administrator without a device to
    the enrolment page. Log-out, the language switch, static files and the bank API (no sessions) pass."""

    OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(self.OPEN_PREFIXES) and request.user.is_authenticated:
            open_paths = {reverse("logout"), reverse("login_code")}
            if path not in open_paths:
                if needs_code(request):
                    return _redirect("login_code", request)
                if path != reverse("two_factor") and needs_enrolment(request):
                    return _redirect("two_factor", request)
        return self.get_response(request)
