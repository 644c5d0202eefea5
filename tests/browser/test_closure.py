"""The 办结 journey in the real 2021 data, by the people who live it, in three browsers.

区科技局 leads task 12 alone (its 主办). Its liaison asks to close the task with an evidence file;
the office opens the file, closes the task (销号) — long after its 2021 deadline, so 逾期办结 — and
publishes its wording of the result (公开稿); an anonymous visitor reads it on the public page.
"""

import re

import pytest
from playwright.sync_api import expect

from tasks.models import Document, Task
from tests.browser.conftest import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("documents_2021")]

TASK = 12
UNIT = "区科技局"
EVIDENCE = (
    b"%PDF-1.4\n% 602\xe6\x89\x80\xe7\xa7\x91\xe7\xa0\x94\xe4\xb8\xad\xe5\xbf\x83\xe9\xaa\x8c\xe6\x94\xb6\n%%EOF\n"
)


def test_the_liaison_applies_with_a_file_the_office_checks_closes_and_publishes_and_the_public_reads_it(
    page, other_page, office_and_liaison, settings
):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    task = Task.objects.get(document__kind=Document.Kind.NOTICE, number=TASK)
    liaison, office, visitor = page, other_page(), other_page()
    log_in_as(liaison, "keji.liaison")
    log_in_as(office, "wang.fang")

    # The liaison asks to close its task, with the evidence.
    liaison.goto(f"/tasks/{task.pk}/")
    liaison.get_by_role("link", name="申请办结").click()
    liaison.get_by_label("办结情况").fill("602所科研中心主体完工并投入使用，合作协议全部履行")
    liaison.get_by_label("佐证材料").set_input_files(
        [{"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}]
    )
    with liaison.expect_navigation():
        liaison.get_by_role("button", name="提交办结申请").click()
    expect(liaison.locator(".alert-success")).to_contain_text("办结申请已提交")
    expect(liaison.locator("dt:text-is('状态') + dd")).to_contain_text("待核查")

    # The office finds it waiting, opens the file, and closes the task.
    office.goto("/reviews/")
    waiting = office.locator("#waiting-closures tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(UNIT)
    waiting.get_by_role("link", name="核查").click()
    with office.expect_download() as download:
        office.get_by_role("link", name="验收报告.pdf").click()
    assert download.value.suggested_filename == "验收报告.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == EVIDENCE
    with office.expect_navigation():
        office.get_by_role("button", name="核查通过，办结销号").click()
    expect(office.locator(".closure-state")).to_have_text("已销号")

    # Closed years after its deadline: 逾期办结 on the task page, the list and the dashboard.
    office.goto(f"/tasks/{task.pk}/")
    expect(office.locator("dt:text-is('状态') + dd")).to_contain_text("逾期办结")
    office.goto("/tasks/?status=done_late")
    expect(office.locator("main table > tbody > tr")).to_have_count(1)
    office.goto("/")
    expect(office.locator(".done-late-count")).to_contain_text("另有1项逾期办结")

    # Nothing is public before the office publishes its own wording.
    visitor.goto("/public/")
    expect(visitor.locator("main")).not_to_contain_text("602所")
    office.goto(f"/tasks/{task.pk}/")
    office.get_by_role("link", name="编辑公开稿").click()
    office.get_by_label("公开稿").fill("602所科研中心已建成投用，该项工作已办结。")
    office.get_by_label("在信息公开页面公开").check()
    with office.expect_navigation():
        office.get_by_role("button", name="保存").click()
    expect(office.locator("#publication")).to_contain_text("602所科研中心已建成投用")

    visitor.goto("/public/")
    row = visitor.locator("main table > tbody > tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("602所科研中心已建成投用，该项工作已办结。")
    expect(row).to_contain_text("逾期办结")
    expect(visitor.locator("main")).not_to_contain_text("合作协议全部履行")  # the unit's own words stay inside
    expect(row.locator("td").last).to_have_text(
        re.compile(r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
    )  # its publication date
