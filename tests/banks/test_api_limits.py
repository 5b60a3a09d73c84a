"""Rate limits and conditional requests of the bank API (thads/api/throttles.py, banks/api/views.py BankApiView):
X-RateLimit-* on every response to a key, 304s free, an honest Retry-After (checked with a controlled clock),
and ETags per RFC 9110 (strong and weak, ``*``) on the detail, the list and the feed."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from banks.models import ApiScope
from banks.services import api_key_create
from cases.codes import Category, EventKind
from tests.factories import BankFactory, make_case, record

LIST, CHANGES, ME = "/api/v1/cases/", "/api/v1/changes/", "/api/v1/me/"
DETAIL = "/api/v1/cases/AGR-1/"
T0 = datetime(2026, 11, 30, 10, 0, 20, tzinfo=UTC)  # 20 s into a minute: the burst window ends in 40 s


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(settings):
    def set_rates(burst: str, sustained: str):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {"bank_burst": burst, "bank_sustained": sustained}}
    return set_rates


@pytest.fixture
def agr(org):
    bank = BankFactory(code="AGR")
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-1",
                     accepted_on=date(2024, 1, 5))
    record(case, EventKind.THU_TIEN, date(2024, 2, 1), amount=400_000)
    _record, key = api_key_create(bank=bank, label="ours")
    return {"bank": bank, "case": case, "key": key, "org": org}


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def limits(response) -> tuple[int, int, int]:
    return (int(response["X-RateLimit-Limit"]), int(response["X-RateLimit-Remaining"]),
            int(response["X-RateLimit-Reset"]))


# ---- headers on every response to a key -------------------------------------------------------------------

def test_given_a_key_then_every_response_carries_the_rate_limit_headers_counting_down(client, agr, rates):
    # given
    rates("10/min", "1000/day")
    scopeless_record, scopeless = api_key_create(bank=agr["bank"], scopes=[ApiScope.CHANGES_READ])
    auth = bearer(agr["key"])

    with time_machine.travel(T0, tick=False):
        # when: a 200 of each endpoint, a 404, a 400
        responses = [client.get(LIST, **auth), client.get(DETAIL, **auth), client.get(CHANGES, **auth),
                     client.get(ME, **auth), client.get("/api/v1/cases/NOPE/", **auth),
                     client.get(LIST, data={"page_size": 0}, **auth)]
        forbidden = client.get(LIST, **bearer(scopeless))

    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 404, 400]
    assert [limits(r) for r in responses] == [(10, remaining, 40) for remaining in range(9, 3, -1)]
    assert responses[0]["X-RateLimit-Policy"] == "10;w=60, 1000;w=86400"
    # a refusal for a missing scope shows the key's limits without spending them
    assert forbidden.status_code == 403 and limits(forbidden) == (10, 10, 40)
    assert scopeless_record.pk


def test_given_no_or_a_bad_key_then_there_is_no_budget_to_report(client, agr):
    for response in (client.get(LIST), client.get(LIST, **bearer("thads_00000000_nope"))):
        assert response.status_code == 401
        assert "X-RateLimit-Limit" not in response


def test_given_the_day_window_is_closer_to_spent_then_the_headers_report_it(client, agr, rates):
    # given
    rates("100/min", "3/day")

    # when
    with time_machine.travel(T0, tick=False):
        response = client.get(LIST, **bearer(agr["key"]))

    # then: 2 left of the day, which ends at midnight UTC
    assert limits(response) == (3, 2, int((datetime(2026, 12, 1, tzinfo=UTC) - T0).total_seconds()))


# ---- 304s do not count ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [DETAIL, LIST, CHANGES])
def test_given_a_budget_of_3_then_304s_do_not_spend_it(client, agr, rates, url):
    # given
    rates("3/min", "1000/day")
    auth = bearer(agr["key"])
    with time_machine.travel(T0, tick=False):
        first = client.get(url, **auth)

        # when: ten revalidations, then two more full reads
        revalidations = [client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **auth) for _ in range(10)]
        reads = [client.get(url, **auth) for _ in range(2)]
        refused = client.get(url, **auth)

    # then
    assert first.status_code == 200 and limits(first)[1] == 2
    assert {r.status_code for r in revalidations} == {304}
    assert {limits(r)[1] for r in revalidations} == {2}
    assert [r.status_code for r in reads] == [200, 200] and limits(reads[-1])[1] == 0
    assert refused.status_code == 429


# ---- Retry-After is honest --------------------------------------------------------------------------------------

def test_given_the_burst_spent_then_retry_after_is_the_end_of_the_minute_and_waiting_it_is_served(client, agr, rates):
    # given
    rates("3/min", "1000/day")
    auth = bearer(agr["key"])
    with time_machine.travel(T0, tick=False):
        assert [client.get(LIST, **auth).status_code for _ in range(3)] == [200, 200, 200]

        # when
        refused = client.get(LIST, **auth)
        refused_again = client.get(DETAIL, **auth)

    # then
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert refused["Retry-After"] == "40" and limits(refused) == (3, 0, 40)
    assert "40" in refused.json()["error"]["message"]
    assert refused_again.status_code == 429
    # a second early is still refused; waiting exactly Retry-After is served, with the whole budget back
    with time_machine.travel(T0 + timedelta(seconds=39), tick=False):
        assert client.get(LIST, **auth).status_code == 429
    with time_machine.travel(T0 + timedelta(seconds=40), tick=False):
        served = client.get(LIST, **auth)
    assert served.status_code == 200 and limits(served) == (3, 2, 60)


def test_given_a_fractional_moment_then_retry_after_is_rounded_up_so_waiting_it_is_enough(client, agr, rates):
    # given
    rates("1/min", "1000/day")
    moment = T0 + timedelta(milliseconds=300)
    auth = bearer(agr["key"])
    with time_machine.travel(moment, tick=False):
        client.get(LIST, **auth)
        refused = client.get(LIST, **auth)

    # when
    wait = int(refused["Retry-After"])
    with time_machine.travel(moment + timedelta(seconds=wait), tick=False):
        served = client.get(LIST, **auth)

    # then
    assert wait == 40 and served.status_code == 200


def test_given_the_day_spent_then_retry_after_is_midnight_utc_and_refused_requests_do_not_count(client, agr, rates):
    # given
    rates("100/min", "2/day")
    auth = bearer(agr["key"])
    with time_machine.travel(T0, tick=False):
        assert [client.get(LIST, **auth).status_code for _ in range(2)] == [200, 200]

        # when: refused many times
        refused = [client.get(LIST, **auth) for _ in range(5)]

    # then
    to_midnight = int((datetime(2026, 12, 1, tzinfo=UTC) - T0).total_seconds())
    assert {r.status_code for r in refused} == {429}
    assert {r["Retry-After"] for r in refused} == {str(to_midnight)}
    with time_machine.travel(T0 + timedelta(seconds=to_midnight), tick=False):
        served = [client.get(LIST, **auth).status_code for _ in range(3)]
    assert served == [200, 200, 429]


def test_given_one_key_spent_then_another_key_is_not(client, agr, rates):
    rates("1/min", "1000/day")
    _record, other_key = api_key_create(bank=agr["bank"])
    with time_machine.travel(T0, tick=False):
        assert client.get(LIST, **bearer(agr["key"])).status_code == 200
        assert client.get(LIST, **bearer(agr["key"])).status_code == 429
        assert client.get(LIST, **bearer(other_key)).status_code == 200


# ---- ETags per RFC 9110 on the detail, the list and the feed --------------------------------------------------------

@pytest.mark.parametrize("url", [DETAIL, LIST, CHANGES, f"{LIST}?page_size=1&status=in_progress"])
def test_given_an_etag_then_strong_weak_listed_and_star_match_and_others_do_not(client, agr, url):
    auth = bearer(agr["key"])
    with time_machine.travel(T0, tick=False):
        # given
        first = client.get(url, **auth)
        etag = first["ETag"]
        assert first.status_code == 200 and etag.startswith('"') and etag.endswith('"') and len(etag) == 34
        assert first["Cache-Control"] == "private, no-cache"

        # when
        answers = {header: client.get(url, HTTP_IF_NONE_MATCH=header, **auth)
                   for header in (etag, f"W/{etag}", f'"other", {etag}', f'W/"other" , W/{etag}', "*", '"other"',
                                  'W/"other"', etag[:-2] + '"', "garbage")}

    # then
    expected = {etag: 304, f"W/{etag}": 304, f'"other", {etag}': 304, f'W/"other" , W/{etag}': 304, "*": 304,
                '"other"': 200, 'W/"other"': 200, etag[:-2] + '"': 200, "garbage": 200}
    assert {header: r.status_code for header, r in answers.items()} == expected
    for response in answers.values():
        assert response["ETag"] == etag
        if response.status_code == 304:
            assert response.content == b""
        else:
            assert response.json() == first.json()


def test_given_star_on_a_case_that_is_not_ours_then_404(client, agr):
    response = client.get("/api/v1/cases/NOPE/", HTTP_IF_NONE_MATCH="*", **bearer(agr["key"]))
    assert response.status_code == 404 and "ETag" not in response


@pytest.mark.parametrize("url", [LIST, CHANGES])
def test_given_a_page_etag_when_a_case_arrives_then_the_page_is_served_again_with_a_new_etag(client, agr, url):
    auth = bearer(agr["key"])
    etag = client.get(url, **auth)["ETag"]

    # when
    make_case(unit=agr["org"]["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=agr["bank"], case_no="AGR-2")
    response = client.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}", **auth)

    # then
    assert response.status_code == 200 and response["ETag"] != etag
    assert "AGR-2" in response.content.decode()
