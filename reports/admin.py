"""Admin for statistics: targets (written through target_set), closed periods (through period_close),
snapshots and jobs (read-only: they are computed)."""
from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from reports.models import ClosedPeriod, FormColumnOverride, Snapshot, StatsJob, Target
from reports.selectors import closed_periods_for_user, snapshots_for_user, stats_jobs_for_user, targets_for_user
from reports.services import period_close, target_set
from thads.core.admin import DayFirstMoneyAdminMixin, use_admin_date_inputs
from thads.core.errors import DomainError
from thads.core.forms import thads_formfield
from thads.org.models import Unit
from thads.org.selectors import ALL_UNITS, readable_unit_ids, writable_unit_ids


def _units_in(unit_ids):
    return Unit.objects.all() if unit_ids is ALL_UNITS else Unit.objects.filter(pk__in=unit_ids)


@admin.register(Target)
class TargetAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
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
    list_display = ("pk", "kind", "unit", "status", "progress", "message", "worker", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("kind", "message", "error")
    list_select_related = ("unit",)

    def get_queryset(self, request):
        return stats_jobs_for_user(request.user)


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
class FormColumnOverrideAdmin(admin.ModelAdmin):
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
