"""The bank API's case list and case detail (banks/api/views.py, banks/filters.py, banks/selectors.py,
thads/api/pagination.py): every filter with the exact set of cases it gives, amounts, cursor pagination
(stable while cases arrive), the detail with its timeline, debtors, next deadline and payouts, ETag, and the
query counts pinned."""
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from banks.api.serializers import BankCaseSerializer
from banks.filters import API_STATUSES
from banks.services import api_key_create
from cases.codes import Category, EventKind, PartyKind, PartyRole
from cases.models import Case
from cases.services import case_update, party_add, payout_record
from tests.factories import BankFactory, make_case, record

LIST = "/api/v1/cases/"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agr(org):
    """Bank AGR and its key; bank VCB with a key and a decoy case in every unit we use (it must never show)."""
    bank = BankFactory(code="AGR")
    _record, key = api_key_create(bank=bank)
    other = BankFactory(code="VCB")
    _other_record, other_key = api_key_create(bank=other)
    return {"bank": bank, "key": key, "other": other, "other_key": other_key}


def bank_case(org, bank, unit="HG-VT", **kwargs):
    return make_case(unit=org[unit], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, **kwargs)


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def listing(client, key, **params):
    response = client.get(LIST, data={"page_size": 200, **params}, **bearer(key))
    assert response.status_code == 200, response.content
    return response.json()


def case_nos(client, key, **params) -> list[str]:
    return [row["case_no"] for row in listing(client, key, **params)["results"]]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "field", "message", "request_id"]
    assert body["error"]["request_id"] == response["X-Request-Id"] and len(body["error"]["request_id"]) >= 8
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    return body


def frozen(moment: datetime):
    return time_machine.travel(moment, tick=False)


# ---- status ---------------------------------------------------------------------------------------------

def test_given_a_case_in_every_status_then_each_api_status_gives_exactly_its_cases(client, org, agr):
    # given (created oldest first; the list is newest first)
    bank, d = agr["bank"], date(2024, 2, 1)
    bank_case(org, bank, case_no="S-FRESH")
    record(bank_case(org, bank, case_no="S-VERIFIED"), EventKind.CO_DIEU_KIEN, d)
    resumed = bank_case(org, bank, case_no="S-RESUMED")
    record(resumed, EventKind.HOAN, d, ground="a")
    record(resumed, EventKind.TIEP_TUC, date(2024, 3, 1))
    record(bank_case(org, bank, case_no="S-WITHOUT"), EventKind.CHUA_CO_DIEU_KIEN, d, ground="khong_tai_san")
    record(bank_case(org, bank, case_no="S-POSTPONED-A"), EventKind.HOAN, d, ground="a")
    record(bank_case(org, bank, case_no="S-POSTPONED-C"), EventKind.HOAN, d, ground="c")
    record(bank_case(org, bank, case_no="S-POSTPONED-H"), EventKind.HOAN, d, ground="h")
    record(bank_case(org, bank, case_no="S-SUSPENDED"), EventKind.TAM_DINH_CHI, d, ground="giam_doc_tham")
    completed = bank_case(org, bank, case_no="S-COMPLETED", amount_due=2_000_000)
    record(completed, EventKind.THU_TIEN, d, amount=2_000_000)
    record(completed, EventKind.XONG, date(2024, 2, 2))
    record(bank_case(org, bank, case_no="S-TERMINATED"), EventKind.DINH_CHI, d, ground="a")
    record(bank_case(org, bank, case_no="S-TRANSFERRED"), EventKind.UY_THAC_DI, d)
    separate = bank_case(org, bank, case_no="S-SEPARATE")
    record(separate, EventKind.CHUA_CO_DIEU_KIEN, d, ground="khong_tai_san")
    record(separate, EventKind.CHUYEN_SO_RIENG, date(2024, 8, 1))
    record(bank_case(org, agr["other"], case_no="X-POSTPONED"), EventKind.HOAN, d, ground="a")

    # when
    by_status = {status: listing(client, agr["key"], status=status)["results"] for status in API_STATUSES}

    # then
    assert {status: [row["case_no"] for row in rows] for status, rows in by_status.items()} == {
        "in_progress": ["S-RESUMED", "S-VERIFIED", "S-FRESH"],
        "without_conditions": ["S-WITHOUT"],
        "postponed": ["S-POSTPONED-H", "S-POSTPONED-C", "S-POSTPONED-A"],
        "suspended": ["S-SUSPENDED"],
        "completed": ["S-COMPLETED"],
        "terminated": ["S-TERMINATED"],
        "transferred_out": ["S-TRANSFERRED"],
        "separate_book": ["S-SEPARATE"],
    }
    assert all(row["status"] == status for status, rows in by_status.items() for row in rows)
    assert len(case_nos(client, agr["key"])) == 12


@pytest.mark.parametrize("params", [{"status": "bogus"}, {"status": "with_conditions"}, {"status": "POSTPONED"},
                                    {"category": "bogus"}, {"accepted_from": "2019-13-01"},
                                    {"accepted_to": "2024-02-30"}, {"updated_since": "yesterday"}])
def test_given_a_bad_filter_value_then_400_invalid_request_naming_the_filter(client, org, agr, params):
    # given
    bank_case(org, agr["bank"], case_no="B-1")

    # when
    response = client.get(LIST, data=params, **bearer(agr["key"]))

    # then
    body = assert_error(response, 400, "invalid_request")
    assert body["error"]["message"].startswith(f"{next(iter(params))}: ")


# ---- category, unit, dates, updated_since, q ----------------------------------------------------------------

def test_given_credit_cases_then_the_category_filter_gives_all_of_them_for_credit_and_none_otherwise(
        client, org, agr):
    # given
    bank_case(org, agr["bank"], case_no="C-1")
    bank_case(org, agr["bank"], case_no="C-2")
    make_case(unit=org["HG-VT"], category=Category.NGAN_SACH, case_no="C-BUDGET")

    # when / then
    assert case_nos(client, agr["key"], category="tin_dung_ngan_hang") == ["C-2", "C-1"]
    assert case_nos(client, agr["key"], category="ngan_sach") == []
    assert case_nos(client, agr["key"], category="khac") == []


@pytest.fixture
def units_world(org, agr):
    bank, other = agr["bank"], agr["other"]
    bank_case(org, bank, unit="HG", case_no="U-HG")
    bank_case(org, bank, unit="HG-VT", case_no="U-VT", accepted_on=date(2024, 3, 1))
    bank_case(org, bank, unit="HG-NB", case_no="U-NB", accepted_on=date(2025, 6, 30))
    bank_case(org, bank, unit="HG-KV1", case_no="U-KV1", accepted_on=date(2025, 7, 1))
    bank_case(org, bank, unit="ST-A", case_no="U-STA")
    bank_case(org, bank, unit="ST", case_no="U-ST")
    for unit, accepted_on in (("HG", date(2024, 1, 10)), ("HG-VT", date(2024, 1, 10)),
                              ("HG-KV1", date(2025, 7, 1)), ("ST-A", date(2024, 1, 10))):
        bank_case(org, other, unit=unit, case_no=f"X-{unit}", accepted_on=accepted_on)
    return agr


@pytest.mark.parametrize(("unit", "expected"), [
    ("HG", ["U-KV1", "U-NB", "U-VT", "U-HG"]),        # the province, its districts, and the office replacing them
    ("HG-KV1", ["U-KV1", "U-NB", "U-VT"]),             # the regional office inherits HG-VT's and HG-NB's cases
    ("HG-VT", ["U-VT"]),
    ("HG-NB", ["U-NB"]),
    ("ST", ["U-ST", "U-STA"]),
    ("ST-A", ["U-STA"]),
    ("NOPE", []),
    ("hg", []),
])
def test_given_cases_in_several_units_then_the_unit_filter_gives_the_units_jurisdiction(client, units_world,
                                                                                        unit, expected):
    # when / then
    assert case_nos(client, units_world["key"], unit=unit) == expected


def test_given_an_empty_unit_then_the_unit_filter_is_not_applied(client, units_world):
    assert case_nos(client, units_world["key"], unit="") == ["U-ST", "U-STA", "U-KV1", "U-NB", "U-VT", "U-HG"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"accepted_from": "2024-01-10"}, ["A-12", "A-11", "A-10"]),
    ({"accepted_to": "2024-01-11"}, ["A-11", "A-10", "A-09"]),
    ({"accepted_from": "2024-01-10", "accepted_to": "2024-01-11"}, ["A-11", "A-10"]),
    ({"accepted_from": "2024-01-10", "accepted_to": "2024-01-10"}, ["A-10"]),
    ({"accepted_from": "2024-01-12", "accepted_to": "2024-01-09"}, []),
    ({"accepted_from": "2024-01-13"}, []),
])
def test_given_cases_accepted_on_consecutive_days_then_the_date_filters_are_inclusive(client, org, agr, params,
                                                                                     expected):
    # given
    for day in (9, 10, 11, 12):
        bank_case(org, agr["bank"], case_no=f"A-{day:02d}", accepted_on=date(2024, 1, day))
    bank_case(org, agr["other"], case_no="X-10", accepted_on=date(2024, 1, 10))

    # when / then
    assert case_nos(client, agr["key"], **params) == expected


def test_given_cases_changed_at_different_times_then_updated_since_gives_those_changed_at_or_after_it(
        client, org, agr):
    # given: cases created at 10:00, 11:00, 12:00; an event recorded on the first at 13:00
    day = datetime(2026, 11, 20, tzinfo=HCM)
    with frozen(day.replace(hour=10)):
        first = bank_case(org, agr["bank"], case_no="T-10")
    with frozen(day.replace(hour=11)):
        bank_case(org, agr["bank"], case_no="T-11")
    with frozen(day.replace(hour=12)):
        bank_case(org, agr["bank"], case_no="T-12")
        bank_case(org, agr["other"], case_no="X-12")
    with frozen(day.replace(hour=13)):
        record(first, EventKind.CO_DIEU_KIEN, date(2024, 2, 1))

    # when / then
    assert case_nos(client, agr["key"], updated_since="2026-11-20T11:00:00+07:00") == ["T-12", "T-11", "T-10"]
    assert case_nos(client, agr["key"], updated_since="2026-11-20T04:00:00Z") == ["T-12", "T-11", "T-10"]
    assert case_nos(client, agr["key"], updated_since="2026-11-20T11:00:01+07:00") == ["T-12", "T-10"]
    assert case_nos(client, agr["key"], updated_since="2026-11-20T13:00:00+07:00") == ["T-10"]
    assert case_nos(client, agr["key"], updated_since="2026-11-20T13:00:01+07:00") == []
    assert case_nos(client, agr["key"], updated_since="2026-11-20T09:59:59+07:00") == ["T-12", "T-11", "T-10"]
    # a time without an offset is read in Vietnam's time zone
    assert case_nos(client, agr["key"], updated_since="2026-11-20T13:00:00") == ["T-10"]


@pytest.mark.parametrize("change", ["payout", "debtor"])
def test_given_a_change_that_shows_in_the_detail_then_updated_since_finds_the_case(client, org, agr, change):
    # given: a case last changed at 10:00 with money collected; its detail lists payouts and debtors
    day = datetime(2026, 11, 20, tzinfo=HCM)
    with frozen(day.replace(hour=10)):
        case = bank_case(org, agr["bank"], case_no="T-1")
        record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=1_000_000)
        etag = client.get("/api/v1/cases/T-1/", **bearer(agr["key"]))["ETag"]

    # when: at 11:00 a payout to the bank, or a new debtor, is recorded
    with frozen(day.replace(hour=11)):
        if change == "payout":
            payout_record(actor=None, case=case, paid_on=date(2024, 2, 5), amount=1_000_000, recipient="AGR",
                          today=TODAY)
        else:
            party_add(actor=None, case=case, role=PartyRole.DEBTOR, name="Lê Văn C")
        detail = client.get("/api/v1/cases/T-1/", **bearer(agr["key"]))

    # then: the bank, syncing with updated_since, is told to read the case again
    assert detail["ETag"] != etag
    assert case_nos(client, agr["key"], updated_since="2026-11-20T10:30:00+07:00") == ["T-1"]


@pytest.fixture
def q_world(org, agr):
    bank = agr["bank"]
    bank_case(org, bank, case_no="HS-ALPHA-001")
    by_decision = bank_case(org, bank, case_no="Q-2")
    case_update(actor=None, case=by_decision, decision_no="QD-ZETA-77")
    two_debtors = bank_case(org, bank, case_no="Q-3")
    party_add(actor=None, case=two_debtors, role=PartyRole.DEBTOR, name="Lê Thị Hoa")
    party_add(actor=None, case=two_debtors, role=PartyRole.DEBTOR, name="Trần Hoa Mai")
    creditor_only = bank_case(org, bank, case_no="Q-4")
    party_add(actor=None, case=creditor_only, role=PartyRole.CREDITOR, name="Phạm Hoa Creditor")
    bank_case(org, agr["other"], case_no="HS-ALPHA-999")
    return agr


@pytest.mark.parametrize(("q", "expected"), [
    ("HS-ALPHA-001", ["HS-ALPHA-001"]),
    ("alpha", ["HS-ALPHA-001"]),                      # case number, case-insensitive; not the other bank's
    ("zeta-77", ["Q-2"]),                             # decision number, case-insensitive
    ("QD-ZETA", ["Q-2"]),
    ("HOA", ["Q-3"]),                                 # two matching debtors, one row; a creditor does not match
    ("thị hoa", ["Q-3"]),
    ("Phạm Hoa Creditor", []),                        # creditors are not searched
    ("Trần Thị B", []),                               # the creditor every factory case has
    ("  ", ["Q-4", "Q-3", "Q-2", "HS-ALPHA-001"]),    # blank: no filter
    ("nobody", []),
])
def test_given_cases_then_q_matches_case_number_decision_number_and_debtor_name(client, q_world, q, expected):
    # when / then
    assert case_nos(client, q_world["key"], q=q) == expected


@pytest.mark.parametrize("params", [{}, {"q": "", "status": "", "unit": "", "updated_since": ""}, {"page_size": 1}])
def test_given_no_filter_value_then_the_list_is_still_only_the_keys_banks_cases(client, q_world, params):
    # given: four cases of the key's bank and one of another bank (q_world); no filter with a value, so the list
    # skips the FilterSet (BankCaseListView.filter_queryset)
    # when: every page is followed
    pages, _bodies = follow(client, q_world["key"], LIST, **params)

    # then: exactly the bank's cases, newest first, each once
    assert [no for page in pages for no in page] == ["Q-4", "Q-3", "Q-2", "HS-ALPHA-001"]


def test_given_a_vietnamese_debtor_name_then_q_matches_it_whatever_the_case_of_its_accented_letters(
        client, org, agr):
    # given
    case = bank_case(org, agr["bank"], case_no="Q-VI")
    party_add(actor=None, case=case, role=PartyRole.DEBTOR, name="Đặng Văn Hùng")
    bank_case(org, agr["bank"], case_no="Q-OTHER")

    # when / then: an officer or a bank types names in lower case as often as not
    assert case_nos(client, agr["key"], q="Đặng Văn Hùng") == ["Q-VI"]
    assert case_nos(client, agr["key"], q="đặng văn hùng") == ["Q-VI"]
    assert case_nos(client, agr["key"], q="ĐẶNG VĂN HÙNG") == ["Q-VI"]


def test_given_several_filters_then_they_combine(client, org, agr):
    # given
    bank_case(org, agr["bank"], unit="HG-VT", case_no="F-1", accepted_on=date(2024, 1, 10))
    postponed = bank_case(org, agr["bank"], unit="HG-VT", case_no="F-2", accepted_on=date(2024, 1, 10))
    record(postponed, EventKind.HOAN, date(2024, 2, 1), ground="b")
    bank_case(org, agr["bank"], unit="ST-A", case_no="F-3", accepted_on=date(2024, 1, 10))
    bank_case(org, agr["bank"], unit="HG-VT", case_no="F-4", accepted_on=date(2023, 1, 10))

    # when / then
    assert case_nos(client, agr["key"], unit="HG", accepted_from="2024-01-01", status="in_progress") == ["F-1"]
    assert case_nos(client, agr["key"], unit="HG", status="postponed", q="f-2") == ["F-2"]
    assert case_nos(client, agr["key"], unit="HG", q="f-3") == []


# ---- amounts -------------------------------------------------------------------------------------------------

def test_given_collections_and_a_termination_then_amounts_are_integers_and_remaining_is_the_difference(
        client, org, agr):
    # given
    bank = agr["bank"]
    bank_case(org, bank, case_no="M-FRESH", amount_due=1_000_000)
    collected = bank_case(org, bank, case_no="M-COLLECTED", amount_due=1_000_000)
    record(collected, EventKind.THU_TIEN, date(2024, 2, 1), amount=250_000)
    record(collected, EventKind.THU_TIEN, date(2024, 3, 1), amount=150_000)
    terminated = bank_case(org, bank, case_no="M-TERMINATED", amount_due=123_456_789_012)
    record(terminated, EventKind.THU_TIEN, date(2024, 2, 1), amount=300_000)
    record(terminated, EventKind.DINH_CHI, date(2024, 4, 1), ground="c")

    # when
    rows = {row["case_no"]: row for row in listing(client, agr["key"])["results"]}

    # then
    amounts = {case_no: (row["amount_due"], row["amount_collected"], row["amount_reduced"],
                         row["amount_terminated"], row["amount_remaining"]) for case_no, row in rows.items()}
    assert amounts == {
        "M-FRESH": (1_000_000, 0, 0, 0, 1_000_000),
        "M-COLLECTED": (1_000_000, 400_000, 0, 0, 600_000),
        "M-TERMINATED": (123_456_789_012, 300_000, 0, 123_456_489_012, 0),
    }
    for row in rows.values():
        values = [row[f"amount_{name}"] for name in ("due", "collected", "reduced", "terminated", "remaining")]
        assert all(type(value) is int for value in values)
        assert row["amount_remaining"] == (row["amount_due"] - row["amount_collected"] - row["amount_reduced"]
                                           - row["amount_terminated"])


def test_given_a_case_then_a_list_row_has_exactly_the_documented_fields(client, org, agr):
    # given
    case = bank_case(org, agr["bank"], unit="HG-NB", case_no="R-1", accepted_on=date(2024, 1, 10),
                     amount_due=7_000_000, origin="chu_dong")
    case.refresh_from_db()

    # when
    (row,) = listing(client, agr["key"])["results"]

    # then
    assert datetime.fromisoformat(row.pop("updated_at")) == case.updated_at
    assert row == {
        "case_no": "R-1", "decision_no": case.decision_no, "unit": "HG-NB", "unit_name": "Chi cục THADS TP Ngã Bảy",
        "accepted_on": "2024-01-10", "origin": "chu_dong", "category": "tin_dung_ngan_hang",
        "status": "in_progress", "amount_due": 7_000_000, "amount_collected": 0, "amount_reduced": 0,
        "amount_terminated": 0, "amount_remaining": 7_000_000,
    }


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC"])
def test_given_cases_then_each_list_row_is_what_the_list_serializer_gives_for_the_case(client, org, agr, zone):
    # given: cases with amounts, statuses, units; read in the Vietnam time zone and in UTC (DRF writes UTC as Z)
    first = bank_case(org, agr["bank"], unit="HG-NB", case_no="S-1", accepted_on=date(2024, 1, 10),
                      amount_due=7_000_000, origin="chu_dong")
    record(first, EventKind.THU_TIEN, date(2024, 2, 1), amount=1_500_000)
    second = bank_case(org, agr["bank"], unit="ST-A", case_no="S/2024/2", accepted_on=date(2023, 5, 2))
    record(second, EventKind.HOAN, date(2024, 3, 1), ground="a")
    bank_case(org, agr["bank"], case_no="S-3", accepted_on=date(2022, 12, 31), amount_due=1)
    with timezone.override(ZoneInfo(zone)):
        expected = {case.case_no: dict(BankCaseSerializer(case).data)
                    for case in Case.objects.filter(creditor_bank=agr["bank"]).select_related("unit")}

        # when: the list renders its rows without the serializer (banks.api.serializers.bank_case_data)
        rows = listing(client, agr["key"])["results"]
        filtered = listing(client, agr["key"], status="postponed")["results"]

    # then: the same fields, in the same order, with the same JSON values
    assert [row["case_no"] for row in rows] == ["S-3", "S/2024/2", "S-1"]
    assert [list(row) for row in rows] == [list(expected[row["case_no"]]) for row in rows]
    assert rows == [json.loads(json.dumps(expected[row["case_no"]], default=str)) for row in rows]
    assert filtered == [row for row in rows if row["case_no"] == "S/2024/2"]
    assert rows[0]["updated_at"].endswith("Z") == (zone == "UTC")


# ---- cursor pagination -----------------------------------------------------------------------------------

def follow(client, key, url, **params) -> tuple[list[list[str]], list[dict]]:
    """Every page from ``url``, following ``next``; returns the case numbers page by page and the bodies."""
    pages, bodies = [], []
    response = client.get(url, data=params, **bearer(key))
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        bodies.append(body)
        pages.append([row["case_no"] for row in body["results"]])
        if body["next"] is None:
            return pages, bodies
        response = client.get(body["next"], **bearer(key))


def test_given_seven_cases_when_following_next_with_page_size_3_then_every_case_once_newest_first(client, org, agr):
    # given
    for number in range(1, 8):
        bank_case(org, agr["bank"], case_no=f"P-{number}")
    bank_case(org, agr["other"], case_no="X-1")

    # when
    pages, bodies = follow(client, agr["key"], LIST, page_size=3)

    # then
    assert pages == [["P-7", "P-6", "P-5"], ["P-4", "P-3", "P-2"], ["P-1"]]
    assert [sorted(body) for body in bodies] == [["next", "previous", "results"]] * 3
    assert bodies[0]["previous"] is None
    assert bodies[1]["previous"] is not None
    assert bodies[2]["next"] is None
    assert "cursor=" in bodies[0]["next"] and "page_size=3" in bodies[0]["next"]


def test_given_a_filter_when_following_next_then_every_page_keeps_the_filter(client, org, agr):
    # given: cases alternately in HG-VT and ST-A
    for number in range(1, 9):
        bank_case(org, agr["bank"], unit="HG-VT" if number % 2 else "ST-A", case_no=f"P-{number}")

    # when
    pages, _bodies = follow(client, agr["key"], LIST, page_size=2, unit="ST")

    # then
    assert pages == [["P-8", "P-6"], ["P-4", "P-2"]]


def test_given_a_second_page_when_following_previous_then_the_first_page_comes_back(client, org, agr):
    # given
    for number in range(1, 6):
        bank_case(org, agr["bank"], case_no=f"P-{number}")
    first = listing(client, agr["key"], page_size=2)
    second = client.get(first["next"], **bearer(agr["key"])).json()

    # when
    back = client.get(second["previous"], **bearer(agr["key"])).json()

    # then
    assert [row["case_no"] for row in second["results"]] == ["P-3", "P-2"]
    assert [row["case_no"] for row in back["results"]] == ["P-5", "P-4"]


def test_given_201_cases_then_page_size_defaults_to_50_and_takes_1_to_200(client, org, agr):
    # given
    for number in range(1, 202):
        bank_case(org, agr["bank"], case_no=f"P-{number:03d}")

    # when
    sizes = {page_size: len(client.get(LIST, data={} if page_size is None else {"page_size": page_size},
                                       **bearer(agr["key"])).json()["results"])
             for page_size in (None, "", 1, 199, 200)}

    # then
    assert sizes == {None: 50, "": 50, 1: 1, 199: 199, 200: 200}
    pages, _bodies = follow(client, agr["key"], LIST, page_size=200)
    assert [len(page) for page in pages] == [200, 1]
    assert pages[0][0] == "P-201" and pages[1] == ["P-001"]


@pytest.mark.parametrize("page_size", [201, 500, 1000, 0, -1, "abc", "1.5", " 7", "٧", "9" * 40])
def test_given_a_page_size_out_of_range_or_not_a_whole_number_then_400_naming_it_and_the_range(
        client, org, agr, page_size):
    # given
    bank_case(org, agr["bank"], case_no="P-1")

    # when
    response = client.get(LIST, data={"page_size": page_size}, **bearer(agr["key"]))

    # then: never silently clamped
    body = assert_error(response, 400, "invalid_request")
    assert body["error"]["field"] == "page_size"
    assert body["error"]["message"].startswith("page_size: ") and "200" in body["error"]["message"]


def test_given_page_one_when_five_cases_arrive_then_following_next_neither_repeats_nor_skips_any(client, org, agr):
    # given: six cases, and page 1 of 2 taken
    for number in range(1, 7):
        bank_case(org, agr["bank"], case_no=f"OLD-{number}")
    first = listing(client, agr["key"], page_size=2)

    # when: five cases arrive, then the client follows next to the end
    for number in range(1, 6):
        bank_case(org, agr["bank"], case_no=f"NEW-{number}")
    pages, _bodies = follow(client, agr["key"], first["next"])

    # then
    seen = [row["case_no"] for row in first["results"]] + [case_no for page in pages for case_no in page]
    assert seen == ["OLD-6", "OLD-5", "OLD-4", "OLD-3", "OLD-2", "OLD-1"]
    # and the new cases appear only at the start of a fresh listing
    fresh = case_nos(client, agr["key"])
    assert fresh == ["NEW-5", "NEW-4", "NEW-3", "NEW-2", "NEW-1", *seen]


@pytest.mark.parametrize("cursor", ["garbage", "bz1hYmM=", "YQ",
                                    "cD1mb28=",  # p=foo: valid base64, a position that is not a row id
                                    "cD0=",  # p= (empty)
                                    "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ==",  # p=9…9, beyond BIGINT
                                    "cD0tMQ==",  # p=-1
                                    "cj0yJnA9MQ==",  # r=2&p=1
                                    "eD0x",  # x=1: an unknown field
                                    "cD0xJnA9Mg==",  # p=1&p=2
                                    "bz05OTk5JnA9MQ==",  # o=9999&p=1: beyond the offset DRF would clamp
                                    "cD0x\u00e9"])
def test_given_a_malformed_cursor_then_400_invalid_cursor(client, org, agr, cursor):
    # given
    bank_case(org, agr["bank"], case_no="P-1")

    # when
    response = client.get(LIST, data={"cursor": cursor}, **bearer(agr["key"]))

    # then: a mangled cursor is a bad request with the stable code docs/api.md documents
    body = assert_error(response, 400, "invalid_cursor")
    assert body["error"]["message"].startswith("cursor: ")


# ---- detail ---------------------------------------------------------------------------------------------

@pytest.fixture
def detailed(org, agr):
    """A case accepted 1/10/2026 on request at HG-KV1, never verified: the voluntary period ends Mon 12/10
    (11/10 is a Sunday), verification is due Thu 22/10 — overdue on 28/11/2026. Two collections, a
    postponement (ground c), one payout, two debtors."""
    with frozen(datetime(2026, 11, 28, 9, 0, tzinfo=HCM)):
        case = bank_case(org, agr["bank"], unit="HG-KV1", case_no="D-1", accepted_on=date(2026, 10, 1),
                         amount_due=5_000_000)
        record(case, EventKind.THU_TIEN, date(2026, 10, 20), amount=1_000_000)
        record(case, EventKind.HOAN, date(2026, 10, 27), ground="c")
        record(case, EventKind.THU_TIEN, date(2026, 11, 2), amount=500_000)
        party_add(actor=None, case=case, role=PartyRole.DEBTOR, name="Công ty TNHH Minh Phát",
                  kind=PartyKind.ORGANISATION)
        payout_record(actor=None, case=case, paid_on=date(2026, 10, 25), amount=1_000_000,
                      recipient="Ngân hàng AGR", today=TODAY)
    case.refresh_from_db()
    return case


def test_given_a_case_then_its_detail_has_the_timeline_debtors_next_deadline_and_payouts(client, agr, detailed):
    # when
    with frozen(datetime(2026, 11, 28, 10, 0, tzinfo=HCM)):
        response = client.get("/api/v1/cases/D-1/", **bearer(agr["key"]))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert datetime.fromisoformat(body.pop("updated_at")) == detailed.updated_at
    assert body == {
        "case_no": "D-1", "decision_no": detailed.decision_no, "unit": "HG-KV1",
        "unit_name": "Phòng THADS khu vực 1", "accepted_on": "2026-10-01", "origin": "theo_yeu_cau",
        "category": "tin_dung_ngan_hang", "status": "postponed", "amount_due": 5_000_000,
        "amount_collected": 1_500_000, "amount_reduced": 0, "amount_terminated": 0, "amount_remaining": 3_500_000,
        "events": [
            {"sequence": 1, "date": "2026-10-20", "code": "thu_tien", "label": "Thu tiền", "amount": 1_000_000,
             "ground": "", "cancels": None, "cancelled_by": None},
            {"sequence": 2, "date": "2026-10-27", "code": "hoan", "label": "Hoãn thi hành án", "amount": None,
             "ground": "c", "cancels": None, "cancelled_by": None},
            {"sequence": 3, "date": "2026-11-02", "code": "thu_tien", "label": "Thu tiền", "amount": 500_000,
             "ground": "", "cancels": None, "cancelled_by": None},
        ],
        "debtors": [{"name": "Nguyễn Văn A", "kind": "person"},
                    {"name": "Công ty TNHH Minh Phát", "kind": "organisation"}],
        "next_deadline": {"kind": "verification", "label": "Xác minh điều kiện thi hành án",
                          "due_on": "2026-10-22", "status": "overdue"},
        "payouts": [{"paid_on": "2026-10-25", "amount": 1_000_000, "recipient": "Ngân hàng AGR"}],
        "assets": [], "distribution_shares": [],
    }


def test_given_a_verified_case_with_its_collection_paid_out_then_it_has_no_next_deadline(client, org, agr):
    # given
    case = bank_case(org, agr["bank"], case_no="D-2", accepted_on=date(2024, 1, 10))
    record(case, EventKind.CO_DIEU_KIEN, date(2024, 1, 25))
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=1_000_000)
    payout_record(actor=None, case=case, paid_on=date(2024, 2, 5), amount=1_000_000, recipient="AGR", today=TODAY)

    # when
    body = client.get("/api/v1/cases/D-2/", **bearer(agr["key"])).json()

    # then
    assert body["next_deadline"] is None
    assert [event["code"] for event in body["events"]] == ["co_dieu_kien", "thu_tien"]


def test_given_an_etag_then_if_none_match_gives_304_until_an_event_is_recorded(client, agr, detailed):
    url, auth = "/api/v1/cases/D-1/", bearer(agr["key"])
    with frozen(datetime(2026, 11, 28, 10, 0, tzinfo=HCM)):
        # given
        first = client.get(url, **auth)
        etag = first["ETag"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34
        assert client.get(url, **auth)["ETag"] == etag

        # when: the client sends it back
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag, **auth)
        in_a_list = client.get(url, HTTP_IF_NONE_MATCH=f'"stale", {etag}', **auth)
        stale = client.get(url, HTTP_IF_NONE_MATCH='"stale"', **auth)

        # then
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
        assert in_a_list.status_code == 304 and in_a_list.content == b""
        assert stale.status_code == 200 and stale.json() == first.json()

        # when: an event is recorded
        record(detailed, EventKind.THU_TIEN, date(2026, 11, 20), amount=100_000)
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag, **auth)

    # then
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["amount_collected"] == 1_600_000
    assert [event["sequence"] for event in changed.json()["events"]] == [1, 2, 3, 4]


def test_given_an_etag_when_a_payout_is_recorded_then_the_etag_changes(client, agr, detailed):
    url, auth = "/api/v1/cases/D-1/", bearer(agr["key"])
    with frozen(datetime(2026, 11, 28, 10, 0, tzinfo=HCM)):
        # given
        etag = client.get(url, **auth)["ETag"]

        # when
        payout_record(actor=None, case=detailed, paid_on=date(2026, 11, 5), amount=500_000, recipient="AGR",
                      today=TODAY)
        response = client.get(url, HTTP_IF_NONE_MATCH=etag, **auth)

    # then
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert len(response.json()["payouts"]) == 2


def test_given_our_etag_when_another_bank_asks_with_it_then_404(client, agr, detailed):
    with frozen(datetime(2026, 11, 28, 10, 0, tzinfo=HCM)):
        etag = client.get("/api/v1/cases/D-1/", **bearer(agr["key"]))["ETag"]
        response = client.get("/api/v1/cases/D-1/", HTTP_IF_NONE_MATCH=etag, **bearer(agr["other_key"]))
    assert_error(response, 404, "not_found")


# ---- query counts -----------------------------------------------------------------------------------------

LIST_QUERIES = 2    # the key (by prefix, with its bank); one page of cases with their units' code and name
DETAIL_QUERIES = 8  # the key; the case with its unit; its events; its debtors; its payouts; its assets; its
#                    distribution shares; the holiday calendar (with assets: tests/banks/test_api_assets.py)


@pytest.mark.parametrize("count", [1, 30])
def test_given_1_or_30_cases_then_the_list_costs_the_same_number_of_queries(client, org, agr, count,
                                                                            django_assert_num_queries):
    # given: cases in several units, each with events
    units = ["HG-VT", "HG-NB", "ST-A"]
    for number in range(count):
        case = bank_case(org, agr["bank"], unit=units[number % 3], case_no=f"N-{number:03d}")
        record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=100_000)
    auth = bearer(agr["key"])
    client.get(LIST, **auth)  # the key's last use is now recorded: no write in the measured request

    # when / then
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, data={"page_size": 200}, **auth)
    assert len(response.json()["results"]) == count


def test_given_filters_then_the_list_cost_does_not_grow_with_the_cases(client, org, agr, django_assert_num_queries):
    # given
    for number in range(30):
        bank_case(org, agr["bank"], unit="HG-VT", case_no=f"N-{number:03d}")
    auth = bearer(agr["key"])
    client.get(LIST, **auth)

    # when / then: status and q are part of the page query
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, data={"status": "in_progress", "q": "n-00", "page_size": 200}, **auth)
    assert len(response.json()["results"]) == 10


@pytest.mark.parametrize("large", [False, True])
def test_given_a_small_or_a_large_case_then_the_detail_costs_the_same_number_of_queries(
        client, org, agr, large, django_assert_num_queries):
    # given: 1 event, 1 debtor, no payout — or 20 events, 3 debtors and 3 payouts
    case = bank_case(org, agr["bank"], case_no="Q-1", accepted_on=date(2024, 1, 10), amount_due=100_000_000)
    record(case, EventKind.CO_DIEU_KIEN, date(2024, 1, 20))
    if large:
        start = date(2024, 2, 1)
        for number in range(19):
            record(case, EventKind.THU_TIEN, start + timedelta(days=7 * number), amount=1_000_000)
        for name in ("Lê Văn C", "Phạm Thị D"):
            party_add(actor=None, case=case, role=PartyRole.DEBTOR, name=name)
        for number in range(3):
            payout_record(actor=None, case=case, paid_on=start + timedelta(days=7 * number + 3), amount=1_000_000,
                          recipient="AGR", today=TODAY)
    auth = bearer(agr["key"])
    client.get("/api/v1/cases/Q-1/", **auth)

    # when / then
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get("/api/v1/cases/Q-1/", **auth)
    body = response.json()
    assert (len(body["events"]), len(body["debtors"]), len(body["payouts"])) == ((20, 3, 3) if large else (1, 1, 0))
