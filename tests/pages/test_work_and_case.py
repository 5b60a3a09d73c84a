"""The officers' pages: "Việc của tôi", the case page, intake and the steps — what each person sees and
writes, refusals that write nothing, and query counts that do not grow with the rows shown."""
from datetime import date

import pytest
import time_machine

from cases.codes import EventKind, PartyRole, Status
from cases.models import Case, CaseEvent, Party, Payout
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 20)


@pytest.fixture
def cases(org, people):
    # Accepted 1/3/2024 (Friday), proactive: verification due 10 days later → 11/3/2024 (overdue on 20/3).
    own = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="VT-OWN", accepted_on=date(2024, 3, 1),
                    origin="chu_dong", category="ngan_sach", amount_due=20_000_000, today=TODAY)
    # Accepted 12/3: verification due 22/3 → due within the week on 20/3.
    soon = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="VT-SOON", accepted_on=date(2024, 3, 12),
                     origin="chu_dong", category="khac", today=TODAY)
    colleague = make_case(unit=org["HG-VT"], officer=people["officer2"], case_no="VT-COLLEAGUE",
                          accepted_on=date(2024, 3, 1), origin="chu_dong", today=TODAY)
    foreign = make_case(unit=org["ST-A"], officer=people["outsider"], case_no="ST-FOREIGN",
                        accepted_on=date(2024, 3, 1), origin="chu_dong", today=TODAY)
    return {"own": own, "soon": soon, "colleague": colleague, "foreign": foreign}


# ---- my work ---------------------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_my_work_counts_and_splits_overdue_from_upcoming(client, people, cases):
    client.force_login(people["officer"])
    response = client.get("/work/")
    body = response.content.decode()
    assert response.status_code == 200
    overdue = body.split('id="queue-overdue"')[1].split("</table>")[0]
    upcoming = body.split('id="queue-upcoming"')[1].split("</table>")[0]
    assert "VT-OWN" in overdue and "VT-SOON" not in overdue
    assert "VT-SOON" in upcoming and "22/03/2024" in upcoming
    assert "VT-COLLEAGUE" not in body and "ST-FOREIGN" not in body
    assert '<strong id="count-overdue">1</strong>' in body
    assert '<strong id="count-week">1</strong>' in body
    assert "Nguyễn Văn A" in overdue  # the debtor
    assert "20.000.000 ₫" in overdue  # the amount remaining
    assert f'/cases/{cases["own"].pk}/verify/' in overdue  # the link that does the step


@time_machine.travel(TODAY, tick=False)
def test_my_work_filters_by_category(client, people, cases):
    client.force_login(people["officer"])
    body = client.get("/work/?category=khac").content.decode()
    assert "VT-SOON" in body and "VT-OWN" not in body


@time_machine.travel(TODAY, tick=False)
def test_my_work_query_count_does_not_grow_with_the_queue(client, org, people, cases, django_assert_num_queries):
    client.force_login(people["officer"])
    client.get("/work/")
    # The tiles (one aggregate), the steps present, the overdue count and page, the upcoming rows: each one
    # query over the cached duties, whatever the length of the queue; one for the dialogue commitments owed.
    with django_assert_num_queries(15) as captured:
        client.get("/work/")
    baseline = len(captured.captured_queries)
    for number in range(12):
        make_case(unit=org["HG-VT"], officer=people["officer"], case_no=f"VT-MORE-{number}",
                  accepted_on=date(2024, 3, 1), origin="chu_dong", today=TODAY)
    with django_assert_num_queries(baseline):
        body = client.get("/work/").content.decode()
    assert body.count("VT-MORE-") == 12


@time_machine.travel(TODAY, tick=False)
def test_my_work_pages_a_long_overdue_list_and_keeps_the_filters(client, org, people, cases):
    # Given 55 overdue verifications besides VT-OWN (all due 11/3/2024, so ordered by case number)
    for number in range(55):
        make_case(unit=org["HG-VT"], officer=people["officer"], case_no=f"VT-LATE-{number:02d}",
                  accepted_on=date(2024, 3, 1), origin="chu_dong", category="ngan_sach", today=TODAY)
    client.force_login(people["officer"])
    # When the officer opens the first and the second page of the overdue list
    first = client.get("/work/").content.decode()
    second = client.get("/work/?category=ngan_sach&page=2").content.decode()
    # Then the tile counts all 56, the first page shows 50, the second the 6 left, and upcoming stays on both
    assert '<strong id="count-overdue">56</strong>' in first
    assert first.split('id="queue-overdue"')[1].split("</table>")[0].count("/verify/") == 50
    overdue_two = second.split('id="queue-overdue"')[1].split("</table>")[0]
    assert overdue_two.count("/verify/") == 6 and "VT-LATE-54" in overdue_two and "VT-LATE-00" not in overdue_two
    assert "Trang 1/2" in first and "Trang 2/2" in second
    assert "?category=ngan_sach&page=1#overdue" in second
    assert "VT-SOON" in first and "VT-SOON" not in second  # the filter keeps ngan_sach only


def test_login_lands_an_officer_on_my_work_and_a_head_on_the_dashboard(client, people):
    assert client.post("/login/", {"username": "officer", "password": "pw-test-123"})["Location"] == "/"
    assert client.get("/")["Location"] == "/work/"
    client.logout()
    client.post("/login/", {"username": "head", "password": "pw-test-123"})
    assert client.get("/")["Location"] == "/dashboard/"


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/work/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# ---- the case page ---------------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_case_page_shows_the_case_and_the_actions_the_workflow_allows(client, people, cases):
    record(cases["own"], EventKind.THU_TIEN, date(2024, 3, 15), amount=5_000_000, today=TODAY)
    client.force_login(people["officer"])
    body = client.get(f"/cases/{cases['own'].pk}/").content.decode()
    assert 'id="amount-collected">5.000.000 ₫' in body
    assert 'id="amount-remaining">15.000.000 ₫' in body
    assert "Nguyễn Văn A" in body and "Trần Thị B" in body
    assert 'data-action="verify"' in body and 'data-action="thu_tien"' in body
    assert 'data-action="tiep_tuc"' not in body  # only from postponed or suspended
    assert 'data-action="xong"' not in body  # money remains
    assert 'data-action="payout"' in body  # collected, not yet paid out
    assert "Quá hạn" in body  # the verification deadline, in words


@time_machine.travel(TODAY, tick=False)
def test_case_page_of_another_province_is_not_found_and_a_colleagues_case_is_read_only(client, people, cases):
    client.force_login(people["officer"])
    assert client.get(f"/cases/{cases['foreign'].pk}/").status_code == 404
    body = client.get(f"/cases/{cases['colleague'].pk}/").content.decode()
    assert 'data-action=' not in body
    assert client.get(f"/cases/{cases['colleague'].pk}/record/thu_tien/").status_code == 403
    client.force_login(people["outsider_head"])
    assert client.get(f"/cases/{cases['own'].pk}/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_case_page_query_count_does_not_grow_with_its_events(client, people, cases, django_assert_num_queries):
    client.force_login(people["officer"])
    case = cases["own"]
    record(case, EventKind.CO_DIEU_KIEN, date(2024, 3, 5), today=TODAY)
    client.get(f"/cases/{case.pk}/")
    # one of them: the open dialogue commitments; two: the audit trail (its scope and its entries)
    with django_assert_num_queries(21) as captured:
        client.get(f"/cases/{case.pk}/")
    baseline = len(captured.captured_queries)
    for day in range(6, 16):
        record(case, EventKind.THU_TIEN, date(2024, 3, day), amount=100_000, today=TODAY)
    with django_assert_num_queries(baseline):
        client.get(f"/cases/{case.pk}/")


# ---- intake and steps -------------------------------------------------------------------------------------------

def intake_data(org, **overrides):
    data = {
        "case_no": "VT-2024-000777", "decision_no": "77/QĐ-CCTHADS", "accepted_on": "20/03/2024",
        "received_on": "18/03/2024", "notified_on": "", "unit": org["HG-VT"].pk, "officer": "",
        "origin": "theo_yeu_cau", "category": "khac", "creditor_bank": "", "amount_due": "1.000.000",
        "judgment_type": "dan_su", "judgment_court": "TAND TP Vị Thanh", "judgment_no": "12/2024/DS-ST",
        "judgment_date": "01/02/2024",
        "debtor-TOTAL_FORMS": "3", "debtor-INITIAL_FORMS": "0",
        "creditor-TOTAL_FORMS": "2", "creditor-INITIAL_FORMS": "0",
        "debtor-0-name": "Đặng Kim Cường", "debtor-0-kind": "person", "debtor-0-id_number": "093080001234",
        "debtor-1-name": "Lê Thị Hoa", "debtor-1-kind": "person",
        "debtor-2-name": "", "debtor-2-kind": "person",
        "creditor-0-name": "Nguyễn Văn Bình", "creditor-0-kind": "person",
        "creditor-1-name": "", "creditor-1-kind": "person",
    }
    data.update(overrides)
    return data


@time_machine.travel(TODAY, tick=False)
def test_an_officer_registers_a_case_with_two_debtors_and_lands_on_it(client, org, people):
    client.force_login(people["officer"])
    page = client.get("/cases/new/").content.decode()
    assert 'value="20/03/2024"' in page  # today, day-first
    response = client.post("/cases/new/", intake_data(org))
    case = Case.objects.get(case_no="VT-2024-000777")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.amount_due == 1_000_000 and case.officer == people["officer"] and case.unit == org["HG-VT"]
    assert sorted(case.parties.filter(role=PartyRole.DEBTOR).values_list("name", flat=True)) == [
        "Lê Thị Hoa", "Đặng Kim Cường"]
    assert client.get(response["Location"]).content.decode().count("Đã thụ lý") >= 0


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("overrides", "message"), [
    ({"amount_due": "1,5"}, "amount_due"),
    ({"debtor-0-name": "", "debtor-1-name": ""}, "người phải thi hành án"),
    ({"accepted_on": "21/03/2024"}, "tương lai"),
    ({"case_no": "VT-OWN"}, "đã tồn tại"),
    ({"category": "tin_dung_ngan_hang"}, "ngân hàng"),
])
def test_refused_intake_shows_the_reason_and_writes_nothing(client, org, people, cases, overrides, message):
    client.force_login(people["officer"])
    before = (Case.objects.count(), Party.objects.count())
    response = client.post("/cases/new/", intake_data(org, **overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body or f'name="{message}"' in body
    assert (Case.objects.count(), Party.objects.count()) == before


@time_machine.travel(TODAY, tick=False)
def test_a_collection_typed_with_dots_is_recorded_in_full_and_prompts_the_payout(client, people, cases):
    client.force_login(people["officer"])
    case = cases["own"]
    response = client.post(f"/cases/{case.pk}/record/thu_tien/", {
        "date": "20/03/2024", "amount": "5.000.000", "receipt_no": "BL-0012", "payer": "Đặng Văn Hùng",
        "method": "cash", "note": ""})
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/?prompt=payout")
    case.refresh_from_db()
    assert case.amount_collected == 5_000_000 and case.amount_remaining == 15_000_000
    event = case.events.get()
    assert "BL-0012" in event.note and event.recorded_by == people["officer"]
    body = client.get(response["Location"]).content.decode()
    assert "5.000.000 ₫" in body and "Đã ghi nhận" in body
    assert 'id="payout-prompt"' in body and f"/cases/{case.pk}/payout/" in body


@time_machine.travel(TODAY, tick=False)
def test_a_collection_above_what_remains_is_refused_on_the_form(client, people, cases):
    client.force_login(people["officer"])
    case = cases["own"]
    response = client.post(f"/cases/{case.pk}/record/thu_tien/", {
        "date": "20/03/2024", "amount": "25.000.000", "receipt_no": "BL-1", "payer": "", "method": "cash"})
    assert response.status_code == 200 and "vượt quá" in response.content.decode()
    assert CaseEvent.objects.filter(case=case).count() == 0


@time_machine.travel(TODAY, tick=False)
def test_a_verification_records_what_was_found(client, people, cases):
    client.force_login(people["officer"])
    case = cases["own"]
    response = client.post(f"/cases/{case.pk}/verify/", {
        "date": "19/03/2024", "finding": "co_dieu_kien", "income": "Lương 8.000.000 ₫/tháng",
        "assets": "Xe máy", "address": "Ấp 3, xã Vị Tân"})
    assert response.status_code == 302
    event = case.events.get()
    assert event.kind == EventKind.CO_DIEU_KIEN and "Xe máy" in event.note and "Ấp 3" in event.note
    # an empty verification is refused
    response = client.post(f"/cases/{case.pk}/verify/", {"date": "20/03/2024", "finding": "co_dieu_kien"})
    assert response.status_code == 200 and case.events.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_payout_is_prefilled_and_cannot_exceed_what_was_collected(client, people, cases):
    case = cases["own"]
    record(case, EventKind.THU_TIEN, date(2024, 3, 15), amount=5_000_000, today=TODAY)
    client.force_login(people["officer"])
    page = client.get(f"/cases/{case.pk}/payout/").content.decode()
    assert 'value="5.000.000"' in page and "Trần Thị B" in page
    refused = client.post(f"/cases/{case.pk}/payout/", {"paid_on": "20/03/2024", "amount": "6.000.000",
                                                        "recipient": "Trần Thị B"})
    assert refused.status_code == 200 and Payout.objects.count() == 0
    client.post(f"/cases/{case.pk}/payout/", {"paid_on": "20/03/2024", "amount": "5.000.000",
                                              "recipient": "Trần Thị B"})
    assert Payout.objects.get().amount == 5_000_000


@time_machine.travel(TODAY, tick=False)
def test_a_party_is_added_with_its_actor(client, people, cases):
    client.force_login(people["officer"])
    case = cases["own"]
    client.post(f"/cases/{case.pk}/parties/add/", {"role": "debtor", "kind": "person", "name": "Võ Văn Tám"})
    assert case.parties.filter(name="Võ Văn Tám", role=PartyRole.DEBTOR).exists()


def test_a_statistician_cannot_open_intake(client, people):
    client.force_login(people["statistician"])
    assert client.get("/cases/new/").status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_steps_of_an_ended_case_are_refused(client, people, cases):
    case = cases["soon"]
    record(case, EventKind.DINH_CHI, date(2024, 3, 15), ground="c", today=TODAY)
    client.force_login(people["officer"])
    response = client.post(f"/cases/{case.pk}/record/hoan/", {"date": "20/03/2024", "ground": "c"})
    assert response.status_code == 200 and case.events.count() == 1
    case.refresh_from_db()
    assert case.status == Status.TERMINATED


# ---- corrections -------------------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_a_mistaken_collection_is_cancelled_with_a_reason_and_the_amount_restored(client, people, cases):
    case = cases["own"]
    record(case, EventKind.THU_TIEN, date(2024, 3, 15), amount=1, today=TODAY)  # "1.000.000" read as 1 đồng
    client.force_login(people["officer"])
    page = client.get(f"/cases/{case.pk}/cancel/").content.decode()
    assert "Thu tiền" in page and "15/03/2024" in page
    refused = client.post(f"/cases/{case.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 200 and case.events.count() == 1
    response = client.post(f"/cases/{case.pk}/cancel/", {"reason": "Nhập sai số tiền"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.amount_collected, case.amount_remaining, case.events.count()) == (0, 20_000_000, 2)
    correction = case.events.order_by("-sequence").first()
    assert correction.note == "Nhập sai số tiền" and correction.recorded_by == people["officer"]
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'class="cancelled"' in body and 'id="amount-remaining">20.000.000 ₫' in body


@time_machine.travel(TODAY, tick=False)
def test_a_party_is_corrected_and_the_previous_name_kept(client, people, cases):
    from cases.models import PartyCorrection

    case = cases["own"]
    debtor = case.parties.get(role=PartyRole.DEBTOR)
    client.force_login(people["officer"])
    refused = client.post(f"/cases/{case.pk}/parties/{debtor.pk}/correct/", {
        "kind": "person", "name": "Nguyễn Văn An", "id_number": "", "address": "", "reason": ""})
    assert refused.status_code == 200 and PartyCorrection.objects.count() == 0
    client.post(f"/cases/{case.pk}/parties/{debtor.pk}/correct/", {
        "kind": "person", "name": "Nguyễn Văn An", "id_number": "", "address": "", "reason": "Sai theo CCCD"})
    debtor.refresh_from_db()
    assert debtor.name == "Nguyễn Văn An"
    assert list(PartyCorrection.objects.values_list("old_value", "new_value")) == [("Nguyễn Văn A", "Nguyễn Văn An")]
    assert "Nguyễn Văn A (Sai theo CCCD)" in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(people["officer2"])  # a colleague reads the case but corrects nothing
    assert client.post(f"/cases/{case.pk}/parties/{debtor.pk}/correct/", {
        "kind": "person", "name": "X", "reason": "x"}).status_code == 403
