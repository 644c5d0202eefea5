"""A liaison's inbox in a real browser: a meeting order is handed to 区科技局 (交办); its liaison
logs in, sees 1 条未读 in the navigation, opens the notice, follows it to its record — the 签收
page — and acknowledges; the office's list of units that have not acknowledged no longer names
the unit. (The other half of issue 15 extends this journey with a 督办单.)"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from notices.models import Notice
from tasks import roles
from tasks.models import Handover, Task, Unit, UnitLiaison
from tasks.progress import services
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("documents_2021")]

UNIT = "区科技局"


@pytest.fixture
def people(make_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    roles.ensure_roles()
    office = make_user("wang.fang", first_name="王芳")
    office.groups.add(Group.objects.get(name=roles.OFFICE))
    liaison = make_user("keji.liaison", first_name="李明", email="keji@example.org")
    liaison.groups.add(Group.objects.get(name=roles.LIAISON))
    UnitLiaison.objects.create(user=liaison, unit=Unit.objects.get(name=UNIT))
    return office, liaison


def test_a_liaison_sees_one_unread_opens_it_and_acknowledges_the_task(page, people, log_in, browser, live_server):
    office, liaison = people
    order = Task.objects.filter(source=Task.Source.MEETING, task_units__isnull=True).order_by("pk").first()
    services.task_units_assign(
        task=order,
        actor=office,
        lead_units=[Unit.objects.get(name=UNIT)],
        seen=services.unit_roles_token(order),
    )

    log_in("keji.liaison", PASSWORD)
    badge = page.locator("nav .nav-notices")
    expect(badge).to_contain_text("1 条未读")
    badge.click()
    row = page.locator("tr.notice-unread")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("交办")
    expect(row).to_contain_text("邮件已发送")
    row.get_by_role("link").click()

    expect(page.locator("h1")).to_contain_text("交办：1项重点工作任务")
    expect(page.locator(".notice-body")).to_contain_text(order.text[:20])
    # Opened: read, and the navigation says so at once.
    expect(page.locator("nav .nav-notices")).not_to_contain_text("条未读")
    page.get_by_role("link", name="查看记录").click()

    expect(page.locator("h1")).to_contain_text(f"交办给{UNIT}的任务")
    expect(page.locator("tr.handover")).to_contain_text(order.label)
    page.get_by_role("button", name="全部签收（1项）").click()
    expect(page.locator(".alert")).to_contain_text("已签收1项任务")
    expect(page.locator(".no-open-handovers")).to_be_visible()
    assert Handover.objects.get(task=order).acknowledged_by == liaison
    assert Notice.objects.get(recipient=liaison).read_at is not None

    # The office, in a browser of its own, no longer finds the unit among those that have not acknowledged.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    office_page = context.new_page()
    office_page.goto("/accounts/login/")
    form = office_page.locator("form:has(input[name='password'])")
    form.locator("input[name='username']").fill("wang.fang")
    form.locator("input[name='password']").fill(PASSWORD)
    with office_page.expect_navigation():
        form.locator("[type='submit']").click()
    office_page.goto("/handovers/")
    expect(office_page.locator("table.unacknowledged")).not_to_contain_text(UNIT)
    context.close()
