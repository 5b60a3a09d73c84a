"""Read targets typed in Excel (reports.services.targets_import_xlsx): the first sheet, a heading row within
the first 10 rows (a title above it is ignored), then one row per unit and fiscal year:

    Mã đơn vị | Năm | Chỉ tiêu việc (%) | Chỉ tiêu tiền (%) | Số quyết định (optional)

(or the machine names unit_code, fiscal_year, cases, money, decision_ref). Read in openpyxl's read-only mode.
Cells: a formula or an error value is refused (type the value); a date where a number or code is expected is
refused; a percentage cell (formatted with %, stored as 0.7338) is read as the percentage shown (73.38); text
is read as the CSV import reads it (a decimal comma accepted, a trailing % allowed). An empty target cell sets
nothing for that metric."""
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from thads.core.errors import DomainError

HEADINGS = {
    "unit_code": {"unit_code", "ma don vi", "don vi", "ma"},
    "fiscal_year": {"fiscal_year", "nam", "nam thong ke", "nam bao cao"},
    "cases": {"cases", "chi tieu viec", "chi tieu ve viec", "viec"},
    "money": {"money", "chi tieu tien", "chi tieu ve tien", "tien"},
    "decision_ref": {"decision_ref", "so quyet dinh", "quyet dinh", "can cu"},
}
REQUIRED = ("unit_code", "fiscal_year", "cases", "money")
HEADER_SEARCH_ROWS = 10


def normalise(heading: str) -> str:
    """"Chỉ tiêu việc (%)" → "chi tieu viec": lower case, no accents, no (%) or punctuation."""
    text = unicodedata.normalize("NFD", str(heading).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    text = re.sub(r"\(.*?\)|%", " ", text)
    return " ".join(re.sub(r"[^a-z0-9_ ]", " ", text).split())


class _Refused(Exception):
    pass


def _cell(cell, kind: str):
    """The cell's value for ``kind`` ("text", "year", "percent"): str, or Decimal for percent; None when
    empty; _Refused with the reason otherwise."""
    value = cell.value if cell is not None else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if cell.data_type == "f":
        raise _Refused(_("a formula (%(formula)s): type the value itself") % {"formula": str(value)[:60]})
    if cell.data_type == "e":
        raise _Refused(_("an error value %(value)s") % {"value": value})
    if isinstance(value, bool):
        raise _Refused(_("TRUE/FALSE is not a value of this column"))
    if isinstance(value, datetime | date | time | timedelta):
        raise _Refused(_("a date or time where a number or a code is expected: format the cells as numbers or "
                         "text"))
    if isinstance(value, int | float):
        if kind == "percent":
            number = Decimal(str(value))
            if "%" in (cell.number_format or ""):
                number *= 100  # shown as 73,38 %, stored as 0.7338
            return number.normalize() if number == number.to_integral() else number
        if isinstance(value, float) and not value.is_integer():
            raise _Refused(_("a decimal number (%(value)s) where a whole number or a code is expected") % {
                "value": value})
        return str(int(value))
    text = str(value).strip()
    if kind == "percent" and text.endswith("%"):
        text = text[:-1].strip()
    return text


def read_targets_workbook(path: Path):
    """(the sheet's label, rows), rows a list of (row number, values, column headings, problems); values
    holds unit_code, fiscal_year, cases, money, decision_ref. DomainError for a file that is not a workbook
    or a sheet without the heading row."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 (zipfile, XML and openpyxl's own errors)
        raise DomainError(_("%(file)s is not a readable Excel workbook (.xlsx): %(error)s") % {
            "file": path.name, "error": type(error).__name__}, code="not_a_workbook") from None
    try:
        sheet = workbook.worksheets[0]
        label = _("sheet %(name)s") % {"name": sheet.title}
        positions, headings, rows = None, {}, []
        for index, cells in enumerate(sheet.iter_rows(), start=1):
            number = next((cell.row for cell in cells if getattr(cell, "row", None)), index)
            if positions is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                positions, headings = _heading(cells, label, number)
                continue
            if all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())
                   for cell in cells):
                continue
            values, problems = {}, []
            for key, position in positions.items():
                cell = cells[position] if position < len(cells) else None
                kind = "percent" if key in ("cases", "money") else "text"
                try:
                    values[key] = _cell(cell, kind)
                except _Refused as refused:
                    problems.append(_("row %(row)s, column %(column)s: %(message)s") % {
                        "row": number, "column": headings[key], "message": str(refused)})
            if not problems and values.get("cases") is None and values.get("money") is None:
                problems.append(_("row %(row)s: neither a cases target nor a money target") % {"row": number})
            values.setdefault("decision_ref", "")
            rows.append((number, values, headings, problems))
        if positions is None:
            raise DomainError(_("%(sheet)s: no heading row in the first %(count)s rows (Mã đơn vị, Năm, Chỉ tiêu "
                                "việc, Chỉ tiêu tiền).") % {"sheet": label, "count": HEADER_SEARCH_ROWS},
                              code="wrong_columns")
        return label, rows
    finally:
        workbook.close()


def _heading(cells, label: str, number: int):
    """(positions, headings) when ``cells`` is the heading row, (None, {}) when it is not one (a title);
    DomainError when it is one but a column is unknown, repeated or missing."""
    texts = [(position, str(cell.value).strip()) for position, cell in enumerate(cells)
             if isinstance(cell.value, str) and cell.value.strip()]
    keys = {position: next((key for key, names in HEADINGS.items() if normalise(text) in names), None)
            for position, text in texts}
    if "unit_code" not in keys.values():
        return None, {}
    problems = [text for position, text in texts if keys[position] is None]
    found = [key for key in keys.values() if key]
    repeated = sorted({key for key in found if found.count(key) > 1})
    missing = [key for key in REQUIRED if key not in found]
    if problems or repeated or missing:
        raise DomainError(_("%(sheet)s row %(row)s: unknown columns: %(unknown)s; repeated: %(repeated)s; "
                            "missing: %(missing)s. The columns are Mã đơn vị, Năm, Chỉ tiêu việc (%%), "
                            "Chỉ tiêu tiền (%%)[, Số quyết định].") % {
            "sheet": label, "row": number, "unknown": ", ".join(problems) or "—",
            "repeated": ", ".join(repeated) or "—", "missing": ", ".join(missing) or "—"}, code="wrong_columns")
    positions = {key: position for position, key in keys.items() if key}
    return positions, {key: next(text for position, text in texts if position == positions[key])
                       for key in positions}
