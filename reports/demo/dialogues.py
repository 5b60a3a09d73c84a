"""The demo's dialogues with the banks (dialogues.services, system actor): Hậu Giang's 2019 round — one session
a month from March to June with the banks the FY2019 figures put first (most money, then cases, with
conditions), each agenda the cases the data showed stuck on the session's eve, commitments recorded on each
case and followed up (kept when the case moved before the due date, missed otherwise); and a dialogue planned
in the current year by Cần Thơ's agency (the successor of Hậu Giang's) with its agenda proposed from today's
stuck auctions (the rice land with many failed rounds, the offers the bank declined).

Dialogues write no case event: the published FY2019 figures cannot move. Rerunning reuses what is there.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from cases.models import CaseEvent
from cases.selectors import working_calendar
from dialogues.agenda import propose
from dialogues.models import (
    Commitment,
    CommitmentKind,
    CommitmentParty,
    CommitmentStatus,
    ParticipantKind,
    Reason,
    Session,
    SessionStatus,
)
from dialogues.selectors import bank_proposal
from dialogues.services import (
    BankData,
    OtherParticipant,
    agenda_accept,
    agenda_item_update,
    commitment_complete,
    commitment_mark_missed,
    commitment_record,
    session_close,
    session_create,
    session_hold,
)
from thads.org.models import Unit

PROVINCE_CODE, SUCCESSOR_CODE = "HG", "CT"
# One session a month, March to June 2019 (each a Friday, a working day), with the n-th bank of the proposal.
SESSIONS_2019 = (date(2019, 3, 22), date(2019, 4, 19), date(2019, 5, 24), date(2019, 6, 21))
AGENDA_SIZE = 6
PLACE_2019 = "Hội trường Cục Thi hành án dân sự tỉnh Hậu Giang, thành phố Vị Thanh"
PLACE_NOW = "Hội trường Thi hành án dân sự thành phố Cần Thơ"
OTHERS = (OtherParticipant(kind=ParticipantKind.STATE_BANK, name="Phó Giám đốc Ngân hàng Nhà nước chi nhánh tỉnh",
                           organisation="Ngân hàng Nhà nước Việt Nam – Chi nhánh tỉnh Hậu Giang"),
          OtherParticipant(kind=ParticipantKind.OTHER, name="Kiểm sát viên",
                           organisation="Viện kiểm sát nhân dân tỉnh Hậu Giang"))


@dataclass(frozen=True)
class DialogueSummary:
    sessions: int
    items: int
    kept: int
    missed: int
    planned: int

    def line(self) -> str:
        return (f"Đối thoại với ngân hàng: {self.sessions} buổi năm 2019, {self.items} việc trong chương trình, "
                f"cam kết đã thực hiện {self.kept}, không thực hiện {self.missed}; "
                f"{self.planned} buổi dự kiến trong năm nay.")


def summary() -> DialogueSummary:
    held = Session.objects.filter(organiser__code=PROVINCE_CODE, held_on__year=2019)
    commitments = Commitment.objects.filter(session__in=held)
    return DialogueSummary(
        sessions=held.count(), items=sum(session.agenda_items.filter(removed=False).count() for session in held),
        kept=commitments.filter(status=CommitmentStatus.DONE).count(),
        missed=commitments.filter(status=CommitmentStatus.MISSED).count(),
        planned=Session.objects.filter(organiser__code=SUCCESSOR_CODE, status=SessionStatus.PLANNED).count())


def _commitments_for(item, session, calendar):
    """What each side commits to for one case: the bank's part and the agency's (the case's unit), by what
    the data shows on the case."""
    reasons = set(item.reasons)
    bank = item.case.creditor_bank
    if Reason.OFFER_DECLINED in reasons or Reason.FLOOR_REACHED in reasons:
        bank_part = (CommitmentKind.NEW_VALUATION, "Thống nhất đề nghị thẩm định giá lại tài sản bảo đảm")
        agency_part = (CommitmentKind.REVALUE, "Ký hợp đồng thẩm định giá lại, tổ chức đấu giá ở giá mới")
    elif Reason.FAILED_ROUNDS in reasons:
        bank_part = (CommitmentKind.WAIVE_INTEREST, "Xem xét miễn, giảm lãi quá hạn để người vay tự nguyện bán tài sản")
        agency_part = (CommitmentKind.REAUCTION, "Tiếp tục giảm giá và đấu giá lại tài sản")
    else:
        bank_part = (CommitmentKind.SUPPLY_DOCUMENTS,
                     "Cung cấp hồ sơ vay, hợp đồng thế chấp và giấy chứng nhận bản chính")
        agency_part = (CommitmentKind.COERCE, "Xác minh lại điều kiện thi hành án, tổ chức kê biên tài sản bảo đảm")
    commitment_record(actor=None, item=item, party=CommitmentParty.BANK, owner_bank=bank, kind=bank_part[0],
                      text=bank_part[1], due_on=calendar.add_working_days(session.held_on, 15))
    commitment_record(actor=None, item=item, party=CommitmentParty.UNIT, owner_unit=item.case.unit,
                      kind=agency_part[0], text=agency_part[1], due_on=calendar.add_working_days(session.held_on, 30))


def _follow_up(session, calendar, today: date) -> None:
    """Kept when the case had a step between the session and the due date (on that step's date), missed the
    working day after the due date otherwise; the bank's part kept on every other case."""
    for index, commitment in enumerate(Commitment.objects.filter(session=session).select_related("case")
                                       .order_by("agenda_item__rank", "party", "id")):
        step = (CaseEvent.objects.filter(case=commitment.case, date__gte=session.held_on,
                                         date__lte=commitment.due_on).order_by("date").values_list("date", flat=True)
                .first())
        if commitment.party == CommitmentParty.BANK and index % 4 == 0:
            step = step or commitment.due_on - timedelta(days=2)
        if step is not None and step <= today:
            commitment_complete(actor=None, commitment=commitment, done_on=max(step, session.held_on), today=today,
                                note="Đã thực hiện")
        else:
            commitment_mark_missed(actor=None, commitment=commitment,
                                   on=calendar.add_working_days(commitment.due_on, 1), note="Quá hạn, chưa thực hiện")


@transaction.atomic
def demo_dialogues(*, today: date) -> DialogueSummary:
    """Load the dialogues (once). Needs the demo's cases, units and asset histories."""
    if Session.objects.filter(organiser__code__in=[PROVINCE_CODE, SUCCESSOR_CODE]).exists():
        return summary()
    calendar = working_calendar()
    province = Unit.objects.get(code=PROVINCE_CODE)
    proposal = bank_proposal(province, on=SESSIONS_2019[0] - timedelta(days=1), limit=len(SESSIONS_2019))
    for held_on, row in zip(SESSIONS_2019, proposal, strict=False):
        session = session_create(
            actor=None, organiser=province, held_on=held_on, place=PLACE_2019,
            title=f"Đối thoại với {row['bank'].name}", banks=[BankData(row["bank"], "Phó Giám đốc chi nhánh; "
                                                                                    "Trưởng phòng Quản lý rủi ro")],
            others=list(OTHERS))
        # The organiser keeps the largest of the proposed cases.
        agenda_accept(actor=None, session=session, case_ids=[row.case.pk for row in propose(session)[:AGENDA_SIZE]])
        items = list(session.agenda_items.filter(removed=False).select_related("case__unit", "case__creditor_bank")
                     .order_by("rank"))
        session_hold(actor=None, session=session, today=today)
        for item in items:
            agenda_item_update(actor=None, item=item, discussion=(
                "Ngân hàng và Chấp hành viên thống nhất phương án xử lý tài sản bảo đảm; "
                "ngân hàng cam kết phối hợp cung cấp thông tin về người vay."))
            _commitments_for(item, session, calendar)
        session_close(actor=None, session=session, notes=(
            "Các bên thống nhất tăng cường phối hợp, kiểm soát chặt chẽ thẩm định giá và bán đấu giá tài sản; "
            "định kỳ báo cáo kết quả thực hiện cam kết."))
        _follow_up(session, calendar, today)
    _plan_this_year(today=today, calendar=calendar)
    return summary()


def _plan_this_year(*, today: date, calendar) -> None:
    """A dialogue of Cần Thơ's agency with the bank holding the most money with conditions today, two weeks
    ahead (still in the current year when there is room), its agenda proposed from the data."""
    city = Unit.objects.filter(code=SUCCESSOR_CODE).first()
    if city is None:
        return
    held_on = calendar.next_working_day(today + timedelta(days=14))
    if held_on.year != today.year:
        held_on = calendar.next_working_day(today + timedelta(days=1))
    proposal = bank_proposal(city, on=today, limit=1)
    rice_bank = [row for row in bank_proposal(city, on=today, limit=10)
                 if row["bank"].code.upper().startswith("AGRI")][:1]
    banks = {row["bank"].pk: row["bank"] for row in [*proposal, *rice_bank]}
    if not banks:
        return
    session = session_create(actor=None, organiser=city, held_on=held_on, place=PLACE_NOW,
                             title="Đối thoại năm " + str(today.year) + " với các ngân hàng",
                             banks=[BankData(bank, "") for bank in banks.values()],
                             others=[OtherParticipant(kind=ParticipantKind.STATE_BANK,
                                                      name="Lãnh đạo Ngân hàng Nhà nước khu vực",
                                                      organisation="Ngân hàng Nhà nước Việt Nam – Chi nhánh Khu vực")])
    agenda_accept(actor=None, session=session)
