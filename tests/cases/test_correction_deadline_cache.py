"""A cancelled event no longer meets a deadline: the cached open duties follow the correction."""
from datetime import date

import pytest

from cases.codes import EventKind
from cases.models import OpenDeadline
from cases.services import case_event_cancel
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 20)


def test_cancelling_the_verification_reopens_its_duty(org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2024, 3, 1), origin="chu_dong",
                     today=TODAY)
    assert OpenDeadline.objects.filter(case=case, kind="verification").exists()
    verification = record(case, EventKind.CO_DIEU_KIEN, date(2024, 3, 8), today=TODAY)
    assert not OpenDeadline.objects.filter(case=case, kind="verification").exists()
    case_event_cancel(actor=people["officer"], case=case, event=verification, reason="Ghi nhầm hồ sơ")
    case.refresh_from_db()
    assert OpenDeadline.objects.filter(case=case, kind="verification").exists()
    assert case.next_due_on is not None
