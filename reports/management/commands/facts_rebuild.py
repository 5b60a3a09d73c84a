"""python manage.py facts_rebuild [--year 2026 ...] [--rollover] [--check] [--sums] — the per-case facts and their
kept group sums."""
import time

from django.core.management.base import BaseCommand

from reports.facts import fact_sums_rebuild, facts_check, facts_rebuild, facts_rollover


class Command(BaseCommand):
    help = ("Rebuild the per-case facts the statistics read (all, or some fiscal years); --rollover only adds the "
            "fiscal years not built yet; --check compares them with a rebuild and repairs any drift; --sums "
            "recomputes only their group sums (a rebuild recomputes them too).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", help="A fiscal year (repeatable).")
        parser.add_argument("--rollover", action="store_true")
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--sums", action="store_true")

    def handle(self, *args, years=None, rollover=False, check=False, sums=False, **options):
        started = time.perf_counter()

        def progress(year, rows):
            self.stderr.write(f"  FY{year}: {rows} rows ({time.perf_counter() - started:.1f} s)")

        if check:
            drift = facts_check(repair=True)
            self.stdout.write(f"{drift.checked} rows checked through FY{drift.through}; {drift.count} drifted, "
                              f"{len(drift.groups)} group sums drifted (repaired) in "
                              f"{time.perf_counter() - started:.1f} s")
            return
        if sums:
            fact_sums_rebuild(fiscal_years=years)
            self.stdout.write(f"group sums recomputed in {time.perf_counter() - started:.1f} s")
            return
        if rollover:
            built = facts_rollover(progress=progress)
            self.stdout.write(f"rollover: fiscal years {built or 'none'} in {time.perf_counter() - started:.1f} s")
            return
        rows = facts_rebuild(fiscal_years=years, progress=progress)
        self.stdout.write(f"{rows} fact rows in {time.perf_counter() - started:.1f} s")
