"""The audit trail of an asset's steps (issue 14 item 8): each write of cases/services/assets.py leaves an entry
with the actor, the door and each changed value before and after, on the case the step belongs to (the case the
asset was seized in; the bank's case for a collateral; the offered creditor's case for an offer)."""
from datetime import date

import pytest

from cases.codes import AssetKind, Category, ClaimRank, ValuationMethod
from cases.services.assets import (
    AssetData,
    asset_case_link,
    asset_collection_distribute,
    asset_create,
    auction_create,
    auction_redeem,
    auction_return_to_debtor,
    auction_round_record,
    auction_sale_default,
    auction_sale_paid,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    enforcement_cost_record,
    revaluation_record,
    seizure_record,
    seizure_release,
    valuation_notify,
    valuation_record,
)
from tests.audit.helpers import last_entry, old_new, who
from tests.cases.test_asset_deadlines import LAND
from tests.factories import BankFactory, make_case
from thads.audit.context import Source, audit_source
from thads.audit.models import Action, AuditEntry
from thads.audit.selectors import case_audit_trail

TODAY = date(2026, 11, 28)
M = 1_000_000
MOTORBIKE = AssetData(kind=AssetKind.VEHICLE, description="Xe mô tô Honda Wave", owner_name="Nguyễn Văn A",
                      plate_no="95H1-123.45")


@pytest.fixture
def officer(people):
    return people["officer"]


@pytest.fixture
def case(org, officer):
    return make_case(unit=org["HG-VT"], officer=officer, amount_due=300 * M, accepted_on=date(2019, 1, 2))


@pytest.fixture
def seized(case, officer):
    asset = asset_create(actor=officer, cases=[case], data=LAND)
    seizure = seizure_record(actor=officer, asset=asset, case=case, seized_on=date(2019, 3, 4), minutes_no="BB 9",
                             today=TODAY)
    return asset, seizure


@pytest.fixture
def valued(seized, officer):
    asset, seizure = seized
    valuation = valuation_record(actor=officer, seizure=seizure, method=ValuationMethod.AGREEMENT, value=100 * M,
                                 valued_on=date(2019, 3, 6), today=TODAY)
    return asset, seizure, valuation


@pytest.fixture
def auction(valued, officer):
    _asset, seizure, _valuation = valued
    return auction_create(actor=officer, seizure=seizure, organisation="Trung tâm DVĐG", contract_no="5",
                          contract_signed_on=date(2019, 4, 1), today=TODAY)


@pytest.mark.django_db
def test_asset_create_records_the_asset_on_each_case_it_answers_for(org, case, officer):
    other = make_case(unit=org["HG-VT"], officer=officer)
    with audit_source(Source.PAGE):
        asset = asset_create(actor=officer, cases=[case, other], data=LAND)
    entries = list(AuditEntry.objects.filter(action=Action.ASSET_CREATE, object_id=str(asset.pk)).order_by("case_id"))
    assert [who(entry) for entry in entries] == [(officer, Source.PAGE, case.pk, case.unit_id),
                                                 (officer, Source.PAGE, other.pk, other.unit_id)]
    assert old_new(entries[0]) == {
        "kind": (None, AssetKind.LAND_USE_RIGHT), "description": (None, "Đất lúa ấp 5"),
        "owner_kind": (None, "debtor"), "owner_name": (None, "Nguyễn Văn A"), "parcel_no": (None, "45"),
        "map_sheet_no": (None, "12"), "area_m2": (None, "3000"), "land_type": (None, LAND.land_type)}


@pytest.mark.django_db
def test_asset_case_link_records_the_rank_corrected_and_nothing_when_unchanged(case, officer):
    asset = asset_create(actor=officer, cases=[case], data=LAND)
    with audit_source(Source.ADMIN):
        asset_case_link(actor=officer, asset=asset, case=case, rank=ClaimRank.LIVELIHOOD)
        asset_case_link(actor=officer, asset=asset, case=case, rank=ClaimRank.LIVELIHOOD)
    (entry,) = AuditEntry.objects.filter(action=Action.ASSET_CASE_LINK)
    assert who(entry) == (officer, Source.ADMIN, case.pk, case.unit_id)
    assert old_new(entry) == {"rank": (ClaimRank.OTHER, ClaimRank.LIVELIHOOD)}


@pytest.mark.django_db
def test_collateral_is_recorded_on_the_banks_case(org, officer):
    bank = BankFactory(code="VCB")
    bank_case = make_case(unit=org["HG-VT"], officer=officer, bank=bank, category=Category.TIN_DUNG_NGAN_HANG,
                          amount_due=900 * M, accepted_on=date(2018, 10, 1))
    asset = asset_create(actor=officer, cases=[bank_case], data=LAND)
    with audit_source(Source.PAGE):
        collateral = collateral_register(actor=officer, asset=asset, bank=bank, loan_contract_no="01/HĐTD",
                                         principal=700 * M, secured_amount=900 * M, today=TODAY)
    entry = last_entry(Action.COLLATERAL_REGISTER)
    assert (who(entry), entry.object_id) == ((officer, Source.PAGE, bank_case.pk, bank_case.unit_id),
                                             str(collateral.pk))
    assert {name: old_new(entry)[name] for name in ("bank", "loan_contract_no", "principal", "secured_amount")} == {
        "bank": (None, bank.pk), "loan_contract_no": (None, "01/HĐTD"), "principal": (None, 700 * M),
        "secured_amount": (None, 900 * M)}


@pytest.mark.django_db
def test_seizure_and_its_release_are_recorded_with_the_status_before_and_after(case, officer):
    asset = asset_create(actor=officer, cases=[case], data=LAND)
    with audit_source(Source.PAGE):
        seizure = seizure_record(actor=officer, asset=asset, case=case, seized_on=date(2019, 3, 4),
                                 minutes_no="BB 9", today=TODAY)
    seized = last_entry(Action.SEIZURE_RECORD)
    assert who(seized) == (officer, Source.PAGE, case.pk, case.unit_id)
    assert old_new(seized) == {"asset": (None, asset.pk), "seized_on": (None, "2019-03-04"),
                               "minutes_no": (None, "BB 9"), "officer": (None, officer.pk),
                               "with_mobilised_forces": (None, False), "status": (None, "in_force")}
    with audit_source(Source.ADMIN):
        seizure_release(actor=officer, seizure=seizure, released_on=date(2019, 4, 1), reason="Đã trả nợ",
                        today=TODAY)
    released = last_entry(Action.SEIZURE_RELEASE)
    assert who(released) == (officer, Source.ADMIN, case.pk, case.unit_id)
    assert old_new(released) == {"status": ("in_force", "released"), "released_on": (None, "2019-04-01"),
                                 "release_reason": ("", "Đã trả nợ")}


@pytest.mark.django_db
def test_valuation_is_recorded_on_the_case_of_the_seizure(seized, case, officer):
    _asset, seizure = seized
    with audit_source(Source.PAGE):
        valuation_record(actor=officer, seizure=seizure, method=ValuationMethod.AGREEMENT, value=100 * M,
                         valued_on=date(2019, 3, 6), today=TODAY)
    entry = last_entry(Action.VALUATION_RECORD)
    assert who(entry) == (officer, Source.PAGE, case.pk, case.unit_id)
    assert old_new(entry) == {"method": (None, "agreement"), "valued_on": (None, "2019-03-06"),
                              "value": (None, 100 * M)}


@pytest.mark.django_db
def test_notice_of_the_valuation_is_recorded(valued, case, officer):
    _asset, _seizure, valuation = valued
    with audit_source(Source.PAGE):
        valuation_notify(actor=officer, valuation=valuation, notified_on=date(2019, 3, 7), today=TODAY)
    entry = last_entry(Action.VALUATION_NOTIFY)
    assert (who(entry), old_new(entry)) == ((officer, Source.PAGE, case.pk, case.unit_id),
                                            {"notified_on": (None, "2019-03-07")})


@pytest.mark.django_db
def test_revaluation_is_recorded_with_what_it_revalues(valued, case, officer):
    _asset, _seizure, valuation = valued
    valuation = valuation_notify(actor=officer, valuation=valuation, notified_on=date(2019, 3, 7), today=TODAY)
    with audit_source(Source.ADMIN):
        revaluation_record(actor=officer, valuation=valuation, requested_on=date(2019, 3, 8), requested_by="Con nợ",
                           method=ValuationMethod.OFFICER, value=120 * M, valued_on=date(2019, 3, 15), today=TODAY)
    entry = last_entry(Action.REVALUATION_RECORD)
    assert who(entry) == (officer, Source.ADMIN, case.pk, case.unit_id)
    assert old_new(entry) == {"method": (None, "officer"), "valued_on": (None, "2019-03-15"), "value": (None, 120 * M),
                              "revaluation_of": (None, valuation.pk), "revaluation_requested_on": (None, "2019-03-08"),
                              "requested_by": (None, "Con nợ")}


@pytest.mark.django_db
def test_auction_contract_is_recorded(valued, case, officer):
    _asset, seizure, _valuation = valued
    with audit_source(Source.PAGE):
        auction_create(actor=officer, seizure=seizure, organisation="Trung tâm DVĐG", contract_no="5",
                       contract_signed_on=date(2019, 4, 1), today=TODAY)
    entry = last_entry(Action.AUCTION_CREATE)
    assert (who(entry), old_new(entry)) == ((officer, Source.PAGE, case.pk, case.unit_id), {
        "organisation": (None, "Trung tâm DVĐG"), "contract_no": (None, "5"),
        "contract_signed_on": (None, "2019-04-01")})


@pytest.mark.django_db
def test_each_round_and_its_price_reduction_is_recorded(auction, case, officer):
    with audit_source(Source.PAGE):
        auction_round_record(actor=officer, auction=auction, held_on=date(2019, 5, 20), starting_price=100 * M,
                             outcome="no_bid", today=TODAY)
        auction_round_record(actor=officer, auction=auction, held_on=date(2019, 7, 1), starting_price=90 * M,
                             outcome="no_bid", today=TODAY)
    first, second = AuditEntry.objects.filter(action=Action.AUCTION_ROUND).order_by("id")
    assert who(second) == (officer, Source.PAGE, case.pk, case.unit_id)
    assert (old_new(first)["starting_price"], old_new(first)["reduction"]) == ((None, 100 * M), (None, 0))
    assert {name: old_new(second)[name] for name in ("number", "starting_price", "reduction", "reduction_percent",
                                                      "price_set_by", "outcome")} == {
        "number": (None, 2), "starting_price": (None, 90 * M), "reduction": (None, 10 * M),
        "reduction_percent": (None, "10.00"), "price_set_by": (None, "officer"), "outcome": (None, "no_bid")}


@pytest.mark.django_db
def test_buyers_payment_closes_the_auction_and_distributes_the_proceeds_each_recorded(auction, case, officer):
    sold = auction_round_record(actor=officer, auction=auction, held_on=date(2019, 5, 20), starting_price=100 * M,
                                outcome="sold", sale_price=101 * M, buyer_name="Lê Văn C", today=TODAY)
    with audit_source(Source.PAGE):
        auction_sale_paid(actor=officer, auction_round=sold, paid_on=date(2019, 6, 10), today=TODAY)
    paid, closed, distributed = (last_entry(action) for action in (
        Action.AUCTION_SALE_PAID, Action.AUCTION_CLOSE, Action.DISTRIBUTION))
    for entry in (paid, closed, distributed):
        assert who(entry) == (officer, Source.PAGE, case.pk, case.unit_id)
    assert old_new(paid) == {"paid_on": (None, "2019-06-10")}
    assert old_new(closed) == {"closed_as": ("", "sold"), "closed_on": (None, "2019-06-10")}
    assert {name: old_new(distributed)[name] for name in ("source", "received_on", "proceeds")} == {
        "source": (None, "sale"), "received_on": (None, "2019-06-10"), "proceeds": (None, 101 * M)}
    assert distributed.note == f"{case.case_no}: 101.000.000 ₫"


@pytest.mark.django_db
def test_buyers_default_is_recorded(auction, case, officer):
    sold = auction_round_record(actor=officer, auction=auction, held_on=date(2019, 5, 20), starting_price=100 * M,
                                outcome="sold", sale_price=101 * M, buyer_name="Lê Văn C", today=TODAY)
    with audit_source(Source.ADMIN):
        auction_sale_default(actor=officer, auction_round=sold, defaulted_on=date(2019, 6, 25), today=TODAY)
    entry = last_entry(Action.AUCTION_SALE_DEFAULT)
    assert (who(entry), old_new(entry)) == ((officer, Source.ADMIN, case.pk, case.unit_id), {
        "outcome": ("sold", "winner_did_not_pay"), "defaulted_on": (None, "2019-06-25")})


def _offer(case, officer):
    asset = asset_create(actor=officer, cases=[case], data=LAND)
    seizure = seizure_record(actor=officer, asset=asset, case=case, seized_on=date(2019, 3, 4), minutes_no="BB 9",
                             today=TODAY)
    valuation_record(actor=officer, seizure=seizure, method=ValuationMethod.AGREEMENT, value=100 * M,
                     valued_on=date(2019, 3, 6), today=TODAY)
    enforcement_cost_record(actor=officer, case=case, asset=asset, kind="storage", amount=90 * M,
                            incurred_on=date(2019, 3, 7), today=TODAY)
    auction = auction_create(actor=officer, seizure=seizure, organisation="Trung tâm DVĐG", contract_no="5",
                             contract_signed_on=date(2019, 4, 1), today=TODAY)
    auction_round_record(actor=officer, auction=auction, held_on=date(2019, 5, 20), starting_price=100 * M,
                         outcome="no_bid", today=TODAY)
    return auction


@pytest.mark.django_db
def test_enforcement_cost_is_recorded(case, officer):
    asset = asset_create(actor=officer, cases=[case], data=LAND)
    with audit_source(Source.PAGE):
        enforcement_cost_record(actor=officer, case=case, asset=asset, kind="storage", amount=2 * M,
                                incurred_on=date(2019, 3, 7), note="Thuê kho", today=TODAY)
    entry = last_entry(Action.COST_RECORD)
    assert (who(entry), old_new(entry)) == ((officer, Source.PAGE, case.pk, case.unit_id), {
        "asset": (None, asset.pk), "kind": (None, "storage"), "amount": (None, 2 * M),
        "incurred_on": (None, "2019-03-07"), "note": (None, "Thuê kho")})


@pytest.mark.django_db
def test_offer_to_the_creditor_its_answer_and_the_return_to_the_debtor_are_recorded(case, officer):
    auction = _offer(case, officer)
    with audit_source(Source.PAGE):
        offer = creditor_offer_make(actor=officer, auction=auction, offered_on=date(2019, 5, 22), today=TODAY)
        creditor_offer_answer(actor=officer, offer=offer, accepted=False, answered_on=date(2019, 5, 27), today=TODAY)
        auction_return_to_debtor(actor=officer, auction=auction, returned_on=date(2019, 5, 28), today=TODAY)
    made, answered, closed, released = (last_entry(action) for action in (
        Action.CREDITOR_OFFER, Action.CREDITOR_ANSWER, Action.AUCTION_CLOSE, Action.SEIZURE_RELEASE))
    for entry in (made, answered, closed, released):
        assert who(entry) == (officer, Source.PAGE, case.pk, case.unit_id)
    assert old_new(made) == {"offered_on": (None, "2019-05-22"), "price": (None, 100 * M)}
    assert old_new(answered) == {"accepted": (None, False), "answered_on": (None, "2019-05-27")}
    assert old_new(closed) == {"closed_as": ("", "returned_to_debtor"), "closed_on": (None, "2019-05-28")}
    assert old_new(released)["status"] == ("in_force", "released")


@pytest.mark.django_db
def test_the_debtor_redeeming_the_asset_is_recorded(case, officer):
    auction = _offer(case, officer)
    offer = creditor_offer_make(actor=officer, auction=auction, offered_on=date(2019, 5, 22), today=TODAY)
    creditor_offer_answer(actor=officer, offer=offer, accepted=True, answered_on=date(2019, 5, 27), today=TODAY)
    answered = last_entry(Action.CREDITOR_ANSWER)
    assert old_new(answered)["accepted"] == (None, True) and old_new(answered)["redemption_due_on"][1]
    with audit_source(Source.ADMIN):
        auction_redeem(actor=officer, auction=auction, paid_on=date(2019, 6, 3), amount=50 * M, today=TODAY)
    closed = last_entry(Action.AUCTION_CLOSE)
    assert (who(closed), old_new(closed)) == ((officer, Source.ADMIN, case.pk, case.unit_id), {
        "closed_as": ("", "redeemed"), "closed_on": (None, "2019-06-03")})


@pytest.mark.django_db
def test_money_collected_from_an_asset_is_recorded_for_its_unit(case, officer):
    asset = asset_create(actor=officer, cases=[case], data=MOTORBIKE)
    with audit_source(Source.PAGE):
        asset_collection_distribute(actor=officer, asset=asset, received_on=date(2019, 4, 1), amount=9 * M,
                                    today=TODAY)
    entry = last_entry(Action.DISTRIBUTION)
    assert who(entry) == (officer, Source.PAGE, None, case.unit_id)
    assert old_new(entry) == {"source": (None, "collection"), "received_on": (None, "2019-04-01"),
                              "proceeds": (None, 9 * M), "costs_paid": (None, 0), "surplus_to_debtor": (None, 0)}
    assert entry.note == f"{case.case_no}: 9.000.000 ₫"


@pytest.mark.django_db
def test_the_steps_read_on_the_case_page_in_vietnamese(seized, case, officer):
    rows = case_audit_trail(officer, case)
    assert {"Ghi nhận tài sản", "Kê biên tài sản"} <= {row.action for row in rows}
