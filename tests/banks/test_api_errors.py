"""Errors of the bank API (thads/api/middleware.py, thads/api/exceptions.py, thads/api/pagination.py): every
path under /api/ answers JSON in one shape with a request id (also a header and in the log line) and the
parameter at fault; messages follow Accept-Language (Vietnamese by default); case numbers with "/" are
addressable; no input to a decoder gives a 5xx (fuzzed)."""
import base64
import logging
import random
import string
from datetime import date
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from banks.services import api_key_create
from banks.webhooks.services import webhook_create
from cases.codes import Category, EventKind
from tests.factories import BankFactory, make_case, record

LIST, CHANGES = "/api/v1/cases/", "/api/v1/changes/"
ERROR_KEYS = ["code", "field", "message", "request_id"]


@pytest.fixture(autouse=True)
def _clear_throttle_counters(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"bank_burst": "100000/min", "bank_sustained": "1000000/day"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agr(org):
    bank = BankFactory(code="AGR")
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-1",
                     accepted_on=date(2024, 1, 5))
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=400_000)
    slashed = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank,
                        case_no="THA/2024/15", accepted_on=date(2024, 1, 6))
    other = BankFactory(code="VCB")
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=other, case_no="VCB/2024/1")
    _record, key = api_key_create(bank=bank, label="ours")
    return {"bank": bank, "key": key, "slashed": slashed}


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert list(body) == ["error"] and sorted(body["error"]) == ERROR_KEYS
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert body["error"]["message"].strip()
    assert body["error"]["request_id"] == response["X-Request-Id"]
    return body["error"]


# ---- unknown paths, methods and server errors: JSON, never an HTML page --------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/case/AGR-1/", "/api/v2/cases/", "/api/",
                                  "/api/v1/", "/api/v1/schema/x/", "/api/v1/%E2%82%AC/"])
@pytest.mark.parametrize("with_key", [True, False])
def test_given_an_unknown_path_under_api_then_json_404_in_the_error_shape(client, agr, path, with_key):
    # when
    response = client.get(path, **(bearer(agr["key"]) if with_key else {}))

    # then
    assert_error(response, 404, "not_found")
    assert b"<html" not in response.content.lower()


def test_given_an_unknown_path_outside_the_api_then_the_html_page_is_unchanged(client, agr):
    # when
    response = client.get("/no-such-page/")

    # then
    assert response.status_code == 404
    assert "X-Request-Id" not in response
    assert not response["Content-Type"].startswith("application/json")


def test_given_a_view_that_crashes_then_a_json_500_with_the_request_id_logged_with_the_traceback(
        agr, monkeypatch, caplog):
    # given: the detail's selector raises something no handler knows
    def boom(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr("banks.api.views.bank_case_get", boom)
    client = Client(raise_request_exception=False)

    # when
    with caplog.at_level(logging.INFO, logger="thads.api"):
        response = client.get("/api/v1/cases/AGR-1/", **bearer(agr["key"]))

    # then
    error = assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()  # no debug page, no internals
    logged = [r for r in caplog.records if r.name == "thads.api" and error["request_id"] in r.getMessage()]
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in logged)
    assert any(r.getMessage().startswith("api GET /api/v1/cases/AGR-1/ 500 bank=AGR") for r in logged)


def test_given_a_post_to_the_schema_then_405_in_the_error_shape(client, agr):
    assert_error(client.post("/api/v1/schema/"), 405, "method_not_allowed")


# ---- request id ------------------------------------------------------------------------------------------------

def test_given_requests_then_each_has_its_own_request_id_in_the_header_and_in_the_log_line(client, agr, caplog):
    # when
    with caplog.at_level(logging.INFO, logger="thads.api"):
        ok = client.get(LIST, **bearer(agr["key"]))
        missing = client.get("/api/v1/cases/NOPE/", **bearer(agr["key"]))

    # then
    ids = [ok["X-Request-Id"], missing["X-Request-Id"]]
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids)
    assert missing.json()["error"]["request_id"] == ids[1]
    lines = [r.getMessage() for r in caplog.records if r.name == "thads.api"]
    assert lines[0].startswith(f"api GET {LIST} 200 bank=AGR ") and lines[0].endswith(f"request_id={ids[0]}")
    assert lines[1].startswith("api GET /api/v1/cases/NOPE/ 404 bank=AGR ") and lines[1].endswith(ids[1])


@pytest.mark.parametrize(("sent", "kept"), [("edge-7f3a9c21", True), ("short", False), ("a b c d e f g h", False),
                                            ("x" * 65, False), ("<script>alert(1)</script>", False)])
def test_given_a_proxy_request_id_then_a_sane_one_is_kept_and_any_other_replaced(client, agr, sent, kept):
    # when
    response = client.get("/api/v1/cases/NOPE/", HTTP_X_REQUEST_ID=sent, **bearer(agr["key"]))

    # then
    assert (response["X-Request-Id"] == sent) is kept
    assert response.json()["error"]["request_id"] == response["X-Request-Id"]


# ---- language --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept_language", "expected"), [
    (None, "vi"), ("", "vi"), ("vi", "vi"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("fr-FR, en;q=0.5", "en"),
    ("fr, de", "vi"), ("vi;q=0.9, en;q=0.8", "vi"), ("en;q=0.5, vi;q=0.9", "vi"), ("*", "vi"), (";;;,,q=", "vi")])
def test_given_accept_language_then_messages_are_in_english_or_vietnamese_by_default(
        client, agr, accept_language, expected):
    headers = {} if accept_language is None else {"HTTP_ACCEPT_LANGUAGE": accept_language}

    # when
    missing = client.get("/api/v1/cases/NOPE/", **bearer(agr["key"]), **headers)
    bad_size = client.get(LIST, data={"page_size": 0}, **bearer(agr["key"]), **headers)
    no_key = client.get(LIST, **headers)
    unknown_path = client.get("/api/v1/nope/", **headers)

    # then
    english = {missing: "No such case.", bad_size: "page_size: a whole number from 1 to 200 (default 50).",
               no_key: "No API key: send the header «Authorization: Bearer <key>».",
               unknown_path: "No such resource in the API. See /api/v1/docs/."}
    for response, message in english.items():
        assert response["Content-Language"] == expected
        assert "Accept-Language" in response["Vary"]
        if expected == "en":
            assert response.json()["error"]["message"] == message
        else:
            assert response.json()["error"]["message"] != message
    if expected == "vi":
        assert missing.json()["error"]["message"] == "Không có hồ sơ này."
        assert bad_size.json()["error"]["message"].startswith("page_size: số nguyên từ 1 đến 200")


# ---- the parameter at fault ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field"), [({"status": "open"}, "status"), ({"category": "x"}, "category"),
                                               ({"accepted_from": "5/1/2024"}, "accepted_from"),
                                               ({"updated_since": "yesterday"}, "updated_since"),
                                               ({"page_size": "abc"}, "page_size")])
def test_given_one_bad_parameter_then_the_error_names_it(client, agr, params, field):
    assert_error(client.get(LIST, data=params, **bearer(agr["key"])), 400, "invalid_request", field)


def test_given_two_bad_filters_then_no_single_field_is_named(client, agr):
    assert_error(client.get(LIST, data={"status": "x", "category": "y"}, **bearer(agr["key"])), 400,
                 "invalid_request", None)


def every_list(agr) -> list[str]:
    """The path of every cursor-paginated list of the API (one webhook endpoint registered for its log)."""
    endpoint, _secret = webhook_create(bank=agr["bank"], url="https://bank.example/")
    return [LIST, "/api/v1/dialogues/", "/api/v1/commitments/", "/api/v1/webhooks/",
            f"/api/v1/webhooks/{endpoint.pk}/deliveries/"]


BOGUS_CURSORS = ["cD1mb28=",  # valid base64 of p=foo
                 "garbage", "36", "cD0tMQ==",  # p=-1
                 base64.b64encode(b"o=1&o=2").decode(), base64.b64encode(b"p=1&x=2").decode(),
                 base64.b64encode(f"p={2**63}".encode()).decode(), "\u00e9", "%", "cD0x\n"]


@pytest.mark.parametrize("cursor", BOGUS_CURSORS)
def test_given_a_bogus_cursor_on_any_list_then_400_invalid_cursor_naming_cursor(client, agr, cursor):
    # (schemathesis drives the lists with a real cursor, .ci/schemathesis.toml: the bogus ones are tested here)
    for path in every_list(agr):
        assert_error(client.get(path, data={"cursor": cursor}, **bearer(agr["key"])), 400, "invalid_cursor",
                     "cursor")


def test_given_the_next_cursor_of_one_list_then_every_list_takes_it(client, agr):
    # .ci/schemathesis.toml relies on it: a cursor holds a position, valid on every list
    first = client.get(LIST, data={"page_size": 1}, **bearer(agr["key"])).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    for path in every_list(agr):
        response = client.get(path, data={"cursor": cursor}, **bearer(agr["key"]))
        assert response.status_code == 200, (path, response.content)


@pytest.mark.parametrize(("path", "params"), [
    (LIST, {"accepted_from": "", "accepted_to": "", "category": "", "cursor": "", "page_size": "", "q": "",
            "status": "", "unit": "", "updated_since": ""}),
    (CHANGES, {"after": "", "limit": ""}),
    ("/api/v1/commitments/", {"cursor": "", "page_size": "", "session": "", "status": ""})])
def test_given_empty_query_parameters_then_the_answer_is_as_if_they_were_left_out(client, agr, path, params):
    # the schema says allowEmptyValue: true on every optional query parameter
    empty = client.get(path, data=params, **bearer(agr["key"]))
    omitted = client.get(path, **bearer(agr["key"]))
    assert empty.status_code == omitted.status_code == 200, empty.content
    assert empty.json() == omitted.json()


# ---- case numbers with "/" -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/cases/THA/2024/15/", "/api/v1/cases/THA%2F2024%2F15/",
                                  f"/api/v1/cases/{quote('THA/2024/15', safe='')}/"])
def test_given_a_case_number_with_slashes_then_it_is_addressable_as_is_or_percent_encoded(client, agr, path):
    # when
    response = client.get(path, **bearer(agr["key"]))

    # then
    assert response.status_code == 200, response.content
    assert response.json()["case_no"] == "THA/2024/15"


@pytest.mark.parametrize("path", ["/api/v1/cases/VCB/2024/1/", "/api/v1/cases/THA/2024/",
                                  "/api/v1/cases/THA/2024/15/x/", "/api/v1/cases/%00/",
                                  "/api/v1/cases/THA/2024/15%00/"])
def test_given_a_slashed_number_of_another_bank_or_a_part_of_one_then_json_404(client, agr, path):
    assert_error(client.get(path, **bearer(agr["key"])), 404, "not_found")


# ---- fuzzing the decoders: no input gives a 5xx ----------------------------------------------------------------

ALPHABET = string.printable + "đĐăâêôơưáàảãạ€\x00\x7f\u200b😀%&=+/"


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))


def _random_cursor(rng: random.Random) -> str:
    """Mostly well-formed base64 of a querystring with o, r, p (and strays) holding random values."""
    fields = [f"{rng.choice('orpxO')}={_random_text(rng)[:12]}" for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.3:
        fields.append(f"p={rng.choice([-1, 0, 2**63 - 1, 2**63, 10**30, 7])}")
    encoded = base64.b64encode("&".join(fields).encode()).decode()
    return encoded if rng.random() < 0.8 else encoded[: rng.randint(0, len(encoded))]


def _random_number(rng: random.Random) -> str:
    return rng.choice([str(rng.randint(-10**6, 10**6)), str(rng.randint(0, 10**25)), str(2**63), str(2**63 - 1),
                       _random_text(rng), f"{rng.random() * 1000:.3f}", "", " 5", "0x1f", "1e3", "٣"])


def _random_date(rng: random.Random) -> str:
    return rng.choice([_random_text(rng), f"{rng.randint(0, 99999)}-{rng.randint(0, 13)}-{rng.randint(0, 32)}",
                       "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                       "2024-02-30", "2024-01-01T25:00:00", "2024-01-01T10:00:00+99:00"])


@pytest.mark.parametrize("seed", range(4))
def test_given_random_input_to_every_decoder_then_no_5xx_and_always_the_error_shape(client, agr, seed):
    rng = random.Random(seed)
    auth = bearer(agr["key"])
    requests = []
    for _ in range(120):
        requests.append((LIST, {"cursor": _random_cursor(rng), "page_size": _random_number(rng)}, {}))
        requests.append((LIST, {"status": _random_text(rng), "category": _random_text(rng),
                                "unit": _random_text(rng), "q": _random_text(rng)}, {}))
        requests.append((LIST, {"accepted_from": _random_date(rng), "accepted_to": _random_date(rng),
                                "updated_since": _random_date(rng)}, {}))
        requests.append((CHANGES, {"after": _random_number(rng), "limit": _random_number(rng)}, {}))
        requests.append((f"/api/v1/cases/{quote(_random_text(rng), safe='/')}/", {},
                         {"HTTP_IF_NONE_MATCH": _random_text(rng), "HTTP_ACCEPT_LANGUAGE": _random_text(rng)}))
    statuses = set()
    for path, params, headers in requests:
        response = client.get(path, data=params, **auth, **headers)
        statuses.add(response.status_code)
        assert response.status_code < 500, (path, params, headers, response.content[:300])
        if response.status_code >= 400:
            body = response.json()
            assert sorted(body["error"]) == ERROR_KEYS, (path, params)
            assert body["error"]["request_id"] == response["X-Request-Id"]
    # the fuzz reached both the answers and the refusals
    assert {200, 400} <= statuses
