"""Latency and throughput of the bank API under gunicorn on PostgreSQL, against bare Django views that return
the same JSON (no DRF: plain JsonResponse over the same selectors, benchmarks/bench_urls.py) in the same run; and
the bulk export's rate and the server's memory while it streams. One command (the database as it is, rate
limits counted in Redis as in production, every endpoint, a bench bank of 200,000 cases for the export):

    python benchmarks/api_bench.py --database-url postgres://postgres@127.0.0.1:5432/thads_1m \
        --redis-url redis://127.0.0.1:6379/0 --export-cases 200000

Options: [--cases N] generate the synthetic dataset up to N cases first (default 0: never); [--bank CODE] the
bank read (default: the one with the most cases, BENCH-EXPORT aside); [--requests 400] [--concurrency 4]
[--workers 2] [--port 8799] [--only list,detail,feed,export]. benchmarks/bench_settings.py: no debug, the rate
limits so high they never refuse (they are still counted, in --redis-url).

For each of six endpoints (API list, bare list, API detail, bare detail, API feed, bare feed) it sends
--requests requests from --concurrency client threads (keep-alive), after a warm-up, the API's and the bare
view's in alternating rounds (so both meet the same load), and prints p50, p95 and requests/s for each and the
API/bare ratios. The list reads the first page of 50; the detail the bank's 50
cases with the most events. The feed's requests read the bank's change feed in pages of 100, each page from
the next_after of the one before (the positions are taken once, before the run, from the selector), so every
request reads a different page, as a bank catching up does; the synthetic dataset has no feed rows, so the
bank's cases are given the ones the services would have written (bench_feed_changes, once). Then (export) it
downloads /api/v1/export/cases.ndjson and .csv twice each, for the bank and, with --export-cases N, for a bench
bank given N cases (bench_export_bank, once), and prints cases/s, MB/s and the peak resident memory of the
gunicorn workers (VmHWM) before and after: flat memory is the same peak whatever the number of cases.

Writes to the database: API keys, and the bench data above (once). Use a copy, not a database people use.
"""
import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load(port: int, paths: list[str], headers: dict, requests: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for index in range(per_thread):
            path = paths[(offset + index) % len(paths)]
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def worker_peaks(master: int) -> dict[int, int]:
    """Peak resident memory (VmHWM, kB) of each gunicorn worker of ``master``, from /proc (Linux)."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peaks[int(status.parent.name)] = int(fields["VmHWM"].split()[0])
    return peaks


def download(port: int, path: str, headers: dict) -> tuple[int, int, float]:
    """Stream ``path`` to its end: (lines, bytes, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    began = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    lines = size = 0
    while chunk := response.read(1 << 16):
        lines += chunk.count(b"\n")
        size += len(chunk)
    connection.close()
    return lines, size, time.perf_counter() - began


def export_bench(port: int, master: int, runs: list[tuple[str, dict, int]]) -> None:
    """Each export of each bank of ``runs`` (label, headers, its number of cases) twice, smallest bank first."""
    before = worker_peaks(master)
    print(f"workers' peak RSS before the exports: {', '.join(f'{kb / 1024:.0f} MB' for kb in before.values())}")
    for label, headers, cases in runs:
        for path, extra in (("/api/v1/export/cases.ndjson", 1), ("/api/v1/export/cases.csv", 1)):
            for attempt in (1, 2):
                lines, size, elapsed = download(port, path, headers)
                rows = lines - extra  # the NDJSON's export_end line, the CSV's header
                if rows != cases:
                    raise RuntimeError(f"{path}: {rows} rows, expected {cases}")
                peaks = worker_peaks(master)
                print(f"export {label} {path.rsplit('.', 1)[1]:<6} #{attempt}: {rows:>9,} cases in {elapsed:6.2f} s = "
                      f"{rows / elapsed:9,.0f} cases/s, {size / elapsed / 1e6:6.1f} MB/s; workers' peak RSS "
                      f"{max(peaks.values()) / 1024:.0f} MB")


def bench_export_bank(count: int):
    """Bank BENCH-EXPORT with ``count`` cases, for the export at scale. Bench data only: the synthetic
    dataset spreads its 3.5 % of bank cases over 30 banks, so this turns non-bank cases without reductions
    into credit cases of that bank, in one SQL UPDATE (reports.synthetic writes its rows in SQL too), once."""
    from banks.models import Bank
    from cases.codes import Category
    from cases.models import Case

    bank, _created = Bank.objects.get_or_create(code="BENCH-EXPORT", defaults={"name": "Ngân hàng đo xuất"})
    have = Case.objects.filter(creditor_bank=bank).count()
    if have < count:
        ids = list(Case.objects.filter(creditor_bank__isnull=True, amount_reduced=0).order_by("id")
                   .values_list("id", flat=True)[:count - have])
        Case.objects.filter(id__in=ids).update(category=Category.TIN_DUNG_NGAN_HANG, creditor_bank=bank)
    bank.n = Case.objects.filter(creditor_bank=bank).count()
    return bank


FEED_PAGE = 100
ROUNDS = 8  # API and bare alternate, each in this many rounds of --requests / ROUNDS


def bench_feed_changes(bank) -> int:
    """Bench data only: the synthetic dataset writes no change-feed rows (reports.synthetic inserts in SQL, not
    through the services that write them), so give ``bank``'s cases the rows the services would have written —
    case_created, then event_recorded for each event with the status after it — in one INSERT … SELECT, once
    (not if the bank has changes already), numbered by the relay as any change is. Only this bank's cases get
    rows: a real feed also holds every other case's, which the feed's query skips (docs/operations.md)."""
    from django.db import connection

    from cases.models import CaseChange
    from cases.services.changes import case_changes_relay

    if CaseChange.objects.filter(case__creditor_bank=bank).exists():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO cases_casechange (kind, recorded_at, case_id, event_id, case_status, payload)
            SELECT kind, recorded_at, case_id, event_id, case_status, '{}'::jsonb FROM (
                SELECT 'case_created' AS kind, c.created_at AS recorded_at, c.id AS case_id, NULL::bigint AS event_id,
                       'with_conditions' AS case_status, c.accepted_on AS on_date, 0 AS sequence
                  FROM cases_case c WHERE c.creditor_bank_id = %(bank)s
                UNION ALL
                SELECT 'event_recorded', e.recorded_at, e.case_id, e.id, e.status_after, e.date, e.sequence
                  FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id WHERE c.creditor_bank_id = %(bank)s
            ) AS rows ORDER BY on_date, case_id, sequence""", {"bank": bank.pk})
    return case_changes_relay()


def feed_pages(bank_changes, bank, most: int) -> list[int]:
    """The ``after`` of each page of FEED_PAGE of ``bank``'s change feed from its start (0, then each page's
    next_after), at most ``most`` full pages."""
    afters, after = [], 0
    while len(afters) < most:
        page = bank_changes(bank, after=after, limit=FEED_PAGE)
        if len(page) < FEED_PAGE:
            break
        afters.append(after)
        after = page[-1].position
    if not afters:
        raise SystemExit(f"bank {bank.code} has fewer than {FEED_PAGE} changes: no feed page to read")
    return afters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=0,
                        help="generate the synthetic dataset up to this many cases first (0: use the database as it "
                             "is)")
    parser.add_argument("--bank", default="",
                        help="the bank whose list, detail and feed are read (default: the one with the most cases)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="the cache of the rate limits, as in production (default: $REDIS_URL; none: each "
                             "worker's memory)")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--only", default="list,detail,feed,export",
                        help="comma-separated: list, detail, feed, export")
    parser.add_argument("--export-cases", type=int, default=0,
                        help="also export a bank with this many cases (bench_export_bank)")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from banks.models import Bank
    from banks.selectors import bank_changes
    from banks.services import api_key_create
    from cases.models import Case
    from reports.synthetic import generate

    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        generate(cases=args.cases - have, seed=have + 1)
    only = set(args.only.split(","))
    big = big_key = None
    if "export" in only and args.export_cases:
        big = bench_export_bank(args.export_cases)
        _record, big_key = api_key_create(bank=big, label="api_bench export")
    banks = Bank.objects.annotate(n=Count("cases"))
    bank = (banks.get(code=args.bank) if args.bank
            else banks.exclude(code="BENCH-EXPORT").order_by("-n").first())
    _record, key = api_key_create(bank=bank, label="api_bench")
    case_nos = list(Case.objects.filter(creditor_bank=bank).order_by("-event_count", "id")
                    .values_list("case_no", flat=True)[:50])
    if "feed" in only and (made := bench_feed_changes(bank)):
        print(f"bench data: {made:,} change-feed rows written for {bank.code}'s cases")
    afters = feed_pages(bank_changes, bank, args.requests) if "feed" in only else []
    print(f"dataset: {Case.objects.count():,} cases; bank {bank.code} with {bank.n:,} cases"
          + (f" and {len(afters)} feed pages of {FEED_PAGE}" if afters else "") + "; "
          f"gunicorn {args.workers} workers, {args.concurrency} client threads, {args.requests} requests each; "
          f"rate limits in {'Redis' if args.redis_url else 'worker memory'}")

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "thads.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--access-logfile", "-", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(60):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                probe.request("GET", "/api/v1/schema/")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.5)
        headers = {"Authorization": f"Bearer {key}"}
        scenarios = {
            "list   API ": ["/api/v1/cases/?page_size=50"],
            "list   bare": ["/bare/cases/"],
            "detail API ": [f"/api/v1/cases/{no}/" for no in case_nos],
            "detail bare": [f"/bare/cases/{no}/" for no in case_nos],
            "feed   API ": [f"/api/v1/changes/?after={after}&limit={FEED_PAGE}" for after in afters],
            "feed   bare": [f"/bare/changes/?after={after}&limit={FEED_PAGE}" for after in afters],
        }
        scenarios = {name: paths for name, paths in scenarios.items() if name.split()[0] in only}
        results = {}
        for kind in [kind for kind in ("list", "detail", "feed") if kind in only]:
            pair = [f"{kind:<6} API ", f"{kind:<6} bare"]
            for name in pair:
                load(args.port, scenarios[name], headers, min(40, args.requests), args.concurrency)  # warm-up
            # API and bare in alternating rounds, so that both meet the same load of a shared machine
            latencies, elapsed = {name: [] for name in pair}, dict.fromkeys(pair, 0.0)
            rounds = max(1, min(ROUNDS, args.requests // (args.concurrency * 10)))
            for _round in range(rounds):
                for name in pair:
                    taken, seconds = load(args.port, scenarios[name], headers, args.requests // rounds,
                                          args.concurrency)
                    latencies[name] += taken
                    elapsed[name] += seconds
            for name in pair:
                taken = sorted(latencies[name])
                p50 = statistics.median(taken) * 1000
                p95 = taken[int(len(taken) * 0.95) - 1] * 1000
                results[name] = (p50, p95, len(taken) / elapsed[name])
                print(f"{name}  p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {len(taken) / elapsed[name]:7.1f} req/s")
        for kind in sorted({"list", "detail", "feed"} & only):
            api, bare = results[f"{kind:<6} API "], results[f"{kind:<6} bare"]
            print(f"{kind:<6} API/bare: p50 ×{api[0] / bare[0]:.2f}, p95 ×{api[1] / bare[1]:.2f}, "
                  f"throughput ×{api[2] / bare[2]:.2f}")
        if "export" in only:
            runs = [(f"{bank.code} ", headers, bank.n)]
            if big is not None:
                runs.append((f"{big.code}", {"Authorization": f"Bearer {big_key}"}, big.n))
            export_bench(args.port, server.pid, runs)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
