"""Reads for statistics: targets, closures, snapshots, jobs."""
from datetime import date
from decimal import Decimal

from django.db.models import Max

from reports.models import ClosedPeriod, Metric, Target
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
