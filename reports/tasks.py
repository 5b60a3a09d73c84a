"""Celery entry points for statistics (queue "stats"). Each takes ids, calls one service, records the job."""
import logging

from celery import shared_task
from django.db import OperationalError

from reports.models import StatsJob
from reports.services import job_fail, statistics_refresh

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="reports.tasks.refresh_statistics", autoretry_for=(OperationalError,),
             retry_backoff=30, max_retries=3, acks_late=True)
def refresh_statistics(self, job_id: int, today: str | None = None) -> int:
    """Recompute the snapshots of every unit for the current periods. Idempotent: a rerun on the same data
    writes nothing; a failed run leaves the previous snapshots in place."""
    from datetime import date

    job = StatsJob.objects.get(pk=job_id)
    StatsJob.objects.filter(pk=job_id).update(task_id=self.request.id or "",
                                              worker="" if self.request.is_eager else (self.request.hostname or ""))
    try:
        return statistics_refresh(job=job, today=date.fromisoformat(today) if today else None)
    except OperationalError:
        raise  # transient: Celery retries
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


@shared_task(bind=True, name="reports.tasks.export_form", autoretry_for=(OperationalError,), retry_backoff=30,
             max_retries=3, acks_late=True)
def export_form(self, job_id: int) -> str:
    """Write one official form (queue "exports"); the job records progress, the file or the error."""
    from reports.forms.services import form_export_run

    job = StatsJob.objects.select_related("unit").get(pk=job_id)
    StatsJob.objects.filter(pk=job_id).update(task_id=self.request.id or "",
                                              worker="" if self.request.is_eager else (self.request.hostname or ""))
    try:
        return form_export_run(job=job)
    except OperationalError:
        raise
    except Exception as error:
        logger.exception("form export %s failed", job_id)
        job_fail(job, error)
        if self.request.is_eager:
            return ""  # in-process: the job row carries the error for the page
        raise
