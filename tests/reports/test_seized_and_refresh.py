"""The dashboard's money behind the seized assets (reports.seized), its sub-units' gap chart, and the statistics
refresh a statistician runs from it.

Hand-built FY2019 of HG (period 01/10/2018 – 30/09/2019), every amount in millions of đồng:

    A  HG-VT, owes 500, in progress. Asset seized 01/03/2019, valued 100 on 01/04/2019; failed rounds on
       20/05 at 100 and 04/07 at 90.
       → still to collect 500, valued 100, asking 90, 2 failed rounds, uncovered 400.
    B  HG-NB, owes 50, in progress. Asset seized 01/03/2019 and valued 80, no auction; its re-valuation at 60
       is dated 15/10/2019, after the period, so not counted in FY2019.
       → 50, valued 80, asking 80 (its valuation), 0 rounds, uncovered 0.
    C  HG-VT, owes 300: asset seized, then released on 01/06/2019 → not counted.
    D  HG-VT, owes 200: asset seized 15/10/2019, after the period → not counted.
    E  HG-VT, owes 60: asset seized and valued 70, then collected in full and completed → not in progress.
    F  HG-VT, owes 40, without conditions; asset seized and valued 10 → not with conditions, not counted.
    H  ST-A (another province), owes 900, asset seized → never in HG's figures.

So HG: 2 cases, 2 assets, still to collect 550, valued 180, asking 170, uncovered 400; HG-VT: case A only.
"""
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from cases.codes import EventKind, ValuationMethod
from cases.services.assets import asset_create, revaluation_record, seizure_release
from reports.models import StatsJob
from reports.seized import seized_cases, seized_totals
from reports.services import job_create, target_set
from tests.cases.test_asset_services import HOUSE, R, contract, round_, seize, value
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db
M = 1_000_000
START, END = date(2018, 10, 1), date(2019, 9, 30)
TODAY = date(2019, 11, 20)


def seized_case(unit, amount, *, valuation=None, seized_on=date(2019, 3, 1), accepted_on=date(2019, 1, 10)):
    case = make_case(unit=unit, amount_due=amount * M, accepted_on=accepted_on)
    asset = asset_create(actor=None, cases=[case], data=HOUSE)
    seizure = seize(asset, case, on=seized_on)
    valuation_row = value(seizure, valuation * M) if valuation is not None else None
    return case, seizure, valuation_row


@pytest.fixture
def seized(org):
    cases = {}
    cases["A"], seizure_a, valuation_a = seized_case(org["HG-VT"], 500, valuation=100)
    auction = contract(seizure_a)
    round_(auction, R[0], 100 * M)
    round_(auction, R[1], 90 * M)
    cases["B"], _s, valuation_b = seized_case(org["HG-NB"], 50, valuation=80)
    revaluation_record(actor=None, valuation=valuation_b, requested_on=date(2019, 4, 8), requested_by="Người phải THA",
                       method=ValuationMethod.FIRM, firm_name="Công ty Thẩm định giá Miền Nam", value=60 * M,
                       contract_signed_on=date(2019, 4, 15), valued_on=date(2019, 10, 15),
                       today=date(2026, 11, 28))
    cases["C"], seizure_c, _v = seized_case(org["HG-VT"], 300, valuation=200)
    seizure_release(actor=None, seizure=seizure_c, released_on=date(2019, 6, 1), reason="Đã nộp đủ tiền",
                    today=date(2026, 11, 28))
    cases["D"], _s, _v = seized_case(org["HG-VT"], 200, seized_on=date(2019, 10, 15))
    cases["E"], _s, _v = seized_case(org["HG-VT"], 60, valuation=70)
    record(cases["E"], EventKind.THU_TIEN, date(2019, 5, 1), amount=60 * M)
    record(cases["E"], EventKind.XONG, date(2019, 5, 2))
    cases["F"], _s, _v = seized_case(org["HG-VT"], 40, valuation=10)
    record(cases["F"], EventKind.CHUA_CO_DIEU_KIEN, date(2019, 6, 1))
    cases["H"], _s, _v = seized_case(org["ST-A"], 900, valuation=100)
    return cases


def test_the_totals_of_a_province_and_of_a_district(org, seized):
    province = seized_totals(unit=org["HG"], start=START, end=END)
    assert (province.cases, province.assets, province.remaining, province.valued, province.asking,
            province.uncovered, province.covered) == (2, 2, 550 * M, 180 * M, 170 * M, 400 * M, 150 * M)
    district = seized_totals(unit=org["HG-VT"], start=START, end=END)
    assert (district.cases, district.remaining, district.valued, district.asking, district.uncovered) == (
        1, 500 * M, 100 * M, 90 * M, 400 * M)
    other = seized_totals(unit=org["ST"], start=START, end=END)
    assert (other.cases, other.remaining, other.valued) == (1, 900 * M, 100 * M)


def test_the_cases_listed_are_the_totals_cases_largest_uncovered_first(org, seized):
    rows = seized_cases(unit=org["HG"], start=START, end=END)
    assert [(row.case_id, row.remaining, row.valued, row.asking, row.failed_rounds, row.uncovered)
            for row in rows] == [(seized["A"].pk, 500 * M, 100 * M, 90 * M, 2, 400 * M),
                                 (seized["B"].pk, 50 * M, 80 * M, 80 * M, 0, 0)]
    assert sum(row.uncovered for row in rows) == seized_totals(unit=org["HG"], start=START, end=END).uncovered
    assert [row.case_id for row in seized_cases(unit=org["HG"], start=START, end=END, limit=1, offset=1)] == [
        seized["B"].pk]
    assert [row.case_id for row in seized_cases(unit=org["HG"], start=START, end=END, order="case_no")] == sorted(
        [seized["A"].pk, seized["B"].pk], key=lambda pk: {seized["A"].pk: seized["A"].case_no,
                                                          seized["B"].pk: seized["B"].case_no}[pk])


def test_at_a_later_end_the_later_seizure_and_re_valuation_count(org, seized):
    # FY2020 to 31/10/2019: D's seizure of 15/10 is in force (no valuation yet: valued 0, all 200 uncovered),
    # and B is valued at its re-valuation of 15/10 (60, above the 50 it owes).
    totals = seized_totals(unit=org["HG"], start=date(2019, 10, 1), end=date(2019, 10, 31))
    assert (totals.cases, totals.remaining, totals.valued, totals.uncovered) == (
        3, 750 * M, 160 * M, 400 * M + 200 * M)


def test_the_filters_narrow_the_cases(org, seized):
    assert seized_totals(unit=org["HG"], start=START, end=END, category="ngan_sach").cases == 0
    assert seized_totals(unit=org["HG"], start=START, end=END, officer_id=0).cases == 2  # nobody assigned


# ---- the pages ----------------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (response.status_code, url)
    return response


def test_the_dashboard_shows_the_money_behind_the_seized_assets_and_opens_its_cases(client, people, seized):
    body = get(client, people["statistician"], "/dashboard/HG/?year=2019").content.decode()
    assert 'id="seized-remaining">550.000.000 ₫' in body
    assert 'id="seized-valued">180.000.000 ₫' in body
    assert "400.000.000 ₫" in body
    page = get(client, people["statistician"], "/dashboard/HG/seized/?year=2019").content.decode()
    assert page.count(f'href="/cases/{seized["A"].pk}/"') == 1 and f'href="/cases/{seized["B"].pk}/"' in page
    assert f'href="/cases/{seized["C"].pk}/"' not in page and f'href="/cases/{seized["H"].pk}/"' not in page
    assert page.index(seized["A"].case_no) < page.index(seized["B"].case_no)


def test_the_seized_list_exports_to_xlsx(client, people, seized):
    response = get(client, people["statistician"], "/dashboard/HG/seized/?year=2019&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[3][:2]) == ["Số việc", 2]
    assert [row[0] for row in values[-2:]] == [seized["A"].case_no, seized["B"].case_no]
    assert values[-2][2:] == (500 * M, 100 * M, 90 * M, 2, 400 * M)


@pytest.mark.parametrize(("user", "url", "status"), [
    ("officer", "/dashboard/HG/seized/?year=2019", 403),
    ("outsider_head", "/dashboard/HG/seized/?year=2019", 404),
    ("head", "/dashboard/HG/seized/?year=2019", 404),  # HG-VT's head does not read the province
])
def test_the_seized_list_is_scoped(client, people, seized, user, url, status):
    get(client, people[user], url, status)


def test_the_district_head_sees_only_the_district_case_and_bad_parameters_get_a_message(client, people, seized):
    page = get(client, people["head"], "/dashboard/HG-VT/seized/?year=2019&order=bogus&page=99").content.decode()
    assert f'href="/cases/{seized["A"].pk}/"' in page and f'href="/cases/{seized["B"].pk}/"' not in page
    assert "bogus" in page  # the unknown order is named


def test_the_sub_units_gap_chart_has_a_bar_per_unit_and_metric(client, org, people, seized):
    for unit, metric, target in (("HG-VT", "cases", "50"), ("HG-VT", "money", "80"), ("HG-NB", "cases", "60")):
        target_set(actor=None, unit=org[unit], fiscal_year=2019, metric=metric, value=Decimal(target))
    body = get(client, people["statistician"], "/dashboard/HG/?year=2019").content.decode()
    assert 'id="gap-chart"' in body
    chart = body[body.index('id="gap-chart"'):body.index("</svg>", body.index('id="gap-chart"'))]
    # HG-VT resolved 1 of its 4 cases with conditions (E), far below 50 % and 80 %; HG-NB none of its one (B).
    assert chart.count('class="bar cases bad"') == 2 and chart.count('class="bar money bad"') == 1
    table = body[body.index('id="sub-table"'):]
    values = re.findall(r'text-anchor="end">(-[\d.,]+)</text>', chart)
    assert len(values) == 3 and all(value in table for value in values)  # the table beside the chart


def test_without_targets_there_is_no_gap_chart(client, people, seized):
    body = get(client, people["statistician"], "/dashboard/HG/?year=2019").content.decode()
    assert 'id="gap-chart"' not in body


# ---- refresh now ----------------------------------------------------------------------------------------------------

def test_a_statistician_refreshes_and_follows_the_job_to_its_end(client, people, seized,
                                                                 django_capture_on_commit_callbacks):
    client.force_login(people["statistician"])
    body = client.get("/dashboard/HG/?year=2019").content.decode()
    assert 'id="refresh-form"' in body
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued once the request commits
        response = client.post("/dashboard/HG/refresh/", {"next": "/dashboard/HG/?year=2019"})
    job = StatsJob.objects.get()
    assert response.status_code == 302 and response["Location"] == (
        f"/dashboard/HG/jobs/{job.pk}/?next=/dashboard/HG/?year=2019")
    assert (job.kind, job.status, job.progress, job.unit.code, job.requested_by) == (
        "manual_refresh", StatsJob.Status.SUCCEEDED, 100, "HG", people["statistician"])
    assert job.snapshots.exists()
    state = client.get(f"/dashboard/HG/jobs/{job.pk}/?format=json").json()
    assert (state["status"], state["progress"], state["finished"], state["failed"]) == ("succeeded", 100, True, False)
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page and 'href="/dashboard/HG/?year=2019"' in page
    assert "làm mới toàn bộ lần cuối lúc" in client.get("/dashboard/HG/?year=2019").content.decode()


def test_a_second_request_joins_the_refresh_under_way(client, people):
    running = job_create(kind="nightly_refresh")
    StatsJob.objects.filter(pk=running.pk).update(status=StatsJob.Status.RUNNING, progress=40)
    client.force_login(people["statistician"])
    response = client.post("/dashboard/HG/refresh/")
    assert response["Location"] == f"/dashboard/HG/jobs/{running.pk}/"
    assert StatsJob.objects.count() == 1


def test_a_failed_refresh_is_shown_and_keeps_the_old_figures(client, people, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    def boom(today):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reports.services.facts_rollover", boom)
    client.force_login(people["statistician"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/HG/refresh/")
    job = StatsJob.objects.get()
    assert job.status == StatsJob.Status.FAILED and "disk full" in job.error
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-error"' in page


@pytest.mark.parametrize(("user", "status"), [("head", 403), ("province_head", 403), ("officer", 403),
                                              ("outsider_head", 404)])
def test_only_statisticians_refresh(client, people, user, status):
    client.force_login(people[user])
    code = "HG-VT" if user == "head" else "HG"
    assert client.post(f"/dashboard/{code}/refresh/").status_code == status
    assert not StatsJob.objects.exists()
    assert 'id="refresh-form"' not in client.get(f"/dashboard/{code}/").content.decode()


def test_refresh_is_a_post_and_another_provinces_job_is_not_found(client, org, people):
    client.force_login(people["statistician"])
    assert client.get("/dashboard/HG/refresh/").status_code == 405
    other = job_create(kind="manual_refresh", unit=org["ST"])
    assert client.get(f"/dashboard/HG/jobs/{other.pk}/").status_code == 404
    assert client.get(f"/dashboard/HG/jobs/{other.pk}/?format=json").status_code == 404


@pytest.mark.parametrize(("labels", "expected"), [
    (["Chi cục Thi hành án dân sự huyện Châu Thành", "Chi cục Thi hành án dân sự thành phố Ngã Bảy"],
     ["huyện Châu Thành", "thành phố Ngã Bảy"]),
    (["Phòng Thi hành án dân sự khu vực 6 – Cần Thơ", "Phòng Thi hành án dân sự khu vực 7 – Cần Thơ"],
     ["khu vực 6 – Cần Thơ", "khu vực 7 – Cần Thơ"]),
    (["Nguyễn Văn A", "Nguyễn Văn B"], ["Nguyễn Văn A", "Nguyễn Văn B"]),  # a name is never cut
    (["Chi cục A"], ["Chi cục A"]),
])
def test_the_charts_row_labels_drop_the_words_they_all_begin_with(labels, expected):
    from reports.views.charts import short_labels

    assert short_labels(labels) == expected
