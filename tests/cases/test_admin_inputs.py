"""Money and dates typed in the admin are read as people mean them, in both languages: "1.000.000" is one million
đồng (not 1, as an HTML number box read it) and 06/05/2025 is 6 May 2025 (not 5 June, as Django's English
formats read it)."""
from datetime import date

import pytest
from django.conf import settings

from cases.codes import EventKind
from cases.models import Case, CaseEvent, Party
from tests.cases.test_admin_case_create import form_data as case_form_data
from tests.factories import make_case

pytestmark = pytest.mark.django_db

CASE_ADD = "/admin/cases/case/add/"
EVENT_ADD = "/admin/cases/caseevent/add/"


def logged_in(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def errors(response) -> dict:
    form = response.context["adminform"].form
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_case_create_page_saves_a_grouped_amount_and_a_day_first_date(client, org, people, language):
    response = logged_in(client, people["head"], language).post(
        CASE_ADD, case_form_data(org, amount_due="1.000.000", accepted_on="06/05/2025"))
    assert response.status_code == 302, errors(response)
    case = Case.objects.get(case_no="ADM-0001")
    assert (case.amount_due, case.amount_remaining, case.accepted_on) == (1_000_000, 1_000_000, date(2025, 5, 6))


@pytest.mark.parametrize(("language", "message"), [
    ("vi", "Không dùng dấu phẩy (có thể bị hiểu là dấu thập phân): ghi 1.000.000 hoặc 1000000."),
    ("en", "Commas are not accepted (they could be a decimal point): write 1.000.000 or 1000000."),
])
def test_the_case_create_page_refuses_a_comma_amount_and_writes_nothing(client, org, people, language, message):
    response = logged_in(client, people["head"], language).post(CASE_ADD, case_form_data(org, amount_due="1,000,000"))
    assert response.status_code == 200
    assert errors(response) == {"amount_due": [message]}
    assert (Case.objects.count(), Party.objects.count()) == (0, 0)


def test_the_case_create_page_shows_text_inputs_for_money_and_dates(client, org, people):
    html = logged_in(client, people["head"], "en").get(CASE_ADD).content.decode()
    assert ('<input type="text" name="amount_due" inputmode="numeric" autocomplete="off" data-money required '
            'aria-describedby="id_amount_due_helptext" id="id_amount_due">') in html
    assert 'name="accepted_on"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert '<script src="/static/js/inputs.js" defer></script>' in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_collection_page_saves_a_grouped_amount_and_a_day_first_date(client, org, people, language):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], amount_due=5_000_000, accepted_on=date(2025, 1, 2))
    response = logged_in(client, people["officer"], language).post(EVENT_ADD, {
        "case": str(case.pk), "date": "06/05/2025", "kind": EventKind.THU_TIEN, "amount": "1.000.000", "ground": "",
        "ground_arose_on": "", "note": "", "_save": "Save"})
    assert response.status_code == 302, errors(response)
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.amount, event.date) == (EventKind.THU_TIEN, 1_000_000, date(2025, 5, 6))
    case.refresh_from_db()
    assert case.amount_remaining == 4_000_000


@pytest.mark.parametrize(("language", "message"), [
    ("vi", "Đặt dấu chấm (hoặc dấu cách) sau mỗi ba chữ số, ví dụ 1.000.000, và không ghi số lẻ thập phân."),
    ("en", "Put a dot (or a space) between every three digits, for example 1.000.000, and use no decimals."),
])
def test_the_collection_page_refuses_a_decimal_amount_and_writes_nothing(client, org, people, language, message):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], amount_due=5_000_000, accepted_on=date(2025, 1, 2))
    response = logged_in(client, people["officer"], language).post(EVENT_ADD, {
        "case": str(case.pk), "date": "06/05/2025", "kind": EventKind.THU_TIEN, "amount": "1.5", "ground": "",
        "ground_arose_on": "", "note": "", "_save": "Save"})
    assert response.status_code == 200
    assert errors(response) == {"amount": [message]}
    assert CaseEvent.objects.filter(case=case).count() == 0
    case.refresh_from_db()
    assert case.amount_remaining == 5_000_000
