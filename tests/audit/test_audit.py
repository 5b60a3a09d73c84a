"""The audit trail (issue 14 item 8): every covered write through the services leaves one entry with the actor,
the door it came through and each changed field's value before and after; the entries cannot be changed or
deleted (model, queryset, admin — a superuser included); the case page shows the trail only to people who
read the case."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from banks.services import api_key_create, api_key_revoke
from cases.codes import EventKind, EventSource, PartyRole
from cases.models import CaseEvent
from cases.services import (
    case_event_cancel,
    case_update,
    cases_assign,
    party_add,
    party_correct,
    payout_record,
)
from reports.services import period_close, target_set
from tests.factories import BankFactory, make_case, record
from thads.audit.context import Source, audit_source
from thads.audit.models import Action, AuditEntry, AuditImmutableError
from thads.audit.selectors import audit_entries_for_user, case_audit_trail, change_lines
from thads.org.models import Role, Title
from thads.org.services import officer_profile_save

M = 1_000_000


def only_entry(**filters) -> AuditEntry:
    (entry,) = AuditEntry.objects.filter(**filters)
    return entry



@pytest.fixture(autouse=True)
def _vietnamese():
    """The trail reads in the reader's language: Vietnamese here, whatever an earlier test left active."""
    with translation.override("vi"):
        yield

@pytest.fixture
def case(org, people):
    return make_case(unit=org["HG-VT"], officer=people["officer"], decision_no="1/QĐ-CCTHADS")


@pytest.mark.django_db
def test_case_update_records_each_changed_field_before_and_after_with_actor_and_source(case, people):
    # when: the unit head corrects the decision number and hands the case to another officer, in the admin
    with audit_source(Source.ADMIN):
        case_update(actor=people["head"], case=case, decision_no="2/QĐ-CCTHADS", officer=people["officer2"],
                    judgment_court="")
    # then: one entry, the unchanged field left out
    entry = only_entry(action=Action.CASE_UPDATE)
    assert (entry.actor, entry.actor_name, entry.source, entry.case, entry.unit_id) == (
        people["head"], "head", Source.ADMIN, case, case.unit_id)
    assert entry.changes == {
        "decision_no": {"old": "1/QĐ-CCTHADS", "new": "2/QĐ-CCTHADS"},
        "officer": {"old": people["officer"].pk, "new": people["officer2"].pk,
                    "old_text": "Cán bộ officer (officer)", "new_text": "Cán bộ officer2 (officer2)"}}
    # and it reads in Vietnamese
    assert [(line.label, line.old, line.new) for line in change_lines(entry)] == [
        ("Số quyết định thi hành án", "1/QĐ-CCTHADS", "2/QĐ-CCTHADS"),
        ("Chấp hành viên được phân công", "Cán bộ officer (officer)", "Cán bộ officer2 (officer2)")]
    # and the reassignment is kept for the officer of record on a past day
    (reassignment,) = case.officer_changes.all()
    assert (reassignment.officer_before, reassignment.officer_after, reassignment.changed_by) == (
        people["officer"], people["officer2"], people["head"])


@pytest.mark.django_db
def test_cases_assign_records_one_entry_per_case_moved(org, people):
    moved = make_case(unit=org["HG-VT"], officer=people["officer"])
    already = make_case(unit=org["HG-VT"], officer=people["officer2"])
    # when
    assert cases_assign(actor=people["head"], case_ids=[moved.pk, already.pk], officer=people["officer2"]) == 1
    # then
    entry = only_entry(action=Action.OFFICER_ASSIGN)
    assert (entry.case, entry.actor, entry.source) == (moved, people["head"], Source.SYSTEM)
    assert (entry.changes["officer"]["old"], entry.changes["officer"]["new"]) == (
        people["officer"].pk, people["officer2"].pk)
    assert list(already.officer_changes.all()) == []


@pytest.mark.django_db
def test_party_added_and_corrected_on_the_case_page_records_the_officer(case, people, client):
    # when: the officer adds a debtor on the case page, then corrects its ID number through the service
    client.force_login(people["officer"])
    response = client.post(f"/cases/{case.pk}/parties/add/", {
        "role": PartyRole.DEBTOR, "kind": "person", "name": "Lê Văn C", "id_number": "0123", "address": ""})
    assert response.status_code == 302
    added = only_entry(action=Action.PARTY_ADD)
    party = added.content_type.get_object_for_this_type(pk=added.object_id)
    party_correct(actor=people["officer"], party=party, reason="Sai số CCCD", id_number="0456")
    # then
    assert (added.actor, added.source, added.case) == (people["officer"], Source.PAGE, case)
    assert added.changes == {"role": {"old": None, "new": "debtor"}, "kind": {"old": None, "new": "person"},
                             "name": {"old": None, "new": "Lê Văn C"}, "id_number": {"old": None, "new": "0123"}}
    corrected = only_entry(action=Action.PARTY_CORRECT)
    assert (corrected.actor, corrected.note, corrected.changes) == (
        people["officer"], "Sai số CCCD", {"id_number": {"old": "0123", "new": "0456"}})


@pytest.mark.django_db
def test_payout_records_its_values_and_events_keep_actor_and_door(case, people):
    # given: a collection recorded on the page, then cancelled in the admin
    with audit_source(Source.PAGE):
        collection = record(case, EventKind.THU_TIEN, date(2019, 2, 1), amount=2 * M, actor=people["officer"])
    with audit_source(Source.ADMIN):
        payout = payout_record(actor=people["officer"], case=case, paid_on=date(2019, 2, 5), amount=M,
                               recipient="Trần Thị B", today=date(2026, 11, 28))
    second = record(case, EventKind.THU_TIEN, date(2019, 3, 1), amount=M, actor=people["officer"])
    with audit_source(Source.ADMIN):
        correction = case_event_cancel(actor=people["officer"], case=case, event=second, reason="Nhập nhầm")
    # then: the events are their own record
    assert (collection.recorded_by, collection.source) == (people["officer"], EventSource.WEB)
    assert (second.source, correction.recorded_by, correction.source) == (
        EventSource.SYSTEM, people["officer"], EventSource.ADMIN)
    entry = only_entry(action=Action.PAYOUT_RECORD)
    assert (entry.actor, entry.source, entry.object_id, entry.case) == (
        people["officer"], Source.ADMIN, str(payout.pk), case)
    assert entry.changes == {"paid_on": {"old": None, "new": "2019-02-05"}, "amount": {"old": None, "new": M},
                             "recipient": {"old": None, "new": "Trần Thị B"}}
    assert [(line.label, line.new) for line in change_lines(entry)] == [
        ("Ngày chi trả", "05/02/2019"), ("Số tiền (đồng)", "1.000.000 ₫"), ("Người nhận", "Trần Thị B")]


@pytest.mark.django_db
def test_bank_keys_targets_and_closed_periods_are_audited(org, people):
    bank = BankFactory(code="AGR")
    # when
    with audit_source(Source.ADMIN):
        record_, _key = api_key_create(bank=bank, label="Kết nối", actor=people["central"], scopes=["cases:read"])
        api_key_revoke(key=record_, actor=people["central"])
        api_key_revoke(key=record_, actor=people["central"])  # again: nothing changes, nothing recorded
    target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("80"))
    target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("85.5"))
    target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("85.5"))
    period_close(actor=people["statistician"], unit=org["HG"], end=date(2019, 9, 30), today=date(2019, 10, 15))
    # then
    created = only_entry(action=Action.API_KEY_CREATE)
    assert (created.actor, created.source, created.unit, created.changes["bank"]["new_text"],
            created.changes["scopes"]["new"]) == (people["central"], Source.ADMIN, None, str(bank), ["cases:read"])
    revoked = only_entry(action=Action.API_KEY_REVOKE)
    assert revoked.changes["revoked_at"]["old"] is None and revoked.changes["revoked_at"]["new"]
    targets = list(AuditEntry.objects.filter(action=Action.TARGET_SET).order_by("id"))
    assert [entry.changes["value"] for entry in targets] == [{"old": None, "new": "80.00"},
                                                             {"old": "80.00", "new": "85.50"}]
    closed = only_entry(action=Action.PERIOD_CLOSE)
    assert (closed.actor, closed.unit, closed.changes) == (
        people["statistician"], org["HG"], {"end": {"old": None, "new": "2019-09-30"}})
    # scoping: bank keys only for people who read every unit; HG's entries not for another province's head
    statistics = [Action.API_KEY_CREATE, Action.API_KEY_REVOKE, Action.TARGET_SET, Action.PERIOD_CLOSE]
    assert set(audit_entries_for_user(people["central"]).filter(action__in=statistics)) == {
        created, revoked, *targets, closed}
    assert set(audit_entries_for_user(people["province_head"]).filter(action__in=statistics)) == {*targets, closed}
    assert list(audit_entries_for_user(people["outsider_head"]).filter(action__in=statistics)) == []


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_model_or_the_queryset(case, people):
    case_update(actor=people["officer"], case=case, decision_no="9/QĐ")
    entry = only_entry(action=Action.CASE_UPDATE)
    entry.note = "sửa"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="sửa")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.django_db
def test_the_admin_refuses_change_and_delete_even_to_a_superuser(case, people, client):
    case_update(actor=people["officer"], case=case, decision_no="9/QĐ")
    entry = only_entry(action=Action.CASE_UPDATE)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-123")
    client.force_login(superuser)
    # the list and the entry read
    listing = client.get("/admin/audit/auditentry/")
    assert listing.status_code == 200 and "9/QĐ" in listing.content.decode()
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    # no add, change or delete
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"note": "sửa"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/audit/auditentry/", {"action": "delete_selected",
                                                     "_selected_action": [entry.pk]}).status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk, note="").exists()


@pytest.mark.django_db
def test_the_case_page_shows_the_trail_to_people_in_scope_only(case, people, client):
    # given
    with audit_source(Source.PAGE):
        party_add(actor=people["officer"], case=case, role=PartyRole.CREDITOR, name="Ngân hàng X")
        record(case, EventKind.CO_DIEU_KIEN, date(2019, 2, 1), actor=people["officer"])
    # when: the officer of the case reads its page
    client.force_login(people["officer"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    # then: the trail, in Vietnamese
    assert 'id="audit-trail"' in html
    assert "Thêm đương sự" in html and "Ngân hàng X" in html and "Trang nghiệp vụ" in html
    rows = case_audit_trail(people["officer"], case)
    assert {(row.action, row.actor, row.source) for row in rows} >= {
        ("Ghi sự kiện", "Cán bộ officer (officer)", "Trang nghiệp vụ"),
        ("Thêm đương sự", "Cán bộ officer (officer)", "Trang nghiệp vụ")}
    # another unit's officer gets nothing: no page, no trail, no entry
    client.force_login(people["outsider"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert case_audit_trail(people["outsider"], case) == []
    assert list(audit_entries_for_user(people["outsider"]).filter(case=case)) == []
    assert list(audit_entries_for_user(people["outsider"]).filter(unit=case.unit)) == []
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_an_officers_role_and_unit_changes_are_audited(org, people, client):
    # given: the profile as created (by the system: the fixture)
    created = AuditEntry.objects.filter(action=Action.OFFICER_PROFILE, note="officer2").get()
    assert (created.actor, created.changes["role"], created.changes["unit"]["new_text"]) == (
        None, {"old": None, "new": "officer"}, str(org["HG-VT"]))
    # when: the central administrator makes officer2 the head of Ngã Bảy, in the admin
    with audit_source(Source.ADMIN):
        officer_profile_save(user=people["officer2"], unit=org["HG-NB"], title=Title.THU_TRUONG,
                             role=Role.UNIT_HEAD, full_name="Cán bộ officer2", actor=people["central"])
    # then
    entry = AuditEntry.objects.filter(action=Action.OFFICER_PROFILE, note="officer2").latest("id")
    assert (entry.actor, entry.source, entry.unit) == (people["central"], Source.ADMIN, org["HG-NB"])
    assert set(entry.changes) == {"unit", "title", "role"}
    assert entry.changes["role"] == {"old": "officer", "new": "unit_head"}
    assert [line.label for line in change_lines(entry)] == ["Đơn vị", "Chức danh / ngạch", "Vai trò"]
    # read by the unit's head and the centre, not by a fellow officer nor another province
    for reader, sees in (("head", False), ("province_head", True), ("central", True), ("officer", False),
                         ("outsider_head", False)):
        assert audit_entries_for_user(people[reader]).filter(pk=entry.pk).exists() is sees, reader


@pytest.mark.django_db
@pytest.mark.parametrize(("reader", "sees_hg", "sees_st"), [
    ("officer", True, False), ("head", True, False), ("province_head", True, False),
    ("statistician", True, False), ("central", True, True), ("outsider", False, True),
    ("outsider_head", False, True)])
def test_the_admin_lists_and_opens_only_the_entries_of_the_readers_units(org, people, client, reader, sees_hg,
                                                                         sees_st):
    hg = make_case(unit=org["HG-VT"], officer=people["officer"], case_no="HG-AUDIT-1")
    st = make_case(unit=org["ST-A"], officer=people["outsider"], case_no="ST-AUDIT-1")
    client.force_login(people[reader])
    listing = client.get("/admin/audit/auditentry/?action=case_create")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert ("HG-AUDIT-1" in html, "ST-AUDIT-1" in html) == (sees_hg, sees_st)
    for case, sees in ((hg, sees_hg), (st, sees_st)):
        entry = only_entry(action=Action.CASE_CREATE, case=case)
        assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == (200 if sees else 302)


def test_the_door_is_known_from_the_request_path_a_job_and_a_command():
    from thads.audit.context import current_source, job_finished, job_started, source_of_path

    assert [source_of_path(path) for path in ("/admin/cases/case/1/change/", "/api/v1/cases/", "/cases/1/",
                                              "/dashboard/HG/")] == [Source.ADMIN, Source.API, Source.PAGE,
                                                                      Source.PAGE]
    assert current_source() == Source.SYSTEM  # a service called outside any door
    job_started(task_id="t-1")
    assert current_source() == Source.JOB
    job_finished(task_id="t-1")
    assert current_source() == Source.SYSTEM
    with audit_source(Source.COMMAND):
        assert current_source() == Source.COMMAND
    assert current_source() == Source.SYSTEM
