"""Units in the office's order (机构序列) on one page, with their liaisons' phones."""

import pytest
from django.test import Client
from django.urls import reverse

from tasks.models import Unit, UnitLiaison
from tasks.progress import services
from tasks.querysets import KIND_ORDER
from tasks.tests.factories import load_2021_documents, make_user


@pytest.fixture
def office(db):
    load_2021_documents()
    client = Client()
    client.force_login(make_user("office", role="督查室"))
    return client


def test_every_unit_on_one_page_departments_first(office):
    html = office.get(reverse("tasks:unit_list")).content.decode()
    assert '<h1 class="h4 mb-0">单位</h1>' in html
    names = [unit.name for unit in Unit.objects.in_office_order()]
    assert len(names) == Unit.objects.count() > 50
    positions = [html.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)  # all of them on the first page, in that order
    kinds = [KIND_ORDER.index(kind) for kind in Unit.objects.in_office_order().values_list("kind", flat=True)]
    assert kinds == sorted(kinds)
    assert html.index(">区发改委</a>") < html.index(">丽阳镇</a>")


def test_the_unit_list_shows_each_liaisons_phone(office):
    unit = Unit.objects.get(name="区发改委")
    user = make_user("li.na")
    user.first_name = "李娜"
    user.save()
    services.liaison_create(user=user, unit=unit)
    UnitLiaison.objects.filter(user=user).update(phone="0798-8888888")
    html = office.get(reverse("tasks:unit_list")).content.decode()
    assert "联络员及电话" in html and "李娜 0798-8888888" in html


def test_the_same_order_in_the_reminders_and_the_suggestions(office):
    names = office.get(reverse("tasks:unit_names")).json()["names"]
    assert names == [unit.name for unit in Unit.objects.in_office_order()]
