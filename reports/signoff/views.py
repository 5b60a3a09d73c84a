"""The sign-off page: a statistician's interagency reports (3, 6, 10, 12 months) with their status and
deadlines, closing a period, and each report's steps with the procuracy. Thin: scope from
reports.signoff.selectors, writes through reports.signoff.services and reports.services.period_close."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import working_calendar
from reports.filters import month_end
from reports.models import PeriodReport
from reports.selectors import can_see_dashboard
from reports.services import period_close
from reports.signoff import services, workflow
from reports.signoff.forms import (
    AdjustmentForm,
    ClosePeriodForm,
    ConsolidateForm,
    CountersignForm,
    DifferenceForm,
    ResolveForm,
    SendForm,
)
from reports.signoff.selectors import period_report_for_user, period_reports_for_user, report_detail
from thads.core.errors import DomainError
from thads.org.models import Role, Unit, UnitLevel
from thads.org.selectors import ALL_UNITS, officer_profile_of, readable_unit_ids

PAGE_SIZE = 25


def _reader(request):
    if not can_see_dashboard(request.user):
        raise PermissionDenied(_("The sign-off is for statisticians, unit heads and central administrators."))


def may_sign(user) -> bool:
    profile = officer_profile_of(user)
    return user.is_superuser or (profile is not None and profile.role in (Role.STATISTICIAN, Role.CENTRAL_ADMIN))


def _deadlines(report: PeriodReport, calendar, today):
    return workflow.report_deadlines(
        period_end=report.period_end, prepared_on=timezone.localdate(report.created_at), sent_on=report.sent_on,
        countersigned_on=report.countersigned_on, consolidated_on=report.consolidated_on,
        consolidates=report.unit.level == UnitLevel.PROVINCE, today=today, calendar=calendar)


@login_required
def report_list(request):
    _reader(request)
    today = timezone.localdate()
    readable = readable_unit_ids(request.user)
    units = (Unit.objects.all() if readable is ALL_UNITS else Unit.objects.filter(pk__in=readable)).order_by("code")
    form = None
    if may_sign(request.user):
        form = ClosePeriodForm(request.POST or None, units=units)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                period_close(actor=request.user, unit=data["unit"], end=month_end(data["fiscal_year"], data["months"]),
                             note=data["note"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The period is closed; its reports are prepared."))
                return redirect("signoff:list")
    rows = period_reports_for_user(request.user).order_by("-period_end", "unit__code")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = working_calendar()
    items = [{"report": report, "deadlines": _deadlines(report, calendar, today)} for report in page]
    return render(request, "reports/signoff_list.html", {
        "title": _("Interagency reports and sign-off"), "items": items, "page_obj": page, "form": form})


def _figure_rows(report: PeriodReport) -> list[tuple[str, str, int]]:
    return [(indicator, services.indicator_label(indicator), services.report_value(report, indicator))
            for indicator in services.INDICATORS]


@login_required
def report_page(request, pk: int):
    _reader(request)
    report = period_report_for_user(request.user, pk)
    if report is None:
        raise Http404(_("No such report in your scope."))
    today = timezone.localdate()
    rows = _figure_rows(report)
    detail = report_detail(report)
    open_differences = [row for row in detail["differences"] if row.resolved_at is None]
    labels = {row.pk: services.indicator_label(row.indicator) for row in detail["differences"]}
    signer = may_sign(request.user)
    allowed = workflow.allowed_actions(report.status) if signer else set()
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action else None

    forms = {
        "send": SendForm(data if action == "send" else None, initial={"sent_on": today}),
        "countersign": CountersignForm(data if action == "countersign" else None, initial={"signed_on": today}),
        "difference": DifferenceForm(data if action == "difference" else None, rows=rows),
        "resolve": ResolveForm(data if action == "resolve" else None, differences=open_differences, labels=labels),
        "consolidate": ConsolidateForm(data if action == "consolidate" else None,
                                       initial={"consolidated_on": today}),
        "adjustment": AdjustmentForm(data if action == "adjustment" else None, rows=rows),
    }
    if action in forms and signer:
        form = forms[action]
        if form.is_valid():
            values = form.cleaned_data
            try:
                if action == "send":
                    services.report_send(actor=request.user, report=report, sent_on=values["sent_on"],
                                         note=values["note"])
                elif action == "countersign":
                    services.report_countersign(actor=request.user, report=report, signed_by=values["signed_by"],
                                                signed_on=values["signed_on"])
                elif action == "difference":
                    services.report_difference_record(actor=request.user, report=report,
                                                      procuracy_figures=form.figures(), note=values["note"])
                elif action == "resolve":
                    services.report_difference_resolve(actor=request.user, report=report, agreed=form.agreed(),
                                                       resolution=values["resolution"])
                elif action == "consolidate":
                    services.report_consolidate(actor=request.user, report=report,
                                                consolidated_on=values["consolidated_on"])
                else:
                    services.report_adjustment_record(actor=request.user, report=report,
                                                      description=values["description"],
                                                      case_numbers=values["case_numbers"], deltas=form.deltas())
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Recorded."))
                return redirect("signoff:report", pk=report.pk)
    differences = [{"row": row, "label": labels[row.pk]} for row in detail["differences"]]
    return render(request, "reports/signoff_report.html", {
        "title": _("Interagency report"), "report": report, "figures": report.figures["report"],
        "figure_rows": [{"indicator": indicator, "label": label, "value": value,
                         "money": indicator.startswith("money.")} for indicator, label, value in rows],
        "deadlines": _deadlines(report, working_calendar(), today), "detail": detail, "differences": differences,
        "forms": forms, "allowed": allowed, "signer": signer, "action": action,
        "next_open_end": services.next_open_period_end(report) if signer else None,
        "is_province": report.unit.level == UnitLevel.PROVINCE})
