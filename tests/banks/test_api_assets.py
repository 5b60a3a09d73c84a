"""The assets part of the bank API's case detail (banks/api/serializers.py, banks/selectors.py): the assets a
case answers with, the calling bank's own collateral on them (never another bank's), their seizures,
valuations, auction rounds and the offer to the creditor, and the case's shares of the money — with the
number of queries pinned."""
import copy
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache

from banks.services import api_key_create
from cases.codes import AssetKind, Category, EventKind, LandType, RoundOutcome, ValuationMethod
from cases.models import DistributionShare
from cases.selectors import case_deadlines
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_handover,
    auction_round_record,
    auction_sale_paid,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    enforcement_cost_record,
    revaluation_record,
    seizure_record,
    seizure_release,
    valuation_record,
)
from tests.factories import BankFactory, make_case, record

TODAY = date(2026, 11, 28)
RICE = AssetData(kind=AssetKind.LAND_USE_RIGHT, description="Đất trồng lúa", owner_name="Nguyễn Văn A",
                 parcel_no="112", map_sheet_no="7", area_m2=Decimal("2500.0"), land_type=LandType.RICE,
                 certificate_no="BĐ 123456", location="Ấp 3, xã Vị Tân")
TRUCK = AssetData(kind=AssetKind.VEHICLE, description="Xe tải Hino 8 tấn", owner_name="Nguyễn Văn A",
                  plate_no="95C-012.34", location="Bãi giữ xe Chi cục")


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def banks(org):
    agr, vcb = BankFactory(code="AGR", name="Agribank Hậu Giang"), BankFactory(code="VCB", name="Vietcombank")
    return {"agr": agr, "agr_key": api_key_create(bank=agr)[1], "vcb": vcb, "vcb_key": api_key_create(bank=vcb)[1]}


def credit_case(org, bank, case_no, **kwargs):
    return make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no=case_no, **kwargs)


def sell_rice_land_to_the_bank(agr_case, asset):
    """Seized, valued, three failed rounds (the second and third each 10 % lower), offered to the bank, which
    accepts; the debtor does not redeem; handed over at 405,000,000, costs of 20,000,000 paid first."""
    seizure = seizure_record(actor=None, asset=asset, case=agr_case, seized_on=date(2019, 6, 3), minutes_no="BB 15",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.FIRM, firm_name="Công ty TĐG Miền Nam",
                     contract_signed_on=date(2019, 6, 7), value=500_000_000, valued_on=date(2019, 7, 1),
                     notified_on=date(2019, 7, 3), today=TODAY)
    enforcement_cost_record(actor=None, case=agr_case, asset=asset, kind="valuation", amount=20_000_000,
                            incurred_on=date(2019, 7, 1), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh", contract_no="HĐ 9",
                             contract_signed_on=date(2019, 7, 20), today=TODAY)
    for held_on, price in ((date(2019, 8, 30), 500_000_000), (date(2019, 10, 15), 450_000_000),
                           (date(2019, 12, 2), 405_000_000)):
        auction_round_record(actor=None, auction=auction, held_on=held_on, starting_price=price,
                             outcome=RoundOutcome.NO_REGISTRANT, today=TODAY)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)
    creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=date(2019, 12, 10), today=TODAY)
    auction_handover(actor=None, auction=auction, handed_on=date(2020, 1, 10), today=TODAY)


def sell_truck(agr_case, asset):
    """Seized, valued by the officer, re-valued on the debtor's request; round 1 at the re-valued price fails,
    round 2 (−10 %) sells at 280,000,000, paid; the seizure is then released."""
    seizure = seizure_record(actor=None, asset=asset, case=agr_case, seized_on=date(2020, 3, 2), minutes_no="BB 41",
                             today=TODAY)
    valuation = valuation_record(actor=None, seizure=seizure, method=ValuationMethod.OFFICER, value=320_000_000,
                                 valued_on=date(2020, 3, 9), notified_on=date(2020, 3, 10), today=TODAY)
    revaluation_record(actor=None, valuation=valuation, requested_on=date(2020, 3, 12), requested_by="Nguyễn Văn A",
                       method=ValuationMethod.FIRM, firm_name="Công ty TĐG Cửu Long", value=300_000_000,
                       valued_on=date(2020, 3, 25), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Công ty ĐG Hợp Danh Số 1",
                             contract_no="HĐ 21", contract_signed_on=date(2020, 4, 1), today=TODAY)
    auction_round_record(actor=None, auction=auction, held_on=date(2020, 4, 20), starting_price=300_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)
    sold = auction_round_record(actor=None, auction=auction, held_on=date(2020, 5, 20), starting_price=270_000_000,
                                outcome=RoundOutcome.SOLD, sale_price=280_000_000, buyer_name="Lê Văn Mua",
                                today=TODAY)
    auction_sale_paid(actor=None, auction_round=sold, paid_on=date(2020, 6, 5), today=TODAY)
    seizure_release(actor=None, seizure=seizure, released_on=date(2020, 6, 10), reason="Đã bán đấu giá xong",
                    today=TODAY)


@pytest.fixture
def world(org, banks):
    """AGR's case (800,000,000 due) answers with a rice field — mortgaged to AGR and to VCB, which is the
    creditor of another case the field answers for — handed to AGR after three failed rounds, and with a
    truck sold at the second round. VCB's collateral must never show in AGR's view, nor AGR's in VCB's."""
    agr_case = credit_case(org, banks["agr"], "A-1", amount_due=800_000_000, accepted_on=date(2019, 3, 1))
    vcb_case = credit_case(org, banks["vcb"], "V-1", amount_due=200_000_000, accepted_on=date(2019, 4, 1))
    rice = asset_create(actor=None, cases=[agr_case, vcb_case], data=RICE)
    collateral_register(actor=None, asset=rice, bank=banks["agr"], loan_contract_no="HĐTD 01/2016",
                        principal=600_000_000, contractual_interest=150_000_000, penalty_interest=50_000_000,
                        secured_amount=800_000_000, registered_on=date(2016, 5, 2), today=TODAY)
    collateral_register(actor=None, asset=rice, bank=banks["vcb"], loan_contract_no="VCB 77/2017",
                        principal=150_000_000, secured_amount=150_000_000, registered_on=date(2017, 8, 1),
                        today=TODAY)
    truck = asset_create(actor=None, cases=[agr_case], data=TRUCK)
    sell_rice_land_to_the_bank(agr_case, rice)
    sell_truck(agr_case, truck)
    return {"agr_case": agr_case, "vcb_case": vcb_case, "rice": rice, "truck": truck}


def detail(client, case_no, key):
    response = client.get(f"/api/v1/cases/{case_no}/", **bearer(key))
    assert response.status_code == 200, response.content
    return response.json()


RICE_SEIZURE = {
    "seized_on": "2019-06-03", "minutes_no": "BB 15", "status": "in_force", "released_on": None,
    "release_reason": "",
    "valuations": [{"method": "firm", "value": 500_000_000, "valued_on": "2019-07-01", "is_revaluation": False}],
    "auction": {
        "organisation": "Trung tâm DVĐG tỉnh", "contract_signed_on": "2019-07-20",
        "closed_as": "handed_to_creditor", "closed_on": "2020-01-10",
        "rounds": [
            {"number": 1, "held_on": "2019-08-30", "starting_price": 500_000_000, "reduction": 0,
             "reduction_percent": "0.00", "outcome": "no_registrant", "sale_price": None, "payment_due_on": None,
             "paid_on": None},
            {"number": 2, "held_on": "2019-10-15", "starting_price": 450_000_000, "reduction": 50_000_000,
             "reduction_percent": "10.00", "outcome": "no_registrant", "sale_price": None,
             "payment_due_on": None, "paid_on": None},
            {"number": 3, "held_on": "2019-12-02", "starting_price": 405_000_000, "reduction": 45_000_000,
             "reduction_percent": "10.00", "outcome": "no_registrant", "sale_price": None,
             "payment_due_on": None, "paid_on": None},
        ],
        "creditor_offer": {"offered_on": "2019-12-05", "price": 405_000_000, "accepted": True,
                           "answered_on": "2019-12-10", "redemption_due_on": "2020-01-09",
                           "made_to_this_case": True},
    },
}


def rice_asset(rice, collateral, *, offer_to_this_case=True):
    seizure = copy.deepcopy(RICE_SEIZURE)
    seizure["auction"]["creditor_offer"]["made_to_this_case"] = offer_to_this_case
    return {
        "id": rice.pk, "kind": "land_use_right", "description": "Đất trồng lúa", "parcel_no": "112",
        "map_sheet_no": "7", "area_m2": "2500.0", "land_type": "rice", "certificate_no": "BĐ 123456",
        "plate_no": "", "owner_kind": "debtor", "location": "Ấp 3, xã Vị Tân", "collateral": collateral,
        "seizures": [seizure],
    }


def test_given_assets_seized_and_sold_then_the_bank_sees_them_with_seizures_valuations_rounds_offer_and_shares(
        client, banks, world):
    # when
    body = detail(client, "A-1", banks["agr_key"])

    # then: the rice field (only AGR's mortgage), then the truck
    assert body["assets"] == [
        rice_asset(world["rice"], [{"loan_contract_no": "HĐTD 01/2016", "kind": "mortgage",
                                    "secured_amount": 800_000_000, "registered_on": "2016-05-02"}]),
        {
            "id": world["truck"].pk, "kind": "vehicle", "description": "Xe tải Hino 8 tấn", "parcel_no": "",
            "map_sheet_no": "", "area_m2": None, "land_type": None, "certificate_no": "", "plate_no": "95C-012.34",
            "owner_kind": "debtor", "location": "Bãi giữ xe Chi cục", "collateral": [],
            "seizures": [{
                "seized_on": "2020-03-02", "minutes_no": "BB 41", "status": "released", "released_on": "2020-06-10",
                "release_reason": "Đã bán đấu giá xong",
                "valuations": [
                    {"method": "officer", "value": 320_000_000, "valued_on": "2020-03-09", "is_revaluation": False},
                    {"method": "firm", "value": 300_000_000, "valued_on": "2020-03-25", "is_revaluation": True},
                ],
                "auction": {
                    "organisation": "Công ty ĐG Hợp Danh Số 1", "contract_signed_on": "2020-04-01",
                    "closed_as": "sold", "closed_on": "2020-06-05",
                    "rounds": [
                        {"number": 1, "held_on": "2020-04-20", "starting_price": 300_000_000, "reduction": 0,
                         "reduction_percent": "0.00", "outcome": "no_bid", "sale_price": None,
                         "payment_due_on": None, "paid_on": None},
                        {"number": 2, "held_on": "2020-05-20", "starting_price": 270_000_000,
                         "reduction": 30_000_000, "reduction_percent": "10.00", "outcome": "sold",
                         "sale_price": 280_000_000, "payment_due_on": "2020-06-19", "paid_on": "2020-06-05"},
                    ],
                    "creditor_offer": None,
                },
            }],
        },
    ]
    # 405,000,000 handed over − 20,000,000 costs = 385,000,000 shared by the two secured banks, 800 : 150
    # (AGR 324,210,526.3…, VCB 60,789,473.7…); then the truck's 280,000,000, AGR's alone
    assert body["distribution_shares"] == [
        {"received_on": "2020-01-10", "source": "handover", "rank": 3, "secured": True, "principal": 324_210_526,
         "interest": 0, "amount": 324_210_526},
        {"received_on": "2020-06-05", "source": "sale", "rank": 3, "secured": False, "principal": 280_000_000,
         "interest": 0, "amount": 280_000_000},
    ]
    assert sum(share["amount"] for share in body["distribution_shares"]) == sum(
        DistributionShare.objects.filter(case=world["agr_case"]).values_list("amount", flat=True))
    assert body["amount_collected"] == 604_210_526


def test_given_two_banks_with_collateral_on_one_asset_then_each_sees_only_its_own(client, banks, world):
    # when
    agr_assets = detail(client, "A-1", banks["agr_key"])["assets"]
    vcb_body = detail(client, "V-1", banks["vcb_key"])

    # then: the field shows in both cases, each bank seeing its own mortgage only
    assert [contract["loan_contract_no"] for asset in agr_assets for contract in asset["collateral"]] == [
        "HĐTD 01/2016"]
    assert vcb_body["assets"] == [rice_asset(world["rice"], [
        {"loan_contract_no": "VCB 77/2017", "kind": "mortgage", "secured_amount": 150_000_000,
         "registered_on": "2017-08-01"}], offer_to_this_case=False)]  # the field was offered to AGR
    assert "HĐTD 01/2016" not in str(vcb_body) and "VCB 77/2017" not in str(agr_assets)
    # and each case only its own share of the field's proceeds
    assert vcb_body["distribution_shares"] == [
        {"received_on": "2020-01-10", "source": "handover", "rank": 3, "secured": True, "principal": 60_789_474,
         "interest": 0, "amount": 60_789_474}]


def test_given_another_banks_key_then_the_case_with_assets_is_404(client, banks, world):
    # when
    response = client.get("/api/v1/cases/A-1/", **bearer(banks["vcb_key"]))

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_given_a_case_without_assets_then_assets_and_shares_are_empty(client, org, banks):
    # given
    credit_case(org, banks["agr"], "A-0")

    # when
    body = detail(client, "A-0", banks["agr_key"])

    # then
    assert (body["assets"], body["distribution_shares"]) == ([], [])


# ---- query counts -----------------------------------------------------------------------------------------

# The key; the case with its unit; its events; debtors; payouts; assets; distribution shares (with their
# distribution); the holiday calendar.
QUERIES_WITHOUT_ASSETS = 8
# And, as there are assets: the bank's collateral on them; their seizures (with auction and offer); the
# valuations; the auction rounds. Django runs no prefetch over an empty level, hence the two counts.
QUERIES_WITH_ASSETS = 12


def test_given_no_assets_then_the_detail_costs_the_base_queries(client, org, banks, django_assert_num_queries):
    # given
    credit_case(org, banks["agr"], "A-0")
    auth = bearer(banks["agr_key"])
    client.get("/api/v1/cases/A-0/", **auth)  # the key's last use is now recorded: no write in the measured request

    # when / then
    with django_assert_num_queries(QUERIES_WITHOUT_ASSETS):
        response = client.get("/api/v1/cases/A-0/", **auth)
    assert response.json()["assets"] == []


def test_given_one_asset_with_one_round_then_the_detail_costs_the_asset_queries(client, org, banks,
                                                                                 django_assert_num_queries):
    # given
    case = credit_case(org, banks["agr"], "A-2", amount_due=800_000_000, accepted_on=date(2019, 3, 1))
    truck = asset_create(actor=None, cases=[case], data=TRUCK)
    seizure = seizure_record(actor=None, asset=truck, case=case, seized_on=date(2020, 3, 2), minutes_no="BB 41",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.OFFICER, value=300_000_000,
                     valued_on=date(2020, 3, 9), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Công ty ĐG", contract_no="HĐ 21",
                             contract_signed_on=date(2020, 4, 1), today=TODAY)
    auction_round_record(actor=None, auction=auction, held_on=date(2020, 4, 20), starting_price=300_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)
    auth = bearer(banks["agr_key"])
    client.get("/api/v1/cases/A-2/", **auth)

    # when / then
    with django_assert_num_queries(QUERIES_WITH_ASSETS):
        response = client.get("/api/v1/cases/A-2/", **auth)
    (asset,) = response.json()["assets"]
    assert len(asset["seizures"][0]["auction"]["rounds"]) == 1


def test_given_two_assets_with_several_rounds_then_the_detail_costs_the_same_queries(client, banks, world,
                                                                                      django_assert_num_queries):
    # given: 2 assets, 2 collateral (one AGR's), 2 seizures, 3 valuations, 5 rounds, 1 offer, 2 shares
    auth = bearer(banks["agr_key"])
    client.get("/api/v1/cases/A-1/", **auth)

    # when / then
    with django_assert_num_queries(QUERIES_WITH_ASSETS):
        response = client.get("/api/v1/cases/A-1/", **auth)
    body = response.json()
    assert [len(asset["seizures"][0]["auction"]["rounds"]) for asset in body["assets"]] == [3, 2]
    assert len(body["distribution_shares"]) == 2


def test_given_a_verified_case_with_an_asset_seized_but_not_valued_then_the_next_deadline_is_the_valuation(
        client, org, banks):
    # given: the case's own deadlines are met; the truck was seized on Mon 4/3/2024 and never valued
    case = credit_case(org, banks["agr"], "A-3", accepted_on=date(2024, 1, 10))
    record(case, EventKind.CO_DIEU_KIEN, date(2024, 1, 20))
    truck = asset_create(actor=None, cases=[case], data=TRUCK)
    seizure_record(actor=None, asset=truck, case=case, seized_on=date(2024, 3, 4), minutes_no="BB 3", today=TODAY)
    case.refresh_from_db()
    (expected,) = [d for d in case_deadlines(case) if d.duty and d.met_on is None]

    # when: the API takes the case's seizures from the assets it prefetched, not from a query of its own
    body = detail(client, "A-3", banks["agr_key"])

    # then
    assert expected.kind == "valuation_contract"
    assert body["next_deadline"] == {"kind": "valuation_contract", "label": str(expected.label),
                                     "due_on": expected.due_on.isoformat(), "status": "overdue"}
