"""Browser tests: Playwright driving the system Chromium (/usr/bin/chromium), never a downloaded browser.

Skipped with a clear message when no browser is installed; CI sets THADS_REQUIRE_BROWSER=1, which turns a
missing browser into a failure."""
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between browser
# steps are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("THADS_CHROMIUM", "/usr/bin/chromium")


def _browser_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("THADS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")  # an English browser still gets the Vietnamese pages
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
