"""Sessions, agenda edits, commitments and their follow-up through dialogues.services; scoping through
dialogues.selectors (another unit's officer and another bank read nothing)."""
from datetime import date

import pytest
from django.utils import translation

from dialogues.models import (
    AgendaItem,
    Commitment,
    CommitmentKind,
    CommitmentParty,
    CommitmentStatus,
    IssueCategory,
    Participant,
    Session,
    SessionStatus,
)
from dialogues.selectors import (
    agenda_for_bank,
    commitments_for_bank,
    open_commitments_of_officer,
    overdue_commitments,
    session_list_for_user,
    sessions_for_bank,
)
from dialogues.services import (
    BankData,
    agenda_accept,
    agenda_add,
    agenda_item_update,
    agenda_remove,
    commitment_complete,
    commitment_complete_by_bank,
    commitment_mark_missed,
    commitment_record,
    session_close,
    session_create,
    session_hold,
)
from thads.core.errors import DomainError, PermissionDeniedError

HELD_ON = date(2019, 4, 26)  # a Friday before the 29/4–1/5/2019 holidays (4/5 a make-up working day)


@pytest.fixture
def held(people, org, banks, bank_case):
    """A held session with AGR whose agenda holds one stuck case of officer ``officer``."""
    case = bank_case(accepted_on=date(2018, 6, 1))  # no step since: idle on the session's eve
    session = session_create(actor=people["province_head"], organiser=org["HG"], held_on=HELD_ON,
                             place="Hội trường Cục THADS", banks=[BankData(banks["AGR"], "Ông Lê Văn C")])
    items = agenda_accept(actor=people["province_head"], session=session)
    session = session_hold(actor=people["province_head"], session=session)
    return session, items[0], case


def test_session_create_refuses_bad_input_and_writes_nothing(people, org, banks):
    head = people["province_head"]
    with pytest.raises(DomainError) as error:
        session_create(actor=head, organiser=org["HG"], held_on=HELD_ON, place="Hội trường", banks=[])
    assert error.value.code == "required"
    with translation.override("vi"), pytest.raises(DomainError) as error:
        session_create(actor=head, organiser=org["HG"], held_on=HELD_ON, place="Hội trường", banks=[])
    assert error.value.message == "Chọn ít nhất một ngân hàng."
    with pytest.raises(DomainError):
        session_create(actor=head, organiser=org["HG"], held_on=HELD_ON, place="  ",
                       banks=[BankData(banks["AGR"])])
    with pytest.raises(DomainError):
        session_create(actor=head, organiser=org["HG"], held_on=HELD_ON, place="Hội trường",
                       banks=[BankData(banks["AGR"]), BankData(banks["AGR"])])
    with pytest.raises(PermissionDeniedError):
        session_create(actor=people["outsider_head"], organiser=org["HG"], held_on=HELD_ON, place="Hội trường",
                       banks=[BankData(banks["AGR"])])
    with pytest.raises(PermissionDeniedError):  # an officer does not organise
        session_create(actor=people["officer"], organiser=org["HG-VT"], held_on=HELD_ON, place="Hội trường",
                       banks=[BankData(banks["AGR"])])
    assert Session.objects.count() == 0


def test_accepting_the_agenda_adds_the_officer_and_editing_it(people, org, banks, bank_case, held):
    session, item, case = held
    assert (item.rank, item.case_id, item.issue_category) == (1, case.pk, IssueCategory.LONG_RUNNING)
    assert Participant.objects.filter(session=session, user=people["officer"]).exists()
    assert agenda_accept(actor=people["province_head"], session=session) == []  # nothing new, nothing doubled
    other_bank_case = bank_case(bank="VCB")
    with pytest.raises(DomainError) as error:
        agenda_add(actor=people["province_head"], session=session, case=other_bank_case)
    assert error.value.code == "not_session_bank"
    added = agenda_add(actor=people["province_head"], session=session, case=bank_case(),
                       issue_category=IssueCategory.INTEREST_WAIVER)
    assert (added.rank, added.added_by_organiser) == (2, True)
    with pytest.raises(DomainError):
        agenda_remove(actor=people["province_head"], item=added, reason=" ")
    agenda_remove(actor=people["province_head"], item=added, reason="Ngân hàng đã thỏa thuận với người vay")
    assert list(AgendaItem.objects.filter(session=session, removed=False)) == [item]
    agenda_item_update(actor=people["province_head"], item=item, discussion="Ngân hàng đề nghị định giá lại")
    with pytest.raises(PermissionDeniedError):
        agenda_item_update(actor=people["outsider_head"], item=item, discussion="x")
    item.refresh_from_db()
    assert item.discussion == "Ngân hàng đề nghị định giá lại"


def test_due_date_counted_on_working_days_and_overdue_flags(people, banks, held):
    session, item, case = held
    commitment = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.OFFICER,
                                   owner_user=people["officer"], kind=CommitmentKind.REVALUE,
                                   text="Ký hợp đồng thẩm định giá lại", due_in_working_days=3)
    # Fri 26/4 → Thu 2/5, Fri 3/5, Sat 4/5 (a make-up working day): 29/4–1/5 are days off.
    assert commitment.due_on == date(2019, 5, 4)
    rows = Commitment.objects.filter(session=session)
    assert list(overdue_commitments(rows, today=date(2019, 5, 4))) == []
    assert list(overdue_commitments(rows, today=date(2019, 5, 5))) == [commitment]
    with pytest.raises(DomainError) as error:
        commitment_mark_missed(actor=people["province_head"], commitment=commitment, on=date(2019, 5, 4))
    assert error.value.code == "not_overdue"
    missed = commitment_mark_missed(actor=people["province_head"], commitment=commitment, on=date(2019, 5, 6))
    assert (missed.status, missed.missed_on) == (CommitmentStatus.MISSED, date(2019, 5, 6))


def test_commitment_refuses_a_day_off_and_bad_owners(people, org, banks, held):
    session, item, case = held
    head = people["province_head"]
    base = {"actor": head, "item": item, "kind": CommitmentKind.REVALUE, "text": "Thẩm định giá lại"}
    for arguments, code in (
        ({"party": CommitmentParty.OFFICER, "owner_user": people["officer"], "due_on": date(2019, 4, 30)},
         "not_working_day"),
        ({"party": CommitmentParty.OFFICER, "owner_user": people["officer"], "due_on": date(2019, 4, 25)},
         "date_order"),
        ({"party": CommitmentParty.OFFICER, "owner_user": people["outsider"], "due_on": date(2019, 5, 6)},
         "out_of_scope"),
        ({"party": CommitmentParty.BANK, "owner_bank": banks["VCB"], "due_on": date(2019, 5, 6)}, "invalid"),
        ({"party": CommitmentParty.OTHER, "owner_other": " ", "due_on": date(2019, 5, 6)}, "required"),
        ({"party": CommitmentParty.OFFICER, "owner_user": people["officer"]}, "required"),
    ):
        with pytest.raises(DomainError) as error:
            commitment_record(**base, **arguments)
        assert error.value.code == code
    with pytest.raises(DomainError) as error:  # taking the asset needs the price
        commitment_record(actor=head, item=item, party=CommitmentParty.BANK, owner_bank=banks["AGR"],
                          kind=CommitmentKind.ACCEPT_ASSET, text="Nhận tài sản", due_on=date(2019, 5, 6))
    assert error.value.field == "price"
    assert Commitment.objects.count() == 0


def test_planned_or_closed_session_takes_no_commitment(people, org, banks, held):
    session, item, case = held
    session_close(actor=people["province_head"], session=session)
    with pytest.raises(DomainError) as error:
        commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.UNIT,
                          owner_unit=org["HG-VT"], kind=CommitmentKind.COERCE, text="Cưỡng chế",
                          due_on=date(2019, 5, 6))
    assert error.value.code == "wrong_status"
    assert Session.objects.get(pk=session.pk).status == SessionStatus.CLOSED


def test_bank_marks_its_commitment_done_once_with_a_key(people, banks, held):
    session, item, case = held
    commitment = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.BANK,
                                   owner_bank=banks["AGR"], kind=CommitmentKind.ACCEPT_ASSET, price=405_000_000,
                                   text="Nhận tài sản với giá 405.000.000 đồng", due_on=date(2019, 5, 10))
    with pytest.raises(Commitment.DoesNotExist):  # another bank finds nothing
        commitment_complete_by_bank(bank=banks["VCB"], commitment_id=commitment.pk, key="k-1",
                                    today=date(2019, 5, 8))
    done, created = commitment_complete_by_bank(bank=banks["AGR"], commitment_id=commitment.pk, key="k-1",
                                                done_on=date(2019, 5, 8), today=date(2019, 5, 8))
    assert (created, done.status, done.done_on) == (True, CommitmentStatus.DONE, date(2019, 5, 8))
    again, created = commitment_complete_by_bank(bank=banks["AGR"], commitment_id=commitment.pk, key="k-1",
                                                 today=date(2019, 5, 20))
    assert (created, again.pk, again.done_on) == (False, commitment.pk, date(2019, 5, 8))
    with pytest.raises(DomainError) as error:
        commitment_complete_by_bank(bank=banks["AGR"], commitment_id=commitment.pk, key="k-2",
                                    today=date(2019, 5, 20))
    assert error.value.code == "not_open"


def test_officer_completes_own_commitment_and_sees_it_until_then(people, held):
    session, item, case = held
    commitment = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.OFFICER,
                                   owner_user=people["officer"], kind=CommitmentKind.REAUCTION,
                                   text="Ký lại hợp đồng đấu giá", due_on=date(2019, 5, 6))
    assert list(open_commitments_of_officer(people["officer"])) == [commitment]
    assert list(open_commitments_of_officer(people["officer2"])) == []
    with pytest.raises(PermissionDeniedError):
        commitment_complete(actor=people["officer2"], commitment=commitment, done_on=date(2019, 5, 3))
    commitment_complete(actor=people["officer"], commitment=commitment, done_on=date(2019, 5, 3),
                        today=date(2019, 5, 3))
    assert list(open_commitments_of_officer(people["officer"])) == []


def test_scope_another_unit_and_another_bank_read_nothing(people, banks, held):
    session, item, case = held
    commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.BANK, owner_bank=banks["AGR"],
                      kind=CommitmentKind.SUPPLY_DOCUMENTS, text="Cung cấp hồ sơ thế chấp", due_on=date(2019, 5, 6))
    for reader in ("outsider", "outsider_head", "officer2"):
        assert list(session_list_for_user(people[reader])) == [], reader
    for reader in ("province_head", "statistician", "central", "officer"):  # officer: the case is theirs
        assert list(session_list_for_user(people[reader])) == [session], reader
    assert list(sessions_for_bank(banks["VCB"])) == []
    assert list(agenda_for_bank(banks["VCB"])) == []
    assert list(commitments_for_bank(banks["VCB"])) == []
    assert list(sessions_for_bank(banks["AGR"])) == [session]
    assert [row.case_id for row in agenda_for_bank(banks["AGR"])] == [case.pk]
    assert len(commitments_for_bank(banks["AGR"])) == 1


def test_each_change_of_a_commitments_status_is_audited_with_who_and_the_values(people, banks, held):
    from thads.audit.context import Source, audit_source
    from thads.audit.models import Action, AuditEntry

    session, item, case = held
    kept = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.OFFICER,
                             owner_user=people["officer"], kind=CommitmentKind.REAUCTION,
                             text="Ký lại hợp đồng đấu giá", due_on=date(2019, 5, 6))
    by_bank = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.BANK,
                                owner_bank=banks["AGR"], kind=CommitmentKind.ACCEPT_ASSET, price=405_000_000,
                                text="Nhận tài sản", due_on=date(2019, 5, 10))
    missed = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.OFFICER,
                               owner_user=people["officer"], kind=CommitmentKind.REAUCTION, text="Báo cáo",
                               due_on=date(2019, 5, 6))
    # when
    with audit_source(Source.PAGE):
        commitment_complete(actor=people["officer"], commitment=kept, done_on=date(2019, 5, 3),
                            today=date(2019, 5, 3))
    with audit_source(Source.API):
        commitment_complete_by_bank(bank=banks["AGR"], commitment_id=by_bank.pk, key="k-1",
                                    done_on=date(2019, 5, 8), today=date(2019, 5, 8))
    commitment_mark_missed(actor=people["province_head"], commitment=missed, on=date(2019, 5, 9))
    # then
    recorded = AuditEntry.objects.filter(action=Action.COMMITMENT_RECORD, object_id=str(kept.pk)).get()
    assert (recorded.actor, recorded.case, recorded.changes["status"]) == (
        people["province_head"], case, {"old": None, "new": "open"})
    entries = {entry.object_id: entry for entry in AuditEntry.objects.filter(action=Action.COMMITMENT_STATUS)}
    assert set(entries) == {str(kept.pk), str(by_bank.pk), str(missed.pk)}
    done = entries[str(kept.pk)]
    assert (done.actor, done.source, done.case, done.changes) == (people["officer"], Source.PAGE, case, {
        "status": {"old": "open", "new": "done"}, "done_on": {"old": None, "new": "2019-05-03"}})
    bank = entries[str(by_bank.pk)]
    assert (bank.actor, bank.source, bank.note, bank.changes["status"]) == (
        None, Source.API, "Ngân hàng AGR báo đã thực hiện", {"old": "open", "new": "done"})
    assert entries[str(missed.pk)].changes == {"status": {"old": "open", "new": "missed"},
                                               "missed_on": {"old": None, "new": "2019-05-09"}}
