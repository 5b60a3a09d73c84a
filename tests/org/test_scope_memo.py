"""Within a page (a GET request), each unit's jurisdiction is computed once; outside one, every call reads the
organisation afresh (a unit changed in between is seen)."""
from datetime import date

import pytest

from tests.factories import UnitFactory
from thads.org.selectors import jurisdiction_unit_ids, scope_memo

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 28)


def test_given_a_memo_then_the_second_call_reads_nothing(org, django_assert_num_queries):
    with scope_memo():
        first = jurisdiction_unit_ids(org["HG"], on=ON)
        with django_assert_num_queries(0):
            again = jurisdiction_unit_ids(org["HG"], on=ON)
        again.add(-1)  # the caller's copy: the remembered set is not changed through it
        assert jurisdiction_unit_ids(org["HG"], on=ON) == first
    assert first == {org[code].pk for code in ("HG", "HG-VT", "HG-NB", "HG-KV1")}


def test_without_a_memo_a_new_unit_is_seen(org):
    before = jurisdiction_unit_ids(org["HG"], on=ON)
    added = UnitFactory(code="HG-KV2", parent=org["HG"], valid_from=date(2025, 7, 1))
    assert jurisdiction_unit_ids(org["HG"], on=ON) == before | {added.pk}


def test_a_page_request_computes_the_review_scope_once(client, people, django_assert_max_num_queries):
    client.force_login(people["head"])
    client.get("/review/cases/?class=open&officer=0")
    with django_assert_max_num_queries(14):  # 30 without the memo: HG-VT's jurisdiction five times
        response = client.get("/review/cases/?class=open&officer=0")
    assert response.status_code == 200
