"""Which units a person may read and write (thads.org.selectors), by role, by date and across the 2025
reorganisation. The expected sets are written out by hand from the ``org`` fixture:

    HG (province) ── HG-VT, HG-NB (districts, until 30/6/2025)
                  └─ HG-KV1 (regional office, from 1/7/2025; replaced HG-VT and HG-NB)
    ST (province) ── ST-A (district)
"""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from thads.org.models import Role, Title
from thads.org.selectors import (
    ALL_UNITS,
    jurisdiction_unit_ids,
    readable_unit_ids,
    unit_subtree_ids,
    writable_unit_ids,
)
from thads.org.services import officer_create

LAST_DAY_OLD = date(2025, 6, 30)
FIRST_DAY_NEW = date(2025, 7, 1)
TODAY = date(2026, 11, 28)

pytestmark = pytest.mark.django_db


def ids(org, *codes):
    return {org[code].pk for code in codes}


HG_JURISDICTION_NOW = ("HG", "HG-KV1", "HG-VT", "HG-NB")


# ---- unit_subtree_ids ---------------------------------------------------------------------------------------

def test_given_the_old_hierarchy_when_the_province_subtree_is_read_on_30_6_2025_then_it_holds_the_districts(org):
    # when
    subtree = unit_subtree_ids(org["HG"], on=LAST_DAY_OLD)
    # then: the regional office does not exist yet
    assert subtree == ids(org, "HG", "HG-VT", "HG-NB")
    assert org["HG-KV1"].pk not in subtree


def test_given_the_reform_when_the_province_subtree_is_read_on_1_7_2025_then_it_holds_the_regional_office(org):
    # when
    subtree = unit_subtree_ids(org["HG"], on=FIRST_DAY_NEW)
    # then: the districts ended on 30/6/2025
    assert subtree == ids(org, "HG", "HG-KV1")
    assert org["HG-VT"].pk not in subtree and org["HG-NB"].pk not in subtree


def test_given_a_unit_id_instead_of_a_unit_when_the_subtree_is_read_then_the_result_is_the_same(org):
    assert unit_subtree_ids(org["HG"].pk, on=LAST_DAY_OLD) == unit_subtree_ids(org["HG"], on=LAST_DAY_OLD)


def test_given_a_district_when_its_subtree_is_read_then_it_is_the_district_alone(org):
    assert unit_subtree_ids(org["HG-VT"], on=LAST_DAY_OLD) == ids(org, "HG-VT")
    assert unit_subtree_ids(org["ST"], on=TODAY) == ids(org, "ST", "ST-A")


def test_given_two_provinces_when_each_subtree_is_read_then_they_never_overlap(org):
    for day in (LAST_DAY_OLD, FIRST_DAY_NEW, TODAY):
        assert unit_subtree_ids(org["HG"], on=day) & unit_subtree_ids(org["ST"], on=day) == set()


# ---- jurisdiction_unit_ids ----------------------------------------------------------------------------------

def test_given_the_regional_office_when_its_jurisdiction_is_read_then_it_includes_the_districts_it_replaced(org):
    assert jurisdiction_unit_ids(org["HG-KV1"], on=FIRST_DAY_NEW) == ids(org, "HG-KV1", "HG-VT", "HG-NB")
    assert jurisdiction_unit_ids(org["HG-KV1"], on=TODAY) == ids(org, "HG-KV1", "HG-VT", "HG-NB")


def test_given_the_province_after_the_reform_when_its_jurisdiction_is_read_then_old_districts_are_included(org):
    assert jurisdiction_unit_ids(org["HG"], on=TODAY) == ids(org, *HG_JURISDICTION_NOW)


def test_given_the_province_before_the_reform_when_its_jurisdiction_is_read_then_it_is_its_subtree(org):
    assert jurisdiction_unit_ids(org["HG"], on=LAST_DAY_OLD) == ids(org, "HG", "HG-VT", "HG-NB")


def test_given_a_district_that_replaced_nothing_when_its_jurisdiction_is_read_then_it_is_itself(org):
    assert jurisdiction_unit_ids(org["HG-VT"], on=LAST_DAY_OLD) == ids(org, "HG-VT")
    assert jurisdiction_unit_ids(org["ST-A"], on=TODAY) == ids(org, "ST-A")


def test_given_the_other_province_when_its_jurisdiction_is_read_then_no_hg_unit_is_in_it(org):
    for day in (LAST_DAY_OLD, FIRST_DAY_NEW, TODAY):
        assert jurisdiction_unit_ids(org["ST"], on=day) == ids(org, "ST", "ST-A")


# ---- readable / writable by role ----------------------------------------------------------------------------

# (person, readable codes or ALL, writable codes or ALL), as of today (after the reform).
ROLE_SCOPES = [
    ("officer", ("HG-VT",), ()),
    ("officer2", ("HG-VT",), ()),
    ("head", ("HG-VT",), ("HG-VT",)),
    ("province_head", HG_JURISDICTION_NOW, HG_JURISDICTION_NOW),
    ("statistician", HG_JURISDICTION_NOW, ()),
    ("central", ALL_UNITS, ALL_UNITS),
    ("outsider", ("ST-A",), ()),
    ("outsider_head", ("ST", "ST-A"), ("ST", "ST-A")),
]


def expected(org, codes):
    return ALL_UNITS if codes is ALL_UNITS else ids(org, *codes)


@pytest.mark.parametrize(("person", "readable", "writable"), ROLE_SCOPES)
def test_given_a_role_when_its_scope_is_read_today_then_the_sets_are_exactly_these(org, people, person, readable,
                                                                                    writable):
    user = people[person]
    assert readable_unit_ids(user, on=TODAY) == expected(org, readable)
    assert writable_unit_ids(user, on=TODAY) == expected(org, writable)


@pytest.mark.parametrize(("person", "readable", "writable"), [
    ("officer", ("HG-VT",), ()),
    ("head", ("HG-VT",), ("HG-VT",)),
    ("province_head", ("HG", "HG-VT", "HG-NB"), ("HG", "HG-VT", "HG-NB")),
    ("statistician", ("HG", "HG-VT", "HG-NB"), ()),
    ("outsider_head", ("ST", "ST-A"), ("ST", "ST-A")),
])
def test_given_a_role_when_its_scope_is_read_before_the_reform_then_the_sets_are_exactly_these(
        org, people, person, readable, writable):
    user = people[person]
    assert readable_unit_ids(user, on=LAST_DAY_OLD) == expected(org, readable)
    assert writable_unit_ids(user, on=LAST_DAY_OLD) == expected(org, writable)


def test_given_no_date_when_the_scope_is_read_then_today_is_used(org, people):
    # given the real clock is after the reform (the project is dated 2026)
    assert readable_unit_ids(people["province_head"]) == ids(org, *HG_JURISDICTION_NOW)
    assert writable_unit_ids(people["head"]) == ids(org, "HG-VT")


def test_given_an_officer_of_the_regional_office_then_they_read_the_units_it_replaced_and_write_none(org, people):
    # given
    kv1_officer = officer_create(username="kv1_officer", password="pw-test-123", full_name="Cán bộ KV1",
                                 unit=org["HG-KV1"], title=Title.CHV_SO_CAP, role=Role.OFFICER).user
    # then
    assert readable_unit_ids(kv1_officer, on=TODAY) == ids(org, "HG-KV1", "HG-VT", "HG-NB")
    assert writable_unit_ids(kv1_officer, on=TODAY) == set()


def test_given_the_head_of_the_regional_office_then_they_read_and_write_the_units_it_replaced(org, people):
    # given
    kv1_head = officer_create(username="kv1_head", password="pw-test-123", full_name="Trưởng phòng KV1",
                              unit=org["HG-KV1"], title=Title.THU_TRUONG, role=Role.UNIT_HEAD).user
    # then
    assert readable_unit_ids(kv1_head, on=TODAY) == ids(org, "HG-KV1", "HG-VT", "HG-NB")
    assert writable_unit_ids(kv1_head, on=TODAY) == ids(org, "HG-KV1", "HG-VT", "HG-NB")


@pytest.mark.parametrize("person", ["outsider", "outsider_head"])
def test_given_a_user_of_the_other_province_then_no_hg_unit_is_ever_readable_or_writable(org, people, person):
    hg_ids = ids(org, "HG", "HG-VT", "HG-NB", "HG-KV1")
    for day in (LAST_DAY_OLD, FIRST_DAY_NEW, TODAY):
        assert readable_unit_ids(people[person], on=day) & hg_ids == set()
        assert writable_unit_ids(people[person], on=day) & hg_ids == set()


@pytest.mark.parametrize("person", ["officer", "head", "statistician", "outsider_head"])
def test_given_a_scoped_user_then_their_writable_units_are_among_their_readable_units(people, person):
    assert writable_unit_ids(people[person], on=TODAY) <= readable_unit_ids(people[person], on=TODAY)


# ---- nobody ---------------------------------------------------------------------------------------------------

def test_given_a_staff_user_without_an_officer_profile_then_they_read_and_write_nothing(org):
    # given
    user = get_user_model().objects.create_user(username="noprofile", password="pw-test-123", is_staff=True)
    # then
    assert readable_unit_ids(user, on=TODAY) == set()
    assert writable_unit_ids(user, on=TODAY) == set()


@pytest.mark.parametrize("person", ["officer", "head", "province_head", "statistician", "central"])
def test_given_an_inactive_user_then_they_read_and_write_nothing(people, person):
    # given
    user = people[person]
    user.is_active = False
    user.save(update_fields=["is_active"])
    user = get_user_model().objects.get(pk=user.pk)
    # then
    assert readable_unit_ids(user, on=TODAY) == set()
    assert writable_unit_ids(user, on=TODAY) == set()


def test_given_an_anonymous_user_then_they_read_and_write_nothing(org):
    assert readable_unit_ids(AnonymousUser(), on=TODAY) == set()
    assert writable_unit_ids(AnonymousUser(), on=TODAY) == set()


def test_given_a_superuser_without_a_profile_then_they_read_and_write_everything(org):
    # given
    user = get_user_model().objects.create_superuser(username="root", password="pw-test-123")
    # then
    assert readable_unit_ids(user, on=TODAY) is ALL_UNITS
    assert writable_unit_ids(user, on=TODAY) is ALL_UNITS


def test_given_an_inactive_superuser_then_they_read_and_write_nothing(org):
    # given
    user = get_user_model().objects.create_superuser(username="root", password="pw-test-123", is_active=False)
    # then
    assert readable_unit_ids(user, on=TODAY) == set()
    assert writable_unit_ids(user, on=TODAY) == set()


# ---- units retired without a successor link; people whose own unit was retired -----------------------------

def test_given_a_district_retired_without_successor_then_its_province_still_answers_for_it(org):
    """The statistics count a retired unit's cases in its nearest existing ancestor; the province's scope
    holds them too, so a statistician sees every case the figures count."""
    from tests.factories import UnitFactory

    retired = UnitFactory(code="HG-OLD", parent=org["HG"], valid_to=date(2019, 12, 31))
    assert retired.pk in jurisdiction_unit_ids(org["HG"], on=TODAY)
    assert retired.pk not in jurisdiction_unit_ids(org["ST"], on=TODAY)
    assert retired.pk not in jurisdiction_unit_ids(org["HG-KV1"], on=TODAY)


def test_given_a_province_retired_into_a_city_when_the_citys_scope_is_read_then_every_old_unit_is_in_it(org):
    """Hậu Giang (and its districts, retired on 30/6/2025) passed to the new city agency on 1/7/2025."""
    from tests.factories import UnitFactory
    from thads.org.models import UnitLevel

    org["HG"].valid_to = LAST_DAY_OLD
    org["HG"].save()
    city = UnitFactory(code="CT", level=UnitLevel.PROVINCE, valid_from=FIRST_DAY_NEW)
    city.predecessors.set([org["HG"]])
    org["HG-KV1"].parent = city  # the fixture's regional office belongs to the city
    org["HG-KV1"].save()
    office = UnitFactory(code="CT-KV6", level=UnitLevel.REGIONAL, parent=city, valid_from=FIRST_DAY_NEW)
    office.predecessors.set([org["HG-VT"]])

    assert jurisdiction_unit_ids(city, on=TODAY) == ids(org, "HG", "HG-VT", "HG-NB", "HG-KV1") | {city.pk, office.pk}
    assert jurisdiction_unit_ids(office, on=TODAY) == ids(org, "HG-VT") | {office.pk}
    # the retired province's own statistician still reads its old subtree (as it stood on its last day)
    assert jurisdiction_unit_ids(org["HG"], on=TODAY) == ids(org, "HG", "HG-VT", "HG-NB")
    assert readable_unit_ids(people_at(city, Role.STATISTICIAN), on=TODAY) == jurisdiction_unit_ids(city, on=TODAY)
    # a district head never reads another district
    head = people_at(office, Role.UNIT_HEAD)
    assert org["HG-NB"].pk not in readable_unit_ids(head, on=TODAY)


def people_at(unit, role):
    return officer_create(username=f"{role}.{unit.code}".lower(), password="pw-test-123", full_name="Cán bộ",
                          unit=unit, title=Title.THAM_TRA_VIEN, role=role).user


def test_given_a_province_statistician_then_they_read_the_cases_of_every_retired_district(org, people):
    from cases.selectors import case_list_for_user
    from tests.factories import make_case

    cases = [make_case(unit=org[code], accepted_on=date(2024, 3, 1)) for code in ("HG-VT", "HG-NB")]
    cases.append(make_case(unit=org["HG-KV1"], accepted_on=date(2026, 3, 1)))
    other = make_case(unit=org["ST-A"], accepted_on=date(2024, 3, 1))

    seen = set(case_list_for_user(people["statistician"]).values_list("pk", flat=True))
    assert seen == {case.pk for case in cases}
    assert other.pk not in seen
    assert set(case_list_for_user(people["head"]).values_list("pk", flat=True)) == {cases[0].pk}
