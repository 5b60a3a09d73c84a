"""The dashboard's "Dự báo đến 30/9" section (templates/reports/_forecast.html) on the hand-built ledger of
tests/reports/test_forecast.py: what it shows for the year to date, for a past shorter period and for a whole
year, in both languages; every filter and bad parameter gives a page, never a 500."""
import html
import re

import pytest
import time_machine

from tests.reports.test_forecast import TODAY, build_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(org):
    with time_machine.travel(TODAY, tick=False):
        yield build_ledger(org)


def page(client, user, url, language="vi"):
    """The dashboard as its reader sees it: the page, then the forecast section it fetches (static/js/fragments.js)
    in place of its slot."""
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    slot = re.search(r'data-fragment="([^"]+)"', body)
    if slot is None:
        return body
    fragment = client.get(html.unescape(slot.group(1)))
    assert fragment.status_code == 200, fragment.status_code
    return body + fragment.content.decode()


def test_the_year_to_date_shows_the_projection_its_range_and_what_would_close_the_gap(client, people, ledger):
    body = page(client, people["head"], "/dashboard/")  # HG-VT, FY2020 to 30/11/2019
    assert "Dự báo đến 30/9" in body and 'id="forecast"' in body
    assert "các năm 2019, 2018" in body
    assert 'id="forecast-cases-rate">46,50 %<' in body
    assert 'id="forecast-cases-range">25,66 % – 67,34 % <span class="muted">(± 20,84 điểm)' in body
    assert '<span class="badge warn" id="forecast-cases-gap">-3,50<' in body
    assert 'id="forecast-money-rate">88,54 %<' in body
    assert 'id="forecast-money-range">55,45 % – 100,00 %' in body
    assert "Về việc: thi hành xong thêm 1 việc thì đạt chỉ tiêu (đang tổ chức thi hành 3 việc)." in body
    assert "Về tiền: giải quyết xong thêm 99.990.000 ₫ thì đạt chỉ tiêu." in body
    assert "tỷ lệ về việc lên 50,00 %" in body
    assert f'<a href="/cases/{ledger["P"].pk}/">P</a>' in body
    assert 'id="forecast-cases-actual"' not in body  # the year is not over


def test_the_section_reads_in_english_one_click_away(client, people, ledger):
    body = page(client, people["head"], "/dashboard/", language="en")
    assert "Forecast to 30/9" in body and "What would close the gap" in body
    assert "Cases: 1 more case completed reaches the target (3 in progress)." in body


def test_a_past_shorter_period_shows_the_actual_year_end_and_no_list(client, people, ledger):
    body = page(client, people["head"], "/dashboard/HG-VT/?year=2019&months=2")
    assert 'id="forecast-cases-rate">100,00 %<' in body
    assert 'id="forecast-cases-actual">80,00 %<' in body and 'id="forecast-money-actual">54,55 %<' in body
    assert 'id="gap-cases"' not in body


def test_a_whole_year_shows_no_forecast(client, people, ledger):
    body = page(client, people["head"], "/dashboard/HG-VT/?year=2019")
    assert 'id="forecast"' not in body and 'id="cases-rate"' in body


def test_a_unit_without_earlier_years_says_there_is_no_pattern(client, people, ledger):
    body = page(client, people["statistician"], "/dashboard/HG-NB/")
    assert "Không có năm trước nào có việc chuyển sang" in body
    assert 'id="forecast-cases-rate">—<' in body


@pytest.mark.parametrize("query", ["", "category=khac", "category=ngan_sach", "origin=chu_dong", "origin=theo_yeu_cau",
                                   "bank=NOBANK", "officer=0", "officer=999999", "months=1", "year=2018&months=11",
                                   "year=abc", "months=13", "year=2020&months=2"])
def test_every_filter_gives_the_page_never_a_500(client, people, ledger, query):
    body = page(client, people["statistician"], f"/dashboard/HG/?{query}")
    assert 'id="cases-rate"' in body


def test_an_officer_of_another_province_reaches_no_forecast(client, people, ledger):
    client.force_login(people["outsider_head"])
    assert client.get("/dashboard/HG-VT/").status_code == 404
    body = page(client, people["outsider_head"], "/dashboard/")  # their own province: nothing of HG-VT's
    assert f'/cases/{ledger["P"].pk}/' not in body


def test_the_forecast_is_a_page_of_its_own_without_javascript_and_is_scoped(client, people, ledger):
    body = page(client, people["head"], "/dashboard/HG-VT/forecast/")
    assert 'id="forecast-cases-rate"' in body and "<html" in body  # the whole page, with the section
    client.force_login(people["outsider_head"])
    assert client.get("/dashboard/HG-VT/forecast/?fragment=1").status_code == 404
    client.force_login(people["officer"])
    assert client.get("/dashboard/HG-VT/forecast/?fragment=1").status_code == 403


def test_the_dashboard_itself_does_not_compute_the_forecast(client, people, ledger, monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("the unit page must not wait for the forecast")

    monkeypatch.setattr("reports.views.forecast.forecast_context", refuse)
    client.force_login(people["head"])
    body = client.get("/dashboard/").content.decode()
    assert 'id="forecast-slot"' in body and 'id="cases-rate"' in body
