"""The review loop in the real 2021 data, as the two people who live it do it, in two browsers.

区科技局 leads task 12 alone. Its liaison reports; the office returns the report with a
reason; the liaison finds it on its to-do list, corrects and resubmits it; the office
accepts it; and the task, the task list and the dashboard show its 100 % — still 逾期 (every
2021 deadline has long passed): a report closes nothing, only the office's 销号 does
(test_closure.py).
"""

import re

import pytest
from playwright.sync_api import expect

from tasks.models import ProgressReport, Task, TaskEvent
from tests.browser.conftest import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("documents_2021")]

TASK = 12
UNIT = "区科技局"


@pytest.fixture
def office_page(other_page):
    """A second browser, with its own cookies, for the office at the same time as the liaison."""
    return other_page()


def task_row(page, number):
    first_cell = page.locator("td:first-child", has_text=re.compile(rf"^{number}$"))
    return page.locator("main table > tbody > tr").filter(has=first_cell)


def report_form(page, *, done, percent, complete=False):
    page.get_by_label("工作进展").fill(done)
    page.get_by_label(re.compile("^完成百分比")).fill(str(percent))
    if complete:
        page.get_by_label(re.compile("^申报完成")).check()


def test_a_report_goes_back_and_forth_until_the_office_accepts_it_and_every_page_shows_the_new_state(
    page, office_page, office_and_liaison
):
    liaison, office = page, office_page
    log_in_as(liaison, "keji.liaison")
    log_in_as(office, "wang.fang")

    # Before: the task is overdue, like every 2021 task nobody has reported on.
    office.goto(f"/tasks/?unit={UNIT}&role=lead")
    expect(task_row(office, TASK)).to_contain_text("逾期")

    # The liaison lands on its unit's to-do list and reports from it.
    todo = liaison.locator("#todo")
    expect(todo.get_by_role("heading", name=f"{UNIT}的待办事项")).to_be_visible()
    todo.locator(".to-report").get_by_role("link", name=re.compile(rf"^{TASK}\. ")).click()
    expect(liaison.get_by_role("heading", level=1)).to_contain_text("报送进展")
    report_form(liaison, done="与北航江西研究院签订合作协议", percent=60)
    with liaison.expect_navigation():
        liaison.get_by_role("button", name="提交报告").click()
    expect(liaison.locator(".alert-success")).to_have_text(re.compile("进展报告已提交"))

    # The office sees one report waiting, opens it from the queue and returns it with a reason.
    office.goto("/")
    expect(office.locator(".office-waiting")).to_contain_text("待审核报告 1 份")
    office.get_by_role("link", name="去审核").click()
    queue = office.locator("#waiting-reports")
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(queue.locator("tbody tr")).to_contain_text(UNIT)
    queue.get_by_role("link", name="审核").click()
    office.get_by_label(re.compile("^审核意见")).fill("请补充602所科研中心的建设进度")
    with office.expect_navigation():
        office.get_by_role("button", name="退回").click()
    expect(office.locator(".report-state")).to_have_text("已退回")

    # The liaison finds it returned, with the reason, and corrects it.
    liaison.goto("/")
    returned = liaison.locator(".returned-reports")
    expect(returned).to_contain_text("请补充602所科研中心的建设进度")
    returned.get_by_role("link", name=re.compile(rf"^{TASK}\. ")).click()
    expect(liaison.locator(".returned-reason")).to_contain_text("请补充602所科研中心的建设进度")
    report_form(liaison, done="合作协议已签订，602所科研中心主体完工并投入使用", percent=100, complete=True)
    with liaison.expect_navigation():
        liaison.get_by_role("button", name="重新提交").click()
    expect(liaison.locator(".report-state")).to_have_text("待审核")

    # The office accepts the correction.
    office.goto("/reviews/")
    row = office.locator("#waiting-reports tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("更正")
    row.get_by_role("link", name="审核").click()
    with office.expect_navigation():
        office.get_by_role("button", name="采纳").click()
    expect(office.locator(".report-state")).to_have_text("已采纳")

    # Every page now tells the new figure: the task page, the list, the dashboard — and that a
    # completion claim is not a closure: the task is still overdue until the office closes it.
    office.get_by_role("navigation", name="位置").get_by_role("link", name=f"第{TASK}项").click()
    expect(office.locator("dt:text-is('状态') + dd")).to_contain_text("逾期")
    expect(office.locator("dt:text-is('进度') + dd")).to_contain_text("100%")
    office.goto(f"/tasks/?unit={UNIT}&role=lead")
    expect(task_row(office, TASK)).to_contain_text("逾期")
    expect(task_row(office, TASK)).to_contain_text("100%")
    office.goto("/")
    # 86: the 84 tasks of the notice and the two dated orders of the 100th meeting; none closed.
    expect(office.locator(".overall .display-6")).to_have_text(re.compile(r"^0\s*/\s*86$"))
    expect(office.locator(".office-waiting")).to_contain_text("待审核报告 0 份")
    liaison.goto("/")
    expect(liaison.locator(".returned-reports")).to_have_count(0)

    # What the pages said is what the database holds: two reports, the first returned and
    # kept, the second accepted as its correction, and four events on the task's timeline.
    reports = ProgressReport.objects.filter(task__number=TASK, task__source=Task.Source.NOTICE).order_by("pk")
    assert [report.state for report in reports] == [ProgressReport.State.RETURNED, ProgressReport.State.ACCEPTED]
    assert reports[1].resubmission_of_id == reports[0].pk
    kinds = TaskEvent.objects.filter(report__in=reports).order_by("at").values_list("kind", flat=True)
    assert list(kinds) == [
        TaskEvent.Kind.REPORT_SUBMITTED,
        TaskEvent.Kind.REPORT_RETURNED,
        TaskEvent.Kind.REPORT_RESUBMITTED,
        TaskEvent.Kind.REPORT_ACCEPTED,
    ]
