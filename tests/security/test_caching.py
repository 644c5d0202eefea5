"""Signed-in pages and downloads are not kept in caches (Cache-Control: no-store), and a
session lasts a working day and ends with the browser, both set in the environment.
"""

import pytest
from django.conf import settings
from django.test import Client

from tasks.tests.factories import build_world
from tests.security.urlwalk import fill, walk
from tests.test_deploy import manage, production_env

# The unit box's suggestions: the same names for every user, cached privately for five minutes on
# purpose (5,000 names fetched on every task list otherwise); no task or report data.
OWN_POLICY = {"/units/names/": "private, max-age=300"}


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def world(db):
    return build_world()


def test_every_signed_in_page_is_no_store(world):
    client = Client()
    client.raise_request_exception = False
    client.force_login(world.admin)
    checked = 0
    for route in walk():
        if route.name in {"logout", "admin:logout"}:
            continue
        path = fill(route, world)
        response = client.get(path)
        if path in OWN_POLICY:
            assert response["Cache-Control"] == OWN_POLICY[path]
        elif response.status_code in (200, 403, 404):
            assert no_store(response), f"{path}: {response.get('Cache-Control')!r}"
            checked += 1
    assert checked > 100


def test_the_excel_export_and_the_fill_in_sheet_are_no_store(world, client):
    client.force_login(world.office)
    export = client.get("/tasks/", {"export": "xlsx"})
    client.force_login(world.liaison)
    sheet = client.get("/fillin/download/")

    for response in (export, sheet):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert no_store(response)
        assert "private" in response["Cache-Control"]


def test_a_session_lasts_a_working_day_and_ends_with_the_browser(world, client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE

    client.post("/accounts/login/", {"username": "office", "password": "a-long-test-password"})

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"]
    assert not cookie["expires"]  # a browser-session cookie
    assert 0 < client.session.get_expiry_age() <= 8 * 3600


def test_the_session_settings_come_from_the_environment(tmp_path):
    env = production_env(tmp_path, GOVTASKS_SESSION_HOURS="10", GOVTASKS_SESSION_EXPIRE_AT_BROWSER_CLOSE="0")

    result = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)",
    )

    assert result.stdout.split()[-2:] == ["36000", "False"], result.stdout + result.stderr
