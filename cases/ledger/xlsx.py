"""Read a ledger from one .xlsx workbook: a sheet per file of shared/ledger-format.md (``units``, ``banks``,
``cases``, ``events``), the header on row 1. The workbook is read in openpyxl's read-only (streaming) mode.

Each cell becomes the text the CSV reader would have seen, or an issue naming the sheet, the row and the
column — never a value read as something else (docs/ledger-import.md, "Excel workbooks"):

- a formula is refused (its cached result may be stale, or absent in a generated file): type the value;
- an error value (#N/A…), TRUE/FALSE, a time without a date are refused;
- a date cell is accepted in a date column (a time of day other than 00:00 is refused), refused elsewhere
  (Excel turns "1/2" typed in a number column into a date);
- a date typed as text is accepted in the ledger's own form YYYY-MM-DD only; "10/01/2019" is refused (it
  could be 10 January or 1 October depending on who typed it);
- a number cell is accepted in an amount column when whole, and in a text column when whole and shorter than
  16 digits (Excel keeps 15 significant digits); a decimal number is refused;
- a number typed as text with separators ("1.000.000", "1,000,000", "1 000 000") is refused: the dot is a
  thousands separator in Vietnamese and a decimal point in English, and the CSV format takes digits only.
"""
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils.translation import gettext as _

DATE_COLUMNS = {"valid_from", "valid_to", "accepted_on", "date"}
AMOUNT_COLUMNS = {"amount_due", "amount"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}([., \u00a0]\d{3})+([.,]\d+)?$")
MAX_EXACT_DIGITS = 15


class CellRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def sheet_label(name: str) -> str:
    return _("sheet %(name)s") % {"name": name}


def cell_text(cell, column: str) -> str:
    """The text of ``cell`` for ``column`` under the rules above; CellRefused otherwise."""
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "f":
        raise CellRefused(_("a formula (%(formula)s): type the value itself (copy, then paste values only)") % {
            "formula": str(getattr(value, "text", value))[:60]}, "formula")
    if cell.data_type == "e":
        raise CellRefused(_("an error value %(value)s") % {"value": value}, "error_value")
    if isinstance(value, bool):
        raise CellRefused(_("TRUE/FALSE is not a value of this column"), "invalid_value")
    if isinstance(value, datetime | date):
        if column not in DATE_COLUMNS:
            raise CellRefused(_("a date (%(value)s) in a column that is not a date: Excel may have turned what was "
                                "typed into a date; format the cells as Text and type it again") % {
                "value": value.strftime("%d/%m/%Y")}, "unexpected_date")
        if isinstance(value, datetime) and value.time() != time(0, 0):
            raise CellRefused(_("a date with a time of day (%(value)s): give the day only") % {
                "value": value.strftime("%d/%m/%Y %H:%M")}, "date_with_time")
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, time | timedelta):
        raise CellRefused(_("a time, not a date"), "invalid_date")
    if isinstance(value, int | float):
        return _number_text(value, column)
    text = str(value).strip()
    if column in DATE_COLUMNS and text and not ISO_DATE.match(text) and TEXT_DATE.match(text):
        raise CellRefused(_("a date typed as text («%(value)s»): enter it as a date cell, or as text in the form "
                            "YYYY-MM-DD") % {"value": text}, "date_as_text")
    if column in AMOUNT_COLUMNS and GROUPED_NUMBER.match(text):
        raise CellRefused(_("a number typed as text with separators («%(value)s»): enter it as a number, or as "
                            "digits only") % {"value": text}, "number_as_text")
    return str(value)


def _number_text(value: int | float, column: str) -> str:
    if column in DATE_COLUMNS:
        raise CellRefused(_("a number (%(value)s) where a date is expected: format the cells as dates, or type "
                            "YYYY-MM-DD") % {"value": value}, "invalid_date")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellRefused(_("a decimal number (%(value)s): whole numbers only") % {"value": value},
                              "invalid_amount" if column in AMOUNT_COLUMNS else "invalid_value")
        value = int(value)
    if column not in AMOUNT_COLUMNS and len(str(abs(value))) > MAX_EXACT_DIGITS:
        raise CellRefused(_("a number of more than 15 digits, which Excel does not keep exactly: format the cells "
                            "as Text and type it again"), "number_too_long")
    return str(value)


def read_workbook(path: Path):
    """Yield (sheet title, rows) per sheet of the workbook, rows yielding (row number, cells) — streamed, in
    read-only mode. cases.ledger.reader checks the headers and the cells. openpyxl raises zipfile, XML or
    its own errors for a file that is not a workbook."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in workbook.worksheets:
            yield sheet.title, _rows(sheet)
    finally:
        workbook.close()


def _rows(sheet):
    for index, row in enumerate(sheet.iter_rows(), start=1):
        number = next((cell.row for cell in row if getattr(cell, "row", None)), index)
        yield number, row
