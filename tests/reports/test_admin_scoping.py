"""The statistics in the admin are scoped like the cases: each person lists and opens only the targets, closed
periods, snapshots and jobs of the units they read (reports.selectors.*_for_user).

Rows, one of each kind per unit (HG the province, HG-VT one of its districts, ST another province); jobs also
have a national one (no unit), read only by those who read every unit:

    target          HG, HG-VT, ST       (cases, FY2019)
    closed period   HG, HG-VT, ST       (ends 31/12/2018, 31/1/2019, 28/2/2019)
    snapshot        HG, HG-VT, ST       (1/10/2018…31/12/2018, all categories)
    job             HG-VT, ST, national
"""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ClosedPeriod, Metric, Snapshot, StatsJob, Target
from reports.selectors import closed_periods_for_user, snapshots_for_user, stats_jobs_for_user, targets_for_user
from reports.services import job_create, target_set

pytestmark = pytest.mark.django_db

NATIONAL = None  # the "unit" of a job without one
TARGET, CLOSED, SNAPSHOT, JOB = "target", "closedperiod", "snapshot", "statsjob"
FORBIDDEN = "403"  # the role has no permission to view this model at all

ROWS = {TARGET: ("HG", "HG-VT", "ST"), CLOSED: ("HG", "HG-VT", "ST"), SNAPSHOT: ("HG", "HG-VT", "ST"),
        JOB: ("HG-VT", "ST", NATIONAL)}

# person → model → the units of the rows they read (FORBIDDEN: the model is not theirs to view)
VISIBLE = {
    "officer": {TARGET: FORBIDDEN, CLOSED: FORBIDDEN, SNAPSHOT: FORBIDDEN, JOB: FORBIDDEN},
    "officer2": {TARGET: FORBIDDEN, CLOSED: FORBIDDEN, SNAPSHOT: FORBIDDEN, JOB: FORBIDDEN},
    "outsider": {TARGET: FORBIDDEN, CLOSED: FORBIDDEN, SNAPSHOT: FORBIDDEN, JOB: FORBIDDEN},
    "head": {TARGET: {"HG-VT"}, CLOSED: {"HG-VT"}, SNAPSHOT: {"HG-VT"}, JOB: FORBIDDEN},
    "province_head": {TARGET: {"HG", "HG-VT"}, CLOSED: {"HG", "HG-VT"}, SNAPSHOT: {"HG", "HG-VT"},
                      JOB: FORBIDDEN},
    "statistician": {TARGET: {"HG", "HG-VT"}, CLOSED: {"HG", "HG-VT"}, SNAPSHOT: {"HG", "HG-VT"},
                     JOB: {"HG-VT"}},
    "outsider_head": {TARGET: {"ST"}, CLOSED: {"ST"}, SNAPSHOT: {"ST"}, JOB: FORBIDDEN},
    "central": {TARGET: {"HG", "HG-VT", "ST"}, CLOSED: {"HG", "HG-VT", "ST"}, SNAPSHOT: {"HG", "HG-VT", "ST"},
                JOB: {"HG-VT", "ST", NATIONAL}},
}
# person → the units whose rows the selectors return (of HG, HG-VT, ST, national), whatever the model
READS = {"officer": {"HG-VT"}, "officer2": {"HG-VT"}, "outsider": set(), "head": {"HG-VT"},
         "province_head": {"HG", "HG-VT"}, "statistician": {"HG", "HG-VT"}, "outsider_head": {"ST"},
         "central": {"HG", "HG-VT", "ST", NATIONAL}}
MATRIX = [(person, model) for person in VISIBLE for model in (TARGET, CLOSED, SNAPSHOT, JOB)]


@pytest.fixture
def rows(org):
    """model → unit code (None for the national job) → row."""
    built = {TARGET: {}, CLOSED: {}, SNAPSHOT: {}, JOB: {}}
    for code, end in (("HG", date(2018, 12, 31)), ("HG-VT", date(2019, 1, 31)), ("ST", date(2019, 2, 28))):
        unit = org[code]
        built[TARGET][code] = target_set(actor=None, unit=unit, fiscal_year=2019, metric=Metric.CASES,
                                         value=Decimal("80.00"), decision_ref=f"QĐ-{code}")
        built[CLOSED][code] = ClosedPeriod.objects.create(unit=unit, end=end, note=f"Khoá sổ {code}")
        built[SNAPSHOT][code] = Snapshot.objects.create(unit=unit, period_start=date(2018, 10, 1),
                                                        period_end=date(2018, 12, 31), category="",
                                                        figures={"cases": 0}, computed_at=timezone.now())
    for code in ("HG-VT", "ST", NATIONAL):
        built[JOB][code] = job_create(kind="manual_refresh", unit=org[code] if code else None)
    return built


def unit_code(row):
    return row.unit.code if row.unit_id is not None else NATIONAL


def changelist(model):
    return f"/admin/reports/{model}/"


def change_url(model, row):
    return f"/admin/reports/{model}/{row.pk}/change/"


# ---- the selectors ------------------------------------------------------------------------------------------------

SELECTORS = {TARGET: targets_for_user, CLOSED: closed_periods_for_user, SNAPSHOT: snapshots_for_user,
             JOB: stats_jobs_for_user}


@pytest.mark.parametrize(("person", "model"), MATRIX)
def test_given_rows_of_several_units_when_a_selector_reads_them_for_a_role_then_only_the_readable_units_come(
        rows, people, person, model):
    # when
    found = {unit_code(row) for row in SELECTORS[model](people[person])}
    # then: the selector scopes by unit alone (the permission to open the admin page is a separate door)
    expected = set(ROWS[model]) & READS[person]
    assert found == expected


def test_given_an_inactive_or_profileless_user_when_the_selectors_read_then_nothing_comes(rows, people,
                                                                                         django_user_model):
    # given
    inactive = people["central"]
    inactive.is_active = False
    inactive.save()
    nobody = django_user_model.objects.create_user(username="nobody", password="pw-test-123")
    # then
    for selector in SELECTORS.values():
        assert list(selector(inactive)) == []
        assert list(selector(nobody)) == []


# ---- the changelists ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("person", "model"), MATRIX)
def test_given_rows_of_several_units_when_a_role_opens_a_statistics_list_then_only_its_units_rows_are_listed(
        client, rows, people, person, model):
    # when
    client.force_login(people[person])
    response = client.get(changelist(model))
    # then
    expected = VISIBLE[person][model]
    if expected == FORBIDDEN:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {unit_code(row) for row in response.context["cl"].result_list} == expected


@pytest.mark.parametrize(("person", "model"), MATRIX)
def test_given_rows_of_several_units_when_a_role_opens_each_row_then_only_its_units_rows_open(
        client, rows, people, person, model):
    # given
    client.force_login(people[person])
    expected = VISIBLE[person][model]
    for code, row in rows[model].items():
        # when
        response = client.get(change_url(model, row))
        # then
        if expected == FORBIDDEN:
            assert response.status_code == 403, (code, response.status_code)
        elif code in expected:
            assert response.status_code == 200, (code, response.status_code)
            assert response.context["original"] == row
        else:  # Django's "does not exist" redirect to the admin index, as for a missing row
            assert (response.status_code, response["Location"]) == (302, reverse("admin:index")), code
            final = client.get(response["Location"])
            assert final.status_code == 200
            assert f"ID “{row.pk}” không tồn tại" in final.content.decode()


def test_given_the_province_target_when_the_head_of_a_district_searches_for_it_then_nothing_is_found(
        client, rows, people):
    # the tester's case: the head of Vị Thanh read the province's targets
    client.force_login(people["head"])
    response = client.get(changelist(TARGET), {"q": "QĐ-HG"})
    assert response.status_code == 200
    assert [row.decision_ref for row in response.context["cl"].result_list] == ["QĐ-HG-VT"]


def test_given_a_foreign_snapshot_when_its_history_is_opened_then_the_person_is_sent_away(client, rows, people):
    client.force_login(people["outsider_head"])
    response = client.get(f"/admin/reports/snapshot/{rows[SNAPSHOT]['HG'].pk}/history/")
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


# ---- the add forms offer only the units the person may write -----------------------------------------------------

def test_given_the_statistician_when_the_closed_period_form_is_opened_then_only_their_units_are_choices(
        client, org, people):
    client.force_login(people["statistician"])
    response = client.get("/admin/reports/closedperiod/add/")
    assert response.status_code == 200
    offered = {unit.code for unit in response.context["adminform"].form.fields["unit"].queryset}
    assert offered == {"HG", "HG-VT", "HG-NB", "HG-KV1"}


def test_given_the_statistician_when_a_period_of_another_province_is_posted_then_it_is_refused_and_nothing_written(
        client, org, people):
    # when
    client.force_login(people["statistician"])
    response = client.post("/admin/reports/closedperiod/add/", {
        "unit": str(org["ST"].pk), "end": "31/12/2018", "note": "", "_save": "Lưu lại"})
    # then
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["unit"]
    assert ClosedPeriod.objects.count() == 0


def test_given_central_when_the_target_form_is_opened_then_every_unit_is_a_choice(client, org, people):
    client.force_login(people["central"])
    response = client.get("/admin/reports/target/add/")
    assert response.status_code == 200
    offered = {unit.code for unit in response.context["adminform"].form.fields["unit"].queryset}
    assert offered == set(org)
    assert Target.objects.count() == 0 and StatsJob.objects.count() == 0
