"""The dialogue pages: plan a session, accept the proposed agenda, hold it, record a commitment, close it;
the officer sees the commitment in "Việc của tôi" and on the case page; other units see nothing."""
from datetime import date
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from dialogues.models import AgendaItem, Commitment, Session, SessionStatus
from tests.dialogues.histories import stuck_auction

TODAY = date(2026, 11, 28)


@pytest.fixture
def stuck(bank_case):
    case = bank_case(accepted_on=date(2019, 3, 1))
    stuck_auction(case)
    return case


def _plan(client, banks, **extra):
    data = {"organiser": extra.pop("organiser"), "held_on": "03/12/2019", "place": "Hội trường Cục THADS",
            "title": "", "banks": [banks["AGR"].pk], "representatives": "Ông Lê Văn C, Phó Giám đốc",
            "state_bank": "Bà Trần Thị D", "other_bodies": "Viện kiểm sát nhân dân tỉnh",
            "failed_rounds_threshold": "3", "idle_months": "6", "large_amount": "1.000.000.000", **extra}
    return client.post("/dialogues/plan/", data)


@time_machine.travel(TODAY, tick=False)
def test_the_whole_task_from_plan_to_close(client, org, people, banks, stuck):
    client.force_login(people["province_head"])
    page = client.get("/dialogues/plan/")
    assert page.status_code == 200 and "Agribank Hậu Giang" in page.content.decode()
    response = _plan(client, banks, organiser=org["HG"].pk)
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == f"/dialogues/{session.pk}/"
    body = client.get(f"/dialogues/{session.pk}/").content.decode()
    assert stuck.case_no in body and 'id="proposed-items"' in body and "Bà Trần Thị D" in body
    client.post(f"/dialogues/{session.pk}/agenda/accept/", {"case": [stuck.pk]})
    item = AgendaItem.objects.get(session=session)
    assert item.case_id == stuck.pk
    client.post(f"/dialogues/{session.pk}/hold/")
    response = client.post(f"/dialogues/{session.pk}/commitments/new/", {
        "c-item": item.pk, "c-party": "officer", "c-kind": "reauction", "c-text": "Ký lại hợp đồng đấu giá",
        "c-owner_user": people["officer"].pk, "c-due_on": "30/04/2019"})
    assert response.status_code == 200 and Commitment.objects.count() == 0  # 30/4 is a holiday: refused
    client.post(f"/dialogues/{session.pk}/commitments/new/", {
        "c-item": item.pk, "c-party": "officer", "c-kind": "reauction", "c-text": "Ký lại hợp đồng đấu giá",
        "c-owner_user": people["officer"].pk, "c-due_in_working_days": "10"})
    commitment = Commitment.objects.get()
    assert commitment.due_on == date(2019, 12, 17)
    client.post(f"/dialogues/{session.pk}/close/")
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    body = client.get(f"/dialogues/{session.pk}/").content.decode()
    assert 'id="overdue-flag"' in body  # due 17/12/2019, still open in 2026
    minutes = client.get(f"/dialogues/{session.pk}/minutes/").content.decode()
    assert "Ký lại hợp đồng đấu giá" in minutes and "17/12/2019" in minutes
    workbook = load_workbook(BytesIO(b"".join(client.get(f"/dialogues/{session.pk}/export.xlsx").streaming_content)))
    assert [row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)] == [stuck.case_no]
    # The officer of the case sees it in their work and on the case page.
    client.force_login(people["officer"])
    work = client.get("/work/").content.decode()
    assert 'id="my-commitments"' in work and "Ký lại hợp đồng đấu giá" in work
    assert "Ký lại hợp đồng đấu giá" in client.get(f"/cases/{stuck.pk}/").content.decode()
    assert client.get(f"/dialogues/{session.pk}/").status_code == 200  # the agenda holds their case


@time_machine.travel(TODAY, tick=False)
def test_other_units_read_nothing_and_officers_do_not_organise(client, org, people, banks, stuck):
    client.force_login(people["province_head"])
    _plan(client, banks, organiser=org["HG"].pk)
    session = Session.objects.get()
    for username in ("outsider", "outsider_head", "officer2"):
        client.force_login(people[username])
        assert client.get(f"/dialogues/{session.pk}/").status_code == 404, username
        assert str(session.held_on.year) not in client.get("/dialogues/").content.decode().split("<main")[1].split(
            'id="sessions"')[1].split("</table>")[0], username
    client.force_login(people["officer"])
    assert client.get("/dialogues/plan/").status_code == 403
    assert client.post(f"/dialogues/{session.pk}/hold/").status_code in (403, 404)


@time_machine.travel(TODAY, tick=False)
def test_effect_page_and_export(client, org, people, banks, stuck):
    client.force_login(people["province_head"])
    _plan(client, banks, organiser=org["HG"].pk)
    session = Session.objects.get()
    client.post(f"/dialogues/{session.pk}/agenda/accept/")
    client.post(f"/dialogues/{session.pk}/hold/")
    body = client.get("/dialogues/effect/").content.decode()
    assert 'id="effect-year"' in body and f'id="effect-session-{session.pk}"' in body
    response = client.get("/dialogues/effect/?unit=HG&year=2019&format=xlsx")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] in ("Năm", "Year")


@time_machine.travel(TODAY, tick=False)
def test_session_list_query_count_does_not_grow(client, org, people, banks, django_assert_num_queries):
    from dialogues.services import BankData, session_create

    client.force_login(people["province_head"])
    session_create(actor=people["province_head"], organiser=org["HG"], held_on=date(2019, 4, 1), place="A",
                   banks=[BankData(banks["AGR"])])
    client.get("/dialogues/")
    with django_assert_num_queries(14) as captured:
        client.get("/dialogues/")
    baseline = len(captured.captured_queries)
    for day in range(2, 8):
        session_create(actor=people["province_head"], organiser=org["HG"], held_on=date(2019, 4, day), place="B",
                       banks=[BankData(banks["AGR"]), BankData(banks["VCB"])])
    with django_assert_num_queries(baseline):
        assert client.get("/dialogues/").content.decode().count("Vietcombank Hậu Giang") == 6


@time_machine.travel(TODAY, tick=False)
def test_session_page_query_count_does_not_grow_with_the_agenda(client, org, people, banks, bank_case,
                                                                django_assert_num_queries):
    from dialogues.models import CommitmentKind, CommitmentParty
    from dialogues.services import BankData, agenda_add, commitment_record, session_create, session_hold

    head = people["province_head"]
    session = session_create(actor=head, organiser=org["HG"], held_on=date(2019, 12, 3), place="A",
                             banks=[BankData(banks["AGR"])])
    session_hold(actor=head, session=session)

    def add_case(number):
        item = agenda_add(actor=head, session=session, case=bank_case(accepted_on=date(2019, 3, 1 + number)))
        commitment_record(actor=head, item=item, party=CommitmentParty.OFFICER, owner_user=people["officer"],
                          kind=CommitmentKind.COERCE, text=f"Cưỡng chế {number}", due_in_working_days=5)
        commitment_record(actor=head, item=item, party=CommitmentParty.BANK, owner_bank=banks["AGR"],
                          kind=CommitmentKind.SUPPLY_DOCUMENTS, text=f"Hồ sơ {number}", due_in_working_days=5)

    add_case(0)
    client.force_login(head)
    client.get(f"/dialogues/{session.pk}/")
    with django_assert_num_queries(26) as captured:
        client.get(f"/dialogues/{session.pk}/")
    baseline = len(captured.captured_queries)
    for number in range(1, 6):
        add_case(number)
    with django_assert_num_queries(baseline):
        body = client.get(f"/dialogues/{session.pk}/").content.decode()
    assert body.count("Cưỡng chế ") == 6
