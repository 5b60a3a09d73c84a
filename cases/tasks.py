"""Celery entry points for cases (queue "default")."""
from celery import shared_task
from django.db import OperationalError


@shared_task(name="cases.tasks.refresh_deadlines", autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3,
             acks_late=True)
def refresh_deadlines() -> dict:
    """Rebuild the cached deadlines of every open case (cases.services.deadlines.deadlines_refresh_all):
    nightly, and after an administrator changed the holiday calendar. Idempotent: a rerun on unchanged data
    writes nothing."""
    from cases.services.deadlines import deadlines_refresh_all

    return deadlines_refresh_all()
