"""Pages of the tasks app and the project-level search: rendering, bad input, query-count ceilings."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commendations.models import Enterprise, EnterpriseAlias
from meetings.models import Meeting
from tasks.models import Document, Task
from tasks.state import store
from tasks.tests.factories import (
    at,
    make_document,
    make_report,
    make_sample_world,
    make_task,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_sample_world()


@pytest.fixture
def user():
    return make_user("duchashi")


@pytest.fixture
def client(client, user):
    client.force_login(user)
    return client


def task_of(world, number):
    return world.tasks[number - 1]


def page(client, url, **params):
    response = client.get(url + ("?" + urlencode(params) if params else ""))
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def count_line(html):
    return re.search(r'class="mb-0 result-count">([^<]*)<', html)[1]


def shown_numbers(response):
    return [row.record.number for row in response.context["table"].page.object_list]


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("dashboard", []),
        ("search", []),
        ("tasks:task_list", []),
        ("tasks:task_detail", [1]),
        ("tasks:document_detail", [1]),
        ("tasks:unit_list", []),
        ("tasks:unit_detail", [1]),
    ],
)
def test_pages_need_login(client, name, args):
    client.logout()
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"


def test_login_page_is_chinese_with_a_language_switch(client):
    client.logout()
    response, html = page(client, reverse("login"))
    assert "登录" in html and f'action="{reverse("set_language")}"' in html


def test_language_switch_works_before_login(client):
    client.logout()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_lands_on_dashboard(client, user):
    client.logout()
    response = client.post(reverse("login"), {"username": "duchashi", "password": "a-long-test-password"})
    assert response["Location"] == reverse("dashboard")


# --- Task list ------------------------------------------------------------------------------------


def test_task_list_shows_every_task_and_the_count(client, world):
    response, html = page(client, reverse("tasks:task_list"))
    assert count_line(html) == "共 5 项" and "建设陶瓷产业园，完善配套设施" in html


def test_task_list_rows_say_via_which_collective(client, world):
    response, html = page(client, reverse("tasks:task_list"), unit="丽阳镇")
    assert html.count("经 各乡镇（街道）") == 2


def test_task_list_unknown_unit_says_so_and_shows_nothing(client, world):
    response, html = page(client, reverse("tasks:task_list"), unit="区市监督")
    assert ("没有名为“区市监督”的单位" in html, "区市场监督局" in html, count_line(html)) == (True, True, "共 0 项")


def test_task_list_unknown_status_shows_nothing(client, world):
    response, html = page(client, reverse("tasks:task_list"), status="finished")
    assert count_line(html) == "共 0 项"


def test_task_list_malformed_date_shows_the_error_and_nothing(client, world):
    response, html = page(client, reverse("tasks:task_list"), deadline_after="2021-13-45")
    assert (count_line(html), "filter-errors" in html) == ("共 0 项", True)


def test_task_list_page_past_the_end_shows_the_last_page(client, world):
    response, html = page(client, reverse("tasks:task_list"), page=999999, per_page=2)
    assert (shown_numbers(response), "没有第999999页" in html) == ([5], True)


def test_task_list_page_that_is_not_a_number_shows_the_first(client, world):
    response, html = page(client, reverse("tasks:task_list"), page="abc", per_page=2)
    assert shown_numbers(response) == [1, 2]


def test_task_list_per_page_is_capped(client, world):
    response, html = page(client, reverse("tasks:task_list"), per_page=100000)
    assert response.context["table"].paginator.per_page == settings.GOVTASKS_MAX_PER_PAGE


def test_task_list_search_text_is_escaped(client, world):
    response, html = page(client, reverse("tasks:task_list"), q="<script>alert(1)</script>")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_task_list_sorts_by_deadline_then_pk(client, world):
    response, html = page(client, reverse("tasks:task_list"), sort="deadline")
    assert shown_numbers(response) == [2, 3, 5, 1, 4]


def test_task_list_sorts_by_light_most_urgent_first(client, world):
    response, html = page(client, reverse("tasks:task_list"), sort="light", as_of="2021-07-01")
    assert shown_numbers(response) == [2, 4, 5, 1, 3]


def test_task_list_sort_links_keep_the_filters(client, world):
    response, html = page(client, reverse("tasks:task_list"), unit="丽阳镇")
    sort_link = re.search(r'href="(\?[^"]*sort=deadline[^"]*)"', html)[1]
    assert "unit=%E4%B8%BD%E9%98%B3%E9%95%87" in sort_link


def test_task_list_page_links_keep_the_filters(client, world):
    response, html = page(client, reverse("tasks:task_list"), section=2, per_page=1)
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)"', html)[1].replace("&amp;", "&")
    assert "section=2" in next_link


def test_task_list_filter_form_carries_sort_and_as_of(client, world):
    response, html = page(client, reverse("tasks:task_list"), sort="deadline", as_of="2021-07-01", page=2)
    form = re.search(r'<form method="get" class="filter-form.*?</form>', html, re.S)[0]
    hidden = set(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    assert hidden == {("sort", "deadline")}
    # The day is a field of the form itself (状态截至), kept when the filters change.
    assert re.search(r'<input type="date" name="as_of" value="2021-07-01"', form)


def test_task_list_as_of_gives_status_on_that_day(client, world):
    response, html = page(client, reverse("tasks:task_list"), status="overdue", as_of="2021-07-01")
    assert shown_numbers(response) == [2]


def test_task_list_malformed_as_of_says_so_and_uses_today(client, world):
    response, html = page(client, reverse("tasks:task_list"), as_of="2021-02-30")
    assert ("日期“2021-02-30”无效" in html, count_line(html)) == (True, "共 5 项")


def test_task_list_links_carry_the_filter_to_the_detail(client, world):
    response, html = page(client, reverse("tasks:task_list"), unit="丽阳镇")
    url = reverse("tasks:task_detail", args=[task_of(world, 3).pk])
    assert f'href="{url}?back=unit%3D%25E4%25B8%25BD%25E9%2598%25B3%25E9%2595%2587"' in html


def test_unknown_export_format_is_reported_not_an_error(client, world):
    response, html = page(client, reverse("tasks:task_list"), export="pdf")
    assert "不支持的导出格式：pdf" in html


# --- Task detail and source document -----------------------------------------------------------------


def test_task_detail_shows_text_section_path_units_and_source(client, world):
    task = task_of(world, 1)
    response, html = page(client, reverse("tasks:task_detail", args=[task.pk]))
    assert all(
        fragment in html
        for fragment in [
            "建设陶瓷产业园，完善配套设施",
            "1、全力以赴推进试验区建设",
            "（1）十件民生实事",
            f'href="{world.dev.get_absolute_url()}">区发改委',
            f'href="{world.market.get_absolute_url()}">区市场监管局',
            "昌府办字〔2021〕20号",
            f"{reverse('tasks:document_detail', args=[world.document.pk])}?task={task.pk}#L1",
        ]
    )


def test_task_detail_shows_reports_newest_first(client, world):
    task = task_of(world, 1)
    make_report(task=task, percent=70, done="七月进展", submitted_at=at(datetime.date(2021, 7, 5)))
    response, html = page(client, reverse("tasks:task_detail", args=[task.pk]))
    assert html.index("七月进展") < html.index("已按计划推进")


def test_task_detail_previous_and_next_follow_the_list_filter(client, world):
    task = task_of(world, 3)
    back = urlencode({"unit": "丽阳镇"})
    response, html = page(client, reverse("tasks:task_detail", args=[task.pk]), back=back)
    context = response.context
    expected = [
        f"{reverse('tasks:task_detail', args=[task_of(world, n).pk])}?{urlencode({'back': back})}" for n in (2, 4)
    ]
    assert [context["previous_url"], context["next_url"]] == expected


def test_task_detail_says_a_unit_has_it_through_a_collective(client, world):
    task = task_of(world, 4)
    response, html = page(client, reverse("tasks:task_detail", args=[task.pk]), back="unit=丽阳镇")
    assert "丽阳镇经“各乡镇（街道）”承担本任务。" in html


def test_task_detail_with_a_garbled_back_parameter_still_renders(client, world):
    task = task_of(world, 2)
    response, html = page(client, reverse("tasks:task_detail", args=[task.pk]), back="status=nope&page=x&as_of=1")
    assert (response.context["previous_url"], response.context["next_url"]) == (None, None)


def test_unknown_task_is_a_404(client, world):
    assert client.get(reverse("tasks:task_detail", args=[999999])).status_code == 404


def test_document_detail_highlights_the_task_lines(client):
    document = make_document(text="标题\n序号\n12\n完善陶瓷产业园配套\n区发改委\n13", first_line=40)
    task = make_task(12, document=document, source_line=42, source_text="12\n完善陶瓷产业园配套\n区发改委")
    response, html = page(client, reverse("tasks:document_detail", args=[document.pk]), task=task.pk)
    highlighted = re.findall(r'id="L(\d+)" class="doc-line doc-line-highlight"', html)
    assert highlighted == ["42", "43", "44"]


# --- Units --------------------------------------------------------------------------------------------


def test_unit_list_counts(client, world):
    response, html = page(client, reverse("tasks:unit_list"), as_of="2021-07-01")
    rows = {row.record.name: row.record for row in response.context["table"].page.object_list}
    town, dev = rows["丽阳镇"], rows["区发改委"]
    assert [(u.led, u.shared, u.via_collective, u.total, u.done) for u in (town, dev)] == [
        (1, 0, 2, 3, 1),  # total counts the tasks it has through 各乡镇（街道） too
        (2, 0, 0, 2, 0),
    ]


def test_unit_list_overdue_count_matches_the_list_behind_its_link(client, world):
    # Counted over the tasks the unit answers for (state.answerable_units): 丽阳镇 has tasks through
    # 各乡镇（街道） that are overdue, but is not blamed for them.
    response, html = page(client, reverse("tasks:unit_list"))
    assert "role=answerable" in html
    for unit in response.context["table"].page.object_list:
        record = unit.record
        listed, _ = page(client, reverse("tasks:task_list"), unit=record.name, role="answerable", overdue="true")
        assert listed.context["count"] == record.overdue, record.name
    reached, _ = page(client, reverse("tasks:task_list"), unit="丽阳镇", role="any", overdue="true")
    assert reached.context["count"] > 0 == response.context["table"].data.data.get(name="丽阳镇").overdue


def test_unit_detail_lists_lead_shared_and_collective_tasks(client, world):
    response, html = page(client, reverse("tasks:unit_detail", args=[world.town.pk]))
    tables = response.context["tables"]
    grouped = {key: sorted(row.record.number for row in table.rows) for key, table in tables.items()}
    assert (grouped, html.count("经 各乡镇（街道）")) == (
        {"lead": [3], "responsible": [], "via_collective": [2, 4]},
        2,
    )


def test_unit_detail_shows_aliases(client, world):
    response, html = page(client, reverse("tasks:unit_detail", args=[world.market.pk]))
    assert "区市场监督局、区市监局" in html


def test_collective_page_lists_members(client, world):
    response, html = page(client, reverse("tasks:unit_detail", args=[world.towns.pk]))
    assert f'<a href="{world.town.get_absolute_url()}">丽阳镇</a>' in html


def test_member_page_lists_its_collectives(client, world):
    response, html = page(client, reverse("tasks:unit_detail", args=[world.town.pk]))
    assert f'<a href="{world.towns.get_absolute_url()}">各乡镇（街道）</a>' in html


# --- Dashboard -------------------------------------------------------------------------------------


def test_dashboard_figures_as_of_a_day(client, world):
    response, html = page(client, reverse("dashboard"), as_of="2021-07-01")
    overall = response.context["overall"]
    figures = {key: overall[key] for key in ("total", "done", "in_progress", "not_started", "overdue", "red")}
    assert figures == {"total": 5, "done": 1, "in_progress": 2, "not_started": 1, "overdue": 1, "red": 2}


def test_dashboard_bars_per_section(client, world):
    response, html = page(client, reverse("dashboard"), as_of="2021-07-01")
    rows = [(row["section__number"], row["total"], row["done"], row["overdue"]) for row in response.context["sections"]]
    assert rows == [(1, 2, 0, 1), (2, 3, 1, 0)]


def test_dashboard_due_soon_overdue_and_lagging_units(client, world):
    # 丽阳镇's overdue and red tasks reach it only through 各乡镇（街道）: it is not blamed for them
    # (state.answerable_units) until the office names it (test_answerable.py).
    response, html = page(client, reverse("dashboard"), as_of="2021-07-01")
    context = response.context
    assert (
        [task.number for task in context["due_soon"]],
        [task.number for task in context["overdue"]],
        [(unit.name, unit.overdue, unit.red) for unit in context["lagging_units"]],
    ) == ([5], [2], [("区市场监管局", 1, 1)])


def test_dashboard_recent_reports_stop_at_the_day(client, world):
    response, html = page(client, reverse("dashboard"), as_of="2021-06-22")
    assert [report.task.number for report in response.context["recent_reports"]] == [3, 1]


def test_dashboard_malformed_as_of_says_so_and_uses_today(client, world):
    response, html = page(client, reverse("dashboard"), as_of="yesterday")
    assert ("日期“yesterday”无效" in html, response.context["as_of"]) == (True, datetime.date.today())


# --- Search -----------------------------------------------------------------------------------------


def search(client, q):
    return client.get(reverse("search"), {"q": q})


@pytest.mark.parametrize("q", ["2", "第2项", "２", " 第 2 项 "])
def test_search_task_number(client, world, q):
    assert search(client, q)["Location"] == task_of(world, 2).get_absolute_url()


def test_search_bare_number_prefers_the_notice_task(client, world):
    meeting_document = make_document(kind=Document.Kind.MEETING_RECORD, number="", title="第99次常务会议")
    make_task(2, document=meeting_document, source=Task.Source.MEETING)
    assert search(client, "2")["Location"] == task_of(world, 2).get_absolute_url()


@pytest.mark.parametrize("q", ["第99次", "99次", "第99次常务会议"])
def test_search_meeting_number(client, world, q):
    document = make_document(kind=Document.Kind.MEETING_RECORD, number="", title="区政府第99次常务会议召开")
    meeting = Meeting.objects.create(
        document=document, body="区政府", number=99, held_on=datetime.date(2021, 7, 7), chair="倪卫春"
    )
    assert search(client, q)["Location"] == meeting.get_absolute_url()


def test_search_unit_alias_lists_the_unit(client, world):
    html = search(client, "区市监局").content.decode()
    assert world.market.get_absolute_url() in html


def test_search_enterprise_alias_lists_the_enterprise(client, world):
    enterprise = Enterprise.objects.create(name="江西富祥药业股份有限公司")
    EnterpriseAlias.objects.create(enterprise=enterprise, name="富祥")
    assert enterprise.get_absolute_url() in search(client, "富祥").content.decode()


def test_search_anything_else_lists_the_tasks_whose_text_has_it(client, world):
    html = search(client, "陶瓷").content.decode()
    assert 'id="tasks"' in html and "陶瓷" in html


def test_search_unknown_number_says_so(client, world):
    response = client.get(reverse("search"), {"q": "第77项"}, follow=True)
    assert "没有找到“第77项”" in response.content.decode()


def test_search_with_script_is_escaped(client, world):
    response = client.get(reverse("search"), {"q": "<script>alert(1)</script>"}, follow=True)
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Query counts -------------------------------------------------------------------------------------


def add_tasks(first, count, document, section, units):
    for number in range(first, first + count):
        task = make_task(
            number, document=document, section=section, lead=units[:2], responsible=units[2:], source_line=number
        )
        make_report(task=task, percent=number % 100, submitted_at=at(datetime.date(2021, 6, 1)))


def queries(client, url):
    # The first read after a change stores the changed tasks' states: a cost of its own,
    # constant too (tasks/tests/test_state_store.py); counted here is the page.
    store.ensure_fresh()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/tasks/?per_page=200",
        "/tasks/?per_page=200&unit=丽阳镇&sort=light",
        "/tasks/?per_page=200&sort=-status&as_of=2021-07-01",
        "/",
        "/units/",
        "unit_detail",
        "task_detail",
    ],
)
def test_query_count_does_not_grow_with_rows(client, world, url):
    units = [world.dev, world.market, world.towns, make_unit("区工信局")]
    if url == "unit_detail":
        url = reverse("tasks:unit_detail", args=[world.town.pk])
    elif url == "task_detail":
        url = reverse("tasks:task_detail", args=[task_of(world, 3).pk]) + "?back=unit%3D丽阳镇"
    add_tasks(100, 10, world.document, world.section2, units)
    few = queries(client, url)
    add_tasks(200, 190, world.document, world.section2, units[1:] + units[:1])
    many = queries(client, url)
    assert few == many


def test_unit_names_for_the_unit_box_are_for_signed_in_users_only(client, world):
    url = reverse("tasks:unit_names")
    response = client.get(url)
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert response["Content-Type"] == "application/json"
    assert world.dev.name in response.json()["names"]
    assert "private" in response["Cache-Control"]


def test_a_units_page_shows_each_role_a_page_at_a_time_with_the_full_count(client):
    unit = make_unit("区发改局")
    document = make_document()
    for number in range(1, 26):
        make_task(number, document=document, lead=[unit], source_line=number)
    url = reverse("tasks:unit_detail", args=[unit.pk])
    first = client.get(url)
    lead = first.context["tables"]["lead"]
    assert lead.paginator.count == 25
    assert [row.record.number for row in lead.page.object_list] == list(range(1, 21))
    assert "lead-page=2" in first.content.decode()
    second = client.get(url, {"lead-page": 2})
    assert [row.record.number for row in second.context["tables"]["lead"].page.object_list] == list(range(21, 26))
