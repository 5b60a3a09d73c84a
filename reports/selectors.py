"""Reads for statistics: targets, closures, snapshots, jobs."""
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max

from reports.models import ClosedPeriod, Metric, Snapshot, StatsJob, Target
from thads.org.models import Unit


def unit_ancestor_ids(unit_id: int) -> list[int]:
    """``unit_id`` and its parents, bottom up (one query per level; the hierarchy is at most four deep)."""
    chain, current = [], unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def statistics_closed_through(unit_id: int) -> date | None:
    """The end of the latest closed period that covers ``unit_id`` (closed for it or for an ancestor)."""
    if not ClosedPeriod.objects.exists():  # the common case, and every import into a fresh database
        return None
    return ClosedPeriod.objects.filter(unit_id__in=unit_ancestor_ids(unit_id)).aggregate(end=Max("end"))["end"]


def is_closed(unit_id: int, end: date) -> bool:
    return ClosedPeriod.objects.filter(unit_id__in=unit_ancestor_ids(unit_id), end__gte=end).exists()


def targets_for(unit: Unit, fiscal_year: int) -> dict[str, Decimal | None]:
    """The unit's targets for one fiscal year; within ``engine.shared_reads`` (a page) taken from the one read of
    every unit's targets for that year (``targets_by_unit``)."""
    from reports.engine import shares_reads

    if shares_reads():
        return dict(targets_by_unit(fiscal_year).get(unit.pk, {Metric.CASES: None, Metric.MONEY: None}))
    values = dict(Target.objects.filter(unit=unit, fiscal_year=fiscal_year).values_list("metric", "value"))
    return {Metric.CASES: values.get(Metric.CASES), Metric.MONEY: values.get(Metric.MONEY)}


def targets_by_unit(fiscal_year: int) -> dict[int, dict[str, Decimal | None]]:
    """Every unit's targets for one fiscal year, in one query (for reports over many units; once per page within
    ``engine.shared_reads``: do not modify the result)."""
    from reports.engine import read_once

    def read() -> dict[int, dict[str, Decimal | None]]:
        result: dict[int, dict[str, Decimal | None]] = {}
        for unit_id, metric, value in Target.objects.filter(fiscal_year=fiscal_year).values_list(
                "unit_id", "metric", "value"):
            result.setdefault(unit_id, {Metric.CASES: None, Metric.MONEY: None})[metric] = value
        return result

    return read_once(("targets_by_unit", fiscal_year), read)


# ---- the admin's lists: each person reads the rows of the units they read --------------------------------------

def _in_readable_units(user, rows, field: str = "unit_id"):
    """``rows`` narrowed to the units ``user`` reads (thads.org.selectors.readable_unit_ids)."""
    from thads.org.selectors import ALL_UNITS, readable_unit_ids

    unit_ids = readable_unit_ids(user)
    return rows if unit_ids is ALL_UNITS else rows.filter(**{f"{field}__in": unit_ids})


def targets_for_user(user):
    return _in_readable_units(user, Target.objects.all())


def closed_periods_for_user(user):
    return _in_readable_units(user, ClosedPeriod.objects.all())


def snapshots_for_user(user):
    return _in_readable_units(user, Snapshot.objects.all())


def stats_jobs_for_user(user):
    """Jobs of the units ``user`` reads; a job without a unit (a national refresh) only for those who read
    every unit."""
    return _in_readable_units(user, StatsJob.objects.all())


# ---- the directors' dashboard: who sees which unit -----------------------------------------------------------

def can_see_dashboard(user) -> bool:
    """Unit heads, statisticians and central administrators (and superusers) read the dashboard."""
    from thads.org.models import Role
    from thads.org.selectors import officer_profile_of, sees_everything

    if sees_everything(user):
        return True
    profile = officer_profile_of(user)
    return profile is not None and profile.role in (Role.UNIT_HEAD, Role.STATISTICIAN, Role.CENTRAL_ADMIN)


def can_refresh_statistics(user) -> bool:
    """Statisticians and central administrators (and superusers) may run the statistics refresh from the
    dashboard; unit heads read the figures only."""
    from thads.org.models import Role
    from thads.org.selectors import officer_profile_of, sees_everything

    if sees_everything(user):
        return True
    profile = officer_profile_of(user)
    return profile is not None and profile.role in (Role.STATISTICIAN, Role.CENTRAL_ADMIN)


def refresh_in_flight():
    """The statistics refresh that is queued or running, if any (one at a time: a second request joins it).
    A job left pending or running for longer than Celery's hard time limit is not waited for."""
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return (StatsJob.objects.filter(kind__in=("manual_refresh", "nightly_refresh"), created_at__gte=since,
                                    status__in=(StatsJob.Status.PENDING, StatsJob.Status.RUNNING))
            .order_by("-created_at").first())


def last_refresh():
    """The latest statistics refresh that succeeded (nightly or asked for), or None."""
    return (StatsJob.objects.filter(kind__in=("manual_refresh", "nightly_refresh"),
                                    status=StatsJob.Status.SUCCEEDED).order_by("-finished_at").first())


def dashboard_unit(user, code: str | None) -> Unit | None:
    """The unit whose dashboard ``user`` asks for: ``code``, or their own unit when None. None when it does not
    exist or lies outside the user's jurisdiction (thads.org.selectors.readable_unit_ids), so that another
    province's unit is indistinguishable from a missing one."""
    from thads.org.selectors import ALL_UNITS, officer_profile_of, readable_unit_ids

    if code is None:
        profile = officer_profile_of(user)
        return profile.unit if profile is not None else None
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses it in a query
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return None
    readable = readable_unit_ids(user)
    return unit if readable is ALL_UNITS or unit.pk in readable else None


def top_units(on: date) -> list[Unit]:
    """The units without a parent on ``on``: where a superuser without a unit starts."""
    return list(Unit.objects.active_on(on).filter(parent__isnull=True).order_by("code"))


def unit_ids_by_code(codes) -> dict[str, int]:
    return dict(Unit.objects.filter(code__in=list(codes)).values_list("code", "id"))


# ---- the forecast: what would close the gap ------------------------------------------------------------------

def gap_closing_cases(*, unit: Unit, on: date, needed: int, category: str | None = None, origin: str | None = None,
                      bank_id: int | None = None, officer_id: int | None = None):
    """The fewest open cases with conditions (in progress: with conditions, or postponed on ground c) of
    ``unit``'s figures on ``on`` (its subtree as the engine counts it, reports.engine.Hierarchy) whose remaining
    money adds up to ``needed`` đồng: largest remaining first, among equals those with a seized asset in an
    open auction first, then by case number. One ordered query with a running total (a window), the cases
    kept while the total before them is short of ``needed``.

    Returns (the cases, as a queryset annotated with ``in_auction``; how many; whether all the open cases
    together reach ``needed``). ``officer_id`` 0: the cases assigned to nobody."""
    from django.db.models import Exists, F, OuterRef, Q, RowRange, Sum, Window

    from cases.codes import SeizureStatus, Status
    from cases.models import Auction, Case
    from thads.org.hierarchy import Hierarchy

    open_auction = Auction.objects.filter(closed_as="", seizure__status=SeizureStatus.IN_FORCE,
                                          seizure__asset__links__case=OuterRef("pk"))
    cases = Case.objects.filter(unit_id__in=Hierarchy(on).subtree_of(unit.pk), amount_remaining__gt=0).filter(
        Q(status=Status.WITH_CONDITIONS) | Q(status=Status.POSTPONED, status_ground="c"))
    if category:
        cases = cases.filter(category=category)
    if origin:
        cases = cases.filter(origin=origin)
    if bank_id is not None:
        cases = cases.filter(creditor_bank_id=bank_id)
    if officer_id is not None:
        cases = cases.filter(officer__isnull=True) if officer_id == 0 else cases.filter(officer_id=officer_id)
    order = [F("amount_remaining").desc(), F("in_auction").desc(), F("case_no").asc()]
    ranked = cases.annotate(in_auction=Exists(open_auction)).annotate(
        running=Window(Sum("amount_remaining"), order_by=order + [F("pk").asc()], frame=RowRange(None, 0)))
    chosen = ranked.filter(running__lt=F("amount_remaining") + needed).order_by(*order)
    count = chosen.count()
    total = cases.aggregate(total=Sum("amount_remaining"))["total"] or 0
    return chosen, count, total >= needed


def form_exports_for(user, unit: Unit):
    """The official-form exports of ``unit`` that ``user`` asked for (a person sees their own files; a
    central administrator every file of the unit), newest first. The caller has checked the unit's scope."""
    from thads.org.selectors import sees_everything

    jobs = StatsJob.objects.filter(kind="form_export", unit=unit)
    return jobs if sees_everything(user) else jobs.filter(requested_by=user)
