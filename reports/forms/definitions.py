"""The official forms as data: what each column shows and which engine figure fills it.

The annexes of TT 05/2024/TT-BTP and TT 05/2026/TT-BTP were not readable when this was written: the layouts
below are a reconstruction from public sources (the procuracy's mirror form 24.1, published reports), stated
per form in ``reconstructed``. Headings and the order of the columns can be corrected without code through
FormColumnOverride (admin: "Form column corrections"); the figure behind a column cannot (that is a rule of
the engine, domain.md §6).

Headings are Vietnamese and not translated: they are the text of the official form, whatever the page's
language.
"""
from dataclasses import dataclass, replace
from datetime import date

CASES = "cases"
MONEY = "money"

ROWS_UNITS = "units"
ROWS_OFFICERS = "officers"
ROWS_BANKS = "banks"

MONEY_UNIT = 1000  # money in the forms is in thousands of đồng ("SỐ TIỀN (1.000 VNĐ)")
ROUNDING_RULE = ("Tiền tính bằng nghìn đồng, làm tròn nửa lên từ số đồng chính xác của từng ô; dòng tổng cộng làm "
                 "tròn từ tổng chính xác, nên có thể chênh với tổng các dòng đã làm tròn tối đa bằng số dòng.")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` is stable (overrides refer to it), ``figure`` an indicator of reports.indicators
    (``derive``) in ``measure`` ("cases" or "money"; the figure "rate" is a percentage), ``group`` the merged heading
    above it ("" : the heading spans both header rows)."""

    key: str
    heading: str
    measure: str
    figure: str
    group: str = ""
    position: int = 0


@dataclass(frozen=True)
class Regime:
    """The legal text a form's layout follows over a span of period ends (None: open-ended)."""

    basis: str
    valid_from: date | None
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class FormDefinition:
    code: str
    number: str          # as printed in the corner: "Biểu số 01/TK-THADS"
    title: str
    rows: str            # ROWS_UNITS, ROWS_OFFICERS or ROWS_BANKS
    row_heading: str
    columns: tuple[Column, ...]
    regimes: tuple[Regime, ...]
    reconstructed: str
    category: str | None = None       # the forms of one category only (banks: tin_dung_ngan_hang)
    interagency: bool = False         # countersigned by the procuracy of the same level

    @property
    def has_money(self) -> bool:
        return any(column.measure == MONEY for column in self.columns)

    def regime_on(self, day: date) -> Regime:
        """The regime whose span holds ``day`` (the period's end); before the first known one, the first."""
        return next((regime for regime in self.regimes if regime.covers(day)), self.regimes[0])


TT_05_2024 = Regime("Thông tư số 05/2024/TT-BTP", None, date(2026, 6, 30))
TT_05_2026 = Regime("Thông tư số 05/2026/TT-BTP", date(2026, 7, 1), None)
TTLT_12_2021 = Regime("Thông tư liên tịch số 12/2021/TTLT-BTP-VKSNDTC-TANDTC", None, None)
CIRCULARS = (TT_05_2024, TT_05_2026)  # same layout under both until someone checks the 2026 annexes

ACCEPTED = "Tổng số thụ lý"
WITH_CONDITIONS = "Có điều kiện thi hành"
WITHOUT_CONDITIONS = "Chưa có điều kiện thi hành"


def _numbered(columns: list[Column]) -> tuple[Column, ...]:
    return tuple(replace(column, position=index) for index, column in enumerate(columns, start=1))


def _results(measure: str) -> tuple[Column, ...]:
    """Forms 1 and 2 (and 4 and 5): the tree of domain.md §6, two header rows."""
    money = measure == MONEY
    columns = [
        Column("accepted", "Tổng số", measure, "accepted", ACCEPTED),
        Column("carried_over", "Năm trước chuyển sang", measure, "carried_over", ACCEPTED),
        Column("new", "Mới thụ lý", measure, "new", ACCEPTED),
        Column("transferred_out", "Ủy thác đi, thu hồi, hủy quyết định thi hành án", measure, "transferred_out"),
        Column("to_enforce", "Tổng số phải thi hành", measure, "to_enforce"),
        Column("with_conditions", "Tổng số", measure, "with_conditions", WITH_CONDITIONS),
        Column("completed", "Thi hành xong" if not money else "Thu được", measure,
               "completed" if not money else "collected", WITH_CONDITIONS),
        Column("terminated", "Đình chỉ", measure, "terminated", WITH_CONDITIONS),
    ]
    if money:
        columns.append(Column("reduced", "Giảm thi hành án", measure, "reduced", WITH_CONDITIONS))
    columns += [
        Column("in_progress", "Đang thi hành (kể cả hoãn theo điểm c)", measure, "in_progress", WITH_CONDITIONS),
        Column("postponed_or_suspended", "Hoãn, tạm đình chỉ", measure, "postponed_or_suspended"),
        Column("without_conditions", WITHOUT_CONDITIONS, measure, "without_conditions"),
        Column("rate", "Tỷ lệ giải quyết xong (%)", measure, "rate"),
        Column("carried_forward", "Chuyển kỳ sau", measure, "carried_forward"),
    ]
    return _numbered(columns)


def _mirror() -> tuple[Column, ...]:
    """01/TKLN-THADS: cases then money (thousands of đồng), in the order of the procuracy's form 24.1."""
    columns = []
    for measure, group in ((CASES, "I. Số việc"), (MONEY, "II. Số tiền (1.000 đồng)")):
        columns += [
            Column(f"{measure}.carried_over", "Số cũ", measure, "carried_over", group),
            Column(f"{measure}.new", "Số mới", measure, "new", group),
            Column(f"{measure}.transferred_out", "Ủy thác đi, thu hồi, hủy QĐ THA", measure, "transferred_out", group),
            Column(f"{measure}.to_enforce", "Tổng số phải thi hành", measure, "to_enforce", group),
            Column(f"{measure}.with_conditions", "Có điều kiện thi hành", measure, "with_conditions", group),
            Column(f"{measure}.resolved", "Thi hành xong và đình chỉ", measure, "resolved", group),
            Column(f"{measure}.in_progress", "Đang thi hành", measure, "in_progress", group),
            Column(f"{measure}.postponed_or_suspended", "Hoãn, tạm đình chỉ", measure, "postponed_or_suspended",
                   group),
            Column(f"{measure}.without_conditions", WITHOUT_CONDITIONS, measure, "without_conditions", group),
            Column(f"{measure}.rate", "Tỷ lệ (%)", measure, "rate", group),
            Column(f"{measure}.carried_forward", "Số tồn", measure, "carried_forward", group),
        ]
    return _numbered(columns)


def _compact() -> tuple[Column, ...]:
    """The credit-bank breakdown: each bank's cases and money side by side."""
    columns = []
    for measure, group in ((CASES, "Về việc"), (MONEY, "Về tiền (1.000 đồng)")):
        columns += [
            Column(f"{measure}.to_enforce", "Phải thi hành", measure, "to_enforce", group),
            Column(f"{measure}.with_conditions", "Có điều kiện", measure, "with_conditions", group),
            Column(f"{measure}.resolved", "Giải quyết xong", measure, "resolved", group),
            Column(f"{measure}.without_conditions", "Chưa có điều kiện", measure, "without_conditions", group),
            Column(f"{measure}.rate", "Tỷ lệ (%)", measure, "rate", group),
        ]
    return _numbered(columns)


_RESULTS_NOTE = ("Bố cục dựng lại từ nguồn công khai (biểu 24.1 của Viện kiểm sát, báo cáo đã công bố), không từ "
                 "phụ lục của Thông tư: thứ tự và tên cột, cột “Giảm thi hành án” (chỉ biểu tiền) và việc tách "
                 "“hoãn theo điểm c” vào đang thi hành. Chưa có cột “trong đó: nhận ủy thác” (hệ thống chưa ghi "
                 "nguồn ủy thác đến).")

FORMS: dict[str, FormDefinition] = {form.code: form for form in (
    FormDefinition("01", "Biểu số 01/TK-THADS", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG VIỆC", ROWS_UNITS,
                   "Đơn vị", _results(CASES), CIRCULARS, _RESULTS_NOTE),
    FormDefinition("02", "Biểu số 02/TK-THADS", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG TIỀN", ROWS_UNITS,
                   "Đơn vị", _results(MONEY), CIRCULARS, _RESULTS_NOTE),
    FormDefinition("04", "Biểu số 04/TK-THADS", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG VIỆC CỦA CHẤP HÀNH VIÊN",
                   ROWS_OFFICERS, "Chấp hành viên", _results(CASES), CIRCULARS, _RESULTS_NOTE),
    FormDefinition("05", "Biểu số 05/TK-THADS", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG TIỀN CỦA CHẤP HÀNH VIÊN",
                   ROWS_OFFICERS, "Chấp hành viên", _results(MONEY), CIRCULARS, _RESULTS_NOTE),
    FormDefinition("TCTD", "Danh sách TCTD", "KẾT QUẢ THI HÀNH ÁN CÁC VIỆC CỦA TỔ CHỨC TÍN DỤNG, NGÂN HÀNG",
                   ROWS_BANKS, "Tổ chức tín dụng, ngân hàng", _compact(), CIRCULARS,
                   "Danh sách theo quý, 6 tháng, năm; bố cục do hệ thống đề xuất (không có mẫu công bố): mỗi ngân "
                   "hàng một dòng, việc và tiền.", category="tin_dung_ngan_hang"),
    FormDefinition("01/TKLN-THADS", "Biểu số 01/TKLN-THADS", "KẾT QUẢ THI HÀNH ÁN DÂN SỰ (THỐNG KÊ LIÊN NGÀNH)",
                   ROWS_UNITS, "Đơn vị", _mirror(), (TTLT_12_2021,),
                   "Thứ tự cột theo biểu 24.1 của Viện kiểm sát (công khai); dòng “hoãn, tạm đình chỉ” của biểu "
                   "24.1 chưa được kiểm chứng; chưa có “trong đó: số nhận ủy thác”.", interagency=True),
)}


def form_columns(form: FormDefinition, overrides: dict[str, tuple[str, int | None]] | None = None
                 ) -> list[Column]:
    """The form's columns as printed, with ``overrides`` ({column key: (heading or "", position or None)}):
    a corrected heading replaces the definition's; a column given a position (1 = first) is placed there,
    the others keep their order around it. Positions are then renumbered 1…n."""
    overrides = overrides or {}
    placed, others = [], []
    for column in form.columns:
        heading, position = overrides.get(column.key, ("", None))
        column = replace(column, heading=heading or column.heading)
        if position is None:
            others.append(column)
        else:
            placed.append((position, column))
    for position, column in sorted(placed, key=lambda item: item[0]):
        others.insert(max(0, min(position - 1, len(others))), column)
    return [replace(column, position=index) for index, column in enumerate(others, start=1)]


def header_spans(columns: list[Column]) -> list[tuple[str, int, int]]:
    """The merged headings of the first header row: (group, first index, last index) over ``columns`` for
    each run of adjacent columns of the same non-empty group."""
    spans: list[tuple[str, int, int]] = []
    for index, column in enumerate(columns):
        if column.group and spans and spans[-1][0] == column.group and spans[-1][2] == index - 1:
            spans[-1] = (column.group, spans[-1][1], index)
        elif column.group:
            spans.append((column.group, index, index))
    return spans
