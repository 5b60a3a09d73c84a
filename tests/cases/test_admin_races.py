"""Admin event and payout pages: the read-only page of a recorded row opens (it used to crash), and a save that
loses a race to another writer gets the refusal on the form — nothing written, no server error."""
from datetime import date

import pytest

from cases.codes import EventKind
from cases.models import CaseEvent, Payout
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


@pytest.fixture
def case(org, people):
    return make_case(unit=org["HG-VT"], officer=people["officer"], amount_due=5_000_000, accepted_on=date(2025, 3, 3))


def test_the_page_of_a_recorded_event_and_payout_opens(client, people, case):
    event = record(case, EventKind.THU_TIEN, date(2025, 3, 11), amount=1_000_000)
    from cases.services import payout_record

    payout = payout_record(actor=None, case=case, paid_on=date(2025, 3, 12), amount=1_000_000, recipient="Trần Thị B")
    client.force_login(people["officer"])
    assert client.get(f"/admin/cases/caseevent/{event.pk}/change/").status_code == 200
    assert client.get(f"/admin/cases/payout/{payout.pk}/change/").status_code == 200


def test_a_collection_that_loses_a_race_is_refused_on_the_form(client, people, case, monkeypatch):
    from cases.forms import CaseEventForm

    original = CaseEventForm._write_checked

    def other_writer_first(form, data, field_map):
        # another officer's collection of 4.000.000 commits between this form's field checks and its write
        record(case, EventKind.THU_TIEN, date(2025, 3, 10), amount=4_000_000)
        return original(form, data, field_map)

    monkeypatch.setattr(CaseEventForm, "_write_checked", other_writer_first)
    client.force_login(people["officer"])
    response = client.post("/admin/cases/caseevent/add/", {
        "case": case.pk, "date": "11/03/2025", "kind": EventKind.THU_TIEN, "amount": "3.000.000", "ground": "",
        "note": ""})
    assert response.status_code == 200
    assert "vượt quá" in response.content.decode()
    assert list(CaseEvent.objects.filter(case=case).values_list("amount", flat=True)) == [4_000_000]


def test_the_saved_message_says_what_was_recorded_in_words(client, people, case):
    client.force_login(people["officer"])
    response = client.post("/admin/cases/caseevent/add/", {
        "case": case.pk, "date": "11/03/2025", "kind": EventKind.THU_TIEN, "amount": "1.000.000", "ground": "",
        "note": ""}, follow=True)
    body = response.content.decode()
    assert "Đã lưu: Thu tiền ngày 11/03/2025, 1.000.000 ₫ — hồ sơ" in body
    assert Payout.objects.count() == 0
