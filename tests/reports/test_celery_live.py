"""The statistics refresh through a real Celery worker and Redis (required in CI's PostgreSQL pass).

The worker is a separate process, so it must see the test's data: this runs only on PostgreSQL (the test
database is shared through DATABASE_URL) with the data committed (transaction=True). Locally it is skipped
with the reason; CI sets THADS_LIVE_CELERY=1, which turns a missing prerequisite into a failure.
"""
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from cases.codes import EventKind
from reports.models import Snapshot, StatsJob
from tests.factories import make_case, record

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("THADS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _prerequisites() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (the worker shares the test database); runs in CI's PostgreSQL pass"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 — any failure to reach Redis is the reason
        return f"Redis not reachable at {REDIS_URL}: {error}"
    return None


@pytest.fixture
def live_worker(db):
    reason = _prerequisites()
    if reason:
        if os.environ.get("THADS_LIVE_CELERY") == "1":
            pytest.fail(f"live Celery test required here but cannot run: {reason}")
        pytest.skip(reason)
    settings = connection.settings_dict
    database_url = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
                    f"/{settings['NAME']}")
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
           "DJANGO_SETTINGS_MODULE": "thads.settings.base"}
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "thads", "worker", "-Q", "stats,default", "--pool", "solo",
         "--hostname", "live-test@%h", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield env
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def _refresh(env) -> StatsJob:
    before = set(StatsJob.objects.values_list("pk", flat=True))
    result = subprocess.run(
        [sys.executable, "manage.py", "stats_refresh", "--wait", "--timeout", "120", "--today", "2019-11-15"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    (job,) = StatsJob.objects.exclude(pk__in=before)
    return job


@pytest.mark.django_db(transaction=True)
def test_the_refresh_runs_on_a_real_worker_and_a_rerun_changes_nothing(org, live_worker):
    # given committed cases in two districts
    first = make_case(unit=org["HG-VT"], case_no="LIVE-1", amount_due=5_000_000, accepted_on=date(2019, 10, 3))
    record(first, EventKind.THU_TIEN, date(2019, 10, 20), amount=5_000_000)
    record(first, EventKind.XONG, date(2019, 10, 21))
    make_case(unit=org["HG-NB"], case_no="LIVE-2", amount_due=7_000_000, accepted_on=date(2019, 11, 2))
    started = time.monotonic()

    # when the refresh is queued through Redis and run by the worker
    job = _refresh(live_worker)

    # then the worker (not this process) ran it, and the snapshots are there
    assert job.status == StatsJob.Status.SUCCEEDED and job.progress == 100
    assert job.worker.startswith("live-test@") and job.task_id
    hg = Snapshot.objects.get(unit=org["HG"], period_start=date(2019, 10, 1), period_end=date(2019, 11, 15),
                              category="")
    assert hg.figures["cases"]["new"] == 2 and hg.figures["cases"]["resolved"] == 1
    assert hg.figures["money"]["collected"] == 5_000_000
    written = Snapshot.objects.filter(job=job).count()
    assert written > 0
    state = {s.pk: (s.figures, s.computed_at) for s in Snapshot.objects.all()}

    # when it runs again on the same data, then nothing changes
    again = _refresh(live_worker)
    assert again.status == StatsJob.Status.SUCCEEDED and again.worker.startswith("live-test@")
    assert Snapshot.objects.filter(job=again).count() == 0
    assert {s.pk: (s.figures, s.computed_at) for s in Snapshot.objects.all()} == state
    assert time.monotonic() - started < 300
