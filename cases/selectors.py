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
    """The case's history for cases.workflow, corrections included (each naming the sequence it cancels)."""
    rows = CaseEvent.objects.filter(case=case).order_by("sequence").values_list(
        "kind", "date", "amount", "ground", "cancels__sequence")
    return [EventInput(kind=kind, date=day, amount=amount, ground=ground, cancels=cancels)
            for kind, day, amount, ground, cancels in rows]


def effective_events(events) -> list[CaseEvent]:
    """The events of a case (already fetched, in sequence order) that are in force: without the corrections
    and without the events they cancelled. Deadlines and every other fold of the history read these."""
    from cases.codes import EventKind

    events = list(events)
    cancelled = {event.cancels_id for event in events if event.cancels_id is not None}
    return [event for event in events if event.kind != EventKind.DINH_CHINH and event.id not in cancelled]


def case_timeline(case: Case) -> list[CaseEvent]:
    """Every event of ``case`` in order, for a page showing the history (one query). Each carries
    ``cancelled_by_event`` (the correction that cancelled it, or None) and, for a correction, ``cancels``
    (the event it cancelled); both come from the same list, so the template makes no query. (Reading
    ``event.cancelled_by`` on an event that was not cancelled would query and raise; use the attribute.)"""
    events = list(CaseEvent.objects.filter(case=case).select_related("recorded_by").order_by("sequence"))
    by_id = {event.pk: event for event in events}
    for event in events:
        event.cancelled_by_event = None
    for event in events:
        if event.cancels_id is not None:
            target = by_id[event.cancels_id]
            target.cancelled_by_event = event
            event.cancels = target  # also caches target.cancelled_by (a one-to-one)
    return events


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
    # Cancelled events and the corrections never start or meet a deadline.
    event_rows = [DeadlineEvent(sequence=e.sequence, kind=e.kind, date=e.date, amount=e.amount, ground=e.ground,
                                ground_arose_on=e.ground_arose_on) for e in effective_events(events)]
    payout_rows = [(p.paid_on, p.amount) for p in payouts]
    return facts, event_rows, payout_rows


def case_deadlines(case: Case, *, calendar=None, events=None, payouts=None, seizures=None):
    """Every legal deadline of ``case``, met or not, by due date: the case's own and those of the assets
    seized in it. Pass ``events`` / ``payouts`` / ``seizures`` already fetched (in order, seizures with
    SEIZURE_PREFETCH) to save their queries."""
    from cases.deadlines import compute_asset_deadlines, compute_deadlines

    calendar = calendar or working_calendar()
    facts, events, payouts = _deadline_inputs(
        case, events if events is not None else case.events.order_by("sequence"),
        payouts if payouts is not None else case.payouts.all())
    deadlines = compute_deadlines(facts, events, payouts, calendar)
    if seizures is None:
        seizures = case.seizures.select_related("asset").prefetch_related(*SEIZURE_PREFETCH)
    for seizure in seizures:
        deadlines.extend(compute_asset_deadlines(seizure_timeline(seizure), calendar))
    return sorted(deadlines, key=lambda d: (d.due_on, d.kind))


# What seizure_timeline reads, for prefetch_related on seizures (prefix it for a case's seizures).
SEIZURE_PREFETCH = ("valuations", "auction__rounds", "auction__creditor_offer")


def seizure_timeline(seizure):
    """A seizure's steps for cases.deadlines.compute_asset_deadlines (no query when SEIZURE_PREFETCH and
    the asset were fetched with it)."""
    from cases.deadlines import AssetTimeline, TimelineRound

    valuations = sorted(seizure.valuations.all(), key=lambda v: (v.valued_on, v.pk))
    first = next((v for v in valuations if v.revaluation_of_id is None), None)
    try:
        auction = seizure.auction
    except AttributeError:  # no auction yet (RelatedObjectDoesNotExist)
        auction = None
    rounds, offer = [], None
    if auction is not None:
        previous, reductions = None, 0
        for round_ in sorted(auction.rounds.all(), key=lambda r: r.number):
            if previous is not None and round_.starting_price < previous:
                reductions += 1
            previous = round_.starting_price
            rounds.append(TimelineRound(held_on=round_.held_on, outcome=round_.outcome,
                                        payment_due_on=round_.payment_due_on if round_.sale_price else None,
                                        settled_on=round_.paid_on or round_.defaulted_on,
                                        reductions_before=reductions))
        offer = getattr(auction, "creditor_offer", None)
    return AssetTimeline(
        reference=str(seizure.asset), seized_on=seizure.seized_on, real_estate=seizure.asset.is_real_estate,
        released_on=seizure.released_on,
        valuation_started_on=(first.contract_signed_on or first.valued_on) if first else None,
        auction_contract_on=auction.contract_signed_on if auction else None, rounds=tuple(rounds),
        offered_on=offer.offered_on if offer else None, answered_on=offer.answered_on if offer else None,
        redemption_due_on=offer.redemption_due_on if offer else None,
        closed_on=auction.closed_on if auction else None)


@dataclass(frozen=True)
class DueItem:
    case: Case
    deadline: object  # cases.deadlines.Deadline
    status: str


def open_deadlines_for_user(user, *, unit_id: int | None = None, officer_id: int | None = None,
                            today: date | None = None, horizon_days: int = 7):
    """The officer duties (cached ``OpenDeadline`` rows) that are overdue or fall due within ``horizon_days``,
    for the cases ``user`` may read, optionally narrowed to one unit's jurisdiction or one assigned officer:
    a queryset ordered most urgent first (due date, case number, the duty's place in its case), with the case,
    its unit and officer joined — so a page counts and paginates it in the database."""
    from cases.models import OpenDeadline
    from thads.org.models import Unit
    from thads.org.selectors import jurisdiction_unit_ids

    today = today or timezone.localdate()
    # Only open cases have rows (an ending event clears them in its transaction): no join to filter them.
    rows = OpenDeadline.objects.filter(due_on__lte=today + timedelta(days=horizon_days))
    unit_ids = readable_unit_ids(user)
    if unit_ids is not ALL_UNITS:
        rows = rows.filter(case__unit_id__in=unit_ids)
    if unit_id is not None:
        jurisdiction = jurisdiction_unit_ids(Unit.objects.get(pk=unit_id), on=today)
        # The national unit's jurisdiction is every unit: filtering by it would only cost a join.
        if unit_ids is not ALL_UNITS or len(jurisdiction) < Unit.objects.count():
            rows = rows.filter(case__unit_id__in=jurisdiction)
    if officer_id is not None:
        rows = rows.filter(case__officer_id=officer_id)
    return rows.select_related("case__unit", "case__officer__officer_profile", "case__creditor_bank").order_by(
        "due_on", "case_no", "position")


def due_items(rows, *, today: date) -> list[DueItem]:
    """DueItems for OpenDeadline rows (of open_deadlines_for_user), in their order."""
    from cases.deadlines import Deadline

    items = []
    for row in rows:
        deadline = Deadline(row.kind, row.due_on, None, row.regime, duty=True, reference=row.reference)
        items.append(DueItem(case=row.case, deadline=deadline, status=deadline.status(today)))
    return items


def deadlines_due(user, *, unit_id: int | None = None, officer_id: int | None = None,
                  today: date | None = None, horizon_days: int = 7) -> list[DueItem]:
    """The officer duties that are overdue or fall due within ``horizon_days``, for the cases ``user`` may
    read, optionally narrowed to one unit's jurisdiction or one assigned officer. Most urgent first: overdue
    before due, each by due date, then case number.

    One query: the duties are cached per case (cases.services.deadlines, kept in step by every service that
    can move one), so nothing is computed here and the cost follows the rows returned, not the open cases of
    the scope. Pages listing many use open_deadlines_for_user and paginate it."""
    today = today or timezone.localdate()
    return due_items(open_deadlines_for_user(user, unit_id=unit_id, officer_id=officer_id, today=today,
                                             horizon_days=horizon_days), today=today)


# ---- assets and auctions ------------------------------------------------------------------------------------

def asset_list_for_user(user):
    """The assets ``user`` may read: those enforced by a unit whose cases they read."""
    from cases.models import Asset

    assets = Asset.objects.select_related("unit")
    unit_ids = readable_unit_ids(user)
    if unit_ids is ALL_UNITS:
        return assets
    return assets.filter(unit_id__in=unit_ids)


def asset_is_writable_by(user, asset) -> bool:
    """Whoever may write one of the cases an asset answers for may record its seizure, valuation and
    auction; statisticians and other units may not."""
    if user is None:
        return True
    return any(case_is_writable_by(user, case) for case in asset.cases.all())


def asset_links(asset):
    """The cases an asset answers for, with their rank, oldest case first."""
    from cases.models import AssetCase

    return list(AssetCase.objects.filter(asset=asset).select_related("case").order_by("case__accepted_on", "case_id"))


def asset_costs(asset):
    """The enforcement costs the asset's proceeds pay first: those charged to the asset, and those of the
    cases it answers for that are charged to no asset in particular. Oldest first."""
    from django.db.models import Q

    from cases.models import EnforcementCost

    return EnforcementCost.objects.filter(
        Q(asset=asset) | Q(asset__isnull=True, case__in=asset.cases.all())).order_by("incurred_on", "id")


def asset_costs_outstanding(asset) -> int:
    """Enforcement costs not yet recovered from proceeds (computed in the database)."""
    from django.db.models import F, Sum

    return asset_costs(asset).aggregate(total=Sum(F("amount") - F("recovered")))["total"] or 0


def asset_secured_debt(asset, links=None, *, except_bank_id: int | None = None) -> int:
    """What the asset secures: for each bank holding collateral on it (other than ``except_bank_id``), what
    its cases still owe, capped by the secured amounts of its collateral."""
    from banks.models import Collateral

    secured: dict[int, int] = {}
    for bank_id, amount in Collateral.objects.filter(asset=asset).exclude(bank_id=except_bank_id).values_list(
            "bank_id", "secured_amount"):
        secured[bank_id] = secured.get(bank_id, 0) + amount
    owed: dict[int, int] = {}
    for link in links if links is not None else asset_links(asset):
        if link.case.creditor_bank_id in secured:
            owed[link.case.creditor_bank_id] = owed.get(link.case.creditor_bank_id, 0) + link.case.amount_remaining
    return sum(min(secured[bank_id], owed.get(bank_id, 0)) for bank_id in secured)


def asset_floor(asset, seizure_case=None) -> int:
    """Below this, no auction round (Điều 104): the outstanding enforcement costs, plus — for an asset
    mortgaged or pledged to a bank other than the creditor of the case it was seized in — the debt it
    secures, since a price below that leaves that creditor nothing. When the bank sells its own collateral,
    the floor is the costs: a lower price still pays it (see docs/domain-rules.md)."""
    except_bank_id = seizure_case.creditor_bank_id if seizure_case is not None else None
    return asset_costs_outstanding(asset) + asset_secured_debt(asset, except_bank_id=except_bank_id)


def effective_valuation(seizure):
    """The valuation that gives the starting price: the re-valuation if there was one, else the first."""
    valuations = sorted(seizure.valuations.all(), key=lambda v: (v.revaluation_of_id is not None, v.valued_on, v.pk))
    return valuations[-1] if valuations else None


def auction_state(auction, *, floor: int | None = None):
    """The auction's history as cases.auction_rules sees it."""
    from cases import auction_rules

    seizure = auction.seizure
    valuation = effective_valuation(seizure)
    rounds = tuple(auction_rules.Round(held_on=r.held_on, starting_price=r.starting_price, outcome=r.outcome,
                                       sale_price=r.sale_price if r.outcome == "sold" else None)
                   for r in auction.rounds.order_by("number"))
    offer = getattr(auction, "creditor_offer", None)
    closed = auction.closed_as or ("handed_to_creditor" if offer is not None and offer.accepted else "")
    return auction_rules.AuctionState(
        valuation_price=valuation.value if valuation else None,
        floor=asset_floor(seizure.asset, seizure.case) if floor is None else floor,
        rounds=rounds,
        offer=auction_rules.CreditorOffer(offered_on=offer.offered_on, accepted=offer.accepted,
                                          answered_on=offer.answered_on) if offer else None,
        closed=closed)
