from datetime import date

import pytest

from cases.codes import Category, EventKind, Status
from cases.workflow import WorkflowError
from tests.factories import make_case, record


@pytest.mark.django_db
def test_given_a_case_when_money_is_collected_and_completed_then_the_cache_follows(org):
    case = make_case(unit=org["HG-VT"], amount_due=5_000_000, category=Category.KHAC)
    record(case, EventKind.THU_TIEN, date(2019, 2, 1), amount=3_000_000)
    record(case, EventKind.THU_TIEN, date(2019, 3, 1), amount=2_000_000)
    record(case, EventKind.XONG, date(2019, 3, 1))
    case.refresh_from_db()
    assert (case.status, case.amount_collected, case.amount_remaining, case.ended_on, case.event_count) == (
        Status.COMPLETED, 5_000_000, 0, date(2019, 3, 1), 3)


@pytest.mark.django_db
def test_given_a_refused_event_then_nothing_is_written(org):
    case = make_case(unit=org["HG-VT"], amount_due=1_000_000)
    with pytest.raises(WorkflowError) as refused:
        record(case, EventKind.THU_TIEN, date(2019, 2, 1), amount=1_000_001)
    assert refused.value.code == "amount_exceeds_remaining"
    case.refresh_from_db()
    assert (case.event_count, case.amount_remaining, case.events.count()) == (0, 1_000_000, 0)
