"""Admin for statistics: targets (written through target_set), closed periods (through period_close),
snapshots and jobs (read-only: they are computed)."""
from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from reports.models import ClosedPeriod, Snapshot, StatsJob, Target
from reports.services import period_close, target_set
from thads.core.admin import DayFirstMoneyAdminMixin, use_admin_date_inputs
from thads.core.errors import DomainError
from thads.core.forms import thads_formfield


@admin.register(Target)
class TargetAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "fiscal_year", "metric", "value", "decision_ref", "set_by", "set_at")
    list_filter = ("fiscal_year", "metric")
    search_fields = ("unit__code", "unit__name", "decision_ref")
    autocomplete_fields = ("unit",)
    exclude = ("set_by",)

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

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a closed period stays closed: its figures were reported

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST":
            form = use_admin_date_inputs(ClosedPeriodForm(request.POST))
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatsJob)
class StatsJobAdmin(SnapshotAdmin):
    list_display = ("pk", "kind", "status", "progress", "message", "worker", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("kind", "message", "error")
    list_select_related = ()
