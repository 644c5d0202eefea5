"""BaseTable.rows_html() renders every table's rows exactly as django-tables2's own template does.

The rows are rendered with the per-column work done once (govtasks/tables.py); these tests
render each table of the project on the 2021 documents both ways and compare the <tbody>.
"""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from commendations.models import Decision
from commendations.tables import DecisionTable
from meetings import selectors as meeting_selectors
from meetings.models import Meeting
from meetings.tables import MeetingTable
from tasks import selectors, state
from tasks.models import Task, Unit
from tasks.progress.selectors import public_tasks
from tasks.public import services as public_services
from tasks.tables import MeetingOrderTable, PublicTaskTable, TaskSummaryTable, TaskTable, UnitTable
from tasks.tests.factories import build_world

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


def meeting_with_orders():
    return Meeting.objects.filter(orders__isnull=False).first()


@pytest.mark.parametrize(
    "make",
    [
        lambda world, **kw: TaskSummaryTable(list(selectors.tasks_for_display()[:30]), back="", **kw),
        lambda world, **kw: PublicTaskTable(public_tasks(), **kw),
        lambda world, **kw: MeetingOrderTable(
            meeting_selectors.order_tasks(meeting_with_orders()), user=world.office, **kw
        ),
        lambda world, **kw: MeetingOrderTable(
            meeting_selectors.order_tasks(meeting_with_orders()), user=world.leader, **kw
        ),
    ],
    ids=["summary", "public", "meeting orders (office)", "meeting orders (leader)"],
)
def test_task_variants_are_rendered_as_django_tables2_renders_them(world, make):
    request = RequestFactory().get("/")
    ours = tbody(make(world).as_html(request))
    theirs = tbody(make(world, template_name=DJANGO_TABLES2).as_html(request))
    assert ours == theirs
    assert "<tr" in ours
    assert "<script>" not in ours


def test_the_summary_names_the_first_lead_unit_and_how_many_there_are(world):
    task = next(task for task in selectors.tasks_for_display() if len(task.lead_units) > 1)
    table = TaskSummaryTable([task], back="as_of=2021-07-01", unit_query="?as_of=2021-07-01")
    html = table.as_html(RequestFactory().get("/"))
    first = task.lead_units[0]
    assert f'<a href="{first.get_absolute_url()}?as_of=2021-07-01">{first.name}</a>等{len(task.lead_units)}家' in html
    assert f'href="{task.get_absolute_url()}?back=as_of%3D2021-07-01"' in html
    # The other lead units and the responsible units are not in the short list.
    assert task.lead_units[1].name not in html


def test_the_public_table_refuses_a_task_that_is_not_published(world):
    unpublished = selectors.tasks_for_display().exclude(publication__is_published=True)
    with pytest.raises(ValueError):
        PublicTaskTable(unpublished[:1])


def test_the_public_table_shows_the_published_wording_and_links_nowhere_inside(world):
    public_services.publication_save(task=world.other_task, actor=world.office, text="公开稿原文", publish=False)
    html = PublicTaskTable(public_tasks()).as_html(RequestFactory().get("/"))
    assert world.publication.text in html
    assert "公开稿原文" not in html  # saved, not published
    assert "/units/" not in html
    assert 'href="/tasks/' not in html


def test_meeting_orders_offer_the_assign_button_only_to_whom_may_allows(world):
    orders = meeting_selectors.order_tasks(meeting_with_orders())
    request = RequestFactory().get("/")
    assert "assign-link" in MeetingOrderTable(orders, user=world.office).as_html(request)
    assert "assign-link" not in MeetingOrderTable(orders, user=world.leader).as_html(request)


# The import preview lists what the parser read from a file (plain data, not tasks yet).
PARSED_ROWS = {"tasks/templates/tasks/notice_import.html"}
TASK_CELL = re.compile(r"<td[^>]*>[^<]*(<a[^>]*>)?\{\{ *task\.(label|number|text)")


def test_no_template_writes_a_task_row_by_hand():
    """Task rows come from tasks/tables.py only: a new list of tasks declares a variant there."""
    root = settings.BASE_DIR
    found = [
        str(path.relative_to(root))
        for folder in ("templates", "tasks", "meetings", "commendations", "govtasks")
        for path in (root / folder).rglob("*.html")
        if TASK_CELL.search(path.read_text(encoding="utf-8")) and str(path.relative_to(root)) not in PARSED_ROWS
    ]
    assert found == []
