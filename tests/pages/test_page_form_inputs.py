"""The officers' page forms use the one money input and the one day-first date input: "1.000.000" is
1000000 and "06/05/2025" is 6 May 2025 in Vietnamese and in English, and "1,5" or "06/05/25" is a form error in
the person's language with nothing written."""
from datetime import date

import pytest
import time_machine
from django.utils import translation

from cases.codes import EventKind
from cases.forms_steps import EventStepForm, IntakeForm, PayoutStepForm, SeizeAssetForm, VerificationForm
from cases.models import Case, CaseEvent, Payout, Seizure
from tests.factories import make_case, record
from thads.core.forms import DayFirstDateField, MoneyField

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 20)

# form → (money fields, date fields)
PAGE_FORMS = {
    IntakeForm: ({"amount_due"}, {"accepted_on", "received_on", "notified_on", "judgment_date"}),
    EventStepForm: ({"amount"}, {"date"}),  # a collection: no ground
    VerificationForm: (set(), {"date", "ground_arose_on"}),
    PayoutStepForm: ({"amount"}, {"paid_on"}),
    SeizeAssetForm: (set(), {"seized_on"}),
}


@pytest.fixture
def case(org, people):
    with time_machine.travel(TODAY, tick=False):
        case = make_case(unit=org["HG-VT"], officer=people["officer"], amount_due=5_000_000,
                         accepted_on=date(2025, 5, 2), today=TODAY)
        record(case, EventKind.THU_TIEN, date(2025, 5, 5), amount=2_000_000, today=TODAY)
    return case


def build(form_class, data, *, user, case):
    if form_class is IntakeForm:
        return IntakeForm(data, user=user, today=TODAY)
    if form_class is EventStepForm:
        return EventStepForm(data, user=user, case=case, kind=EventKind.THU_TIEN, today=TODAY)
    return form_class(data, user=user, case=case, today=TODAY)


@pytest.mark.parametrize("form_class", list(PAGE_FORMS))
def test_each_page_form_uses_the_shared_inputs(form_class, people, case):
    form = build(form_class, None, user=people["officer"], case=case)
    money, dates = PAGE_FORMS[form_class]
    assert {name for name, field in form.fields.items() if isinstance(field, MoneyField)} == money
    assert {name for name, field in form.fields.items() if isinstance(field, DayFirstDateField)} == dates


VALID = {
    IntakeForm: lambda org: {
        "case_no": "VT-X-1", "decision_no": "1/QĐ", "accepted_on": "06/05/2025", "unit": org["HG-VT"].pk,
        "origin": "theo_yeu_cau", "category": "khac", "judgment_type": "dan_su", "amount_due": "1.000.000",
        "debtor-TOTAL_FORMS": "1", "debtor-INITIAL_FORMS": "0", "creditor-TOTAL_FORMS": "1",
        "creditor-INITIAL_FORMS": "0", "debtor-0-name": "Nguyễn Văn A", "debtor-0-kind": "person",
        "creditor-0-name": "Trần Thị B", "creditor-0-kind": "person"},
    EventStepForm: lambda org: {"date": "06/05/2025", "amount": "1.000.000", "receipt_no": "BL-1",
                                "method": "cash"},
    PayoutStepForm: lambda org: {"paid_on": "06/05/2025", "amount": "1.000.000", "recipient": "Trần Thị B"},
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("form_class", list(VALID))
def test_dots_and_day_first_dates_are_read_the_same_in_both_languages(form_class, language, org, people, case):
    data = VALID[form_class](org)
    with translation.override(language):
        form = build(form_class, data, user=people["officer"], case=case)
        assert form.is_valid(), form.errors
    money = next(iter(PAGE_FORMS[form_class][0]))
    day = "accepted_on" if form_class is IntakeForm else ("paid_on" if form_class is PayoutStepForm else "date")
    assert form.cleaned_data[money] == 1_000_000
    assert form.cleaned_data[day] == date(2025, 5, 6)


@pytest.mark.parametrize(("language", "message"), [("vi", "dấu phẩy"), ("en", "comma")])
@pytest.mark.parametrize("form_class", list(VALID))
def test_an_ambiguous_amount_is_refused_in_the_persons_language_and_nothing_written(
        form_class, language, message, org, people, case):
    money = next(iter(PAGE_FORMS[form_class][0]))
    data = {**VALID[form_class](org), money: "1,5"}
    before = (Case.objects.count(), CaseEvent.objects.count(), Payout.objects.count())
    with translation.override(language):
        form = build(form_class, data, user=people["officer"], case=case)
        assert not form.is_valid()
        assert message in " ".join(form.errors[money]).lower()
    assert (Case.objects.count(), CaseEvent.objects.count(), Payout.objects.count()) == before


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_two_digit_year_is_refused_on_the_seizure_form(language, people, case):
    with translation.override(language):
        form = SeizeAssetForm({"kind": "vehicle", "description": "Xe máy", "owner_kind": "debtor",
                               "owner_name": "Nguyễn Văn A", "seized_on": "06/05/25", "minutes_no": "BB 1"},
                              user=people["officer"], case=case, today=TODAY)
        assert not form.is_valid() and "seized_on" in form.errors
    assert Seizure.objects.count() == 0
