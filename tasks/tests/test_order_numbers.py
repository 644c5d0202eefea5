"""Meeting orders are numbered with their meeting (会100-1): never a second "1" beside notice task 1."""

import io
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from meetings.models import Meeting
from tasks.models import Task
from tasks.public.services import publication_save
from tasks.tests.factories import load_2021_documents, make_user


@pytest.fixture
def office(db):
    load_2021_documents()
    client = Client()
    client.force_login(make_user("office", role="督查室"))
    return client


def first_cells(html):
    """The first cell of every row of the page's main table."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", body, re.S)]


def test_orders_carry_their_meeting_in_the_task_list(office):
    numbers = first_cells(office.get(reverse("tasks:task_list"), {"per_page": 100}).content.decode())
    assert len(numbers) == 86
    assert [n for n, count in Counter(numbers).items() if count > 1] == []
    assert numbers[-2:] == ["会100-1", "会100-2"]


def test_the_meeting_page_the_task_page_and_the_public_list_say_the_same(office, settings):
    meeting = Meeting.objects.get(number=100)
    html = office.get(meeting.get_absolute_url()).content.decode()
    assert "会100-1" in html and "会100-2" in html
    order = Task.objects.get(document=meeting.document, number=2)
    page = office.get(order.get_absolute_url()).content.decode()
    assert re.search(r"<h1[^>]*>\s*会100-2", page) and "第2项" not in page
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    # Nothing is public until the office publishes it (issue 14): publish every task and order.
    actor = get_user_model().objects.get(username="office")
    for task in Task.objects.all():
        publication_save(task=task, actor=actor, text=f"公开稿{task.pk}", publish=True)
    public, number = [], 1
    while True:
        html = Client().get(reverse("tasks:public_task_list"), {"page": number}).content.decode()
        public += first_cells(html)
        if "下一页" not in html:
            break
        number += 1
    assert "会100-1" in public and public.count("1") == 1


def test_the_bulletin_numbers_orders_with_their_meeting(office):
    response = office.get(reverse("tasks:task_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    numbers = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
    assert "会100-1" in numbers and "会100-2" in numbers
    assert [n for n, count in Counter(numbers).items() if count > 1] == []
