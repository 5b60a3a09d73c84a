"""The change feed (GET /api/v1/changes/, banks/selectors.bank_changes, cases.models.CaseChange): a bank reads
the changes to its own cases in order, without gaps or duplicates, resuming from the last cursor (feed
position) it saw. The concurrent proof on PostgreSQL is tests/banks/test_change_feed_concurrency.py."""
from datetime import date, datetime

import pytest
from django.core.cache import cache
from django.db.models import F

from banks.services import api_key_create
from cases.codes import Category, EventKind
from cases.models import CaseChange
from cases.services.changes import case_changes_relay
from tests.factories import BankFactory, make_case, record

CHANGES = "/api/v1/changes/"


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def banks(org):
    agr, vcb = BankFactory(code="AGR"), BankFactory(code="VCB")
    _agr_record, agr_key = api_key_create(bank=agr)
    _vcb_record, vcb_key = api_key_create(bank=vcb)
    return {"agr": agr, "vcb": vcb, "agr_key": agr_key, "vcb_key": vcb_key}


def bank_case(org, bank, **kwargs):
    return make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, **kwargs)


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def feed(client, key, **params) -> dict:
    response = client.get(CHANGES, data=params, **bearer(key))
    assert response.status_code == 200, response.content
    return response.json()


def read_all(client, key, *, limit: int, after: str | None = None) -> tuple[list[dict], list[dict]]:
    """Follow next_after until has_more is false; returns every change read and every page body."""
    changes, pages = [], []
    params = {"limit": limit} if after is None else {"limit": limit, "after": after}
    while True:
        page = feed(client, key, **params)
        pages.append(page)
        changes.extend(page["results"])
        if not page["has_more"]:
            return changes, pages
        assert len(page["results"]) == limit
        params = {"limit": limit, "after": page["next_after"]}


def expected_cursors(bank) -> list[str]:
    """The bank's changes' positions, in id order (one writer here: commit order is id order)."""
    case_changes_relay()
    positions = list(CaseChange.objects.filter(case__creditor_bank=bank).order_by("id")
                     .values_list("position", flat=True))
    assert None not in positions and positions == sorted(positions)
    return [str(position) for position in positions]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "field", "message", "request_id"]
    assert body["error"]["request_id"] == response["X-Request-Id"] and len(body["error"]["request_id"]) >= 8
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    return body


@pytest.fixture
def interleaved(org, banks):
    """Two banks' cases and events recorded in turns, plus a case of no bank: 10 changes for AGR, 8 for VCB (an
    event that changes a case's status is followed by a status_changed entry)."""
    agr_1 = bank_case(org, banks["agr"], case_no="AGR-1")                                 # AGR 1
    vcb_1 = bank_case(org, banks["vcb"], case_no="VCB-1")                                 # VCB 1
    record(agr_1, EventKind.THU_TIEN, date(2024, 2, 1), amount=100_000)                   # AGR 2
    other = make_case(unit=org["HG-VT"], category=Category.KHAC, case_no="KHAC-1")
    record(other, EventKind.CO_DIEU_KIEN, date(2024, 2, 1))
    record(vcb_1, EventKind.CHUA_CO_DIEU_KIEN, date(2024, 2, 2), ground="khong_tai_san")  # VCB 2, 3
    agr_2 = bank_case(org, banks["agr"], case_no="AGR-2")                                 # AGR 3
    record(agr_1, EventKind.HOAN, date(2024, 2, 3), ground="c")                            # AGR 4, 5
    vcb_2 = bank_case(org, banks["vcb"], case_no="VCB-2")                                 # VCB 4
    record(agr_2, EventKind.DINH_CHI, date(2024, 2, 4), ground="a")                       # AGR 6, 7
    record(vcb_2, EventKind.UY_THAC_DI, date(2024, 2, 5))                                 # VCB 5, 6
    record(agr_1, EventKind.TIEP_TUC, date(2024, 2, 6))                                   # AGR 8, 9
    record(vcb_1, EventKind.CHUYEN_SO_RIENG, date(2024, 8, 6))                            # VCB 7, 8
    record(agr_1, EventKind.THU_TIEN, date(2024, 2, 7), amount=200_000)                   # AGR 10
    return banks


# ---- order, no gaps, no duplicates --------------------------------------------------------------------------

@pytest.mark.parametrize("limit", [1, 2, 3, 7, 100])
def test_given_changes_of_two_banks_when_reading_in_small_pages_then_each_gets_exactly_its_own_in_order(
        client, interleaved, limit):
    # when
    agr_changes, agr_pages = read_all(client, interleaved["agr_key"], limit=limit)
    vcb_changes, _vcb_pages = read_all(client, interleaved["vcb_key"], limit=limit)

    # then
    assert [change["cursor"] for change in agr_changes] == expected_cursors(interleaved["agr"])
    assert [change["cursor"] for change in vcb_changes] == expected_cursors(interleaved["vcb"])
    assert len(agr_changes) == 10 and len(vcb_changes) == 8
    assert [len(page["results"]) for page in agr_pages] == [min(limit, 10 - start) for start in range(0, 10, limit)]
    assert [page["has_more"] for page in agr_pages] == [True] * (len(agr_pages) - 1) + [False]
    assert agr_pages[-1]["next_after"] == agr_changes[-1]["cursor"]


def test_given_changes_then_each_carries_its_kind_case_status_after_and_event(client, interleaved):
    # when
    changes, _pages = read_all(client, interleaved["agr_key"], limit=100)

    # then
    summary = [(c["kind"], c["case_no"], c["status"], c["event"] and (c["event"]["sequence"], c["event"]["code"],
                                                                      c["event"]["amount"], c["event"]["ground"]))
               for c in changes]
    assert summary == [
        ("case_created", "AGR-1", "in_progress", None),
        ("event_recorded", "AGR-1", "in_progress", (1, "thu_tien", 100_000, "")),
        ("case_created", "AGR-2", "in_progress", None),
        ("event_recorded", "AGR-1", "postponed", (2, "hoan", None, "c")),
        ("status_changed", "AGR-1", "postponed", (2, "hoan", None, "c")),
        ("event_recorded", "AGR-2", "terminated", (1, "dinh_chi", None, "a")),
        ("status_changed", "AGR-2", "terminated", (1, "dinh_chi", None, "a")),
        ("event_recorded", "AGR-1", "in_progress", (3, "tiep_tuc", None, "")),
        ("status_changed", "AGR-1", "in_progress", (3, "tiep_tuc", None, "")),
        ("event_recorded", "AGR-1", "in_progress", (4, "thu_tien", 200_000, "")),
    ]
    assert sorted(changes[1]) == ["case_no", "cursor", "event", "id", "kind", "payload", "recorded_at", "status"]
    assert changes[1]["event"]["date"] == "2024-02-01"
    stored = CaseChange.objects.get(position=int(changes[1]["cursor"]))
    assert datetime.fromisoformat(changes[1]["recorded_at"]) == stored.recorded_at


def test_given_a_bank_has_read_everything_when_new_changes_arrive_then_resuming_gives_exactly_them(
        client, org, interleaved):
    # given
    seen, _pages = read_all(client, interleaved["agr_key"], limit=3)
    last = seen[-1]["cursor"]

    # when
    agr_3 = bank_case(org, interleaved["agr"], case_no="AGR-3")
    bank_case(org, interleaved["vcb"], case_no="VCB-3")
    record(agr_3, EventKind.CO_DIEU_KIEN, date(2024, 3, 1))
    more, _pages = read_all(client, interleaved["agr_key"], limit=3, after=last)

    # then
    assert [c["cursor"] for c in seen + more] == expected_cursors(interleaved["agr"])
    assert [(c["kind"], c["case_no"]) for c in more] == [("case_created", "AGR-3"), ("event_recorded", "AGR-3")]


def test_given_no_after_or_an_empty_after_then_the_feed_starts_from_the_beginning(client, interleaved):
    # when
    no_after = feed(client, interleaved["agr_key"])
    empty_after = feed(client, interleaved["agr_key"], after="")
    zero = feed(client, interleaved["agr_key"], after="0")

    # then
    assert no_after == empty_after == zero
    assert [c["cursor"] for c in no_after["results"]] == expected_cursors(interleaved["agr"])
    assert no_after["has_more"] is False


def test_given_after_beyond_the_end_then_empty_results_and_next_after_unchanged(client, interleaved):
    # given
    last = expected_cursors(interleaved["agr"])[-1]
    beyond = str(CaseChange.objects.order_by("-position").first().position + 1000)

    # when
    at_end = feed(client, interleaved["agr_key"], after=last)
    past_end = feed(client, interleaved["agr_key"], after=beyond)

    # then
    assert at_end == {"results": [], "next_after": last, "has_more": False}
    assert past_end == {"results": [], "next_after": beyond, "has_more": False}


def test_given_a_bank_without_changes_then_the_feed_is_empty(client, org, banks):
    # given: only the other bank has changes
    bank_case(org, banks["vcb"], case_no="VCB-1")

    # when / then
    assert feed(client, banks["agr_key"]) == {"results": [], "next_after": "0", "has_more": False}


@pytest.mark.parametrize("after", ["abc", "-1", "1.5", " 1", "+1", "1e3", "١٢", "9" * 19, str(2**63), "0x10",
                                   str(2**63 - 1), "1\n"])
def test_given_a_bad_after_then_400_invalid_cursor_naming_after(client, interleaved, after):
    # when
    response = client.get(CHANGES, data={"after": after}, **bearer(interleaved["agr_key"]))

    # then: the stable code docs/api.md documents for a bad cursor
    body = assert_error(response, 400, "invalid_cursor")
    assert body["error"]["field"] == "after"


@pytest.mark.parametrize("limit", ["0", "501", "1000", "-3", "ten", "1.0", " 5", "٥", "9" * 30])
def test_given_a_bad_limit_then_400_invalid_request_naming_limit_and_its_range(client, interleaved, limit):
    # when
    response = client.get(CHANGES, data={"limit": limit}, **bearer(interleaved["agr_key"]))

    # then: not clamped, not reported as a cursor problem
    body = assert_error(response, 400, "invalid_request")
    assert body["error"]["field"] == "limit"
    assert "1" in body["error"]["message"] and "500" in body["error"]["message"]


def test_given_the_largest_cursor_then_the_feed_is_empty_rather_than_an_error(client, interleaved):
    # when: the largest the schema's pattern allows (^[0-9]{1,18}$)
    page = feed(client, interleaved["agr_key"], after="9" * 18)

    # then
    assert page == {"results": [], "next_after": "9" * 18, "has_more": False}


@pytest.mark.parametrize("limit", ["1", "500"])
def test_given_the_limits_of_limit_then_they_are_accepted(client, interleaved, limit):
    # when
    page = feed(client, interleaved["agr_key"], limit=limit)

    # then
    assert len(page["results"]) == min(int(limit), 10)


def test_given_the_feed_then_its_query_count_does_not_grow_with_the_page(client, org, banks,
                                                                        django_assert_num_queries):
    # given: 40 changes
    for number in range(20):
        record(bank_case(org, banks["agr"], case_no=f"N-{number:02d}"), EventKind.CO_DIEU_KIEN, date(2024, 2, 1))
    auth = bearer(banks["agr_key"])
    client.get(CHANGES, **auth)

    # when / then: the key; the relay's look for changes without a position (none left); the page of changes
    # with their cases and events
    for limit in (1, 40):
        with django_assert_num_queries(3):
            response = client.get(CHANGES, data={"limit": limit}, **auth)
        assert len(response.json()["results"]) == limit


# ---- positions, not ids -------------------------------------------------------------------------------------

def test_given_a_change_committed_late_with_a_smaller_id_when_resuming_then_it_is_served_not_skipped(
        client, org, banks):
    """The race of issue 14 on one connection: a transaction drew a change's id early and commits only after a
    reader has passed that id. Simulated by writing the late row with an id below those already read."""
    # given: two changes read, and a free id below them
    agr_1 = bank_case(org, banks["agr"], case_no="AGR-1")
    bank_case(org, banks["agr"], case_no="AGR-2")
    first_id = CaseChange.objects.get(case=agr_1).pk
    for change in CaseChange.objects.order_by("-id"):  # move them up 100, in order: ids below them are free
        CaseChange.objects.filter(pk=change.pk).update(id=change.pk + 100)
    seen, _pages = read_all(client, banks["agr_key"], limit=100)
    assert [c["case_no"] for c in seen] == ["AGR-1", "AGR-2"]

    # when: the late change commits, with an id smaller than every id already read
    late = CaseChange.objects.create(id=first_id, case=agr_1, kind=CaseChange.Kind.CASE_CREATED)
    assert late.pk < min(CaseChange.objects.exclude(pk=late.pk).values_list("pk", flat=True))
    more, _pages = read_all(client, banks["agr_key"], limit=100, after=seen[-1]["cursor"])

    # then: served after them, with the next position; resuming again gives nothing twice
    assert [(c["case_no"], int(c["cursor"])) for c in more] == [("AGR-1", int(seen[-1]["cursor"]) + 1)]
    assert feed(client, banks["agr_key"], after=more[-1]["cursor"])["results"] == []


def test_given_changes_numbered_before_the_positions_existed_then_old_cursors_keep_their_meaning(
        client, org, banks):
    """The migration gives the rows already written their id as position (cases/migrations/0010): a cursor a bank
    kept (an id) still resumes right after the change it named; later changes come after every old one."""
    # given: rows as the migration leaves them
    for number in range(4):
        bank_case(org, banks["agr"], case_no=f"AGR-{number}")
    CaseChange.objects.update(position=F("id"))
    old_ids = list(CaseChange.objects.order_by("id").values_list("id", flat=True))

    # when: a bank resumes from the second old id, after a new change
    bank_case(org, banks["agr"], case_no="AGR-NEW")
    page = feed(client, banks["agr_key"], after=str(old_ids[1]))

    # then
    assert [c["case_no"] for c in page["results"]] == ["AGR-2", "AGR-3", "AGR-NEW"]
    assert [int(c["cursor"]) for c in page["results"]][:2] == old_ids[2:]
    assert int(page["results"][-1]["cursor"]) == max(old_ids) + 1
