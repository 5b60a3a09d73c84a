"""The forecast to 30/9 (reports.forecast): the projection on hand-worked shares, the figures it takes from the
engine on a hand-built ledger, the gap-closing list (reports.selectors.gap_closing_cases) and forecast_backtest.

The ledger (unit HG-VT, amounts in millions of đồng), every figure worked by hand:

- P, accepted 1/12/2016 for 100, never resolved: new in FY2017 (which so has nothing carried over: the unit's
  first year, not learnt from), then carried over and in progress every year after.
- FY2018 (pattern at 30/11/2017): A1 (10) completed 10/11/2017; A2 (20) completed 10/5/2018; A3 (30), accepted
  1/3/2018, completed 1/8/2018. At 30/11/2017 cases 1 of 3 (P, A1, A2), money 10 of 130; at 30/9/2018 3 of 4,
  60 of 160: shares r = 1/3, w = 3/4 (cases); r = 1/6, w = 13/16 (money).
- FY2019 (at 30/11/2018): B1 (40) completed 20/11/2018, B2 (10) completed 25/11/2018, B3 (50) completed 1/6/2019,
  B4 (20), accepted 1/2/2019, completed 1/9/2019. At 30/11/2018 cases 2 of 4, money 50 of 200; at 30/9/2019 4 of
  5, 120 of 220: r = 1/2, w = 4/5 (cases); r = 5/12, w = 10/11 (money).
- FY2020 to date (today 30/11/2019): C1 (60) completed 15/11/2019; C2 (30) and C3 (10) in progress. Cases 1 of 4
  (25 %), money 60 of 200 (30 %).

Projection in cases: 25 × (4/5 + 3/4) / (1/2 + 1/3) = 25 × 1.86 = 46.50 %. Leave-one-out: FY2019 from FY2018,
50 × (3/4)/(1/3) = 112.5 → 100 (cap), actual 80: +20.00; FY2018 from FY2019, 33.33… × (4/5)/(1/2) = 53.33, actual
75: −21.67. Mean absolute error 20.835 → 20.84: range 25.66 – 67.34.
Projection in money: 30 × (10/11 + 13/16) / (5/12 + 1/6) = 30 × 3636/1232 = 88.538… → 88.54 %. Leave-one-out:
FY2019 from FY2018, 25 × (13/16)/(1/6) = 121.9 → 100, actual 54.55: +45.45; FY2018 from FY2019, 7.69… ×
(10/11)/(5/12) = 16.78, actual 37.50: −20.72. Mean 33.085 → 33.09: range 55.45 – 100.
"""
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from cases.codes import EventKind, PostponementGround, ValuationMethod
from cases.services.assets import asset_create, auction_create, seizure_record, valuation_record
from reports.filters import read_filters
from reports.forecast import (
    LearningYear,
    Point,
    answering_units,
    forecast_context,
    learning_years,
    needed_to_reach,
    project,
    project_rate,
    same_point,
)
from reports.indicators import rate
from reports.selectors import gap_closing_cases
from reports.services import report_build, target_set
from tests.cases.test_admin_assets import RICE
from tests.factories import make_case, record

M = 1_000_000
TODAY = date(2019, 11, 30)


def year(fiscal_year, cut, end, money_cut=None, money_end=None) -> LearningYear:
    money_cut, money_end = money_cut or cut, money_end or end
    return LearningYear(fiscal_year, {"cases": Point(*cut), "money": Point(*money_cut)},
                        {"cases": Point(*end), "money": Point(*money_end)})


# ---- the arithmetic --------------------------------------------------------------------------------------------

def test_the_projection_scales_the_rate_by_the_mean_shares_and_its_range_is_the_leave_one_out_error():
    # given: shares r = 1/3, w = 3/4 (FY2018) and r = 1/2, w = 4/5 (FY2019); 3 resolved of 6 now
    years = [year(2019, (2, 4), (4, 5)), year(2018, (1, 3), (3, 4))]
    # when
    projection = project(Point(3, 6), years, "cases")
    # then: 50 × (31/20) / (5/6) = 93.00; errors +20.00 (FY2019: 112.5 capped at 100, against 80) and -21.67
    assert projection.rate == Decimal("93.00")
    assert projection.errors == {2019: Decimal("20.00"), 2018: Decimal("-21.67")}
    assert projection.error == Decimal("20.84")
    assert (projection.low, projection.high) == (Decimal("72.16"), Decimal("100"))
    assert projection.years == [2019, 2018]


def test_a_single_learning_year_gives_a_projection_without_a_range():
    projection = project(Point(3, 6), [year(2018, (1, 3), (3, 4))], "cases")
    assert projection.rate == Decimal("100.00")  # 50 × (3/4)/(1/3) = 112.5, capped
    assert projection.error is None and projection.low is None and projection.high is None


@pytest.mark.parametrize(("current", "years"), [
    (Point(3, 6), []),                                           # nothing to learn from
    (Point(0, 6), [year(2018, (1, 3), (3, 4))]),                 # nothing resolved yet: too early to scale
    (Point(0, 0), [year(2018, (1, 3), (3, 4))]),                 # nothing with conditions
    (Point(3, 6), [year(2018, (0, 3), (0, 4))]),                 # a year that resolved nothing teaches nothing
])
def test_no_projection_without_a_pattern_or_a_start(current, years):
    assert project_rate(current, years, "cases") is None


def test_a_year_that_resolved_nothing_is_left_out_of_the_mean():
    years = [year(2019, (2, 4), (4, 5)), year(2018, (0, 3), (0, 4))]
    projection = project(Point(3, 6), years, "cases")
    assert projection.rate == Decimal("80.00")  # 50 × (4/5)/(1/2)
    assert projection.years == [2019] and projection.error is None


@pytest.mark.parametrize(("point", "target", "needed"), [
    (Point(2, 8), Decimal("50"), 2),         # exactly 4 of 8 = 50,00 % reaches 50 %
    (Point(2, 8), Decimal("25"), 0),         # already there
    (Point(3, 8), Decimal("50.01"), 2),      # 4 of 8 = 50,00 % is short of 50,01 %: 5 needed
    (Point(1, 3), Decimal("66.67"), 1),      # 2 of 3 shows as 66,67 %: reached as shown
    (Point(1, 3), Decimal("66.68"), 2),
    (Point(10 * M, 200 * M), Decimal("80"), 149_990_000),   # 159.990.000 of 200.000.000 shows as 80,00 %
    (Point(2, 8), None, None),
    (Point(0, 0), Decimal("50"), None),
])
def test_what_reaches_a_target_is_the_least_that_shows_it_reached(point, target, needed):
    assert needed_to_reach(point, target) == needed
    if needed:
        assert rate(point.resolved + needed, point.with_conditions) >= target
        assert rate(point.resolved + needed - 1, point.with_conditions) < target


@pytest.mark.parametrize(("cutoff", "fiscal_year", "expected"), [
    (date(2019, 11, 30), 2018, date(2017, 11, 30)),
    (date(2020, 2, 29), 2019, date(2019, 2, 28)),     # a month's end stays a month's end
    (date(2019, 2, 28), 2020, date(2020, 2, 29)),
    (date(2019, 11, 17), 2017, date(2016, 11, 17)),
    (date(2019, 9, 30), 2016, date(2016, 9, 30)),
])
def test_the_same_point_of_an_earlier_year(cutoff, fiscal_year, expected):
    assert same_point(cutoff, fiscal_year) == expected


# ---- the hand-built ledger -----------------------------------------------------------------------------------------

def complete(case, on):
    record(case, EventKind.THU_TIEN, on, amount=case.amount_due, today=TODAY)
    record(case, EventKind.XONG, on, today=TODAY)


def case_of(unit, accepted_on, amount, case_no, **extra):
    return make_case(unit=unit, accepted_on=accepted_on, amount_due=amount * M, case_no=case_no, today=TODAY,
                     **extra)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def ledger(org, frozen):
    return build_ledger(org)


def build_ledger(org) -> dict:
    """The ledger of this module's docstring, and HG-VT's FY2020 targets: 50 % of cases, 80 % of money."""
    unit = org["HG-VT"]
    cases = {"P": case_of(unit, date(2016, 12, 1), 100, "P")}
    for name, accepted, amount, completed in (
            ("A1", date(2017, 10, 5), 10, date(2017, 11, 10)), ("A2", date(2017, 10, 5), 20, date(2018, 5, 10)),
            ("A3", date(2018, 3, 1), 30, date(2018, 8, 1)),
            ("B1", date(2018, 10, 3), 40, date(2018, 11, 20)), ("B2", date(2018, 10, 3), 10, date(2018, 11, 25)),
            ("B3", date(2018, 10, 10), 50, date(2019, 6, 1)), ("B4", date(2019, 2, 1), 20, date(2019, 9, 1)),
            ("C1", date(2019, 10, 2), 60, date(2019, 11, 15)), ("C2", date(2019, 10, 2), 30, None),
            ("C3", date(2019, 10, 20), 10, None)):
        cases[name] = case_of(unit, accepted, amount, name)
        if completed:
            complete(cases[name], completed)
    for metric, value in (("cases", "50"), ("money", "80")):
        target_set(actor=None, unit=unit, fiscal_year=2020, metric=metric, value=Decimal(value))
    return cases


def context_for(unit, query: dict):
    filters = read_filters(query, today=TODAY)
    report = report_build(unit=unit, start=filters.start, end=filters.end, include_previous=True,
                          **filters.engine_filters())
    return forecast_context(unit=unit, filters=filters, report=report)


@pytest.mark.django_db
def test_the_learning_years_read_the_engines_figures_and_skip_the_first_year(org, ledger):
    years = learning_years(org["HG-VT"], TODAY, {})
    assert [y.fiscal_year for y in years] == [2019, 2018]  # FY2017 carried nothing over
    fy2019, fy2018 = years
    assert (fy2019.cut["cases"], fy2019.end["cases"]) == (Point(2, 4), Point(4, 5))
    assert (fy2019.cut["money"], fy2019.end["money"]) == (Point(50 * M, 200 * M), Point(120 * M, 220 * M))
    assert (fy2018.cut["cases"], fy2018.end["cases"]) == (Point(1, 3), Point(3, 4))
    assert (fy2018.cut["money"], fy2018.end["money"]) == (Point(10 * M, 130 * M), Point(60 * M, 160 * M))


@pytest.mark.django_db
def test_the_forecast_of_the_year_to_date_on_the_hand_built_pattern(org, ledger):
    context = context_for(org["HG-VT"], {})
    cases, money = context["metrics"]["cases"], context["metrics"]["money"]
    assert cases["projection"].current == Point(1, 4) and money["projection"].current == Point(60 * M, 200 * M)
    assert cases["projection"].rate == Decimal("46.50")
    assert cases["projection"].error == Decimal("20.84")
    assert (cases["projection"].low, cases["projection"].high) == (Decimal("25.66"), Decimal("67.34"))
    assert cases["gap"] == Decimal("-3.50")
    assert money["projection"].rate == Decimal("88.54")
    assert money["projection"].errors == {2019: Decimal("45.45"), 2018: Decimal("-20.72")}
    assert money["projection"].error == Decimal("33.09")
    assert (money["projection"].low, money["projection"].high) == (Decimal("55.45"), Decimal("100"))
    # what would close the gap: 2 of 4 reaches 50 %; 159.990.000 of 200.000.000 shows as 80,00 %
    assert cases["needed"] == 1 and cases["in_progress"] == 3
    assert money["needed"] == 99_990_000
    gap = context["gap"]
    assert [row["case"].case_no for row in gap.rows] == ["P"] and gap.count == 1 and gap.reachable
    assert gap.rows[0]["url"] == f"/cases/{ledger['P'].pk}/"
    assert gap.cases_after == Decimal("50.00")


@pytest.mark.django_db
def test_a_whole_year_has_no_forecast_and_a_past_shorter_period_shows_the_actual(org, ledger):
    assert context_for(org["HG-VT"], {"year": "2019"}) is None
    context = context_for(org["HG-VT"], {"year": "2019", "months": "2"})
    # FY2019 to 30/11/2018 from FY2018 alone: 50 × (3/4)/(1/3) → 100; actual at 30/9/2019: 80,00 %
    assert context["metrics"]["cases"]["projection"].rate == Decimal("100.00")
    assert context["metrics"]["cases"]["actual"] == Decimal("80.00")
    assert context["metrics"]["money"]["actual"] == Decimal("54.55")
    assert context["gap"] is None  # the list of cases to complete is for the year to date


@pytest.mark.django_db
def test_a_regional_office_learns_from_the_units_it_replaced(org):
    assert sorted(unit.code for unit in answering_units(org["HG-KV1"], date(2024, 9, 30))) == ["HG-NB", "HG-VT"]
    assert answering_units(org["HG-KV1"], date(2025, 9, 30)) == [org["HG-KV1"]]
    assert answering_units(org["HG-VT"], date(2019, 9, 30)) == [org["HG-VT"]]


# ---- the gap-closing list ------------------------------------------------------------------------------------------

@pytest.fixture
def open_cases(org, people, frozen):
    """In progress in HG-VT: X1 50, X2 30 (its seized parcel in auction), X3 30 (``officer``'s), X4 20 (postponed
    on ground c);
    not in progress: a completed case (D, 500) and one without conditions (W, 400); ST-A's O (1.000)."""
    unit = org["HG-VT"]
    cases = {name: case_of(unit, date(2019, 10, 2), amount, f"GAP-{name}",
                           officer=people["officer"] if name == "X3" else None)
             for name, amount in (("X1", 50), ("X3", 30), ("X2", 30), ("X4", 20), ("D", 500), ("W", 400))}
    record(cases["X4"], EventKind.HOAN, date(2019, 10, 10), ground=PostponementGround.C, today=TODAY)
    complete(cases["D"], date(2019, 11, 1))
    record(cases["W"], EventKind.CHUA_CO_DIEU_KIEN, date(2019, 10, 20), ground="khong_tai_san", today=TODAY)
    asset = asset_create(actor=None, cases=[cases["X2"]], data=RICE)
    seizure = seizure_record(actor=None, asset=asset, case=cases["X2"], seized_on=date(2019, 10, 5), minutes_no="BB 1")
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.OFFICER, value=40 * M,
                     valued_on=date(2019, 10, 10))
    auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG", contract_no="HĐ 1",
                   contract_signed_on=date(2019, 10, 15))
    cases["O"] = case_of(org["ST-A"], date(2019, 10, 2), 1000, "GAP-O")
    return cases


def listed(unit, needed, **filters):
    queryset, count, reachable = gap_closing_cases(unit=unit, on=TODAY, needed=needed * M, **filters)
    return [case.case_no.removeprefix("GAP-") for case in queryset], count, reachable


@pytest.mark.django_db
@pytest.mark.parametrize(("needed", "expected"), [
    (50, ["X1"]),                       # exactly reached by the largest
    (51, ["X1", "X2"]),                 # of the two 30s, the one in auction first
    (80, ["X1", "X2"]),                 # exactly reached: X3 not needed
    (81, ["X1", "X2", "X3"]),
    (130, ["X1", "X2", "X3", "X4"]),    # postponed on ground c is in progress
])
def test_the_fewest_cases_largest_remaining_first_in_auction_first_among_equals(org, open_cases, needed, expected):
    assert listed(org["HG-VT"], needed) == (expected, len(expected), True)
    assert listed(org["HG"], needed) == (expected, len(expected), True)  # the province: its districts' cases


@pytest.mark.django_db
def test_when_all_open_cases_fall_short_all_are_listed_and_it_says_so(org, open_cases):
    assert listed(org["HG-VT"], 131) == (["X1", "X2", "X3", "X4"], 4, False)


@pytest.mark.django_db
def test_another_units_cases_and_closed_or_unconditioned_cases_are_never_listed(org, open_cases):
    names, _count, _reachable = listed(org["HG-VT"], 10_000)
    assert "O" not in names and "D" not in names and "W" not in names
    assert listed(org["ST"], 1000) == (["O"], 1, True)
    assert listed(org["HG-NB"], 10) == ([], 0, False)


@pytest.mark.django_db
def test_the_list_follows_the_dashboards_filters(org, people, open_cases):
    assert listed(org["HG-VT"], 1, officer_id=people["officer"].pk) == (["X3"], 1, True)
    assert listed(org["HG-VT"], 1, category="ngan_sach") == ([], 0, False)


# ---- the command -----------------------------------------------------------------------------------------------------

def backtest_output(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("forecast_backtest", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_backtest_prints_each_cut_off_its_projection_the_actual_the_error_and_the_mean(org, ledger):
    output = backtest_output("--unit", "HG-VT", "--years", "2019")
    lines = output.splitlines()
    assert lines[0].endswith("(HG-VT), FY2019: pattern from FY2018")
    assert "Not used: FY2017 (no case carried over" in lines[1]
    assert "Fewer than two years to learn from" in lines[2]
    # 30/11/2018: cases 2 of 4 × (3/4)/(1/3) → 100,00 % against 80,00 %; money 25 % × (13/16)/(1/6) → 100,00 %
    # against 54,55 %
    row = next(line for line in lines if line.strip().startswith("30/11/2018")).split()
    assert row == ["30/11/2018", "100,00", "%", "80,00", "%", "+20,00", "—", "100,00", "%", "54,55", "%", "+45,45",
                   "—"]
    assert sum(1 for line in lines if line.startswith("  ") and line.strip()[:2].isdigit()) == 11
    assert "Mean absolute error: cases" in lines[-1]


@pytest.mark.django_db
def test_the_backtest_leave_one_out_learns_from_the_other_years(org, ledger):
    output = backtest_output("--unit", "HG-VT", "--years", "2018", "2019", "--leave-one-out")
    assert "FY2018: pattern from FY2019" in output and "FY2019: pattern from FY2018" in output
    # FY2018 at 30/11/2017 from FY2019: 1 of 3 × (4/5)/(1/2) = 53,33 % against 75,00 %
    row = next(line for line in output.splitlines() if line.strip().startswith("30/11/2017")).split()
    assert row[1:7] == ["53,33", "%", "75,00", "%", "-21,67", "—"]
    assert "All years: mean absolute error" in output


@pytest.mark.django_db
def test_the_backtest_refuses_an_unknown_unit(org):
    with pytest.raises(CommandError, match="NOPE"):
        backtest_output("--unit", "NOPE")
