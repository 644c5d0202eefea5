"""The review queue (/reviews/): paged oldest first, filtered by unit, month and kind, counted,
at a cost that does not grow with the queue."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks import roles
from tasks.models import ExtensionRequest, ProgressReport
from tasks.progress.selectors import REVIEW_QUEUE_PAGE
from tasks.tests.factories import at, make_closure, make_document, make_report, make_task, make_unit, make_user

URL = reverse("tasks:review_queue")
START = datetime.date(2021, 3, 1)


@pytest.fixture
def world(db):
    office = make_user("office", role=roles.OFFICE)
    client = Client()
    client.force_login(office)
    document = make_document(issued_on=START)
    dev = make_unit("区发改委", aliases=["发改委"])
    finance = make_unit("区财政局")
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    return {
        "client": client,
        "office": office,
        "document": document,
        "dev": dev,
        "finance": finance,
        "town": town,
        "towns": towns,
    }


def waiting_reports(world, count, *, unit=None, period=datetime.date(2021, 5, 1), first_number=1):
    """`count` reports waiting for review, one task each, handed in a minute apart (oldest first)."""
    unit = unit or world["dev"]
    reports = []
    for n in range(count):
        task = make_task(first_number + n, document=world["document"], lead=[unit])
        submitted = at(period + datetime.timedelta(days=35)) + datetime.timedelta(minutes=first_number + n)
        reports.append(
            make_report(
                task=task, unit=unit, period=period, state=ProgressReport.State.SUBMITTED, submitted_at=submitted
            )
        )
    return reports


def report_links(html):
    return [int(pk) for pk in re.findall(r'href="/reports/(\d+)/"', html)]


def test_the_queue_is_paged_oldest_first_and_next_and_previous_walk_it(world):
    reports = waiting_reports(world, REVIEW_QUEUE_PAGE * 2 + 7)
    client = world["client"]
    html = client.get(URL).content.decode()
    # The count says all of them; the page shows the oldest page of them.
    assert f"{len(reports)}</span>" in html
    assert report_links(html) == [r.pk for r in reports[:REVIEW_QUEUE_PAGE]]
    seen = report_links(html)
    while "下一页" in html:
        url = re.search(r'href="(\?[^"]*reports-after=\d+)#waiting-reports"', html).group(1).replace("&amp;", "&")
        html = client.get(URL + url).content.decode()
        seen += report_links(html)
    assert seen == [r.pk for r in reports]
    # The last page's 上一页 goes back to the page before it.
    back = re.search(r'href="(\?[^"]*reports-before=\d+)#waiting-reports"', html).group(1).replace("&amp;", "&")
    html = client.get(URL + back).content.decode()
    assert report_links(html) == [r.pk for r in reports[REVIEW_QUEUE_PAGE : 2 * REVIEW_QUEUE_PAGE]]


def test_a_report_reviewed_meanwhile_still_marks_the_place_of_the_next_page(world):
    reports = waiting_reports(world, REVIEW_QUEUE_PAGE + 3)
    last_shown = reports[REVIEW_QUEUE_PAGE - 1]
    ProgressReport.objects.filter(pk=last_shown.pk).update(state=ProgressReport.State.ACCEPTED)
    html = world["client"].get(URL, {"reports-after": last_shown.pk}).content.decode()
    assert report_links(html) == [r.pk for r in reports[REVIEW_QUEUE_PAGE:]]


@pytest.mark.parametrize("cursor", ["abc", "-1", "0", "99999999999999999999999", "<script>"])
def test_a_cursor_that_is_not_a_row_shows_the_first_page(world, cursor):
    reports = waiting_reports(world, 3)
    response = world["client"].get(URL, {"reports-after": cursor, "reports-before": cursor})
    assert response.status_code == 200
    assert report_links(response.content.decode()) == [r.pk for r in reports]


def test_filter_by_unit_any_spelling_and_a_collective_takes_its_members(world):
    dev_reports = waiting_reports(world, 2)
    town_reports = waiting_reports(world, 2, unit=world["town"], first_number=10)
    client = world["client"]
    assert report_links(client.get(URL, {"unit": "发改委"}).content.decode()) == [r.pk for r in dev_reports]
    collective = client.get(URL, {"unit": "各乡镇（街道）"}).content.decode()
    assert report_links(collective) == [r.pk for r in town_reports]


def test_filter_by_month_reads_the_report_month(world):
    may = waiting_reports(world, 2)
    june = waiting_reports(world, 2, period=datetime.date(2021, 6, 1), first_number=10)
    client = world["client"]
    assert report_links(client.get(URL, {"month": "2021-06"}).content.decode()) == [r.pk for r in june]
    assert report_links(client.get(URL, {"month": "2021-05"}).content.decode()) == [r.pk for r in may]


def test_filter_by_kind_lists_only_that_kind(world):
    report = waiting_reports(world, 1)[0]
    closure = make_closure(task=report.task, requested_at=at(datetime.date(2021, 6, 10)))
    client = world["client"]
    only_closures = client.get(URL, {"kind": "closures"}).content.decode()
    assert reverse("tasks:closure_detail", args=[closure.pk]) in only_closures
    assert report_links(only_closures) == [] and 'id="waiting-reports"' not in only_closures
    only_reports = client.get(URL, {"kind": "reports"}).content.decode()
    assert report_links(only_reports) == [report.pk] and 'id="waiting-closures"' not in only_reports


@pytest.mark.parametrize(
    "params, message",
    [
        ({"unit": "不存在的局"}, "没有名为“不存在的局”的单位"),
        ({"month": "2021-13"}, "请按“年-月”填写月份"),
        ({"kind": "everything"}, "选择一个有效的选项"),
        ({"month": "0001-01"}, "月份超出范围"),
        ({"month": "9999-12"}, "月份超出范围"),
    ],
)
def test_a_bad_filter_says_why_and_lists_nothing(world, params, message):
    waiting_reports(world, 2)
    html = world["client"].get(URL, params).content.decode()
    assert message in html
    assert report_links(html) == [] and "未显示任何事项" in html


def test_the_filter_is_kept_by_the_paging_links_and_escaped(world):
    waiting_reports(world, REVIEW_QUEUE_PAGE + 1)
    html = world["client"].get(URL, {"unit": "区发改委", "month": "2021-05"}).content.decode()
    assert "unit=%E5%8C%BA%E5%8F%91%E6%94%B9%E5%A7%94&amp;month=2021-05&amp;reports-after=" in html
    hostile = world["client"].get(URL, {"unit": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in hostile


def test_the_queue_is_for_the_office_only(world):
    liaison = make_user("liaison", role=roles.LIAISON, unit=world["dev"])
    client = Client()
    client.force_login(liaison)
    assert client.get(URL).status_code == 403


def _extension(world, task, when):
    return ExtensionRequest.objects.create(
        task=task,
        unit=world["dev"],
        old_deadline=datetime.date(2021, 12, 31),
        new_deadline=datetime.date(2022, 3, 31),
        reason="资金未到位",
        progress="已开工",
        percent=30,
        requested_by=world["office"],
        requested_at=when,
    )


@pytest.mark.parametrize("params", [{}, {"unit": "区发改委", "month": "2021-05"}, {"kind": "reports"}])
def test_ten_or_a_thousand_waiting_cost_the_same_queries(world, params):
    client = world["client"]
    counts = []
    for count, first in ((10, 1), (990, 11)):
        reports = waiting_reports(world, count, first_number=first)
        for report in reports[:5]:
            make_closure(task=report.task, requested_at=report.submitted_at)
            _extension(world, report.task, report.submitted_at)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        counts.append(len(queries))
    # The second time the page shows a full page of a thousand, and a next-page link.
    assert "下一页" in response.content.decode()
    assert counts[0] == counts[1], counts
    # Session and user, the user's permissions, the navigation's unread notices, then a page and its
    # count for each kind shown (a unit's spelling is one more: the lookup).
    assert counts[1] <= 12, counts
