"""Two-factor log-in (thads.org.twofactor, issue 14 item 4): administrators and unit heads enrol with an
authenticator app; the log-in then asks for a code after the password; wrong codes count towards the lockout like
wrong passwords; a recovery code works once; the admin refuses a session without the code; an administrator can
reset a person's devices; a setting makes it mandatory for administrators."""
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from thads.org.models import LoginLockout, TwoFactorEvent
from thads.org.services import two_factor_enrolment_confirm, two_factor_enrolment_start

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-123"
START = timezone.make_aware(timezone.datetime(2026, 11, 30, 9, 0))
STEP = timedelta(seconds=30)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_now(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def enrolled(user, clock) -> tuple[TOTPDevice, list[str]]:
    """``user`` with a confirmed authenticator (enrolled one step ago) and its recovery codes."""
    device = two_factor_enrolment_start(user=user)
    codes = two_factor_enrolment_confirm(user=user, device=device, code=code_now(device))
    clock.shift(STEP)
    device.refresh_from_db()
    return device, codes


def password_step(client, username, next_url="", address="10.0.0.1"):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, REMOTE_ADDR=address)


def code_step(client, code="", recovery="", address="10.0.0.1"):
    return client.post(reverse("login_code"), {"code": code, "recovery": recovery}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# ---- enrolment --------------------------------------------------------------------------------------------------

def test_given_a_unit_head_when_they_enrol_then_the_first_code_turns_it_on_and_the_codes_are_shown_once(
        client, people, clock):
    head = people["head"]
    client.force_login(head)
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Bật xác thực hai bước" in html  # the QR drawn inline, the page in Vietnamese
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    # a wrong first code: refused in Vietnamese, nothing turned on
    refused = client.post(reverse("two_factor"), {"action": "confirm", "code": wrong(code_now(device))})
    assert refused.status_code == 400 and "Mã này không đúng" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    clock.shift(timedelta(seconds=5))  # past django-otp's one-second delay after a wrong code
    # the right code, computed from the secret shown on the page
    secret = page.context["secret"].replace(" ", "")
    from base64 import b32decode
    key = b32decode(secret + "=" * (-len(secret) % 8))
    response = client.post(reverse("two_factor"), {"action": "confirm", "code": f"{totp(key):06d}"})
    assert response.status_code == 302 and response.url == reverse("two_factor_codes")
    device.refresh_from_db()
    assert device.confirmed and verified(client)
    codes_page = client.get(reverse("two_factor_codes"))
    codes = list(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(codes) == 10 and all(code.upper() in codes_page.content.decode() for code in codes)
    assert client.get(reverse("two_factor_codes")).status_code == 302  # shown once
    assert list(TwoFactorEvent.objects.values_list("user", "kind", "actor")) == [(head.pk, "enrolled", head.pk)]


@pytest.mark.parametrize("role", ["officer", "statistician"])
def test_given_an_officer_or_a_statistician_then_the_two_factor_page_is_refused(client, people, role):
    client.force_login(people[role])
    assert client.get(reverse("two_factor")).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_given_a_central_administrator_then_the_menu_links_to_the_two_factor_page(client, people):
    client.force_login(people["central"])
    assert reverse("two_factor") in client.get("/work/").content.decode()
    client.force_login(people["officer"])
    assert reverse("two_factor") not in client.get("/work/").content.decode()


# ---- log-in -----------------------------------------------------------------------------------------------------

def test_given_no_device_then_the_password_alone_logs_in(client, people, clock):
    response = password_step(client, "head")
    assert response.status_code == 302 and logged_in(client)


def test_given_a_device_then_the_password_alone_does_not_log_in_and_the_code_does(client, people, clock):
    device, _codes = enrolled(people["head"], clock)
    response = password_step(client, "head", next_url="/deadlines/")
    assert response.status_code == 302 and response.url == reverse("login_code")
    assert not logged_in(client)
    assert client.get("/work/").url.startswith(reverse("login"))  # not logged in anywhere
    page = client.get(reverse("login_code"))
    assert page.status_code == 200 and "Nhập mã đăng nhập" in page.content.decode()
    response = code_step(client, code_now(device))
    assert response.status_code == 302 and response.url == "/deadlines/"
    assert logged_in(client) and verified(client)
    assert client.get("/deadlines/").status_code == 200


def test_given_a_wrong_code_then_it_is_refused_and_counted_as_a_failed_log_in(client, people, clock):
    from axes.models import AccessAttempt

    device, _codes = enrolled(people["head"], clock)
    password_step(client, "head")
    response = code_step(client, wrong(code_now(device)))
    assert response.status_code == 400 and "Mã này không đúng" in response.content.decode()
    assert not logged_in(client)
    assert AccessAttempt.objects.get(username="head").failures_since_start == 1
    # the same code step goes on with the right code (after django-otp's short delay)
    clock.shift(timedelta(seconds=2))
    assert code_step(client, code_now(device)).status_code == 302 and logged_in(client)


def test_given_wrong_codes_up_to_the_limit_then_the_account_is_paused_and_the_lockout_recorded(
        client, people, clock, settings):
    device, _codes = enrolled(people["head"], clock)
    password_step(client, "head")
    statuses = []
    for attempt in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        clock.shift(timedelta(seconds=2 ** attempt))  # past django-otp's growing delay: every guess is tested
        statuses.append(code_step(client, wrong(code_now(device))).status_code)
    assert statuses == [400, 400, 400, 400, 429]
    assert list(LoginLockout.objects.values_list("username", "reason")) == [("head", "account")]
    assert not logged_in(client)
    # the pending log-in is gone, and the password is refused during the pause
    assert client.post(reverse("login_code"), {"code": code_now(device)}).status_code == 302
    assert not logged_in(client)
    assert password_step(client, "head").status_code == 429


def test_given_a_password_failure_and_wrong_codes_then_they_add_up_for_the_account(client, people, clock, settings):
    device, _codes = enrolled(people["head"], clock)
    client.post(reverse("login"), {"username": "head", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    password_step(client, "head")
    statuses = []
    for attempt in range(settings.LOGIN_FAILURES_PER_ACCOUNT - 1):
        clock.shift(timedelta(seconds=2 ** attempt))
        statuses.append(code_step(client, wrong(code_now(device))).status_code)
    assert statuses[-1] == 429


def test_given_a_recovery_code_then_it_logs_in_once_only(client, people, clock):
    head = people["head"]
    _device, codes = enrolled(head, clock)
    password_step(client, "head")
    typed = " ".join([codes[0][:4], codes[0][4:]]).upper().replace("O", "0").replace("I", "1")
    response = code_step(client, recovery=typed)  # case, spaces, 0 for O and 1 for I do not matter
    assert response.status_code == 302 and logged_in(client) and verified(client)
    assert TwoFactorEvent.objects.filter(user=head, kind="recovery_used").get().detail == "9 left"
    assert "9 mã khôi phục" in client.get(response.url, follow=True).content.decode()
    client.post(reverse("logout"))
    clock.shift(timedelta(seconds=5))
    password_step(client, "head")
    again = code_step(client, recovery=codes[0])
    assert again.status_code == 400 and not logged_in(client)
    assert StaticToken.objects.filter(device__user=head).count() == 9


def test_given_the_code_step_waits_too_long_then_the_password_is_asked_again(client, people, clock, settings):
    device, _codes = enrolled(people["head"], clock)
    password_step(client, "head")
    clock.shift(timedelta(minutes=settings.TWO_FACTOR_PENDING_MINUTES, seconds=1))
    response = code_step(client, code_now(device))
    assert response.status_code == 302 and response.url == reverse("login") and not logged_in(client)


def test_given_an_open_session_without_the_code_then_every_page_asks_for_the_code(client, people, clock):
    # e.g. a session opened in another browser before the device was confirmed, or a log-in by another path
    device, _codes = enrolled(people["head"], clock)
    client.force_login(people["head"])
    response = client.get("/deadlines/")
    assert response.status_code == 302 and response.url == f"{reverse('login_code')}?next=%2Fdeadlines%2F"
    response = client.post(f"{reverse('login_code')}?next=/deadlines/", {"code": code_now(device)})
    assert response.status_code == 302 and response.url == "/deadlines/"
    assert client.get("/deadlines/").status_code == 200


def test_given_a_code_page_without_a_password_step_then_it_sends_to_the_log_in(client, people):
    assert client.get(reverse("login_code")).url == reverse("login")


# ---- the admin site ---------------------------------------------------------------------------------------------

def superuser(username="root"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", PASSWORD)


def test_given_a_device_then_the_admin_log_in_also_asks_for_the_code(client, people, clock):
    root = superuser()
    device, _codes = enrolled(root, clock)
    response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response.url == reverse("login_code") and not logged_in(client)
    response = code_step(client, code_now(device))
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_given_a_session_without_the_code_then_the_admin_refuses_it(client, people, clock):
    from django.contrib import admin
    from django.test import RequestFactory

    root = superuser()
    enrolled(root, clock)
    client.force_login(root)
    response = client.get("/admin/org/unit/")
    assert response.status_code == 302 and response.url.startswith(reverse("login_code"))
    # and the site itself, whatever middleware runs before it
    request = RequestFactory().get("/admin/")
    request.user, request.session = root, client.session
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_given_an_administrator_when_they_reset_a_persons_devices_then_the_password_alone_logs_in_and_it_is_recorded(
        client, people, clock):
    head = people["head"]
    enrolled(head, clock)
    root = superuser()
    admin_client = Client()
    admin_client.force_login(root)
    response = admin_client.post(reverse("admin:auth_user_changelist"),
                                 {"action": "reset_two_factor", "_selected_action": [head.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists() and not StaticToken.objects.filter(device__user=head)
    event = TwoFactorEvent.objects.get(kind="reset")
    assert (event.user, event.actor, event.at) == (head, root, START + STEP)
    assert password_step(client, "head").status_code == 302 and logged_in(client)


def test_given_a_central_administrator_then_they_may_not_reset_a_superusers_devices(people, clock):
    root = superuser()
    enrolled(root, clock)
    central = Client()
    central.force_login(people["central"])
    central.post(reverse("admin:auth_user_changelist"), {"action": "reset_two_factor", "_selected_action": [root.pk]})
    assert TOTPDevice.objects.filter(user=root, confirmed=True).exists()
    assert not TwoFactorEvent.objects.filter(kind="reset").exists()


def test_given_a_unit_head_then_the_reset_action_is_not_theirs(people, clock):
    enrolled(people["province_head"], clock)
    head = Client()
    head.force_login(people["head"])
    head.post(reverse("admin:auth_user_changelist"),
              {"action": "reset_two_factor", "_selected_action": [people["province_head"].pk]})
    assert TOTPDevice.objects.filter(user=people["province_head"], confirmed=True).exists()


def test_given_the_admin_then_django_otps_device_pages_with_the_secrets_are_not_there(client):
    client.force_login(superuser())
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


# ---- turning it off, new recovery codes ---------------------------------------------------------------------------

def test_given_two_factor_on_when_turned_off_with_a_current_code_then_the_password_alone_logs_in(
        client, people, clock):
    head = people["head"]
    device, _codes = enrolled(head, clock)
    password_step(client, "head")
    code_step(client, code_now(device))
    clock.shift(STEP)
    refused = client.post(reverse("two_factor"), {"action": "disable", "code": wrong(code_now(device))})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=head).exists()
    clock.shift(timedelta(seconds=5))
    response = client.post(reverse("two_factor"), {"action": "disable", "code": code_now(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists()
    assert TwoFactorEvent.objects.filter(user=head, kind="disabled").count() == 1
    assert client.get("/deadlines/").status_code == 200  # the session goes on
    client.post(reverse("logout"))
    assert password_step(client, "head").status_code == 302 and logged_in(client)


def test_given_new_recovery_codes_then_the_old_ones_stop_working(client, people, clock):
    head = people["head"]
    device, old = enrolled(head, clock)
    password_step(client, "head")
    code_step(client, code_now(device))
    clock.shift(STEP)
    response = client.post(reverse("two_factor"), {"action": "renew", "code": code_now(device)})
    assert response.url == reverse("two_factor_codes")
    new = list(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    page = client.get(response.url).content.decode()
    assert all(code.upper() in page for code in new)


# ---- mandatory for administrators ---------------------------------------------------------------------------------

def test_given_two_factor_mandatory_then_an_administrator_without_a_device_must_enrol_first(
        client, people, clock, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    password_step(client, "central")
    response = client.get("/deadlines/")
    assert response.status_code == 302 and response.url == f"{reverse('two_factor')}?next=%2Fdeadlines%2F"
    page = client.get(response.url)
    assert page.status_code == 200 and "Quản trị viên phải đăng nhập bằng mã" in page.content.decode()
    device = TOTPDevice.objects.get(user=people["central"])
    response = client.post(f"{reverse('two_factor')}", {"action": "confirm", "code": code_now(device),
                                                        "next": "/deadlines/"})
    assert response.url == f"{reverse('two_factor_codes')}?next=%2Fdeadlines%2F"
    assert 'href="/deadlines/"' in client.get(response.url).content.decode()
    assert client.get("/deadlines/").status_code == 200
    # a unit head is not obliged
    other = Client()
    password_step(other, "head")
    assert other.get("/deadlines/").status_code == 200


def test_given_two_factor_optional_then_an_administrator_without_a_device_works_as_before(client, people, clock):
    password_step(client, "central")
    assert client.get("/deadlines/").status_code == 200


def test_given_english_chosen_then_the_code_step_and_its_refusal_are_in_english(client, people, clock, settings):
    device, _codes = enrolled(people["head"], clock)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    password_step(client, "head")
    assert "Enter your log-in code" in client.get(reverse("login_code")).content.decode()
    assert "This code is not right" in code_step(client, wrong(code_now(device))).content.decode()
