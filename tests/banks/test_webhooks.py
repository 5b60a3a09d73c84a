"""Webhooks (banks.webhooks, banks.api.webhooks, banks.tasks; docs/api.md «Webhooks»): the documented
verification code, registering and managing endpoints through the API (scoped to the bank), the secret's
rotation, the event-type filter, the pause after the retry window with the bank told, the SSRF guard, the admin."""
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from banks.api.serializers import CHANGE_KINDS
from banks.api.webhooks import BankWebhookCreateSerializer
from banks.models import BankNotice, WebhookDelivery, WebhookEndpoint
from banks.services import api_key_create
from banks.tasks import webhook_deliver, webhooks_dispatch
from banks.webhooks import signing
from banks.webhooks.services import endpoint_deliver, entry_id, webhook_create, webhook_rotate_secret
from banks.webhooks.transport import post, url_check
from cases.codes import Category, EventKind
from cases.models import CaseChange
from cases.services.changes import case_changes_relay
from tests.banks.webhook_receiver import Receiver, documented_verify
from tests.factories import BankFactory, make_case, record
from thads.core.errors import DomainError

HOOKS = "/api/v1/webhooks/"
T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(org, settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 0.01
    agr, vcb = BankFactory(code="AGR"), BankFactory(code="VCB")
    _r, agr_key = api_key_create(bank=agr)
    _r, vcb_key = api_key_create(bank=vcb)
    _r, read_only = api_key_create(bank=agr, scopes=["cases:read", "changes:read"])
    return {"agr": agr, "vcb": vcb, "agr_key": agr_key, "vcb_key": vcb_key, "read_only": read_only, "org": org}


@pytest.fixture
def receiver():
    running = Receiver(verify=documented_verify()).start()
    yield running
    running.stop()


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def api(client, method: str, path: str, key: str, body=None):
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(path, **kwargs, **bearer(key))


def agr_case(world, case_no="AGR-1"):
    return make_case(unit=world["org"]["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=world["agr"],
                     case_no=case_no)


# ---- the documented verification code ----------------------------------------------------------------------

def test_the_documented_code_accepts_a_delivery_signature_and_rejects_tampering_and_stale_timestamps():
    # given: what the sender puts in X-THADS-Signature, by the documented code's own recipe
    verify = documented_verify()
    secret, body = "whsec_test", b'{"cursor":"7","kind":"case_created"}'
    now = int(time.time())
    header = signing.signature_header([secret], body, timestamp=now)
    expected = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()

    # then
    assert header == f"t={now},v1={expected}"
    assert verify(secret, header, body) is True
    assert verify(secret, header, body + b" ") is False  # tampered body
    assert verify(secret, header[:-1] + ("0" if header[-1] != "0" else "1"), body) is False  # tampered signature
    assert verify("whsec_other", header, body) is False  # another secret
    stale = signing.signature_header([secret], body, timestamp=now - 301)
    assert verify(secret, stale, body) is False  # older than 5 minutes: a replay
    assert verify(secret, signing.signature_header([secret], body, timestamp=now - 299), body) is True
    assert verify(secret, signing.signature_header([secret], body, timestamp=now + 301), body) is False
    for garbage in ("", "t=abc,v1=00", f"v1={expected}", f"t={now}", f"t={now},t={now},v1={expected}", "nonsense"):
        assert verify(secret, garbage, body) is False, garbage


def test_during_a_rotation_either_secret_verifies_and_after_the_overlap_only_the_new_one(world, receiver):
    # given
    agr_case(world)
    endpoint, old = webhook_create(bank=world["agr"], url=receiver.url, after=0)
    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        endpoint, new = webhook_rotate_secret(endpoint=endpoint, overlap_hours=1)

        # when: an entry delivered within the overlap, another after it
        endpoint_deliver(endpoint_id=endpoint.pk)
        record(CaseChange.objects.get().case, EventKind.THU_TIEN, datetime(2020, 1, 2).date(), amount=5)
        traveller.shift(timedelta(hours=1, seconds=1))
        endpoint_deliver(endpoint_id=endpoint.pk)
        now = time.time()

    # then
    first, second = receiver.received
    assert first.signature.count("v1=") == 2 and second.signature.count("v1=") == 1
    verify = documented_verify()
    stamp = int(first.signature.split(",")[0][2:])
    assert verify(old, first.signature, first.body, now=stamp) and verify(new, first.signature, first.body, now=stamp)
    stamp = int(second.signature.split(",")[0][2:])
    assert verify(new, second.signature, second.body, now=stamp)
    assert not verify(old, second.signature, second.body, now=stamp)
    assert now - stamp < 2 * 3600


# ---- the API -----------------------------------------------------------------------------------------------

def test_a_bank_registers_an_endpoint_and_sees_the_secret_once(client, world):
    # when
    response = api(client, "post", HOOKS, world["agr_key"], {
        "url": "https://bank.example/hooks", "event_types": ["event_recorded"], "description": "core banking",
        "contact_email": "ops@bank.example"})

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    assert body["url"] == "https://bank.example/hooks" and body["event_types"] == ["event_recorded"]
    assert body["status"] == "active" and body["enabled"] is True and body["last_delivered"] == "0"
    listed = api(client, "get", HOOKS, world["agr_key"]).json()["results"]
    assert [row["id"] for row in listed] == [endpoint.pk] and "secret" not in listed[0]
    assert "secret" not in api(client, "get", f"{HOOKS}{endpoint.pk}/", world["agr_key"]).json()


def test_a_new_endpoint_starts_after_the_newest_entry_unless_told_where(client, world):
    # given
    agr_case(world, "AGR-1")
    agr_case(world, "AGR-2")
    case_changes_relay()  # positions for the rows written so far (as a feed read would give them)
    newest = CaseChange.objects.order_by("-position").first().position

    # when
    default = api(client, "post", HOOKS, world["agr_key"], {"url": "https://bank.example/a"}).json()
    from_start = api(client, "post", HOOKS, world["agr_key"], {"url": "https://bank.example/b", "after": "0"}).json()

    # then
    assert default["last_delivered"] == str(newest) and from_start["last_delivered"] == "0"


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"url": "http://bank.example/hooks"}, "invalid_url", "url"),
    ({"url": "ftp://bank.example/hooks"}, "invalid_url", "url"),
    ({"url": "https://user:pw@bank.example/"}, "invalid_url", "url"),
    ({"url": "not a url"}, "invalid_url", "url"),
    ({"url": "https://bank.example/", "event_types": ["nope"]}, "invalid_request", "event_types"),
    ({"url": "https://bank.example/", "event_types": []}, "invalid_request", "event_types"),
    ({"url": "https://bank.example/", "after": "-1"}, "invalid_request", "after"),
    ({"url": "https://bank.example/", "secret": "mine"}, "invalid_request", "secret"),
    ({}, "invalid_request", "url"),
    # exactly the JSON types and formats of the schema (schemathesis' negative_data_rejection)
    ({"url": "https://\u0084"}, "invalid_url", "url"),
    ({"url": "https://bank.example/ hooks"}, "invalid_url", "url"),
    ({"url": " https://bank.example/"}, "invalid_url", "url"),
    ({"url": "https://ngân-hàng.vn/hooks"}, "invalid_url", "url"),
    ({"url": 5}, "invalid_request", "url"),
    ({"url": "https://bank.example/", "after": 5}, "invalid_request", "after"),
    ({"url": "https://bank.example/", "after": "9" * 19}, "invalid_request", "after"),
    ({"url": "https://bank.example/", "description": 5}, "invalid_request", "description"),
    ({"url": "https://bank.example/", "contact_email": "not-an-address"}, "invalid_request", "contact_email"),
    ({"url": "https://bank.example/", "event_types": "case_created"}, "invalid_request", "event_types"),
])
def test_a_bad_registration_is_400_naming_the_field_and_writes_nothing(client, world, body, code, field):
    response = api(client, "post", HOOKS, world["agr_key"], body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code and response.json()["error"]["field"] == field
    assert WebhookEndpoint.objects.count() == 0


def test_an_address_or_none_is_a_contact_email(client, world):
    for contact in ["ops@bank.example", ""]:
        body = {"url": "https://bank.example/", "contact_email": contact}
        response = api(client, "post", HOOKS, world["agr_key"], body)
        assert response.status_code == 201, response.content
        assert response.json()["contact_email"] == contact


@pytest.mark.parametrize(("suffix", "body", "field"), [
    ("", {"enabled": 0}, "enabled"), ("", {"enabled": "false"}, "enabled"), ("", {"enabled": None}, "enabled"),
    ("", {"description": 1.5}, "description"), ("", {"hooks": 1}, "hooks"),
    ("rotate-secret/", {"overlap_hours": "2"}, "overlap_hours"),
    ("rotate-secret/", {"overlap_hours": 2.0}, "overlap_hours"),
    ("rotate-secret/", {"overlap_hours": True}, "overlap_hours"),
])
def test_a_change_or_rotation_with_a_value_of_the_wrong_json_type_is_400_and_changes_nothing(
        client, world, suffix, body, field):
    endpoint, secret = webhook_create(bank=world["agr"], url="https://bank.example/", description="core")
    method = "patch" if not suffix else "post"
    response = api(client, method, f"{HOOKS}{endpoint.pk}/{suffix}", world["agr_key"], body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.description, endpoint.secret) == (True, "core", secret)


@pytest.mark.parametrize("raw", ["null", "[]", "5"])
def test_a_json_body_that_is_not_an_object_is_400(client, world, raw):
    endpoint, secret = webhook_create(bank=world["agr"], url="https://bank.example/")
    for method, path in [("post", HOOKS), ("patch", f"{HOOKS}{endpoint.pk}/"),
                         ("post", f"{HOOKS}{endpoint.pk}/rotate-secret/")]:
        response = getattr(client, method)(path, raw, content_type="application/json", **bearer(world["agr_key"]))
        assert response.status_code == 400, (method, path, response.content)
        assert response.json()["error"]["code"] == "invalid_request"
    assert WebhookEndpoint.objects.get().secret == secret


def test_the_webhook_paths_need_the_webhooks_manage_scope(client, world):
    endpoint, _secret = webhook_create(bank=world["agr"], url="https://bank.example/")
    for method, path in [("get", HOOKS), ("post", HOOKS), ("get", f"{HOOKS}{endpoint.pk}/"),
                         ("delete", f"{HOOKS}{endpoint.pk}/"), ("get", f"{HOOKS}{endpoint.pk}/deliveries/"),
                         ("post", f"{HOOKS}{endpoint.pk}/rotate-secret/")]:
        response = api(client, method, path, world["read_only"], {} if method == "post" else None)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "insufficient_scope"
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_another_banks_endpoint_is_not_found_and_untouched(client, world):
    endpoint, _secret = webhook_create(bank=world["agr"], url="https://bank.example/")
    vcb = world["vcb_key"]
    assert api(client, "get", HOOKS, vcb).json()["results"] == []
    for method, path, body in [("get", f"{HOOKS}{endpoint.pk}/", None), ("patch", f"{HOOKS}{endpoint.pk}/", {}),
                               ("delete", f"{HOOKS}{endpoint.pk}/", None),
                               ("post", f"{HOOKS}{endpoint.pk}/rotate-secret/", {}),
                               ("post", f"{HOOKS}{endpoint.pk}/resume/", None),
                               ("get", f"{HOOKS}{endpoint.pk}/deliveries/", None),
                               ("get", f"{HOOKS}99999999999999999999/", None)]:
        response = api(client, method, path, vcb, body)
        assert response.status_code == 404, (method, path, response.content)
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_patch_rotate_and_delete(client, world):
    # given
    created = api(client, "post", HOOKS, world["agr_key"], {"url": "https://bank.example/"}).json()
    path = f"{HOOKS}{created['id']}/"

    # when / then: a change of some fields keeps the others
    changed = api(client, "patch", path, world["agr_key"], {"event_types": ["case_created"], "enabled": False})
    assert changed.status_code == 200, changed.content
    assert changed.json()["event_types"] == ["case_created"] and changed.json()["status"] == "disabled"
    assert changed.json()["url"] == "https://bank.example/"
    refused = api(client, "patch", path, world["agr_key"], {"url": "http://bank.example/"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_url"
    assert WebhookEndpoint.objects.get().url == "https://bank.example/"

    # a rotation: a new secret, the old one signing for the overlap
    rotated = api(client, "post", f"{path}rotate-secret/", world["agr_key"], {"overlap_hours": 2})
    assert rotated.status_code == 200, rotated.content
    endpoint = WebhookEndpoint.objects.get()
    assert rotated.json()["secret"] == endpoint.secret != created["secret"] == endpoint.previous_secret
    assert rotated.json()["previous_secret_expires_at"] is not None
    bad = api(client, "post", f"{path}rotate-secret/", world["agr_key"], {"overlap_hours": 169})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "overlap_hours"
    assert WebhookEndpoint.objects.get().secret == endpoint.secret

    # deletion
    assert api(client, "delete", path, world["agr_key"]).status_code == 204
    assert not WebhookEndpoint.objects.exists()


# ---- delivery ----------------------------------------------------------------------------------------------

def test_only_the_chosen_event_types_are_sent_and_the_body_is_the_feed_entry(client, world, receiver):
    # given: an endpoint for accepted cases only
    endpoint, secret = webhook_create(bank=world["agr"], url=receiver.url, event_types=["case_created"], after=0)
    receiver.secret = secret
    case = agr_case(world)
    record(case, EventKind.THU_TIEN, datetime(2020, 1, 2).date(), amount=5)
    agr_case(world, "AGR-2")

    # when
    webhooks_dispatch.delay()

    # then: the two case_created entries, exactly as the feed shows them; the event entry skipped
    feed = client.get("/api/v1/changes/", **bearer(world["agr_key"])).json()["results"]
    assert [json.loads(message.body) for message in receiver.received] == [feed[0], feed[2]]
    changes = CaseChange.objects.filter(kind="case_created").order_by("id")
    assert [message.delivery_id for message in receiver.received] == [entry_id(change) for change in changes]
    assert all(message.verified and message.event == "case_created" for message in receiver.received)
    endpoint.refresh_from_db()
    assert str(endpoint.last_delivered) == feed[2]["cursor"]
    log = api(client, "get", f"{HOOKS}{endpoint.pk}/deliveries/", world["agr_key"]).json()["results"]
    assert [(row["entry_id"], row["attempt"], row["status_code"], row["succeeded"]) for row in log] == [
        (entry_id(changes[1]), 1, 200, True), (entry_id(changes[0]), 1, 200, True)]


def test_a_failing_receiver_is_retried_with_backoff_then_paused_after_24_hours_and_the_bank_told(
        client, world, receiver, settings, mailoutbox, django_capture_on_commit_callbacks):
    # given: a receiver answering 500
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30
    receiver.status = 500
    agr_case(world)
    endpoint, _secret = webhook_create(bank=world["agr"], url=receiver.url, after=0,
                                       contact_email="ops@bank.example")
    with time_machine.travel(T0, tick=False) as traveller:
        # when: the first attempt, and one too early
        assert webhook_deliver.delay(endpoint.pk).get()["retry_in"] == 30
        assert endpoint_deliver(endpoint_id=endpoint.pk)["state"] == "busy"
        waits = [30]
        # retries as each falls due, for 24 hours
        for _ in range(40):
            endpoint.refresh_from_db()
            if endpoint.paused_at is not None:
                break
            traveller.move_to(endpoint.next_attempt_at)
            with django_capture_on_commit_callbacks(execute=True):
                result = endpoint_deliver(endpoint_id=endpoint.pk)
            waits.append(result.get("retry_in"))

    # then: 30 s, 1 min, 2 min… at most an hour apart; paused at the first attempt 24 h after the first failure
    assert waits[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600] and set(waits[8:-1]) == {3600}
    assert waits[-1] is None and endpoint.paused_at >= T0 + timedelta(hours=24)
    assert endpoint.paused_at - timedelta(hours=1) < T0 + timedelta(hours=24)
    attempts = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert attempts.count() == len(waits) and not attempts.filter(succeeded=True).exists()
    assert set(attempts.values_list("status_code", flat=True)) == {500}
    notice = BankNotice.objects.get()
    assert notice.bank == world["agr"] and notice.webhook == endpoint and receiver.url in notice.message
    me = api(client, "get", "/api/v1/me/", world["agr_key"]).json()
    assert me["notices"] == [{"kind": "webhook_paused", "message": notice.message, "webhook": endpoint.pk,
                              "created_at": me["notices"][0]["created_at"]}]
    assert [mail.to for mail in mailoutbox] == [["ops@bank.example"]] and receiver.url in mailoutbox[0].body
    shown = api(client, "get", f"{HOOKS}{endpoint.pk}/", world["agr_key"]).json()
    assert shown["status"] == "paused" and shown["paused_reason"]
    assert webhooks_dispatch.delay().get() == 0  # a paused endpoint is left alone

    # and when the receiver is fixed and the bank resumes: the same entry, delivered
    receiver.status = 200
    resumed = api(client, "post", f"{HOOKS}{endpoint.pk}/resume/", world["agr_key"])
    assert resumed.status_code == 200 and resumed.json()["status"] == "active"
    assert webhooks_dispatch.delay().get() == 1
    ids = [message.delivery_id for message in receiver.received]
    assert len(set(ids)) == 1 and len(ids) == len(waits) + 1
    endpoint.refresh_from_db()
    # (last_delivered is a feed position, the delivery id the entry's row id: equal only on a fresh SQLite)
    assert endpoint.last_delivered == CaseChange.objects.get(pk=int(ids[0])).position and endpoint.paused_at is None


def test_two_runs_never_deliver_to_one_endpoint_at_once(world, receiver):
    agr_case(world)
    endpoint, _secret = webhook_create(bank=world["agr"], url=receiver.url, after=0)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=datetime.now(UTC) + timedelta(minutes=1))
    assert endpoint_deliver(endpoint_id=endpoint.pk) == {"state": "busy", "delivered": 0}
    assert receiver.received == []
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=datetime.now(UTC) - timedelta(seconds=1))
    assert endpoint_deliver(endpoint_id=endpoint.pk) == {"state": "idle", "delivered": 1}


# ---- SSRF and the URL rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://127.0.0.1/", "https://localhost/", "https://10.1.2.3/",
                                 "https://192.168.0.10:8443/", "https://169.254.169.254/latest/",
                                 "https://[::1]/", "https://[::ffff:10.0.0.1]/", "https://0.0.0.0/",
                                 "http://127.0.0.1:8000/"])
def test_in_production_private_addresses_are_refused(settings, url):
    settings.WEBHOOK_BLOCK_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    with pytest.raises(DomainError) as refused:
        url_check(url)
    assert refused.value.code == "invalid_url" and refused.value.field == "url"


def test_in_production_a_public_address_is_accepted_and_delivery_rechecks_the_address(settings):
    settings.WEBHOOK_BLOCK_PRIVATE_ADDRESSES = True
    assert url_check("https://93.184.215.14/hooks") == "https://93.184.215.14/hooks"
    # a stored URL that now points inside (or an edited row) is not connected to
    with translation.override("en"):
        outcome = post("https://127.0.0.1:1/", b"{}", {})
    assert outcome.status_code is None and "private" in outcome.error  # refused, not "connection refused"


def test_http_to_localhost_only_where_allowed(settings):
    settings.WEBHOOK_BLOCK_PRIVATE_ADDRESSES = False
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    assert url_check("http://127.0.0.1:9999/x") == "http://127.0.0.1:9999/x"
    with pytest.raises(DomainError):
        url_check("http://bank.example/")
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    with pytest.raises(DomainError):
        url_check("http://127.0.0.1:9999/x")


def test_the_event_types_offered_are_the_change_kinds():
    offered = BankWebhookCreateSerializer().fields["event_types"].child.choices
    assert list(offered) == list(CaseChange.Kind.values) == [value for value, _label in CHANGE_KINDS]


# ---- admin -------------------------------------------------------------------------------------------------

def test_the_admin_registers_an_endpoint_showing_the_secret_once_and_the_log_is_read_only(admin_client, world):
    response = admin_client.post("/admin/banks/webhookendpoint/add/", {
        "bank": world["agr"].pk, "url": "https://bank.example/h", "description": "",
        "event_types": ["case_created", "event_recorded"], "contact_email": ""}, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in admin_client.get(f"/admin/banks/webhookendpoint/{endpoint.pk}/change/")\
        .content.decode()
    refused = admin_client.post("/admin/banks/webhookendpoint/add/", {
        "bank": world["agr"].pk, "url": "http://bank.example/h", "event_types": ["case_created"]})
    assert refused.status_code == 200 and WebhookEndpoint.objects.count() == 1
    WebhookDelivery.objects.create(endpoint=endpoint, entry_id="1", kind="case_created", case_no="AGR-1", attempt=1,
                                   attempted_at=T0, status_code=500, latency_ms=12, succeeded=False, error="HTTP 500")
    assert admin_client.get("/admin/banks/webhookdelivery/").status_code == 200
    assert admin_client.get("/admin/banks/webhookdelivery/add/").status_code == 403
    row = WebhookDelivery.objects.get()
    page = admin_client.get(f"/admin/banks/webhookdelivery/{row.pk}/change/")
    assert page.status_code == 200 and b'name="error"' not in page.content


def test_patch_enabled_true_lifts_a_pause_and_an_eleventh_endpoint_is_409(client, world):
    # given: a paused endpoint
    endpoint, _secret = webhook_create(bank=world["agr"], url="https://bank.example/0")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_at=T0, paused_reason="x", failing_since=T0,
                                                          failed_attempts=9)

    # when
    response = api(client, "patch", f"{HOOKS}{endpoint.pk}/", world["agr_key"], {"enabled": True})

    # then
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert response.json()["failed_attempts"] == 0 and response.json()["paused_at"] is None
    for n in range(1, 10):
        webhook_create(bank=world["agr"], url=f"https://bank.example/{n}")
    refused = client.post(HOOKS, data=json.dumps({"url": "https://bank.example/10"}),
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(world["agr_key"]))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "too_many_webhooks"
    assert refused.json()["error"]["message"] == "A bank may register at most 10 webhook endpoints."
    assert WebhookEndpoint.objects.count() == 10
