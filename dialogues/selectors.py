"""Reads of the dialogues, and who may see or organise which session.

- A unit organises and reads the sessions of its jurisdiction: a person reads the sessions organised by a unit
  whose cases they read (thads.org.selectors.readable_unit_ids) and organises (writes) those of a unit they may
  write in (writable_unit_ids: unit heads and central administrators). An officer also reads every session
  where a case assigned to them is on the agenda or where they owe a commitment.
- A bank reads only the sessions it takes part in, their agenda items for its own cases, and the commitments on
  its own cases or owed by it.
"""
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dialogues.models import AgendaItem, Commitment, CommitmentParty, CommitmentStatus, Session, SessionBank
from thads.org.selectors import ALL_UNITS, readable_unit_ids, writable_unit_ids


def session_list_for_user(user) -> QuerySet[Session]:
    """The sessions ``user`` may read (none for anybody without a role)."""
    sessions = Session.objects.select_related("organiser")
    unit_ids = readable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return sessions
    if not getattr(user, "is_authenticated", False):
        return sessions.none()
    involved = (Q(Exists(AgendaItem.objects.filter(session=OuterRef("pk"), case__officer_id=user.pk)))
                | Q(Exists(Commitment.objects.filter(session=OuterRef("pk"), owner_user_id=user.pk))))
    return sessions.filter(Q(organiser_id__in=unit_ids) | involved)


def session_is_writable_by(user, session: Session) -> bool:
    """Whether ``user`` may organise ``session``: plan it, change its agenda, record its minutes."""
    return unit_may_organise(user, session.organiser_id)


def unit_may_organise(user, unit_id: int) -> bool:
    if user is None:  # system operations: the demo loader
        return True
    unit_ids = writable_unit_ids(user)
    return unit_ids is ALL_UNITS or unit_id in unit_ids


def organiser_units_for(user):
    """The units in whose name ``user`` may organise dialogues."""
    from thads.org.models import Unit

    unit_ids = writable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return Unit.objects.active_on(timezone.localdate())
    return Unit.objects.active_on(timezone.localdate()).filter(pk__in=unit_ids)


def session_banks(session: Session) -> list[SessionBank]:
    return list(session.banks.select_related("bank").order_by("bank__code"))


def agenda_of(session: Session, *, include_removed: bool = False) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.filter(session=session).select_related(
        "case", "case__unit", "case__officer__officer_profile", "case__creditor_bank")
    if not include_removed:
        items = items.filter(removed=False)
    return items.order_by("removed", "rank", "id")


def commitments_of(session: Session) -> QuerySet[Commitment]:
    return (Commitment.objects.filter(session=session)
            .select_related("case", "owner_user__officer_profile", "owner_bank", "owner_unit", "agenda_item")
            .order_by("agenda_item__rank", "due_on", "id"))


def is_overdue(commitment: Commitment, *, today: date) -> bool:
    """An open commitment whose due date has passed (the due date itself is still in time)."""
    return commitment.status == CommitmentStatus.OPEN and commitment.due_on < today


def overdue_commitments(commitments: QuerySet[Commitment], *, today: date) -> QuerySet[Commitment]:
    return commitments.filter(status=CommitmentStatus.OPEN, due_on__lt=today)


def open_commitments_of_officer(user, *, today: date | None = None) -> QuerySet[Commitment]:
    """The open commitments ``user`` is responsible for (as the named officer), most urgent first. The
    commitment names them, so they read it (and its case number) whatever the case's unit: the organiser chose
    them among the officers of its jurisdiction (dialogues.services.commitment_record). One query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Commitment.objects.none()
    rows = Commitment.objects.filter(owner_user_id=user.pk, status=CommitmentStatus.OPEN)
    return rows.select_related("case", "session", "session__organiser").order_by("due_on", "id")


def open_commitments_of_case(case, *, today: date | None = None) -> list[Commitment]:
    """The open commitments on ``case`` (whoever owes them), for the case page; scoping is the case's own."""
    return list(Commitment.objects.filter(case=case, status=CommitmentStatus.OPEN)
                .select_related("session", "owner_user__officer_profile", "owner_bank", "owner_unit")
                .order_by("due_on", "id"))


# ---- the bank's view (for the bank API) ------------------------------------------------------------------

def sessions_for_bank(bank) -> QuerySet[Session]:
    """The sessions ``bank`` takes part in."""
    return Session.objects.filter(banks__bank=bank).select_related("organiser").distinct()


def session_summaries_for_bank(bank) -> QuerySet[Session]:
    """``sessions_for_bank`` with what the bank API shows of each: ``bank_representatives`` (the bank's own
    people at it) and ``bank_agenda_items`` (how many of the bank's own cases are on its agenda)."""
    representatives = SessionBank.objects.filter(session=OuterRef("pk"), bank=bank).values("representatives")[:1]
    items = (AgendaItem.objects.filter(session=OuterRef("pk"), case__creditor_bank=bank, removed=False)
             .order_by().values("session").annotate(n=Count("pk")).values("n"))
    return sessions_for_bank(bank).annotate(bank_representatives=Subquery(representatives),
                                            bank_agenda_items=Coalesce(Subquery(items), 0))


def agenda_for_bank(bank, session: Session | None = None) -> QuerySet[AgendaItem]:
    """The agenda items on ``bank``'s own cases (in sessions it takes part in), removed ones left out."""
    items = AgendaItem.objects.filter(case__creditor_bank=bank, removed=False, session__banks__bank=bank)
    if session is not None:
        items = items.filter(session=session)
    return items.select_related("case", "session").order_by("session_id", "rank")


def commitments_for_bank(bank) -> QuerySet[Commitment]:
    """The commitments ``bank`` may read: those it owes, and every commitment on its own cases."""
    return (Commitment.objects.filter(Q(owner_bank=bank) | Q(case__creditor_bank=bank, session__banks__bank=bank))
            .select_related("case", "session", "owner_bank").distinct().order_by("due_on", "id"))


def commitment_of_bank(bank, commitment_id: int) -> Commitment:
    """One commitment that ``bank`` owes (raises Commitment.DoesNotExist otherwise)."""
    return Commitment.objects.select_related("owner_bank").get(pk=commitment_id, party=CommitmentParty.BANK,
                                                               owner_bank=bank)


# ---- the yearly plan -------------------------------------------------------------------------------------

def bank_proposal(organiser, *, on: date, limit: int = 5) -> list[dict]:
    """The banks to invite: those with the most money, then cases, *with conditions* among their cases in
    ``organiser``'s jurisdiction, over the fiscal year to ``on`` (reports.engine with the bank filter, so the
    figures are the dashboard's). Each row: bank, cases and money with conditions, resolved, to enforce."""
    from banks.models import Bank
    from cases.codes import Category
    from cases.models import Case
    from reports.engine import unit_figures
    from thads.core.dates import fiscal_year_bounds, fiscal_year_of
    from thads.org.selectors import jurisdiction_unit_ids

    start, _end = fiscal_year_bounds(fiscal_year_of(on))
    unit_ids = jurisdiction_unit_ids(organiser, on=on)
    bank_ids = (Case.objects.filter(unit_id__in=unit_ids, category=Category.TIN_DUNG_NGAN_HANG,
                                    stat_accepted_on__lte=on)
                .order_by().values_list("creditor_bank_id", flat=True).distinct())
    rows = []
    for bank in Bank.objects.filter(pk__in=list(bank_ids)):
        figures = unit_figures(organiser, start=start, end=on, category=Category.TIN_DUNG_NGAN_HANG, bank_id=bank.pk)
        cases, money = figures.cases(), figures.money()
        if not cases["to_enforce"]:
            continue
        rows.append({"bank": bank, "cases_with_conditions": cases["with_conditions"],
                     "money_with_conditions": money["with_conditions"], "cases_to_enforce": cases["to_enforce"],
                     "money_to_enforce": money["to_enforce"], "cases_resolved": cases["resolved"],
                     "money_resolved": money["resolved"]})
    rows.sort(key=lambda row: (-row["money_with_conditions"], -row["cases_with_conditions"], row["bank"].code))
    return rows[:limit]
