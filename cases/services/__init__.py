"""Every write to cases goes through these functions: pages, admin, import, API and commands alike.

Each function is one transaction, locks the case row where two writers can meet, records who did it and
when, and keeps the cached state on the case row in step with the events (cases.workflow decides).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Bank
from cases import workflow
from cases.codes import Category, EventKind, EventSource, JudgmentType, Origin, PartyKind, PartyRole
from cases.models import Case, CaseChange, CaseEvent, Party, Payout
from cases.selectors import (
    can_assign_officers,
    case_cached_state,
    case_facts,
    case_is_writable_by,
    case_state_on,
    unit_is_writable_by,
)
from cases.services.deadlines import case_deadlines_refresh
from reports.selectors import statistics_closed_through
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


def _require(condition: bool, message: str, *, code: str, field: str | None = None) -> None:
    if not condition:
        raise DomainError(message, code=code, field=field)


def _check_choice(value: str, choices, field: str) -> None:
    _require(value in choices.values, _("Invalid value “%(value)s”; valid values: %(valid)s.") % {
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
    today = today or timezone.localdate()
    case_no = (case_no or "").strip()
    _require(bool(case_no), _("The case number is missing."), code="required", field="case_no")
    _require(bool((decision_no or "").strip()), _("The enforcement decision number is missing."), code="required",
             field="decision_no")
    if not unit_is_writable_by(actor, unit.pk):
        raise PermissionDeniedError(_("You are not allowed to accept cases for unit %(unit)s.") % {"unit": unit.code})
    _check_choice(origin, Origin, "origin")
    _check_choice(category, Category, "category")
    _check_choice(judgment_type, JudgmentType, "judgment_type")
    _require(isinstance(amount_due, int) and not isinstance(amount_due, bool) and amount_due >= 0,
             _("The amount due must be a non-negative whole number (đồng)."), code="invalid_amount", field="amount_due")
    _require(accepted_on <= today, _("The acceptance date %(date)s is in the future.") % {
        "date": accepted_on.strftime("%d/%m/%Y")}, code="date_in_future", field="accepted_on")
    _require(unit.is_active_on(accepted_on), _("Unit %(unit)s did not exist on %(date)s.") % {
        "unit": unit.code, "date": accepted_on.strftime("%d/%m/%Y")}, code="unit_inactive", field="unit_code")
    if category == Category.TIN_DUNG_NGAN_HANG:
        _require(creditor_bank is not None, _("A credit and banking case must name the creditor bank."),
                 code="bank_required", field="bank_code")
    else:
        _require(creditor_bank is None, _("Only a credit and banking case names a creditor bank."),
                 code="bank_not_allowed", field="bank_code")
    roles = {party.role for party in parties}
    _require(PartyRole.DEBTOR in roles, _("The judgment debtor is missing."), code="required", field="debtor_name")
    _require(PartyRole.CREDITOR in roles, _("The judgment creditor is missing."), code="required",
             field="creditor_name")
    for party in parties:
        _check_choice(party.role, PartyRole, "role")
        _check_choice(party.kind, PartyKind, "kind")
        _require(bool(party.name.strip()), _("The party name is missing."), code="required", field=f"{party.role}_name")
    _require(not Case.objects.filter(case_no=case_no).exists(),
             _("Case number %(case)s already exists.") % {"case": case_no}, code="duplicate_case_no", field="case_no")


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
    case_no = case_no.strip()
    if officer is None and actor is not None and not getattr(actor, "is_superuser", False):
        officer = actor if hasattr(actor, "officer_profile") else None

    case = Case(
        case_no=case_no, decision_no=decision_no.strip(), accepted_on=accepted_on, received_on=received_on,
        notified_on=notified_on, judgment_court=judgment_court, judgment_no=judgment_no,
        judgment_date=judgment_date, judgment_type=judgment_type, unit=unit, officer=officer, origin=origin,
        category=category, amount_due=amount_due, creditor_bank=creditor_bank, created_by=actor,
        stat_accepted_on=statistical_date(unit.pk, accepted_on),
    )
    _write_cache(case, workflow.initial_state(case_facts(case)))
    case.save()
    Party.objects.bulk_create([
        Party(case=case, role=p.role, kind=p.kind, name=p.name.strip(), name_folded=fold(p.name),
              id_number=p.id_number, address=p.address)
        for p in parties
    ])
    CaseChange.objects.create(case=case, kind=CaseChange.Kind.CASE_CREATED)
    case_deadlines_refresh([case.pk])
    case.refresh_from_db(fields=["next_due_on", "next_due_kind"])
    return case


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
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*changes, "updated_at"])
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
    return Case.objects.filter(pk__in=[case.pk for case in cases]).exclude(officer=officer).update(
        officer=officer, updated_at=timezone.now())


@transaction.atomic
def case_events_record(*, actor, case: Case, events: list[EventData], source: str = EventSource.WEB,
                       today: date | None = None) -> list[CaseEvent]:
    """Append events to a case's history, in order, and bring its cached state in step: all or none.

    Locks the case row, so two writers are applied one after the other; checks every event with the
    workflow against the state the previous ones leave. Raises PermissionDeniedError, or EventBatchRefused
    listing every refused event (nothing written)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not case_is_writable_by(actor, locked):
        raise PermissionDeniedError(_("You are not allowed to write to case %(case)s.") % {"case": locked.case_no})
    today = today or timezone.localdate()
    facts, state = case_facts(locked), case_cached_state(locked)
    closed_through = statistics_closed_through(locked.unit_id)
    recorded_by = actor if actor is not None and actor.is_authenticated else None
    rows, errors = [], []
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
        rows.append(CaseEvent(
            case=locked, sequence=state.event_count, date=data.date,
            stat_date=_after_closure(data.date, closed_through), kind=data.kind, amount=data.amount,
            ground=data.ground or "", ground_arose_on=data.ground_arose_on, note=data.note, source=source,
            status_after=state.status, ground_after=state.ground, collected_after=state.collected,
            reduced_after=state.reduced, terminated_after=state.terminated_amount, remaining_after=state.remaining,
            recorded_by=recorded_by))
    if errors:
        raise EventBatchRefused(errors)
    created = CaseEvent.objects.bulk_create(rows)
    # (SQLite ≥ 3.35 and PostgreSQL return the new ids from a bulk insert.)
    CaseChange.objects.bulk_create([CaseChange(case=locked, kind=CaseChange.Kind.EVENT_RECORDED, event=event)
                                    for event in created])
    _write_cache(locked, state)
    locked.save(update_fields=CACHE_FIELDS)
    case_deadlines_refresh([locked.pk])
    if case is not locked:  # callers holding the case instance see the new state too
        _write_cache(case, state)
    return created


def case_event_record(
    *, actor, case: Case, kind: str, date: date, amount: int | None = None, ground: str = "", note: str = "",
    ground_arose_on: date | None = None, source: str = EventSource.WEB, today: date | None = None,
) -> CaseEvent:
    """Append one event to a case's history (case_events_record with one event). Raises WorkflowError or
    DomainError (a rule refused it, nothing written) or PermissionDeniedError."""
    try:
        (event,) = case_events_record(actor=actor, case=case, source=source, today=today, events=[EventData(
            kind=kind, date=date, amount=amount, ground=ground or "", note=note, ground_arose_on=ground_arose_on)])
    except EventBatchRefused as refused:
        raise refused.errors[0][1] from None
    return event


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
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError()
    _check_choice(role, PartyRole, "role")
    _check_choice(kind, PartyKind, "kind")
    _require(bool(name.strip()), _("The party name is missing."), code="required", field="name")
    party = Party.objects.create(case=case, role=role, kind=kind, name=name.strip(), id_number=id_number,
                                 address=address)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())  # readers syncing by updated_at see it
    return party


def _payout_shortfall(case: Case, paid_on: date, amount: int) -> int | None:
    """With a new payout of ``amount`` on ``paid_on``, the most by which payouts would exceed collections
    on any day from ``paid_on`` on (None if they never do). Money cannot be paid out before it is
    collected, and a back-dated payout must not leave a later one uncovered."""
    collections = list(CaseEvent.objects.filter(case=case, kind=EventKind.THU_TIEN).values_list("date", "amount"))
    payouts = list(Payout.objects.filter(case=case).values_list("paid_on", "amount")) + [(paid_on, amount)]
    worst = None
    for day in sorted({paid_on, *(d for d, _a in payouts if d >= paid_on)}):
        collected = sum(a for d, a in collections if d <= day)
        paid = sum(a for d, a in payouts if d <= day)
        if paid > collected:
            worst = max(worst or 0, paid - collected)
    return worst


def payout_check(*, actor, case: Case, paid_on: date, amount: int, today: date | None = None) -> None:
    """Raise DomainError if payout_record would refuse; writes nothing."""
    if not case_is_writable_by(actor, case):
        raise PermissionDeniedError()
    _require(isinstance(amount, int) and not isinstance(amount, bool) and amount > 0,
             _("The amount must be a positive whole number (đồng)."), code="amount_not_positive", field="amount")
    _require(paid_on <= (today or timezone.localdate()), _("The payout date is in the future."), code="date_in_future",
             field="paid_on")
    shortfall = _payout_shortfall(case, paid_on, amount)
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
                                   note=note, recorded_by=actor)
    locked.save(update_fields=["updated_at"])  # readers syncing by updated_at see it
    case_deadlines_refresh([locked.pk])
    return payout
