"""交办 and 签收: importing a notice or assigning a meeting order hands each task to every unit that
holds it, with one notice per unit; the unit's liaison acknowledges in the app within the working
days set; the office sees who has not, on the dashboard, the 催办 page and the 签收 page."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from notices.models import Notice
from tasks.handover import selectors
from tasks.handover.services import add_working_days, handovers_acknowledge, handovers_create
from tasks.models import Handover, Task, TaskEvent, Unit
from tasks.progress import services
from tasks.tests.factories import make_user, make_workflow_world

SOURCE_2021 = Path(__file__).resolve().parents[2] / "fixtures" / "changjiang-2021.txt"


def test_working_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 27)
    assert add_working_days(friday, 3) == datetime.date(2026, 12, 2)  # Mon, Tue, Wed
    assert add_working_days(datetime.date(2026, 11, 23), 3) == datetime.date(2026, 11, 26)
    assert add_working_days(datetime.date(2026, 11, 28), 1) == datetime.date(2026, 11, 30)  # Saturday → Monday


@pytest.mark.django_db
def test_importing_the_2021_notice_hands_every_task_to_its_units_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("import_documents", str(SOURCE_2021), stdout=io.StringIO())
    notice_tasks = Task.objects.filter(document__kind="notice")
    dev = Unit.objects.lookup("区发改委")
    town = Unit.objects.lookup("丽阳镇")
    towns = Unit.objects.lookup("各乡镇（街道）")
    assert Handover.objects.filter(unit=dev).count() == notice_tasks.filter(task_units__unit=dev).distinct().count()
    # A township holds the tasks of 各乡镇（街道） as a member; the collective itself is handed nothing.
    assert Handover.objects.filter(unit=town, task__task_units__unit=towns).exists()
    assert not Handover.objects.filter(unit__kind=Unit.Kind.COLLECTIVE).exists()
    # Nobody has a liaison yet: each unit's 交办 is recorded for the office to phone, one per unit.
    assert Notice.objects.filter(kind=Notice.Kind.ASSIGNED, unit=dev, mail=Notice.Mail.PHONE).count() == 1
    assert (
        TaskEvent.objects.filter(kind=TaskEvent.Kind.HANDED_OVER, unit=dev).count()
        == Handover.objects.filter(unit=dev).count()
    )
    handed = Handover.objects.count()
    notices = Notice.objects.count()
    call_command("import_documents", str(SOURCE_2021), stdout=io.StringIO())
    assert Handover.objects.count() == handed and Notice.objects.count() == notices


@pytest.mark.django_db
def test_a_dry_run_hands_nothing_over():
    call_command("import_documents", str(SOURCE_2021), dry_run=True, stdout=io.StringIO())
    assert not Handover.objects.exists() and not Notice.objects.exists()


@pytest.fixture
def w(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return make_workflow_world()


def assign(w, *units):
    return services.task_units_assign(
        task=w.meeting_task, actor=w.office, lead_units=list(units), seen=services.unit_roles_token(w.meeting_task)
    )


def test_assigning_a_meeting_order_hands_it_over_with_a_notice_and_a_due_day(w, mailoutbox):
    assign(w, w.dev)
    handover = Handover.objects.get(task=w.meeting_task)
    assert handover.unit == w.dev and handover.acknowledged_at is None
    assert handover.due_on == add_working_days(w.today, 3)
    notice = Notice.objects.get(kind=Notice.Kind.ASSIGNED)
    day = handover.due_on
    assert notice.recipient == w.liaison and notice.link == reverse("tasks:handovers")
    (message,) = mailoutbox
    assert message.subject == "【交办】交办：1项重点工作任务"
    assert f"请于{day.year}年{day.month}月{day.day}日前在系统中签收" in message.body
    assert "完成“七通一平”" in message.body


def test_a_second_assignment_hands_over_only_to_the_new_unit(w):
    assign(w, w.dev)
    services.task_units_assign(
        task=w.meeting_task, actor=w.office, lead_units=[w.dev], responsible_units=[w.towns],
        seen=services.unit_roles_token(w.meeting_task),
    )  # fmt: skip
    assert sorted(Handover.objects.values_list("unit__name", flat=True)) == ["丽阳镇", "区发改委"]
    assert Notice.objects.filter(kind=Notice.Kind.ASSIGNED).count() == 2  # 区发改委 once, 丽阳镇's liaison once


def test_the_liaison_acknowledges_and_the_timeline_says_so(w):
    assign(w, w.dev)
    with pytest.raises(PermissionDenied):
        handovers_acknowledge(unit=w.dev, actor=w.finance_liaison)
    with pytest.raises(PermissionDenied):
        handovers_acknowledge(unit=w.dev, actor=w.office)
    assert handovers_acknowledge(unit=w.dev, actor=w.liaison) == 1
    handover = Handover.objects.get()
    assert handover.acknowledged_by == w.liaison and handover.acknowledged_at
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.ACKNOWLEDGED, task=w.meeting_task, actor=w.liaison).exists()
    with pytest.raises(ValidationError, match="已由他人签收"):
        handovers_acknowledge(unit=w.dev, actor=w.liaison)


def test_the_office_sees_who_has_not_acknowledged_and_what_is_overdue(w):
    handovers_create(tasks=[w.own_task, w.other_task], actor=w.office)
    assert {row.unit.name: row.open for row in selectors.unacknowledged_units()} == {
        "区发改委": 1, "丽阳镇": 1, "区财政局": 1,
    }  # fmt: skip
    later = add_working_days(w.today, 4)
    rows = {row.unit.name: row for row in selectors.unacknowledged_units(later)}
    assert rows["区发改委"].overdue == 1
    handovers_acknowledge(unit=w.dev, actor=w.liaison)
    assert "区发改委" not in {row.unit.name for row in selectors.unacknowledged_units()}
    office = Client()
    office.force_login(w.office)
    dashboard = office.get(reverse("dashboard")).content.decode()
    assert "交办未签收 2 项（2 个单位）" in dashboard
    reminders = office.get(reverse("tasks:reminders")).content.decode()
    assert f'id="handover-unit-{w.finance.pk}"' in reminders and "1 项未签收" in reminders
    page = office.get(reverse("tasks:handovers")).content.decode()
    assert "区财政局" in page and "丽阳镇" in page and "区发改委" not in page


def test_the_acknowledgement_page_acknowledges_ticked_tasks_and_refuses_others(w):
    handovers_create(tasks=[w.own_task], actor=w.office)
    liaison = Client()
    liaison.force_login(w.liaison)
    page = liaison.get(reverse("tasks:handovers")).content.decode()
    assert "建设陶瓷产业园" in page and "全部签收（1项）" in page
    todo = liaison.get(reverse("tasks:todo")).content.decode()
    assert "1项任务已交办本单位，请签收" in todo
    response = liaison.post(reverse("tasks:handovers"), {}, follow=True)
    assert "请勾选要签收的任务" in response.content.decode()
    assert Handover.objects.filter(unit=w.dev, acknowledged_at__isnull=True).exists()
    # A task not handed to the unit (another's) is simply not among its handovers.
    response = liaison.post(reverse("tasks:handovers"), {"task": [w.other_task.pk]}, follow=True)
    assert "没有待签收" in response.content.decode()
    response = liaison.post(reverse("tasks:handovers"), {"task": [w.own_task.pk]}, follow=True)
    assert "已签收1项任务" in response.content.decode()
    assert not Handover.objects.filter(unit=w.dev, acknowledged_at__isnull=True).exists()
    assert Handover.objects.filter(unit=w.town, acknowledged_at__isnull=True).exists()


def test_the_acknowledgement_page_is_refused_to_leaders(w):
    leader = Client()
    leader.force_login(w.leader)
    assert leader.get(reverse("tasks:handovers")).status_code == 403


def test_a_liaison_of_a_unit_without_a_role_cannot_acknowledge(w):
    roleless = make_user("roleless", unit=w.finance)
    handovers_create(tasks=[w.other_task], actor=w.office)
    with pytest.raises(PermissionDenied):
        handovers_acknowledge(unit=w.finance, actor=roleless)
    assert not Handover.objects.filter(acknowledged_at__isnull=False).exists()


# --- existing data: migration 0017 -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_existing_task_unit_pairs_get_their_handover_counted_as_acknowledged():
    from django.db import connection  # noqa: PLC0415
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)

    migrate([("tasks", "0020_handovers")])
    try:
        call_command("loaddata", "fixtures/changjiang-2021.json", verbosity=0)
        assert not Handover.objects.exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    try:
        dev = Unit.objects.lookup("区发改委")
        town = Unit.objects.lookup("丽阳镇")
        towns = Unit.objects.lookup("各乡镇（街道）")
        assert (
            Handover.objects.filter(unit=dev).count()
            == Task.objects.for_unit(dev).filter(task_units__unit=dev).distinct().count()
        )
        assert Handover.objects.filter(unit=town, task__task_units__unit=towns).exists()
        assert not Handover.objects.filter(acknowledged_at__isnull=True).exists()
        assert not Handover.objects.filter(migrated=False).exists()
        assert not selectors.unacknowledged_units()
        first = Handover.objects.filter(unit=dev).select_related("task__document").first()
        assert first.due_on == first.task.document.issued_on
        assert not Notice.objects.exists()  # nothing to notice: they are in work already
    finally:
        call_command("flush", "--no-input", verbosity=0)


def test_the_task_page_shows_the_handover_and_its_acknowledgement_on_the_timeline(w):
    handovers_create(tasks=[w.own_task], actor=w.office)
    handovers_acknowledge(unit=w.dev, actor=w.liaison)
    office = Client()
    office.force_login(w.office)
    page = office.get(reverse("tasks:task_detail", args=[w.own_task.pk])).content.decode()
    assert 'data-kind="handed_over"' in page and 'data-kind="acknowledged"' in page
