"""The admin's money and date inputs: the same fields as every other form (thads.core.forms), with the admin's
calendar beside each date."""
from django import forms
from django.contrib import admin

from thads.core.forms import DayFirstDateField, DayFirstDateInput, is_date_column, is_money_column, thads_formfield


class AdminDayFirstDateInput(DayFirstDateInput):
    """DayFirstDateInput with the admin's calendar and "Today" link (they write the first of the active
    language's DATE_INPUT_FORMATS: dd/mm/yyyy in both languages, see thads/formats)."""

    template_name = "admin/widgets/date.html"

    class Media:
        js = ["admin/js/calendar.js", "admin/js/admin/DateTimeShortcuts.js"]

    def __init__(self, attrs=None, format=None):  # noqa: A002 — Django's own argument name
        super().__init__({"class": "vDateField", **(attrs or {})}, format=format)


def use_admin_date_inputs(form: forms.BaseForm) -> forms.BaseForm:
    """Give ``form``'s day-first date fields the admin's calendar (on this instance only)."""
    for field in form.fields.values():
        if isinstance(field, DayFirstDateField) and type(field.widget) is DayFirstDateInput:
            old = field.widget
            field.widget = AdminDayFirstDateInput(attrs={k: v for k, v in old.attrs.items() if k != "class"},
                                                  format=old.format)
            field.widget.is_required = old.is_required
    return form


class DayFirstMoneyAdminMixin:
    """For every ModelAdmin (and inline) that edits money or dates: money columns become MoneyField, date
    columns DayFirstDateField — never Django's number box or month-first dates — and dates get the calendar.
    Put it first among the bases."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_money_column(db_field) or is_date_column(db_field):
            return thads_formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _with_admin_date_inputs(super().get_form(request, obj, change, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_admin_date_inputs(formset.form)
        return formset


def _with_admin_date_inputs(form_class):
    class AdminInputsForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            use_admin_date_inputs(self)

    AdminInputsForm.__name__ = form_class.__name__
    AdminInputsForm.__qualname__ = form_class.__qualname__
    return AdminInputsForm


class ReadOnlyInline(DayFirstMoneyAdminMixin, admin.TabularInline):
    """An inline that shows rows written by the services and lets nobody add, change or delete them here
    (a dialogue's banks and agenda, a sign-off report's history, differences and corrections)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
