"""The directors' dashboard: the unit's year at a glance, its sub-units and officers, every number opening its
cases; scope, query counts, bad parameters."""
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases.codes import Category, EventKind
from reports.services import target_set
from tests.factories import make_case, record
from tests.reports.test_reports_services import build_fy2019

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 20)  # FY2020, so FY2019 is a past year
FY2019 = "year=2019"
UNIT_PAGE_QUERIES = 19  # two periods (this year, the same period last year), each read once (rows; the sources of
# both in one query, the targets of every unit in one); the
# units and predecessor links once for every date's hierarchy; the seized assets (one read), the last refresh, the
# refresh right
CASE_LIST_QUERIES = 18  # the source (facts?), the count (a count list of a year the facts answer: from the kept
# sums, and the number of cases), one page of rows and their states before


@pytest.fixture
def fy2019(org, people):
    cases = build_fy2019(org, people)
    for unit, year, metric, value in (("HG", 2019, "cases", "73"), ("HG", 2019, "money", "33"),
                                      ("HG-VT", 2019, "cases", "50"), ("HG-VT", 2019, "money", "80"),
                                      ("HG-NB", 2019, "cases", "60")):
        target_set(actor=None, unit=org[unit], fiscal_year=year, metric=metric, value=Decimal(value))
    return cases


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


# ---- the unit's year at a glance -------------------------------------------------------------------------------

def test_the_province_page_shows_both_rates_with_targets_gaps_and_last_year(client, people, fy2019):
    # when
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}")
    # then: FY2019 of HG (see build_fy2019): 2 resolved of 3 with conditions; 5.950.000 of 8.000.000 đồng
    assert 'id="cases-rate">66,67 %<' in body
    assert 'id="money-rate">74,38 %<' in body
    assert 'id="cases-target">73 %<' in body and 'id="money-target">33 %<' in body
    assert 'id="cases-gap">-6,33<' in body and 'id="money-gap">+41,38<' in body
    assert body.count("điểm — chưa đạt chỉ tiêu") == 1 and body.count("điểm — đạt chỉ tiêu") == 1
    # last year (FY2018: 1 of 2; 500.000 of 4.500.000) and the change in points
    assert 'id="cases-previous">50,00 % <span class="muted">(+16,67 điểm)' in body
    assert 'id="money-previous">11,11 % <span class="muted">(+63,27 điểm)' in body
    assert 'id="cases-to-enforce-change">+150,00 %<' in body
    # the counts and money behind the rates, each a link to its cases
    assert '?year=2019&amp;months=12&amp;class=completed" id="cases-completed">1<' in body
    assert 'id="money-completed">4.450.000 ₫<' in body
    assert 'id="money-with_conditions">8.000.000 ₫<' in body
    assert 'id="cases-transferred_out">1<' in body and 'id="money-transferred_out">7.000.000 ₫<' in body
    assert "Kỳ 01/10/2018 – 30/09/2019" in body


def test_the_bank_block_shows_the_share_the_rates_and_resolved_against_last_year(client, people, fy2019):
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}")
    # D is the only credit case: 1 of 5 to enforce, 1.500.000 of 11.234.567 đồng; terminated, so 100 %
    assert 'id="bank-cases-share">20,00 %<' in body
    assert 'id="bank-money-share">13,35 %<' in body
    assert 'id="bank-cases-rate">100,00 %<' in body and 'id="bank-money-rate">100,00 %<' in body
    assert 'id="bank-resolved-change">—<' in body  # none resolved in FY2018: no growth to show


def test_the_default_is_the_current_fiscal_year_to_date_for_the_users_unit(client, people, fy2019):
    body = page(client, people["head"], "/dashboard/")
    assert "Chi cục THADS TP Vị Thanh" in body
    assert "Kỳ 01/10/2019 – 20/11/2019" in body
    assert '<option value="" selected>Đến nay</option>' in body


def test_filters_narrow_the_figures_category_origin_and_bank(client, org, people, fy2019):
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}&category=ngan_sach")
    assert 'id="cases-to_enforce">1<' in body and 'id="bank"' not in body  # B only; no bank block
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}&origin=chu_dong")
    assert 'id="cases-to_enforce">2<' in body  # A and B
    bank = fy2019["D"].creditor_bank
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}&bank={bank.code}")
    assert 'id="cases-to_enforce">1<' in body and 'id="cases-terminated">1<' in body


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "months=13", "months=x", "category=nope", "origin=x",
                                   "bank=NOBANK", "officer=-1", "officer=abc", "officer=999999", "sort=;drop",
                                   "year=2019&months=0"])
def test_bad_parameters_give_a_message_and_a_sane_default_never_a_500(client, people, fy2019, query):
    client.force_login(people["statistician"])
    response = client.get(f"/dashboard/HG/?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    if not query.startswith("sort"):
        assert 'class="errors" role="alert"' in body
    assert 'id="cases-rate"' in body


# ---- sub-units and officers ------------------------------------------------------------------------------------

def test_the_sub_unit_table_has_every_unit_with_rates_targets_gaps_and_bands(client, people, fy2019):
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}")
    # HG-VT: A completed, B in progress (E postponed, F out): 1 of 2 = 50 % against 50 → on target
    assert '<tr id="sub-HG-VT">' in body and '<tr id="sub-HG-NB">' in body
    assert '<span class="badge ok">50,00 %</span>' in body
    # HG-NB: D terminated, C without conditions: 1 of 1 = 100 % against 60
    assert '<span class="badge ok">100,00 %</span>' in body
    assert "/dashboard/HG-VT/?year=2019&amp;months=12" in body
    assert "HG-KV1" not in body  # the regional office did not exist at the end of FY2019


def test_the_current_year_shows_the_successor_unit(client, org, people, fy2019):
    with time_machine.travel(date(2025, 11, 20), tick=False):
        make_case(unit=org["HG-KV1"], accepted_on=date(2025, 10, 10), today=date(2025, 11, 20))
        body = page(client, people["statistician"], "/dashboard/HG/")
    assert '<tr id="sub-HG-KV1">' in body and 'id="sub-HG-VT"' not in body


@pytest.mark.parametrize(("sort", "first"), [("cases_rate", "HG-VT"), ("-cases_rate", "HG-NB"),
                                             ("-name", "HG-VT"), ("name", "HG-NB"), ("bogus", "HG-NB")])
def test_the_sub_unit_table_sorts_on_the_server(client, people, fy2019, sort, first):
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}&sort={sort}")
    positions = {code: body.index(f'id="sub-{code}"') for code in ("HG-VT", "HG-NB")}
    assert min(positions, key=positions.get) == first


def test_a_unit_without_sub_units_lists_its_officers_and_opens_one(client, people, fy2019):
    body = page(client, people["head"], f"/dashboard/HG-VT/?{FY2019}")
    officer = people["officer"]
    assert "Cán bộ officer" in body and "Cán bộ officer2" in body
    assert f'?year=2019&amp;months=12&amp;officer={officer.pk}">Cán bộ officer<' in body
    # officer: A completed, B in progress → 50 %; officer2: E postponed, F out → no rate
    body = page(client, people["head"], f"/dashboard/HG-VT/?{FY2019}&officer={officer.pk}")
    assert "Bảng điều khiển — Chi cục THADS TP Vị Thanh — Cán bộ officer" in body
    assert 'id="cases-rate">50,00 %<' in body and 'id="sub-table"' not in body
    assert f'officer={officer.pk}&amp;class=completed" id="cases-completed">1<' in body


# ---- scope -----------------------------------------------------------------------------------------------------

def test_another_provinces_unit_is_not_found(client, people, fy2019):
    client.force_login(people["outsider_head"])
    assert client.get(f"/dashboard/HG/?{FY2019}").status_code == 404
    assert client.get(f"/dashboard/HG-VT/cases/?{FY2019}&class=completed").status_code == 404
    client.force_login(people["head"])  # a district head cannot read the province
    assert client.get("/dashboard/HG/").status_code == 404
    assert client.get("/dashboard/NOSUCH/").status_code == 404


def test_officers_may_not_read_the_dashboard(client, people, fy2019):
    client.force_login(people["officer"])
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/HG-VT/cases/").status_code == 403


def test_the_menu_offers_the_dashboard_to_heads_and_statisticians_only(client, people):
    assert '<a href="/dashboard/" aria-current="page">Bảng điều khiển</a>' in page(client, people["statistician"],
                                                                                 "/dashboard/")
    client.force_login(people["officer"])
    assert "Bảng điều khiển" not in client.get("/work/").content.decode()


# ---- query counts ----------------------------------------------------------------------------------------------

def test_the_unit_page_query_count_does_not_grow_with_units_or_cases(client, org, people, fy2019,
                                                                      django_assert_num_queries):
    client.force_login(people["statistician"])
    client.get(f"/dashboard/HG/?{FY2019}")
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/dashboard/HG/?{FY2019}")
    baseline = len(captured.captured_queries)
    assert baseline == UNIT_PAGE_QUERIES
    from tests.factories import UnitFactory

    for number in range(3):
        extra = UnitFactory(code=f"HG-X{number}", parent=org["HG"])
        for _ in range(3):
            case = make_case(unit=extra, accepted_on=date(2019, 2, 1), category=Category.NGAN_SACH)
            record(case, EventKind.CHUA_CO_DIEU_KIEN, date(2019, 3, 1))
    with django_assert_num_queries(baseline):
        body = client.get(f"/dashboard/HG/?{FY2019}").content.decode()
    assert body.count('<tr id="sub-HG-X') == 3


# ---- every number opens its cases ------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("class=completed", ["A"]), ("class=with_conditions", ["A", "B", "D"]), ("class=new", ["B", "C", "D", "E", "F"]),
    ("class=carried_over", ["A"]), ("class=transferred_out", ["F"]), ("class=without_conditions", ["C"]),
    ("class=postponed_or_suspended", ["E"]), ("class=in_progress", ["B"]), ("class=terminated", ["D"]),
    ("class=completed&measure=money", ["A", "B"]),  # money completed: A's collections and B's reduction
])
def test_each_number_lists_exactly_its_cases(client, people, fy2019, query, expected):
    body = page(client, people["statistician"], f"/dashboard/HG/cases/?{FY2019}&{query}")
    listed = sorted(key for key, case in fy2019.items() if f">{case.case_no}</a>" in body)
    assert listed == expected
    assert f"{len(expected)} việc" in body


def test_a_money_list_totals_its_figure_and_says_why(client, people, fy2019):
    body = page(client, people["statistician"], f"/dashboard/HG/cases/?{FY2019}&class=with_conditions&measure=money")
    assert 'id="result-total">8.000.000 ₫<' in body
    assert "Thụ lý trong kỳ, ngày 10/11/2018" in body  # B
    assert "Ngày 30/09/2018: Có điều kiện, đang thi hành" in body  # A, carried over


def test_the_sub_unit_and_officer_lists(client, people, fy2019):
    body = page(client, people["head"], f"/dashboard/HG-VT/cases/?{FY2019}&class=with_conditions")
    assert "2 việc" in body
    body = page(client, people["head"], f"/dashboard/HG-VT/cases/?{FY2019}&class=postponed_or_suspended"
                                        f"&officer={people['officer2'].pk}")
    assert "1 việc" in body and fy2019["E"].case_no in body
    body = page(client, people["statistician"], f"/dashboard/HG/cases/?{FY2019}&class=in_progress&officer=0")
    assert "0 việc" in body


def test_the_case_list_paginates_by_fifty_and_its_query_count_is_constant(client, org, people, fy2019,
                                                                           django_assert_num_queries):
    for _ in range(55):
        make_case(unit=org["HG-NB"], accepted_on=date(2019, 2, 1))
    client.force_login(people["statistician"])
    url = f"/dashboard/HG/cases/?{FY2019}&class=in_progress"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    assert len(captured.captured_queries) == CASE_LIST_QUERIES
    assert "56 việc" in body and "Trang 1/2" in body and body.count('<a href="/cases/') == 50
    with django_assert_num_queries(len(captured.captured_queries)):
        body = client.get(url + "&page=2").content.decode()
    assert body.count('<a href="/cases/') == 6


@pytest.mark.parametrize("query", ["class=nope", "class=collected", "page=abc", "page=999", "measure=x"])
def test_bad_list_parameters_never_500(client, people, fy2019, query):
    client.force_login(people["statistician"])
    response = client.get(f"/dashboard/HG/cases/?{FY2019}&{query}")
    assert response.status_code == 200


def test_the_case_list_exports_to_xlsx_with_vietnamese_headers_money_dates_and_safe_text(client, org, people,
                                                                                           fy2019):
    from cases.services import party_add

    party_add(actor=None, case=fy2019["A"], role="debtor", name="=HYPERLINK(\"http://x\")")
    client.force_login(people["statistician"])
    response = client.get(f"/dashboard/HG/cases/?{FY2019}&class=with_conditions&measure=money&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row and row[0] == "Hồ sơ"))
    assert rows[header][:4] == ("Hồ sơ", "Người phải thi hành án", "Đơn vị", "Thụ lý")
    body = rows[header + 1:]
    assert [row[0] for row in body] == sorted(fy2019[k].case_no for k in ("A", "B", "D"))
    assert sum(row[-1] for row in body) == 8_000_000
    first = sheet.cell(row=header + 2, column=7)
    assert first.number_format == "#,##0"
    assert sheet.cell(row=header + 2, column=4).number_format == "DD/MM/YYYY"
    debtor_cell = next(cell for row in sheet.iter_rows() for cell in row
                       if isinstance(cell.value, str) and "HYPERLINK" in cell.value)
    assert debtor_cell.data_type == "s"


def test_in_english_the_numbers_keep_their_vietnamese_form(client, people, fy2019, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = page(client, people["statistician"], f"/dashboard/HG/?{FY2019}")
    assert "Dashboard — Cục THADS tỉnh Hậu Giang" in body
    assert 'id="money-rate">74,38 %<' in body and 'id="money-gap">+41,38<' in body
    assert 'id="money-with_conditions">8.000.000 ₫<' in body and "Period 01/10/2018 – 30/09/2019" in body


# ---- the trend ------------------------------------------------------------------------------------------------

def test_the_trend_draws_each_months_cumulative_rates_against_the_target_with_its_table(client, people, fy2019):
    body = page(client, people["statistician"], f"/dashboard/HG/trend/?{FY2019}")
    # one point per month of FY2019, this year and last year, and the target line
    assert body.count("<tr><td data-label=") == 12
    assert '<td data-label="Đến hết ngày">30/09/2019</td>' in body
    # by 30/9/2019 as on the dashboard: 66,67 % and 74,38 %; FY2018 50,00 % and 11,11 %
    last = body[body.index('">30/09/2019</td>'):]
    assert [cell.split("<")[0] for cell in last.split('class="num"')[1:5]] == [
        ' data-label="Tỷ lệ về việc">66,67 %', ' data-label="Việc cùng kỳ năm trước">50,00 %',
        ' data-label="Tỷ lệ về tiền">74,38 %', ' data-label="Tiền cùng kỳ năm trước">11,11 %']
    assert body.count('<line class="target-line"') == 2  # 73 % and 33 %
    assert 'y1="71.4"' in body  # the 73 % line: 12 + 27 % of 220 px, with a decimal point in Vietnamese too
    assert body.count('<polyline class="this-year"') == 2 and body.count('<polyline class="last-year"') == 2


def test_the_trend_of_the_current_year_stops_today(client, people, fy2019):
    body = page(client, people["statistician"], "/dashboard/HG/trend/")
    assert body.count("<tr><td data-label=") == 2  # 31/10/2019 and 20/11/2019
    assert ">20/11/2019</td>" in body


def test_the_trend_of_another_province_is_not_found(client, people, fy2019):
    client.force_login(people["outsider_head"])
    assert client.get("/dashboard/HG/trend/").status_code == 404


def test_the_unit_page_and_its_sub_unit_table_export_to_xlsx(client, people, fy2019):
    client.force_login(people["statistician"])
    response = client.get(f"/dashboard/HG/?{FY2019}&sort=-cases_rate&format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    figures, units = workbook["Số liệu"], workbook["Đơn vị trực thuộc"]
    rows = list(figures.iter_rows(values_only=True))
    assert rows[1][0] == "Kỳ 01/10/2018 – 30/09/2019"
    assert rows[4][:5] == ("Việc", 66.67, 73.0, -6.33, 50.0)
    assert rows[5][:5] == ("Tiền", 74.38, 33.0, 41.38, 11.11)
    with_conditions = next(row for row in rows if row[0] == "Có điều kiện thi hành")
    assert with_conditions[1:3] == (3, 8_000_000)
    assert figures.cell(row=rows.index(with_conditions) + 1, column=3).number_format == "#,##0"
    unit_rows = list(units.iter_rows(values_only=True))
    assert unit_rows[0][:2] == ("Đơn vị", "Tỷ lệ về việc")
    assert [row[0] for row in unit_rows[1:]] == ["Chi cục THADS TP Ngã Bảy", "Chi cục THADS TP Vị Thanh"]
    assert unit_rows[2][1:4] == (50.0, 50.0, 0.0)


def test_a_superuser_without_a_unit_chooses_one(client, org, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-test-123")
    body = page(client, root, "/dashboard/")
    assert '<a href="/dashboard/HG/">Cục THADS tỉnh Hậu Giang</a>' in body
    assert '<a href="/dashboard/ST/">Cục THADS tỉnh Sóc Trăng</a>' in body
    assert 'id="cases-rate"' in page(client, root, "/dashboard/ST/")


def test_the_selectors_show_the_period_shown(client, people, fy2019):
    body = page(client, people["statistician"], "/dashboard/HG/?year=2019&months=abc")
    assert '<option value="12" selected>12 tháng, đến 30/09/2019</option>' in body
    assert '<option value="2019" selected>2019</option>' in body
