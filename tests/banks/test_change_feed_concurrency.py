"""The change feed cannot skip (issue 14, item 1), proven on PostgreSQL with real concurrent transactions.

A ledger import through the real importer writes its change rows in one long transaction; two officers record
cases and events in short transactions meanwhile; a bank follows the feed (banks.selectors.bank_changes, what the
API and the webhooks read) with after = the last position it was given, as docs/api.md tells it to. Every thread
has its own database connection. The import's transaction is held open until a reader running the former
algorithm (ids, with a hold-back shorter than the transaction) has moved past the ids the import drew — the
situation the probe of issue 14 met (400 of 1,600 changes lost).

Then: the bank read every change exactly once, in order per case, some of them while the import was still open;
and the former algorithm, in the same run, lost the import's changes — so the test shows the bug's absence, not
just a pass. About 3 seconds.

Only on PostgreSQL (SQLite runs one writer at a time, so there is no race to lose; the relay basics are tested
on both in tests/cases/test_change_relay.py): CI's PostgreSQL pass runs it.
"""
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from banks.models import Bank
from banks.selectors import bank_changes
from cases.codes import Category, EventKind
from cases.ledger.importer import import_ledger
from cases.models import Case, CaseChange
from tests.factories import BankFactory, make_case, record
from thads.org.models import Unit

IMPORTED_CASES = 30
EVENTS_PER_IMPORTED_CASE = 3
OLD_SETTLE = timedelta(seconds=0.3)  # the former hold-back, scaled down with the transaction it failed to cover
HOLD_AT_MOST = 5.0  # seconds the import's transaction waits for the former reader to move past its ids


def bank_ledger(directory: Path) -> Path:
    """IMPORTED_CASES credit cases of bank AGR in Vị Thanh, each with EVENTS_PER_IMPORTED_CASE collections."""
    directory.mkdir()
    (directory / "units.csv").write_text("code,name,parent_code,level,valid_from,valid_to\n", encoding="utf-8")
    (directory / "cases.csv").write_text(
        "case_no,unit_code,decision_no,accepted_on,origin,category,judgment_type,debtor_name,creditor_name,"
        "amount_due,bank_code\n"
        + "".join(f"IMP-{n:03d},HG-VT,{n}/QĐ-IMP,2019-01-10,theo_yeu_cau,tin_dung_ngan_hang,dan_su,Nguyễn Văn An,"
                  f"Ngân hàng AGR,50000000,AGR\n" for n in range(IMPORTED_CASES)), encoding="utf-8")
    (directory / "events.csv").write_text("case_no,date,kind,amount\n" + "".join(
        f"IMP-{n:03d},2019-02-{day:02d},thu_tien,1000000\n"
        for n in range(IMPORTED_CASES) for day in range(1, EVENTS_PER_IMPORTED_CASE + 1)), encoding="utf-8")
    return directory


def old_bank_changes(bank: Bank, *, after: int, limit: int) -> list[CaseChange]:
    """The former banks.selectors.bank_changes (before positions): by id, changes younger than the hold-back
    held back."""
    return list(CaseChange.objects.filter(case__creditor_bank=bank, id__gt=after,
                                          recorded_at__lte=timezone.now() - OLD_SETTLE)
                .select_related("case", "event").order_by("id")[:limit])


class Run:
    """What the threads share: when things happened, what each reader read, the first error."""

    def __init__(self):
        self.started = time.monotonic()
        self.import_ids: list[int] = []
        self.import_written = threading.Event()
        self.old_reader_passed_import = threading.Event()
        self.import_committed = threading.Event()
        self.import_committing_at: float | None = None
        self.import_committed_at: float | None = None
        self.writers_done = threading.Event()
        self.errors: list[BaseException] = []

    def thread(self, target, *args, **kwargs) -> threading.Thread:
        def run():
            try:
                target(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 — reported by the test, in the main thread
                self.errors.append(error)
                self.import_written.set()
                self.old_reader_passed_import.set()
                self.import_committed.set()
                self.writers_done.set()
            finally:
                connections.close_all()  # this thread's own connection
        return threading.Thread(target=run, daemon=True)


def long_import(run: Run, directory: Path) -> None:
    """The import's writes in one transaction, held open until the former reader has passed its ids."""
    with transaction.atomic():
        summary = import_ledger(directory)
        assert summary.cases == IMPORTED_CASES
        run.import_ids = list(CaseChange.objects.filter(case__case_no__startswith="IMP-").values_list("id", flat=True))
        run.import_written.set()
        run.old_reader_passed_import.wait(HOLD_AT_MOST)
        run.import_committing_at = time.monotonic()  # nothing of the import is visible before this
    run.import_committed_at = time.monotonic()
    run.import_committed.set()


def short_writer(run: Run, name: str, bank: Bank, unit: Unit) -> None:
    """An officer recording cases and events, one short transaction each, before, during and after the import."""
    number = 0

    def write_one():
        nonlocal number
        case = make_case(unit=unit, category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no=f"{name}-{number:03d}",
                         decision_no=f"{number}/QĐ-{name}", amount_due=50_000_000)
        record(case, EventKind.THU_TIEN, date(2019, 2, 1), amount=1_000_000)
        record(case, EventKind.THU_TIEN, date(2019, 2, 2), amount=1_000_000)
        number += 1
        time.sleep(0.02)

    for _ in range(3):
        write_one()
    run.import_written.wait(HOLD_AT_MOST)
    while not run.import_committed.is_set():
        write_one()
    for _ in range(3):
        write_one()


def feed_reader(run: Run, bank: Bank, read: list[tuple], *, old: bool) -> None:
    """A bank following the feed: after = the last cursor it was given, 7 at a time, until the writers are done
    and a read comes back empty. ``read`` gets (id, cursor, case_no, kind, event sequence, seconds)."""
    after = 0
    drained_after_writers = False
    while True:
        writers_were_done = run.writers_done.is_set()
        page = (old_bank_changes if old else bank_changes)(bank, after=after, limit=7)
        now = time.monotonic() - run.started
        for change in page:
            read.append((change.pk, change.pk if old else change.position, change.case.case_no, change.kind,
                         change.event.sequence if change.event_id else None, now))
        if page:
            after = page[-1].pk if old else page[-1].position  # next_after (banks/api/views.py)
        if old and run.import_ids and after > max(run.import_ids):
            run.old_reader_passed_import.set()
        if not page:
            if drained_after_writers:
                return
            if writers_were_done:  # one more empty read once the former hold-back has passed
                time.sleep(OLD_SETTLE.total_seconds() + 0.05)
                drained_after_writers = True
            else:
                time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_given_a_long_import_and_concurrent_writers_then_a_bank_following_the_feed_reads_every_change_once_in_order(
        org, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions on separate connections (SQLite has one writer at "
                    "a time, so nothing can commit out of id order); runs in CI's PostgreSQL pass")
    # given
    bank = BankFactory(code="AGR", name="Ngân hàng AGR")
    directory = bank_ledger(tmp_path / "ledger")
    run = Run()
    new_read: list[tuple] = []
    old_read: list[tuple] = []
    writers = [run.thread(short_writer, run, name, bank, org["HG-VT"]) for name in ("W1", "W2")]
    importer = run.thread(long_import, run, directory)
    readers = [run.thread(feed_reader, run, bank, new_read, old=False),
               run.thread(feed_reader, run, bank, old_read, old=True)]

    # when
    for thread in (*readers, *writers, importer):
        thread.start()
    importer.join(30)
    for thread in writers:
        thread.join(30)
    run.writers_done.set()
    for thread in readers:
        thread.join(30)

    # then: the scenario happened — the import held its transaction until the former reader passed its ids
    assert not run.errors, run.errors
    assert not any(thread.is_alive() for thread in (*readers, *writers, importer))
    assert run.old_reader_passed_import.is_set() and run.import_committed_at is not None
    import_ids = set(run.import_ids)
    assert len(import_ids) == IMPORTED_CASES * (1 + EVENTS_PER_IMPORTED_CASE)
    everything = dict(CaseChange.objects.filter(case__creditor_bank=bank).values_list("id", "position"))
    assert len(everything) > len(import_ids)
    committing_at = run.import_committing_at - run.started

    # then: the former algorithm lost changes of the import (a writer's too, if the machine slowed one of its
    # transactions beyond the hold-back)
    old_ids = [change[0] for change in old_read]
    lost = set(everything) - set(old_ids)
    assert lost & import_ids, "the former algorithm should have lost changes of the import"

    # then: the feed gave every change exactly once, by increasing position, the cursor each change's position
    new_ids = [change[0] for change in new_read]
    assert len(new_ids) == len(set(new_ids))
    assert set(new_ids) == set(everything)
    cursors = [change[1] for change in new_read]
    assert cursors == sorted(cursors)
    assert all(everything[pk] == cursor for pk, cursor, *_rest in new_read)

    # then: in order per case: the case first, then its events by sequence — as the case was written
    per_case = defaultdict(list)
    for _pk, _cursor, case_no, kind, sequence, _at in new_read:
        per_case[case_no].append((kind, sequence))
    assert set(per_case) == set(Case.objects.filter(creditor_bank=bank).values_list("case_no", flat=True))
    for case_no, changes in per_case.items():
        events = EVENTS_PER_IMPORTED_CASE if case_no.startswith("IMP-") else 2
        assert changes == [("case_created", None)] + [("event_recorded", n) for n in range(1, events + 1)], case_no

    # then: it was read live — writers' changes while the import was open, the import's once it committed
    assert any(at < committing_at and pk not in import_ids for pk, *_rest, at in new_read)
    assert all(at >= committing_at for pk, *_rest, at in new_read if pk in import_ids)
    print(f"\nchanges: {len(everything)} ({len(import_ids)} by the import); feed: read {len(new_ids)}, "
          f"{len(new_ids) - len(set(new_ids))} twice, {len(set(everything) - set(new_ids))} lost; "
          f"former algorithm: lost {len(lost)}; import committed at {committing_at:.2f} s, "
          f"run {time.monotonic() - run.started:.2f} s")
