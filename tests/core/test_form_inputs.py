"""Every form that takes money or a date uses the one money input and the one day-first date input
(thads.core.forms): "1.000.000" is 1000000 and "06/05/2025" is 6 May 2025 in Vietnamese and in English, and a
value that could be read two ways is a form error with nothing written. Also: no admin page falls back to
Django's number box or month-first dates."""
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from banks.models import Collateral
from cases import forms as case_forms
from cases import forms_assets
from cases.models import (
    Asset,
    Auction,
    AuctionRound,
    Case,
    CaseEvent,
    CreditorOffer,
    Distribution,
    EnforcementCost,
    Payout,
    Seizure,
    Valuation,
)
from reports.admin import ClosedPeriodForm
from reports.models import ClosedPeriod, Target
from thads.core.admin import AdminDayFirstDateInput, DayFirstMoneyAdminMixin
from thads.core.forms import (
    DayFirstDateField,
    DayFirstDateInput,
    MoneyField,
    MoneyInput,
    is_date_column,
    is_money_column,
)
from thads.org.admin import UnitForm
from thads.org.models import Unit

pytestmark = pytest.mark.django_db

# form class → (its money fields, its date fields)
FORMS = {
    case_forms.CaseCreateForm: ({"amount_due"}, {"accepted_on", "received_on", "notified_on", "judgment_date"}),
    case_forms.CaseEventForm: ({"amount"}, {"date", "ground_arose_on"}),
    case_forms.PayoutForm: ({"amount"}, {"paid_on"}),
    forms_assets.CollateralForm: ({"principal", "contractual_interest", "penalty_interest", "secured_amount"},
                                  {"loan_contract_date", "registered_on"}),
    forms_assets.SeizureForm: (set(), {"seized_on"}),
    forms_assets.ValuationForm: ({"value"}, {"revaluation_requested_on", "contract_signed_on", "valued_on",
                                             "notified_on"}),
    forms_assets.AuctionForm: (set(), {"contract_signed_on"}),
    forms_assets.AuctionRoundForm: ({"starting_price", "sale_price"}, {"held_on"}),
    forms_assets.EnforcementCostForm: ({"amount"}, {"incurred_on"}),
    forms_assets.SalePaidForm: (set(), {"paid_on"}),
    forms_assets.SaleDefaultForm: (set(), {"defaulted_on"}),
    forms_assets.CreditorOfferMakeForm: (set(), {"offered_on"}),
    forms_assets.CreditorOfferAnswerForm: (set(), {"answered_on"}),
    forms_assets.HandoverForm: (set(), {"handed_on"}),
    forms_assets.RedeemForm: ({"amount"}, {"paid_on"}),
    forms_assets.ReturnToDebtorForm: (set(), {"returned_on"}),
    forms_assets.SeizureReleaseForm: (set(), {"released_on"}),
    forms_assets.AssetCollectionForm: ({"amount"}, {"received_on"}),
    forms_assets.AssetCaseLinkForm: ({"interest_due"}, set()),
    forms_assets.ValuationNotifyForm: (set(), {"notified_on"}),
    ClosedPeriodForm: (set(), {"end"}),
    UnitForm: (set(), {"valid_from", "valid_to"}),
}
FORM_IDS = [form.__name__ for form in FORMS]
WRITTEN = (Case, CaseEvent, Payout, Asset, Collateral, Seizure, Valuation, Auction, AuctionRound, CreditorOffer,
           EnforcementCost, Distribution, ClosedPeriod, Unit, Target)


def build(form_class, user, org, data=None):
    if issubclass(form_class, forms_assets.ActionForm):
        return form_class(data, obj=SimpleNamespace(unit_id=org["HG-VT"].pk), user=user)
    if form_class in (ClosedPeriodForm, UnitForm):
        return form_class(data)
    return form_class(data, user=user)


def counts():
    return {model.__name__: model.objects.count() for model in WRITTEN}


def typed_fields(form):
    money = {name for name, field in form.fields.items() if isinstance(field, MoneyField)}
    dates = {name for name, field in form.fields.items() if isinstance(field, DayFirstDateField)}
    return money, dates


@pytest.mark.parametrize("form_class", FORMS, ids=FORM_IDS)
def test_every_money_and_date_field_of_the_form_is_the_shared_one(form_class, org, people):
    form = build(form_class, people["head"], org)
    assert typed_fields(form) == FORMS[form_class]
    for name in FORMS[form_class][0]:
        assert type(form.fields[name].widget) is MoneyInput
    for name in FORMS[form_class][1]:
        assert type(form.fields[name].widget) is DayFirstDateInput
    # nothing else in the form is a money or date field of Django's
    leftovers = [name for name, field in form.fields.items()
                 if type(field).__name__ in ("IntegerField", "DateField") and name not in ("rank",)]
    assert leftovers == []


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("form_class", FORMS, ids=FORM_IDS)
def test_the_form_reads_grouped_money_and_day_first_dates_in_both_languages(form_class, language, org, people):
    money, dates = FORMS[form_class]
    data = {**{name: "1.000.000" for name in money}, **{name: "06/05/2025" for name in dates}}
    with translation.override(language):
        form = build(form_class, people["head"], org, data)
        cleaned = {name: form.fields[name].clean(form[name].data) for name in money | dates}
    assert cleaned == {**{name: 1_000_000 for name in money}, **{name: date(2025, 5, 6) for name in dates}}


@pytest.mark.parametrize(("language", "money_message", "date_message"), [
    ("vi", "Không dùng dấu phẩy (có thể bị hiểu là dấu thập phân): ghi 1.000.000 hoặc 1000000.",
     "Ghi năm đủ bốn chữ số, ví dụ 06/05/2025."),
    ("en", "Commas are not accepted (they could be a decimal point): write 1.000.000 or 1000000.",
     "Write the year with four digits, for example 06/05/2025."),
])
@pytest.mark.parametrize("form_class", FORMS, ids=FORM_IDS)
def test_a_value_that_could_be_read_two_ways_is_a_form_error_and_nothing_is_written(
        form_class, language, money_message, date_message, org, people):
    money, dates = FORMS[form_class]
    before = counts()
    data = {**{name: "1,000,000" for name in money}, **{name: "06/05/25" for name in dates}}
    with translation.override(language):
        form = build(form_class, people["head"], org, data)
        assert not form.is_valid()
        errors = {name: list(form.errors.get(name, [])) for name in money | dates}
    assert errors == {**{name: [money_message] for name in money}, **{name: [date_message] for name in dates}}
    assert counts() == before


# ---- the admin: nothing falls back to Django's defaults ------------------------------------------------------------

def admin_forms(user):
    """(model admin, its add form class) for every registered admin with an add page."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if getattr(model_admin, "add_form", True) is None:
            continue  # read-only records (written by other steps)
        yield model, model_admin, model_admin.get_form(request, None)


def test_every_admin_of_a_model_with_money_or_dates_uses_the_shared_inputs(people):
    user = people["central"]
    user.is_superuser = True
    checked = []
    for model, model_admin, form_class in admin_forms(user):
        columns = [field for field in model._meta.get_fields()
                   if getattr(field, "concrete", False) and (is_money_column(field) or is_date_column(field))]
        if columns:
            assert isinstance(model_admin, DayFirstMoneyAdminMixin), type(model_admin).__name__
        for column in columns:
            field = form_class.base_fields.get(column.name)
            if field is None:
                continue  # not on the add page (computed, or shown read-only)
            expected = MoneyField if is_money_column(column) else DayFirstDateField
            assert isinstance(field, expected), (model.__name__, column.name, type(field).__name__)
            checked.append(f"{model.__name__}.{column.name}")
    assert {"Case.amount_due", "Case.accepted_on", "CaseEvent.amount", "CaseEvent.date", "Payout.amount",
            "PublicHoliday.date", "ClosedPeriod.end", "Unit.valid_from", "Collateral.principal",
            "EnforcementCost.incurred_on"} <= set(checked)


def test_the_admin_forms_get_the_calendar_beside_each_date(people):
    user = people["central"]
    request = RequestFactory().get("/admin/")
    request.user = user
    form = admin.site._registry[Case].get_form(request, None)()
    assert type(form.fields["accepted_on"].widget) is AdminDayFirstDateInput
    html = str(form["accepted_on"])
    assert 'class="vDateField"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert "admin/js/admin/DateTimeShortcuts.js" in str(form.media)
