"""Reads behind the officers' pages ("Việc của tôi", the case page). Scoping stays with cases.selectors:
everything here starts from ``case_list_for_user`` or ``deadlines_due``, so a page can never show more than
its user may read. Query counts are constant in the number of rows shown (tests pin them)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cases.codes import ENDED_STATUSES, GROUNDS_BY_KIND, EventKind, PartyRole, Status
from cases.deadlines import DeadlineKind, DeadlineStatus
from cases.models import Case, CaseEvent, Party
from cases.selectors import DueItem, case_list_for_user

STATUS_GROUND_KIND = {
    Status.POSTPONED: EventKind.HOAN,
    Status.SUSPENDED: EventKind.TAM_DINH_CHI,
    Status.TERMINATED: EventKind.DINH_CHI,
    Status.WITHOUT_CONDITIONS: EventKind.CHUA_CO_DIEU_KIEN,
}

DEADLINE_STATUS_LABELS = {
    DeadlineStatus.MET: _("Done on time"),
    DeadlineStatus.LATE: _("Done late"),
    DeadlineStatus.OPEN: _("Not yet due"),
    DeadlineStatus.OVERDUE: _("Overdue"),
}


def ground_label(kind: str, ground: str) -> str:
    """The legal ground of an event (or of the status it leads to) in words."""
    choices = GROUNDS_BY_KIND.get(kind)
    if not ground or choices is None:
        return ""
    try:
        return str(choices(ground).label)
    except ValueError:
        return ground


def status_in_words(case: Case) -> str:
    """"Hoãn thi hành án — c) Các bên đồng ý hoãn": the status with its ground."""
    label = str(Status(case.status).label)
    ground = ground_label(STATUS_GROUND_KIND.get(case.status, ""), case.status_ground)
    return f"{label} — {ground}" if ground else label


def debtor_names(case_ids) -> dict[int, list[str]]:
    """The debtors' names of several cases, in one query."""
    names: dict[int, list[str]] = {}
    for case_id, name in (Party.objects.filter(case_id__in=list(case_ids), role=PartyRole.DEBTOR)
                          .order_by("case_id", "id").values_list("case_id", "name")):
        names.setdefault(case_id, []).append(name)
    return names


@dataclass
class WorkRow:
    item: DueItem
    debtors: list[str]
    due_class: str  # "overdue", "today", "soon"

    @property
    def case(self):
        return self.item.case

    @property
    def deadline(self):
        return self.item.deadline


WORK_PAGE_SIZE = 50


@dataclass
class MyWork:
    open_cases: int
    overdue: list[WorkRow] = field(default_factory=list)
    upcoming: list[WorkRow] = field(default_factory=list)
    due_today: int = 0
    due_week: int = 0
    steps: list[tuple[str, str]] = field(default_factory=list)  # (kind, label) present in the queue
    overdue_total: int = 0
    overdue_page: object = None  # the django Page of the overdue list

    @property
    def overdue_count(self) -> int:
        return self.overdue_total


def my_work(user, *, today: date, step: str = "", status: str = "", category: str = "",
            horizon_days: int = 7, page: int | str | None = 1) -> MyWork:
    """An officer's queue: the duties on the cases assigned to them that are overdue or fall due within
    ``horizon_days``, overdue first (oldest first), then by due date; optionally one step, status or category.
    The tiles count the whole queue, the lists what the filters keep; the overdue list is paginated
    (WORK_PAGE_SIZE rows). Everything is counted and cut in the database (the duties are cached per case): a
    constant number of queries, and only the rows shown are read."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Q

    from cases.selectors import due_items, open_deadlines_for_user

    mine = case_list_for_user(user).filter(officer_id=user.pk)
    open_cases = mine.exclude(status__in=ENDED_STATUSES).count()
    queue = open_deadlines_for_user(user, officer_id=user.pk, today=today, horizon_days=horizon_days)
    week_end = today + timedelta(days=7)
    tiles = queue.order_by().aggregate(today=Count("id", filter=Q(due_on=today)),
                                       week=Count("id", filter=Q(due_on__gte=today, due_on__lte=week_end)))
    result = MyWork(open_cases=open_cases, due_today=tiles["today"], due_week=tiles["week"])
    present = set(queue.order_by().values_list("kind", flat=True).distinct())
    result.steps = [(kind, str(DeadlineKind.LABELS[kind])) for kind in DeadlineKind.LABELS if kind in present]
    kept = queue
    if step:
        kept = kept.filter(kind=step)
    if status:
        kept = kept.filter(case__status=status)
    if category:
        kept = kept.filter(case__category=category)
    result.overdue_page = Paginator(kept.filter(due_on__lt=today), WORK_PAGE_SIZE).get_page(page)
    result.overdue_total = result.overdue_page.paginator.count
    overdue = due_items(result.overdue_page.object_list, today=today)
    upcoming = due_items(kept.filter(due_on__gte=today), today=today)
    names = debtor_names({item.case.pk for item in [*overdue, *upcoming]})
    for item in [*overdue, *upcoming]:
        due_class = ("overdue" if item.deadline.due_on < today else "today" if item.deadline.due_on == today
                     else "soon")
        row = WorkRow(item=item, debtors=names.get(item.case.pk, []), due_class=due_class)
        (result.overdue if due_class == "overdue" else result.upcoming).append(row)
    return result


def recent_cases(user, case_ids: list[int]) -> list[Case]:
    """The cases ``user`` opened lately (ids kept in the session, newest first), those still readable."""
    by_id = {case.pk: case for case in case_list_for_user(user).filter(pk__in=case_ids)}
    return [by_id[pk] for pk in case_ids if pk in by_id]


def case_page(user, pk: int) -> Case:
    """The case with what its page shows prefetched (raises Case.DoesNotExist outside the user's scope)."""
    from cases.models import AssetCase, EnforcementCost, Payout, Seizure
    from cases.selectors import SEIZURE_PREFETCH

    return (case_list_for_user(user)
            .select_related("officer__officer_profile", "unit", "creditor_bank")
            .prefetch_related(
                Prefetch("parties", queryset=Party.objects.order_by("-role", "id").prefetch_related(
                    "corrections")),  # debtors first, with their corrections
                Prefetch("events", queryset=CaseEvent.objects.select_related("recorded_by__officer_profile")
                         .order_by("sequence")),
                Prefetch("payouts", queryset=Payout.objects.order_by("paid_on", "id")),
                Prefetch("seizures", queryset=Seizure.objects.select_related("asset").prefetch_related(
                    *SEIZURE_PREFETCH).order_by("seized_on", "id")),
                Prefetch("asset_links", queryset=AssetCase.objects.select_related("asset").order_by("asset_id")),
                Prefetch("enforcement_costs", queryset=EnforcementCost.objects.order_by("incurred_on", "id")),
            ).get(pk=pk))


def case_search(user, *, query: str = "", status: str = "", category: str = "", mine: bool = False):
    """The cases in ``user``'s scope matching ``query`` — a case or decision number (or part of it), a
    debtor's or creditor's name without regard to case or diacritics (đ = d), or an ID number (its
    beginning) — newest first. Empty query: every case the filters keep."""
    from django.db.models import Exists, OuterRef, Q

    from thads.core.text import fold

    cases = case_list_for_user(user)
    if mine:
        cases = cases.filter(officer_id=user.pk).exclude(status__in=ENDED_STATUSES)
    if status:
        cases = cases.filter(status=status)
    if category:
        cases = cases.filter(category=category)
    if query:
        folded = fold(query)
        party_match = Q(name_folded__contains=folded) if folded else Q(pk__in=[])
        if any(char.isdigit() for char in query):
            party_match |= Q(id_number__startswith=query.replace(" ", ""))
        parties = Party.objects.filter(party_match, case_id=OuterRef("pk"))
        condition = Exists(parties)
        if any(char.isdigit() for char in query) or "-" in query or "/" in query:
            condition |= Q(case_no__icontains=query) | Q(decision_no__icontains=query)
        cases = cases.filter(condition)
    return cases.order_by("-accepted_on", "-id")


def parties_of(case_ids) -> dict[int, dict[str, list[str]]]:
    """{case id: {"debtor": [names], "creditor": [names]}} for several cases, in one query."""
    result: dict[int, dict[str, list[str]]] = {}
    for case_id, role, name in (Party.objects.filter(case_id__in=list(case_ids)).order_by("case_id", "role", "id")
                                .values_list("case_id", "role", "name")):
        result.setdefault(case_id, {}).setdefault(role, []).append(name)
    return result


# ---- the unit head's review (rà soát án) -----------------------------------------------------------------------

REVIEW_CLASSES = {
    "open": _("Open cases"),
    "with_conditions": _("With conditions"),
    "overdue": _("With an overdue step"),
    "stale": _("No event for more than 3 months"),
    "old": _("Older than 2 years"),
}


def _review_scope(user, unit, today: date):
    from thads.org.selectors import jurisdiction_unit_ids

    cases = case_list_for_user(user).exclude(status__in=ENDED_STATUSES)
    if unit is not None:
        cases = cases.filter(unit_id__in=jurisdiction_unit_ids(unit, on=today))
    return cases


def _class_filter(name: str, today: date):
    from django.db.models import Q

    stale_before = today - timedelta(days=91)
    return {
        "open": Q(),
        "with_conditions": Q(status=Status.WITH_CONDITIONS) | Q(status=Status.POSTPONED, status_ground="c"),
        "stale": Q(last_event_on__lt=stale_before) | Q(last_event_on__isnull=True, accepted_on__lt=stale_before),
        "old": Q(accepted_on__lt=_years_before(today, 2)),
        # at least one officer duty past its deadline: the earliest open one is (cached by the services)
        "overdue": Q(next_due_on__lt=today),
    }[name]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def review_rows(user, *, unit, today: date) -> list[dict]:
    """Per officer of the scope (and "not assigned"): open cases, with conditions, with an overdue step, no
    event for more than 3 months, older than 2 years, money remaining — one aggregate query (the overdue
    count reads the cached next deadline, Case.next_due_on)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Sum

    cases = _review_scope(user, unit, today)
    aggregates = {
        "open": Count("id"),
        "with_conditions": Count("id", filter=_class_filter("with_conditions", today)),
        "stale": Count("id", filter=_class_filter("stale", today)),
        "old": Count("id", filter=_class_filter("old", today)),
        "overdue": Count("id", filter=_class_filter("overdue", today)),
        "remaining": Sum("amount_remaining"),
    }
    rows = {row["officer_id"]: row for row in cases.values("officer_id").annotate(**aggregates).order_by()}
    names = {u.pk: (u.officer_profile.full_name if hasattr(u, "officer_profile") else u.get_username())
             for u in get_user_model().objects.filter(pk__in=[k for k in rows if k]).select_related("officer_profile")}
    result = []
    for officer_id, row in rows.items():
        result.append({**row, "remaining": row["remaining"] or 0,
                       "name": names.get(officer_id) if officer_id else str(_("Not assigned"))})
    result.sort(key=lambda r: (r["officer_id"] is None, str(r["name"])))
    return result


def review_cases(user, *, unit, officer_id, review_class: str, today: date):
    """The cases behind one number of the review (``officer_id`` 0: not assigned)."""
    cases = _review_scope(user, unit, today)
    cases = cases.filter(officer__isnull=True) if officer_id == 0 else cases.filter(officer_id=officer_id)
    if review_class in REVIEW_CLASSES:
        cases = cases.filter(_class_filter(review_class, today))
    return cases.order_by("accepted_on", "id")
