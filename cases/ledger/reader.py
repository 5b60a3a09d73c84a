"""Parse a ledger directory (or one .xlsx workbook, cases/ledger/xlsx.py) into typed rows, collecting every
format error with file (or sheet), row and column.

This layer checks only what a single cell can tell (required, type, code lists); the lifecycle and
reference rules are checked by the services during the import, exactly as for the browser.
"""
import csv
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from cases.codes import Category, EventKind, JudgmentType, Origin
from thads.org.models import UnitLevel


@dataclass(frozen=True)
class LedgerIssue:
    file: str
    row: int          # as a spreadsheet shows it: the header is row 1
    column: str       # "" when the problem is the whole row or file
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = _("%(file)s row %(row)s") % {"file": self.file, "row": self.row}
        if self.column:
            where += _(", column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


COLUMNS: dict[str, tuple[set[str], set[str]]] = {
    # file: (required columns, optional columns)
    "units.csv": ({"code", "name", "level", "valid_from"}, {"parent_code", "valid_to"}),
    "banks.csv": ({"code", "name"}, set()),
    "cases.csv": ({"case_no", "unit_code", "decision_no", "accepted_on", "origin", "category", "judgment_type",
                   "debtor_name", "creditor_name", "amount_due"}, {"bank_code"}),
    "events.csv": ({"case_no", "date", "kind"}, {"amount", "ground", "note"}),
}
REQUIRED_FILES = ("units.csv", "cases.csv", "events.csv")
FILES = ("units.csv", "banks.csv", "cases.csv", "events.csv")
# The code lists, read once (a TextChoices' ``values`` is a new list, labels translated, on every call).
CODES = {column: tuple(choices.values) for column, choices in (
    ("level", UnitLevel), ("origin", Origin), ("category", Category), ("judgment_type", JudgmentType),
    ("kind", EventKind))}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_AMOUNT = 2**63 - 1  # the database's BIGINT; no judgment comes near it
# Longest text each column may hold (the model fields' max_length).
MAX_LENGTHS = {"code": 32, "parent_code": 32, "unit_code": 32, "bank_code": 64, "case_no": 64, "decision_no": 64,
               "name": 255, "debtor_name": 255, "creditor_name": 255, "ground": 32}
# Any other cell (an event's note): long enough for any real remark, short enough that a runaway cell (a whole
# document pasted into one field, a file that is not CSV at all) is named instead of being stored.
MAX_CELL_CHARS = 4000
# The csv module stops at a cell longer than its field limit; above MAX_CELL_CHARS, so that a cell of any length
# up to this one is reported on its own row and column, and a longer one refuses the rest of its file.
CSV_FIELD_LIMIT = 1024 * 1024
# Control characters no ledger cell may hold: NUL (PostgreSQL cannot store it in text) and the other C0
# controls and DEL. Tab, line feed and carriage return are allowed (a quoted note may span lines).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_file_bytes() -> int:
    """The largest ledger file read (settings.LEDGER_MAX_FILE_BYTES): a bigger one is refused before reading."""
    return settings.LEDGER_MAX_FILE_BYTES


def shown(value: str, limit: int = 40) -> str:
    """``value`` as an error message may quote it: control characters written as escapes, cut to ``limit``."""
    value = CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
    return value if len(value) <= limit else value[:limit] + "…"


@dataclass
class Row:
    file: str
    number: int
    values: dict[str, object]


@dataclass
class ParsedLedger:
    units: list[Row] = field(default_factory=list)
    banks: list[Row] = field(default_factory=list)
    cases: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    issues: list[LedgerIssue] = field(default_factory=list)
    # rows that failed a cell check; the importer skips them (their errors are already in ``issues``)
    bad_rows: set[tuple[str, int]] = field(default_factory=set)
    # case numbers of cases.csv rows that failed a cell check (their events are skipped, not reported again)
    refused_case_numbers: set[str] = field(default_factory=set)
    # unit and bank codes whose rows were refused: rows naming them are not reported again
    refused_unit_codes: set[str] = field(default_factory=set)
    refused_bank_codes: set[str] = field(default_factory=set)
    # files missing or refused as a whole (wrong column set, not UTF-8): their rows were not read
    refused_files: set[str] = field(default_factory=set)
    # how each file is named in the issues: itself for CSV, "sheet cases" for a workbook
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def order(self, label: str) -> int:
        """Where issues of ``label`` sort: units, banks, cases, events, then anything else (the workbook)."""
        names = [self.label(name) for name in FILES]
        return names.index(label) if label in names else len(names)


class _RowParser:
    def __init__(self, ledger: ParsedLedger, name: str, number: int, raw: dict[str, str], refused_cells=()):
        self.ledger, self.name, self.file, self.number, self.raw = ledger, name, ledger.label(name), number, raw
        self.values: dict[str, object] = {}
        self.ok = True
        # cells a workbook reader refused (a formula, a date typed as text…): reported once, not checked again
        self.blocked = set()
        for column, refusal in refused_cells:
            self.error(column, refusal.message, refusal.code)
            self.blocked.add(column)

    def error(self, column: str, message: str, code: str = "invalid") -> None:
        self.ok = False
        self.ledger.issues.append(LedgerIssue(self.file, self.number, column, message, code))

    def text(self, column: str, *, required: bool) -> str:
        if column in self.blocked:
            self.values[column] = ""
            return ""
        value = (self.raw.get(column) or "").strip()
        if required and not value:
            self.error(column, _("required, but empty"), "required")
        limit = MAX_LENGTHS.get(column, MAX_CELL_CHARS)
        if self.name == "banks.csv" and column == "code":
            limit = MAX_LENGTHS["bank_code"]
        if len(value) > limit:
            self.error(column, _("%(length)s characters, at most %(limit)s") % {"length": len(value), "limit": limit},
                       "too_long")
            value = ""  # not quoted again by the checks that follow
        control = CONTROL_CHARACTERS.search(value)
        if control:
            self.error(column, _("contains a control character (code %(code)s) at position %(position)s; "
                                 "save the file again as plain CSV text") % {
                "code": f"0x{ord(control.group()):02X}", "position": control.start() + 1}, "control_character")
            value = ""
        self.values[column] = value
        return value

    def choice(self, column: str, choices, *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value and value not in choices:
            self.error(column, _("“%(value)s” is not valid; use one of: %(valid)s") % {
                "value": shown(value), "valid": ", ".join(choices)}, "invalid_choice")
        return value

    def iso_date(self, column: str, *, required: bool) -> date | None:
        value = self.text(column, required=required)
        parsed = None
        if value:
            try:
                if not ISO_DATE.match(value):
                    raise ValueError
                parsed = date.fromisoformat(value)
            except ValueError:
                self.error(column, _("“%(value)s” is not a valid date (YYYY-MM-DD)") % {"value": shown(value)},
                           "invalid_date")
        self.values[column] = parsed
        return parsed

    def whole_amount(self, column: str, *, required: bool) -> int | None:
        value = self.text(column, required=required)
        parsed = None
        if value:
            if value.isascii() and value.isdigit() and int(value) <= MAX_AMOUNT:
                parsed = int(value)
            elif value.isascii() and value.isdigit():
                self.error(column, _("the amount %(value)s is too large") % {"value": shown(value)}, "amount_too_large")
            else:
                self.error(column, _("“%(value)s” is not a whole amount (đồng, digits only)") % {
                    "value": shown(value)}, "invalid_amount")
        self.values[column] = parsed
        return parsed


def check_header(ledger: ParsedLedger, name: str, header: list[str]) -> bool:
    """The header's columns against the file's: unknown, missing or repeated columns refuse the whole file."""
    label = ledger.label(name)
    required, optional = COLUMNS[name]
    problems = False
    for column in header:
        if column not in required | optional:
            ledger.issues.append(LedgerIssue(label, 1, shown(column), _("unknown column"), "unknown_column"))
            problems = True
    for column in sorted(required - set(header)):
        ledger.issues.append(LedgerIssue(label, 1, column, _("required column missing"), "missing_column"))
        problems = True
    duplicates = {column for column in header if header.count(column) > 1}
    for column in sorted(duplicates):
        ledger.issues.append(LedgerIssue(label, 1, shown(column), _("repeated column"), "duplicate_column"))
        problems = True
    if problems:
        ledger.refused_files.add(name)
    return not problems


def _read_file(ledger: ParsedLedger, directory: Path, name: str) -> list[tuple[int, dict[str, str], tuple]] | None:
    path = directory / name
    if not path.exists() and not path.is_symlink():
        if name in REQUIRED_FILES:
            ledger.issues.append(LedgerIssue(name, 0, "", _("file missing"), "missing_file"))
            ledger.refused_files.add(name)
        return None
    refusal = _refuse_file(path)
    if refusal is not None:
        # Refused before a byte is read: the message names the file only, never what it points to.
        ledger.issues.append(LedgerIssue(name, 0, "", *refusal))
        ledger.refused_files.add(name)
        return None
    reader = None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                ledger.issues.append(LedgerIssue(name, 1, "", _("empty file, the header row is missing"), "empty_file"))
                ledger.refused_files.add(name)
                return None
            header = [column.strip() for column in header]
            if not check_header(ledger, name, header):
                return None
            rows = []
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue  # blank line
                if len(cells) != len(header):
                    ledger.issues.append(LedgerIssue(name, number, "", _(
                        "%(got)s cells, the header has %(want)s columns") % {"got": len(cells), "want": len(header)},
                        "wrong_cell_count"))
                    ledger.bad_rows.add((name, number))
                    if name == "cases.csv" and "case_no" in header and len(cells) > header.index("case_no"):
                        ledger.refused_case_numbers.add(cells[header.index("case_no")].strip())
                    continue
                rows.append((number, dict(zip(header, cells, strict=True)), ()))
            return rows
    except UnicodeDecodeError:
        ledger.issues.append(LedgerIssue(name, 0, "", _("not UTF-8 text"), "not_utf8"))
        ledger.refused_files.add(name)
        return None
    except csv.Error:
        # The only csv.Error the reader's dialect can raise here is a cell beyond the field limit (NUL bytes are
        # read as characters since Python 3.11 and refused per cell). Its row is the one being read.
        row = (reader.line_num if reader is not None else 0) or 1
        ledger.issues.append(LedgerIssue(name, row, "", _(
            "a cell longer than %(limit)s characters: the rest of the file was not read") % {
            "limit": f"{CSV_FIELD_LIMIT:,}"}, "cell_too_long"))
        ledger.refused_files.add(name)
        return None


def _refuse_file(path: Path) -> tuple[str, str] | None:
    """Why ``path`` is not read at all (message, code), or None. Checked on the link itself (lstat): a symbolic
    link is refused whatever it points to, so an import can never read, or quote, a file outside the ledger."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return _("a symbolic link; copy the file itself into the ledger directory"), "symlink"
    if not stat.S_ISREG(info.st_mode):
        return _("not a regular file"), "not_a_file"
    if info.st_size > max_file_bytes():
        return _("%(size)s bytes, at most %(limit)s per file") % {
            "size": f"{info.st_size:,}", "limit": f"{max_file_bytes():,}"}, "file_too_large"
    return None


def read_ledger(directory: str | Path) -> ParsedLedger:
    """Parse the ledger in ``directory`` (CSV files), or in the workbook ``directory`` names (a file ending
    in .xlsx, one sheet per file: cases/ledger/xlsx.py)."""
    directory = Path(directory)
    ledger = ParsedLedger()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    if directory.is_file() and not directory.is_symlink() and directory.suffix.lower() == ".xlsx":
        sources = _read_workbook(ledger, directory)
        if sources is None:
            return ledger
        read = sources.get
    elif not directory.is_dir():
        ledger.issues.append(LedgerIssue(str(directory), 0, "", _("neither a directory nor an .xlsx workbook"),
                                         "not_a_directory"))
        ledger.refused_files.update(REQUIRED_FILES)
        return ledger
    else:
        def read(name: str):
            return _read_file(ledger, directory, name)

    def parse(name: str, target: list[Row], fill) -> None:
        rows = read(name)
        for number, raw, refused_cells in rows or []:
            parser = _RowParser(ledger, name, number, raw, refused_cells)
            fill(parser)
            if parser.ok:
                target.append(Row(parser.file, number, parser.values))
            else:
                ledger.bad_rows.add((name, number))
                key = (raw.get("case_no") if name == "cases.csv" else raw.get("code") or "").strip()
                if key:
                    {"cases.csv": ledger.refused_case_numbers, "units.csv": ledger.refused_unit_codes,
                     "banks.csv": ledger.refused_bank_codes}.get(name, set()).add(key)

    def unit(p: _RowParser) -> None:
        p.text("code", required=True)
        p.text("name", required=True)
        p.text("parent_code", required=False)
        p.choice("level", CODES["level"])
        p.iso_date("valid_from", required=True)
        p.iso_date("valid_to", required=False)

    def bank(p: _RowParser) -> None:
        p.text("code", required=True)
        p.text("name", required=True)

    def case(p: _RowParser) -> None:
        for column in ("case_no", "unit_code", "decision_no", "debtor_name", "creditor_name"):
            p.text(column, required=True)
        p.iso_date("accepted_on", required=True)
        p.choice("origin", CODES["origin"])
        p.choice("category", CODES["category"])
        p.choice("judgment_type", CODES["judgment_type"])
        p.text("bank_code", required=False)
        p.whole_amount("amount_due", required=True)

    def event(p: _RowParser) -> None:
        p.text("case_no", required=True)
        p.iso_date("date", required=True)
        if p.text("kind", required=False) == EventKind.DINH_CHINH:
            p.error("kind", _("A correction (dinh_chinh) cannot be imported: a ledger lists the events in force. "
                              "Leave the mistaken event out, or cancel it on the case page after the import."),
                    "correction_not_importable")
        else:
            p.choice("kind", CODES["kind"])
        p.whole_amount("amount", required=False)
        p.text("ground", required=False)
        p.text("note", required=False)

    parse("units.csv", ledger.units, unit)
    parse("banks.csv", ledger.banks, bank)
    parse("cases.csv", ledger.cases, case)
    parse("events.csv", ledger.events, event)
    return ledger


def _read_workbook(ledger: ParsedLedger, path: Path) -> dict[str, list] | None:
    """The rows of each sheet of the workbook at ``path``, as _read_file gives them for a CSV file, each cell
    turned into text by cases.ledger.xlsx.cell_text (a refused cell is reported with its row's other
    problems). None when the file is not a workbook."""
    from cases.ledger.xlsx import CellRefused, cell_text, read_workbook, sheet_label

    ledger.labels = {name: sheet_label(name.removesuffix(".csv")) for name in FILES}
    sources: dict[str, list] = {}
    try:
        for title, rows in read_workbook(path):
            name = f"{title.strip().lower()}.csv"
            if name not in COLUMNS:
                ledger.issues.append(LedgerIssue(path.name, 0, "", _(
                    "unknown sheet «%(sheet)s»; the sheets are units, banks, cases and events") % {"sheet": title},
                    "unknown_sheet"))
                continue
            if name in sources:
                ledger.issues.append(LedgerIssue(ledger.label(name), 0, "", _("sheet repeated"), "duplicate_sheet"))
                continue
            sources[name] = _sheet_rows(ledger, name, rows, CellRefused, cell_text)
    except Exception as error:  # noqa: BLE001 (openpyxl raises zipfile, KeyError, XML and its own errors)
        ledger.issues.append(LedgerIssue(path.name, 0, "", _("not a readable Excel workbook (.xlsx): %(error)s") % {
            "error": type(error).__name__}, "not_a_workbook"))
        ledger.refused_files.update(REQUIRED_FILES)
        return None
    for name in REQUIRED_FILES:
        if name not in sources:
            ledger.issues.append(LedgerIssue(ledger.label(name), 0, "", _("sheet missing"), "missing_file"))
            ledger.refused_files.add(name)
    return sources


def _sheet_rows(ledger: ParsedLedger, name: str, rows, refused_type, cell_text) -> list | None:
    label = ledger.label(name)
    header = None
    result = []
    for number, cells in rows:
        if header is None:
            if number != 1 or all(cell.value is None for cell in cells):
                ledger.issues.append(LedgerIssue(label, 1, "", _("empty sheet, the header row is missing"),
                                                 "empty_file"))
                ledger.refused_files.add(name)
                return None
            header = [str(cell.value).strip() if cell.value is not None else "" for cell in cells]
            while header and not header[-1]:
                header.pop()
            if not check_header(ledger, name, header):
                return None
            continue
        if all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()) for cell in cells):
            continue  # blank row
        outside = [cell for cell in cells[len(header):] if cell.value is not None]
        if outside:
            ledger.issues.append(LedgerIssue(label, number, "", _(
                "a cell right of the last column of the header"), "wrong_cell_count"))
            ledger.bad_rows.add((name, number))
            if name == "cases.csv" and "case_no" in header:
                ledger.refused_case_numbers.add(str(cells[header.index("case_no")].value or "").strip())
            continue
        raw, refused = {}, []
        for position, column in enumerate(header):
            cell = cells[position] if position < len(cells) else None
            try:
                raw[column] = cell_text(cell, column) if cell is not None else ""
            except refused_type as refusal:
                raw[column] = ""
                refused.append((column, refusal))
        result.append((number, raw, tuple(refused)))
    if header is None:
        ledger.issues.append(LedgerIssue(label, 1, "", _("empty sheet, the header row is missing"), "empty_file"))
        ledger.refused_files.add(name)
        return None
    return result
