"""The search box in the navigation bar: a number goes straight to its page, a name shows what it finds."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("documents_2021", "signed_in"),
]


def search_for(page, term):
    navigation = page.get_by_role("navigation", name="主导航")
    navigation.get_by_role("searchbox", name="搜索").fill(term)
    with page.expect_navigation():
        navigation.get_by_role("button", name="搜索").click()


def path_of(page):
    return urlsplit(page.url).path


def test_a_meeting_number_or_a_task_number_goes_straight_to_its_page(page):
    search_for(page, "第99次")
    assert path_of(page).startswith("/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("区政府第99次常务会议")

    search_for(page, "13")
    assert path_of(page).startswith("/tasks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("第13项")

    search_for(page, "会100-1")
    expect(page.get_by_role("heading", level=1)).to_have_text("会100-1")


def test_a_name_shows_what_it_finds_in_sections(page):
    search_for(page, "富祥")
    assert path_of(page) == "/search/"
    enterprises = page.locator("section#enterprises")
    expect(enterprises.get_by_role("link", name="江西富祥药业股份有限公司")).to_be_visible()
    tasks = page.locator("section#tasks tbody tr")
    expect(tasks).to_have_count(2)
    expect(tasks.first).to_contain_text("富祥")

    search_for(page, "区发展和改革委员会")
    expect(page.locator("section#units").get_by_role("link", name="区发改委")).to_be_visible()
    page.locator("section#units").get_by_role("link", name="该单位的任务").first.click()
    expect(page.get_by_text("单位：区发改委")).to_be_visible()


def test_the_unit_filter_takes_an_abbreviation_and_offers_links(page):
    page.goto("/tasks/?unit=发改委")
    expect(page.get_by_text("单位：区发改委")).to_be_visible()
    page.goto("/tasks/?unit=局")
    suggestions = page.locator(".unit-suggestions a")
    expect(suggestions.first).to_be_visible()
    name = suggestions.first.inner_text()
    suggestions.first.click()
    expect(page.get_by_text(f"单位：{name}")).to_be_visible()


def test_any_other_words_search_the_task_texts(page):
    search_for(page, "版权示范")

    assert path_of(page) == "/search/"
    expect(page.locator("section#tasks h2")).to_contain_text("1")
    expect(page.locator("section#tasks tbody td:first-child")).to_have_text(["13"])
