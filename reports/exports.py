"""xlsx exports of the dashboard's lists (openpyxl write-only: rows stream to the file, memory stays flat).

Headers in Vietnamese (the official language of the reports, whatever the page's language), money as whole
đồng with thousands separators, dates day-first, and any text that a spreadsheet could take for a formula
(starting with = + - @) written as plain text."""
import tempfile
from datetime import date
from decimal import Decimal

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

MONEY_FORMAT = "#,##0"
RATE_FORMAT = "0.00"  # rates and gaps in percent (points), two decimals
DATE_FORMAT = "DD/MM/YYYY"
FORMULA_STARTS = ("=", "+", "-", "@")
CHUNK = 2000  # cases fetched per query while writing


def _cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, bool):
        return cell
    if isinstance(value, int):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, float | Decimal):
        cell.number_format = RATE_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # never a formula
        cell.quotePrefix = True
    return cell


def write_row(sheet, values, *, bold: bool = False) -> None:
    cells = []
    for value in values:
        cell = _cell(sheet, value)
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def workbook_response(workbook: Workbook, filename: str) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def case_rows_xlsx(rows, *, unit, filters, heading: str, money: bool, attach) -> FileResponse:
    """The cases of one figure, all of them (not one page), with why each is there and the money counted."""
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        sheet = workbook.create_sheet(_("Cases"))
        write_row(sheet, [unit.name], bold=True)
        write_row(sheet, [heading])
        write_row(sheet, [_("Period %(start)s – %(end)s") % {"start": filters.start.strftime("%d/%m/%Y"),
                                                             "end": filters.end.strftime("%d/%m/%Y")}])
        write_row(sheet, [_("Number of cases"), len(rows)])
        if money:
            write_row(sheet, [_("Money counted"), sum(row.amount for row in rows)])
        write_row(sheet, [])
        headers = [_("Case"), _("Judgment debtor"), _("Unit"), _("Accepted"), _("Before the period"),
                   _("At the end of the period"), _("Money at the start"), _("Collected or reduced in the period"),
                   _("Remaining at the end")]
        if money:
            headers.append(_("Money counted"))
        write_row(sheet, headers, bold=True)
        for index in range(0, len(rows), CHUNK):
            for item in attach(rows[index:index + CHUNK]):
                row, case = item["row"], item["case"]
                values = [row.case_no, ", ".join(item["debtors"]), case.unit.name if case else "",
                          case.stat_accepted_on if case else None, item["before"], item["at_end"], row.base_money,
                          item["performed"], row.remaining_end]
                if money:
                    values.append(row.amount)
                write_row(sheet, values)
    return workbook_response(workbook, f"{unit.code}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx")


def dashboard_xlsx(*, unit, filters, title: str, report: dict, rows: list[dict], sub_table: dict | None,
                   sub_headers: list[tuple[str, str]]) -> FileResponse:
    """The unit page: its rates against targets, the figures behind them beside last year's, and its
    sub-units' (or officers') table, in two sheets."""
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        sheet = workbook.create_sheet(_("Figures"))
        write_row(sheet, [title], bold=True)
        write_row(sheet, [_("Period %(start)s – %(end)s") % {"start": filters.start.strftime("%d/%m/%Y"),
                                                             "end": filters.end.strftime("%d/%m/%Y")}])
        write_row(sheet, [])
        write_row(sheet, ["", _("Rate (%)"), _("Target"), _("Gap to target"), _("Same period last year")],
                  bold=True)
        for metric, label in (("cases", _("Cases")), ("money", _("Money"))):
            values = report[metric]
            write_row(sheet, [label, _float(values["rate"]), _float(report["targets"][metric]),
                              _float(report["gap_to_target"][metric]), _float(report["previous"][metric]["rate"])])
        write_row(sheet, [])
        write_row(sheet, [_("Indicator"), _("Cases"), _("Money"), _("Cases last year"), _("Money last year"),
                          _("Change in cases"), _("Change in money")], bold=True)
        for row in rows:
            write_row(sheet, [str(row["label"]), row["cases"], row["money"], row["previous_cases"],
                              row["previous_money"], _float(row["cases_change"]), _float(row["money_change"])])
        if sub_table is not None:
            sheet = workbook.create_sheet(_("Sub-units") if sub_table["kind"] == "units" else _("Officers"))
            write_row(sheet, [header for _key, header in sub_headers[:1]] + [
                _("Rate in cases"), _("Target"), _("Gap in cases (points)"), _("Rate in money"), _("Target"),
                _("Gap in money (points)"), *[header for _key, header in sub_headers[5:]]], bold=True)
            for row in sub_table["rows"]:
                cases, money = row["cases_metric"], row["money_metric"]
                write_row(sheet, [str(row["label"]), _float(cases["rate"]), _float(cases["target"]),
                                  _float(cases["gap"]), _float(money["rate"]), _float(money["target"]),
                                  _float(money["gap"]), row["cases"]["to_enforce"], row["cases"]["with_conditions"],
                                  row["cases"]["resolved"], row["money"]["with_conditions"],
                                  row["money"]["resolved"]])
    return workbook_response(workbook, f"{unit.code}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}-dashboard.xlsx")


def _float(value) -> float | None:
    """A rate, target, gap or growth as a number rounded to 2 decimals (None stays an empty cell)."""
    return None if value is None else round(float(value), 2)
