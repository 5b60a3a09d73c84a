"""The case lifecycle as pure Python (domain.md §3). No ORM, no I/O: exhaustively unit-tested.

A case's history is an ordered list of events; its state on any date is the fold of ``apply`` over the
events up to that date. Services use ``apply`` to validate and to compute the cached current state, so the
same rules hold in the browser, the admin, the import and the API.
"""
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from django.utils.translation import gettext as _

from cases.codes import (
    AMOUNT_KINDS,
    ENDED_STATUSES,
    GROUND_REQUIRED_KINDS,
    GROUNDS_BY_KIND,
    Category,
    EventKind,
    Status,
)
from thads.core.errors import DomainError
from thads.core.money import format_vnd


class WorkflowError(DomainError):
    """An event refused by a lifecycle rule. ``code`` is stable; ``field`` names the offending input."""


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case that events do not change."""

    case_no: str
    category: str
    accepted_on: date
    amount_due: int


@dataclass(frozen=True)
class EventInput:
    """One row of a case's history. A correction (``dinh_chinh``) names in ``cancels`` the sequence number
    (1-based position in the history) of the event it cancels; other events leave it None."""

    kind: str
    date: date
    amount: int | None = None
    ground: str = ""
    cancels: int | None = None


@dataclass(frozen=True)
class CaseState:
    """A case's position after some prefix of its events."""

    status: str
    ground: str
    amount_due: int
    collected: int = 0
    reduced: int = 0
    terminated_amount: int = 0
    last_event_on: date | None = None
    ended_on: date | None = None
    event_count: int = 0

    @property
    def remaining(self) -> int:
        return self.amount_due - self.collected - self.reduced - self.terminated_amount

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def counts_as_with_conditions(self) -> bool:
        """Statistics bucket: postponement on ground `c` (the parties agreed) still counts as with conditions."""
        return self.status == Status.WITH_CONDITIONS or (
            self.status == Status.POSTPONED and self.ground == "c"
        )


def initial_state(facts: CaseFacts) -> CaseState:
    """On acceptance (thụ lý) a case starts with conditions and owes its whole amount."""
    return CaseState(status=Status.WITH_CONDITIONS, ground="", amount_due=facts.amount_due)


# Which event kinds each open status admits. Ended statuses admit nothing.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    Status.WITH_CONDITIONS: frozenset({
        EventKind.CO_DIEU_KIEN, EventKind.CHUA_CO_DIEU_KIEN, EventKind.HOAN, EventKind.TAM_DINH_CHI,
        EventKind.THU_TIEN, EventKind.GIAM, EventKind.DINH_CHI, EventKind.XONG, EventKind.UY_THAC_DI,
    }),
    Status.WITHOUT_CONDITIONS: frozenset({
        EventKind.CO_DIEU_KIEN, EventKind.CHUA_CO_DIEU_KIEN, EventKind.TAM_DINH_CHI, EventKind.THU_TIEN,
        EventKind.GIAM, EventKind.DINH_CHI, EventKind.XONG, EventKind.UY_THAC_DI,
        EventKind.CHUYEN_SO_RIENG,
    }),
    Status.POSTPONED: frozenset({
        EventKind.TAM_DINH_CHI, EventKind.TIEP_TUC, EventKind.THU_TIEN, EventKind.GIAM,
        EventKind.DINH_CHI, EventKind.XONG, EventKind.UY_THAC_DI,
    }),
    Status.SUSPENDED: frozenset({EventKind.TIEP_TUC, EventKind.DINH_CHI}),
    # A case in the separate book comes back only through a new verification finding conditions.
    Status.SEPARATE_BOOK: frozenset({EventKind.CO_DIEU_KIEN}),
}


def _refusal_reason(status: str, kind: str) -> str:
    """Why ``kind`` is refused from ``status`` (an open status), in words an officer understands."""
    status_label = Status(status).label
    kind_label = EventKind(kind).label
    if kind == EventKind.TIEP_TUC:
        return _("Enforcement can only be resumed when the case is postponed or suspended (now: %(status)s).") % {
            "status": status_label}
    if kind == EventKind.CHUYEN_SO_RIENG:
        return _("Only a case without conditions can be moved to the separate book (now: %(status)s).") % {
            "status": status_label}
    if status == Status.SEPARATE_BOOK:
        return _("The case is in the separate book: a verification must find conditions for enforcement "
                 "before “%(kind)s” can be recorded.") % {
            "kind": kind_label}
    if status == Status.SUSPENDED:
        return _("The case is suspended: resume enforcement before recording “%(kind)s”.") % {
            "kind": kind_label}
    if status == Status.POSTPONED and kind == EventKind.HOAN:
        return _("Enforcement of the case is already postponed; record its resumption before postponing it again.")
    if status == Status.POSTPONED:
        return _("The case is postponed: resume enforcement before recording “%(kind)s”.") % {"kind": kind_label}
    if status == Status.WITHOUT_CONDITIONS and kind == EventKind.HOAN:
        return _("A case without conditions for enforcement is not postponed; first verify that it has conditions.")
    return _("“%(kind)s” cannot be recorded while the case is in the status %(status)s.") % {
        "kind": kind_label, "status": status_label}


def allowed_kinds(state: CaseState) -> frozenset[str]:
    return ALLOWED_FROM.get(state.status, frozenset())


def check(facts: CaseFacts, state: CaseState, event: EventInput, *, today: date) -> None:
    """Raise WorkflowError if ``event`` may not follow ``state``. Checks run in a fixed order so the
    reason given is the most fundamental one."""
    if event.kind not in _EVENT_KINDS:
        raise WorkflowError(_("Invalid event kind: “%(kind)s”.") % {"kind": event.kind},
                            code="unknown_kind", field="kind")
    if event.kind == EventKind.DINH_CHINH:
        raise WorkflowError(_("A correction is not recorded as an event: cancel the mistaken event instead "
                              "(only the latest event can be cancelled)."),
                            code="correction_not_an_event", field="kind")
    if event.date < facts.accepted_on:
        raise WorkflowError(
            _("The date %(date)s is before the acceptance date %(accepted)s of case %(case)s.") % {
                "date": event.date.strftime("%d/%m/%Y"), "accepted": facts.accepted_on.strftime("%d/%m/%Y"),
                "case": facts.case_no},
            code="date_before_acceptance", field="date")
    if event.date > today:
        raise WorkflowError(_("The date %(date)s is in the future.") % {"date": event.date.strftime("%d/%m/%Y")},
                            code="date_in_future", field="date")
    if state.last_event_on is not None and event.date < state.last_event_on:
        raise WorkflowError(
            _("The date %(date)s is before the latest event (%(last)s): events must be in date order.") % {
                "date": event.date.strftime("%d/%m/%Y"), "last": state.last_event_on.strftime("%d/%m/%Y")},
            code="date_before_previous_event", field="date")
    if state.ended:
        raise WorkflowError(
            _("Case %(case)s ended (%(status)s) on %(on)s; no more events can be recorded.") % {
                "case": facts.case_no, "status": Status(state.status).label,
                "on": state.ended_on.strftime("%d/%m/%Y") if state.ended_on else ""},
            code="case_ended", field="kind")
    if event.kind not in allowed_kinds(state):
        raise WorkflowError(_refusal_reason(state.status, event.kind), code="not_allowed_from_status",
                            field="kind")
    _check_ground(event)
    _check_amount(facts, state, event)


# Code lists as sets, built once: a TextChoices' ``values`` is a new list on every call (with its labels
# translated), which the import would pay on every row.
_EVENT_KINDS = frozenset(EventKind.values)
_GROUND_VALUES = {kind: frozenset(choices.values) for kind, choices in GROUNDS_BY_KIND.items()}


def _check_ground(event: EventInput) -> None:
    choices = GROUNDS_BY_KIND.get(event.kind)
    if choices is None:
        if event.ground:
            raise WorkflowError(_("“%(kind)s” takes no ground; leave it empty.") % {
                "kind": EventKind(event.kind).label}, code="ground_not_allowed", field="ground")
        return
    if not event.ground:
        if event.kind in GROUND_REQUIRED_KINDS:
            raise WorkflowError(_("“%(kind)s” requires a legal ground.") % {
                "kind": EventKind(event.kind).label}, code="ground_required", field="ground")
        return
    if event.ground not in _GROUND_VALUES[event.kind]:
        raise WorkflowError(
            _("The ground “%(ground)s” is not valid for “%(kind)s”; valid grounds: %(valid)s.") % {
                "ground": event.ground, "kind": EventKind(event.kind).label,
                "valid": ", ".join(choices.values)},
            code="ground_invalid", field="ground")


def _check_amount(facts: CaseFacts, state: CaseState, event: EventInput) -> None:
    if event.kind not in AMOUNT_KINDS:
        if event.amount is not None:
            raise WorkflowError(_("“%(kind)s” takes no amount; leave it empty.") % {
                "kind": EventKind(event.kind).label}, code="amount_not_allowed", field="amount")
        if event.kind == EventKind.XONG and state.remaining != 0:
            raise WorkflowError(
                _("Not completed yet: case %(case)s still has %(remaining)s to enforce.") % {
                    "case": facts.case_no, "remaining": format_vnd(state.remaining)},
                code="remaining_not_zero", field="kind")
        return
    if event.kind == EventKind.GIAM and facts.category != Category.NGAN_SACH:
        raise WorkflowError(
            _("Only amounts owed to the state budget can be reduced (Article 61); case %(case)s is in "
              "the category “%(category)s”.") % {"case": facts.case_no, "category": Category(facts.category).label},
            code="reduction_only_budget", field="kind")
    if event.amount is None:
        raise WorkflowError(_("“%(kind)s” requires an amount.") % {"kind": EventKind(event.kind).label},
                            code="amount_required", field="amount")
    if isinstance(event.amount, bool) or not isinstance(event.amount, int) or event.amount <= 0:
        raise WorkflowError(_("The amount must be a positive whole number (đồng)."), code="amount_not_positive",
                            field="amount")
    if state.remaining <= 0:
        raise WorkflowError(_("Case %(case)s has no amount left to enforce.") % {"case": facts.case_no},
                            code="nothing_remaining", field="amount")
    if event.amount > state.remaining:
        raise WorkflowError(
            _("%(kind)s: %(amount)s exceeds the %(remaining)s still to be enforced in case %(case)s.") % {
                "kind": EventKind(event.kind).label, "amount": format_vnd(event.amount, symbol=False),
                "remaining": format_vnd(state.remaining, symbol=False), "case": facts.case_no},
            code="amount_exceeds_remaining", field="amount")


_STATE_FIELDS = frozenset(field.name for field in fields(CaseState))


def _with(state: CaseState, **changes) -> CaseState:
    """``dataclasses.replace(state, **changes)`` without its per-field work: a copy of the instance's values with
    the changes (CaseState has no __post_init__ to run). The import and the demo replay millions of events;
    replace() was a third of the replay's time."""
    assert _STATE_FIELDS.issuperset(changes), changes
    new = object.__new__(CaseState)
    values = new.__dict__
    values.update(state.__dict__)
    values.update(changes)
    return new


def apply(facts: CaseFacts, state: CaseState, event: EventInput, *, today: date) -> CaseState:
    """Validate ``event`` against ``state`` and return the state after it."""
    check(facts, state, event, today=today)
    return _effect(state, event)


def _effect(state: CaseState, event: EventInput) -> CaseState:
    common = {"last_event_on": event.date, "event_count": state.event_count + 1}
    kind = event.kind
    if kind in (EventKind.CO_DIEU_KIEN, EventKind.TIEP_TUC):
        return _with(state, status=Status.WITH_CONDITIONS, ground="", **common)
    if kind == EventKind.CHUA_CO_DIEU_KIEN:
        return _with(state, status=Status.WITHOUT_CONDITIONS, ground=event.ground, **common)
    if kind == EventKind.HOAN:
        return _with(state, status=Status.POSTPONED, ground=event.ground, **common)
    if kind == EventKind.TAM_DINH_CHI:
        return _with(state, status=Status.SUSPENDED, ground=event.ground, **common)
    if kind == EventKind.THU_TIEN:
        return _with(state, collected=state.collected + event.amount, **common)
    if kind == EventKind.GIAM:
        return _with(state, reduced=state.reduced + event.amount, **common)
    if kind == EventKind.DINH_CHI:
        return _with(state, status=Status.TERMINATED, ground=event.ground,
                       terminated_amount=state.terminated_amount + state.remaining, ended_on=event.date, **common)
    if kind == EventKind.XONG:
        return _with(state, status=Status.COMPLETED, ground="", ended_on=event.date, **common)
    if kind == EventKind.UY_THAC_DI:
        return _with(state, status=Status.TRANSFERRED_OUT, ground="", ended_on=event.date, **common)
    if kind == EventKind.CHUYEN_SO_RIENG:
        return _with(state, status=Status.SEPARATE_BOOK, ground="", **common)
    raise AssertionError(f"unhandled event kind {kind}")


def replay(facts: CaseFacts, events: Iterable[EventInput], *, on: date | None = None,
           today: date | None = None) -> CaseState:
    """The state of a case after its events, or on date ``on`` (events dated after ``on`` are ignored;
    events dated ``on`` itself count, in their recorded order). Before acceptance there is no state:
    asking for a date before ``accepted_on`` raises ValueError.

    Corrections: an event is left out on any date on or after the date of the correction that cancels it,
    and corrections themselves change nothing but ``event_count``. ``event_count`` is the sequence number of
    the last row (event or correction) dated on or before ``on``, as the statistics engine reads it."""
    if on is not None and on < facts.accepted_on:
        raise ValueError(f"case {facts.case_no} was not yet accepted on {on.isoformat()}")
    counted = [(sequence, event) for sequence, event in enumerate(events, start=1)
               if on is None or event.date <= on]
    cancelled = cancelled_sequences(event for _sequence, event in counted)
    state = initial_state(facts)
    check_today = today or date.max
    for sequence, event in counted:
        if event.kind == EventKind.DINH_CHINH or sequence in cancelled:
            state = _with(state, event_count=sequence)
            continue
        state = apply(facts, _with(state, event_count=sequence - 1), event, today=check_today)
    return state


# ---- corrections ---------------------------------------------------------------------------------------------

def cancelled_sequences(events: Iterable[EventInput]) -> frozenset[int]:
    """The sequence numbers the corrections among ``events`` cancel."""
    return frozenset(event.cancels for event in events if event.kind == EventKind.DINH_CHINH)


def latest_effective(events: Iterable[EventInput]) -> int | None:
    """The sequence number of the latest event that is neither a correction nor cancelled (None: none)."""
    rows = list(events)
    cancelled = cancelled_sequences(rows)
    for sequence in range(len(rows), 0, -1):
        if rows[sequence - 1].kind != EventKind.DINH_CHINH and sequence not in cancelled:
            return sequence
    return None


def check_cancel(facts: CaseFacts, events: Iterable[EventInput], sequence: int | None) -> None:
    """Raise WorkflowError if the event number ``sequence`` of this history may not be cancelled (None: the
    latest effective event). Only the latest effective event may be cancelled, so that undoing several
    events goes back one by one from the latest, and the state after a correction is simply the state
    before the event it cancels."""
    rows = list(events)
    latest = latest_effective(rows)
    if sequence is None:
        sequence = latest
        if sequence is None:
            raise WorkflowError(_("Case %(case)s has no event to cancel.") % {"case": facts.case_no},
                                code="nothing_to_cancel", field="event")
    if not 1 <= sequence <= len(rows):
        raise WorkflowError(_("Case %(case)s has no event number %(number)s.") % {
            "case": facts.case_no, "number": sequence}, code="no_such_event", field="event")
    target = rows[sequence - 1]
    if target.kind == EventKind.DINH_CHINH:
        raise WorkflowError(_("A correction cannot itself be cancelled; record the right event again instead."),
                            code="cannot_cancel_correction", field="event")
    if sequence in cancelled_sequences(rows):
        raise WorkflowError(_("Event number %(number)s was already cancelled.") % {"number": sequence},
                            code="already_cancelled", field="event")
    if sequence != latest:
        last = rows[latest - 1]
        raise WorkflowError(
            _("Only the latest event can be cancelled: cancel “%(kind)s” of %(date)s (number %(number)s) "
              "first.") % {"kind": EventKind(last.kind).label, "date": last.date.strftime("%d/%m/%Y"),
                           "number": latest},
            code="not_latest_event", field="event")


def cancel(facts: CaseFacts, events: Iterable[EventInput], sequence: int | None) -> tuple[EventInput, CaseState]:
    """Check the cancellation (check_cancel) and return the correction to append, dated as the event it
    cancels, and the case's state after it: the state before the cancelled event, with the next sequence."""
    rows = list(events)
    check_cancel(facts, rows, sequence)
    sequence = sequence if sequence is not None else latest_effective(rows)
    correction = EventInput(kind=EventKind.DINH_CHINH, date=rows[sequence - 1].date, cancels=sequence)
    return correction, replay(facts, [*rows, correction])
