"""The Content-Security-Policy in a real browser: the pages, the admin and the language switch
work under it, and Chromium reports no violation — nothing the policy blocks is left on a page.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

PAGES = [
    "dashboard",
    "tasks:task_list",
    "tasks:unit_list",
    "meetings:meeting_list",
    "commendations:decision_list",
    "admin:index",
    "admin:tasks_task_changelist",
]


@pytest.fixture
def violations(page):
    """Console messages and page errors that mention the policy, collected while the test runs."""
    found = []
    page.on(
        "console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def test_no_page_breaks_the_policy(page, violations, documents_2021, make_user, log_in):
    make_user("admin", is_staff=True, is_superuser=True)
    log_in("admin")

    for name in PAGES:
        response = page.goto(reverse(name))
        assert response.status == 200, name
        assert "script-src 'self'" in response.headers["content-security-policy"], name
    page.goto(reverse("admin:tasks_task_change", args=[1]))

    assert violations == []


def test_the_language_switch_works_without_inline_script(page, violations, make_user, log_in):
    make_user("wang.fang")
    log_in("wang.fang")

    with page.expect_navigation():
        page.locator("nav select[name='language']").select_option("en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_an_injected_inline_script_would_not_run(page, violations, make_user, log_in):
    # What the policy is for: markup that slipped into a page still does not execute.
    make_user("wang.fang")
    log_in("wang.fang")
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';
                   document.body.appendChild(s); }"""
    )

    assert page.evaluate("() => window.pwned") is None
    assert any("Content Security Policy" in text for text in violations)
