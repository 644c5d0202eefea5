"""The office names a township for its share of a collective's task, in the real 2021 data.

Task 9 is led by 区科技局 and given to 各乡镇（街道）; 丽阳镇 has it only through the collective, so its
overdue tasks on the unit list leave task 9 out. Named by the office on the task page (指定成员单位承办),
丽阳镇 answers for it: the matrix says so and the unit list counts the task against it; withdrawn, not.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tasks import roles
from tasks.models import Document, Task, TaskEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("documents_2021")]


def overdue_on_unit_list(page, unit):
    """The 逾期 count of `unit` on the unit list (the eighth column)."""
    page.goto("/units/?per_page=100")
    row = page.locator(f"main table > tbody > tr:has(a:text-is('{unit}'))")
    expect(row).to_have_count(1)
    return int(row.locator("td").nth(7).inner_text().strip())


def test_the_office_names_a_township_for_a_collectives_task_and_withdraws_it(page, make_user, log_in):
    roles.ensure_roles()
    office = make_user("wang.fang", first_name="王芳")
    office.groups.add(Group.objects.get(name=roles.OFFICE))
    log_in("wang.fang")
    task = Task.objects.get(document__kind=Document.Kind.NOTICE, number=9)
    before = overdue_on_unit_list(page, "丽阳镇")

    page.goto(f"/tasks/{task.pk}/")
    page.get_by_role("link", name="指定成员单位承办").click()
    row = page.locator("table.member-assignments tr[data-unit='丽阳镇']")
    expect(row).to_contain_text("未指定")
    with page.expect_navigation():
        row.get_by_role("button", name="指定承办").click()
    expect(page.locator(".alert-success")).to_contain_text("已指定丽阳镇承办本任务")
    expect(page.locator("table.member-assignments tr[data-unit='丽阳镇']")).to_contain_text("已指定")

    page.goto(f"/tasks/{task.pk}/")
    expect(page.locator("table.unit-progress tr[data-unit='丽阳镇']")).to_contain_text("督查室指定承办")
    expect(page.locator("#timeline")).to_contain_text("指定成员单位承办")
    assert overdue_on_unit_list(page, "丽阳镇") == before + 1

    page.goto(f"/tasks/{task.pk}/members/")
    with page.expect_navigation():
        page.locator("tr[data-unit='丽阳镇']").get_by_role("button", name="撤销指定").click()
    expect(page.locator(".alert-success")).to_contain_text("已撤销对丽阳镇的承办指定")
    assert overdue_on_unit_list(page, "丽阳镇") == before
    kinds = list(TaskEvent.objects.filter(task=task).order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-2:] == [TaskEvent.Kind.MEMBER_ASSIGNED, TaskEvent.Kind.MEMBER_WITHDRAWN]
