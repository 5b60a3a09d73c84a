"""The dashboard's selectors (fiscal year, period, category, origin, bank, officer) read from the query string.

A bad value never breaks the page: it is reported in words and the default is used instead."""
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from banks.models import Bank
from cases.codes import Category, Origin
from thads.core.dates import fiscal_year_bounds, fiscal_year_of

FIRST_FISCAL_YEAR = 2010


def month_end(fiscal_year: int, months: int) -> date:
    """The last day of the ``months``-th month of ``fiscal_year`` (1: 31 October, 12: 30 September)."""
    start = fiscal_year_bounds(fiscal_year)[0]
    month_index = start.month - 1 + months - 1
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, monthrange(year, month)[1])


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)
    months = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False, empty_value=None)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Category.choices])
    origin = forms.ChoiceField(label=_("Origin"), required=False, choices=[("", _("Both origins")), *Origin.choices])
    bank = forms.ChoiceField(label=_("Creditor bank"), required=False)
    officer = forms.IntegerField(label=_("Officer"), required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, data, *, today: date, banks: list[Bank]):
        super().__init__(data)
        current = fiscal_year_of(today)
        self.fields["year"].choices = [(year, str(year)) for year in range(current, FIRST_FISCAL_YEAR - 1, -1)]
        try:
            year = int(data.get("year") or current)
        except ValueError:
            year = current
        year = year if FIRST_FISCAL_YEAR <= year <= current else current
        choices = [("", _("To date"))] if year == current else []
        for months in range(1, 13):
            end = month_end(year, months)
            if year == current and end > today:
                break
            choices.append((months, _("%(count)s months, to %(end)s") % {"count": months,
                                                                         "end": end.strftime("%d/%m/%Y")}))
        self.fields["months"].choices = choices
        self.fields["bank"].choices = [("", _("All banks")), *((bank.code, bank.name) for bank in banks)]


@dataclass
class DashboardFilters:
    fiscal_year: int
    months: int | None          # None: to date (the current fiscal year only)
    start: date
    end: date
    category: str = ""
    origin: str = ""
    bank: Bank | None = None
    officer_id: int | None = None  # 0: the cases assigned to nobody
    errors: list[str] = field(default_factory=list)
    form: DashboardFilterForm | None = None

    @property
    def to_date(self) -> bool:
        return self.months is None

    def engine_filters(self) -> dict:
        """The keyword arguments of report_build / report_case_rows."""
        return {"category": self.category or None, "origin": self.origin or None,
                "bank_id": self.bank.pk if self.bank else None, "officer_id": self.officer_id}

    def query(self, **override) -> str:
        """The query string that reproduces these selectors (empty values left out), with ``override``."""
        values = {"year": self.fiscal_year, "months": self.months or "", "category": self.category,
                  "origin": self.origin, "bank": self.bank.code if self.bank else "",
                  "officer": "" if self.officer_id is None else self.officer_id}
        values.update(override)
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})


def read_filters(params, *, today: date) -> DashboardFilters:
    """The selectors of a dashboard request: the current fiscal year to date by default; a past fiscal year
    whole by default. Invalid values are named in ``errors`` and replaced by their default."""
    banks = list(Bank.objects.order_by("name"))
    form = DashboardFilterForm(params, today=today, banks=banks)
    form.is_valid()
    errors = [f"{form.fields[name].label or name}: {' '.join(messages)}" for name, messages in form.errors.items()]
    data = form.cleaned_data
    current = fiscal_year_of(today)
    year = data.get("year") or current
    months = data.get("months")
    if year != current and months is None:
        months = 12
    start = fiscal_year_bounds(year)[0]
    end = today if months is None else month_end(year, months)
    bank = next((b for b in banks if b.code == data.get("bank")), None)
    filters = DashboardFilters(fiscal_year=year, months=months, start=start, end=end,
                               category=data.get("category") or "", origin=data.get("origin") or "", bank=bank,
                               officer_id=data.get("officer"), errors=errors)
    # The form shows what is shown: the defaults in place of missing or refused values.
    filters.form = DashboardFilterForm({"year": year, "months": months or "", "category": filters.category,
                                        "origin": filters.origin, "bank": bank.code if bank else ""},
                                       today=today, banks=banks)
    return filters


class FormExportForm(forms.Form):
    """The official form to export, and its period: the first 1–12 months of a fiscal year that has ended."""

    form = forms.ChoiceField(label=_("Form"))
    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    months = forms.TypedChoiceField(label=_("Period"), coerce=int,
                                    choices=[(m, _("%(count)s months") % {"count": m}) for m in range(1, 13)])

    def __init__(self, *args, today: date, **kwargs):
        from reports.forms.definitions import FORMS

        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["form"].choices = [(code, f"{form.number} — {form.title.capitalize()}")
                                       for code, form in FORMS.items()]
        current = fiscal_year_of(today)
        self.fields["year"].choices = [(year, str(year)) for year in range(current, FIRST_FISCAL_YEAR - 1, -1)]

    def clean(self):
        data = super().clean()
        year, months = data.get("year"), data.get("months")
        if year and months and month_end(year, months) > self.today:
            self.add_error("months", _("This period has not ended yet."))
        return data
