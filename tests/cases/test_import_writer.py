"""The import's bulk writer: ids drawn ahead of the rows, batches written by a second thread on PostgreSQL.

cases/ledger/importer.py draws every new id first (cases/ledger/bulk.py ``draw_ids``), builds each batch without the
database and hands it to ``_BatchWriter``, which on PostgreSQL writes it from one thread on the import's own
connection while the next batch is built. These tests hold it to what the import promised before: all or nothing,
ids that nobody else takes, and no query of the importing thread lost or hung while a batch is being written.
"""
import threading

import pytest
from django.db import connection, transaction

from cases.codes import Status
from cases.ledger import bulk
from cases.ledger.importer import _BatchWriter, import_ledger
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseChange, CaseEvent, OpenDeadline, Party
from reports.facts import facts_check
from reports.models import CaseYearFact
from tests.factories import make_case


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Case, Party, CaseEvent, CaseChange, OpenDeadline, CaseYearFact))


@pytest.mark.django_db
def test_drawn_ids_are_new_and_never_taken_by_a_later_insert(org):
    # Given cases already stored
    existing = [make_case(unit=org["HG-VT"]).pk for _ in range(3)]
    # When ids are drawn for five more
    with transaction.atomic():
        drawn = bulk.draw_ids(Case, 5)
        # Then they are five consecutive ids above every stored one
        assert drawn == list(range(drawn[0], drawn[0] + 5)) and drawn[0] > max(existing)
        # And a case created afterwards through the services does not take one of them
        later = make_case(unit=org["HG-VT"])
        assert later.pk not in drawn


@pytest.mark.django_db
def test_drawing_ids_for_a_table_never_written_starts_after_nothing(org):
    # Given a table with no row ever inserted (on SQLite: no AUTOINCREMENT counter yet)
    assert not OpenDeadline.objects.exists()
    # When ids are drawn twice
    with transaction.atomic():
        first, second = bulk.draw_ids(OpenDeadline, 2), bulk.draw_ids(OpenDeadline, 3)
    # Then the second draw follows the first
    assert len(set(first + second)) == 5 and min(second) > max(first)


def test_a_batch_that_fails_in_the_writer_leaves_nothing_and_raises(db, tmp_path, monkeypatch):
    # Given a ledger of several batches, and a database error in the third batch's writing
    generate_ledger(tmp_path, cases=200, events=500, seed=3)
    monkeypatch.setattr("cases.ledger.importer.WRITE_BATCH", 40)
    calls = {"n": 0}
    real = bulk.write_prepared

    def failing(cursor, prepared):
        calls["n"] += 1
        if calls["n"] == 11:  # five tables per batch: the third batch's cases
            cursor.execute("SELECT * FROM no_such_table")
        return real(cursor, prepared)

    monkeypatch.setattr("cases.ledger.importer.write_prepared", failing)
    before = counts()
    # When it is imported, then the error reaches the caller
    with pytest.raises(Exception, match="no_such_table"):
        import_ledger(tmp_path)
    # And nothing of the ledger was written
    assert counts() == before
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("ledger-writer")]


def test_a_query_of_the_importing_thread_waits_for_the_batches_queued(db, org):
    # Given a batch queued in the writer that takes a while (on PostgreSQL, in the writer's thread)
    case = make_case(unit=org["HG-VT"])
    log = []

    def slow_job(cursor):
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_sleep(0.3)")
        cursor.execute("UPDATE cases_case SET status_ground = 'x' WHERE id = %s", [case.pk])
        log.append("job")
        return {}

    with transaction.atomic(), _BatchWriter() as writer:
        writer.submit(slow_job)
        # When the importing thread reads through Django before taking the results
        ground = Case.objects.values_list("status_ground", flat=True).get(pk=case.pk)
        log.append("query")
        # Then the query ran after the job, on the same transaction, and saw its write
        assert (log, ground) == (["job", "query"], "x")
        assert writer.drain() == [{}]
        transaction.set_rollback(True)


def test_a_multi_batch_import_is_complete_and_its_facts_do_not_drift(db, tmp_path, monkeypatch):
    # Given a ledger written in many small batches
    generate_ledger(tmp_path, cases=250, events=700, seed=8)
    monkeypatch.setattr("cases.ledger.importer.WRITE_BATCH", 30)
    # When it is imported
    summary = import_ledger(tmp_path)
    # Then every case, event and change row is there, each case's events are its own, and the facts check clean
    assert (summary.cases, Case.objects.count(), CaseEvent.objects.count()) == (250, 250, 700)
    assert CaseChange.objects.filter(kind=CaseChange.Kind.CASE_CREATED).count() == 250
    assert not CaseEvent.objects.exclude(case_id__in=Case.objects.values("id")).exists()
    assert Case.objects.exclude(status=Status.WITH_CONDITIONS).exists()
    assert CaseYearFact.objects.count() > 250
    drift = facts_check()
    assert drift.checked > 250 and (drift.pairs, drift.groups) == ([], [])
