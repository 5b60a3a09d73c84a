"""Targets typed in Excel: one row per unit and year with the cases and money targets, the same rules as the CSV
import (reports.services._target_import_row), all or nothing, each problem naming the sheet, row and column."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from reports.models import Target
from reports.services import target_set, targets_import_xlsx
from thads.core.errors import DomainError

pytestmark = pytest.mark.django_db
HEADINGS = ["Mã đơn vị", "Năm", "Chỉ tiêu việc (%)", "Chỉ tiêu tiền (%)", "Số quyết định"]


def workbook(path, rows, *, headings=HEADINGS, title="CHỈ TIÊU NĂM 2019", formats=None):
    """A sheet with a title row, a blank row, the headings on row 3 and ``rows`` from row 4. ``formats``:
    {(row, column): number format}."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ tiêu"
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = number_format
    book.save(path)
    return path


def stored():
    return set(Target.objects.values_list("unit__code", "fiscal_year", "metric", "value", "decision_ref"))


def test_a_statisticians_sheet_is_imported(org, tmp_path):
    # given: a title, Vietnamese headings, a percentage cell (0,33 shown as 33 %), a decimal comma typed as
    # text, a year typed as text, a row with the cases target only
    path = workbook(tmp_path / "t.xlsx", [
        ["HG", 2019, 73, 0.33, "QĐ 12/QĐ-TCTHADS"],
        ["HG-VT", "2019", "80,5", "45.25 %", None],
        ["HG-NB", 2019.0, 60, None, None],
    ], formats={(4, 4): "0%"})
    # when
    count = targets_import_xlsx(path)
    # then
    assert count == 5
    assert stored() == {("HG", 2019, "cases", Decimal("73.00"), "QĐ 12/QĐ-TCTHADS"),
                        ("HG", 2019, "money", Decimal("33.00"), "QĐ 12/QĐ-TCTHADS"),
                        ("HG-VT", 2019, "cases", Decimal("80.50"), ""), ("HG-VT", 2019, "money", Decimal("45.25"), ""),
                        ("HG-NB", 2019, "cases", Decimal("60.00"), "")}


def test_the_machine_headings_without_a_title_are_accepted(org, tmp_path):
    path = workbook(tmp_path / "t.xlsx", [["HG", 2020, 83.9, 51.9]],
                    headings=["unit_code", "fiscal_year", "cases", "money"], title=None)
    assert targets_import_xlsx(path) == 2
    assert stored() == {("HG", 2020, "cases", Decimal("83.90"), ""), ("HG", 2020, "money", Decimal("51.90"), "")}


@pytest.mark.parametrize(("row", "message"), [
    (["HG", 2019, "=70+3", 33], "trang tính Chỉ tiêu, dòng 5, cột Chỉ tiêu việc (%): một công thức (=70+3)"),
    (["HG", date(2019, 1, 1), 73, 33], "trang tính Chỉ tiêu, dòng 5, cột Năm: một ngày hoặc giờ"),
    (["XX", 2019, 73, 33], "trang tính Chỉ tiêu, dòng 5, cột Mã đơn vị: không có đơn vị «XX»"),
    (["HG", 2019, 73, 120], "trang tính Chỉ tiêu, dòng 5, cột Chỉ tiêu tiền (%): Chỉ tiêu là tỷ lệ phần trăm"),
    (["HG", 2019, "bảy mươi", 33], "trang tính Chỉ tiêu, dòng 5, cột Chỉ tiêu việc (%): «bảy mươi» không phải"),
    (["HG", 2019, 73.125, 33], "trang tính Chỉ tiêu, dòng 5, cột Chỉ tiêu việc (%): 73.125 có quá 2 chữ số"),
    (["HG", 2019, None, None], "trang tính Chỉ tiêu, dòng 5: không có chỉ tiêu về việc lẫn về tiền"),
    (["HG", "#N/A", 73, 33], "trang tính Chỉ tiêu, dòng 5, cột Năm: giá trị lỗi #N/A"),
])
def test_a_bad_cell_refuses_the_sheet_naming_row_and_column_and_nothing_changes(org, tmp_path, row, message):
    # given a stored target that the good row 4 would overwrite
    target_set(actor=None, unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("70"))
    path = workbook(tmp_path / "t.xlsx", [["HG", 2019, 73, 33], row])
    # when
    with pytest.raises(DomainError) as refused:
        targets_import_xlsx(path)
    # then
    assert refused.value.code == "invalid_targets"
    assert refused.value.message.startswith(message), refused.value.message
    assert stored() == {("HG", 2019, "cases", Decimal("70.00"), "")}


@pytest.mark.parametrize("headings", [
    ["Mã đơn vị", "Năm", "Chỉ tiêu việc (%)"],
    ["Mã đơn vị", "Năm", "Chỉ tiêu việc (%)", "Chỉ tiêu tiền (%)", "Ghi chú"],
    ["Đơn vị", "Mã đơn vị", "Năm", "Chỉ tiêu việc", "Chỉ tiêu tiền"],
])
def test_wrong_headings_are_refused(org, tmp_path, headings):
    path = workbook(tmp_path / "t.xlsx", [["HG", 2019, 73, 33, ""]], headings=headings)
    with pytest.raises(DomainError) as refused:
        targets_import_xlsx(path)
    assert refused.value.code == "wrong_columns" and "dòng 3" in refused.value.message
    assert Target.objects.count() == 0


def test_a_sheet_without_headings_or_a_file_that_is_not_a_workbook_is_refused(org, tmp_path):
    path = workbook(tmp_path / "t.xlsx", [["HG", 2019, 73, 33]], headings=["a", "b"])
    with pytest.raises(DomainError) as refused:
        targets_import_xlsx(path)
    assert refused.value.code == "wrong_columns"
    bad = tmp_path / "x.xlsx"
    bad.write_text("unit_code,fiscal_year\n")
    with pytest.raises(DomainError) as refused:
        targets_import_xlsx(bad)
    assert refused.value.code == "not_a_workbook"
    assert Target.objects.count() == 0


def test_a_unit_head_sets_only_the_targets_of_the_units_they_write(org, people, tmp_path):
    path = workbook(tmp_path / "t.xlsx", [["HG-VT", 2019, 73, 33], ["ST-A", 2019, 73, 33]])
    with pytest.raises(DomainError) as refused:
        targets_import_xlsx(path, actor=people["head"])
    assert "ST-A" in refused.value.message and Target.objects.count() == 0
    assert targets_import_xlsx(workbook(tmp_path / "ok.xlsx", [["HG-VT", 2019, 73, 33]]), actor=people["head"]) == 2


def test_the_command_reads_xlsx(org, tmp_path, capsys):
    call_command("import_targets", str(workbook(tmp_path / "t.xlsx", [["HG", 2019, 73, 33]])))
    assert "2 targets imported" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_targets", str(workbook(tmp_path / "bad.xlsx", [["HG", 2019, "=1", 33]])))
    assert Target.objects.count() == 2


def test_the_admin_imports_an_xlsx_or_shows_every_problem(client, org, people, tmp_path):
    client.force_login(people["central"])
    path = workbook(tmp_path / "t.xlsx", [["HG", 2019, 73, 33], ["XX", 2019, "=1", 33]])
    with path.open("rb") as handle:
        response = client.post("/admin/reports/target/import/", {"file": handle})
    body = response.content.decode()
    assert response.status_code == 200 and "dòng 5, cột Chỉ tiêu việc (%): một công thức (=1)" in body
    assert Target.objects.count() == 0
    with workbook(tmp_path / "ok.xlsx", [["HG", 2019, 73, 33]]).open("rb") as handle:
        response = client.post("/admin/reports/target/import/", {"file": handle})
    assert response.status_code == 302 and Target.objects.count() == 2
    assert 'id="import-targets"' in client.get("/admin/reports/target/").content.decode()


def test_a_statistician_may_not_import_targets_in_the_admin(client, org, people, tmp_path):
    client.force_login(people["statistician"])
    with workbook(tmp_path / "t.xlsx", [["HG", 2019, 73, 33]]).open("rb") as handle:
        assert client.post("/admin/reports/target/import/", {"file": handle}).status_code == 403
    assert Target.objects.count() == 0
