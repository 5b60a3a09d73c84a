"""The change feed's relay: gives each committed ``CaseChange`` its ``position``, in commit order.

Why: ids are drawn when a transaction inserts, not when it commits. A reader that resumed from the last id it
saw would pass the ids of a transaction still open (a ledger import holds one for minutes) and never see
those rows once they commit. Positions are handed out after commit instead, by one relay at a time:

- PostgreSQL: ``pg_advisory_xact_lock(RELAY_LOCK)``, then one UPDATE numbering every *visible* row without a
  position, in id order, from the highest position + 1. Under READ COMMITTED the UPDATE's snapshot is taken
  after the lock is granted, so it sees every committed row and every position an earlier relay committed;
  rows of transactions still open are invisible and get a later position when they have committed. The lock
  is released only once the relay's transaction is visible, so positions become visible in increasing order:
  whatever a reader's snapshot, the positions it sees are 1..P with no hole a later commit could fill. A
  reader that resumes after the last position it saw therefore misses nothing.
- SQLite: one writer at a time; the same UPDATE, one statement, is atomic.

Who runs it: ``banks.selectors.bank_changes`` before every read (one batch), the services that write
``CaseChange`` rows once their transaction commits (``case_changes_relay_on_commit``), and the Celery beat
entry ``relay-case-changes`` as a safety net. Running it more often than needed costs one indexed query.
"""
import logging

from django.db import connection, transaction

from cases.models import CaseChange

logger = logging.getLogger(__name__)

# The advisory lock key (any constant no other code uses): "THADS" "CF" (change feed) in ASCII.
RELAY_LOCK = 0x5448414453_4346
# Rows numbered per relay statement: bounds the statement's time and locks after a bulk import.
RELAY_BATCH = 5000


def case_changes_number(*, limit: int = RELAY_BATCH) -> int:
    """Number up to ``limit`` committed changes that have no position yet (the oldest ids first), after the
    highest position given; returns how many. One indexed query when there is nothing to number.

    Call it outside a transaction: inside one, the PostgreSQL lock is held until that transaction ends, which
    delays every other relay and reader (it stays correct)."""
    if not CaseChange.objects.filter(position__isnull=True).exists():
        return 0
    table = connection.ops.quote_name(CaseChange._meta.db_table)
    # One statement: the highest position and the rows to number are read in the same snapshot. On SQLite the
    # scalar subquery is evaluated once, before any row is changed.
    number = (f"UPDATE {table} SET position = numbered.position FROM ("  # noqa: S608 (names from the model)
              f"SELECT id, ROW_NUMBER() OVER (ORDER BY id)"
              f" + (SELECT COALESCE(MAX(position), 0) FROM {table}) AS position"
              f" FROM {table} WHERE position IS NULL ORDER BY id LIMIT %s) AS numbered"
              f" WHERE {table}.id = numbered.id")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RELAY_LOCK])
        cursor.execute(number, [limit])
        return cursor.rowcount


def case_changes_relay(*, limit: int = RELAY_BATCH) -> int:
    """Number every committed change without a position, ``limit`` at a time (each batch its own transaction,
    so readers see the first while the next is numbered); returns how many."""
    total = 0
    while True:
        numbered = case_changes_number(limit=limit)
        total += numbered
        if numbered < limit:
            return total


def _relay_after_commit() -> None:
    try:
        case_changes_relay()
    except Exception:  # the write has committed; the next feed read or the beat entry numbers the rows
        logger.exception("change feed relay failed after commit; the next read or the beat task will retry")


def case_changes_relay_on_commit() -> None:
    """Number the changes the current transaction writes as soon as it commits (immediately when not in a
    transaction), so the feed and the webhooks see them without waiting for the next read or beat run.
    Registered once per transaction however many writes call it."""
    # connection.run_on_commit: Django's pending callbacks of this transaction (those of a savepoint rolled back
    # are already dropped from it).
    if connection.in_atomic_block and any(func is _relay_after_commit for _sids, func, _robust
                                          in connection.run_on_commit):
        return
    transaction.on_commit(_relay_after_commit)
