"""Defence against password guessing on the login form.

django-axes keeps the books (one ``AccessAttempt`` row per username and address, in the database, so the count
holds across gunicorn workers and does not need Redis); this module sets the policy, which is:

- an **account** is paused after ``LOGIN_FAILURES_PER_ACCOUNT`` failed log-ins (default 5) within
  ``LOGIN_LOCKOUT_MINUTES`` (default 15), from any address;
- an **address** is paused after ``LOGIN_FAILURES_PER_ADDRESS`` failures (default 20, higher: an office shares
  one address behind its router) within the same window, whatever usernames it tried;
- while paused, every attempt (even with the right password) fails and restarts the wait, so the pause ends
  ``LOGIN_LOCKOUT_MINUTES`` after the last attempt; the login page says until when, in the person's language;
- each lockout is recorded once (``LoginLockout``: username, address, reason, until when) and an administrator
  can lift it early (admin action or ``manage.py login_unlock``), which is recorded too.
"""
from datetime import timedelta

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

NEVER = 2**31 - 1


def cool_off(request=None) -> timedelta:
    """How long an account or address stays paused after its last failed attempt (axes' AXES_COOLOFF_TIME)."""
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def failures(request, credentials) -> tuple[str, int, int]:
    """(username, failures of that account, failures from the request's address) within the window."""
    username = get_client_username(request, credentials) or ""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off(request))
    per_account = (recent.filter(username=username).aggregate(total=Sum("failures_since_start"))["total"] or 0
                   if username else 0)
    address = getattr(request, "axes_ip_address", None)
    per_address = (recent.filter(ip_address=address).aggregate(total=Sum("failures_since_start"))["total"] or 0
                   if address else 0)
    return username, per_account, per_address


def lockout_reason(per_account: int, per_address: int) -> str | None:
    if per_account >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        return "account"
    if per_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return "address"
    return None


def failure_limit(request, credentials) -> int:
    """axes' AXES_FAILURE_LIMIT. Axes compares the larger of the account's and the address's counts with one
    limit; the two limits differ here, so the policy decides and answers 1 (paused: the count is at least 1)
    or a number never reached."""
    _username, per_account, per_address = failures(request, credentials)
    return 1 if lockout_reason(per_account, per_address) else NEVER


def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """axes' user_locked_out signal: record the lockout (once; a further attempt extends it)."""
    from thads.org.services import login_lockout_record

    credentials = getattr(request, "axes_credentials", None) or {"username": username}
    username, per_account, per_address = failures(request, credentials)
    reason = lockout_reason(per_account, per_address) or "account"
    login_lockout_record(username=username, ip_address=ip_address, reason=reason,
                         failures=per_account if reason == "account" else per_address,
                         until=timezone.now() + cool_off(request))


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the login page again, status 429, saying until when logging in is paused."""
    until = timezone.localtime(timezone.now() + cool_off(request))
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, "registration/login.html", {
        "form": form, "next": request.POST.get("next") or request.GET.get("next", ""),
        "lockout_until": until, "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }, status=429)
