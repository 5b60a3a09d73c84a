"""python manage.py generate_synthetic --cases N --seed S — a national dataset for scale tests."""
import time

from django.core.management.base import BaseCommand

from reports.synthetic import generate


class Command(BaseCommand):
    help = "Add N synthetic cases (national hierarchy before and after 2025, three fiscal years of histories)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-facts", action="store_true",
                            help="Do not rebuild the per-case facts afterwards (run facts_rebuild later).")

    def handle(self, *args, cases, seed, no_facts=False, **options):
        started = time.perf_counter()
        result = generate(cases=cases, seed=seed,
                          progress=lambda done, total: self.stderr.write(f"  {done}/{total} cases"))
        self.stdout.write(f"{result['cases']} cases, {result['events']} events in "
                          f"{time.perf_counter() - started:.1f} s")
        if not no_facts:
            from reports.facts import facts_rebuild

            started = time.perf_counter()
            rows = facts_rebuild()
            self.stdout.write(f"{rows} fact rows in {time.perf_counter() - started:.1f} s")
