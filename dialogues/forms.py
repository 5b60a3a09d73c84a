"""Forms of the dialogue pages. They only parse input; the rules are the services' (a refusal is attached to
the form by cases.forms_steps.attach_error, with nothing written)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from banks.models import Bank
from dialogues.models import CommitmentKind, CommitmentParty, IssueCategory
from thads.core.forms import DayFirstDateField, MoneyField


class SessionPlanForm(forms.Form):
    organiser = forms.ModelChoiceField(label=_("Organising unit"), queryset=None)
    held_on = DayFirstDateField(label=_("Date of the dialogue"))
    place = forms.CharField(label=_("Place"), max_length=255)
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    banks = forms.ModelMultipleChoiceField(label=_("Banks"), queryset=Bank.objects.all(),
                                           widget=forms.CheckboxSelectMultiple)
    representatives = forms.CharField(label=_("Representatives of the banks"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    state_bank = forms.CharField(label=_("State Bank branch representative"), max_length=255, required=False)
    other_bodies = forms.CharField(label=_("Other bodies attending (one per line)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    failed_rounds_threshold = forms.IntegerField(label=_("Failed rounds that make a case stuck"), min_value=1,
                                                 initial=3)
    idle_months = forms.IntegerField(label=_("Months without a step that make a case stuck"), min_value=1, initial=6)
    large_amount = MoneyField(label=_("Remaining amount counted as large"), initial=1_000_000_000)

    def __init__(self, *args, organisers=None, banks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        if banks is not None:
            self.fields["banks"].queryset = banks


class AgendaItemForm(forms.Form):
    issue_category = forms.ChoiceField(label=_("Issue"), choices=[("", "—"), *IssueCategory.choices], required=False)
    discussion = forms.CharField(label=_("What was discussed"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class AgendaAddForm(forms.Form):
    case_no = forms.CharField(label=_("Case number"), max_length=64)
    issue_category = forms.ChoiceField(label=_("Issue"), choices=[("", "—"), *IssueCategory.choices], required=False)


class AgendaRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why it is removed"), max_length=500)


class CommitmentForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Case on the agenda"), queryset=None)
    party = forms.ChoiceField(label=_("Who commits"), choices=CommitmentParty.choices)
    kind = forms.ChoiceField(label=_("Kind of commitment"), choices=CommitmentKind.choices)
    text = forms.CharField(label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_bank = forms.ModelChoiceField(label=_("Responsible bank"), queryset=None, required=False)
    owner_user = forms.ModelChoiceField(label=_("Responsible officer"), queryset=None, required=False)
    owner_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None, required=False)
    owner_other = forms.CharField(label=_("Responsible body"), max_length=255, required=False)
    price = MoneyField(label=_("Price (if the bank takes the asset)"), required=False)
    due_on = DayFirstDateField(label=_("Due date"), required=False)
    due_in_working_days = forms.IntegerField(label=_("or: due in … working days"), min_value=1, required=False)

    def __init__(self, *args, items=None, banks=None, officers=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"#{item.rank} {item.case.case_no}"
        self.fields["owner_bank"].queryset = banks
        self.fields["owner_user"].queryset = officers
        self.fields["owner_user"].label_from_instance = lambda user: getattr(
            getattr(user, "officer_profile", None), "full_name", user.get_username())
        self.fields["owner_unit"].queryset = units


class FollowUpForm(forms.Form):
    on = DayFirstDateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
