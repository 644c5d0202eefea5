"""The search box on the 2021 data: names show what they find, in sections; numbers go to their page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tasks.models import Task, Unit
from tasks.tests.factories import load_2021_documents, make_user


@pytest.fixture
def reader(db):
    load_2021_documents()
    client = Client()
    client.force_login(make_user("leader", role="领导"))
    return client


def sections(html):
    return dict(re.findall(r'<h2 class="h5">([^<]*) <span class="badge text-bg-secondary">(\d+)', html))


def test_an_enterprises_short_name_lists_the_enterprise_and_both_tasks_that_name_it(reader):
    html = reader.get(reverse("search"), {"q": "富祥"}).content.decode()
    assert "江西富祥药业股份有限公司" in html
    naming = Task.objects.filter(text__contains="富祥")
    assert naming.count() == 2
    assert sections(html)["企业"] == "1" and sections(html)["任务"] == "2"
    for task in naming:
        assert task.get_absolute_url() in html
    # The full name finds the same: the tasks say 富祥, the search said 富祥药业.
    full = reader.get(reverse("search"), {"q": "富祥药业"}).content.decode()
    assert sections(full)["任务"] == "2"


@pytest.mark.parametrize("query", ["发改委", "发改", "区发展和改革委员会"])
def test_a_units_abbreviation_or_full_form_finds_the_unit_and_its_tasks(reader, query):
    unit = Unit.objects.get(name="区发改委")
    html = reader.get(reverse("search"), {"q": query}).content.decode()
    assert unit.get_absolute_url() in html
    assert int(sections(html)["任务"]) == Task.objects.filter(task_units__unit=unit).distinct().count() > 10


def test_numbers_still_go_straight_to_their_page(reader):
    assert (
        reader.get(reverse("search"), {"q": "13"})["Location"]
        == Task.objects.get(number=13, source="notice").get_absolute_url()
    )
    order = Task.objects.get(source="meeting", number=1)
    assert reader.get(reverse("search"), {"q": "会100-1"})["Location"] == order.get_absolute_url()


def test_nothing_found_says_so(reader):
    html = reader.get(reverse("search"), {"q": "不存在的词语"}).content.decode()
    assert "没有找到相关的单位、企业、会议或任务" in html


def test_the_unit_filter_takes_an_abbreviation_and_links_its_suggestions(reader):
    html = reader.get(reverse("tasks:task_list"), {"unit": "发改委"}).content.decode()
    assert "单位：<a" in html and "区发改委" in html and "筛选条件有误" not in html
    html = reader.get(reverse("tasks:task_list"), {"unit": "局"}).content.decode()
    links = re.findall(r'class="btn btn-sm btn-outline-primary ms-1" href="([^"]+)">([^<]+)</a>', html)
    assert len(links) >= 2 and all("unit=" in href for href, _name in links)
