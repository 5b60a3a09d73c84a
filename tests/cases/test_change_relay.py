"""The change feed's relay (cases.services.changes): committed CaseChange rows get their position after commit, in
id order among the rows numbered together, after every position already given; nothing else is touched. The
concurrent proof on PostgreSQL is tests/banks/test_change_feed_concurrency.py."""
import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import transaction

from cases.codes import Category, EventKind
from cases.models import CaseChange
from cases.services.changes import case_changes_number, case_changes_relay, case_changes_relay_on_commit
from cases.tasks import relay_changes
from tests.factories import BankFactory, make_case, record
from thads.celery import app


def positions() -> list[tuple[int, int | None]]:
    return list(CaseChange.objects.order_by("id").values_list("id", "position"))


@pytest.fixture
def bank_case(org):
    bank = BankFactory(code="AGR")

    def make(case_no: str):
        return make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no=case_no)
    return make


def test_given_changes_without_positions_when_relayed_then_numbered_1_to_n_in_id_order(bank_case):
    # given: (the test's transaction never commits, so the after-commit relay has not run)
    case = bank_case("AGR-1")
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=100_000)
    bank_case("AGR-2")
    assert [position for _id, position in positions()] == [None, None, None]

    # when
    numbered = case_changes_relay()

    # then
    assert numbered == 3
    assert [position for _id, position in positions()] == [1, 2, 3]


def test_given_numbered_changes_when_new_ones_arrive_then_only_they_are_numbered_after_the_highest(bank_case):
    # given: positions as the migration leaves old rows (their ids), and one row numbered by hand far above
    bank_case("AGR-1")
    bank_case("AGR-2")
    case_changes_relay()
    first, second = CaseChange.objects.order_by("id")
    CaseChange.objects.filter(pk=second.pk).update(position=1000)
    before = positions()

    # when
    bank_case("AGR-3")
    bank_case("AGR-4")
    numbered = case_changes_relay()

    # then: the old rows keep theirs; the new ones follow the highest, in id order
    after = positions()
    assert numbered == 2
    assert after[:2] == before
    assert [position for _id, position in after[2:]] == [1001, 1002]


def test_given_nothing_to_number_then_the_relay_changes_nothing_and_costs_one_query(bank_case,
                                                                                  django_assert_num_queries):
    # given
    bank_case("AGR-1")
    case_changes_relay()
    before = positions()

    # when / then
    with django_assert_num_queries(1):
        assert case_changes_number() == 0
    assert case_changes_relay() == 0
    assert positions() == before


def test_given_more_changes_than_a_batch_then_one_number_call_does_one_batch_and_the_relay_does_all(bank_case):
    # given: 7 changes
    for number in range(7):
        bank_case(f"AGR-{number}")

    # when / then: one batch of 3: the 3 oldest
    assert case_changes_number(limit=3) == 3
    assert [position for _id, position in positions()] == [1, 2, 3, None, None, None, None]

    # when / then: the relay goes on in batches of 3 until none is left
    assert case_changes_relay(limit=3) == 4
    assert [position for _id, position in positions()] == [1, 2, 3, 4, 5, 6, 7]


def test_given_many_writes_in_one_transaction_then_the_relay_is_registered_once(
        bank_case, django_capture_on_commit_callbacks):
    # when: three service calls, one outer transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        case = bank_case("AGR-1")
        record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=100_000)
        record(case, EventKind.THU_TIEN, date(2024, 2, 2), amount=100_000)
        case_changes_relay_on_commit()

    # then: one relay, which numbered all three
    assert len(callbacks) == 1
    assert [position for _id, position in positions()] == [1, 2, 3]


def test_given_a_write_that_rolls_back_then_the_next_positions_have_no_hole(bank_case):
    """On PostgreSQL the rolled-back transaction used up an id; positions are given only to committed rows."""
    # given
    bank_case("AGR-1")
    case_changes_relay()

    # when: a transaction writes a change, then fails; another commits
    with pytest.raises(RuntimeError), transaction.atomic():
        bank_case("AGR-2")
        raise RuntimeError("failed after writing")
    bank_case("AGR-3")
    case_changes_relay()

    # then
    assert list(CaseChange.objects.order_by("id").values_list("case__case_no", "position")) == [
        ("AGR-1", 1), ("AGR-3", 2)]


def test_the_beat_entry_runs_the_relay(bank_case):
    # given
    bank_case("AGR-1")

    # when
    numbered = relay_changes.apply().get()

    # then
    assert numbered == 1
    assert [position for _id, position in positions()] == [1]
    assert app.conf.beat_schedule["relay-case-changes"]["task"] == relay_changes.name


def test_the_migration_gives_the_rows_already_written_their_id_as_position(bank_case):
    # given: rows written before the column existed
    bank_case("AGR-1")
    bank_case("AGR-2")
    migration = importlib.import_module("cases.migrations.0012_case_change_position")

    # when
    migration.positions_from_ids(apps, None)

    # then
    assert all(position == pk for pk, position in positions())
