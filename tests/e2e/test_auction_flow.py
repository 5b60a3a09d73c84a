"""An officer follows a rice-land auction in the browser, in Vietnamese: the auction page shows the rounds and
the reduction planner, a cut above the 10 % cap is refused on the form with nothing written, and a cut of
exactly 10 % is recorded."""
from datetime import date
from decimal import Decimal

import pytest

from cases.codes import AssetKind, Category, LandType, RoundOutcome, ValuationMethod
from cases.models import AuctionRound
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_round_record,
    collateral_register,
    seizure_record,
    valuation_record,
)
from tests.e2e.test_admin_flow import login
from tests.factories import BankFactory, make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_records_auction_rounds_within_the_cap_and_reads_the_planner(page, live_server, org, people):
    bank = BankFactory(code="AGR", name="Agribank Hậu Giang")
    case = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="E2E-TD-01", bank=bank,
                     category=Category.TIN_DUNG_NGAN_HANG, amount_due=800_000_000, accepted_on=date(2019, 3, 1))
    land = asset_create(actor=None, cases=[case], data=AssetData(
        kind=AssetKind.LAND_USE_RIGHT, description="Đất trồng lúa ấp 3", owner_name="Nguyễn Văn A",
        parcel_no="112", map_sheet_no="7", area_m2=Decimal("2500"), land_type=LandType.RICE))
    collateral_register(actor=None, asset=land, bank=bank, loan_contract_no="HĐTD 01/2016", principal=600_000_000,
                        secured_amount=800_000_000)
    seizure = seizure_record(actor=None, asset=land, case=case, seized_on=date(2019, 6, 3), minutes_no="BB 15")
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.AGREEMENT, value=500_000_000,
                     valued_on=date(2019, 7, 1))
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh Hậu Giang",
                             contract_no="HĐ 9", contract_signed_on=date(2019, 7, 20))
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 8, 30), starting_price=500_000_000,
                         outcome=RoundOutcome.NO_REGISTRANT)

    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/admin/cases/auction/{auction.pk}/change/")
    planner = page.locator("#reduction-planner").inner_text()
    assert "450.000.000" in planner and "405.000.000" in planner and "364.500.000" in planner

    page.goto(f"{live_server.url}/admin/cases/auctionround/add/?auction={auction.pk}")
    page.fill("#id_held_on", "15/10/2019")
    page.fill("#id_starting_price", "449.999.999")  # one đồng more than the 10 % cap
    page.select_option("#id_outcome", RoundOutcome.NO_BID)
    page.click("input[name=_save]")
    error_text = page.locator(".errorlist").first.inner_text()
    assert "vượt quá" in error_text and "50.000.001" in error_text and "50.000.000" in error_text
    assert AuctionRound.objects.filter(auction=auction).count() == 1

    page.fill("#id_starting_price", "450.000.000")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert AuctionRound.objects.filter(auction=auction).count() == 2
    page.goto(f"{live_server.url}/admin/cases/auction/{auction.pk}/change/")
    assert "50.000.000 ₫ (10,00%)" in page.content()  # the reduction in money and in %, Vietnamese format
    assert "405.000.000" in page.locator("#reduction-planner").inner_text()
