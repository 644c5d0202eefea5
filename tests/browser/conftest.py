"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against a live server.

The machine has no internet: we never `playwright install` a browser, we launch
/usr/bin/chromium (package chromium) and render Chinese with fonts-noto-cjk.
Without them the tests skip loudly on a developer's machine and fail under CI, where a
green run without its browser journeys would prove nothing.

Write a journey like this:

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_something(page, make_user, log_in):
        make_user("li.na")
        log_in("li.na")
        page.get_by_role("link", name="任务").click()

`page` starts at the live server (relative URLs work: page.goto("/tasks/")), in a
zh-CN browser on Asia/Shanghai time. A failing test leaves a screenshot in test-results/.
Journeys through the real data ask for `documents_2021` (the 2021 fixture, loaded) and
`signed_in` (an office user logged in through the form).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

# Playwright's sync API runs an event loop in the test thread, and Django then refuses ORM
# calls from it (SynchronousOnlyOperation) although nothing here is async. The browser lives
# for the whole session, so every later test in this process needs it too, not only the
# browser tests. The standard workaround; it concerns this test process only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("GOVTASKS_CHROMIUM", "/usr/bin/chromium"))
CJK_FONTS = Path("/usr/share/fonts/opentype/noto")
# Without these flags an offline Chromium keeps calling Google services (updates, sync,
# field trials, QUIC probes) and floods the machine with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
# The 2021 documents as the importer reads them: 84 tasks, their units and aliases, the
# commendation decision and two meetings (make fixtures regenerates it).
FIXTURE_2021 = Path(settings.BASE_DIR) / "fixtures" / "changjiang-2021.json"
# The password of every user make_user creates, and log_in's default.
PASSWORD = "Changjiang-2021-督查"


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def missing_prerequisites():
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not any(CJK_FONTS.glob("NotoSansCJK-*")):
        missing.append(f"a CJK font in {CJK_FONTS} (apt-get install fonts-noto-cjk)")
    return missing


@pytest.fixture(scope="session")
def browser():
    missing = missing_prerequisites()
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if in_ci():
            pytest.fail(f"CI is set, so browser tests may not be skipped: {reason}", pytrace=False)
        pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so `page` knows at teardown whether the
    # test failed and a screenshot is worth taking.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser tab (own cookies) on the live server, in Chinese."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id=settings.TIME_ZONE,
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    context.close()


@pytest.fixture
def make_user(django_user_model):
    """make_user(username, **fields): a user who can log in with PASSWORD."""

    def make_user(username, **fields):
        return django_user_model.objects.create_user(username=username, password=PASSWORD, **fields)

    return make_user


@pytest.fixture
def log_in(page):
    """log_in(username, password=PASSWORD, start_at=None): fill in and submit the real login form.

    Starts at the login page, or at `start_at` (a page that needs login and so redirects
    to the form, which then returns there). Returns the page the app lands on.
    """

    def log_in(username, password=PASSWORD, start_at=None):
        page.goto(start_at or reverse("login"))
        form = page.locator("form:has(input[name='password'])")
        form.locator("input[name='username']").fill(username)
        form.locator("input[name='password']").fill(password)
        with page.expect_navigation():
            form.locator("[type='submit']").click()
        return page

    return log_in


@pytest.fixture
def documents_2021(transactional_db):
    """The real 2021 data, committed so that the live server's own connection sees it."""
    call_command("loaddata", FIXTURE_2021, verbosity=0)


@pytest.fixture
def signed_in(make_user, log_in):
    """An office user, logged in through the form; the page is then on the dashboard."""
    make_user("wang.fang", first_name="王芳")
    return log_in("wang.fang")
