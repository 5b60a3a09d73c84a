"""The ledger import from one .xlsx workbook (a sheet per file of shared/ledger-format.md): the same rules as the
CSV import, all or nothing, each error naming the sheet, the row and the column; formula cells, dates typed as
text and numbers typed as text with separators refused with a message, never read as something else."""
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation
from openpyxl import Workbook

from cases.ledger.importer import LedgerRejected, import_ledger
from cases.models import Case
from tests.cases.test_import import FIRST, HEADERS, case, case_row, db_snapshot, event, write_ledger

pytestmark = pytest.mark.django_db
DATE_COLUMNS = {"valid_from", "valid_to", "accepted_on", "date"}
AMOUNT_COLUMNS = {"amount_due", "amount"}


def typed(column, value):
    """What a statistician's Excel holds: dates as date cells, amounts as numbers, the rest as text."""
    if value in ("", None):
        return None
    if column in DATE_COLUMNS:
        return date.fromisoformat(value) if isinstance(value, str) else value
    if column in AMOUNT_COLUMNS and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def write_workbook(path, ledger, *, cells=None, sheets=None, extra_sheets=(), omit=()):
    """``ledger`` (as for write_ledger) as a workbook. ``cells``: {(sheet, row, column): value} overrides,
    written as given (a string starting with = is a formula). ``sheets`` renames sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in (("units", ledger["units"]), ("banks", ledger["banks"]), ("cases", ledger["cases"]),
                       ("events", ledger["events"])):
        if name in omit:
            continue
        sheet = workbook.create_sheet((sheets or {}).get(name, name))
        header = HEADERS[f"{name}.csv"]
        sheet.append(header)
        for row in rows:
            sheet.append([typed(column, row.get(column, "")) for column in header])
        for (sheet_name, row_number, column), value in (cells or {}).items():
            if sheet_name == name:
                target = sheet.cell(row=row_number, column=header.index(column) + 1)
                target.value = value
                if isinstance(value, int | float) and not isinstance(value, bool):
                    target.number_format = "General"  # a number, not a date shown as one
    for title in extra_sheets:
        workbook.create_sheet(title)
    workbook.save(path)
    return path


def refused(path):
    """Import ``path``, expecting a refusal; returns the issues as (file, row, column, code) and their text."""
    before = db_snapshot()
    with translation.override("en"), pytest.raises(LedgerRejected) as rejected:
        import_ledger(path)
    assert db_snapshot() == before  # all or nothing: the database is exactly as it was
    with translation.override("en"):
        issues = rejected.value.issues
        return [(i.file, i.row, i.column, i.code) for i in issues], [str(i) for i in issues]


def test_a_valid_workbook_imports_exactly_as_the_same_ledger_in_csv(tmp_path):
    # given the CSV import of the first ledger, rolled back after its cases were read
    with transaction.atomic():
        import_ledger(write_ledger(tmp_path / "first", **FIRST))
        from_csv = {c.case_no: case_row(c.case_no) for c in Case.objects.all()}
        transaction.set_rollback(True)
    assert Case.objects.count() == 0
    # when the same ledger is imported as a workbook (dates as date cells, amounts as numbers)
    summary = import_ledger(write_workbook(tmp_path / "first.xlsx", FIRST))
    # then
    assert (summary.units_created, summary.banks_created, summary.cases, summary.events) == (3, 2, 4, 7)
    assert {c.case_no: case_row(c.case_no) for c in Case.objects.all()} == from_csv
    assert len(from_csv) == 4


def test_dates_as_iso_text_whole_numbers_as_text_and_numbers_in_text_columns_are_accepted(tmp_path):
    ledger = {**FIRST, "cases": [case("12345", "HG-VT", "2019-01-10", "khac", 10_000_000)], "events": [
        event("12345", "2019-02-01", "thu_tien", 4_000_000)]}
    path = write_workbook(tmp_path / "l.xlsx", ledger, cells={
        ("cases", 2, "case_no"): 12345,                 # a number in a text column
        ("cases", 2, "accepted_on"): "2019-01-10",      # an ISO date typed as text
        ("cases", 2, "amount_due"): "10000000",         # digits typed as text
        ("events", 2, "amount"): 4_000_000.0,           # a whole number stored as a float
        ("events", 2, "date"): datetime(2019, 2, 1),    # a date cell at midnight
    })
    summary = import_ledger(path)
    assert (summary.cases, summary.events) == (1, 1)
    created = Case.objects.get(case_no="12345")
    assert (created.accepted_on, created.amount_due, created.amount_collected) == (
        date(2019, 1, 10), 10_000_000, 4_000_000)


@pytest.mark.parametrize(("cell", "value", "expected_code", "words"), [
    (("cases", 3, "amount_due"), "=1000000*3", "formula", "a formula (=1000000*3)"),
    (("events", 3, "amount"), "=SUM(B1:B2)", "formula", "a formula"),
    (("cases", 2, "accepted_on"), "10/01/2019", "date_as_text", "a date typed as text («10/01/2019»)"),
    (("units", 2, "valid_from"), "01.01.2004", "date_as_text", "a date typed as text"),
    (("cases", 3, "amount_due"), "3.000.000", "number_as_text", "a number typed as text with separators"),
    (("events", 3, "amount"), "1,000,000", "number_as_text", "a number typed as text with separators"),
    (("cases", 2, "decision_no"), datetime(2019, 1, 2), "unexpected_date", "a date (02/01/2019) in a column"),
    (("cases", 2, "amount_due"), datetime(2019, 1, 2), "unexpected_date", "a date"),
    (("cases", 2, "accepted_on"), datetime(2019, 1, 10, 14, 30), "date_with_time", "a date with a time of day"),
    (("cases", 2, "accepted_on"), 43475, "invalid_date", "a number (43475) where a date is expected"),
    (("cases", 2, "amount_due"), 1000.5, "invalid_amount", "a decimal number (1000.5)"),
    (("cases", 2, "debtor_name"), "#N/A", "error_value", "an error value #N/A"),
    (("cases", 2, "debtor_name"), True, "invalid_value", "TRUE/FALSE"),
    (("cases", 2, "decision_no"), 1234567890123456, "number_too_long", "more than 15 digits"),
])
def test_each_bad_cell_is_refused_naming_sheet_row_and_column_and_nothing_changes(tmp_path, cell, value,
                                                                                   expected_code, words):
    # given the first ledger with one bad cell
    path = write_workbook(tmp_path / "bad.xlsx", FIRST, cells={cell: value})
    # when / then: that cell is the only problem, named by its sheet, row and column
    sheet, row, column = cell
    issues, texts = refused(path)
    assert issues == [(f"sheet {sheet}", row, column, expected_code)]
    assert texts[0].startswith(f"sheet {sheet} row {row}, column {column}: ") and words in texts[0]


def test_the_messages_are_in_vietnamese(tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", FIRST, cells={("cases", 3, "amount_due"): "3.000.000"})
    with pytest.raises(LedgerRejected) as rejected, translation.override("vi"):
        import_ledger(path)
    with translation.override("vi"):
        assert str(rejected.value.issues[0]).startswith("trang tính cases dòng 3, cột amount_due: ")


def test_the_rules_of_the_csv_import_apply_with_the_sheet_named(tmp_path):
    # given an unknown unit and a collection larger than what remains, as in the CSV tests
    ledger = {**FIRST, "cases": [*FIRST["cases"][:1], case("THA-9", "XX", "2019-01-10", "khac", 1_000)],
              "events": [event("THA-1", "2019-02-01", "thu_tien", 20_000_000)]}
    issues, _texts = refused(write_workbook(tmp_path / "bad.xlsx", ledger))
    assert issues == [("sheet cases", 3, "unit_code", "unknown_unit"), ("sheet events", 2, "amount", issues[1][3])]


def test_several_bad_cells_are_all_reported_in_sheet_order(tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", FIRST, cells={
        ("events", 3, "date"): "15/02/2019", ("cases", 4, "amount_due"): "=A1", ("units", 3, "valid_to"): "30/6/2025"})
    issues, _texts = refused(path)
    # (HG-NB refused, its cases are not checked again; the events' own cells are)
    assert issues == [("sheet units", 3, "valid_to", "date_as_text"), ("sheet cases", 4, "amount_due", "formula"),
                      ("sheet events", 3, "date", "date_as_text")]


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"omit": ("cases",)}, [("sheet cases", 0, "", "missing_file")]),
    ({"sheets": {"cases": "Cases "}}, None),  # the sheet's name is read without case and spaces: accepted
    ({"extra_sheets": ("Ghi chú",)}, [("bad.xlsx", 0, "", "unknown_sheet")]),
])
def test_sheets_missing_or_unknown(tmp_path, kwargs, expected):
    path = write_workbook(tmp_path / "bad.xlsx", FIRST, **kwargs)
    if expected is None:
        assert import_ledger(path).cases == 4
    else:
        assert refused(path)[0] == expected


def test_a_wrong_header_refuses_the_sheet(tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", FIRST, cells={("cases", 1, "amount_due"): "so_tien"})
    assert refused(path)[0] == [("sheet cases", 1, "so_tien", "unknown_column"),
                                ("sheet cases", 1, "amount_due", "missing_column")]


def test_a_cell_right_of_the_header_is_refused(tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", FIRST)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["cases"].cell(row=3, column=20, value="ghi chú")
    workbook.save(path)
    assert refused(path)[0] == [("sheet cases", 3, "", "wrong_cell_count")]


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"case_no,unit_code\n")
    assert refused(path)[0] == [("ledger.xlsx", 0, "", "not_a_workbook")]


def test_all_or_nothing_one_bad_cell_among_many_leaves_the_database_unchanged(tmp_path):
    # given the first ledger imported, then a second workbook of 200 good cases and one formula at the end
    import_ledger(write_workbook(tmp_path / "first.xlsx", FIRST))
    many = {"units": FIRST["units"], "banks": [], "events": [],
            "cases": [case(f"THC-{n}", "HG-VT", "2019-03-01", "khac", 1_000 + n) for n in range(200)]}
    path = write_workbook(tmp_path / "many.xlsx", many, cells={("cases", 201, "amount_due"): "=B2"})
    # when / then: refused, and the database is exactly as after the first (refused() compares a full dump)
    assert refused(path)[0] == [("sheet cases", 201, "amount_due", "formula")]
    assert not Case.objects.filter(case_no__startswith="THC-").exists()


def test_the_command_imports_a_workbook_and_reports_a_refusal(tmp_path, capsys):
    call_command("import_ledger", str(write_workbook(tmp_path / "first.xlsx", FIRST)), "--quiet-progress")
    assert Case.objects.count() == 4
    bad = write_workbook(tmp_path / "bad.xlsx", {**FIRST, "units": [], "banks": [], "events": [],
                                                  "cases": [case("THZ-1", "HG-VT", "2019-01-10", "khac", 1)]},
                         cells={("cases", 2, "accepted_on"): "10/01/2019"})
    with pytest.raises(CommandError):
        call_command("import_ledger", str(bad), "--quiet-progress")
    assert "cases" in capsys.readouterr().err and not Case.objects.filter(case_no="THZ-1").exists()
