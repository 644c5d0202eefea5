"""BaseTable.rows_html() renders every table's rows exactly as django-tables2's own template does.

The rows are rendered with the per-column work done once (govtasks/tables.py); these tests
render each table of the project on the 2021 documents both ways and compare the <tbody>.
"""

import re

import pytest
from django.test import RequestFactory

from commendations.models import Decision
from commendations.tables import DecisionTable
from meetings.models import Meeting
from meetings.tables import MeetingTable
from tasks import selectors, state
from tasks.models import Task, Unit
from tasks.tables import TaskTable, UnitTable
from tests.world import build_world

DJANGO_TABLES2 = "django_tables2/bootstrap5.html"


def tbody(html):
    """The rows of a rendered table, whitespace between tags dropped."""
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.DOTALL).group(1)
    return re.sub(r">\s+<", "><", body.strip())


def both_ways(table_class, data, **params):
    request = RequestFactory().get("/", params)
    ours = table_class(data).configure(request)
    theirs = table_class(data, template_name=DJANGO_TABLES2).configure(request)
    return tbody(ours.as_html(request)), tbody(theirs.as_html(request))


HOSTILE = "<script>alert('x')</script> & \"引号\""


@pytest.fixture
def world(db):
    world = build_world()
    # Text that must come out escaped, in a column with a render method and in plain ones.
    Task.objects.filter(pk=Task.objects.order_by("-number", "pk").values("pk")[:1]).update(text=HOSTILE)
    Meeting.objects.filter(pk=Meeting.objects.order_by("-number").values("pk")[:1]).update(body=HOSTILE, chair=HOSTILE)
    return world


def township(world):
    return Unit.objects.filter(kind=Unit.Kind.TOWNSHIP, collectives__task_units__isnull=False).first()


@pytest.mark.parametrize(
    "table, rows",
    [
        (TaskTable, lambda world: selectors.tasks_for_display()),
        (TaskTable, lambda world: selectors.with_unit_reach(selectors.tasks_for_display(), township(world))),
        (TaskTable, lambda world: Task.objects.none()),
        (UnitTable, lambda world: state.units_as_of()),
        (MeetingTable, lambda world: Meeting.objects.all()),
        (DecisionTable, lambda world: Decision.objects.select_related("document")),
    ],
    ids=["tasks", "tasks via a collective", "no task", "units", "meetings", "decisions"],
)
@pytest.mark.parametrize("params", [{"per_page": "200"}, {"per_page": "7", "page": "2", "sort": "-number"}])
def test_rows_are_rendered_as_django_tables2_renders_them(world, table, rows, params):
    if table is not TaskTable:
        params = {key: value for key, value in params.items() if key != "sort"}
    ours, theirs = both_ways(table, rows(world), **params)
    assert ours == theirs
    assert "<tr" in ours
    assert "<script>" not in ours
