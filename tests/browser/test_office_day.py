"""The office's day without dead ends, in a real browser on the 2021 data (issue 18's points with a page)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from tasks import roles
from tasks.models import ExtensionRequest, Task, Unit
from tasks.progress import services
from tasks.state import tasks_as_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("documents_2021")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def office(make_user, log_in):
    make_user("wang.fang", role=roles.OFFICE, first_name="王芳")
    return log_in("wang.fang")


@pytest.fixture
def liaison(make_user, log_in):
    user = make_user("li.na", first_name="李娜")
    services.liaison_create(user=user, unit=Unit.objects.get(name="区发改委"), phone="0798-8888888")
    return log_in("li.na")


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_liaison_finds_the_to_do_and_the_fill_in_sheet_and_is_told_the_month_is_late(liaison):
    navigation = liaison.get_by_role("navigation", name="主导航")
    navigation.get_by_role("link", name="待办").click()
    expect(liaison.locator(".to-report")).to_be_visible()
    expect(liaison.locator(".month-late")).to_contain_text("已逾期")
    liaison.locator(".fillin-link").click()
    expect(liaison.get_by_role("heading", level=1)).to_contain_text("进展填报表")
    expect(liaison.locator(".month-due")).to_contain_text("应于")


def test_the_dashboard_as_of_a_past_day_keeps_the_day_through_its_links(office):
    office.goto("/?as_of=2022-01-05")
    # The 逾期 tile, not 逾期办结 (issue 14's tile for tasks closed late).
    office.locator(".status-tiles a", has_text=re.compile(r"^\s*\d+\s*逾期\s*$")).click()
    expect(office.locator(".as-of")).to_contain_text("2022年1月5日")
    expect(office.locator(".result-count")).to_have_text("共 86 项")
    expect(office.get_by_label("状态截至")).to_have_value("2022-01-05")


def test_meeting_orders_carry_their_meeting_and_come_first_on_its_page(office):
    office.get_by_role("navigation", name="主导航").get_by_role("link", name="常务会议").click()
    office.get_by_role("link", name="第100次").click()
    orders = office.locator("#orders")
    expect(orders.locator("tbody tr td").first).to_have_text("会100-1")
    top_of_orders = orders.bounding_box()["y"]
    assert top_of_orders < office.locator(".agenda-group").first.bounding_box()["y"]


def test_units_in_the_offices_order_on_one_page_with_phones(office):
    office.get_by_role("navigation", name="主导航").get_by_role("link", name="单位").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("单位")
    names = office.locator("main table tbody tr td:first-child").all_inner_texts()
    assert len(names) == Unit.objects.count()
    assert names.index("区发改委") < names.index("丽阳镇")


def test_the_print_view_says_when_and_draws_the_grid(office):
    office.goto("/tasks/?as_of=2021-09-30")
    office.emulate_media(media="print")
    expect(office.locator(".print-header .print-as-of")).to_have_text("截至 2021年9月30日")
    expect(office.locator(".print-header .print-date")).to_contain_text(
        re.compile(r"打印时间 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d")
    )
    expect(office.locator(".print-header .print-date")).to_contain_text("打印时间")
    border = office.evaluate("getComputedStyle(document.querySelector('main table td')).borderTopStyle")
    assert border == "solid"


def test_the_language_menu_names_each_language_in_its_own_words(office):
    options = office.get_by_role("navigation", name="主导航").get_by_label("语言").locator("option").all_inner_texts()
    assert options == ["简体中文", "English"]


@pytest.mark.parametrize("path", ["/", "/tasks/", "task", "report", "/units/", "/meetings/"])
def test_nothing_overflows_a_phone(page, make_user, log_in, path):
    user = make_user("li.na", first_name="李娜")
    services.liaison_create(user=user, unit=Unit.objects.get(name="区发改委"))
    page.set_viewport_size(PHONE)
    log_in("li.na")
    task = Task.objects.filter(task_units__unit__name="区发改委").order_by("number").first()
    url = {"task": task.get_absolute_url(), "report": f"/tasks/{task.pk}/report/"}.get(path, path)
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
    if path == "/tasks/":
        # The filters fold away: the first screen shows rows.
        expect(page.locator("details.filter-details")).not_to_have_attribute("open", "")
        assert page.locator("main table tbody tr").first.bounding_box()["y"] < PHONE["height"]


def dev_task_due_in(days):
    """区发改委's first task, its deadline moved to `days` from today (the 2021 deadlines have passed)."""
    task = Task.objects.filter(task_units__unit__name="区发改委").order_by("number").first()
    task.deadline = timezone.localdate() + datetime.timedelta(days=days)
    task.save()
    return task


def test_an_extension_waits_for_the_supervising_leader_then_the_office_grants_another_date(
    page, make_user, log_in, settings
):
    """Point 7 on a phone: the 分管领导 finds the request on the dashboard and agrees; the office
    sees the opinion and grants an earlier date than asked, with its reason."""
    settings.GOVTASKS_EXTENSION_LEADER_APPROVAL = True
    roles.ensure_roles()
    liaison = make_user("li.na", first_name="李娜")
    services.liaison_create(user=liaison, unit=Unit.objects.get(name="区发改委"))
    make_user("zhao.lei", first_name="赵磊").groups.add(Group.objects.get(name=roles.LEADER))
    make_user("wang.fang", first_name="王芳").groups.add(Group.objects.get(name=roles.OFFICE))
    task = dev_task_due_in(30)
    extension = services.extension_request_submit(
        task=task,
        unit=Unit.objects.get(name="区发改委"),
        actor=liaison,
        new_deadline=task.deadline + datetime.timedelta(days=90),
        reason="征地手续未完成",
        progress="已完成设计",
        percent=40,
    )
    page.set_viewport_size(PHONE)

    log_in("zhao.lei")
    expect(page.locator(".leader-waiting")).to_contain_text("有1份延期申请等待您作为分管领导审核")
    page.locator(".leader-waiting").get_by_role("link", name="去审核").click()
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
    page.locator("#leader-extensions").get_by_role("link", name="审核").click()
    page.get_by_label("分管领导意见（不同意时必填）").fill("同意，请抓紧推进")
    page.locator(".endorse-form").get_by_role("button", name="同意延期").click()
    expect(page.locator(".leader-opinion")).to_contain_text("同意")
    expect(page.locator(".leader-opinion")).to_contain_text("赵磊")
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")

    page.context.clear_cookies()
    log_in("wang.fang", start_at="/reviews/")
    row = page.locator("#waiting-extensions tbody tr", has_text="区发改委")
    expect(row).to_contain_text("同意（赵磊）")
    row.get_by_role("link", name="审批").click()
    granted = task.deadline + datetime.timedelta(days=45)
    page.get_by_label("批准完成时限").fill(granted.isoformat())
    page.get_by_label("审批意见（不同意或批准其他日期时必填）").fill("45天足够")
    page.locator(".decision-form").get_by_role("button", name="同意延期").click()
    expect(page.locator(".granted-deadline")).to_have_text(f"{granted.year}年{granted.month}月{granted.day}日")
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")

    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED and extension.granted_deadline == granted
    assert tasks_as_of().values_list("current_deadline", flat=True).get(pk=task.pk) == granted


def test_an_overdue_task_says_why_there_is_no_extension_and_its_url_says_the_same(liaison):
    task = dev_task_due_in(-1)
    liaison.goto(task.get_absolute_url())
    refusal = liaison.locator(".task-actions .extension-refusal")
    expect(refusal).to_contain_text("不再受理延期申请")
    expect(liaison.locator(".task-actions").get_by_role("link", name="申请延期")).to_have_count(0)
    words = refusal.inner_text()

    liaison.goto(f"/tasks/{task.pk}/extension/")

    expect(liaison).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    expect(liaison.locator(".alert", has_text=words)).to_be_visible()
    expect(liaison.locator("input[name='new_deadline']")).to_have_count(0)


@pytest.mark.parametrize(
    "role, path",
    [
        ("office", "/reviews/"),
        ("office", "/reminders/"),
        ("office", "/handovers/"),
        ("office", "/notices/phone/"),
        ("office", "/chasing/orders/"),
        ("office", "/chasing/scores/"),
        ("liaison", "/notices/"),
        ("liaison", "/handovers/"),
    ],
)
def test_the_pages_of_the_chasing_round_do_not_overflow_a_phone(page, make_user, log_in, role, path):
    """The review queue, 催办, 交办签收, notices, 督办单 and 考核 pages at 390 px (issues 15 and 17)."""
    if role == "office":
        make_user("wang.fang", role=roles.OFFICE, first_name="王芳")
        username = "wang.fang"
    else:
        user = make_user("li.na", first_name="李娜")
        services.liaison_create(user=user, unit=Unit.objects.get(name="区发改委"))
        username = "li.na"
    page.set_viewport_size(PHONE)
    log_in(username)
    response = page.goto(path)
    assert response.status == 200, path
    expect(page.locator("main")).to_be_visible()
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
