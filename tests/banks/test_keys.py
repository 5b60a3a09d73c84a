"""Bank API keys (banks/services.py api_key_*, banks/management/commands/create_bank_key.py): stored hashed,
found by prefix, revocable, recording their last use at most once a minute."""
import hashlib
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command

from banks.models import ApiKey
from banks.services import api_key_authenticate, api_key_create, api_key_revoke
from tests.factories import BankFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 11, 28, 9, 0, 0, tzinfo=HCM)


@pytest.fixture(autouse=True)
def _clear_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bank(db):
    return BankFactory(code="AGR", name="Ngân hàng Nông nghiệp")


# ---- creation: shown once, stored hashed ------------------------------------------------------------------

def test_given_a_new_key_then_the_database_row_holds_its_sha256_and_never_the_key_or_its_secret(bank):
    # when
    record, key = api_key_create(bank=bank, label="  Đối soát  ")

    # then: the key is thads_<prefix>_<secret>; the row has the prefix (not secret) and the digest only
    scheme, prefix, secret = key.split("_", 2)
    assert scheme == "thads"
    assert record.prefix == prefix
    assert len(prefix) == 8 and int(prefix, 16) >= 0
    assert len(secret) >= 40
    assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert record.label == "Đối soát"
    assert record.bank_id == bank.pk
    assert record.revoked_at is None and record.last_used_at is None
    row = ApiKey.objects.filter(pk=record.pk).values().get()
    stored = " ".join(str(value) for value in row.values())
    assert key not in stored
    assert secret not in stored
    assert f"{prefix}_{secret}" not in stored


def test_given_two_keys_of_one_bank_then_each_has_its_own_prefix_and_both_authenticate(bank):
    # given
    first, first_key = api_key_create(bank=bank, label="a")
    second, second_key = api_key_create(bank=bank, label="b")

    # then
    assert first.prefix != second.prefix
    assert first_key != second_key
    assert api_key_authenticate(first_key) == first
    assert api_key_authenticate(second_key) == second
    assert ApiKey.objects.filter(bank=bank).count() == 2


# ---- authentication: prefix lookup, constant-time digest comparison ---------------------------------------

def test_given_a_key_when_authenticating_with_it_then_the_record_of_its_prefix_is_returned_with_its_bank(bank):
    # given
    record, key = api_key_create(bank=bank)

    # when
    found = api_key_authenticate(key)

    # then
    assert found.pk == record.pk
    assert found.bank == bank


def test_given_a_key_when_its_secret_is_altered_then_authentication_fails(bank):
    # given
    _record, key = api_key_create(bank=bank)
    scheme, prefix, secret = key.split("_", 2)
    altered = f"{scheme}_{prefix}_{'A' if secret[0] != 'A' else 'B'}{secret[1:]}"

    # when / then
    assert api_key_authenticate(altered) is None
    assert api_key_authenticate(key + "x") is None
    assert api_key_authenticate(key[:-1]) is None


def test_given_two_keys_when_one_keys_secret_is_sent_under_the_others_prefix_then_authentication_fails(bank):
    # given
    first, first_key = api_key_create(bank=bank)
    _second, second_key = api_key_create(bank=bank)
    second_secret = second_key.split("_", 2)[2]

    # when / then
    assert api_key_authenticate(f"thads_{first.prefix}_{second_secret}") is None


@pytest.mark.parametrize("token", ["", "thads", "thads_", "thads__", "nope", "thads_deadbeef",
                                   "other_deadbeef_secret", "THADS_deadbeef_secret"])
def test_given_a_malformed_or_unknown_token_then_authentication_fails(bank, token):
    # given
    api_key_create(bank=bank)

    # when / then
    assert api_key_authenticate(token) is None


def test_given_a_token_with_the_right_shape_but_an_unknown_prefix_then_authentication_fails(bank):
    # given
    record, key = api_key_create(bank=bank)
    unknown_prefix = "0" * 8 if record.prefix != "0" * 8 else "1" * 8

    # when / then
    assert api_key_authenticate(key.replace(record.prefix, unknown_prefix, 1)) is None


# ---- revocation -------------------------------------------------------------------------------------------

def test_given_a_revoked_key_then_it_no_longer_authenticates_and_revoking_again_keeps_the_first_date(bank):
    # given
    record, key = api_key_create(bank=bank)
    with time_machine.travel(T0, tick=False):
        api_key_revoke(key=record)

    # when
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        api_key_revoke(key=ApiKey.objects.get(pk=record.pk))

    # then
    record.refresh_from_db()
    assert record.revoked_at == T0
    assert api_key_authenticate(key) is None


def test_given_one_of_two_keys_revoked_then_the_other_still_authenticates(bank):
    # given
    first, first_key = api_key_create(bank=bank)
    second, second_key = api_key_create(bank=bank)

    # when
    api_key_revoke(key=first)

    # then
    assert api_key_authenticate(first_key) is None
    assert api_key_authenticate(second_key) == second


# ---- last use -----------------------------------------------------------------------------------------------

def test_given_a_key_when_used_then_last_used_at_is_set_and_not_rewritten_within_a_minute(bank):
    # given
    record, key = api_key_create(bank=bank)
    assert ApiKey.objects.get(pk=record.pk).last_used_at is None

    # when: first use
    with time_machine.travel(T0, tick=False):
        api_key_authenticate(key)
    # then
    assert ApiKey.objects.get(pk=record.pk).last_used_at == T0

    # when: used again 30 s and 60 s later
    for seconds in (30, 60):
        with time_machine.travel(T0 + timedelta(seconds=seconds), tick=False):
            found = api_key_authenticate(key)
        # then: not rewritten
        assert found is not None
        assert ApiKey.objects.get(pk=record.pk).last_used_at == T0

    # when: used 61 s after the recorded use
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        found = api_key_authenticate(key)
    # then
    assert found.last_used_at == T0 + timedelta(seconds=61)
    assert ApiKey.objects.get(pk=record.pk).last_used_at == T0 + timedelta(seconds=61)


def test_given_a_key_when_used_within_a_minute_then_authentication_writes_nothing(bank, django_assert_num_queries):
    # given
    _record, key = api_key_create(bank=bank)
    with time_machine.travel(T0, tick=False):
        api_key_authenticate(key)

    # when / then: one read, no update
    with time_machine.travel(T0 + timedelta(seconds=59), tick=False), django_assert_num_queries(1):
        api_key_authenticate(key)


def test_given_a_key_when_a_request_uses_it_then_last_used_at_records_the_request_time(bank, client):
    # given
    record, key = api_key_create(bank=bank)

    # when
    with time_machine.travel(T0, tick=False):
        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {key}")

    # then
    assert response.status_code == 200
    assert ApiKey.objects.get(pk=record.pk).last_used_at == T0


def test_given_a_wrong_or_revoked_key_when_used_then_last_used_at_is_not_touched(bank):
    # given
    record, key = api_key_create(bank=bank)
    api_key_revoke(key=record)

    # when
    api_key_authenticate(key)
    api_key_authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))

    # then
    assert ApiKey.objects.get(pk=record.pk).last_used_at is None


# ---- create_bank_key --------------------------------------------------------------------------------------

def test_given_a_bank_when_create_bank_key_runs_then_the_key_is_alone_on_the_last_line_and_authenticates(bank):
    # when
    out = io.StringIO()
    call_command("create_bank_key", "AGR", "--label", "x", stdout=out)

    # then
    lines = out.getvalue().splitlines()
    assert len(lines) >= 2
    key = lines[-1]
    assert key == key.strip() and " " not in key
    assert key.startswith("thads_")
    record = ApiKey.objects.get()
    assert record.bank == bank
    assert record.label == "x"
    assert record.prefix in lines[0]
    assert key not in lines[0]
    assert api_key_authenticate(key) == record


def test_given_no_label_when_create_bank_key_runs_then_the_key_has_an_empty_label(bank):
    # when
    out = io.StringIO()
    call_command("create_bank_key", "AGR", stdout=out)

    # then
    record = ApiKey.objects.get()
    assert record.label == ""
    assert api_key_authenticate(out.getvalue().splitlines()[-1]) == record


def test_given_an_unknown_bank_when_create_bank_key_runs_then_command_error_and_no_key(bank):
    # when / then
    out = io.StringIO()
    with pytest.raises(CommandError, match="NOPE"):
        call_command("create_bank_key", "NOPE", "--label", "x", stdout=out)
    assert ApiKey.objects.count() == 0
    assert out.getvalue() == ""
