"""Every write of the period's sign-off: preparing the reports when a period is closed, sending, the
procuracy's countersignature, differences and their reconciliation, consolidation, and corrections carried
into a later period. One transaction each, the report's row locked, one history row per step."""
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.indicators import CASE_INDICATORS, LABELS, MONEY_INDICATORS
from reports.models import (
    ClosedPeriod,
    PeriodReport,
    PeriodReportEvent,
    ReportAdjustment,
    ReportDifference,
    Snapshot,
)
from reports.selectors import is_closed
from reports.signoff import workflow
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.models import Role, Unit, UnitLevel
from thads.org.selectors import ALL_UNITS, officer_profile_of, readable_unit_ids, unit_subtree_ids

Action = PeriodReportEvent.Action
# The indicators a difference may name: the counts and money of the interagency form (not the rates, which
# follow from them).
INDICATORS = tuple([f"cases.{name}" for name in CASE_INDICATORS if name != "rate"]
                   + [f"money.{name}" for name in MONEY_INDICATORS if name != "rate"])


def indicator_label(indicator: str) -> str:
    metric, name = indicator.split(".", 1)
    return f"{_('Cases') if metric == 'cases' else _('Money')}: {LABELS.get(name, name)}"


def check_statistician(actor, unit: Unit, message: str | None = None) -> None:
    """Statisticians act for the units in their scope, central administrators (and superusers) anywhere.
    ``actor`` None is the system (commands, the demo)."""
    if actor is None:
        return
    profile = officer_profile_of(actor)
    allowed = getattr(actor, "is_superuser", False) or (
        profile is not None and profile.role in (Role.STATISTICIAN, Role.CENTRAL_ADMIN))
    readable = readable_unit_ids(actor)
    if not allowed or (readable is not ALL_UNITS and unit.pk not in readable):
        raise PermissionDeniedError(message or _("Only a statistician of this unit may sign off its reports."))


def _history(report: PeriodReport, action: str, actor, status_from: str, note: str = "") -> None:
    PeriodReportEvent.objects.create(report=report, action=action, actor=actor, status_from=status_from,
                                     status_to=report.status, note=note)


def period_reports_prepare(*, actor, closed: ClosedPeriod) -> list[PeriodReport]:
    """Called by reports.services.period_close in its transaction, after it wrote the period's snapshots.
    When the closed period is an interagency one (3, 6, 10 or 12 months), prepare the report of the closed
    unit and of every unit below it (as it stood at the end) that has none: the engine's figures — the
    report_build contract, read from the snapshot just written for the unit (the same engine pass for every
    unit at once; report_build when a snapshot is missing) — its sub-units' rows as report_breakdown(by="unit")
    gives them, and the corrections of earlier periods counted in it, frozen as JSON. Otherwise nothing."""
    from reports.services import report_build

    end = closed.end
    if not workflow.is_interagency_end(end):
        return []
    start = fiscal_year_bounds(fiscal_year_of(end))[0]
    unit_ids = unit_subtree_ids(closed.unit_id, on=end)
    done = set(PeriodReport.objects.filter(unit_id__in=unit_ids, period_end=end).values_list("unit_id", flat=True))
    snapshots = dict(Snapshot.objects.filter(unit_id__in=unit_ids, period_start=start, period_end=end, category="")
                     .values_list("unit_id", "figures"))
    units = list(Unit.objects.active_on(end).filter(pk__in=unit_ids).order_by("code"))
    children: dict[int, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def figures_of(unit: Unit) -> dict:
        if unit.pk not in snapshots:
            snapshots[unit.pk] = report_build(unit=unit, start=start, end=end)
        return snapshots[unit.pk]

    pending = {}
    for adjustment in ReportAdjustment.objects.filter(report__unit_id__in=unit_ids, counted_in_end=end,
                                                      counted_in__isnull=True).select_related("report"):
        pending.setdefault(adjustment.report.unit_id, []).append(adjustment)
    reports = []
    for unit in units:
        if unit.pk in done:
            continue
        adjustments = pending.get(unit.pk, [])
        figures = {
            "report": figures_of(unit),
            "sub_units": [{"code": child.code, "name": child.name, "cases": figures_of(child)["cases"],
                           "money": figures_of(child)["money"]} for child in children.get(unit.pk, [])],
            "adjustments": [{"id": a.pk, "corrected_period_end": a.report.period_end.isoformat(),
                             "description": a.description, "case_numbers": a.case_numbers, "deltas": a.deltas}
                            for a in adjustments],
        }
        report = PeriodReport.objects.create(
            unit=unit, fiscal_year=fiscal_year_of(end), months=workflow.period_months(end), period_start=start,
            period_end=end, closed_period=closed, figures=figures)
        _history(report, Action.PREPARED, actor, "", closed.note)
        for adjustment in adjustments:
            adjustment.counted_in = report
            adjustment.save(update_fields=["counted_in"])
            _history(report, Action.ADJUSTMENT_COUNTED, actor, report.status, _(
                "Correction of the period ending %(end)s: %(what)s") % {
                    "end": adjustment.report.period_end.strftime("%d/%m/%Y"), "what": adjustment.description})
        reports.append(report)
    return reports


def _locked(report: PeriodReport) -> PeriodReport:
    return PeriodReport.objects.select_for_update().select_related("unit").get(pk=report.pk)


def _advance(report: PeriodReport, action: str) -> str:
    try:
        return workflow.next_status(action, report.status)
    except workflow.TransitionRefused:
        raise DomainError(_("This cannot be done while the report is «%(status)s».") % {
            "status": PeriodReport.Status(report.status).label}, code="wrong_status", field="status") from None


def _check_day(day: date, *, after: date | None, field: str, today: date) -> None:
    if day > today:
        raise DomainError(_("The date is in the future."), code="future_date", field=field)
    if after is not None and day < after:
        raise DomainError(_("The date is before %(day)s.") % {"day": after.strftime("%d/%m/%Y")},
                          code="date_too_early", field=field)


def _dated_step(*, actor, report: PeriodReport, action: str, history: str, field: str, day: date | None,
                after_field: str, note: str) -> PeriodReport:
    """A step that records the day it happened (``field``, default today): not in the future, not before
    ``after_field``'s day."""
    report = _locked(report)
    check_statistician(actor, report.unit)
    today = timezone.localdate()
    day = day or today
    _check_day(day, after=getattr(report, after_field), field=field, today=today)
    before, report.status = report.status, _advance(report, action)
    setattr(report, field, day)
    report.save(update_fields=["status", field])
    _history(report, history, actor, before, note)
    return report


@transaction.atomic
def report_send(*, actor, report: PeriodReport, sent_on: date | None = None, note: str = "") -> PeriodReport:
    """The statistician sent the report to the procuracy of the same level (on ``sent_on``, default today)."""
    return _dated_step(actor=actor, report=report, action="send", history=Action.SENT, field="sent_on", day=sent_on,
                       after_field="period_end", note=note)


@transaction.atomic
def report_countersign(*, actor, report: PeriodReport, signed_by: str, signed_on: date,
                       note: str = "") -> PeriodReport:
    """Record the procuracy's countersignature: who signed for it (name and title) and on which day. Allowed
    once the report is sent, or once its differences are reconciled."""
    report = _locked(report)
    check_statistician(actor, report.unit)
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise DomainError(_("Name who signed for the procuracy."), code="required", field="signed_by")
    _check_day(signed_on, after=report.sent_on, field="signed_on", today=timezone.localdate())
    before, report.status = report.status, _advance(report, "countersign")
    report.countersigned_by, report.countersigned_on = signed_by[:255], signed_on
    report.save(update_fields=["status", "countersigned_by", "countersigned_on"])
    _history(report, Action.COUNTERSIGNED, actor, before, note or signed_by)
    return report


def report_value(report: PeriodReport, indicator: str) -> int:
    metric, name = indicator.split(".", 1)
    return report.figures["report"][metric][name]


@transaction.atomic
def report_difference_record(*, actor, report: PeriodReport, procuracy_figures: dict[str, int],
                             note: str = "") -> list[ReportDifference]:
    """The procuracy holds other figures: record, for each indicator where they differ, the report's figure
    and the procuracy's. Indicators where both agree are not recorded; if they agree on all, it is refused
    (record the countersignature instead)."""
    report = _locked(report)
    check_statistician(actor, report.unit)
    problems = []
    for indicator, value in procuracy_figures.items():
        if indicator not in INDICATORS:
            problems.append(_("Unknown indicator «%(name)s».") % {"name": indicator})
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(_("%(name)s: the procuracy's figure must be a whole number, 0 or more.") % {
                "name": indicator_label(indicator)})
    if problems:
        raise DomainError(" ".join(problems), code="invalid_figures", field="procuracy_figures")
    differing = {indicator: value for indicator, value in procuracy_figures.items()
                 if value != report_value(report, indicator)}
    if not differing:
        raise DomainError(_("The procuracy's figures are the report's: record the countersignature instead."),
                          code="no_difference", field="procuracy_figures")
    before, report.status = report.status, _advance(report, "difference")
    report.save(update_fields=["status"])
    rows = [ReportDifference.objects.create(report=report, indicator=indicator,
                                            agency_value=report_value(report, indicator), procuracy_value=value,
                                            recorded_by=actor)
            for indicator, value in differing.items()]
    summary = "; ".join(f"{indicator_label(row.indicator)}: {row.agency_value} / {row.procuracy_value}"
                        for row in rows)
    _history(report, Action.DIFFERENCE, actor, before, f"{summary}. {note}".strip())
    return rows


@transaction.atomic
def report_difference_resolve(*, actor, report: PeriodReport, agreed: dict[int, int],
                              resolution: str) -> PeriodReport:
    """Reconcile every open difference: for each, the figure both sides agree on (``agreed``: difference id
    → figure) and how it was reconciled. The report's frozen figures stay as closed; a figure agreed other
    than the report's is a correction of the case records, which counts in the next period (record it with
    report_adjustment_record)."""
    report = _locked(report)
    check_statistician(actor, report.unit)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("Say how the difference was reconciled."), code="required", field="resolution")
    open_rows = list(report.differences.filter(resolved_at__isnull=True))
    missing = [row for row in open_rows if row.pk not in agreed]
    if missing:
        raise DomainError(_("Give the agreed figure for: %(names)s.") % {
            "names": ", ".join(indicator_label(row.indicator) for row in missing)}, code="required", field="agreed")
    for row in open_rows:
        value = agreed[row.pk]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DomainError(_("%(name)s: the agreed figure must be a whole number, 0 or more.") % {
                "name": indicator_label(row.indicator)}, code="invalid_figures", field="agreed")
    before, report.status = report.status, _advance(report, "resolve")
    now = timezone.now()
    for row in open_rows:
        row.agreed_value, row.resolution, row.resolved_by, row.resolved_at = agreed[row.pk], resolution, actor, now
        row.save(update_fields=["agreed_value", "resolution", "resolved_by", "resolved_at"])
    report.save(update_fields=["status"])
    _history(report, Action.RESOLVED, actor, before, resolution)
    return report


@transaction.atomic
def report_consolidate(*, actor, report: PeriodReport, consolidated_on: date | None = None,
                       note: str = "") -> PeriodReport:
    """The province's report, countersigned, is consolidated and sent to the Ministry and the Supreme
    Procuracy."""
    if report.unit.level != UnitLevel.PROVINCE:
        raise DomainError(_("Only a province's report is consolidated."), code="not_a_province", field="unit")
    return _dated_step(actor=actor, report=report, action="consolidate", history=Action.CONSOLIDATED,
                       field="consolidated_on", day=consolidated_on, after_field="countersigned_on", note=note)


def next_open_period_end(report: PeriodReport) -> date | None:
    """The first interagency period of the report's fiscal year after it that is not yet closed for its
    unit, or None when the year has none left (the 12-month period is closed)."""
    for end in workflow.interagency_ends(report.fiscal_year):
        if end > report.period_end and not is_closed(report.unit_id, end):
            return end
    return None


@transaction.atomic
def report_adjustment_record(*, actor, report: PeriodReport, description: str, case_numbers: str = "",
                             deltas: dict | None = None) -> ReportAdjustment:
    """A correction to a closed report, found later: recorded against it and counted in the next interagency
    period of the same fiscal year still open (TTLT 12/2021: never by reopening the closed period). The
    corrected report keeps its figures. ``deltas`` ({"cases": {name: change}, "money": {…}}) says by how much
    the figures were wrong; the correcting events themselves are recorded on the cases, and the engine counts
    them on their statistical dates (after the closed period) — the deltas are not added a second time.

    Refused after the 12-month period of the year is closed: no period of the same year is left, and the
    annual report is final (docs/domain-rules.md, "The period's sign-off")."""
    report = _locked(report)
    check_statistician(actor, report.unit)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what was wrong."), code="required", field="description")
    deltas = deltas or {}
    for metric, values in deltas.items():
        names = CASE_INDICATORS if metric == "cases" else MONEY_INDICATORS if metric == "money" else ()
        if metric not in ("cases", "money") or not isinstance(values, dict) or any(
                name not in names or name == "rate" or not isinstance(change, int) or isinstance(change, bool)
                for name, change in values.items()):
            raise DomainError(_("The changes name indicators of cases or money, each with a whole number."),
                              code="invalid_figures", field="deltas")
    counted_in_end = next_open_period_end(report)
    if counted_in_end is None:
        raise DomainError(_(
            "The 12-month report of fiscal year %(year)s is closed: no later period of the same year can carry "
            "this correction, and the annual report is not reopened. Record the correcting events on the cases: "
            "they count in fiscal year %(next)s on their statistical dates.") % {
                "year": report.fiscal_year, "next": report.fiscal_year + 1},
            code="no_later_period", field="report")
    adjustment = ReportAdjustment.objects.create(
        report=report, counted_in_end=counted_in_end, description=description, case_numbers=case_numbers.strip(),
        deltas=deltas, recorded_by=actor)
    _history(report, Action.ADJUSTMENT, actor, report.status, _("%(what)s — counted in the period ending %(end)s") % {
        "what": description, "end": counted_in_end.strftime("%d/%m/%Y")})
    return adjustment
