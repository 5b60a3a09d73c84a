"""The pure auction and payout rules of cases.auction_rules (domain.md §4, Điều 47 and 104 Luật THADS).

Every expected amount and date below is worked out by hand (in the comments), not recomputed with the code
under test. No database: these are plain functions over frozen dataclasses.
"""
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest

from cases.auction_rules import (
    AUCTION_REGIMES,
    AuctionRegime,
    AuctionRuleError,
    AuctionState,
    Claim,
    CreditorOffer,
    Outcome,
    PlannedRound,
    Rank,
    Round,
    answer_offer,
    auction_regime_on,
    check_round,
    distribute,
    max_reduction,
    offer_to_creditor,
    plan_rounds,
    record_round,
    redemption_deadline,
)

BILLION = 1_000_000_000
D1 = date(2025, 1, 10)   # all under the 2008 law (until 30/6/2026) unless a test says otherwise
D2 = date(2025, 2, 24)
D3 = date(2025, 4, 10)
D4 = date(2025, 5, 25)
D5 = date(2025, 7, 9)
D6 = date(2025, 8, 23)


def refused(code, call, *args, **kwargs):
    """Run ``call`` and assert it is refused with ``code``; return the error."""
    with pytest.raises(AuctionRuleError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value.code}: {info.value}"
    return info.value


def failed(state, held_on, price, outcome=Outcome.NO_BID, **kwargs):
    return record_round(state, Round(held_on=held_on, starting_price=price, outcome=outcome), **kwargs)


def history(valuation, floor, *prices, days=(D1, D2, D3, D4, D5, D6)):
    """A state whose rounds at ``prices`` all failed, recorded through the rules (so each one was allowed)."""
    state = AuctionState(valuation_price=valuation, floor=floor)
    for day, price in zip(days, prices, strict=False):
        state = failed(state, day, price)
    return state


# ---- 1. the reduction cap at the boundary ---------------------------------------------------------------

class TestReductionCap:
    def test_exactly_ten_percent_is_accepted(self):
        # given a first round at 1.000.000.000 ₫ that failed
        state = history(BILLION, 0, BILLION)
        # when the next round starts at 900.000.000 ₫ (a cut of exactly 100.000.000 ₫ = 10 %)
        after = failed(state, D2, 900_000_000)
        # then it is recorded as the first reduction
        assert after.rounds[-1].starting_price == 900_000_000
        assert after.reductions == 1
        assert after.closed == ""

    def test_one_dong_more_than_ten_percent_is_refused(self):
        state = history(BILLION, 0, BILLION)
        error = refused("reduction_above_cap", check_round, state, held_on=D2, starting_price=899_999_999)
        assert error.field == "starting_price"
        refused("reduction_above_cap", failed, state, D2, 899_999_999)

    def test_refused_round_leaves_state_unchanged(self):
        state = history(BILLION, 0, BILLION)
        refused("reduction_above_cap", failed, state, D2, 899_999_999)
        assert state.rounds == (Round(D1, BILLION, Outcome.NO_BID),)

    def test_cap_is_floored_to_whole_dong_when_previous_price_not_divisible_by_ten(self):
        # 10 % of 999.999.999 ₫ is 99.999.999,9 ₫: the cap is 99.999.999 ₫
        regime = auction_regime_on(D2)
        assert max_reduction(999_999_999, regime) == 99_999_999
        assert max_reduction(BILLION, regime) == 100_000_000
        assert max_reduction(9, regime) == 0
        state = history(999_999_999, 0, 999_999_999)
        # 999.999.999 − 99.999.999 = 900.000.000 is allowed …
        assert failed(state, D2, 900_000_000).reductions == 1
        # … 899.999.999 (a cut of 100.000.000, above the floored cap) is not
        refused("reduction_above_cap", check_round, state, held_on=D2, starting_price=899_999_999)

    def test_cap_applies_to_each_round_from_the_previous_round_not_the_valuation(self):
        # 1.000.000.000 → 900.000.000 → 810.000.000 (10 % of 900.000.000), not 800.000.000
        state = history(BILLION, 0, BILLION, 900_000_000)
        refused("reduction_above_cap", check_round, state, held_on=D3, starting_price=809_999_999)
        check_round(state, held_on=D3, starting_price=810_000_000)


# ---- 2. the creditor offer after the twice-reduced auction fails -----------------------------------------

class TestCreditorOffer:
    def twice_reduced(self):
        # valuation, −1, −2: 1.000.000.000, 900.000.000, 810.000.000, all failed
        return history(BILLION, 0, BILLION, 900_000_000, 810_000_000)

    def test_required_after_the_twice_reduced_round_fails(self):
        state = self.twice_reduced()
        assert state.reductions == 2
        assert state.offer_due() is True
        # a further reduction (810.000.000 − 81.000.000 = 729.000.000) needs the offer first
        refused("creditor_offer_required", check_round, state, held_on=D4, starting_price=729_000_000)
        refused("creditor_offer_required", failed, state, D4, 800_000_000)

    def test_not_due_after_only_the_valuation_round(self):
        state = history(BILLION, 0, BILLION)
        assert state.offer_due() is False
        refused("creditor_offer_too_early", offer_to_creditor, state, offered_on=D2)

    def test_not_due_after_one_reduction_failed(self):
        state = history(BILLION, 0, BILLION, 900_000_000)
        assert state.reductions == 1
        assert state.offer_due() is False
        refused("creditor_offer_too_early", offer_to_creditor, state, offered_on=D3)
        # and the second reduction needs no offer
        assert failed(state, D3, 810_000_000).reductions == 2

    def test_not_due_without_any_round(self):
        state = AuctionState(valuation_price=BILLION, floor=0)
        assert state.offer_due() is False
        refused("creditor_offer_too_early", offer_to_creditor, state, offered_on=D1)

    def test_rounds_at_the_same_price_are_not_reductions(self):
        # 1.000.000.000, 1.000.000.000 (re-run, no reduction), 900.000.000: only one reduction
        state = history(BILLION, 0, BILLION, BILLION, 900_000_000)
        assert state.reductions == 1
        assert state.offer_due() is False
        refused("creditor_offer_too_early", offer_to_creditor, state, offered_on=D4)

    def test_a_round_at_the_same_price_is_allowed_without_an_offer(self):
        state = self.twice_reduced()
        again = failed(state, D4, 810_000_000)
        assert again.reductions == 2
        # the offer is still due after that one fails too
        assert again.offer_due() is True
        refused("creditor_offer_required", check_round, again, held_on=D5, starting_price=729_000_000)

    def test_a_pending_offer_blocks_reductions(self):
        state = offer_to_creditor(self.twice_reduced(), offered_on=D4)
        assert state.offer == CreditorOffer(offered_on=D4)
        assert state.offer_due() is False
        refused("creditor_answer_pending", check_round, state, held_on=D5, starting_price=729_000_000)

    def test_offering_twice_is_refused(self):
        state = offer_to_creditor(self.twice_reduced(), offered_on=D4)
        refused("creditor_offer_exists", offer_to_creditor, state, offered_on=D4 + timedelta(days=1))
        declined = answer_offer(state, accepted=False, answered_on=D4 + timedelta(days=5))
        refused("creditor_offer_exists", offer_to_creditor, declined, offered_on=D4 + timedelta(days=6))

    def test_offer_cannot_precede_the_failed_round(self):
        refused("date_order", offer_to_creditor, self.twice_reduced(), offered_on=D3 - timedelta(days=1))

    def test_declined_reductions_continue(self):
        state = offer_to_creditor(self.twice_reduced(), offered_on=D4)
        declined = answer_offer(state, accepted=False, answered_on=date(2025, 5, 30))
        assert declined.closed == ""
        assert declined.offer == CreditorOffer(offered_on=D4, accepted=False, answered_on=date(2025, 5, 30))
        assert redemption_deadline(declined) is None
        # 810.000.000 → 729.000.000 → 656.100.000, no further offer needed
        third = failed(declined, D5, 729_000_000)
        fourth = failed(third, D6, 656_100_000)
        assert fourth.reductions == 4
        assert fourth.offer_due() is False

    def test_accepted_closes_and_opens_the_redemption_window(self):
        state = offer_to_creditor(self.twice_reduced(), offered_on=D4)
        accepted = answer_offer(state, accepted=True, answered_on=date(2025, 6, 3))
        assert accepted.closed == "handed_to_creditor"
        # 3/6/2025 + 30 days = 3/7/2025
        assert redemption_deadline(accepted) == date(2025, 7, 3)
        refused("auction_closed", check_round, accepted, held_on=D5, starting_price=810_000_000)
        refused("auction_closed", check_round, accepted, held_on=D5, starting_price=729_000_000)
        refused("auction_closed", offer_to_creditor, accepted, offered_on=D5)
        refused("no_open_offer", answer_offer, accepted, accepted=False, answered_on=D5)

    def test_redemption_deadline_across_a_month_end(self):
        state = offer_to_creditor(self.twice_reduced(), offered_on=D4)
        accepted = answer_offer(state, accepted=True, answered_on=date(2025, 12, 15))
        # 15/12/2025 + 30 days = 14/1/2026
        assert redemption_deadline(accepted) == date(2026, 1, 14)

    def test_answers_need_an_open_offer_and_cannot_precede_it(self):
        refused("no_open_offer", answer_offer, self.twice_reduced(), accepted=True, answered_on=D4)
        state = offer_to_creditor(self.twice_reduced(), offered_on=D4)
        refused("date_order", answer_offer, state, accepted=True, answered_on=D4 - timedelta(days=1))
        assert redemption_deadline(state) is None


# ---- 3. the floor stops reductions -----------------------------------------------------------------------

class TestFloor:
    COSTS = 20_000_000
    SECURED_DEBT = 700_000_000

    def test_costs_only_floor(self):
        # given an unmortgaged asset whose enforcement costs are 20.000.000 ₫, last round at 21.000.000 ₫
        state = history(21_000_000, self.COSTS, 21_000_000)
        # a round at the floor is refused, one đồng above is accepted (cut 999.999 ≤ cap 2.100.000)
        error = refused("below_floor", check_round, state, held_on=D2, starting_price=20_000_000)
        assert error.field == "starting_price"
        refused("below_floor", check_round, state, held_on=D2, starting_price=19_999_999)
        check_round(state, held_on=D2, starting_price=20_000_001)

    def test_mortgaged_asset_floor_is_costs_plus_secured_debt(self):
        floor = self.COSTS + self.SECURED_DEBT   # 720.000.000 ₫
        state = history(800_000_000, floor, 800_000_000)
        refused("below_floor", check_round, state, held_on=D2, starting_price=720_000_000)
        # 800.000.000 − 720.000.001 = 79.999.999 ≤ the cap of 80.000.000
        after = failed(state, D2, 720_000_001)
        assert after.reductions == 1

    def test_floor_applies_even_within_the_cap(self):
        # 750.000.000 − 720.000.000 = 30.000.000 is well under the cap of 75.000.000, but hits the floor
        state = history(750_000_000, 720_000_000, 750_000_000)
        refused("below_floor", check_round, state, held_on=D2, starting_price=720_000_000)

    def test_first_round_at_or_below_the_floor_is_refused(self):
        at_floor = AuctionState(valuation_price=720_000_000, floor=720_000_000)
        refused("below_floor", check_round, at_floor, held_on=D1, starting_price=720_000_000)
        below = AuctionState(valuation_price=500_000_000, floor=720_000_000)
        refused("below_floor", check_round, below, held_on=D1, starting_price=500_000_000)
        above = AuctionState(valuation_price=720_000_001, floor=720_000_000)
        check_round(above, held_on=D1, starting_price=720_000_001)


# ---- 4. other round rules --------------------------------------------------------------------------------

class TestRoundRules:
    def test_no_round_before_a_valuation(self):
        state = AuctionState(valuation_price=None, floor=0)
        refused("no_valuation", check_round, state, held_on=D1, starting_price=BILLION)
        refused("no_valuation", failed, state, D1, BILLION)

    @pytest.mark.parametrize("price", [999_999_999, 1_000_000_001, 900_000_000])
    def test_first_round_starts_at_the_valuation_price(self, price):
        state = AuctionState(valuation_price=BILLION, floor=0)
        error = refused("first_round_price", check_round, state, held_on=D1, starting_price=price)
        assert error.field == "starting_price"
        check_round(state, held_on=D1, starting_price=BILLION)

    @pytest.mark.parametrize("price", [0, -1, 1_000_000_000.0, True, "1000000000"])
    def test_starting_price_is_a_positive_whole_amount(self, price):
        state = AuctionState(valuation_price=BILLION, floor=0)
        refused("invalid_price", check_round, state, held_on=D1, starting_price=price)

    def test_no_round_after_a_sale(self):
        state = AuctionState(valuation_price=BILLION, floor=0)
        sold = record_round(state, Round(D1, BILLION, Outcome.SOLD, sale_price=1_050_000_000))
        assert sold.closed == "sold"
        refused("auction_closed", check_round, sold, held_on=D2, starting_price=BILLION)
        refused("auction_closed", offer_to_creditor, sold, offered_on=D2)
        assert plan_rounds(sold, debt=1, costs=0, start=D2) == []

    def test_no_round_after_a_sold_round_even_if_not_marked_closed(self):
        state = AuctionState(valuation_price=BILLION, floor=0,
                             rounds=(Round(D1, BILLION, Outcome.SOLD, sale_price=BILLION),))
        refused("auction_closed", check_round, state, held_on=D2, starting_price=900_000_000)

    def test_price_increase_is_refused(self):
        state = history(BILLION, 0, BILLION, 900_000_000)
        error = refused("price_increase", check_round, state, held_on=D3, starting_price=900_000_001)
        assert error.field == "starting_price"
        refused("price_increase", check_round, state, held_on=D3, starting_price=BILLION)

    def test_dates_out_of_order_are_refused(self):
        state = history(BILLION, 0, BILLION, 900_000_000)
        error = refused("date_order", check_round, state, held_on=D2 - timedelta(days=1),
                        starting_price=810_000_000)
        assert error.field == "held_on"

    def test_a_sale_needs_a_sale_price_at_or_above_the_starting_price(self):
        state = history(BILLION, 0, BILLION)
        refused("invalid_sale_price", record_round, state, Round(D2, 900_000_000, Outcome.SOLD))
        refused("invalid_sale_price", record_round, state,
                Round(D2, 900_000_000, Outcome.SOLD, sale_price=899_999_999))
        sold = record_round(state, Round(D2, 900_000_000, Outcome.SOLD, sale_price=900_000_000))
        assert sold.closed == "sold"
        assert sold.rounds[-1].sale_price == 900_000_000

    @pytest.mark.parametrize("outcome", sorted(Outcome.FAILED))
    def test_failed_rounds_have_no_sale_price(self, outcome):
        state = history(BILLION, 0, BILLION)
        refused("invalid_sale_price", record_round, state, Round(D2, 900_000_000, outcome, sale_price=900_000_000))
        after = record_round(state, Round(D2, 900_000_000, outcome))
        assert after.closed == ""
        assert after.rounds[-1].outcome == outcome

    def test_unknown_outcome_is_refused(self):
        state = AuctionState(valuation_price=BILLION, floor=0)
        refused("invalid_outcome", record_round, state, Round(D1, BILLION, "postponed"))


# ---- 5. the regime in force on the round's date -----------------------------------------------------------

OLD = AuctionRegime("old", date(2009, 7, 1), date(2026, 6, 30))
NEW = AuctionRegime("new", date(2026, 7, 1), None, max_reduction=Fraction(20, 100), redemption_days=15)
CUSTOM = (OLD, NEW)


class TestRegimeByDate:
    def state(self):
        return history(BILLION, 0, BILLION, days=(date(2026, 5, 15),))

    def test_fifteen_percent_refused_on_30_june_2026(self):
        # 1.000.000.000 − 850.000.000 = 150.000.000 = 15 % > 10 %
        refused("reduction_above_cap", check_round, self.state(), held_on=date(2026, 6, 30),
                starting_price=850_000_000, regimes=CUSTOM)
        refused("reduction_above_cap", failed, self.state(), date(2026, 6, 30), 850_000_000, regimes=CUSTOM)

    def test_fifteen_percent_accepted_on_1_july_2026(self):
        check_round(self.state(), held_on=date(2026, 7, 1), starting_price=850_000_000, regimes=CUSTOM)
        after = failed(self.state(), date(2026, 7, 1), 850_000_000, regimes=CUSTOM)
        assert after.rounds[-1].starting_price == 850_000_000
        # the new cap is 20 %: 800.000.000 is exactly the cap, 799.999.999 one đồng more
        check_round(self.state(), held_on=date(2026, 7, 1), starting_price=800_000_000, regimes=CUSTOM)
        refused("reduction_above_cap", check_round, self.state(), held_on=date(2026, 7, 1),
                starting_price=799_999_999, regimes=CUSTOM)

    def test_shipped_regimes_keep_ten_percent_on_both_sides(self):
        refused("reduction_above_cap", check_round, self.state(), held_on=date(2026, 7, 1),
                starting_price=850_000_000)

    def test_dataclasses_replace_builds_a_regime(self):
        new = replace(AUCTION_REGIMES[1], max_reduction=Fraction(20, 100))
        regimes = (AUCTION_REGIMES[0], new)
        check_round(self.state(), held_on=date(2026, 7, 1), starting_price=850_000_000, regimes=regimes)
        refused("reduction_above_cap", check_round, self.state(), held_on=date(2026, 6, 30),
                starting_price=850_000_000, regimes=regimes)

    def test_redemption_window_follows_the_answer_date_regime(self):
        state = history(BILLION, 0, BILLION, 900_000_000, 810_000_000,
                        days=(date(2026, 3, 1), date(2026, 4, 15), date(2026, 5, 30)))
        state = offer_to_creditor(state, offered_on=date(2026, 6, 1), regimes=CUSTOM)
        before = answer_offer(state, accepted=True, answered_on=date(2026, 6, 30))
        after = answer_offer(state, accepted=True, answered_on=date(2026, 7, 1))
        assert redemption_deadline(before, regimes=CUSTOM) == date(2026, 7, 30)   # + 30 days
        assert redemption_deadline(after, regimes=CUSTOM) == date(2026, 7, 16)    # + 15 days

    def test_shipped_table(self):
        old = auction_regime_on(date(2026, 6, 30))
        new = auction_regime_on(date(2026, 7, 1))
        assert old.code == "luat_2008"
        assert old.valid_from == date(2009, 7, 1)
        assert old.valid_to == date(2026, 6, 30)
        assert old.verified is True
        assert new.code == "luat_106_2025"
        assert new.valid_to is None
        assert new.verified is False
        assert {r.code for r in AUCTION_REGIMES} == {"luat_2008", "luat_106_2025"}
        for regime in (old, new):
            assert regime.max_reduction == Fraction(1, 10)
            assert regime.reductions_before_creditor_offer == 2
            assert regime.redemption_days == 30
        assert auction_regime_on(date(2040, 1, 1)).code == "luat_106_2025"


# ---- 6. the reduction planner ------------------------------------------------------------------------------

class TestPlanner:
    def test_hand_worked_schedule(self):
        # given: valuation 1.000.000.000, floor 600.000.000, no rounds yet; debt 700.000.000, costs 20.000.000
        state = AuctionState(valuation_price=BILLION, floor=600_000_000)
        plan = plan_rounds(state, debt=700_000_000, costs=20_000_000, start=date(2025, 1, 6), interval_days=45)
        # then, by hand (each cut 10 % of the previous price; every 45 days from 6/1/2025):
        #   1  6/1/2025   1.000.000.000   −0            recovers min(980.000.000, 700.000.000) = 700.000.000
        #   2  20/2/2025    900.000.000   −100.000.000  700.000.000
        #   3  6/4/2025     810.000.000   −90.000.000   700.000.000; twice reduced → offer if it fails
        #   4  21/5/2025    729.000.000   −81.000.000   min(709.000.000, 700.000.000) = 700.000.000
        #   5  5/7/2025     656.100.000   −72.900.000   below the debt; recovers 636.100.000
        #   (6            590.490.000 ≤ 600.000.000: stop)
        assert plan == [
            PlannedRound(1, date(2025, 1, 6), 1_000_000_000, 0, False, False, 700_000_000),
            PlannedRound(2, date(2025, 2, 20), 900_000_000, 100_000_000, False, False, 700_000_000),
            PlannedRound(3, date(2025, 4, 6), 810_000_000, 90_000_000, True, False, 700_000_000),
            PlannedRound(4, date(2025, 5, 21), 729_000_000, 81_000_000, False, False, 700_000_000),
            PlannedRound(5, date(2025, 7, 5), 656_100_000, 72_900_000, False, True, 636_100_000),
        ]

    def test_floor_exactly_at_the_next_price_stops_one_đồng_below_continues(self):
        state = AuctionState(valuation_price=BILLION, floor=590_490_000)
        plan = plan_rounds(state, debt=700_000_000, costs=20_000_000, start=date(2025, 1, 6))
        assert [r.starting_price for r in plan][-1] == 656_100_000
        state = AuctionState(valuation_price=BILLION, floor=590_489_999)
        plan = plan_rounds(state, debt=700_000_000, costs=20_000_000, start=date(2025, 1, 6))
        assert plan[-1] == PlannedRound(6, date(2025, 8, 19), 590_490_000, 65_610_000, False, True, 570_490_000)

    def test_plan_continues_from_the_rounds_already_held(self):
        state = history(BILLION, 600_000_000, BILLION, 900_000_000)
        plan = plan_rounds(state, debt=700_000_000, costs=20_000_000, start=date(2025, 6, 1), interval_days=30)
        assert [(r.number, r.held_on, r.starting_price, r.creditor_offer_due_after) for r in plan] == [
            (3, date(2025, 6, 1), 810_000_000, True),
            (4, date(2025, 7, 1), 729_000_000, False),
            (5, date(2025, 7, 31), 656_100_000, False),
        ]

    def test_recovery_is_never_negative(self):
        # costs above the price: the creditor recovers 0
        state = AuctionState(valuation_price=10_000_000, floor=0)
        plan = plan_rounds(state, debt=50_000_000, costs=30_000_000, start=D1, limit=1)
        assert plan == [PlannedRound(1, D1, 10_000_000, 0, False, True, 0)]

    def test_no_plan_without_valuation_or_when_closed(self):
        assert plan_rounds(AuctionState(valuation_price=None, floor=0), debt=1, costs=0, start=D1) == []
        closed = AuctionState(valuation_price=BILLION, floor=0, closed="handed_to_creditor")
        assert plan_rounds(closed, debt=1, costs=0, start=D1) == []

    def test_plan_follows_the_regime_of_each_date(self):
        state = AuctionState(valuation_price=BILLION, floor=600_000_000)
        plan = plan_rounds(state, debt=700_000_000, costs=0, start=date(2026, 6, 1), interval_days=30,
                           regimes=CUSTOM)
        # 1/6/2026 at the valuation; 1/7/2026 under the 20 % cap: 800.000.000; 31/7/2026: 640.000.000;
        # next 512.000.000 ≤ 600.000.000: stop
        assert [(r.held_on, r.starting_price, r.reduction) for r in plan] == [
            (date(2026, 6, 1), 1_000_000_000, 0),
            (date(2026, 7, 1), 800_000_000, 200_000_000),
            (date(2026, 7, 31), 640_000_000, 160_000_000),
        ]

    def test_every_planned_round_is_accepted_by_the_rules(self):
        state = AuctionState(valuation_price=BILLION, floor=600_000_000)
        plan = plan_rounds(state, debt=700_000_000, costs=20_000_000, start=date(2025, 1, 6))
        for planned in plan:
            state = failed(state, planned.held_on, planned.starting_price)
            assert state.offer_due() is planned.creditor_offer_due_after
            if state.offer_due():
                state = offer_to_creditor(state, offered_on=planned.held_on + timedelta(days=1))
                state = answer_offer(state, accepted=False, answered_on=planned.held_on + timedelta(days=5))
        assert state.reductions == 4


# ---- 7. the order of payment (Điều 47) ---------------------------------------------------------------------

class TestDistribute:
    def test_costs_first_then_secured_creditor_ahead_of_rank_one_on_its_collateral(self):
        # proceeds 500.000.000; costs 20.000.000 → 480.000.000
        # secured judgment's court fee 5.000.000 → 475.000.000
        # bank (secured by this asset): principal 400.000.000 → 75.000.000, interest 50.000.000 → 25.000.000
        # rank 1 wages 30.000.000: only 25.000.000 left; rank 2 and 3 get nothing
        claims = [
            Claim("worker", Rank.LIVELIHOOD, 30_000_000),
            Claim("state_fees", Rank.COURT_FEES, 2_000_000),
            Claim("supplier", Rank.OTHER, 100_000_000),
            Claim("bank", Rank.OTHER, 400_000_000, interest=50_000_000, secured_by_this_asset=True),
        ]
        result = distribute(500_000_000, costs=20_000_000, claims=claims, court_fee_of_secured_judgment=5_000_000)
        assert result.costs == 20_000_000
        assert result.paid == {"ngan_sach": 5_000_000, "bank": 450_000_000, "worker": 25_000_000}
        assert result.principal == {"ngan_sach": 5_000_000, "bank": 400_000_000, "worker": 25_000_000}
        assert result.interest == {"bank": 50_000_000}
        assert result.surplus_to_debtor == 0

    def test_ranks_in_order_then_surplus_to_the_debtor(self):
        # 200.000.000 − costs 10.000.000 = 190.000.000; rank 1 20.000.000 → 170.000.000;
        # rank 2 3.000.000 → 167.000.000; rank 3 principal 50.000.000 → 117.000.000, interest 5.000.000
        # → 112.000.000 to the debtor
        claims = [
            Claim("c_other", Rank.OTHER, 50_000_000, interest=5_000_000),
            Claim("b_fees", Rank.COURT_FEES, 3_000_000),
            Claim("a_wages", Rank.LIVELIHOOD, 20_000_000),
        ]
        result = distribute(200_000_000, costs=10_000_000, claims=claims)
        assert result.costs == 10_000_000
        assert result.paid == {"a_wages": 20_000_000, "b_fees": 3_000_000, "c_other": 55_000_000}
        assert result.surplus_to_debtor == 112_000_000
        assert result.costs + sum(result.paid.values()) + result.surplus_to_debtor == 200_000_000

    def test_higher_rank_exhausts_the_money_before_a_lower_one(self):
        # 30.000.000 − costs 1.000.000 = 29.000.000: rank 1 (20.000.000) in full, rank 2 (15.000.000) gets
        # 9.000.000, rank 3 nothing
        claims = [
            Claim("other", Rank.OTHER, 40_000_000),
            Claim("fees", Rank.COURT_FEES, 15_000_000),
            Claim("alimony", Rank.LIVELIHOOD, 20_000_000),
        ]
        result = distribute(30_000_000, costs=1_000_000, claims=claims)
        assert result.paid == {"alimony": 20_000_000, "fees": 9_000_000}
        assert result.surplus_to_debtor == 0

    def test_pro_rata_three_equal_claims_whole_dong_tie_by_name(self):
        # 100 đồng among three claims of 10: 33,33… each → 33 each, the leftover đồng to the first name
        claims = [Claim("c", Rank.OTHER, 10), Claim("a", Rank.OTHER, 10), Claim("b", Rank.OTHER, 10)]
        # nothing but rank 3 and the claims total only 30: each gets 10, 70 surplus
        result = distribute(100, costs=0, claims=claims)
        assert result.paid == {"a": 10, "b": 10, "c": 10}
        assert result.surplus_to_debtor == 70
        claims = [Claim("c", Rank.OTHER, 1_000), Claim("a", Rank.OTHER, 1_000), Claim("b", Rank.OTHER, 1_000)]
        result = distribute(100, costs=0, claims=claims)
        assert result.paid == {"a": 34, "b": 33, "c": 33}
        assert sum(result.paid.values()) == 100
        assert result.surplus_to_debtor == 0

    def test_pro_rata_largest_remainder_gets_the_leftover(self):
        # 500 among 300/200/100 (total 600): exact 250, 166,67, 83,33 → 250, 166, 83 (= 499);
        # the leftover đồng goes to the largest remainder (0,67: "b") → 250, 167, 83
        claims = [Claim("a", Rank.OTHER, 300), Claim("b", Rank.OTHER, 200), Claim("c", Rank.OTHER, 100)]
        result = distribute(500, costs=0, claims=claims)
        assert result.paid == {"a": 250, "b": 167, "c": 83}

    def test_pro_rata_two_leftover_dong(self):
        # 200 among three equal claims of 100 (total 300): 66,67 each → 66 each (= 198); two leftover đồng
        # by name: a and b get 67, c 66
        claims = [Claim("b", Rank.OTHER, 100), Claim("c", Rank.OTHER, 100), Claim("a", Rank.OTHER, 100)]
        result = distribute(200, costs=0, claims=claims)
        assert result.paid == {"a": 67, "b": 67, "c": 66}

    def test_interest_after_principal_within_a_rank(self):
        # 300: principal 100 + 100 first → 100 left; interest 50 : 150 pro rata → 25 and 75
        claims = [Claim("a", Rank.OTHER, 100, interest=50), Claim("b", Rank.OTHER, 100, interest=150)]
        result = distribute(300, costs=0, claims=claims)
        assert result.principal == {"a": 100, "b": 100}
        assert result.interest == {"a": 25, "b": 75}
        assert result.paid == {"a": 125, "b": 175}
        assert result.surplus_to_debtor == 0

    def test_interest_not_paid_while_principal_of_the_rank_is_short(self):
        # 150 against principals 100 + 200: 50 and 100, no interest at all
        claims = [Claim("a", Rank.OTHER, 100, interest=1_000), Claim("b", Rank.OTHER, 200, interest=1_000)]
        result = distribute(150, costs=0, claims=claims)
        assert result.principal == {"a": 50, "b": 100}
        assert result.interest == {}

    def test_secured_interest_after_secured_principal(self):
        # 1.100 − costs 100 = 1.000: bank principal 900 → 100; bank interest 300 → gets 100
        claims = [Claim("bank", Rank.OTHER, 900, interest=300, secured_by_this_asset=True),
                  Claim("worker", Rank.LIVELIHOOD, 50)]
        result = distribute(1_100, costs=100, claims=claims)
        assert result.principal == {"bank": 900}
        assert result.interest == {"bank": 100}
        assert "worker" not in result.paid

    def test_proceeds_smaller_than_costs(self):
        claims = [Claim("worker", Rank.LIVELIHOOD, 10_000_000),
                  Claim("bank", Rank.OTHER, 100_000_000, secured_by_this_asset=True)]
        result = distribute(5_000_000, costs=8_000_000, claims=claims, court_fee_of_secured_judgment=1_000_000)
        assert result.costs == 5_000_000
        assert result.paid == {}
        assert result.surplus_to_debtor == 0

    def test_same_creditor_with_claims_in_one_rank_is_summed(self):
        # two rank-3 claims of the same bank: 60 + 40 = 100, against another creditor's 100; 100 to share → 50/50
        claims = [Claim("bank", Rank.OTHER, 60), Claim("bank", Rank.OTHER, 40), Claim("shop", Rank.OTHER, 100)]
        result = distribute(100, costs=0, claims=claims)
        assert result.paid == {"bank": 50, "shop": 50}

    def test_same_secured_creditor_with_two_loans_on_this_asset_is_paid_both(self):
        # BUG (cases/auction_rules.py, distribute, secured shares built with a dict comprehension): a bank
        # holding two mortgages over the same asset (two loan contracts, 100.000.000 and 50.000.000) must be
        # paid 150.000.000 from 200.000.000 of proceeds, leaving 50.000.000 to the debtor.
        claims = [Claim("bank", Rank.OTHER, 100_000_000, secured_by_this_asset=True),
                  Claim("bank", Rank.OTHER, 50_000_000, secured_by_this_asset=True)]
        result = distribute(200_000_000, costs=0, claims=claims)
        assert result.paid == {"bank": 150_000_000}
        assert result.surplus_to_debtor == 50_000_000
