"""The case lifecycle rules of cases.workflow (domain.md §3), exhaustively.

The status × event-kind table below is written out by hand from domain.md §3 and the ALLOWED_FROM table as
reviewed; it is deliberately *not* derived from ALLOWED_FROM, so that a change to the rules makes a test fail.
"""
from datetime import date, timedelta
from typing import NamedTuple

import pytest

from cases.codes import (
    RECORDABLE_KINDS,
    Category,
    EventKind,
    NoConditionsGround,
    PostponementGround,
    Status,
    SuspensionGround,
    TerminationGround,
)
from cases.workflow import (
    CaseFacts,
    CaseState,
    EventInput,
    WorkflowError,
    allowed_kinds,
    apply,
    check,
    initial_state,
)

ACCEPTED_ON = date(2019, 1, 10)
LAST_EVENT_ON = date(2019, 3, 1)
EVENT_ON = date(2019, 4, 1)
TODAY = date(2026, 11, 28)
AMOUNT_DUE = 10_000_000
COLLECTED = 4_000_000  # so 6,000,000 remain in the states built below
REMAINING = AMOUNT_DUE - COLLECTED

K = EventKind
S = Status


def facts(*, category: str = Category.NGAN_SACH, amount_due: int = AMOUNT_DUE,
          accepted_on: date = ACCEPTED_ON) -> CaseFacts:
    return CaseFacts(case_no="HG-VT-2019-001", category=category, accepted_on=accepted_on, amount_due=amount_due)


# The ground a case carries while in each status (what the event that put it there recorded).
GROUND_IN_STATUS = {
    S.WITH_CONDITIONS: "",
    S.WITHOUT_CONDITIONS: "khong_tai_san",
    S.POSTPONED: "a",
    S.SUSPENDED: "giam_doc_tham",
    S.SEPARATE_BOOK: "",
    S.COMPLETED: "",
    S.TERMINATED: "b",
    S.TRANSFERRED_OUT: "",
}


def state_in(status: str, *, amount_due: int = AMOUNT_DUE, collected: int = COLLECTED, reduced: int = 0,
             ground: str | None = None, last_event_on: date | None = LAST_EVENT_ON, event_count: int = 3) -> CaseState:
    """A state in ``status`` as a real history would leave it (an ended case carries its end date)."""
    ended = status in (S.COMPLETED, S.TERMINATED, S.TRANSFERRED_OUT)
    terminated_amount = amount_due - collected - reduced if status == S.TERMINATED else 0
    return CaseState(
        status=status, ground=GROUND_IN_STATUS[status] if ground is None else ground, amount_due=amount_due,
        collected=collected, reduced=reduced, terminated_amount=terminated_amount, last_event_on=last_event_on,
        ended_on=last_event_on if ended else None, event_count=event_count,
    )


# A valid event of each kind (valid ground, valid amount), so that only the status rule can refuse it.
EVENT_OF_KIND = {
    K.CO_DIEU_KIEN: EventInput(kind=K.CO_DIEU_KIEN, date=EVENT_ON),
    K.CHUA_CO_DIEU_KIEN: EventInput(kind=K.CHUA_CO_DIEU_KIEN, date=EVENT_ON, ground="khong_ro_dia_chi"),
    K.HOAN: EventInput(kind=K.HOAN, date=EVENT_ON, ground="b"),
    K.TAM_DINH_CHI: EventInput(kind=K.TAM_DINH_CHI, date=EVENT_ON, ground="pha_san"),
    K.TIEP_TUC: EventInput(kind=K.TIEP_TUC, date=EVENT_ON),
    K.THU_TIEN: EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=1_500_000),
    K.GIAM: EventInput(kind=K.GIAM, date=EVENT_ON, amount=500_000),
    K.DINH_CHI: EventInput(kind=K.DINH_CHI, date=EVENT_ON, ground="c"),
    K.XONG: EventInput(kind=K.XONG, date=EVENT_ON),
    K.UY_THAC_DI: EventInput(kind=K.UY_THAC_DI, date=EVENT_ON),
    K.CHUYEN_SO_RIENG: EventInput(kind=K.CHUYEN_SO_RIENG, date=EVENT_ON),
}


class After(NamedTuple):
    """The state expected after an accepted event."""

    status: str
    ground: str
    collected: int
    reduced: int
    terminated_amount: int
    remaining: int
    ended_on: date | None


REFUSED = "not_allowed_from_status"
ENDED = "case_ended"

# Effects of each event from a case owing 10,000,000 of which 4,000,000 were collected (6,000,000 remain).
# `xong` is tried on the same status with everything collected (nothing remains), so that only the status decides.
TO_WITH = After(S.WITH_CONDITIONS, "", 4_000_000, 0, 0, 6_000_000, None)
TO_WITHOUT = After(S.WITHOUT_CONDITIONS, "khong_ro_dia_chi", 4_000_000, 0, 0, 6_000_000, None)
TO_POSTPONED = After(S.POSTPONED, "b", 4_000_000, 0, 0, 6_000_000, None)
TO_SUSPENDED = After(S.SUSPENDED, "pha_san", 4_000_000, 0, 0, 6_000_000, None)
TO_TERMINATED = After(S.TERMINATED, "c", 4_000_000, 0, 6_000_000, 0, EVENT_ON)
TO_COMPLETED = After(S.COMPLETED, "", 10_000_000, 0, 0, 0, EVENT_ON)
TO_TRANSFERRED = After(S.TRANSFERRED_OUT, "", 4_000_000, 0, 0, 6_000_000, EVENT_ON)
TO_SEPARATE_BOOK = After(S.SEPARATE_BOOK, "", 4_000_000, 0, 0, 6_000_000, None)

EXPECTED: dict[str, dict[str, After | str]] = {
    S.WITH_CONDITIONS: {
        K.CO_DIEU_KIEN: TO_WITH,
        K.CHUA_CO_DIEU_KIEN: TO_WITHOUT,
        K.HOAN: TO_POSTPONED,
        K.TAM_DINH_CHI: TO_SUSPENDED,
        K.TIEP_TUC: REFUSED,
        K.THU_TIEN: After(S.WITH_CONDITIONS, "", 5_500_000, 0, 0, 4_500_000, None),
        K.GIAM: After(S.WITH_CONDITIONS, "", 4_000_000, 500_000, 0, 5_500_000, None),
        K.DINH_CHI: TO_TERMINATED,
        K.XONG: TO_COMPLETED,
        K.UY_THAC_DI: TO_TRANSFERRED,
        K.CHUYEN_SO_RIENG: REFUSED,
    },
    S.WITHOUT_CONDITIONS: {
        K.CO_DIEU_KIEN: TO_WITH,
        K.CHUA_CO_DIEU_KIEN: TO_WITHOUT,
        K.HOAN: REFUSED,
        K.TAM_DINH_CHI: TO_SUSPENDED,
        K.TIEP_TUC: REFUSED,
        K.THU_TIEN: After(S.WITHOUT_CONDITIONS, "khong_tai_san", 5_500_000, 0, 0, 4_500_000, None),
        K.GIAM: After(S.WITHOUT_CONDITIONS, "khong_tai_san", 4_000_000, 500_000, 0, 5_500_000, None),
        K.DINH_CHI: TO_TERMINATED,
        K.XONG: TO_COMPLETED,
        K.UY_THAC_DI: TO_TRANSFERRED,
        K.CHUYEN_SO_RIENG: TO_SEPARATE_BOOK,
    },
    S.POSTPONED: {
        K.CO_DIEU_KIEN: REFUSED,
        K.CHUA_CO_DIEU_KIEN: REFUSED,
        K.HOAN: REFUSED,
        K.TAM_DINH_CHI: TO_SUSPENDED,
        K.TIEP_TUC: TO_WITH,
        K.THU_TIEN: After(S.POSTPONED, "a", 5_500_000, 0, 0, 4_500_000, None),
        K.GIAM: After(S.POSTPONED, "a", 4_000_000, 500_000, 0, 5_500_000, None),
        K.DINH_CHI: TO_TERMINATED,
        K.XONG: TO_COMPLETED,
        K.UY_THAC_DI: TO_TRANSFERRED,
        K.CHUYEN_SO_RIENG: REFUSED,
    },
    S.SUSPENDED: {
        K.CO_DIEU_KIEN: REFUSED,
        K.CHUA_CO_DIEU_KIEN: REFUSED,
        K.HOAN: REFUSED,
        K.TAM_DINH_CHI: REFUSED,
        K.TIEP_TUC: TO_WITH,
        K.THU_TIEN: REFUSED,
        K.GIAM: REFUSED,
        K.DINH_CHI: TO_TERMINATED,
        K.XONG: REFUSED,
        K.UY_THAC_DI: REFUSED,
        K.CHUYEN_SO_RIENG: REFUSED,
    },
    S.SEPARATE_BOOK: {
        K.CO_DIEU_KIEN: TO_WITH,
        K.CHUA_CO_DIEU_KIEN: REFUSED,
        K.HOAN: REFUSED,
        K.TAM_DINH_CHI: REFUSED,
        K.TIEP_TUC: REFUSED,
        K.THU_TIEN: REFUSED,
        K.GIAM: REFUSED,
        K.DINH_CHI: REFUSED,
        K.XONG: REFUSED,
        K.UY_THAC_DI: REFUSED,
        K.CHUYEN_SO_RIENG: REFUSED,
    },
    S.COMPLETED: {
        K.CO_DIEU_KIEN: ENDED, K.CHUA_CO_DIEU_KIEN: ENDED, K.HOAN: ENDED, K.TAM_DINH_CHI: ENDED,
        K.TIEP_TUC: ENDED, K.THU_TIEN: ENDED, K.GIAM: ENDED, K.DINH_CHI: ENDED, K.XONG: ENDED,
        K.UY_THAC_DI: ENDED, K.CHUYEN_SO_RIENG: ENDED,
    },
    S.TERMINATED: {
        K.CO_DIEU_KIEN: ENDED, K.CHUA_CO_DIEU_KIEN: ENDED, K.HOAN: ENDED, K.TAM_DINH_CHI: ENDED,
        K.TIEP_TUC: ENDED, K.THU_TIEN: ENDED, K.GIAM: ENDED, K.DINH_CHI: ENDED, K.XONG: ENDED,
        K.UY_THAC_DI: ENDED, K.CHUYEN_SO_RIENG: ENDED,
    },
    S.TRANSFERRED_OUT: {
        K.CO_DIEU_KIEN: ENDED, K.CHUA_CO_DIEU_KIEN: ENDED, K.HOAN: ENDED, K.TAM_DINH_CHI: ENDED,
        K.TIEP_TUC: ENDED, K.THU_TIEN: ENDED, K.GIAM: ENDED, K.DINH_CHI: ENDED, K.XONG: ENDED,
        K.UY_THAC_DI: ENDED, K.CHUYEN_SO_RIENG: ENDED,
    },
}

# Every kind recorded as a step of a case; the correction (dinh_chinh) is refused from every status below.
STATUS_KIND_PAIRS = [(status, kind) for status in Status.values for kind in RECORDABLE_KINDS]


def refusal(facts_: CaseFacts, state: CaseState, event: EventInput, *, today: date = TODAY) -> WorkflowError:
    """Apply ``event`` expecting a refusal; return the error after checking it carries a message."""
    with pytest.raises(WorkflowError) as refused:
        apply(facts_, state, event, today=today)
    error = refused.value
    assert error.message.strip() != ""
    assert str(error) == error.message
    return error


def test_the_expectation_table_covers_every_status_and_every_event_kind():
    # Given the hand-written table / When its keys are compared with the code enums
    # Then every status (5 open, 3 ended) has exactly one expectation per event kind (11, and the correction)
    assert set(EXPECTED) == set(Status.values)
    assert len(Status.values) == 8
    assert len(RECORDABLE_KINDS) == 11
    assert set(EventKind.values) == {*RECORDABLE_KINDS, K.DINH_CHINH}
    for status, by_kind in EXPECTED.items():
        assert set(by_kind) == set(RECORDABLE_KINDS), status


@pytest.mark.parametrize("status", Status.values)
def test_a_correction_is_refused_as_an_event_from_every_status(status):
    # Given a case in `status` / When a correction is applied as an ordinary event / Then it is refused: a
    # correction is recorded only by cancelling an event (cases.services.case_event_cancel)
    error = refusal(facts(), state_in(status), EventInput(kind=K.DINH_CHINH, date=EVENT_ON, cancels=3))
    assert (error.code, error.field) == ("correction_not_an_event", "kind")


@pytest.mark.parametrize(("status", "kind"), STATUS_KIND_PAIRS, ids=[f"{s}-{k}" for s, k in STATUS_KIND_PAIRS])
def test_every_event_kind_from_every_status(status, kind):
    # Given a budget case in `status`, 6,000,000 remaining (nothing remaining when the event is `xong`)
    collected = AMOUNT_DUE if kind == K.XONG else COLLECTED
    given = state_in(status, collected=collected)
    event = EVENT_OF_KIND[kind]
    expected = EXPECTED[status][kind]

    if isinstance(expected, str):
        # When the event is applied / Then it is refused by the status rule, with a message
        error = refusal(facts(), given, event)
        assert (error.code, error.field) == (expected, "kind")
        with pytest.raises(WorkflowError) as checked:
            check(facts(), given, event, today=TODAY)
        assert checked.value.code == expected
    else:
        # When the event is applied
        after = apply(facts(), given, event, today=TODAY)
        # Then the status, ground and amounts are exactly the expected ones
        assert After(after.status, after.ground, after.collected, after.reduced, after.terminated_amount,
                     after.remaining, after.ended_on) == expected
        assert (after.amount_due, after.last_event_on, after.event_count) == (AMOUNT_DUE, EVENT_ON, 4)
        assert after.ended == (expected.status in (S.COMPLETED, S.TERMINATED, S.TRANSFERRED_OUT))
    # and the given state is untouched either way
    assert given == state_in(status, collected=collected)


@pytest.mark.parametrize("status", Status.values)
def test_allowed_kinds_agrees_with_the_hand_written_table(status):
    # Given a case in `status` / When asking which kinds it admits
    admitted = allowed_kinds(state_in(status))
    # Then they are exactly the kinds the table accepts
    assert admitted == {kind for kind, outcome in EXPECTED[status].items() if isinstance(outcome, After)}


# ---- initial state ---------------------------------------------------------------------------------------

def test_a_new_case_starts_with_conditions_owing_its_whole_amount():
    # Given the facts of an accepted case / When building its initial state
    state = initial_state(facts(amount_due=7_250_000))
    # Then it is with conditions, owes everything, has no event
    assert state == CaseState(status=S.WITH_CONDITIONS, ground="", amount_due=7_250_000, collected=0, reduced=0,
                              terminated_amount=0, last_event_on=None, ended_on=None, event_count=0)
    assert (state.remaining, state.ended, state.counts_as_with_conditions) == (7_250_000, False, True)


# ---- amounts -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [K.THU_TIEN, K.GIAM])
def test_an_amount_exactly_equal_to_the_remaining_is_accepted(kind):
    # Given a budget case with 6,000,000 remaining
    given = state_in(S.WITH_CONDITIONS)
    # When collecting / reducing exactly 6,000,000
    after = apply(facts(), given, EventInput(kind=kind, date=EVENT_ON, amount=REMAINING), today=TODAY)
    # Then nothing remains and the case stays open with conditions
    assert (after.status, after.remaining, after.collected + after.reduced, after.ended_on) == (
        S.WITH_CONDITIONS, 0, AMOUNT_DUE, None)


@pytest.mark.parametrize("kind", [K.THU_TIEN, K.GIAM])
def test_an_amount_one_dong_over_the_remaining_is_refused(kind):
    # Given a budget case with 6,000,000 remaining
    given = state_in(S.WITH_CONDITIONS)
    # When collecting / reducing 6,000,001 / Then it is refused on the amount
    error = refusal(facts(), given, EventInput(kind=kind, date=EVENT_ON, amount=REMAINING + 1))
    assert (error.code, error.field) == ("amount_exceeds_remaining", "amount")


@pytest.mark.parametrize("kind", [K.THU_TIEN, K.GIAM])
@pytest.mark.parametrize("amount", [0, -1, -1_000_000])
def test_a_zero_or_negative_amount_is_refused(kind, amount):
    # Given a budget case with money remaining / When the amount is not positive / Then it is refused
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=kind, date=EVENT_ON, amount=amount))
    assert (error.code, error.field) == ("amount_not_positive", "amount")


@pytest.mark.parametrize("kind", [K.THU_TIEN, K.GIAM])
@pytest.mark.parametrize("amount", [1000.0, 1000.5, True], ids=["float-whole", "float-fraction", "bool"])
def test_an_amount_that_is_not_a_whole_number_of_dong_is_refused(kind, amount):
    # Given a budget case with money remaining / When the amount is a float or a bool / Then it is refused
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=kind, date=EVENT_ON, amount=amount))
    assert (error.code, error.field) == ("amount_not_positive", "amount")


@pytest.mark.parametrize("kind", [K.THU_TIEN, K.GIAM])
def test_a_money_event_without_an_amount_is_refused(kind):
    # Given a budget case with money remaining / When the amount is missing / Then it is refused
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=kind, date=EVENT_ON, amount=None))
    assert (error.code, error.field) == ("amount_required", "amount")


# A status from which each non-money kind is allowed, and a valid ground for it.
NON_MONEY_KIND_SETUP = {
    K.CO_DIEU_KIEN: (S.WITH_CONDITIONS, ""),
    K.CHUA_CO_DIEU_KIEN: (S.WITH_CONDITIONS, "khong_tai_san"),
    K.HOAN: (S.WITH_CONDITIONS, "c"),
    K.TAM_DINH_CHI: (S.WITH_CONDITIONS, "giam_doc_tham"),
    K.TIEP_TUC: (S.POSTPONED, ""),
    K.DINH_CHI: (S.WITH_CONDITIONS, "a"),
    K.XONG: (S.WITH_CONDITIONS, ""),
    K.UY_THAC_DI: (S.WITH_CONDITIONS, ""),
    K.CHUYEN_SO_RIENG: (S.WITHOUT_CONDITIONS, ""),
}


@pytest.mark.parametrize("kind", list(NON_MONEY_KIND_SETUP))
def test_an_amount_on_a_non_money_kind_is_refused(kind):
    # Given a case in a status that admits `kind`, nothing remaining (so `xong` would be fine without amount)
    status, ground = NON_MONEY_KIND_SETUP[kind]
    given = state_in(status, collected=AMOUNT_DUE)
    apply(facts(), given, EventInput(kind=kind, date=EVENT_ON, ground=ground), today=TODAY)  # accepted without
    # When the same event carries an amount / Then it is refused on the amount
    error = refusal(facts(), given, EventInput(kind=kind, date=EVENT_ON, ground=ground, amount=1_000))
    assert (error.code, error.field) == ("amount_not_allowed", "amount")


def test_the_non_money_kinds_are_all_the_kinds_but_thu_tien_and_giam():
    assert set(NON_MONEY_KIND_SETUP) | {K.THU_TIEN, K.GIAM} == set(RECORDABLE_KINDS)


@pytest.mark.parametrize("category", [Category.TIN_DUNG_NGAN_HANG, Category.THAM_NHUNG_KINH_TE, Category.KHAC])
def test_a_reduction_is_refused_on_every_category_but_the_state_budget(category):
    # Given a case of a category other than ngan_sach, with money remaining
    given = state_in(S.WITH_CONDITIONS)
    # When a reduction (giảm, Điều 61) is recorded / Then it is refused, whatever the amount
    error = refusal(facts(category=category), given, EventInput(kind=K.GIAM, date=EVENT_ON, amount=1))
    assert (error.code, error.field) == ("reduction_only_budget", "kind")
    # and money can still be collected on it
    after = apply(facts(category=category), given, EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=1),
                  today=TODAY)
    assert after.remaining == REMAINING - 1


def test_a_reduction_is_accepted_on_a_state_budget_case():
    # Given a ngan_sach case with 6,000,000 remaining / When reducing 1 đồng / Then it is reduced
    after = apply(facts(category=Category.NGAN_SACH), state_in(S.WITH_CONDITIONS),
                  EventInput(kind=K.GIAM, date=EVENT_ON, amount=1), today=TODAY)
    assert (after.reduced, after.remaining) == (1, REMAINING - 1)


@pytest.mark.parametrize("kind", [K.THU_TIEN, K.GIAM])
def test_money_is_refused_when_nothing_remains(kind):
    # Given a budget case with everything collected / When more money is recorded / Then it is refused
    error = refusal(facts(), state_in(S.WITH_CONDITIONS, collected=AMOUNT_DUE),
                    EventInput(kind=kind, date=EVENT_ON, amount=1))
    assert (error.code, error.field) == ("nothing_remaining", "amount")


def test_money_is_refused_on_a_case_that_never_owed_money():
    # Given a non-money obligation (amount due 0) / When money is collected / Then it is refused
    error = refusal(facts(amount_due=0), initial_state(facts(amount_due=0)),
                    EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=1))
    assert error.code == "nothing_remaining"


# ---- xong, dinh_chi, uy_thac_di ---------------------------------------------------------------------------

@pytest.mark.parametrize("collected", [0, COLLECTED, AMOUNT_DUE - 1])
def test_completion_is_refused_while_money_remains(collected):
    # Given a case with something remaining (down to a single đồng)
    given = state_in(S.WITH_CONDITIONS, collected=collected)
    # When recording xong / Then it is refused
    error = refusal(facts(), given, EventInput(kind=K.XONG, date=EVENT_ON))
    assert (error.code, error.field) == ("remaining_not_zero", "kind")


def test_completion_is_accepted_when_collections_and_reductions_leave_nothing():
    # Given a budget case whose 10,000,000 were 7,000,000 collected and 3,000,000 reduced
    given = state_in(S.WITH_CONDITIONS, collected=7_000_000, reduced=3_000_000)
    assert given.remaining == 0
    # When recording xong / Then it is completed on that date
    after = apply(facts(), given, EventInput(kind=K.XONG, date=EVENT_ON), today=TODAY)
    assert (after.status, after.ended_on, after.collected, after.reduced, after.terminated_amount) == (
        S.COMPLETED, EVENT_ON, 7_000_000, 3_000_000, 0)


def test_completion_is_accepted_at_once_for_a_case_that_owes_no_money():
    # Given a non-money obligation just accepted (amount due 0)
    given = initial_state(facts(amount_due=0))
    # When recording xong / Then it is completed
    after = apply(facts(amount_due=0), given, EventInput(kind=K.XONG, date=EVENT_ON), today=TODAY)
    assert (after.status, after.remaining, after.ended_on, after.event_count) == (S.COMPLETED, 0, EVENT_ON, 1)


def test_termination_terminates_exactly_the_remaining_amount():
    # Given a budget case owing 10,000,000: 3,000,000 collected, 1,000,000 reduced, 6,000,000 remaining
    given = state_in(S.WITH_CONDITIONS, collected=3_000_000, reduced=1_000_000)
    # When it is terminated (đình chỉ, ground e: exempted)
    after = apply(facts(), given, EventInput(kind=K.DINH_CHI, date=EVENT_ON, ground="e"), today=TODAY)
    # Then exactly the 6,000,000 remaining are terminated; collections and reductions are kept
    assert (after.status, after.ground, after.collected, after.reduced, after.terminated_amount, after.remaining,
            after.ended_on) == (S.TERMINATED, "e", 3_000_000, 1_000_000, 6_000_000, 0, EVENT_ON)


def test_termination_of_a_case_with_nothing_remaining_terminates_nothing():
    given = initial_state(facts(amount_due=0))
    after = apply(facts(amount_due=0), given, EventInput(kind=K.DINH_CHI, date=EVENT_ON, ground="i"), today=TODAY)
    assert (after.status, after.terminated_amount, after.remaining) == (S.TERMINATED, 0, 0)


def test_a_transfer_out_keeps_the_remaining_amount():
    # Given a case with 6,000,000 remaining
    given = state_in(S.WITH_CONDITIONS)
    # When it is transferred to another agency (ủy thác đi)
    after = apply(facts(), given, EventInput(kind=K.UY_THAC_DI, date=EVENT_ON), today=TODAY)
    # Then it ends with its 6,000,000 still owed (the receiving agency enforces them), nothing terminated
    assert (after.status, after.remaining, after.terminated_amount, after.collected, after.ended_on) == (
        S.TRANSFERRED_OUT, 6_000_000, 0, 4_000_000, EVENT_ON)


# ---- grounds -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [K.HOAN, K.TAM_DINH_CHI, K.DINH_CHI])
def test_a_ground_is_required_for_postponement_suspension_and_termination(kind):
    # Given a case with conditions / When the event comes without a ground / Then it is refused
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=kind, date=EVENT_ON, ground=""))
    assert (error.code, error.field) == ("ground_required", "ground")


@pytest.mark.parametrize(("kind", "ground"), [
    (K.HOAN, "i"),                     # i exists for đình chỉ (Điều 50), not for hoãn (Điều 48)
    (K.HOAN, "đ"),                     # the code is `dd`, never the Vietnamese letter
    (K.HOAN, "C"),                     # codes are lower case
    (K.HOAN, "giam_doc_tham"),
    (K.TAM_DINH_CHI, "a"),
    (K.TAM_DINH_CHI, "khong_tai_san"),
    (K.DINH_CHI, "k"),
    (K.DINH_CHI, "pha_san"),
    (K.CHUA_CO_DIEU_KIEN, "a"),
    (K.CHUA_CO_DIEU_KIEN, "khong-tai-san"),
])
def test_a_ground_that_does_not_belong_to_the_kind_is_refused(kind, ground):
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=kind, date=EVENT_ON, ground=ground))
    assert (error.code, error.field) == ("ground_invalid", "ground")


GROUNDS = (
    [(K.HOAN, g) for g in PostponementGround.values]
    + [(K.TAM_DINH_CHI, g) for g in SuspensionGround.values]
    + [(K.DINH_CHI, g) for g in TerminationGround.values]
    + [(K.CHUA_CO_DIEU_KIEN, g) for g in NoConditionsGround.values]
)
STATUS_AFTER_KIND = {K.HOAN: S.POSTPONED, K.TAM_DINH_CHI: S.SUSPENDED, K.DINH_CHI: S.TERMINATED,
                     K.CHUA_CO_DIEU_KIEN: S.WITHOUT_CONDITIONS}


@pytest.mark.parametrize(("kind", "ground"), GROUNDS, ids=[f"{k}-{g}" for k, g in GROUNDS])
def test_every_legal_ground_is_accepted_and_recorded(kind, ground):
    after = apply(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=kind, date=EVENT_ON, ground=ground),
                  today=TODAY)
    assert (after.status, after.ground) == (STATUS_AFTER_KIND[kind], ground)


def test_the_legal_ground_lists_are_complete():
    # Điều 48 khoản 1 a–h (đ as dd), Điều 49, Điều 50 khoản 1 a–i, Điều 44a
    assert PostponementGround.values == ["a", "b", "c", "d", "dd", "e", "g", "h"]
    assert SuspensionGround.values == ["giam_doc_tham", "pha_san"]
    assert TerminationGround.values == ["a", "b", "c", "d", "dd", "e", "g", "h", "i"]
    assert NoConditionsGround.values == ["khong_tai_san", "dang_chap_hanh_an_tu", "khong_ro_dia_chi",
                                         "vat_khong_con"]


@pytest.mark.parametrize("kind", [K.CO_DIEU_KIEN, K.TIEP_TUC, K.THU_TIEN, K.GIAM, K.XONG, K.UY_THAC_DI,
                                  K.CHUYEN_SO_RIENG])
def test_a_ground_on_a_kind_without_grounds_is_refused(kind):
    # Given a status admitting `kind`, nothing remaining for xong, an amount for money kinds
    status = {K.TIEP_TUC: S.POSTPONED, K.CHUYEN_SO_RIENG: S.WITHOUT_CONDITIONS}.get(kind, S.WITH_CONDITIONS)
    given = state_in(status, collected=AMOUNT_DUE if kind == K.XONG else COLLECTED)
    amount = 1_000 if kind in (K.THU_TIEN, K.GIAM) else None
    # When the event carries a ground / Then it is refused on the ground
    error = refusal(facts(), given, EventInput(kind=kind, date=EVENT_ON, amount=amount, ground="a"))
    assert (error.code, error.field) == ("ground_not_allowed", "ground")


def test_a_ground_on_co_dieu_kien_is_refused():
    error = refusal(facts(), state_in(S.WITHOUT_CONDITIONS),
                    EventInput(kind=K.CO_DIEU_KIEN, date=EVENT_ON, ground="khong_tai_san"))
    assert (error.code, error.field) == ("ground_not_allowed", "ground")


def test_the_ground_of_chua_co_dieu_kien_is_optional():
    given = state_in(S.WITH_CONDITIONS)
    # When recorded without a ground / Then accepted, without a ground
    without = apply(facts(), given, EventInput(kind=K.CHUA_CO_DIEU_KIEN, date=EVENT_ON), today=TODAY)
    assert (without.status, without.ground) == (S.WITHOUT_CONDITIONS, "")
    # When recorded with a ground / Then accepted, with it
    with_ground = apply(facts(), given,
                        EventInput(kind=K.CHUA_CO_DIEU_KIEN, date=EVENT_ON, ground="dang_chap_hanh_an_tu"),
                        today=TODAY)
    assert (with_ground.status, with_ground.ground) == (S.WITHOUT_CONDITIONS, "dang_chap_hanh_an_tu")


def test_finding_conditions_clears_the_previous_ground():
    after = apply(facts(), state_in(S.WITHOUT_CONDITIONS, ground="khong_ro_dia_chi"),
                  EventInput(kind=K.CO_DIEU_KIEN, date=EVENT_ON), today=TODAY)
    assert (after.status, after.ground) == (S.WITH_CONDITIONS, "")


# ---- postponement on ground c counts as with conditions -------------------------------------------------

def test_postponement_on_ground_c_still_counts_as_with_conditions():
    # Given a case with conditions / When postponed because the parties agreed (ground c)
    after = apply(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=K.HOAN, date=EVENT_ON, ground="c"),
                  today=TODAY)
    # Then it is postponed but still counts in the with-conditions bucket
    assert (after.status, after.ground, after.counts_as_with_conditions) == (S.POSTPONED, "c", True)
    # and money collected while postponed keeps it there
    later = apply(facts(), after, EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=1_000), today=TODAY)
    assert (later.status, later.ground, later.counts_as_with_conditions) == (S.POSTPONED, "c", True)


@pytest.mark.parametrize("ground", ["a", "b", "d", "dd", "e", "g", "h"])
def test_postponement_on_any_other_ground_does_not_count_as_with_conditions(ground):
    after = apply(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=K.HOAN, date=EVENT_ON, ground=ground),
                  today=TODAY)
    assert (after.status, after.ground, after.counts_as_with_conditions) == (S.POSTPONED, ground, False)


@pytest.mark.parametrize(("status", "ground", "counts"), [
    (S.WITH_CONDITIONS, "", True),
    (S.WITHOUT_CONDITIONS, "", False),
    (S.SUSPENDED, "giam_doc_tham", False),
    (S.SEPARATE_BOOK, "", False),
    (S.COMPLETED, "", False),
    (S.TERMINATED, "c", False),        # termination on ground c is not a postponement on ground c
    (S.TRANSFERRED_OUT, "", False),
])
def test_which_other_states_count_as_with_conditions(status, ground, counts):
    assert state_in(status, ground=ground).counts_as_with_conditions is counts


# ---- dates -----------------------------------------------------------------------------------------------

def test_an_event_the_day_before_acceptance_is_refused_and_on_acceptance_day_accepted():
    given = initial_state(facts())
    error = refusal(facts(), given, EventInput(kind=K.THU_TIEN, date=ACCEPTED_ON - timedelta(days=1), amount=1))
    assert (error.code, error.field) == ("date_before_acceptance", "date")
    after = apply(facts(), given, EventInput(kind=K.THU_TIEN, date=ACCEPTED_ON, amount=1), today=TODAY)
    assert (after.last_event_on, after.collected) == (ACCEPTED_ON, 1)


def test_an_event_dated_after_today_is_refused_and_today_accepted():
    given = state_in(S.WITH_CONDITIONS)
    today = date(2019, 5, 20)
    error = refusal(facts(), given, EventInput(kind=K.THU_TIEN, date=date(2019, 5, 21), amount=1), today=today)
    assert (error.code, error.field) == ("date_in_future", "date")
    after = apply(facts(), given, EventInput(kind=K.THU_TIEN, date=today, amount=1), today=today)
    assert after.last_event_on == today


def test_an_event_dated_before_the_previous_event_is_refused():
    given = state_in(S.WITH_CONDITIONS, last_event_on=LAST_EVENT_ON)
    error = refusal(facts(), given,
                    EventInput(kind=K.THU_TIEN, date=LAST_EVENT_ON - timedelta(days=1), amount=1))
    assert (error.code, error.field) == ("date_before_previous_event", "date")


def test_an_event_on_the_same_date_as_the_previous_event_is_accepted():
    given = state_in(S.WITH_CONDITIONS, last_event_on=LAST_EVENT_ON, event_count=3)
    after = apply(facts(), given, EventInput(kind=K.THU_TIEN, date=LAST_EVENT_ON, amount=1), today=TODAY)
    assert (after.last_event_on, after.event_count, after.collected) == (LAST_EVENT_ON, 4, COLLECTED + 1)


def test_an_unknown_kind_is_refused():
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind="ban_dau_gia", date=EVENT_ON))
    assert (error.code, error.field) == ("unknown_kind", "kind")


# ---- order of the checks -----------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [S.COMPLETED, S.TERMINATED, S.TRANSFERRED_OUT])
def test_an_ended_case_reports_a_date_problem_before_being_ended(status):
    given = state_in(status, collected=AMOUNT_DUE if status == S.COMPLETED else COLLECTED)
    future = refusal(facts(), given, EventInput(kind=K.CO_DIEU_KIEN, date=TODAY + timedelta(days=1)))
    assert future.code == "date_in_future"
    before_previous = refusal(facts(), given,
                              EventInput(kind=K.CO_DIEU_KIEN, date=LAST_EVENT_ON - timedelta(days=1)))
    assert before_previous.code == "date_before_previous_event"
    before_acceptance = refusal(facts(), given,
                                EventInput(kind=K.CO_DIEU_KIEN, date=ACCEPTED_ON - timedelta(days=1)))
    assert before_acceptance.code == "date_before_acceptance"
    # and on a valid date the end itself is the reason
    assert refusal(facts(), given, EventInput(kind=K.CO_DIEU_KIEN, date=EVENT_ON)).code == "case_ended"


def test_an_ended_case_with_an_invalid_event_reports_that_it_ended():
    # Given a completed case / When the event is also malformed (ground, amount) / Then case_ended wins
    given = state_in(S.COMPLETED, collected=AMOUNT_DUE)
    error = refusal(facts(), given, EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=-5, ground="zz"))
    assert (error.code, error.field) == ("case_ended", "kind")


def test_an_unknown_kind_is_reported_before_a_date_problem():
    error = refusal(facts(), state_in(S.COMPLETED, collected=AMOUNT_DUE),
                    EventInput(kind="nope", date=ACCEPTED_ON - timedelta(days=1)))
    assert error.code == "unknown_kind"


def test_the_acceptance_date_is_checked_before_the_future():
    # Given a case accepted in the future relative to `today` (an import of a future-dated case)
    error = refusal(facts(), initial_state(facts()), EventInput(kind=K.XONG, date=ACCEPTED_ON - timedelta(days=1)),
                    today=ACCEPTED_ON - timedelta(days=2))
    assert error.code == "date_before_acceptance"


def test_the_status_rule_is_reported_before_the_ground_and_the_amount():
    # Given a suspended case / When a postponement without ground arrives / Then the status is the reason
    error = refusal(facts(), state_in(S.SUSPENDED), EventInput(kind=K.HOAN, date=EVENT_ON, ground=""))
    assert error.code == "not_allowed_from_status"
    # When a collection without amount arrives in the separate book / Then the status is the reason
    error = refusal(facts(), state_in(S.SEPARATE_BOOK), EventInput(kind=K.THU_TIEN, date=EVENT_ON))
    assert error.code == "not_allowed_from_status"


def test_the_ground_is_checked_before_the_amount():
    error = refusal(facts(), state_in(S.WITH_CONDITIONS),
                    EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=None, ground="a"))
    assert error.code == "ground_not_allowed"


def test_the_budget_rule_is_checked_before_the_amount():
    error = refusal(facts(category=Category.KHAC), state_in(S.WITH_CONDITIONS),
                    EventInput(kind=K.GIAM, date=EVENT_ON, amount=None))
    assert error.code == "reduction_only_budget"


def test_a_non_positive_amount_is_reported_before_nothing_remaining():
    error = refusal(facts(), state_in(S.WITH_CONDITIONS, collected=AMOUNT_DUE),
                    EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=0))
    assert error.code == "amount_not_positive"


def test_an_amount_on_xong_is_reported_before_the_remaining_money():
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=K.XONG, date=EVENT_ON, amount=1))
    assert error.code == "amount_not_allowed"


# ---- messages ----------------------------------------------------------------------------------------------

def test_the_exceeding_amount_message_names_the_amounts_and_the_case():
    error = refusal(facts(), state_in(S.WITH_CONDITIONS),
                    EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=6_000_001))
    assert "6.000.001" in error.message
    assert "6.000.000" in error.message
    assert "HG-VT-2019-001" in error.message


def test_the_exceeding_amount_message_names_the_event_by_its_label_not_its_code():
    # Every other refusal names the kind by its translated label; an officer does not read "thu_tien"
    error = refusal(facts(), state_in(S.WITH_CONDITIONS),
                    EventInput(kind=K.THU_TIEN, date=EVENT_ON, amount=6_000_001))
    assert str(K.THU_TIEN.label) in error.message
    assert "thu_tien" not in error.message


def test_the_remaining_not_zero_message_names_the_remaining_amount():
    error = refusal(facts(), state_in(S.WITH_CONDITIONS), EventInput(kind=K.XONG, date=EVENT_ON))
    assert "6.000.000 ₫" in error.message
