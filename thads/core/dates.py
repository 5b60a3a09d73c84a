"""Legal dates: fiscal years and working days.

The statistical (fiscal) year runs 1 October – 30 September: FY2019 = 1/10/2018 – 30/9/2019.
Working days skip Saturdays, Sundays and the public holidays given as data; a weekend day that the
government declares a make-up working day counts as a working day.
"""
from collections.abc import Collection
from datetime import date, timedelta


def fiscal_year_of(day: date) -> int:
    """The fiscal year that contains ``day`` (named by the calendar year in which it ends)."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    return date(year - 1, 10, 1), date(year, 9, 30)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later; clamps to the month's last day (31/8 + 6 months → 28 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class WorkingCalendar:
    """Working-day arithmetic over a set of days off and a set of make-up working days."""

    def __init__(self, days_off: Collection[date] = (), extra_working_days: Collection[date] = ()):
        self.days_off = frozenset(days_off)
        self.extra_working_days = frozenset(extra_working_days)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self.days_off

    def add_working_days(self, start: date, count: int) -> date:
        """The date ``count`` working days after ``start`` (``start`` itself not counted).

        A period "of N working days from X" ends on the Nth working day after X; this is that day."""
        if count < 0:
            raise ValueError("count must be >= 0")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it.

        A calendar-day deadline that falls on a day off moves to the next working day (Bộ luật Dân sự
        2015, Điều 148 khoản 5)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
