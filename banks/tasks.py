"""Celery entry points for webhooks (queue "default")."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="banks.tasks.webhook_deliver", autoretry_for=(OperationalError,), retry_backoff=5, max_retries=3,
             acks_late=True)
def webhook_deliver(endpoint_id: int) -> dict:
    """Deliver one endpoint's pending entries (banks.webhooks.services.endpoint_deliver). Rerunnable: a run that
    finds the endpoint leased, paused or waiting does nothing. With a worker, a failed entry's retry and the
    rest of a long backlog are queued at once (the dispatcher is the safety net); in-process (no broker),
    the next webhooks_dispatch picks them up."""
    from banks.webhooks.services import endpoint_deliver
    from thads.celery import app

    result = endpoint_deliver(endpoint_id=endpoint_id)
    if not app.conf.task_always_eager:
        if result["state"] == "retrying":
            webhook_deliver.apply_async((endpoint_id,), countdown=result["retry_in"])
        elif result["state"] == "more":
            webhook_deliver.delay(endpoint_id)
    return result


@shared_task(name="banks.tasks.webhooks_dispatch")
def webhooks_dispatch() -> int:
    """Queue a delivery run for every endpoint that is due and has something to send; returns how many."""
    from banks.selectors import bank_changes
    from banks.webhooks.selectors import webhooks_due

    queued = 0
    for endpoint in webhooks_due():
        if bank_changes(endpoint.bank, after=endpoint.last_delivered, limit=1):
            webhook_deliver.delay(endpoint.pk)
            queued += 1
    return queued


@shared_task(name="banks.tasks.webhook_log_prune")
def webhook_log_prune() -> int:
    from banks.webhooks.services import webhook_deliveries_prune

    return webhook_deliveries_prune()
