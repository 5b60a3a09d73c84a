"""Hand-built bank-case histories for the dialogue tests, built through the case services as in production:
a rice-land case whose auction fails round after round. The fixtures are imported by tests/dialogues/conftest.py
and by the page tests."""
from datetime import date
from decimal import Decimal

import pytest

from cases.codes import AssetKind, Category, LandType, RoundOutcome, ValuationMethod
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_round_record,
    seizure_record,
    valuation_record,
)
from tests.factories import BankFactory, make_case

TODAY = date(2026, 11, 28)
ROUNDS = ((date(2019, 8, 30), 500_000_000), (date(2019, 10, 15), 450_000_000), (date(2019, 12, 2), 405_000_000))


def rice_land(case, parcel: str):
    return asset_create(actor=None, cases=[case], data=AssetData(
        kind=AssetKind.LAND_USE_RIGHT, description="Đất trồng lúa", owner_name="Nguyễn Văn A", parcel_no=parcel,
        map_sheet_no="7", area_m2=Decimal("2500.0"), land_type=LandType.RICE, location="Ấp 3, xã Vị Tân"))


def stuck_auction(case, *, parcel: str = "112", rounds=ROUNDS):
    """Seize, value and auction an asset of ``case``; every round in ``rounds`` fails (nobody registers)."""
    asset = rice_land(case, parcel)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2019, 6, 3), minutes_no=f"BB {parcel}",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.FIRM, firm_name="Công ty TĐG",
                     contract_signed_on=date(2019, 6, 7), value=500_000_000, valued_on=date(2019, 7, 1),
                     notified_on=date(2019, 7, 3), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh",
                             contract_no=f"HĐ {parcel}",
                             contract_signed_on=date(2019, 7, 20), today=TODAY)
    for held_on, price in rounds:
        auction_round_record(actor=None, auction=auction, held_on=held_on, starting_price=price,
                             outcome=RoundOutcome.NO_REGISTRANT, today=TODAY)
    return auction


@pytest.fixture
def banks(db):
    return {"AGR": BankFactory(code="AGR", name="Agribank Hậu Giang"),
            "VCB": BankFactory(code="VCB", name="Vietcombank Hậu Giang")}


@pytest.fixture
def bank_case(org, banks, people):
    def make(*, bank="AGR", amount_due=800_000_000, unit="HG-VT", officer="officer", accepted_on=date(2019, 3, 1)):
        return make_case(unit=org[unit], category=Category.TIN_DUNG_NGAN_HANG, bank=banks[bank],
                         amount_due=amount_due, accepted_on=accepted_on,
                         officer=people[officer] if officer else None)
    return make
