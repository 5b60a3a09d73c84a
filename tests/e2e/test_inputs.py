"""Money boxes group the thousands while the officer types (static/js/inputs.js), and what is saved is the
amount typed — in English as in Vietnamese, with the date read day first."""
from datetime import date

import pytest

from cases.codes import EventKind
from cases.models import CaseEvent
from tests.e2e.test_admin_flow import login
from tests.factories import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_amount_is_grouped_while_typing_and_saved_as_typed(page, live_server, org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="E2E-INPUT", amount_due=50_000_000,
                     accepted_on=date(2025, 1, 2))
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/admin/cases/caseevent/add/?case={case.pk}")
    amount = page.locator("#id_amount")

    amount.press_sequentially("1000")
    assert amount.input_value() == "1.000"
    amount.press_sequentially("000")
    assert amount.input_value() == "1.000.000"
    # A digit typed in the middle regroups, and the caret stays after it.
    amount.press("Home")
    amount.press("ArrowRight")
    amount.press_sequentially("2")
    assert amount.input_value() == "12.000.000"
    amount.press_sequentially("5")
    assert amount.input_value() == "125.000.000"
    # Deleting regroups too.
    amount.press("Backspace")
    amount.press("Backspace")
    assert amount.input_value() == "1.000.000"
    # Regrouping after a digit typed at the front keeps the caret after that digit.
    amount.fill("")
    amount.press_sequentially("100000")
    amount.press("Home")
    amount.press_sequentially("9")
    assert amount.input_value() == "9.100.000"
    amount.press_sequentially("8")
    assert amount.input_value() == "98.100.000"
    # A comma is left as typed, for the server to explain.
    amount.fill("")
    amount.press_sequentially("1,5")
    assert amount.input_value() == "1,5"

    amount.fill("")
    amount.press_sequentially("2500000")
    assert amount.input_value() == "2.500.000"
    page.fill("#id_date", "06/05/2025")
    page.select_option("#id_kind", EventKind.THU_TIEN)
    page.click("input[name=_save]")
    page.wait_for_url(f"**/admin/cases/case/{case.pk}/change/")
    event = CaseEvent.objects.get(case=case)
    assert (event.amount, event.date) == (2_500_000, date(2025, 5, 6))
