"""Who may read what through the bank API (thads/api/authentication.py, banks/selectors.py, throttles,
the error handler): the authorization matrix of every endpoint, error bodies, throttling per key, logging."""
import logging
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import cache

from banks.services import api_key_create, api_key_revoke
from cases.codes import Category, EventKind
from cases.models import CaseChange
from tests.factories import BankFactory, make_case, record

LIST, CHANGES = "/api/v1/cases/", "/api/v1/changes/"
OURS, THEIRS, NO_BANK, MISSING = "AGR-1", "VCB-1", "KHAC-1", "DOES-NOT-EXIST"
ENDPOINTS = {"list": LIST, "detail": f"/api/v1/cases/{OURS}/", "changes": CHANGES}


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(org):
    """Bank AGR with one case (and an event), bank VCB with one case, and a case of category khác (no bank);
    one live key for each bank."""
    ours, theirs = BankFactory(code="AGR"), BankFactory(code="VCB")
    our_case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=ours, case_no=OURS,
                         accepted_on=date(2024, 1, 5))
    record(our_case, EventKind.THU_TIEN, date(2024, 2, 1), amount=400_000)
    their_case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=theirs, case_no=THEIRS,
                           accepted_on=date(2024, 1, 6))
    record(their_case, EventKind.CO_DIEU_KIEN, date(2024, 2, 2))
    make_case(unit=org["HG-VT"], category=Category.KHAC, case_no=NO_BANK, accepted_on=date(2024, 1, 7))
    our_key_record, our_key = api_key_create(bank=ours, label="ours")
    their_key_record, their_key = api_key_create(bank=theirs, label="theirs")
    return {"ours": ours, "theirs": theirs, "our_key": our_key, "their_key": their_key,
            "our_key_record": our_key_record, "their_key_record": their_key_record}


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def assert_error(response, status: int, code: str) -> dict:
    """The response is ``status`` with exactly {"error": {"code": code, "message": <non-empty text>, "field": …,
    "request_id": <the X-Request-Id header>}}."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "field", "message", "request_id"]
    assert body["error"]["request_id"] == response["X-Request-Id"] and len(body["error"]["request_id"]) >= 8
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    return body


def without_request_id(response_or_body) -> dict:
    """An error body with its request id (different for every request) left out."""
    body = response_or_body if isinstance(response_or_body, dict) else response_or_body.json()
    return {"error": {k: v for k, v in body["error"].items() if k != "request_id"}}


# ---- 401: no key, malformed header, unknown key, wrong key, revoked key -------------------------------------

@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_given_no_authorization_header_then_401_not_authenticated_with_www_authenticate(client, world, endpoint):
    # when
    response = client.get(ENDPOINTS[endpoint])

    # then
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("header", ["Token x", "Bearer", "Bearer    ", "bearer", "Basic dXNlcjpwdw==", "x"])
def test_given_a_malformed_authorization_header_then_401_invalid_authorization(client, world, endpoint, header):
    # when
    response = client.get(ENDPOINTS[endpoint], HTTP_AUTHORIZATION=header)

    # then
    assert_error(response, 401, "invalid_authorization")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("token", ["nope", "thads_deadbeef_notarealsecret", "thads_", "a b c"])
def test_given_an_unknown_key_then_401_invalid_key(client, world, endpoint, token):
    # when
    response = client.get(ENDPOINTS[endpoint], HTTP_AUTHORIZATION=f"Bearer {token}")

    # then
    assert_error(response, 401, "invalid_key")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_given_a_well_formed_key_with_a_real_prefix_but_a_wrong_secret_then_401_invalid_key(client, world, endpoint):
    # given: the real key with its last character changed
    key = world["our_key"]
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")

    # when
    response = client.get(ENDPOINTS[endpoint], **bearer(wrong))

    # then
    assert_error(response, 401, "invalid_key")


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_given_a_revoked_key_then_401_invalid_key(client, world, endpoint):
    # given
    api_key_revoke(key=world["our_key_record"])

    # when
    response = client.get(ENDPOINTS[endpoint], **bearer(world["our_key"]))

    # then
    assert_error(response, 401, "invalid_key")
    assert response["WWW-Authenticate"] == "Bearer"


def test_given_a_key_revoked_between_two_requests_then_the_second_request_is_refused(client, world):
    # given
    assert client.get(LIST, **bearer(world["our_key"])).status_code == 200

    # when
    api_key_revoke(key=world["our_key_record"])

    # then
    assert_error(client.get(LIST, **bearer(world["our_key"])), 401, "invalid_key")


# ---- the right key: 200, only the bank's own cases ----------------------------------------------------------

@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_given_the_right_key_then_200(client, world, endpoint):
    # when
    response = client.get(ENDPOINTS[endpoint], **bearer(world["our_key"]))

    # then
    assert response.status_code == 200, response.content


def test_given_the_right_key_then_the_list_holds_exactly_the_banks_own_cases(client, world):
    # when
    ours = client.get(LIST, **bearer(world["our_key"])).json()
    theirs = client.get(LIST, **bearer(world["their_key"])).json()

    # then
    assert [row["case_no"] for row in ours["results"]] == [OURS]
    assert [row["case_no"] for row in theirs["results"]] == [THEIRS]


def test_given_another_banks_key_then_our_case_is_404_with_the_same_body_as_a_case_that_does_not_exist(
        client, world):
    # when
    for_them = client.get(f"/api/v1/cases/{OURS}/", **bearer(world["their_key"]))
    missing = client.get(f"/api/v1/cases/{MISSING}/", **bearer(world["their_key"]))

    # then
    body = assert_error(for_them, 404, "not_found")
    assert_error(missing, 404, "not_found")
    assert without_request_id(for_them) == without_request_id(missing) == without_request_id(body)
    assert for_them.json()["error"]["request_id"] != missing.json()["error"]["request_id"]
    assert "ETag" not in for_them
    # and the other bank does see its own case
    assert client.get(f"/api/v1/cases/{THEIRS}/", **bearer(world["their_key"])).status_code == 200


def test_given_another_banks_key_then_the_feed_has_none_of_our_changes(client, world):
    # when
    feed = client.get(CHANGES, **bearer(world["their_key"])).json()

    # then
    expected = [str(position) for position in CaseChange.objects.filter(case__case_no=THEIRS).order_by("id")
                .values_list("position", flat=True)]
    assert [change["cursor"] for change in feed["results"]] == expected
    assert {change["case_no"] for change in feed["results"]} == {THEIRS}
    assert feed["has_more"] is False


@pytest.mark.parametrize("key_name", ["our_key", "their_key"])
def test_given_a_case_without_a_bank_then_no_bank_sees_it(client, world, key_name):
    # when
    detail = client.get(f"/api/v1/cases/{NO_BANK}/", **bearer(world[key_name]))
    missing = client.get(f"/api/v1/cases/{MISSING}/", **bearer(world[key_name]))
    listing = client.get(LIST, **bearer(world[key_name])).json()
    feed = client.get(CHANGES, **bearer(world[key_name])).json()

    # then
    assert_error(detail, 404, "not_found")
    assert without_request_id(detail) == without_request_id(missing)
    assert NO_BANK not in [row["case_no"] for row in listing["results"]]
    assert NO_BANK not in [change["case_no"] for change in feed["results"]]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_given_the_right_key_when_writing_then_405_and_nothing_changes(client, world, endpoint, method):
    # given
    changes_before = CaseChange.objects.count()

    # when
    response = getattr(client, method)(ENDPOINTS[endpoint], data={"case_no": "X"}, content_type="application/json",
                                       **bearer(world["our_key"]))

    # then
    assert_error(response, 405, "method_not_allowed")
    assert CaseChange.objects.count() == changes_before


# ---- public documentation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer nope"}, {"HTTP_AUTHORIZATION": "Token x"}])
def test_given_any_or_no_key_then_the_schema_and_docs_are_public(client, db, headers):
    # when
    schema = client.get("/api/v1/schema/", **headers)
    docs = client.get("/api/v1/docs/", **headers)

    # then
    assert schema.status_code == 200
    assert b"url: /api/v1\n" in schema.content  # servers: the paths are relative to it
    assert b"\n  /cases/{case_no}/:" in schema.content
    assert b"\n  /changes/:" in schema.content
    assert docs.status_code == 200
    assert b"/api/v1/schema/" in docs.content


# ---- throttling per key -------------------------------------------------------------------------------------

@pytest.fixture
def low_rates(settings):
    """Set the rates (read at each request: thads/api/throttles.py), on a stopped clock 20 s into a minute, so
    the fixed windows do not turn over mid-test."""
    def set_rates(burst: str, sustained: str):
        rates = {"bank_burst": burst, "bank_sustained": sustained}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, 20, tzinfo=UTC), tick=False):
        yield set_rates


def test_given_a_burst_of_3_a_minute_then_the_4th_request_of_a_key_is_429_with_retry_after(client, world,
                                                                                          low_rates):
    # given
    low_rates("3/min", "1000/day")
    auth = bearer(world["our_key"])

    # when: three requests across endpoints (the budget is per key, not per endpoint), then a fourth
    statuses = [client.get(url, **auth).status_code for url in (LIST, ENDPOINTS["detail"], CHANGES)]
    fourth = client.get(LIST, **auth)

    # then
    assert statuses == [200, 200, 200]
    assert_error(fourth, 429, "throttled")
    assert fourth["Retry-After"] == "40"  # the minute's window ends 40 s later


def test_given_one_key_throttled_then_another_banks_key_and_another_key_of_the_same_bank_are_not(client, world,
                                                                                                low_rates):
    # given
    low_rates("3/min", "1000/day")
    _second_record, our_second_key = api_key_create(bank=world["ours"], label="second")
    for _ in range(3):
        assert client.get(LIST, **bearer(world["our_key"])).status_code == 200
    assert client.get(LIST, **bearer(world["our_key"])).status_code == 429

    # when
    theirs = [client.get(LIST, **bearer(world["their_key"])).status_code for _ in range(3)]
    our_second = [client.get(LIST, **bearer(our_second_key)).status_code for _ in range(3)]

    # then
    assert theirs == [200, 200, 200]
    assert our_second == [200, 200, 200]
    assert client.get(LIST, **bearer(world["their_key"])).status_code == 429


def test_given_a_sustained_rate_of_2_a_day_then_the_3rd_request_is_429_with_a_retry_after_of_up_to_a_day(
        client, world, low_rates):
    # given
    low_rates("1000/min", "2/day")
    auth = bearer(world["our_key"])

    # when
    statuses = [client.get(LIST, **auth).status_code for _ in range(2)]
    third = client.get(LIST, **auth)

    # then
    assert statuses == [200, 200]
    assert_error(third, 429, "throttled")
    assert 60 < int(third["Retry-After"]) <= 86_400


def test_given_requests_without_a_valid_key_then_they_are_refused_with_401_not_429(client, world, low_rates):
    # given
    low_rates("3/min", "1000/day")

    # when
    statuses = [client.get(LIST, **bearer("nope")).status_code for _ in range(5)]

    # then
    assert statuses == [401] * 5
    assert client.get(LIST, **bearer(world["our_key"])).status_code == 200


# ---- logging ------------------------------------------------------------------------------------------------

def test_given_requests_then_each_is_logged_with_the_keys_bank_and_prefix(client, world, caplog):
    # when
    with caplog.at_level(logging.INFO, logger="thads.api"):
        client.get(LIST, **bearer(world["our_key"]))
        client.get(f"/api/v1/cases/{THEIRS}/", **bearer(world["our_key"]))
        client.get(LIST)

    # then
    messages = [r.getMessage() for r in caplog.records if r.name == "thads.api"]
    prefix = world["our_key_record"].prefix
    assert len(messages) == 3
    assert messages[0].startswith(f"api GET {LIST} 200 bank=AGR key={prefix} ")
    assert messages[1].startswith(f"api GET /api/v1/cases/{THEIRS}/ 404 bank=AGR key={prefix} ")
    assert messages[2].startswith(f"api GET {LIST} 401 bank=- key=- ")
