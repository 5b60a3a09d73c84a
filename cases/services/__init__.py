"""Every write to cases goes through these functions: pages, admin, import, API and commands alike.

Each function is one transaction, locks the case row where two writers can meet, records who did it and
when, and keeps the cached state on the case row in step with the events (cases.workflow decides).
"""
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Bank
from cases import workflow
from cases.changes import Kind as ChangeKind
from cases.changes import change_row, changes_record, event_change_values
from cases.codes import Category, EventKind, EventSource, JudgmentType, Origin, PartyKind, PartyRole
from cases.models import Case, CaseChange, CaseEvent, CaseOfficerChange, Party, PartyCorrection, Payout
from cases.selectors import (
    can_assign_officers,
    case_cached_state,
    case_event_inputs,
    case_facts,
    case_is_writable_by,
    case_state_on,
    unit_is_writable_by,
)
from cases.services.changes import case_changes_relay_on_commit
from cases.services.deadlines import case_deadlines_refresh
from reports.facts import case_facts_refresh
from reports.selectors import statistics_closed_through
from thads.audit.context import current_source
from thads.audit.models import Action, AuditEntry
from thads.audit.services import audit_entry, audit_record, field_values, instance_diff
from thads.core.errors import DomainError, PermissionDeniedError
from thads.core.money import format_vnd
from thads.core.text import fold
from thads.org.models import Unit


def statistical_date(unit_id: int, day: date) -> date:
    """The date statistics count something recorded now with legal date ``day``: ``day`` itself, unless a
    period covering the unit was already closed through ``day`` — then the first day after that period. A
    closed period's figures never change, and the late record still counts, in the open period (domain.md §6).
    Within a case these dates never decrease, because closures only move forward."""
    return _after_closure(day, statistics_closed_through(unit_id))


def _after_closure(day: date, closed_through: date | None) -> date:
    if closed_through is not None and day <= closed_through:
        return closed_through + timedelta(days=1)
    return day


@dataclass(frozen=True)
class PartyData:
    role: str
    name: str
    kind: str = PartyKind.PERSON
    id_number: str = ""
    address: str = ""


def _audit_actor(actor):
    """The user to record as having done something (None for system operations and anonymous callers)."""
    return actor if actor is not None and actor.is_authenticated else None


def event_source(source: str | None) -> str:
    """The entry source of an event: ``source`` when the caller names it, else the door the write came
    through (thads.audit.context: page, admin, API, import, command, job)."""
    if source:
        return source
    door = current_source()
    return EventSource.WEB if door == "page" else EventSource(door)


def _require(condition: bool, message: str, *, code: str, field: str | None = None) -> None:
    if not condition:
        raise DomainError(message, code=code, field=field)


@functools.cache
def _choice_values(choices) -> frozenset[str]:
    return frozenset(choices.values)  # a TextChoices' ``values`` is a new list on every call


def _check_choice(value: str, choices, field: str) -> None:
    if value not in _choice_values(choices):
        raise DomainError(_("Invalid value “%(value)s”; valid values: %(valid)s.") % {
            "value": value, "valid": ", ".join(str(v) for v in choices.values)}, code="invalid_choice", field=field)


def _write_cache(case: Case, state: workflow.CaseState) -> None:
    case.status = state.status
    case.status_ground = state.ground
    case.amount_collected = state.collected
    case.amount_reduced = state.reduced
    case.amount_terminated = state.terminated_amount
    case.amount_remaining = state.remaining
    case.last_event_on = state.last_event_on
    case.ended_on = state.ended_on
    case.event_count = state.event_count


CACHE_FIELDS = ["status", "status_ground", "amount_collected", "amount_reduced", "amount_terminated",
                "amount_remaining", "last_event_on", "ended_on", "event_count", "updated_at"]


def case_create_check(
    *, actor, case_no: str, decision_no: str, accepted_on: date, unit: Unit, origin: str, category: str,
    judgment_type: str, amount_due: int, parties: list[PartyData], creditor_bank: Bank | None = None,
    today: date | None = None, **_descriptive,
) -> None:
    """Raise DomainError if case_create would refuse these arguments; writes nothing (forms call it)."""
    case_create_rules(case_no=case_no, decision_no=decision_no, accepted_on=accepted_on, unit=unit, origin=origin,
                      category=category, judgment_type=judgment_type, amount_due=amount_due, parties=parties,
                      creditor_bank=creditor_bank, today=today or timezone.localdate(),
                      may_write_unit=lambda unit: unit_is_writable_by(actor, unit.pk),
                      case_no_taken=lambda number: Case.objects.filter(case_no=number).exists())


def case_create_rules(
    *, case_no: str, decision_no: str, accepted_on: date, unit: Unit, origin: str, category: str,
    judgment_type: str, amount_due: int, parties: list[PartyData], creditor_bank: Bank | None, today: date,
    may_write_unit: Callable[[Unit], bool], case_no_taken: Callable[[str], bool],
) -> None:
    """The rules of accepting a case, without reading the database: whether the actor may write the unit and
    whether the case number is taken are asked of the two callables (case_create_check asks the database one
    case at a time; the ledger import asks sets it read once). Raises DomainError; checks run in a fixed order
    so the reason given is the first one an officer would fix."""
    # (Each message is built only when its rule fails: the ledger import runs these checks a million times.)
    case_no = (case_no or "").strip()
    if not case_no:
        raise DomainError(_("The case number is missing."), code="required", field="case_no")
    if not (decision_no or "").strip():
        raise DomainError(_("The enforcement decision number is missing."), code="required", field="decision_no")
    if not may_write_unit(unit):
        raise PermissionDeniedError(_("You are not allowed to accept cases for unit %(unit)s.") % {"unit": unit.code})
    _check_choice(origin, Origin, "origin")
    _check_choice(category, Category, "category")
    _check_choice(judgment_type, JudgmentType, "judgment_type")
    if not (isinstance(amount_due, int) and not isinstance(amount_due, bool) and amount_due >= 0):
        raise DomainError(_("The amount due must be a non-negative whole number (đồng)."), code="invalid_amount",
                          field="amount_due")
    if accepted_on > today:
        raise DomainError(_("The acceptance date %(date)s is in the future.") % {
            "date": accepted_on.strftime("%d/%m/%Y")}, code="date_in_future", field="accepted_on")
    if not unit.is_active_on(accepted_on):
        raise DomainError(_("Unit %(unit)s did not exist on %(date)s.") % {
            "unit": unit.code, "date": accepted_on.strftime("%d/%m/%Y")}, code="unit_inactive", field="unit_code")
    if category == Category.TIN_DUNG_NGAN_HANG and creditor_bank is None:
        raise DomainError(_("A credit and banking case must name the creditor bank."), code="bank_required",
                          field="bank_code")
    if category != Category.TIN_DUNG_NGAN_HANG and creditor_bank is not None:
        raise DomainError(_("Only a credit and banking case names a creditor bank."), code="bank_not_allowed",
                          field="bank_code")
    roles = {party.role for party in parties}
    if PartyRole.DEBTOR not in roles:
        raise DomainError(_("The judgment debtor is missing."), code="required", field="debtor_name")
    if PartyRole.CREDITOR not in roles:
        raise DomainError(_("The judgment creditor is missing."), code="required", field="creditor_name")
    for party in parties:
        _check_choice(party.role, PartyRole, "role")
        _check_choice(party.kind, PartyKind, "kind")
        if not party.name.strip():
            raise DomainError(_("The party name is missing."), code="required", field=f"{party.role}_name")
    if case_no_taken(case_no):
        raise DomainError(_("Case number %(case)s already exists.") % {"case": case_no}, code="duplicate_case_no",
                          field="case_no")


@transaction.atomic
def case_create(
    *, actor, case_no: str, decision_no: str, accepted_on: date, unit: Unit, origin: str, category: str,
    judgment_type: str, amount_due: int, parties: list[PartyData], creditor_bank: Bank | None = None,
    officer=None, judgment_court: str = "", judgment_no: str = "", judgment_date: date | None = None,
    received_on: date | None = None, notified_on: date | None = None, today: date | None = None,
) -> Case:
    """Accept a case (thụ lý). It starts with conditions, owing ``amount_due``.

    Raises DomainError (nothing written) when: the case number exists; a code is unknown; the amount is
    negative or not whole; the date is in the future or the unit did not exist on it; a bank is missing for
    a credit case or given for another category; there is no debtor or no creditor; or ``actor`` may not
    create cases in ``unit``."""
    case_create_check(actor=actor, case_no=case_no, decision_no=decision_no, accepted_on=accepted_on, unit=unit,
                      origin=origin, category=category, judgment_type=judgment_type, amount_due=amount_due,
                      parties=parties, creditor_bank=creditor_bank, today=today)
    case = case_build(
        actor=actor, case_no=case_no, decision_no=decision_no, accepted_on=accepted_on, unit=unit, origin=origin,
        category=category, judgment_type=judgment_type, amount_due=amount_due, creditor_bank=creditor_bank,
        officer=officer, judgment_court=judgment_court, judgment_no=judgment_no, judgment_date=judgment_date,
        received_on=received_on, notified_on=notified_on, closed_through=statistics_closed_through(unit.pk))
    case.save()
    Party.objects.bulk_create(party_rows(case, parties, created_by=_audit_actor(actor)))
    CaseChange.objects.create(case=case, kind=CaseChange.Kind.CASE_CREATED, case_status=case.status)
    case_changes_relay_on_commit()
    audit_record(actor=actor, action=Action.CASE_CREATE, obj=case, changes={
        name: (None, value) for name, value in field_values(case, CASE_CREATE_AUDITED).items()
        if value not in (None, "")})
    case_facts_refresh([case.pk])
    case_deadlines_refresh([case.pk])
    case.refresh_from_db(fields=["next_due_on", "next_due_kind"])
    return case


def case_build(
    *, actor, case_no: str, decision_no: str, accepted_on: date, unit: Unit, origin: str, category: str,
    judgment_type: str, amount_due: int, creditor_bank: Bank | None, closed_through: date | None, officer=None,
    judgment_court: str = "", judgment_no: str = "", judgment_date: date | None = None,
    received_on: date | None = None, notified_on: date | None = None, state: workflow.CaseState | None = None,
) -> Case:
    """The unsaved row of a case that case_create_rules accepted, in its initial state or with the cached
    columns of ``state`` (case_create saves it; the ledger import saves many at once, with the state after
    their events). ``closed_through`` is statistics_closed_through(unit)."""
    if officer is None and actor is not None and not getattr(actor, "is_superuser", False):
        officer = actor if hasattr(actor, "officer_profile") else None
    case = Case(
        case_no=case_no.strip(), decision_no=decision_no.strip(), accepted_on=accepted_on, received_on=received_on,
        notified_on=notified_on, judgment_court=judgment_court, judgment_no=judgment_no,
        judgment_date=judgment_date, judgment_type=judgment_type, unit=unit, officer=officer, origin=origin,
        category=category, amount_due=amount_due, creditor_bank=creditor_bank, created_by=actor,
        stat_accepted_on=_after_closure(accepted_on, closed_through),
    )
    _write_cache(case, state or workflow.initial_state(case_facts(case)))
    return case


def party_rows(case: Case, parties: list[PartyData], *, created_by=None) -> list[Party]:
    """The unsaved party rows of a new case, recorded as added by ``created_by``."""
    return [Party(case=case, created_by=created_by, **party_values(party)) for party in parties]


def party_values(party: PartyData) -> dict[str, object]:
    """The columns of a party row but its case (bulk inserts skip Party.save, so the folded name is set here)."""
    name = party.name.strip()
    return {"role": party.role, "kind": party.kind, "name": name, "name_folded": fold(name),
            "id_number": party.id_number, "address": party.address}


# What the audit trail keeps of a new case (its other columns follow from these or from its events).
CASE_CREATE_AUDITED = ("case_no", "decision_no", "accepted_on", "unit", "officer", "origin", "category",
                       "judgment_type", "amount_due", "creditor_bank", "received_on", "notified_on")


def _officer_changes_record(*, actor, changes: list[tuple[Case, object, object]]) -> None:
    """Keep each reassignment (case, officer before, officer after), dated today, for the officer of record
    on a past day (CaseOfficerChange, read by reports.engine for closed periods)."""
    today = timezone.localdate()
    CaseOfficerChange.objects.bulk_create([
        CaseOfficerChange(case=case, changed_on=today, officer_before_id=before, officer_after_id=after,
                          changed_by=_audit_actor(actor))
        for case, before, after in changes if before != after])


# Fields of a case that may be corrected after acceptance. Identity, unit, category and amount are not
# among them: they decide how every event and statistic of the case is read.
EDITABLE_FIELDS = frozenset({"decision_no", "received_on", "notified_on", "judgment_court", "judgment_no",
                             "judgment_date", "officer"})


@transaction.atomic
def case_update(*, actor, case: Case, **changes) -> Case:
    """Correct the descriptive fields of a case (EDITABLE_FIELDS) or reassign its officer."""
    unknown = set(changes) - EDITABLE_FIELDS
    _require(not unknown, _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
             code="not_editable", field=sorted(unknown)[0] if unknown else "")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not case_is_writable_by(actor, locked):
        raise PermissionDeniedError()
    if "officer" in changes and not can_assign_officers(actor, locked):
        raise PermissionDeniedError(_("Only unit heads assign enforcement officers."))
    before = field_values(locked, changes)
    for field, value in changes.items():
        setattr(locked, field, value)
    changed = instance_diff(before, locked)
    locked.save(update_fields=[*changes, "updated_at"])
    if changed:
        audit_record(actor=actor, action=Action.CASE_UPDATE, obj=locked, changes=changed)
    if "officer" in changed:
        old, new = changed["officer"]
        _officer_changes_record(actor=actor, changes=[(locked, getattr(old, "pk", None), getattr(new, "pk", None))])
        case_facts_refresh([locked.pk])
    if {"received_on", "notified_on"} & set(changes):  # the decision and voluntary-period deadlines move
        case_deadlines_refresh([locked.pk])
        locked.refresh_from_db(fields=["next_due_on", "next_due_kind"])
    return locked


def case_event_check(*, actor, case: Case, kind: str, date: date, amount: int | None = None, ground: str = "",
                     today: date | None = None) -> None:
    """Validate an event against the case's current state without writing anything (forms call this to
    show errors before saving; case_event_record checks again under the row lock)."""
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": case.case_no})
    workflow.check(case_facts(case), case_cached_state(case),
                   workflow.EventInput(kind=kind, date=date, amount=amount, ground=ground or ""),
                   today=today or timezone.localdate())


@dataclass(frozen=True)
class EventData:
    """One event to record (see case_events_record)."""

    kind: str
    date: date
    amount: int | None = None
    ground: str = ""
    note: str = ""
    ground_arose_on: date | None = None


class EventBatchRefused(DomainError):
    """Some events of a batch were refused; ``errors`` holds (index in the batch, error) for each. Later
    events were checked against the state without the refused ones. Nothing was written."""

    def __init__(self, errors: list[tuple[int, DomainError]]):
        first = errors[0][1]
        super().__init__(first.message, code=first.code, field=first.field)
        self.errors = errors


@transaction.atomic
def cases_assign(*, actor, case_ids: list[int], officer) -> int:
    """Assign many cases to one officer (a unit head sharing out a unit's cases). Every case must be one
    ``actor`` may assign; the officer must be an active officer. Returns how many changed."""
    profile = getattr(officer, "officer_profile", None)
    _require(profile is not None and officer.is_active, _("Cases are assigned to an active officer."),
             code="invalid_officer", field="officer")
    cases = list(Case.objects.select_for_update().filter(pk__in=case_ids))
    refused = [case.case_no for case in cases if not can_assign_officers(actor, case)]
    if refused:
        raise PermissionDeniedError(_("Only the unit head assigns officers (refused: %(cases)s).") % {
            "cases": ", ".join(refused[:5])})
    moving = [case for case in cases if case.officer_id != officer.pk]
    changed = [case.pk for case in moving]
    previous = {user.pk: user for user in type(officer).objects.filter(
        pk__in={case.officer_id for case in moving if case.officer_id}).select_related("officer_profile")}
    Case.objects.filter(pk__in=changed).update(officer=officer, updated_at=timezone.now())
    _officer_changes_record(actor=actor, changes=[(case, case.officer_id, officer.pk) for case in moving])
    AuditEntry.objects.bulk_create([audit_entry(actor=actor, action=Action.OFFICER_ASSIGN, obj=case, changes={
        "officer": (previous.get(case.officer_id), officer)}) for case in moving])
    case_facts_refresh(changed)
    return len(changed)


@transaction.atomic
def case_events_record(*, actor, case: Case, events: list[EventData], source: str | None = None,
                       today: date | None = None) -> list[CaseEvent]:
    """Append events to a case's history, in order, and bring its cached state in step: all or none.

    Locks the case row, so two writers are applied one after the other; checks every event with the
    workflow against the state the previous ones leave. Raises PermissionDeniedError, or EventBatchRefused
    listing every refused event (nothing written)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not case_is_writable_by(actor, locked):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": locked.case_no})
    today = today or timezone.localdate()
    recorded_by = _audit_actor(actor)
    source = event_source(source)
    states, errors, state = events_apply(case_facts(locked), case_cached_state(locked), events, today=today)
    if errors:
        raise EventBatchRefused(errors)
    closed_through = statistics_closed_through(locked.unit_id)
    rows = [event_row(locked, data, after, closed_through=closed_through, source=source, recorded_by=recorded_by)
            for data, after in zip(events, states, strict=True)]
    created = CaseEvent.objects.bulk_create(rows)
    # (SQLite ≥ 3.35 and PostgreSQL return the new ids from a bulk insert.)
    CaseChange.objects.bulk_create(event_change_rows(locked.pk, locked.status, created))
    case_changes_relay_on_commit()
    _state_changed(case, locked, state)
    return created


def event_change_rows(case_id: int, status_before: str, events: list[CaseEvent]) -> list[CaseChange]:
    """The feed rows of events appended to a case that stood at ``status_before`` (cases.changes)."""
    return [CaseChange(**values) for values in event_change_values(
        ((case_id, event.pk, event.status_after, event.date, event.sequence) for event in events),
        status_before=lambda _case_id: status_before)]


def events_apply(facts: workflow.CaseFacts, state: workflow.CaseState, events: list[EventData], *,
                 today: date) -> tuple[list[workflow.CaseState], list[tuple[int, DomainError]], workflow.CaseState]:
    """Check ``events`` in order against the state each leaves, without reading or writing the database.

    Returns (the state after each accepted event, the refusals as (index, error), the final state). A refused
    event leaves the state unchanged, so the later events are checked as if it had not been submitted.
    case_events_record and the ledger import both decide with this function."""
    states, errors = [], []
    for index, data in enumerate(events):
        try:
            if data.ground_arose_on is not None and data.ground_arose_on > data.date:
                raise DomainError(_("The date the ground arose is after the decision date."), code="invalid_dates",
                                  field="ground_arose_on")
            state = workflow.apply(facts, state, workflow.EventInput(kind=data.kind, date=data.date,
                                                                     amount=data.amount, ground=data.ground or ""),
                                   today=today)
        except DomainError as error:
            errors.append((index, error))
            continue
        states.append(state)
    return states, errors, state


def event_row(case: Case, data: EventData, after: workflow.CaseState, *, closed_through: date | None, source: str,
              recorded_by) -> CaseEvent:
    """The unsaved row of an event that events_apply accepted, leaving the case in ``after``."""
    return CaseEvent(case=case, recorded_by=recorded_by,
                     **event_values(data, after, closed_through=closed_through, source=source))


def event_values(data: EventData, after: workflow.CaseState, *, closed_through: date | None,
                 source: str) -> dict[str, object]:
    """The columns of an event row, but its case and recorder (event_row; the ledger import writes these
    without building model instances)."""
    return {
        "sequence": after.event_count, "date": data.date, "stat_date": _after_closure(data.date, closed_through),
        "kind": data.kind, "amount": data.amount, "ground": data.ground or "", "ground_arose_on": data.ground_arose_on,
        "note": data.note, "source": source, "status_after": after.status, "ground_after": after.ground,
        "collected_after": after.collected, "reduced_after": after.reduced,
        "terminated_after": after.terminated_amount, "remaining_after": after.remaining}


def _state_changed(case: Case, locked: Case, state: workflow.CaseState) -> None:
    """After events were appended to the locked case: its cached state, its statistical facts and its cached
    deadlines brought in step, in the same transaction; a caller's own instance of the case sees it too."""
    _write_cache(locked, state)
    locked.save(update_fields=CACHE_FIELDS)
    case_facts_refresh([locked.pk])
    case_deadlines_refresh([locked.pk])
    if case is not locked:
        _write_cache(case, state)


def case_event_record(
    *, actor, case: Case, kind: str, date: date, amount: int | None = None, ground: str = "", note: str = "",
    ground_arose_on: date | None = None, source: str | None = None, today: date | None = None,
) -> CaseEvent:
    """Append one event to a case's history (case_events_record with one event). Raises WorkflowError or
    DomainError (a rule refused it, nothing written) or PermissionDeniedError."""
    try:
        (event,) = case_events_record(actor=actor, case=case, source=source, today=today, events=[EventData(
            kind=kind, date=date, amount=amount, ground=ground or "", note=note, ground_arose_on=ground_arose_on)])
    except EventBatchRefused as refused:
        raise refused.errors[0][1] from None
    return event


def _cancel_plan(*, actor, case: Case, event: CaseEvent | None, reason: str):
    """What case_event_cancel would write: (the event cancelled, the correction, the state after it).
    Raises as case_event_cancel does; writes nothing."""
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": case.case_no})
    _require(bool((reason or "").strip()), _("Give the reason for the correction."), code="reason_required",
             field="reason")
    if event is not None and event.case_id != case.pk:
        raise DomainError(_("This event is not one of case %(case)s.") % {"case": case.case_no},
                          code="no_such_event", field="event")
    correction, state = workflow.cancel(case_facts(case), case_event_inputs(case),
                                        event.sequence if event is not None else None)
    target = CaseEvent.objects.get(case=case, sequence=correction.cancels)
    if target.kind == EventKind.THU_TIEN:
        from cases.models import DistributionShare

        _require(not DistributionShare.objects.filter(event=target).exists(),
                 _("This collection is a share of the proceeds of an asset (sale, hand-over or collection): "
                   "it is corrected through the asset's steps, not by cancelling the event."),
                 code="collection_from_asset", field="event")
        payouts = list(Payout.objects.filter(case=case).values_list("paid_on", "amount"))
        shortfall = _payouts_uncovered(_effective_collections(case, without=target), payouts, since=target.date)
        _require(shortfall is None,
                 _("Without this collection the payouts to the creditor would exceed the money collected by "
                   "%(short)s: correct the payouts first.") % {"short": format_vnd(shortfall or 0)},
                 code="collection_paid_out", field="event")
    return target, correction, state


def case_event_cancel_check(*, actor, case: Case, event: CaseEvent | None, reason: str,
                            today: date | None = None) -> None:
    """Raise DomainError if case_event_cancel would refuse; writes nothing (forms call it)."""
    _cancel_plan(actor=actor, case=case, event=event, reason=reason)


@transaction.atomic
def case_event_cancel(*, actor, case: Case, event: CaseEvent | None, reason: str, source: str | None = None,
                      today: date | None = None) -> CaseEvent:
    """Cancel a mistaken event by appending a correction (kind ``dinh_chinh``) that names it; nothing is
    deleted or changed. ``event=None`` cancels the case's latest effective event.

    The correction carries the legal date of the event it cancels, so the case reads on every date as if the
    mistaken event never happened, and its statistical date is that date moved after a closed period, so a
    closed period keeps its figures and the correction counts in the open one (domain.md §6). The case's
    state after it is the state before the cancelled event. Locks the case row; writes the change feed row.

    Raises PermissionDeniedError (``actor`` may not write the case) or DomainError / WorkflowError, nothing
    written, with code: ``reason_required``; ``nothing_to_cancel`` (no event in force); ``no_such_event``;
    ``cannot_cancel_correction``; ``already_cancelled``; ``not_latest_event`` (only the latest event in
    force may be cancelled); ``collection_from_asset`` (a share of an asset's proceeds: corrected through
    the asset's steps); ``collection_paid_out`` (payouts would exceed the collections in force)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    target, correction, state = _cancel_plan(actor=actor, case=locked, event=event, reason=reason)
    row = CaseEvent.objects.create(
        case=locked, sequence=state.event_count, date=correction.date,
        stat_date=_after_closure(correction.date, statistics_closed_through(locked.unit_id)),
        kind=EventKind.DINH_CHINH, note=reason.strip(), cancels=target, source=event_source(source),
        status_after=state.status, ground_after=state.ground, collected_after=state.collected,
        reduced_after=state.reduced, terminated_after=state.terminated_amount, remaining_after=state.remaining,
        recorded_by=_audit_actor(actor))
    audit_record(actor=actor, action=Action.EVENT_CANCEL, obj=target, case=locked, note=reason.strip(),
                 changes=_cancelled_values(target, locked, state))
    CaseChange.objects.bulk_create(event_change_rows(locked.pk, locked.status, [row]))
    case_changes_relay_on_commit()
    _state_changed(case, locked, state)
    return row


def _cancelled_values(target: CaseEvent, case: Case, state: workflow.CaseState) -> dict[str, tuple[object, object]]:
    """The audit changes of a cancellation: the cancelled event's values, no longer in force, and the case's
    status and remaining amount before and after it."""
    values = {name: (value, None) for name, value in field_values(target, ["kind", "date", "amount", "ground"]).items()
              if value is not None and value != ""}
    return {**values, "status_after": (case.status, state.status),
            "remaining_after": (case.amount_remaining, state.remaining)}


@transaction.atomic
def case_cache_rebuild(*, case: Case) -> bool:
    """Recompute the cached state from the events; returns whether anything had drifted."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    before = case_cached_state(locked)
    after = case_state_on(locked)
    if before == after:
        return False
    _write_cache(locked, after)
    locked.save(update_fields=CACHE_FIELDS)
    return True


@transaction.atomic
def party_add(*, actor, case: Case, role: str, name: str, kind: str = PartyKind.PERSON, id_number: str = "",
              address: str = "") -> Party:
    """Add a debtor or creditor to a case, recording who added it."""
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError()
    _check_choice(role, PartyRole, "role")
    _check_choice(kind, PartyKind, "kind")
    _require(bool(name.strip()), _("The party name is missing."), code="required", field="name")
    party = Party.objects.create(case=case, role=role, kind=kind, name=name.strip(), id_number=id_number,
                                 address=address, created_by=_audit_actor(actor))
    added = field_values(party, ("role", "kind", "name", "id_number", "address"))
    audit_record(actor=actor, action=Action.PARTY_ADD, obj=party, case=case,
                 changes={field: (None, value) for field, value in added.items() if value})
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())  # readers syncing by updated_at see it
    return party


_UNCHANGED = None  # party_correct: a field left as None keeps its value


def _party_changes(party: Party, *, name, id_number, address, kind) -> dict[str, tuple[str, str]]:
    """{field: (old value, new value)} for the fields given that differ from the party's (values stripped)."""
    given = {"name": name, "id_number": id_number, "address": address, "kind": kind}
    changes = {}
    for field, value in given.items():
        if value is _UNCHANGED:
            continue
        value = value.strip()
        if field == "name":
            _require(bool(value), _("The party name is missing."), code="required", field="name")
        if field == "kind":
            _check_choice(value, PartyKind, "kind")
        if value != getattr(party, field):
            changes[field] = (getattr(party, field), value)
    return changes


def party_correct_check(*, actor, party: Party, reason: str, name: str | None = None, id_number: str | None = None,
                        address: str | None = None, kind: str | None = None) -> None:
    """Raise DomainError if party_correct would refuse these arguments; writes nothing (forms call it)."""
    if not case_is_writable_by(actor, party.case):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {
            "case": party.case.case_no})
    _require(bool((reason or "").strip()), _("Give the reason for the correction."), code="reason_required",
             field="reason")
    changes = _party_changes(party, name=name, id_number=id_number, address=address, kind=kind)
    _require(bool(changes), _("Nothing to correct: the values given are the party's current ones."),
             code="no_change")


@transaction.atomic
def party_correct(*, actor, party: Party, reason: str, name: str | None = None, id_number: str | None = None,
                  address: str | None = None, kind: str | None = None) -> Party:
    """Correct a party's name, ID number, address or kind (a field left None keeps its value). The values
    before are kept: one immutable PartyCorrection row per changed field, with the reason and the actor.

    Raises DomainError (nothing written) with code ``reason_required`` (no reason), ``no_change`` (every
    value given is the current one), ``required`` (an empty name), ``invalid_choice`` (an unknown kind),
    or PermissionDeniedError (``actor`` may not write the case)."""
    case = Case.objects.select_for_update().get(pk=party.case_id)
    locked = Party.objects.select_related("case").get(pk=party.pk)
    locked.case = case
    party_correct_check(actor=actor, party=locked, reason=reason, name=name, id_number=id_number, address=address,
                        kind=kind)
    changes = _party_changes(locked, name=name, id_number=id_number, address=address, kind=kind)
    corrected_by = _audit_actor(actor)
    PartyCorrection.objects.bulk_create([
        PartyCorrection(party=locked, field=field, old_value=old, new_value=new, reason=reason.strip(),
                        corrected_by=corrected_by)
        for field, (old, new) in changes.items()])
    for field, (_old, new) in changes.items():
        setattr(locked, field, new)
    locked.save()  # keeps name_folded in step
    audit_record(actor=actor, action=Action.PARTY_CORRECT, obj=locked, case=case, changes=changes,
                 note=reason.strip())
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())  # readers syncing by updated_at see it
    for field, (_old, new) in changes.items():  # the caller's instance shows the corrected values too
        setattr(party, field, new)
    party.name_folded = locked.name_folded
    return locked


def _payout_shortfall(case: Case, paid_on: date, amount: int) -> int | None:
    """With a new payout of ``amount`` on ``paid_on``, the most by which payouts would exceed collections
    on any day from ``paid_on`` on (None if they never do). Money cannot be paid out before it is
    collected, and a back-dated payout must not leave a later one uncovered."""
    payouts = list(Payout.objects.filter(case=case).values_list("paid_on", "amount")) + [(paid_on, amount)]
    return _payouts_uncovered(_effective_collections(case), payouts, since=paid_on)


def _effective_collections(case: Case, *, without: CaseEvent | None = None) -> list[tuple[date, int]]:
    """(date, amount) of the case's collections in force: not cancelled, and not ``without``."""
    collections = (CaseEvent.objects.filter(case=case, kind=EventKind.THU_TIEN, cancelled_by__isnull=True)
                   .exclude(pk=without.pk if without is not None else None))
    return list(collections.values_list("date", "amount"))


def _payouts_uncovered(collections: list[tuple[date, int]], payouts: list[tuple[date, int]], *,
                       since: date) -> int | None:
    """The most by which payouts exceed collections on any day from ``since`` on (None if they never do)."""
    worst = None
    for day in sorted({since, *(d for d, _a in payouts if d >= since)}):
        collected = sum(a for d, a in collections if d <= day)
        paid = sum(a for d, a in payouts if d <= day)
        if paid > collected:
            worst = max(worst or 0, paid - collected)
    return worst


def payout_check(*, actor, case: Case, paid_on: date, amount: int, today: date | None = None) -> None:
    """Raise DomainError if payout_record would refuse; writes nothing."""
    _payout_rules(actor, case, paid_on, amount, today=today,
                  shortfall=lambda: _payout_shortfall(case, paid_on, amount))


def _payout_rules(actor, case: Case, paid_on: date, amount: int, *, today: date | None,
                  shortfall: Callable[[], int | None]) -> None:
    """payout_check's rules, the shortfall (``_payouts_uncovered``) computed by ``shortfall`` when the rest
    hold: from the database (payout_record) or from a batch's reads (payouts_record_many)."""
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError()
    _require(isinstance(amount, int) and not isinstance(amount, bool) and amount > 0,
             _("The amount must be a positive whole number (đồng)."), code="amount_not_positive", field="amount")
    _require(paid_on <= (today or timezone.localdate()), _("The payout date is in the future."), code="date_in_future",
             field="paid_on")
    shortfall = shortfall()
    _require(shortfall is None, _("The payout of %(amount)s on %(date)s exceeds the money collected and not yet "
                                  "paid out (short by %(short)s).") % {
        "amount": format_vnd(amount), "date": paid_on.strftime("%d/%m/%Y"), "short": format_vnd(shortfall or 0)},
        code="amount_exceeds_collected", field="amount")


@transaction.atomic
def payout_record(*, actor, case: Case, paid_on: date, amount: int, recipient: str, note: str = "",
                  today: date | None = None) -> Payout:
    """Record money paid out to a creditor. What is paid out never exceeds what was collected."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    payout_check(actor=actor, case=locked, paid_on=paid_on, amount=amount, today=today)
    _require(bool(recipient.strip()), _("The recipient is missing."), code="required", field="recipient")
    payout = Payout.objects.create(case=locked, paid_on=paid_on, amount=amount, recipient=recipient.strip(),
                                   note=note, recorded_by=_audit_actor(actor))
    audit_record(actor=actor, action=Action.PAYOUT_RECORD, obj=payout, case=locked, changes=_payout_audit(payout))
    changes_record(ChangeKind.PAYOUT_RECORDED, [locked.pk], _payout_change(payout))
    locked.save(update_fields=["updated_at"])  # readers syncing by updated_at see it
    case_deadlines_refresh([locked.pk])
    return payout


def _payout_audit(payout: Payout) -> dict[str, tuple[object, object]]:
    """The audit entry's changes of a new payout: its fields that have a value."""
    return {name: (None, value) for name, value in field_values(payout, ("paid_on", "amount", "recipient",
                                                                         "note")).items() if value}


def _payout_change(payout: Payout) -> dict[str, object]:
    """The change feed's payload of a new payout."""
    return {"payout_id": payout.pk, "paid_on": payout.paid_on, "amount": payout.amount,
            "recipient": payout.recipient}


@dataclass(frozen=True)
class PayoutData:
    """One payout of a batch (payouts_record_many)."""

    case_id: int
    paid_on: date
    amount: int
    recipient: str
    note: str = ""


class PayoutBatchRefused(DomainError):
    """Some payouts of a batch were refused; ``errors`` holds (index in the batch, error) for each. Later
    payouts were checked without the refused ones. Nothing was written."""

    def __init__(self, errors: list[tuple[int, DomainError]]):
        first = errors[0][1]
        super().__init__(first.message, code=first.code, field=first.field)
        self.errors = errors


BATCH_CASES = 2_000  # case ids per read (under SQLite's parameter limit)


@transaction.atomic
def payouts_record_many(*, actor, payouts: list[PayoutData], today: date | None = None) -> list[Payout]:
    """Record many payouts at once (the demo's ten thousand; a bank's payout list), all or none: the rules of
    payout_record for each, in the batch's order — a payout checked against the case's collections and its
    payouts recorded before and earlier in the batch — and the same rows written (payouts, audit entries,
    change-feed rows, the cases' updated_at, their deadlines), in a number of statements that does not grow
    with the batch but per 2,000 cases. Raises PayoutBatchRefused listing every refused payout."""
    today = today or timezone.localdate()
    case_ids = sorted({data.case_id for data in payouts})
    cases: dict[int, Case] = {}
    collections: dict[int, list[tuple[date, int]]] = {case_id: [] for case_id in case_ids}
    paid: dict[int, list[tuple[date, int]]] = {case_id: [] for case_id in case_ids}
    for index in range(0, len(case_ids), BATCH_CASES):
        chunk = case_ids[index:index + BATCH_CASES]
        cases.update((case.pk, case) for case in Case.objects.select_for_update().filter(pk__in=chunk))
        for case_id, day, amount in (CaseEvent.objects.filter(case_id__in=chunk, kind=EventKind.THU_TIEN,
                                                              cancelled_by__isnull=True)
                                     .values_list("case_id", "date", "amount")):
            collections[case_id].append((day, amount))
        for case_id, day, amount in Payout.objects.filter(case_id__in=chunk).values_list("case_id", "paid_on",
                                                                                          "amount"):
            paid[case_id].append((day, amount))
    errors: list[tuple[int, DomainError]] = []
    for index, data in enumerate(payouts):
        case = cases.get(data.case_id)
        try:
            if case is None:
                raise DomainError(_("No such case."), code="not_found", field="case_id")
            _payout_rules(actor, case, data.paid_on, data.amount, today=today,
                          shortfall=lambda case=case, data=data: _payouts_uncovered(
                              collections[case.pk], [*paid[case.pk], (data.paid_on, data.amount)],
                              since=data.paid_on))
            _require(bool(data.recipient.strip()), _("The recipient is missing."), code="required",
                     field="recipient")
        except DomainError as error:
            errors.append((index, error))
            continue
        paid[case.pk].append((data.paid_on, data.amount))
    if errors:
        raise PayoutBatchRefused(errors)
    recorded_by = _audit_actor(actor)
    created = Payout.objects.bulk_create([
        Payout(case=cases[data.case_id], paid_on=data.paid_on, amount=data.amount, recipient=data.recipient.strip(),
               note=data.note, recorded_by=recorded_by) for data in payouts])
    AuditEntry.objects.bulk_create([audit_entry(actor=actor, action=Action.PAYOUT_RECORD, obj=payout,
                                                case=payout.case, changes=_payout_audit(payout))
                                    for payout in created])
    CaseChange.objects.bulk_create([change_row(case_id=payout.case_id, kind=ChangeKind.PAYOUT_RECORDED,
                                               status=payout.case.status, payload=_payout_change(payout))
                                    for payout in created])
    case_changes_relay_on_commit()
    Case.objects.filter(pk__in=case_ids).update(updated_at=timezone.now())  # readers syncing by updated_at
    case_deadlines_refresh(case_ids)
    return created
