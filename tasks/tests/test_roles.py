"""Roles as groups, the commands that set them up and create users for units, and the admin."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tasks import permissions, roles
from tasks.models import ProgressReport, TaskEvent
from tasks.progress import services
from tasks.tests.factories import make_unit, make_user, make_workflow_world

pytestmark = pytest.mark.django_db


def labels(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def models_of(app_label):
    return [model._meta.model_name for model in apps.get_app_config(app_label).get_models()]


def test_migrate_leaves_the_four_roles_in_place():
    assert set(Group.objects.values_list("name", flat=True)) >= {"督查室", "单位联络员", "领导", "管理员"}


def test_each_role_holds_its_permissions():
    office, liaison, leader, admins = (labels(name) for name in ("督查室", "单位联络员", "领导", "管理员"))
    assert {"tasks.review_progressreport", "tasks.supervise_task", "tasks.add_reminder"} <= office
    assert "tasks.add_progressreport" not in office
    assert {"tasks.add_progressreport", "tasks.change_unitplan", "tasks.add_extensionrequest"} <= liaison
    assert "tasks.review_progressreport" not in liaison and "tasks.supervise_task" not in liaison
    # Leaders read (every 督办单 and the 考核 scores too); they write instructions (领导批示) and, where the
    # setting asks for it, a 分管领导's opinion on extension requests.
    writes = {"tasks.add_leaderinstruction", "tasks.endorse_extensionrequest", "chasing.oversee_chasing"}
    assert all(label.split(".")[1].startswith("view_") for label in leader - writes)
    assert writes <= leader
    assert "chasing.oversee_chasing" in office
    assert "chasing.answer_supervisionorder" in liaison and "chasing.answer_supervisionorder" not in leader
    assert {"tasks.view_task", "meetings.view_meeting", "commendations.view_decision"} <= leader
    assert {"auth.add_user", "tasks.change_unit", "tasks.decide_extensionrequest"} <= admins


def test_setup_roles_repairs_a_changed_group():
    Group.objects.get(name="领导").permissions.clear()
    Group.objects.get(name="督查室").delete()
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    assert "tasks.view_task" in labels("领导") and "tasks.review_progressreport" in labels("督查室")
    assert "督查室:" in out.getvalue()


def test_create_unit_user_links_a_liaison_to_its_unit_by_any_spelling():
    unit = make_unit("区市场监督管理局", aliases=["区市监局"])
    out = io.StringIO()
    call_command(
        "create_unit_user", "wang", "--unit", "区市监局", "--full-name", "王芳", "--email", "w@x.org", stdout=out
    )
    user = get_user_model().objects.get(username="wang")
    assert (user.liaison.unit, user.first_name, user.email) == (unit, "王芳", "w@x.org")
    assert list(user.groups.values_list("name", flat=True)) == ["单位联络员"]
    password = out.getvalue().split("Password: ")[1].split()[0]
    assert user.check_password(password)


def test_create_unit_user_for_the_office_and_an_administrator():
    call_command("create_unit_user", "zhao", "--role", "office", stdout=io.StringIO())
    call_command("create_unit_user", "root2", "--role", "admin", stdout=io.StringIO())
    assert permissions.may(get_user_model().objects.get(username="zhao"), permissions.Action.REVIEW)
    assert get_user_model().objects.get(username="root2").is_staff


@pytest.mark.parametrize(
    "args, message",
    [
        (["li"], "needs --unit"),
        (["li", "--unit", "区市监"], "Did you mean: 区市监局"),
        (["li", "--unit", "各乡镇（街道）"], "集合单位"),
        (["li", "--role", "office", "--unit", "区市监局"], "Only a liaison"),
    ],
)
def test_create_unit_user_refuses_clearly(args, message):
    make_unit("区市场监督管理局", aliases=["区市监局"])
    make_unit("各乡镇（街道）", kind="collective")
    with pytest.raises(CommandError, match=message):
        call_command("create_unit_user", *args, stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="li").exists()


def test_an_existing_user_name_is_refused():
    make_user("wang")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_unit_user", "wang", "--role", "leader", stdout=io.StringIO())


# --- the admin -----------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def test_an_administrators_task_edit_goes_on_the_timeline(admin_client):
    w = make_workflow_world()
    url = reverse("admin:tasks_task_change", args=[w.own_task.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "units"}
    data.update(
        {
            "text": "建设陶瓷产业园（修订）",
            "deadline": w.own_task.deadline.isoformat(),
            "task_units-TOTAL_FORMS": "0",
            "task_units-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if k not in {"section", "subsection"} or v}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = TaskEvent.objects.get(kind=TaskEvent.Kind.TASK_EDITED)
    assert event.changes == [
        {"field": "text", "label": "工作任务和要求", "old": "建设陶瓷产业园", "new": "建设陶瓷产业园（修订）"}
    ]


def test_reports_are_read_only_in_the_admin(admin_client):
    w = make_workflow_world()
    report = services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=w.today, done="x", percent=10
    )
    assert admin_client.get(reverse("admin:tasks_progressreport_changelist")).status_code == 200
    delete = admin_client.post(reverse("admin:tasks_progressreport_delete", args=[report.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert ProgressReport.objects.filter(pk=report.pk).exists()


def test_an_administrator_links_a_user_to_its_unit_in_the_admin(admin_client):
    unit = make_unit("区发改委")
    user = make_user("newbie")
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = admin_client.get(url)
    assert "联络员所属单位" in page.content.decode()
    form = page.context["adminform"].form
    data = {
        "username": "newbie",
        "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "10:00:00",
        "liaison-TOTAL_FORMS": "1",
        "liaison-INITIAL_FORMS": "0",
        "liaison-MIN_NUM_FORMS": "0",
        "liaison-MAX_NUM_FORMS": "1",
        "liaison-0-unit": str(unit.pk),
        "liaison-0-user": str(user.pk),
        # The 分管单位 inline, left empty: a liaison supervises nothing.
        "portfolio-TOTAL_FORMS": "0",
        "portfolio-INITIAL_FORMS": "0",
        "portfolio-MIN_NUM_FORMS": "0",
        "portfolio-MAX_NUM_FORMS": "1",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, (form.errors, response.context and response.context.get("errors"))
    user.refresh_from_db()
    assert user.liaison.unit == unit
    assert list(user.groups.values_list("name", flat=True)) == ["单位联络员"]
    assert admin_client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_role_naming_a_permission_that_does_not_exist_stops_the_set_up_and_names_it(monkeypatch):
    # A misspelt label would otherwise leave the role without that right, silently.
    monkeypatch.setitem(
        roles.ROLE_PERMISSIONS, roles.LEADER, ["tasks.add_leaderinstruction", "tasks.approve_everything"]
    )
    with pytest.raises(LookupError) as raised:
        call_command("setup_roles", stdout=io.StringIO())
    assert str(raised.value) == "Unknown permissions: ['tasks.approve_everything']"
    assert "tasks.add_leaderinstruction" in labels("领导")  # the leaders keep what they had


def test_setup_roles_gives_a_leader_only_reading_and_instructing_and_names_permissions_in_chinese():
    # Called here, not only by migrate: what a role holds is what ensure_roles() leaves.
    Permission.objects.filter(codename="add_unit").update(name="Can add 单位")  # as Django creates it
    call_command("setup_roles", stdout=io.StringIO())
    leader = labels("领导")
    read = {f"{app}.view_{model}" for app in roles.READ_APPS for model in models_of(app)}
    # Nothing of auth, admin, sessions; the writes are an instruction, the 分管领导's opinion on an
    # extension request (where that step is on) and the oversight of 督办单 and 考核 (reading them all).
    writes = {"tasks.add_leaderinstruction", "tasks.endorse_extensionrequest", "chasing.oversee_chasing"}
    assert leader == read | writes
    names = dict(Permission.objects.filter(content_type__app_label="tasks").values_list("codename", "name"))
    assert names["add_unit"] == "可以添加单位"
    assert names["view_progressreport"] == "可以查看进展报告"
    assert names["supervise_task"] == "督查所有任务（督查室）"
    # Administrators: everything of our apps, and of the rest only user accounts and groups.
    administrators = labels("管理员")
    assert read <= administrators and "tasks.delete_task" in administrators
    accounts = {
        f"auth.{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("user", "group")
    }
    assert {label for label in administrators if label.split(".")[0] not in roles.READ_APPS} == accounts
    english = [name for name in names.values() if name.startswith("Can ")]
    assert english == []
