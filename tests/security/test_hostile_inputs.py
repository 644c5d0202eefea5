"""Every page, filter and form with oversized, malformed and hostile values: never a server error,
never the input echoed unescaped.

GET: every URL pattern (urlwalk.py) with the common parameters, and every list page with each of
its filters, set to each hostile value. POST: every form the workflow shows, each field filled
with each hostile value, by the user who may send it; uploads with files that are not what they
claim; a body larger than Django accepts.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from tasks.tests.factories import build_world
from tests.security.urlwalk import admin_model_action, fill, walk

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
FORMULA = "=cmd|' /C calc'!A0"
HOSTILE = [
    "",
    "x" * 20000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2021-02-30",
    "0001-01-01",
    "9999-12-31",
    "\x00",
    "' OR 1=1 --",
    SCRIPT,
    IMAGE,
    FORMULA,
    "../../etc/passwd",
    "１２",
    "\u202e𠀀",
]
# For sweeps over every page and every filter: the values most likely to break a parser or a query.
SWEEP = ["", "x" * 20000, "99999999999999999999999", "2021-02-30", "\x00", SCRIPT, IMAGE, "\u202e𠀀"]
# Parameters any page may be handed by a crafted link.
COMMON = ["page", "per_page", "sort", "as_of", "export", "back", "q", "unit", "period", "task", "role"]
# The calendar's ends, negative pages and numbers no integer column holds, for every date-like parameter.
EXTREMES = ["0001-01-01", "9999-12-31", "0001-01", "9999-12", "1900-01-01", "-1", "-99999999999", "99999999999999"]
DATED = ["as_of", "period", "page", "per_page", "lead-page", "shared-page", "collective-page", "year", "month"]
UNESCAPED = re.compile(re.escape(SCRIPT) + "|" + re.escape("<img src=x onerror"))


def check(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html"):
        assert not UNESCAPED.search(response.content.decode("utf-8", "replace")), f"{what}: input echoed unescaped"


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world for the module, built once and rolled back at its end. Each test runs in a
    savepoint inside it (the `db` fixture), so what one test's requests change is undone
    before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def client_for(user):
    client = Client()
    # A browser gets the error page; the test client would re-raise the view's exception instead.
    client.raise_request_exception = False
    client.force_login(user)
    return client


def site_pages(world):
    """(route, path) of every page outside the admin site, parameters filled from the world."""
    for route in walk():
        if route.name.startswith(("admin:", "<unnamed admin")) or admin_model_action(route)[0] is not None:
            continue
        yield route, fill(route, world)


def test_every_page_survives_hostile_parameters(shared_world, db):
    client = client_for(shared_world.office)
    for route, path in site_pages(shared_world):
        if route.name == "logout":
            continue
        for value in SWEEP:
            check(client.get(path, {name: value for name in COMMON}), f"GET {path} with {value[:20]!r}")


def test_every_page_survives_the_calendars_ends_and_huge_numbers(shared_world, db):
    client = client_for(shared_world.office)
    for route, path in site_pages(shared_world):
        if route.name == "logout":
            continue
        for value in EXTREMES:
            check(client.get(path, {name: value for name in DATED}), f"GET {path} with {value!r}")
            check(client.get(path, {"back": f"as_of={value}&page={value}"}), f"GET {path} back= {value!r}")
            if route.is_list:
                check(client.get(path, {"as_of": value, "export": "xlsx"}), f"export {path} as of {value!r}")


def test_an_as_of_date_outside_the_documents_span_is_refused_like_a_malformed_one(shared_world, db):
    client = client_for(shared_world.office)
    for value in ("0001-01-01", "1999-12-31", "9999-12-31"):
        response = client.get("/tasks/", {"as_of": value})

        assert response.status_code == 200
        assert f"日期“{value}”无效" in response.content.decode()
    assert "无效" not in client.get("/tasks/", {"as_of": "2021-07-01"}).content.decode()


def test_every_filter_of_every_list_survives_hostile_values(shared_world, db):
    client = client_for(shared_world.office)
    for route, path in site_pages(shared_world):
        if not route.is_list or route.view_class.filterset is None:
            continue
        for name in route.view_class.filterset.base_filters:
            for value in SWEEP:
                check(client.get(path, {name: value}), f"GET {path}?{name}={value[:20]!r}")


def admin_changelists(world):
    for route in walk():
        _model, action = admin_model_action(route)
        if action == "changelist":
            yield fill(route, world)


def test_the_admin_search_and_ordering_survive_hostile_values(shared_world, db):
    client = client_for(shared_world.admin)
    for path in admin_changelists(shared_world):
        for value in [SCRIPT, "\x00", "x" * 20000, "' OR 1=1 --"]:
            check(client.get(path, {"q": value, "o": value, "p": value}), f"GET {path} with {value[:20]!r}")


class FormFields(HTMLParser):
    """The names of the fields of the page's forms that POST (not the CSRF token)."""

    def __init__(self):
        super().__init__()
        self.names = set()
        self.in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
        elif tag in ("input", "textarea", "select") and self.in_post_form and attrs.get("name"):
            if attrs["name"] != "csrfmiddlewaretoken" and attrs.get("type") != "file":
                self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


def form_fields(client, path):
    parser = FormFields()
    parser.feed(client.get(path).content.decode())
    return sorted(parser.names)


# (who may post, path) for every form of the workflow, from the world.
WORKFLOW_FORMS = {
    "report": lambda w: (w.liaison, f"/tasks/{w.task.pk}/report/"),
    "plan by the liaison": lambda w: (w.liaison, f"/tasks/{w.task.pk}/plan/"),
    "plan by the office": lambda w: (w.office, f"/tasks/{w.task.pk}/plan/?unit={w.unit.pk}"),
    "extension": lambda w: (w.liaison, f"/tasks/{w.future_task.pk}/extension/"),
    "resubmit": lambda w: (w.liaison, f"/reports/{w.to_correct.pk}/resubmit/"),
    "review": lambda w: (w.office, f"/reports/{w.waiting.pk}/"),
    "extension decision": lambda w: (w.office, f"/extensions/{w.extension.pk}/"),
    "assign units": lambda w: (w.office, f"/tasks/{w.meeting_order.pk}/assign/"),
    "reminder": lambda w: (w.office, "/reminders/"),
}


def test_the_forms_to_fill_are_found(shared_world, db):
    for form in WORKFLOW_FORMS.values():
        user, path = form(shared_world)
        assert form_fields(client_for(user), path), path


@pytest.mark.parametrize(
    "form",
    list(WORKFLOW_FORMS),
)
def test_every_workflow_form_survives_hostile_values(shared_world, db, form):
    user, path = WORKFLOW_FORMS[form](shared_world)
    client = client_for(user)
    for value in HOSTILE:
        fields = form_fields(client, path)
        check(client.post(path, {name: value for name in fields}), f"POST {path} with {value[:20]!r}")


def test_login_and_language_survive_hostile_values(db):
    client = Client(raise_request_exception=False)
    for value in HOSTILE:
        check(client.post("/accounts/login/", {"username": value, "password": value, "next": value}), "login")
        check(client.post("/i18n/setlang/", {"language": value, "next": value}), "set_language")
        check(client.get("/search/", {"q": value}), "search")


NOT_WHAT_THEY_CLAIM = [
    ("sheet.xlsx", b"PK\x03\x04 not really a zip"),
    ("sheet.xlsx", b""),
    ("notice.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),  # an old .doc / encrypted package
    ("notice.txt", "\ufeff昌府办字〔2021〕20号\n\t1\t<script>alert(1)</script>".encode("utf-16")),
    ("notice.txt", b"\x00" * 1000),
    ("<script>alert(1)<script>.txt", b"hello"),
]


@pytest.mark.parametrize(("name", "content"), NOT_WHAT_THEY_CLAIM, ids=range(len(NOT_WHAT_THEY_CLAIM)))
def test_uploads_of_files_that_are_not_what_they_claim(shared_world, db, name, content):
    world = shared_world
    liaison = client_for(world.liaison)
    check(liaison.post("/fillin/", {"file": SimpleUploadedFile(name, content)}), f"fill-in upload {name}")
    admin = client_for(world.admin)
    check(
        admin.post("/manage/notices/import/", {"file": SimpleUploadedFile(name, content)}),
        f"notice upload {name}",
    )


def test_a_body_larger_than_django_accepts_is_refused_not_an_error(shared_world, db):
    client = client_for(shared_world.liaison)

    response = client.post(f"/tasks/{shared_world.task.pk}/report/", {"done": "x" * (3 * 1024 * 1024)})

    assert response.status_code == 400
