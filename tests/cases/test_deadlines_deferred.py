"""deadlines_deferred(): the refreshes of many writes run once on leaving, and leave the cache exactly as the
refresh after each write would."""
from datetime import date

import pytest
from django.db import transaction

from cases.codes import EventKind
from cases.models import OpenDeadline
from cases.services import payout_record
from cases.services.deadlines import deadlines_deferred
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 20)


def cache(case_ids):
    return sorted(OpenDeadline.objects.filter(case_id__in=case_ids).values_list("case_id", "kind", "due_on"))


def test_deferred_payouts_leave_the_cache_as_one_by_one(org, people):
    cases = []
    for number in range(4):
        case = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2024, 3, 1), today=TODAY,
                         case_no=f"VT-DEF-{number}")
        record(case, EventKind.THU_TIEN, date(2024, 3, 5), amount=1_000_000, today=TODAY)
        cases.append(case)
    ids = [case.pk for case in cases]
    assert any(kind == "payout" for _case, kind, _due in cache(ids))
    with transaction.atomic(), deadlines_deferred():
        for case in cases[:2]:
            payout_record(actor=None, case=case, paid_on=date(2024, 3, 8), amount=1_000_000, recipient="B",
                          today=TODAY)
        # inside the block nothing is refreshed yet
        assert sum(1 for case_id, kind, _due in cache(ids) if kind == "payout") == 4
    deferred = cache(ids)
    assert sum(1 for _case, kind, _due in deferred if kind == "payout") == 2
    for case in cases[2:]:
        payout_record(actor=None, case=case, paid_on=date(2024, 3, 8), amount=1_000_000, recipient="B", today=TODAY)
    assert sum(1 for _case, kind, _due in cache(ids) if kind == "payout") == 0
