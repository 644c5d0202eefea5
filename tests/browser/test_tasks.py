"""Finding a unit's tasks in the real 2021 data, as the office does: by whatever name the unit goes by."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("documents_2021", "signed_in"),
]

# 区市场监督管理局 is written four ways in the 2021 notice (区市场监督管理局, 区市场监督局,
# 区市场监管局, 区市监局); whichever name is typed, these are its tasks.
MARKET_REGULATION_TASKS = [4, 13, 32, 46, 47, 59, 61, 70, 75]


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def listed_numbers(page):
    """The 序号 column of the task table on the page, as numbers."""
    return [int(cell) for cell in page.locator("main table > tbody > tr > td:first-child").all_inner_texts()]


def task_row(page, number):
    first_cell = page.locator("td:first-child", has_text=re.compile(rf"^{number}$"))
    return page.locator("main table > tbody > tr").filter(has=first_cell)


def filter_by_unit(page, name):
    page.get_by_label("单位", exact=True).fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()


def details_of(page, term):
    """The <dd> that a <dt> names, on a task or unit page."""
    return page.locator(f"dt:text-is('{term}') + dd")


def test_filtering_by_an_alias_finds_the_units_tasks_and_the_link_can_be_bookmarked(page):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="任务", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("重点工作任务")
    expect(page).to_have_title("重点工作任务 · 重点工作督查")

    filter_by_unit(page, "区市监局")

    expect(page.locator(".result-count")).to_have_text("共 9 项")
    assert listed_numbers(page) == MARKET_REGULATION_TASKS
    # The alias is resolved to the unit's canonical name, and stays in the URL as typed.
    expect(page.get_by_text("单位：区市场监督管理局")).to_be_visible()
    assert query_of(page)["unit"] == ["区市监局"]

    bookmark = page.url
    opened_later = page.context.new_page()
    opened_later.goto(bookmark)
    expect(opened_later.locator(".result-count")).to_have_text("共 9 项")
    assert listed_numbers(opened_later) == MARKET_REGULATION_TASKS
    expect(opened_later.get_by_label("单位", exact=True)).to_have_value("区市监局")


def test_a_townships_list_includes_what_it_has_through_its_collective_across_pages(page):
    page.goto("/tasks/")
    filter_by_unit(page, "丽阳镇")

    expect(page.locator(".result-count")).to_have_text("共 72 项")
    # 70 tasks reach 丽阳镇 through 各乡镇（街道）, and each such row says so; the two that
    # name 丽阳镇 itself do not.
    expect(task_row(page, 1).locator(".via-collective")).to_have_text("经 各乡镇（街道）")
    expect(task_row(page, 33)).to_contain_text("丽阳镇")
    expect(task_row(page, 33).locator(".via-collective")).to_have_count(0)
    expect(page.locator("main table > tbody > tr")).to_have_count(50)

    with page.expect_navigation():
        page.get_by_role("link", name="下一页").click()

    assert query_of(page)["unit"] == ["丽阳镇"]
    assert query_of(page)["page"] == ["2"]
    expect(page.locator(".result-count")).to_have_text("共 72 项")
    expect(page.locator("main table > tbody > tr")).to_have_count(22)
    expect(task_row(page, 52).locator(".via-collective")).to_have_count(0)


def test_a_task_opened_from_the_list_shows_its_text_units_and_source_and_leads_to_its_unit(page):
    page.goto("/tasks/?unit=区市监局")
    with page.expect_navigation():
        task_row(page, 13).get_by_role("link", name="13", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("第13项")
    expect(page.locator(".task-full-text")).to_have_text("建设全国版权示范城市，强化知识产权保护，为创新驱动保驾护航。")
    expect(page.locator(".section-path")).to_contain_text("（三）增强科技创新驱动力。")
    lead = details_of(page, "牵头单位")
    expect(lead.get_by_role("listitem")).to_have_count(1)
    expect(lead).to_contain_text("区市场监督管理局")
    expect(lead).to_contain_text("原文作“区市监局”")
    expect(details_of(page, "责任单位").get_by_role("listitem")).to_have_text(["区文广新旅局", "区科技局"])
    expect(details_of(page, "来源文件")).to_contain_text("昌府办字〔2021〕20号")
    expect(page.locator(".source-text pre")).to_contain_text("区市监局")

    # Previous / next step through the list the task was opened from: 4, 13, 32, …
    with page.expect_navigation():
        page.get_by_role("link", name="下一项").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第32项")
    with page.expect_navigation():
        page.get_by_role("link", name="上一项").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第13项")

    with page.expect_navigation():
        lead.get_by_role("link", name="区市场监督管理局").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("区市场监督管理局")
    for alias in ("区市场监督局", "区市场监管局", "区市监局"):
        expect(page.locator(".unit-aliases")).to_contain_text(alias)
    expect(page.locator("#lead-tasks h2")).to_contain_text("4")
    expect(page.locator("#responsible-tasks h2")).to_contain_text("5")


def test_an_unknown_unit_is_a_clear_message_not_an_error(page):
    response = page.goto("/tasks/?unit=不存在的单位")

    assert response.status == 200
    expect(page.locator(".filter-errors")).to_contain_text("没有名为“不存在的单位”的单位。")
    expect(page.locator(".result-count")).to_have_text("共 0 项")
    expect(page.get_by_text("没有符合条件的任务。")).to_be_visible()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("unit=丽阳镇&page=999999", "没有第999999页，已显示最后一页（第2页）。"),
        ("deadline_after=2021-02-30", "时限不早于：输入一个有效的日期。"),
    ],
)
def test_other_bad_input_is_explained_on_the_page(page, query, message):
    response = page.goto(f"/tasks/?{query}")

    assert response.status == 200
    expect(page.get_by_text(message)).to_be_visible()


def has_script_containing(page, text):
    # Playwright's text matching skips <script> contents, so ask the DOM itself.
    return page.evaluate("text => [...document.scripts].some(script => script.text.includes(text))", text)


def test_a_script_in_the_filters_or_the_search_box_is_shown_as_text_and_never_runs(page):
    script = "<script>alert(1)</script>"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    response = page.goto(f"/tasks/?q={script}")
    assert response.status == 200
    expect(page.get_by_label("关键词")).to_have_value(script)
    expect(page.locator(".result-count")).to_have_text("共 0 项")
    assert not has_script_containing(page, "alert(1)")

    page.goto(f"/tasks/?unit={script}")
    expect(page.locator(".filter-errors")).to_contain_text(f"没有名为“{script}”的单位。")
    assert not has_script_containing(page, "alert(1)")

    search_box = page.get_by_role("searchbox", name="搜索")
    search_box.fill(script)
    with page.expect_navigation():
        search_box.press("Enter")
    assert query_of(page)["q"] == [script]
    # The results page names what was searched for, as text.
    expect(page.get_by_role("heading", level=1)).to_contain_text(script)
    assert not has_script_containing(page, "alert(1)")

    assert dialogs == []


def test_the_task_list_prints_on_a4_landscape_without_navigation_or_filters(page, tmp_path):
    page.goto("/tasks/")
    page.emulate_media(media="print")

    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.locator("form.filter-form")).to_be_hidden()
    expect(page.locator("main table")).to_be_visible()
    expect(page.locator(".result-count")).to_be_visible()

    pdf = tmp_path / "tasks.pdf"
    page.pdf(path=pdf, format="A4", landscape=True)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    # 50 tasks to a screen page do not fit on one sheet, and every sheet lies on its side.
    assert len(re.findall(rb"/Type\s*/Page\b", content)) > 1
    sheets = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", content)
    assert sheets
    assert all(float(width) > float(height) for width, height in sheets)


def test_the_unit_box_suggests_every_units_name_once_it_is_used(page):
    page.goto("/tasks/")
    suggestions = page.locator("datalist#unit-names option")
    # Not written into the page: fetched when the box is first used.
    expect(suggestions).to_have_count(0)
    page.get_by_label("单位", exact=True).focus()
    expect(suggestions.first).to_be_attached()
    names = suggestions.evaluate_all("options => options.map(option => option.value)")
    assert "区市场监督管理局" in names
    assert len(names) == len(set(names)) > 50
