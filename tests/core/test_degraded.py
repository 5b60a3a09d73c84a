"""Without Redis the site degrades instead of failing: the cache answers from each process's memory (logged),
the bank API keeps serving and keeps limiting, requests without a valid key are limited per address, and
stats_refresh says in one line that the broker is unreachable (the job is recorded failed, never left pending)
or runs in-process when asked. "Redis down" is a closed port: nothing listens on 127.0.0.1:1."""
import logging
import os
import uuid
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.throttling import SimpleRateThrottle

from banks.services import api_key_create
from cases.codes import Category
from reports.models import StatsJob
from tests.factories import BankFactory, make_case
from thads.celery import app
from thads.core.cache import FallbackRedisCache, count_up

DEAD_REDIS = "redis://127.0.0.1:1/0"
DEAD_CACHE = {"default": {"BACKEND": "thads.core.cache.FallbackRedisCache", "LOCATION": DEAD_REDIS,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
LIST = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _clear_counters():
    cache.clear()
    yield
    cache.clear()


def test_given_redis_down_then_the_cache_answers_from_memory_and_logs_the_outage_once(caplog):
    dead = FallbackRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    with caplog.at_level(logging.WARNING, logger="thads.cache"):
        assert dead.add("counter", 0, timeout=60) is True
        assert [dead.incr("counter") for _ in range(3)] == [1, 2, 3]
        assert dead.decr("counter") == 2
        assert dead.get_many(["counter", "other"]) == {"counter": 2}
        dead.set("memo", "x")
        assert dead.get("memo") == "x"
    assert dead.degraded
    outages = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
    assert len(outages) == 1 and "ConnectionError" in outages[0].getMessage()


@pytest.fixture
def bank_key(org):
    bank = BankFactory(code="AGR")
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-1",
              accepted_on=date(2024, 1, 5))
    _record, key = api_key_create(bank=bank, label="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def burst_of_three(settings, monkeypatch):
    rates = {"bank_burst": "3/min", "bank_sustained": "1000/day"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.mark.django_db
def test_given_redis_down_then_the_bank_api_serves_and_still_limits_each_key(client, bank_key, burst_of_three,
                                                                           settings, caplog):
    # given: the cache points at a Redis that does not answer
    settings.CACHES = DEAD_CACHE
    # when
    with caplog.at_level(logging.WARNING, logger="thads.cache"):
        statuses = [client.get(LIST, **bank_key).status_code for _ in range(4)]
    # then: served, and the fourth request of the minute is refused by the local limit
    assert statuses == [200, 200, 200, 429]
    assert any("Redis unreachable" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
@pytest.mark.parametrize("redis", ["up (local memory)", "down"])
def test_given_requests_without_a_valid_key_then_an_address_is_limited(client, bank_key, settings, redis):
    # given: at most 3 refused requests a minute per address
    settings.API_THROTTLE_UNAUTHENTICATED = "3/min"
    if redis == "down":
        settings.CACHES = DEAD_CACHE
    # when: no key, a wrong key, no key again, then a fourth
    refused = [client.get(LIST).status_code, client.get(LIST, HTTP_AUTHORIZATION="Bearer nope").status_code,
               client.get(LIST, REMOTE_ADDR="127.0.0.1").status_code]
    fourth = client.get(LIST)
    # then
    assert refused == [401, 401, 401]
    assert fourth.status_code == 429 and fourth.json()["error"]["code"] == "throttled"
    assert 1 <= int(fourth["Retry-After"]) <= 60
    # another address is not affected
    assert client.get(LIST, REMOTE_ADDR="10.1.1.1").status_code == 401


@pytest.mark.django_db
def test_given_a_valid_key_then_its_requests_never_count_against_the_address(client, bank_key, settings):
    settings.API_THROTTLE_UNAUTHENTICATED = "2/min"
    assert [client.get(LIST, **bank_key).status_code for _ in range(5)] == [200] * 5
    assert [client.get(LIST).status_code for _ in range(3)] == [401, 401, 429]


@pytest.fixture
def broker_down(monkeypatch, settings):
    """Celery as in production (a real broker), with the broker's Redis stopped. (Celery reads its settings
    through Django's, so the settings fixture reaches it; the broker's address is patched where it is used.)"""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    connect = type(app).connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda url=None, **options: connect(app, DEAD_REDIS, **options))


@pytest.mark.django_db
def test_given_no_broker_when_stats_refresh_runs_then_it_says_so_in_one_line_and_the_job_is_failed(
        org, broker_down):
    with pytest.raises(CommandError) as refused:
        call_command("stats_refresh")
    message = str(refused.value)
    assert "\n" not in message and "REDIS_URL" in message and "Connection refused" in message
    assert "--in-process" in message
    job = StatsJob.objects.get()
    assert job.status == StatsJob.Status.FAILED and job.finished_at is not None
    assert "BrokerUnreachable" in job.error
    assert not StatsJob.objects.filter(status=StatsJob.Status.PENDING).exists()


@pytest.mark.django_db
def test_given_no_broker_when_stats_refresh_runs_in_process_then_the_job_succeeds(org, broker_down, capsys):
    call_command("stats_refresh", "--in-process", "--today", "2019-11-15")
    job = StatsJob.objects.get()
    assert job.status == StatsJob.Status.SUCCEEDED and job.progress == 100
    assert f"job {job.pk} succeeded 100%" in capsys.readouterr().out


def test_given_redis_down_then_count_up_counts_in_memory():
    dead = FallbackRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    assert count_up(dead, [("a", 60), ("b", 120)]) == [1, 1]
    assert count_up(dead, [("a", 60), ("b", 120)]) == [2, 2]
    assert dead.degraded and dead.get("a") == 2


LIVE_REDIS = os.environ.get("THADS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_given_redis_then_count_up_creates_each_counter_with_its_timeout_and_adds_one_in_one_round_trip():
    live = FallbackRedisCache(LIVE_REDIS, {"KEY_PREFIX": f"test-count-up-{uuid.uuid4().hex}",
                                           "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    try:
        live.get("probe")
    except Exception:  # noqa: BLE001
        pytest.skip(f"no Redis at {LIVE_REDIS}")
    if live.degraded:
        pytest.skip(f"no Redis at {LIVE_REDIS}")
    client = live._cache.get_client(write=True)
    try:
        # when
        first = count_up(live, [("a", 60), ("b", 120)])
        second = count_up(live, [("a", 60), ("b", 120)])

        # then: counted in Redis (shared by the workers), readable through the cache, each with its timeout
        assert (first, second) == ([1, 1], [2, 2])
        assert not live.degraded
        assert (live.get("a"), live.get("b")) == (2, 2)
        assert 55 <= client.ttl(live.make_and_validate_key("a")) <= 60
        assert 115 <= client.ttl(live.make_and_validate_key("b")) <= 120
        assert live.decr("a") == 1
    finally:
        live.delete_many(["a", "b"])


def test_given_redis_down_then_a_busy_keys_counter_survives_many_other_counters():
    # given: Redis down, a key's counter at 5 in this process's memory
    dead = FallbackRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    for _ in range(5):
        count_up(dead, [("api-rate:1:burst:0", 120)])

    # when: a thousand other counters are made (requests from as many addresses, other keys' windows)
    for index in range(1000):
        count_up(dead, [(f"address:{index}", 120)])

    # then: the key's counter goes on from 5 (the local memory does not drop counters at its default 300 entries:
    # a dropped counter starts again at 0, and the limit would be looser than the number of workers)
    assert count_up(dead, [("api-rate:1:burst:0", 120)]) == [6]
