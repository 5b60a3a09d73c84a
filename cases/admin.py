"""Admin pages for cases: support tooling in Vietnamese, scoped to what each person may see.

Lifecycle fields are read-only; cases, events and payouts are written through cases.services, with forms
that validate exactly as the services (and the ledger import) do.
"""
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cases.forms import CaseCreateForm, CaseEventForm, PayoutForm
from cases.models import Case, CaseEvent, Party, PartyCorrection, Payout, PublicHoliday
from cases.selectors import (
    assignable_officers,
    can_assign_officers,
    case_deadlines,
    case_is_writable_by,
    case_list_for_user,
    event_list_for_user,
    officer_label,
    units_open_to_new_cases,
)
from cases.services import EDITABLE_FIELDS, case_create, case_update, party_add
from thads.core.admin import DayFirstMoneyAdminMixin
from thads.core.money import format_vnd

# Money fields are shown through these display methods on the change page (read-only there anyway).
MONEY_DISPLAY = {"amount_due": "amount_due_vnd", "amount_collected": "collected_vnd", "amount_reduced": "reduced_vnd",
                 "amount_terminated": "terminated_vnd", "amount_remaining": "remaining_vnd"}
LIFECYCLE_FIELDS = ("status", "status_ground", "amount_collected", "amount_reduced", "amount_terminated",
                    "amount_remaining", "last_event_on", "ended_on", "event_count", "created_at", "updated_at",
                    "created_by")


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    fields = ("role", "kind", "name", "id_number", "address")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # corrections to a party are made by adding the right one; history stays readable

    def has_add_permission(self, request, obj=None):
        return obj is not None and case_is_writable_by(request.user, obj)


def _correction_display(event) -> str:
    """Which event a correction cancels, or which correction cancelled an event ("" for neither). Reads
    ``cancels`` and ``cancelled_by``: select_related both."""
    if event.cancels_id is not None:
        return _("cancels #%(number)s") % {"number": event.cancels.sequence}
    cancelled_by = getattr(event, "cancelled_by", None)
    if cancelled_by is not None:
        return _("cancelled by #%(number)s") % {"number": cancelled_by.sequence}
    return ""


class EventInline(admin.TabularInline):
    model = CaseEvent
    fk_name = "case"
    extra = 0
    fields = ("sequence", "date", "kind", "amount_display", "ground", "correction_display", "note", "source",
              "recorded_by", "recorded_at")
    readonly_fields = fields
    ordering = ("sequence",)
    can_delete = False

    @admin.display(description=_("Amount"))
    def amount_display(self, event):
        return format_vnd(event.amount)

    @admin.display(description=_("Correction"))
    def correction_display(self, event):
        return _correction_display(event)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cancels", "cancelled_by", "recorded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("case_no", "decision_no", "accepted_on", "unit_code", "category", "status", "remaining_display",
                    "officer_name")
    list_filter = ("status", "category", "origin", "judgment_type", ("unit", admin.RelatedOnlyFieldListFilter),
                   ("creditor_bank", admin.RelatedOnlyFieldListFilter))
    search_fields = ("case_no", "decision_no", "parties__name", "parties__id_number")
    date_hierarchy = "accepted_on"
    list_select_related = ("unit", "officer", "creditor_bank")
    autocomplete_fields = ()
    inlines = [PartyInline, EventInline]
    readonly_fields = (*LIFECYCLE_FIELDS, "deadlines_display", "add_event_link", "assets_display", "add_asset_link",
                       "costs_display")
    show_full_result_count = False

    fieldsets = (
        (_("Decision"), {"fields": ("case_no", "decision_no", "accepted_on", "received_on", "notified_on", "unit",
                                    "officer", "origin", "category", "creditor_bank", "amount_due")}),
        (_("Judgment"), {"fields": ("judgment_court", "judgment_no", "judgment_date", "judgment_type")}),
        (_("Current state (from the events)"), {"fields": (*LIFECYCLE_FIELDS[:9], "add_event_link")}),
        (_("Deadlines"), {"fields": ("deadlines_display",)}),
        (_("Assets"), {"fields": ("assets_display", "add_asset_link", "costs_display")}),
        (_("Record"), {"classes": ("collapse",), "fields": LIFECYCLE_FIELDS[9:]}),
    )
    add_fieldsets = (
        (_("Decision"), {"fields": ("case_no", "decision_no", "accepted_on", "received_on", "notified_on", "unit",
                                    "officer", "origin", "category", "creditor_bank", "amount_due")}),
        (_("Parties"), {"fields": ("debtor_name", "debtor_kind", "debtor_id_number", "debtor_address",
                                   "creditor_name", "creditor_kind")}),
        (_("Judgment"), {"fields": ("judgment_court", "judgment_no", "judgment_date", "judgment_type")}),
    )

    @admin.display(description=_("Remaining"), ordering="amount_remaining")
    def remaining_display(self, case):
        return format_vnd(case.amount_remaining)

    @admin.display(description=Case._meta.get_field("amount_due").verbose_name)
    def amount_due_vnd(self, case):
        return format_vnd(case.amount_due)

    @admin.display(description=Case._meta.get_field("amount_collected").verbose_name)
    def collected_vnd(self, case):
        return format_vnd(case.amount_collected)

    @admin.display(description=Case._meta.get_field("amount_reduced").verbose_name)
    def reduced_vnd(self, case):
        return format_vnd(case.amount_reduced)

    @admin.display(description=Case._meta.get_field("amount_terminated").verbose_name)
    def terminated_vnd(self, case):
        return format_vnd(case.amount_terminated)

    @admin.display(description=Case._meta.get_field("amount_remaining").verbose_name)
    def remaining_vnd(self, case):
        return format_vnd(case.amount_remaining)

    @admin.display(description=_("Unit"), ordering="unit__code")
    def unit_code(self, case):
        return case.unit.code

    @admin.display(description=_("Officer"), ordering="officer__last_name")
    def officer_name(self, case):
        return officer_label(case.officer) if case.officer_id else "—"

    @admin.display(description=_("Legal deadlines"))
    def deadlines_display(self, case):
        if case.pk is None:
            return ""
        today = timezone.localdate()
        rows = [(d.label, d.due_on.strftime("%d/%m/%Y"), d.met_on.strftime("%d/%m/%Y") if d.met_on else "—",
                 d.status(today)) for d in case_deadlines(case)]
        return format_html("<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
                           _("Step"), _("Due"), _("Done"), _("Status"),
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows))

    @admin.display(description=_("New event"))
    def add_event_link(self, case):
        if case.pk is None:
            return ""
        url = reverse("admin:cases_caseevent_add") + f"?case={case.pk}"
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Record an event"))

    @admin.display(description=_("Assets of the case"))
    def assets_display(self, case):
        """The assets answering for the case, each linking to its page (seizures, valuations, auction)."""
        if case.pk is None:
            return ""
        links = format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', (
            (reverse("admin:cases_asset_change", args=[asset.pk]), asset) for asset in case.assets.all()))
        return links or "—"

    @admin.display(description=_("Enforcement costs"))
    def costs_display(self, case):
        """The case's ledger of enforcement costs: each cost, what the proceeds of its assets paid back, and
        the totals."""
        if case.pk is None:
            return ""
        costs = list(case.enforcement_costs.select_related("asset").order_by("incurred_on", "id"))
        if not costs:
            return "—"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (cost.incurred_on.strftime("%d/%m/%Y"), cost.get_kind_display(), cost.asset or "—",
             format_vnd(cost.amount), format_vnd(cost.recovered)) for cost in costs))
        total = format_html("<tr><th colspan=3>{}</th><th>{}</th><th>{}</th></tr>", _("Total"),
                            format_vnd(sum(cost.amount for cost in costs)),
                            format_vnd(sum(cost.recovered for cost in costs)))
        return format_html("<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}{}</table>",
                           _("Date"), _("Kind of cost"), _("Asset"), _("Amount"), _("Recovered from proceeds"),
                           rows, total)

    @admin.display(description=_("New asset"))
    def add_asset_link(self, case):
        if case.pk is None:
            return ""
        return format_html('<a class="addlink" href="{}?cases={}">{}</a>', reverse("admin:cases_asset_add"), case.pk,
                           _("Record an asset"))

    def get_queryset(self, request) -> QuerySet[Case]:
        return case_list_for_user(request.user)

    def _change_fieldsets(self, request, obj):
        """The change page's fieldsets for this person: money shown as people read it (1.234.567 ₫), the
        officer by name when they may not reassign it, no event form when they may only read the case."""
        writable = case_is_writable_by(request.user, obj)
        assign = writable and can_assign_officers(request.user, obj)

        def shown(field):
            if field in MONEY_DISPLAY:
                return MONEY_DISPLAY[field]
            if field == "officer" and not assign:
                return "officer_name"
            return field

        return tuple((name, {**opts, "fields": tuple(shown(f) for f in opts["fields"]
                                                     if writable or f not in ("add_event_link", "add_asset_link"))})
                     for name, opts in self.fieldsets)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self._change_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form_class = CaseCreateForm

            class BoundCaseCreateForm(form_class):
                def __init__(self, *args, **inner):
                    super().__init__(*args, user=request.user, **inner)

            kwargs["form"] = BoundCaseCreateForm
            kwargs["fields"] = None
            return super().get_form(request, obj, change, **kwargs)
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        editable = set(EDITABLE_FIELDS) if case_is_writable_by(request.user, obj) else set()
        all_fields = [f for _name, opts in self._change_fieldsets(request, obj) for f in opts["fields"]]
        return tuple(f for f in all_fields if f not in editable)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = units_open_to_new_cases(request.user)
        if db_field.name == "officer":
            kwargs["queryset"] = assignable_officers(request.user)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = officer_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or case_is_writable_by(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a case is never deleted: its history is the record

    def save_model(self, request, obj, form, change):
        if not change:
            case = case_create(actor=request.user, parties=form.parties(), **{
                field: form.cleaned_data.get(field) for field in (
                    "case_no", "decision_no", "accepted_on", "received_on", "notified_on", "unit", "officer",
                    "origin", "category", "creditor_bank", "amount_due", "judgment_court", "judgment_no",
                    "judgment_date", "judgment_type")})
            obj.pk = obj.id = case.pk
            obj.__dict__.update({k: v for k, v in case.__dict__.items() if not k.startswith("_")})
            return
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in EDITABLE_FIELDS}
        if changes:
            case_update(actor=request.user, case=obj, **changes)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Party:
            return super().save_formset(request, form, formset, change)
        for party_form in formset.forms:
            if party_form.has_changed() and not party_form.instance.pk and party_form.cleaned_data:
                data = party_form.cleaned_data
                party_add(actor=request.user, case=form.instance, role=data["role"], kind=data["kind"],
                          name=data["name"], id_number=data.get("id_number", ""), address=data.get("address", ""))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _copy_row(saved, obj) -> None:
    """Make the admin's unsaved instance the row the service wrote (the admin logs and redirects with it)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


class _ServiceAddMixin:
    """Admin add pages whose save goes through a service; rows are append-only afterwards. After saving,
    the officer goes back to the case they were working on."""

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        saved = type(obj).objects.select_related("case").get(pk=obj.pk)
        self.message_user(request, _("Saved: %(object)s.") % {"object": self.describe(saved)}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[obj.case_id]))

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class UserBoundForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return UserBoundForm


@admin.register(CaseEvent)
class CaseEventAdmin(DayFirstMoneyAdminMixin, _ServiceAddMixin, admin.ModelAdmin):
    form = CaseEventForm
    autocomplete_fields = ("case",)
    list_display = ("case", "sequence", "date", "kind", "amount_display", "ground", "correction_display", "source",
                    "recorded_by")
    list_filter = ("kind", "source", "case__unit")
    search_fields = ("case__case_no", "note")
    date_hierarchy = "date"
    list_select_related = ("case", "recorded_by", "cancels", "cancelled_by")
    show_full_result_count = False

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_display(self, event):
        return format_vnd(event.amount)

    @admin.display(description=_("Correction"))
    def correction_display(self, event):
        return _correction_display(event)

    def get_queryset(self, request):
        return event_list_for_user(request.user)

    def save_model(self, request, obj, form, change):
        _copy_row(form.result, obj)  # written by the form's clean() through the service (cases.forms)

    def describe(self, event) -> str:
        text = _("%(kind)s on %(date)s") % {"kind": event.get_kind_display(), "date": event.date.strftime("%d/%m/%Y")}
        if event.amount:
            text += f", {format_vnd(event.amount)}"
        return _("%(what)s — case %(case)s") % {"what": text, "case": event.case.case_no}


@admin.register(Payout)
class PayoutAdmin(DayFirstMoneyAdminMixin, _ServiceAddMixin, admin.ModelAdmin):
    form = PayoutForm
    autocomplete_fields = ("case",)
    list_display = ("case", "paid_on", "amount_display", "recipient", "recorded_by")
    search_fields = ("case__case_no", "recipient")
    date_hierarchy = "paid_on"
    list_select_related = ("case", "recorded_by")

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_display(self, payout):
        return format_vnd(payout.amount)

    def get_queryset(self, request):
        readable = case_list_for_user(request.user).values("id")
        return super().get_queryset(request).filter(case_id__in=readable)

    def save_model(self, request, obj, form, change):
        _copy_row(form.result, obj)  # written by the form's clean() through the service (cases.forms)

    def describe(self, payout) -> str:
        return _("Payout of %(amount)s to %(recipient)s on %(date)s — case %(case)s") % {
            "amount": format_vnd(payout.amount), "recipient": payout.recipient,
            "date": payout.paid_on.strftime("%d/%m/%Y"), "case": payout.case.case_no}


@admin.register(PublicHoliday)
class PublicHolidayAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"

    # Every working-day deadline may move with the calendar: rebuild the cached deadlines once the change is
    # committed (a Celery job; in-process when REDIS_URL is unset).
    def _refresh_deadlines(self, request):
        from django.db import transaction

        from cases.tasks import refresh_deadlines

        transaction.on_commit(refresh_deadlines.delay)
        self.message_user(request, _("The deadlines of the open cases are being recalculated on the new calendar."))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._refresh_deadlines(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._refresh_deadlines(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._refresh_deadlines(request)


@admin.register(Party)
class PartyAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Read-only register of parties across the cases a person may see (added on the case page)."""

    list_display = ("name", "role", "kind", "id_number", "case")
    list_filter = ("role", "kind")
    search_fields = ("name", "id_number", "case__case_no")
    list_select_related = ("case",)
    show_full_result_count = False

    def get_queryset(self, request):
        readable = case_list_for_user(request.user).values("id")
        return super().get_queryset(request).filter(case_id__in=readable)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartyCorrection)
class PartyCorrectionAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Read-only record of the corrections made to parties (cases.services.party_correct): the value before
    and after each corrected field, why and by whom. Rows are never changed or deleted."""

    list_display = ("corrected_at", "case_display", "party", "field", "old_value", "new_value", "reason",
                    "corrected_by")
    list_filter = ("field",)
    search_fields = ("party__case__case_no", "party__name", "old_value", "new_value")
    list_select_related = ("party__case", "corrected_by")
    date_hierarchy = "corrected_at"
    show_full_result_count = False

    @admin.display(description=_("Case"), ordering="party__case__case_no")
    def case_display(self, correction):
        return correction.party.case.case_no

    def get_queryset(self, request):
        readable = case_list_for_user(request.user).values("id")
        return super().get_queryset(request).filter(party__case_id__in=readable)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from cases import admin_assets  # noqa: E402,F401 — registers the asset, seizure, valuation and auction pages
