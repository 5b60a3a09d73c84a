"""A second, independent implementation of the counting rules: per case, in Python, from the workflow.

It replays each case's events with cases.workflow (not the stored after-states) and classifies the case.
Corrections are handled here on their own terms: on a date, the events dated on or before it are kept,
without the corrections and without the events a correction dated on or before it cancels.
Tests compare the database engine against it on hand-worked and generated histories; the calibrated demo
uses it to aim at the published figures before anything is written. Never used for production reports:
it loops over cases.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cases.codes import ENDED_STATUSES, EventKind, Status
from cases.workflow import CaseFacts, CaseState, EventInput, replay
from reports.indicators import Figures


@dataclass(frozen=True)
class CaseHistory:
    facts: CaseFacts          # accepted_on is the statistical acceptance date
    events: tuple[EventInput, ...]  # dated by statistical date; a correction's ``cancels`` is a 1-based position
    category: str = ""
    origin: str = ""
    unit: object = None


def _state_on(history: CaseHistory, day: date) -> tuple[CaseState, int]:
    """The case's state at the end of ``day``, and the position of the last row (event or correction) of its
    history dated on or before it (0: none)."""
    dated = [(position, event) for position, event in enumerate(history.events, start=1) if event.date <= day]
    cancelled = {event.cancels for _position, event in dated if event.kind == EventKind.DINH_CHINH}
    in_force = [event for position, event in dated
                if event.kind != EventKind.DINH_CHINH and position not in cancelled]
    return replay(history.facts, in_force), max((position for position, _event in dated), default=0)


def case_figures(history: CaseHistory, start: date, end: date) -> Figures:
    """The base sums one case contributes to the period [start, end]."""
    figures = Figures.zero()
    facts = history.facts
    if facts.accepted_on > end:
        return figures
    before, rows_before = _state_on(history, start - timedelta(days=1)) if facts.accepted_on < start else (None, 0)
    at_end, rows_at_end = _state_on(history, end)
    # Back from the separate book: anything recorded in the period after it went there.
    returned = before is not None and before.status == Status.SEPARATE_BOOK and rows_at_end > rows_before
    carried = (before is not None and before.status not in ENDED_STATUSES
               and before.status != Status.SEPARATE_BOOK)
    new = facts.accepted_on >= start or returned
    if not (carried or new):
        return figures
    base_money = before.remaining if before is not None else facts.amount_due
    counts, amounts = figures.counts, figures.amounts
    key = "carried_over" if carried else "new"
    counts[key] += 1
    amounts[key] += base_money
    status = at_end.status
    if status == Status.TRANSFERRED_OUT:
        counts["transferred_out"] += 1
        amounts["transferred_out"] += base_money
        return figures
    amounts["collected"] += at_end.collected - (before.collected if before else 0)
    amounts["reduced"] += at_end.reduced - (before.reduced if before else 0)
    if status == Status.COMPLETED:
        counts["completed"] += 1
    elif status == Status.TERMINATED:
        counts["terminated"] += 1
        amounts["terminated"] += at_end.terminated_amount
    else:
        if at_end.counts_as_with_conditions:
            bucket = "in_progress"
        elif status in (Status.POSTPONED, Status.SUSPENDED):
            bucket = "postponed_or_suspended"
        else:  # without conditions, or moved to the separate book during the period
            bucket = "without_conditions"
        counts[bucket] += 1
        amounts[bucket] += at_end.remaining
    return figures


def period_figures(histories: Iterable[CaseHistory], start: date, end: date) -> Figures:
    total = Figures.zero()
    for history in histories:
        total.add(case_figures(history, start, end))
    return total
