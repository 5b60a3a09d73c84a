"""python manage.py stats_refresh [--wait] [--in-process] [--today YYYY-MM-DD] — refresh the snapshots now, through
Celery. Without a reachable broker it says so in one line and exits with status 1, recording the job as failed
(never left pending), unless --in-process asks to run the refresh here instead."""
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.models import StatsJob
from reports.services import job_create, job_fail
from reports.tasks import refresh_statistics
from thads.core.broker import broker_problem


class BrokerUnreachable(Exception):
    pass


class Command(BaseCommand):
    help = "Queue the statistics refresh for every unit now (runs in-process when REDIS_URL is unset)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="wait for the job and print its result")
        parser.add_argument("--timeout", type=int, default=1800)
        parser.add_argument("--today", default=None, help="compute as if today were this date")
        parser.add_argument("--in-process", action="store_true",
                            help="run the refresh in this process, without Celery (e.g. while the broker is down)")

    def handle(self, *args, wait=False, timeout=1800, today=None, in_process=False, **options):
        if today:
            try:
                date.fromisoformat(today)
            except ValueError:
                raise CommandError(_("«%(text)s» is not a date (YYYY-MM-DD).") % {"text": today}) from None
        if in_process:
            job = job_create(kind="manual_refresh", params={"today": today})
            try:
                refresh_statistics.apply(args=[job.pk, today], throw=True)
            except Exception as error:
                job.refresh_from_db()
                raise CommandError(f"job {job.pk} {job.status}: {type(error).__name__}: {error}") from None
            job.refresh_from_db()
            self.stdout.write(f"job {job.pk} {job.status} {job.progress}% {job.message}".rstrip())
            return
        problem = broker_problem()
        job = job_create(kind="manual_refresh", params={"today": today})
        if problem is None:
            try:
                refresh_statistics.apply_async(args=[job.pk, today], queue="stats")
            except Exception as error:  # the broker went away between the check and the publish
                problem = f"{type(error).__name__}: {error}"
        if problem is not None:
            job_fail(job, BrokerUnreachable(problem))
            raise CommandError(_("The task queue (Celery broker, REDIS_URL) is unreachable: %(problem)s. Job %(job)s "
                                 "is recorded as failed; start Redis, or run with --in-process.") % {
                "problem": problem.rstrip("."), "job": job.pk})
        self.stdout.write(f"job {job.pk} queued")
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (StatsJob.Status.SUCCEEDED, StatsJob.Status.FAILED):
                break
            time.sleep(0.5)
        self.stdout.write(f"job {job.pk} {job.status} {job.progress}% {job.message} {job.error}".rstrip())
        if job.status != StatsJob.Status.SUCCEEDED:
            raise CommandError(f"job {job.pk} did not succeed: {job.status}")
