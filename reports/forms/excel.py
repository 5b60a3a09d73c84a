"""An official form as an Excel workbook that looks like the paper form: Times New Roman, A4 landscape, two
merged header rows and a row of column numbers, frozen and repeated on every printed page, separators in the
numbers, the unit and the period in the title, the signature blocks — then the cases behind every row on a
second sheet, and the legal basis, units and what is reconstructed on a third.

Written in openpyxl's write-only mode: rows stream to the file, so a national list of cases does not sit in
memory. Text starting with = + - @ stays text, as in reports.exports."""
from collections.abc import Callable
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from reports.engine import counted_cases
from reports.exports import FORMULA_STARTS
from reports.forms.build import FormData, FormRow
from reports.forms.definitions import MONEY, ROUNDING_RULE, header_spans
from thads.org.models import UnitLevel

REFORM = date(2025, 7, 1)  # Tổng cục THADS became Cục Quản lý THADS (domain.md §2)

FONT_NAME = "Times New Roman"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00"
FIRST_DATA_COLUMN = 3  # A: STT, B: the row's name
FIRST_HEADER_ROWS = 8  # title lines, the two header rows and the column numbers above the first data row

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONTS = {name: Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
          for name, size, bold, italic in (("plain", 11, False, False), ("bold", 11, True, False),
                                           ("italic", 11, False, True), ("title", 14, True, False),
                                           ("small", 10, False, True), ("header", 10, True, False))}
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_NUMBER = Alignment(vertical="center")

OUTCOME_WORDS = {
    "transferred_out": "Ủy thác đi, thu hồi, hủy QĐ",
    "completed": "Thi hành xong",
    "terminated": "Đình chỉ",
    "in_progress": "Đang thi hành",
    "postponed_or_suspended": "Hoãn, tạm đình chỉ",
    "without_conditions": "Chưa có điều kiện thi hành",
}


def period_words(data: FormData) -> str:
    return (f"{data.months} tháng năm thống kê {data.fiscal_year} "
            f"(từ ngày {data.start:%d/%m/%Y} đến ngày {data.end:%d/%m/%Y})")


def receiving_unit(data: FormData) -> str:
    """Who the form goes to: the parent unit as it stood at the period's end; for a province without one in
    the database, the central agency of the time (Tổng cục THADS until 30/6/2025, then Cục Quản lý THADS)."""
    parent = data.unit.parent
    if parent is not None:
        return parent.name
    if data.unit.level == UnitLevel.PROVINCE:
        return "Tổng cục Thi hành án dân sự" if data.end < REFORM else "Cục Quản lý thi hành án dân sự"
    return "Bộ Tư pháp"


def file_name(data: FormData) -> str:
    code = data.form.code.replace("/", "-")
    return f"bieu-{code}-{data.unit.code}-{data.fiscal_year}-{data.months:02d}thang.xlsx"


def _cell(sheet, value, *, font="plain", align=None, box=False, number_format=None):
    """A write-only cell with the form's style. Styles are resolved once per workbook and combination, then
    copied (openpyxl hashes every style object it is given: per cell, that was most of a large export)."""
    styles = sheet.parent.__dict__.setdefault("_form_styles", {})
    key = (font, id(align), box, number_format)
    style = styles.get(key)
    if style is None:
        template = WriteOnlyCell(sheet)
        template.font = _FONTS[font]
        if align is not None:
            template.alignment = align
        if box:
            template.border = _BOX
        if number_format:
            template.number_format = number_format
        style = styles[key] = template._style
    cell = WriteOnlyCell(sheet, value=value)
    cell._style = copy(style)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # never a formula (as every export: reports.exports)
        cell.quotePrefix = True
    return cell


def _new_workbook() -> Workbook:
    workbook = Workbook(write_only=True)
    # The default font (of empty cells and of the row heights) is the form's, not Calibri.
    workbook._fonts = IndexedList([_FONTS["plain"]])
    return workbook


def write_form(data: FormData, target, *, include_cases: bool = True,
               progress: Callable[[int, int], None] | None = None, today: date | None = None) -> None:
    """Write ``data`` as an .xlsx to ``target`` (a path or a binary file). ``progress(done, total)`` is
    called after each row's cases are written (the slow part of a large export)."""
    workbook = _new_workbook()
    _form_sheet(workbook, data)
    if include_cases:
        _cases_sheet(workbook, data, progress)
    _notes_sheet(workbook, data, include_cases, today)
    workbook.save(target)


def _form_sheet(workbook: Workbook, data: FormData) -> None:
    form, columns = data.form, data.columns
    sheet = workbook.create_sheet("Biểu")
    width = FIRST_DATA_COLUMN - 1 + len(columns)
    last = get_column_letter(width)
    sheet.column_dimensions["A"].width = 5
    longest = max((len(row.label) for row in data.rows), default=20)
    name_width = min(46, max(24, longest + 2))
    sheet.column_dimensions["B"].width = name_width
    for index, column in enumerate(columns):
        # thousands of đồng reach 15 characters nationally (224.775.000.000); a long heading gets a wider column
        # rather than a sixth line
        wide = len(column.heading) > 30
        sheet.column_dimensions[get_column_letter(FIRST_DATA_COLUMN + index)].width = (
            (15 if column.measure == MONEY and column.figure != "rate" else 9) + (2.5 if wide else 0))
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", Worksheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.horizontalCentered = True
    # (write-only: the sheet's views and set-up are written with its first row)
    sheet.freeze_panes = f"{get_column_letter(FIRST_DATA_COLUMN)}{FIRST_HEADER_ROWS + 1}"
    sheet.print_title_rows = f"6:{FIRST_HEADER_ROWS}"

    def line(values_by_column: dict[int, object], **style) -> None:
        row = [None] * width
        for column, value in values_by_column.items():
            row[column - 1] = _cell(sheet, value, **style)
        sheet.append(row)

    third = max(2, width // 3)
    # 1: the corner boxes (form number and legal basis; reporting and receiving unit)
    line({1: f"{form.number}", width - third + 1: f"Ban hành kèm theo {data.regime.basis}"}, font="italic")
    sheet.merged_cells.add(f"A1:{get_column_letter(third)}1")
    sheet.merged_cells.add(f"{get_column_letter(width - third + 1)}1:{last}1")
    parent = receiving_unit(data)
    line({1: f"Đơn vị báo cáo: {data.unit.name}", width - third + 1: f"Đơn vị nhận báo cáo: {parent}"},
         font="italic")
    sheet.merged_cells.add(f"A2:{get_column_letter(third)}2")
    sheet.merged_cells.add(f"{get_column_letter(width - third + 1)}2:{last}2")
    # 3–4: the title and the period
    line({1: form.title}, font="title", align=_CENTER)
    sheet.merged_cells.add(f"A3:{last}3")
    line({1: f"{data.unit.name} — {period_words(data)}"}, font="bold", align=_CENTER)
    sheet.merged_cells.add(f"A4:{last}4")
    unit_words = "Đơn vị tính: việc; tiền: nghìn đồng" if form.has_money and any(
        c.measure != MONEY for c in columns) else ("Đơn vị tính: nghìn đồng" if form.has_money else
                                                    "Đơn vị tính: việc")
    line({width - third + 1: unit_words}, font="italic", align=_RIGHT)
    sheet.merged_cells.add(f"{get_column_letter(width - third + 1)}5:{last}5")
    # 6–7: the two header rows; 8: the column numbers
    header_top, header_bottom = [None] * width, [None] * width
    header_top[0] = _cell(sheet, "STT", font="header", align=_CENTER, box=True)
    header_top[1] = _cell(sheet, form.row_heading, font="header", align=_CENTER, box=True)
    header_bottom[0] = _cell(sheet, None, box=True)
    header_bottom[1] = _cell(sheet, None, box=True)
    sheet.merged_cells.add("A6:A7")
    sheet.merged_cells.add("B6:B7")
    grouped = set()
    for group, first, last_index in header_spans(columns):
        first_col = FIRST_DATA_COLUMN + first
        header_top[first_col - 1] = _cell(sheet, group, font="header", align=_CENTER, box=True)
        for index in range(first, last_index + 1):
            grouped.add(index)
            if index != first:
                header_top[FIRST_DATA_COLUMN + index - 1] = _cell(sheet, None, box=True)
        if last_index > first:
            sheet.merged_cells.add(f"{get_column_letter(first_col)}6:"
                                   f"{get_column_letter(FIRST_DATA_COLUMN + last_index)}6")
    for index, column in enumerate(columns):
        col = FIRST_DATA_COLUMN + index
        if index in grouped:
            header_bottom[col - 1] = _cell(sheet, column.heading, font="header", align=_CENTER, box=True)
        else:
            header_top[col - 1] = _cell(sheet, column.heading, font="header", align=_CENTER, box=True)
            header_bottom[col - 1] = _cell(sheet, None, box=True)
            sheet.merged_cells.add(f"{get_column_letter(col)}6:{get_column_letter(col)}7")
    sheet.row_dimensions[6].height = 32
    sheet.row_dimensions[7].height = 58
    sheet.append(header_top)
    sheet.append(header_bottom)
    numbers = ["A", "B", *(str(index) for index in range(1, len(columns) + 1))]
    sheet.append([_cell(sheet, text, font="small", align=_CENTER, box=True) for text in numbers])
    # the rows, then the total; a name longer than its column gets a second line (write-only: heights first)
    for number, row in enumerate(data.rows, start=1):
        if len(row.label) > name_width:
            sheet.row_dimensions[FIRST_HEADER_ROWS + number].height = 30
        sheet.append(_data_row(sheet, data, row, number))
    sheet.append(_data_row(sheet, data, data.total, None))
    # the signature blocks
    sheet.append([])
    blocks = [("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")]
    if form.interagency:
        blocks.append(("ĐẠI DIỆN VIỆN KIỂM SÁT NHÂN DÂN", "(Ký tên, đóng dấu)"))
    blocks.append(("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"))
    spans = _block_spans(width, len(blocks))
    place = spans[-1]
    line({place[0]: "………, ngày …… tháng …… năm ………"}, font="italic", align=_CENTER)
    first_row = FIRST_HEADER_ROWS + len(data.rows) + 3
    sheet.merged_cells.add(f"{get_column_letter(place[0])}{first_row}:{get_column_letter(place[1])}{first_row}")
    for offset, index in enumerate((0, 1)):
        line({span[0]: block[index] for span, block in zip(spans, blocks, strict=True)},
             font="bold" if index == 0 else "italic", align=_CENTER)
        for span in spans:
            sheet.merged_cells.add(f"{get_column_letter(span[0])}{first_row + 1 + offset}:"
                                   f"{get_column_letter(span[1])}{first_row + 1 + offset}")


def _block_spans(width: int, count: int) -> list[tuple[int, int]]:
    """Column spans of ``count`` signature blocks spread over ``width`` columns (left, [middle,] right)."""
    size = max(2, width // (count + 1))
    if count == 2:
        return [(1, size), (width - size + 1, width)]
    middle = (width - size) // 2 + 1
    return [(1, size), (middle, middle + size - 1), (width - size + 1, width)]


def _data_row(sheet, data: FormData, row: FormRow, number: int | None) -> list:
    font = "bold" if number is None else "plain"
    cells = [_cell(sheet, number, font=font, align=_CENTER, box=True),
             _cell(sheet, row.label, font=font, align=_LEFT if number is not None else _CENTER, box=True)]
    for column, value in zip(data.columns, data.values(row), strict=True):
        number_format = RATE_FORMAT if column.figure == "rate" else COUNT_FORMAT
        cells.append(_cell(sheet, value, font=font, align=_NUMBER, box=True, number_format=number_format))
    return cells


CASE_HEADINGS = ("STT", "Dòng của biểu", "Số hồ sơ", "Đầu kỳ", "Cuối kỳ", "Phải thi hành đầu kỳ (đồng)",
                 "Thu được (đồng)", "Giảm (đồng)", "Đình chỉ (đồng)", "Còn lại cuối kỳ (đồng)")


def _cases_sheet(workbook: Workbook, data: FormData, progress) -> None:
    """Every case counted in each row, with its class at the start (carried over or new) and at the end, and
    the amounts behind the money figures in whole đồng (the form's thousands are rounded from these)."""
    sheet = workbook.create_sheet("Danh sách việc")
    for letter, size in zip("ABCDEFGHIJ", (8, 30, 22, 10, 26, 18, 16, 14, 16, 18), strict=True):
        sheet.column_dimensions[letter].width = size
    sheet.freeze_panes = "A3"
    sheet.append([_cell(sheet, f"Danh sách việc được thống kê — {data.form.number} — {data.unit.name} — "
                               f"{period_words(data)}", font="bold")])
    sheet.append([_cell(sheet, heading, font="header", align=_CENTER, box=True) for heading in CASE_HEADINGS])
    number = 0
    for index, row in enumerate(data.rows, start=1):
        for case in counted_cases(start=data.start, end=data.end, category=data.form.category, **row.scope):
            number += 1
            counts = case.outcome != "transferred_out"
            sheet.append([
                _cell(sheet, number), _cell(sheet, row.label), _cell(sheet, case.case_no),
                _cell(sheet, "Số cũ" if case.carried_over else "Số mới"),
                _cell(sheet, OUTCOME_WORDS.get(case.outcome, case.outcome)),
                _cell(sheet, case.base_money, number_format=COUNT_FORMAT),
                _cell(sheet, case.collected if counts else 0, number_format=COUNT_FORMAT),
                _cell(sheet, case.reduced if counts else 0, number_format=COUNT_FORMAT),
                _cell(sheet, case.terminated if case.outcome == "terminated" else 0, number_format=COUNT_FORMAT),
                _cell(sheet, case.remaining_end if case.outcome not in ("transferred_out", "completed", "terminated")
                      else 0, number_format=COUNT_FORMAT),
            ])
        if progress is not None:
            progress(index, len(data.rows))


def _notes_sheet(workbook: Workbook, data: FormData, include_cases: bool, today: date | None) -> None:
    sheet = workbook.create_sheet("Ghi chú")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110
    notes = [
        ("Biểu", f"{data.form.number} — {data.form.title}"),
        ("Căn cứ", data.regime.basis + (f" (áp dụng đến hết ngày {data.regime.valid_to:%d/%m/%Y})"
                                        if data.regime.valid_to else "")),
        ("Đơn vị, kỳ", f"{data.unit.name} ({data.unit.code}) — {period_words(data)}; tổ chức đơn vị theo ngày "
                       f"{data.end:%d/%m/%Y}"),
        ("Đơn vị tính", "Việc" + ("; " + ROUNDING_RULE if data.form.has_money else "")),
        ("Tỷ lệ", "Giải quyết xong (thi hành xong + đình chỉ" + (" + giảm" if data.form.has_money else "")
                  + ") ÷ có điều kiện thi hành × 100, làm tròn nửa lên 2 chữ số thập phân, tính từ số chính xác."),
        ("Phần dựng lại", data.form.reconstructed),
        ("Danh sách việc", "Trang “Danh sách việc”: từng việc được tính ở mỗi dòng, với nhóm đầu kỳ và cuối kỳ"
         if include_cases else "Không kèm danh sách việc (xuất theo yêu cầu)."),
    ]
    if today is not None:
        notes.append(("Ngày lập", f"{today:%d/%m/%Y}"))
    for label, text in notes:
        sheet.append([_cell(sheet, label, font="bold", align=_LEFT), _cell(sheet, text, align=_LEFT)])

