"""Concurrent writers and the kept group sums (reports_factgroupsum), on PostgreSQL with real transactions on
separate connections: two transactions changing the same group add up, and the second does not wait for the
first (a long import open must not hold up the officers of its groups); two reassignments crossing the same
two groups in opposite directions do not deadlock; a write during a rebuild waits for it and adds to what it
wrote; the sums equal the facts' aggregate afterwards.

Only on PostgreSQL (SQLite runs one writer at a time): CI's PostgreSQL pass runs it. About 2 seconds.
"""
import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count, Sum

from cases.codes import EventKind
from cases.models import Case
from cases.services import EventData, case_events_record, cases_assign
from reports.facts import fact_sums_compact, fact_sums_rebuild, facts_rebuild
from reports.models import CaseYearFact, FactGroupSum
from tests.factories import make_case
from tests.reports.test_facts import assert_no_drift, group_set
from thads.core.dates import fiscal_year_bounds

TODAY = date(2019, 6, 30)
FY2019 = fiscal_year_bounds(2019)


def in_thread(target, errors: list) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def collect(case_id: int, amount: int) -> None:
    case_events_record(actor=None, case=Case.objects.get(pk=case_id),
                       events=[EventData(EventKind.THU_TIEN, date(2019, 5, 2), amount)], today=TODAY)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions on separate connections (SQLite has one writer at "
                    "a time)")


def kept(fiscal_year: int, unit, officer_key: int) -> dict[str, int]:
    """A group's kept sums: the sum of its rows."""
    return FactGroupSum.objects.filter(fiscal_year=fiscal_year, unit=unit, officer_key=officer_key).aggregate(
        n_new=Sum("n_new"), m_collected=Sum("m_collected"), rows=Count("id"))


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_to_the_same_group_both_count_and_neither_waits(postgresql, org, people):
    # Given two cases of the same group (HG-VT, khac, theo_yeu_cau, officer)
    first, second = (make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2018, 12, 1),
                               amount_due=50_000_000, today=TODAY) for _ in range(2))
    officer = people["officer"].pk
    assert kept(2019, org["HG-VT"], officer) == {"n_new": 2, "m_collected": 0, "rows": 1}
    errors: list = []
    first_written, second_done = threading.Event(), threading.Event()
    first_committed_after_second = []

    def writer_one():
        with transaction.atomic():
            collect(first.pk, 1_000_000)
            first_written.set()
            # the transaction stays open (a long import) until the second has committed, 10 s at most
            first_committed_after_second.append(second_done.wait(10))

    def writer_two():
        first_written.wait(10)
        collect(second.pk, 2_000_000)
        second_done.set()

    # When the first transaction has added to the group and stays open, and the second records on the other case
    one, two = in_thread(writer_one, errors), in_thread(writer_two, errors)
    one.join(20)
    two.join(20)
    # Then the second committed while the first was open (it did not wait for it: until 1/12/2026 it waited
    # for the group row's lock until the first committed)
    assert errors == [] and first_committed_after_second == [True]
    # And both collections count in the group, which is the facts' aggregate; the second could not fold the
    # group's rows (the first held the fold): two rows, until the nightly fold makes them one
    assert kept(2019, org["HG-VT"], officer) == {"n_new": 2, "m_collected": 3_000_000, "rows": 2}
    assert group_set(*FY2019, "facts") == group_set(*FY2019, "facts_scan")
    assert_no_drift()
    assert fact_sums_compact() > 0
    assert kept(2019, org["HG-VT"], officer) == {"n_new": 2, "m_collected": 3_000_000, "rows": 1}
    assert group_set(*FY2019, "facts") == group_set(*FY2019, "facts_scan")
    assert_no_drift()


@pytest.mark.django_db(transaction=True)
def test_reassignments_crossing_two_groups_in_opposite_directions_do_not_deadlock(postgresql, org, people):
    # Given cases of officer and of officer2 in HG-VT (two groups)
    mine = [make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2018, 12, 1), today=TODAY)
            for _ in range(6)]
    theirs = [make_case(unit=org["HG-VT"], officer=people["officer2"], accepted_on=date(2018, 12, 1), today=TODAY)
              for _ in range(6)]
    errors: list = []
    # When, six times over, two transactions move a case each way at the same moment (each touches both groups)
    for index in range(6):
        barrier = threading.Barrier(2)

        def to_officer2(case=mine[index], barrier=barrier):
            barrier.wait(10)
            cases_assign(actor=people["head"], case_ids=[case.pk], officer=people["officer2"])

        def to_officer(case=theirs[index], barrier=barrier):
            barrier.wait(10)
            cases_assign(actor=people["head"], case_ids=[case.pk], officer=people["officer"])

        threads = [in_thread(to_officer2, errors), in_thread(to_officer, errors)]
        for thread in threads:
            thread.join(20)
    # Then neither failed (no deadlock detected), each group still holds six cases, and nothing drifted
    assert errors == []
    assert [kept(2019, org["HG-VT"], officer.pk)["n_new"] for officer in (people["officer"], people["officer2"])] \
        == [6, 6]
    assert group_set(*FY2019, "facts") == group_set(*FY2019, "facts_scan")
    assert_no_drift()


def wait_for_a_lock_wait(timeout: float = 10.0) -> bool:
    """True once some backend waits for a lock (pg_locks: a lock not granted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_write_during_a_rebuild_that_changes_its_case_adds_to_the_rebuilt_sums(postgresql, org, people):
    # Given a case whose fact row was changed around the services, its group sums following the changed row (what
    # a full rebuild puts right: the import, `manage.py facts_rebuild`, the rollover of facts never built)
    case = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2018, 12, 1),
                     amount_due=50_000_000, today=TODAY)
    CaseYearFact.objects.filter(case=case, fiscal_year=2019).update(collected=7)
    fact_sums_rebuild()
    errors: list = []
    rebuilt, release = threading.Event(), threading.Event()

    def rebuild():
        with transaction.atomic():
            facts_rebuild()
            rebuilt.set()
            release.wait(10)  # the rebuild's transaction stays open, its lock held

    def write():
        rebuilt.wait(10)
        collect(case.pk, 1_000_000)

    # When a service records an event on that case while the rebuild's transaction is open
    threads = [in_thread(rebuild, errors), in_thread(write, errors)]
    assert rebuilt.wait(10)
    waited = wait_for_a_lock_wait()
    release.set()
    for thread in threads:
        thread.join(20)
    # Then the write waited for the rebuild, and the sums are the facts' aggregate: the refresh took away the rows
    # the rebuild wrote, not those it read before the rebuild committed
    assert errors == [] and waited
    assert kept(2019, org["HG-VT"], people["officer"].pk)["m_collected"] == 1_000_000
    assert_no_drift()
