"""A rice-land bank case from seizure to the bank taking the land, through the services, with every figure
worked by hand (tests/cases/test_asset_services.py holds the rule-by-rule boundary tests)."""
from datetime import date
from decimal import Decimal

import pytest

from banks.models import Collateral
from cases.codes import AssetKind, Category, EventKind, LandType, RoundOutcome, Status, ValuationMethod
from cases.models import CaseEvent, DistributionShare
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_handover,
    auction_plan,
    auction_round_record,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    enforcement_cost_record,
    seizure_record,
    valuation_record,
)
from tests.factories import BankFactory, make_case

TODAY = date(2026, 11, 28)
RICE = AssetData(kind=AssetKind.LAND_USE_RIGHT, description="Đất trồng lúa", owner_name="Nguyễn Văn A",
                 parcel_no="112", map_sheet_no="7", area_m2=Decimal("2500.0"), land_type=LandType.RICE,
                 certificate_no="BĐ 123456", location="Ấp 3, xã Vị Tân")


@pytest.fixture
def rice_case(org):
    bank = BankFactory(code="AGR", name="Agribank Hậu Giang")
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, amount_due=800_000_000,
                     accepted_on=date(2019, 3, 1))
    asset = asset_create(actor=None, cases=[case], data=RICE)
    collateral_register(actor=None, asset=asset, bank=bank, loan_contract_no="HĐTD 01/2016", principal=600_000_000,
                        contractual_interest=150_000_000, penalty_interest=50_000_000, secured_amount=800_000_000,
                        registered_on=date(2016, 5, 2), today=TODAY)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2019, 6, 3), minutes_no="BB 15",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.FIRM, firm_name="Công ty TĐG Miền Nam",
                     contract_signed_on=date(2019, 6, 7), value=500_000_000, valued_on=date(2019, 7, 1),
                     notified_on=date(2019, 7, 3), today=TODAY)
    enforcement_cost_record(actor=None, case=case, asset=asset, kind="valuation", amount=20_000_000,
                            incurred_on=date(2019, 7, 1), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh", contract_no="HĐ 9",
                             contract_signed_on=date(2019, 7, 20), today=TODAY)
    return case, asset, auction


def test_rice_land_fails_three_times_and_goes_to_the_bank(rice_case):
    case, asset, auction = rice_case
    # Round 1 at the valuation price; rounds 2 and 3 each cut the full 10 % of the previous price.
    for held_on, price in ((date(2019, 8, 30), 500_000_000), (date(2019, 10, 15), 450_000_000),
                           (date(2019, 12, 2), 405_000_000)):
        auction_round_record(actor=None, auction=auction, held_on=held_on, starting_price=price,
                             outcome=RoundOutcome.NO_REGISTRANT, today=TODAY)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)
    assert offer.price == 405_000_000 and offer.case == case
    offer = creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=date(2019, 12, 10), today=TODAY)
    assert offer.redemption_due_on == date(2020, 1, 9)
    distribution = auction_handover(actor=None, auction=auction, handed_on=date(2020, 1, 10), today=TODAY)
    # 405,000,000 − 20,000,000 costs = 385,000,000 to the bank's case.
    assert (distribution.costs_paid, distribution.surplus_to_debtor) == (20_000_000, 0)
    share = DistributionShare.objects.get(distribution=distribution)
    assert (share.case_id, share.amount, share.secured) == (case.pk, 385_000_000, True)
    event = CaseEvent.objects.get(case=case, kind=EventKind.THU_TIEN)
    assert (event.date, event.amount) == (date(2020, 1, 10), 385_000_000)
    case.refresh_from_db()
    assert (case.status, case.amount_remaining) == (Status.WITH_CONDITIONS, 415_000_000)


def test_planner_schedule(rice_case):
    case, asset, auction = rice_case
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 8, 30), starting_price=500_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)
    plan = auction_plan(auction, start=date(2019, 10, 15), interval_days=45)
    assert plan.floor == 20_000_000 and plan.debt == 800_000_000
    rows = [(r.round.number, r.round.held_on, r.round.starting_price, r.round.creditor_offer_due_after,
             r.creditor_recovers) for r in plan.rows[:3]]
    assert rows == [(2, date(2019, 10, 15), 450_000_000, False, 430_000_000),
                    (3, date(2019, 11, 29), 405_000_000, True, 385_000_000),
                    (4, date(2020, 1, 13), 364_500_000, False, 344_500_000)]
    assert Collateral.objects.count() == 1
