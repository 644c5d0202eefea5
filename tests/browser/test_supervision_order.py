"""A 督办单 in a real browser: the liaison sees 1 条未读, opens the order, acknowledges and answers it;
the office, in its own browser, reads the answer.

The crafted month (chasing/tests/world.py) is swept on 8, 15 and 22 November 2026: 区甲局's task climbs
to 督办〔2026〕第1号. The earlier notices (提醒, 催办单) were read already, so the order's is the one unread.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chasing.models import SupervisionOrder
from chasing.sweep import daily_sweep
from chasing.tests.clock import on
from chasing.tests.test_sweep import Nov
from chasing.tests.world import build_month
from notices.models import Notice
from tasks import roles
from tasks.tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order(settings):
    settings.GOVTASKS_ESCALATION_STEP_DAYS = 7
    settings.GOVTASKS_REMINDER_DAYS_BEFORE = 0  # the report reminder comes on the 25th, after this journey
    world = build_month()
    for day in (Nov(8), Nov(15)):
        with on(day, hour=7):
            daily_sweep(day)
    Notice.objects.update(read_at=timezone.now())
    with on(Nov(22), hour=7):
        daily_sweep(Nov(22))
    return SupervisionOrder.objects.get(unit=world.silent)


def log_in_as(page, username):
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").click()


def test_the_liaison_acknowledges_and_answers_and_the_office_reads_it(page, browser, live_server, order):
    log_in_as(page, "jia")
    expect(page.locator(".nav-notices .unread-count")).to_have_text("1 条未读")

    page.locator(".nav-notices").click()
    page.get_by_role("link", name="督办〔2026〕第1号：请于2026年11月27日前签收并反馈落实情况").click()
    page.locator(".notice-link").click()
    expect(page.locator(".order-label")).to_have_text("督办〔2026〕第1号")
    expect(page.locator(".order-items")).to_contain_text("建设陶瓷产业园")
    expect(page.locator(".nav-notices .unread-count")).to_have_count(0)

    page.locator(".order-acknowledge").click()
    expect(page.locator(".alert-success")).to_contain_text("已签收督办〔2026〕第1号")
    expect(page.locator(".acknowledged-on")).not_to_be_empty()
    page.get_by_label("落实情况").fill("已召开专题会议，倒排工期，12月底前完成")
    page.get_by_role("button", name="答复").click()
    expect(page.locator(".reply-text")).to_have_text("已召开专题会议，倒排工期，12月底前完成")

    office = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    office.set_default_timeout(10_000)
    make_user("zhao", role=roles.OFFICE)
    log_in_as(office, "zhao")
    office.goto("/chasing/orders/")
    office.get_by_role("link", name="督办〔2026〕第1号").click()
    expect(office.locator(".reply-text")).to_have_text("已召开专题会议，倒排工期，12月底前完成")
    expect(office.locator(".order-status")).to_have_text("逾期答复")  # answered after 27 November
    office.context.close()
