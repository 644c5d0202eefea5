"""Long lists cost the same at 10 rows and 1,000, on their first page and their last: the public
list (numbered pages read from the nearer end, core/paging.py) and the reminders page (催办)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.paging import numbered_page
from tasks import roles
from tasks.models import Publication, Task, TaskUnit
from tasks.progress import selectors
from tasks.public.views import PER_PAGE
from tasks.tests.factories import make_document, make_unit, make_user


def add_tasks(document, units, numbers, *, publish_by=None, deadline=None):
    """Tasks `numbers` of `document`, led by the units in turn, each published when `publish_by` is given.
    Written in bulk: the thousand rows of a test are about the page, not the factories."""
    deadline = deadline or document.issued_on.replace(month=12, day=31)
    tasks = Task.objects.bulk_create(
        [
            Task(
                document=document,
                number=n,
                text=f"批量任务{n}",
                deadline=deadline,
                source_line=n,
                source_text=f"批量任务{n}",
            )
            for n in numbers
        ]
    )
    TaskUnit.objects.bulk_create(
        [
            TaskUnit(task=task, unit=units[i % len(units)], role=TaskUnit.Role.LEAD, position=1, name_as_written="")
            for i, task in enumerate(tasks)
        ]
    )
    if publish_by is not None:
        now = timezone.now()
        Publication.objects.bulk_create(
            [
                Publication(
                    task=task,
                    text=f"公开稿{task.number}",
                    is_published=True,
                    published_at=now,
                    updated_by=publish_by,
                    updated_at=now,
                )
                for task in tasks
            ]
        )
    return tasks


def public_numbers(html):
    return [int(n) for n in re.findall(r"<td\s*>(\d+)</td>", html)]


@pytest.fixture
def public(db, settings):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    office = get_user_model().objects.create_user("publisher")
    return {"office": office, "document": make_document(), "units": [make_unit("区发改委"), make_unit("区财政局")]}


def test_every_public_page_holds_the_rows_of_the_plain_paginator_in_order(public):
    add_tasks(public["document"], public["units"], range(1, 3 * PER_PAGE + 8), publish_by=public["office"])
    # One task of the list not published: it is on no page.
    Publication.objects.filter(task__number=5).update(is_published=False)
    anonymous = Client()
    seen, number = [], 1
    while True:
        html = anonymous.get(reverse("tasks:public_task_list"), {"page": number}).content.decode()
        seen += public_numbers(html)
        if "下一页" not in html:
            break
        number += 1
    assert seen == [n for n in range(1, 3 * PER_PAGE + 8) if n != 5]
    assert number == 4


def test_a_page_of_the_second_half_read_backwards_is_the_same_page(public):
    add_tasks(public["document"], public["units"], range(1, 95), publish_by=public["office"])
    tasks = selectors.public_tasks()
    ordered = list(tasks.values_list("pk", flat=True))
    for number in range(1, 11):
        page = numbered_page(tasks, number, 10)
        assert [task.pk for task in page.object_list] == ordered[(number - 1) * 10 : number * 10]
        # The rows carry what the page shows (the state and the published wording).
        assert all(hasattr(task, "status") and task.public_text for task in page.object_list)


@pytest.mark.parametrize("page", ["1", "last"])
def test_the_public_list_costs_the_same_for_ten_tasks_and_a_thousand(public, page):
    anonymous = Client()
    counts = []
    for numbers in (range(1, 11), range(11, 1001)):
        add_tasks(public["document"], public["units"], numbers, publish_by=public["office"])
        asked = "999999" if page == "last" else page
        anonymous.get(reverse("tasks:public_task_list"))  # the task states stored once
        with CaptureQueriesContext(connection) as queries:
            html = anonymous.get(reverse("tasks:public_task_list"), {"page": asked}).content.decode()
        counts.append(len(queries))
    assert public_numbers(html)[-1 if page == "last" else 0] == (1000 if page == "last" else 1)
    # The stored states' check, the count, the page's keys, its rows, their units.
    assert counts[0] == counts[1] <= 5, counts


def test_the_reminders_page_costs_the_same_for_ten_tasks_and_a_thousand(db):
    office = make_user("office", role=roles.OFFICE)
    client = Client()
    client.force_login(office)
    today = timezone.localdate()
    document = make_document(issued_on=today - datetime.timedelta(days=120))
    units = [make_unit(f"区测试局{n}") for n in range(5)]
    counts = []
    for numbers in (range(1, 11), range(11, 1001)):
        add_tasks(document, units, numbers, deadline=today - datetime.timedelta(days=1))
        client.get(reverse("tasks:reminders"))  # the task states stored once
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("tasks:reminders")).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Every unit owes its 200 overdue tasks, none of another unit's.
    duties = selectors.unit_duties(units=units)
    assert [len(duties[unit.pk].overdue) for unit in units] == [200] * 5
    assert all(task.task_units.get().unit_id == unit.pk for unit in units for task in duties[unit.pk].overdue[:3])
    assert "区测试局4" in html


def test_the_reminders_page_shows_each_units_first_tasks_and_the_units_a_page_at_a_time(db):
    from tasks.progress.views import REMINDER_TASKS, REMINDER_UNITS

    office = make_user("office", role=roles.OFFICE)
    client = Client()
    client.force_login(office)
    today = timezone.localdate()
    document = make_document(issued_on=today - datetime.timedelta(days=120))
    units = [make_unit(f"区测试局{n:02d}") for n in range(REMINDER_UNITS + 5)]
    # The first unit owes the most: 25 overdue tasks; every other unit one.
    add_tasks(document, units[:1], range(1, 26), deadline=today - datetime.timedelta(days=1))
    add_tasks(document, units[1:], range(26, 26 + len(units) - 1), deadline=today - datetime.timedelta(days=1))
    html = client.get(reverse("tasks:reminders")).content.decode()
    first = html.split('id="unit-')[1]
    assert "区测试局00" in first
    assert len(re.findall(r'href="/tasks/\d+/"', first)) == 2 * REMINDER_TASKS  # to report and overdue, ten each
    assert "在任务列表中查看全部 25 项" in first and "status=overdue" in first
    assert html.count('class="card mb-3 unit-duties"') == REMINDER_UNITS
    second = client.get(reverse("tasks:reminders"), {"page": 2}).content.decode()
    assert second.count('class="card mb-3 unit-duties"') == 5
    assert client.get(reverse("tasks:reminders"), {"page": "<script>"}).status_code == 200


def test_the_owed_counts_are_the_lengths_of_every_units_duties(db):
    """owed_counts() (the reminders page's order) counts what unit_duties() lists, for every unit."""
    call_command_demo()
    counts = selectors.owed_counts()
    duties = selectors.unit_duties()
    expected = [
        (d.unit.pk, len(d.to_report), len(d.overdue))
        for d in sorted((d for d in duties.values() if d.outstanding), key=lambda d: -len(d.overdue) - len(d.to_report))
    ]
    assert [(c.unit.pk, c.to_report, c.overdue) for c in counts] == expected
    assert len(counts) > 5 and any(c.to_report for c in counts) and any(c.overdue for c in counts)


def call_command_demo():
    """A demo district whose units hold tasks directly and through collectives, reported and not."""
    import io

    from django.core.management import call_command

    call_command("generate_demo", tasks=300, units=30, reports_per_task=2, seed=7, stdout=io.StringIO())
