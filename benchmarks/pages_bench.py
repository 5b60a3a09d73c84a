"""Server time of the officers' pages, in-process (Django test client: middleware, view, selectors, template),
against a bare Django view reading as many case rows with their parties (plain queryset → JsonResponse),
measured in the same run.

    python benchmarks/pages_bench.py --database-url sqlite:////tmp/thads-pages.sqlite3 [--cases 20000]
    python benchmarks/pages_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_bench \\
        [--cases 1000000] [--requests 20]
    python benchmarks/pages_bench.py --database-url sqlite:///var/thads.sqlite3 --demo   # the loaded demo

With --demo the database is the demo as `manage.py demo` loaded it (nothing generated) and the people are the
demo's own logins: chv.vithanh, truong.vithanh, thongke.haugiang (the city's statistician) and admin.

Loads the national synthetic dataset (generate_synthetic) up to --cases if the database holds fewer (its cached
deadlines are written with it; a database loaded before they existed gets ``deadlines_refresh`` once), gives
the cases a debtor and a creditor where they have none (the generator writes no parties), and creates the
people the pages are for (idempotent): an officer of the regional office with the most open cases, with 300
of its open cases assigned; that office's head; the statistician of its province; a central administrator.

Pages, each requested --requests times after one warm-up: "Việc của tôi" (/work/), the case page of one of
the officer's cases, the search by a debtor's name typed without accents (in the office, and nationwide),
the review for the province statistician and the office head, and the national deadline list (/deadlines/,
central administrator). Prints the median and p95 of each, its query count, the baseline for as many rows,
the ratio, the peak Python heap of one request (tracemalloc) and the growth of the process's peak RSS while
the page ran — neither may grow with the number of cases in scope.
"""
import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Kim", "Đức", "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Nghĩa", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang",
         "Trung", "Tuấn", "Uyên", "Vinh", "Xuân", "Yến", "Ánh", "Châu", "Diệp", "Khoa", "Lộc", "Nhân", "Oanh"]
PASSWORD = "bench-pages-1"  # noqa: S105 (a local benchmark login)
ASSIGNED = 300


def ensure_parties() -> int:
    """One debtor and one creditor for every case that has no party (names drawn from the case id)."""
    from django.db import connection, transaction

    from cases.models import Case, Party
    from thads.core.text import fold

    missing = Case.objects.filter(parties__isnull=True)
    if not missing.exists():
        return 0
    if connection.vendor == "postgresql":
        names = [f"{s} {m} {g}" for s in SURNAMES for m in MIDDLE for g in GIVEN]
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO cases_party (case_id, role, kind, name, name_folded, id_number, address)
                SELECT c.id, r.role, 'person', (%(names)s::text[])[1 + (c.id * r.salt) %% %(count)s],
                       (%(folded)s::text[])[1 + (c.id * r.salt) %% %(count)s], '', ''
                FROM cases_case c CROSS JOIN (VALUES ('debtor', 7919), ('creditor', 104729)) AS r (role, salt)
                WHERE NOT EXISTS (SELECT 1 FROM {Party._meta.db_table} p WHERE p.case_id = c.id)
            """, {"names": names, "folded": [fold(n) for n in names], "count": len(names)})  # noqa: S608
            added = cursor.rowcount
            cursor.execute("ANALYZE cases_party")
        return added
    added = 0
    ids = list(missing.values_list("pk", flat=True))
    names = [f"{s} {m} {g}" for s in SURNAMES for m in MIDDLE for g in GIVEN]
    for start in range(0, len(ids), 5000):
        rows = []
        for case_id in ids[start:start + 5000]:
            for role, salt in (("debtor", 7919), ("creditor", 104729)):
                name = names[(case_id * salt) % len(names)]
                rows.append(Party(case_id=case_id, role=role, name=name, name_folded=fold(name)))
        with transaction.atomic():
            Party.objects.bulk_create(rows)
        added += len(rows)
    return added


def ensure_people():
    """The four logins (created once) and the case the officer opens."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from cases.codes import ENDED_STATUSES
    from cases.models import Case
    from thads.org.models import Role, Title, Unit
    from thads.org.services import officer_create

    users = get_user_model().objects
    if not users.filter(username="bench_officer").exists():
        busiest = (Case.objects.exclude(status__in=ENDED_STATUSES).filter(unit__valid_to__isnull=True)
                   .values("unit_id").annotate(n=Count("id")).order_by("-n").first())
        office = Unit.objects.get(pk=busiest["unit_id"])
        central = Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("pk").first()
        officer_create(username="bench_officer", password=PASSWORD, full_name="Nguyễn Văn Cán Bộ", unit=office,
                       title=Title.CHV_TRUNG_CAP, role=Role.OFFICER)
        officer_create(username="bench_head", password=PASSWORD, full_name="Trần Văn Trưởng", unit=office,
                       title=Title.THU_TRUONG, role=Role.UNIT_HEAD)
        officer_create(username="bench_statistician", password=PASSWORD, full_name="Lê Thị Thống Kê",
                       unit=office.parent, title=Title.THAM_TRA_VIEN, role=Role.STATISTICIAN)
        officer_create(username="bench_central", password=PASSWORD, full_name="Phạm Văn Trung Ương", unit=central,
                       title=Title.KHAC, role=Role.CENTRAL_ADMIN)
        officer = users.get(username="bench_officer")
        ids = list(Case.objects.filter(unit=office, officer__isnull=True).exclude(status__in=ENDED_STATUSES)
                   .order_by("id").values_list("id", flat=True)[:ASSIGNED])
        Case.objects.filter(pk__in=ids).update(officer=officer)  # who holds a case moves no deadline
    people = {name: users.get(username=f"bench_{name}") for name in ("officer", "head", "statistician", "central")}
    case = (Case.objects.filter(officer=people["officer"]).order_by("-event_count", "id").first())
    return people, case


def demo_people():
    """The demo's own logins (reports.demo.logins) and the officer's case with the longest history."""
    from django.contrib.auth import get_user_model

    from cases.models import Case

    users = get_user_model().objects
    people = {"officer": users.get(username="chv.vithanh"), "head": users.get(username="truong.vithanh"),
              "statistician": users.get(username="thongke.haugiang"), "central": users.get(username="admin")}
    case = Case.objects.filter(officer=people["officer"]).order_by("-event_count", "id").first()
    return people, case


def measure(client, path: str, requests: int):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm-up (templates, translations, the connection)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = len(captured.captured_queries)
    reset_queries()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - began)
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    tracemalloc.start()
    client.get(path)
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"median": statistics.median(times), "p95": p95, "queries": queries, "heap": heap_peak,
            "rss": rss_growth, "body": response.content}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--demo", action="store_true", help="measure the loaded demo with its own logins")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.pages_settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cases.models import Case, OpenDeadline, Party
    from cases.services.deadlines import deadlines_refresh_all
    from reports.synthetic import generate
    from thads.core.text import fold

    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if not args.demo and have < args.cases:
        started = time.perf_counter()
        result = generate(cases=args.cases - have, seed=args.seed + have)
        print(f"loaded {result['cases']:,} cases, {result['events']:,} events in "
              f"{time.perf_counter() - started:.0f} s")
    if not Case.objects.filter(next_due_on__isnull=False).exists():
        started = time.perf_counter()
        result = deadlines_refresh_all()
        print(f"deadlines cached for {result['cases']:,} open cases ({result['changed']:,} with a duty) in "
              f"{time.perf_counter() - started:.0f} s")
    if args.demo:
        people, case = demo_people()
    else:
        started = time.perf_counter()
        added = ensure_parties()
        if added:
            print(f"added {added:,} parties in {time.perf_counter() - started:.0f} s")
        people, case = ensure_people()
    officer = people["officer"]
    office_id = officer.officer_profile.unit_id
    debtor = Party.objects.filter(case__officer=officer, role="debtor").order_by("id").first()
    query = fold(debtor.name)  # "nguyen van an": no accents, as people type
    print(f"dataset ({connection.vendor}): {Case.objects.count():,} cases, {Party.objects.count():,} parties, "
          f"{OpenDeadline.objects.count():,} open duties; office {officer.officer_profile.unit.code} with "
          f"{Case.objects.filter(unit_id=office_id).count():,} cases, officer with "
          f"{Case.objects.filter(officer=officer).count()} cases; search «{query}»")

    clients = {}
    for name, user in people.items():
        clients[name] = Client()
        clients[name].force_login(user)
    bare = Client()
    q = query.replace(" ", "+")
    pages = [
        ("Việc của tôi /work/ (officer)", "officer", "/work/", f"officer={officer.pk}&n=25"),
        ("case page /cases/<id>/ (officer)", "officer", f"/cases/{case.pk}/", f"officer={officer.pk}&n=1"),
        ("search, office (officer)", "officer", f"/search/?q={q}", f"unit={office_id}&n=25"),
        ("search, nationwide (central)", "central", f"/search/?q={q}", "n=25"),
        ("review /review/ (province statistician)", "statistician", "/review/", "n=25"),
        ("review /review/ (office head)", "head", "/review/", f"unit={office_id}&n=25"),
        ("review list, overdue (office head)", "head", f"/review/cases/?class=overdue&officer={officer.pk}",
         f"officer={officer.pk}&n=50"),
        ("deadlines /deadlines/, national (central)", "central", "/deadlines/", "n=100"),
    ]
    rows = []
    for label, who, path, bare_query in pages:
        page = measure(clients[who], path, args.requests)
        baseline = measure(bare, f"/bare/cases/?{bare_query}", args.requests)
        rows.append((label, page, baseline))
        print(f"  measured {label}", file=sys.stderr)
    print(f"\n{'page':44} {'median':>8} {'p95':>8} {'queries':>7} {'bare p95':>8} {'ratio':>6} "
          f"{'heap MiB':>8} {'RSS+ MiB':>8}")
    for label, page, baseline in rows:
        print(f"{label:44} {page['median'] * 1000:6.1f}ms {page['p95'] * 1000:6.1f}ms {page['queries']:7d} "
              f"{baseline['p95'] * 1000:6.1f}ms {page['p95'] / baseline['p95']:6.1f} {page['heap'] / 2**20:8.1f} "
              f"{page['rss'] / 1024:8.1f}")
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"{args.requests} requests per page; p95 goal 300 ms")
    worst = max(page["p95"] for _label, page, _baseline in rows)
    print(f"slowest p95: {worst * 1000:.0f} ms — {'within' if worst <= 0.3 else 'OVER'} the goal")


if __name__ == "__main__":
    main()
