"""Dự báo đến 30/9: the projected year-end việc and tiền rates of a unit, from its own pattern in earlier fiscal
years, with a range from the error the same method made on those years; and what would close the gap to the
targets now (docs/statistics.md, "Forecast to 30/9").

Method (the share of the year reached by the cut-off): for each metric, in each learning year y, the share of
that year's resolved reached by the same point of the year, r_y = R_y(d) / R_y(30/9), and the share of its
with-conditions, w_y = W_y(d) / W_y(30/9). This year's figures at d are scaled up by the mean shares:
R̂ = R(d) / mean(r), Ŵ = W(d) / mean(w), so the projected rate is R(d)/W(d) × mean(w)/mean(r) × 100 (at most
100). The range is ± the mean absolute error of the same projection on each learning year from the others
(leave-one-out), when there are two learning years or more.

Every figure is the engine's (reports.engine.unit_figures: aggregates in the database), the cumulative figures
from 1 October as the trend's monthly points (reports.views.trend) are; this module only does arithmetic on
them.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.engine import unit_figures
from reports.filters import month_end
from reports.indicators import Figures, rate
from reports.views.common import band
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.core.numbers import format_points
from thads.org.models import Unit

LEARNING_YEARS = 3          # at most this many earlier fiscal years teach the pattern
METRICS = ("cases", "money")
LABELS = {"cases": _("Rate in cases"), "money": _("Rate in money")}
GAP_LIST_LIMIT = 50         # the gap-closing list shows at most this many cases
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Point:
    """One metric's cumulative figures from 1 October to a date: resolved and with conditions."""

    resolved: int
    with_conditions: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.resolved, self.with_conditions)

    @classmethod
    def of(cls, figures: Figures, metric: str) -> "Point":
        values = figures.cases() if metric == "cases" else figures.money()
        return cls(values["resolved"], values["with_conditions"])


@dataclass(frozen=True)
class LearningYear:
    """An earlier fiscal year's figures at the same point of the year as the cut-off (``cut``) and at its
    30/9 (``end``), per metric."""

    fiscal_year: int
    cut: dict[str, Point]
    end: dict[str, Point]

    def shares(self, metric: str) -> tuple[Fraction, Fraction] | None:
        """(share of the year's resolved, share of its with-conditions) reached at the cut-off; None when the
        year has nothing resolved or nothing with conditions at its end (no pattern to learn)."""
        cut, end = self.cut[metric], self.end[metric]
        if not end.resolved or not end.with_conditions:
            return None
        return Fraction(cut.resolved, end.resolved), Fraction(cut.with_conditions, end.with_conditions)


def project_rate(current: Point, years: list[LearningYear], metric: str) -> Decimal | None:
    """R(d)/W(d) × mean(w)/mean(r) × 100, capped at 100, rounded half-up to 2 decimals. None without a
    learning year, without anything with conditions or resolved so far (too early to scale)."""
    shares = [s for s in (year.shares(metric) for year in years) if s is not None]
    if not shares or not current.with_conditions or not current.resolved:
        return None
    share_resolved = sum((s[0] for s in shares), Fraction(0))
    share_with = sum((s[1] for s in shares), Fraction(0))  # the means' 1/n cancel out
    if not share_resolved:
        return None
    value = Fraction(current.resolved, current.with_conditions) * share_with / share_resolved * 100
    return _decimal(min(value, Fraction(100)))


@dataclass
class Projection:
    metric: str
    current: Point
    rate: Decimal | None                 # the projected rate at 30/9
    error: Decimal | None                # mean absolute leave-one-out error, in points (None: fewer than 2 years)
    years: list[int]                     # the learning years whose pattern was used
    errors: dict[int, Decimal] = field(default_factory=dict)  # per learning year: projected − actual

    @property
    def low(self) -> Decimal | None:
        if self.rate is None or self.error is None:
            return None
        return max(Decimal(0), self.rate - self.error)

    @property
    def high(self) -> Decimal | None:
        if self.rate is None or self.error is None:
            return None
        return min(Decimal(100), self.rate + self.error)


def project(current: Point, years: list[LearningYear], metric: str) -> Projection:
    """The projection of ``metric`` from ``current`` (this year's figures at the cut-off) and the learning
    years' figures, with its leave-one-out error."""
    usable = [year for year in years if year.shares(metric) is not None]
    errors: dict[int, Decimal] = {}
    if len(usable) >= 2:
        for year in usable:
            others = [other for other in usable if other is not year]
            projected = project_rate(year.cut[metric], others, metric)
            actual = year.end[metric].rate
            if projected is not None and actual is not None:
                errors[year.fiscal_year] = projected - actual
    error = (sum(abs(value) for value in errors.values()) / len(errors)).quantize(CENT, rounding=ROUND_HALF_UP) \
        if errors else None
    return Projection(metric, current, project_rate(current, usable, metric), error,
                      [year.fiscal_year for year in usable], errors)


# ---- figures from the database -------------------------------------------------------------------------------

def same_point(cutoff: date, fiscal_year: int) -> date:
    """The date of ``fiscal_year`` at the same point of the year as ``cutoff``: a month's end stays a month's end
    (28/2 ↔ 29/2), any other day keeps its day and month (29/2 becomes 28/2)."""
    cut_year = fiscal_year_of(cutoff)
    months = (cutoff.month - 10) % 12 + 1
    if cutoff == month_end(cut_year, months):
        return month_end(fiscal_year, months)
    year = cutoff.year - (cut_year - fiscal_year)
    try:
        return cutoff.replace(year=year)
    except ValueError:
        return cutoff.replace(year=year, day=28)


def answering_units(unit: Unit, on: date) -> list[Unit]:
    """The units that answered on ``on`` for what ``unit`` answers for now: itself when it existed then, else
    the units it replaced (the 2025 reorganisation: a regional office's earlier years are its Chi cục's)."""
    if unit.valid_from <= on and (unit.valid_to is None or unit.valid_to >= on):
        return [unit]
    found, seen, pending = [], {unit.pk}, list(unit.predecessors.all())
    while pending:
        current = pending.pop(0)
        if current.pk in seen:
            continue
        seen.add(current.pk)
        if current.valid_from <= on and (current.valid_to is None or current.valid_to >= on):
            found.append(current)
        elif current.valid_from > on:
            pending.extend(current.predecessors.all())
    return found


def figures_to(unit: Unit, end: date, filters: dict, memo: dict | None = None) -> Figures:
    """The engine's figures from 1 October of ``end``'s fiscal year to ``end``, for ``unit`` or, before it
    existed, the units it replaced. ``filters``: category, origin, bank_id, officer_id. ``memo`` ({end:
    Figures}) keeps what was computed, for callers that ask for the same dates again (the backtest)."""
    if memo is not None and end in memo:
        return memo[end]
    start = fiscal_year_bounds(fiscal_year_of(end))[0]
    total = Figures.zero()
    for answering in answering_units(unit, end):
        total.add(unit_figures(answering, start=start, end=end, **filters))
    if memo is not None:
        memo[end] = total
    return total


def learning_year(unit: Unit, fiscal_year: int, cutoff: date, filters: dict,
                  memo: dict | None = None) -> LearningYear | None:
    """``fiscal_year``'s figures at the cut-off's point of the year and at its 30/9; None when it carried no case
    over from the year before: that is the unit's first year in the register, a ramp-up whose pattern is not
    the unit's."""
    end = figures_to(unit, fiscal_year_bounds(fiscal_year)[1], filters, memo)
    if not end.counts["carried_over"]:
        return None
    cut = figures_to(unit, same_point(cutoff, fiscal_year), filters, memo)
    return LearningYear(fiscal_year, {m: Point.of(cut, m) for m in METRICS}, {m: Point.of(end, m) for m in METRICS})


def learning_years(unit: Unit, cutoff: date, filters: dict, *, count: int = LEARNING_YEARS,
                   memo: dict | None = None) -> list[LearningYear]:
    """The ``count`` fiscal years before the cut-off's, the latest first, less those without carried-over cases
    (``learning_year``)."""
    fiscal_year = fiscal_year_of(cutoff)
    years = [learning_year(unit, year, cutoff, filters, memo)
             for year in range(fiscal_year - 1, fiscal_year - 1 - count, -1)]
    return [year for year in years if year is not None]


@dataclass
class BacktestRow:
    cutoff: date
    projections: dict[str, Projection]   # per metric, projected from the cut-off
    actual: dict[str, Decimal | None]    # per metric, the actual rate at 30/9

    def error(self, metric: str) -> Decimal | None:
        projected, actual = self.projections[metric].rate, self.actual[metric]
        return None if projected is None or actual is None else projected - actual

    def covered(self, metric: str) -> bool | None:
        """Whether the actual rate fell within the projection's range (None: no range)."""
        projection, actual = self.projections[metric], self.actual[metric]
        if projection.low is None or actual is None:
            return None
        return projection.low <= actual <= projection.high


@dataclass
class Backtest:
    fiscal_year: int
    years: list[int]                 # the learning years used
    skipped: list[int]               # earlier years left out: no case carried over
    rows: list[BacktestRow]

    def mean_absolute_error(self, metric: str) -> Decimal | None:
        errors = [abs(row.error(metric)) for row in self.rows if row.error(metric) is not None]
        return (sum(errors) / len(errors)).quantize(CENT, rounding=ROUND_HALF_UP) if errors else None


def backtest(unit: Unit, fiscal_year: int, *, learn_from: list[int] | None = None, filters: dict | None = None,
             memo: dict | None = None) -> Backtest:
    """``fiscal_year`` projected from each month's end, October to August, against its actual rates at 30/9:
    from the years the dashboard would use (``learning_years``), or from ``learn_from`` (leave-one-out across
    years, later ones included)."""
    filters = filters or {}
    memo = {} if memo is None else memo
    year_end = fiscal_year_bounds(fiscal_year)[1]
    final = figures_to(unit, year_end, filters, memo)
    actual = {metric: Point.of(final, metric).rate for metric in METRICS}
    candidates = learn_from if learn_from is not None else list(range(fiscal_year - 1,
                                                                      fiscal_year - 1 - LEARNING_YEARS, -1))
    rows, used, skipped = [], [], []
    for months in range(1, 12):
        cutoff = month_end(fiscal_year, months)
        figures = figures_to(unit, cutoff, filters, memo)
        years = []
        for year in candidates:
            learned = learning_year(unit, year, cutoff, filters, memo)
            if learned is None:
                # a year with cases but none carried over is left out; a year without cases is simply absent
                if months == 1 and figures_to(unit, fiscal_year_bounds(year)[1], filters, memo).counts["new"]:
                    skipped.append(year)
                continue
            years.append(learned)
        if months == 1:
            used = [year.fiscal_year for year in years]
        rows.append(BacktestRow(cutoff, {metric: project(Point.of(figures, metric), years, metric)
                                         for metric in METRICS}, actual))
    return Backtest(fiscal_year, used, skipped, rows)


# ---- what would close the gap ------------------------------------------------------------------------------------

def needed_to_reach(point: Point, target) -> int | None:
    """The resolved (cases, or đồng) to add, with conditions unchanged — completing cases in progress — for the
    rate as shown (rounded half-up to 2 decimals) to reach ``target``: the least x with
    (R + x) × 100 / W ≥ target − 0.005. 0 when reached; None without a target or anything with conditions."""
    if target is None or not point.with_conditions:
        return None
    threshold = (Decimal(str(target)) - HALF_CENT) * point.with_conditions / 100
    return max(0, ceil(threshold) - point.resolved)


@dataclass
class GapList:
    needed: int                 # money to resolve (đồng)
    count: int                  # the fewest in-progress cases whose completion brings it
    reachable: bool             # whether all the in-progress cases together bring it
    rows: list[dict]            # the first GAP_LIST_LIMIT of them, largest remaining first
    cases_after: Decimal | None  # the việc rate after completing them


def gap_cases(unit: Unit, filters, needed: int, cases_point: Point) -> GapList:
    """The fewest open with-conditions cases whose completion brings ``needed`` đồng (reports.selectors
    .gap_closing_cases: largest remaining first, those with a seized asset in auction first among equals)."""
    from reports.selectors import gap_closing_cases

    queryset, count, reachable = gap_closing_cases(unit=unit, on=filters.end, needed=needed,
                                                   **filters.engine_filters())
    rows = [{"case": case, "remaining": case.amount_remaining, "in_auction": case.in_auction,
             "url": reverse("cases:case", args=[case.pk])} for case in queryset[:GAP_LIST_LIMIT]]
    return GapList(needed, count, reachable, rows,
                   rate(cases_point.resolved + count, cases_point.with_conditions))


# ---- the dashboard's section -------------------------------------------------------------------------------------

def forecast_context(*, unit: Unit, filters, report: dict) -> dict | None:
    """The "Dự báo đến 30/9" section of the dashboard for ``report`` (report_build over ``filters``' period):
    None for a period that ends on 30/9 (a whole year: its actual rates are the page's). For a past year's
    shorter period, the actual year-end rates beside the projection; for the current year to date, what
    would close the gap to each target."""
    year_end = fiscal_year_bounds(filters.fiscal_year)[1]
    if filters.end >= year_end:
        return None
    engine_filters = filters.engine_filters()
    years = learning_years(unit, filters.end, engine_filters)
    actual = figures_to(unit, year_end, engine_filters) if year_end <= timezone.localdate() else None
    targets = report["targets"]
    metrics, rows = {}, []
    for metric in METRICS:
        current = Point(report[metric]["resolved"], report[metric]["with_conditions"])
        projection = project(current, years, metric)
        target = targets.get(metric)
        metrics[metric] = {
            "metric": metric, "label": LABELS[metric], "projection": projection, "target": target,
            "gap": None if projection.rate is None or target is None else projection.rate - Decimal(str(target)),
            "band": band(projection.rate, target),
            "error_text": None if projection.error is None else format_points(projection.error).lstrip("+"),
            "actual": Point.of(actual, metric).rate if actual is not None else None,
            "needed": needed_to_reach(current, target),
            "in_progress": report[metric]["in_progress"],
        }
        rows.append(metrics[metric])
    gap = None
    money_needed = metrics["money"]["needed"]
    if filters.to_date and money_needed:
        gap = gap_cases(unit, filters, money_needed, metrics["cases"]["projection"].current)
    return {"cutoff": filters.end, "year_end": year_end, "metrics": metrics, "rows": rows, "years": years,
            "year_list": ", ".join(str(year.fiscal_year) for year in years), "has_actual": actual is not None,
            "gap": gap, "to_date": filters.to_date}
