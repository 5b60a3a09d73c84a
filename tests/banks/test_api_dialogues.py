"""The bank API's dialogues (banks/api/dialogues.py): a bank reads the sessions it takes part in, the agenda items
of its own cases (before the session) and the commitments on them, and marks its own commitments done with an
idempotency key. Another bank's key reads nothing of the session and cannot mark."""
from datetime import date

import pytest
from django.core.cache import cache

from banks.services import api_key_create
from dialogues.models import Commitment, CommitmentKind, CommitmentParty, CommitmentStatus
from dialogues.services import BankData, agenda_accept, commitment_record, session_create, session_hold

HELD_ON = date(2019, 4, 26)
DIALOGUES, COMMITMENTS = "/api/v1/dialogues/", "/api/v1/commitments/"


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def done_url(commitment_id) -> str:
    return f"{COMMITMENTS}{commitment_id}/done/"


def post_done(client, key, commitment_id, body=None, idempotency_key="mark-1", **headers):
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    return client.post(done_url(commitment_id), body if body is not None else {}, content_type="application/json",
                       **bearer(key), **headers)


@pytest.fixture
def planned(people, org, banks, bank_case):
    """A planned session with AGR, its proposed agenda accepted (one stuck AGR case)."""
    case = bank_case(accepted_on=date(2018, 6, 1))  # no step since: idle on the session's eve
    session = session_create(actor=people["province_head"], organiser=org["HG"], held_on=HELD_ON,
                             place="Hội trường Cục THADS", banks=[BankData(banks["AGR"], "Ông Lê Văn C")])
    agenda_accept(actor=people["province_head"], session=session)
    return session, case


@pytest.fixture
def keys(banks):
    return {"AGR": api_key_create(bank=banks["AGR"])[1], "VCB": api_key_create(bank=banks["VCB"])[1]}


@pytest.fixture
def commitments(people, banks, planned):
    """The session held, with a commitment AGR owes and one the officer owes, on AGR's case."""
    session, case = planned
    session = session_hold(actor=people["province_head"], session=session)
    item = session.agenda_items.get()
    bank = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.BANK,
                             owner_bank=banks["AGR"], kind=CommitmentKind.SUPPLY_DOCUMENTS,
                             text="Cung cấp hợp đồng thế chấp", due_on=date(2019, 5, 10))
    officer = commitment_record(actor=people["province_head"], item=item, party=CommitmentParty.OFFICER,
                                owner_user=people["officer"], kind=CommitmentKind.REAUCTION,
                                text="Đấu giá lại", due_on=date(2019, 5, 17))
    return {"session": session, "case": case, "bank": bank, "officer": officer}


# ---- reads ---------------------------------------------------------------------------------------------------

def test_the_bank_reads_its_planned_session_and_the_agenda_of_its_cases_before_it(client, planned, keys):
    session, case = planned
    listed = client.get(DIALOGUES, **bearer(keys["AGR"]))
    assert listed.status_code == 200 and listed["ETag"]
    assert listed.json()["results"] == [{
        "id": session.pk, "title": "", "held_on": "2019-04-26", "place": "Hội trường Cục THADS", "organiser": "HG",
        "organiser_name": "Cục THADS tỉnh Hậu Giang", "status": "planned", "representatives": "Ông Lê Văn C",
        "agenda_items": 1}]
    detail = client.get(f"{DIALOGUES}{session.pk}/", **bearer(keys["AGR"]))
    assert detail.status_code == 200, detail.content
    (item,) = detail.json()["agenda"]
    assert item["case_no"] == case.case_no and item["rank"] == 1 and "idle" in item["reasons"]
    assert item["issue_category"] == "long_running" and item["amount_remaining"] == case.amount_remaining
    again = client.get(f"{DIALOGUES}{session.pk}/", HTTP_IF_NONE_MATCH=detail["ETag"], **bearer(keys["AGR"]))
    assert again.status_code == 304


def test_another_banks_key_reads_nothing_of_the_session_and_cannot_mark(client, commitments, keys):
    session, bank_commitment = commitments["session"], commitments["bank"]
    assert client.get(DIALOGUES, **bearer(keys["VCB"])).json()["results"] == []
    missing = client.get(f"{DIALOGUES}{session.pk}/", **bearer(keys["VCB"]))
    unknown = client.get(f"{DIALOGUES}{session.pk + 1000}/", **bearer(keys["VCB"]))
    assert missing.status_code == unknown.status_code == 404
    assert missing.json()["error"]["code"] == unknown.json()["error"]["code"] == "not_found"
    assert client.get(COMMITMENTS, **bearer(keys["VCB"])).json()["results"] == []
    refused = post_done(client, keys["VCB"], bank_commitment.pk)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert Commitment.objects.get(pk=bank_commitment.pk).status == CommitmentStatus.OPEN


def test_the_bank_reads_the_commitments_on_its_cases_with_filters(client, commitments, keys, banks):
    body = client.get(COMMITMENTS, **bearer(keys["AGR"])).json()
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {commitments["bank"].pk, commitments["officer"].pk}
    mine = rows[commitments["bank"].pk]
    assert mine == {"id": commitments["bank"].pk, "session": commitments["session"].pk,
                    "case_no": commitments["case"].case_no, "party": "bank", "owner": banks["AGR"].name,
                    "owed_by_you": True, "kind": "supply_documents", "text": "Cung cấp hợp đồng thế chấp",
                    "price": None, "due_on": "2019-05-10", "status": "open", "overdue": True, "done_on": None,
                    "missed_on": None}
    assert rows[commitments["officer"].pk]["owed_by_you"] is False
    assert rows[commitments["officer"].pk]["owner"] == "Cán bộ officer"
    only_open = client.get(COMMITMENTS, {"status": "done"}, **bearer(keys["AGR"])).json()["results"]
    assert only_open == []
    by_session = client.get(COMMITMENTS, {"session": commitments["session"].pk}, **bearer(keys["AGR"]))
    assert len(by_session.json()["results"]) == 2
    assert client.get(COMMITMENTS, {"session": commitments["session"].pk + 1}, **bearer(keys["AGR"])).json()[
        "results"] == []


@pytest.mark.parametrize("query, field", [({"status": "late"}, "status"), ({"session": "abc"}, "session"),
                                          ({"session": "99999999999999999999"}, "session"),
                                          ({"page_size": "0"}, "page_size")])
def test_bad_filters_are_400_naming_the_field(client, commitments, keys, query, field):
    response = client.get(COMMITMENTS, query, **bearer(keys["AGR"]))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_a_huge_id_is_not_found_not_a_server_error(client, commitments, keys):
    huge = "99999999999999999999"
    assert client.get(f"{DIALOGUES}{huge}/", **bearer(keys["AGR"])).status_code == 404
    assert post_done(client, keys["AGR"], huge).status_code == 404


# ---- marking done --------------------------------------------------------------------------------------------

def test_the_bank_marks_its_commitment_done_once_and_a_replay_answers_the_same(client, commitments, keys):
    commitment = commitments["bank"]
    first = post_done(client, keys["AGR"], commitment.pk, {"done_on": "2019-05-08", "note": "Công văn 12"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "done" and first.json()["done_on"] == "2019-05-08"
    assert first.json()["overdue"] is False and "Idempotent-Replayed" not in first
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.status, stored.done_on, stored.outcome_note) == ("done", date(2019, 5, 8), "Công văn 12")

    replay = post_done(client, keys["AGR"], commitment.pk, {"done_on": "2019-05-09"})
    assert replay.status_code == 200 and replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Commitment.objects.get(pk=commitment.pk).done_at == stored.done_at  # not written again

    other_key = post_done(client, keys["AGR"], commitment.pk, idempotency_key="mark-2")
    assert other_key.status_code == 409 and other_key.json()["error"]["code"] == "not_open"


def test_a_key_used_for_another_commitment_is_422(client, commitments, keys, people, banks):
    post_done(client, keys["AGR"], commitments["bank"].pk, idempotency_key="same")
    second = commitment_record(actor=people["province_head"], item=commitments["session"].agenda_items.get(),
                               party=CommitmentParty.BANK, owner_bank=banks["AGR"],
                               kind=CommitmentKind.WAIVE_INTEREST, text="Miễn lãi", due_on=date(2019, 5, 10))
    response = post_done(client, keys["AGR"], second.pk, idempotency_key="same")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert Commitment.objects.get(pk=second.pk).status == CommitmentStatus.OPEN


def test_the_bank_cannot_mark_a_commitment_it_does_not_owe(client, commitments, keys):
    response = post_done(client, keys["AGR"], commitments["officer"].pk)
    assert response.status_code == 404
    assert Commitment.objects.get(pk=commitments["officer"].pk).status == CommitmentStatus.OPEN


def test_a_commitment_of_a_session_not_held_is_409(client, commitments, keys):
    from dialogues.models import Session

    Session.objects.filter(pk=commitments["session"].pk).update(status="planned")
    response = post_done(client, keys["AGR"], commitments["bank"].pk)
    assert response.status_code == 409 and response.json()["error"]["code"] == "wrong_status"


@pytest.mark.parametrize("body, idempotency_key, field", [
    ({}, None, "Idempotency-Key"),
    ({}, "   ", "Idempotency-Key"),
    ({}, "k" * 129, "Idempotency-Key"),
    ({"done_on": "08/05/2019"}, "mark-1", "done_on"),
    ({"done_on": "2019-04-01"}, "mark-1", "done_on"),  # before the session
    ({"done_on": "2999-01-01"}, "mark-1", "done_on"),  # in the future
    ({"note": "x" * 1001}, "mark-1", "note"),
    ({"status": "done"}, "mark-1", "status"),
    ({"note": 5}, "mark-1", "note"),  # a string, not anything DRF could turn into one
    ({"done_on": 20190508}, "mark-1", "done_on"),
])
def test_bad_input_is_400_naming_the_field_and_writes_nothing(client, commitments, keys, body, idempotency_key,
                                                              field):
    response = post_done(client, keys["AGR"], commitments["bank"].pk, body, idempotency_key=idempotency_key)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["request_id"]
    assert Commitment.objects.get(pk=commitments["bank"].pk).status == CommitmentStatus.OPEN


@pytest.mark.parametrize("raw", ["null", "[]", "\"done\"", "5"])
def test_a_json_body_that_is_not_an_object_is_400_and_writes_nothing(client, commitments, keys, raw):
    response = client.post(done_url(commitments["bank"].pk), raw, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="k1", **bearer(keys["AGR"]))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_request"
    assert Commitment.objects.get(pk=commitments["bank"].pk).status == CommitmentStatus.OPEN


def test_a_body_that_is_not_json_is_refused(client, commitments, keys):
    response = client.post(done_url(commitments["bank"].pk), "done_on=2019-05-08",
                           content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="k1",
                           **bearer(keys["AGR"]))
    assert response.status_code == 415
    assert Commitment.objects.get(pk=commitments["bank"].pk).status == CommitmentStatus.OPEN


def test_scopes_reads_need_cases_read_and_marking_needs_dialogues_write(client, commitments, banks):
    _record, read_only = api_key_create(bank=banks["AGR"], scopes=["cases:read"])
    _record, write_only = api_key_create(bank=banks["AGR"], scopes=["dialogues:write"])
    refused = post_done(client, read_only, commitments["bank"].pk)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    assert "dialogues:write" in refused["WWW-Authenticate"]
    assert Commitment.objects.get(pk=commitments["bank"].pk).status == CommitmentStatus.OPEN
    assert client.get(COMMITMENTS, **bearer(write_only)).status_code == 403
    assert client.get(DIALOGUES, **bearer(write_only)).status_code == 403
    assert client.get(COMMITMENTS, **bearer(read_only)).status_code == 200
    assert post_done(client, write_only, commitments["bank"].pk).status_code == 200


def test_errors_follow_accept_language(client, commitments, keys):
    response = post_done(client, keys["AGR"], commitments["officer"].pk, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en" and response.json()["error"]["message"] == "No such commitment."
    vietnamese = post_done(client, keys["AGR"], commitments["officer"].pk)
    assert vietnamese["Content-Language"] == "vi" and vietnamese.json()["error"]["message"] == "Không có cam kết này."
