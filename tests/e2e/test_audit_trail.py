"""An officer adds a debtor on the case page, then opens the case's audit trail: the addition is there, by them,
through the officers' pages, with the values added — in Vietnamese. Another unit's officer cannot open it."""
import pytest

from tests.factories import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-test-123")
    page.click("main button.primary")
    page.wait_for_load_state()


def test_an_officer_reads_who_added_a_party_in_the_case_trail(page, live_server, org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"])
    login(page, live_server, "officer")
    page.goto(f"{live_server.url}/cases/{case.pk}/parties/add/")
    page.select_option("#id_role", "debtor")
    page.fill("#id_name", "Phạm Thị Dung")
    page.fill("#id_id_number", "093080009999")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{case.pk}/")
    # the trail is folded; opened, it shows the addition
    trail = page.locator("#audit-trail")
    assert not trail.is_visible()
    page.click("#audit summary")
    assert trail.is_visible()
    row = trail.locator("tbody tr", has_text="Thêm đương sự")
    text = row.inner_text()
    assert "Cán bộ officer (officer)" in text and "Trang nghiệp vụ" in text
    assert "— → Phạm Thị Dung" in text  # added: nothing before
    assert "— → 093080009999" in text
    # another unit's officer: no page, no trail
    page.context.clear_cookies()
    login(page, live_server, "outsider")
    response = page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response.status == 404
    assert page.locator("#audit-trail").count() == 0
