"""The full change feed (issue 13 item 4): every change a bank must know of, made through the services, gives one
entry of its kind to the bank of each case it concerns — with its id, kind, case, time and a small payload typed by
its kind — and nothing to another bank. Every page read here is checked against the committed schema
(docs/openapi.yaml: an entry is one of a schema per kind), and the examples of docs/api.md are these responses."""
import json
import os
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import time_machine
import yaml
from django.core.cache import cache
from django.utils import timezone
from rest_framework import serializers

from banks.api.serializers import CHANGE_PAYLOADS, BankChangeSerializer
from banks.models import Collateral
from banks.services import api_key_create
from cases.codes import AssetKind, Category, EventKind, LandType, RoundOutcome, ValuationMethod
from cases.models import CaseChange
from cases.services import payout_record
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_handover,
    auction_round_record,
    auction_sale_default,
    auction_sale_paid,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    revaluation_record,
    seizure_record,
    seizure_release,
    valuation_notify,
    valuation_record,
)
from dialogues.models import CommitmentKind, CommitmentParty
from dialogues.services import (
    BankData,
    agenda_add,
    commitment_complete,
    commitment_complete_by_bank,
    commitment_mark_missed,
    commitment_record,
    session_create,
    session_hold,
)
from tests.factories import BankFactory, make_case, record
from thads.core.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
CHANGES = "/api/v1/changes/"
TODAY = date(2026, 11, 28)
ALL_KINDS = [kind.value for kind in CaseChange.Kind]


@pytest.fixture(autouse=True)
def _clear_throttle_counters(settings):
    cache.clear()
    yield
    cache.clear()


# ---- the committed schema, as a JSON Schema validator reads it ------------------------------------------------

def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema's null type (the rest is JSON Schema already)."""
    if isinstance(node, dict):
        node = {key: _json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_json_schema(value) for value in node]
    return node


@pytest.fixture(scope="module")
def feed_validator():
    schema = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator({"$ref": "#/components/schemas/BankChangeFeed",
                                       "components": _json_schema(schema["components"])})


class Feeds:
    """Each bank's feed, read through the API from where it last stopped (next_after), every page checked against
    the schema."""

    def __init__(self, client, keys: dict[str, str], validator):
        self.client, self.keys, self.validator = client, keys, validator
        self.after: dict[str, str | None] = dict.fromkeys(keys)

    def new(self) -> dict[str, list[dict]]:
        """The entries each bank has not read yet."""
        result = {}
        for code, key in self.keys.items():
            entries = []
            while True:
                params = {"limit": 100} if self.after[code] is None else {"limit": 100, "after": self.after[code]}
                response = self.client.get(CHANGES, data=params, HTTP_AUTHORIZATION=f"Bearer {key}")
                assert response.status_code == 200, response.content
                page = response.json()
                errors = [f"{list(error.absolute_path)}: {error.message}"
                          for error in self.validator.iter_errors(page)]
                assert errors == [], errors
                entries += page["results"]
                self.after[code] = page["next_after"]
                if not page["has_more"]:
                    break
            result[code] = entries
        return result

    def kinds(self) -> dict[str, list[tuple[str, str]]]:
        """(kind, case number) of the entries each bank has not read yet."""
        return {code: [(entry["kind"], entry["case_no"]) for entry in entries] for code, entries in self.new().items()}


# ---- the story ---------------------------------------------------------------------------------------------------

RICE = AssetData(kind=AssetKind.LAND_USE_RIGHT, description="Đất trồng lúa", owner_name="Nguyễn Văn A",
                 parcel_no="112", map_sheet_no="7", area_m2=Decimal("2500.0"), land_type=LandType.RICE,
                 location="Ấp 3, xã Vị Tân")


@pytest.fixture
def world(client, org, feed_validator):
    """AGR's case and VCB's case, both answered for by one rice field on which AGR holds a mortgage; BIDV's case,
    which the field does not answer for. Each bank's feed read to its end."""
    banks = {code: BankFactory(code=code, name=f"Ngân hàng {code}") for code in ("AGR", "VCB", "BIDV")}
    cases = {code: make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no=f"{code}-1",
                             amount_due=800_000_000, accepted_on=date(2019, 3, 1))
             for code, bank in banks.items()}
    asset = asset_create(actor=None, cases=[cases["AGR"], cases["VCB"]], data=RICE)
    collateral_register(actor=None, asset=asset, bank=banks["AGR"], loan_contract_no="HĐTD 01/2016",
                        principal=600_000_000, secured_amount=800_000_000, kind=Collateral.Kind.MORTGAGE,
                        registered_on=date(2016, 5, 2), today=TODAY)
    feeds = Feeds(client, {code: api_key_create(bank=bank)[1] for code, bank in banks.items()}, feed_validator)
    feeds.new()
    return {"banks": banks, "cases": cases, "asset": asset, "feeds": feeds}


def seized(world):
    return seizure_record(actor=None, asset=world["asset"], case=world["cases"]["AGR"], seized_on=date(2019, 6, 3),
                          minutes_no="BB 15", today=TODAY)


def valued(world, seizure):
    return valuation_record(actor=None, seizure=seizure, method=ValuationMethod.FIRM, firm_name="Công ty TĐG",
                            contract_signed_on=date(2019, 6, 7), value=500_000_000, valued_on=date(2019, 7, 1),
                            today=TODAY)


def auctioned(world):
    seizure = seized(world)
    valued(world, seizure)
    return auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh", contract_no="HĐ 9",
                          contract_signed_on=date(2019, 7, 20), today=TODAY)


def failed_three_times(world):
    auction = auctioned(world)
    for held_on, price in ((date(2019, 8, 30), 500_000_000), (date(2019, 10, 15), 450_000_000),
                           (date(2019, 12, 2), 405_000_000)):
        auction_round_record(actor=None, auction=auction, held_on=held_on, starting_price=price,
                             outcome=RoundOutcome.NO_REGISTRANT, today=TODAY)
    return auction


def only(entries: list[dict], kind: str) -> dict:
    (entry,) = [entry for entry in entries if entry["kind"] == kind]
    return entry


# ---- the case's own changes ----------------------------------------------------------------------------------

def test_a_case_accepted_is_one_case_created_entry_for_its_bank_only(world, org):
    # when
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=world["banks"]["AGR"],
                     case_no="AGR-2", decision_no="15/QĐ-CCTHADS", amount_due=3_500_000_000,
                     accepted_on=date(2024, 3, 1))

    # then
    new = world["feeds"].new()
    assert {code: [e["kind"] for e in entries] for code, entries in new.items()} == {
        "AGR": ["case_created"], "VCB": [], "BIDV": []}
    (entry,) = new["AGR"]
    stored = CaseChange.objects.get(case=case)
    assert (entry["id"], entry["case_no"], entry["status"], entry["event"]) == (stored.pk, "AGR-2", "in_progress",
                                                                                None)
    assert entry["payload"] == {"decision_no": "15/QĐ-CCTHADS", "accepted_on": "2024-03-01",
                                "amount_due": 3_500_000_000}


def test_an_event_is_one_event_recorded_entry_and_a_status_change_adds_one_status_changed(world):
    feeds, case = world["feeds"], world["cases"]["AGR"]
    # when: a collection (the status stays) ...
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=2_500_000_000 // 10)
    collected = feeds.new()
    # ... then a postponement
    event = record(case, EventKind.HOAN, date(2024, 2, 3), ground="c")
    postponed = feeds.new()

    # then
    assert [e["kind"] for e in collected["AGR"]] == ["event_recorded"]
    assert collected["AGR"][0]["payload"] == {"sequence": 1, "date": "2024-02-01", "code": "thu_tien",
                                              "amount": 250_000_000, "ground": "", "cancels": None}
    assert collected["AGR"][0]["payload"] == collected["AGR"][0]["event"]
    assert [e["kind"] for e in postponed["AGR"]] == ["event_recorded", "status_changed"]
    change = postponed["AGR"][1]
    assert (change["status"], change["event"]["sequence"]) == ("postponed", event.sequence)
    assert change["payload"] == {"previous_status": "in_progress", "status": "postponed", "date": "2024-02-03",
                                 "event_sequence": 2}
    assert (collected["VCB"], collected["BIDV"], postponed["VCB"], postponed["BIDV"]) == ([], [], [], [])


def test_a_payout_is_one_payout_recorded_entry(world):
    feeds, case = world["feeds"], world["cases"]["AGR"]
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=300_000_000)
    feeds.new()
    # when
    payout = payout_record(actor=None, case=case, paid_on=date(2024, 2, 20), amount=120_000_000,
                           recipient="Agribank Hậu Giang", today=TODAY)

    # then
    new = feeds.new()
    assert new == {"AGR": [new["AGR"][0]], "VCB": [], "BIDV": []}
    entry = new["AGR"][0]
    assert (entry["kind"], entry["status"]) == ("payout_recorded", "in_progress")
    assert entry["payload"] == {"payout_id": payout.pk, "paid_on": "2024-02-20", "amount": 120_000_000,
                                "recipient": "Agribank Hậu Giang"}


# ---- the asset: every case it answers for is told --------------------------------------------------------------

def test_a_seizure_is_one_entry_on_each_case_the_asset_answers_for(world):
    # when
    seizure = seized(world)

    # then
    new = world["feeds"].new()
    assert {code: [(e["kind"], e["case_no"]) for e in entries] for code, entries in new.items()} == {
        "AGR": [("seizure_recorded", "AGR-1")], "VCB": [("seizure_recorded", "VCB-1")], "BIDV": []}
    expected = {"asset_id": world["asset"].pk, "asset_kind": "land_use_right", "seizure_id": seizure.pk,
                "seized_on": "2019-06-03", "minutes_no": "BB 15"}
    assert new["AGR"][0]["payload"] == {**expected, "seized_in_this_case": True}
    assert new["VCB"][0]["payload"] == {**expected, "seized_in_this_case": False}


def test_a_release_is_one_seizure_released_entry_on_each_case(world):
    seizure = seized(world)
    world["feeds"].new()
    # when
    seizure_release(actor=None, seizure=seizure, released_on=date(2019, 7, 1), reason="Người phải thi hành án đã trả",
                    today=TODAY)

    # then
    new = world["feeds"].new()
    assert {code: [e["kind"] for e in entries] for code, entries in new.items()} == {
        "AGR": ["seizure_released"], "VCB": ["seizure_released"], "BIDV": []}
    assert new["AGR"][0]["payload"] == {"asset_id": world["asset"].pk, "seizure_id": seizure.pk,
                                        "seized_on": "2019-06-03", "released_on": "2019-07-01",
                                        "release_reason": "Người phải thi hành án đã trả"}


def test_a_valuation_and_a_revaluation_are_one_valuation_recorded_entry_each(world):
    seizure = seized(world)
    world["feeds"].new()
    # when
    valuation = valued(world, seizure)
    first = world["feeds"].new()
    valuation = valuation_notify(actor=None, valuation=valuation, notified_on=date(2019, 7, 3), today=TODAY)
    notified = world["feeds"].new()
    revaluation_record(actor=None, valuation=valuation, requested_on=date(2019, 7, 5), requested_by="Nguyễn Văn A",
                       method=ValuationMethod.FIRM, firm_name="Công ty TĐG 2", value=560_000_000,
                       valued_on=date(2019, 7, 20), today=TODAY)
    second = world["feeds"].new()

    # then
    assert {code: [e["kind"] for e in entries] for code, entries in first.items()} == {
        "AGR": ["valuation_recorded"], "VCB": ["valuation_recorded"], "BIDV": []}
    assert first["AGR"][0]["payload"] == {"asset_id": world["asset"].pk, "seizure_id": seizure.pk, "method": "firm",
                                          "value": 500_000_000, "valued_on": "2019-07-01", "is_revaluation": False}
    assert notified == {"AGR": [], "VCB": [], "BIDV": []}  # the notice is not shown to banks
    assert [e["kind"] for e in second["AGR"]] == ["valuation_recorded"]
    assert second["AGR"][0]["payload"] | {"value": 0} == {
        "asset_id": world["asset"].pk, "seizure_id": seizure.pk, "method": "firm", "value": 0,
        "valued_on": "2019-07-20", "is_revaluation": True}
    assert second["AGR"][0]["payload"]["value"] == 560_000_000


def test_a_failed_round_is_one_auction_round_recorded_entry_on_each_case(world):
    auction = auctioned(world)
    world["feeds"].new()
    # when
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 8, 30), starting_price=500_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)

    # then
    new = world["feeds"].new()
    assert {code: [e["kind"] for e in entries] for code, entries in new.items()} == {
        "AGR": ["auction_round_recorded"], "VCB": ["auction_round_recorded"], "BIDV": []}
    assert new["VCB"][0]["payload"] == {
        "asset_id": world["asset"].pk, "auction_id": auction.pk, "number": 1, "held_on": "2019-08-30",
        "starting_price": 500_000_000, "outcome": "no_bid", "sale_price": None, "payment_due_on": None,
        "paid_on": None}


def test_a_sold_round_its_default_and_a_paid_sale_are_one_round_entry_each_and_the_shares_follow(world):
    auction = auctioned(world)
    world["feeds"].new()
    # when: sold, the winner does not pay; sold again in round 2, paid
    sold = auction_round_record(actor=None, auction=auction, held_on=date(2019, 8, 30), starting_price=500_000_000,
                                outcome=RoundOutcome.SOLD, sale_price=520_000_000, buyer_name="Bà C", today=TODAY)
    first_sale = world["feeds"].new()
    auction_sale_default(actor=None, auction_round=sold, defaulted_on=date(2019, 10, 1), today=TODAY)
    default = world["feeds"].new()
    again = auction_round_record(actor=None, auction=auction, held_on=date(2019, 10, 15), starting_price=500_000_000,
                                 outcome=RoundOutcome.SOLD, sale_price=900_000_000, buyer_name="Ông D", today=TODAY)
    world["feeds"].new()
    auction_sale_paid(actor=None, auction_round=again, paid_on=date(2019, 11, 1), today=TODAY)
    paid = world["feeds"].new()

    # then
    round_payload = {"asset_id": world["asset"].pk, "auction_id": auction.pk, "number": 1, "held_on": "2019-08-30",
                     "starting_price": 500_000_000, "outcome": "sold", "sale_price": 520_000_000,
                     "payment_due_on": "2019-09-29", "paid_on": None}
    assert [e["payload"] for e in first_sale["AGR"]] == [round_payload]
    assert [e["payload"] for e in default["VCB"]] == [round_payload | {"outcome": "winner_did_not_pay"}]
    # paid: the round (now paid) on both cases; AGR (secured, 800,000,000) is paid in full (its case stays in
    # progress until the officer records its completion); VCB gets the remaining 100,000,000
    assert {code: [e["kind"] for e in entries] for code, entries in paid.items()} == {
        "AGR": ["auction_round_recorded", "event_recorded", "distribution_share_recorded"],
        "VCB": ["auction_round_recorded", "event_recorded", "distribution_share_recorded"], "BIDV": []}
    assert only(paid["AGR"], "auction_round_recorded")["payload"]["paid_on"] == "2019-11-01"
    agr_share, vcb_share = (only(paid[code], "distribution_share_recorded") for code in ("AGR", "VCB"))
    assert agr_share["payload"] == {
        "asset_id": world["asset"].pk, "distribution_id": auction.distributions.get().pk, "received_on": "2019-11-01",
        "source": "sale", "rank": 3, "secured": True, "principal": 800_000_000, "interest": 0,
        "amount": 800_000_000, "event_sequence": 1}
    assert (agr_share["status"], agr_share["event"]["code"], agr_share["event"]["amount"]) == (
        "in_progress", "thu_tien", 800_000_000)
    assert (vcb_share["payload"]["amount"], vcb_share["payload"]["secured"]) == (100_000_000, False)


# ---- the offer of an asset: only the creditor offered it is told ------------------------------------------------

def test_an_offer_is_one_offer_made_entry_with_its_answer_deadline_for_the_bank_offered_only(world):
    auction = failed_three_times(world)
    world["feeds"].new()
    # when
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)

    # then: VCB's case answers for the asset too, but the offer is not made to VCB
    new = world["feeds"].new()
    assert (offer.case_id, [e["kind"] for e in new["AGR"]], new["VCB"], new["BIDV"]) == (
        world["cases"]["AGR"].pk, ["offer_made"], [], [])
    assert new["AGR"][0]["payload"] == {
        "asset_id": world["asset"].pk, "auction_id": auction.pk, "offered_on": "2019-12-05", "price": 405_000_000,
        "answer_due_on": "2019-12-12"}  # Thursday + 5 working days


def test_the_banks_answer_is_one_offer_answered_entry_for_that_bank_and_the_handover_gives_its_share(world):
    auction = failed_three_times(world)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)
    world["feeds"].new()
    # when
    creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=date(2019, 12, 10), today=TODAY)
    answered = world["feeds"].new()
    auction_handover(actor=None, auction=auction, handed_on=date(2020, 1, 10), today=TODAY)
    handed = world["feeds"].new()

    # then
    assert (answered["VCB"], answered["BIDV"], [e["kind"] for e in answered["AGR"]]) == ([], [], ["offer_answered"])
    assert answered["AGR"][0]["payload"] == {"asset_id": world["asset"].pk, "auction_id": auction.pk,
                                             "accepted": True, "answered_on": "2019-12-10",
                                             "redemption_due_on": "2020-01-09"}
    assert [e["kind"] for e in handed["AGR"]] == ["event_recorded", "distribution_share_recorded"]
    assert only(handed["AGR"], "distribution_share_recorded")["payload"]["source"] == "handover"
    assert (handed["VCB"], handed["BIDV"]) == ([], [])  # the whole price goes to AGR's secured claim


# ---- dialogue commitments ----------------------------------------------------------------------------------------

@pytest.fixture
def agenda(world, org, people):
    session = session_create(actor=people["province_head"], organiser=org["HG"], held_on=date(2019, 4, 26),
                             place="Hội trường Cục THADS", banks=[BankData(world["banks"]["AGR"], "Ông Lê Văn C")])
    item = agenda_add(actor=people["province_head"], session=session, case=world["cases"]["AGR"])
    session_hold(actor=people["province_head"], session=session, today=TODAY)
    world["feeds"].new()
    item.refresh_from_db()
    return item


def test_a_commitment_recorded_done_and_missed_are_one_entry_each_for_the_cases_bank(world, agenda, people):
    head = people["province_head"]
    # when
    owed = commitment_record(actor=head, item=agenda, party=CommitmentParty.BANK, owner_bank=world["banks"]["AGR"],
                             kind=CommitmentKind.ACCEPT_ASSET, price=405_000_000, text="Nhận tài sản",
                             due_on=date(2019, 5, 10))
    officers = commitment_record(actor=head, item=agenda, party=CommitmentParty.OFFICER, owner_user=people["officer"],
                                 kind=CommitmentKind.REAUCTION, text="Đấu giá lại", due_on=date(2019, 5, 17))
    created = world["feeds"].new()
    commitment_complete_by_bank(bank=world["banks"]["AGR"], commitment_id=owed.pk, key="k-1",
                                done_on=date(2019, 5, 8), today=TODAY)
    commitment_complete_by_bank(bank=world["banks"]["AGR"], commitment_id=owed.pk, key="k-1", today=TODAY)  # replay
    done = world["feeds"].new()
    commitment_mark_missed(actor=head, commitment=officers, on=date(2019, 5, 20))
    missed = world["feeds"].new()

    # then
    assert [e["kind"] for e in created["AGR"]] == ["commitment_created", "commitment_created"]
    assert created["AGR"][0]["payload"] == {
        "commitment_id": owed.pk, "session": agenda.session_id, "party": "bank", "owner_bank": "AGR",
        "kind": "accept_asset", "price": 405_000_000, "due_on": "2019-05-10", "status": "open", "done_on": None,
        "missed_on": None}
    assert [e["kind"] for e in done["AGR"]] == ["commitment_done"]  # the replay wrote nothing
    assert done["AGR"][0]["payload"] | {"status": "done", "done_on": "2019-05-08"} == done["AGR"][0]["payload"]
    assert [e["kind"] for e in missed["AGR"]] == ["commitment_updated"]
    assert missed["AGR"][0]["payload"] == {
        "commitment_id": officers.pk, "session": agenda.session_id, "party": "officer", "owner_bank": None,
        "kind": "reauction", "price": None, "due_on": "2019-05-17", "status": "missed", "done_on": None,
        "missed_on": "2019-05-20"}
    assert all(new[code] == [] for new in (created, done, missed) for code in ("VCB", "BIDV"))


def test_an_officer_marking_a_commitment_done_is_one_commitment_done_entry(world, agenda, people):
    commitment = commitment_record(actor=people["province_head"], item=agenda, party=CommitmentParty.OFFICER,
                                   owner_user=people["officer"], kind=CommitmentKind.REAUCTION, text="Đấu giá lại",
                                   due_on=date(2019, 5, 17))
    world["feeds"].new()
    # when
    commitment_complete(actor=people["officer"], commitment=commitment, done_on=date(2019, 5, 16), today=TODAY)

    # then
    new = world["feeds"].new()
    assert ([e["kind"] for e in new["AGR"]], new["VCB"], new["BIDV"]) == (["commitment_done"], [], [])
    assert (new["AGR"][0]["payload"]["status"], new["AGR"][0]["payload"]["done_on"]) == ("done", "2019-05-16")


def test_a_refused_step_writes_no_entry(world):
    seizure = seized(world)
    world["feeds"].new()
    count = CaseChange.objects.count()
    # when: a release without a reason is refused
    with pytest.raises(DomainError) as refused:
        seizure_release(actor=None, seizure=seizure, released_on=date(2019, 7, 1), reason=" ", today=TODAY)
    assert (refused.value.code, refused.value.field) == ("required", "release_reason")

    # then
    assert CaseChange.objects.count() == count
    assert world["feeds"].new() == {"AGR": [], "VCB": [], "BIDV": []}


# ---- the examples of docs/api.md ---------------------------------------------------------------------------------

EXAMPLES_BEGIN, EXAMPLES_END = "<!-- change examples: begin (tests/banks/test_api_change_kinds.py) -->", \
    "<!-- change examples: end -->"
ID_KEYS = ("id", "cursor", "asset_id", "seizure_id", "auction_id", "distribution_id", "payout_id", "commitment_id",
           "session")


def _renumbered(entries: list[dict]) -> list[dict]:
    """The entries with their ids replaced by small numbers in the order they first appear (a test database's ids
    depend on the tests run before), so the examples are the same on every run."""
    numbers: dict[tuple[str, object], object] = {}

    def number(key, value):
        if (key, value) not in numbers:
            base = {"id": 1000, "cursor": 1000}.get(key, 10)
            numbers[key, value] = base + len([k for k, _v in numbers if k == key]) + 1
        renumbered = numbers[key, value]
        return str(renumbered) if isinstance(value, str) else renumbered

    def walk(node):
        return {key: (number(key, value) if key in ID_KEYS and value is not None and not isinstance(value, dict)
                      else walk(value) if isinstance(value, dict) else value) for key, value in node.items()}
    return [walk(entry) for entry in entries]


def examples_markdown(entries: list[dict]) -> str:
    first = {}
    for entry in entries:
        first.setdefault(entry["kind"], entry)
    blocks = [EXAMPLES_BEGIN]
    for kind in ALL_KINDS:
        blocks.append(f"#### `{kind}`\n\n```json\n{json.dumps(first[kind], ensure_ascii=False, indent=2)}\n```")
    blocks.append(EXAMPLES_END)
    return "\n\n".join(blocks)


def every_kind_story(world, org, people) -> None:
    """A story through every kind of change on AGR's cases."""
    case, head = world["cases"]["AGR"], people["province_head"]
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=world["banks"]["AGR"], case_no="AGR-2",
              decision_no="15/QĐ-CCTHADS", amount_due=3_500_000_000, accepted_on=date(2024, 3, 1))
    other = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=world["banks"]["AGR"],
                      case_no="AGR-3", amount_due=50_000_000, accepted_on=date(2019, 3, 1))
    record(other, EventKind.THU_TIEN, date(2019, 4, 2), amount=20_000_000)
    payout_record(actor=None, case=other, paid_on=date(2019, 4, 9), amount=20_000_000, recipient="Ngân hàng AGR",
                  today=TODAY)
    record(other, EventKind.HOAN, date(2019, 4, 12), ground="c")
    session = session_create(actor=head, organiser=org["HG"], held_on=date(2019, 4, 26), place="Hội trường Cục THADS",
                             banks=[BankData(world["banks"]["AGR"], "Ông Lê Văn C")])
    item = agenda_add(actor=head, session=session, case=case)
    session_hold(actor=head, session=session, today=TODAY)
    owed = commitment_record(actor=head, item=item, party=CommitmentParty.BANK, owner_bank=world["banks"]["AGR"],
                             kind=CommitmentKind.SUPPLY_DOCUMENTS, text="Cung cấp hợp đồng thế chấp",
                             due_on=date(2019, 5, 10))
    officers = commitment_record(actor=head, item=item, party=CommitmentParty.OFFICER, owner_user=people["officer"],
                                 kind=CommitmentKind.REAUCTION, text="Đấu giá lại", due_on=date(2019, 5, 17))
    commitment_complete_by_bank(bank=world["banks"]["AGR"], commitment_id=owed.pk, key="k-1",
                                done_on=date(2019, 5, 8), today=TODAY)
    commitment_mark_missed(actor=head, commitment=officers, on=date(2019, 5, 20))
    auction = failed_three_times(world)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)
    creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=date(2019, 12, 10), today=TODAY)
    auction_handover(actor=None, auction=auction, handed_on=date(2020, 1, 10), today=TODAY)
    seizure_release(actor=None, seizure=auction.seizure, released_on=date(2020, 1, 15),
                    reason="Đã giao tài sản cho người nhận", today=TODAY)


@time_machine.travel(datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
def test_every_kind_has_one_example_in_docs_taken_from_a_real_response(world, org, people):
    """THADS_WRITE_EXAMPLES=1 rewrites the examples in docs/api.md from this run."""
    # given: a story through every kind of change, read by AGR
    feeds = world["feeds"]
    every_kind_story(world, org, people)

    # when
    entries = feeds.new()["AGR"]

    # then: every kind, each from this response
    assert sorted({entry["kind"] for entry in entries}) == sorted(ALL_KINDS)
    markdown = examples_markdown(_renumbered(entries))
    path = ROOT / "docs" / "api.md"
    text = path.read_text(encoding="utf-8")
    if os.environ.get("THADS_WRITE_EXAMPLES") == "1":
        text = re.sub(re.escape(EXAMPLES_BEGIN) + ".*?" + re.escape(EXAMPLES_END), lambda _m: markdown, text,
                      flags=re.S)
        path.write_text(text, encoding="utf-8")
    assert markdown in text, "regenerate the examples: THADS_WRITE_EXAMPLES=1 pytest " + __file__


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC"])
def test_every_kind_of_entry_is_written_as_drf_writes_its_declared_fields(world, org, people, zone):
    # given: every kind of change
    every_kind_story(world, org, people)
    changes = list(CaseChange.objects.filter(case__creditor_bank=world["banks"]["AGR"])
                   .select_related("case", "event__cancels").order_by("id"))
    assert sorted({change.kind for change in changes}) == sorted(ALL_KINDS)

    with timezone.override(ZoneInfo(zone)):
        for change in changes:
            # when: BankChangeSerializer writes the entry (its fields written out: to_representation)
            serializer = BankChangeSerializer()
            written = serializer.to_representation(change)

            # then: what DRF's generic loop over the declared fields gives, and each payload what its own
            # serializer gives
            generic = dict(serializers.Serializer.to_representation(serializer, change))
            generic["event"] = None if generic["event"] is None else dict(generic["event"])
            payload, source = CHANGE_PAYLOADS[change.kind]
            generic["payload"] = dict(payload().to_representation(
                {"case": change.case, "event": change.event, "payload": change.payload}[source]))
            assert list(written) == list(generic)
            assert json.dumps(written) == json.dumps(generic), change.kind


# ---- the schema of an entry ----------------------------------------------------------------------------------

def test_the_schema_makes_an_entry_one_of_a_schema_per_kind_told_apart_by_kind():
    schemas = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))["components"]["schemas"]
    entry = schemas["BankChange"]
    assert entry["discriminator"]["propertyName"] == "kind"
    mapping = entry["discriminator"]["mapping"]
    assert list(mapping) == ALL_KINDS
    assert entry["oneOf"] == [{"$ref": ref} for ref in mapping.values()]
    assert schemas["BankChangeFeed"]["properties"]["results"]["items"] == {"$ref": "#/components/schemas/BankChange"}
    for kind, ref in mapping.items():
        target = schemas[ref.rsplit("/", 1)[-1]]
        assert target["properties"]["kind"]["enum"] == [kind]  # so exactly one schema matches an entry
        assert set(target["required"]) == {"id", "cursor", "kind", "case_no", "status", "recorded_at", "event",
                                           "payload"}
        payload = target["properties"]["payload"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
        assert schemas[payload]["type"] == "object" and schemas[payload]["required"], kind
