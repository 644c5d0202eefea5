"""The office's day without dead ends, in a real browser on the 2021 data (issue 18's points with a page)."""

import re

import pytest
from playwright.sync_api import expect

from tasks import roles
from tasks.models import Task, Unit
from tasks.progress import services

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
    expect(office.locator(".print-header .print-as-of")).to_have_text("截至 2021-09-30")
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
