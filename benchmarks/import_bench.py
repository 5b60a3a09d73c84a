"""Time `import_ledger` on a generated ledger against a bare bulk insert of the same rows.

    python benchmarks/import_bench.py [--cases 3000] [--events 8000] [--seed 1] [--database-url URL]

Default database: a fresh SQLite file in a temporary directory (the acceptance target: 3,000 cases and
8,000 events in under 60 s on SQLite). The baseline writes the same cases, parties and events with
bulk_create and no validation, in one transaction: the floor for any importer on this database. The ratio
is the price of running every row through the services (lifecycle checks, row locks, cached state).
"""
import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--events", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="thads-import-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from banks.models import Bank
    from cases.ledger.importer import import_ledger
    from cases.ledger.synthetic import generate_ledger
    from cases.models import Case, CaseEvent, Party
    from thads.org.models import Unit

    call_command("migrate", verbosity=0)
    ledger = generate_ledger(workdir / "ledger", cases=args.cases, events=args.events, seed=args.seed)
    print(f"database: {connection.vendor}; ledger: {ledger.cases} cases, {ledger.events} events")

    def wipe() -> None:
        with transaction.atomic():
            CaseEvent.objects.all().delete()
            Party.objects.all().delete()
            Case.objects.all().delete()
            Bank.objects.all().delete()
            Unit.objects.filter(parent__isnull=False).delete()
            Unit.objects.all().delete()

    started = time.perf_counter()
    summary = import_ledger(ledger.directory)
    import_seconds = time.perf_counter() - started
    assert summary.cases == ledger.cases and summary.events == ledger.events
    wipe()

    started = time.perf_counter()
    _bulk_baseline(ledger.directory)
    baseline_seconds = time.perf_counter() - started
    assert Case.objects.count() == ledger.cases and CaseEvent.objects.count() == ledger.events

    print(f"import_ledger (services):  {import_seconds:8.2f} s  "
          f"({(ledger.cases + ledger.events) / import_seconds:,.0f} rows/s)")
    print(f"bulk insert (baseline):    {baseline_seconds:8.2f} s  "
          f"({(ledger.cases + ledger.events) / baseline_seconds:,.0f} rows/s)")
    print(f"ratio import/baseline:     {import_seconds / baseline_seconds:8.1f} x")


def _bulk_baseline(directory: Path) -> None:
    """Insert the ledger's rows as they are: no validation, no state, one transaction."""
    from django.db import transaction

    from banks.models import Bank
    from cases.models import Case, CaseEvent, Party
    from thads.org.models import Unit

    def rows(name):
        with (directory / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    with transaction.atomic():
        units = {}
        for row in rows("units.csv"):
            units[row["code"]] = Unit.objects.create(
                code=row["code"], name=row["name"], level=row["level"], parent=units.get(row["parent_code"]),
                valid_from=row["valid_from"], valid_to=row["valid_to"] or None)
        banks = {row["code"]: Bank.objects.create(code=row["code"], name=row["name"]) for row in rows("banks.csv")}
        cases = Case.objects.bulk_create([
            Case(case_no=r["case_no"], decision_no=r["decision_no"], accepted_on=r["accepted_on"],
                 stat_accepted_on=r["accepted_on"],
                 unit=units[r["unit_code"]], origin=r["origin"], category=r["category"],
                 judgment_type=r["judgment_type"], amount_due=int(r["amount_due"]),
                 amount_remaining=int(r["amount_due"]), creditor_bank=banks.get(r["bank_code"]))
            for r in rows("cases.csv")], batch_size=500)
        by_no = {case.case_no: case for case in cases}
        Party.objects.bulk_create(
            [Party(case=by_no[r["case_no"]], role="debtor", name=r["debtor_name"]) for r in rows("cases.csv")]
            + [Party(case=by_no[r["case_no"]], role="creditor", name=r["creditor_name"]) for r in rows("cases.csv")],
            batch_size=500)
        sequence: dict[str, int] = {}
        events = []
        for r in rows("events.csv"):
            sequence[r["case_no"]] = sequence.get(r["case_no"], 0) + 1
            events.append(CaseEvent(case=by_no[r["case_no"]], sequence=sequence[r["case_no"]], date=r["date"],
                                    stat_date=r["date"],
                                    kind=r["kind"], amount=int(r["amount"]) if r["amount"] else None,
                                    ground=r["ground"], source="import", status_after="with_conditions",
                                    collected_after=0, reduced_after=0, terminated_after=0,
                                    remaining_after=0))
        CaseEvent.objects.bulk_create(events, batch_size=500)


if __name__ == "__main__":
    main()
