"""The asset pages of the admin: every add page and every step goes through cases.services.assets, a refusal
comes back on the form with nothing written, and each person sees only the assets of their scope.

The credit case of most tests (HG-VT, assigned to ``officer``): Agribank is owed 800.000.000 ₫ and holds a
mortgage over a rice-land parcel valued at 500.000.000 ₫; a valuation cost of 20.000.000 ₫ is charged to the
parcel, so the floor is 20.000.000 ₫ (the bank sells its own collateral: no other secured debt).
Pages are read in English (language cookie) where a test compares a message word for word; dates are posted
in ISO form, which both languages read the same way.
"""
import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banks.models import Collateral
from cases.codes import (
    AssetKind,
    AuctionClosure,
    Category,
    EventKind,
    LandType,
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
    CaseEvent,
    CreditorOffer,
    Distribution,
    DistributionShare,
    EnforcementCost,
    Seizure,
    Valuation,
)
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_round_record,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    enforcement_cost_record,
    seizure_record,
    valuation_record,
)
from tests.factories import BankFactory, make_case
from thads.core.forms import MoneyField

pytestmark = pytest.mark.django_db

RICE = AssetData(kind=AssetKind.LAND_USE_RIGHT, description="Đất trồng lúa", owner_name="Nguyễn Văn A",
                 parcel_no="112", map_sheet_no="7", area_m2=Decimal("2500.0"), land_type=LandType.RICE,
                 certificate_no="BĐ 123456", location="Ấp 3, xã Vị Tân")
FAILED = RoundOutcome.NO_REGISTRANT


def url(model: str, view: str = "", pk=None, app: str = "cases") -> str:
    base = f"/admin/{app}/{model}/"
    if pk is not None:
        base += f"{pk}/"
    return base + (f"{view}/" if view else "")


def page(response) -> str:
    return response.content.decode()


def logged_in(client, user, *, english: bool = False):
    client.force_login(user)
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_errors(response) -> dict:
    """The errors of the add form (admin) or of the step form (action page)."""
    context = response.context
    form = context["adminform"].form if "adminform" in context else context["form"]
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def counts() -> dict:
    models = (Asset, AssetCase, Collateral, Seizure, Valuation, Auction, AuctionRound, CreditorOffer,
              EnforcementCost, Distribution, DistributionShare, CaseEvent)
    return {model.__name__: model.objects.count() for model in models}


def planner_table(html: str) -> str:
    match = re.search(r'<table id="reduction-planner">.*?</table>', html, re.S)
    assert match, "no reduction planner table on the page"
    return match.group(0)


# ---- data -------------------------------------------------------------------------------------------------------

@pytest.fixture
def bank():
    return BankFactory(code="AGR", name="Agribank Hậu Giang")


@pytest.fixture
def credit_case(org, people, bank):
    return make_case(unit=org["HG-VT"], officer=people["officer"], case_no="THA-VT-TD-01", bank=bank,
                     category=Category.TIN_DUNG_NGAN_HANG, amount_due=800_000_000, accepted_on=date(2019, 3, 1))


@pytest.fixture
def seized(credit_case, bank):
    """The parcel, mortgaged to the bank, seized, valued at 500.000.000 ₫, with a cost of 20.000.000 ₫."""
    asset = asset_create(actor=None, cases=[credit_case], data=RICE)
    collateral_register(actor=None, asset=asset, bank=bank, loan_contract_no="HĐTD 01/2016", principal=600_000_000,
                        secured_amount=800_000_000, registered_on=date(2016, 5, 2))
    seizure = seizure_record(actor=None, asset=asset, case=credit_case, seized_on=date(2019, 6, 3),
                             minutes_no="BB 15")
    valuation = valuation_record(actor=None, seizure=seizure, method=ValuationMethod.FIRM, value=500_000_000,
                                 firm_name="Công ty TĐG Miền Nam", contract_signed_on=date(2019, 6, 7),
                                 valued_on=date(2019, 7, 1), notified_on=date(2019, 7, 3))
    enforcement_cost_record(actor=None, case=credit_case, asset=asset, kind="valuation", amount=20_000_000,
                            incurred_on=date(2019, 7, 1))
    return asset, seizure, valuation


@pytest.fixture
def auction(seized):
    _asset, seizure, _valuation = seized
    return auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh", contract_no="HĐ 9",
                          contract_signed_on=date(2019, 7, 20))


def fail_rounds(auction, *prices):
    """Record failed rounds at ``prices``, 45 days apart from 30/8/2019."""
    day = date(2019, 8, 30)
    for price in prices:
        auction_round_record(actor=None, auction=auction, held_on=day, starting_price=price, outcome=FAILED)
        day = date.fromordinal(day.toordinal() + 45)


@pytest.fixture
def sold_round(auction):
    return auction_round_record(actor=None, auction=auction, held_on=date(2019, 8, 30), starting_price=500_000_000,
                                outcome=RoundOutcome.SOLD, sale_price=520_000_000, buyer_name="Lê Văn Mua")


@pytest.fixture
def offered(auction):
    """Three failed rounds (500, 450, 405 million): the asset is offered to the bank on 5/12/2019."""
    fail_rounds(auction, 500_000_000, 450_000_000, 405_000_000)
    return creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5))


@pytest.fixture
def accepted(offered):
    """The bank accepted on 10/12/2019: the debtor may pay to keep the land until 9/1/2020."""
    return creditor_offer_answer(actor=None, offer=offered, accepted=True, answered_on=date(2019, 12, 10))


# ---- recording an asset's history through the add pages ---------------------------------------------------------

def post_ok(client, address, data):
    response = client.post(address, {**data, "_save": "Lưu lại"})
    assert response.status_code == 302, form_errors(response)
    return response


def test_given_an_assigned_officer_when_they_record_an_asset_and_its_auction_through_the_pages_then_the_rows_exist(
        client, credit_case, bank, people):
    client = logged_in(client, people["officer"])
    # when: the asset, with the case it answers for
    response = post_ok(client, url("asset", "add"), {
        "kind": AssetKind.LAND_USE_RIGHT, "description": "Đất trồng lúa", "owner_kind": "debtor",
        "owner_name": "Nguyễn Văn A", "location": "Ấp 3", "parcel_no": "112", "map_sheet_no": "7",
        "area_m2": "2500", "land_type": LandType.RICE, "certificate_no": "BĐ 123456", "plate_no": "",
        "account_no": "", "share_count": "", "cases": [str(credit_case.pk)]})
    asset = Asset.objects.get()
    assert response["Location"] == url("asset", "change", asset.pk)
    assert (asset.unit_id, asset.parcel_no, asset.area_m2, asset.created_by) == (
        credit_case.unit_id, "112", Decimal("2500.0"), people["officer"])
    assert list(AssetCase.objects.values_list("case_id", "rank")) == [(credit_case.pk, 3)]
    # the bank's mortgage, the seizure, the valuation (money typed as people write it), a cost, the auction
    post_ok(client, url("collateral", "add", app="banks"), {
        "asset": asset.pk, "bank": bank.pk, "kind": "mortgage", "security_contract_no": "", "registered_on":
        "2016-05-02", "registration_office": "", "loan_contract_no": "HĐTD 01/2016", "loan_contract_date": "",
        "principal": "600.000.000", "contractual_interest": "", "penalty_interest": "0",
        "secured_amount": "800.000.000 ₫"})
    post_ok(client, url("seizure", "add"), {"asset": asset.pk, "case": credit_case.pk, "seized_on": "2019-06-03",
                                            "minutes_no": "BB 15"})
    seizure = Seizure.objects.get()
    post_ok(client, url("valuation", "add"), {
        "seizure": seizure.pk, "revaluation_of": "", "revaluation_requested_on": "", "requested_by": "",
        "method": ValuationMethod.FIRM, "firm_name": "Công ty TĐG Miền Nam", "contract_signed_on": "2019-06-07",
        "valued_on": "2019-07-01", "value": "500.000.000", "notified_on": "2019-07-03"})
    post_ok(client, url("enforcementcost", "add"), {
        "case": credit_case.pk, "asset": asset.pk, "incurred_on": "2019-07-01", "kind": "valuation",
        "amount": "20000000", "note": ""})
    response = post_ok(client, url("auction", "add"), {
        "seizure": seizure.pk, "organisation": "Trung tâm DVĐG tỉnh", "contract_no": "HĐ 9",
        "contract_signed_on": "2019-07-20"})
    auction = Auction.objects.get()
    assert response["Location"] == url("auction", "change", auction.pk)
    # three failed rounds, each 10 % below the one before
    for held_on, price in (("2019-08-30", "500.000.000"), ("2019-10-14", "450.000.000"),
                           ("2019-11-28", "405.000.000")):
        response = post_ok(client, url("auctionround", "add"), {
            "auction": auction.pk, "held_on": held_on, "starting_price": price, "price_set_by": "",
            "outcome": FAILED, "sale_price": "", "buyer_name": ""})
        assert response["Location"] == url("auction", "change", auction.pk)
    # then
    collateral = Collateral.objects.get()
    assert (collateral.bank, collateral.principal, collateral.secured_amount, collateral.contractual_interest) == (
        bank, 600_000_000, 800_000_000, 0)
    assert (seizure.case, seizure.seized_on, seizure.status, seizure.recorded_by) == (
        credit_case, date(2019, 6, 3), SeizureStatus.IN_FORCE, people["officer"])
    valuation = Valuation.objects.get()
    assert (valuation.seizure, valuation.value, valuation.valued_on) == (seizure, 500_000_000, date(2019, 7, 1))
    cost = EnforcementCost.objects.get()
    assert (cost.asset, cost.amount, cost.kind) == (asset, 20_000_000, "valuation")
    assert (auction.seizure, auction.contract_no, auction.recorded_by) == (seizure, "HĐ 9", people["officer"])
    assert list(AuctionRound.objects.order_by("number").values_list(
        "number", "starting_price", "reduction", "reduction_percent", "price_set_by", "outcome")) == [
        (1, 500_000_000, 0, Decimal("0.00"), "valuation", FAILED),
        (2, 450_000_000, 50_000_000, Decimal("10.00"), "officer", FAILED),
        (3, 405_000_000, 45_000_000, Decimal("10.00"), "officer", FAILED)]


def test_given_a_valuation_when_a_party_asks_in_time_then_the_revaluation_is_recorded_against_it(
        client, seized, people):
    _asset, seizure, valuation = seized
    post_ok(logged_in(client, people["officer"]), url("valuation", "add"), {
        "seizure": "", "revaluation_of": valuation.pk, "revaluation_requested_on": "2019-07-08",
        "requested_by": "Nguyễn Văn A", "method": ValuationMethod.FIRM, "firm_name": "Công ty TĐG Cần Thơ",
        "contract_signed_on": "", "valued_on": "2019-07-20", "value": "480.000.000", "notified_on": ""})
    revaluation = Valuation.objects.get(revaluation_of=valuation)
    assert (revaluation.seizure, revaluation.value, revaluation.revaluation_requested_on, revaluation.requested_by) == (
        seizure, 480_000_000, date(2019, 7, 8), "Nguyễn Văn A")


def test_given_a_late_request_when_the_revaluation_is_posted_then_it_is_refused_on_the_request_date(
        client, seized, people):
    _asset, _seizure, valuation = seized
    before = counts()
    response = logged_in(client, people["officer"], english=True).post(url("valuation", "add"), {
        "seizure": "", "revaluation_of": valuation.pk, "revaluation_requested_on": "2019-07-20",
        "requested_by": "Nguyễn Văn A", "method": ValuationMethod.FIRM, "firm_name": "Công ty TĐG Cần Thơ",
        "contract_signed_on": "", "valued_on": "2019-07-25", "value": "480000000", "notified_on": "",
        "_save": "Save"})
    assert response.status_code == 200
    assert form_errors(response) == {"revaluation_requested_on": [
        "The re-valuation was requested on 20/07/2019, after the window that ended on 10/07/2019."]}
    assert counts() == before


def test_given_a_failed_round_when_the_next_price_cuts_more_than_the_cap_then_the_form_says_so_and_nothing_changes(
        client, auction, people):
    fail_rounds(auction, 500_000_000)
    before = counts()
    # when: 440.000.000 ₫ is a cut of 12 %
    response = logged_in(client, people["officer"], english=True).post(url("auctionround", "add"), {
        "auction": auction.pk, "held_on": "2019-10-14", "starting_price": "440.000.000", "price_set_by": "",
        "outcome": FAILED, "sale_price": "", "buyer_name": "", "_save": "Save"})
    # then
    assert response.status_code == 200
    assert form_errors(response) == {"starting_price": [
        "A reduction of 60.000.000 ₫ exceeds the cap of 10% of 500.000.000 ₫ (50.000.000 ₫)."]}
    assert "exceeds the cap" in page(response)
    assert counts() == before


def test_given_the_vietnamese_pages_when_a_round_is_refused_then_the_error_is_shown_on_the_price(
        client, auction, people):
    fail_rounds(auction, 500_000_000)
    response = logged_in(client, people["officer"]).post(url("auctionround", "add"), {
        "auction": auction.pk, "held_on": "2019-10-14", "starting_price": "440000000", "price_set_by": "",
        "outcome": FAILED, "sale_price": "", "buyer_name": "", "_save": "Lưu lại"})
    assert response.status_code == 200
    assert list(form_errors(response)) == ["starting_price"]
    assert AuctionRound.objects.count() == 1


def test_given_a_sold_round_without_a_buyer_when_posted_then_the_buyer_field_carries_the_error(
        client, auction, people):
    before = counts()
    response = logged_in(client, people["officer"], english=True).post(url("auctionround", "add"), {
        "auction": auction.pk, "held_on": "2019-08-30", "starting_price": "500000000", "price_set_by": "",
        "outcome": RoundOutcome.SOLD, "sale_price": "520000000", "buyer_name": "", "_save": "Save"})
    assert form_errors(response) == {"buyer_name": ["Name the buyer."]}
    assert counts() == before


def test_given_an_asset_already_seized_when_a_second_seizure_is_posted_then_it_is_refused(client, seized, people,
                                                                                          credit_case):
    asset, _seizure, _valuation = seized
    before = counts()
    response = logged_in(client, people["officer"], english=True).post(url("seizure", "add"), {
        "asset": asset.pk, "case": credit_case.pk, "seized_on": "2019-08-01", "minutes_no": "BB 16",
        "_save": "Save"})
    assert form_errors(response) == {"__all__": ["The asset is already under a seizure in force."]}
    assert counts() == before


def test_given_a_land_asset_without_its_parcel_when_posted_then_nothing_is_written(client, credit_case, people):
    response = logged_in(client, people["officer"], english=True).post(url("asset", "add"), {
        "kind": AssetKind.LAND_USE_RIGHT, "description": "Đất", "owner_kind": "debtor", "owner_name": "Nguyễn Văn A",
        "location": "", "parcel_no": "", "map_sheet_no": "7", "area_m2": "100", "land_type": LandType.RICE,
        "certificate_no": "", "plate_no": "", "account_no": "", "share_count": "", "cases": [str(credit_case.pk)],
        "_save": "Save"})
    assert form_errors(response) == {"parcel_no": ["A land use right needs its parcel number."]}
    assert Asset.objects.count() == 0 and AssetCase.objects.count() == 0


def test_the_asset_form_offers_only_the_open_cases_the_person_may_write(client, org, people, credit_case):
    other_officers = make_case(unit=org["HG-VT"], officer=people["officer2"], case_no="THA-VT-002")
    make_case(unit=org["ST-A"], officer=people["outsider"], case_no="THA-ST-001")
    officer_choices = logged_in(client, people["officer"]).get(url("asset", "add")).context[
        "adminform"].form.fields["cases"].queryset
    assert [case.case_no for case in officer_choices] == ["THA-VT-TD-01"]
    head_choices = logged_in(client, people["head"]).get(url("asset", "add")).context[
        "adminform"].form.fields["cases"].queryset
    assert [case.case_no for case in head_choices] == ["THA-VT-002", "THA-VT-TD-01"]
    # and a case outside the list is refused even when posted by hand
    response = logged_in(client, people["officer"]).post(url("asset", "add"), {
        "kind": AssetKind.OTHER, "description": "Xe", "owner_kind": "debtor", "owner_name": "A",
        "cases": [str(other_officers.pk)], "_save": "Lưu lại"})
    assert response.status_code == 200 and list(form_errors(response)) == ["cases"]
    assert Asset.objects.count() == 0


# ---- the pages an asset's history is read on --------------------------------------------------------------------

def test_the_auction_page_shows_the_rounds_the_offer_the_floor_and_the_reduction_planner(client, auction, people):
    fail_rounds(auction, 500_000_000)
    response = logged_in(client, people["officer"], english=True).get(url("auction", "change", auction.pk))
    assert response.status_code == 200
    html = page(response)
    planner = planner_table(html)
    # the planned rounds: the largest cut each time, the offer due after the twice-reduced round fails,
    # the bank recovering the price less the 20.000.000 ₫ of costs
    for number, price, cut, recovers in ((2, "450.000.000 ₫", "50.000.000 ₫", "430.000.000 ₫"),
                                         (3, "405.000.000 ₫", "45.000.000 ₫", "385.000.000 ₫"),
                                         (4, "364.500.000 ₫", "40.500.000 ₫", "344.500.000 ₫")):
        assert re.search(rf"<td>{number}</td><td>[0-9/]+</td><td>{price}</td><td>{cut}</td>", planner), number
        assert recovers in planner
    assert re.search(r"<td>3</td><td>[0-9/]+</td><td>405.000.000 ₫</td><td>45.000.000 ₫</td><td>Yes</td><td>Yes</td>",
                     planner)
    assert "Floor 20.000.000 ₫ (of which enforcement costs 20.000.000 ₫)" in html
    assert "case THA-VT-TD-01) from this asset: 800.000.000 ₫" in html
    rounds = re.search(r'<table id="auction-rounds">.*?</table>', html, re.S).group(0)
    assert "500.000.000 ₫" in rounds and "Failed: nobody registered" in rounds
    assert "Not offered." in html
    assert url("auctionround", "add") + f"?auction={auction.pk}" in html


def test_the_planner_says_when_the_creditor_must_be_offered_the_asset(client, auction, people):
    fail_rounds(auction, 500_000_000, 450_000_000, 405_000_000)
    html = page(logged_in(client, people["officer"], english=True).get(url("auction", "change", auction.pk)))
    assert "offer the asset to the creditor before any further round" in html
    assert url("auction", "offer", auction.pk) in html
    assert '<table id="reduction-planner">' not in html


def test_once_the_creditor_accepts_the_planner_stops_and_the_page_offers_redemption_and_handover(
        client, accepted, people):
    auction = accepted.auction
    html = page(logged_in(client, people["officer"], english=True).get(url("auction", "change", auction.pk)))
    assert "The creditor accepted the asset" in html
    assert '<table id="reduction-planner">' not in html
    assert "accepted on 10/12/2019; the debtor may pay to keep it until 09/01/2020" in html
    for slug in ("redeem", "handover"):
        assert url("auction", slug, auction.pk) in html
    assert url("auctionround", "add") + f"?auction={auction.pk}" not in html


def test_the_round_table_shows_reductions_in_money_and_percent(client, auction, people):
    fail_rounds(auction, 500_000_000, 450_000_000)
    html = page(logged_in(client, people["officer"]).get(url("auction", "change", auction.pk)))
    rounds = re.search(r'<table id="auction-rounds">.*?</table>', html, re.S).group(0)
    assert "50.000.000 ₫ (10,00%)" in rounds


def test_the_asset_page_lays_out_its_history(client, auction, credit_case, people):
    asset = auction.seizure.asset
    response = logged_in(client, people["officer"], english=True).get(url("asset", "change", asset.pk))
    assert response.status_code == 200
    html = page(response)
    for fragment in (url("case", "change", credit_case.pk), url("seizure", "change", auction.seizure.pk),
                     "500.000.000 ₫ (starting price)", url("auction", "change", auction.pk), "HĐTD 01/2016",
                     "800.000.000 ₫", "20.000.000 ₫", url("asset", "collect", asset.pk),
                     "/admin/banks/collateral/add/?asset="):
        assert fragment in html, fragment


def test_the_case_page_lists_its_assets(client, seized, credit_case, people):
    asset, _seizure, _valuation = seized
    html = page(logged_in(client, people["officer"]).get(url("case", "change", credit_case.pk)))
    assert f'href="{url("asset", "change", asset.pk)}"' in html
    assert f"/admin/cases/asset/add/?cases={credit_case.pk}" in html
    # the link opens the asset form with the case already chosen
    form = client.get(f"/admin/cases/asset/add/?cases={credit_case.pk}").context["adminform"].form
    assert form.initial["cases"] == [str(credit_case.pk)]


def test_the_distribution_page_shows_the_shares(client, sold_round, people):
    client = logged_in(client, people["officer"])
    post_ok(client, url("auctionround", "paid", sold_round.pk), {"paid_on": "2019-09-20"})
    distribution = Distribution.objects.get()
    html = page(client.get(url("distribution", "change", distribution.pk)))
    assert "500.000.000 ₫" in html  # the bank's share: 520.000.000 ₫ less 20.000.000 ₫ of costs


def test_the_asset_list_costs_the_same_number_of_queries_for_more_assets(client, credit_case, people):
    client = logged_in(client, people["officer"])
    asset_create(actor=None, cases=[credit_case], data=RICE)
    client.get(url("asset"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("asset")).status_code == 200
    for _ in range(3):
        asset_create(actor=None, cases=[credit_case], data=RICE)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url("asset"))
    assert len(response.context["cl"].result_list) == 4
    assert len(four) == len(one)


# ---- scope ------------------------------------------------------------------------------------------------------

ALL_LISTS = [url("asset"), url("seizure"), url("valuation"), url("auction"), url("auctionround"),
             url("creditoroffer"), url("enforcementcost"), url("distribution"), url("collateral", app="banks")]


@pytest.mark.parametrize("address", ALL_LISTS)
def test_given_assets_of_hg_vt_when_the_outsider_opens_a_list_then_it_is_empty(client, accepted, people, address):
    response = logged_in(client, people["outsider"]).get(address)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("address", [address for address in ALL_LISTS if "distribution" not in address])
def test_given_assets_of_hg_vt_when_the_officer_opens_a_list_then_they_are_listed(client, accepted, people, address):
    response = logged_in(client, people["officer"]).get(address)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


def test_given_assets_of_hg_vt_when_the_outsider_opens_their_pages_then_they_are_not_found(client, accepted, people):
    auction = accepted.auction
    seizure = auction.seizure
    client = logged_in(client, people["outsider"])
    for address in (url("asset", "change", seizure.asset.pk), url("seizure", "change", seizure.pk),
                    url("auction", "change", auction.pk), url("creditoroffer", "change", accepted.pk),
                    url("auctionround", "change", auction.rounds.first().pk),
                    url("collateral", "change", Collateral.objects.get().pk, app="banks")):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"] == "/admin/", address


def test_given_assets_of_hg_vt_when_the_outsider_posts_then_nothing_is_written(client, accepted, people,
                                                                                credit_case):
    auction = accepted.auction
    seizure = auction.seizure
    before = counts()
    client = logged_in(client, people["outsider"])
    # the add pages do not offer the asset, the auction or the case
    for address, data in (
            (url("seizure", "add"), {"asset": seizure.asset.pk, "case": credit_case.pk, "seized_on": "2019-08-01",
                                     "minutes_no": "X"}),
            (url("auctionround", "add"), {"auction": auction.pk, "held_on": "2020-01-01",
                                          "starting_price": "364500000", "outcome": FAILED}),
            (url("enforcementcost", "add"), {"case": credit_case.pk, "incurred_on": "2019-08-01", "kind": "other",
                                             "amount": "1000000"}),
            (url("collateral", "add", app="banks"), {"asset": seizure.asset.pk, "bank": credit_case.creditor_bank_id,
                                                     "kind": "mortgage", "loan_contract_no": "X", "principal": "1",
                                                     "secured_amount": "1"})):
        response = client.post(address, {**data, "_save": "Lưu lại"})
        assert response.status_code == 200, address
        assert form_errors(response), address
    # the step pages do not find the records
    for address, data in ((url("auction", "redeem", auction.pk), {"paid_on": "2019-12-20", "amount": "1000000"}),
                          (url("auction", "handover", auction.pk), {"handed_on": "2020-01-15"}),
                          (url("seizure", "release", seizure.pk), {"released_on": "2019-12-20",
                                                                   "release_reason": "x"}),
                          (url("asset", "collect", seizure.asset.pk), {"received_on": "2019-12-20",
                                                                       "amount": "1000000"})):
        response = client.post(address, data)
        assert response.status_code == 302 and response["Location"] == "/admin/", address
    assert counts() == before
    auction.refresh_from_db()
    assert auction.closed_as == ""


def test_a_statistician_reads_the_assets_but_records_no_step(client, accepted, people):
    auction = accepted.auction
    client = logged_in(client, people["statistician"])
    assert client.get(url("auction", "change", auction.pk)).status_code == 200
    assert "/handover/" not in page(client.get(url("auction", "change", auction.pk)))
    assert client.get(url("auctionround", "add")).status_code == 403
    assert client.get(url("auction", "handover", auction.pk)).status_code == 403
    assert client.post(url("auction", "handover", auction.pk), {"handed_on": "2020-01-15"}).status_code == 403
    assert not Distribution.objects.exists()


def test_no_asset_record_can_be_deleted_or_edited_in_place(client, auction, people):
    client = logged_in(client, people["head"])
    assert client.get(url("auction", "delete", auction.pk)).status_code == 403
    response = client.post(url("auction", "change", auction.pk), {"organisation": "Khác"})
    assert response.status_code == 403
    auction.refresh_from_db()
    assert auction.organisation == "Trung tâm DVĐG tỉnh"


# ---- steps on existing records ----------------------------------------------------------------------------------

def test_buyer_paid(client, sold_round, credit_case, people):
    client = logged_in(client, people["officer"], english=True)
    address = url("auctionround", "paid", sold_round.pk)
    assert client.get(address).status_code == 200
    # bad input: a payment before the auction
    response = client.post(address, {"paid_on": "2019-08-01"})
    assert response.status_code == 200
    assert form_errors(response) == {"paid_on": ["The date 01/08/2019 is before the auction (30/08/2019)."]}
    assert not Distribution.objects.exists()
    # when
    response = client.post(address, {"paid_on": "2019-09-20"})
    # then: the auction closes as sold, the bank is paid the price less the costs
    assert response.status_code == 302 and response["Location"] == url("auction", "change", sold_round.auction_id)
    sold_round.refresh_from_db()
    assert sold_round.paid_on == date(2019, 9, 20)
    assert Auction.objects.values_list("closed_as", "closed_on").get() == (AuctionClosure.SOLD, date(2019, 9, 20))
    assert list(DistributionShare.objects.values_list("case_id", "amount")) == [(credit_case.pk, 500_000_000)]
    # and a second time is refused
    before = counts()
    response = client.post(address, {"paid_on": "2019-09-21"})
    assert form_errors(response) == {"__all__": ["This round has no sale awaiting payment."]}
    assert counts() == before


def test_buyer_defaulted(client, sold_round, people):
    client = logged_in(client, people["officer"], english=True)
    address = url("auctionround", "default", sold_round.pk)
    response = client.post(address, {"defaulted_on": "2099-01-01"})
    assert form_errors(response) == {"defaulted_on": ["The date 01/01/2099 is in the future."]}
    sold_round.refresh_from_db()
    assert (sold_round.outcome, sold_round.defaulted_on) == (RoundOutcome.SOLD, None)
    response = client.post(address, {"defaulted_on": "2019-09-30"})
    assert response.status_code == 302
    sold_round.refresh_from_db()
    assert (sold_round.outcome, sold_round.defaulted_on) == (RoundOutcome.WINNER_DID_NOT_PAY, date(2019, 9, 30))
    assert Auction.objects.get().closed_as == ""


def test_offer_to_the_creditor(client, auction, people):
    client = logged_in(client, people["officer"], english=True)
    address = url("auction", "offer", auction.pk)
    fail_rounds(auction, 500_000_000)
    # too early: only the first round has failed
    response = client.post(address, {"offered_on": "2019-10-01"})
    assert form_errors(response) == {"__all__": [
        "The creditor is offered the asset only after the auction at the twice-reduced price has failed."]}
    assert not CreditorOffer.objects.exists()
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 10, 14), starting_price=450_000_000,
                         outcome=FAILED)
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 11, 28), starting_price=405_000_000,
                         outcome=FAILED)
    response = client.post(address, {"offered_on": "2019-12-05"})
    assert response.status_code == 302
    offer = CreditorOffer.objects.get()
    assert (offer.offered_on, offer.price, offer.case.case_no, offer.accepted) == (
        date(2019, 12, 5), 405_000_000, "THA-VT-TD-01", None)
    response = client.post(address, {"offered_on": "2019-12-06"})
    assert form_errors(response) == {"__all__": ["The asset was already offered to the creditor."]}
    assert CreditorOffer.objects.count() == 1


def test_creditors_answer(client, offered, people):
    client = logged_in(client, people["officer"], english=True)
    address = url("auction", "answer", offered.auction_id)
    response = client.post(address, {"accepted": "yes", "answered_on": "2019-12-01"})
    assert form_errors(response) == {"__all__": ["The answer cannot precede the offer."]}
    offered.refresh_from_db()
    assert offered.accepted is None
    response = client.post(address, {"accepted": "", "answered_on": "2019-12-10"})
    assert list(form_errors(response)) == ["accepted"]
    response = client.post(address, {"accepted": "yes", "answered_on": "2019-12-10"})
    assert response.status_code == 302
    offered.refresh_from_db()
    assert (offered.accepted, offered.answered_on, offered.redemption_due_on) == (
        True, date(2019, 12, 10), date(2020, 1, 9))


def test_creditor_declines(client, offered, people):
    response = logged_in(client, people["officer"]).post(url("auction", "answer", offered.auction_id),
                                                         {"accepted": "no", "answered_on": "2019-12-10"})
    assert response.status_code == 302
    offered.refresh_from_db()
    assert (offered.accepted, offered.redemption_due_on) == (False, None)


def test_hand_over_to_the_creditor(client, accepted, credit_case, people):
    client = logged_in(client, people["officer"], english=True)
    address = url("auction", "handover", accepted.auction_id)
    response = client.post(address, {"handed_on": "2020-01-05"})
    assert form_errors(response) == {"handed_on": ["The debtor may still pay to keep the asset until 09/01/2020."]}
    assert not Distribution.objects.exists()
    response = client.post(address, {"handed_on": "2020-01-10"})
    assert response.status_code == 302
    assert Auction.objects.values_list("closed_as", "closed_on").get() == (
        AuctionClosure.HANDED_TO_CREDITOR, date(2020, 1, 10))
    assert list(DistributionShare.objects.values_list("case_id", "amount")) == [(credit_case.pk, 385_000_000)]
    response = client.post(address, {"handed_on": "2020-01-11"})
    assert response.status_code == 200 and form_errors(response)["__all__"][0].startswith("The auction is closed")
    assert Distribution.objects.count() == 1


def test_debtor_redeems(client, accepted, credit_case, people):
    client = logged_in(client, people["officer"], english=True)
    address = url("auction", "redeem", accepted.auction_id)
    response = client.post(address, {"paid_on": "2019-12-20", "amount": "0"})
    assert form_errors(response) == {"amount": ["The amount must be a positive whole number (đồng)."]}
    response = client.post(address, {"paid_on": "2020-01-15", "amount": "405000000"})
    assert form_errors(response) == {"paid_on": ["The redemption window ended on 09/01/2020."]}
    assert not CaseEvent.objects.filter(case=credit_case, kind=EventKind.THU_TIEN).exists()
    response = client.post(address, {"paid_on": "2019-12-20", "amount": "405.000.000"})
    assert response.status_code == 302
    assert Auction.objects.values_list("closed_as", "closed_on").get() == (AuctionClosure.REDEEMED, date(2019, 12, 20))
    assert list(CaseEvent.objects.filter(case=credit_case, kind=EventKind.THU_TIEN).values_list("date", "amount")) == [
        (date(2019, 12, 20), 405_000_000)]
    assert Seizure.objects.get().status == SeizureStatus.RELEASED


@pytest.fixture
def hard_to_sell(org, people):
    """A parcel nobody buys: valued at 100.000.000 ₫ with 75.000.000 ₫ of costs, so after 100, 90 and 81
    million the next cut (72.900.000 ₫) would reach the floor."""
    case = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="THA-VT-003", amount_due=200_000_000,
                     accepted_on=date(2019, 3, 1))
    asset = asset_create(actor=None, cases=[case], data=RICE)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2019, 6, 3), minutes_no="BB 20")
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.OFFICER, value=100_000_000,
                     valued_on=date(2019, 7, 1))
    enforcement_cost_record(actor=None, case=case, asset=asset, kind="storage", amount=75_000_000,
                            incurred_on=date(2019, 7, 1))
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh", contract_no="HĐ 12",
                             contract_signed_on=date(2019, 7, 20))
    fail_rounds(auction, 100_000_000, 90_000_000, 81_000_000)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5))
    return case, auction, offer


def test_return_to_the_debtor(client, hard_to_sell, people):
    case, auction, offer = hard_to_sell
    client = logged_in(client, people["officer"], english=True)
    address = url("auction", "return", auction.pk)
    # refused while the creditor has not answered
    before = counts()
    response = client.post(address, {"returned_on": "2019-12-20"})
    assert form_errors(response) == {"__all__": [
        "Offer the asset to the creditor first; it returns to the debtor only if the creditor declines."]}
    assert counts() == before
    creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2019, 12, 10))
    assert url("auction", "return", auction.pk) in page(client.get(url("auction", "change", auction.pk)))
    response = client.post(address, {"returned_on": "2019-12-20"})
    assert response.status_code == 302
    assert Auction.objects.values_list("closed_as", "closed_on").get(pk=auction.pk) == (
        AuctionClosure.RETURNED_TO_DEBTOR, date(2019, 12, 20))
    assert Seizure.objects.get(pk=auction.seizure_id).status == SeizureStatus.RELEASED
    case.refresh_from_db()
    assert (case.status, case.status_ground) == (Status.POSTPONED, "h")


def test_release_a_seizure(client, seized, people):
    _asset, seizure, _valuation = seized
    client = logged_in(client, people["officer"], english=True)
    address = url("seizure", "release", seizure.pk)
    response = client.post(address, {"released_on": "2019-08-01", "release_reason": " "})
    assert form_errors(response) == {"release_reason": ["Give the reason for the release."]}
    response = client.post(address, {"released_on": "2019-05-01", "release_reason": "Đã nộp đủ tiền"})
    assert form_errors(response) == {"released_on": ["The date 01/05/2019 is before the seizure (03/06/2019)."]}
    seizure.refresh_from_db()
    assert seizure.status == SeizureStatus.IN_FORCE
    response = client.post(address, {"released_on": "2019-08-01", "release_reason": "Đã nộp đủ tiền"})
    assert response.status_code == 302 and response["Location"] == url("asset", "change", seizure.asset_id)
    seizure.refresh_from_db()
    assert (seizure.status, seizure.released_on, seizure.release_reason) == (
        SeizureStatus.RELEASED, date(2019, 8, 1), "Đã nộp đủ tiền")
    response = client.post(address, {"released_on": "2019-08-02", "release_reason": "Lần hai"})
    assert form_errors(response) == {"__all__": ["The seizure was already released."]}


def test_a_seizure_under_auction_is_not_released(client, auction, people):
    response = logged_in(client, people["officer"], english=True).post(
        url("seizure", "release", auction.seizure_id), {"released_on": "2019-08-01", "release_reason": "x"})
    assert form_errors(response) == {"__all__": ["Close the auction before releasing the seizure."]}
    assert Seizure.objects.get().status == SeizureStatus.IN_FORCE


def test_money_collected_from_an_asset(client, org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="THA-VT-004", amount_due=30_000_000,
                     accepted_on=date(2019, 3, 1))
    account = asset_create(actor=None, cases=[case], data=AssetData(
        kind=AssetKind.BANK_ACCOUNT, description="Tài khoản tiền gửi", owner_name="Nguyễn Văn A",
        account_no="0123 Vietcombank"))
    client = logged_in(client, people["officer"], english=True)
    address = url("asset", "collect", account.pk)
    assert client.get(address).status_code == 200
    response = client.post(address, {"received_on": "2019-08-01", "amount": "0"})
    assert form_errors(response) == {"amount": ["The amount must be a positive whole number (đồng)."]}
    response = client.post(address, {"received_on": "2019-08-01", "amount": "abc"})
    assert list(form_errors(response)) == ["amount"]
    assert not Distribution.objects.exists()
    response = client.post(address, {"received_on": "2019-08-01", "amount": "5.000.000"})
    assert response.status_code == 302
    distribution = Distribution.objects.get()
    assert (distribution.proceeds, distribution.source, distribution.costs_paid) == (5_000_000, "collection", 0)
    case.refresh_from_db()
    assert case.amount_remaining == 25_000_000


# ---- the money field --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "value"), [("500000000", 500_000_000), ("500.000.000", 500_000_000),
                                              ("500.000.000 ₫", 500_000_000), ("1 234 567", 1_234_567),
                                              ("0", 0), ("12.5", None), ("abc", None)])
def test_the_money_field_reads_amounts_as_people_write_them(typed, value):
    field = MoneyField()
    if value is None:
        with pytest.raises(Exception):  # noqa: B017 — ValidationError, whichever the message
            field.clean(typed)
    else:
        assert field.clean(typed) == value


# ---- linking cases and the notice of a valuation -----------------------------------------------------------------

def test_read_only_people_see_the_assets_of_a_case_but_no_link_to_record_one(client, seized, credit_case, people):
    asset, _seizure, _valuation = seized
    html = page(logged_in(client, people["statistician"]).get(url("case", "change", credit_case.pk)))
    assert f'href="{url("asset", "change", asset.pk)}"' in html
    assert "/admin/cases/asset/add/" not in html


def test_the_officer_adds_a_wages_case_to_the_asset_with_rank_one(client, org, seized, people):
    asset, _seizure, _valuation = seized
    wages = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="THA-VT-LD-02", amount_due=60_000_000,
                      accepted_on=date(2019, 4, 1))
    logged_in(client, people["officer"], english=True)
    address = url("asset", "link", asset.pk)
    response = client.post(address, {"case": wages.pk, "rank": "1", "interest_due": "5.000.000"})
    assert response.status_code == 302, form_errors(response)
    link = AssetCase.objects.get(asset=asset, case=wages)
    assert (link.rank, link.interest_due) == (1, 5_000_000)
    # Correcting the interest alone keeps rank 1.
    response = client.post(address, {"case": wages.pk, "rank": "", "interest_due": "0"})
    assert response.status_code == 302, form_errors(response)
    link.refresh_from_db()
    assert (link.rank, link.interest_due) == (1, 0)


def test_a_case_of_another_unit_is_not_offered_for_the_asset(client, org, seized, people):
    asset, _seizure, _valuation = seized
    elsewhere = make_case(unit=org["HG-NB"], case_no="THA-NB-01", amount_due=10_000_000, accepted_on=date(2019, 4, 1))
    before = counts()
    response = logged_in(client, people["head"]).post(url("asset", "link", asset.pk),
                                                      {"case": elsewhere.pk, "rank": "3"})
    assert response.status_code == 200
    assert "case" in form_errors(response)
    assert counts() == before


def test_the_notice_of_a_valuation_is_recorded_once(client, credit_case, people):
    asset = asset_create(actor=None, cases=[credit_case], data=RICE)
    seizure = seizure_record(actor=None, asset=asset, case=credit_case, seized_on=date(2019, 6, 3), minutes_no="BB 1")
    valuation = valuation_record(actor=None, seizure=seizure, method=ValuationMethod.AGREEMENT, value=500_000_000,
                                 valued_on=date(2019, 7, 1))
    logged_in(client, people["officer"], english=True)
    assert url("valuation", "notify", valuation.pk) in page(client.get(url("valuation", "change", valuation.pk)))
    response = client.post(url("valuation", "notify", valuation.pk), {"notified_on": "2019-07-03"})
    assert response.status_code == 302, form_errors(response)
    valuation.refresh_from_db()
    assert valuation.notified_on == date(2019, 7, 3)
    response = client.post(url("valuation", "notify", valuation.pk), {"notified_on": "2019-07-04"})
    assert response.status_code == 200
    assert form_errors(response) == {"notified_on": ["The notice of this valuation is already recorded."]}
    valuation.refresh_from_db()
    assert valuation.notified_on == date(2019, 7, 3)


def test_the_case_page_shows_its_ledger_of_enforcement_costs(client, seized, credit_case, people):
    asset, _seizure, _valuation = seized
    enforcement_cost_record(actor=None, case=credit_case, kind="storage", amount=1_500_000,
                            incurred_on=date(2019, 8, 1))
    html = page(logged_in(client, people["officer"], english=True).get(url("case", "change", credit_case.pk)))
    ledger = re.search(r"<label>Enforcement costs:</label>.*?</table>", html, re.S).group(0)
    assert "01/07/2019" in ledger and "20.000.000 ₫" in ledger and str(asset) in ledger
    assert "01/08/2019" in ledger and "1.500.000 ₫" in ledger
    assert "21.500.000 ₫" in ledger  # the total charged; nothing recovered yet


def test_the_cost_list_shows_costs_charged_to_no_asset_to_their_case_only(client, seized, credit_case, people):
    enforcement_cost_record(actor=None, case=credit_case, kind="storage", amount=1_500_000,
                            incurred_on=date(2019, 8, 1))
    listing = page(logged_in(client, people["officer"]).get(url("enforcementcost")))
    assert listing.count("1.500.000 ₫") == 1 and listing.count("20.000.000 ₫") == 1
    assert "1.500.000" not in page(logged_in(client, people["outsider"]).get(url("enforcementcost")))
