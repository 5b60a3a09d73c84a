"""Forms 1 and 2 of the demo's Hậu Giang (loaded once for the module: ~38,000 cases), for FY2019 and its first
6 months, read back with openpyxl: every cell equals the engine (report_breakdown per district, report_build for
the province), counts exactly, money within the rounding to thousands; the province's rates are the interview's
74,38 % and 51,25 %."""
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from reports.filters import month_end
from reports.forms.build import form_build
from reports.forms.definitions import FORMS, MONEY
from reports.forms.excel import write_form
from reports.forms.services import form_export_request
from reports.models import StatsJob
from reports.services import report_breakdown, report_build
from tests.reports.test_forms import table
from thads.core.dates import fiscal_year_bounds
from thads.org.models import Unit

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once in a transaction that is rolled back after the module (each test runs in a
    savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--no-serve", stdout=io.StringIO())
        yield Unit.objects.get(code="HG")
        transaction.set_rollback(True)


def read_rows(path, width: int) -> dict[str, list]:
    return table(load_workbook(path)["Biểu"], width)


def check(cell, column, figures: dict, what) -> None:
    exact = figures[column.figure]
    if column.figure == "rate":
        assert cell == (None if exact is None else float(exact)), what
    elif column.measure == MONEY:
        assert cell == int((Decimal(exact) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)), what
        assert abs(cell * 1000 - exact) <= 500, what
    else:
        assert cell == exact, what


@pytest.mark.django_db
@pytest.mark.parametrize("months", [12, 6])
def test_demo_forms_1_and_2_equal_the_engine_cell_by_cell(demo, tmp_path, months):
    province = demo
    for code in ("01", "02"):
        # when
        data = form_build(form=FORMS[code], unit=province, fiscal_year=2019, months=months)
        path = tmp_path / f"{code}.xlsx"
        write_form(data, path, include_cases=False)
        rows = read_rows(path, len(data.columns))
        # then
        total = report_build(unit=province, start=data.start, end=data.end)
        districts = report_breakdown(unit=province, start=data.start, end=data.end, by="unit")
        assert [name for name in rows if name not in (province.name, "Tổng cộng")] == [d.label for d in districts]
        assert len(districts) >= 7
        measure = "money" if code == "02" else "cases"
        for district in districts:
            figures = district.money if code == "02" else district.cases
            for cell, column in zip(rows[district.label], data.columns, strict=True):
                check(cell, column, figures, (code, months, district.label, column.key))
        for cell, column in zip(rows["Tổng cộng"], data.columns, strict=True):
            check(cell, column, total[measure], (code, months, "total", column.key))
        if months == 12:
            rate_index = [column.key for column in data.columns].index("rate")
            assert rows["Tổng cộng"][rate_index] == (74.38 if code == "01" else 51.25)


@pytest.mark.django_db
def test_demo_export_job_runs_on_the_exports_queue_and_lists_the_cases(demo, tmp_path, settings):
    # given: the province's statistician (the demo's login), exports written under tmp_path
    from django.contrib.auth import get_user_model

    settings.EXPORTS_DIR = tmp_path
    statistician = get_user_model().objects.get(username="thongke.haugiang")
    # when: in-process (no broker in tests)
    job = form_export_request(actor=statistician, form_code="01", unit=demo, fiscal_year=2019, months=6)
    # then
    job.refresh_from_db()
    assert job.status == StatsJob.Status.SUCCEEDED and job.progress == 100, job.error
    book = load_workbook(job.params["file"], read_only=True)
    listed = sum(1 for _row in book["Danh sách việc"].iter_rows(min_row=3))
    report = report_build(unit=demo, start=fiscal_year_bounds(2019)[0], end=month_end(2019, 6))
    assert listed == report["cases"]["accepted"]

