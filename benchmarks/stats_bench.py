"""Every unit × category of one fiscal year on PostgreSQL: the engine as the app calls it (a covered year: the
kept group sums of the facts), the engine forced to aggregate the fact rows (``source="facts_scan"``, what it
did before the sums), against a one-pass aggregate over the events written here from domain.md §6 (no SQL
shared with reports.engine), against a plain scan of the facts table; then the cost of keeping the facts and
their group sums on each recorded event.

    python benchmarks/stats_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_facts_bench \\
        [--fiscal-year 2026] [--repeat 5] [--events 50]

The database is expected to hold the national synthetic dataset (`manage.py generate_synthetic --cases
1000000`, which rebuilds the facts and their sums at the end). Timings are interleaved (engine, engine on the
fact rows, one-pass, scan, engine, …) so load on the machine hits all alike; medians and ratios are printed.
Before timing, the engine on the sums, on the fact rows, on events and the one-pass aggregate are checked to
agree on every unit × category.

The second part records ``--events`` collections through cases.services (each its own transaction, as a web
request) on random open cases of the current fiscal year and prints the median and p95 of: the whole
service call, the facts refresh inside it (with the group sums' delta), and the report of the case's unit for
the fiscal year to date read right after the commit (which must show the new money).
"""
import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# domain.md §6, written from the text: one pass over the period's events grouped by case, taking the state
# before S and at E as the after-state of the case's last event on each side (ordered aggregates).
EVENTS_AGGREGATE = """
WITH history AS (
    SELECT case_id,
           (ARRAY_AGG(status_after ORDER BY sequence DESC) FILTER (WHERE stat_date < %(s)s))[1] AS status_b,
           (ARRAY_AGG(remaining_after ORDER BY sequence DESC) FILTER (WHERE stat_date < %(s)s))[1] AS left_b,
           (ARRAY_AGG(status_after ORDER BY sequence DESC))[1] AS status_e,
           (ARRAY_AGG(ground_after ORDER BY sequence DESC))[1] AS ground_e,
           (ARRAY_AGG(remaining_after ORDER BY sequence DESC))[1] AS left_e,
           (ARRAY_AGG(terminated_after ORDER BY sequence DESC))[1] AS term_e,
           BOOL_OR(stat_date >= %(s)s) AS active_in_period,
           COALESCE(SUM(amount) FILTER (WHERE kind = 'thu_tien' AND stat_date >= %(s)s), 0) AS paid,
           COALESCE(SUM(amount) FILTER (WHERE kind = 'giam' AND stat_date >= %(s)s), 0) AS cut
    FROM cases_caseevent
    WHERE stat_date <= %(e)s
    GROUP BY case_id
),
register AS (
    SELECT k.unit_id, k.category,
           k.stat_accepted_on < %(s)s
               AND COALESCE(h.status_b, 'with_conditions') NOT IN
                   ('completed', 'terminated', 'transferred_out', 'separate_book') AS old,
           k.stat_accepted_on >= %(s)s OR (h.status_b = 'separate_book' AND h.active_in_period) AS fresh,
           CASE WHEN k.stat_accepted_on >= %(s)s THEN k.amount_due ELSE COALESCE(h.left_b, k.amount_due) END
               AS opening,
           COALESCE(h.status_e, 'with_conditions') AS st, COALESCE(h.ground_e, '') AS gr,
           COALESCE(h.left_e, k.amount_due) AS closing, COALESCE(h.term_e, 0) AS term,
           COALESCE(h.paid, 0) AS paid, COALESCE(h.cut, 0) AS cut
    FROM cases_case k LEFT JOIN history h ON h.case_id = k.id
    WHERE k.stat_accepted_on <= %(e)s
),
bucketed AS (
    SELECT unit_id, category, old, fresh, opening, closing, term, paid, cut,
           CASE WHEN st IN ('completed', 'terminated', 'transferred_out') THEN st
                WHEN st = 'with_conditions' OR (st = 'postponed' AND gr = 'c') THEN 'go'
                WHEN st IN ('postponed', 'suspended') THEN 'held'
                ELSE 'none' END AS b
    FROM register WHERE old OR fresh
)
SELECT unit_id, category,
       COUNT(*) FILTER (WHERE old), COUNT(*) FILTER (WHERE fresh),
       COUNT(*) FILTER (WHERE b = 'transferred_out'), COUNT(*) FILTER (WHERE b = 'completed'),
       COUNT(*) FILTER (WHERE b = 'terminated'), COUNT(*) FILTER (WHERE b = 'go'),
       COUNT(*) FILTER (WHERE b = 'held'), COUNT(*) FILTER (WHERE b = 'none'),
       COALESCE(SUM(opening) FILTER (WHERE old), 0), COALESCE(SUM(opening) FILTER (WHERE fresh), 0),
       COALESCE(SUM(opening) FILTER (WHERE b = 'transferred_out'), 0),
       COALESCE(SUM(paid) FILTER (WHERE b <> 'transferred_out'), 0),
       COALESCE(SUM(cut) FILTER (WHERE b <> 'transferred_out'), 0),
       COALESCE(SUM(term) FILTER (WHERE b = 'terminated'), 0),
       COALESCE(SUM(closing) FILTER (WHERE b = 'go'), 0), COALESCE(SUM(closing) FILTER (WHERE b = 'held'), 0),
       COALESCE(SUM(closing) FILTER (WHERE b = 'none'), 0)
FROM bucketed
GROUP BY unit_id, category
"""

SCAN = """
SELECT unit_id, category, COUNT(*), SUM(base_money), SUM(remaining_end), SUM(collected)
FROM reports_caseyearfact WHERE fiscal_year = %(y)s GROUP BY unit_id, category
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fiscal-year", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--no-check", action="store_true", help="Skip the (slow) check against the events.")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
    import django

    django.setup()
    from django.db import connection

    from reports.engine import GroupRow, Hierarchy, facts_answer, group_rows, roll_up
    from reports.indicators import BASE_COUNTS, BASE_MONEY, Figures
    from thads.core.dates import fiscal_year_bounds
    from thads.org.models import Unit

    if connection.vendor != "postgresql":
        sys.exit("this benchmark runs on PostgreSQL")
    start, end = fiscal_year_bounds(args.fiscal_year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT COUNT(*) FROM cases_case), (SELECT COUNT(*) FROM cases_caseevent), "
                       "(SELECT COUNT(*) FROM reports_caseyearfact WHERE fiscal_year = %s)", [args.fiscal_year])
        cases_total, events_total, facts_total = cursor.fetchone()
    print(f"dataset: {cases_total:,} cases, {events_total:,} events, {facts_total:,} fact rows for "
          f"FY{args.fiscal_year} ({start} – {end}); engine reads facts: {facts_answer(start, end)}")
    if not facts_answer(start, end):
        sys.exit("the facts are not complete for this year: run `manage.py facts_rebuild` first")
    units = list(Unit.objects.active_on(end).values_list("id", flat=True))

    def report(rows) -> dict:
        hierarchy = Hierarchy(end)
        totals = roll_up(rows, hierarchy) | roll_up(rows, hierarchy, key=lambda row: row.category)
        return {key: (figures.cases(), figures.money()) for key, figures in totals.items()}

    def engine():
        return report(group_rows(start=start, end=end))

    def engine_scan():
        return report(group_rows(start=start, end=end, source="facts_scan"))

    def one_pass():
        with connection.cursor() as cursor:
            cursor.execute(EVENTS_AGGREGATE, {"s": start, "e": end})
            rows = cursor.fetchall()
        return report([GroupRow(unit_id, category, "", None, Figures(
            dict(zip(BASE_COUNTS, (int(v) for v in sums[:8]), strict=True)),
            dict(zip(BASE_MONEY, (int(v) for v in sums[8:]), strict=True)))) for unit_id, category, *sums in rows])

    def scan():
        with connection.cursor() as cursor:
            cursor.execute(SCAN, {"y": args.fiscal_year})
            return cursor.fetchall()

    # Agreement first: facts, events (the engine's other path) and the independent one-pass.
    by_facts, by_scan, by_one_pass = engine(), engine_scan(), one_pass()
    by_events = report(group_rows(start=start, end=end, source="events")) if not args.no_check else by_facts
    keys = [(unit_id, split) for unit_id in units for split in (None, "ngan_sach", "tin_dung_ngan_hang",
                                                                 "tham_nhung_kinh_te", "khac")]
    empty = (Figures.zero().cases(), Figures.zero().money())
    mismatches = sum(1 for key in keys if not (by_facts.get(key, empty) == by_scan.get(key, empty)
                                               == by_events.get(key, empty) == by_one_pass.get(key, empty)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reports_factgroupsum WHERE fiscal_year = %s", [args.fiscal_year])
        groups = cursor.fetchone()[0]
    print(f"unit × category figures: {len(keys):,}; mismatches sums/fact rows/events/one-pass: {mismatches}; "
          f"{groups:,} kept group sums for FY{args.fiscal_year}")

    times: dict[str, list[float]] = {"engine (group sums)": [], "engine on the fact rows (facts_scan)": [],
                                     "one-pass aggregate": [], "plain facts scan": []}
    for _ in range(args.repeat):
        for name, function in zip(times, (engine, engine_scan, one_pass, scan), strict=True):
            began = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - began)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n| FY{args.fiscal_year}, every unit × category ({args.repeat} interleaved runs) | median s | min s "
          f"| max s | ÷ engine |")
    print("|---|---|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {medians[name]:.2f} | {min(values):.2f} | {max(values):.2f} | "
              f"{medians[name] / medians['engine (group sums)']:.2f} |")
    print(f"\npeak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if mismatches:
        sys.exit(1)
    if args.events:
        _events_bench(args.events)


def _events_bench(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    import cases.services as services
    from cases.codes import EventKind, Status
    from cases.models import Case
    from cases.services import EventData, case_events_record
    from reports.engine import facts_answer, unit_figures
    from thads.core.dates import fiscal_year_bounds, fiscal_year_of

    today = timezone.localdate()
    start = fiscal_year_bounds(fiscal_year_of(today))[0]
    refresh = services.case_facts_refresh
    spent: list[float] = []

    def timed_refresh(ids):
        began = time.perf_counter()
        result = refresh(ids)
        spent.append(time.perf_counter() - began)
        return result

    services.case_facts_refresh = timed_refresh
    # The group sums' part of each refresh: their sums before and after, and the upsert of the difference.
    import reports.facts as facts_module

    sums_parts = {"_group_sums": facts_module._group_sums, "_sums_add": facts_module._sums_add}
    sums_spent: list[float] = []

    def timed(function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                sums_spent[-1] += time.perf_counter() - began
        return wrapper

    for name, function in sums_parts.items():
        setattr(facts_module, name, timed(function))
    rng = random.Random(50)
    candidates = list(Case.objects.filter(status=Status.WITH_CONDITIONS, amount_remaining__gt=1000,
                                          accepted_on__gte=date(2025, 7, 1)).values_list("pk", flat=True)[:5000])
    record_times, report_times = [], []
    try:
        for case_id in rng.sample(candidates, count):
            case = Case.objects.select_related("unit").get(pk=case_id)
            before = unit_figures(case.unit, start=start, end=today)
            sums_spent.append(0.0)
            began = time.perf_counter()
            with transaction.atomic():
                case_events_record(actor=None, case=case, events=[EventData(EventKind.THU_TIEN, today, 1000)],
                                   today=today)
            record_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            after = unit_figures(case.unit, start=start, end=today)
            report_times.append(time.perf_counter() - began)
            assert after.amounts["collected"] == before.amounts["collected"] + 1000, (before, after)
    finally:
        services.case_facts_refresh = refresh
        for name, function in sums_parts.items():
            setattr(facts_module, name, function)
    assert facts_answer(start, today)

    def row(name, values):
        ms = [v * 1000 for v in values]
        return f"| {name} | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} |"

    print(f"\n| one collection recorded, {count} events | median ms | p95 ms |")
    print("|---|---|---|")
    print(row("case_events_record (whole service call, committed)", record_times))
    print(row("… of which the facts refresh (with the group sums' delta)", spent))
    print(row("… … of which the group sums (before, after, fold or insert)", sums_spent))
    print(row("the unit's fiscal year to date read after the commit (group sums)", report_times))


if __name__ == "__main__":
    main()
