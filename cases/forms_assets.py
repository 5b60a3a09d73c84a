"""Forms for assets, seizures, valuations, auctions, enforcement costs and collateral, used by the admin.

Every form writes through one service of cases.services.assets, called from ``clean()`` inside a savepoint:
the service checks the step and writes it, or raises DomainError with nothing written, and the error lands
on the form field it concerns (else on the form). So the pages refuse exactly what the services refuse, with
the services' messages, and no second copy of a rule lives here. The models' own validation is skipped
(``_post_clean``): it would only see an unsaved copy, and its constraint checks would find the row the
service has just written.

The choice lists offer what the person may write (the selectors decide); the services check it again.
"""
from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import Bank, Collateral
from cases.codes import ENDED_STATUSES, ClaimRank, RoundOutcome, SeizureStatus
from cases.models import (
    Asset,
    AssetCase,
    Auction,
    AuctionRound,
    Case,
    CreditorOffer,
    EnforcementCost,
    Seizure,
    Valuation,
)
from cases.selectors import asset_list_for_user, case_is_writable_by, case_list_for_user
from cases.services.assets import (
    AssetData,
    asset_case_link,
    asset_collection_distribute,
    asset_create,
    auction_create,
    auction_handover,
    auction_redeem,
    auction_return_to_debtor,
    auction_round_record,
    auction_sale_default,
    auction_sale_paid,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    enforcement_cost_record,
    revaluation_record,
    seizure_record,
    seizure_release,
    valuation_notify,
    valuation_record,
)
from thads.core.errors import DomainError
from thads.core.forms import DayFirstDateField, MoneyField, thads_formfield

# ---- choices: what a person may write -----------------------------------------------------------------------


def writable_cases(user, *, open_only: bool = False) -> QuerySet[Case]:
    """The cases ``user`` may read and write (optionally only those not ended), as one lazy queryset.

    Writability is decided by cases.selectors.case_is_writable_by, which depends on a case's unit and on
    whether it is assigned to ``user``; it is asked once per such pair (a few per unit), never per case, and
    the answer becomes a filter, so the list costs the same for ten cases or ten thousand."""
    readable = case_list_for_user(user)
    if open_only:
        readable = readable.exclude(status__in=ENDED_STATUSES)
    pairs = readable.order_by().values_list("unit_id", "officer_id").distinct()
    verdicts: dict[tuple[int, bool], bool] = {}
    for unit_id, officer_id in pairs:
        mine = officer_id is not None and officer_id == getattr(user, "pk", None)
        if (unit_id, mine) not in verdicts:
            verdicts[(unit_id, mine)] = case_is_writable_by(
                user, Case(unit_id=unit_id, officer_id=user.pk if mine else None))
    if verdicts and all(verdicts.values()):
        return readable.order_by("case_no")
    condition = Q(pk__in=[])
    for (unit_id, mine), writable in verdicts.items():
        if not writable:
            continue
        if mine:
            condition |= Q(unit_id=unit_id, officer_id=user.pk)
        else:
            condition |= Q(unit_id=unit_id) & (Q(officer__isnull=True) | ~Q(officer_id=user.pk))
    return readable.filter(condition).order_by("case_no")


def writable_assets(user) -> QuerySet[Asset]:
    """The assets ``user`` may record steps for: those answering for a case they may write (the rule of
    cases.selectors.asset_is_writable_by, as a filter)."""
    linked = AssetCase.objects.filter(case__in=writable_cases(user).values("pk")).values("asset_id")
    return asset_list_for_user(user).filter(pk__in=linked)


# ---- fields and the service-calling base ----------------------------------------------------------------------

def date_field(label, *, required: bool = True, today: bool = False) -> DayFirstDateField:
    return DayFirstDateField(label=label, required=required, initial=timezone.localdate if today else None)


def attach_domain_error(form: forms.Form, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form field it concerns (``error.field`` through ``field_map``), else
    on the form as a whole."""
    field = (field_map or {}).get(error.field or "", error.field)
    if field and field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


class ServiceFormMixin:
    """``clean()`` calls ``call_service(cleaned_data)`` once the fields are valid; the created or changed
    object is kept in ``result``. A DomainError becomes a form error and, the service being atomic (and run
    in a savepoint here), leaves the database as it was."""

    field_map: dict[str, str] = {}
    result = None

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def call_service(self, data: dict):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.result = self.call_service(data)
        except DomainError as error:
            attach_domain_error(self, error, self.field_map)
        return data


class ServiceModelForm(ServiceFormMixin, forms.ModelForm):
    """An admin add form whose row is written by a service (see ServiceFormMixin)."""

    def _post_clean(self):
        # The service validated the input and wrote the row; see the module docstring.
        pass


# ---- add forms --------------------------------------------------------------------------------------------------

class AssetForm(ServiceModelForm):
    cases = forms.ModelMultipleChoiceField(
        label=_("Cases it answers for"), queryset=Case.objects.none(),
        help_text=_("The open cases you may write to, of one unit. Each gets the default rank in the order of "
                    "payment."))

    class Meta:
        model = Asset
        formfield_callback = thads_formfield
        fields = ["kind", "description", "owner_kind", "owner_name", "location", "parcel_no", "map_sheet_no",
                  "area_m2", "land_type", "certificate_no", "plate_no", "account_no", "share_count"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = writable_cases(self.user, open_only=True)

    def call_service(self, data):
        asset_data = AssetData(**{field: data.get(field) if data.get(field) is not None else default
                                  for field, default in (
                                      ("kind", ""), ("description", ""), ("owner_name", ""), ("owner_kind", ""),
                                      ("location", ""), ("parcel_no", ""), ("map_sheet_no", ""),
                                      ("area_m2", None), ("land_type", ""), ("certificate_no", ""),
                                      ("plate_no", ""), ("account_no", ""), ("share_count", None))})
        return asset_create(actor=self.user, cases=list(data["cases"]), data=asset_data)


class CollateralForm(ServiceModelForm):
    principal = MoneyField(label=_("Principal (VND)"))
    contractual_interest = MoneyField(label=_("Contractual interest (VND)"), required=False, initial=0)
    penalty_interest = MoneyField(label=_("Penalty interest (VND)"), required=False, initial=0)
    secured_amount = MoneyField(label=_("Secured amount (VND)"),
                              help_text=_("The most the bank is paid first from this asset."))

    class Meta:
        model = Collateral
        formfield_callback = thads_formfield
        fields = ["asset", "bank", "kind", "loan_contract_no", "loan_contract_date", "principal",
                  "contractual_interest", "penalty_interest", "secured_amount", "security_contract_no",
                  "registered_on", "registration_office"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = writable_assets(self.user)
        self.fields["bank"].queryset = Bank.objects.order_by("code")

    def call_service(self, data):
        return collateral_register(
            actor=self.user, asset=data["asset"], bank=data["bank"], kind=data["kind"],
            loan_contract_no=data["loan_contract_no"], loan_contract_date=data.get("loan_contract_date"),
            principal=data["principal"], contractual_interest=data.get("contractual_interest") or 0,
            penalty_interest=data.get("penalty_interest") or 0, secured_amount=data["secured_amount"],
            security_contract_no=data.get("security_contract_no", ""), registered_on=data.get("registered_on"),
            registration_office=data.get("registration_office", ""))


class SeizureForm(ServiceModelForm):
    class Meta:
        model = Seizure
        formfield_callback = thads_formfield
        fields = ["asset", "case", "seized_on", "minutes_no"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = writable_assets(self.user)
        self.fields["case"].queryset = writable_cases(self.user, open_only=True)
        self.fields["case"].help_text = _("One of the cases the asset answers for, being enforced.")

    def call_service(self, data):
        return seizure_record(actor=self.user, asset=data["asset"], case=data["case"], seized_on=data["seized_on"],
                              minutes_no=data["minutes_no"])


class ValuationForm(ServiceModelForm):
    """A valuation, or — when "re-valuation of" is chosen — the one re-valuation a party may request."""

    value = MoneyField(label=_("Value (VND)"))
    field_map = {"requested_on": "revaluation_requested_on"}

    class Meta:
        model = Valuation
        formfield_callback = thads_formfield
        fields = ["seizure", "revaluation_of", "revaluation_requested_on", "requested_by", "method", "firm_name",
                  "contract_signed_on", "valued_on", "value", "notified_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seizures = Seizure.objects.filter(asset__in=writable_assets(self.user).values("pk"),
                                          status=SeizureStatus.IN_FORCE).select_related("asset")
        self.fields["seizure"].queryset = seizures
        self.fields["seizure"].required = False
        self.fields["seizure"].help_text = _("May be left empty for a re-valuation.")
        self.fields["revaluation_of"].queryset = Valuation.objects.filter(
            seizure__in=seizures.values("pk"), revaluation_of__isnull=True,
            revaluation__isnull=True).select_related("seizure")
        self.fields["revaluation_of"].help_text = _(
            "Only for a re-valuation requested by a party: the valuation it replaces.")

    def clean(self):
        data = forms.ModelForm.clean(self)
        if not self.errors:
            seizure, original = data.get("seizure"), data.get("revaluation_of")
            if original is None and seizure is None:
                self.add_error("seizure", _("Choose the seizure of the asset valued."))
            elif original is not None and seizure is not None and original.seizure_id != seizure.pk:
                self.add_error("revaluation_of", _("This valuation is of another seizure."))
            elif original is None and (data.get("revaluation_requested_on") or data.get("requested_by")):
                self.add_error("revaluation_of", _("Choose the valuation being re-valued, or leave the request "
                                                   "date and the requester empty."))
        if self.errors:
            return data
        return super().clean()

    def call_service(self, data):
        common = {"method": data["method"], "value": data["value"], "valued_on": data["valued_on"],
                  "firm_name": data.get("firm_name", ""), "contract_signed_on": data.get("contract_signed_on"),
                  "notified_on": data.get("notified_on")}
        if data.get("revaluation_of") is not None:
            return revaluation_record(actor=self.user, valuation=data["revaluation_of"],
                                      requested_on=data.get("revaluation_requested_on"),
                                      requested_by=data.get("requested_by", ""), **common)
        return valuation_record(actor=self.user, seizure=data["seizure"], **common)


class AuctionForm(ServiceModelForm):
    class Meta:
        model = Auction
        formfield_callback = thads_formfield
        fields = ["seizure", "organisation", "contract_no", "contract_signed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seizure"].queryset = Seizure.objects.filter(
            asset__in=writable_assets(self.user).values("pk"), status=SeizureStatus.IN_FORCE,
            auction__isnull=True).select_related("asset")

    def call_service(self, data):
        return auction_create(actor=self.user, seizure=data["seizure"], organisation=data["organisation"],
                              contract_no=data["contract_no"], contract_signed_on=data["contract_signed_on"])


class AuctionRoundForm(ServiceModelForm):
    starting_price = MoneyField(label=_("Starting price (VND)"))
    sale_price = MoneyField(label=_("Sale price (VND)"), required=False, help_text=_("Only for a sold round."))
    price_set_by = forms.ChoiceField(label=_("Price set by"), required=False)

    class Meta:
        model = AuctionRound
        formfield_callback = thads_formfield
        fields = ["auction", "held_on", "starting_price", "price_set_by", "outcome", "sale_price", "buyer_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auction"].queryset = Auction.objects.filter(
            seizure__asset__in=writable_assets(self.user).values("pk"), closed_as="").select_related(
            "seizure__asset")
        self.fields["outcome"].choices = [(value, label) for value, label in self.fields["outcome"].choices
                                          if value != RoundOutcome.WINNER_DID_NOT_PAY]
        self.fields["price_set_by"].choices = [
            ("", _("Automatic: the valuation for the first round, else the officer")),
            *AuctionRound._meta.get_field("price_set_by").choices]
        self.fields["buyer_name"].help_text = _("Only for a sold round.")

    def call_service(self, data):
        return auction_round_record(actor=self.user, auction=data["auction"], held_on=data["held_on"],
                                    starting_price=data["starting_price"], outcome=data["outcome"],
                                    price_set_by=data.get("price_set_by") or None, sale_price=data.get("sale_price"),
                                    buyer_name=data.get("buyer_name", ""))


class EnforcementCostForm(ServiceModelForm):
    amount = MoneyField(label=_("Amount (VND)"))

    class Meta:
        model = EnforcementCost
        formfield_callback = thads_formfield
        fields = ["case", "asset", "incurred_on", "kind", "amount", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = writable_cases(self.user)
        self.fields["asset"].queryset = writable_assets(self.user)
        self.fields["asset"].help_text = _("Leave empty for a cost of the case as a whole.")

    def call_service(self, data):
        return enforcement_cost_record(actor=self.user, case=data["case"], asset=data.get("asset"),
                                       kind=data["kind"], amount=data["amount"], incurred_on=data["incurred_on"],
                                       note=data.get("note", ""))


# ---- action forms: one step on an existing record ----------------------------------------------------------------

class ActionForm(ServiceFormMixin, forms.Form):
    """A step on ``obj`` (a round, an auction, a seizure, an asset). ``title`` names the step on its page."""

    title = ""
    submit_label = _("Record this step")

    def __init__(self, *args, obj, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)


class SalePaidForm(ActionForm):
    title = _("The buyer paid")
    paid_on = date_field(_("Paid on"), today=True)

    def call_service(self, data):
        return auction_sale_paid(actor=self.user, auction_round=self.obj, paid_on=data["paid_on"])


class SaleDefaultForm(ActionForm):
    title = _("The buyer defaulted")
    defaulted_on = date_field(_("Defaulted on"), today=True)

    def call_service(self, data):
        return auction_sale_default(actor=self.user, auction_round=self.obj, defaulted_on=data["defaulted_on"])


class CreditorOfferMakeForm(ActionForm):
    title = _("Offer the asset to the creditor")
    offered_on = date_field(_("Offered on"), today=True)

    def call_service(self, data):
        return creditor_offer_make(actor=self.user, auction=self.obj, offered_on=data["offered_on"])


class CreditorOfferAnswerForm(ActionForm):
    title = _("The creditor's answer")
    accepted = forms.TypedChoiceField(
        label=_("Does the creditor take the asset against the debt?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes, the creditor accepts it")), ("no", _("No, the creditor declines"))],
        coerce=lambda value: value == "yes")
    answered_on = date_field(_("Answered on"), today=True)

    def call_service(self, data):
        offer = CreditorOffer.objects.filter(auction=self.obj).first()
        if offer is None:
            raise DomainError(_("The asset has not been offered to the creditor."), code="no_open_offer")
        return creditor_offer_answer(actor=self.user, offer=offer, accepted=data["accepted"],
                                     answered_on=data["answered_on"])


class HandoverForm(ActionForm):
    title = _("Hand the asset over to the creditor")
    handed_on = date_field(_("Handed over on"), today=True)

    def call_service(self, data):
        return auction_handover(actor=self.user, auction=self.obj, handed_on=data["handed_on"])


class RedeemForm(ActionForm):
    title = _("The debtor paid to keep the asset")
    paid_on = date_field(_("Paid on"), today=True)
    amount = MoneyField(label=_("Amount paid (VND)"))

    def call_service(self, data):
        return auction_redeem(actor=self.user, auction=self.obj, paid_on=data["paid_on"], amount=data["amount"])


class ReturnToDebtorForm(ActionForm):
    title = _("Return the asset to the debtor")
    returned_on = date_field(_("Returned on"), today=True)

    def call_service(self, data):
        return auction_return_to_debtor(actor=self.user, auction=self.obj, returned_on=data["returned_on"])


class SeizureReleaseForm(ActionForm):
    title = _("Release the seizure")
    released_on = date_field(_("Released on"), today=True)
    release_reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                                     widget=forms.TextInput(attrs={"class": "vLargeTextField"}))

    def call_service(self, data):
        return seizure_release(actor=self.user, seizure=self.obj, released_on=data["released_on"],
                               reason=data.get("release_reason", ""))


class AssetCollectionForm(ActionForm):
    title = _("Money collected from the asset")
    received_on = date_field(_("Received on"), today=True)
    amount = MoneyField(label=_("Amount (VND)"),
                      help_text=_("Paid out in the legal order: enforcement costs first, then the creditors."))

    def call_service(self, data):
        return asset_collection_distribute(actor=self.user, asset=self.obj, received_on=data["received_on"],
                                           amount=data["amount"])


class AssetCaseLinkForm(ActionForm):
    title = _("Add a case or correct its rank")
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.none(),
                                  help_text=_("An open case of the asset's unit that you may write to."))
    rank = forms.TypedChoiceField(label=_("Rank in the order of payment"), choices=ClaimRank.choices, coerce=int,
                                  required=False, empty_value=None,
                                  help_text=_("Empty: keep the rank already set (a new case gets the default)."))
    interest_due = MoneyField(label=_("Late-payment interest included in the amount due (VND)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = writable_cases(self.user, open_only=True).filter(unit_id=self.obj.unit_id)

    def call_service(self, data):
        return asset_case_link(actor=self.user, asset=self.obj, case=data["case"], rank=data.get("rank"),
                               interest_due=data.get("interest_due") or 0)


class ValuationNotifyForm(ActionForm):
    title = _("The parties were notified of the valuation")
    notified_on = date_field(_("Notified on"), today=True)

    def call_service(self, data):
        return valuation_notify(actor=self.user, valuation=self.obj, notified_on=data["notified_on"])
