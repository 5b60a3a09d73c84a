"""Statistics jobs that survive their worker (issue 14 item 6), in-process and on both databases: each delivery
claims the job (a second delivery of a finished or live job does nothing), the stale sweep queues again or fails
silent jobs with a limited number of attempts, and a refresh's snapshots appear all at once with its success.
The kill -9 of a real worker is in test_celery_live.py (CI's PostgreSQL pass)."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.codes import EventKind
from reports import services
from reports.models import Snapshot, StatsJob
from reports.services import (
    JobSuperseded,
    job_claim,
    job_create,
    jobs_sweep_stale,
    statistics_refresh,
    statistics_refresh_request,
)
from reports.tasks import refresh_statistics, sweep_when_a_worker_starts
from tests.factories import make_case, record

TODAY = "2019-11-15"


@pytest.fixture
def cases(org):
    first = make_case(unit=org["HG-VT"], case_no="JOB-1", amount_due=5_000_000, accepted_on=date(2019, 10, 3))
    record(first, EventKind.THU_TIEN, date(2019, 10, 20), amount=5_000_000)
    make_case(unit=org["ST-A"], case_no="JOB-2", amount_due=7_000_000, accepted_on=date(2019, 11, 2))


@pytest.fixture
def stale(settings):
    settings.STATS_JOB_STALE_SECONDS = 300
    settings.STATS_JOB_MAX_ATTEMPTS = 3
    return timezone.now() - timedelta(seconds=301)


@pytest.fixture
def queued(monkeypatch, settings):
    """As with a broker: the sweep's dispatches are recorded instead of run."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(refresh_statistics, "apply_async", lambda args, queue: sent.append((args, queue)))
    return sent


def _job(status=StatsJob.Status.PENDING, *, heartbeat_at=None, attempts=0, kind="manual_refresh", **fields):
    job = job_create(kind=kind, params={"today": TODAY})
    StatsJob.objects.filter(pk=job.pk).update(status=status, heartbeat_at=heartbeat_at or timezone.now(),
                                              attempts=attempts, **fields)
    job.refresh_from_db()
    return job


# ---- claiming a job for one delivery ------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_pending_job_is_claimed_once_and_a_second_delivery_while_it_runs_does_nothing(org):
    job = _job()
    claimed = job_claim(job.pk, task_id="t-1", worker="w1@host")
    assert claimed is not None and (claimed.status, claimed.attempts, claimed.task_id) == ("running", 1, "t-1")
    assert job_claim(job.pk, task_id="t-1", worker="w2@host") is None  # redelivered while alive
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == ("running", 1, "w1@host")


@pytest.mark.django_db
def test_celerys_retry_of_the_same_task_takes_over_its_own_run_but_not_another_tasks(org):
    job = _job(StatsJob.Status.RUNNING, attempts=1, task_id="t-1")
    assert job_claim(job.pk, task_id="t-2", retry=True) is None
    assert job_claim(job.pk, task_id="t-1", retry=True).attempts == 2


@pytest.mark.django_db
@pytest.mark.parametrize("status", [StatsJob.Status.SUCCEEDED, StatsJob.Status.FAILED])
def test_a_finished_job_is_never_run_again(org, status, stale):
    job = _job(status, heartbeat_at=stale, attempts=1)
    assert job_claim(job.pk, task_id="late") is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (status, 1)


@pytest.mark.django_db
def test_a_silent_running_job_is_taken_over_until_its_attempts_are_spent_then_failed(org, stale):
    job = _job(StatsJob.Status.RUNNING, heartbeat_at=stale, attempts=2, worker="dead@host")
    taken = job_claim(job.pk, task_id="t-3", worker="w@host")
    assert taken.attempts == 3 and "dead@host" in taken.message and taken.worker == "w@host"
    StatsJob.objects.filter(pk=job.pk).update(heartbeat_at=stale)
    assert job_claim(job.pk, task_id="t-4") is None
    job.refresh_from_db()
    assert job.status == StatsJob.Status.FAILED and job.finished_at is not None
    assert "3" in job.error and job.attempts == 3


@pytest.mark.django_db
def test_a_second_delivery_of_a_finished_refresh_writes_nothing(org, cases):
    job = job_create(kind="manual_refresh", params={"today": TODAY})
    assert refresh_statistics.apply(args=[job.pk, TODAY], throw=True).get() > 0
    state = {s.pk: (s.figures, s.computed_at, s.job_id) for s in Snapshot.objects.all()}
    Snapshot.objects.update(figures={})  # anything a rerun would rewrite
    assert refresh_statistics.apply(args=[job.pk, TODAY], throw=True).get() == 0
    assert all(s.figures == {} for s in Snapshot.objects.all()) and len(state) == Snapshot.objects.count()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (StatsJob.Status.SUCCEEDED, 1)


# ---- all or nothing -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_refresh_that_fails_in_its_last_period_leaves_no_snapshot_and_the_job_failed(org, cases, monkeypatch):
    real = services.snapshots_compute
    calls = []

    def second_period_fails(**kwargs):
        calls.append(kwargs["end"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "snapshots_compute", second_period_fails)
    job = job_create(kind="manual_refresh")
    with pytest.raises(RuntimeError):
        refresh_statistics.apply(args=[job.pk, TODAY], throw=True)
    assert len(calls) == 2 and Snapshot.objects.count() == 0
    job.refresh_from_db()
    assert job.status == StatsJob.Status.FAILED and "disk full" in job.error


@pytest.mark.django_db
def test_the_snapshots_and_the_jobs_success_commit_together(org, cases, monkeypatch):
    real = services.job_update

    def success_refused(job, **fields):
        if fields.get("status") == StatsJob.Status.SUCCEEDED:
            raise RuntimeError("connection lost at commit")
        real(job, **fields)

    monkeypatch.setattr(services, "job_update", success_refused)
    with pytest.raises(RuntimeError):
        statistics_refresh(job=job_create(kind="test"), today=date(2019, 11, 15))
    assert Snapshot.objects.count() == 0  # the rows written before the failure were rolled back


@pytest.mark.django_db
def test_a_run_that_lost_its_job_to_a_newer_attempt_writes_nothing(org, cases, monkeypatch):
    job = job_create(kind="manual_refresh")
    real = services.snapshots_compute

    def taken_over_meanwhile(**kwargs):
        computed = real(**kwargs)
        StatsJob.objects.filter(pk=job.pk).update(attempts=5)  # the sweep re-queued it; another worker took it
        return computed

    monkeypatch.setattr(services, "snapshots_compute", taken_over_meanwhile)
    with pytest.raises(JobSuperseded):
        statistics_refresh(job=job, today=date(2019, 11, 15))
    assert Snapshot.objects.count() == 0
    # through the task: no error, no failure recorded on the job the other run owns
    StatsJob.objects.filter(pk=job.pk).update(status=StatsJob.Status.PENDING, attempts=0)
    assert refresh_statistics.apply(args=[job.pk, TODAY], throw=True).get() == 0
    job.refresh_from_db()
    assert job.status == StatsJob.Status.RUNNING and job.error == "" and Snapshot.objects.count() == 0


@pytest.mark.django_db
def test_progress_is_a_heartbeat_and_reaches_100_only_with_the_snapshots(org, cases, monkeypatch):
    seen = []
    real = services.snapshots_store

    def watch(snapshots):
        job = StatsJob.objects.get()
        seen.append((job.progress, job.status, Snapshot.objects.count()))
        return real(snapshots)

    monkeypatch.setattr(services, "snapshots_store", watch)
    job = job_create(kind="test")
    StatsJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    statistics_refresh(job=job, today=date(2019, 11, 15))
    assert seen == [(99, StatsJob.Status.RUNNING, 0)]
    job.refresh_from_db()
    assert job.progress == 100 and timezone.now() - job.heartbeat_at < timedelta(minutes=1)


# ---- the stale sweep ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_sweep_queues_a_silent_running_job_again_and_leaves_live_and_finished_ones(
        org, stale, queued, django_capture_on_commit_callbacks):
    lost = _job(StatsJob.Status.RUNNING, heartbeat_at=stale, attempts=1, worker="dead@host")
    alive = _job(StatsJob.Status.RUNNING, attempts=1)
    done = _job(StatsJob.Status.SUCCEEDED, heartbeat_at=stale, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep_stale() == {"requeued": 1, "failed": 0}
    assert queued == [([lost.pk, TODAY], "stats")]
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (StatsJob.Status.PENDING, 1)
    assert "dead@host" in lost.message and lost.error == ""  # the job page shows any error as a failure
    assert timezone.now() - lost.heartbeat_at < timedelta(minutes=1)
    for job in (alive, done):
        before = (job.status, job.heartbeat_at)
        job.refresh_from_db()
        assert (job.status, job.heartbeat_at) == before
    assert jobs_sweep_stale() == {"requeued": 0, "failed": 0}  # once per silence, not once per sweep
    assert len(queued) == 1


@pytest.mark.django_db
def test_the_sweep_fails_a_silent_job_whose_attempts_are_spent(org, stale, queued):
    job = _job(StatsJob.Status.RUNNING, heartbeat_at=stale, attempts=3)
    assert jobs_sweep_stale() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == StatsJob.Status.FAILED and job.finished_at is not None and queued == []


@pytest.mark.django_db
def test_a_pending_job_no_worker_took_is_sent_again_then_given_up(
        org, stale, queued, django_capture_on_commit_callbacks):
    waiting = _job(heartbeat_at=stale)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep_stale() == {"requeued": 1, "failed": 0}
    abandoned = _job(heartbeat_at=stale)
    StatsJob.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - timedelta(seconds=901))
    assert jobs_sweep_stale() == {"requeued": 0, "failed": 1}
    waiting.refresh_from_db()
    abandoned.refresh_from_db()
    assert waiting.status == StatsJob.Status.PENDING and abandoned.status == StatsJob.Status.FAILED
    assert queued == [([waiting.pk, TODAY], "stats")]


@pytest.mark.django_db
def test_a_job_from_before_heartbeats_counts_from_its_creation(org, stale, queued):
    job = _job(StatsJob.Status.RUNNING, attempts=1)
    StatsJob.objects.filter(pk=job.pk).update(heartbeat_at=None, created_at=stale)
    assert jobs_sweep_stale() == {"requeued": 1, "failed": 0}


@pytest.mark.django_db
def test_without_a_broker_a_silent_job_is_failed_not_run_in_the_sweepers_process(org, stale):
    job = _job(StatsJob.Status.RUNNING, heartbeat_at=stale, attempts=1)
    sweep_when_a_worker_starts()
    job.refresh_from_db()
    assert job.status == StatsJob.Status.FAILED


@pytest.mark.django_db
def test_a_dashboard_refresh_does_not_wait_for_a_refresh_whose_worker_died(org, people, stale, cases):
    dead = _job(StatsJob.Status.RUNNING, heartbeat_at=stale, attempts=1)
    job, created = statistics_refresh_request(actor=people["statistician"], unit=org["HG"])
    assert created and job.pk != dead.pk
    dead.refresh_from_db()
    assert dead.status == StatsJob.Status.FAILED  # in-process here: failed, and the new job ran


@pytest.mark.django_db
def test_a_redelivered_refresh_after_the_sweep_completes_the_job_with_its_attempts_counted(org, cases, stale):
    job = _job(StatsJob.Status.RUNNING, heartbeat_at=stale, attempts=1, worker="dead@host")
    assert refresh_statistics.apply(args=[job.pk, TODAY], throw=True).get() > 0
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (StatsJob.Status.SUCCEEDED, 2, "")
    assert job.message.endswith("(lần chạy 2/3)")
    assert Snapshot.objects.exclude(job=job).count() == 0


# ---- the heartbeat thread -----------------------------------------------------------------------------------
