"""A unit's own figure beside the task's: on its page, the task list filtered by it, its to-do and its
fill-in sheet (tables.UnitProgressColumn, selectors.with_unit_progress).

The task's percent is its 主办 unit's; a township that shares the task through 各乡镇（街道） has its own
accepted percent, which its lists show beside the task's — without a query per row.
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tasks import roles
from tasks.models import ProgressReport, Unit
from tasks.report_months import owed_month
from tasks.selectors import with_unit_progress
from tasks.state import tasks_as_of
from tasks.tests.factories import make_document, make_report, make_task, make_unit
from tasks.tests.people import make_user
from tasks.workbooks.fillin import write_fillin

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    class World:
        pass

    world = World()
    world.science = make_unit("区科技局")
    world.liyang = make_unit("丽阳镇", kind=Unit.Kind.TOWNSHIP)
    world.towns = make_unit("各乡镇（街道）", kind=Unit.Kind.COLLECTIVE, members=[world.liyang])
    # A deadline ahead: open tasks, so they are on the fill-in sheet and the to-do.
    world.document = make_document(issued_on=datetime.date(2021, 3, 1))
    world.deadline = timezone.localdate() + datetime.timedelta(days=200)
    world.task = make_task(9, document=world.document, lead=[world.science], responsible=[world.towns],
                           deadline=world.deadline)  # fmt: skip
    world.own = make_task(10, document=world.document, lead=[world.liyang], deadline=world.deadline)
    last_month = owed_month(timezone.localdate()).period - datetime.timedelta(days=1)
    world.period = last_month.replace(day=1)
    make_report(task=world.task, unit=world.science, percent=25, period=world.period)
    make_report(task=world.task, unit=world.liyang, percent=5, period=world.period)
    world.liaison = make_user("liyang", role=roles.LIAISON, unit=world.liyang)
    world.office = make_user("office", role=roles.OFFICE)
    return world


def test_the_own_figure_is_the_units_latest_accepted_report_as_of_a_day(w):
    tasks = {task.number: task for task in with_unit_progress(tasks_as_of(), w.liyang)}
    assert (tasks[9].percent, tasks[9].unit_percent, tasks[9].unit_period) == (25, 5, w.period)
    assert tasks[10].unit_percent is None
    # A later report waiting for review does not replace the accepted figure; its state is shown.
    make_report(task=w.task, unit=w.liyang, percent=30, state=ProgressReport.State.SUBMITTED,
                period=w.period + datetime.timedelta(days=40))  # fmt: skip
    task = with_unit_progress(tasks_as_of(), w.liyang).get(pk=w.task.pk)
    assert (task.unit_percent, task.unit_report_state) == (5, ProgressReport.State.SUBMITTED)
    # As of a day before anything was accepted: no figure.
    before = with_unit_progress(tasks_as_of(datetime.date(2021, 3, 2)), w.liyang, datetime.date(2021, 3, 2))
    assert before.get(pk=w.task.pk).unit_percent is None


def test_the_units_page_shows_its_own_figure_beside_the_tasks(w, client):
    client.force_login(w.office)
    response = client.get(reverse("tasks:unit_detail", args=[w.liyang.pk]))
    html = response.content.decode()
    assert "该单位进度" in html
    via = response.context["tables"]["via_collective"]
    (row,) = via.rows
    assert row.record.percent == 25
    assert row.get_cell_value("unit_progress") == 5
    assert 'class="unit-progress">5%' in html


def test_the_task_list_filtered_by_a_unit_shows_its_own_figure_and_only_then(w, client):
    client.force_login(w.office)
    html = client.get(reverse("tasks:task_list"), {"unit": "丽阳镇"}).content.decode()
    assert "该单位进度" in html and 'class="unit-progress">5%' in html
    html = client.get(reverse("tasks:task_list")).content.decode()
    assert "unit-progress" not in html


def test_the_to_do_shows_the_units_own_figure_and_the_tasks(w, client):
    client.force_login(w.liaison)
    html = client.get(reverse("tasks:todo")).content.decode()
    # Task 10 it leads and has not reported: no accepted report of its own yet.
    assert "本单位未有采纳的报告 · 任务0%" in html


def test_the_fillin_sheet_shows_the_units_own_figure_beside_the_tasks(w):
    out = io.BytesIO()
    write_fillin(w.liyang, timezone.localdate(), out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    last = {row[0].value: row[5].value for row in sheet.iter_rows(min_row=4) if row[0].value}
    month = f"{w.period.year}年{w.period.month}月"
    assert last[9] == f"（{month}，5%，已采纳）已按计划推进\n本单位已采纳进度：5%（{month}）；任务进度：25%"
    assert last[10] == "本单位已采纳进度：无；任务进度：0%"


def more_tasks(w, count):
    start = 100 + w.document.tasks.count()
    for number in range(start, start + count):
        task = make_task(number, document=w.document, lead=[w.science], responsible=[w.towns], deadline=w.deadline)
        make_report(task=task, unit=w.liyang, percent=7, period=w.period)


@pytest.mark.parametrize(
    ("name", "url", "params"),
    [
        ("unit page", lambda w: reverse("tasks:unit_detail", args=[w.liyang.pk]), {}),
        ("task list by unit", lambda w: reverse("tasks:task_list"), {"unit": "丽阳镇"}),
        ("to-do", lambda w: reverse("tasks:todo"), {}),
    ],
)
def test_the_own_figure_costs_no_query_per_row(w, client, name, url, params):
    client.force_login(w.liaison)
    counts = []
    for extra in (8, 30):
        more_tasks(w, extra)
        tasks_as_of()  # store the new tasks' states first: that cost is test_state_store.py's
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(w), params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], (name, counts)
