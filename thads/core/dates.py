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


# The first day of the lunar new year (mùng 1 Tết), from the Vietnamese lunar calendar. Data, like the
# holiday table; extend it when the years run out.
LUNAR_NEW_YEAR = {
    2016: date(2016, 2, 8), 2017: date(2017, 1, 28), 2018: date(2018, 2, 16), 2019: date(2019, 2, 5),
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
}


def nearest_lunar_new_year(day: date) -> date | None:
    """The lunar new year closest to ``day`` (None outside the table)."""
    known = [LUNAR_NEW_YEAR[year] for year in (day.year - 1, day.year, day.year + 1) if year in LUNAR_NEW_YEAR]
    return min(known, key=lambda tet: abs((tet - day).days)) if known else None
