"""Password guessing on the login form is paused per account and per address (thads.org.login), each lockout is
recorded, an administrator can lift it, the page says until when; sessions end after inactivity."""
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from thads.org.models import LoginLockout

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-123"
HOME = "/work/"
START = timezone.make_aware(timezone.datetime(2026, 11, 30, 9, 0))


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_given_four_failures_then_the_right_password_still_logs_in(client, people, clock, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        assert attempt(client, "officer", "wrong").status_code == 200
    response = attempt(client, "officer", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    assert LoginLockout.objects.count() == 0


def test_given_five_failures_then_the_account_is_paused_even_for_the_right_password(client, people, clock, settings):
    # when: five wrong passwords, the fifth answered with the pause
    statuses = [attempt(client, "officer", "wrong").status_code for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT)]
    # then
    assert statuses == [200, 200, 200, 200, 429]
    response = attempt(client, "officer", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    # the pause holds from any other address too
    other = attempt(client, "officer", PASSWORD, address="10.9.9.9")
    assert other.status_code == 429 and not logged_in(client)
    # another account from the first address is not paused
    assert attempt(client, "officer2", PASSWORD).status_code == 302


def test_given_a_pause_then_the_page_says_in_vietnamese_until_when_and_keeps_the_form(client, people, clock, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        response = attempt(client, "officer", "wrong")
    page = response.content.decode()
    # 09:00 + 15 minutes, local time
    assert "Quá nhiều lần đăng nhập sai" in page and "09:15" in page and "30/11/2026" in page
    assert 'id="id_username"' in page and 'id="id_password"' in page and 'value="officer"' in page


def test_given_a_pause_then_it_is_recorded_once_and_extended_by_further_attempts(client, people, clock, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "officer", "wrong")
    clock.shift(timedelta(minutes=5))
    attempt(client, "officer", PASSWORD)  # during the pause: refused, restarts the wait
    lockouts = list(LoginLockout.objects.values_list("username", "ip_address", "reason", "failures", "locked_at",
                                                     "locked_until"))
    assert lockouts == [("officer", "10.0.0.1", "account", 6, START, START + timedelta(minutes=20))]


def test_given_the_wait_is_over_then_the_right_password_logs_in(client, people, clock, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "officer", "wrong")
    clock.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 1))
    assert attempt(client, "officer", PASSWORD).status_code == 429
    clock.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))
    assert attempt(client, "officer", PASSWORD).status_code == 302 and logged_in(client)


def test_given_many_accounts_tried_from_one_address_then_the_address_is_paused(client, people, clock, settings):
    # given: one wrong password for each of 20 usernames from one address (no account reaches its own limit)
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, f"guess{number}", "wrong", address="10.6.6.6")
    # then: from that address even a real account with its right password is refused; elsewhere it works
    assert attempt(client, "officer", PASSWORD, address="10.6.6.6").status_code == 429
    assert attempt(client, "officer", PASSWORD, address="10.0.0.2").status_code == 302
    assert LoginLockout.objects.get().reason == "address"


def test_given_a_forged_forwarded_for_header_then_the_address_limit_still_holds(client, people, clock, settings):
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        client.post(reverse("login"), {"username": f"guess{number}", "password": "x"}, REMOTE_ADDR="10.6.6.6",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert attempt(client, "officer", PASSWORD, address="10.6.6.6").status_code == 429


def test_given_a_paused_account_when_an_administrator_unlocks_it_in_the_admin_then_it_logs_in(
        client, people, clock, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "officer", "wrong")
    lockout = LoginLockout.objects.get()
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "Ad-min-pass-2026")
    staff = client_for(admin)
    response = staff.post(reverse("admin:org_loginlockout_changelist"),
                          {"action": "unlock", "_selected_action": [lockout.pk]})
    assert response.status_code == 302
    lockout.refresh_from_db()
    assert (lockout.unlocked_at, lockout.unlocked_by, lockout.unlocked_via) == (START, admin, "admin")
    assert attempt(client, "officer", PASSWORD).status_code == 302


def test_given_an_officer_then_the_unlock_action_is_not_offered(client, people, clock, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "officer", "wrong")
    lockout = LoginLockout.objects.get()
    head = client_for(people["head"])
    head.post(reverse("admin:org_loginlockout_changelist"), {"action": "unlock", "_selected_action": [lockout.pk]})
    lockout.refresh_from_db()
    assert lockout.unlocked_at is None
    assert attempt(client, "officer", PASSWORD).status_code == 429


def test_given_a_paused_account_when_the_command_unlocks_it_then_it_logs_in(client, people, clock, settings, capsys):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "officer", "wrong")
    call_command("login_unlock", "--username", "officer")
    assert LoginLockout.objects.get().unlocked_via == "command"
    assert attempt(client, "officer", PASSWORD).status_code == 302


def test_given_a_paused_address_when_the_command_unlocks_it_then_it_logs_in(client, people, clock, settings):
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, f"guess{number}", "wrong", address="10.6.6.6")
    call_command("login_unlock", "--address", "10.6.6.6")
    assert attempt(client, "officer", PASSWORD, address="10.6.6.6").status_code == 302


def test_given_nothing_named_then_the_unlock_command_refuses():
    with pytest.raises(CommandError):
        call_command("login_unlock")


def client_for(user):
    from django.test import Client

    staff = Client()
    staff.force_login(user)
    return staff


# ---- passwords -------------------------------------------------------------------------------------------------

def test_given_a_weak_password_in_the_admin_add_user_form_then_no_user_is_created(people):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "Ad-min-pass-2026")
    response = client_for(admin).post(reverse("admin:auth_user_add"), {
        "username": "chv.new", "password1": "12345678", "password2": "12345678", "usable_password": "true"})
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="chv.new").exists()


def test_given_a_weak_password_in_the_admin_password_change_then_it_is_refused(people):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "Ad-min-pass-2026")
    officer = people["officer"]
    response = client_for(admin).post(reverse("admin:auth_user_password_change", args=[officer.pk]), {
        "password1": "1", "password2": "1", "usable_password": "true"})
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


# ---- idle sessions -----------------------------------------------------------------------------------------------

def test_given_a_session_idle_longer_than_the_limit_then_the_next_page_asks_to_log_in_again(
        client, people, clock, settings):
    client.force_login(people["officer"])
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not logged_in(client)


def test_given_requests_within_the_limit_then_the_session_stays_open(client, people, clock, settings):
    client.force_login(people["officer"])
    for _ in range(4):
        clock.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
        assert client.get(HOME).status_code == 200
    assert logged_in(client)


def test_given_requests_within_a_minute_then_the_session_is_not_rewritten(client, people, clock):
    # given: a fresh log-in (its session holds the time of the log-in)
    client.force_login(people["officer"])
    clock.shift(timedelta(seconds=30))
    # when
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    # then: no extra session write (pinned query counts are unchanged); a minute later, one
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    clock.shift(timedelta(seconds=40))
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    assert len([q for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]) == 1
