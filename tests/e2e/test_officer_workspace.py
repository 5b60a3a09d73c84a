"""An officer of a regional office that exists today works a day on a freshly loaded demo, in the browser:
"Việc của tôi" has an item due this week; they register a case received today with two debtors, record a
verification with conditions, a collection typed as 5.000.000, cancel it as a mistake, find the case by the
debtor's name typed without accents in lower case, seize an asset and record its first auction round from the
case page — and the same pages work on a 390 px phone."""
import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case
from reports.demo.logins import DEMO_OFFICER, DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username=DEMO_OFFICER, password=DEMO_PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button.primary")
    page.wait_for_load_state()


def test_an_officer_works_a_day_on_the_demo(browser, live_server, tmp_path):
    call_command("demo", "--no-serve", stdout=open(tmp_path / "demo.log", "w"))  # noqa: SIM115
    today = timezone.localdate()
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, live_server)
    assert page.url.endswith("/work/")

    # Việc của tôi: something falls due this week
    assert int(page.locator("#count-week").inner_text()) >= 1
    assert page.locator("#queue-upcoming tbody tr").count() >= 1
    assert "Quá hạn" in page.content()

    # a case received today, with two debtors
    page.click("nav >> text=Thụ lý việc mới")
    case_no = page.input_value("#id_case_no")
    assert case_no  # suggested from the unit's sequence
    assert page.input_value("#id_accepted_on") == today.strftime("%d/%m/%Y")
    page.fill("#id_decision_no", "901/QĐ-THADS")
    page.fill("#id_amount_due", "12.000.000")
    page.fill("#id_judgment_court", "TAND khu vực 6 - Cần Thơ")
    page.fill("#id_debtor-0-name", "Đặng Kim Cường")
    page.fill("#id_debtor-1-name", "Lê Thị Hoa")
    page.fill("#id_creditor-0-name", "Nguyễn Văn Bình")
    page.click("main button.primary")
    page.wait_for_load_state()
    case = Case.objects.get(case_no=case_no)
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert "Đã thụ lý hồ sơ" in page.content()
    parties = page.locator("#parties").inner_text()
    assert "Đặng Kim Cường" in parties and "Lê Thị Hoa" in parties and "Nguyễn Văn Bình" in parties
    assert page.locator("#amount-due").inner_text() == "12.000.000 ₫"

    # a verification with conditions
    page.click("[data-action=verify]")
    page.check("input[value=co_dieu_kien]")
    page.fill("#id_income", "Lương 9.000.000 ₫/tháng")
    page.fill("#id_address", "Ấp 2, phường Vị Tân")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert "Có điều kiện thi hành" in page.locator("#timeline").inner_text()

    # a collection typed with dots
    page.click("[data-action=thu_tien]")
    page.fill("#id_amount", "5.000.000")
    page.fill("#id_receipt_no", "BL-0091")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert page.locator("#amount-collected").inner_text() == "5.000.000 ₫"
    assert page.locator("#amount-remaining").inner_text() == "7.000.000 ₫"

    # it was a mistake: cancel it
    page.click("[data-action=cancel]")
    page.fill("#id_reason", "Ghi nhầm hồ sơ")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert page.locator("#amount-remaining").inner_text() == "12.000.000 ₫"
    assert page.locator("#amount-collected").inner_text() == "0 ₫"
    assert page.locator("#timeline tr.cancelled").count() == 1

    # find it by the debtor's name, without accents, in lower case
    page.fill("#quick-q", "dang kim cuong")
    page.press("#quick-q", "Enter")
    page.wait_for_load_state()
    assert case_no in page.locator("#results").inner_text()
    page.click(f"#results >> text={case_no}")
    page.wait_for_load_state()

    # seize an asset, value it, sign the auction contract and record the first round — from the case page
    page.click("[data-action=seize]")
    page.select_option("#id_kind", "vehicle")
    page.fill("#id_description", "Xe ô tô tải Isuzu 1,9 tấn")
    page.fill("#id_plate_no", "65C-123.45")
    page.fill("#id_minutes_no", "BB-KB 17")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert "Đã kê biên; chưa định giá" in page.locator("#asset-list").inner_text()
    page.click("#asset-list [data-action=valuation]")
    page.select_option("#id_method", "agreement")
    page.fill("#id_value", "300.000.000")
    page.click("main button.primary")
    page.wait_for_load_state()
    page.click("#asset-list [data-action=auction]")
    page.fill("#id_organisation", "Trung tâm Dịch vụ đấu giá tài sản TP Cần Thơ")
    page.fill("#id_contract_no", "HĐ 45/2026")
    page.click("main button.primary")
    page.wait_for_load_state()
    page.click("[data-action=round]")
    assert page.input_value("#id_starting_price") == "300.000.000"  # prefilled from the valuation
    page.select_option("#id_outcome", "no_bid")
    page.click("main button.primary")
    page.wait_for_load_state()
    assert "Phiên 1" in page.locator("#asset-list").inner_text()
    context.close()

    # the same officer on a phone
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(20_000)
    login(page, live_server)
    assert int(page.locator("#count-week").inner_text()) >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows the screen
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#amount-remaining").is_visible()
    phone.close()

    # the city's statistician reads the province's FY2019 as the director gave it, then opens Vị Thanh, one
    # officer, and the cases behind that officer's "completed" count: as many as the count shown
    director = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = director.new_page()
    page.set_default_timeout(20_000)
    login(page, live_server, "thongke.haugiang")
    assert page.url.endswith("/dashboard/")
    page.goto(f"{live_server.url}/dashboard/HG/?year=2019&months=12")
    expected = {"cases-rate": "74,38 %", "money-rate": "51,25 %", "cases-target": "73 %", "money-target": "33 %",
                "cases-gap": "+1,38", "money-gap": "+18,25", "bank-cases-share": "3,50 %",
                "bank-money-share": "47,13 %", "bank-cases-rate": "17,53 %", "bank-money-rate": "29,77 %",
                "bank-resolved-change": "+10,94 %", "cases-to-enforce-change": "+21,72 %",
                "money-to-enforce-change": "+12,57 %"}
    for element, text in expected.items():
        assert text in page.locator(f"#{element}").inner_text(), element
    page.click("#sub-HG-VT a >> nth=0")
    page.wait_for_load_state()
    assert "/dashboard/HG-VT/" in page.url
    page.click("#sub-table tbody tr >> nth=0 >> a >> nth=0")  # the first officer
    page.wait_for_load_state()
    shown = int(page.locator("#cases-completed").inner_text().replace(".", ""))
    assert shown > 0
    page.click("#cases-completed")
    page.wait_for_load_state()
    listed = int(page.locator("#result-count strong").first.inner_text().split()[0].replace(".", ""))
    assert listed == shown

    # the current fiscal year of the city: live figures for the successor units, each with its gap drawn; the
    # money behind the seized assets opens its cases; then the statistician refreshes the statistics now
    page.goto(f"{live_server.url}/dashboard/CT/")
    assert page.locator("#sub-table tbody tr[id^='sub-CT-KV']").count() == 4
    assert page.locator("#gap-chart rect.bar").count() == 8
    seized = int(page.locator("#seized-cases").inner_text().replace(".", ""))
    page.click("#seized-cases")
    page.wait_for_load_state()
    assert page.locator("#seized-cases tbody tr").count() == min(seized, 50)
    page.goto(f"{live_server.url}/dashboard/CT/")
    # the forecast arrives after the page (a second request); the in-memory SQLite of this test server locks
    # whole tables, so the refresh waits for it rather than racing it
    page.locator("#forecast").wait_for(timeout=120_000)
    assert page.locator("#forecast-cases-rate").inner_text().endswith("%")
    # the click waits for the navigation it starts, which answers once the job is queued: under load (the
    # in-memory database locked by the job's first writes) that can take longer than the default 15 s
    with page.expect_navigation(timeout=180_000):
        page.click("#refresh-form button", timeout=180_000)
    assert "/dashboard/CT/jobs/" in page.url
    page.locator("#job-done a").wait_for(state="visible", timeout=180_000)
    assert page.locator("#job-percent").inner_text() == "100"
    page.click("#job-done a")
    page.wait_for_load_state()
    assert page.url.endswith("/dashboard/CT/")
    assert page.locator("#as-of").inner_text().count(":") >= 2  # the figures' time and the last full refresh
    # no request left running when the test ends: its database is flushed (and locked while one reads)
    page.locator("#forecast").wait_for(timeout=120_000)
    page.wait_for_load_state("networkidle")
    director.close()
