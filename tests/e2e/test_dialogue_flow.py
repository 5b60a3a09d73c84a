"""The province's head plans a dialogue with a bank in the browser, puts the proposed agenda on it, records it
as held, records a commitment for the officer of a case with a due date counted in working days, and closes
the minutes; the officer then finds the commitment, flagged overdue, in "Việc của tôi"; the bank reads the
commitment it owes through the API, marks it done, and the session page shows it done."""
import json
import urllib.error
import urllib.request
from datetime import date

import pytest
from django.utils import timezone, translation

from banks.services import api_key_create
from cases.codes import Category
from dialogues.models import Commitment, CommitmentStatus, Session, SessionStatus
from tests.dialogues.histories import stuck_auction
from tests.factories import BankFactory, make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-test-123")
    page.click("main button.primary")
    page.wait_for_load_state()


def test_plan_accept_commit_close_then_the_officer_sees_it(page, live_server, org, people):
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, amount_due=800_000_000,
                     bank=BankFactory(code="AGR", name="Agribank Hậu Giang"), accepted_on=date(2019, 3, 1),
                     officer=people["officer"])
    stuck_auction(case)
    login(page, live_server, "province_head")
    page.goto(f"{live_server.url}/dialogues/plan/")
    page.fill("#id_held_on", "03/12/2019")
    page.fill("#id_place", "Hội trường Cục THADS tỉnh Hậu Giang")
    page.get_by_label("AGR — Agribank Hậu Giang").check()
    page.fill("#id_representatives", "Ông Lê Văn C, Phó Giám đốc")
    page.click("main form.card button.primary")
    page.wait_for_load_state()
    session = Session.objects.get()
    assert page.url.endswith(f"/dialogues/{session.pk}/")
    assert case.case_no in page.locator("#proposed-items").inner_text()

    page.click("#accept-agenda")
    page.wait_for_load_state()
    assert case.case_no in page.locator("#agenda-items").inner_text()
    page.click("text=Ghi nhận đã tổ chức")
    page.wait_for_load_state()
    page.click("text=Ghi cam kết")
    page.wait_for_load_state()
    page.select_option("#id_c-item", label=f"#1 {case.case_no}")
    page.select_option("#id_c-party", "officer")
    page.select_option("#id_c-kind", "reauction")
    page.fill("#id_c-text", "Ký lại hợp đồng đấu giá, giảm giá tiếp")
    page.select_option("#id_c-owner_user", label="Cán bộ officer")
    page.fill("#id_c-due_in_working_days", "10")
    page.click("main form.card button.primary")
    page.wait_for_load_state()
    assert "17/12/2019" in page.locator("#session-commitments").inner_text()
    page.goto(f"{live_server.url}/dialogues/{session.pk}/commitments/new/")  # and one the bank owes
    page.wait_for_load_state()
    page.select_option("#id_c-item", label=f"#1 {case.case_no}")
    page.select_option("#id_c-party", "bank")
    page.select_option("#id_c-kind", "supply_documents")
    page.fill("#id_c-text", "Cung cấp bản gốc hợp đồng thế chấp")
    page.select_option("#id_c-owner_bank", label="AGR — Agribank Hậu Giang")
    page.fill("#id_c-due_in_working_days", "5")
    page.click("main form.card button.primary")
    page.wait_for_load_state()
    assert "Cung cấp bản gốc hợp đồng thế chấp" in page.locator("#session-commitments").inner_text()
    page.click("text=Kết thúc biên bản")
    page.wait_for_load_state()
    assert Session.objects.get().status == SessionStatus.CLOSED
    assert page.locator("#overdue-flag").count() == 1
    assert Commitment.objects.get(party="officer").due_on == date(2019, 12, 17)

    page.context.clear_cookies()
    login(page, live_server, "officer")
    assert page.url.endswith("/work/")
    row = page.locator("#my-commitments tbody tr").first
    assert "Ký lại hợp đồng đấu giá" in row.inner_text() and "Quá hạn" in row.inner_text()

    # the bank reads its commitment through the API and marks it done; the session page then shows it done
    _record, key = api_key_create(bank=case.creditor_bank, label="e2e")
    status, listed = api(live_server, key, "GET", "/api/v1/commitments/?status=open")
    assert status == 200
    (owed,) = [row for row in listed["results"] if row["owed_by_you"]]
    assert owed["case_no"] == case.case_no and owed["text"] == "Cung cấp bản gốc hợp đồng thế chấp"
    status, done = api(live_server, key, "POST", f"/api/v1/commitments/{owed['id']}/done/", {"done_on": None},
                       idempotency_key="e2e-mark-1")
    assert status == 200 and done["status"] == "done"
    page.context.clear_cookies()
    login(page, live_server, "province_head")
    page.goto(f"{live_server.url}/dialogues/{session.pk}/")
    row = page.locator("#session-commitments tbody tr", has_text="Cung cấp bản gốc hợp đồng thế chấp")
    with translation.override("vi"):
        done_label = str(CommitmentStatus.DONE.label)
    assert f"{done_label} {timezone.localdate():%d/%m/%Y}" in row.inner_text()
    assert Commitment.objects.get(pk=owed["id"]).status == CommitmentStatus.DONE


def api(live_server, key, method, path, body=None, idempotency_key=None):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{live_server.url}{path}", data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 — the test's own live server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
