"""One search box (diacritics and case ignored, đ = d, scoped) and the unit head's review with its drill-down
and bulk assignment."""
import re
from datetime import date

import pytest
import time_machine

from cases.codes import EventKind, PartyRole
from cases.models import Case
from cases.services import party_add
from tests.factories import make_case, record
from thads.core.text import fold

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 20)


@pytest.mark.parametrize(("text", "folded"), [
    ("Đặng Kim Cường", "dang kim cuong"), ("ĐẶNG  KIM   CƯỜNG", "dang kim cuong"), ("Nguyễn Thị Ngọc Ánh",
                                                                                 "nguyen thi ngoc anh"),
    ("Công ty TNHH Đại Phát", "cong ty tnhh dai phat"), ("", ""),
])
def test_fold_removes_case_and_diacritics(text, folded):
    assert fold(text) == folded


@pytest.fixture
def cases(org, people):
    found = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="HG-2024-000042",
                      decision_no="42/QĐ-CCTHADS", accepted_on=date(2024, 3, 1), today=TODAY)
    party_add(actor=None, case=found, role=PartyRole.DEBTOR, name="Đặng Kim Cường", id_number="093080001234")
    foreign = make_case(unit=org["ST-A"], officer=people["outsider"], case_no="ST-2024-000042",
                        accepted_on=date(2024, 3, 1), today=TODAY)
    party_add(actor=None, case=foreign, role=PartyRole.DEBTOR, name="Đặng Kim Cường")
    return found, foreign


@pytest.mark.parametrize("query", ["dang kim cuong", "ĐẶNG KIM", "kim cường", "000042", "42/QĐ", "0930800"])
def test_search_finds_by_name_number_or_id_within_scope(client, people, cases, query):
    client.force_login(people["officer"])
    body = client.get("/search/", {"q": query}).content.decode()
    assert "HG-2024-000042" in body
    assert "ST-2024-000042" not in body
    assert "Đặng Kim Cường" in body and "Nguyễn Văn A" in body  # the parties are shown


def test_search_of_another_province_finds_nothing_of_ours(client, people, cases):
    client.force_login(people["outsider"])
    body = client.get("/search/", {"q": "dang kim cuong"}).content.decode()
    assert "ST-2024-000042" in body and "HG-2024-000042" not in body


def test_search_query_count_does_not_grow_with_the_results(client, org, people, cases, django_assert_num_queries):
    client.force_login(people["officer"])
    client.get("/search/", {"q": "nguyen van a"})
    with django_assert_num_queries(7) as captured:  # the rows and their count are one query (COUNT OVER)
        client.get("/search/", {"q": "nguyen van a"})
    baseline = len(captured.captured_queries)
    for number in range(10):
        make_case(unit=org["HG-VT"], case_no=f"HG-2024-1{number:05d}", accepted_on=date(2024, 3, 1), today=TODAY)
    with django_assert_num_queries(baseline):
        body = client.get("/search/", {"q": "nguyen van a"}).content.decode()
    assert body.count("HG-2024-1") == 10


def test_search_pages_count_in_the_same_query_and_stray_pages_fall_back(client, org, people):
    # Given 30 cases of HG-VT whose debtor is "Nguyễn Văn A" (the factory's), accepted on different days
    for number in range(30):
        make_case(unit=org["HG-VT"], case_no=f"HG-P-{number:02d}", accepted_on=date(2024, 1, 1 + number), today=TODAY)
    client.force_login(people["officer"])

    def shown(page):
        body = client.get("/search/", {"q": "nguyen van a", "page": page}).content.decode()
        return sorted(set(re.findall(r"HG-P-\d\d", body))), body

    # When the officer reads page 2, a page past the end and a page that is not a number
    second, body = shown("2")
    past, past_body = shown("9")
    first, _body = shown("abc")
    # Then the count is exact on every page, page 2 holds the 5 oldest, and stray pages fall back
    assert "Tìm thấy 30 hồ sơ." in body and "Tìm thấy 30 hồ sơ." in past_body
    assert second == [f"HG-P-{n:02d}" for n in range(5)]
    assert past == second and "Trang 2/2" in past_body
    assert first == [f"HG-P-{n:02d}" for n in range(5, 30)]


def test_the_bank_api_search_is_folded_too(cases):
    from banks.filters import BankCaseFilter as CaseFilter

    found, _foreign = cases
    assert list(CaseFilter({"q": "dang kim"}, queryset=Case.objects.filter(pk=found.pk)).qs) == [found]


# ---- review ----------------------------------------------------------------------------------------------------

@pytest.fixture
def unit_cases(org, people):
    old = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="VT-OLD", accepted_on=date(2021, 1, 4),
                    today=TODAY)
    record(old, EventKind.CO_DIEU_KIEN, date(2021, 1, 10), today=TODAY)
    fresh = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="VT-FRESH",
                      accepted_on=date(2024, 3, 18), today=TODAY)
    unassigned = make_case(unit=org["HG-VT"], case_no="VT-NOBODY", accepted_on=date(2024, 3, 1), today=TODAY)
    foreign = make_case(unit=org["ST-A"], officer=people["outsider"], case_no="ST-X", accepted_on=date(2024, 3, 1),
                        today=TODAY)
    return {"old": old, "fresh": fresh, "unassigned": unassigned, "foreign": foreign}


@time_machine.travel(TODAY, tick=False)
def test_the_head_reviews_each_officer_and_every_number_opens_its_cases(client, people, unit_cases):
    client.force_login(people["head"])
    body = client.get("/review/").content.decode()
    assert "Cán bộ officer" in body and "Chưa phân công" in body
    old_list = client.get("/review/cases/", {"class": "old", "officer": people["officer"].pk}).content.decode()
    assert "VT-OLD" in old_list and "VT-FRESH" not in old_list
    stale = client.get("/review/cases/", {"class": "stale", "officer": people["officer"].pk}).content.decode()
    assert "VT-OLD" in stale and "VT-FRESH" not in stale
    nobody = client.get("/review/cases/", {"class": "open", "officer": 0}).content.decode()
    assert "VT-NOBODY" in nobody and "ST-X" not in nobody


@time_machine.travel(TODAY, tick=False)
def test_the_head_assigns_cases_in_bulk(client, people, unit_cases):
    client.force_login(people["head"])
    response = client.post("/review/cases/?class=open&officer=0", {
        "case": [unit_cases["unassigned"].pk, unit_cases["foreign"].pk], "assign_to": people["officer2"].pk})
    assert response.status_code == 302
    unit_cases["unassigned"].refresh_from_db()
    unit_cases["foreign"].refresh_from_db()
    assert unit_cases["unassigned"].officer == people["officer2"]
    assert unit_cases["foreign"].officer == people["outsider"]  # out of scope: untouched


@time_machine.travel(TODAY, tick=False)
def test_officers_and_other_provinces_get_nothing_of_the_review(client, people, unit_cases):
    client.force_login(people["officer"])
    assert client.get("/review/").status_code == 403
    client.force_login(people["outsider_head"])
    body = client.get("/review/").content.decode()
    assert "Cán bộ officer" not in body
    assert "VT-NOBODY" not in client.get("/review/cases/", {"class": "open", "officer": 0}).content.decode()
    client.force_login(people["statistician"])
    body = client.get("/review/cases/", {"class": "open", "officer": 0}).content.decode()
    assert "VT-NOBODY" in body and 'name="assign_to"' not in body
