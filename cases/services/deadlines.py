"""The cached deadlines: each open case's officer duties not yet met (``OpenDeadline`` rows) and the earliest
of them on the case row (``Case.next_due_on`` / ``next_due_kind``).

Deadlines are computed by the pure rules of cases.deadlines on the working-day calendar; the deadline lists
and the review read the cache, so they filter, count and paginate in the database instead of computing
every open case of their scope. The cache holds exactly what ``cases.selectors.deadlines_due`` keeps from the
computation: ``deadline.duty and deadline.met_on is None``, for cases that have not ended.

Who calls ``case_deadlines_refresh``: every service that can move a deadline, inside its own transaction
(case creation and correction, events, payouts, every asset step), the bulk paths after they write (call it
with the ids they wrote, in the same transaction), and ``manage.py deadlines_refresh`` (nightly, after a bulk
import, after the holiday calendar changes), which goes through every case in batches.
"""
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from cases.codes import ENDED_STATUSES
from cases.models import Case, CaseEvent, OpenDeadline, Payout, Seizure
from thads.core.deferral import Deferral

BATCH_SIZE = 2000


def _open_duties(case, calendar, events, payouts, seizures) -> list:
    """The case's officer duties not yet met, in the order cases.selectors.case_deadlines gives them."""
    from cases.selectors import case_deadlines

    if case.status in ENDED_STATUSES:
        return []
    return [deadline for deadline in case_deadlines(case, calendar=calendar, events=events, payouts=payouts,
                                                    seizures=seizures)
            if deadline.duty and deadline.met_on is None]


def new_case_open_duties(*, status: str, accepted_on, origin: str, judgment_type: str, received_on=None,
                         notified_on=None, events=(), calendar) -> list:
    """The officer duties not yet met of a case about to be written with ``events`` — (sequence, kind, date,
    amount, ground, ground_arose_on) tuples, none cancelled — and no payout or seizure yet, as
    case_deadlines_refresh would compute them once it is written (the ledger import keeps its new cases'
    deadlines this way instead of re-reading them). Pure: no query."""
    from cases.deadlines import DeadlineCase, DeadlineEvent, compute_deadlines

    if status in ENDED_STATUSES:
        return []
    facts = DeadlineCase(accepted_on=accepted_on, origin=origin, judgment_type=judgment_type,
                         received_on=received_on, notified_on=notified_on)
    rows = [DeadlineEvent(sequence=sequence, kind=kind, date=day, amount=amount, ground=ground,
                          ground_arose_on=arose) for sequence, kind, day, amount, ground, arose in events]
    return [deadline for deadline in compute_deadlines(facts, rows, (), calendar)
            if deadline.duty and deadline.met_on is None]


_DEFERRAL = Deferral("deadlines_deferred", lambda ids: case_deadlines_refresh(ids))


def deadlines_deferred():
    """Collect the services' deadline refreshes and run them once, set-based, on leaving (a loader recording
    thousands of payouts): thads.core.deferral."""
    return _DEFERRAL.deferred()


def case_deadlines_refresh(case_ids: Iterable[int], *, calendar=None) -> int:
    """Recompute the cached deadlines of the cases ``case_ids`` from their events, payouts and seizures;
    returns how many cases changed. Call it inside the transaction that changed them.

    A fixed number of queries per batch of BATCH_SIZE cases (the cases locked for update, their events,
    payouts, seizures with valuations, auctions, rounds and offers, the cached rows, then the writes of what
    changed), whatever the number of cases. Pass ``calendar`` (cases.selectors.working_calendar()) when
    calling it many times in a row to save the holiday query."""
    from cases.selectors import SEIZURE_PREFETCH, working_calendar

    if _DEFERRAL.collect(case_ids):  # inside deadlines_deferred(): done once, on leaving it
        return 0
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return 0
    calendar = calendar or working_calendar()
    changed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        changed += _refresh_batch(ids[start:start + BATCH_SIZE], calendar, SEIZURE_PREFETCH)
    return changed


@transaction.atomic
def _refresh_batch(ids: list[int], calendar, seizure_prefetch) -> int:
    # Locked in id order, so two refreshes (or a refresh and a service) wait for each other instead of one
    # writing values computed from what the other has just changed (FOR NO KEY UPDATE: rows being inserted
    # that refer to the case, events or parties, are not held up). Rows are read as plain tuples and
    # grouped here: per-instance prefetching and a CASE-per-row bulk_update cost more than the rules do.
    locked = Case.objects.select_for_update(of=("self",), no_key=True).filter(pk__in=ids).order_by("pk")
    cases = list(locked.values_list(
        "id", "case_no", "status", "accepted_on", "origin", "judgment_type", "received_on", "notified_on",
        "next_due_on", "next_due_kind", named=True))
    events, payouts, seizures = defaultdict(list), defaultdict(list), defaultdict(list)
    for event in CaseEvent.objects.filter(case_id__in=ids).order_by("case_id", "sequence").values_list(
            "case_id", "id", "sequence", "kind", "date", "amount", "ground", "ground_arose_on", "cancels_id",
            named=True):
        events[event.case_id].append(event)
    for payout in Payout.objects.filter(case_id__in=ids).order_by("case_id", "paid_on", "id").values_list(
            "case_id", "paid_on", "amount", named=True):
        payouts[payout.case_id].append(payout)
    for seizure in Seizure.objects.filter(case_id__in=ids).select_related("asset").prefetch_related(
            *seizure_prefetch).order_by("seized_on", "id"):
        seizures[seizure.case_id].append(seizure)
    cached: dict[int, list[tuple]] = {}
    for row in OpenDeadline.objects.filter(case_id__in=ids).order_by("case_id", "position").values_list(
            "case_id", "kind", "due_on", "regime", "reference"):
        cached.setdefault(row[0], []).append(row[1:])
    stale_ids, new_rows, case_updates = [], [], []
    for case in cases:
        duties = _open_duties(case, calendar, events[case.id], payouts[case.id], seizures[case.id])
        wanted = [(d.kind, d.due_on, d.regime, d.reference) for d in duties]
        if wanted != cached.get(case.id, []):
            stale_ids.append(case.id)
            new_rows.extend(OpenDeadline(case_id=case.id, case_no=case.case_no, kind=kind, due_on=due_on,
                                         regime=regime, reference=reference, position=position)
                            for position, (kind, due_on, regime, reference) in enumerate(wanted))
        first = min(duties, key=lambda d: (d.due_on, d.kind), default=None)
        next_due = (first.due_on, first.kind) if first else (None, "")
        if (case.next_due_on, case.next_due_kind) != next_due:
            case_updates.append((case.id, *next_due))
    if stale_ids:
        OpenDeadline.objects.filter(case_id__in=stale_ids).delete()
        OpenDeadline.objects.bulk_create(new_rows, batch_size=1000)
    for start in range(0, len(case_updates), 500):
        _write_next_due(case_updates[start:start + 500])
    return len({*stale_ids, *(case_id for case_id, _due, _kind in case_updates)})


def _write_next_due(rows: list[tuple]) -> None:
    """(case id, next_due_on, next_due_kind) rows in one UPDATE … FROM (VALUES …) statement."""
    table = Case._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s)"] * len(rows))
    params = [value for row in rows for value in row]
    if connection.vendor == "postgresql":
        sql = (f"UPDATE {table} SET next_due_on = CAST(v.due AS date), next_due_kind = v.kind "  # noqa: S608
               f"FROM (VALUES {placeholders}) AS v (id, due, kind) WHERE {table}.id = v.id")
    elif connection.vendor == "sqlite":
        sql = (f"UPDATE {table} SET next_due_on = v.column2, next_due_kind = v.column3 "  # noqa: S608
               f"FROM (VALUES {placeholders}) AS v WHERE {table}.id = v.column1")
    else:  # any other backend: one statement per row
        for case_id, due, kind in rows:
            Case.objects.filter(pk=case_id).update(next_due_on=due, next_due_kind=kind)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def open_case_id_batches(batch_size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Every case id that may hold cached deadlines (open cases, and ended ones still carrying some), in
    batches of ``batch_size``, read by keyset so memory stays flat at any number of cases."""
    from django.db.models import Q

    last = 0
    wanted = ~Q(status__in=ENDED_STATUSES) | Q(next_due_on__isnull=False)
    while True:
        batch = list(Case.objects.filter(wanted, pk__gt=last).order_by("pk").values_list("pk", flat=True)[
            :batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def deadlines_refresh_all(*, batch_size: int = BATCH_SIZE, progress=None) -> dict[str, int]:
    """Rebuild the cached deadlines of every open case (and clear those of ended cases), one transaction per
    batch: after a bulk import, after the holiday calendar changed, and nightly as a safety net. Returns
    {"cases": seen, "changed": changed}."""
    from cases.selectors import working_calendar

    calendar = working_calendar()
    seen = changed = 0
    for batch in open_case_id_batches(batch_size):
        changed += case_deadlines_refresh(batch, calendar=calendar)
        seen += len(batch)
        if progress:
            progress(seen, changed)
    # Rows of ended cases that a bulk path left behind (the loop above cleared the cases it saw).
    orphans = OpenDeadline.objects.filter(case__status__in=ENDED_STATUSES)
    if orphans.exists():
        changed += case_deadlines_refresh(set(orphans.values_list("case_id", flat=True)), calendar=calendar)
    return {"cases": seen, "changed": changed}
