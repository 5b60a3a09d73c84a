"""python manage.py deadlines_refresh [--batch N] — rebuild the cached deadlines of every open case."""
import time

from django.core.management.base import BaseCommand

from cases.services.deadlines import BATCH_SIZE, deadlines_refresh_all


class Command(BaseCommand):
    help = ("Rebuild the cached deadlines (Case.next_due_on, OpenDeadline) of every open case, in batches with "
            "flat memory: after a bulk import, after the holiday calendar changed. Also runs nightly (Celery beat).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="cases per transaction")

    def handle(self, *args, batch=BATCH_SIZE, **options):
        started = time.perf_counter()
        result = deadlines_refresh_all(
            batch_size=max(1, batch),
            progress=lambda seen, changed: self.stderr.write(f"  {seen} cases, {changed} changed")
            if seen % (batch * 25) == 0 else None)
        self.stdout.write(f"{result['cases']} cases checked, {result['changed']} changed in "
                          f"{time.perf_counter() - started:.1f} s")
