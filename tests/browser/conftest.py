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
Journeys through the real data ask for `documents_2021` (the 2021 fixture, loaded),
`signed_in` (a user logged in through the form) or `office_and_liaison` (the two people of task
12); `other_page()` opens a second person's browser, `log_in_as(page, username)` logs it in.
Users and data come from tasks/tests/factories.py, as in every other test.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tasks import roles
from tasks.models import Unit
from tasks.tests import factories

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
# The password of every user make_user creates (tasks/tests/factories.py), and log_in's default.
PASSWORD = factories.PASSWORD
VIEWPORT = {"width": 1366, "height": 900}


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


def new_context(browser, live_server):
    """A browser context of its own (own cookies) on the live server, in Chinese, on the office's time."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id=settings.TIME_ZONE, viewport=VIEWPORT
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser tab (own cookies) on the live server, in Chinese."""
    context = new_context(browser, live_server)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    context.close()


@pytest.fixture
def other_page(browser, live_server):
    """other_page(): another browser tab with its own cookies — a second person at the same time."""
    contexts = []

    def other_page():
        context = new_context(browser, live_server)
        contexts.append(context)
        return context.new_page()

    yield other_page
    for context in contexts:
        context.close()


@pytest.fixture
def make_user():
    """make_user(username, role=None, unit=None, **fields): factories.make_user, who logs in with PASSWORD."""
    return factories.make_user


def log_in_as(page, username, password=PASSWORD, start_at=None):
    """Fill in and submit the real login form on `page`; returns the page the app lands on.

    Starts at the login page, or at `start_at` (a page that needs login and so redirects
    to the form, which then returns there).
    """
    page.goto(start_at or reverse("login"))
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    return page


@pytest.fixture
def log_in(page):
    """log_in(username, password=PASSWORD, start_at=None): log_in_as() on `page`."""

    def log_in(username, password=PASSWORD, start_at=None):
        return log_in_as(page, username, password, start_at)

    return log_in


@pytest.fixture
def documents_2021(transactional_db):
    """The real 2021 data, committed so that the live server's own connection sees it."""
    factories.load_2021_documents()


@pytest.fixture
def signed_in(make_user, log_in):
    """A user without a role, logged in through the form; the page is then on the dashboard."""
    make_user("wang.fang", first_name="王芳")
    return log_in("wang.fang")


@pytest.fixture
def office_and_liaison(documents_2021, make_user):
    """The office's 王芳 (wang.fang) and 区科技局's liaison 李明 (keji.liaison) on the 2021 data:
    区科技局 leads task 12 alone, so it answers for it (主办)."""
    office = make_user("wang.fang", role=roles.OFFICE, first_name="王芳")
    liaison = make_user("keji.liaison", role=roles.LIAISON, unit=Unit.objects.get(name="区科技局"), first_name="李明")
    return office, liaison
