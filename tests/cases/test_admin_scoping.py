"""The admin is a door like any other: each person sees and writes only the cases of their scope, and the
pages speak Vietnamese unless English was chosen.

Cases (accepted by a system operation, each with one collection of 1.000.000 ₫ out of 10.000.000 ₫):

    THA-VT-001  HG-VT   assigned to ``officer``
    THA-VT-002  HG-VT   assigned to ``officer2``
    THA-NB-001  HG-NB   unassigned
    THA-ST-001  ST-A    assigned to ``outsider``
"""
from datetime import date

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.codes import EventKind, EventSource
from cases.models import Case, CaseEvent, Party, Payout
from tests.factories import make_case, record

pytestmark = pytest.mark.django_db

VT1, VT2, NB1, ST1 = "THA-VT-001", "THA-VT-002", "THA-NB-001", "THA-ST-001"
ALL_CASES = (VT1, VT2, NB1, ST1)

CASE_LIST = "/admin/cases/case/"
EVENT_LIST = "/admin/cases/caseevent/"
EVENT_ADD = "/admin/cases/caseevent/add/"
CASE_ADD = "/admin/cases/case/add/"
PAYOUT_ADD = "/admin/cases/payout/add/"


def change_url(case):
    return f"/admin/cases/case/{case.pk}/change/"


@pytest.fixture
def cases(org, people):
    built = {
        VT1: make_case(unit=org["HG-VT"], officer=people["officer"], case_no=VT1),
        VT2: make_case(unit=org["HG-VT"], officer=people["officer2"], case_no=VT2),
        NB1: make_case(unit=org["HG-NB"], case_no=NB1),
        ST1: make_case(unit=org["ST-A"], officer=people["outsider"], case_no=ST1),
    }
    for case in built.values():
        record(case, EventKind.THU_TIEN, date(2019, 2, 1), amount=1_000_000)
    return built


def logged_in(client, user):
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def snapshot(case):
    """Everything a write could change about a case, read fresh from the database."""
    row = Case.objects.values().get(pk=case.pk)
    row.pop("updated_at")
    return {
        **row,
        "events": list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("pk", "kind", "amount")),
        "parties": list(Party.objects.filter(case=case).order_by("pk").values_list("pk", "name")),
        "payouts": list(Payout.objects.filter(case=case).values_list("pk", "amount")),
    }


def totals():
    return (Case.objects.count(), CaseEvent.objects.count(), Party.objects.count(), Payout.objects.count())


def change_form_data(case, **changes):
    """A complete POST body for the case change page: the editable fields as stored, plus empty inline
    formsets (management forms included), with ``changes`` applied."""
    data = {key: ("" if value is None else value) for key, value in model_to_dict(
        case, fields=["decision_no", "received_on", "notified_on", "judgment_court", "judgment_no",
                      "judgment_date", "officer"]).items()}
    for prefix, initial in (("parties", 2), ("events", 1)):
        data.update({f"{prefix}-TOTAL_FORMS": str(initial), f"{prefix}-INITIAL_FORMS": str(initial),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    for index, party in enumerate(case.parties.order_by("role", "id")):
        data[f"parties-{index}-id"] = str(party.pk)
        data[f"parties-{index}-case"] = str(case.pk)
    for index, event in enumerate(case.events.order_by("sequence")):
        data[f"events-{index}-id"] = str(event.pk)
        data[f"events-{index}-case"] = str(case.pk)
    data.update(changes)
    data["_save"] = "Lưu lại"
    return data


def event_form_data(case, **values):
    data = {"case": str(case.pk), "date": "2024-03-15", "kind": EventKind.THU_TIEN, "amount": "500000",
            "ground": "", "ground_arose_on": "", "note": "", "_save": "Lưu lại"}
    data.update(values)
    return data


# ---- the case list ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("person", "visible"), [
    ("officer", {VT1, VT2}),
    ("officer2", {VT1, VT2}),
    ("head", {VT1, VT2}),
    ("province_head", {VT1, VT2, NB1}),
    ("statistician", {VT1, VT2, NB1}),
    ("central", set(ALL_CASES)),
    ("outsider", {ST1}),
    ("outsider_head", {ST1}),
])
def test_given_cases_in_several_units_when_a_role_opens_the_case_list_then_only_its_cases_are_listed(
        client, cases, people, person, visible):
    # when
    response = logged_in(client, people[person]).get(CASE_LIST)
    # then
    assert response.status_code == 200
    assert {case_no for case_no in ALL_CASES if case_no in page(response)} == visible
    assert {case.case_no for case in response.context["cl"].result_list} == visible


@pytest.mark.parametrize(("person", "visible"), [
    ("officer", {VT1, VT2}),
    ("statistician", {VT1, VT2, NB1}),
    ("outsider", {ST1}),
    ("central", set(ALL_CASES)),
])
def test_given_events_in_several_units_when_a_role_opens_the_event_list_then_only_its_events_are_listed(
        client, cases, people, person, visible):
    response = logged_in(client, people[person]).get(EVENT_LIST)
    assert response.status_code == 200
    assert {case_no for case_no in ALL_CASES if case_no in page(response)} == visible


def test_given_a_foreign_case_when_the_officer_searches_for_its_number_then_nothing_is_found(client, cases, people):
    response = logged_in(client, people["officer"]).get(CASE_LIST, {"q": ST1})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


# ---- a foreign case's pages -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("person", "case_no"), [
    ("officer", ST1), ("officer", NB1), ("head", NB1), ("statistician", ST1), ("outsider", VT1),
    ("outsider_head", NB1),
])
def test_given_a_foreign_case_when_its_change_page_is_opened_then_the_person_is_sent_away_without_its_data(
        client, cases, people, person, case_no):
    # when
    client = logged_in(client, people[person])
    response = client.get(change_url(cases[case_no]))
    # then: Django's "does not exist" redirect to the admin index
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    final = client.get(response["Location"])
    assert final.status_code == 200
    assert case_no not in page(final)
    assert f"ID “{cases[case_no].pk}” không tồn tại" in page(final)


@pytest.mark.parametrize(("suffix", "status"), [("history/", 302), ("delete/", 403)])
def test_given_a_foreign_case_when_its_other_pages_are_opened_then_they_show_nothing(client, cases, people, suffix,
                                                                                     status):
    response = logged_in(client, people["outsider"]).get(f"/admin/cases/case/{cases[VT1].pk}/{suffix}")
    assert response.status_code == status
    assert VT1 not in page(response)


def test_given_a_foreign_event_when_its_page_is_opened_then_the_person_is_sent_away(client, cases, people):
    event = cases[VT1].events.get()
    response = logged_in(client, people["outsider"]).get(f"/admin/cases/caseevent/{event.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


def test_given_a_foreign_case_when_a_change_is_posted_then_it_is_refused_and_nothing_written(client, cases, people):
    # given
    case = cases[ST1]
    before, counts = snapshot(case), totals()
    # when
    response = logged_in(client, people["officer"]).post(
        change_url(case), change_form_data(case, decision_no="999/QĐ-SỬA", judgment_court="TAND sửa"))
    # then
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))
    assert snapshot(case) == before
    assert totals() == counts


# ---- read-only views ------------------------------------------------------------------------------------------------

def test_given_the_statistician_when_a_case_of_their_scope_is_opened_then_it_is_shown_read_only(
        client, cases, people):
    # when
    response = logged_in(client, people["statistician"]).get(change_url(cases[NB1]))
    # then
    html = page(response)
    assert response.status_code == 200
    assert NB1 in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert 'name="decision_no"' not in html and 'name="judgment_court"' not in html
    assert response.context["has_change_permission"] is False


@pytest.mark.parametrize(("person", "case_no"), [("statistician", VT1), ("statistician", NB1), ("officer", VT2)])
def test_given_a_read_only_case_when_a_change_is_posted_then_it_is_forbidden_and_nothing_written(
        client, cases, people, person, case_no):
    # given
    case = cases[case_no]
    before, counts = snapshot(case), totals()
    # when
    response = logged_in(client, people[person]).post(
        change_url(case), change_form_data(case, decision_no="999/QĐ-SỬA", judgment_court="TAND sửa"))
    # then
    assert response.status_code == 403
    assert snapshot(case) == before
    assert totals() == counts


def test_given_the_officer_when_the_case_of_a_colleague_is_opened_then_it_is_shown_read_only(client, cases, people):
    response = logged_in(client, people["officer"]).get(change_url(cases[VT2]))
    html = page(response)
    assert response.status_code == 200
    assert VT2 in html
    assert 'name="_save"' not in html and 'name="decision_no"' not in html


def test_given_the_officer_when_they_change_their_own_case_then_the_change_is_saved(client, cases, people):
    # given: the positive control for the refusals above (same POST body)
    case = cases[VT1]
    # when
    response = logged_in(client, people["officer"]).post(
        change_url(case), change_form_data(case, decision_no="999/QĐ-SỬA", judgment_court="TAND sửa"))
    # then
    assert response.status_code == 302, page(response)
    case.refresh_from_db()
    assert (case.decision_no, case.judgment_court) == ("999/QĐ-SỬA", "TAND sửa")


@pytest.mark.parametrize("url", [CASE_ADD, EVENT_ADD, PAYOUT_ADD])
def test_given_the_statistician_when_an_add_page_is_opened_or_posted_then_it_is_forbidden(client, cases, people,
                                                                                          url):
    client = logged_in(client, people["statistician"])
    counts = totals()
    assert client.get(url).status_code == 403
    assert client.post(url, event_form_data(cases[NB1])).status_code == 403
    assert totals() == counts


# ---- recording events through the admin ---------------------------------------------------------------------------

def test_given_the_case_of_a_colleague_when_the_officer_posts_an_event_then_it_is_refused_and_nothing_written(
        client, cases, people):
    # given
    case = cases[VT2]
    before, counts = snapshot(case), totals()
    # when
    response = logged_in(client, people["officer"]).post(EVENT_ADD, event_form_data(case))
    # then: the form comes back with the refusal
    assert response.status_code == 200
    assert f"Bạn không có quyền ghi hồ sơ {VT2}." in page(response)
    assert snapshot(case) == before
    assert totals() == counts
    case.refresh_from_db()
    assert case.event_count == 1


@pytest.mark.parametrize(("person", "case_no"), [("outsider", VT1), ("outsider_head", NB1), ("officer", ST1),
                                                 ("head", NB1)])
def test_given_a_foreign_case_when_an_event_is_posted_for_it_then_the_case_is_not_a_valid_choice(
        client, cases, people, person, case_no):
    # given
    case = cases[case_no]
    before, counts = snapshot(case), totals()
    # when
    response = logged_in(client, people[person]).post(EVENT_ADD, event_form_data(case))
    # then
    assert response.status_code == 200
    assert "case" in response.context["adminform"].form.errors
    assert snapshot(case) == before
    assert totals() == counts


def test_given_a_foreign_case_in_the_add_link_when_the_event_form_is_opened_then_the_case_is_not_offered(
        client, cases, people):
    # when
    client = logged_in(client, people["officer"])
    response = client.get(EVENT_ADD, {"case": cases[ST1].pk})
    # then
    assert response.status_code == 200
    assert ST1 not in page(response)
    offered = {case.case_no for case in response.context["adminform"].form.fields["case"].queryset}
    assert offered == {VT1, VT2}
    # and the officer's own case, given the same way, is preselected (the control)
    assert VT1 in page(client.get(EVENT_ADD, {"case": cases[VT1].pk}))


@pytest.mark.parametrize(("person", "model_name", "found"), [
    ("officer", "caseevent", {VT1, VT2}),
    ("officer", "payout", {VT1, VT2}),
    ("outsider", "caseevent", {ST1}),
    ("outsider_head", "payout", {ST1}),
    ("province_head", "caseevent", {VT1, VT2, NB1}),
    ("central", "caseevent", set(ALL_CASES)),
])
def test_given_cases_in_several_units_when_the_case_autocomplete_is_searched_then_only_the_scope_is_found(
        client, cases, people, person, model_name, found):
    # when: the search behind the "case" box of the event and payout forms
    response = logged_in(client, people[person]).get("/admin/autocomplete/", {
        "app_label": "cases", "model_name": model_name, "field_name": "case", "term": "THA-"})
    # then
    assert response.status_code == 200
    assert {result["text"] for result in response.json()["results"]} == found


def test_given_their_own_case_when_the_officer_posts_a_valid_event_then_exactly_one_event_is_written(
        client, cases, people):
    # given
    case = cases[VT1]
    events_before = CaseEvent.objects.count()
    # when
    response = logged_in(client, people["officer"]).post(EVENT_ADD, event_form_data(case, amount="500000",
                                                                                    note="Thu lần 2"))
    # then
    assert response.status_code == 302, page(response)
    assert CaseEvent.objects.count() == events_before + 1
    event = case.events.get(sequence=2)
    assert (event.kind, event.date, event.amount, event.source, event.recorded_by_id, event.note) == (
        EventKind.THU_TIEN, date(2024, 3, 15), 500_000, EventSource.ADMIN, people["officer"].pk, "Thu lần 2")
    case.refresh_from_db()
    assert (case.event_count, case.amount_collected, case.amount_remaining) == (2, 1_500_000, 8_500_000)


def test_given_their_own_case_when_the_officer_posts_too_high_an_amount_then_the_form_shows_why_and_nothing_is_written(
        client, cases, people):
    # given: 9.000.000 ₫ remain
    case = cases[VT1]
    before, counts = snapshot(case), totals()
    # when
    response = logged_in(client, people["officer"]).post(EVENT_ADD, event_form_data(case, amount="9000001"))
    # then
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["amount"]
    assert "vượt quá" in form.errors["amount"][0]
    assert "9.000.001" in page(response)
    assert snapshot(case) == before
    assert totals() == counts


def test_given_a_vietnamese_date_when_the_officer_posts_an_event_then_it_is_read_day_first(client, cases, people):
    # given: Vietnamese officers write dates as dd/mm/yyyy (as the e2e flow does); 01/02/2024 is 1 February
    case = cases[VT1]
    # when
    response = logged_in(client, people["officer"]).post(EVENT_ADD, event_form_data(case, date="01/02/2024"))
    # then: either saved as 1 February, never silently as 2 January
    assert response.status_code == 302, page(response)
    assert case.events.get(sequence=2).date == date(2024, 2, 1)


def test_given_a_colleague_case_when_the_officer_posts_a_payout_then_it_is_refused_and_nothing_written(
        client, cases, people):
    case = cases[VT2]
    before, counts = snapshot(case), totals()
    response = logged_in(client, people["officer"]).post(PAYOUT_ADD, {
        "case": str(case.pk), "paid_on": "2024-03-15", "amount": "100000", "recipient": "Trần Thị B", "note": "",
        "_save": "Lưu lại"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": ["Bạn không có quyền thực hiện thao tác này."]}
    assert snapshot(case) == before
    assert totals() == counts


# ---- other lists that reach cases ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("person", "visible"), [
    ("officer", {VT1, VT2}),
    ("statistician", {VT1, VT2, NB1}),
    ("outsider", {ST1}),
    ("central", set(ALL_CASES)),
])
def test_given_parties_in_several_units_when_a_role_searches_the_party_register_then_only_its_cases_appear(
        client, cases, people, person, visible):
    # given: every case has a debtor called "Nguyễn Văn A"
    response = logged_in(client, people[person]).get("/admin/cases/party/", {"q": "Nguyễn Văn A"})
    # then
    assert response.status_code == 200
    assert {party.case.case_no for party in response.context["cl"].result_list} == visible
    assert {case_no for case_no in ALL_CASES if case_no in page(response)} == visible


def test_given_a_foreign_party_when_its_page_is_opened_then_the_person_is_sent_away(client, cases, people):
    party = cases[VT1].parties.first()
    response = logged_in(client, people["outsider"]).get(f"/admin/cases/party/{party.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


@pytest.mark.parametrize(("person", "query", "visible"), [
    ("officer", {}, {VT1}),
    ("officer", {"scope": "unit"}, {VT1, VT2}),
    ("head", {}, {VT1, VT2}),
    ("outsider", {"scope": "unit"}, {ST1}),
    ("outsider_head", {}, {ST1}),
    ("statistician", {}, {VT1, VT2, NB1}),
])
def test_given_overdue_cases_everywhere_when_a_role_opens_the_deadlines_page_then_only_its_cases_are_listed(
        client, cases, people, person, query, visible):
    response = logged_in(client, people[person]).get("/deadlines/", query)
    assert response.status_code == 200
    assert {item.case.case_no for item in response.context["items"]} == visible
    assert {case_no for case_no in ALL_CASES if case_no in page(response)} == visible


# ---- creating cases through the admin -----------------------------------------------------------------------------

def case_add_data(unit, case_no="THA-NEW-001"):
    return {"case_no": case_no, "decision_no": "1/QĐ-NEW", "accepted_on": "2024-03-01", "received_on": "",
            "notified_on": "", "unit": str(unit.pk), "officer": "", "origin": "theo_yeu_cau", "category": "khac",
            "creditor_bank": "", "amount_due": "2000000", "debtor_name": "Nguyễn Văn A", "debtor_kind": "person",
            "debtor_id_number": "", "debtor_address": "", "creditor_name": "Trần Thị B", "creditor_kind": "person",
            "judgment_court": "", "judgment_no": "", "judgment_date": "", "judgment_type": "dan_su",
            "parties-TOTAL_FORMS": "0", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "1000", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000", "_save": "Lưu lại"}


@pytest.mark.parametrize(("person", "unit_code"), [("officer", "HG-NB"), ("outsider", "HG-VT"), ("head", "ST-A")])
def test_given_a_foreign_unit_when_a_case_is_posted_for_it_then_it_is_refused_and_nothing_written(
        client, cases, org, people, person, unit_code):
    counts = totals()
    response = logged_in(client, people[person]).post(CASE_ADD, case_add_data(org[unit_code]))
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert totals() == counts
    assert not Case.objects.filter(case_no="THA-NEW-001").exists()


def test_given_their_own_unit_when_the_officer_posts_a_case_then_it_is_created_and_assigned_to_them(
        client, cases, org, people):
    response = logged_in(client, people["officer"]).post(CASE_ADD, case_add_data(org["HG-VT"]))
    assert response.status_code == 302, page(response)
    case = Case.objects.get(case_no="THA-NEW-001")
    assert (case.unit_id, case.officer_id, case.parties.count()) == (org["HG-VT"].pk, people["officer"].pk, 2)


def test_given_the_officer_when_the_add_form_is_opened_then_only_their_unit_is_offered(client, cases, org, people):
    response = logged_in(client, people["officer"]).get(CASE_ADD)
    assert response.status_code == 200
    units = {unit.code for unit in response.context["adminform"].form.fields["unit"].queryset}
    assert units == {"HG-VT"}


# ---- officer profiles (thads/org/admin.py) -------------------------------------------------------------------------

def test_given_the_other_province_head_when_the_officer_list_is_opened_then_only_its_people_are_listed(
        client, people):
    response = logged_in(client, people["outsider_head"]).get("/admin/org/officerprofile/")
    assert response.status_code == 200
    assert {profile.user.username for profile in response.context["cl"].result_list} == {"outsider",
                                                                                            "outsider_head"}


def test_given_the_province_statistician_when_the_officer_list_is_opened_then_no_st_officer_is_listed(
        client, people):
    response = logged_in(client, people["statistician"]).get("/admin/org/officerprofile/")
    assert response.status_code == 200
    assert {profile.user.username for profile in response.context["cl"].result_list} == {
        "officer", "officer2", "head", "province_head", "statistician", "central"}


# ---- language -------------------------------------------------------------------------------------------------------

def test_given_no_language_choice_when_the_admin_index_is_opened_then_it_is_in_vietnamese(client, people):
    response = logged_in(client, people["officer"]).get("/admin/")
    html = page(response)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in html
    assert "Đổi mật khẩu" in html
    assert "Change password" not in html and "Log out" not in html


def test_given_no_language_choice_when_the_admin_index_is_opened_then_the_project_strings_are_in_vietnamese_too(
        client, people):
    # given: the project's own header and title (thads/urls.py) are English msgids, translated in locale/vi/
    response = logged_in(client, people["officer"]).get("/admin/")
    html = page(response)
    # then: none of them is left in English on the Vietnamese page
    assert [text for text in ("THADS — Civil judgment enforcement", "Case administration") if text in html] == []


def test_given_an_english_browser_when_the_admin_index_is_opened_then_it_is_still_in_vietnamese(client, people):
    response = logged_in(client, people["officer"]).get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page(response)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in html
    assert "Đổi mật khẩu" in html
    assert "Change password" not in html and "Log out" not in html


def test_given_the_english_language_cookie_when_the_admin_index_is_opened_then_it_is_in_english(client, people):
    client = logged_in(client, people["officer"])
    client.cookies["django_language"] = "en"
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")
    html = page(response)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in html
    assert "Change password" in html and "Log out" in html
    assert "THADS — Civil judgment enforcement" in html and "Case administration" in html
    assert "Đổi mật khẩu" not in html


def test_given_an_unknown_language_cookie_when_the_admin_index_is_opened_then_it_falls_back_to_vietnamese(
        client, people):
    client = logged_in(client, people["officer"])
    client.cookies["django_language"] = "fr"
    response = client.get("/admin/")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in page(response)
