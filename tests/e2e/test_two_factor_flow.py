"""A unit head turns two-factor log-in on in the browser — reading the secret off the page as an authenticator app
would — saves the recovery codes, logs out, and logs in again with the password and then a code computed from that
secret; the enrolment page is usable at 1440 px and at 390 px. Screenshots: set THADS_SCREENSHOTS to a folder."""
import os
import time
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-test-123"


def code_from(secret_text: str, offset_steps: int = 0) -> str:
    secret = "".join(secret_text.split())
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=offset_steps):06d}"  # drift 1: the code of the next time step


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button.primary")
    page.wait_for_load_state()


def shoot(page, name):
    folder = os.environ.get("THADS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_a_unit_head_turns_two_factor_on_and_logs_in_with_a_code(browser, live_server, people):
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "head")
    page.click("text=Xác thực hai bước")
    page.wait_for_url("**/account/two-factor/")
    assert page.locator("h1").inner_text() == "Bật xác thực hai bước"
    assert page.locator(".qr svg").is_visible()
    shoot(page, "two-factor-enrol-1440.png")
    secret = page.locator("#secret").inner_text()

    # a wrong code first: the page says so, in Vietnamese, and keeps the same secret
    page.fill("#id_code", f"{(int(code_from(secret)) + 1) % 10**6:06d}")
    page.click("main button.primary")
    assert "Mã này không đúng" in page.locator("#code-error").inner_text()
    assert page.locator("#secret").inner_text() == secret
    time.sleep(1.1)  # django-otp's delay after a wrong code
    page.fill("#id_code", code_from(secret))
    page.click("main button.primary")
    page.wait_for_url("**/account/two-factor/recovery-codes/")
    shoot(page, "two-factor-codes-1440.png")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert "Đã bật xác thực hai bước" in page.locator(".messages").inner_text()
    page.click("text=Tôi đã lưu các mã: tiếp tục")
    page.wait_for_load_state()
    assert TOTPDevice.objects.get(user=people["head"]).confirmed

    # log out, log in: the password alone is not enough
    page.click("button:has-text('Đăng xuất')")
    page.wait_for_url("**/login/")
    login(page, live_server, "head")
    page.wait_for_url("**/login/code/")
    assert page.locator("h1").inner_text() == "Nhập mã đăng nhập"
    shoot(page, "two-factor-code-step-1440.png")
    page.goto(f"{live_server.url}/deadlines/")
    assert "/login/" in page.url  # not logged in yet
    login(page, live_server, "head")
    page.fill("#id_code", code_from(secret, offset_steps=1))  # the next step's code (the current one was used)
    page.click("main button.primary")
    page.wait_for_url("**/dashboard/**")
    assert page.locator(".usermenu .who").is_visible()  # logged in, on the unit head's dashboard
    page.goto(f"{live_server.url}/account/two-factor/")
    assert page.locator("#recovery-left").inner_text() == "10"
    shoot(page, "two-factor-on-1440.png")
    context.close()


def test_the_enrolment_page_fits_a_phone(browser, live_server, people):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "head")
    page.goto(f"{live_server.url}/account/two-factor/")
    # nothing wider than the screen: no sideways scrolling to read the key or reach the button
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".qr svg").bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= 390
    assert page.locator("#id_code").bounding_box()["x"] + page.locator("#id_code").bounding_box()["width"] <= 390
    shoot(page, "two-factor-enrol-390.png")
    # on the phone itself the QR code cannot be scanned: a link hands the key to the app
    assert page.locator(".on-phone a").get_attribute("href").startswith("otpauth://totp/THADS")
    context.close()
