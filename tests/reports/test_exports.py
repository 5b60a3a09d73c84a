"""Every xlsx export writes text that a spreadsheet could take for a formula (= + - @) as text: one helper,
reports.exports.cell_set, and one test per export."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from reports.exports import cell_set
from tests.pages.test_dashboard import FY2019, frozen, fy2019  # noqa: F401 (fixtures)
from thads.org.models import Unit

DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A2)"]


def _read(content: bytes):
    return load_workbook(io.BytesIO(content))


def _cells_with(workbook, texts):
    found = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in texts:
                    found[cell.value] = cell
    return found


@pytest.mark.parametrize("write_only", [False, True])
def test_the_helper_writes_each_formula_start_as_text(write_only):
    # given a workbook (normal or write-only) and text starting with = + - @
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    # when
    if write_only:
        sheet.append([cell_set(WriteOnlyCell(sheet), text) for text in DANGEROUS] + [cell_set(WriteOnlyCell(sheet),
                                                                                               -5)])
    else:
        for column, text in enumerate([*DANGEROUS, -5], start=1):
            cell_set(sheet.cell(row=1, column=column), text)
    handle = io.BytesIO()
    workbook.save(handle)
    # then: read back, every one is the same text, as a string, never a formula; a negative number stays one
    cells = list(_read(handle.getvalue()).worksheets[-1].iter_rows())[0]
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in cells] == [
        (text, "s", True) for text in DANGEROUS] + [(-5, "n", False)]


@pytest.mark.django_db
def test_the_case_list_export_writes_formula_like_text_as_text(client, org, people, fy2019):  # noqa: F811
    from cases.models import Party

    # given a debtor, a unit and the province named with = + - @
    Party.objects.filter(case=fy2019["A"], role="debtor").update(name=DANGEROUS[0])
    Party.objects.filter(case=fy2019["B"], role="debtor").update(name=DANGEROUS[1])
    Unit.objects.filter(code="HG-NB").update(name=DANGEROUS[2])
    Unit.objects.filter(code="HG").update(name=DANGEROUS[3])
    client.force_login(people["statistician"])
    # when
    response = client.get(f"/dashboard/HG/cases/?{FY2019}&class=with_conditions&format=xlsx")
    # then: each is in the sheet as the same text, a string
    found = _cells_with(_read(b"".join(response.streaming_content)), set(DANGEROUS))
    assert set(found) == set(DANGEROUS)
    assert {(cell.data_type, cell.quotePrefix) for cell in found.values()} == {("s", True)}


@pytest.mark.django_db
def test_the_dashboard_export_writes_formula_like_text_as_text(client, org, people, fy2019):  # noqa: F811
    # given the province and its sub-units named with formula starts
    Unit.objects.filter(code="HG").update(name="=Cục")
    Unit.objects.filter(code="HG-VT").update(name="+Vị Thanh")
    Unit.objects.filter(code="HG-NB").update(name="-Ngã Bảy")
    client.force_login(people["statistician"])
    # when
    response = client.get(f"/dashboard/HG/?{FY2019}&format=xlsx")
    # then
    workbook = _read(b"".join(response.streaming_content))
    found = _cells_with(workbook, {"+Vị Thanh", "-Ngã Bảy"})
    assert set(found) == {"+Vị Thanh", "-Ngã Bảy"}
    assert {(cell.data_type, cell.quotePrefix) for cell in found.values()} == {("s", True)}
    title = workbook.worksheets[0]["A1"]
    assert title.value.startswith("Bảng điều khiển") and "=Cục" in title.value
