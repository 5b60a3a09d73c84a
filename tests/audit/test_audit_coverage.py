"""The audit trail beyond the cases' own writes (issue 14 item 8): an event's cancellation with the cancelled
event's values, the dialogues (session and agenda), the units, an administrator's login unlock and the banks'
webhook endpoints each leave an entry with the actor, the door and the values before and after."""
import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from banks.services import api_key_create
from banks.webhooks.services import (
    webhook_create,
    webhook_delete,
    webhook_resume,
    webhook_rotate_secret,
    webhook_update,
)
from cases.codes import EventKind
from cases.services import case_event_cancel
from dialogues.models import IssueCategory
from dialogues.services import (
    BankData,
    agenda_accept,
    agenda_add,
    agenda_item_update,
    agenda_remove,
    session_close,
    session_create,
    session_hold,
)
from tests.audit.helpers import last_entry, old_new, who
from tests.dialogues.histories import bank_case, banks  # noqa: F401 (fixtures)
from tests.factories import BankFactory, make_case, record
from thads.audit.context import Source, audit_source
from thads.audit.models import Action, AuditEntry
from thads.audit.selectors import audit_entries_for_user, case_audit_trail, change_lines
from thads.org.models import LoginLockout, Unit, UnitLevel
from thads.org.services import login_lockout_record, login_unlock, unit_save

M = 1_000_000
HELD_ON = date(2019, 4, 26)


# ---- an event cancelled -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_cancellation_records_the_cancelled_events_values_and_the_case_before_and_after(org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], amount_due=10 * M)
    record(case, EventKind.CO_DIEU_KIEN, date(2019, 2, 1), actor=people["officer"])
    collection = record(case, EventKind.THU_TIEN, date(2019, 3, 1), amount=2 * M, actor=people["officer"])
    case.refresh_from_db()
    with audit_source(Source.ADMIN):
        case_event_cancel(actor=people["head"], case=case, event=collection, reason="Nhập nhầm số tiền")
    entry = last_entry(Action.EVENT_CANCEL)
    assert (who(entry), entry.object_id, entry.note) == (
        (people["head"], Source.ADMIN, case.pk, case.unit_id), str(collection.pk), "Nhập nhầm số tiền")
    assert old_new(entry) == {"kind": ("thu_tien", None), "date": ("2019-03-01", None), "amount": (2 * M, None),
                              "status_after": ("with_conditions", "with_conditions"),
                              "remaining_after": (8 * M, 10 * M)}
    # on the case page: one row for the cancellation (the entry), with the cancelled event's values
    rows = [row for row in case_audit_trail(people["officer"], case) if row.action == "Hủy sự kiện"]
    assert len(rows) == 1
    assert [(line.old, line.new) for line in rows[0].changes][:3] == [
        ("01/03/2019", "—"), ("Thu tiền", "—"), ("2.000.000 ₫", "—")]


# ---- dialogues ----------------------------------------------------------------------------------------------

@pytest.fixture
def session(people, org, banks):  # noqa: F811 (the fixture imported above)
    with audit_source(Source.PAGE):
        return session_create(actor=people["province_head"], organiser=org["HG"], held_on=HELD_ON,
                              place="Hội trường Cục THADS", banks=[BankData(banks["AGR"], "Ông Lê Văn C")])


@pytest.mark.django_db
def test_a_dialogue_planned_is_recorded_for_the_organising_unit(session, people, org, banks,  # noqa: F811
                                                                 client):
    entry = last_entry(Action.SESSION_CREATE)
    assert who(entry) == (people["province_head"], Source.PAGE, None, org["HG"].pk)
    assert old_new(entry) == {"held_on": (None, "2019-04-26"), "place": (None, "Hội trường Cục THADS"),
                              "status": (None, "planned"), "banks": (None, [banks["AGR"].pk])}
    assert [(line.label, line.new) for line in change_lines(entry)][-1] == ("Ngân hàng", str(banks["AGR"].pk))
    client.force_login(people["central"])  # and the admin lists it (a changed key that is no field reads too)
    assert "Lập kế hoạch đối thoại" in client.get("/admin/audit/auditentry/").content.decode()


@pytest.mark.django_db
def test_holding_and_closing_a_dialogue_are_recorded(session, people, org):
    with audit_source(Source.ADMIN):
        session_hold(actor=people["province_head"], session=session, notes="Có mặt đủ")
        session_close(actor=people["province_head"], session=session)
    held, closed = last_entry(Action.SESSION_HOLD), last_entry(Action.SESSION_CLOSE)
    assert who(held) == who(closed) == (people["province_head"], Source.ADMIN, None, org["HG"].pk)
    assert (old_new(held)["status"], old_new(held)["notes"], old_new(held)["held_at"][0]) == (
        ("planned", "held"), ("", "Có mặt đủ"), None)
    assert old_new(closed)["status"] == ("held", "closed") and old_new(closed)["closed_at"][1]


@pytest.mark.django_db
def test_agenda_items_added_accepted_updated_and_removed_are_recorded_on_their_case(session, people,
                                                                                     bank_case):  # noqa: F811
    head = people["province_head"]
    stuck = bank_case(accepted_on=date(2018, 6, 1))
    with audit_source(Source.PAGE):
        (accepted,) = agenda_accept(actor=head, session=session)
        added = agenda_add(actor=head, session=session, case=bank_case(), issue_category=IssueCategory.INTEREST_WAIVER)
        agenda_item_update(actor=head, item=accepted, discussion="Ngân hàng đề nghị định giá lại")
        agenda_item_update(actor=head, item=accepted, discussion="Ngân hàng đề nghị định giá lại")  # no change
        agenda_remove(actor=head, item=added, reason="Đã thỏa thuận")
    first, second = AuditEntry.objects.filter(action=Action.AGENDA_ADD).order_by("id")
    assert who(first) == (head, Source.PAGE, stuck.pk, stuck.unit_id)
    assert old_new(first)["rank"] == (None, 1) and old_new(first)["session"] == (None, session.pk)
    assert (second.case_id, old_new(second)["issue_category"]) == (added.case_id, (None, "interest_waiver"))
    (updated,) = AuditEntry.objects.filter(action=Action.AGENDA_UPDATE)
    assert (who(updated), old_new(updated)) == ((head, Source.PAGE, stuck.pk, stuck.unit_id), {
        "discussion": ("", "Ngân hàng đề nghị định giá lại")})
    removed = last_entry(Action.AGENDA_REMOVE)
    assert (who(removed), old_new(removed)) == ((head, Source.PAGE, added.case_id, added.case.unit_id), {
        "removed": (False, True), "removed_reason": ("", "Đã thỏa thuận")})


# ---- organisation -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_unit_created_and_corrected_in_the_admin_is_recorded(org, people, client):
    client.force_login(people["central"])
    response = client.post("/admin/org/unit/add/", {
        "code": "HG-PH", "name": "Chi cục THADS huyện Phụng Hiệp", "level": UnitLevel.DISTRICT,
        "parent": org["HG"].pk, "valid_from": "01/01/2016", "valid_to": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="HG-PH")
    created = last_entry(Action.UNIT_SAVE)
    assert who(created) == (people["central"], Source.ADMIN, None, unit.pk)
    assert old_new(created) == {"code": (None, "HG-PH"), "name": (None, "Chi cục THADS huyện Phụng Hiệp"),
                                "level": (None, "district"), "parent": (None, org["HG"].pk),
                                "valid_from": (None, "2016-01-01")}
    unit.valid_to = date(2025, 6, 30)
    unit_save(unit=unit, actor=people["central"])
    unit_save(unit=unit, actor=people["central"])  # nothing changed, nothing recorded
    corrected = last_entry(Action.UNIT_SAVE)
    assert old_new(corrected) == {"valid_to": (None, "2025-06-30")}
    assert AuditEntry.objects.filter(action=Action.UNIT_SAVE).count() == 2


@pytest.mark.django_db
def test_an_administrators_login_unlock_is_recorded_for_each_lockout(people):
    until = timezone.now() + timedelta(minutes=15)
    lockout = login_lockout_record(username="officer", ip_address="10.0.0.1", reason="account", failures=5,
                                   until=until)
    with audit_source(Source.ADMIN):
        assert login_unlock(actor=people["central"], username="officer") == 1
    entry = last_entry(Action.LOGIN_UNLOCK)
    assert (who(entry), entry.object_id) == ((people["central"], Source.ADMIN, None, None), str(lockout.pk))
    lockout.refresh_from_db()
    assert old_new(entry) == {"unlocked_at": (None, lockout.unlocked_at.isoformat()), "unlocked_via": ("", "admin")}
    # the administrators read it, an officer does not
    assert audit_entries_for_user(people["central"]).filter(pk=entry.pk).exists()
    assert not audit_entries_for_user(people["head"]).filter(pk=entry.pk).exists()
    assert login_unlock(actor=people["central"], username="officer") == 0  # nothing left to lift
    assert AuditEntry.objects.filter(action=Action.LOGIN_UNLOCK).count() == 1
    assert LoginLockout.objects.filter(unlocked_at__isnull=True).count() == 0


# ---- webhook endpoints ----------------------------------------------------------------------------------------

@pytest.fixture
def agr():
    return BankFactory(code="AGR")


@pytest.mark.django_db
def test_a_webhook_registered_in_the_admin_is_a_bank_level_entry_without_the_secret(agr, people):
    with audit_source(Source.ADMIN):
        endpoint, secret = webhook_create(bank=agr, url="https://bank.example/hook", event_types=["case_created"],
                                          actor=people["central"])
    entry = last_entry(Action.WEBHOOK_CREATE)
    assert (who(entry), entry.object_id) == ((people["central"], Source.ADMIN, None, None), str(endpoint.pk))
    assert old_new(entry) == {"bank": (None, agr.pk), "url": (None, "https://bank.example/hook"),
                              "event_types": (None, ["case_created"]), "enabled": (None, True)}
    assert secret not in json.dumps(entry.changes)
    assert not audit_entries_for_user(people["province_head"]).filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_webhook_changed_is_recorded_and_nothing_when_unchanged(agr, people):
    endpoint, _secret = webhook_create(bank=agr, url="https://bank.example/hook")
    with audit_source(Source.ADMIN):
        webhook_update(endpoint=endpoint, url="https://bank.example/v2", enabled=False, actor=people["central"])
        webhook_update(endpoint=endpoint, url="https://bank.example/v2", actor=people["central"])
    (entry,) = AuditEntry.objects.filter(action=Action.WEBHOOK_UPDATE)
    assert (who(entry), old_new(entry)) == ((people["central"], Source.ADMIN, None, None), {
        "url": ("https://bank.example/hook", "https://bank.example/v2"), "enabled": (True, False)})


@pytest.mark.django_db
def test_a_webhooks_secret_rotated_is_recorded_without_either_secret(agr, people):
    endpoint, old = webhook_create(bank=agr, url="https://bank.example/hook")
    with audit_source(Source.ADMIN):
        _endpoint, new = webhook_rotate_secret(endpoint=endpoint, overlap_hours=2, actor=people["central"])
    entry = last_entry(Action.WEBHOOK_ROTATE)
    assert who(entry) == (people["central"], Source.ADMIN, None, None)
    assert list(old_new(entry)) == ["previous_secret_expires_at"] and old_new(entry)["previous_secret_expires_at"][1]
    assert old not in json.dumps(entry.changes) and new not in json.dumps(entry.changes)


@pytest.mark.django_db
def test_a_paused_webhook_resumed_is_recorded(agr, people):
    endpoint, _secret = webhook_create(bank=agr, url="https://bank.example/hook")
    type(endpoint).objects.filter(pk=endpoint.pk).update(paused_at=timezone.now(), paused_reason="HTTP 500",
                                                         failed_attempts=7)
    with audit_source(Source.ADMIN):
        webhook_resume(endpoint=endpoint, actor=people["central"])
    entry = last_entry(Action.WEBHOOK_RESUME)
    assert who(entry) == (people["central"], Source.ADMIN, None, None)
    assert (old_new(entry)["paused_reason"], old_new(entry)["failed_attempts"], old_new(entry)["paused_at"][1]) == (
        ("HTTP 500", ""), (7, 0), None)


@pytest.mark.django_db
def test_a_webhook_deleted_keeps_its_values_in_the_trail(agr, people):
    endpoint, _secret = webhook_create(bank=agr, url="https://bank.example/hook", description="Kho dữ liệu")
    with audit_source(Source.ADMIN):
        webhook_delete(endpoint=endpoint, actor=people["central"])
    entry = last_entry(Action.WEBHOOK_DELETE)
    assert (who(entry), entry.object_id) == ((people["central"], Source.ADMIN, None, None), str(endpoint.pk))
    assert {name: old_new(entry)[name] for name in ("bank", "url", "description")} == {
        "bank": (agr.pk, None), "url": ("https://bank.example/hook", None), "description": ("Kho dữ liệu", None)}


@pytest.mark.django_db
def test_webhook_writes_through_the_api_name_the_banks_key(agr, client):
    cache.clear()
    record_, key = api_key_create(bank=agr)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    created = client.post("/api/v1/webhooks/", json.dumps({"url": "https://bank.example/hook"}), **auth)
    assert created.status_code == 201, created.content
    endpoint_id = created.json()["id"]
    assert client.patch(f"/api/v1/webhooks/{endpoint_id}/", json.dumps({"description": "Mới"}),
                        **auth).status_code == 200
    assert client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret/", json.dumps({}), **auth).status_code == 200
    assert client.delete(f"/api/v1/webhooks/{endpoint_id}/", **auth).status_code == 204
    entries = list(AuditEntry.objects.filter(object_id=str(endpoint_id), action__startswith="webhook_").order_by("id"))
    assert [entry.action for entry in entries] == [Action.WEBHOOK_CREATE, Action.WEBHOOK_UPDATE,
                                                   Action.WEBHOOK_ROTATE, Action.WEBHOOK_DELETE]
    assert {(entry.actor, entry.actor_name, entry.source) for entry in entries} == {
        (None, f"bank:AGR key {record_.prefix}…", Source.API)}
    assert old_new(entries[1]) == {"description": ("", "Mới")}
