"""Cancelling a mistaken event with a correction (dinh_chinh): the pure rules, the service, and every fold
of the history (state on a date, cached state, deadlines, payouts, import) leaving cancelled events out.
See docs/domain-rules.md, "Corrections"."""
from datetime import date

import pytest

from cases import workflow
from cases.codes import AssetKind, EventKind, EventSource, Status
from cases.deadlines import DeadlineKind
from cases.ledger.reader import read_ledger
from cases.models import Case, CaseChange, CaseEvent, Payout
from cases.selectors import case_deadlines, case_state_on, case_timeline, effective_events
from cases.services import (
    case_cache_rebuild,
    case_event_cancel,
    case_event_cancel_check,
    case_event_check,
    payout_check,
    payout_record,
)
from cases.services.assets import AssetData, asset_collection_distribute, asset_create
from cases.workflow import CaseFacts, EventInput, WorkflowError
from reports.services import period_close
from tests.factories import make_case, record
from thads.core.errors import DomainError, PermissionDeniedError

K = EventKind
M = 1_000_000
TODAY = date(2026, 11, 28)
FACTS = CaseFacts("C-1", "khac", date(2019, 1, 10), 10 * M)


def ev(kind, on, amount=None, ground="", cancels=None) -> EventInput:
    return EventInput(kind=kind, date=on, amount=amount, ground=ground, cancels=cancels)


# ---- the pure rules ------------------------------------------------------------------------------------------

def test_replay_leaves_out_the_cancelled_event_and_the_correction_but_counts_their_rows():
    # given: 1 đồng collected by mistake on 1/3, cancelled, then 1.000.000 collected on 1/3
    history = [ev(K.THU_TIEN, date(2019, 2, 1), 2 * M), ev(K.THU_TIEN, date(2019, 3, 1), 1),
               ev(K.DINH_CHINH, date(2019, 3, 1), cancels=2), ev(K.THU_TIEN, date(2019, 3, 1), M)]
    # when
    state = workflow.replay(FACTS, history)
    # then
    assert (state.collected, state.remaining, state.event_count, state.last_event_on) == (
        3 * M, 7 * M, 4, date(2019, 3, 1))
    assert workflow.replay(FACTS, history[:3]).collected == 2 * M
    assert workflow.replay(FACTS, history[:3]).event_count == 3
    assert workflow.replay(FACTS, history, on=date(2019, 2, 28)).collected == 2 * M


def test_replay_counts_a_cancelled_event_on_the_days_before_its_correction_is_dated():
    # given (statistical dates): the mistaken event counts on 30/9, its correction from 1/10
    history = [ev(K.THU_TIEN, date(2019, 9, 20), 1), ev(K.DINH_CHINH, date(2019, 10, 1), cancels=1)]
    # then
    assert workflow.replay(FACTS, history, on=date(2019, 9, 30)).collected == 1
    assert workflow.replay(FACTS, history, on=date(2019, 10, 1)).collected == 0


def test_a_cancelled_ending_event_reopens_the_case_in_its_previous_state():
    history = [ev(K.HOAN, date(2019, 2, 1), ground="c"), ev(K.DINH_CHI, date(2019, 3, 1), ground="c")]
    correction, state = workflow.cancel(FACTS, history, 2)
    assert correction == ev(K.DINH_CHINH, date(2019, 3, 1), cancels=2)
    assert (state.status, state.ground, state.ended_on, state.terminated_amount, state.remaining,
            state.last_event_on, state.event_count) == (
        Status.POSTPONED, "c", None, 0, 10 * M, date(2019, 2, 1), 3)


def test_only_the_latest_event_in_force_can_be_cancelled_then_the_one_before_it():
    history = [ev(K.THU_TIEN, date(2019, 2, 1), M), ev(K.THU_TIEN, date(2019, 3, 1), 2 * M)]
    with pytest.raises(WorkflowError) as refused:
        workflow.check_cancel(FACTS, history, 1)
    assert refused.value.code == "not_latest_event"
    workflow.check_cancel(FACTS, history, 2)  # the latest: allowed
    # once the latest is cancelled, the one before it is the latest in force
    history.append(ev(K.DINH_CHINH, date(2019, 3, 1), cancels=2))
    workflow.check_cancel(FACTS, history, 1)
    assert workflow.latest_effective(history) == 1


@pytest.mark.parametrize("sequence,code", [
    (3, "cannot_cancel_correction"), (2, "already_cancelled"), (4, "no_such_event"), (0, "no_such_event")])
def test_cancelling_a_correction_a_cancelled_event_or_a_missing_one_is_refused(sequence, code):
    history = [ev(K.THU_TIEN, date(2019, 2, 1), M), ev(K.THU_TIEN, date(2019, 3, 1), 2 * M),
               ev(K.DINH_CHINH, date(2019, 3, 1), cancels=2)]
    with pytest.raises(WorkflowError) as refused:
        workflow.check_cancel(FACTS, history, sequence)
    assert refused.value.code == code


def test_with_no_event_in_force_there_is_nothing_to_cancel():
    for history in ([], [ev(K.THU_TIEN, date(2019, 2, 1), M), ev(K.DINH_CHINH, date(2019, 2, 1), cancels=1)]):
        with pytest.raises(WorkflowError) as refused:
            workflow.check_cancel(FACTS, history, None)
        assert refused.value.code == "nothing_to_cancel"


def test_a_correction_is_never_recorded_as_an_ordinary_event():
    state = workflow.initial_state(FACTS)
    with pytest.raises(WorkflowError) as refused:
        workflow.check(FACTS, state, ev(K.DINH_CHINH, date(2019, 2, 1), cancels=1), today=TODAY)
    assert refused.value.code == "correction_not_an_event"


# ---- the service ---------------------------------------------------------------------------------------------

def rows(case):
    return list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list(
        "sequence", "kind", "date", "stat_date", "amount", "cancels__sequence", "note"))


def cached(case):
    case = Case.objects.get(pk=case.pk)
    return (case.status, case.status_ground, case.amount_collected, case.amount_reduced, case.amount_terminated,
            case.amount_remaining, case.last_event_on, case.ended_on, case.event_count)


def nothing_written(case, before_rows, before_cache, changes):
    assert rows(case) == before_rows
    assert cached(case) == before_cache
    assert CaseChange.objects.count() == changes


@pytest.mark.django_db
def test_a_collection_of_one_dong_is_cancelled_and_entered_again_as_one_million(org, people):
    # given
    case = make_case(unit=org["HG-VT"], officer=people["officer"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=2 * M)
    mistaken = record(case, K.THU_TIEN, date(2019, 3, 1), amount=1)
    changes = CaseChange.objects.count()
    # when
    correction = case_event_cancel(actor=people["officer"], case=case, event=mistaken,
                                   reason="  Nhập nhầm 1 đồng thay vì 1.000.000 đồng  ", today=TODAY)
    # then: the correction names the event, carries its date and the reason; the state is as before it
    assert (correction.sequence, correction.kind, correction.date, correction.stat_date, correction.amount,
            correction.cancels, correction.note, correction.recorded_by, correction.source) == (
        3, K.DINH_CHINH, date(2019, 3, 1), date(2019, 3, 1), None, mistaken,
        "Nhập nhầm 1 đồng thay vì 1.000.000 đồng", people["officer"], EventSource.SYSTEM)
    assert (correction.status_after, correction.collected_after, correction.remaining_after) == (
        Status.WITH_CONDITIONS, 2 * M, 8 * M)
    assert cached(case) == (Status.WITH_CONDITIONS, "", 2 * M, 0, 0, 8 * M, date(2019, 2, 1), None, 3)
    assert (case.amount_collected, case.event_count) == (2 * M, 3)  # the caller's instance follows
    assert list(CaseChange.objects.filter(pk__gt=0).order_by("id").values_list("kind", "event")[changes:]) == [
        (CaseChange.Kind.EVENT_RECORDED, correction.pk)]
    mistaken.refresh_from_db()
    assert (mistaken.amount, mistaken.cancelled_by) == (1, correction)  # the mistaken row itself is untouched
    # when the right amount is entered again (it may even be dated before the mistaken one)
    record(case, K.THU_TIEN, date(2019, 2, 20), amount=M)
    # then
    assert cached(case) == (Status.WITH_CONDITIONS, "", 3 * M, 0, 0, 7 * M, date(2019, 2, 20), None, 4)
    assert case_cache_rebuild(case=case) is False
    assert case_state_on(case, date(2019, 2, 28)).collected == 3 * M
    assert case_state_on(case, date(2019, 3, 1)).collected == 3 * M
    assert case_state_on(case, date(2019, 2, 19)).collected == 2 * M


@pytest.mark.django_db
def test_a_new_event_after_a_cancellation_may_not_precede_the_event_in_force_before_it(org):
    case = make_case(unit=org["HG-VT"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    mistaken = record(case, K.THU_TIEN, date(2019, 3, 1), amount=1)
    case_event_cancel(actor=None, case=case, event=mistaken, reason="sai số tiền")
    with pytest.raises(WorkflowError) as refused:
        record(case, K.THU_TIEN, date(2019, 1, 31), amount=M)
    assert refused.value.code == "date_before_previous_event"
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)  # the same day as the event in force: allowed


@pytest.mark.django_db
def test_a_cancelled_completion_reopens_the_case_with_conditions(org):
    case = make_case(unit=org["HG-VT"], amount_due=5 * M)
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=5 * M)
    done = record(case, K.XONG, date(2019, 2, 2))
    case_event_cancel(actor=None, case=case, event=done, reason="chưa đủ hồ sơ")
    assert cached(case) == (Status.WITH_CONDITIONS, "", 5 * M, 0, 0, 0, date(2019, 2, 1), None, 3)
    record(case, K.XONG, date(2019, 2, 5))
    assert cached(case)[0] == Status.COMPLETED


@pytest.mark.django_db
def test_a_cancelled_termination_gives_back_the_amount_it_terminated(org):
    case = make_case(unit=org["HG-VT"], amount_due=5 * M)
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    ended = record(case, K.DINH_CHI, date(2019, 3, 1), ground="a")
    assert cached(case)[:6] == (Status.TERMINATED, "a", M, 0, 4 * M, 0)
    case_event_cancel(actor=None, case=case, event=None, reason="nhầm hồ sơ")  # None: the latest in force
    assert cached(case) == (Status.WITH_CONDITIONS, "", M, 0, 0, 4 * M, date(2019, 2, 1), None, 3)
    assert CaseEvent.objects.get(case=case, sequence=3).cancels == ended


@pytest.mark.django_db
def test_several_events_are_undone_one_by_one_from_the_latest(org):
    case = make_case(unit=org["HG-VT"])
    first = record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    second = record(case, K.HOAN, date(2019, 3, 1), ground="a")
    with pytest.raises(WorkflowError) as refused:
        case_event_cancel(actor=None, case=case, event=first, reason="sai")
    assert refused.value.code == "not_latest_event"
    case_event_cancel(actor=None, case=case, event=second, reason="sai")
    case_event_cancel(actor=None, case=case, event=first, reason="sai")
    assert cached(case) == (Status.WITH_CONDITIONS, "", 0, 0, 0, 10 * M, None, None, 4)
    assert [(e.sequence, e.cancelled_by_event.sequence if e.cancelled_by_event else None,
             e.cancels.sequence if e.cancels_id else None) for e in case_timeline(case)] == [
        (1, 4, None), (2, 3, None), (3, None, 2), (4, None, 1)]
    assert effective_events(CaseEvent.objects.filter(case=case).order_by("sequence")) == []


@pytest.mark.django_db
def test_case_timeline_marks_cancelled_events_in_one_query(org, django_assert_num_queries):
    case = make_case(unit=org["HG-VT"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    case_event_cancel(actor=None, case=case, event=None, reason="sai")
    with django_assert_num_queries(1):
        timeline = case_timeline(case)
        marks = [(e.cancelled_by_event and e.cancelled_by_event.sequence, e.cancels_id and e.cancels.sequence)
                 for e in timeline]
    assert marks == [(2, None), (None, 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_cancellation_without_a_reason_is_refused_and_nothing_written(org, reason):
    case = make_case(unit=org["HG-VT"])
    event = record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    before = (rows(case), cached(case), CaseChange.objects.count())
    with pytest.raises(DomainError) as refused:
        case_event_cancel(actor=None, case=case, event=event, reason=reason)
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    nothing_written(case, *before)


@pytest.mark.django_db
@pytest.mark.parametrize("which,code", [
    ("none_in_force", "nothing_to_cancel"), ("correction", "cannot_cancel_correction"),
    ("cancelled", "already_cancelled"), ("earlier", "not_latest_event"), ("other_case", "no_such_event")])
def test_refused_cancellations_write_nothing(org, which, code):
    # given: a case with two collections, the second cancelled
    case = make_case(unit=org["HG-VT"])
    first = record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    second = record(case, K.THU_TIEN, date(2019, 3, 1), amount=1)
    correction = case_event_cancel(actor=None, case=case, event=second, reason="sai")
    record(case, K.THU_TIEN, date(2019, 3, 1), amount=M)
    other = make_case(unit=org["HG-VT"])
    target = {"correction": correction, "cancelled": second, "earlier": first,
              "other_case": record(other, K.THU_TIEN, date(2019, 2, 1), amount=M)}.get(which)
    if which == "none_in_force":
        case = make_case(unit=org["HG-VT"])
    before = (rows(case), cached(case), CaseChange.objects.count())
    # when / then
    with pytest.raises(DomainError) as refused:
        case_event_cancel_check(actor=None, case=case, event=target, reason="sai")
    assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        case_event_cancel(actor=None, case=case, event=target, reason="sai")
    assert refused.value.code == code
    nothing_written(case, *before)


@pytest.mark.django_db
@pytest.mark.parametrize("person,allowed", [("officer", True), ("head", True), ("officer2", False),
                                            ("statistician", False), ("outsider", False)])
def test_only_who_may_write_the_case_may_cancel_its_events(org, people, person, allowed):
    case = make_case(unit=org["HG-VT"], officer=people["officer"])
    event = record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    before = (rows(case), cached(case), CaseChange.objects.count())
    if allowed:
        correction = case_event_cancel(actor=people[person], case=case, event=event, reason="sai")
        assert correction.recorded_by == people[person]
        return
    with pytest.raises(PermissionDeniedError):
        case_event_cancel(actor=people[person], case=case, event=event, reason="sai")
    nothing_written(case, *before)


@pytest.mark.django_db
@pytest.mark.parametrize("paid,allowed", [(M, True), (M + 1, False)])
def test_a_collection_already_paid_out_is_cancelled_only_while_the_rest_still_covers_the_payouts(
        org, paid, allowed):
    # given: 1.000.000 then 2.000.000 collected; ``paid`` paid out on 1/3
    case = make_case(unit=org["HG-VT"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    latest = record(case, K.THU_TIEN, date(2019, 2, 20), amount=2 * M)
    payout_record(actor=None, case=case, paid_on=date(2019, 3, 1), amount=paid, recipient="Trần Thị B", today=TODAY)
    before = (rows(case), cached(case), CaseChange.objects.count())
    # when / then: without the 2.000.000, 1.000.000 remains collected
    if allowed:
        case_event_cancel(actor=None, case=case, event=latest, reason="sai")
        assert cached(case)[2] == M
        # and a further payout is now measured against what remains collected
        with pytest.raises(DomainError) as refused:
            payout_check(actor=None, case=case, paid_on=date(2019, 3, 2), amount=1, today=TODAY)
        assert refused.value.code == "amount_exceeds_collected"
        return
    with pytest.raises(DomainError) as refused:
        case_event_cancel(actor=None, case=case, event=latest, reason="sai")
    assert (refused.value.code, "1 ₫" in refused.value.message) == ("collection_paid_out", True)
    nothing_written(case, *before)
    assert Payout.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_share_of_an_assets_proceeds_is_not_cancelled_here(org):
    # given: money collected from a seized account, distributed to the only case
    case = make_case(unit=org["HG-VT"])
    asset = asset_create(actor=None, cases=[case], data=AssetData(
        kind=AssetKind.BANK_ACCOUNT, description="Tài khoản 0123", owner_name="Nguyễn Văn A", account_no="0123"))
    asset_collection_distribute(actor=None, asset=asset, received_on=date(2019, 2, 1), amount=M, today=TODAY)
    share = CaseEvent.objects.get(case=case, kind=K.THU_TIEN)
    before = (rows(case), cached(case), CaseChange.objects.count())
    # when / then
    with pytest.raises(DomainError) as refused:
        case_event_cancel(actor=None, case=case, event=share, reason="sai")
    assert refused.value.code == "collection_from_asset"
    nothing_written(case, *before)


@pytest.mark.django_db
def test_a_correction_after_the_period_is_closed_counts_after_it(org, people):
    # given: a collection dated 20/9/2019, then September 2019 closed
    case = make_case(unit=org["HG-VT"])
    mistaken = record(case, K.THU_TIEN, date(2019, 9, 20), amount=1)
    period_close(actor=people["statistician"], unit=org["HG"], end=date(2019, 9, 30), today=date(2019, 10, 15))
    # when
    correction = case_event_cancel(actor=None, case=case, event=mistaken, reason="sai")
    # then: the legal date is the mistaken event's, the statistical date the first open day
    assert (mistaken.stat_date, correction.date, correction.stat_date) == (
        date(2019, 9, 20), date(2019, 9, 20), date(2019, 10, 1))


@pytest.mark.django_db
def test_deadlines_ignore_cancelled_events(org):
    # given: a collection (payout due 10 days later) and a finding of no conditions (re-verification due)
    case = make_case(unit=org["HG-VT"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    case_event_cancel(actor=None, case=case, event=None, reason="sai")
    record(case, K.CHUA_CO_DIEU_KIEN, date(2019, 3, 1), ground="khong_tai_san")
    kinds = {d.kind for d in case_deadlines(case)}
    assert (DeadlineKind.PAYOUT in kinds, DeadlineKind.REVERIFICATION in kinds) == (False, True)
    case_event_cancel(actor=None, case=case, event=None, reason="sai")
    kinds = {d.kind for d in case_deadlines(case)}
    assert (DeadlineKind.PAYOUT in kinds, DeadlineKind.REVERIFICATION in kinds) == (False, False)


@pytest.mark.django_db
def test_a_correction_cannot_be_recorded_as_an_event(org):
    case = make_case(unit=org["HG-VT"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=M)
    with pytest.raises(WorkflowError) as refused:
        case_event_check(actor=None, case=case, kind=K.DINH_CHINH, date=date(2019, 2, 1), today=TODAY)
    assert refused.value.code == "correction_not_an_event"
    with pytest.raises(WorkflowError):
        record(case, K.DINH_CHINH, date(2019, 2, 1))
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_event_form_does_not_offer_the_correction(org, people):
    from cases.forms import CaseEventForm

    kinds = [value for value, _label in CaseEventForm(user=people["head"]).fields["kind"].choices]
    assert K.DINH_CHINH not in kinds
    assert K.THU_TIEN in kinds


def test_the_ledger_import_refuses_a_correction(tmp_path):
    (tmp_path / "units.csv").write_text("code,name,level,parent_code,valid_from,valid_to\n", encoding="utf-8")
    (tmp_path / "cases.csv").write_text(
        "case_no,unit_code,decision_no,accepted_on,origin,category,judgment_type,amount_due,debtor_name,"
        "creditor_name\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "case_no,date,kind,amount,ground,note\nC-1,2019-02-01,dinh_chinh,,,\nC-1,2019-02-01,thu_tien,5,,\n",
        encoding="utf-8")
    ledger = read_ledger(tmp_path)
    issues = [(i.file, i.row, i.column, i.code) for i in ledger.issues if i.file == "events.csv"]
    assert issues == [("events.csv", 2, "kind", "correction_not_importable")]



@pytest.mark.django_db
def test_the_case_admin_page_marks_the_cancelled_event_and_its_correction(client, org, django_user_model):
    # given
    case = make_case(unit=org["HG-VT"])
    record(case, K.THU_TIEN, date(2019, 2, 1), amount=1)
    case_event_cancel(actor=None, case=case, event=None, reason="nhập nhầm")
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw-test-123"))
    # when
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    events = client.get("/admin/cases/caseevent/").content.decode()
    # then
    assert "đã bị hủy bởi #2" in page and "hủy sự kiện #1" in page
    assert "Đính chính (hủy sự kiện ghi sai)" in page
    assert "đã bị hủy bởi #2" in events and "hủy sự kiện #1" in events
