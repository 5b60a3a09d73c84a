"""Statistics writes and report assembly: targets, snapshots, closing periods, jobs.

Every figure comes from reports.engine (aggregates in the database); this module adds targets, the gap to
target, year-on-year growth, and stores snapshots.
"""
import csv
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import Category
from reports.engine import (
    CASE_CLASSES,
    CLASS_SQL,
    CaseRow,
    Hierarchy,
    case_rows,
    case_rows_totals,
    cases_in_table,
    child_sums,
    figures_of,
    group_rows,
    hierarchy_on,
    previous_year,
    roll_up,
    source_for,
    unit_figures,
)
from reports.facts import fact_sums_compact, facts_check, facts_rollover
from reports.indicators import Figures, percentage_change
from reports.models import ClosedPeriod, Metric, Snapshot, StatsJob, Target
from reports.selectors import is_closed, targets_by_unit, targets_for
from thads.audit.context import Source, audit_source
from thads.audit.models import Action
from thads.audit.services import audit_record, field_values, instance_diff
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.models import Role, Unit
from thads.org.selectors import ALL_UNITS, officer_profile_of, readable_unit_ids

logger = logging.getLogger(__name__)

GROWTH_INDICATORS = ("accepted", "to_enforce", "with_conditions", "resolved", "collected", "rate")


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _json_figures(values: dict) -> dict:
    return {key: _number(value) for key, value in values.items()}


def _growth(current: dict, previous: dict) -> dict:
    result = {}
    for key in GROWTH_INDICATORS:
        if key not in current:
            continue
        if key == "rate":
            now, before = current["rate"], previous["rate"]
            result["rate_points"] = _number(now - before) if now is not None and before is not None else None
        else:
            result[key] = _number(percentage_change(current[key], previous[key]))
    return result


def report_from_figures(unit: Unit, *, start: date, end: date, category: str | None, figures: Figures,
                        previous: Figures, targets: dict | None = None) -> dict:
    """The report contract (see docs/statistics.md): unit, period, category, cases, money, targets, plus the
    gap to target in percentage points and the year-on-year growth. ``targets`` ({metric: value}) saves the
    look-up when many units are reported at once."""
    cases, money = figures.cases(), figures.money()
    if targets is None:
        targets = targets_for(unit, fiscal_year_of(end))
    gap = {
        metric: _number(values["rate"] - targets[metric])
        if values["rate"] is not None and targets[metric] is not None else None
        for metric, values in ((Metric.CASES, cases), (Metric.MONEY, money))
    }
    return {
        "unit": unit.code,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "category": category or None,
        "cases": _json_figures(cases),
        "money": _json_figures(money),
        "targets": {metric: _number(value) for metric, value in targets.items()},
        "gap_to_target": gap,
        "year_on_year": {"cases": _growth(cases, previous.cases()), "money": _growth(money, previous.money())},
    }


def report_build(*, unit: Unit, start: date, end: date, category: str | None = None, origin: str | None = None,
                 bank_id: int | None = None, officer_id: int | None = None, include_previous: bool = False) -> dict:
    """The report of ``unit`` (with its subtree as it stood at ``end``) for [start, end], optionally narrowed
    to one origin, one creditor bank's cases or one officer's (0: the cases assigned to nobody).
    ``include_previous`` adds "previous": the same period one year earlier ({"cases", "money"})."""
    _check_period(start, end, category, origin)
    filters = {"origin": origin or None, "bank_id": bank_id, "officer_id": officer_id}
    figures = unit_figures(unit, start=start, end=end, category=category, **filters)
    previous_start, previous_end = previous_year(start, end)
    previous = unit_figures(unit, start=previous_start, end=previous_end, category=category, **filters)
    report = report_from_figures(unit, start=start, end=end, category=category, figures=figures,
                                 previous=previous)
    if include_previous:
        report["previous"] = {"period": {"start": previous_start.isoformat(), "end": previous_end.isoformat()},
                              "cases": _json_figures(previous.cases()), "money": _json_figures(previous.money())}
    return report


def report_case_rows(*, unit: Unit, start: date, end: date, case_class: str, money: bool = False,
                     category: str | None = None, origin: str | None = None, bank_id: int | None = None,
                     officer_id: int | None = None) -> list[CaseRow]:
    """The cases behind one figure of ``report_build`` with the same arguments (reports.engine.case_rows):
    as many as the count, or, with ``money``, the cases whose amounts sum to the money figure. All of them:
    for a page, ``report_case_listing``."""
    listing = report_case_listing(unit=unit, start=start, end=end, case_class=case_class, money=money,
                                  category=category, origin=origin, bank_id=bank_id, officer_id=officer_id)
    return listing.all()


class CaseListing:
    """The cases behind one figure, read a page at a time (a Paginator's object list): ``count()`` and
    ``total`` come from one SQL aggregate, a slice from one query with LIMIT/OFFSET — never the whole list in
    Python. The same source (facts or events) and filters as the figure, so the count equals it."""

    def __init__(self, *, start: date, end: date, case_class: str, money: bool, unit_ids: set[int] | None,
                 filters: dict, unit: Unit | None = None):
        self.arguments = {"start": start, "end": end, "case_class": case_class, "money": money,
                          "unit_ids": unit_ids, **filters, "source": source_for(start, end, filters["bank_id"])}
        self.unit = unit
        self._totals: tuple[int, int | None, int] | None = None

    def _read_totals(self) -> tuple[int, int | None, int]:
        """(count, total — None until asked when the count came from the kept sums —, about how many cases
        there are: the list's density for ``case_rows``)."""
        if self._totals is None:
            counted = self._count_from_sums()
            if counted is not None:
                self._totals = (counted, None, cases_in_table())
            else:
                self._totals = case_rows_totals(**self.arguments, with_cases=True)
        return self._totals

    def _count_from_sums(self) -> int | None:
        """A count list of ``unit`` whose figure the kept group sums give (a fiscal year or a year to date from
        the facts): that figure, read from the sums (a few thousand rows, not the year's fact rows; they are
        kept with the facts in the same transaction, so they count the cases the list reads). Else None."""
        arguments = self.arguments
        if self.unit is None or arguments["money"] or arguments["source"] != "facts" or arguments["bank_id"]:
            return None
        figures = unit_figures(self.unit, start=arguments["start"], end=arguments["end"],
                               category=arguments["category"], origin=arguments["origin"],
                               officer_id=arguments["officer_id"])
        return figures.cases()[arguments["case_class"]]

    def count(self) -> int:
        return self._read_totals()[0]

    def __len__(self) -> int:
        return self.count()

    @property
    def total(self) -> int:
        """The sum of the listed cases' amounts: the money figure (with ``money``)."""
        count, total, cases = self._read_totals()
        if total is None:
            total = case_rows_totals(**self.arguments)[1]
            self._totals = (count, total, cases)
        return total

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a case listing is read by slices")
        start, stop = index.start or 0, index.stop
        if start < 0 or (stop is not None and stop < 0):
            raise ValueError("no negative indexes")
        if stop is None:
            return self.all()[start:]
        if stop <= start:
            return []
        listed = (self._totals[0], self._totals[2]) if self._totals is not None else None  # a Paginator counts first
        return case_rows(**self.arguments, offset=start, limit=stop - start, listed=listed)

    def all(self) -> list[CaseRow]:
        return case_rows(**self.arguments)


def report_case_listing(*, unit: Unit, start: date, end: date, case_class: str, money: bool = False,
                        category: str | None = None, origin: str | None = None, bank_id: int | None = None,
                        officer_id: int | None = None) -> CaseListing:
    """The cases behind one figure of ``report_build`` (see ``report_case_rows``), to be read by pages."""
    _check_period(start, end, category, origin)
    if case_class not in CLASS_SQL or (not money and case_class not in CASE_CLASSES):
        raise DomainError(_("Unknown class «%(name)s»; use one of: %(valid)s.") % {
            "name": case_class, "valid": ", ".join(CASE_CLASSES)}, code="invalid_choice", field="class")
    hierarchy = hierarchy_on(end)
    subtree = hierarchy.subtree_of(unit.pk)
    # The whole country: no unit filter (every case's unit is one of them; a list of every unit id costs the
    # planner and each row a look-up for nothing).
    return CaseListing(start=start, end=end, case_class=case_class, money=money,
                       unit_ids=None if len(subtree) == len(hierarchy.by_id) else subtree,
                       filters={"category": category, "origin": origin or None, "bank_id": bank_id,
                                "officer_id": officer_id}, unit=unit)


def _check_period(start: date, end: date, category: str | None, origin: str | None = None) -> None:
    from cases.codes import Origin

    if end < start:
        raise DomainError(_("The period ends before it starts."), code="invalid_period", field="end")
    if category and category not in Category.values:
        raise DomainError(_("Unknown category «%(category)s»; use one of: %(valid)s.") % {
            "category": category, "valid": ", ".join(Category.values)}, code="invalid_choice", field="category")
    if origin and origin not in Origin.values:
        raise DomainError(_("Unknown origin «%(origin)s»; use one of: %(valid)s.") % {
            "origin": origin, "valid": ", ".join(Origin.values)}, code="invalid_choice", field="origin")


@dataclass(frozen=True)
class BreakdownRow:
    key: object
    label: str
    cases: dict
    money: dict


def report_breakdown(*, unit: Unit, start: date, end: date, by: str, category: str | None = None,
                     origin: str | None = None, bank_id: int | None = None) -> list[BreakdownRow]:
    """The figures of ``unit`` split by ``by``: "category", "origin", "officer" (forms 4 and 5) or "unit"
    (its direct children), optionally narrowed to one origin or one creditor bank's cases."""
    _check_period(start, end, category, origin)
    if by == "unit":
        # Each child's sums as the engine gives them per child (summed in the database where the kept sums answer).
        per_child: dict[int, list[int]] = {}
        for (into, _category), values in child_sums(unit.pk, start=start, end=end, category=category,
                                                    origin=origin or None, bank_id=bank_id).items():
            total = per_child.get(into)
            per_child[into] = list(values) if total is None else [a + b for a, b in zip(total, values, strict=True)]
        children = Unit.objects.active_on(end).filter(parent=unit).order_by("code")
        rows = []
        for child in children:
            figures = figures_of(per_child[child.pk]) if child.pk in per_child else Figures.zero()
            rows.append(BreakdownRow(child.code, child.name, figures.cases(), figures.money()))
        return rows
    hierarchy = hierarchy_on(end)
    # A closed period is split by the officer of record at its end (cases.CaseOfficerChange), so reassigning
    # an officer afterwards does not move its per-officer figures; an open period by the officer now.
    as_of = end if by == "officer" and is_closed(unit.pk, end) else None
    rows = group_rows(start=start, end=end, category=category, unit_ids=hierarchy.subtree_of(unit.pk),
                      origin=origin or None, bank_id=bank_id, officer_as_of=as_of)
    key = {"category": lambda r: r.category, "origin": lambda r: r.origin,
           "officer": lambda r: r.officer_id}.get(by)
    if key is None:
        raise DomainError(_("Unknown breakdown «%(by)s»."), code="invalid_choice", field="by")
    totals: dict = {}
    for row in rows:
        if unit.pk in hierarchy.chain(row.unit_id):
            totals.setdefault(key(row), Figures.zero()).add(row.figures)
    labels = _breakdown_labels(by, totals)
    return [BreakdownRow(k, labels.get(k, str(k)), f.cases(), f.money())
            for k, f in sorted(totals.items(), key=lambda item: labels.get(item[0], str(item[0])))]


def _breakdown_labels(by: str, totals: dict) -> dict:
    from cases.codes import Origin
    from thads.org.models import OfficerProfile

    if by == "category":
        return {k: str(Category(k).label) for k in totals}
    if by == "origin":
        return {k: str(Origin(k).label) for k in totals}
    names = dict(OfficerProfile.objects.filter(user_id__in=[k for k in totals if k]).values_list("user_id",
                                                                                                   "full_name"))
    return {k: names.get(k, _("(unassigned)")) for k in totals}


# ---- targets ---------------------------------------------------------------------------------------------

@transaction.atomic
def target_set(*, actor, unit: Unit, fiscal_year: int, metric: str, value: Decimal, decision_ref: str = "") -> Target:
    if metric not in Metric.values:
        raise DomainError(_("Unknown metric «%(metric)s»; use cases or money.") % {"metric": metric},
                          code="invalid_choice", field="metric")
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise DomainError(_("A target is a percentage between 0 and 100."), code="invalid_value", field="value")
    if not 2000 <= fiscal_year <= 2100:
        raise DomainError(_("Fiscal year %(year)s is out of range.") % {"year": fiscal_year}, code="invalid_year",
                          field="fiscal_year")
    target = Target.objects.select_for_update().filter(unit=unit, fiscal_year=fiscal_year, metric=metric).first()
    before = field_values(target, ("value", "decision_ref")) if target is not None else {
        "value": None, "decision_ref": None}
    target, _created = Target.objects.update_or_create(
        unit=unit, fiscal_year=fiscal_year, metric=metric,
        defaults={"value": value, "decision_ref": decision_ref, "set_by": _person(actor)})
    target.refresh_from_db(fields=["value"])
    changes = instance_diff(before, target)
    if changes:
        audit_record(actor=actor, action=Action.TARGET_SET, obj=target, changes=changes,
                     note=f"{unit.code} FY{fiscal_year} {metric}")
    return target


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _target_writable_units(actor):
    from thads.org.selectors import writable_unit_ids

    return ALL_UNITS if actor is None else writable_unit_ids(actor)


def _target_import_row(*, units: dict, writable, actor, number: int, values: dict, columns: dict) -> str | None:
    """One target of an import (CSV or xlsx): the unit by code, the fiscal year a whole number, the value a
    number (a decimal comma accepted, at most 2 decimals), then target_set's own rules. Returns the problem
    ("row N, column C: …", C named as in the file) or None when it was set. The actor (None: a command) may
    only set the targets of the units they write (unit heads, central administrators)."""
    def problem(column: str, message: str) -> str:
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": number, "column": columns.get(column, column), "message": message}

    code = str(values["unit_code"] or "").strip()
    unit = units.get(code)
    if unit is None:
        return _("row %(row)s, column %(column)s: unknown unit «%(code)s»") % {
            "row": number, "column": columns.get("unit_code", "unit_code"), "code": code}
    if writable is not ALL_UNITS and unit.pk not in writable:
        return problem("unit_code", _("you may not set the targets of %(unit)s") % {"unit": unit.code})
    try:
        year = int(str(values["fiscal_year"] or "").strip())
    except ValueError:
        return _("row %(row)s, column %(column)s: «%(value)s» is not a whole number") % {
            "row": number, "column": columns.get("fiscal_year", "fiscal_year"), "value": values["fiscal_year"]}
    value = values["value"]
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value or "").strip().replace(",", "."))
        except InvalidOperation:
            return _("row %(row)s, column %(column)s: «%(value)s» is not a number") % {
                "row": number, "column": columns.get("value", "value"), "value": values["value"]}
    if value.is_finite() and value != value.quantize(Decimal("0.01")):
        return problem("value", _("%(value)s has more than 2 decimals") % {"value": value})
    try:
        target_set(actor=actor, unit=unit, fiscal_year=year, metric=str(values["metric"] or "").strip(),
                   value=value, decision_ref=str(values.get("decision_ref") or "").strip())
    except DomainError as error:
        return problem(error.field or "", error.message)
    return None


@transaction.atomic
def targets_import_csv(path: str | Path, *, actor=None) -> int:
    """Import targets from a CSV with columns unit_code, fiscal_year, metric, value[, decision_ref]. All or
    nothing; every problem is reported with its row and column (DomainError listing them)."""
    problems, count = [], 0
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        expected = {"unit_code", "fiscal_year", "metric", "value"}
        header = set(reader.fieldnames or [])
        if not expected <= header or not header <= expected | {"decision_ref"}:
            raise DomainError(_("targets CSV row 1: columns must be unit_code, fiscal_year, metric, value"
                                "[, decision_ref]."), code="wrong_columns")
        units = {u.code: u for u in Unit.objects.all()}
        writable = _target_writable_units(actor)
        for number, row in enumerate(reader, start=2):
            found = _target_import_row(units=units, writable=writable, actor=actor, number=number, values=row,
                                       columns={})
            if found:
                problems.append(found)
            else:
                count += 1
    if problems:
        transaction.set_rollback(True)
        raise DomainError("\n".join(problems), code="invalid_targets")
    return count


@transaction.atomic
def targets_import_xlsx(path: str | Path, *, actor=None) -> int:
    """Import targets from the first sheet of an .xlsx workbook laid out as a statistician types it: one row
    per unit and year, columns unit code, fiscal year, cases (việc) target, money (tiền) target[, decision]
    (headings in reports.targets_xlsx), the heading row within the first 10 rows. Same rules as the CSV import
    (_target_import_row), all or nothing, each problem naming the sheet, the row and the column."""
    from reports.targets_xlsx import read_targets_workbook

    units = {u.code: u for u in Unit.objects.all()}
    writable = _target_writable_units(actor)
    problems, count = [], 0
    sheet, rows = read_targets_workbook(Path(path))
    for number, values, columns, row_problems in rows:
        if row_problems:
            problems.extend(f"{sheet}, {text}" for text in row_problems)
            continue
        for metric in (Metric.CASES, Metric.MONEY):
            if values[metric] is None:
                continue
            found = _target_import_row(units=units, writable=writable, actor=actor, number=number,
                                       columns={**columns, "value": columns[metric]},
                                       values={**values, "metric": metric, "value": values[metric]})
            if found and f"{sheet}, {found}" not in problems:  # a unit or year problem once, not per metric
                problems.append(f"{sheet}, {found}")
            elif not found:
                count += 1
    if problems:
        transaction.set_rollback(True)
        raise DomainError("\n".join(problems), code="invalid_targets")
    return count


def targets_import_file(path: str | Path, *, actor=None) -> int:
    """targets_import_xlsx for a file ending in .xlsx, targets_import_csv otherwise (audited as an import)."""
    with audit_source(Source.IMPORT):
        if str(path).lower().endswith(".xlsx"):
            return targets_import_xlsx(path, actor=actor)
        return targets_import_csv(path, actor=actor)


# ---- periods and snapshots --------------------------------------------------------------------------------

def last_complete_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def current_periods(today: date) -> list[tuple[date, date]]:
    """The periods the nightly job keeps fresh: the current fiscal year cumulative to the last complete month,
    and to date. (Early in a fiscal year the first may belong to the previous one.)"""
    month_end = last_complete_month_end(today)
    periods = [(fiscal_year_bounds(fiscal_year_of(month_end))[0], month_end)]
    to_date = (fiscal_year_bounds(fiscal_year_of(today))[0], today)
    if to_date not in periods:
        periods.append(to_date)
    return periods


class JobSuperseded(Exception):
    """This run of a job no longer owns it (the stale sweep queued it again and another run took it, or failed
    it): it must write nothing."""


def snapshots_compute(*, start: date, end: date, job: StatsJob | None = None, progress=None) -> list[Snapshot]:
    """Every unit's figures for [start, end] (all categories and each one) in one pass: the snapshots that differ
    from the stored ones, unsaved. Closed (unit, end) pairs are left out. ``progress(done, total)`` is called after
    each unit."""
    hierarchy = Hierarchy(end)
    rows = group_rows(start=start, end=end)
    previous_start, previous_end = previous_year(start, end)
    previous_rows = group_rows(start=previous_start, end=previous_end)
    previous_hierarchy = Hierarchy(previous_end)
    splits = [None, *Category.values]
    totals = roll_up(rows, hierarchy) | roll_up(rows, hierarchy, key=lambda r: r.category)
    previous_totals = (roll_up(previous_rows, previous_hierarchy)
                       | roll_up(previous_rows, previous_hierarchy, key=lambda r: r.category))
    units = list(Unit.objects.active_on(end))
    existing = {(s.unit_id, s.category): s for s in Snapshot.objects.filter(period_start=start, period_end=end)}
    closed_units = {unit.pk for unit in units if is_closed(unit.pk, end)}
    targets = targets_by_unit(fiscal_year_of(end))
    no_targets = {Metric.CASES: None, Metric.MONEY: None}
    now = timezone.now()
    to_write = []
    for done, unit in enumerate(units, start=1):
        if unit.pk not in closed_units:
            for category in splits:
                report = report_from_figures(
                    unit, start=start, end=end, category=category,
                    figures=totals.get((unit.pk, category), Figures.zero()),
                    previous=previous_totals.get((unit.pk, category), Figures.zero()),
                    targets=targets.get(unit.pk, no_targets))
                stored = existing.get((unit.pk, category or ""))
                if stored is not None and stored.figures == report:
                    continue
                to_write.append(Snapshot(unit=unit, period_start=start, period_end=end, category=category or "",
                                         figures=report, computed_at=now, job=job))
        if settings.STATS_REFRESH_TEST_DELAY:
            time.sleep(settings.STATS_REFRESH_TEST_DELAY)  # tests only: a job slow enough to be killed mid-way
        if progress is not None:
            progress(done, len(units))
    return to_write


def snapshots_store(snapshots: list[Snapshot]) -> int:
    """Upsert computed snapshots in one statement per 500 rows, skipping any (unit, end) closed since they were
    computed. The caller holds the transaction. Returns the rows written."""
    closed: dict[tuple[int, date], bool] = {}
    to_write = []
    for snapshot in snapshots:
        key = (snapshot.unit_id, snapshot.period_end)
        if key not in closed:
            closed[key] = is_closed(*key)
        if not closed[key]:
            to_write.append(snapshot)
    Snapshot.objects.bulk_create(to_write, batch_size=500, update_conflicts=True,
                                 unique_fields=["unit", "period_start", "period_end", "category"],
                                 update_fields=["figures", "computed_at", "job"])
    return len(to_write)


@transaction.atomic
def snapshots_write(*, start: date, end: date, job: StatsJob | None = None) -> int:
    """Compute every unit's figures for [start, end] and upsert the snapshots that changed, in one transaction.
    Closed (unit, end) pairs are never touched. Returns the rows written."""
    return snapshots_store(snapshots_compute(start=start, end=end, job=job))


def statistics_refresh(*, job: StatsJob, today: date | None = None) -> int:
    """The nightly refresh: first the per-case facts — the rollover into a new fiscal year, the fold of the
    kept group sums' rows, then the drift check (0 expected; drifted cases are logged, repaired and counted on
    the job's message) — then every unit, every category, the current periods. Records progress on ``job``.
    Rerunning it with the same data writes nothing.

    All or nothing: every period is computed first; then, in one transaction, the snapshots are written and the
    job marked succeeded. A run killed before that commit leaves no snapshot of its own (the previous ones stay),
    and a run that lost the job to a newer attempt (JobSuperseded) writes nothing."""
    today = today or timezone.localdate()
    periods = current_periods(today)
    job_update(job, status=StatsJob.Status.RUNNING, progress=0, started_at=timezone.now())
    facts_rollover(today)
    fact_sums_compact()  # each group's rows folded into one (writers that found the fold busy left theirs)
    drift = facts_check(repair=True)
    drift_note = ""
    if drift.count:
        drift_note = _("Facts drift: %(count)s case-years differed from a rebuild and were repaired "
                       "(e.g. %(sample)s).") % {"count": drift.count, "sample": ", ".join(
                           f"#{case_id}/FY{year}" for case_id, year in drift.pairs[:5])}
    if drift.groups:
        drift_note = " ".join(filter(None, [drift_note, _(
            "Group sums drift: %(count)s groups differed from the facts and were recomputed (e.g. %(sample)s).") % {
                "count": len(drift.groups), "sample": ", ".join(
                    f"FY{year}/unit {unit_id}/{category}" for year, unit_id, category, _origin, _officer
                    in drift.groups[:5])}]))
    if drift_note:
        job_update(job, message=drift_note)
    reporter = _ProgressReporter(job, total=len(periods))
    planned: list[Snapshot] = []
    for index, (start, end) in enumerate(periods):
        planned += snapshots_compute(start=start, end=end, job=job,
                                     progress=lambda done, total, index=index: reporter.report(index, done, total))
        reporter.report(index + 1, 0, 1, message=_("%(done)s of %(total)s periods") % {
            "done": index + 1, "total": len(periods)})
    with transaction.atomic():
        if not StatsJob.objects.select_for_update().filter(pk=job.pk, status=StatsJob.Status.RUNNING,
                                                           attempts=job.attempts).exists():
            raise JobSuperseded(f"job {job.pk} attempt {job.attempts} no longer owns the job")
        written = snapshots_store(planned)
        message = _("%(count)s snapshots written") % {"count": written}
        if job.attempts > 1:
            message += " " + _("(attempt %(attempt)s of %(most)s)") % {
                "attempt": job.attempts, "most": settings.STATS_JOB_MAX_ATTEMPTS}
        job_update(job, status=StatsJob.Status.SUCCEEDED, progress=100, finished_at=timezone.now(),
                   message=f"{drift_note} {message}" if drift_note else message)
    return written


class _ProgressReporter:
    """Progress of a refresh on its job row: computing is 0–99 % (the write and the success are 100 %), written at
    most once a second (each write is also a heartbeat)."""

    def __init__(self, job: StatsJob, *, total: int):
        self.job, self.total, self.last = job, total, 0.0

    def report(self, period: int, done: int, of: int, message: str | None = None) -> None:
        percent = min(99, int((period + done / max(of, 1)) * 99 / max(self.total, 1)))
        now = time.monotonic()
        if message is None and (now - self.last < 1.0 or percent == self.job.progress):
            return
        self.last = now
        fields = {"progress": percent, "heartbeat_at": timezone.now()}
        if message is not None:
            fields["message"] = message
        for name, value in fields.items():
            setattr(self.job, name, value)
        StatsJob.objects.filter(pk=self.job.pk, status=StatsJob.Status.RUNNING,
                                attempts=self.job.attempts).update(**fields)  # only while this run owns it


def job_create(*, kind: str, params: dict | None = None, actor=None, unit: Unit | None = None) -> StatsJob:
    """A job for ``unit``, or for every unit when None (a national refresh). Queued now: its first sign of life."""
    return StatsJob.objects.create(kind=kind, params=params or {}, requested_by=actor, unit=unit,
                                   heartbeat_at=timezone.now())


def statistics_refresh_request(*, actor, unit: Unit) -> tuple[StatsJob, bool]:
    """Run the statistics refresh now, from the dashboard: (the job, whether it was created). When a refresh is
    already queued or running it is returned instead (one at a time: the second request follows the first).
    The job is queued on the "stats" queue once this transaction commits (in-process without a broker). It
    refreshes every unit (the facts, then the snapshots); ``unit`` is whose page asked, for reading the job.
    Raises PermissionDeniedError unless ``actor`` is a statistician or central administrator."""
    from reports.selectors import can_refresh_statistics, refresh_in_flight
    from reports.tasks import refresh_statistics

    if not can_refresh_statistics(actor):
        raise PermissionDeniedError(_("Only statisticians and central administrators refresh the statistics."))
    jobs_sweep_stale()  # a refresh whose worker died is not waited for
    running = refresh_in_flight()
    if running is not None:
        return running, False
    job = job_create(kind="manual_refresh", actor=actor, unit=unit)

    def dispatch():
        try:
            refresh_statistics.apply_async(args=[job.pk], queue="stats")
        except Exception as error:  # in-process, the task recorded its failure; a broker down leaves it pending
            logger.exception("statistics refresh %s failed", job.pk)
            if StatsJob.objects.filter(pk=job.pk, status=StatsJob.Status.PENDING).exists():
                job_fail(job, error)

    transaction.on_commit(dispatch)
    return job, True


def job_update(job: StatsJob, **fields) -> None:
    """Set fields on the job and its row; every update is also a sign of life (``heartbeat_at``)."""
    fields.setdefault("heartbeat_at", timezone.now())
    for name, value in fields.items():
        setattr(job, name, value)
    StatsJob.objects.filter(pk=job.pk).update(**fields)


def job_fail(job: StatsJob, error: Exception) -> None:
    job_update(job, status=StatsJob.Status.FAILED, error=f"{type(error).__name__}: {error}",
               finished_at=timezone.now())


def _stale_before(now):
    return now - timedelta(seconds=settings.STATS_JOB_STALE_SECONDS)


def job_claim(job_id: int, *, task_id: str = "", worker: str = "", retry: bool = False) -> StatsJob | None:
    """Start a run of job ``job_id`` for a task: the job, now running with one more attempt, or None when this
    delivery must do nothing — the job is finished, or running with a recent sign of life elsewhere (a duplicate or
    redelivered message), or it has used its STATS_JOB_MAX_ATTEMPTS (then it is marked failed). ``retry``: this is
    Celery's retry of the same task (same ``task_id``) after a transient error, which may take over its own run."""
    now = timezone.now()
    with transaction.atomic():
        job = StatsJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("job %s: no such job; message ignored", job_id)
            return None
        last_sign = job.heartbeat_at or job.created_at
        claimable = job.status == StatsJob.Status.PENDING or (job.status == StatsJob.Status.RUNNING and (
            last_sign < _stale_before(now) or (retry and task_id and job.task_id == task_id)))
        if not claimable:
            logger.info("job %s is %s (last sign of life %s); delivery of task %s ignored",
                        job_id, job.status, last_sign, task_id)
            return None
        if job.attempts >= settings.STATS_JOB_MAX_ATTEMPTS:
            job_update(job, status=StatsJob.Status.FAILED, finished_at=now, error=_(
                "Gave up after %(count)s attempts; the last one stopped without finishing (%(last)s).") % {
                "count": job.attempts, "last": job.message or job.worker})
            logger.error("job %s failed: %s attempts used", job_id, job.attempts)
            return None
        fields = {}
        if job.status == StatsJob.Status.RUNNING and not retry:  # taking over from a worker that fell silent
            fields["message"] = _("Attempt %(attempt)s stopped: %(silent)s.") % {
                "attempt": job.attempts, "silent": _silence(job)}
            logger.warning("job %s: %s", job_id, fields["message"])
        job_update(job, status=StatsJob.Status.RUNNING, attempts=job.attempts + 1, task_id=task_id[:64],
                   worker=worker[:255], started_at=now, finished_at=None, heartbeat_at=now, **fields)
    return job


def _silence(job: StatsJob) -> str:
    return _("no sign of life from %(worker)s since %(time)s") % {
        "worker": job.worker or _("its worker"),
        "time": timezone.localtime(job.heartbeat_at or job.created_at).strftime("%H:%M:%S")}


class job_heartbeat:  # noqa: N801 — used as a function: ``with job_heartbeat(job): ...``
    """While the block runs, a thread of this process records a sign of life on the job row every
    STATS_JOB_HEARTBEAT_SECONDS (its own database connection; only while the job is running this attempt), so a
    long query counts as alive and a killed worker falls silent. Off when STATS_JOB_HEARTBEAT_THREAD is False."""

    def __init__(self, job: StatsJob):
        self.job = job
        self.stop = threading.Event()
        self.thread = None

    def beat(self) -> int:
        return StatsJob.objects.filter(pk=self.job.pk, status=StatsJob.Status.RUNNING,
                                       attempts=self.job.attempts).update(heartbeat_at=timezone.now())

    def _run(self) -> None:
        try:
            while not self.stop.wait(settings.STATS_JOB_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # noqa: BLE001 — a lost beat is logged; the next one tries again
                    logger.warning("job %s: heartbeat failed", self.job.pk, exc_info=True)
                    close_old_connections()
        finally:
            from django.db import connections

            connections.close_all()  # this thread's connection

    def __enter__(self):
        if settings.STATS_JOB_HEARTBEAT_THREAD:
            self.thread = threading.Thread(target=self._run, name=f"job-{self.job.pk}-heartbeat", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=max(5.0, settings.STATS_JOB_HEARTBEAT_SECONDS))
        return False


def _job_dispatch(job: StatsJob) -> None:
    """Queue ``job`` again on its task (after the sweep's commit). A broker that refuses is logged: the job stays
    pending and the next sweep tries again (or gives up)."""
    from reports.tasks import JOB_TASKS

    task, args, queue = JOB_TASKS[job.kind](job)
    try:
        task.apply_async(args=args, queue=queue)
    except Exception:  # noqa: BLE001 — broker down: the next sweep retries; the job says it is pending
        logger.exception("job %s could not be queued again", job.pk)


def jobs_sweep_stale(now=None) -> dict[str, int]:
    """Find the jobs pending or running with no sign of life for STATS_JOB_STALE_SECONDS (their worker died, or
    their message was lost) and recover them: a running one is queued again while it has attempts left, else
    marked failed; a pending one is queued again until it has waited STATS_JOB_MAX_ATTEMPTS × the stale time,
    then marked failed. Without a broker (tasks in-process) a stale job is marked failed (its process died; a new
    refresh must be asked for). Each change is conditional on the row being unchanged since it was read, so
    concurrent sweeps recover a job once. Returns {"requeued": n, "failed": n}."""
    from reports.tasks import JOB_TASKS

    now = now or timezone.now()
    stale_before = _stale_before(now)
    counts = {"requeued": 0, "failed": 0}
    candidates = (StatsJob.objects.filter(status__in=(StatsJob.Status.PENDING, StatsJob.Status.RUNNING))
                  .alias(last_sign=Coalesce("heartbeat_at", "created_at")).filter(last_sign__lt=stale_before))
    in_process = settings.CELERY_TASK_ALWAYS_EAGER
    for job in candidates:
        if job.status == StatsJob.Status.RUNNING:
            give_up = in_process or job.kind not in JOB_TASKS or job.attempts >= settings.STATS_JOB_MAX_ATTEMPTS
            note = _("Attempt %(attempt)s stopped: %(silent)s.") % {"attempt": job.attempts,
                                                                    "silent": _silence(job)}
        else:
            waited = (now - job.created_at).total_seconds()
            give_up = (in_process or job.kind not in JOB_TASKS
                       or waited >= settings.STATS_JOB_MAX_ATTEMPTS * settings.STATS_JOB_STALE_SECONDS)
            note = _("No worker took it in %(minutes)s minutes.") % {"minutes": int(waited // 60)}
        if give_up:
            fields = {"status": StatsJob.Status.FAILED, "finished_at": now, "error": note}
        else:  # the note goes on the message: the job page shows any error as a failure
            fields = {"status": StatsJob.Status.PENDING, "message": _("Queued again (%(note)s)") % {
                "note": note.rstrip(".")}}
        unchanged = StatsJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts)
        unchanged = (unchanged.filter(heartbeat_at=job.heartbeat_at) if job.heartbeat_at
                     else unchanged.filter(heartbeat_at__isnull=True))
        with transaction.atomic():
            if not unchanged.update(heartbeat_at=now, **fields):
                continue  # another sweep or the job itself moved first
            if give_up:
                counts["failed"] += 1
                logger.error("job %s (%s) marked failed: %s", job.pk, job.kind, note)
            else:
                counts["requeued"] += 1
                logger.warning("job %s (%s) queued again: %s", job.pk, job.kind, note)
                transaction.on_commit(lambda job=job: _job_dispatch(job))
    return counts


@transaction.atomic
def period_close(*, actor, unit: Unit, end: date, note: str = "", today: date | None = None) -> ClosedPeriod:
    """Close the cumulative period of ``unit`` ending ``end``: store its snapshots (unit and subtree, every
    category) and freeze them. Later events dated inside it count from the next day on (cases.services).
    For an interagency period (3, 6, 10, 12 months) the reports of the unit and its subtree are prepared
    (reports.signoff.services.period_reports_prepare).

    Statisticians close periods for units in their scope; central administrators anywhere."""
    today = today or timezone.localdate()
    if actor is not None:
        profile = officer_profile_of(actor)
        allowed = getattr(actor, "is_superuser", False) or (
            profile is not None and profile.role in (Role.STATISTICIAN, Role.CENTRAL_ADMIN))
        readable = readable_unit_ids(actor)
        if not allowed or (readable is not ALL_UNITS and unit.pk not in readable):
            raise PermissionDeniedError(_("Only a statistician of this unit may close its periods."))
    if end > today:
        raise DomainError(_("A period cannot be closed before it ends."), code="period_not_over", field="end")
    if (end + timedelta(days=1)).day != 1:
        raise DomainError(_("A reporting period ends on the last day of a month."), code="not_month_end", field="end")
    if is_closed(unit.pk, end):
        raise DomainError(_("This period is already closed."), code="already_closed", field="end")
    snapshots_write(start=fiscal_year_bounds(fiscal_year_of(end))[0], end=end)
    closed = ClosedPeriod.objects.create(unit=unit, end=end, closed_by=actor, note=note)
    audit_record(actor=actor, action=Action.PERIOD_CLOSE, obj=closed,
                 changes={"end": (None, end), **({"note": (None, note)} if note else {})})
    # An interagency period (3, 6, 10 or 12 months) gets its report, to be signed off with the procuracy.
    from reports.signoff.services import period_reports_prepare

    period_reports_prepare(actor=actor, closed=closed)
    return closed
