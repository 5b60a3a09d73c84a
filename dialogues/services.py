"""Every write of the dialogues: plan a session, build and edit its agenda, record the minutes and the
commitments, follow them up. Each function checks everything first and raises DomainError (a message in the
user's language, a stable code) before writing anything; each runs in one transaction.

The bank API calls ``commitment_complete_by_bank`` only: a bank marks its own commitment done, once, with an
idempotency key (a repeated call with the same key returns the same result and changes nothing).
"""
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Bank
from cases.changes import Kind as ChangeKind
from cases.changes import changes_record
from cases.codes import ENDED_STATUSES, Category
from cases.models import Case
from dialogues.agenda import propose
from dialogues.models import (
    AgendaItem,
    Commitment,
    CommitmentKind,
    CommitmentParty,
    CommitmentStatus,
    IssueCategory,
    Participant,
    ParticipantKind,
    Reason,
    Session,
    SessionBank,
    SessionStatus,
)
from dialogues.selectors import session_is_writable_by, unit_may_organise
from thads.audit.models import Action
from thads.audit.services import audit_record, creation, field_values, instance_diff
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.selectors import jurisdiction_unit_ids

BANK_KINDS = frozenset({CommitmentKind.ACCEPT_ASSET, CommitmentKind.WAIVE_INTEREST, CommitmentKind.SUPPLY_DOCUMENTS,
                        CommitmentKind.NEW_VALUATION, CommitmentKind.SETTLEMENT_SCHEDULE, CommitmentKind.OTHER})


def _require(condition: bool, message: str, *, code: str, field: str | None = None) -> None:
    if not condition:
        raise DomainError(message, code=code, field=field)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _calendar():
    from cases.selectors import working_calendar

    return working_calendar()


def _require_organiser(actor, session: Session) -> None:
    if not session_is_writable_by(actor, session):
        raise PermissionDeniedError(_("Only the organising unit's heads may change this dialogue."))


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("organiser").get(pk=session.pk)


def _require_status(session: Session, *statuses: str) -> None:
    _require(session.status in statuses, _("The dialogue is %(status)s: this cannot be done now.") % {
        "status": session.get_status_display().lower()}, code="wrong_status")


# ---- sessions ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BankData:
    bank: Bank
    representatives: str = ""


@dataclass(frozen=True)
class OtherParticipant:
    kind: str  # ParticipantKind.STATE_BANK or OTHER
    name: str
    position: str = ""
    organisation: str = ""


def session_create(*, actor, organiser, held_on: date, place: str, banks: list[BankData], title: str = "",
                   notes: str = "", agency_people=(), others: list[OtherParticipant] = (),
                   failed_rounds_threshold: int = 3, idle_months: int = 6,
                   large_amount: int = 1_000_000_000) -> Session:
    """Plan a dialogue of ``organiser`` with ``banks`` on ``held_on`` (status planned). The officers of the
    cases put on the agenda join the participants when the agenda is accepted."""
    if not unit_may_organise(actor, organiser.pk):
        raise PermissionDeniedError(_("You may not organise dialogues for this unit."))
    _require(held_on is not None, _("Give the date of the dialogue."), code="required", field="held_on")
    _require(bool((place or "").strip()), _("Give the place of the dialogue."), code="required", field="place")
    _require(bool(banks), _("Choose at least one bank."), code="required", field="banks")
    bank_ids = [item.bank.pk for item in banks]
    _require(len(set(bank_ids)) == len(bank_ids), _("A bank is listed twice."), code="duplicate", field="banks")
    _require(organiser.is_active_on(held_on), _("The organising unit does not exist on that date."),
             code="unit_inactive", field="held_on")
    _require(failed_rounds_threshold >= 1 and idle_months >= 1 and large_amount > 0,
             _("The thresholds of a stuck case must be positive."), code="invalid", field="failed_rounds_threshold")
    for other in others:
        _require(other.kind in (ParticipantKind.STATE_BANK, ParticipantKind.OTHER) and bool(other.name.strip()),
                 _("Each other participant needs a name and a kind."), code="invalid", field="others")
    with transaction.atomic():
        session = Session.objects.create(
            organiser=organiser, held_on=held_on, place=place.strip(), title=title.strip(), notes=notes,
            failed_rounds_threshold=failed_rounds_threshold, idle_months=idle_months, large_amount=large_amount,
            created_by=_actor(actor))
        SessionBank.objects.bulk_create([SessionBank(session=session, bank=item.bank,
                                                     representatives=item.representatives.strip())
                                         for item in banks])
        for person in agency_people:
            Participant.objects.get_or_create(session=session, user=person, defaults={"kind": ParticipantKind.AGENCY})
        Participant.objects.bulk_create([Participant(session=session, kind=other.kind, name=other.name.strip(),
                                                     position=other.position, organisation=other.organisation)
                                         for other in others])
        audit_record(actor=actor, action=Action.SESSION_CREATE, obj=session, case=None, unit=organiser,
                     changes={**creation(session, ["held_on", "place", "title", "notes", "status"]),
                              "banks": (None, sorted(bank_ids))})
    return session


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def session_hold(*, actor, session: Session, notes: str | None = None, today: date | None = None) -> Session:
    """Record that the planned dialogue took place (on its date, which must have come)."""
    session = _locked(session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.PLANNED)
    _require(session.held_on <= _today(today), _("The dialogue's date has not come yet."), code="future",
             field="held_on")
    before = field_values(session, ["status", "held_at", "notes"])
    session.status, session.held_at = SessionStatus.HELD, timezone.now()
    if notes is not None:
        session.notes = notes
    session.save(update_fields=["status", "held_at", "notes"])
    audit_record(actor=actor, action=Action.SESSION_HOLD, obj=session, case=None, unit=session.organiser,
                 changes=instance_diff(before, session))
    return session


@transaction.atomic
def session_close(*, actor, session: Session, notes: str | None = None) -> Session:
    """Close the minutes: the agenda and the commitments are fixed; the commitments are then followed up."""
    session = _locked(session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.HELD)
    before = field_values(session, ["status", "closed_at", "notes"])
    session.status, session.closed_at = SessionStatus.CLOSED, timezone.now()
    if notes is not None:
        session.notes = notes
    session.save(update_fields=["status", "closed_at", "notes"])
    audit_record(actor=actor, action=Action.SESSION_CLOSE, obj=session, case=None, unit=session.organiser,
                 changes=instance_diff(before, session))
    return session


# ---- the agenda ------------------------------------------------------------------------------------------

def _add_officer(session: Session, case: Case) -> None:
    if case.officer_id:
        Participant.objects.get_or_create(session=session, user_id=case.officer_id,
                                          defaults={"kind": ParticipantKind.AGENCY})


@transaction.atomic
def agenda_accept(*, actor, session: Session, case_ids: list[int] | None = None) -> list[AgendaItem]:
    """Put the proposed agenda (dialogues.agenda.propose), or the part of it given by ``case_ids``, on the
    session; cases already on it keep their item. The officers holding the files join the participants."""
    session = _locked(session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.PLANNED, SessionStatus.HELD)
    proposed = propose(session)
    if case_ids is not None:
        wanted = set(case_ids)
        unknown = wanted - {item.case.pk for item in proposed}
        _require(not unknown, _("Some of the chosen cases are not among the proposed ones."), code="not_proposed",
                 field="case_ids")
        proposed = [item for item in proposed if item.case.pk in wanted]
    present = set(AgendaItem.objects.filter(session=session).values_list("case_id", flat=True))
    next_rank = _next_rank(session)
    created = []
    for item in proposed:
        if item.case.pk in present:
            continue
        created.append(AgendaItem.objects.create(
            session=session, case=item.case, reasons=item.reasons, reason_detail="; ".join(item.detail),
            rank=next_rank, amount_remaining=item.amount_remaining, issue_category=_default_issue(item.reasons),
            created_by=_actor(actor)))
        audit_record(actor=actor, action=Action.AGENDA_ADD, obj=created[-1],
                     changes=creation(created[-1], AGENDA_FIELDS))
        next_rank += 1
        _add_officer(session, item.case)
    return created


AGENDA_FIELDS = ["session", "rank", "issue_category", "reason_detail"]


def _next_rank(session: Session) -> int:
    last = AgendaItem.objects.filter(session=session).order_by("-rank").values_list("rank", flat=True).first()
    return (last or 0) + 1


def _default_issue(reasons: list[str]) -> str:
    if Reason.OFFER_DECLINED in reasons or Reason.FLOOR_REACHED in reasons:
        return IssueCategory.BANK_DECLINES_ASSET
    if Reason.FAILED_ROUNDS in reasons:
        return IssueCategory.UNSOLD_ASSET
    if Reason.VALUATION_PENDING in reasons:
        return IssueCategory.VALUATION
    if Reason.IDLE in reasons:
        return IssueCategory.LONG_RUNNING
    return ""


@transaction.atomic
def agenda_add(*, actor, session: Session, case: Case, issue_category: str = "", detail: str = "") -> AgendaItem:
    """Add a case the data did not propose: it must be a credit case of one of the session's banks, in the
    organiser's jurisdiction, and not ended."""
    session = _locked(session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.PLANNED, SessionStatus.HELD)
    _require(issue_category in ("", *IssueCategory.values), _("Unknown issue."), code="invalid_choice",
             field="issue_category")
    _require(case.category == Category.TIN_DUNG_NGAN_HANG
             and session.banks.filter(bank_id=case.creditor_bank_id).exists(),
             _("The case's creditor is not one of the banks of this dialogue."), code="not_session_bank", field="case")
    _require(case.unit_id in jurisdiction_unit_ids(session.organiser, on=session.held_on),
             _("The case is outside the organising unit's jurisdiction."), code="out_of_scope", field="case")
    _require(_status_on_eve(case, session.held_on) not in ENDED_STATUSES,
             _("The case had ended before the dialogue."), code="case_ended", field="case")
    existing = AgendaItem.objects.filter(session=session, case=case).first()
    if existing is not None:
        _require(existing.removed, _("The case is already on the agenda."), code="duplicate", field="case")
        before = field_values(existing, ["removed", "removed_reason", "issue_category"])
        existing.removed, existing.removed_reason = False, ""
        existing.issue_category = issue_category or existing.issue_category
        existing.save(update_fields=["removed", "removed_reason", "issue_category"])
        audit_record(actor=actor, action=Action.AGENDA_ADD, obj=existing, changes=instance_diff(before, existing))
        return existing
    item = AgendaItem.objects.create(
        session=session, case=case, reasons=[Reason.ADDED], reason_detail=detail.strip(), rank=_next_rank(session),
        amount_remaining=case.amount_remaining, issue_category=issue_category, added_by_organiser=True,
        created_by=_actor(actor))
    audit_record(actor=actor, action=Action.AGENDA_ADD, obj=item, changes=creation(item, AGENDA_FIELDS))
    _add_officer(session, case)
    return item


def _status_on_eve(case: Case, held_on: date) -> str:
    """The case's status on the eve of the session (from its events, as the agenda builder reads it)."""
    from cases.models import CaseEvent

    status = (CaseEvent.objects.filter(case=case, date__lt=held_on).order_by("-sequence")
              .values_list("status_after", flat=True).first())
    return status or "with_conditions"


@transaction.atomic
def agenda_remove(*, actor, item: AgendaItem, reason: str) -> AgendaItem:
    """Take a case off the agenda (kept, marked removed, with why). Not once it carries commitments."""
    session = _locked(item.session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.PLANNED, SessionStatus.HELD)
    _require(bool((reason or "").strip()), _("Say why the case is removed."), code="required", field="reason")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    _require(not item.removed, _("The case is already off the agenda."), code="already_removed")
    _require(not item.commitments.exists(), _("Commitments were recorded for this case: it stays on the agenda."),
             code="has_commitments")
    before = field_values(item, ["removed", "removed_reason"])
    item.removed, item.removed_reason = True, reason.strip()
    item.save(update_fields=["removed", "removed_reason"])
    audit_record(actor=actor, action=Action.AGENDA_REMOVE, obj=item, changes=instance_diff(before, item))
    return item


@transaction.atomic
def agenda_item_update(*, actor, item: AgendaItem, issue_category: str | None = None,
                       discussion: str | None = None) -> AgendaItem:
    """Record the issue of a case and what was discussed (the minutes), until the session is closed."""
    session = _locked(item.session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.PLANNED, SessionStatus.HELD)
    _require(issue_category is None or issue_category in ("", *IssueCategory.values), _("Unknown issue."),
             code="invalid_choice", field="issue_category")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    _require(not item.removed, _("The case is off the agenda."), code="removed")
    before = field_values(item, ["issue_category", "discussion"])
    if issue_category is not None:
        item.issue_category = issue_category
    if discussion is not None:
        item.discussion = discussion
    item.save(update_fields=["issue_category", "discussion"])
    if changes := instance_diff(before, item):
        audit_record(actor=actor, action=Action.AGENDA_UPDATE, obj=item, changes=changes)
    return item


# ---- commitments -----------------------------------------------------------------------------------------

def commitment_due_date(session: Session, *, working_days: int, calendar=None) -> date:
    """The date ``working_days`` working days after the session (public holidays and Tết skipped)."""
    return (calendar or _calendar()).add_working_days(session.held_on, working_days)


@transaction.atomic
def commitment_record(*, actor, item: AgendaItem, party: str, kind: str, text: str, due_on: date | None = None,
                      due_in_working_days: int | None = None, owner_user=None, owner_bank: Bank | None = None,
                      owner_unit=None, owner_other: str = "", price: int | None = None) -> Commitment:
    """Record what one side commits to for a case on the agenda of a held session. The due date is given, or
    counted in working days from the session; it must be a working day on or after the session's date."""
    session = _locked(item.session)
    _require_organiser(actor, session)
    _require_status(session, SessionStatus.HELD)
    item = AgendaItem.objects.select_related("case").get(pk=item.pk)
    _require(not item.removed, _("The case is off the agenda."), code="removed")
    _require(party in CommitmentParty.values, _("Unknown party."), code="invalid_choice", field="party")
    _require(kind in CommitmentKind.values, _("Unknown kind of commitment."), code="invalid_choice", field="kind")
    _require(bool((text or "").strip()), _("Write what is committed."), code="required", field="text")
    _require(price is None or price > 0, _("The price must be a positive whole number of đồng."), code="invalid",
             field="price")
    _require(kind != CommitmentKind.ACCEPT_ASSET or price is not None,
             _("Give the price at which the bank takes the asset."), code="required", field="price")
    owners = {"owner_user": None, "owner_bank": None, "owner_unit": None, "owner_other": ""}
    if party == CommitmentParty.BANK:
        _require(owner_bank is not None and session.banks.filter(bank=owner_bank).exists(),
                 _("The bank must be one of the banks of this dialogue."), code="invalid", field="owner_bank")
        _require(kind in BANK_KINDS, _("This is not something a bank commits to."), code="invalid", field="kind")
        owners["owner_bank"] = owner_bank
    elif party == CommitmentParty.OFFICER:
        _require(owner_user is not None and getattr(owner_user, "officer_profile", None) is not None,
                 _("Choose the responsible officer."), code="required", field="owner_user")
        _require(owner_user.officer_profile.unit_id in jurisdiction_unit_ids(session.organiser, on=session.held_on),
                 _("The officer does not work in the organising unit's jurisdiction."), code="out_of_scope",
                 field="owner_user")
        owners["owner_user"] = owner_user
    elif party == CommitmentParty.UNIT:
        _require(owner_unit is not None
                 and owner_unit.pk in jurisdiction_unit_ids(session.organiser, on=session.held_on),
                 _("Choose a unit of the organising unit's jurisdiction."), code="invalid", field="owner_unit")
        owners["owner_unit"] = owner_unit
    else:
        _require(bool((owner_other or "").strip()), _("Name the responsible body."), code="required",
                 field="owner_other")
        owners["owner_other"] = owner_other.strip()
    calendar = _calendar()
    if due_on is None:
        _require(due_in_working_days is not None and due_in_working_days > 0,
                 _("Give a due date or a number of working days."), code="required", field="due_on")
        due_on = calendar.add_working_days(session.held_on, due_in_working_days)
    _require(due_on >= session.held_on, _("The due date is before the dialogue."), code="date_order", field="due_on")
    _require(calendar.is_working_day(due_on), _("The due date %(date)s is not a working day.") % {
        "date": due_on.strftime("%d/%m/%Y")}, code="not_working_day", field="due_on")
    commitment = Commitment.objects.create(session=session, agenda_item=item, case=item.case, party=party, kind=kind,
                                           text=text.strip(), price=price, due_on=due_on, created_by=_actor(actor),
                                           **owners)
    recorded = field_values(commitment, ("party", "kind", "text", "due_on", "price", "status"))
    audit_record(actor=actor, action=Action.COMMITMENT_RECORD, obj=commitment,
                 changes={field: (None, value) for field, value in recorded.items() if value not in (None, "")})
    _commitment_changed(ChangeKind.COMMITMENT_CREATED, commitment)
    return commitment


# What a change of a commitment's status is recorded with in the audit trail.
STATUS_AUDITED = ("status", "done_on", "missed_on", "outcome_note")


def _audit_status(*, actor, commitment: Commitment, before: dict, note: str = "") -> None:
    audit_record(actor=actor, action=Action.COMMITMENT_STATUS, obj=commitment,
                 changes=instance_diff(before, commitment), note=note)


def _commitment_changed(kind: str, commitment: Commitment) -> None:
    """The case's feed row of a commitment recorded, done, or otherwise changed (marked missed): the
    commitment as it now stands, without its text (the bank reads it at /commitments/)."""
    owner_bank = commitment.owner_bank.code if commitment.owner_bank_id else None
    changes_record(kind, [commitment.case_id], {
        "commitment_id": commitment.pk, "session": commitment.session_id, "party": commitment.party,
        "owner_bank": owner_bank, "kind": commitment.kind, "price": commitment.price, "due_on": commitment.due_on,
        "status": commitment.status, "done_on": commitment.done_on, "missed_on": commitment.missed_on})


def _may_follow_up(actor, commitment: Commitment) -> bool:
    return (session_is_writable_by(actor, commitment.session)
            or (commitment.party == CommitmentParty.OFFICER and actor is not None
                and commitment.owner_user_id == getattr(actor, "pk", None)))


def _lock_commitment(commitment_id: int) -> Commitment:
    return Commitment.objects.select_for_update().select_related("session", "session__organiser").get(
        pk=commitment_id)


@transaction.atomic
def commitment_complete(*, actor, commitment: Commitment, done_on: date, note: str = "",
                        today: date | None = None) -> Commitment:
    """Mark an open commitment done on ``done_on`` (by the organiser, or by the officer who owes it)."""
    commitment = _lock_commitment(commitment.pk)
    if not _may_follow_up(actor, commitment):
        raise PermissionDeniedError(_("You may not follow up this commitment."))
    _check_completion(commitment, done_on, _today(today))
    before = field_values(commitment, STATUS_AUDITED)
    commitment.status, commitment.done_on, commitment.done_at = CommitmentStatus.DONE, done_on, timezone.now()
    commitment.outcome_note = note.strip()
    commitment.save(update_fields=["status", "done_on", "done_at", "outcome_note"])
    _audit_status(actor=actor, commitment=commitment, before=before)
    _commitment_changed(ChangeKind.COMMITMENT_DONE, commitment)
    return commitment


def _check_completion(commitment: Commitment, done_on: date, today: date) -> None:
    _require(commitment.status == CommitmentStatus.OPEN, _("The commitment is no longer open."), code="not_open")
    _require(commitment.session.status != SessionStatus.PLANNED, _("The dialogue has not been held."),
             code="wrong_status")
    _require(done_on is not None and commitment.session.held_on <= done_on <= today,
             _("The date it was done must be between the dialogue and today."), code="date_order", field="done_on")


def commitment_complete_by_bank(*, bank: Bank, commitment_id: int, key: str, done_on: date | None = None,
                                note: str = "", today: date | None = None) -> tuple[Commitment, bool]:
    """The bank marks one of its own commitments done (the bank API). Returns (commitment, created):
    repeating the call with the same ``key`` returns the commitment as it was marked and ``False``, and
    changes nothing; another bank's commitment, or one that is not the bank's to keep, is not found
    (Commitment.DoesNotExist). A key is used once per bank."""
    from dialogues.selectors import commitment_of_bank

    key = (key or "").strip()
    _require(0 < len(key) <= 128, _("Give an idempotency key of 1 to 128 characters."), code="required",
             field="idempotency_key")
    today = _today(today)
    done_on = done_on or today
    replay = Commitment.objects.filter(owner_bank=bank, idempotency_key=key).first()
    if replay is not None:
        _require(replay.pk == commitment_id, _("This idempotency key was already used for another commitment."),
                 code="key_reused", field="idempotency_key")
        return replay, False
    try:
        with transaction.atomic():
            commitment_of_bank(bank, commitment_id)  # scoping: raises DoesNotExist for anything not the bank's
            commitment = _lock_commitment(commitment_id)
            _check_completion(commitment, done_on, today)
            before = field_values(commitment, STATUS_AUDITED)
            commitment.status, commitment.done_on, commitment.done_at = CommitmentStatus.DONE, done_on, timezone.now()
            commitment.idempotency_key, commitment.outcome_note = key, note.strip()
            commitment.save(update_fields=["status", "done_on", "done_at", "idempotency_key", "outcome_note"])
            _audit_status(actor=None, commitment=commitment, before=before,
                          note=_("Marked done by bank %(bank)s") % {"bank": bank.code})
            _commitment_changed(ChangeKind.COMMITMENT_DONE, commitment)
            return commitment, True
    except IntegrityError:  # the same key raced in: the other call's result stands
        replay = Commitment.objects.get(owner_bank=bank, idempotency_key=key)
        _require(replay.pk == commitment_id, _("This idempotency key was already used for another commitment."),
                 code="key_reused", field="idempotency_key")
        return replay, False


@transaction.atomic
def commitment_mark_missed(*, actor, commitment: Commitment, on: date | None = None, note: str = "") -> Commitment:
    """Record that an open commitment was not kept: only once its due date has passed."""
    commitment = _lock_commitment(commitment.pk)
    _require_organiser(actor, commitment.session)
    on = _today(on)
    _require(commitment.status == CommitmentStatus.OPEN, _("The commitment is no longer open."), code="not_open")
    _require(commitment.due_on < on, _("The commitment is not yet overdue."), code="not_overdue")
    before = field_values(commitment, STATUS_AUDITED)
    commitment.status, commitment.missed_on, commitment.outcome_note = CommitmentStatus.MISSED, on, note.strip()
    commitment.save(update_fields=["status", "missed_on", "outcome_note"])
    _audit_status(actor=actor, commitment=commitment, before=before)
    _commitment_changed(ChangeKind.COMMITMENT_UPDATED, commitment)
    return commitment
