"""The house style a Chinese office reads: dates as 2021年7月1日 on every page (times as
2021年7月1日 10:05), the admin site without English widgets, field or permission names, and the
timeline's stored dates in the reader's language."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tasks import roles
from tasks.progress import services
from tasks.public.services import publication_save
from tasks.tests.factories import make_workflow_world

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
CJK = re.compile(r"[\u4e00-\u9fff]")


def visible_text(html):
    """What a reader sees: no scripts, styles, tags or attributes (an <input type=date> holds ISO by design)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def house(day):
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def w(settings):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    world = make_workflow_world()
    report = services.progress_report_submit(
        task=world.own_task, unit=world.dev, actor=world.liaison, period=world.today, done="完成用地报批", percent=40
    )
    extension = services.extension_request_submit(
        task=world.own_task,
        unit=world.dev,
        actor=world.liaison,
        new_deadline=world.own_task.deadline + datetime.timedelta(days=30),
        reason="征地",
        progress="设计完成",
        percent=40,
    )
    world.report, world.extension = report, extension
    return world


def client_for(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_pages_print_dates_and_times_in_the_house_style(w):
    office = client_for(w.office)
    services.extension_request_approve(request=w.extension, actor=w.office, version=w.extension.version)
    publication_save(task=w.own_task, actor=w.office, text="产业园一期道路已通车。", publish=True)
    pages = {
        "task": w.own_task.get_absolute_url(),
        "report": reverse("tasks:report_detail", args=[w.report.pk]),
        "extension": reverse("tasks:extension_detail", args=[w.extension.pk]),
        "reviews": reverse("tasks:review_queue"),
        "dashboard": reverse("dashboard"),
        "task list": reverse("tasks:task_list"),
    }
    found = {}
    for name, url in pages.items():
        text = visible_text(office.get(url).content.decode())
        if ISO_DATE.search(text):
            found[name] = ISO_DATE.findall(text)
    for url in (reverse("tasks:public_task_list"), reverse("tasks:public_task_detail", args=[w.own_task.pk])):
        page = Client().get(url)
        assert page.status_code == 200
        text = visible_text(page.content.decode())
        assert house(timezone.localdate()) in text  # the publication date
        if ISO_DATE.search(text):
            found[url] = ISO_DATE.findall(text)

    assert found == {}
    task_page = office.get(w.own_task.get_absolute_url()).content.decode()
    # The print header: as of which day, printed when.
    assert f"截至 {house(timezone.localdate())}" in task_page
    assert re.search(rf"打印时间 {house(timezone.localdate())} \d\d:\d\d", task_page)
    # The timeline's moments.
    assert re.search(rf"{house(timezone.localdate())} \d\d:\d\d", visible_text(task_page))


def test_conflict_messages_name_the_moment_in_the_house_style(w):
    services.extension_request_refuse(request=w.extension, actor=w.office, version=w.extension.version, reason="否")

    with pytest.raises(services.Conflict) as conflict:
        services.extension_request_approve(request=w.extension, actor=w.office, version=1)

    assert f"于{house(timezone.localdate())} " in conflict.value.message
    assert not ISO_DATE.search(conflict.value.message)


def test_the_timeline_shows_stored_dates_in_english_to_an_english_reader(w):
    services.extension_request_approve(request=w.extension, actor=w.office, version=w.extension.version)
    new = w.extension.new_deadline

    page = client_for(w.office, "en").get(w.own_task.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"') :]

    assert f"{new.day} {new:%B} {new.year}" in timeline
    assert house(new) not in timeline


ADMIN_ENGLISH = [
    "Model name",
    "Change or view list link",
    "Add link",
    "Section:",
    "Subsection:",
    "Access attempts",
    "Can add",
    "Can change",
    "After you’ve created a user",
]


def test_the_admin_reads_in_chinese(w, admin_user):
    admin = client_for(admin_user)
    pages = [
        reverse("admin:index"),
        reverse("admin:tasks_task_change", args=[w.own_task.pk]),
        reverse("admin:auth_user_change", args=[w.leader.pk]),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_change", args=[w.office.groups.get().pk]),
        reverse("admin:tasks_extensionrequest_changelist"),
    ]
    found = {}
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        english = [words for words in ADMIN_ENGLISH if words in text]
        if english:
            found[url] = english
    assert found == {}


def test_every_permission_has_a_chinese_name():
    roles.ensure_roles()

    english = [p.name for p in Permission.objects.all() if not CJK.search(p.name)]

    assert english == []
    assert Permission.objects.get(codename="change_user").name == "可以修改用户"
    assert Permission.objects.get(codename="endorse_extensionrequest").name == "分管领导审核延期申请"


def test_a_collective_is_never_offered_as_a_member_of_itself(w, admin_user):
    page = client_for(admin_user).get(reverse("admin:tasks_unit_change", args=[w.towns.pk])).content.decode()
    members = page[page.index('name="members"') :]
    members = members[: members.index("</select>")]

    assert f'value="{w.town.pk}"' in members
    assert f'value="{w.towns.pk}"' not in members
