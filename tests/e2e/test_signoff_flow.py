"""A statistician closes the 3 months of a fiscal year on the sign-off page, marks the report sent and records
the procuracy's countersignature; the page shows the status, the deadlines and the history."""
from datetime import date

import pytest
from django.utils import timezone

from reports.models import PeriodReport
from tests.factories import make_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_statistician_closes_a_period_and_records_the_countersignature(page, live_server, org, people):
    make_case(unit=org["HG-KV1"], case_no="E2E-SO-1", amount_due=5_000_000, accepted_on=date(2025, 10, 15))
    today = timezone.localdate().strftime("%d/%m/%Y")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "statistician")
    page.fill("#id_password", "pw-test-123")
    page.click("button[type=submit], input[type=submit]")
    page.goto(f"{live_server.url}/sign-off/")
    assert page.locator("h1").inner_text() == "Thống kê liên ngành và ký xác nhận"

    # close the 3 months of FY2026 for the province
    page.select_option("#id_unit", str(org["HG"].pk))
    page.fill("#id_fiscal_year", "2026")
    page.select_option("#id_months", "3")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("text=Đã khóa sổ kỳ thống kê; báo cáo đã được lập.")
    listing = page.locator("#reports").inner_text()
    assert listing.count("3 tháng năm 2026") == 2  # HG and its regional office (the Chi cục ended in 2025)
    assert "trễ hạn" in listing  # closed long after 1/1/2026

    report = PeriodReport.objects.get(unit=org["HG"])
    page.click(f"a[href='/sign-off/{report.pk}/']")
    page.click("#step-send summary")
    page.fill("#step-send input[name=sent_on]", today)
    page.click("#step-send button[type=submit]")
    page.wait_for_selector("text=Đã ghi.")
    assert page.locator("#status").inner_text() == "Đã gửi Viện kiểm sát"

    page.click("#step-countersign summary")
    page.fill("#step-countersign input[name=signed_by]", "Kiểm sát viên Lê Văn Kiểm")
    page.fill("#step-countersign input[name=signed_on]", today)
    page.click("#step-countersign button[type=submit]")
    page.wait_for_selector("text=Đã ghi.")
    assert page.locator("#status").inner_text() == "Viện kiểm sát đã ký xác nhận"
    assert "Kiểm sát viên Lê Văn Kiểm" in page.locator("#countersigned").inner_text()
    history = page.locator("#history").inner_text()
    assert [step in history for step in ("Đã khóa số liệu", "Đã gửi Viện kiểm sát", "Đã ghi xác nhận")] == [True] * 3
    report.refresh_from_db()
    assert (report.status, report.countersigned_by) == ("countersigned", "Kiểm sát viên Lê Văn Kiểm")
