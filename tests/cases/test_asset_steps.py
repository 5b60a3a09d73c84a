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
