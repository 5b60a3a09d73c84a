"""A statistician opens "Biểu mẫu thống kê" from the dashboard, exports form 02 for 6 months of FY2019 (a job on
the exports queue, in-process here), sees it done and downloads the workbook — the money form of Hậu Giang
with its districts and the total."""
import pytest
from openpyxl import load_workbook

from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import generate_ledger
from thads.org.models import Role, Title, Unit
from thads.org.services import officer_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_statistician_exports_and_downloads_form_02(page, live_server, tmp_path, settings):
    # given: a generated ledger of Hậu Giang and the province's statistician
    settings.EXPORTS_DIR = tmp_path / "exports"
    generate_ledger(tmp_path / "ledger", cases=200, events=600, seed=5)
    import_ledger(tmp_path / "ledger")
    officer_create(username="thongke", password="pw-test-123", full_name="Thống kê", unit=Unit.objects.get(code="HG"),
                   title=Title.THAM_TRA_VIEN, role=Role.STATISTICIAN)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "thongke")
    page.fill("#id_password", "pw-test-123")
    page.click("main button.primary")
    page.wait_for_load_state()
    # when
    page.goto(f"{live_server.url}/dashboard/HG/?year=2019")
    page.click("#forms-link")
    page.select_option("#id_form", "02")
    page.select_option("#id_months", "6")
    page.click("#form-export button.primary")
    page.wait_for_load_state()
    # then
    row = page.locator("#exports tbody tr").first
    assert "Biểu số 02/TK-THADS" in row.inner_text() and "Thành công" in row.inner_text()
    with page.expect_download() as download_info:
        row.locator("a").click()
    path = tmp_path / "downloaded.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path)["Biểu"]
    assert sheet["A3"].value == "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG TIỀN"
    assert "6 tháng năm thống kê 2019" in sheet["A4"].value
    assert any(cell.value == "Tổng cộng" for cell in sheet["B"])
