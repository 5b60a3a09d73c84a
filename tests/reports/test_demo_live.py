"""The demo's live part (reports.demo.live) on its own, without the database: dates relative to the day of the
load, histories carried forward without touching the calibrated years, the demo officer's designed duties
on any day (a working day, a weekend, the Tết holiday). The whole demo is checked in test_demo.py."""
import copy
import random
from datetime import date, timedelta

import pytest

from cases.codes import Category, EventKind, Status
from cases.workflow import CaseFacts, apply, initial_state
from reports.demo import live, org
from reports.demo.history import LEDGER_END, _Builder
from thads.core.dates import WorkingCalendar

TET_2026 = [date(2026, 2, d) for d in (16, 17, 18, 19, 20)]
CALENDAR = WorkingCalendar([date(2026, 1, 1), *TET_2026, date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1),
                            date(2026, 9, 1), date(2026, 9, 2)])


def status_on(case, today):
    facts = CaseFacts(case.case_no, case.category, case.accepted_on, case.amount_due)
    state = initial_state(facts)
    for event in case.events:
        state = apply(facts, state, event, today=today)
    return state


def small_history(count=400):
    """A few hundred history cases of the demo's kinds, accepted FY2016–FY2020, cut at the end of the ledger."""
    builder = _Builder(5)
    for _ in range(count):
        category = builder.rng.choice([Category.NGAN_SACH, Category.KHAC, Category.TIN_DUNG_NGAN_HANG])
        case = builder.shell(category, builder.random_day(date(2015, 10, 1), LEDGER_END), builder.amount(category))
        builder.base_history(case)
    return builder.cases


def test_the_live_part_starts_two_fiscal_years_before_today():
    assert live.live_start(date(2026, 11, 30)) == date(2024, 10, 1)
    assert live.live_start(date(2027, 9, 30)) == date(2024, 10, 1)
    assert live.live_start(date(2027, 10, 1)) == date(2025, 10, 1)


def test_a_case_is_accepted_by_the_unit_of_its_territory_on_its_day():
    assert org.unit_on("HG-VT", date(2025, 6, 30)) == "HG-VT"
    assert org.unit_on("HG-VT", date(2025, 7, 1)) == "CT-KV6"
    assert org.unit_on("HG-VTH", date(2026, 1, 5)) == "CT-KV6"
    assert org.unit_on("HG", date(2025, 7, 1)) == "CT"


@pytest.mark.parametrize("today", [
    date(2026, 11, 30),   # a Monday
    date(2026, 11, 28),   # a Saturday: nothing can fall due today, the next working day is Monday
    date(2026, 2, 18),    # in the Tết holiday
    date(2026, 4, 29),    # the day before a holiday
])
def test_the_demo_officer_has_work_overdue_due_next_working_day_and_within_the_week(today):
    designed, unpaid = live.officer_cases(today=today, calendar=CALENDAR)

    duties = live.duties_on(designed, today=today, calendar=CALENDAR, unpaid=unpaid)

    assert duties.overdue == 3
    assert duties.due_next_working_day == 2
    assert duties.due_within_week == 3
    assert all(case.accepted_on <= today and all(e.date <= today for e in case.events) for case in designed)
    assert {case.unit_code for case in designed} <= {"HG-VT", "CT-KV6"}


def test_on_a_working_day_the_next_working_day_is_today():
    today = date(2026, 11, 30)
    designed, unpaid = live.officer_cases(today=today, calendar=CALENDAR)
    assert CALENDAR.next_working_day(today) == today
    assert live.duties_on(designed, today=today, calendar=CALENDAR, unpaid=unpaid).due_next_working_day == 2


def test_carrying_forward_keeps_the_history_and_adds_only_later_valid_events():
    history = small_history()
    before = copy.deepcopy(history)
    today = date(2026, 11, 30)

    frozen = live.carry_forward(history, today=today)

    added = 0
    for old, new in zip(before, history, strict=True):
        assert new.events[:len(old.events)] == old.events          # the calibrated years are untouched
        later = new.events[len(old.events):]
        added += len(later)
        assert all(LEDGER_END < event.date <= today for event in later)
        status_on(new, today)                                      # the workflow accepts every event
        if new.case_no in frozen:                                  # left for the asset histories
            assert later == [] and new.unit_code == "HG-VT" and new.category == Category.TIN_DUNG_NGAN_HANG
    assert added > 100 and 0 < len(frozen) <= live.FROZEN_BANK_CASES
    # no case is left without conditions with its re-verification long overdue
    statuses = [status_on(case, today) for case in history]
    stale = [s for s in statuses if s.status == Status.WITHOUT_CONDITIONS
             and s.last_event_on < today - timedelta(days=370)]
    assert stale == []
    assert sum(s.ended for s in statuses) > len(history) * 0.8
    # a case that went to the separate book after missing a re-verification is taken up again and settled
    assert not [case for case, s in zip(history, statuses, strict=True)
                if s.status == Status.SEPARATE_BOOK and live._missed_reverification(case)]


def test_a_case_without_conditions_is_re_verified_every_six_months_up_to_today():
    builder = _Builder(3, until=date(2026, 11, 30))
    case = builder.shell(Category.NGAN_SACH, date(2026, 1, 5), 2_000_000)
    builder.add_events(case, [(10, EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san")])

    live.continue_history(case, today=date(2026, 11, 30), not_before=case.accepted_on, rng=random.Random(1))

    kinds = [event.kind for event in case.events]
    assert kinds[0] == EventKind.CHUA_CO_DIEU_KIEN and len(case.events) >= 2
    gaps = [(b.date - a.date).days for a, b in zip(case.events, case.events[1:], strict=False)
            if b.kind == EventKind.CHUA_CO_DIEU_KIEN]
    assert all(150 <= gap <= 184 for gap in gaps)
    assert case.events[-1].date <= date(2026, 11, 30)


def test_new_cases_are_in_the_old_units_before_the_reform_and_in_the_city_after():
    today = date(2026, 11, 30)
    cases = live.new_cases(today=today)

    assert len(cases) == live.LIVE_PER_YEAR * ((today - date(2024, 10, 1)).days + 1) // 365
    assert len({case.case_no for case in cases}) == len(cases)
    for case in cases:
        assert date(2024, 10, 1) <= case.accepted_on <= today
        assert case.unit_code.startswith("HG") == (case.accepted_on < org.REFORM)
        assert all(case.accepted_on <= event.date <= today for event in case.events)
    current_year = [case for case in cases if case.accepted_on >= date(2026, 10, 1)]
    assert len(current_year) > 300
