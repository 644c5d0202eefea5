"""The search box in the navigation bar: a name or a number goes straight to its page."""

from urllib.parse import parse_qs, urlsplit

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


def test_a_unit_alias_a_meeting_number_an_enterprise_or_a_task_number_goes_straight_to_its_page(page):
    search_for(page, "区市监局")
    assert path_of(page).startswith("/units/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("区市场监督管理局")

    search_for(page, "第99次")
    assert path_of(page).startswith("/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("区政府第99次常务会议")

    search_for(page, "富祥")
    assert path_of(page).startswith("/commendations/enterprises/")
    expect(page.get_by_role("heading", level=1)).to_have_text("江西富祥药业股份有限公司")

    search_for(page, "13")
    assert path_of(page).startswith("/tasks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("第13项")


def test_any_other_words_search_the_task_texts(page):
    search_for(page, "版权示范")

    assert path_of(page) == "/tasks/"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["版权示范"]
    expect(page.locator(".result-count")).to_have_text("共 1 项")
    expect(page.locator("main table > tbody > tr > td:first-child")).to_have_text(["13"])
