"""The Celery application. Reads CELERY_* settings and autodiscovers tasks.py in every app."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")

app = Celery("thads")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from datetime import timedelta  # noqa: E402

from celery.schedules import crontab  # noqa: E402

# Beat schedule, declared in code. One entry per job, each with why it runs when it does.
app.conf.beat_schedule = {
    # Every night at 01:30 (Asia/Ho_Chi_Minh), after the offices have stopped recording: refresh the
    # snapshots of every unit for the current fiscal year (cumulative to last month, and to date), so the
    # directors' pages open on yesterday's figures without computing anything.
    "nightly-statistics-refresh": {
        "task": "reports.tasks.nightly_refresh",
        "schedule": crontab(hour=1, minute=30),
        "options": {"queue": "stats"},
    },
    # Every night at 01:00: rebuild the cached deadlines of every open case (Case.next_due_on and the open
    # duties the deadline lists read). The services keep them in step as they write; this is the safety net
    # for anything written around them (bulk loads, a holiday calendar edited outside the admin).
    "nightly-deadlines-refresh": {
        "task": "cases.tasks.refresh_deadlines",
        "schedule": crontab(hour=1, minute=0),
        "options": {"queue": "default"},
    },
    # Every 30 seconds: number the committed change-feed rows that have no position yet. The services number
    # their rows when they commit and every feed read numbers what is left, so this only bounds the delay of a
    # row whose after-commit relay did not run (cases.services.changes).
    "relay-case-changes": {
        "task": "cases.tasks.relay_changes",
        "schedule": 30.0,
        "options": {"queue": "default", "expires": 25},
    },
    # Every minute: statistics jobs (refreshes, form exports) pending or running with no sign of life for
    # STATS_JOB_STALE_SECONDS are queued again or marked failed (reports.services.jobs_sweep_stale), so a job
    # whose worker was killed never stays "running" for ever. Cheap: one query on a partial index of the
    # unfinished jobs.
    "stale-jobs-sweep": {
        "task": "reports.tasks.sweep_stale_jobs",
        "schedule": 60.0,
        "options": {"queue": "default"},
    },
    # Every 10 seconds: start a delivery run on every webhook endpoint that has feed entries to send and is not
    # waiting for a retry (banks.tasks.webhooks_dispatch). Entries reach a bank within seconds of their
    # commit; a run queues its own retries, this is also the safety net when a worker died mid-run.
    "webhooks-dispatch": {
        "task": "banks.tasks.webhooks_dispatch",
        "schedule": timedelta(seconds=10),
        "options": {"queue": "default", "expires": 10},
    },
    # Every night at 02:00: delete webhook delivery log rows older than WEBHOOK_LOG_DAYS.
    "webhook-log-prune": {
        "task": "banks.tasks.webhook_log_prune",
        "schedule": crontab(hour=2, minute=0),
        "options": {"queue": "default"},
    },
}
