"""Server time of the directors' dashboard, in-process (Django test client: middleware, view, engine, template):
the unit page (with its sub-unit or officer table), the sub-unit table alone, and the first page of a
drill-down list, against bare Django views that read the same per-case fact rows with plain SQL
(benchmarks/dashboard_urls.py, no code shared with the pages), measured in the same run.

    python benchmarks/dashboard_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_dashbench_1m
    python benchmarks/dashboard_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_dashbench --demo

Without --demo the database holds the national synthetic dataset (`manage.py generate_synthetic --cases
1000000`, facts rebuilt); the people are the ones benchmarks/pages_bench.py creates (idempotent): the head of the
regional office with the most open cases, the statistician of its province, a central administrator; the
office's officer holds 300 of its open cases (their facts refreshed here, as the assignment service would).
The periods: the current fiscal year to date (the landing page: last year's same period comes from the
events) and the last whole fiscal year (both years from the facts).

With --demo the database is the demo as `manage.py demo` loaded it, with its own logins (thongke.haugiang at
the city agency, truong.vithanh at the regional office, admin), FY2019 of the old province (HG) and the city
today.

Each page is requested --requests times after one warm-up; printed: median and p95, the query count, the bare
view's p95 for the same rows and the ratio. Goals (issue 10): unit page and sub-unit table p95 ≤ 150 ms, a
drill-down's first page ≤ 500 ms, at 1M cases.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

UNIT_GOAL, LIST_GOAL = 0.150, 0.500


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_call(function, requests: int) -> dict:
    """A function (not a page) timed like a page: warm-up, query count, ``requests`` timed calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()
    with CaptureQueriesContext(connection) as captured:
        function()
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95),
            "queries": len(captured.captured_queries)}


def _progress(label: str, page: dict, baseline: dict) -> None:
    print(f"  measured {label}: median {page['median'] * 1000:.1f} ms, p95 {page['p95'] * 1000:.1f} ms, "
          f"{page['queries']} queries; bare p95 {baseline['p95'] * 1000:.1f} ms", file=sys.stderr)


def blocks(client, path: str, requests: int, label: str) -> None:
    """Where a unit page's time goes: each block of reports.views.dashboard and the engine's reads, timed
    (wall clock, nested: report_build includes group_rows) over ``requests`` requests, per request."""
    import reports.engine as engine
    import reports.services as services
    import reports.views.dashboard as dashboard

    spent: dict[str, list[float]] = {}
    patched = []

    def timed(module, name):
        function = getattr(module, name)

        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent.setdefault(f"{module.__name__.rsplit('.', 1)[-1]}.{name}", []).append(
                    time.perf_counter() - began)
        setattr(module, name, wrapper)
        patched.append((module, name, function))

    for name in ("report_build", "_sub_table", "_bank_block", "seized_totals", "gap_chart", "last_refresh",
                 "statistics_closed_through", "dashboard_unit", "render"):
        timed(dashboard, name)
    for name in ("group_rows", "_stored_group_rows", "_aggregated_group_rows", "hierarchy_on", "_facts_state"):
        timed(engine, name)
    for name in ("roll_up", "unit_figures"):
        timed(services, name)
    try:
        client.get(path)
        spent.clear()
        totals = []
        for _ in range(requests):
            began = time.perf_counter()
            client.get(path)
            totals.append(time.perf_counter() - began)
    finally:
        for module, name, function in patched:
            setattr(module, name, function)
    print(f"  {label}, by block (median page {statistics.median(totals) * 1000:.1f} ms):", file=sys.stderr)
    for name, values in sorted(spent.items(), key=lambda item: -sum(item[1])):
        print(f"    {name}: {sum(values) / requests * 1000:.1f} ms per page ({len(values) // requests} calls)",
              file=sys.stderr)


def synthetic_scope():
    """(people, province, office, root) of the synthetic dataset, created by pages_bench once; the facts of the
    officer's cases follow their assignment (pages_bench assigns them in bulk)."""
    from benchmarks.pages_bench import ensure_parties, ensure_people
    from cases.models import Case
    from reports.facts import case_facts_refresh
    from reports.models import CaseYearFact

    added = ensure_parties()
    if added:
        print(f"added {added:,} parties")
    people, _case = ensure_people()
    officer = people["officer"]
    ids = list(Case.objects.filter(officer=officer).values_list("id", flat=True))
    if CaseYearFact.objects.filter(case_id__in=ids, officer_id__isnull=True).exists():
        case_facts_refresh(ids)
    office = officer.officer_profile.unit
    province = office.parent
    root = province.parent
    return people, province, office, root


def demo_scope():
    from django.contrib.auth import get_user_model

    from reports.demo.org import CITY, DEMO_OFFICE
    from thads.org.models import Unit

    users = get_user_model().objects
    people = {"statistician": users.get(username="thongke.haugiang"), "head": users.get(username="truong.vithanh"),
              "central": users.get(username="admin")}
    return people, Unit.objects.get(code=CITY[0]), Unit.objects.get(code=DEMO_OFFICE), Unit.objects.get(code="HG")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--demo", action="store_true", help="measure the loaded demo with its own logins")
    parser.add_argument("--only", default="", help="measure only the pages whose label contains this text")
    parser.add_argument("--blocks", action="store_true",
                        help="also print where the time of each unit page measured goes, block by block")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.dashboard_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from benchmarks.pages_bench import measure
    from cases.models import Case
    from reports.models import CaseYearFact
    from reports.services import report_breakdown
    from thads.core.dates import fiscal_year_bounds, fiscal_year_of
    from thads.org.hierarchy import Hierarchy

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    current = fiscal_year_of(today)
    if args.demo:
        people, city, office, old_province = demo_scope()
        whole_year, year_unit = 2019, old_province
        province = city
    else:
        people, province, office, root = synthetic_scope()
        whole_year, year_unit = current - 1, province
    year_start, year_end = fiscal_year_bounds(whole_year)

    def units(unit, on) -> str:
        return ",".join(str(pk) for pk in sorted(Hierarchy(on).subtree_of(unit.pk)))

    facts = CaseYearFact.objects
    province_cases = Case.objects.filter(unit_id__in=Hierarchy(today).subtree_of(province.pk)).count()
    year_facts = facts.filter(fiscal_year=whole_year,
                              unit_id__in=Hierarchy(year_end).subtree_of(year_unit.pk)).count()
    print(f"dataset ({connection.vendor}): {Case.objects.count():,} cases, "
          f"{facts.filter(fiscal_year=current).count():,} fact rows FY{current}, "
          f"{facts.filter(fiscal_year=whole_year).count():,} FY{whole_year}; {province.code}: {province_cases:,} "
          f"cases; {year_unit.code} FY{whole_year}: {year_facts:,} fact rows")

    clients = {}
    for name, user in people.items():
        clients[name] = Client()
        clients[name].force_login(user)
    bare = Client()
    province_now, office_now = units(province, today), units(office, today)
    year_units = units(year_unit, year_end)
    pages = [
        ("unit page, FY to date", "statistician", f"/dashboard/{province.code}/",
         f"/bare/unit/?units={province_now}&year={current}"),
        (f"unit page, FY{whole_year}", "statistician", f"/dashboard/{year_unit.code}/?year={whole_year}",
         f"/bare/unit/?units={year_units}&year={whole_year}"),
        ("unit page of an office (officers), to date", "head", f"/dashboard/{office.code}/",
         f"/bare/unit/?units={office_now}&year={current}"),
        (f"drill-down p.1, completed FY{whole_year}", "statistician",
         f"/dashboard/{year_unit.code}/cases/?year={whole_year}&class=completed",
         f"/bare/cases/?units={year_units}&year={whole_year}&status=completed"),
        (f"drill-down p.1, in progress FY{whole_year} money", "statistician",
         f"/dashboard/{year_unit.code}/cases/?year={whole_year}&class=in_progress&measure=money",
         f"/bare/cases/?units={year_units}&year={whole_year}&status=with_conditions"),
        ("drill-down p.1, carried over, to date", "statistician",
         f"/dashboard/{province.code}/cases/?class=carried_over",
         f"/bare/cases/?units={province_now}&year={current}&status=with_conditions"),
    ]
    if not args.demo:
        pages += [
            (f"unit page, national, FY{whole_year}", "central", f"/dashboard/{root.code}/?year={whole_year}",
             f"/bare/unit/?units={units(root, year_end)}&year={whole_year}"),
            (f"drill-down p.1, national, completed FY{whole_year}", "central",
             f"/dashboard/{root.code}/cases/?year={whole_year}&class=completed",
             f"/bare/cases/?units={units(root, year_end)}&year={whole_year}&status=completed"),
        ]
    rows = []
    for label, who, path, bare_path in pages:
        if args.only and args.only not in label:
            continue
        page = measure(clients[who], path, args.requests)
        baseline = measure(bare, bare_path, args.requests)
        rows.append((label, page, baseline, path))
        _progress(label, page, baseline)
        if args.blocks and "unit page" in label:
            blocks(clients[who], path, args.requests, label)
    # The sub-unit table alone: the engine read behind it (the page above includes it).
    for label, unit, start, end in (("sub-unit table, FY to date", province, fiscal_year_bounds(current)[0], today),
                                    (f"sub-unit table, FY{whole_year}", year_unit, year_start, year_end)):
        if args.only and args.only not in label:
            continue
        table = measure_call(lambda unit=unit, start=start, end=end: report_breakdown(
            unit=unit, start=start, end=end, by="unit"), args.requests)
        unit_ids = units(unit, end)
        baseline = measure(bare, f"/bare/sub-units/?units={unit_ids}&year={fiscal_year_of(end)}", args.requests)
        rows.append((label, table, baseline, f"report_breakdown({unit.code}, {start}–{end}, by=unit)"))
        _progress(label, table, baseline)

    print(f"\n| {'page':48} | median ms | p95 ms | queries | bare p95 ms | ÷ bare | goal |")
    print("|---|---|---|---|---|---|---|")
    for label, page, baseline, _path in rows:
        goal = LIST_GOAL if "drill-down" in label else UNIT_GOAL
        print(f"| {label:48} | {page['median'] * 1000:.1f} | {page['p95'] * 1000:.1f} | {page['queries']} | "
              f"{baseline['p95'] * 1000:.1f} | {page['p95'] / baseline['p95']:.1f} | "
              f"{'ok' if page['p95'] <= goal else 'OVER'} ≤ {goal * 1000:.0f} |")
    print(f"\n{args.requests} requests per page after one warm-up; the paths:")
    for label, _page, _baseline, path in rows:
        print(f"  {label}: {path}")


if __name__ == "__main__":
    main()
