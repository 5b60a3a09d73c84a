"""The bulk export (GET /api/v1/export/cases.ndjson and .csv, banks/api/export.py, banks.selectors
.bank_case_export and feed_end_position): every case of the calling bank and no other, each row exactly the
case list's row, streamed from keyset chunks, with the feed position to continue from taken before the first
row is read; errors in the API's one JSON shape."""
import csv
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banks.api.export import FIELDS
from banks.api.serializers import BankCaseSerializer
from banks.models import ApiScope
from banks.selectors import bank_case_export, feed_end_position
from banks.services import api_key_create
from cases.codes import Category, EventKind
from cases.models import CaseChange
from tests.factories import BankFactory, make_case, record

NDJSON = "/api/v1/export/cases.ndjson"
CSV = "/api/v1/export/cases.csv"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agr(org, settings):
    """AGR with three cases (one with a comma, quotes and Vietnamese in its decision number, one with events),
    VCB with one, and a case of no bank: only AGR's three may ever reach AGR's key."""
    bank, other = BankFactory(code="AGR"), BankFactory(code="VCB")
    _r, key = api_key_create(bank=bank)
    _r, other_key = api_key_create(bank=other)
    cases = [make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR/2024/1",
                       decision_no='12, "gấp"/QĐ-CCTHADS', amount_due=3_500_000_000),
             make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-2"),
             make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-3")]
    record(cases[1], EventKind.CO_DIEU_KIEN, date(2024, 2, 1))
    record(cases[1], EventKind.THU_TIEN, date(2024, 3, 1), amount=1_000_000)
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=other, case_no="VCB-1")
    make_case(unit=org["HG-VT"], category=Category.KHAC, case_no="NO-BANK-1")
    return {"bank": bank, "key": key, "other": other, "other_key": other_key, "cases": cases}


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def listed(client, key) -> dict[str, dict]:
    response = client.get("/api/v1/cases/", data={"page_size": 200}, **bearer(key))
    assert response.status_code == 200
    return {row["case_no"]: row for row in response.json()["results"]}


def body(response) -> bytes:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


def ndjson(client, key, **headers) -> tuple[list[dict], dict, object]:
    response = client.get(NDJSON, **bearer(key), **headers)
    lines = body(response).decode("utf-8").split("\n")
    assert lines[-1] == ""  # every line ends with LF
    rows = [json.loads(line) for line in lines[:-1]]
    return rows[:-1], rows[-1], response


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert sorted(error) == ["code", "field", "message", "request_id"]
    assert error["code"] == code and error["request_id"] == response["X-Request-Id"]
    return error


def test_the_ndjson_export_is_every_case_of_the_bank_as_the_list_shows_it_then_the_end_line(client, agr):
    rows, end, response = ndjson(client, agr["key"])
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-AGR-')
    assert "ETag" not in response and response["Cache-Control"] == "private, no-store"
    assert response["X-RateLimit-Remaining"] == "119"
    # the same rows as the list, field for field and value for value, by id
    assert rows == [listed(client, agr["key"])[case.case_no] for case in agr["cases"]]
    assert [list(row) for row in rows] == [list(FIELDS)] * 3 == [list(BankCaseSerializer().fields)] * 3
    assert rows[0]["amount_due"] == 3_500_000_000 and rows[0]["decision_no"] == '12, "gấp"/QĐ-CCTHADS'
    assert rows[1]["status"] == "in_progress" and rows[1]["amount_collected"] == 1_000_000
    # the end line: the count and the feed position, also in the header
    last_change = CaseChange.objects.filter(case__creditor_bank=agr["bank"]).order_by("position").last().position
    assert end == {"export_end": {"cases": 3, "feed_position": response["X-Feed-Position"]}}
    assert int(response["X-Feed-Position"]) >= last_change


def test_the_csv_export_has_a_bom_a_header_and_the_lists_values_that_excel_and_python_read_back(client, agr):
    response = client.get(CSV, **bearer(agr["key"]))
    raw = body(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-AGR-')
    assert raw.startswith("\ufeff".encode()) and raw.endswith(b"\r\n")
    text = raw.decode("utf-8-sig")
    assert text.split("\r\n")[0] == ",".join(FIELDS)
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    want = listed(client, agr["key"])
    assert [row["case_no"] for row in parsed] == ["AGR/2024/1", "AGR-2", "AGR-3"]
    for row in parsed:
        assert row == {name: str(value) for name, value in want[row["case_no"]].items()}
    assert parsed[0]["decision_no"] == '12, "gấp"/QĐ-CCTHADS'
    assert '"12, ""gấp""/QĐ-CCTHADS"' in text  # quoted per RFC 4180


def test_another_banks_key_gets_none_of_these_cases_and_a_bank_without_cases_gets_an_empty_export(client, agr):
    rows, end, _response = ndjson(client, agr["other_key"])
    assert [row["case_no"] for row in rows] == ["VCB-1"] and end["export_end"]["cases"] == 1
    lonely = BankFactory(code="EMPTY")
    _r, lonely_key = api_key_create(bank=lonely)
    rows, end, _response = ndjson(client, lonely_key)
    assert rows == [] and end["export_end"]["cases"] == 0
    assert body(client.get(CSV, **bearer(lonely_key))) == ("\ufeff" + ",".join(FIELDS) + "\r\n").encode()


def test_the_selector_reads_keyset_chunks_lazily_one_query_each(agr, django_assert_num_queries):
    cases = agr["cases"] + [make_case(unit=agr["cases"][0].unit, category=Category.TIN_DUNG_NGAN_HANG,
                                      bank=agr["bank"], case_no=f"AGR-X{n}") for n in range(2)]
    chunks = bank_case_export(agr["bank"], chunk=2)
    with CaptureQueriesContext(connection) as nothing_yet:
        iterator = iter(chunks)
    assert nothing_yet.captured_queries == []
    with CaptureQueriesContext(connection) as queries:
        got = [[row[1] for row in chunk] for chunk in iterator]
    assert got == [[c.case_no for c in cases[0:2]], [c.case_no for c in cases[2:4]], [cases[4].case_no]]
    assert len(queries) == 3
    assert all('LIMIT 2' in q["sql"] and "OFFSET" not in q["sql"] for q in queries.captured_queries)
    with django_assert_num_queries(2):  # a full chunk, then the empty read that ends it (yielding nothing)
        assert [len(chunk) for chunk in bank_case_export(agr["bank"], chunk=5)] == [5]
    with django_assert_num_queries(1):
        assert [len(chunk) for chunk in bank_case_export(agr["bank"], chunk=6)] == [5]


def test_a_change_made_while_the_export_streams_is_after_the_position_so_the_feed_brings_it(client, agr):
    response = client.get(NDJSON, **bearer(agr["key"]))
    position = response["X-Feed-Position"]
    # the position is taken before the rows are read: an event recorded now is in the export (read later)
    # and after the position in the feed
    event = record(agr["cases"][2], EventKind.CO_DIEU_KIEN, date(2024, 4, 1))
    rows = [json.loads(line) for line in body(response).decode().splitlines()]
    assert rows[2]["case_no"] == "AGR-3" and rows[2]["status"] == "in_progress"
    feed = client.get("/api/v1/changes/", data={"after": position}, **bearer(agr["key"])).json()
    assert [(c["case_no"], c["event"]["sequence"] if c["event"] else None) for c in feed["results"]] == [
        ("AGR-3", event.sequence)]
    # and read to its end before the export, the feed ends where the export begins
    settled = client.get("/api/v1/changes/", data={"limit": 500}, **bearer(agr["key"])).json()
    assert not settled["has_more"]
    assert client.get(NDJSON, **bearer(agr["key"]))["X-Feed-Position"] == str(
        CaseChange.objects.latest("position").position)


def test_the_feed_position_is_the_highest_position_given_numbering_what_is_committed_first(agr):
    before = feed_end_position(agr["bank"])
    assert before == CaseChange.objects.latest("position").position
    record(agr["cases"][0], EventKind.CO_DIEU_KIEN, date(2024, 5, 1))
    assert CaseChange.objects.filter(position__isnull=True).exists()  # not numbered before it commits
    end = feed_end_position(agr["bank"])  # numbers the new rows (the relay) before answering
    assert not CaseChange.objects.filter(position__isnull=True).exists()
    assert end == CaseChange.objects.latest("position").position > before
    CaseChange.objects.all().delete()
    assert feed_end_position(agr["bank"]) == 0


@pytest.mark.parametrize("path", [NDJSON, CSV])
def test_errors_are_the_apis_json_whatever_the_format_asked(client, agr, path):
    assert_error(client.get(path, HTTP_ACCEPT="text/csv"), 401, "not_authenticated")
    assert_error(client.get(path, **bearer("thads_00000000_nope")), 401, "invalid_key")
    _r, feed_only = api_key_create(bank=agr["bank"], scopes=[ApiScope.CHANGES_READ])
    error = assert_error(client.get(path, HTTP_ACCEPT="application/x-ndjson, text/csv", **bearer(feed_only)),
                         403, "insufficient_scope")
    assert "cases:read" in error["message"]
    assert_error(client.post(path, **bearer(agr["key"])), 405, "method_not_allowed")


def test_an_export_counts_once_against_the_limits_and_a_spent_key_gets_a_json_429(client, agr, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"bank_burst": "2/min", "bank_sustained": "100/day"}}
    assert client.get(NDJSON, **bearer(agr["key"]))["X-RateLimit-Remaining"] == "1"
    assert client.get(CSV, **bearer(agr["key"]))["X-RateLimit-Remaining"] == "0"
    response = client.get(CSV, **bearer(agr["key"]))
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_dates_and_moments_are_rendered_as_the_list_renders_them(client, agr):
    with time_machine.travel(datetime(2026, 6, 1, 23, 30, tzinfo=HCM), tick=False):
        late = make_case(unit=agr["cases"][0].unit, category=Category.TIN_DUNG_NGAN_HANG, bank=agr["bank"],
                         case_no="AGR-LATE", accepted_on=date(2024, 6, 1))
    rows, _end, _response = ndjson(client, agr["key"])
    row = next(row for row in rows if row["case_no"] == late.case_no)
    assert row["updated_at"] == "2026-06-01T23:30:00+07:00" and row["accepted_on"] == "2024-06-01"
    assert row == listed(client, agr["key"])["AGR-LATE"]


def test_in_utc_the_moments_end_in_z_like_the_lists(client, agr, settings):
    settings.TIME_ZONE = "UTC"
    rows, _end, _response = ndjson(client, agr["key"])
    assert rows[0]["updated_at"].endswith("Z") and "+" not in rows[0]["updated_at"]
    assert rows == [listed(client, agr["key"])[case.case_no] for case in agr["cases"]]
