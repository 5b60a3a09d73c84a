"""python manage.py stats_refresh [--wait] [--today YYYY-MM-DD] — refresh the snapshots now, through Celery."""
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.models import StatsJob
from reports.services import job_create
from reports.tasks import refresh_statistics


class Command(BaseCommand):
    help = "Queue the statistics refresh for every unit now (runs in-process when REDIS_URL is unset)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="wait for the job and print its result")
        parser.add_argument("--timeout", type=int, default=1800)
        parser.add_argument("--today", default=None, help="compute as if today were this date")

    def handle(self, *args, wait=False, timeout=1800, today=None, **options):
        if today:
            try:
                date.fromisoformat(today)
            except ValueError:
                raise CommandError(_("«%(text)s» is not a date (YYYY-MM-DD).") % {"text": today}) from None
        job = job_create(kind="manual_refresh", params={"today": today})
        refresh_statistics.apply_async(args=[job.pk, today], queue="stats")
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
