"""The office works through a long review queue in a real browser: the count, the oldest first, a
filter by a unit's short spelling, the next page, and a bad filter that says why."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from tasks import roles
from tasks.models import ProgressReport
from tasks.tests.factories import make_document, make_report, make_task, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(make_user):
    roles.ensure_roles()
    office = make_user("wang.fang", first_name="王芳")
    office.groups.add(Group.objects.get(name=roles.OFFICE))
    document = make_document(issued_on=datetime.date(2021, 3, 1))
    dev = make_unit("区发展和改革委员会", aliases=["区发改委"])
    finance = make_unit("区财政局")
    start = timezone.make_aware(datetime.datetime(2021, 6, 1, 9))
    for n in range(1, 61):
        unit = dev if n % 2 else finance
        task = make_task(n, document=document, lead=[unit], text=f"第{n}项重点任务")
        make_report(
            task=task,
            unit=unit,
            period=datetime.date(2021, 5, 1),
            state=ProgressReport.State.SUBMITTED,
            submitted_at=start + datetime.timedelta(minutes=n),
        )


def test_the_office_filters_and_pages_the_queue(queue, log_in):
    page = log_in("wang.fang", start_at="/reviews/")
    reports = page.locator("#waiting-reports")
    expect(reports.locator("h2 .badge")).to_have_text("60")
    rows = reports.locator("tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("第1项重点任务")  # the oldest first

    page.get_by_label("单位").fill("区发改委")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    expect(reports.locator("h2 .badge")).to_have_text("30")
    expect(rows).to_have_count(30)
    expect(rows.first).to_contain_text("区发展和改革委员会")

    page.get_by_label("单位").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    with page.expect_navigation():
        reports.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(10)
    expect(rows.first).to_contain_text("第51项重点任务")
    expect(reports.get_by_role("link", name="第一页")).to_be_visible()

    page.goto("/reviews/?unit=没有这个局")
    expect(page.get_by_role("alert")).to_contain_text("未显示任何事项")
    expect(page.locator("#review-filter")).to_contain_text("没有名为“没有这个局”的单位")
