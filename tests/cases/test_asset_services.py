"""The asset services of cases.services.assets, rule by rule and at the boundaries (domain.md §4 and §5).

Everything goes through the services (the pure layer is tested in test_auction_rules.py). Every refusal is
checked with ``refused(code, call)``, which also asserts that nothing at all was written: no row of any asset
table or event added, no closing field (auction closure, seizure release, round payment, offer answer, cost
recovery, link rank) changed, and no cached column of any case touched.

Every expected amount and date is worked out by hand in the comments. Unless a test says otherwise the
cases are accepted by HG-VT in January 2019 and the common calendar is:

    seizure 01/03/2019 · valuation 01/04/2019, notified Fri 05/04/2019 · auction contract 20/04/2019
    rounds R[0] = 20/05/2019, then every 45 days: R[1] 04/07, R[2] 18/08, R[3] 02/10, R[4] 16/11/2019
"""
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from banks.models import Collateral
from cases import auction_rules
from cases.codes import (
    AssetKind,
    AuctionClosure,
    Category,
    ClaimRank,
    CostKind,
    DistributionSource,
    EventKind,
    JudgmentType,
    Origin,
    PriceSetBy,
    RoundOutcome,
    SeizureStatus,
    Status,
    ValuationMethod,
)
from cases.models import (
    Asset,
    AssetCase,
    Auction,
    AuctionRound,
    Case,
    CaseEvent,
    CreditorOffer,
    Distribution,
    DistributionShare,
    EnforcementCost,
    Seizure,
    Valuation,
)
from cases.selectors import asset_floor, asset_list_for_user
from cases.services.assets import (
    AssetData,
    asset_case_link,
    asset_collection_distribute,
    asset_create,
    auction_create,
    auction_handover,
    auction_redeem,
    auction_return_to_debtor,
    auction_round_record,
    auction_sale_default,
    auction_sale_paid,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    enforcement_cost_record,
    revaluation_deadline,
    revaluation_record,
    seizure_record,
    seizure_release,
    valuation_record,
)
from tests.cases.test_auction_flow import RICE
from tests.factories import BankFactory, make_case, record
from thads.core.errors import DomainError, PermissionDeniedError

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
SEIZED_ON = date(2019, 3, 1)
VALUED_ON = date(2019, 4, 1)
NOTIFIED_ON = date(2019, 4, 5)       # a Friday
CONTRACT_ON = date(2019, 4, 20)
R = [date(2019, 5, 20) + timedelta(days=45 * i) for i in range(8)]
M = 1_000_000

HOUSE = AssetData(kind=AssetKind.HOUSE, description="Nhà cấp 4, 80 m²", owner_name="Nguyễn Văn A",
                  location="Khu vực 2, phường V, TP Vị Thanh")
ACCOUNT = AssetData(kind=AssetKind.BANK_ACCOUNT, description="Tiền trong tài khoản", owner_name="Nguyễn Văn A",
                    account_no="0123456789 — Vietcombank Hậu Giang")


# ---- helpers ------------------------------------------------------------------------------------------------

def snapshot():
    """Everything a refused step could have half-written."""
    counts = {model.__name__: model.objects.count() for model in (
        Asset, AssetCase, Collateral, Seizure, Valuation, Auction, AuctionRound, CreditorOffer, Distribution,
        DistributionShare, EnforcementCost, CaseEvent)}
    return {
        "counts": counts,
        "cases": list(Case.objects.order_by("pk").values_list(
            "pk", "status", "status_ground", "amount_collected", "amount_reduced", "amount_terminated",
            "amount_remaining", "last_event_on", "ended_on", "event_count", "updated_at")),
        "auctions": list(Auction.objects.order_by("pk").values_list("pk", "closed_as", "closed_on")),
        "seizures": list(Seizure.objects.order_by("pk").values_list("pk", "status", "released_on")),
        "rounds": list(AuctionRound.objects.order_by("pk").values_list("pk", "outcome", "paid_on", "defaulted_on")),
        "offers": list(CreditorOffer.objects.order_by("pk").values_list(
            "pk", "accepted", "answered_on", "redemption_due_on")),
        "costs": list(EnforcementCost.objects.order_by("pk").values_list("pk", "recovered")),
        "links": list(AssetCase.objects.order_by("pk").values_list("pk", "rank", "interest_due")),
    }


def cached(case):
    """The cached columns of ``case`` as stored."""
    return Case.objects.filter(pk=case.pk).values_list(
        "status", "status_ground", "amount_collected", "amount_remaining", "last_event_on", "event_count",
        "updated_at").get()


def refused(code, call, *, error=DomainError):
    """Run ``call``, expect ``error`` with ``code``, and check that nothing was written."""
    before = snapshot()
    with pytest.raises(error) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert snapshot() == before
    return caught.value


def seize(asset, case, *, on=SEIZED_ON, actor=None):
    return seizure_record(actor=actor, asset=asset, case=case, seized_on=on, minutes_no="BB 01/2019", today=TODAY)


def value(seizure, amount, *, valued_on=VALUED_ON, notified_on=NOTIFIED_ON, actor=None,
          method=ValuationMethod.OFFICER):
    return valuation_record(actor=actor, seizure=seizure, method=method, value=amount, valued_on=valued_on,
                            notified_on=notified_on, today=TODAY)


def contract(seizure, *, on=CONTRACT_ON, actor=None):
    return auction_create(actor=actor, seizure=seizure, organisation="Trung tâm DVĐG tỉnh Hậu Giang",
                          contract_no="HĐ 01/2019", contract_signed_on=on, today=TODAY)


def round_(auction, held_on, price, outcome=RoundOutcome.NO_BID, *, actor=None, **extra):
    return auction_round_record(actor=actor, auction=auction, held_on=held_on, starting_price=price,
                                outcome=outcome, today=TODAY, **extra)


def cost(case, amount, *, asset=None, kind=CostKind.OTHER, on=VALUED_ON, actor=None):
    return enforcement_cost_record(actor=actor, case=case, asset=asset, kind=kind, amount=amount, incurred_on=on,
                                   today=TODAY)


def auctioned(org, *, valuation=100 * M, prices=(), amount_due=500 * M, extra_cases=(), data=RICE):
    """A case of HG-VT, its asset seized in it and valued at ``valuation``, an auction contracted, and one
    failed round (no bid) at each of ``prices`` on R[0], R[1]…"""
    case = make_case(unit=org["HG-VT"], amount_due=amount_due)
    asset = asset_create(actor=None, cases=[case, *extra_cases], data=data)
    seizure = seize(asset, case)
    valuation_row = value(seizure, valuation)
    auction = contract(seizure)
    rounds = [round_(auction, R[i], price) for i, price in enumerate(prices)]
    return SimpleNamespace(case=case, asset=asset, seizure=seizure, valuation=valuation_row, auction=auction,
                           rounds=rounds)


def offer_accepted(auction, *, offered_on=date(2019, 8, 21), answered_on=date(2019, 8, 26)):
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=offered_on, today=TODAY)
    return creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=answered_on, today=TODAY)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def shares_of(distribution):
    return {share.case_id: (share.rank, share.secured, share.principal, share.interest, share.amount)
            for share in DistributionShare.objects.filter(distribution=distribution)}


def collections_on(day):
    """{case id: amount} of the thu_tien events dated ``day`` (and a check that there is one per case)."""
    rows = list(CaseEvent.objects.filter(kind=EventKind.THU_TIEN, date=day).values_list("case_id", "amount"))
    assert len(rows) == len({case_id for case_id, _amount in rows})
    return dict(rows)


# ---- 1. the reduction cap, the first round, the valuation --------------------------------------------------

def test_a_reduction_of_exactly_the_cap_is_accepted_and_one_dong_more_is_refused(org):
    # Given a first round at the valuation price 100.000.005 that failed. The cap is 10 % of it, rounded
    # down to whole đồng: 10.000.000 (not 10.000.000,5).
    stage = auctioned(org, valuation=100_000_005, prices=(100_000_005,))
    # When the next round cuts 10.000.001 (to 90.000.004): refused.
    error = refused("reduction_above_cap", lambda: round_(stage.auction, R[1], 90_000_004))
    assert error.field == "starting_price"
    # When it cuts exactly 10.000.000 (to 90.000.005): accepted, and the cut is recorded.
    second = round_(stage.auction, R[1], 90_000_005)
    assert (second.number, second.starting_price, second.reduction, second.reduction_percent,
            second.price_set_by) == (2, 90_000_005, 10_000_000, Decimal("10.00"), PriceSetBy.OFFICER)


def test_a_price_increase_is_refused_and_the_same_price_may_be_repeated(org):
    stage = auctioned(org, valuation=100 * M, prices=(100 * M,))
    refused("price_increase", lambda: round_(stage.auction, R[1], 100 * M + 1))
    again = round_(stage.auction, R[1], 100 * M)
    assert (again.number, again.reduction) == (2, 0)


def test_the_first_round_starts_exactly_at_the_valuation_price(org):
    stage = auctioned(org, valuation=100 * M)
    refused("first_round_price", lambda: round_(stage.auction, R[0], 100 * M - 1))
    refused("first_round_price", lambda: round_(stage.auction, R[0], 100 * M + 1))
    first = round_(stage.auction, R[0], 100 * M)
    assert (first.number, first.reduction, first.price_set_by, first.outcome) == (
        1, 0, PriceSetBy.VALUATION, RoundOutcome.NO_BID)


def test_no_auction_and_no_round_before_a_valuation(org):
    case = make_case(unit=org["HG-VT"], amount_due=500 * M)
    asset = asset_create(actor=None, cases=[case], data=RICE)
    seizure = seize(asset, case)
    refused("no_valuation", lambda: contract(seizure))
    # An auction row that bypassed auction_create (e.g. from an old import) still cannot hold a round.
    auction = Auction.objects.create(seizure=seizure, organisation="Trung tâm DVĐG", contract_no="HĐ 0",
                                     contract_signed_on=CONTRACT_ON)
    refused("no_valuation", lambda: round_(auction, R[0], 100 * M))


# ---- 2. the cap follows the regime in force on the round's date --------------------------------------------

@pytest.fixture
def stricter_new_law(monkeypatch):
    """The 2008 law until 30/6/2026 (cap 10 %), then a new law whose cap is 5 %."""
    old, new = auction_rules.AUCTION_REGIMES
    monkeypatch.setattr(auction_rules, "AUCTION_REGIMES", (
        replace(old, valid_to=date(2026, 6, 30)),
        replace(new, valid_from=date(2026, 7, 1), max_reduction=Fraction(5, 100))))


def auctioned_2026(org, *, valuation=100 * M):
    """A case of the regional office accepted 05/01/2026; seized 02/02, valued 02/03, auction contract
    20/03/2026; first round on 04/05/2026 at the valuation price, failed."""
    case = make_case(unit=org["HG-KV1"], amount_due=500 * M, accepted_on=date(2026, 1, 5))
    asset = asset_create(actor=None, cases=[case], data=RICE)
    seizure = seize(asset, case, on=date(2026, 2, 2))
    value(seizure, valuation, valued_on=date(2026, 3, 2), notified_on=date(2026, 3, 4))
    auction = contract(seizure, on=date(2026, 3, 20))
    round_(auction, date(2026, 5, 4), valuation)
    return SimpleNamespace(case=case, asset=asset, seizure=seizure, auction=auction)


def test_a_ten_percent_cut_is_accepted_on_30_june_2026_and_the_new_cap_applies_from_1_july(org, stricter_new_law):
    stage = auctioned_2026(org)
    # 30/6/2026: old law, 10 % of 100.000.000 = 10.000.000 → 90.000.000 accepted.
    second = round_(stage.auction, date(2026, 6, 30), 90 * M)
    assert second.reduction == 10 * M
    # 1/7/2026: new law, 5 % of 90.000.000 = 4.500.000 → at least 85.500.000.
    refused("reduction_above_cap", lambda: round_(stage.auction, date(2026, 7, 1), 81 * M))
    refused("reduction_above_cap", lambda: round_(stage.auction, date(2026, 7, 1), 85_499_999))
    third = round_(stage.auction, date(2026, 7, 1), 85_500_000)
    assert (third.number, third.reduction, third.reduction_percent) == (3, 4_500_000, Decimal("5.00"))


def test_the_same_ten_percent_cut_is_refused_on_1_july_2026_and_five_percent_accepted(org, stricter_new_law):
    stage = auctioned_2026(org)
    refused("reduction_above_cap", lambda: round_(stage.auction, date(2026, 7, 1), 90 * M))
    refused("reduction_above_cap", lambda: round_(stage.auction, date(2026, 7, 1), 95 * M - 1))
    second = round_(stage.auction, date(2026, 7, 1), 95 * M)
    assert (second.reduction, second.reduction_percent) == (5 * M, Decimal("5.00"))


def test_reductions_are_exhausted_by_the_cap_in_force_on_the_day_the_asset_would_return(org, stricter_new_law):
    # Rounds 100.000.000 (04/05), 90.000.000 (01/06) and 81.000.000 (30/06/2026) failed under the old law;
    # costs 72.900.000; the creditor declined. Under the old 10 % cap the next cut (to 72.900.000) would land on
    # the floor, but from 1/7/2026 the cap is 5 %: a round at 81.000.000 − 4.050.000 = 76.950.000 is allowed,
    # above the floor. So on 10/07/2026 the reductions are not exhausted and the asset does not return yet.
    stage = auctioned_2026(org)
    round_(stage.auction, date(2026, 6, 1), 90 * M)
    round_(stage.auction, date(2026, 6, 30), 81 * M)
    cost(stage.case, 72_900_000, asset=stage.asset, on=date(2026, 3, 2))
    offer = creditor_offer_make(actor=None, auction=stage.auction, offered_on=date(2026, 7, 1), today=TODAY)
    creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2026, 7, 2), today=TODAY)
    refused("reductions_not_exhausted", lambda: auction_return_to_debtor(
        actor=None, auction=stage.auction, returned_on=date(2026, 7, 10), today=TODAY))
    assert round_(stage.auction, date(2026, 7, 10), 76_950_000).reduction == 4_050_000


def test_a_valuation_council_only_from_1_july_2026(org, stricter_new_law):
    case = make_case(unit=org["HG-KV1"], amount_due=500 * M, accepted_on=date(2026, 1, 5))
    seizure = seize(asset_create(actor=None, cases=[case], data=RICE), case, on=date(2026, 2, 2))
    error = refused("method_not_in_regime", lambda: value(seizure, 90 * M, method=ValuationMethod.COUNCIL,
                                                          valued_on=date(2026, 6, 30), notified_on=None))
    assert error.field == "method"
    valuation = value(seizure, 90 * M, method=ValuationMethod.COUNCIL, valued_on=date(2026, 7, 1), notified_on=None)
    assert (valuation.method, valuation.value) == (ValuationMethod.COUNCIL, 90 * M)


# ---- 3. the offer to the creditor --------------------------------------------------------------------------

def test_no_offer_after_the_once_reduced_auction_fails(org):
    stage = auctioned(org, prices=(100 * M, 90 * M))
    refused("creditor_offer_too_early",
            lambda: creditor_offer_make(actor=None, auction=stage.auction, offered_on=R[1] + timedelta(days=3),
                                        today=TODAY))


def test_after_the_twice_reduced_auction_fails_the_offer_comes_before_any_further_cut(org):
    # Rounds 100.000.000, 90.000.000, 81.000.000 all failed: two reductions.
    stage = auctioned(org, prices=(100 * M, 90 * M, 81 * M))
    # A third reduction (to 72.900.000, within the cap) before the offer: refused.
    refused("creditor_offer_required", lambda: round_(stage.auction, R[3], 72_900_000))
    offer = creditor_offer_make(actor=None, auction=stage.auction, offered_on=date(2019, 8, 21), today=TODAY)
    assert (offer.case, offer.price, offer.offered_on, offer.accepted) == (stage.case, 81 * M, date(2019, 8, 21), None)
    # While the creditor has not answered: refused.
    refused("creditor_answer_pending", lambda: round_(stage.auction, R[3], 72_900_000))
    refused("creditor_offer_exists",
            lambda: creditor_offer_make(actor=None, auction=stage.auction, offered_on=date(2019, 8, 22), today=TODAY))
    # The creditor declines: no redemption window, and the reductions go on.
    offer = creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2019, 8, 26), today=TODAY)
    assert (offer.accepted, offer.answered_on, offer.redemption_due_on) == (False, date(2019, 8, 26), None)
    fourth = round_(stage.auction, R[3], 72_900_000)
    fifth = round_(stage.auction, R[4], 65_610_000)   # 72.900.000 − 7.290.000
    assert [(r.number, r.reduction) for r in (fourth, fifth)] == [(4, 8_100_000), (5, 7_290_000)]


def test_after_acceptance_the_hand_over_waits_for_the_end_of_the_redemption_window(org):
    stage = auctioned(org, prices=(100 * M, 90 * M, 81 * M))
    offer = offer_accepted(stage.auction)
    # Accepted on 26/08/2019: the debtor may pay until 26/08 + 30 days = 25/09/2019.
    assert offer.redemption_due_on == date(2019, 9, 25)
    refused("auction_closed", lambda: round_(stage.auction, R[3], 81 * M))
    refused("redemption_window_open",
            lambda: auction_handover(actor=None, auction=stage.auction, handed_on=date(2019, 9, 25), today=TODAY))
    distribution = auction_handover(actor=None, auction=stage.auction, handed_on=date(2019, 9, 26), today=TODAY)
    # 81.000.000 at the offered price, no costs: all to the creditor's case.
    assert (distribution.source, distribution.proceeds, distribution.costs_paid, distribution.surplus_to_debtor) == (
        DistributionSource.HANDOVER, 81 * M, 0, 0)
    assert shares_of(distribution) == {stage.case.pk: (ClaimRank.OTHER, False, 81 * M, 0, 81 * M)}
    assert collections_on(date(2019, 9, 26)) == {stage.case.pk: 81 * M}
    assert (fresh(stage.auction).closed_as, stage.auction.closed_on) == (
        AuctionClosure.HANDED_TO_CREDITOR, date(2019, 9, 26))
    assert fresh(stage.case).amount_remaining == 500 * M - 81 * M


def test_the_debtor_redeems_within_the_window_but_not_after_it(org):
    stage = auctioned(org, prices=(100 * M, 90 * M, 81 * M))
    offer_accepted(stage.auction)   # window until 25/09/2019
    refused("redemption_window_closed", lambda: auction_redeem(
        actor=None, auction=stage.auction, paid_on=date(2019, 9, 26), amount=81 * M, today=TODAY))
    auction = auction_redeem(actor=None, auction=stage.auction, paid_on=date(2019, 9, 25), amount=81 * M,
                             today=TODAY)
    assert (auction.closed_as, auction.closed_on) == (AuctionClosure.REDEEMED, date(2019, 9, 25))
    assert collections_on(date(2019, 9, 25)) == {stage.case.pk: 81 * M}
    assert (fresh(stage.seizure).status, stage.seizure.released_on) == (SeizureStatus.RELEASED, date(2019, 9, 25))
    case = fresh(stage.case)
    assert (case.amount_collected, case.amount_remaining) == (81 * M, 419 * M)
    assert Distribution.objects.count() == 0


# ---- 4. the floor -------------------------------------------------------------------------------------------

def test_the_floor_from_enforcement_costs_stops_a_cut_landing_on_it(org):
    stage = auctioned(org, valuation=100 * M, prices=(100 * M,))
    # Costs 60.000.000 charged to the asset + 30.000.000 charged to no asset of its case = 90.000.000,
    # exactly where the next full 10 % cut (100.000.000 → 90.000.000) lands.
    cost(stage.case, 60 * M, asset=stage.asset, kind=CostKind.VALUATION)
    cost(stage.case, 30 * M, kind=CostKind.SEIZURE, on=SEIZED_ON)
    assert asset_floor(stage.asset, stage.case) == 90 * M
    error = refused("below_floor", lambda: round_(stage.auction, R[1], 90 * M))
    assert error.field == "starting_price"
    assert round_(stage.auction, R[1], 90 * M + 1).reduction == 9_999_999


@pytest.fixture
def mortgaged(org):
    """Bank VCB's case (100.000.000 owed) and another creditor's case (300.000.000) against the same
    debtor; the land answers for both and is mortgaged to VCB for up to 60.000.000. Costs: 12.000.000."""
    bank = BankFactory(code="VCB", name="Vietcombank Hậu Giang")
    bank_case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, amount_due=100 * M)
    other = make_case(unit=org["HG-VT"], amount_due=300 * M)
    asset = asset_create(actor=None, cases=[other, bank_case], data=RICE)
    collateral_register(actor=None, asset=asset, bank=bank, loan_contract_no="HĐTD 7/2017", principal=80 * M,
                        secured_amount=60 * M, registered_on=date(2017, 3, 1), today=TODAY)
    cost(other, 12 * M, asset=asset, kind=CostKind.VALUATION)
    return SimpleNamespace(bank=bank, bank_case=bank_case, other=other, asset=asset)


def test_seized_for_another_creditor_the_floor_adds_the_banks_secured_debt(mortgaged):
    m = mortgaged
    seizure = seize(m.asset, m.other)
    value(seizure, 80 * M)
    auction = contract(seizure)
    round_(auction, R[0], 80 * M)
    # Floor = 12.000.000 costs + min(60.000.000 secured, 100.000.000 owed) = 72.000.000 = 80.000.000 − 10 %.
    assert asset_floor(m.asset, m.other) == 72 * M
    refused("below_floor", lambda: round_(auction, R[1], 72 * M))
    round_(auction, R[1], 72 * M + 1)
    # The bank's case collects 45.000.000 elsewhere: it owes 55.000.000, less than the secured amount, so
    # the floor becomes 12.000.000 + 55.000.000 = 67.000.000.
    record(m.bank_case, EventKind.THU_TIEN, date(2019, 7, 15), amount=45 * M)
    assert asset_floor(m.asset, m.other) == 67 * M
    refused("below_floor", lambda: round_(auction, R[2], 67 * M))
    assert round_(auction, R[2], 67 * M + 1).reduction == 5 * M   # 72.000.001 − 67.000.001


def test_seized_in_the_banks_own_case_the_floor_is_just_the_costs(mortgaged):
    m = mortgaged
    seizure = seize(m.asset, m.bank_case)
    value(seizure, 80 * M)
    auction = contract(seizure)
    round_(auction, R[0], 80 * M)
    assert asset_floor(m.asset, m.bank_case) == 12 * M
    # 72.000.000 is below costs + secured debt but above the costs: accepted, the bank is still paid from it.
    assert round_(auction, R[1], 72 * M).starting_price == 72 * M


@pytest.fixture
def at_the_end(org):
    """Rounds 100, 90 and 81 million failed (two reductions). The asset answers for its seizure case, a
    second case with conditions, and a third case already postponed (ground a)."""
    second = make_case(unit=org["HG-VT"], amount_due=40 * M)
    postponed = make_case(unit=org["HG-VT"], amount_due=30 * M)
    record(postponed, EventKind.HOAN, date(2019, 2, 1), ground="a")
    stage = auctioned(org, prices=(100 * M, 90 * M, 81 * M), extra_cases=(second, postponed))
    stage.second, stage.postponed = second, postponed
    return stage


def test_return_to_debtor_only_when_reductions_are_exhausted_and_the_creditor_declined(at_the_end):
    stage = at_the_end
    returning = lambda: auction_return_to_debtor(  # noqa: E731
        actor=None, auction=stage.auction, returned_on=date(2019, 9, 30), today=TODAY)
    # Floor 72.899.999: the full cut from 81.000.000 (to 72.900.000) still lands above it.
    cost(stage.case, 72_899_999, asset=stage.asset, kind=CostKind.STORAGE)
    refused("reductions_not_exhausted", returning)
    # One đồng more of costs: the floor is 72.900.000, the full cut lands on it — exhausted.
    cost(stage.case, 1, asset=stage.asset)
    refused("creditor_offer_required", returning)
    offer = creditor_offer_make(actor=None, auction=stage.auction, offered_on=date(2019, 8, 21), today=TODAY)
    refused("creditor_offer_required", returning)   # no answer yet
    creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2019, 8, 26), today=TODAY)
    refused("below_floor", lambda: round_(stage.auction, R[3], 72_900_000))
    postponed_before = cached(stage.postponed)

    auction = returning()

    assert (auction.closed_as, auction.closed_on) == (AuctionClosure.RETURNED_TO_DEBTOR, date(2019, 9, 30))
    assert (fresh(stage.seizure).status, stage.seizure.released_on) == (SeizureStatus.RELEASED, date(2019, 9, 30))
    hoan = CaseEvent.objects.filter(kind=EventKind.HOAN, date=date(2019, 9, 30))
    assert sorted(hoan.values_list("case_id", "ground")) == sorted([(stage.case.pk, "h"), (stage.second.pk, "h")])
    for case in (stage.case, stage.second):
        assert (fresh(case).status, case.status_ground) == (Status.POSTPONED, "h")
    postponed = fresh(stage.postponed)
    assert (postponed.status, postponed.status_ground, postponed.event_count) == (Status.POSTPONED, "a", 1)
    assert cached(postponed) == postponed_before
    refused("auction_closed", lambda: round_(stage.auction, R[3], 81 * M))


# ---- 5. a sale, its payment and a buyer's default -----------------------------------------------------------

@pytest.fixture
def two_creditors(org):
    """Two ordinary cases (300.000.000 and 100.000.000) against one debtor; the land answers for both,
    seized in the first, valued 150.000.000; a 5.000.000 valuation cost charged to the land."""
    first = make_case(unit=org["HG-VT"], amount_due=300 * M)
    second = make_case(unit=org["HG-VT"], amount_due=100 * M)
    asset = asset_create(actor=None, cases=[first, second], data=RICE)
    seizure = seize(asset, first)
    value(seizure, 150 * M)
    valuation_cost = cost(first, 5 * M, asset=asset, kind=CostKind.VALUATION)
    auction = contract(seizure)
    return SimpleNamespace(first=first, second=second, asset=asset, seizure=seizure, auction=auction,
                           cost=valuation_cost)


def test_a_paid_sale_is_distributed_as_one_collection_per_case(two_creditors):
    t = two_creditors
    refused("invalid_sale_price", lambda: round_(t.auction, R[0], 150 * M, RoundOutcome.SOLD, sale_price=150 * M - 1,
                                                 buyer_name="Lê Văn C"))
    refused("required", lambda: round_(t.auction, R[0], 150 * M, RoundOutcome.SOLD, sale_price=160 * M))
    sold = round_(t.auction, R[0], 150 * M, RoundOutcome.SOLD, sale_price=160 * M, buyer_name="Lê Văn C")
    assert (sold.sale_price, sold.buyer_name, sold.payment_due_on, sold.paid_on) == (
        160 * M, "Lê Văn C", date(2019, 6, 19), None)   # 20/05 + 30 days
    refused("sale_pending", lambda: round_(t.auction, R[1], 150 * M))

    distribution = auction_sale_paid(actor=None, auction_round=sold, paid_on=date(2019, 6, 10), today=TODAY)

    # 160.000.000 − 5.000.000 costs = 155.000.000 for two rank-3 debts of 300 and 100 million:
    # 155.000.000 × 3/4 = 116.250.000 and × 1/4 = 38.750.000.
    assert (distribution.source, distribution.auction, distribution.received_on, distribution.proceeds,
            distribution.costs_paid, distribution.surplus_to_debtor) == (
        DistributionSource.SALE, t.auction, date(2019, 6, 10), 160 * M, 5 * M, 0)
    assert shares_of(distribution) == {t.first.pk: (3, False, 116_250_000, 0, 116_250_000),
                                       t.second.pk: (3, False, 38_750_000, 0, 38_750_000)}
    assert collections_on(date(2019, 6, 10)) == {t.first.pk: 116_250_000, t.second.pk: 38_750_000}
    assert CaseEvent.objects.filter(kind=EventKind.THU_TIEN).count() == 2
    for share in DistributionShare.objects.filter(distribution=distribution):
        assert (share.event.case_id, share.event.amount, share.event.date) == (
            share.case_id, share.amount, date(2019, 6, 10))
    assert fresh(t.cost).recovered == 5 * M
    assert (fresh(t.first).amount_remaining, fresh(t.second).amount_remaining) == (183_750_000, 61_250_000)
    assert (fresh(t.auction).closed_as, t.auction.closed_on) == (AuctionClosure.SOLD, date(2019, 6, 10))
    assert fresh(sold).paid_on == date(2019, 6, 10)
    refused("auction_closed", lambda: round_(t.auction, R[1], 150 * M))
    refused("no_pending_sale", lambda: auction_sale_paid(actor=None, auction_round=sold, paid_on=date(2019, 6, 11),
                                                         today=TODAY))


def test_a_buyer_who_does_not_pay_turns_the_sale_into_a_failed_round(two_creditors):
    t = two_creditors
    sold = round_(t.auction, R[0], 150 * M, RoundOutcome.SOLD, sale_price=170 * M, buyer_name="Lê Văn C")
    defaulted = auction_sale_default(actor=None, auction_round=sold, defaulted_on=date(2019, 6, 20), today=TODAY)
    assert (defaulted.outcome, defaulted.defaulted_on, defaulted.paid_on) == (
        RoundOutcome.WINNER_DID_NOT_PAY, date(2019, 6, 20), None)
    assert fresh(t.auction).closed_as == ""
    refused("no_pending_sale", lambda: auction_sale_default(actor=None, auction_round=sold,
                                                            defaulted_on=date(2019, 6, 21), today=TODAY))
    # The next cut is from that round's starting price (150.000.000), not the sale price: at most 15.000.000.
    refused("reduction_above_cap", lambda: round_(t.auction, R[1], 135 * M - 1))
    second = round_(t.auction, R[1], 135 * M)
    assert (second.number, second.reduction) == (2, 15 * M)
    assert Distribution.objects.count() == 0 and CaseEvent.objects.filter(kind=EventKind.THU_TIEN).count() == 0


# ---- 6. the order of payment across the cases of one debtor (Điều 47) ---------------------------------------

JUDGMENT = "05/2018/KDTM-ST"


def debtor(org, *, secured_amount):
    """One debtor, one house, six cases (all HG-VT, accepted 10–15/01/2019 in this order):

        bank   credit case of BIDV, 400.000.000 of which 100.000.000 late-payment interest (asset_case_link);
               BIDV holds a mortgage on the house for up to ``secured_amount``; the house is seized here
        fee    court fee of the same judgment (ngân sách, rank 2 by default), 9.000.000
        wages  unpaid wages (linked with rank 1), 60.000.000
        fine   a fine of another judgment (ngân sách, rank 2), 6.000.000
        d1     ordinary debt (rank 3), 10.000.000
        d2     ordinary debt (rank 3), 20.000.000 of which 2.000.000 interest

    Costs: 3.000.000 seizure cost of the wages case charged to no asset (01/03/2019) and 12.000.000
    valuation cost charged to the house (01/04/2019): 15.000.000."""
    unit = org["HG-VT"]
    bidv = BankFactory(code="BIDV", name="BIDV Hậu Giang")
    bank = make_case(unit=unit, category=Category.TIN_DUNG_NGAN_HANG, bank=bidv, amount_due=400 * M,
                     judgment_no=JUDGMENT, judgment_type=JudgmentType.KINH_DOANH_THUONG_MAI,
                     accepted_on=date(2019, 1, 10))
    fee = make_case(unit=unit, category=Category.NGAN_SACH, origin=Origin.CHU_DONG, amount_due=9 * M,
                    judgment_no=JUDGMENT, judgment_type=JudgmentType.KINH_DOANH_THUONG_MAI,
                    accepted_on=date(2019, 1, 11))
    wages = make_case(unit=unit, amount_due=60 * M, judgment_type=JudgmentType.LAO_DONG, judgment_no="3/2018/LĐ-ST",
                      accepted_on=date(2019, 1, 12))
    fine = make_case(unit=unit, category=Category.NGAN_SACH, origin=Origin.CHU_DONG, amount_due=6 * M,
                     judgment_no="77/2018/HS-ST", judgment_type=JudgmentType.HINH_SU, accepted_on=date(2019, 1, 13))
    d1 = make_case(unit=unit, amount_due=10 * M, accepted_on=date(2019, 1, 14))
    d2 = make_case(unit=unit, amount_due=20 * M, accepted_on=date(2019, 1, 15))
    house = asset_create(actor=None, cases=[bank, fee, fine, d1, d2], data=HOUSE)
    asset_case_link(actor=None, asset=house, case=wages, rank=ClaimRank.LIVELIHOOD)
    asset_case_link(actor=None, asset=house, case=bank, interest_due=100 * M)
    asset_case_link(actor=None, asset=house, case=d2, interest_due=2 * M)
    collateral_register(actor=None, asset=house, bank=bidv, loan_contract_no="HĐTD 15/2016", principal=300 * M,
                        contractual_interest=100 * M, secured_amount=secured_amount, registered_on=date(2016, 6, 1),
                        today=TODAY)
    seizure_cost = cost(wages, 3 * M, kind=CostKind.SEIZURE, on=SEIZED_ON)
    valuation_cost = cost(bank, 12 * M, asset=house, kind=CostKind.VALUATION, on=VALUED_ON)
    seizure = seize(house, bank)
    value(seizure, 300 * M)
    return SimpleNamespace(bidv=bidv, bank=bank, fee=fee, wages=wages, fine=fine, d1=d1, d2=d2, house=house,
                           seizure=seizure, costs=(seizure_cost, valuation_cost))


def sell(d, price, *, paid_on=date(2019, 6, 10)):
    auction = contract(d.seizure)
    sold = round_(auction, R[0], 300 * M, RoundOutcome.SOLD, sale_price=price, buyer_name="Phạm Văn D")
    return auction_sale_paid(actor=None, auction_round=sold, paid_on=paid_on, today=TODAY)


def test_payout_order_when_the_proceeds_cover_every_debt(org):
    d = debtor(org, secured_amount=400 * M)
    distribution = sell(d, 530 * M)
    # 530.000.000
    #  − 15.000.000 costs                                       → 515.000.000
    #  −  9.000.000 the secured judgment's court fee (fee)      → 506.000.000
    #  − 300.000.000 BIDV principal, then 100.000.000 interest  → 106.000.000  (secured up to 400.000.000)
    #  −  60.000.000 rank 1 (wages)                             →  46.000.000
    #  −   6.000.000 rank 2 (fine)                              →  40.000.000
    #  −  28.000.000 rank 3 principal: d1 10.000.000, d2 18.000.000, then 2.000.000 d2 interest → 10.000.000
    #  = 10.000.000 surplus to the debtor.
    assert (distribution.costs_paid, distribution.surplus_to_debtor) == (15 * M, 10 * M)
    assert shares_of(distribution) == {
        d.fee.pk: (2, True, 9 * M, 0, 9 * M),
        d.bank.pk: (3, True, 300 * M, 100 * M, 400 * M),
        d.wages.pk: (1, False, 60 * M, 0, 60 * M),
        d.fine.pk: (2, False, 6 * M, 0, 6 * M),
        d.d1.pk: (3, False, 10 * M, 0, 10 * M),
        d.d2.pk: (3, False, 18 * M, 2 * M, 20 * M),
    }
    assert DistributionShare.objects.get(case=d.bank).recipient == "BIDV Hậu Giang"
    assert collections_on(date(2019, 6, 10)) == {d.fee.pk: 9 * M, d.bank.pk: 400 * M, d.wages.pk: 60 * M,
                                                 d.fine.pk: 6 * M, d.d1.pk: 10 * M, d.d2.pk: 20 * M}
    assert [fresh(c).recovered for c in d.costs] == [3 * M, 12 * M]
    assert {fresh(c).amount_remaining for c in (d.bank, d.fee, d.wages, d.fine, d.d1, d.d2)} == {0}


def test_payout_order_rank_three_is_pro_rata_in_whole_dong(org):
    d = debtor(org, secured_amount=400 * M)
    distribution = asset_collection_distribute(actor=None, asset=d.house, received_on=date(2019, 6, 10),
                                               amount=500_000_001, today=TODAY)
    # 500.000.001 − 15.000.000 − 9.000.000 − 400.000.000 − 60.000.000 − 6.000.000 = 10.000.001 for the
    # rank-3 principals d1 10.000.000 and d2 18.000.000 (interest waits for every principal of the rank):
    #   d1: 10.000.001 × 10/28 = 3.571.428,93 → 3.571.428, d2: × 18/28 = 6.428.572,07 → 6.428.572;
    #   one đồng left over goes to the largest remainder (d1, ,93): d1 3.571.429, d2 6.428.572.
    assert (distribution.source, distribution.auction, distribution.costs_paid, distribution.surplus_to_debtor) == (
        DistributionSource.COLLECTION, None, 15 * M, 0)
    assert shares_of(distribution) == {
        d.fee.pk: (2, True, 9 * M, 0, 9 * M),
        d.bank.pk: (3, True, 300 * M, 100 * M, 400 * M),
        d.wages.pk: (1, False, 60 * M, 0, 60 * M),
        d.fine.pk: (2, False, 6 * M, 0, 6 * M),
        d.d1.pk: (3, False, 3_571_429, 0, 3_571_429),
        d.d2.pk: (3, False, 6_428_572, 0, 6_428_572),
    }
    assert collections_on(date(2019, 6, 10))[d.d1.pk] == 3_571_429
    assert (fresh(d.d1).amount_remaining, fresh(d.d2).amount_remaining) == (6_428_571, 13_571_428)


def test_the_mortgagee_is_paid_from_its_collateral_ahead_of_rank_one_wages(org):
    d = debtor(org, secured_amount=400 * M)
    distribution = sell(d, 430 * M)
    # 430.000.000 − 15.000.000 costs − 9.000.000 court fee − 400.000.000 BIDV (rank 3, but secured by the
    # house) = 6.000.000 left for the rank-1 wages; nothing for ranks 2 and 3.
    assert (distribution.costs_paid, distribution.surplus_to_debtor) == (15 * M, 0)
    assert shares_of(distribution) == {
        d.fee.pk: (2, True, 9 * M, 0, 9 * M),
        d.bank.pk: (3, True, 300 * M, 100 * M, 400 * M),
        d.wages.pk: (1, False, 6 * M, 0, 6 * M),
    }
    assert collections_on(date(2019, 6, 10)) == {d.fee.pk: 9 * M, d.bank.pk: 400 * M, d.wages.pk: 6 * M}
    assert (fresh(d.wages).amount_remaining, fresh(d.fine).event_count) == (54 * M, 0)


def test_the_banks_debt_above_its_secured_amount_ranks_with_rank_three(org):
    d = debtor(org, secured_amount=250 * M)
    distribution = asset_collection_distribute(actor=None, asset=d.house, received_on=date(2019, 6, 10),
                                               amount=379_000_001, today=TODAY)
    # BIDV is secured for 250.000.000 (principal first): the rest, 50.000.000 principal and 100.000.000
    # interest, is an ordinary rank-3 debt.
    # 379.000.001 − 15.000.000 − 9.000.000 − 250.000.000 − 60.000.000 − 6.000.000 = 39.000.001 for the
    # rank-3 principals BIDV 50.000.000, d1 10.000.000, d2 18.000.000 (78.000.000):
    #   BIDV × 50/78 = 25.000.000,64; d1 × 10/78 = 5.000.000,13; d2 × 18/78 = 9.000.000,23
    #   → 25.000.000 + 5.000.000 + 9.000.000, the one đồng left to BIDV (largest remainder ,64).
    assert (distribution.costs_paid, distribution.surplus_to_debtor) == (15 * M, 0)
    assert shares_of(distribution) == {
        d.fee.pk: (2, True, 9 * M, 0, 9 * M),
        d.bank.pk: (3, True, 275_000_001, 0, 275_000_001),
        d.wages.pk: (1, False, 60 * M, 0, 60 * M),
        d.fine.pk: (2, False, 6 * M, 0, 6 * M),
        d.d1.pk: (3, False, 5 * M, 0, 5 * M),
        d.d2.pk: (3, False, 9 * M, 0, 9 * M),
    }
    assert fresh(d.bank).amount_remaining == 400 * M - 275_000_001


def test_collections_pay_the_costs_once_oldest_first_then_the_secured_court_fee(org):
    d = debtor(org, secured_amount=400 * M)
    first = asset_collection_distribute(actor=None, asset=d.house, received_on=date(2019, 6, 1), amount=10 * M,
                                        today=TODAY)
    # 10.000.000 < 15.000.000 costs: the seizure cost (01/03) in full, 7.000.000 of the valuation cost.
    assert (first.costs_paid, first.surplus_to_debtor, first.shares.count()) == (10 * M, 0, 0)
    assert [fresh(c).recovered for c in d.costs] == [3 * M, 7 * M]
    assert CaseEvent.objects.filter(kind=EventKind.THU_TIEN).count() == 0
    second = asset_collection_distribute(actor=None, asset=d.house, received_on=date(2019, 6, 15), amount=20 * M,
                                         today=TODAY)
    # 20.000.000: the 5.000.000 costs left, the court fee 9.000.000, then 6.000.000 BIDV principal.
    assert (second.costs_paid, second.surplus_to_debtor) == (5 * M, 0)
    assert shares_of(second) == {d.fee.pk: (2, True, 9 * M, 0, 9 * M), d.bank.pk: (3, True, 6 * M, 0, 6 * M)}
    assert [fresh(c).recovered for c in d.costs] == [3 * M, 12 * M]
    assert collections_on(date(2019, 6, 15)) == {d.fee.pk: 9 * M, d.bank.pk: 6 * M}


def test_the_court_fee_of_a_secured_judgment_is_still_paid_once_the_bank_is_paid_off(org):
    # Given BIDV's case fully collected elsewhere (remaining 0), its judgment's court fee (9.000.000) and an
    # ordinary debt (10.000.000) still owed, the house mortgaged to BIDV.
    bidv = BankFactory(code="BIDV", name="BIDV Hậu Giang")
    bank = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bidv, amount_due=100 * M,
                     judgment_no=JUDGMENT)
    fee = make_case(unit=org["HG-VT"], category=Category.NGAN_SACH, origin=Origin.CHU_DONG, amount_due=9 * M,
                    judgment_no=JUDGMENT)
    other = make_case(unit=org["HG-VT"], amount_due=10 * M)
    house = asset_create(actor=None, cases=[bank, fee, other], data=HOUSE)
    collateral_register(actor=None, asset=house, bank=bidv, loan_contract_no="HĐTD 15/2016", principal=100 * M,
                        secured_amount=100 * M, today=TODAY)
    record(bank, EventKind.THU_TIEN, date(2019, 5, 1), amount=100 * M)
    # When 30.000.000 is collected from the house
    distribution = asset_collection_distribute(actor=None, asset=house, received_on=date(2019, 6, 1), amount=30 * M,
                                               today=TODAY)
    # Then the court fee (rank 2) and the ordinary debt are paid, and only 11.000.000 goes back to the debtor.
    assert {case_id: amount for case_id, (*_rest, amount) in shares_of(distribution).items()} == {
        fee.pk: 9 * M, other.pk: 10 * M}
    assert distribution.surplus_to_debtor == 11 * M


def test_asset_case_link_sets_the_rank_and_the_interest_of_a_claim(org):
    other = make_case(unit=org["HG-VT"], amount_due=50 * M)
    wages = make_case(unit=org["HG-VT"], amount_due=60 * M, judgment_type=JudgmentType.LAO_DONG)
    house = asset_create(actor=None, cases=[other], data=HOUSE)
    link = asset_case_link(actor=None, asset=house, case=wages, rank=ClaimRank.LIVELIHOOD, interest_due=5 * M)
    assert (link.case, link.rank, link.interest_due) == (wages, ClaimRank.LIVELIHOOD, 5 * M)
    assert asset_case_link(actor=None, asset=house, case=other).rank == ClaimRank.OTHER
    error = refused("invalid_choice", lambda: asset_case_link(actor=None, asset=house, case=wages, rank=4))
    assert error.field == "rank"
    refused("invalid_amount", lambda: asset_case_link(actor=None, asset=house, case=wages, rank=1,
                                                      interest_due=60 * M + 1))
    asset_collection_distribute(actor=None, asset=house, received_on=date(2019, 6, 1), amount=M, today=TODAY)
    refused("already_distributed", lambda: asset_case_link(actor=None, asset=house, case=wages, rank=3))


# ---- 7. a refused step writes nothing -----------------------------------------------------------------------

def test_refused_asset_collateral_seizure_and_valuation_steps_write_nothing(org):
    case = make_case(unit=org["HG-VT"], amount_due=500 * M)
    error = refused("required", lambda: asset_create(actor=None, cases=[case], data=replace(RICE, parcel_no=" ")))
    assert error.field == "parcel_no"
    refused("required", lambda: asset_create(actor=None, cases=[case], data=replace(RICE, area_m2=None)))
    kv1_case = make_case(unit=org["HG-KV1"], accepted_on=date(2025, 8, 1))
    refused("units_differ", lambda: asset_create(actor=None, cases=[case, kv1_case], data=RICE))

    asset = asset_create(actor=None, cases=[case], data=RICE)
    stranger = BankFactory(code="SHB", name="SHB")
    error = refused("bank_not_creditor", lambda: collateral_register(
        actor=None, asset=asset, bank=stranger, loan_contract_no="HĐ 1", principal=M, secured_amount=M, today=TODAY))
    assert error.field == "bank"

    seizure = seize(asset, case)
    refused("already_seized", lambda: seize(asset, case, on=date(2019, 3, 2)))
    refused("method_not_in_regime", lambda: value(seizure, 90 * M, method=ValuationMethod.COUNCIL,
                                                  valued_on=date(2019, 4, 1)))
    valuation = value(seizure, 90 * M)
    refused("already_valued", lambda: value(seizure, 95 * M, valued_on=date(2019, 4, 2)))

    revalue = lambda requested_on, of=valuation: revaluation_record(  # noqa: E731
        actor=None, valuation=of, requested_on=requested_on, requested_by="Nguyễn Văn A",
        method=ValuationMethod.OFFICER, value=95 * M, valued_on=date(2019, 4, 20), today=TODAY)
    # Notified Fri 05/04/2019: the window ends Fri 12/04/2019; Tue 16/04 is the 6th working day (Mon 15/04
    # is a day off).
    refused("revaluation_too_late", lambda: revalue(date(2019, 4, 16)))
    again = revalue(date(2019, 4, 12))
    refused("revaluation_exists", lambda: revalue(date(2019, 4, 12)))
    refused("revaluation_exists", lambda: revalue(date(2019, 4, 12), of=again))
    unrelated = make_case(unit=org["HG-VT"])
    refused("not_linked", lambda: cost(unrelated, M, asset=asset))


def test_refused_auction_steps_write_nothing(org):
    stage = auctioned(org, prices=(100 * M,))
    refused("auction_open", lambda: seizure_release(actor=None, seizure=stage.seizure, released_on=date(2019, 6, 1),
                                                    reason="Giải tỏa", today=TODAY))
    refused("reduction_above_cap", lambda: round_(stage.auction, R[1], 90 * M - 1))
    round_(stage.auction, R[1], 90 * M)
    refused("creditor_offer_too_early", lambda: creditor_offer_make(
        actor=None, auction=stage.auction, offered_on=date(2019, 7, 10), today=TODAY))
    round_(stage.auction, R[2], 81 * M)
    offer_accepted(stage.auction)
    refused("redemption_window_open", lambda: auction_handover(
        actor=None, auction=stage.auction, handed_on=date(2019, 9, 1), today=TODAY))


def test_a_sale_payment_refused_by_one_receiving_case_writes_nothing(org):
    # The land answers for a court-fee case (rank 2, paid first) and an ordinary case that is suspended
    # (cassation protest): the workflow refuses a collection on a suspended case (a postponed one may still
    # collect). The payment is refused after the round was marked paid, the auction closed, the cost
    # recovered and the court fee's collection recorded: all of it must be rolled back.
    fee = make_case(unit=org["HG-VT"], category=Category.NGAN_SACH, origin=Origin.CHU_DONG, amount_due=100 * M)
    suspended = make_case(unit=org["HG-VT"], amount_due=100 * M)
    record(suspended, EventKind.TAM_DINH_CHI, date(2019, 5, 1), ground="giam_doc_tham")
    asset = asset_create(actor=None, cases=[fee, suspended], data=RICE)
    seizure = seize(asset, fee)
    value(seizure, 100 * M)
    cost(fee, 5 * M, asset=asset)
    auction = contract(seizure)
    sold = round_(auction, R[0], 100 * M, RoundOutcome.SOLD, sale_price=120 * M, buyer_name="Lê Văn C")
    # 120.000.000 − 5.000.000 costs: 100.000.000 to the court fee, then 15.000.000 to the suspended case.
    refused("not_allowed_from_status", lambda: auction_sale_paid(
        actor=None, auction_round=sold, paid_on=date(2019, 6, 10), today=TODAY))
    assert (fresh(sold).paid_on, fresh(auction).closed_as, fresh(fee).amount_remaining) == (None, "", 100 * M)


def test_a_distribution_to_a_case_the_actor_may_not_write_writes_nothing(org, people):
    mine = make_case(unit=org["HG-VT"], amount_due=50 * M, officer=people["officer"])
    theirs = make_case(unit=org["HG-VT"], amount_due=50 * M, officer=people["officer2"])
    account = asset_create(actor=None, cases=[mine, theirs], data=ACCOUNT)
    refused("permission_denied", lambda: asset_collection_distribute(
        actor=people["officer"], asset=account, received_on=date(2019, 6, 1), amount=20 * M, today=TODAY),
        error=PermissionDeniedError)


# ---- 8. scoping ---------------------------------------------------------------------------------------------

@pytest.fixture
def officers_assets(org, people):
    """Built entirely by the assigned officer of HG-VT (which proves they may write these steps):

        sold     rice land of the ACB credit case (300.000.000, mortgage up to 200.000.000) and of ``other``;
                 seized, valued 200.000.000, round 1 sold at 210.000.000, payment pending
        offered  house of ``other`` (50.000.000); valued 40.000.000; rounds 40, 36, 32,4 million failed;
                 offered to the creditor, no answer yet
        free     bank account of ``other``, not seized
        a 1.000.000 cost of ``other`` charged to no asset"""
    officer = people["officer"]
    acb = BankFactory(code="ACB", name="ACB Hậu Giang")
    bank_case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=acb, amount_due=300 * M,
                          officer=officer, actor=officer)
    other = make_case(unit=org["HG-VT"], amount_due=50 * M, officer=officer, actor=officer)
    sold_asset = asset_create(actor=officer, cases=[bank_case, other], data=RICE)
    collateral_register(actor=officer, asset=sold_asset, bank=acb, loan_contract_no="HĐTD 9/2017",
                        principal=250 * M, secured_amount=200 * M, today=TODAY)
    seizure = seize(sold_asset, bank_case, actor=officer)
    valuation = value(seizure, 200 * M, actor=officer)
    auction = contract(seizure, actor=officer)
    sold = round_(auction, R[0], 200 * M, RoundOutcome.SOLD, sale_price=210 * M, buyer_name="Lê Văn C",
                  actor=officer)
    offered_asset = asset_create(actor=officer, cases=[other], data=HOUSE)
    seizure2 = seize(offered_asset, other, actor=officer)
    value(seizure2, 40 * M, actor=officer)
    auction2 = contract(seizure2, actor=officer)
    for i, price in enumerate((40 * M, 36 * M, 32_400_000)):
        round_(auction2, R[i], price, actor=officer)
    offer = creditor_offer_make(actor=officer, auction=auction2, offered_on=date(2019, 8, 21), today=TODAY)
    free = asset_create(actor=officer, cases=[other], data=ACCOUNT)
    cost(other, M, kind=CostKind.SEIZURE, actor=officer)
    return SimpleNamespace(acb=acb, bank_case=bank_case, other=other, sold_asset=sold_asset, seizure=seizure,
                           valuation=valuation, auction=auction, sold=sold, offered_asset=offered_asset,
                           auction2=auction2, offer=offer, free=free)


WRITES = {
    "asset_create": lambda w, a: asset_create(actor=a, cases=[w.other], data=HOUSE),
    "asset_case_link": lambda w, a: asset_case_link(actor=a, asset=w.free, case=w.bank_case),
    "collateral_register": lambda w, a: collateral_register(
        actor=a, asset=w.sold_asset, bank=w.acb, loan_contract_no="HĐTD 2/2018", principal=M, secured_amount=M,
        today=TODAY),
    "seizure_record": lambda w, a: seize(w.free, w.other, actor=a),
    "seizure_release": lambda w, a: seizure_release(actor=a, seizure=w.seizure, released_on=date(2019, 6, 1),
                                                    reason="Giải tỏa", today=TODAY),
    "valuation_record": lambda w, a: value(w.seizure, 190 * M, actor=a),
    "revaluation_record": lambda w, a: revaluation_record(
        actor=a, valuation=w.valuation, requested_on=date(2019, 4, 8), requested_by="Nguyễn Văn A",
        method=ValuationMethod.OFFICER, value=190 * M, valued_on=date(2019, 4, 15), today=TODAY),
    "auction_create": lambda w, a: contract(w.seizure, actor=a),
    "auction_round_record": lambda w, a: round_(w.auction2, R[3], 32_400_000, actor=a),
    "auction_sale_paid": lambda w, a: auction_sale_paid(actor=a, auction_round=w.sold, paid_on=date(2019, 6, 10),
                                                        today=TODAY),
    "auction_sale_default": lambda w, a: auction_sale_default(actor=a, auction_round=w.sold,
                                                              defaulted_on=date(2019, 6, 25), today=TODAY),
    "creditor_offer_make": lambda w, a: creditor_offer_make(actor=a, auction=w.auction2, offered_on=date(2019, 8, 22),
                                                            today=TODAY),
    "creditor_offer_answer": lambda w, a: creditor_offer_answer(actor=a, offer=w.offer, accepted=True,
                                                                answered_on=date(2019, 8, 26), today=TODAY),
    "auction_handover": lambda w, a: auction_handover(actor=a, auction=w.auction2, handed_on=date(2019, 10, 1),
                                                      today=TODAY),
    "auction_redeem": lambda w, a: auction_redeem(actor=a, auction=w.auction2, paid_on=date(2019, 9, 1), amount=M,
                                                  today=TODAY),
    "auction_return_to_debtor": lambda w, a: auction_return_to_debtor(actor=a, auction=w.auction2,
                                                                      returned_on=date(2019, 10, 1), today=TODAY),
    "enforcement_cost_record": lambda w, a: cost(w.other, M, actor=a),
    "asset_collection_distribute": lambda w, a: asset_collection_distribute(
        actor=a, asset=w.free, received_on=date(2019, 6, 1), amount=M, today=TODAY),
}


@pytest.mark.parametrize("who", ["outsider", "statistician", "officer2"])
def test_people_outside_the_assets_cases_may_not_write_any_step(officers_assets, people, who):
    # outsider: an officer of ST-A; statistician: reads HG but writes nothing; officer2: HG-VT but not assigned.
    for name, write in WRITES.items():
        try:
            refused("permission_denied", lambda write=write: write(officers_assets, people[who]),
                    error=PermissionDeniedError)
        except AssertionError as failure:   # name the service in the report
            raise AssertionError(f"{name}: {failure}") from None


def test_the_assigned_officer_may_write_the_remaining_steps(officers_assets, people):
    w, officer = officers_assets, people["officer"]
    distribution = WRITES["auction_sale_paid"](w, officer)
    assert distribution.shares.count() == 2
    offer = WRITES["creditor_offer_answer"](w, officer)
    assert offer.redemption_due_on == date(2019, 9, 25)
    assert WRITES["auction_redeem"](w, officer).closed_as == AuctionClosure.REDEEMED
    seizure = WRITES["seizure_record"](w, officer)
    valuation = value(seizure, 30 * M, actor=officer)
    revaluation_record(actor=officer, valuation=valuation, requested_on=date(2019, 4, 8), requested_by="Nguyễn Văn A",
                       method=ValuationMethod.OFFICER, value=28 * M, valued_on=date(2019, 4, 15), today=TODAY)
    assert seizure_release(actor=officer, seizure=seizure, released_on=date(2019, 5, 1), reason="Giải tỏa",
                           today=TODAY).status == SeizureStatus.RELEASED
    # (after the redemption collected on 01/09/2019, a later collection date)
    assert asset_collection_distribute(actor=officer, asset=w.free, received_on=date(2019, 10, 1), amount=M,
                                       today=TODAY).proceeds == M
    assert WRITES["enforcement_cost_record"](w, officer).amount == M


def test_asset_list_is_scoped_by_unit(officers_assets, people):
    everything = {officers_assets.sold_asset.pk, officers_assets.offered_asset.pk, officers_assets.free.pk}
    assert list(asset_list_for_user(people["outsider"])) == []
    assert set(asset_list_for_user(people["officer"]).values_list("pk", flat=True)) == everything
    assert set(asset_list_for_user(people["statistician"]).values_list("pk", flat=True)) == everything


# ---- 9. re-valuation ----------------------------------------------------------------------------------------

@pytest.fixture
def valued(org):
    case = make_case(unit=org["HG-VT"], amount_due=500 * M)
    asset = asset_create(actor=None, cases=[case], data=RICE)
    seizure = seize(asset, case)
    return SimpleNamespace(case=case, asset=asset, seizure=seizure, valuation=value(seizure, 100 * M))


def revalue(valuation, requested_on, amount=95 * M, valued_on=None):
    return revaluation_record(actor=None, valuation=valuation, requested_on=requested_on, requested_by="Nguyễn Văn A",
                              method=ValuationMethod.FIRM, firm_name="Công ty TĐG Cửu Long", value=amount,
                              contract_signed_on=requested_on, valued_on=valued_on or requested_on + timedelta(days=3),
                              today=TODAY)


def test_a_revaluation_on_the_fifth_working_day_gives_the_first_rounds_price(valued):
    # Notified Fri 05/04/2019; Sat 6 and Sun 7 do not count: Mon 8 … Fri 12/04 are the 5 working days.
    assert revaluation_deadline(valued.valuation) == date(2019, 4, 12)
    again = revalue(valued.valuation, date(2019, 4, 12), amount=95 * M, valued_on=date(2019, 4, 16))
    assert (again.revaluation_of, again.revaluation_requested_on, again.value) == (
        valued.valuation, date(2019, 4, 12), 95 * M)
    auction = contract(valued.seizure)
    refused("first_round_price", lambda: round_(auction, R[0], 100 * M))
    assert round_(auction, R[0], 95 * M).starting_price == 95 * M


def test_a_revaluation_on_the_sixth_working_day_is_refused(valued):
    # Mon 15/04/2019 is a day off (Hùng Kings' day in lieu): Tue 16/04 is the 6th working day after the notice.
    error = refused("revaluation_too_late", lambda: revalue(valued.valuation, date(2019, 4, 16)))
    assert error.field == "requested_on"


def test_the_window_counts_working_days_of_the_holiday_calendar(org):
    # The seeded calendar for 2019: Mon 29/04, Tue 30/04 and Wed 01/05 off; Sat 04/05 a make-up working day.
    case = make_case(unit=org["HG-VT"], amount_due=500 * M)
    seizure = seize(asset_create(actor=None, cases=[case], data=RICE), case)
    valuation = value(seizure, 100 * M, notified_on=date(2019, 4, 26))
    # Notified Fri 26/04: Thu 02/05 (1), Fri 03/05 (2), Sat 04/05 (3), Mon 06/05 (4), Tue 07/05 (5).
    assert revaluation_deadline(valuation) == date(2019, 5, 7)
    refused("revaluation_too_late", lambda: revalue(valuation, date(2019, 5, 8)))
    assert revalue(valuation, date(2019, 5, 7)).value == 95 * M


def test_no_revaluation_once_a_round_was_held(valued):
    auction = contract(valued.seizure, on=date(2019, 4, 8))
    round_(auction, date(2019, 4, 9), 100 * M)
    refused("auction_started", lambda: revalue(valued.valuation, date(2019, 4, 10)))
