"""Fiscal years, month arithmetic and working days (thads/core/dates.py). Pure: no database.

Every expected date is worked out by hand from a wall calendar; the comment next to it says how.
"""
from datetime import date

import pytest

from thads.core.dates import WorkingCalendar, add_months, fiscal_year_bounds, fiscal_year_of

# The 2018/2019 year end as the government scheduled it: Monday 31/12/2018 swapped for Saturday 5/1/2019,
# 1/1/2019 the New Year holiday.
YEAR_END_2018 = WorkingCalendar(days_off={date(2018, 12, 31), date(2019, 1, 1)},
                                extra_working_days={date(2019, 1, 5)})
# Tết 2019 as a plain holiday block: Monday 4/2 – Friday 8/2/2019 (with the weekends around it, 2/2–10/2 off).
TET_2019 = WorkingCalendar(days_off={date(2019, 2, d) for d in (4, 5, 6, 7, 8)})
NO_HOLIDAYS = WorkingCalendar()


# ---- fiscal year ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "fiscal_year"), [
    (date(2019, 9, 30), 2019),   # last day of FY2019
    (date(2019, 10, 1), 2020),   # first day of FY2020
    (date(2018, 10, 1), 2019),   # first day of FY2019
    (date(2019, 1, 1), 2019),    # calendar new year changes nothing
    (date(2018, 12, 31), 2019),  # still FY2019
])
def test_given_a_day_when_asking_its_fiscal_year_then_it_is_the_year_in_which_that_fiscal_year_ends(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_given_fiscal_year_2019_when_asking_its_bounds_then_it_runs_1_october_2018_to_30_september_2019():
    assert fiscal_year_bounds(2019) == (date(2018, 10, 1), date(2019, 9, 30))


def test_given_any_fiscal_year_then_its_bounds_belong_to_it_and_their_neighbours_do_not():
    start, end = fiscal_year_bounds(2025)
    assert (fiscal_year_of(start), fiscal_year_of(end)) == (2025, 2025)
    assert (fiscal_year_of(date(2024, 9, 30)), fiscal_year_of(date(2025, 10, 1))) == (2024, 2026)


# ---- add_months -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    # 31/8 + 6 months is "31/2", which does not exist: clamp to the last day of February.
    (date(2019, 8, 31), 6, date(2020, 2, 29)),  # 2020 is a leap year
    (date(2018, 8, 31), 6, date(2019, 2, 28)),  # 2019 is not
    # 31/1 + 1 month is "31/2" too.
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap
    (date(2023, 1, 31), 1, date(2023, 2, 28)),  # not leap
    (date(2019, 3, 31), 1, date(2019, 4, 30)),  # April has 30 days
    (date(2019, 12, 31), 2, date(2020, 2, 29)),  # across the year end into a leap February
    (date(2019, 11, 15), 3, date(2020, 2, 15)),  # a day that exists everywhere is kept
    (date(2019, 8, 31), 12, date(2020, 8, 31)),  # a whole year: same day
    (date(2019, 8, 31), 0, date(2019, 8, 31)),   # zero months: the day itself
    (date(2020, 2, 29), 12, date(2021, 2, 28)),  # 29/2 + 1 year clamps to 28/2
])
def test_given_a_day_when_adding_months_then_the_same_day_is_kept_or_clamped_to_the_months_end(day, months,
                                                                                              expected):
    assert add_months(day, months) == expected


# ---- WorkingCalendar: which days are working days ---------------------------------------------------------

@pytest.mark.parametrize(("day", "working"), [
    (date(2019, 1, 4), True),    # Friday
    (date(2018, 12, 29), False),  # Saturday
    (date(2018, 12, 30), False),  # Sunday
    (date(2018, 12, 31), False),  # Monday, but a day off (swapped)
    (date(2019, 1, 1), False),   # Tuesday, New Year holiday
    (date(2019, 1, 2), True),    # Wednesday
    (date(2019, 1, 5), True),    # Saturday, but a make-up working day
    (date(2019, 1, 6), False),   # Sunday
])
def test_given_the_2018_year_end_calendar_then_weekends_and_holidays_are_off_and_the_make_up_saturday_works(
        day, working):
    assert YEAR_END_2018.is_working_day(day) is working


def test_given_a_holiday_on_a_weekend_then_the_weekend_day_is_off_all_the_same():
    calendar = WorkingCalendar(days_off={date(2019, 2, 9)})  # a Saturday
    assert calendar.is_working_day(date(2019, 2, 9)) is False
    assert calendar.is_working_day(date(2019, 2, 11)) is True


# ---- add_working_days -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("calendar", "start", "count", "expected"), [
    # Weekend: from Friday 8/3/2019, working day 1 is Monday 11/3 (Sat 9, Sun 10 skipped).
    (NO_HOLIDAYS, date(2019, 3, 8), 1, date(2019, 3, 11)),
    # Wed 6/3/2019 + 5: Thu 7 (1), Fri 8 (2), Mon 11 (3), Tue 12 (4), Wed 13 (5).
    (NO_HOLIDAYS, date(2019, 3, 6), 5, date(2019, 3, 13)),
    # Starting on a Saturday: Sat 9/3 not counted; Mon 11 (1) … Fri 15 (5).
    (NO_HOLIDAYS, date(2019, 3, 9), 5, date(2019, 3, 15)),
    # Zero working days: the start itself.
    (NO_HOLIDAYS, date(2019, 3, 8), 0, date(2019, 3, 8)),
    # Tết: Thu 31/1/2019 + 5: Fri 1/2 (1), 2/2–10/2 off, Mon 11 (2), Tue 12 (3), Wed 13 (4), Thu 14 (5).
    (TET_2019, date(2019, 1, 31), 5, date(2019, 2, 14)),
    # Year end with a make-up Saturday: Fri 28/12/2018 + 5: Sat 29, Sun 30, Mon 31 (swapped), Tue 1/1 off;
    # Wed 2/1 (1), Thu 3 (2), Fri 4 (3), Sat 5 make-up (4), Sun 6 off, Mon 7 (5).
    (YEAR_END_2018, date(2018, 12, 28), 5, date(2019, 1, 7)),
    # Fri 28/12/2018 + 1: the first working day of 2019 is Wed 2/1.
    (YEAR_END_2018, date(2018, 12, 28), 1, date(2019, 1, 2)),
    # Plain year end: Thu 31/12/2020 + 1 with 1/1/2021 (Fri) off: Sat 2, Sun 3 → Mon 4/1/2021.
    (WorkingCalendar(days_off={date(2021, 1, 1)}), date(2020, 12, 31), 1, date(2021, 1, 4)),
])
def test_given_a_start_when_adding_working_days_then_weekends_and_days_off_are_skipped(calendar, start, count,
                                                                                     expected):
    assert calendar.add_working_days(start, count) == expected


def test_given_a_negative_count_when_adding_working_days_then_it_is_refused():
    with pytest.raises(ValueError, match="count must be >= 0"):
        NO_HOLIDAYS.add_working_days(date(2019, 3, 8), -1)


# ---- next_working_day -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("calendar", "day", "expected"), [
    (NO_HOLIDAYS, date(2019, 3, 8), date(2019, 3, 8)),     # Friday: itself
    (NO_HOLIDAYS, date(2019, 3, 9), date(2019, 3, 11)),    # Saturday → Monday
    (NO_HOLIDAYS, date(2019, 3, 10), date(2019, 3, 11)),   # Sunday → Monday
    (TET_2019, date(2019, 2, 2), date(2019, 2, 11)),       # Sat before Tết → Mon after it
    (TET_2019, date(2019, 2, 7), date(2019, 2, 11)),       # inside Tết → Mon 11/2
    (YEAR_END_2018, date(2018, 12, 29), date(2019, 1, 2)),  # Sat 29/12 → Sun, Mon 31 off, Tue 1/1 off → Wed 2/1
    (YEAR_END_2018, date(2019, 1, 5), date(2019, 1, 5)),   # make-up Saturday: itself
])
def test_given_a_day_when_asking_the_next_working_day_then_days_off_roll_forward(calendar, day, expected):
    assert calendar.next_working_day(day) == expected


# ---- working_days_between ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("calendar", "start", "end", "expected"), [
    # (28/12/2018, 7/1/2019]: Wed 2, Thu 3, Fri 4, Sat 5 (make-up), Mon 7 → 5, the inverse of add_working_days.
    (YEAR_END_2018, date(2018, 12, 28), date(2019, 1, 7), 5),
    # (Fri 8/3, Mon 11/3/2019]: Sat, Sun skipped, Mon counted → 1.
    (NO_HOLIDAYS, date(2019, 3, 8), date(2019, 3, 11), 1),
    # (Fri 1/2, Mon 11/2/2019] over Tết: only Mon 11/2 → 1.
    (TET_2019, date(2019, 2, 1), date(2019, 2, 11), 1),
    # Empty interval, and an end before the start: 0.
    (NO_HOLIDAYS, date(2019, 3, 8), date(2019, 3, 8), 0),
    (NO_HOLIDAYS, date(2019, 3, 11), date(2019, 3, 8), 0),
])
def test_given_two_days_when_counting_working_days_between_them_then_the_start_is_excluded_and_the_end_included(
        calendar, start, end, expected):
    assert calendar.working_days_between(start, end) == expected


def test_given_the_calendar_sets_then_they_are_kept_as_given():
    assert YEAR_END_2018.days_off == frozenset({date(2018, 12, 31), date(2019, 1, 1)})
    assert YEAR_END_2018.extra_working_days == frozenset({date(2019, 1, 5)})
