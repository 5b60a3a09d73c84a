"""Smaller asset steps: a cheap movable is sold without an auction organisation, the notice of a valuation
is recorded once, and an ended case cannot be linked to an asset."""
from datetime import date

import pytest

from cases.codes import AssetKind, EventKind, ValuationMethod
from cases.models import AssetCase, Auction, Distribution
from cases.services.assets import (
    AssetData,
    asset_case_link,
    asset_collection_distribute,
    asset_create,
    auction_create,
    seizure_record,
    valuation_notify,
    valuation_record,
)
from tests.factories import make_case, record
from thads.core.errors import DomainError

TODAY = date(2026, 11, 28)
MOTORBIKE = AssetData(kind=AssetKind.VEHICLE, description="Xe mô tô Honda Wave", owner_name="Nguyễn Văn A",
                      plate_no="95H1-123.45")


def _valued(org, value):
    case = make_case(unit=org["HG-VT"], amount_due=30_000_000, accepted_on=date(2019, 1, 2))
    asset = asset_create(actor=None, cases=[case], data=MOTORBIKE)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2019, 3, 4), minutes_no="BB 2",
                             today=TODAY)
    valuation = valuation_record(actor=None, seizure=seizure, method=ValuationMethod.OFFICER, value=value,
                                 valued_on=date(2019, 3, 6), today=TODAY)
    return case, asset, seizure, valuation


@pytest.mark.parametrize("value", [9_000_000, 10_000_000])
def test_movable_up_to_10_million_is_sold_directly(org, value):
    case, asset, seizure, _valuation = _valued(org, value)
    with pytest.raises(DomainError) as refused:
        auction_create(actor=None, seizure=seizure, organisation="Công ty ĐG", contract_no="1",
                       contract_signed_on=date(2019, 3, 20), today=TODAY)
    assert refused.value.code == "direct_sale"
    assert Auction.objects.count() == 0
    # The officer sells it and records the money as collected from the asset.
    distribution = asset_collection_distribute(actor=None, asset=asset, received_on=date(2019, 4, 1), amount=value,
                                               today=TODAY)
    assert (distribution.proceeds, distribution.costs_paid, distribution.surplus_to_debtor) == (value, 0, 0)
    event = case.events.get(kind=EventKind.THU_TIEN)
    assert (event.date, event.amount) == (date(2019, 4, 1), value)


def test_movable_above_10_million_goes_to_an_auction_organisation(org):
    _case, _asset, seizure, _valuation = _valued(org, 10_000_001)
    auction = auction_create(actor=None, seizure=seizure, organisation="Công ty ĐG", contract_no="1",
                             contract_signed_on=date(2019, 3, 20), today=TODAY)
    assert auction.pk is not None


def test_valuation_notice_recorded_once_and_not_before_the_valuation(org):
    _case, _asset, _seizure, valuation = _valued(org, 20_000_000)
    with pytest.raises(DomainError) as refused:
        valuation_notify(actor=None, valuation=valuation, notified_on=date(2019, 3, 5), today=TODAY)
    assert refused.value.code == "date_order"
    valuation_notify(actor=None, valuation=valuation, notified_on=date(2019, 3, 7), today=TODAY)
    valuation.refresh_from_db()
    assert valuation.notified_on == date(2019, 3, 7)
    with pytest.raises(DomainError) as refused:
        valuation_notify(actor=None, valuation=valuation, notified_on=date(2019, 3, 8), today=TODAY)
    assert refused.value.code == "already_notified"
    valuation.refresh_from_db()
    assert valuation.notified_on == date(2019, 3, 7)


def test_an_ended_case_is_not_linked_to_an_asset(org):
    case, asset, _seizure, _valuation = _valued(org, 20_000_000)
    other = make_case(unit=org["HG-VT"], amount_due=5_000_000, accepted_on=date(2019, 1, 2))
    record(other, EventKind.THU_TIEN, date(2019, 2, 1), amount=5_000_000)
    record(other, EventKind.XONG, date(2019, 2, 1))
    with pytest.raises(DomainError) as refused:
        asset_case_link(actor=None, asset=asset, case=other)
    assert refused.value.code == "case_ended"
    assert list(AssetCase.objects.filter(asset=asset).values_list("case_id", flat=True)) == [case.pk]
    assert Distribution.objects.count() == 0


def _land_auction(org, *, costs=0):
    from cases.services.assets import enforcement_cost_record
    from tests.cases.test_asset_deadlines import LAND

    case = make_case(unit=org["HG-VT"], amount_due=300_000_000, accepted_on=date(2019, 1, 2))
    asset = asset_create(actor=None, cases=[case], data=LAND)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2019, 3, 4), minutes_no="BB 9",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.AGREEMENT, value=100_000_000,
                     valued_on=date(2019, 3, 6), today=TODAY)
    if costs:
        enforcement_cost_record(actor=None, case=case, asset=asset, kind="storage", amount=costs,
                                incurred_on=date(2019, 3, 7), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG", contract_no="5",
                             contract_signed_on=date(2019, 4, 1), today=TODAY)
    return case, asset, auction


def test_buyer_payment_after_the_30_days_is_refused(org):
    from cases.services.assets import auction_round_record, auction_sale_paid

    _case, _asset, auction = _land_auction(org)
    sold = auction_round_record(actor=None, auction=auction, held_on=date(2019, 5, 20), starting_price=100_000_000,
                                outcome="sold", sale_price=101_000_000, buyer_name="Lê Văn C", today=TODAY)
    with pytest.raises(DomainError) as refused:
        auction_sale_paid(actor=None, auction_round=sold, paid_on=date(2019, 6, 20), today=TODAY)
    assert refused.value.code == "payment_too_late"
    assert Distribution.objects.count() == 0
    auction_sale_paid(actor=None, auction_round=sold, paid_on=date(2019, 6, 19), today=TODAY)  # the 30th day
    assert Distribution.objects.get().proceeds == 101_000_000


def test_offer_allowed_before_two_reductions_when_the_floor_stops_them(org):
    from cases.services.assets import (
        auction_return_to_debtor,
        auction_round_record,
        creditor_offer_answer,
        creditor_offer_make,
    )

    # Costs of 90,000,000: the first round at 100,000,000 is above the floor, but any cut of at most 10 %
    # would reach it. Without the offer, nothing could ever close this auction.
    case, _asset, auction = _land_auction(org, costs=90_000_000)
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 5, 20), starting_price=100_000_000,
                         outcome="no_bid", today=TODAY)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 5, 22), today=TODAY)
    creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2019, 5, 27), today=TODAY)
    auction = auction_return_to_debtor(actor=None, auction=auction, returned_on=date(2019, 5, 28), today=TODAY)
    assert auction.closed_as == "returned_to_debtor"
    case.refresh_from_db()
    assert (case.status, case.status_ground) == ("postponed", "h")


def test_offer_still_too_early_when_the_floor_does_not_stop_reductions(org):
    from cases.services.assets import auction_round_record, creditor_offer_make

    _case, _asset, auction = _land_auction(org, costs=89_999_999)  # a full cut leaves 90,000,000 > floor
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 5, 20), starting_price=100_000_000,
                         outcome="no_bid", today=TODAY)
    with pytest.raises(DomainError) as refused:
        creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 5, 22), today=TODAY)
    assert refused.value.code == "creditor_offer_too_early"


def test_correcting_the_interest_keeps_the_rank(org):
    case, asset, _seizure, _valuation = _valued(org, 20_000_000)
    asset_case_link(actor=None, asset=asset, case=case, rank=1)
    asset_case_link(actor=None, asset=asset, case=case, interest_due=2_000_000)
    link = AssetCase.objects.get(asset=asset, case=case)
    assert (link.rank, link.interest_due) == (1, 2_000_000)
