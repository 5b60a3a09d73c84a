"""An officer logs in, finds their case and records events through the admin, in Vietnamese."""
from datetime import date

import pytest

from cases.codes import EventKind, Status
from cases.models import CaseEvent
from tests.factories import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-test-123")
    page.click("input[type=submit]")


def test_officer_records_a_collection_and_is_told_in_vietnamese_when_an_amount_is_too_high(
        page, live_server, org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="E2E-0001", amount_due=5_000_000,
                     accepted_on=date(2024, 3, 1))
    foreign = make_case(unit=org["ST-A"], officer=people["outsider"], case_no="E2E-FOREIGN")

    login(page, live_server, "officer")
    tools = page.locator("#user-tools").inner_text()
    assert "CHÀO MỪNG BẠN" in tools.upper() and "ĐĂNG XUẤT" in tools.upper()  # the admin in Vietnamese

    page.goto(f"{live_server.url}/admin/cases/case/")
    listing = page.locator("#result_list").inner_text()
    assert "E2E-0001" in listing and foreign.case_no not in listing

    page.goto(f"{live_server.url}/admin/cases/caseevent/add/?case={case.pk}")
    page.fill("#id_date", "15/03/2024")
    page.select_option("#id_kind", EventKind.THU_TIEN)
    page.fill("#id_amount", "6000000")
    page.click("input[name=_save]")
    error_text = page.locator(".errorlist").first.inner_text()
    assert "vượt quá" in error_text and "6.000.000" in error_text
    assert CaseEvent.objects.filter(case=case).count() == 0

    page.fill("#id_amount", "5000000")
    page.click("input[name=_save]")
    page.wait_for_url(f"**/admin/cases/case/{case.pk}/change/")
    page.goto(f"{live_server.url}/admin/cases/caseevent/add/?case={case.pk}")
    page.fill("#id_date", "16/03/2024")
    page.select_option("#id_kind", EventKind.XONG)
    page.click("input[name=_save]")
    page.wait_for_url(f"**/admin/cases/case/{case.pk}/change/")

    case.refresh_from_db()
    assert (case.status, case.amount_remaining, case.event_count) == (Status.COMPLETED, 0, 2)
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    assert "Thi hành xong" in page.content()
