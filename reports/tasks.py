"""Celery entry points for statistics (queue "stats"). Each takes ids, calls one service, records the job.

The job tasks survive their worker (docs/operations.md): ``acks_late`` and ``reject_on_worker_lost`` keep the
message in Redis until the task has finished; each delivery first claims the job (reports.services.job_claim), so a
duplicate or redelivered message for a job that is finished or alive elsewhere does nothing; a thread records a
heartbeat on the job row while it runs; jobs that fell silent are queued again or failed by
reports.services.jobs_sweep_stale, run when a worker starts, every minute from beat, and before a dashboard refresh.
"""
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from reports.models import StatsJob
from reports.services import JobSuperseded, job_claim, job_fail, job_heartbeat, jobs_sweep_stale, statistics_refresh

logger = logging.getLogger(__name__)

JOB_OPTIONS = {"autoretry_for": (OperationalError,), "retry_backoff": 30, "max_retries": 3, "acks_late": True,
               "reject_on_worker_lost": True}


def _claim(task, job_id: int) -> StatsJob | None:
    request = task.request
    return job_claim(job_id, task_id=request.id or "", worker="" if request.is_eager else (request.hostname or ""),
                     retry=bool(request.retries))


@shared_task(bind=True, name="reports.tasks.refresh_statistics", **JOB_OPTIONS)
def refresh_statistics(self, job_id: int, today: str | None = None) -> int:
    """Recompute the snapshots of every unit for the current periods. Idempotent: a rerun on the same data
    writes nothing; a failed or killed run leaves the previous snapshots in place; a second delivery of the
    same job does nothing once the job has finished or while it runs elsewhere."""
    from datetime import date

    job = _claim(self, job_id)
    if job is None:
        return 0
    try:
        with job_heartbeat(job):
            return statistics_refresh(job=job, today=date.fromisoformat(today) if today else None)
    except JobSuperseded as error:
        logger.warning("statistics refresh %s: %s; nothing written", job_id, error)
        return 0
    except OperationalError:
        raise  # transient: Celery retries (the retry takes over this run: same task id)
    except Exception as error:
        logger.exception("statistics refresh %s failed", job_id)
        job_fail(job, error)
        raise


@shared_task(name="reports.tasks.nightly_refresh")
def nightly_refresh() -> int:
    """Beat entry: create a job record and run the refresh on the stats queue."""
    from reports.services import job_create

    job = job_create(kind="nightly_refresh")
    refresh_statistics.apply_async(args=[job.pk], queue="stats")
    return job.pk


@shared_task(bind=True, name="reports.tasks.export_form", **JOB_OPTIONS)
def export_form(self, job_id: int) -> str:
    """Write one official form (queue "exports"); the job records progress, the file or the error."""
    from reports.forms.services import form_export_run

    if _claim(self, job_id) is None:
        return ""
    job = StatsJob.objects.select_related("unit").get(pk=job_id)
    try:
        with job_heartbeat(job):
            return form_export_run(job=job)
    except OperationalError:
        raise
    except Exception as error:
        logger.exception("form export %s failed", job_id)
        job_fail(job, error)
        if self.request.is_eager:
            return ""  # in-process: the job row carries the error for the page
        raise


@shared_task(name="reports.tasks.sweep_stale_jobs")
def sweep_stale_jobs() -> dict:
    """Beat entry (every minute, queue "default"): queue again or fail the jobs whose worker fell silent."""
    return jobs_sweep_stale()


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that starts (often: restarted after one died) recovers the jobs left silent at once."""
    try:
        counts = jobs_sweep_stale()
    except Exception:  # noqa: BLE001 — never keep a worker from starting
        logger.exception("stale job sweep at worker start failed")
        return
    if any(counts.values()):
        logger.warning("stale jobs at worker start: %s", counts)


# How the sweep queues a job of each kind again: kind → (task, args, queue).
JOB_TASKS = {
    "manual_refresh": lambda job: (refresh_statistics, [job.pk, job.params.get("today")], "stats"),
    "nightly_refresh": lambda job: (refresh_statistics, [job.pk, job.params.get("today")], "stats"),
    "form_export": lambda job: (export_form, [job.pk], "exports"),
}
