"""GET /api/v1/me, key scopes and key expiry (banks/models.py ApiKey, banks/services.py, thads/api/authentication.py,
create_bank_key)."""
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command

from banks.models import ApiKey, ApiScope
from banks.services import api_key_authenticate, api_key_create
from cases.codes import Category
from tests.factories import BankFactory, make_case
from thads.core.errors import DomainError

LIST, DETAIL, CHANGES, ME = "/api/v1/cases/", "/api/v1/cases/AGR-1/", "/api/v1/changes/", "/api/v1/me/"
T0 = datetime(2026, 11, 30, 10, 0, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def banks(org):
    agr = BankFactory(code="AGR", name="Ngân hàng Nông nghiệp")
    vcb = BankFactory(code="VCB", name="Ngân hàng Ngoại thương")
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=agr, case_no="AGR-1")
    return {"agr": agr, "vcb": vcb}


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# ---- /me -----------------------------------------------------------------------------------------------------

def test_given_a_key_then_me_tells_its_bank_label_scopes_expiry_and_limits(client, banks, settings):
    # given
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"bank_burst": "120/min", "bank_sustained": "50000/day"}}
    with time_machine.travel(T0, tick=False):
        record, key = api_key_create(bank=banks["agr"], label="Đối soát", scopes=["changes:read", "cases:read"],
                                     expires_at=T0 + timedelta(days=30))

        # when
        client.get(LIST, **bearer(key))
        response = client.get(ME, **bearer(key))

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {
        "bank": {"code": "AGR", "name": "Ngân hàng Nông nghiệp"},
        "key": {"prefix": record.prefix, "label": "Đối soát", "scopes": ["cases:read", "changes:read"],
                "created_at": "2026-11-30T17:00:20+07:00", "expires_at": "2026-12-30T17:00:20+07:00"},
        "limits": [{"name": "burst", "limit": 120, "window_seconds": 60, "remaining": 118, "reset_seconds": 40},
                   {"name": "sustained", "limit": 50000, "window_seconds": 86400, "remaining": 49998,
                    "reset_seconds": 50380}],
        "notices": []}


@pytest.mark.parametrize("scopes", [["webhooks:manage"], ["dialogues:write"]])
def test_given_a_key_of_another_bank_or_with_any_scope_then_me_answers_for_that_key(client, banks, scopes):
    _record, key = api_key_create(bank=banks["vcb"], scopes=scopes)
    body = client.get(ME, **bearer(key)).json()
    assert body["bank"]["code"] == "VCB" and body["key"]["scopes"] == scopes and body["key"]["expires_at"] is None


def test_given_no_key_then_me_is_401(client, banks):
    assert client.get(ME).status_code == 401


# ---- scopes --------------------------------------------------------------------------------------------------------

def test_given_a_key_created_without_scopes_then_it_holds_every_scope(banks):
    record, _key = api_key_create(bank=banks["agr"])
    assert record.scopes == ["cases:read", "changes:read", "webhooks:manage", "dialogues:write"]


@pytest.mark.parametrize(("scopes", "allowed", "refused_scope"), [
    (["changes:read"], {CHANGES, ME}, "cases:read"),
    (["cases:read"], {LIST, DETAIL, ME}, "changes:read"),
    (["webhooks:manage"], {ME}, None),
])
def test_given_a_key_lacking_a_scope_then_403_naming_it_and_the_rest_is_served(
        client, banks, scopes, allowed, refused_scope):
    # given
    _record, key = api_key_create(bank=banks["agr"], scopes=scopes)

    # when
    responses = {url: client.get(url, **bearer(key)) for url in (LIST, DETAIL, CHANGES, ME)}

    # then
    assert {url for url, r in responses.items() if r.status_code == 200} == allowed
    for url, response in responses.items():
        if url in allowed:
            continue
        assert response.status_code == 403
        error = response.json()["error"]
        needed = "changes:read" if url == CHANGES else "cases:read"
        assert error["code"] == "insufficient_scope"
        assert f"«{needed}»" in error["message"]
        assert response["WWW-Authenticate"] == f'Bearer error="insufficient_scope", scope="{needed}"'
    if refused_scope:
        assert any(f"«{refused_scope}»" in r.json()["error"]["message"] for r in responses.values()
                   if r.status_code == 403)


def test_given_a_scope_missing_then_the_english_message_names_it(client, banks):
    _record, key = api_key_create(bank=banks["agr"], scopes=["changes:read"])
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en", **bearer(key))
    assert response.json()["error"]["message"] == (
        "This API key lacks the scope «cases:read» this endpoint needs; ask the enforcement agency for a key with it.")


@pytest.mark.parametrize("scopes", [["cases:write"], ["cases:read", "admin"], [], [" "]])
def test_given_unknown_or_no_scopes_then_no_key_is_created(banks, scopes):
    with pytest.raises(DomainError):
        api_key_create(bank=banks["agr"], scopes=scopes)
    assert not ApiKey.objects.exists()


# ---- expiry ---------------------------------------------------------------------------------------------------------

def test_given_a_key_that_expires_then_it_works_until_that_moment_and_is_then_401_key_expired(client, banks):
    # given
    with time_machine.travel(T0, tick=False):
        record, key = api_key_create(bank=banks["agr"], expires_at=T0 + timedelta(hours=1))

    # when / then: a second before
    with time_machine.travel(T0 + timedelta(hours=1, seconds=-1), tick=False):
        assert client.get(LIST, **bearer(key)).status_code == 200
        assert api_key_authenticate(key) == record
    used = ApiKey.objects.get(pk=record.pk).last_used_at

    # when / then: at the moment and after, on every endpoint
    for later in (timedelta(hours=1), timedelta(days=400)):
        with time_machine.travel(T0 + later, tick=False):
            for url in (LIST, DETAIL, CHANGES, ME):
                response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **bearer(key))
                assert response.status_code == 401
                error = response.json()["error"]
                assert error["code"] == "key_expired"
                assert error["message"] == ("This API key expired on 2026-11-30 18:00 (+0700); ask the enforcement "
                                            "agency for a new key.")
                assert response["WWW-Authenticate"] == "Bearer"
            assert api_key_authenticate(key) is None
    # an expired key's use is not recorded
    assert ApiKey.objects.get(pk=record.pk).last_used_at == used


def test_given_an_expired_key_then_the_vietnamese_message_says_so(client, banks):
    with time_machine.travel(T0, tick=False):
        _record, key = api_key_create(bank=banks["agr"], expires_at=T0 + timedelta(minutes=1))
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        message = client.get(LIST, **bearer(key)).json()["error"]["message"]
    assert message.startswith("Khóa API này đã hết hạn lúc 2026-11-30 17:01")


def test_given_an_expiry_in_the_past_then_no_key_is_created(banks):
    with pytest.raises(DomainError):
        api_key_create(bank=banks["agr"], expires_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert not ApiKey.objects.exists()


# ---- create_bank_key ------------------------------------------------------------------------------------------------

def run(*args) -> str:
    out = StringIO()
    call_command("create_bank_key", *args, stdout=out)
    return out.getvalue()


def test_given_scopes_and_an_expiry_then_create_bank_key_makes_a_key_restricted_to_them(banks):
    # when
    with time_machine.travel(T0, tick=False):
        output = run("AGR", "--label", "feed", "--scope", "changes:read", "--scope", "webhooks:manage,cases:read",
                     "--expires", "2027-01-31")

    # then
    key = output.splitlines()[-1]
    record = ApiKey.objects.get()
    assert record.scopes == ["cases:read", "changes:read", "webhooks:manage"]
    assert record.expires_at == datetime(2027, 1, 30, 17, 0, tzinfo=UTC)  # 00:00 on 31/1 in Vietnam
    assert record.label == "feed"
    with time_machine.travel(T0, tick=False):
        assert api_key_authenticate(key) == record


def test_given_an_iso_moment_then_create_bank_key_takes_it(banks):
    with time_machine.travel(T0, tick=False):
        run("AGR", "--expires", "2026-12-01T08:30:00+00:00")
    assert ApiKey.objects.get().expires_at == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("args", [["--scope", "cases:write"], ["--scope", ""], ["--expires", "tomorrow"],
                                  ["--expires", "2020-01-01"], ["--expires", "2026-13-45"]])
def test_given_a_bad_scope_or_expiry_then_create_bank_key_fails_and_creates_nothing(banks, args):
    with time_machine.travel(T0, tick=False), pytest.raises(CommandError):
        run("AGR", *args)
    assert not ApiKey.objects.exists()


def test_the_scopes_are_the_documented_four():
    assert ApiScope.values == ["cases:read", "changes:read", "webhooks:manage", "dialogues:write"]


# ---- the admin page -------------------------------------------------------------------------------------------------

def test_given_the_admin_form_then_a_key_is_created_with_the_chosen_scopes_and_expiry(admin_client, banks):
    # when
    response = admin_client.post("/admin/banks/apikey/add/", {
        "bank": banks["agr"].pk, "label": "from admin", "scopes": ["cases:read", "webhooks:manage"],
        "expires_at_0": "31/12/2099", "expires_at_1": "08:00:00"}, follow=True)

    # then
    assert response.status_code == 200
    record = ApiKey.objects.get()
    assert record.scopes == ["cases:read", "webhooks:manage"] and record.label == "from admin"
    assert record.expires_at is not None and record.expires_at.year == 2099


@pytest.mark.parametrize("data", [{"scopes": []}, {"scopes": ["cases:read"], "expires_at_0": "01/01/2020",
                                                   "expires_at_1": "00:00:00"}])
def test_given_no_scope_or_a_past_expiry_in_the_admin_form_then_no_key_is_created(admin_client, banks, data):
    response = admin_client.post("/admin/banks/apikey/add/", {"bank": banks["agr"].pk, "label": "x", **data})
    assert response.status_code == 200  # the form again, with its error
    assert not ApiKey.objects.exists()
