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


@shared_task(name="cases.tasks.relay_changes", autoretry_for=(OperationalError,), retry_backoff=5, max_retries=3,
             ignore_result=True)
def relay_changes() -> int:
    """Give the committed change-feed rows their positions (cases.services.changes.case_changes_relay): the
    safety net for a write whose after-commit relay did not run (process killed between commit and relay, a
    bulk path that forgot the hook). One indexed query when there is nothing to do."""
    from cases.services.changes import case_changes_relay

    return case_changes_relay()
