"""Admin for statistics: targets (written through target_set), closed periods (through period_close),
snapshots and jobs (read-only: they are computed)."""
from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from reports.models import (
    ClosedPeriod,
    FormColumnOverride,
    PeriodReport,
    PeriodReportEvent,
    ReportAdjustment,
    ReportDifference,
    Snapshot,
    StatsJob,
    Target,
)
from reports.selectors import closed_periods_for_user, snapshots_for_user, stats_jobs_for_user, targets_for_user
from reports.services import period_close, target_set, targets_import_file
from reports.signoff.selectors import adjustments_for_user, period_reports_for_user
from reports.signoff.services import report_send
from thads.core.admin import DayFirstMoneyAdminMixin, ReadOnlyInline, use_admin_date_inputs
from thads.core.errors import DomainError
from thads.core.forms import thads_formfield
from thads.org.models import Unit
from thads.org.selectors import ALL_UNITS, readable_unit_ids, writable_unit_ids


def _units_in(unit_ids):
    return Unit.objects.all() if unit_ids is ALL_UNITS else Unit.objects.filter(pk__in=unit_ids)


class TargetImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"), help_text=_(
        "Excel: one row per unit and year with the columns Mã đơn vị, Năm, Chỉ tiêu việc (%), Chỉ tiêu tiền (%) "
        "[, Số quyết định]. CSV: unit_code, fiscal_year, metric, value[, decision_ref]. All or nothing."))


@admin.register(Target)
class TargetAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/reports/target/change_list.html"
    list_display = ("unit", "fiscal_year", "metric", "value", "decision_ref", "set_by", "set_at")
    list_filter = ("fiscal_year", "metric")
    search_fields = ("unit__code", "unit__name", "decision_ref")
    autocomplete_fields = ("unit",)
    exclude = ("set_by",)

    def get_queryset(self, request):
        return targets_for_user(request.user).select_related("unit", "set_by")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # targets are set by unit heads and central administrators
            kwargs["queryset"] = _units_in(writable_unit_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = target_set(actor=request.user, unit=obj.unit, fiscal_year=obj.fiscal_year, metric=obj.metric,
                           value=obj.value, decision_ref=obj.decision_ref)
        obj.pk = saved.pk

    def get_urls(self):
        from django.urls import path

        return [path("import/", self.admin_site.admin_view(self.import_view), name="reports_target_import"),
                *super().get_urls()]

    def import_view(self, request):
        """Upload targets (.xlsx or .csv) through reports.services.targets_import_file, as the person
        uploading: they set only the targets of the units they write; all or nothing."""
        import tempfile
        from pathlib import Path

        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TargetImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"targets{suffix}"
                with path.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                try:
                    count = targets_import_file(path, actor=request.user)
                except DomainError as error:
                    for line in error.message.splitlines():
                        form.add_error(None, line)
                else:
                    messages.success(request, _("%(count)s targets imported.") % {"count": count})
                    return HttpResponseRedirect("../")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("Import targets")}
        return TemplateResponse(request, "admin/reports/target/import.html", context)


class ClosedPeriodForm(forms.ModelForm):
    class Meta:
        model = ClosedPeriod
        fields = ["unit", "end", "note"]
        formfield_callback = thads_formfield


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    form = ClosedPeriodForm
    list_display = ("unit", "end", "closed_by", "closed_at", "note")
    list_filter = ("end",)
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        return closed_periods_for_user(request.user).select_related("unit", "closed_by")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # statisticians close their scope's periods (period_close checks the role)
            kwargs["queryset"] = _units_in(readable_unit_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a closed period stays closed: its figures were reported

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST":
            form = use_admin_date_inputs(ClosedPeriodForm(request.POST))
            form.fields["unit"].queryset = _units_in(readable_unit_ids(request.user))
            if form.is_valid():
                try:
                    period_close(actor=request.user, unit=form.cleaned_data["unit"], end=form.cleaned_data["end"],
                                 note=form.cleaned_data.get("note", ""))
                except DomainError as error:
                    messages.error(request, error.message)
                    return HttpResponseRedirect(request.get_full_path())
                messages.success(request, _("The period is closed; its figures are frozen."))
                return HttpResponseRedirect("../")
        return super().add_view(request, form_url, extra_context)


@admin.register(Snapshot)
class SnapshotAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "period_start", "period_end", "category", "computed_at", "job")
    list_filter = ("period_end", "category")
    search_fields = ("unit__code",)
    list_select_related = ("unit", "job")

    def get_queryset(self, request):
        return snapshots_for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatsJob)
class StatsJobAdmin(SnapshotAdmin):
    list_display = ("pk", "kind", "unit", "status", "progress", "message", "worker", "attempts", "heartbeat_at",
                    "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("kind", "message", "error")
    list_select_related = ("unit",)

    def get_queryset(self, request):
        return stats_jobs_for_user(request.user)


# ---- the period's sign-off: read here, written on the sign-off page (reports.signoff.views) --------------------

class PeriodReportEventInline(ReadOnlyInline):
    model = PeriodReportEvent
    fields = readonly_fields = ("at", "action", "status_from", "status_to", "actor", "note")


class ReportDifferenceInline(ReadOnlyInline):
    model = ReportDifference
    fields = readonly_fields = ("indicator", "agency_value", "procuracy_value", "agreed_value", "resolution",
                                "recorded_by", "resolved_by", "resolved_at")


class ReportAdjustmentInline(ReadOnlyInline):
    model = ReportAdjustment
    fk_name = "report"
    fields = readonly_fields = ("description", "case_numbers", "deltas", "counted_in_end", "counted_in",
                                "recorded_by", "recorded_at")


@admin.register(PeriodReport)
class PeriodReportAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Support view of the interagency reports. Their steps are taken on the sign-off page (or the action
    below), through reports.signoff.services; nothing here edits a report."""

    list_display = ("unit", "fiscal_year", "months", "period_end", "status", "sent_on", "countersigned_by",
                    "countersigned_on", "consolidated_on")
    list_filter = ("status", "fiscal_year", "months")
    search_fields = ("unit__code", "unit__name", "countersigned_by")
    readonly_fields = ("unit", "fiscal_year", "months", "period_start", "period_end", "closed_period", "status",
                       "created_at", "sent_on", "countersigned_by", "countersigned_on", "consolidated_on", "figures")
    inlines = (PeriodReportEventInline, ReportDifferenceInline, ReportAdjustmentInline)
    actions = ("mark_sent",)

    def get_queryset(self, request):
        return period_reports_for_user(request.user)

    def has_add_permission(self, request):
        return False  # prepared by closing the period

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark as sent to the procuracy (today)"))
    def mark_sent(self, request, queryset):
        done = 0
        for report in queryset:
            try:
                report_send(actor=request.user, report=report)
            except DomainError as error:
                messages.error(request, f"{report}: {error.message}")
            else:
                done += 1
        if done:
            messages.success(request, _("%(count)s reports marked as sent.") % {"count": done})


@admin.register(ReportAdjustment)
class ReportAdjustmentAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("report", "counted_in_end", "counted_in", "description", "recorded_by", "recorded_at")
    list_select_related = ("report__unit", "counted_in", "recorded_by")
    readonly_fields = ("report", "counted_in_end", "counted_in", "description", "case_numbers", "deltas",
                       "recorded_by", "recorded_at")

    def get_queryset(self, request):
        return adjustments_for_user(request.user)

    def has_add_permission(self, request):
        return False  # recorded on the sign-off page (report_adjustment_record)

    def has_delete_permission(self, request, obj=None):
        return False


class FormColumnOverrideForm(forms.ModelForm):
    form_code = forms.ChoiceField(label=_("form"), choices=[])

    class Meta:
        model = FormColumnOverride
        fields = ["form_code", "column_key", "heading", "position", "note"]

    def __init__(self, *args, **kwargs):
        from reports.forms.definitions import FORMS

        super().__init__(*args, **kwargs)
        self.fields["form_code"].choices = [(code, f"{form.number} — {form.title}") for code, form in FORMS.items()]
        self.fields["column_key"].help_text = "; ".join(
            f"{code}: {', '.join(column.key for column in form.columns)}" for code, form in FORMS.items())

    def clean(self):
        from reports.forms.services import form_column_override_check

        data = super().clean()
        if data.get("form_code") and data.get("column_key"):
            try:
                form_column_override_check(form_code=data["form_code"], column_key=data["column_key"],
                                           position=data.get("position"))
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


@admin.register(FormColumnOverride)
class FormColumnOverrideAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Corrections of the official forms' headings and column order (national: central administrators edit,
    other staff read). Saved through form_column_override_set, which checks the form and the column."""

    form = FormColumnOverrideForm
    list_display = ("form_code", "column_key", "heading", "position", "note", "updated_by", "updated_at")
    list_filter = ("form_code",)
    search_fields = ("column_key", "heading", "note")

    def _may_write(self, request) -> bool:
        from reports.forms.services import may_correct_forms

        return may_correct_forms(request.user)

    def has_add_permission(self, request):
        return self._may_write(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from reports.forms.services import form_column_override_set

        saved = form_column_override_set(actor=request.user, form_code=obj.form_code, column_key=obj.column_key,
                                         heading=obj.heading, position=obj.position, note=obj.note)
        obj.pk = saved.pk
