"""Forms of the sign-off page. Dates day-first (thads.core.forms), money as people type it."""
from django import forms
from django.utils.translation import gettext_lazy as _

from reports.signoff.workflow import INTERAGENCY_MONTHS
from thads.core.forms import DayFirstDateField, MoneyField


class ClosePeriodForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    months = forms.TypedChoiceField(label=_("Period"), coerce=int,
                                    choices=[(m, _("%(count)s months") % {"count": m}) for m in INTERAGENCY_MONTHS])
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SendForm(forms.Form):
    sent_on = DayFirstDateField(label=_("Sent on"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CountersignForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed for the procuracy by (name, title)"), max_length=255)
    signed_on = DayFirstDateField(label=_("Signed on"))


class ConsolidateForm(forms.Form):
    consolidated_on = DayFirstDateField(label=_("Consolidated and sent on"))


def _figure_field(indicator: str, label: str):
    if indicator.startswith("money."):
        return MoneyField(label=label, required=False)
    return forms.IntegerField(label=label, required=False, min_value=0)


class DifferenceForm(forms.Form):
    """One box per indicator: the procuracy's figure where it differs (empty: the same as ours)."""

    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, rows: list[tuple[str, str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for indicator, label, _ours in rows:
            self.fields[indicator] = _figure_field(indicator, label)

    def figures(self) -> dict[str, int]:
        return {indicator: self.cleaned_data[indicator] for indicator, _label, _ours in self.rows
                if self.cleaned_data.get(indicator) is not None}


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was reconciled"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, differences, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.differences = differences
        for row in differences:
            field = _figure_field(row.indicator, _("Agreed: %(name)s") % {"name": labels[row.pk]})
            field.required = True
            field.initial = row.agency_value
            self.fields[f"agreed_{row.pk}"] = field

    def agreed(self) -> dict[int, int]:
        return {row.pk: self.cleaned_data[f"agreed_{row.pk}"] for row in self.differences}


class AdjustmentForm(forms.Form):
    description = forms.CharField(label=_("What was wrong"), widget=forms.Textarea(attrs={"rows": 2}))
    case_numbers = forms.CharField(label=_("Cases concerned"), max_length=1000, required=False)

    def __init__(self, *args, rows: list[tuple[str, str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for indicator, label, _ours in rows:
            self.fields[indicator] = forms.IntegerField(label=_("Change: %(name)s") % {"name": label},
                                                        required=False)

    def deltas(self) -> dict:
        result: dict = {}
        for indicator, _label, _ours in self.rows:
            value = self.cleaned_data.get(indicator)
            if value:
                metric, name = indicator.split(".", 1)
                result.setdefault(metric, {})[name] = value
        return result
