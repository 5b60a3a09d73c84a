"""Auctions of seized assets and the order of payment, as pure rules (domain.md §4, Điều 47 and 104 Luật
THADS). No ORM: the services of the assets issue will keep the records and call these functions, exactly as
cases.services calls cases.workflow.

Every legal parameter is data tied to the regime in force on the day it applies (AUCTION_REGIMES). The values
of Luật 106/2025/QH15 (from 1/7/2026) are the old ones until checked against the law's text: one line to
change, and the tests already run with regimes whose caps differ.
"""
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction

from django.utils.translation import gettext as _

from thads.core.errors import DomainError
from thads.core.money import format_vnd


class AuctionRuleError(DomainError):
    """An auction step refused by a rule. ``code`` is stable."""


@dataclass(frozen=True)
class AuctionRegime:
    code: str
    valid_from: date
    valid_to: date | None
    max_reduction: Fraction = Fraction(10, 100)   # of the previous round's starting price (Điều 104)
    reductions_before_creditor_offer: int = 2      # the auction at the twice-reduced price failed → offer
    redemption_days: int = 30                      # the debtor may pay to keep the asset after the offer
    agreement_days: int = 10                       # the parties may agree a new price after a failure
    buyer_payment_days: int = 30
    auction_days_movable: int = 30                 # from the auction contract
    auction_days_real_estate: int = 45
    valuation_contract_working_days: int = 5       # contract a valuation firm within 5 working days of seizure
    revaluation_request_working_days: int = 5      # one re-valuation on request within 5 working days of notice
    creditor_offer_working_days: int = 5           # offer the asset to the creditor after the failed round
    creditor_answer_working_days: int = 5          # the creditor answers the offer
    movable_auction_threshold: int = 10_000_000    # movables above this go to an auction organisation
    valuation_council_allowed: bool = False        # a valuation council (hội đồng định giá): new law only
    tet_coercion_blackout_days: int = 0            # no coercion with mobilised forces this close to Tết
    verified: bool = True                          # False: values carried over, not yet checked in the law


AUCTION_REGIMES: tuple[AuctionRegime, ...] = (
    AuctionRegime("luat_2008", date(2009, 7, 1), date(2026, 6, 30)),
    AuctionRegime("luat_106_2025", date(2026, 7, 1), None, valuation_council_allowed=True,
                  tet_coercion_blackout_days=15, verified=False),
)


def auction_regime_on(day: date, regimes: tuple[AuctionRegime, ...] | None = None) -> AuctionRegime:
    """The regime in force on ``day``. ``regimes`` defaults to AUCTION_REGIMES, read at call time (a test
    may substitute the table)."""
    regimes = regimes or AUCTION_REGIMES
    for regime in regimes:
        if regime.valid_from <= day and (regime.valid_to is None or day <= regime.valid_to):
            return regime
    return regimes[0]


class Outcome:
    SOLD = "sold"
    NO_REGISTRANT = "no_registrant"
    NO_BID = "no_bid"
    WINNER_REFUSED = "winner_refused"
    WINNER_DID_NOT_PAY = "winner_did_not_pay"
    FAILED = frozenset({NO_REGISTRANT, NO_BID, WINNER_REFUSED, WINNER_DID_NOT_PAY})


@dataclass(frozen=True)
class Round:
    held_on: date
    starting_price: int
    outcome: str
    sale_price: int | None = None


@dataclass(frozen=True)
class CreditorOffer:
    offered_on: date
    accepted: bool | None = None      # None: no answer yet
    answered_on: date | None = None


@dataclass(frozen=True)
class AuctionState:
    """An asset's auction history: its valuation, the rounds so far, the creditor offer, and the floor below
    which no round may go (enforcement costs; for a mortgaged asset, costs + the secured debt)."""

    valuation_price: int | None
    floor: int
    rounds: tuple[Round, ...] = ()
    offer: CreditorOffer | None = None
    closed: str = ""   # "", "sold", "handed_to_creditor", "returned_to_debtor"

    @property
    def reductions(self) -> int:
        """How many rounds started below the previous one."""
        return sum(1 for before, after in zip(self.rounds, self.rounds[1:], strict=False)
                   if after.starting_price < before.starting_price)

    def offer_due(self, regimes: tuple["AuctionRegime", ...] | None = None) -> bool:
        """The creditor must now be offered the asset: the auction at the twice-reduced price has failed."""
        if not self.rounds or self.rounds[-1].outcome not in Outcome.FAILED or self.offer is not None:
            return False
        regime = auction_regime_on(self.rounds[-1].held_on, regimes)
        return self.reductions >= regime.reductions_before_creditor_offer


def max_reduction(previous_price: int, regime: AuctionRegime) -> int:
    """The largest reduction in whole đồng the cap allows from ``previous_price``."""
    return int(previous_price * regime.max_reduction)  # Fraction → floor for positive prices


def check_round(state: AuctionState, *, held_on: date, starting_price: int,
                regimes: tuple[AuctionRegime, ...] | None = None) -> None:
    """Raise AuctionRuleError unless a round at ``starting_price`` on ``held_on`` may follow ``state``."""
    if state.closed:
        raise AuctionRuleError(_("The auction is closed (%(how)s).") % {"how": state.closed}, code="auction_closed")
    if state.valuation_price is None:
        raise AuctionRuleError(_("No auction round before the asset is valued."), code="no_valuation")
    if not isinstance(starting_price, int) or isinstance(starting_price, bool) or starting_price <= 0:
        raise AuctionRuleError(_("A starting price is a positive whole amount."), code="invalid_price",
                               field="starting_price")
    if starting_price <= state.floor:
        raise AuctionRuleError(
            _("%(price)s is at or below the floor of %(floor)s (enforcement costs, and the secured debt for a "
              "mortgaged asset): reductions stop here.") % {
                "price": format_vnd(starting_price), "floor": format_vnd(state.floor)},
            code="below_floor", field="starting_price")
    if not state.rounds:
        if starting_price != state.valuation_price:
            raise AuctionRuleError(_("The first round starts at the valuation price, %(price)s.") % {
                "price": format_vnd(state.valuation_price)}, code="first_round_price", field="starting_price")
        return
    last = state.rounds[-1]
    if held_on < last.held_on:
        raise AuctionRuleError(_("A round cannot precede the previous one."), code="date_order", field="held_on")
    if last.outcome not in Outcome.FAILED:
        raise AuctionRuleError(_("The previous round sold the asset."), code="auction_closed")
    if starting_price > last.starting_price:
        raise AuctionRuleError(_("A new round cannot start above the previous one."), code="price_increase",
                               field="starting_price")
    regime = auction_regime_on(held_on, regimes)
    reduction = last.starting_price - starting_price
    if reduction > max_reduction(last.starting_price, regime):
        raise AuctionRuleError(
            _("A reduction of %(reduction)s exceeds the cap of %(cap)s%% of %(previous)s (%(max)s).") % {
                "reduction": format_vnd(reduction), "cap": _percent(regime.max_reduction),
                "previous": format_vnd(last.starting_price),
                "max": format_vnd(max_reduction(last.starting_price, regime))},
            code="reduction_above_cap", field="starting_price")
    if reduction > 0 and state.reductions >= regime.reductions_before_creditor_offer:
        if state.offer is None:
            raise AuctionRuleError(_("The auction at the twice-reduced price failed: offer the asset to the "
                                     "creditor before reducing again."), code="creditor_offer_required")
        if state.offer.accepted is None:
            raise AuctionRuleError(_("Wait for the creditor's answer before reducing again."),
                                   code="creditor_answer_pending")
        if state.offer.accepted:
            raise AuctionRuleError(_("The creditor accepted the asset."), code="auction_closed")


def _percent(value: Fraction) -> str:
    return f"{float(value * 100):g}"


def record_round(state: AuctionState, round_: Round, *, regimes=None) -> AuctionState:
    check_round(state, held_on=round_.held_on, starting_price=round_.starting_price, regimes=regimes)
    if round_.outcome == Outcome.SOLD:
        if round_.sale_price is None or round_.sale_price < round_.starting_price:
            raise AuctionRuleError(_("A sale is at or above the starting price."), code="invalid_sale_price",
                                   field="sale_price")
        return replace(state, rounds=(*state.rounds, round_), closed="sold")
    if round_.outcome not in Outcome.FAILED:
        raise AuctionRuleError(_("Unknown outcome «%(outcome)s».") % {"outcome": round_.outcome},
                               code="invalid_outcome")
    if round_.sale_price is not None:
        raise AuctionRuleError(_("A failed round has no sale price."), code="invalid_sale_price", field="sale_price")
    return replace(state, rounds=(*state.rounds, round_))


def offer_to_creditor(state: AuctionState, *, offered_on: date, regimes=None,
                      floor_reached: bool = False) -> AuctionState:
    """Record the offer of the asset to the creditor against the debt — due once the auction at the
    twice-reduced price has failed, and not before; or once the floor stops the reductions earlier
    (``floor_reached``), since the asset returns to the debtor only if the creditor declines it."""
    if state.closed:
        raise AuctionRuleError(_("The auction is closed (%(how)s).") % {"how": state.closed}, code="auction_closed")
    regime = auction_regime_on(offered_on, regimes)
    if (not state.rounds or state.rounds[-1].outcome not in Outcome.FAILED
            or (state.reductions < regime.reductions_before_creditor_offer and not floor_reached)):
        raise AuctionRuleError(_("The creditor is offered the asset only after the auction at the twice-reduced "
                                 "price has failed."), code="creditor_offer_too_early")
    if state.offer is not None:
        raise AuctionRuleError(_("The asset was already offered to the creditor."), code="creditor_offer_exists")
    if offered_on < state.rounds[-1].held_on:
        raise AuctionRuleError(_("The offer cannot precede the failed round."), code="date_order")
    return replace(state, offer=CreditorOffer(offered_on=offered_on))


def answer_offer(state: AuctionState, *, accepted: bool, answered_on: date) -> AuctionState:
    """The creditor's answer. Accepting hands the asset over (the debtor may still pay within the redemption
    window, which the services track); declining lets the reductions go on."""
    if state.offer is None or state.offer.accepted is not None:
        raise AuctionRuleError(_("There is no open offer to answer."), code="no_open_offer")
    if answered_on < state.offer.offered_on:
        raise AuctionRuleError(_("The answer cannot precede the offer."), code="date_order")
    offer = replace(state.offer, accepted=accepted, answered_on=answered_on)
    return replace(state, offer=offer, closed="handed_to_creditor" if accepted else "")


def redemption_deadline(state: AuctionState, regimes=None) -> date | None:
    """The last day the debtor may pay to keep an asset the creditor accepted."""
    if state.offer is None or not state.offer.accepted:
        return None
    return state.offer.answered_on + timedelta(days=auction_regime_on(state.offer.answered_on, regimes).redemption_days)


# ---- the reduction planner ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedRound:
    number: int
    held_on: date
    starting_price: int
    reduction: int
    creditor_offer_due_after: bool   # if this round fails, the creditor must be offered the asset
    below_debt: bool                 # the price no longer covers the debt it secures
    creditor_recovers: int           # what the creditor gets if the round sells at its starting price


def plan_rounds(state: AuctionState, *, debt: int, costs: int, start: date, interval_days: int = 45,
                regimes=None, limit: int = 50) -> list[PlannedRound]:
    """The schedule of future rounds if every one fails and every reduction is the largest the cap allows,
    until the next price would reach the floor. ``debt``: what the creditor is owed from this asset;
    ``costs``: the enforcement costs paid first from any sale. Empty while an offer to the creditor is due
    and not yet made: nothing can be planned before it."""
    if state.closed or state.valuation_price is None:
        return []
    if state.offer_due(regimes):
        return []  # nothing can be planned until the creditor has been offered the asset and answered
    plan: list[PlannedRound] = []
    reductions = state.reductions
    previous = state.rounds[-1].starting_price if state.rounds else None
    day = start
    for number in range(len(state.rounds) + 1, len(state.rounds) + 1 + limit):
        regime = auction_regime_on(day, regimes)
        if previous is None:
            price, cut = state.valuation_price, 0
        else:
            cut = max_reduction(previous, regime)
            price = previous - cut
            reductions += 1 if cut > 0 else 0
        if price <= state.floor or (previous is not None and cut == 0):
            break
        plan.append(PlannedRound(
            number=number, held_on=day, starting_price=price, reduction=cut,
            creditor_offer_due_after=(reductions == regime.reductions_before_creditor_offer and state.offer is None),
            below_debt=price < debt, creditor_recovers=max(0, min(price - costs, debt))))
        previous = price
        day = day + timedelta(days=interval_days)
    return plan


# ---- order of payment (Điều 47) ----------------------------------------------------------------------------

class Rank:
    """Điều 47 khoản 1: (1) maintenance, wages, damages for life and health; (2) court fees; (3) other debts."""

    LIVELIHOOD = 1
    COURT_FEES = 2
    OTHER = 3


@dataclass(frozen=True)
class Claim:
    creditor: str
    rank: int
    principal: int
    interest: int = 0                 # late-payment interest: paid after the principal of its rank
    secured_by_this_asset: bool = False


@dataclass
class Allocation:
    costs: int = 0
    paid: dict[str, int] = field(default_factory=dict)       # creditor → total
    principal: dict[str, int] = field(default_factory=dict)
    interest: dict[str, int] = field(default_factory=dict)
    surplus_to_debtor: int = 0


def _pro_rata(amount: int, shares: dict[str, int]) -> dict[str, int]:
    """Split ``amount`` (≤ sum of shares) in proportion to ``shares``, in whole đồng, exactly: largest
    remainders get the leftover đồng (ties by creditor name, so the result is stable)."""
    total = sum(shares.values())
    if total <= 0 or amount <= 0:
        return {name: 0 for name in shares}
    amount = min(amount, total)
    exact = {name: Fraction(amount * share, total) for name, share in shares.items()}
    result = {name: int(value) for name, value in exact.items()}
    leftover = amount - sum(result.values())
    for name in sorted(shares, key=lambda n: (-(exact[n] - result[n]), n))[:leftover]:
        result[name] += 1
    return result


def distribute(proceeds: int, *, costs: int, claims: list[Claim], court_fee_of_secured_judgment: int = 0,
               court_fee_creditor: str = "ngan_sach") -> Allocation:
    """Pay ``proceeds`` of a sale in the legal order: enforcement costs; from the proceeds of collateral, the
    secured judgment's court fee and then the secured creditor(s); then ranks 1, 2, 3 — principal before
    interest, pro rata within a rank; the surplus to the debtor."""
    allocation = Allocation()
    remaining = proceeds
    allocation.costs = min(costs, remaining)
    remaining -= allocation.costs

    def pay(creditor: str, amount: int, kind: str) -> None:
        target = allocation.principal if kind == "principal" else allocation.interest
        target[creditor] = target.get(creditor, 0) + amount
        allocation.paid[creditor] = allocation.paid.get(creditor, 0) + amount

    secured = [c for c in claims if c.secured_by_this_asset]
    fee = min(court_fee_of_secured_judgment, remaining) if secured else 0
    if fee:
        pay(court_fee_creditor, fee, "principal")
        remaining -= fee
    for kind in ("principal", "interest"):
        shares: dict[str, int] = {}
        for claim in secured:  # one creditor may hold several loans secured by the same asset
            shares[claim.creditor] = shares.get(claim.creditor, 0) + getattr(claim, kind)
        for creditor, amount in _pro_rata(remaining, shares).items():
            if amount:
                pay(creditor, amount, kind)
                remaining -= amount
    for rank in (Rank.LIVELIHOOD, Rank.COURT_FEES, Rank.OTHER):
        in_rank = [c for c in claims if c.rank == rank and not c.secured_by_this_asset]
        for kind in ("principal", "interest"):
            shares = {}
            for claim in in_rank:
                shares[claim.creditor] = shares.get(claim.creditor, 0) + getattr(claim, kind)
            for creditor, amount in _pro_rata(remaining, shares).items():
                if amount:
                    pay(creditor, amount, kind)
                    remaining -= amount
    allocation.surplus_to_debtor = remaining
    return allocation
