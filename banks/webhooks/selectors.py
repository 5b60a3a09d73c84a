"""Reads of webhook endpoints, scoped to a bank."""
from django.db.models import Q, QuerySet
from django.utils import timezone

from banks.models import Bank, BankNotice, WebhookDelivery, WebhookEndpoint


def webhooks_of_bank(bank: Bank) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(bank=bank).select_related("bank")


def webhook_of_bank(bank: Bank, webhook_id: int) -> WebhookEndpoint | None:
    return webhooks_of_bank(bank).filter(pk=webhook_id).first()


def webhook_deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint)


def webhooks_due(now=None) -> QuerySet[WebhookEndpoint]:
    """Endpoints a delivery run may start on now: enabled, not paused, not waiting for a retry, not being
    delivered by another run (or that run's lease ran out)."""
    now = now or timezone.now()
    return (WebhookEndpoint.objects.filter(enabled=True, paused_at__isnull=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .select_related("bank").order_by("id"))


def notices_of_bank(bank: Bank, *, limit: int = 20) -> list[BankNotice]:
    return list(BankNotice.objects.filter(bank=bank).order_by("-created_at", "-id")[:limit])
