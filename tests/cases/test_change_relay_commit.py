"""The relay after a real commit. A file of its own: a transactional test empties the database after it (the
data migrations' rows too), and pytest-django runs files of transactional tests after the others."""
from datetime import date

import pytest

from cases.codes import EventKind
from tests.cases import test_change_relay
from tests.cases.test_change_relay import positions
from tests.factories import record

bank_case = test_change_relay.bank_case  # the fixture


@pytest.mark.django_db(transaction=True)
def test_given_a_service_write_when_its_transaction_commits_then_its_changes_are_numbered_without_a_read(bank_case):
    # when: real commits (no test transaction around them)
    case = bank_case("AGR-1")
    assert [position for _id, position in positions()] == [1]
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=100_000)

    # then
    assert [position for _id, position in positions()] == [1, 2]
