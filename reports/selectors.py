"""Reads for statistics: targets, closures, snapshots, jobs."""
from datetime import date
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
    values = dict(Target.objects.filter(unit=unit, fiscal_year=fiscal_year).values_list("metric", "value"))
    return {Metric.CASES: values.get(Metric.CASES), Metric.MONEY: values.get(Metric.MONEY)}


def targets_by_unit(fiscal_year: int) -> dict[int, dict[str, Decimal | None]]:
    """Every unit's targets for one fiscal year, in one query (for reports over many units)."""
    result: dict[int, dict[str, Decimal | None]] = {}
    for unit_id, metric, value in Target.objects.filter(fiscal_year=fiscal_year).values_list("unit_id", "metric",
                                                                                               "value"):
        result.setdefault(unit_id, {Metric.CASES: None, Metric.MONEY: None})[metric] = value
    return result


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


def dashboard_unit(user, code: str | None) -> Unit | None:
    """The unit whose dashboard ``user`` asks for: ``code``, or their own unit when None. None when it does not
    exist or lies outside the user's jurisdiction (thads.org.selectors.readable_unit_ids), so that another
    province's unit is indistinguishable from a missing one."""
    from thads.org.selectors import ALL_UNITS, officer_profile_of, readable_unit_ids

    if code is None:
        profile = officer_profile_of(user)
        return profile.unit if profile is not None else None
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


def form_exports_for(user, unit: Unit):
    """The official-form exports of ``unit`` that ``user`` asked for (a person sees their own files; a
    central administrator every file of the unit), newest first. The caller has checked the unit's scope."""
    from thads.org.selectors import sees_everything

    jobs = StatsJob.objects.filter(kind="form_export", unit=unit)
    return jobs if sees_everything(user) else jobs.filter(requested_by=user)
