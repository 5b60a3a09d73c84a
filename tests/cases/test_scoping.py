"""The rule: a user of one unit cannot read or write cases of a unit outside their scope, through any selector
or service (cases.selectors, cases.services).

Cases (all accepted by a system operation, each with one collection of 1.000.000 ₫ recorded):

    THA-VT-001  HG-VT   assigned to ``officer``
    THA-VT-002  HG-VT   assigned to ``officer2``
    THA-NB-001  HG-NB   unassigned
    THA-KV-001  HG-KV1  unassigned (accepted after the 2025 reform)
    THA-ST-001  ST-A    assigned to ``outsider``, a credit case of another bank
"""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from cases.codes import Category, EventKind, PartyRole
from cases.models import Case, CaseEvent, Party, Payout
from cases.selectors import (
    case_is_writable_by,
    case_list_for_user,
    deadlines_due,
    event_list_for_user,
    unit_is_writable_by,
    units_open_to_new_cases,
)
from cases.services import PartyData, case_create, case_update, party_add, payout_record
from tests.factories import make_case, record
from thads.core.errors import PermissionDeniedError

TODAY = date(2026, 11, 28)

pytestmark = pytest.mark.django_db

VT1, VT2, NB1, KV1, ST1 = "THA-VT-001", "THA-VT-002", "THA-NB-001", "THA-KV-001", "THA-ST-001"
ALL_CASES = {VT1, VT2, NB1, KV1, ST1}
HG_CASES = {VT1, VT2, NB1, KV1}

# The day of each case's collection; later writes in the tests happen on or after it.
COLLECTED_ON = {VT1: date(2019, 2, 1), VT2: date(2019, 2, 1), NB1: date(2019, 2, 1), KV1: date(2025, 8, 15),
                ST1: date(2019, 2, 1)}
WRITE_ON = date(2025, 9, 1)


@pytest.fixture
def cases(org, people):
    built = {
        VT1: make_case(unit=org["HG-VT"], officer=people["officer"], case_no=VT1),
        VT2: make_case(unit=org["HG-VT"], officer=people["officer2"], case_no=VT2),
        NB1: make_case(unit=org["HG-NB"], case_no=NB1),
        KV1: make_case(unit=org["HG-KV1"], case_no=KV1, accepted_on=date(2025, 8, 1)),
        ST1: make_case(unit=org["ST-A"], officer=people["outsider"], case_no=ST1,
                       category=Category.TIN_DUNG_NGAN_HANG),
    }
    for case_no, case in built.items():
        record(case, EventKind.THU_TIEN, COLLECTED_ON[case_no], amount=1_000_000)
    return built


def case_nos(queryset_or_items):
    return {case.case_no for case in queryset_or_items}


def snapshot(case):
    """Everything a write could change about a case, read fresh from the database."""
    row = Case.objects.values(
        "decision_no", "officer_id", "judgment_court", "status", "amount_collected", "amount_remaining",
        "event_count", "last_event_on",
    ).get(pk=case.pk)
    return {
        **row,
        "events": list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("pk", "kind", "amount")),
        "parties": list(Party.objects.filter(case=case).order_by("pk").values_list("pk", "role", "name")),
        "payouts": list(Payout.objects.filter(case=case).order_by("pk").values_list("pk", "amount")),
    }


def totals():
    return (Case.objects.count(), CaseEvent.objects.count(), Party.objects.count(), Payout.objects.count())


def inactive(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return get_user_model().objects.get(pk=user.pk)


# ---- reading --------------------------------------------------------------------------------------------------

VISIBLE = [
    ("officer", {VT1, VT2}),
    ("officer2", {VT1, VT2}),
    ("head", {VT1, VT2}),
    ("province_head", HG_CASES),
    ("statistician", HG_CASES),
    ("central", ALL_CASES),
    ("outsider", {ST1}),
    ("outsider_head", {ST1}),
]


@pytest.mark.parametrize(("person", "visible"), VISIBLE)
def test_given_cases_in_several_units_when_a_role_lists_cases_then_it_sees_exactly_its_scope(cases, people, person,
                                                                                              visible):
    assert case_nos(case_list_for_user(people[person])) == visible


@pytest.mark.parametrize(("person", "visible"), VISIBLE)
def test_given_events_in_several_units_when_a_role_lists_events_then_it_sees_exactly_its_scope(cases, people,
                                                                                                person, visible):
    events = event_list_for_user(people[person])
    assert {event.case.case_no for event in events} == visible
    assert events.count() == len(visible)  # one collection per case


def test_given_a_staff_user_without_profile_when_listing_then_nothing_is_visible(cases):
    user = get_user_model().objects.create_user(username="noprofile", password="pw-test-123", is_staff=True)
    assert list(case_list_for_user(user)) == []
    assert list(event_list_for_user(user)) == []


@pytest.mark.parametrize("person", ["officer", "province_head", "statistician", "central"])
def test_given_an_inactive_user_when_listing_then_nothing_is_visible(cases, people, person):
    user = inactive(people[person])
    assert list(case_list_for_user(user)) == []
    assert list(event_list_for_user(user)) == []


def test_given_an_anonymous_user_when_listing_then_nothing_is_visible(cases):
    assert list(case_list_for_user(AnonymousUser())) == []
    assert list(event_list_for_user(AnonymousUser())) == []


# ---- write rights: the matrix every service follows -----------------------------------------------------------

# (person, case, may write). Officers write only the cases assigned to them; unit heads their jurisdiction;
# statisticians nothing; the central administrator everything.
WRITE_MATRIX = [
    ("officer", VT1, True),
    ("officer", VT2, False),
    ("officer", NB1, False),
    ("officer", KV1, False),
    ("officer", ST1, False),
    ("officer2", VT1, False),
    ("officer2", VT2, True),
    ("head", VT1, True),
    ("head", VT2, True),
    ("head", NB1, False),
    ("head", KV1, False),
    ("head", ST1, False),
    ("province_head", VT2, True),
    ("province_head", NB1, True),
    ("province_head", KV1, True),
    ("province_head", ST1, False),
    ("statistician", VT1, False),
    ("statistician", NB1, False),
    ("statistician", KV1, False),
    ("statistician", ST1, False),
    ("central", VT1, True),
    ("central", ST1, True),
    ("outsider", VT1, False),
    ("outsider", NB1, False),
    ("outsider", KV1, False),
    ("outsider", ST1, True),
    ("outsider_head", VT1, False),
    ("outsider_head", KV1, False),
    ("outsider_head", ST1, True),
]
REFUSED = [(person, case_no) for person, case_no, allowed in WRITE_MATRIX if not allowed]
ALLOWED = [(person, case_no) for person, case_no, allowed in WRITE_MATRIX if allowed]


@pytest.mark.parametrize(("person", "case_no", "allowed"), WRITE_MATRIX)
def test_given_a_role_and_a_case_when_asked_whether_it_may_write_then_the_matrix_answers(cases, people, person,
                                                                                         case_no, allowed):
    assert case_is_writable_by(people[person], cases[case_no]) is allowed


# case_event_record

@pytest.mark.parametrize(("person", "case_no"), REFUSED)
def test_given_a_case_out_of_write_scope_when_an_event_is_recorded_then_it_is_refused_and_nothing_written(
        cases, people, person, case_no):
    # given
    case = cases[case_no]
    before, counts = snapshot(case), totals()
    # when
    with pytest.raises(PermissionDeniedError) as refused:
        record(case, EventKind.THU_TIEN, WRITE_ON, amount=500_000, actor=people[person])
    # then
    assert refused.value.code == "permission_denied"
    assert snapshot(case) == before
    assert totals() == counts
    case.refresh_from_db()
    assert (case.event_count, case.amount_remaining, case.events.count()) == (1, 9_000_000, 1)


@pytest.mark.parametrize(("person", "case_no"), ALLOWED)
def test_given_a_case_in_write_scope_when_an_event_is_recorded_then_exactly_one_event_is_written(
        cases, people, person, case_no):
    # given
    case = cases[case_no]
    events_before = CaseEvent.objects.count()
    # when
    event = record(case, EventKind.THU_TIEN, WRITE_ON, amount=500_000, actor=people[person])
    # then
    case.refresh_from_db()
    assert (case.event_count, case.amount_remaining, case.events.count()) == (2, 8_500_000, 2)
    assert (event.sequence, event.recorded_by_id) == (2, people[person].pk)
    assert CaseEvent.objects.count() == events_before + 1


# case_update

@pytest.mark.parametrize(("person", "case_no"), REFUSED)
def test_given_a_case_out_of_write_scope_when_it_is_updated_then_it_is_refused_and_nothing_written(
        cases, people, person, case_no):
    case = cases[case_no]
    before, counts = snapshot(case), totals()
    with pytest.raises(PermissionDeniedError):
        case_update(actor=people[person], case=case, decision_no="999/QĐ-SỬA", judgment_court="TAND sửa")
    assert snapshot(case) == before
    assert totals() == counts


@pytest.mark.parametrize(("person", "case_no"), ALLOWED)
def test_given_a_case_in_write_scope_when_it_is_updated_then_the_change_is_saved(cases, people, person, case_no):
    case = cases[case_no]
    case_update(actor=people[person], case=case, decision_no="999/QĐ-SỬA")
    assert Case.objects.get(pk=case.pk).decision_no == "999/QĐ-SỬA"


# party_add

@pytest.mark.parametrize(("person", "case_no"), REFUSED)
def test_given_a_case_out_of_write_scope_when_a_party_is_added_then_it_is_refused_and_nothing_written(
        cases, people, person, case_no):
    case = cases[case_no]
    before, counts = snapshot(case), totals()
    with pytest.raises(PermissionDeniedError):
        party_add(actor=people[person], case=case, role=PartyRole.DEBTOR, name="Lê Văn C")
    assert snapshot(case) == before
    assert totals() == counts


@pytest.mark.parametrize(("person", "case_no"), ALLOWED)
def test_given_a_case_in_write_scope_when_a_party_is_added_then_it_is_saved(cases, people, person, case_no):
    case = cases[case_no]
    party = party_add(actor=people[person], case=case, role=PartyRole.DEBTOR, name="Lê Văn C")
    assert list(case.parties.order_by("pk").values_list("name", flat=True)) == ["Nguyễn Văn A", "Trần Thị B",
                                                                                 "Lê Văn C"]
    assert party.case_id == case.pk


# payout_record

@pytest.mark.parametrize(("person", "case_no"), REFUSED)
def test_given_a_case_out_of_write_scope_when_a_payout_is_recorded_then_it_is_refused_and_nothing_written(
        cases, people, person, case_no):
    case = cases[case_no]
    before, counts = snapshot(case), totals()
    with pytest.raises(PermissionDeniedError):
        payout_record(actor=people[person], case=case, paid_on=WRITE_ON, amount=100_000, recipient="Trần Thị B",
                      today=TODAY)
    assert snapshot(case) == before
    assert totals() == counts


@pytest.mark.parametrize(("person", "case_no"), ALLOWED)
def test_given_a_case_in_write_scope_when_a_payout_is_recorded_then_it_is_saved(cases, people, person, case_no):
    case = cases[case_no]
    payout = payout_record(actor=people[person], case=case, paid_on=WRITE_ON, amount=100_000,
                           recipient="Trần Thị B", today=TODAY)
    assert list(Payout.objects.filter(case=case).values_list("amount", "recorded_by_id")) == [
        (100_000, people[person].pk)]
    assert payout.case_id == case.pk


# a system operation (actor=None: import, demo loader) writes anywhere

def test_given_no_actor_when_writing_a_case_of_any_unit_then_it_is_allowed(cases):
    for case_no in sorted(ALL_CASES):
        case = cases[case_no]
        record(case, EventKind.THU_TIEN, WRITE_ON, amount=500_000, actor=None)
        case_update(actor=None, case=case, judgment_court="TAND hệ thống")
        party_add(actor=None, case=case, role=PartyRole.CREDITOR, name="Phạm Thị D")
        payout_record(actor=None, case=case, paid_on=WRITE_ON, amount=100_000, recipient="Trần Thị B", today=TODAY)
    assert CaseEvent.objects.filter(kind=EventKind.THU_TIEN, amount=500_000).count() == 5
    assert Case.objects.filter(judgment_court="TAND hệ thống").count() == 5
    assert Party.objects.filter(name="Phạm Thị D").count() == 5
    assert Payout.objects.count() == 5


# ---- creating cases -------------------------------------------------------------------------------------------

ACCEPTED_ON = {"HG": date(2024, 3, 1), "HG-VT": date(2024, 3, 1), "HG-NB": date(2024, 3, 1),
               "HG-KV1": date(2025, 8, 1), "ST": date(2024, 3, 1), "ST-A": date(2024, 3, 1)}

CREATE_MATRIX = [
    ("officer", "HG-VT", True),
    ("officer", "HG-NB", False),
    ("officer", "HG", False),
    ("officer", "HG-KV1", False),
    ("officer", "ST-A", False),
    ("head", "HG-VT", True),
    ("head", "HG-NB", False),
    ("head", "ST-A", False),
    ("province_head", "HG-NB", True),
    ("province_head", "HG-KV1", True),
    ("province_head", "ST-A", False),
    ("statistician", "HG", False),
    ("statistician", "HG-VT", False),
    ("statistician", "ST-A", False),
    ("central", "ST-A", True),
    ("central", "HG-NB", True),
    ("outsider", "HG-VT", False),
    ("outsider", "HG-KV1", False),
    ("outsider", "ST-A", True),
    ("outsider_head", "HG-VT", False),
    ("outsider_head", "HG", False),
    ("outsider_head", "ST-A", True),
]


def create_in(unit, actor, case_no="THA-NEW-001"):
    return case_create(
        actor=actor, case_no=case_no, decision_no="1/QĐ-NEW", accepted_on=ACCEPTED_ON[unit.code], unit=unit,
        origin="theo_yeu_cau", category=Category.KHAC, judgment_type="dan_su", amount_due=2_000_000,
        parties=[PartyData(role=PartyRole.DEBTOR, name="Nguyễn Văn A"),
                 PartyData(role=PartyRole.CREDITOR, name="Trần Thị B")],
        today=TODAY,
    )


@pytest.mark.parametrize(("person", "unit_code", "allowed"), CREATE_MATRIX)
def test_given_a_role_and_a_unit_when_asked_whether_it_may_create_cases_there_then_the_matrix_answers(
        org, people, person, unit_code, allowed):
    assert unit_is_writable_by(people[person], org[unit_code].pk) is allowed


@pytest.mark.parametrize(("person", "unit_code"), [(p, u) for p, u, allowed in CREATE_MATRIX if not allowed])
def test_given_a_unit_out_of_scope_when_a_case_is_created_there_then_it_is_refused_and_nothing_written(
        cases, org, people, person, unit_code):
    counts = totals()
    with pytest.raises(PermissionDeniedError) as refused:
        create_in(org[unit_code], people[person])
    assert refused.value.code == "permission_denied"
    assert totals() == counts
    assert not Case.objects.filter(case_no="THA-NEW-001").exists()


@pytest.mark.parametrize(("person", "unit_code"), [(p, u) for p, u, allowed in CREATE_MATRIX if allowed])
def test_given_a_unit_in_scope_when_a_case_is_created_there_then_it_is_saved_in_that_unit(
        cases, org, people, person, unit_code):
    case = create_in(org[unit_code], people[person])
    saved = Case.objects.get(case_no="THA-NEW-001")
    assert (saved.pk, saved.unit_id, saved.created_by_id) == (case.pk, org[unit_code].pk, people[person].pk)


def test_given_an_officer_when_they_create_a_case_in_their_unit_then_it_is_assigned_to_them_and_visible(
        cases, org, people):
    case = create_in(org["HG-VT"], people["officer"])
    assert case.officer_id == people["officer"].pk
    assert case_is_writable_by(people["officer"], case) is True
    assert "THA-NEW-001" in case_nos(case_list_for_user(people["officer2"]))
    assert "THA-NEW-001" not in case_nos(case_list_for_user(people["outsider"]))


@pytest.mark.parametrize(("person", "units"), [
    ("officer", {"HG-VT"}),
    ("head", {"HG-VT"}),
    ("province_head", {"HG", "HG-KV1", "HG-VT", "HG-NB"}),
    ("statistician", set()),
    ("central", {"HG", "HG-KV1", "HG-VT", "HG-NB", "ST", "ST-A"}),
    ("outsider", {"ST-A"}),
    ("outsider_head", {"ST", "ST-A"}),
])
def test_given_a_role_when_listing_units_open_to_new_cases_then_they_are_exactly_its_scope(org, people, person,
                                                                                           units):
    assert {unit.code for unit in units_open_to_new_cases(people[person])} == units


def test_given_a_staff_user_without_profile_when_creating_or_recording_then_it_is_refused(cases, org):
    user = get_user_model().objects.create_user(username="noprofile", password="pw-test-123", is_staff=True)
    counts = totals()
    with pytest.raises(PermissionDeniedError):
        create_in(org["HG-VT"], user)
    with pytest.raises(PermissionDeniedError):
        record(cases[VT1], EventKind.THU_TIEN, WRITE_ON, amount=500_000, actor=user)
    assert totals() == counts
    assert list(units_open_to_new_cases(user)) == []


def test_given_an_inactive_officer_when_recording_on_their_own_case_then_it_is_refused(cases, people):
    user = inactive(people["officer"])
    before = snapshot(cases[VT1])
    with pytest.raises(PermissionDeniedError):
        record(cases[VT1], EventKind.THU_TIEN, WRITE_ON, amount=500_000, actor=user)
    assert snapshot(cases[VT1]) == before


def test_given_an_inactive_officer_when_creating_a_case_in_their_own_unit_then_it_is_refused(cases, org, people):
    # given: a deactivated account (inactive users may do nothing, thads.org.selectors)
    user = inactive(people["officer"])
    counts = totals()
    # when / then
    with pytest.raises(PermissionDeniedError):
        create_in(org["HG-VT"], user)
    assert totals() == counts
    assert unit_is_writable_by(user, org["HG-VT"].pk) is False
    assert list(units_open_to_new_cases(user)) == []


# ---- deadlines --------------------------------------------------------------------------------------------------

def test_given_overdue_cases_everywhere_when_the_outsider_reads_due_deadlines_then_no_hg_case_appears(cases, people):
    # given: every HG case is overdue for someone in HG
    assert case_nos(item.case for item in deadlines_due(people["province_head"], today=TODAY)) == HG_CASES
    # when
    due = deadlines_due(people["outsider"], today=TODAY)
    # then
    assert case_nos(item.case for item in due) == {ST1}


def test_given_a_foreign_unit_when_the_outsider_narrows_due_deadlines_to_it_then_nothing_is_returned(
        cases, org, people):
    assert deadlines_due(people["outsider"], unit_id=org["HG"].pk, today=TODAY) == []
    assert deadlines_due(people["outsider_head"], unit_id=org["HG-KV1"].pk, today=TODAY) == []
    assert deadlines_due(people["outsider"], officer_id=people["officer"].pk, today=TODAY) == []


@pytest.mark.parametrize(("person", "visible"), VISIBLE)
def test_given_a_role_when_it_reads_due_deadlines_then_only_cases_of_its_scope_appear(cases, people, person,
                                                                                       visible):
    assert case_nos(item.case for item in deadlines_due(people[person], today=TODAY)) == visible


def test_given_the_regional_office_when_due_deadlines_are_narrowed_to_it_then_the_replaced_districts_are_in(
        cases, org, people):
    due = deadlines_due(people["province_head"], unit_id=org["HG-KV1"].pk, today=TODAY)
    assert case_nos(item.case for item in due) == {VT1, VT2, NB1, KV1}
