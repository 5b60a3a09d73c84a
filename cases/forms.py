"""Forms that validate exactly like the services (they call the services' checks), used by the admin and
later by the officer pages."""
from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Bank
from cases.codes import GROUNDS_BY_KIND, EventKind, EventSource, PartyKind, PartyRole
from cases.models import Case, CaseEvent, Payout
from cases.selectors import case_list_for_user, units_open_to_new_cases
from cases.services import PartyData, case_create_check, case_event_record, payout_record
from thads.core.errors import DomainError
from thads.core.forms import thads_formfield


def ground_choices():
    """All legal grounds, grouped by the event kind they belong to."""
    groups = [("", "---------")]
    for kind, choices in GROUNDS_BY_KIND.items():
        groups.append((EventKind(kind).label, [(value, label) for value, label in choices.choices]))
    return groups


def _attach(form: forms.Form, error: DomainError, field_map: dict[str, str]) -> None:
    field = field_map.get(error.field or "", error.field)
    if field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


class CaseCreateForm(forms.ModelForm):
    """A new case with its first debtor and creditor (more parties are added on the case page)."""

    debtor_name = forms.CharField(label=_("Judgment debtor"), max_length=255)
    debtor_kind = forms.ChoiceField(label=_("Debtor is"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    debtor_id_number = forms.CharField(label=_("Debtor's ID / tax number"), max_length=32, required=False)
    debtor_address = forms.CharField(label=_("Debtor's address"), max_length=500, required=False)
    creditor_name = forms.CharField(label=_("Judgment creditor"), max_length=255)
    creditor_kind = forms.ChoiceField(label=_("Creditor is"), choices=PartyKind.choices, initial=PartyKind.PERSON)

    FIELD_MAP = {"unit_code": "unit", "bank_code": "creditor_bank", "debtor_name": "debtor_name",
                 "creditor_name": "creditor_name"}

    class Meta:
        model = Case
        formfield_callback = thads_formfield
        fields = ["case_no", "decision_no", "accepted_on", "received_on", "notified_on", "unit", "officer", "origin",
                  "category", "creditor_bank", "amount_due", "judgment_court", "judgment_no", "judgment_date",
                  "judgment_type"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = units_open_to_new_cases(user)
        self.fields["creditor_bank"].queryset = Bank.objects.all()

    def parties(self) -> list[PartyData]:
        data = self.cleaned_data
        return [
            PartyData(role=PartyRole.DEBTOR, name=data.get("debtor_name", ""), kind=data.get("debtor_kind"),
                      id_number=data.get("debtor_id_number", ""), address=data.get("debtor_address", "")),
            PartyData(role=PartyRole.CREDITOR, name=data.get("creditor_name", ""), kind=data.get("creditor_kind")),
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            case_create_check(actor=self.user, parties=self.parties(), today=timezone.localdate(),
                              **{k: data.get(k) for k in ("case_no", "decision_no", "accepted_on", "unit", "origin",
                                                          "category", "judgment_type", "amount_due",
                                                          "creditor_bank")})
        except DomainError as error:
            _attach(self, error, self.FIELD_MAP)
        return data


class _ServiceWriteMixin:
    """The admin add forms of events and payouts write through the service inside ``clean()``, in a savepoint:
    the service locks the case row, so of two simultaneous saves the second sees the first's result, and its
    refusal becomes a form error (nothing written) instead of a server error. ``result`` holds the new row;
    the admin's save_model only reads it. On a read-only (change) page the form has no fields to check."""

    result = None

    def _post_clean(self):
        # The service validated the input and wrote the row; the unsaved model instance is not validated.
        pass

    def write(self, data):
        raise NotImplementedError

    def _write_checked(self, data, field_map):
        try:
            with transaction.atomic():
                self.result = self.write(data)
        except DomainError as error:
            self.result = None
            _attach(self, error, field_map)


class CaseEventForm(_ServiceWriteMixin, forms.ModelForm):
    """Record one event; validated against the case's current state by the same rules as the import."""

    ground = forms.ChoiceField(label=_("Legal ground"), choices=ground_choices, required=False)

    class Meta:
        model = CaseEvent
        formfield_callback = thads_formfield
        fields = ["case", "date", "kind", "amount", "ground", "ground_arose_on", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "case" in self.fields:  # absent on the read-only page of a recorded event
            self.fields["case"].queryset = case_list_for_user(user)
        if "kind" in self.fields:
            # A correction is recorded by cancelling an event (case_event_cancel), not chosen as a kind.
            self.fields["kind"].choices = [choice for choice in self.fields["kind"].choices
                                           if choice[0] != EventKind.DINH_CHINH]

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("case"):
            return data
        self._write_checked(data, {})
        return data

    def write(self, data):
        return case_event_record(actor=self.user, case=data["case"], kind=data["kind"], date=data["date"],
                                 amount=data.get("amount"), ground=data.get("ground") or "",
                                 ground_arose_on=data.get("ground_arose_on"), note=data.get("note", ""),
                                 source=EventSource.ADMIN)


class PayoutForm(_ServiceWriteMixin, forms.ModelForm):
    class Meta:
        model = Payout
        formfield_callback = thads_formfield
        fields = ["case", "paid_on", "amount", "recipient", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "case" in self.fields:  # absent on the read-only page of a recorded payout
            self.fields["case"].queryset = case_list_for_user(user)

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("case"):
            return data
        self._write_checked(data, {})
        return data

    def write(self, data):
        return payout_record(actor=self.user, case=data["case"], paid_on=data["paid_on"], amount=data["amount"],
                             recipient=data.get("recipient", ""), note=data.get("note", ""))
