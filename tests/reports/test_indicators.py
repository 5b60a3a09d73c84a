"""reports.indicators: the rate arithmetic and the derived indicators (domain.md §6), pure, no database.

The published reference figures of domain.md §6 must come out of the formula exactly, from their counts.
"""
from decimal import Decimal

import pytest

from reports.indicators import (
    BASE_COUNTS,
    BASE_MONEY,
    CASE_INDICATORS,
    MONEY_INDICATORS,
    Figures,
    percentage_change,
    rate,
)

BILLION = 10**9


def billions(text: str) -> int:
    """An amount published in billions of đồng (e.g. "159795.801768") as exact whole đồng."""
    value = Decimal(text) * BILLION
    assert value == value.to_integral_value(), text
    return int(value)


# ---- the reference table of domain.md §6 ------------------------------------------------------------------------

# (scope, to_enforce, with_conditions, resolved, rate cases, money with_conditions, money resolved, rate money);
# None where the table has a dash. National FY2021 publishes a money rate (31.21) without its amounts, so
# there is nothing to reproduce it from: only its case columns are checked.
REFERENCE_ROWS = [
    ("national-FY2024", 1_021_783, 739_974, 620_657, Decimal("83.88"),
     billions("224775"), billions("116531"), Decimal("51.84")),
    ("national-FY2021", 843_917, 652_177, 494_505, Decimal("75.82"), None, None, None),
    ("national-6-months-FY2022", 587_739, 410_615, 202_015, Decimal("49.20"),
     billions("159795.801768"), billions("35183.572922"), Decimal("22.02")),
    ("gia-lai-FY2022", 18_819, 13_409, 11_072, Decimal("82.57"), None, None, None),
    ("bao-loc-2021", 2_362, 1_432, 1_190, Decimal("83.10"), None, None, None),
]
REFERENCE_IDS = [row[0] for row in REFERENCE_ROWS]


def test_amounts_in_billions_are_converted_to_exact_dong():
    assert billions("159795.801768") == 159_795_801_768_000
    assert billions("35183.572922") == 35_183_572_922_000
    assert billions("224775") == 224_775_000_000_000


@pytest.mark.parametrize(("scope", "to_enforce", "with_conditions", "resolved", "rate_cases", "money_with_conditions",
                          "money_resolved", "rate_money"), REFERENCE_ROWS, ids=REFERENCE_IDS)
def test_rate_reproduces_the_published_reference_rates(scope, to_enforce, with_conditions, resolved, rate_cases,
                                                       money_with_conditions, money_resolved, rate_money):
    # Given a published row / When the rate is computed from its counts / Then it is the published Decimal
    assert rate(resolved, with_conditions) == rate_cases
    if rate_money is not None:
        assert rate(money_resolved, money_with_conditions) == rate_money


@pytest.mark.parametrize(("scope", "to_enforce", "with_conditions", "resolved", "rate_cases", "money_with_conditions",
                          "money_resolved", "rate_money"), REFERENCE_ROWS, ids=REFERENCE_IDS)
def test_figures_built_from_a_reference_row_derive_its_published_indicators(
        scope, to_enforce, with_conditions, resolved, rate_cases, money_with_conditions, money_resolved, rate_money):
    # Given base sums consistent with the row: everything resolved is "completed", the rest of the cases with
    # conditions are in progress, and the rest of to_enforce is without conditions (the table does not split
    # without conditions from postponed, and the split does not change the indicators checked here)
    figures = Figures.zero()
    figures.counts.update(carried_over=to_enforce, completed=resolved, in_progress=with_conditions - resolved,
                          without_conditions=to_enforce - with_conditions)
    if rate_money is not None:
        figures.amounts.update(carried_over=money_with_conditions, collected=money_resolved,
                               in_progress=money_with_conditions - money_resolved)

    # When the indicators are derived
    cases = figures.cases()
    money = figures.money()

    # Then they are the published ones, exactly
    assert (cases["to_enforce"], cases["with_conditions"], cases["resolved"], cases["rate"]) == (
        to_enforce, with_conditions, resolved, rate_cases)
    if rate_money is not None:
        assert (money["with_conditions"], money["resolved"], money["rate"]) == (
            money_with_conditions, money_resolved, rate_money)


def test_hau_giang_fy2019_rates_against_their_targets_in_percentage_points():
    # The article: 74.38% of cases (+1.38 over a 73% target) and 51.25% of money (+18.25 over 33%).
    # 5950 / 8000 = 74.375 exactly; 4100 / 8000 = 51.25 exactly.
    assert rate(5950, 8000) - Decimal("73") == Decimal("1.38")
    assert rate(4100, 8000) - Decimal("33") == Decimal("18.25")


# ---- rounding -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("resolved", "with_conditions", "expected"), [
    (5950, 8000, Decimal("74.38")),   # 74.375 exactly: half-up
    (1, 800, Decimal("0.13")),        # 0.125 exactly: half-up, where half-even would give 0.12
    (2469, 20000, Decimal("12.35")),  # 12.345 exactly: half-up, where half-even would give 12.34
    (201, 20000, Decimal("1.01")),    # 1.005 exactly: a float (1.00499999…) would round down to 1.00
    (1, 3, Decimal("33.33")),         # 33.333… rounds down
    (2, 3, Decimal("66.67")),         # 66.666… rounds up
    (1, 1, Decimal("100.00")),
    (0, 7, Decimal("0.00")),          # nothing resolved is a rate of 0, not "no rate"
    (1_999_999, 2_000_000, Decimal("100.00")),  # 99.99995 rounds up to 100.00
    (9_999, 1_000_000, Decimal("1.00")),        # 0.9999
])
def test_rate_rounds_half_up_to_two_decimals_exactly(resolved, with_conditions, expected):
    result = rate(resolved, with_conditions)
    assert result == expected
    assert isinstance(result, Decimal)
    assert result.as_tuple().exponent == -2  # always two decimals, for display


@pytest.mark.parametrize(("resolved", "with_conditions"), [(0, 0), (5, 0)])
def test_rate_without_a_denominator_is_none(resolved, with_conditions):
    assert rate(resolved, with_conditions) is None


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (71, 64, Decimal("10.94")),       # 10.9375
    (64, 71, Decimal("-9.86")),       # −9.859…
    (0, 64, Decimal("-100.00")),
    (64, 64, Decimal("0.00")),
    (128, 64, Decimal("100.00")),
    (801, 800, Decimal("0.13")),      # +0.125 exactly: half-up
    (799, 800, Decimal("-0.13")),     # −0.125 exactly: half-up rounds the magnitude, symmetrically
    (620_657, 494_505, Decimal("25.51")),  # national resolved cases FY2024 vs FY2021: 25.510…
])
def test_percentage_change_examples(current, previous, expected):
    assert percentage_change(current, previous) == expected


@pytest.mark.parametrize("current", [0, 71])
def test_percentage_change_without_a_base_is_none(current):
    assert percentage_change(current, 0) is None


# ---- Figures: the derived indicators ------------------------------------------------------------------------------

def hand_made() -> Figures:
    return Figures(
        counts={"carried_over": 10, "new": 5, "transferred_out": 2, "completed": 4, "terminated": 1,
                "in_progress": 3, "postponed_or_suspended": 2, "without_conditions": 3},
        amounts={"carried_over": 1_000, "new": 500, "transferred_out": 200, "collected": 300, "reduced": 50,
                 "terminated": 100, "in_progress": 400, "postponed_or_suspended": 150, "without_conditions": 300},
    )


def test_cases_derives_every_case_indicator_in_the_contract_order():
    # Given hand-made base sums / When deriving
    cases = hand_made().cases()
    # Then: accepted 10+5; to_enforce 15−2; resolved 4+1; with_conditions 5+3; carried_forward 13−5; rate 5/8
    assert cases == {
        "carried_over": 10, "new": 5, "accepted": 15, "transferred_out": 2, "to_enforce": 13,
        "with_conditions": 8, "completed": 4, "terminated": 1, "resolved": 5, "in_progress": 3,
        "postponed_or_suspended": 2, "without_conditions": 3, "carried_forward": 8, "rate": Decimal("62.50"),
    }
    assert list(cases) == list(CASE_INDICATORS)
    assert cases["to_enforce"] == (cases["with_conditions"] + cases["without_conditions"]
                                   + cases["postponed_or_suspended"])
    assert cases["accepted"] == cases["carried_over"] + cases["new"]
    assert cases["carried_forward"] == cases["to_enforce"] - cases["resolved"]


def test_money_derives_completed_from_collected_and_reduced_and_resolved_adds_terminated():
    # Given hand-made base sums / When deriving the money indicators
    money = hand_made().money()
    # Then: accepted 1000+500; to_enforce 1500−200; completed 300+50; resolved 350+100; with_conditions 450+400;
    # carried_forward 1300−450; rate 450/850 = 52.941…
    assert money == {
        "carried_over": 1_000, "new": 500, "accepted": 1_500, "transferred_out": 200, "to_enforce": 1_300,
        "with_conditions": 850, "completed": 350, "terminated": 100, "resolved": 450, "in_progress": 400,
        "postponed_or_suspended": 150, "without_conditions": 300, "carried_forward": 850, "collected": 300,
        "reduced": 50, "rate": Decimal("52.94"),
    }
    assert list(money) == list(MONEY_INDICATORS)
    assert money["to_enforce"] == (money["with_conditions"] + money["without_conditions"]
                                   + money["postponed_or_suspended"])
    assert money["resolved"] == money["collected"] + money["reduced"] + money["terminated"]


def test_money_does_not_read_the_case_count_of_completed():
    # Given a completed count but no money collected or reduced
    figures = Figures.zero()
    figures.counts["completed"] = 3
    # Then the money completed is 0, and with nothing in progress there is no money rate
    assert figures.money()["completed"] == 0
    assert figures.money()["rate"] is None
    assert figures.cases()["rate"] == Decimal("100.00")


def test_zero_figures_have_every_base_key_and_no_rate():
    zero = Figures.zero()
    assert zero.counts == dict.fromkeys(BASE_COUNTS, 0)
    assert zero.amounts == dict.fromkeys(BASE_MONEY, 0)
    assert zero.cases()["rate"] is None
    assert zero.money()["rate"] is None
    assert zero.cases()["to_enforce"] == 0


def test_add_sums_every_base_key_and_leaves_the_other_unchanged():
    # Given a total and a hand-made addend
    total, addend = hand_made(), hand_made()
    # When adding it twice
    total.add(addend)
    total.add(addend)
    # Then every base sum is tripled, and the addend did not change
    assert total.counts == {key: 3 * value for key, value in hand_made().counts.items()}
    assert total.amounts == {key: 3 * value for key, value in hand_made().amounts.items()}
    assert addend == hand_made()
    assert total.cases()["rate"] == Decimal("62.50")  # a rate is scale-free
