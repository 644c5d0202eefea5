"""Headers and templates that keep injected markup from running: the Content-Security-Policy on
every response, no inline script anywhere in our templates (the policy would block it), and a
production process that refuses to start without its database.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_deploy import manage, production_env

POLICY = "Content-Security-Policy"
# Our templates, not Django's or third-party ones (those are checked by the browser test).
TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates"))]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def directives(header):
    return dict((part.split()[0], part.split()[1:]) for part in header.split(";"))


@pytest.mark.parametrize("url_name", ["login", "dashboard", "tasks:task_list", "admin:index"])
def test_every_page_carries_the_policy(admin_client, url_name):
    response = admin_client.get(reverse(url_name))

    policy = directives(response.headers[POLICY])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]


def test_static_files_and_errors_carry_it_too(client):
    assert POLICY in client.get("/no-such-page/").headers


def template_files():
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_templates_exist_to_check():
    assert len(template_files()) > 20


@pytest.mark.parametrize("path", template_files(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_script(path):
    text = path.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not HANDLER_ATTRIBUTE.search(text), "inline event handler (on…=): use a listener in static/js/"
    assert not JAVASCRIPT_URL.search(text)


def test_the_language_switch_works_without_an_inline_handler(admin_client):
    page = admin_client.get(reverse("dashboard")).content.decode()

    assert 'name="language" class="form-select form-select-sm" data-autosubmit' in page
    assert "js/govtasks.js" in page
    assert (Path(settings.BASE_DIR) / "static" / "js" / "govtasks.js").exists()


def test_production_refuses_to_start_without_a_database_url(tmp_path):
    env = production_env(tmp_path)
    del env["DATABASE_URL"]

    result = manage(env, "check")

    assert result.returncode != 0
    assert "DATABASE_URL must be set in production." in result.stderr


def test_production_cookies_are_secure(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)"
    )
    result = manage(production_env(tmp_path), "shell", "-v", "0", "-c", code)

    assert result.stdout.split() == ["True", "True", "True", "False"], result.stderr
