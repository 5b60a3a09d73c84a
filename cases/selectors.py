"""Reads of cases. Scoping (which cases a person may see or change) is decided here and only here."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.workflow import CaseFacts, CaseState, EventInput, replay
from thads.org.selectors import ALL_UNITS, officer_profile_of, readable_unit_ids, writable_unit_ids


def case_list_for_user(user) -> QuerySet[Case]:
    """The cases ``user`` may read (an empty queryset for anybody without a role)."""
    cases = Case.objects.select_related("unit", "officer", "creditor_bank")
    unit_ids = readable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return cases
    return cases.filter(unit_id__in=unit_ids)


def event_list_for_user(user) -> QuerySet[CaseEvent]:
    events = CaseEvent.objects.select_related("case", "case__unit", "recorded_by")
    unit_ids = readable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return events
    return events.filter(case__unit_id__in=unit_ids)


def unit_is_writable_by(user, unit_id: int) -> bool:
    """Whether ``user`` may create cases in a unit: unit heads and administrators in their scope, and
    officers in their own unit (the new case is then theirs)."""
    if user is None:  # system operations: import, demo loader
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    unit_ids = writable_unit_ids(user)
    if unit_ids is ALL_UNITS or unit_id in unit_ids:
        return True
    profile = officer_profile_of(user)
    return profile is not None and profile.role == "officer" and profile.unit_id == unit_id


def units_open_to_new_cases(user):
    """The units in which ``user`` may accept new cases (see unit_is_writable_by)."""
    from thads.org.models import Unit

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    writable = writable_unit_ids(user)
    if writable is ALL_UNITS:
        return Unit.objects.all()
    profile = officer_profile_of(user)
    own = {profile.unit_id} if profile is not None and profile.role == "officer" else set()
    return Unit.objects.filter(id__in=writable | own)


def can_assign_officers(user, case: Case | None = None) -> bool:
    """Assigning a case to an officer is for unit heads and administrators in whose scope the case is."""
    if user is None:
        return True
    unit_ids = writable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return True
    return bool(unit_ids) and (case is None or case.unit_id in unit_ids)


def assignable_officers(user):
    """Users who can be assigned cases by ``user``: the officers of the units ``user`` reads."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(officer_profile__isnull=False, is_active=True)
    unit_ids = readable_unit_ids(user)
    if unit_ids is not ALL_UNITS:
        users = users.filter(officer_profile__unit_id__in=unit_ids)
    return users.select_related("officer_profile").order_by("officer_profile__full_name")


def officer_label(user) -> str:
    profile = getattr(user, "officer_profile", None)
    return f"{profile.full_name} ({user.username})" if profile else user.get_username()


def case_is_writable_by(user, case: Case) -> bool:
    """Officers write the cases assigned to them (within the units they read); unit heads and
    administrators write every case in their scope; statisticians write nothing."""
    if user is None:
        return True
    unit_ids = writable_unit_ids(user)
    if unit_ids is ALL_UNITS or case.unit_id in unit_ids:
        return True
    profile = officer_profile_of(user)
    if profile is None or profile.role != "officer" or case.officer_id != user.pk:
        return False
    readable = readable_unit_ids(user)
    return readable is ALL_UNITS or case.unit_id in readable


def case_facts(case: Case) -> CaseFacts:
    return CaseFacts(case_no=case.case_no, category=case.category, accepted_on=case.accepted_on,
                     amount_due=case.amount_due)


def case_cached_state(case: Case) -> CaseState:
    """The current state as cached on the case row (kept in step by cases.services)."""
    return CaseState(
        status=case.status, ground=case.status_ground, amount_due=case.amount_due,
        collected=case.amount_collected, reduced=case.amount_reduced, terminated_amount=case.amount_terminated,
        last_event_on=case.last_event_on, ended_on=case.ended_on, event_count=case.event_count,
    )


def case_event_inputs(case: Case) -> list[EventInput]:
    rows = CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", "date", "amount", "ground")
    return [EventInput(kind=kind, date=day, amount=amount, ground=ground) for kind, day, amount, ground in rows]


def case_state_on(case: Case, on: date | None = None) -> CaseState:
    """The state of ``case`` on date ``on`` (all events of that day included), rebuilt from its events.
    ``on=None`` gives the state after every event. Raises ValueError for a date before acceptance."""
    return replay(case_facts(case), case_event_inputs(case), on=on)


# ---- deadlines --------------------------------------------------------------------------------------------

def working_calendar():
    """The working-day calendar from the PublicHoliday table."""
    from cases.models import PublicHoliday
    from thads.core.dates import WorkingCalendar

    days_off, extra = [], []
    for day, kind in PublicHoliday.objects.values_list("date", "kind"):
        (days_off if kind == PublicHoliday.Kind.DAY_OFF else extra).append(day)
    return WorkingCalendar(days_off, extra)


def _deadline_inputs(case: Case, events, payouts):
    from cases.deadlines import DeadlineCase, DeadlineEvent

    facts = DeadlineCase(accepted_on=case.accepted_on, origin=case.origin, judgment_type=case.judgment_type,
                         received_on=case.received_on, notified_on=case.notified_on)
    event_rows = [DeadlineEvent(sequence=e.sequence, kind=e.kind, date=e.date, amount=e.amount, ground=e.ground,
                                ground_arose_on=e.ground_arose_on) for e in events]
    payout_rows = [(p.paid_on, p.amount) for p in payouts]
    return facts, event_rows, payout_rows


def case_deadlines(case: Case, *, calendar=None, events=None, payouts=None):
    """Every legal deadline of ``case``, met or not, by due date. Pass ``events`` / ``payouts`` already
    fetched (in order) to save their queries."""
    from cases.deadlines import compute_deadlines

    facts, events, payouts = _deadline_inputs(
        case, events if events is not None else case.events.order_by("sequence"),
        payouts if payouts is not None else case.payouts.all())
    return compute_deadlines(facts, events, payouts, calendar or working_calendar())


@dataclass(frozen=True)
class DueItem:
    case: Case
    deadline: object  # cases.deadlines.Deadline
    status: str


def deadlines_due(user, *, unit_id: int | None = None, officer_id: int | None = None,
                  today: date | None = None, horizon_days: int = 7) -> list[DueItem]:
    """The officer duties that are overdue or fall due within ``horizon_days``, for the cases ``user`` may
    read, optionally narrowed to one unit's jurisdiction or one assigned officer. Most urgent first.

    Reads the open cases of the scope with their events and payouts in three queries; deadlines are computed
    per case in Python because they depend on the working-day calendar (fine for a unit's few thousand open
    cases; the nationwide view belongs to the statistics jobs)."""
    from django.db.models import Prefetch

    from cases.codes import ENDED_STATUSES
    from cases.deadlines import DeadlineStatus, compute_deadlines
    from cases.models import Payout
    from thads.org.models import Unit
    from thads.org.selectors import jurisdiction_unit_ids

    today = today or timezone.localdate()
    cases = case_list_for_user(user).exclude(status__in=ENDED_STATUSES)
    if unit_id is not None:
        cases = cases.filter(unit_id__in=jurisdiction_unit_ids(Unit.objects.get(pk=unit_id), on=today))
    if officer_id is not None:
        cases = cases.filter(officer_id=officer_id)
    cases = cases.select_related("officer__officer_profile").prefetch_related(
        Prefetch("events", queryset=CaseEvent.objects.order_by("sequence")),
        Prefetch("payouts", queryset=Payout.objects.order_by("paid_on", "id")),
    )
    calendar = working_calendar()
    horizon = today + timedelta(days=horizon_days)
    items = []
    for case in cases:
        facts, events, payouts = _deadline_inputs(case, case.events.all(), case.payouts.all())
        for deadline in compute_deadlines(facts, events, payouts, calendar):
            status = deadline.status(today)
            if not deadline.duty or deadline.met_on is not None or deadline.due_on > horizon:
                continue
            items.append(DueItem(case=case, deadline=deadline, status=status))
    items.sort(key=lambda item: (item.status != DeadlineStatus.OVERDUE, item.deadline.due_on, item.case.case_no))
    return items
