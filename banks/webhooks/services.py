"""Every write to webhook endpoints, and their delivery.

Delivery guarantees (docs/api.md «Webhooks»):

- **in order**: an endpoint delivers strictly one entry after the other, in feed order, from its own cursor
  ``last_delivered``; an entry that fails blocks the endpoint until it succeeds, so no later entry of the
  same case (or any case) overtakes it;
- **at least once**: the cursor moves past an entry only after the receiver answered 2xx, so a crash between
  the answer and the save sends the entry again — with the same ``X-THADS-Delivery-Id``;
- **retries**: after WEBHOOK_BACKOFF_BASE_SECONDS, then twice as long each time (at most
  WEBHOOK_BACKOFF_MAX_SECONDS apart), until WEBHOOK_RETRY_WINDOW_SECONDS (24 h) after the entry first failed;
  then the endpoint is paused (nothing skipped: resuming starts again from that entry) and the bank told, by a
  BankNotice (GET /api/v1/me/) and by e-mail to the endpoint's contact;
- **one run at a time**: a run takes a lease on the endpoint (an atomic conditional UPDATE), renewed per entry,
  so two workers never deliver to the same endpoint at once; a crashed run's lease simply runs out."""
import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer

from banks.api.serializers import BankChangeSerializer
from banks.models import Bank, BankNotice, WebhookDelivery, WebhookEndpoint
from banks.selectors import bank_changes, change_cursor, feed_end_position
from banks.webhooks import signing
from banks.webhooks.transport import post, url_check
from cases.models import CaseChange
from thads.audit.models import Action
from thads.audit.services import audit_record, creation, field_values, instance_diff
from thads.core.errors import DomainError

logger = logging.getLogger("thads.webhooks")
UNSET = object()
MAX_ENDPOINTS_PER_BANK = 10


def event_types_clean(event_types) -> list[str]:
    """The kinds as stored (known, no repeats, in CaseChange.Kind's order); an unknown one is refused."""
    known = list(CaseChange.Kind.values)
    if not isinstance(event_types, list | tuple) or not all(isinstance(kind, str) for kind in event_types):
        raise DomainError(_("event_types is a list of change kinds."), code="invalid_event_types",
                          field="event_types")
    wanted = {kind.strip() for kind in event_types if kind.strip()}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise DomainError(_("Unknown event type «%(kind)s»; the types are: %(known)s.") % {
            "kind": unknown[0], "known": ", ".join(known)}, code="invalid_event_types", field="event_types")
    if not wanted:
        raise DomainError(_("Choose at least one event type."), code="invalid_event_types", field="event_types")
    return [kind for kind in known if kind in wanted]


@transaction.atomic
def webhook_create(*, bank: Bank, url: str, event_types=None, description: str = "", contact_email: str = "",
                   after: int | None = None, actor=None) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for ``bank``; returns it and its secret, which is shown only now. Deliveries start
    with the first entry after feed cursor ``after`` (default: the feed's newest entry now, so only what
    happens from now on is sent). Raises DomainError (nothing written) for a URL we may not POST to, an
    unknown event type, or more than MAX_ENDPOINTS_PER_BANK endpoints."""
    Bank.objects.select_for_update().get(pk=bank.pk)  # two registrations at once count each other
    if WebhookEndpoint.objects.filter(bank=bank).count() >= MAX_ENDPOINTS_PER_BANK:
        raise DomainError(_("A bank may register at most %(max)s webhook endpoints.") % {
            "max": MAX_ENDPOINTS_PER_BANK}, code="too_many_webhooks")
    url = url_check(url)
    kinds = event_types_clean(list(CaseChange.Kind.values) if event_types is None else event_types)
    if after is not None and after < 0:
        raise DomainError(_("after is a feed cursor (a whole number ≥ 0)."), code="invalid_cursor", field="after")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        bank=bank, url=url, event_types=kinds, description=description.strip(), contact_email=contact_email,
        secret=secret, last_delivered=feed_end_position(bank) if after is None else after,
        created_by=actor if isinstance(actor, get_user_model()) else None)
    _audit(actor, Action.WEBHOOK_CREATE, endpoint, creation(endpoint, ("bank", *AUDITED)))
    return endpoint, secret


AUDITED = ("url", "event_types", "description", "contact_email", "enabled")


def _audit(actor, action: str, endpoint: WebhookEndpoint, changes) -> None:
    """A bank-level entry (no case, no unit, like the bank's API keys); ``actor`` a person or the bank's key."""
    audit_record(actor=actor, action=action, obj=endpoint, case=None, unit=None, changes=changes)


@transaction.atomic
def webhook_update(*, endpoint: WebhookEndpoint, url=UNSET, event_types=UNSET, description=UNSET,
                   contact_email=UNSET, enabled=UNSET, actor=None) -> WebhookEndpoint:
    """Change what the bank may change. Turning ``enabled`` on again also lifts a pause (see webhook_resume)."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = field_values(locked, (*AUDITED, "paused_at"))
    if url is not UNSET:
        locked.url = url_check(url)
    if event_types is not UNSET:
        locked.event_types = event_types_clean(event_types)
    if description is not UNSET:
        locked.description = description.strip()
    if contact_email is not UNSET:
        locked.contact_email = contact_email
    if enabled is not UNSET:
        if enabled and (not locked.enabled or locked.paused_at is not None):
            _clear_failure(locked)
        locked.enabled = bool(enabled)
    locked.save()
    if changes := instance_diff(before, locked):
        _audit(actor, Action.WEBHOOK_UPDATE, locked, changes)
    return locked


@transaction.atomic
def webhook_delete(*, endpoint: WebhookEndpoint, actor=None) -> None:
    """Delete an endpoint with its delivery log (nothing more is sent to it)."""
    locked = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
    if locked is None:
        return
    _audit(actor, Action.WEBHOOK_DELETE, locked, {
        name: (value, None) for name, value in field_values(locked, ("bank", *AUDITED)).items()})
    locked.delete()


@transaction.atomic
def webhook_rotate_secret(*, endpoint: WebhookEndpoint, overlap_hours: int | None = None,
                          now=None, actor=None) -> tuple[WebhookEndpoint, str]:
    """A new secret (returned, shown only now). The one it replaces stays valid for ``overlap_hours``
    (WEBHOOK_SECRET_OVERLAP_HOURS by default, 0–168): until then every delivery carries a signature by each,
    so the receiver can switch without losing a delivery."""
    overlap = settings.WEBHOOK_SECRET_OVERLAP_HOURS if overlap_hours is None else overlap_hours
    if not 0 <= overlap <= 168:
        raise DomainError(_("The overlap is 0 to 168 hours."), code="invalid_request", field="overlap_hours")
    now = now or timezone.now()
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = field_values(locked, ["previous_secret_expires_at"])
    secret = signing.new_secret()
    locked.previous_secret, locked.previous_secret_expires_at = (locked.secret, now + timedelta(hours=overlap)) \
        if overlap else ("", None)
    locked.secret = secret
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    # The secrets themselves are never written to the trail: only when the old one stops being valid.
    _audit(actor, Action.WEBHOOK_ROTATE, locked, instance_diff(before, locked))
    return locked, secret


@transaction.atomic
def webhook_resume(*, endpoint: WebhookEndpoint, actor=None) -> WebhookEndpoint:
    """Lift a pause: delivery starts again from the entry that failed, with a new retry window."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = field_values(locked, ["paused_at", "paused_reason", "failing_since", "failed_attempts"])
    _clear_failure(locked)
    locked.save()
    _audit(actor, Action.WEBHOOK_RESUME, locked, instance_diff(before, locked))
    return locked


def _clear_failure(endpoint: WebhookEndpoint) -> None:
    endpoint.paused_at, endpoint.paused_reason = None, ""
    endpoint.failing_since, endpoint.failed_attempts, endpoint.next_attempt_at = None, 0, None


# ---- delivery ------------------------------------------------------------------------------------------------

def backoff_seconds(failed_attempts: int) -> float:
    """The wait before the next attempt after ``failed_attempts`` failures of the same entry (≥ 1)."""
    return min(settings.WEBHOOK_BACKOFF_MAX_SECONDS,
               settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** min(failed_attempts - 1, 40))


def entry_id(change: CaseChange) -> str:
    """The entry's stable id: X-THADS-Delivery-Id, the same on every attempt (receivers deduplicate on it)."""
    return str(change.pk)


def entry_body(change: CaseChange) -> bytes:
    """The entry exactly as the change feed renders it (one element of GET /api/v1/changes/'s results)."""
    return JSONRenderer().render(BankChangeSerializer(change).data)


def signing_secrets(endpoint: WebhookEndpoint, now) -> list[str]:
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        secrets.append(endpoint.previous_secret)
    return secrets


def _lease_seconds() -> float:
    return settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 60


def _take_lease(endpoint_id: int, now):
    """The lease's expiry if this run got the endpoint, else None (another run holds it, or nothing is due)."""
    from django.db.models import Q

    until = now + timedelta(seconds=_lease_seconds())
    taken = (WebhookEndpoint.objects.filter(pk=endpoint_id, enabled=True, paused_at__isnull=True)
             .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
             .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
             .update(lease_until=until))
    return until if taken else None


def endpoint_deliver(*, endpoint_id: int, batch: int | None = None) -> dict:
    """Deliver the endpoint's pending entries in feed order, at most ``batch`` (WEBHOOK_BATCH) of them.

    Returns {"state": …, "delivered": n, …}: ``idle`` (nothing pending), ``more`` (the batch is spent; run
    again), ``retrying`` (an entry failed; ``retry_in`` seconds until its next attempt), ``paused`` (it failed
    past the retry window), ``busy`` (another run holds the endpoint, it is paused, disabled or waiting)."""
    batch = settings.WEBHOOK_BATCH if batch is None else batch
    lease = _take_lease(endpoint_id, timezone.now())
    if lease is None:
        return {"state": "busy", "delivered": 0}
    delivered = 0
    try:
        endpoint = WebhookEndpoint.objects.select_related("bank").get(pk=endpoint_id)
        while True:
            page = bank_changes(endpoint.bank, after=endpoint.last_delivered, limit=100)
            if not page:
                return {"state": "idle", "delivered": delivered}
            for change in page:
                wanted = change.kind in endpoint.event_types
                if wanted and delivered >= batch:
                    return {"state": "more", "delivered": delivered}
                if wanted:
                    outcome = _attempt(endpoint, change)
                    if not outcome.succeeded:
                        return _failed(endpoint, change, delivered, outcome, lease)
                    delivered += 1
                lease = _advance(endpoint, change, lease)
                if lease is None:  # taken over after this run outlived its lease: stop, the other run goes on
                    return {"state": "busy", "delivered": delivered}
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint_id, lease_until=lease).update(lease_until=None)


def _attempt(endpoint: WebhookEndpoint, change: CaseChange):
    now = timezone.now()
    body = entry_body(change)
    outcome = post(endpoint.url, body, {
        signing.SIGNATURE_HEADER: signing.signature_header(signing_secrets(endpoint, now), body),
        signing.DELIVERY_HEADER: entry_id(change),
        signing.EVENT_HEADER: change.kind,
    })
    with suppress(IntegrityError):  # the bank deleted the endpoint meanwhile: the run stops at its next step
        WebhookDelivery.objects.create(
            endpoint=endpoint, entry_id=entry_id(change), kind=change.kind, case_no=change.case.case_no,
            attempt=endpoint.failed_attempts + 1, attempted_at=now, status_code=outcome.status_code,
            latency_ms=outcome.latency_ms, succeeded=outcome.succeeded, error=outcome.error)
    return outcome


def _advance(endpoint: WebhookEndpoint, change: CaseChange, lease):
    """Move the cursor past ``change`` and renew the lease, if this run still holds it; the new lease or None."""
    until = timezone.now() + timedelta(seconds=_lease_seconds())
    moved = WebhookEndpoint.objects.filter(pk=endpoint.pk, lease_until=lease).update(
        last_delivered=change_cursor(change), failing_since=None, failed_attempts=0, next_attempt_at=None,
        lease_until=until)
    if not moved:
        return None
    endpoint.last_delivered = change_cursor(change)
    _clear_failure(endpoint)
    return until


def _failed(endpoint: WebhookEndpoint, change: CaseChange, delivered: int, outcome, lease) -> dict:
    now = timezone.now()
    endpoint.failed_attempts += 1
    endpoint.failing_since = endpoint.failing_since or now
    if (now - endpoint.failing_since).total_seconds() >= settings.WEBHOOK_RETRY_WINDOW_SECONDS:
        endpoint_pause(endpoint=endpoint, change=change, outcome=outcome, now=now)
        return {"state": "paused", "delivered": delivered}
    wait = backoff_seconds(endpoint.failed_attempts)
    endpoint.next_attempt_at = now + timedelta(seconds=wait)
    WebhookEndpoint.objects.filter(pk=endpoint.pk, lease_until=lease).update(
        failed_attempts=endpoint.failed_attempts, failing_since=endpoint.failing_since,
        next_attempt_at=endpoint.next_attempt_at)
    return {"state": "retrying", "delivered": delivered, "retry_in": wait}


@transaction.atomic
def endpoint_pause(*, endpoint: WebhookEndpoint, change: CaseChange, outcome, now) -> None:
    """Pause an endpoint whose entry kept failing for the retry window, and tell its bank (a notice, and an
    e-mail to the endpoint's contact once the pause is committed)."""
    reason = _("Entry %(entry)s (case %(case)s) failed %(attempts)s times since %(since)s; last error: "
               "%(error)s") % {"entry": entry_id(change), "case": change.case.case_no,
                               "attempts": endpoint.failed_attempts,
                               "since": timezone.localtime(endpoint.failing_since).strftime("%Y-%m-%d %H:%M %z"),
                               "error": outcome.error or outcome.status_code}
    endpoint.paused_at, endpoint.paused_reason, endpoint.next_attempt_at = now, reason[:500], None
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        paused_at=now, paused_reason=endpoint.paused_reason, failed_attempts=endpoint.failed_attempts,
        failing_since=endpoint.failing_since, next_attempt_at=None)
    message = _("Webhook endpoint %(url)s was paused: %(reason)s Nothing was skipped; fix the receiver and "
                "resume it (POST /api/v1/webhooks/%(id)s/resume/).") % {
        "url": endpoint.url, "reason": reason, "id": endpoint.pk}
    BankNotice.objects.create(bank=endpoint.bank, kind=BankNotice.Kind.WEBHOOK_PAUSED, message=message,
                              webhook=endpoint)
    logger.warning("webhook paused endpoint=%s bank=%s entry=%s", endpoint.pk, endpoint.bank.code, entry_id(change))
    if endpoint.contact_email:
        transaction.on_commit(lambda: _mail(endpoint.contact_email, message))


def _mail(to: str, message: str) -> None:
    try:
        send_mail(_("THADS: webhook endpoint paused"), message, None, [to])
    except Exception:  # the pause and the notice stand; the mail is a courtesy
        logger.exception("webhook pause mail failed to=%s", to)


def webhook_deliveries_prune(*, now=None) -> int:
    """Delete delivery log rows older than WEBHOOK_LOG_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    deleted, _rows = WebhookDelivery.objects.filter(attempted_at__lt=cutoff).delete()
    return deleted
