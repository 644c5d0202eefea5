"""Search of task texts: the trigram index serves the very expression the filters run (PostgreSQL),
and the search page reads its first rows' keys and the count in one query, whatever the matches."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.filtersets import TaskFilterSet
from tasks.models import Task
from tasks.tests.factories import make_document, make_unit
from tasks.tests.test_long_lists import add_tasks

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")


@pytest.fixture
def reader(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("reader"))
    return client


def task_count(html):
    return int(re.search(r'任务 <span class="badge text-bg-secondary">(\d+)', html)[1])


@postgresql_only
@pytest.mark.django_db
def test_the_keyword_filter_can_use_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
    rows = TaskFilterSet({"q": "陶瓷产业 园区"}, queryset=Task.objects.all()).qs.order_by().values("pk")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database holds a handful of rows: forbid the scan so the plan shows whether the index
        # matches the expression Django writes (UPPER(text::text) LIKE UPPER(…)) at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "task_text_trgm" in plan, plan


def test_the_keyword_filter_still_finds_every_word_anywhere(db):
    document = make_document()
    add_tasks(document, [make_unit()], range(1, 4))
    Task.objects.filter(number=2).update(text="推进陶瓷产业园区建设")
    Task.objects.filter(number=3).update(text="陶瓷文化园区")
    found = TaskFilterSet({"q": "陶瓷产业 园区"}, queryset=Task.objects.all()).qs
    assert list(found.values_list("number", flat=True)) == [2]


def test_the_search_page_costs_the_same_for_ten_matches_and_a_thousand(reader):
    document = make_document()
    unit = make_unit("区发改委")
    counts = []
    for numbers in (range(1, 11), range(11, 1001)):
        add_tasks(document, [unit], numbers)
        Task.objects.filter(number__in=numbers).update(text="加快陶瓷产业园建设")
        reader.get(reverse("search"), {"q": "陶瓷产业园"})  # the task states stored once
        with CaptureQueriesContext(connection) as queries:
            html = reader.get(reverse("search"), {"q": "陶瓷产业园"}).content.decode()
        counts.append(len(queries))
        assert task_count(html) == len(range(1, numbers.stop))
    assert counts[0] == counts[1], counts
    # The first 30 in the list's order, and the link to all of them.
    first = list(Task.objects.order_by("number").values_list("pk", flat=True)[:30])
    # A row links its task twice (number and text).
    shown = list(dict.fromkeys(int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)))
    assert shown == first
    assert "共 1000 项" in html


def test_a_keyword_search_on_the_task_list_reads_keys_and_count_once(reader):
    document = make_document()
    unit = make_unit("区发改委")
    url = reverse("tasks:task_list")
    counts = []
    for numbers in (range(1, 11), range(11, 1001)):
        add_tasks(document, [unit], numbers)
        Task.objects.filter(number__in=numbers, number__gt=1).update(text="加快陶瓷产业园建设")
        reader.get(url, {"q": "陶瓷产业园"})  # the task states stored once
        with CaptureQueriesContext(connection) as queries:
            html = reader.get(url, {"q": "陶瓷产业园", "per_page": "100"}).content.decode()
        counts.append(len(queries))
        # One query finds the matches: the page's keys with their count, no second COUNT(*) over them
        # (the rows are then read by their keys).
        sqls = [q["sql"] for q in queries.captured_queries]
        assert len([sql for sql in sqls if "LIKE" in sql and "OVER ()" in sql]) == 1
        # (The navigation's count of unread notices is another table's.)
        assert not [sql for sql in sqls if "__count" in sql and "notices_notice" not in sql], sqls
    assert counts[0] == counts[1], counts
    assert "999" in html
    # Every page, the last included (and one past it), shows the matches in the list's order.
    matches = list(Task.objects.filter(number__gt=1).order_by("number").values_list("pk", flat=True))
    shown = []
    for page in range(1, 12):
        html = reader.get(url, {"q": "陶瓷产业园", "per_page": "100", "page": page}).content.decode()
        shown += list(dict.fromkeys(int(pk) for pk in re.findall(r'href="/tasks/(\d+)/\?', html)))
    past_the_end = reader.get(url, {"q": "陶瓷产业园", "per_page": "100", "page": 11}).content.decode()
    assert "没有第11页" in past_the_end
    assert shown[: len(matches)] == matches
