"""The deadlines page: what each person sees, in how many queries."""
from datetime import date

import pytest
import time_machine

from cases.codes import EventKind
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(org, people):
    # Accepted 1/3/2024 (Friday), proactive: verification due 10 days later → 11/3/2024 (Monday).
    own = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="VT-OWN", accepted_on=date(2024, 3, 1),
                    origin="chu_dong", category="ngan_sach")
    colleague = make_case(unit=org["HG-VT"], officer=people["officer2"], case_no="VT-COLLEAGUE",
                          accepted_on=date(2024, 3, 1), origin="chu_dong", category="ngan_sach")
    foreign = make_case(unit=org["ST-A"], officer=people["outsider"], case_no="ST-FOREIGN",
                        accepted_on=date(2024, 3, 1), origin="chu_dong", category="ngan_sach")
    record(colleague, EventKind.CO_DIEU_KIEN, date(2024, 3, 5))  # verified on time: nothing due
    return own, colleague, foreign


@time_machine.travel(date(2024, 3, 20), tick=False)
def test_officer_sees_their_overdue_verification_only(client, people, cases, django_assert_num_queries):
    client.force_login(people["officer"])
    with django_assert_num_queries(9):  # the due rows and their counts: two queries over the cached duties
        response = client.get("/deadlines/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "VT-OWN" in body and "VT-COLLEAGUE" not in body and "ST-FOREIGN" not in body
    assert "11/03/2024" in body


@time_machine.travel(date(2024, 3, 20), tick=False)
def test_query_count_does_not_grow_with_the_number_of_cases(client, org, people, cases, django_assert_num_queries):
    for number in range(15):
        make_case(unit=org["HG-VT"], officer=people["officer"], case_no=f"VT-MORE-{number}",
                  accepted_on=date(2024, 3, 1), origin="chu_dong", category="ngan_sach")
    client.force_login(people["officer"])
    with django_assert_num_queries(9):  # the due rows and their counts: two queries over the cached duties
        response = client.get("/deadlines/")
    assert response.content.decode().count("VT-MORE-") == 15


@time_machine.travel(date(2024, 3, 20), tick=False)
def test_outsider_sees_nothing_of_another_province(client, people, cases):
    client.force_login(people["outsider"])
    body = client.get("/deadlines/?scope=unit").content.decode()
    assert "VT-OWN" not in body and "VT-COLLEAGUE" not in body
    assert "ST-FOREIGN" in body


@time_machine.travel(date(2024, 3, 20), tick=False)
def test_unit_head_sees_the_unit_and_bad_horizon_falls_back(client, people, cases):
    client.force_login(people["head"])
    response = client.get("/deadlines/?days=abc")
    body = response.content.decode()
    assert response.status_code == 200
    assert "VT-OWN" in body and "ST-FOREIGN" not in body


def test_anonymous_is_sent_to_login(client):
    response = client.get("/deadlines/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@time_machine.travel(date(2024, 3, 20), tick=False)
def test_the_list_is_paginated_by_one_hundred(client, org, people):
    for number in range(105):
        make_case(unit=org["HG-VT"], officer=people["officer"], case_no=f"VT-PAGE-{number:03d}",
                  accepted_on=date(2024, 3, 1), origin="chu_dong", category="ngan_sach")
    client.force_login(people["officer"])
    first = client.get("/deadlines/").content.decode()
    second = client.get("/deadlines/?page=2").content.decode()
    assert first.count("VT-PAGE-") == 100 and second.count("VT-PAGE-") == 5
    assert "Trang 1/2" in first and "Trang 2/2" in second
