"""Reads of the sign-off: each person reads the reports of the units they read (thads.org.selectors)."""
from reports.models import PeriodReport, ReportAdjustment
from reports.selectors import _in_readable_units


def period_reports_for_user(user):
    """The interagency reports of the units ``user`` reads; nothing for a person of another unit."""
    return _in_readable_units(user, PeriodReport.objects.select_related("unit"))


def period_report_for_user(user, pk) -> PeriodReport | None:
    """One report, or None when it does not exist or lies outside the user's units (indistinguishable)."""
    try:
        return period_reports_for_user(user).get(pk=int(pk))
    except (PeriodReport.DoesNotExist, ValueError, TypeError):
        return None


def adjustments_for_user(user):
    return _in_readable_units(user, ReportAdjustment.objects.select_related("report__unit", "counted_in"),
                              field="report__unit_id")


def report_detail(report: PeriodReport) -> dict:
    """What the report's page shows besides the report: its history, differences, the corrections recorded
    against it and those counted in it (four queries)."""
    return {
        "history": list(report.history.select_related("actor").order_by("at", "pk")),
        "differences": list(report.differences.order_by("pk")),
        "adjustments": list(report.adjustments.select_related("counted_in", "recorded_by").order_by("pk")),
        "carried": list(report.carried_adjustments.select_related("report").order_by("pk")),
    }
