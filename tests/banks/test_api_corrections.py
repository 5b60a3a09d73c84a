"""A correction (dinh_chinh) in the bank API: the case's timeline shows it with its label and which event it
cancels, the cancelled event says by which correction, the amounts follow, and the change feed carries it."""
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import translation

from banks.services import api_key_create
from cases.codes import Category, EventKind
from cases.services import case_event_cancel
from tests.factories import BankFactory, make_case, record

M = 1_000_000


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def corrected(org):
    """AGR's case: 2.000.000 collected, then 1 đồng by mistake, cancelled, then 1.000.000."""
    bank = BankFactory(code="AGR")
    _record, key = api_key_create(bank=bank)
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-1",
                     amount_due=5 * M)
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=2 * M)
    mistaken = record(case, EventKind.THU_TIEN, date(2024, 3, 1), amount=1)
    case_event_cancel(actor=None, case=case, event=mistaken, reason="nhập nhầm")
    record(case, EventKind.THU_TIEN, date(2024, 3, 1), amount=M)
    return {"key": key}


def test_the_timeline_shows_the_correction_and_the_cancelled_event(client, corrected):
    with translation.override("vi"):
        response = client.get("/api/v1/cases/AGR-1/", HTTP_AUTHORIZATION=f"Bearer {corrected['key']}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(e["sequence"], e["code"], e["amount"], e["cancels"], e["cancelled_by"]) for e in body["events"]] == [
        (1, "thu_tien", 2 * M, None, None), (2, "thu_tien", 1, None, 3), (3, "dinh_chinh", None, 2, None),
        (4, "thu_tien", M, None, None)]
    assert body["events"][2]["label"] == "Đính chính (hủy sự kiện ghi sai)"
    assert (body["amount_collected"], body["amount_remaining"]) == (3 * M, 2 * M)


def test_the_change_feed_carries_the_correction(client, corrected):
    response = client.get("/api/v1/changes/", HTTP_AUTHORIZATION=f"Bearer {corrected['key']}")
    assert response.status_code == 200, response.content
    events = [(c["kind"], c["event"] and (c["event"]["code"], c["event"]["cancels"]))
              for c in response.json()["results"]]
    assert events == [("case_created", None), ("event_recorded", ("thu_tien", None)),
                      ("event_recorded", ("thu_tien", None)), ("event_recorded", ("dinh_chinh", 2)),
                      ("event_recorded", ("thu_tien", None))]
