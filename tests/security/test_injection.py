"""HTML, JavaScript and spreadsheet-formula injection through every field a user can type into.

The payloads go where people type: a liaison's report (done, problems, next steps), plan,
responsible person's post, milestone, extension reason and progress; the office's review
comments; an administrator's unit alias; and a task's own text, brought in by importing a
corrected notice. Then every page is read as each role — and the admin as the superuser — and
no payload may arrive as markup; and the Excel files (bulletin, fill-in sheet) must hold the
formula payload as plain text that Excel will not evaluate.
"""

import hashlib
import io
import re

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from tasks.importers import import_sources
from tasks.models import Task, UnitAlias
from tasks.tests.factories import FIXTURE_2021, build_world
from tests.security.urlwalk import admin_model_action, fill, walk

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
FORMULA = "=cmd|' /C calc'!A0"
# Each payload alone at the start of some field (a formula only works at the start of a cell).
PAYLOADS = [FORMULA, SCRIPT, IMAGE]
TEXT = f"{FORMULA} {SCRIPT} {IMAGE}"
UNESCAPED = re.compile(r"<script>alert\(1\)</script>|<img src=x onerror=alert\(1\)>")
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SOURCE = FIXTURE_2021.parent / "changjiang-2021.txt"
TASK_ONE = "做优日用陶瓷，加快景德镇陶瓷生产基地建设"


def import_task_text(payload):
    """Import the 2021 text again with task no. 1's wording changed: the way a task's text arrives."""
    text = SOURCE.read_text(encoding="utf-8")
    assert TASK_ONE in text
    corrected = text.replace(TASK_ONE, f"{payload}{TASK_ONE}", 1)
    import_sources([(SOURCE.name, corrected, hashlib.sha256(corrected.encode()).hexdigest())])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world with payloads in every typed field; rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(text=TEXT)
        import_task_text(FORMULA + " " + SCRIPT + IMAGE)
        world.task.refresh_from_db()
        assert SCRIPT in world.task.text
        for number, payload in enumerate(PAYLOADS):
            UnitAlias.objects.create(unit=world.unit, name=f"{payload}{number}")
        yield world
        transaction.set_rollback(True)


def client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def html_of(response):
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.content.decode("utf-8", "replace")


def site_paths(world):
    for route in walk():
        if route.name.startswith(("admin:", "<unnamed admin")) or route.name == "logout":
            continue
        if admin_model_action(route)[0] is None:
            yield fill(route, world)


@pytest.mark.parametrize("role", ["office", "leader", "liaison", "other_liaison"])
def test_no_page_renders_a_payload_as_markup(world, db, role):
    client = client_for(getattr(world, role))
    escaped_somewhere = False
    for path in [*site_paths(world), f"/tasks/?unit={world.unit.name}", f"/tasks/?q={SCRIPT}"]:
        page = html_of(client.get(path))
        assert not UNESCAPED.search(page), f"{path} as {role}"
        escaped_somewhere |= ESCAPED_SCRIPT in page
    assert escaped_somewhere  # the payloads were really on the pages, escaped


def test_the_task_page_shows_every_payload_escaped(world, db):
    page = html_of(client_for(world.office).get(f"/tasks/{world.task.pk}/"))

    assert ESCAPED_SCRIPT in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert not UNESCAPED.search(page)


def test_the_public_pages_escape_too(world, db, settings):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    client = client_for(None)

    for path in ["/public/", f"/public/tasks/{world.task.pk}/"]:
        page = html_of(client.get(path))
        assert page, path
        assert not UNESCAPED.search(page), path


def test_no_admin_page_renders_a_payload_as_markup(world, db):
    client = client_for(world.admin)
    for route in walk():
        model, action = admin_model_action(route)
        if action in ("changelist", "change", "history"):
            path = fill(route, world)
            assert not UNESCAPED.search(html_of(client.get(path))), path


def cells_of(raw):
    workbook = load_workbook(io.BytesIO(raw))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_formulas_neutralised(raw):
    """Every text cell starting with = + - @ is stored as text with Excel's quote prefix; returns how many."""
    risky = [cell for cell in cells_of(raw) if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    for cell in risky:
        assert cell.data_type == "s", f"{cell.coordinate} {cell.value[:30]!r} is a formula"
        assert cell.quotePrefix, f"{cell.coordinate} {cell.value[:30]!r} has no quote prefix"
    return risky


def download(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_bulletin_export_holds_the_payloads_as_text(world, db):
    response = client_for(world.office).get("/tasks/", {"export": "xlsx"})
    assert response.status_code == 200
    raw = download(response)

    risky = assert_formulas_neutralised(raw)

    assert any(FORMULA in cell.value for cell in risky)  # the task text starts with the formula


def test_the_fill_in_sheet_holds_the_payloads_as_text(world, db):
    response = client_for(world.liaison).get("/fillin/download/", {"period": "2021-10"})
    assert response.status_code == 200
    raw = download(response)

    risky = assert_formulas_neutralised(raw)

    assert any(FORMULA in cell.value for cell in risky)


def test_payloads_reached_the_database(world, db):
    # Not a vacuous suite: the fields hold the payloads as typed, not filtered away.
    assert Task.objects.filter(text__contains=SCRIPT).exists()
    assert world.task.reports.filter(done__startswith=FORMULA).exists()
    assert world.unit.aliases.filter(name__startswith=SCRIPT).exists()
