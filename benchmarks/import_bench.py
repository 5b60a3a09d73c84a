"""Time `import_ledger` on a generated ledger against a bare bulk load of the same rows, interleaved.

    python benchmarks/import_bench.py [--cases 3000] [--events 8000] [--rounds 2] [--seed 1] [--database-url URL]

Default database: a fresh SQLite file in a temporary directory. On PostgreSQL pass a database of its own (it is
migrated, and its cases are deleted between runs), e.g. postgres://postgres@127.0.0.1:5432/thads_importer_bench.

The baseline reads the same CSV files with the csv module and loads the same rows the import writes (cases,
two parties per case, events, one change-feed row per case and per event) with no check and no state: COPY on
PostgreSQL, executemany on SQLite, in one transaction. It is the floor for any importer of these files on this
database. Baseline and import alternate, ``--rounds`` times each, so a noisy machine slows both alike; the best
run of each is compared. The extrapolation to a national ledger (1M cases, 3M events) scales the best time by
the number of rows.
"""
import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONAL_ROWS = 1_000_000 + 3_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--events", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="thads-import-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.ledger.importer import import_ledger
    from cases.ledger.synthetic import generate_ledger, write_reference_files
    from cases.models import Case, CaseEvent

    call_command("migrate", verbosity=0)
    wipe()
    # Units and banks first (they are few and not what is measured): a ledger with no case.
    reference = workdir / "reference"
    reference.mkdir()
    write_reference_files(reference)
    (reference / "cases.csv").write_text("case_no,unit_code,decision_no,accepted_on,origin,category,judgment_type,"
                                         "debtor_name,creditor_name,amount_due\n", encoding="utf-8")
    (reference / "events.csv").write_text("case_no,date,kind\n", encoding="utf-8")
    import_ledger(reference)

    ledger = generate_ledger(workdir / "ledger", cases=args.cases, events=args.events, seed=args.seed)
    rows = ledger.cases + ledger.events
    print(f"database: {connection.vendor}; ledger: {ledger.cases:,} cases, {ledger.events:,} events "
          f"({rows:,} rows); {args.rounds} rounds, interleaved")

    baseline_times, import_times, baseline_cpu, import_cpu = [], [], [], []
    for round_number in range(1, args.rounds + 1):
        wipe()
        started, cpu = time.perf_counter(), time.process_time()
        _baseline(ledger.directory)
        baseline_times.append(time.perf_counter() - started)
        baseline_cpu.append(time.process_time() - cpu)
        assert (Case.objects.count(), CaseEvent.objects.count()) == (ledger.cases, ledger.events)
        wipe()
        started, cpu = time.perf_counter(), time.process_time()
        summary = import_ledger(ledger.directory)
        import_times.append(time.perf_counter() - started)
        import_cpu.append(time.process_time() - cpu)
        assert (summary.cases, summary.events) == (ledger.cases, ledger.events)
        # The CPU time of this process (Python: reading, checking, building rows) against the wall time, which
        # adds the database's own work: on a shared machine the difference shows who was waiting.
        print(f"  round {round_number}: baseline {baseline_times[-1]:7.2f} s ({baseline_cpu[-1]:6.2f} s CPU here), "
              f"import {import_times[-1]:7.2f} s ({import_cpu[-1]:6.2f} s CPU here)")
    wipe()

    best_import, best_baseline = min(import_times), min(baseline_times)
    label = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"import_ledger:             {best_import:8.2f} s  ({rows / best_import:10,.0f} rows/s)")
    print(f"bare {label + ' (baseline):':<21}{best_baseline:8.2f} s  ({rows / best_baseline:10,.0f} rows/s)")
    print(f"ratio import/baseline:     {best_import / best_baseline:8.2f} x")
    scale = NATIONAL_ROWS / rows
    print(f"extrapolated to 1M cases + 3M events: import {best_import * scale / 60:6.1f} min, "
          f"baseline {best_baseline * scale / 60:6.1f} min")


def wipe() -> None:
    from django.db import connection, transaction

    tables = ["cases_casechange", "cases_caseevent", "cases_party", "cases_case"]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)


def _baseline(directory: Path) -> None:
    """Load the ledger's rows as they are: no check, no state, one transaction, the database's bulk path."""
    from django.db import connection, transaction
    from django.utils import timezone

    from banks.models import Bank
    from thads.org.models import Unit

    now = timezone.now()
    units = dict(Unit.objects.values_list("code", "pk"))
    banks = dict(Bank.objects.values_list("code", "pk"))
    with (directory / "cases.csv").open(newline="", encoding="utf-8") as handle:
        case_rows = list(csv.DictReader(handle))
    with (directory / "events.csv").open(newline="", encoding="utf-8") as handle:
        event_rows = list(csv.DictReader(handle))

    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        case_ids = _new_ids(cursor, "cases_case", len(case_rows))
        event_ids = _new_ids(cursor, "cases_caseevent", len(event_rows))
        by_no = {}
        cases = []
        for new_id, r in zip(case_ids, case_rows, strict=True):
            by_no[r["case_no"]] = new_id
            amount = int(r["amount_due"])
            cases.append((new_id, r["case_no"], r["decision_no"], r["accepted_on"], r["accepted_on"],
                          r["judgment_type"], units[r["unit_code"]], r["origin"], r["category"], amount,
                          banks.get(r["bank_code"]), "with_conditions", "", 0, 0, 0, amount, 0, now, now, "", "", ""))
        _load(cursor, "cases_case", ["id", "case_no", "decision_no", "accepted_on", "stat_accepted_on",
                                     "judgment_type", "unit_id", "origin", "category", "amount_due",
                                     "creditor_bank_id", "status", "status_ground", "amount_collected",
                                     "amount_reduced", "amount_terminated", "amount_remaining", "event_count",
                                     "created_at", "updated_at", "judgment_court", "judgment_no",
                                     "next_due_kind"], cases)
        parties = [(by_no[r["case_no"]], role, "person", r[column], r[column].casefold(), "", "")
                   for r in case_rows for role, column in (("debtor", "debtor_name"), ("creditor", "creditor_name"))]
        _load(cursor, "cases_party", ["case_id", "role", "kind", "name", "name_folded", "id_number", "address"],
              parties)
        sequence: dict[str, int] = {}
        events = []
        for new_id, r in zip(event_ids, event_rows, strict=True):
            sequence[r["case_no"]] = sequence.get(r["case_no"], 0) + 1
            events.append((new_id, by_no[r["case_no"]], sequence[r["case_no"]], r["date"], r["date"], r["kind"],
                           int(r["amount"]) if r["amount"] else None, r["ground"], r["note"], "with_conditions", "",
                           0, 0, 0, 0, "import", now))
        _load(cursor, "cases_caseevent", ["id", "case_id", "sequence", "date", "stat_date", "kind", "amount",
                                          "ground", "note", "status_after", "ground_after", "collected_after",
                                          "reduced_after", "terminated_after", "remaining_after", "source",
                                          "recorded_at"], events)
        changes = [(case_id, "case_created", None, now, "with_conditions", "{}") for case_id in case_ids] + [
            (event[1], "event_recorded", event[0], now, "with_conditions", "{}") for event in events]
        _load(cursor, "cases_casechange", ["case_id", "kind", "event_id", "recorded_at", "case_status", "payload"],
              changes)


def _new_ids(cursor, table: str, count: int) -> list[int]:
    from django.db import connection

    if connection.vendor == "postgresql":
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, count])
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (fixed names)
    start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _load(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(r"\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", "\\t")
                                   .replace("\n", "\\n") for v in row) + "\n")
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    else:
        values = [tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row) for row in rows]
        placeholders = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                           values)


if __name__ == "__main__":
    main()
