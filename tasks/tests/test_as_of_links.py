"""A page seen "as of" a past day keeps that day in every link it offers (the 2021 data)."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tasks.tests.factories import load_2021_documents, make_user

AS_OF = "2022-01-05"
# Today's work, not a view of the past: the office's review queue and reminders.
TODAY_ONLY = {reverse("tasks:review_queue"), reverse("tasks:reminders")}


@pytest.fixture
def office(db):
    load_2021_documents()
    client = Client()
    client.force_login(make_user("office", role="督查室"))
    return client


def main_links(html):
    main = html.split("<main", 1)[1]
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"#][^"]*)"', main)]


def as_of_of(url):
    """The as-of day a link carries: directly, or inside the ?back= of a task link."""
    query = parse_qs(urlsplit(url).query)
    if "back" in query:
        query = parse_qs(query["back"][0])
    return query.get("as_of", [None])[0]


def test_every_dashboard_link_keeps_the_day(office):
    html = office.get(reverse("dashboard"), {"as_of": AS_OF}).content.decode()
    links = [url for url in main_links(html) if urlsplit(url).path not in TODAY_ONLY]
    assert len(links) > 30  # tiles, sections, lagging units, overdue tasks
    assert [url for url in links if as_of_of(url) != AS_OF] == []
    # The "逾期" tile leads to the tasks overdue on that day, not today's.
    overdue_tile = next(url for url in links if "overdue=true" in url and "section" not in url)
    page = office.get(overdue_tile).content.decode()
    assert "状态截至 2022年1月5日" in page
    assert "共 86 项" in page  # every 2021 task and both meeting orders were past their deadlines on 2022-01-05


def test_task_and_unit_pages_opened_from_the_past_stay_there(office):
    html = office.get(reverse("dashboard"), {"as_of": AS_OF}).content.decode()
    links = main_links(html)
    unit_url = next(url for url in links if urlsplit(url).path.startswith("/units/"))
    unit_page = office.get(unit_url).content.decode()
    assert "状态截至 2022年1月5日" in unit_page
    assert all(as_of_of(url) == AS_OF for url in main_links(unit_page) if "/tasks/" in url)
    task_url = next(url for url in links if re.match(r"^/tasks/\d+/", urlsplit(url).path))
    task_page = office.get(task_url).content.decode()
    assert "2022年1月5日" in task_page


def test_the_task_list_has_its_own_as_of_field(office):
    html = office.get(reverse("tasks:task_list"), {"as_of": AS_OF, "status": "overdue"}).content.decode()
    assert f'name="as_of" value="{AS_OF}"' in html
    assert "共 86 项" in html
    today = office.get(reverse("tasks:task_list"), {"status": "overdue"}).content.decode()
    assert 'name="as_of"' in today
