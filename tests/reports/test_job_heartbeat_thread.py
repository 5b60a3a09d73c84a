"""The heartbeat thread of a running job (PostgreSQL only). A file of its own: a transactional test empties the
database after it (the data migrations' rows too), and pytest-django runs files of transactional tests after the
others; skipped at collection on SQLite, so it never empties that database."""
import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import StatsJob
from reports.services import job_heartbeat
from tests.reports.test_job_recovery import _job

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="the thread's own connection cannot share the in-memory SQLite test "
                                       "database; runs in CI's PostgreSQL pass")


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_the_block_runs_and_stops_after(org, settings):
    settings.STATS_JOB_HEARTBEAT_THREAD = True
    settings.STATS_JOB_HEARTBEAT_SECONDS = 0.05
    old = timezone.now() - timedelta(hours=1)
    job = _job(StatsJob.Status.RUNNING, heartbeat_at=old, attempts=1)
    with job_heartbeat(job):
        time.sleep(0.4)
    job.refresh_from_db()
    beaten = job.heartbeat_at
    assert beaten > old + timedelta(minutes=59)
    time.sleep(0.2)
    job.refresh_from_db()
    assert job.heartbeat_at == beaten
