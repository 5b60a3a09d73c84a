"""A case's state on any date, rebuilt from its events (domain.md §3, "its status on any past date").

Each history below is worked by hand: the expected state on each date is written out, not computed. The same
histories are then recorded in the database through the services, and `case_state_on` must agree, the cached
columns on the case row must follow every event, and `case_cache_rebuild` must repair a corrupted cache.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import pytest

from cases.codes import Category, EventKind, Status
from cases.models import Case
from cases.selectors import case_cached_state, case_state_on
from cases.services import case_cache_rebuild
from cases.workflow import CaseFacts, EventInput, WorkflowError, replay
from tests.factories import make_case, record

K = EventKind
S = Status


class On(NamedTuple):
    """The state expected at the end of day ``on``."""

    on: date
    status: str
    ground: str
    collected: int
    reduced: int
    terminated_amount: int
    remaining: int
    last_event_on: date | None
    ended_on: date | None
    event_count: int
    counts_as_with_conditions: bool


@dataclass(frozen=True)
class History:
    name: str
    category: str
    accepted_on: date
    amount_due: int
    events: tuple[EventInput, ...]
    expected: tuple[On, ...]  # in date order; the last one is also the state after every event

    def facts(self, case_no: str = "TEST") -> CaseFacts:
        return CaseFacts(case_no=case_no, category=self.category, accepted_on=self.accepted_on,
                         amount_due=self.amount_due)


def ev(kind: str, on: date, *, amount: int | None = None, ground: str = "") -> EventInput:
    return EventInput(kind=kind, date=on, amount=amount, ground=ground)


# 1. Several events on the same day: two collections and the completion, all on 05/03/2019.
SAME_DAY = History(
    name="same_day_collections_and_completion",
    category=Category.KHAC, accepted_on=date(2019, 1, 10), amount_due=10_000_000,
    events=(
        ev(K.THU_TIEN, date(2019, 2, 1), amount=3_000_000),
        ev(K.THU_TIEN, date(2019, 3, 5), amount=2_000_000),
        ev(K.THU_TIEN, date(2019, 3, 5), amount=5_000_000),
        ev(K.XONG, date(2019, 3, 5)),
    ),
    expected=(
        On(date(2019, 1, 10), S.WITH_CONDITIONS, "", 0, 0, 0, 10_000_000, None, None, 0, True),
        On(date(2019, 1, 31), S.WITH_CONDITIONS, "", 0, 0, 0, 10_000_000, None, None, 0, True),
        On(date(2019, 2, 1), S.WITH_CONDITIONS, "", 3_000_000, 0, 0, 7_000_000, date(2019, 2, 1), None, 1, True),
        # the day before the three same-day events: none of them
        On(date(2019, 3, 4), S.WITH_CONDITIONS, "", 3_000_000, 0, 0, 7_000_000, date(2019, 2, 1), None, 1, True),
        # that day: all three, in order (the completion comes after the money that made it possible)
        On(date(2019, 3, 5), S.COMPLETED, "", 10_000_000, 0, 0, 0, date(2019, 3, 5), date(2019, 3, 5), 4, False),
        On(date(2024, 9, 30), S.COMPLETED, "", 10_000_000, 0, 0, 0, date(2019, 3, 5), date(2019, 3, 5), 4, False),
    ),
)

# 2. Postponed (ground b), resumed, collected, postponed again on ground c (parties agree: still "with conditions").
POSTPONE_RESUME = History(
    name="postponement_then_resumption",
    category=Category.TIN_DUNG_NGAN_HANG, accepted_on=date(2019, 1, 10), amount_due=20_000_000,
    events=(
        ev(K.HOAN, date(2019, 2, 1), ground="b"),
        ev(K.TIEP_TUC, date(2019, 5, 1)),
        ev(K.THU_TIEN, date(2019, 6, 1), amount=5_000_000),
        ev(K.HOAN, date(2019, 7, 1), ground="c"),
        ev(K.THU_TIEN, date(2019, 7, 20), amount=1_000_000),
    ),
    expected=(
        On(date(2019, 1, 31), S.WITH_CONDITIONS, "", 0, 0, 0, 20_000_000, None, None, 0, True),
        On(date(2019, 2, 1), S.POSTPONED, "b", 0, 0, 0, 20_000_000, date(2019, 2, 1), None, 1, False),
        On(date(2019, 4, 30), S.POSTPONED, "b", 0, 0, 0, 20_000_000, date(2019, 2, 1), None, 1, False),
        On(date(2019, 5, 1), S.WITH_CONDITIONS, "", 0, 0, 0, 20_000_000, date(2019, 5, 1), None, 2, True),
        On(date(2019, 6, 1), S.WITH_CONDITIONS, "", 5_000_000, 0, 0, 15_000_000, date(2019, 6, 1), None, 3, True),
        On(date(2019, 6, 30), S.WITH_CONDITIONS, "", 5_000_000, 0, 0, 15_000_000, date(2019, 6, 1), None, 3, True),
        On(date(2019, 7, 1), S.POSTPONED, "c", 5_000_000, 0, 0, 15_000_000, date(2019, 7, 1), None, 4, True),
        On(date(2019, 7, 20), S.POSTPONED, "c", 6_000_000, 0, 0, 14_000_000, date(2019, 7, 20), None, 5, True),
    ),
)

# 3. A budget debt: collected, reduced, then terminated with money remaining (the remainder is terminated).
COLLECT_TERMINATE = History(
    name="collection_then_termination",
    category=Category.NGAN_SACH, accepted_on=date(2019, 1, 10), amount_due=8_000_000,
    events=(
        ev(K.THU_TIEN, date(2019, 2, 1), amount=2_000_000),
        ev(K.GIAM, date(2019, 3, 1), amount=1_000_000),
        ev(K.DINH_CHI, date(2019, 4, 1), ground="e"),
    ),
    expected=(
        On(date(2019, 2, 1), S.WITH_CONDITIONS, "", 2_000_000, 0, 0, 6_000_000, date(2019, 2, 1), None, 1, True),
        On(date(2019, 3, 1), S.WITH_CONDITIONS, "", 2_000_000, 1_000_000, 0, 5_000_000, date(2019, 3, 1), None, 2,
           True),
        On(date(2019, 3, 31), S.WITH_CONDITIONS, "", 2_000_000, 1_000_000, 0, 5_000_000, date(2019, 3, 1), None, 2,
           True),
        On(date(2019, 4, 1), S.TERMINATED, "e", 2_000_000, 1_000_000, 5_000_000, 0, date(2019, 4, 1),
           date(2019, 4, 1), 3, False),
        On(date(2020, 1, 1), S.TERMINATED, "e", 2_000_000, 1_000_000, 5_000_000, 0, date(2019, 4, 1),
           date(2019, 4, 1), 3, False),
    ),
)

# 4. Without conditions, conditions found, part collected, then transferred out with the rest still owed.
TRANSFER_OUT = History(
    name="transfer_out",
    category=Category.THAM_NHUNG_KINH_TE, accepted_on=date(2019, 1, 10), amount_due=50_000_000,
    events=(
        ev(K.CHUA_CO_DIEU_KIEN, date(2019, 2, 1), ground="khong_tai_san"),
        ev(K.CO_DIEU_KIEN, date(2019, 8, 1)),
        ev(K.THU_TIEN, date(2019, 9, 1), amount=10_000_000),
        ev(K.UY_THAC_DI, date(2019, 10, 1)),
    ),
    expected=(
        On(date(2019, 2, 1), S.WITHOUT_CONDITIONS, "khong_tai_san", 0, 0, 0, 50_000_000, date(2019, 2, 1), None, 1,
           False),
        On(date(2019, 7, 31), S.WITHOUT_CONDITIONS, "khong_tai_san", 0, 0, 0, 50_000_000, date(2019, 2, 1), None, 1,
           False),
        On(date(2019, 8, 1), S.WITH_CONDITIONS, "", 0, 0, 0, 50_000_000, date(2019, 8, 1), None, 2, True),
        On(date(2019, 9, 30), S.WITH_CONDITIONS, "", 10_000_000, 0, 0, 40_000_000, date(2019, 9, 1), None, 3, True),
        On(date(2019, 10, 1), S.TRANSFERRED_OUT, "", 10_000_000, 0, 0, 40_000_000, date(2019, 10, 1),
           date(2019, 10, 1), 4, False),
    ),
)

# 5. Without conditions (re-verified), moved to the separate book, back through co_dieu_kien, paid and done.
SEPARATE_BOOK = History(
    name="separate_book_and_return",
    category=Category.KHAC, accepted_on=date(2018, 11, 5), amount_due=3_000_000,
    events=(
        ev(K.CHUA_CO_DIEU_KIEN, date(2018, 12, 1), ground="khong_ro_dia_chi"),
        ev(K.CHUA_CO_DIEU_KIEN, date(2019, 6, 1), ground="dang_chap_hanh_an_tu"),
        ev(K.CHUYEN_SO_RIENG, date(2020, 12, 1)),
        ev(K.CO_DIEU_KIEN, date(2022, 3, 15)),
        ev(K.THU_TIEN, date(2022, 4, 1), amount=3_000_000),
        ev(K.XONG, date(2022, 4, 1)),
    ),
    expected=(
        On(date(2018, 11, 30), S.WITH_CONDITIONS, "", 0, 0, 0, 3_000_000, None, None, 0, True),
        On(date(2019, 5, 31), S.WITHOUT_CONDITIONS, "khong_ro_dia_chi", 0, 0, 0, 3_000_000, date(2018, 12, 1), None,
           1, False),
        On(date(2019, 6, 1), S.WITHOUT_CONDITIONS, "dang_chap_hanh_an_tu", 0, 0, 0, 3_000_000, date(2019, 6, 1),
           None, 2, False),
        On(date(2020, 12, 1), S.SEPARATE_BOOK, "", 0, 0, 0, 3_000_000, date(2020, 12, 1), None, 3, False),
        On(date(2022, 3, 14), S.SEPARATE_BOOK, "", 0, 0, 0, 3_000_000, date(2020, 12, 1), None, 3, False),
        On(date(2022, 3, 15), S.WITH_CONDITIONS, "", 0, 0, 0, 3_000_000, date(2022, 3, 15), None, 4, True),
        On(date(2022, 3, 31), S.WITH_CONDITIONS, "", 0, 0, 0, 3_000_000, date(2022, 3, 15), None, 4, True),
        On(date(2022, 4, 1), S.COMPLETED, "", 3_000_000, 0, 0, 0, date(2022, 4, 1), date(2022, 4, 1), 6, False),
    ),
)

# 6. A non-money obligation (amount 0): postponed on the acceptance day itself, suspended, resumed, completed.
NON_MONEY_SUSPENDED = History(
    name="non_money_postponed_suspended_resumed",
    category=Category.KHAC, accepted_on=date(2020, 6, 1), amount_due=0,
    events=(
        ev(K.HOAN, date(2020, 6, 1), ground="d"),
        ev(K.TAM_DINH_CHI, date(2020, 7, 1), ground="giam_doc_tham"),
        ev(K.TIEP_TUC, date(2021, 1, 15)),
        ev(K.XONG, date(2021, 2, 1)),
    ),
    expected=(
        # the acceptance day includes the event recorded on it
        On(date(2020, 6, 1), S.POSTPONED, "d", 0, 0, 0, 0, date(2020, 6, 1), None, 1, False),
        On(date(2020, 6, 30), S.POSTPONED, "d", 0, 0, 0, 0, date(2020, 6, 1), None, 1, False),
        On(date(2020, 7, 1), S.SUSPENDED, "giam_doc_tham", 0, 0, 0, 0, date(2020, 7, 1), None, 2, False),
        On(date(2021, 1, 14), S.SUSPENDED, "giam_doc_tham", 0, 0, 0, 0, date(2020, 7, 1), None, 2, False),
        On(date(2021, 1, 15), S.WITH_CONDITIONS, "", 0, 0, 0, 0, date(2021, 1, 15), None, 3, True),
        On(date(2021, 2, 1), S.COMPLETED, "", 0, 0, 0, 0, date(2021, 2, 1), date(2021, 2, 1), 4, False),
    ),
)

# 7. Across the fiscal-year boundary (30/9 → 1/10): a collection on the acceptance day, then a reduction and a
#    termination on the same day, so the terminated amount is what remains after the reduction.
YEAR_BOUNDARY = History(
    name="fiscal_year_boundary_same_day_collection_and_termination",
    category=Category.NGAN_SACH, accepted_on=date(2019, 9, 30), amount_due=1_000_000,
    events=(
        ev(K.THU_TIEN, date(2019, 9, 30), amount=400_000),
        ev(K.GIAM, date(2019, 10, 1), amount=100_000),
        ev(K.DINH_CHI, date(2019, 10, 1), ground="a"),
    ),
    expected=(
        On(date(2019, 9, 30), S.WITH_CONDITIONS, "", 400_000, 0, 0, 600_000, date(2019, 9, 30), None, 1, True),
        On(date(2019, 10, 1), S.TERMINATED, "a", 400_000, 100_000, 500_000, 0, date(2019, 10, 1), date(2019, 10, 1),
           3, False),
    ),
)

HISTORIES = [SAME_DAY, POSTPONE_RESUME, COLLECT_TERMINATE, TRANSFER_OUT, SEPARATE_BOOK, NON_MONEY_SUSPENDED,
             YEAR_BOUNDARY]
HISTORY_DATES = [(history, expected) for history in HISTORIES for expected in history.expected]
HISTORY_DATE_IDS = [f"{history.name}-{expected.on.isoformat()}" for history, expected in HISTORY_DATES]


def observed(state, on: date) -> On:
    return On(on, state.status, state.ground, state.collected, state.reduced, state.terminated_amount,
              state.remaining, state.last_event_on, state.ended_on, state.event_count,
              state.counts_as_with_conditions)


def final(history: History) -> On:
    return history.expected[-1]


def record_history(history: History, unit, *, after_each=None) -> Case:
    case = make_case(unit=unit, category=history.category, amount_due=history.amount_due,
                     accepted_on=history.accepted_on)
    for event in history.events:
        record(case, event.kind, event.date, amount=event.amount, ground=event.ground)
        if after_each is not None:
            after_each(case)
    return case


# ---- pure: replay(on=...) ------------------------------------------------------------------------------------

def test_the_histories_are_consistent_with_themselves():
    for history in HISTORIES:
        dates = [expected.on for expected in history.expected]
        assert dates == sorted(dates), history.name
        assert final(history).on >= history.events[-1].date, history.name


@pytest.mark.parametrize(("history", "expected"), HISTORY_DATES, ids=HISTORY_DATE_IDS)
def test_replay_gives_the_hand_worked_state_on_each_date(history, expected):
    # Given a case's history / When asking for its state at the end of a day
    state = replay(history.facts(), history.events, on=expected.on)
    # Then it is exactly the hand-worked one
    assert observed(state, expected.on) == expected


@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_replay_without_a_date_gives_the_state_after_every_event(history):
    state = replay(history.facts(), history.events)
    assert observed(state, final(history).on) == final(history)


@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_replay_before_acceptance_raises_value_error(history):
    # Given a case / When asking for the day before it was accepted / Then there is no state
    with pytest.raises(ValueError, match="not yet accepted"):
        replay(history.facts(), history.events, on=history.accepted_on - timedelta(days=1))


def test_same_day_events_count_in_their_recorded_order():
    # Given the same-day events in the wrong order (completion before the money that allows it)
    events = (SAME_DAY.events[0], SAME_DAY.events[3], SAME_DAY.events[1], SAME_DAY.events[2])
    # When replayed / Then the completion is refused: order within a day matters
    with pytest.raises(WorkflowError) as refused:
        replay(SAME_DAY.facts(), events, on=date(2019, 3, 5))
    assert refused.value.code == "remaining_not_zero"
    # but the day before is unaffected by that day's events
    state = replay(SAME_DAY.facts(), events, on=date(2019, 3, 4))
    assert (state.collected, state.event_count) == (3_000_000, 1)


# ---- database: case_state_on, the cache, case_cache_rebuild ---------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_case_state_on_gives_the_hand_worked_state_on_each_date(org, history):
    # Given the history recorded through the services
    case = record_history(history, org["HG-VT"])
    # When rebuilding the state on each date from the stored events / Then it is the hand-worked one
    for expected in history.expected:
        assert observed(case_state_on(case, on=expected.on), expected.on) == expected
    # and without a date: the state after every event
    assert observed(case_state_on(case), final(history).on) == final(history)


@pytest.mark.django_db
@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_case_state_on_before_acceptance_raises_value_error(org, history):
    case = record_history(history, org["HG-VT"])
    with pytest.raises(ValueError, match="not yet accepted"):
        case_state_on(case, on=history.accepted_on - timedelta(days=1))


@pytest.mark.django_db
@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_the_cached_state_follows_every_event(org, history):
    # Given a new case, whose cache is the initial state
    seen = []

    def cache_matches_events(case):
        row = Case.objects.get(pk=case.pk)
        cached, rebuilt = case_cached_state(row), case_state_on(row)
        assert cached == rebuilt
        assert row.amount_remaining == rebuilt.remaining
        assert case_cached_state(case) == rebuilt  # the caller's instance is brought in step too
        seen.append(row.event_count)

    # When every event is recorded / Then after each one the cached row equals the state rebuilt from events
    case = record_history(history, org["HG-VT"], after_each=cache_matches_events)
    assert seen == list(range(1, len(history.events) + 1))
    case.refresh_from_db()
    assert observed(case_cached_state(case), final(history).on) == final(history)


@pytest.mark.django_db
def test_the_cache_of_a_case_without_events_is_the_initial_state(org):
    case = make_case(unit=org["HG-VT"], amount_due=4_500_000)
    case.refresh_from_db()
    assert case_cached_state(case) == case_state_on(case)
    assert (case.status, case.amount_remaining, case.event_count, case.last_event_on) == (
        S.WITH_CONDITIONS, 4_500_000, 0, None)


@pytest.mark.django_db
@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_rebuilding_a_cache_that_did_not_drift_changes_nothing(org, history):
    # Given a case whose cache is in step
    case = record_history(history, org["HG-VT"])
    before = Case.objects.get(pk=case.pk)
    # When the cache is rebuilt
    drifted = case_cache_rebuild(case=case)
    # Then nothing had drifted and the row was not written
    assert drifted is False
    after = Case.objects.get(pk=case.pk)
    assert case_cached_state(after) == case_cached_state(before)
    assert after.updated_at == before.updated_at


@pytest.mark.django_db
@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_rebuilding_repairs_a_cache_reset_to_the_initial_state(org, history):
    # Given a case whose cached columns were overwritten behind the services' back
    case = record_history(history, org["HG-VT"])
    Case.objects.filter(pk=case.pk).update(
        status=S.WITH_CONDITIONS, status_ground="", amount_collected=0, amount_reduced=0, amount_terminated=0,
        amount_remaining=history.amount_due, last_event_on=None, ended_on=None, event_count=0)
    corrupted = Case.objects.get(pk=case.pk)
    assert case_cached_state(corrupted) != case_state_on(corrupted)
    # When the cache is rebuilt
    drifted = case_cache_rebuild(case=case)
    # Then the drift is reported and the row equals the state rebuilt from the events
    assert drifted is True
    repaired = Case.objects.get(pk=case.pk)
    assert case_cached_state(repaired) == case_state_on(repaired)
    assert observed(case_cached_state(repaired), final(history).on) == final(history)
    assert repaired.amount_remaining == final(history).remaining
    # and a second rebuild finds nothing to do
    assert case_cache_rebuild(case=case) is False


@pytest.mark.django_db
def test_rebuilding_repairs_a_single_drifted_ground(org):
    # Given a case postponed on ground c (counts as with conditions) whose cached ground was changed to b
    case = record_history(POSTPONE_RESUME, org["HG-VT"])
    Case.objects.filter(pk=case.pk).update(status_ground="b")
    assert case_cached_state(Case.objects.get(pk=case.pk)).counts_as_with_conditions is False
    # When the cache is rebuilt / Then the ground is c again
    assert case_cache_rebuild(case=case) is True
    repaired = Case.objects.get(pk=case.pk)
    assert (repaired.status, repaired.status_ground, repaired.event_count) == (S.POSTPONED, "c", 5)
    assert case_cached_state(repaired).counts_as_with_conditions is True


@pytest.mark.django_db
def test_rebuilding_repairs_drifted_amounts(org):
    # Given a terminated budget case whose cached amounts were shifted (still self-consistent for the DB)
    case = record_history(COLLECT_TERMINATE, org["HG-VT"])
    Case.objects.filter(pk=case.pk).update(amount_collected=2_500_000, amount_terminated=4_500_000)
    # When the cache is rebuilt / Then the amounts come from the events again
    assert case_cache_rebuild(case=case) is True
    repaired = Case.objects.get(pk=case.pk)
    assert (repaired.amount_collected, repaired.amount_reduced, repaired.amount_terminated,
            repaired.amount_remaining) == (2_000_000, 1_000_000, 5_000_000, 0)


@pytest.mark.django_db
def test_a_refused_event_leaves_the_history_and_the_cache_unchanged(org):
    # Given a completed case
    case = record_history(SAME_DAY, org["HG-VT"])
    before = case_cached_state(Case.objects.get(pk=case.pk))
    # When another event is recorded / Then it is refused and nothing changed
    with pytest.raises(WorkflowError) as refused:
        record(case, K.CO_DIEU_KIEN, date(2019, 4, 1))
    assert refused.value.code == "case_ended"
    row = Case.objects.get(pk=case.pk)
    assert case_cached_state(row) == before
    assert row.events.count() == 4
    assert case_state_on(row) == before
