"""Logging in through the Chinese login page, as a person does."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path_of(page):
    return urlsplit(page.url).path


@pytest.mark.parametrize("protected_path", ["/", "/tasks/"])
def test_an_anonymous_visit_is_sent_to_the_chinese_login_page(page, protected_path):
    page.goto(protected_path)

    assert path_of(page) == reverse("login")
    assert parse_qs(urlsplit(page.url).query)["next"] == [protected_path]
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()


def test_a_user_logs_in_and_lands_on_the_dashboard(page, make_user, log_in):
    make_user("zhang.wei", first_name="张伟")

    log_in("zhang.wei")

    assert path_of(page) == reverse("dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("重点工作总览")
    expect(page.get_by_role("navigation")).to_contain_text("张伟")
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_logging_in_from_a_deep_link_returns_there(page, make_user, log_in):
    make_user("zhang.wei")

    log_in("zhang.wei", start_at="/tasks/")

    assert path_of(page) == "/tasks/"


def test_a_wrong_password_shows_an_error_in_chinese(page, make_user, log_in):
    make_user("zhang.wei")

    log_in("zhang.wei", password="not-the-password")

    assert path_of(page) == reverse("login")
    expect(page.get_by_text("请输入一个正确的用户名和密码")).to_be_visible()
    page.goto("/")
    assert path_of(page) == reverse("login")
