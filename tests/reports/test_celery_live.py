"""The statistics refresh through a real Celery worker and Redis (required in CI's PostgreSQL pass).

The worker is a separate process, so it must see the test's data: this runs only on PostgreSQL (the test
database is shared through DATABASE_URL) with the data committed (transaction=True). Locally it is skipped
with the reason; CI sets THADS_LIVE_CELERY=1, which turns a missing prerequisite into a failure.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from cases.codes import EventKind
from reports.models import Snapshot, StatsJob
from tests.factories import make_case, record

ROOT = Path(__file__).resolve().parents[2]
# The Redis database (15 unless THADS_TEST_REDIS_URL says otherwise) may be shared with other test runs at the
# same time (another xdist worker, another CI job on the machine): every run gets its own key prefix
# (CELERY_KEY_PREFIX → kombu's global_keyprefix), so no worker takes another run's messages, and only this
# run's keys are deleted afterwards (never FLUSHDB).
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
def live_env(db):
    """The environment of a worker and of manage.py sharing this test's database and a Redis key prefix of its
    own; the prefix's keys are deleted at the end."""
    reason = _prerequisites()
    if reason:
        if os.environ.get("THADS_LIVE_CELERY") == "1":
            pytest.fail(f"live Celery test required here but cannot run: {reason}")
        pytest.skip(reason)
    settings = connection.settings_dict
    database_url = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
                    f"/{settings['NAME']}")
    prefix = f"thads-test-{uuid.uuid4().hex[:12]}:"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "CELERY_KEY_PREFIX": prefix,
           "DJANGO_SETTINGS_MODULE": "thads.settings.base"}
    yield env
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


class Workers:
    """Celery worker processes started by a test (solo pool, queues stats and default); all stopped at the end."""

    def __init__(self, env, directory: Path):
        self.env, self.directory, self.started = env, directory, []

    def start(self, name: str, **extra_env) -> subprocess.Popen:
        with open(self.directory / f"{name}.log", "w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "thads", "worker", "-Q", "stats,default", "--pool", "solo",
                 "--hostname", f"{name}@%h", "--loglevel", "WARNING"],
                cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT)
        self.started.append(worker)
        return worker

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}"
                         for path in sorted(self.directory.glob("*.log")))

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                worker.terminate()
        for worker in self.started:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


@pytest.fixture
def workers(live_env, tmp_path):
    started = Workers(live_env, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def live_worker(live_env, workers):
    workers.start("live-test")
    return live_env


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


def _wait_for(predicate, *, timeout: float, what: str, workers: Workers):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{workers.logs()}")


def _snapshots() -> dict:
    return {(s.unit_id, s.period_start, s.period_end, s.category): s.figures for s in Snapshot.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_refresh_leaves_no_half_refresh_and_the_job_completes_on_a_new_worker(
        org, live_env, workers):
    # given committed cases, and workers slow enough to be killed mid-job (0.4 s per unit, 10 unit steps),
    # beating every 0.5 s, a job silent for 2 s being stale
    first = make_case(unit=org["HG-VT"], case_no="KILL-1", amount_due=5_000_000, accepted_on=date(2019, 10, 3))
    record(first, EventKind.THU_TIEN, date(2019, 10, 20), amount=5_000_000)
    make_case(unit=org["HG-NB"], case_no="KILL-2", amount_due=7_000_000, accepted_on=date(2019, 11, 2))
    make_case(unit=org["ST-A"], case_no="KILL-3", amount_due=3_000_000, accepted_on=date(2019, 10, 9))
    slow = {"THADS_TEST_REFRESH_UNIT_DELAY": "0.4", "STATS_JOB_HEARTBEAT_SECONDS": "0.5",
            "STATS_JOB_STALE_SECONDS": "2"}
    started = time.monotonic()
    doomed = workers.start("doomed", **slow)

    # when a refresh is queued and the worker is killed (SIGKILL) while it computes
    result = subprocess.run([sys.executable, "manage.py", "stats_refresh", "--today", "2019-11-15"], cwd=ROOT,
                            env=live_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    (job,) = StatsJob.objects.all()
    _wait_for(lambda: StatsJob.objects.filter(pk=job.pk, status=StatsJob.Status.RUNNING, progress__gte=20).exists(),
              timeout=30, what="the job to be under way", workers=workers)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)

    # then nothing of the half-done refresh is visible, and the job is still "running" with a stale heartbeat
    job.refresh_from_db()
    assert job.status == StatsJob.Status.RUNNING and 20 <= job.progress < 100 and job.attempts == 1
    assert job.worker.startswith("doomed@")
    assert Snapshot.objects.count() == 0
    last_beat = job.heartbeat_at
    time.sleep(2.2)
    job.refresh_from_db()
    assert job.status == StatsJob.Status.RUNNING and job.heartbeat_at == last_beat  # silent: nobody recovers it yet
    assert Snapshot.objects.count() == 0

    # when a new worker starts, it finds the silent job at once, queues it again, and runs it to the end
    workers.start("rescuer", **slow)
    _wait_for(lambda: StatsJob.objects.filter(pk=job.pk).exclude(
        status__in=(StatsJob.Status.PENDING, StatsJob.Status.RUNNING)).exists(),
              timeout=40, what="the job to finish on the new worker", workers=workers)

    # then the job succeeded on its second attempt, saying why, and wrote every snapshot in one go
    job.refresh_from_db()
    assert job.status == StatsJob.Status.SUCCEEDED, (job.status, job.error, workers.logs())
    assert job.progress == 100 and job.attempts == 2 and job.worker.startswith("rescuer@")
    assert job.error == "" and job.message.endswith("(lần chạy 2/3)")
    recovered = _snapshots()
    assert recovered and Snapshot.objects.exclude(job=job).count() == 0

    # and the figures equal a clean run's on the same data
    Snapshot.objects.all().delete()
    from reports.services import job_create, statistics_refresh

    statistics_refresh(job=job_create(kind="test"), today=date(2019, 11, 15))
    assert _snapshots() == recovered
    hg = recovered[(org["HG"].pk, date(2019, 10, 1), date(2019, 11, 15), "")]
    assert hg["cases"]["new"] == 2 and hg["money"]["collected"] == 5_000_000
    assert time.monotonic() - started < 60
