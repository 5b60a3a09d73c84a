"""The official forms (reports.forms): on a generated ledger, forms 1 and 2 of Hậu Giang for 12 and 6 months of
FY2019, read back from the xlsx with openpyxl, equal the per-case reference implementation cell by cell (counts
exact, money in thousands of đồng rounded half-up from the exact sums, the total from the exact total); the
second sheet lists exactly the cases of each row; the per-officer, bank and interagency forms add up; an
administrator's correction of a heading and an order shows in the file; bad periods are refused."""
import io
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseEvent
from cases.workflow import CaseFacts, EventInput
from reports.forms.build import form_build
from reports.forms.definitions import FORMS, MONEY, form_columns
from reports.forms.excel import CASE_HEADINGS, FIRST_DATA_COLUMN, write_form
from reports.indicators import Figures
from reports.models import FormColumnOverride
from reports.reference import CaseHistory, case_figures
from thads.core.errors import DomainError
from thads.org.models import Unit

HEADER_ROWS = 8  # the form's data rows start on row 9


@pytest.fixture
def generated(db, tmp_path):
    generate_ledger(tmp_path, cases=400, events=1200, seed=11)
    import_ledger(tmp_path)


def read_form(data, tmp_path, **options):
    path = tmp_path / "form.xlsx"
    write_form(data, path, **options)
    return load_workbook(path)


def table(sheet, width: int) -> dict[str, list]:
    """{row name: [cell values]} of the form's data rows and the total (column B names the row)."""
    rows = {}
    for values in sheet.iter_rows(min_row=HEADER_ROWS + 1, values_only=True):
        if values[1] is None:
            break
        rows[values[1]] = list(values[FIRST_DATA_COLUMN - 1:FIRST_DATA_COLUMN - 1 + width])
    return rows


def reference_by_unit(start: date, end: date) -> dict[str, Figures]:
    """{unit code: Figures} per the per-case reference implementation (Python, from the workflow)."""
    events: dict[int, list] = {}
    for event in CaseEvent.objects.order_by("case_id", "sequence"):
        events.setdefault(event.case_id, []).append(
            EventInput(kind=event.kind, date=event.stat_date, amount=event.amount, ground=event.ground))
    result: dict[str, Figures] = {}
    for case in Case.objects.select_related("unit"):
        history = CaseHistory(CaseFacts(case.case_no, case.category, case.stat_accepted_on, case.amount_due),
                              tuple(events.get(case.pk, ())))
        result.setdefault(case.unit.code, Figures.zero()).add(case_figures(history, start, end))
    return result


def expected_cell(column, figures: Figures):
    values = figures.money() if column.measure == MONEY else figures.cases()
    value = values[column.figure]
    if column.figure == "rate":
        return None if value is None else float(value)
    if column.measure == MONEY:
        return int((Decimal(value) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("months", [12, 6])
@pytest.mark.parametrize("code", ["01", "02"])
def test_forms_1_and_2_equal_the_reference_cell_by_cell(generated, tmp_path, code, months):
    # given
    province = Unit.objects.get(code="HG")
    form = FORMS[code]
    end = date(2019, 9, 30) if months == 12 else date(2019, 3, 31)
    reference = reference_by_unit(date(2018, 10, 1), end)
    # when
    data = form_build(form=form, unit=province, fiscal_year=2019, months=months)
    book = read_form(data, tmp_path)
    # then: one row per district active at the period's end (and the province's own office), then the total
    districts = list(Unit.objects.active_on(end).filter(parent=province).order_by("code"))
    rows = table(book["Biểu"], len(data.columns))
    expected_rows = {unit.name: reference.get(unit.code, Figures.zero()) for unit in districts}
    if "HG" in reference:
        expected_rows = {province.name: reference["HG"]} | expected_rows
    total = Figures.zero()
    for figures in expected_rows.values():
        total.add(figures)
    expected_rows["Tổng cộng"] = total
    assert list(rows) == list(expected_rows)
    assert total.counts["carried_over"] + total.counts["new"] > 100
    for name, figures in expected_rows.items():
        assert rows[name] == [expected_cell(column, figures) for column in data.columns], name
    # money: each cell within half a thousand đồng of the exact figure; the total may differ from the sum of
    # the rounded rows by at most the number of rows
    if code == "02":
        for index, column in enumerate(data.columns):
            if column.figure == "rate":
                continue
            exact = total.money()[column.figure]
            assert abs(rows["Tổng cộng"][index] * 1000 - exact) <= 500
            assert abs(sum(r[index] for n, r in rows.items() if n != "Tổng cộng") - rows["Tổng cộng"][index]) \
                <= len(expected_rows) - 1
    # the second sheet: each row's cases, as many as its count, each in one class
    listed = Counter()
    outcomes = Counter()
    for values in book["Danh sách việc"].iter_rows(min_row=3, values_only=True):
        listed[values[1]] += 1
        outcomes[(values[1], values[4])] += 1
    for name, figures in expected_rows.items():
        if name != "Tổng cộng":
            assert listed[name] == figures.counts["carried_over"] + figures.counts["new"], name
            assert outcomes[(name, "Thi hành xong")] == figures.counts["completed"], name
    assert book["Danh sách việc"]["A2"].value == CASE_HEADINGS[0]


@pytest.mark.django_db
def test_the_per_officer_bank_and_interagency_forms_add_up_to_the_province(generated, tmp_path):
    province = Unit.objects.get(code="HG")
    units = form_build(form=FORMS["01/TKLN-THADS"], unit=province, fiscal_year=2019, months=12)
    officers = form_build(form=FORMS["04"], unit=province, fiscal_year=2019, months=12)
    money_officers = form_build(form=FORMS["05"], unit=province, fiscal_year=2019, months=12)
    banks = form_build(form=FORMS["TCTD"], unit=province, fiscal_year=2019, months=12)
    assert officers.total.figures == units.total.figures == money_officers.total.figures
    assert [row.label for row in officers.rows] == ["Chưa phân công chấp hành viên"]
    bank_cases = Case.objects.filter(creditor_bank__isnull=False).count()
    assert banks.rows and sum(r.figures.counts["carried_over"] + r.figures.counts["new"] for r in banks.rows) \
        <= bank_cases
    book = read_form(units, tmp_path, include_cases=False)
    sheet = book["Biểu"]
    assert sheet["A3"].value == "KẾT QUẢ THI HÀNH ÁN DÂN SỰ (THỐNG KÊ LIÊN NGÀNH)"
    signatures = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert "ĐẠI DIỆN VIỆN KIỂM SÁT NHÂN DÂN" in signatures and "THỦ TRƯỞNG ĐƠN VỊ" in signatures
    assert book.sheetnames == ["Biểu", "Ghi chú"]


@pytest.mark.django_db
def test_the_workbook_looks_like_the_paper_form(generated, tmp_path):
    data = form_build(form=FORMS["01"], unit=Unit.objects.get(code="HG"), fiscal_year=2019, months=12)
    sheet = read_form(data, tmp_path)["Biểu"]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.freeze_panes == "C9"
    assert sheet.print_title_rows == "$6:$8"
    assert sheet["C9"].font.name == "Times New Roman" and sheet["C9"].number_format == "#,##0"
    assert "Hậu Giang" in sheet["A4"].value and "30/09/2019" in sheet["A4"].value
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert "C6:E6" in merged  # "Tổng số thụ lý" over its three columns
    assert "F6:F7" in merged  # a column without a group spans both header rows
    assert "NGƯỜI LẬP BIỂU" in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_an_administrators_correction_of_a_heading_and_an_order_shows_in_the_file(generated, tmp_path):
    # given
    FormColumnOverride.objects.create(form_code="01", column_key="carried_forward", heading="=Số tồn", position=1)
    # when
    data = form_build(form=FORMS["01"], unit=Unit.objects.get(code="HG"), fiscal_year=2019, months=12)
    sheet = read_form(data, tmp_path, include_cases=False)["Biểu"]
    # then: first column, its heading as text (never a formula)
    assert data.columns[0].key == "carried_forward"
    assert sheet["C6"].value == "=Số tồn" and sheet["C6"].data_type == "s"
    assert [c.key for c in form_columns(FORMS["02"])][0] == "accepted"  # other forms untouched


@pytest.mark.django_db
@pytest.mark.parametrize("months", [0, 13])
def test_a_period_outside_1_to_12_months_is_refused(org, months):
    with pytest.raises(DomainError, match="1 to 12 months|1 đến 12 tháng"):
        form_build(form=FORMS["01"], unit=org["HG"], fiscal_year=2019, months=months)


@pytest.mark.django_db
def test_export_form_command_writes_the_file_and_refuses_bad_input(generated, tmp_path):
    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_form", "--form", "01", "--unit", "HG", "--fiscal-year", "2019", "--months", "12",
                 "-o", str(target), stdout=out)
    assert load_workbook(target)["Biểu"]["A3"].value == FORMS["01"].title
    with pytest.raises(CommandError, match="«99»"):
        call_command("export_form", "--form", "99", "--unit", "HG", "--fiscal-year", "2019", "--months", "12",
                     "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="«XX»"):
        call_command("export_form", "--form", "01", "--unit", "XX", "--fiscal-year", "2019", "--months", "12",
                     "-o", str(tmp_path / "y.xlsx"))
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()


def test_the_export_task_goes_to_the_exports_queue_and_the_statistics_stay_on_stats():
    from thads.celery import app

    router = app.amqp.router
    assert router.route({}, "reports.tasks.export_form", (1,), {})["queue"].name == "exports"
    assert router.route({}, "reports.tasks.refresh_statistics", (1,), {})["queue"].name == "stats"
