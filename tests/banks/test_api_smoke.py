from datetime import date

import pytest

from banks.services import api_key_create
from cases.codes import Category, EventKind
from tests.factories import BankFactory, make_case, record


@pytest.mark.django_db
def test_smoke(client, org):
    bank = BankFactory(code="AGR")
    other = BankFactory(code="VCB")
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="B-1",
                     amount_due=1_000_000, accepted_on=date(2024, 1, 5))
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=400_000)
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=other, case_no="B-2")
    _record, key = api_key_create(bank=bank)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get("/api/v1/cases/", **auth)
    assert response.status_code == 200, response.content
    assert [r["case_no"] for r in response.json()["results"]] == ["B-1"]
    assert response.json()["results"][0]["amount_remaining"] == 600_000
    detail = client.get("/api/v1/cases/B-1/", **auth)
    assert detail.status_code == 200 and detail.json()["events"][0]["code"] == "thu_tien"
    assert client.get("/api/v1/cases/B-1/", HTTP_IF_NONE_MATCH=detail["ETag"], **auth).status_code == 304
    assert client.get("/api/v1/cases/B-2/", **auth).status_code == 404
    assert client.get("/api/v1/cases/").status_code == 401
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer nope").json()["error"]["code"] == "invalid_key"
    feed = client.get("/api/v1/changes/", **auth).json()
    assert [c["kind"] for c in feed["results"]] == ["case_created", "event_recorded"]
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
