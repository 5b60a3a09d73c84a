"""The demo's dialogues (reports.demo.dialogues) on a small Hậu Giang: the 2019 sessions with the banks the
figures put first, their agendas and followed-up commitments, a session planned today by the successor agency
from today's stuck auction; no case event written, so the FY2019 figures do not move."""
from datetime import date

import pytest

from cases.codes import Category, EventKind
from cases.models import CaseEvent
from dialogues.models import CommitmentStatus, Reason, Session, SessionStatus
from reports.demo.dialogues import SESSIONS_2019, demo_dialogues
from reports.services import report_build
from tests.dialogues.histories import stuck_auction
from tests.factories import BankFactory, UnitFactory, make_case, record
from thads.org.models import UnitLevel

TODAY = date(2026, 11, 28)


@pytest.fixture
def small_province(org, people):
    city = UnitFactory(code="CT", name="Thi hành án dân sự thành phố Cần Thơ", level=UnitLevel.PROVINCE,
                       valid_from=date(2025, 7, 1))
    city.predecessors.set([org["HG"]])
    org["HG"].valid_to = date(2025, 6, 30)  # as in the demo: the province ends with the 2025 reorganisation
    org["HG"].save(update_fields=["valid_to"])
    org["HG-KV1"].parent = city  # the regional office of today belongs to the city
    org["HG-KV1"].save(update_fields=["parent"])
    agribank = BankFactory(code="AGRIBANK-HG", name="Agribank – Chi nhánh tỉnh Hậu Giang")
    bidv = BankFactory(code="BIDV-HG", name="BIDV – Chi nhánh Hậu Giang")
    cases = []
    for index in range(9):
        bank = agribank if index % 3 else bidv
        case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank,
                         amount_due=(index + 1) * 500_000_000, accepted_on=date(2017, 3, 1 + index),
                         officer=people["officer"])
        record(case, EventKind.CO_DIEU_KIEN, date(2017, 4, 10))
        cases.append(case)
    record(cases[8], EventKind.THU_TIEN, date(2019, 4, 2), amount=100_000_000)  # a step after the first session
    stuck_auction(cases[1], parcel="77")  # three failed rounds in 2019, still open today
    return {"city": city, "cases": cases, "agribank": agribank, "bidv": bidv}


def test_demo_dialogues(org, small_province):
    events = CaseEvent.objects.count()
    fy2019 = report_build(unit=org["HG"], start=date(2018, 10, 1), end=date(2019, 9, 30))
    result = demo_dialogues(today=TODAY)
    sessions = list(Session.objects.filter(organiser=org["HG"]).order_by("held_on"))
    # Agribank holds the most money with conditions, then BIDV: one session each, March and April 2019.
    assert [(s.held_on, [b.bank.code for b in s.banks.all()], s.status) for s in sessions] == [
        (SESSIONS_2019[0], ["AGRIBANK-HG"], SessionStatus.CLOSED),
        (SESSIONS_2019[1], ["BIDV-HG"], SessionStatus.CLOSED)]
    first = list(sessions[0].agenda_items.order_by("rank"))
    assert len(first) == 6 and [item.amount_remaining for item in first] == sorted(
        [item.amount_remaining for item in first], reverse=True)
    assert all(Reason.IDLE in item.reasons for item in first)
    commitments = [c for s in sessions for c in s.commitments.all()]
    assert {c.status for c in commitments} == {CommitmentStatus.DONE, CommitmentStatus.MISSED}
    kept = next(c for c in commitments if c.case_id == small_province["cases"][8].pk and c.party == "unit")
    assert (kept.status, kept.done_on) == (CommitmentStatus.DONE, date(2019, 4, 2))
    assert (result.sessions, result.kept + result.missed, result.planned) == (2, len(commitments), 1)
    # Today: the successor agency plans a dialogue; the stuck auction is on its agenda.
    planned = Session.objects.get(organiser=small_province["city"])
    assert planned.status == SessionStatus.PLANNED and planned.held_on.year == TODAY.year
    stuck = planned.agenda_items.get(case=small_province["cases"][1])
    assert Reason.FAILED_ROUNDS in stuck.reasons
    # Nothing written on the cases; the FY2019 figures are what they were; a rerun adds nothing.
    assert CaseEvent.objects.count() == events
    assert report_build(unit=org["HG"], start=date(2018, 10, 1), end=date(2019, 9, 30)) == fy2019
    assert demo_dialogues(today=TODAY) == result and Session.objects.count() == 3
