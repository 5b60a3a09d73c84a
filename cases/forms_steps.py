"""Forms of the officers' pages: intake and every step of a case. Each validates by calling the service's
check (or the service itself inside a savepoint), so a refusal is shown on the form, in the person's
language, with nothing written. Money and dates go through the one money input and the one day-first date
input of thads.core.forms."""
from __future__ import annotations

from datetime import date

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from banks.models import Bank
from cases.codes import (
    GROUND_REQUIRED_KINDS,
    GROUNDS_BY_KIND,
    AssetKind,
    Category,
    EventKind,
    JudgmentType,
    LandType,
    NoConditionsGround,
    Origin,
    OwnerKind,
    PartyKind,
    PartyRole,
)
from cases.models import Case, Party
from cases.selectors import assignable_officers, can_assign_officers, units_open_to_new_cases
from cases.services import PartyData, case_create, case_create_check, case_event_check, payout_check
from thads.core.errors import DomainError
from thads.core.forms import DayFirstDateField, MoneyField
from thads.org.selectors import officer_profile_of


def attach_error(form: forms.Form, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    """A service's refusal on the field it names (through ``field_map``), else on the form as a whole."""
    field = (field_map or {}).get(error.field or "", error.field)
    if field and field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


# ---- intake ---------------------------------------------------------------------------------------------------

def suggest_case_no(unit, year: int) -> str:
    """The next number in the unit's sequence for ``year``: "<prefix>-<year>-<n+1>" after the highest such
    number of the unit (e.g. HG-2026-000123 → HG-2026-000124); "<unit code>-<year>-000001" for the first."""
    prefix_year = f"-{year}-"
    latest = (Case.objects.filter(unit=unit, case_no__contains=prefix_year).order_by("-case_no")
              .values_list("case_no", flat=True).first())
    if latest:
        head, _sep, number = latest.rpartition("-")
        if number.isdigit():
            candidate_number = int(number) + 1
            while True:
                candidate = f"{head}-{candidate_number:0{len(number)}d}"
                if not Case.objects.filter(case_no=candidate).exists():
                    return candidate
                candidate_number += 1
    candidate_number = 1
    while True:
        candidate = f"{unit.code}-{year}-{candidate_number:06d}"
        if not Case.objects.filter(case_no=candidate).exists():
            return candidate
        candidate_number += 1


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name of the person / organisation"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    id_number = forms.CharField(label=_("Citizen ID / enterprise code"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)


PartyFormSet = forms.formset_factory(PartyForm, extra=0)


class IntakeForm(forms.Form):
    """A new case (thụ lý): decision, judgment, money due, and its debtors and creditors."""

    case_no = forms.CharField(label=_("Case number"), max_length=64,
                              help_text=_("Suggested from the unit's sequence; change it if the book says otherwise."))
    decision_no = forms.CharField(label=_("Enforcement decision number"), max_length=64)
    accepted_on = DayFirstDateField(label=_("Decision date (acceptance)"))
    received_on = DayFirstDateField(label=_("Request or judgment received on"), required=False)
    notified_on = DayFirstDateField(label=_("Decision notified on"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    officer = forms.ModelChoiceField(label=_("Enforcement officer"), queryset=None, required=False)
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial=Origin.THEO_YEU_CAU)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.KHAC)
    creditor_bank = forms.ModelChoiceField(label=_("Creditor bank (credit cases only)"), queryset=Bank.objects.all(),
                                           required=False)
    amount_due = MoneyField(label=_("Amount due"), help_text=_("Whole đồng; 0 for an obligation without money."))
    judgment_type = forms.ChoiceField(label=_("Judgment type"), choices=JudgmentType.choices,
                                      initial=JudgmentType.DAN_SU)
    judgment_court = forms.CharField(label=_("Court"), max_length=255, required=False)
    judgment_no = forms.CharField(label=_("Judgment number"), max_length=64, required=False)
    judgment_date = DayFirstDateField(label=_("Judgment date"), required=False)

    FIELD_MAP = {"unit_code": "unit", "bank_code": "creditor_bank"}
    DEBTOR_SLOTS, CREDITOR_SLOTS = 3, 2

    def __init__(self, data=None, *, user, today: date | None = None, **kwargs):
        today = today or timezone.localdate()
        profile = officer_profile_of(user)
        units = units_open_to_new_cases(user).active_on(today).order_by("code")
        default_unit = profile.unit if profile is not None and units.filter(pk=profile.unit_id).exists() else (
            units.first())
        initial = {"accepted_on": today, "received_on": today, "unit": default_unit, "officer": user}
        if default_unit is not None:
            initial["case_no"] = suggest_case_no(default_unit, today.year)
        super().__init__(data, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        self.user, self.today = user, today
        self.fields["unit"].queryset = units
        self.may_assign = can_assign_officers(user)
        self.fields["officer"].queryset = assignable_officers(user) if self.may_assign else (
            assignable_officers(user).filter(pk=user.pk))
        self.fields["officer"].label_from_instance = lambda u: (
            u.officer_profile.full_name if hasattr(u, "officer_profile") else u.get_username())
        self.debtors = PartyFormSet(data, prefix="debtor", initial=[{}] * self.DEBTOR_SLOTS)
        self.creditors = PartyFormSet(data, prefix="creditor", initial=[{}] * self.CREDITOR_SLOTS)

    @property
    def party_sets(self):
        return [(self.debtors, gettext("Judgment debtors")), (self.creditors, gettext("Judgment creditors"))]

    def _parties(self, formset, role) -> list[PartyData]:
        rows = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if data.get("name", "").strip():
                rows.append(PartyData(role=role, name=data["name"], kind=data.get("kind") or PartyKind.PERSON,
                                      id_number=data.get("id_number", ""), address=data.get("address", "")))
        return rows

    def parties(self) -> list[PartyData]:
        return self._parties(self.debtors, PartyRole.DEBTOR) + self._parties(self.creditors, PartyRole.CREDITOR)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.debtors.is_valid() and self.creditors.is_valid() and valid and not self.errors

    def clean(self):
        data = super().clean()
        if self.errors or not (self.debtors.is_valid() and self.creditors.is_valid()):
            return data
        officer = data.get("officer")
        if officer is not None and officer != self.user and not self.may_assign:
            self.add_error("officer", gettext("Only unit heads assign enforcement officers."))
            return data
        try:
            case_create_check(actor=self.user, parties=self.parties(), today=self.today,
                              **{name: data.get(name) for name in ("case_no", "decision_no", "accepted_on", "unit",
                                                                   "origin", "category", "judgment_type",
                                                                   "amount_due", "creditor_bank")})
        except DomainError as error:
            attach_error(self, error, {**self.FIELD_MAP, "debtor_name": "__all__", "creditor_name": "__all__"})
        return data

    def save(self) -> Case:
        data = self.cleaned_data
        return case_create(
            actor=self.user, parties=self.parties(), today=self.today, officer=data.get("officer") or self.user,
            **{name: data.get(name) for name in ("case_no", "decision_no", "accepted_on", "unit", "origin", "category",
                                                 "judgment_type", "amount_due", "creditor_bank", "received_on",
                                                 "notified_on", "judgment_date")},
            judgment_court=data.get("judgment_court", ""), judgment_no=data.get("judgment_no", ""))


# ---- events ---------------------------------------------------------------------------------------------------

class PaymentMethod:
    CHOICES = [("cash", _("Cash at the office")), ("transfer", _("Bank transfer")),
               ("account", _("Deducted from an account or income")), ("other", _("Other"))]


class EventStepForm(forms.Form):
    """One event of the kind chosen on the case page, checked by the workflow against the case now."""

    date = DayFirstDateField(label=_("Date"))
    amount = MoneyField(label=_("Amount"), required=False, allow_zero=False)
    ground = forms.ChoiceField(label=_("Legal ground"), required=False)
    ground_arose_on = DayFirstDateField(label=_("The ground arose on"), required=False,
                                        help_text=_("Starts the 5 working days for the decision."))
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=64, required=False)
    payer = forms.CharField(label=_("Paid by"), max_length=255, required=False)
    method = forms.ChoiceField(label=_("How it was paid"), choices=PaymentMethod.CHOICES, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, data=None, *, user, case: Case, kind: str, today: date | None = None, **kwargs):
        self.user, self.case, self.kind = user, case, kind
        self.today = today or timezone.localdate()
        super().__init__(data, initial={"date": self.today, **kwargs.pop("initial", {})}, **kwargs)
        grounds = GROUNDS_BY_KIND.get(kind)
        if grounds is None:
            for name in ("ground", "ground_arose_on"):
                del self.fields[name]
        else:
            self.fields["ground"].choices = [("", "---------"), *grounds.choices]
            self.fields["ground"].required = kind in GROUND_REQUIRED_KINDS
        if kind not in (EventKind.THU_TIEN, EventKind.GIAM):
            del self.fields["amount"]
        else:
            self.fields["amount"].required = True
        if kind != EventKind.THU_TIEN:
            for name in ("receipt_no", "payer", "method"):
                del self.fields[name]
        else:
            self.fields["receipt_no"].required = True
            self.fields["method"].required = True
            debtor = case.parties.filter(role=PartyRole.DEBTOR).values_list("name", flat=True).first()
            self.initial.setdefault("payer", debtor or "")

    def composed_note(self) -> str:
        data = self.cleaned_data
        parts = []
        if self.kind == EventKind.THU_TIEN:
            parts.append(gettext("Receipt %(no)s") % {"no": data["receipt_no"].strip()})
            if data.get("payer", "").strip():
                parts.append(gettext("paid by %(payer)s") % {"payer": data["payer"].strip()})
            parts.append(str(dict(PaymentMethod.CHOICES)[data["method"]]).lower())
        if data.get("note", "").strip():
            parts.append(data["note"].strip())
        return "; ".join(parts)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            case_event_check(actor=self.user, case=self.case, kind=self.kind, date=data["date"],
                             amount=data.get("amount"), ground=data.get("ground") or "", today=self.today)
            arose = data.get("ground_arose_on")
            if arose is not None and arose > data["date"]:
                raise DomainError(gettext("The date the ground arose is after the decision date."),
                                  code="invalid_dates", field="ground_arose_on")
        except DomainError as error:
            attach_error(self, error)
        return data


class VerificationForm(forms.Form):
    """Xác minh: what the officer found about the debtor's means, and the finding (with or without
    conditions for enforcement)."""

    FINDINGS = [(EventKind.CO_DIEU_KIEN, _("With conditions: the debtor can pay or has assets to enforce against")),
                (EventKind.CHUA_CO_DIEU_KIEN, _("Without conditions (Article 44a)"))]

    date = DayFirstDateField(label=_("Verified on"))
    finding = forms.ChoiceField(label=_("Finding"), choices=FINDINGS, widget=forms.RadioSelect)
    ground = forms.ChoiceField(label=_("Ground (without conditions)"), required=False,
                               choices=[("", "---------"), *NoConditionsGround.choices])
    ground_arose_on = DayFirstDateField(label=_("The ground arose on"), required=False)
    income = forms.CharField(label=_("Income found"), max_length=500, required=False)
    assets = forms.CharField(label=_("Assets found"), max_length=500, required=False)
    address = forms.CharField(label=_("Address and whereabouts"), max_length=500, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, data=None, *, user, case: Case, today: date | None = None, **kwargs):
        self.user, self.case = user, case
        self.today = today or timezone.localdate()
        super().__init__(data, initial={"date": self.today, **kwargs.pop("initial", {})}, **kwargs)

    @property
    def kind(self) -> str:
        return self.cleaned_data["finding"]

    def composed_note(self) -> str:
        data = self.cleaned_data
        parts = []
        for name, label in (("income", _("Income")), ("assets", _("Assets")), ("address", _("Address"))):
            if data.get(name, "").strip():
                parts.append(f"{label}: {data[name].strip()}")
        if data.get("note", "").strip():
            parts.append(data["note"].strip())
        return "; ".join(parts)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["finding"] == EventKind.CO_DIEU_KIEN and data.get("ground"):
            self.add_error("ground", gettext("A ground is given only when the debtor has no conditions."))
            return data
        if not any(data.get(name, "").strip() for name in ("income", "assets", "address")):
            self.add_error(None, gettext("Say what the verification found: income, assets or address."))
            return data
        try:
            case_event_check(actor=self.user, case=self.case, kind=data["finding"], date=data["date"],
                             ground=data.get("ground") or "", today=self.today)
        except DomainError as error:
            attach_error(self, error, {"kind": "finding"})
        return data


class PayoutStepForm(forms.Form):
    paid_on = DayFirstDateField(label=_("Paid on"))
    amount = MoneyField(label=_("Amount paid out"), allow_zero=False)
    recipient = forms.CharField(label=_("Recipient"), max_length=255)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, data=None, *, user, case: Case, today: date | None = None, **kwargs):
        self.user, self.case = user, case
        self.today = today or timezone.localdate()
        paid = sum(case.payouts.values_list("amount", flat=True))
        creditor = case.parties.filter(role=PartyRole.CREDITOR).values_list("name", flat=True).first() or ""
        initial = {"paid_on": self.today, "recipient": creditor}
        if case.amount_collected > paid:
            initial["amount"] = case.amount_collected - paid
        super().__init__(data, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            payout_check(actor=self.user, case=self.case, paid_on=data["paid_on"], amount=data["amount"],
                         today=self.today)
        except DomainError as error:
            attach_error(self, error)
        return data


class PartyEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    name = forms.CharField(label=_("Name of the person / organisation"), max_length=255)
    id_number = forms.CharField(label=_("Citizen ID / enterprise code"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500, required=False)

    def __init__(self, data=None, *, party: Party | None = None, **kwargs):
        super().__init__(data, **kwargs)
        if party is None:
            del self.fields["reason"]
        else:
            del self.fields["role"]
            self.fields["reason"].required = True


class CancelEventForm(forms.Form):
    reason = forms.CharField(label=_("Why the event was wrong"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


# ---- assets ---------------------------------------------------------------------------------------------------

class SeizeAssetForm(forms.Form):
    """Kê biên: record the debtor's asset for this case and its seizure, in one step (both or neither)."""

    kind = forms.ChoiceField(label=_("Kind of asset"), choices=AssetKind.choices)
    description = forms.CharField(label=_("Description"), max_length=500)
    owner_kind = forms.ChoiceField(label=_("Owner is"), choices=OwnerKind.choices, initial=OwnerKind.DEBTOR)
    owner_name = forms.CharField(label=_("Owner's name"), max_length=255)
    location = forms.CharField(label=_("Location / address"), max_length=500, required=False)
    parcel_no = forms.CharField(label=_("Parcel number"), max_length=32, required=False)
    map_sheet_no = forms.CharField(label=_("Map sheet number"), max_length=32, required=False)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), max_digits=12, decimal_places=2, required=False)
    land_type = forms.ChoiceField(label=_("Land type"), choices=[("", "---------"), *LandType.choices],
                                  required=False)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64, required=False)
    plate_no = forms.CharField(label=_("Number plate"), max_length=32, required=False)
    seized_on = DayFirstDateField(label=_("Seized on"))
    minutes_no = forms.CharField(label=_("Seizure minutes number"), max_length=64)

    def __init__(self, data=None, *, user, case: Case, today: date | None = None, **kwargs):
        self.user, self.case = user, case
        self.today = today or timezone.localdate()
        debtor = case.parties.filter(role=PartyRole.DEBTOR).values_list("name", flat=True).first() or ""
        super().__init__(data, initial={"seized_on": self.today, "owner_name": debtor,
                                        **kwargs.pop("initial", {})}, **kwargs)
        self.result = None

    def clean(self):
        from cases.services.assets import AssetData, asset_create, seizure_record

        data = super().clean()
        if self.errors:
            return data
        asset_fields = ("kind", "description", "owner_kind", "owner_name", "location", "parcel_no", "map_sheet_no",
                        "area_m2", "land_type", "certificate_no", "plate_no")
        try:
            with transaction.atomic():
                asset = asset_create(actor=self.user, cases=[self.case], data=AssetData(
                    **{name: data.get(name) if data.get(name) is not None else ("" if name != "area_m2" else None)
                       for name in asset_fields}))
                self.result = seizure_record(actor=self.user, asset=asset, case=self.case,
                                             seized_on=data["seized_on"], minutes_no=data["minutes_no"],
                                             today=self.today)
        except DomainError as error:
            self.result = None
            attach_error(self, error)
        return data
