"""The all-units fiscal-year report on PostgreSQL: the engine against one hand-written SQL query.

    python benchmarks/stats_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_bench \\
        [--cases 100000] [--seed 1] [--fiscal-year 2026] [--repeat 3]

Loads the national synthetic dataset (generate_synthetic) into that database if it holds fewer cases than
asked, then, for the fiscal year's period, times:

- engine: reports.engine.group_rows for every unit + roll_up over the hierarchy at the period's end + the
  report dictionaries (targets, derived indicators) for every unit — what the nightly job does per category;
- baseline: one hand-written SQL statement that classifies every case and sums it into every ancestor of
  the unit answering for it at the period's end (recursive CTE), returning the base sums per unit.

Both must agree on every unit's base sums (checked). Prints the best of --repeat runs for each, their
ratio, and peak memory (Python heap by tracemalloc in an extra untimed run, and the process's max RSS).
"""
import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BASELINE = """
WITH RECURSIVE effective AS (
    SELECT u.id AS unit_id,
           CASE WHEN u.valid_from <= %(end)s AND (u.valid_to IS NULL OR u.valid_to >= %(end)s) THEN u.id
                ELSE COALESCE((SELECT MIN(l.from_unit_id) FROM org_unit_predecessors l
                               JOIN org_unit s ON s.id = l.from_unit_id
                               WHERE l.to_unit_id = u.id AND s.valid_from <= %(end)s
                                 AND (s.valid_to IS NULL OR s.valid_to >= %(end)s)), u.id) END AS answering_id
    FROM org_unit u
),
ancestry AS (
    SELECT u.id AS unit_id, u.id AS ancestor_id, u.parent_id AS next_id FROM org_unit u
    UNION ALL
    SELECT a.unit_id, p.id, p.parent_id FROM ancestry a JOIN org_unit p ON p.id = a.next_id
),
marks AS (
    SELECT e.case_id,
           MAX(CASE WHEN e.stat_date < %(start)s THEN e.sequence END) AS seq_before,
           MAX(e.sequence) AS seq_end,
           SUM(CASE WHEN e.kind = 'thu_tien' AND e.stat_date >= %(start)s THEN e.amount ELSE 0 END) AS collected,
           SUM(CASE WHEN e.kind = 'giam' AND e.stat_date >= %(start)s THEN e.amount ELSE 0 END) AS reduced
    FROM cases_caseevent e WHERE e.stat_date <= %(end)s GROUP BY e.case_id
),
cases AS (
    SELECT c.unit_id,
           (c.stat_accepted_on < %(start)s AND COALESCE(b.status_after, 'with_conditions')
                NOT IN ('completed', 'terminated', 'transferred_out', 'separate_book'))::int AS carried,
           (c.stat_accepted_on >= %(start)s OR (b.status_after = 'separate_book' AND m.seq_end > m.seq_before))::int
               AS fresh,
           CASE WHEN c.stat_accepted_on >= %(start)s THEN c.amount_due ELSE COALESCE(b.remaining_after, c.amount_due)
                END AS base_money,
           COALESCE(x.status_after, 'with_conditions') AS st, COALESCE(x.ground_after, '') AS gr,
           COALESCE(x.remaining_after, c.amount_due) AS rem, COALESCE(x.terminated_after, 0) AS term,
           COALESCE(m.collected, 0) AS col, COALESCE(m.reduced, 0) AS red
    FROM cases_case c
    LEFT JOIN marks m ON m.case_id = c.id
    LEFT JOIN cases_caseevent b ON b.case_id = c.id AND b.sequence = m.seq_before
    LEFT JOIN cases_caseevent x ON x.case_id = c.id AND x.sequence = m.seq_end
    WHERE c.stat_accepted_on <= %(end)s
),
counted AS (
    SELECT unit_id, carried, fresh, base_money, col, red, rem, term,
           CASE WHEN st IN ('completed', 'terminated', 'transferred_out') THEN st
                WHEN st = 'with_conditions' OR (st = 'postponed' AND gr = 'c') THEN 'in_progress'
                WHEN st IN ('postponed', 'suspended') THEN 'postponed_or_suspended'
                ELSE 'without_conditions' END AS outcome
    FROM cases WHERE carried = 1 OR fresh = 1
),
per_unit AS (
    SELECT unit_id,
           SUM(carried) AS n1, SUM(fresh) AS n2,
           SUM((outcome = 'transferred_out')::int) AS n3, SUM((outcome = 'completed')::int) AS n4,
           SUM((outcome = 'terminated')::int) AS n5, SUM((outcome = 'in_progress')::int) AS n6,
           SUM((outcome = 'postponed_or_suspended')::int) AS n7, SUM((outcome = 'without_conditions')::int) AS n8,
           SUM(carried * base_money) AS m1, SUM(fresh * base_money) AS m2,
           SUM(CASE WHEN outcome = 'transferred_out' THEN base_money ELSE 0 END) AS m3,
           SUM(CASE WHEN outcome <> 'transferred_out' THEN col ELSE 0 END) AS m4,
           SUM(CASE WHEN outcome <> 'transferred_out' THEN red ELSE 0 END) AS m5,
           SUM(CASE WHEN outcome = 'terminated' THEN term ELSE 0 END) AS m6,
           SUM(CASE WHEN outcome = 'in_progress' THEN rem ELSE 0 END) AS m7,
           SUM(CASE WHEN outcome = 'postponed_or_suspended' THEN rem ELSE 0 END) AS m8,
           SUM(CASE WHEN outcome = 'without_conditions' THEN rem ELSE 0 END) AS m9
    FROM counted GROUP BY unit_id
)
SELECT a.ancestor_id, SUM(n1), SUM(n2), SUM(n3), SUM(n4), SUM(n5), SUM(n6), SUM(n7), SUM(n8),
       SUM(m1), SUM(m2), SUM(m3), SUM(m4), SUM(m5), SUM(m6), SUM(m7), SUM(m8), SUM(m9)
FROM per_unit p
JOIN effective f ON f.unit_id = p.unit_id
JOIN ancestry a ON a.unit_id = f.answering_id
GROUP BY a.ancestor_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fiscal-year", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case
    from reports.engine import Hierarchy, group_rows, roll_up
    from reports.indicators import BASE_COUNTS, BASE_MONEY, Figures
    from reports.selectors import targets_by_unit
    from reports.services import report_from_figures
    from reports.synthetic import generate
    from thads.core.dates import fiscal_year_bounds
    from thads.org.models import Unit

    if connection.vendor != "postgresql":
        sys.exit("this benchmark runs on PostgreSQL")
    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        started = time.perf_counter()
        result = generate(cases=args.cases - have, seed=args.seed + have)
        print(f"loaded {result['cases']} cases, {result['events']} events in {time.perf_counter() - started:.0f} s")
    start, end = fiscal_year_bounds(args.fiscal_year)
    cases_total = Case.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_caseevent")
        events_total = cursor.fetchone()[0]
    print(f"dataset: {cases_total:,} cases, {events_total:,} events; period {start} – {end}")

    def engine():
        hierarchy = Hierarchy(end)
        totals = roll_up(group_rows(start=start, end=end), hierarchy)
        units = {u.pk: u for u in Unit.objects.active_on(end)}
        targets = targets_by_unit(args.fiscal_year)
        reports = {unit_id: report_from_figures(units[unit_id], start=start, end=end, category=None,
                                                figures=figures, previous=Figures.zero(),
                                                targets=targets.get(unit_id, {"cases": None, "money": None}))
                   for (unit_id, _key), figures in totals.items() if unit_id in units}
        return totals, reports

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE, {"start": start, "end": end})
            return cursor.fetchall()

    def best(function):
        times, result = [], None
        for _ in range(args.repeat):
            began = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - began)
        return min(times), result

    baseline_seconds, rows = best(baseline)
    engine_seconds, (totals, reports) = best(engine)
    tracemalloc.start()  # a separate run: tracing slows Python down, so it is not timed
    engine()
    engine_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    expected = {}
    for ancestor_id, *sums in rows:
        expected[ancestor_id] = (tuple(int(v or 0) for v in sums[:8]), tuple(int(v or 0) for v in sums[8:]))
    active = set(Unit.objects.active_on(end).values_list("id", flat=True))
    mismatches = 0
    for unit_id in active:
        figures = totals.get((unit_id, None), Figures.zero())
        got = (tuple(figures.counts[k] for k in BASE_COUNTS), tuple(figures.amounts[k] for k in BASE_MONEY))
        want = expected.get(unit_id, ((0,) * 8, (0,) * 9))
        if got != want:
            mismatches += 1
    root = Unit.objects.filter(parent__isnull=True).active_on(end).first()
    national = reports.get(root.pk) if root else None
    print(f"units reported: {len(reports)} (active on {end}: {len(active)}); mismatches engine vs baseline: "
          f"{mismatches}")
    if national:
        print(f"national: to_enforce {national['cases']['to_enforce']:,}, with_conditions "
              f"{national['cases']['with_conditions']:,}, rate {national['cases']['rate']} % (cases), "
              f"{national['money']['rate']} % (money)")
    print(f"engine   (best of {args.repeat}): {engine_seconds:7.2f} s")
    print(f"baseline (best of {args.repeat}): {baseline_seconds:7.2f} s")
    print(f"ratio engine/baseline:      {engine_seconds / baseline_seconds:7.2f}")
    print(f"peak Python heap (engine): {engine_peak / 2**20:7.1f} MiB; "
          f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MiB")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
