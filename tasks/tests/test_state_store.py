"""Stored task states (tasks/state/store.py): read for today, and always true when read.

Synthetic data made for today holds every status and light. After a refresh every task's
stored state must equal its derivation; any change to a task's inputs, however written, must
be derived again before the next read; another day must never read a stored state; other
light thresholds or a new day must derive every task again.
"""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks import roles, selectors
from tasks.models import (
    ClosureRequest,
    Document,
    ExtensionRequest,
    Milestone,
    ProgressReport,
    Task,
    TaskStamp,
    TaskState,
    TaskStateDay,
    TaskUnit,
    Unit,
    UnitPlan,
    UnitTally,
)
from tasks.state import store, tasks_as_of, units_as_of
from tasks.state.tallies import TALLIED
from tasks.tests.factories import make_closure, make_report, make_user

FIELDS = ["current_deadline", "percent", "is_complete", "has_progress", "days_left", "expected", "gap"]
FIELDS += ["status", "light", "missed_milestone", "not_reported"]


@pytest.fixture
def demo(db):
    call_command("generate_demo", tasks=300, units=20, reports_per_task=3, seed=11, stdout=io.StringIO())


def state(as_of=None, stored=True, **filters):
    """{pk: (field values)} of state.tasks_as_of() rows."""
    rows = tasks_as_of(as_of, Task.objects.filter(**filters), stored=stored).with_light_reasons()
    return {row[0]: row[1:] for row in rows.values_list("pk", *FIELDS)}


def test_after_a_refresh_every_stored_state_is_the_derived_one_and_is_what_pages_read(demo):
    TaskState.objects.all().delete()
    assert store.refresh() == Task.objects.count() == TaskState.objects.count()
    assert state() == state(stored=False)
    assert {status for status, *_ in TaskState.objects.values_list("status")} == set(Task.Status.values)
    with CaptureQueriesContext(connection) as queries:
        assert store.ensure_fresh() == 0  # nothing changed
    assert len(queries) == 1
    # The stored row is what is read: a row tampered with shows through (and only that row).
    task = Task.objects.order_by("pk").first()
    wrong = Task.Light.GREEN if TaskState.objects.get(task=task).light != Task.Light.GREEN else Task.Light.RED
    TaskState.objects.filter(task=task).update(light=wrong)
    assert tasks_as_of().get(pk=task.pk).light == wrong


def first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def change_report(task):
    ProgressReport.objects.filter(task=task).update(percent=3)  # a bulk update, no save(), no signal


def add_complete_report(task):
    make_report(task=task, percent=100, claims_complete=True, unit=task.task_units.first().unit)


def approve_extension(task):
    ExtensionRequest.objects.create(
        task=task,
        unit=task.task_units.first().unit,
        requested_by=get_user_model().objects.order_by("pk").first(),
        requested_at=timezone.now(),
        old_deadline=task.deadline,
        new_deadline=timezone.localdate() + datetime.timedelta(days=400),
        reason="测试",
        progress="测试",
        percent=10,
        state=ExtensionRequest.State.APPROVED,
        decided_at=timezone.now() - datetime.timedelta(minutes=1),
    )


def miss_a_milestone(task):
    plan, _created = UnitPlan.objects.get_or_create(
        task=task, unit=task.task_units.first().unit, defaults={"updated_at": timezone.now()}
    )
    Milestone.objects.create(
        plan=plan,
        title="节点",
        due_on=timezone.localdate() - datetime.timedelta(days=2),
        percent=90,
        created_at=timezone.now() - datetime.timedelta(days=5),
    )


def drop_lead_units(task):
    TaskUnit.objects.filter(task=task, role=TaskUnit.Role.LEAD).delete()


def move_deadline(task):
    Task.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))


def move_document_date(task):
    Document.objects.filter(pk=task.document_id).update(issued_on=timezone.localdate() - datetime.timedelta(days=1))


def change_collective_members(task):
    collective = first(Unit, kind=Unit.Kind.COLLECTIVE, task_units__task=task) or first(Unit, kind=Unit.Kind.COLLECTIVE)
    TaskUnit.objects.get_or_create(task=task, unit=collective, defaults={"role": TaskUnit.Role.LEAD, "position": 99})
    store.refresh()  # store the state with the collective on the task: the member change alone must stamp
    collective.members.remove(*collective.members.all()[:1])


def close_task(task):
    # Any earlier request returned first: a task has one live 办结 request.
    ClosureRequest.objects.filter(task=task, state__in=["pending", "closed"]).update(
        state="returned", decided_at=timezone.now() - datetime.timedelta(minutes=2), closed_on=None
    )
    make_closure(task=task, closed_at=timezone.now() - datetime.timedelta(minutes=1))


def reopen_task(task):
    close_task(task)
    store.refresh()
    ClosureRequest.objects.filter(task=task).update(state="reopened", reopened_at=timezone.now())


def name_another_host(task):
    other = TaskUnit.objects.filter(task=task).exclude(unit=task.task_units.first().unit).first()
    Task.objects.filter(pk=task.pk).update(host_unit=(other or task.task_units.first()).unit)


CHANGES = [
    close_task,
    reopen_task,
    name_another_host,
    change_report,
    add_complete_report,
    approve_extension,
    miss_a_milestone,
    drop_lead_units,
    move_deadline,
    move_document_date,
    change_collective_members,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_any_change_to_a_tasks_inputs_is_derived_again_before_the_next_read(demo, change):
    task = first(Task, reports__isnull=False, task_units__role=TaskUnit.Role.LEAD)
    store.refresh()
    change(task)
    assert TaskStamp.objects.filter(task=task).exists()
    derived = state(pk=task.pk, stored=False)
    assert state(pk=task.pk) == derived
    assert not TaskStamp.objects.exists()
    assert state() == state(stored=False)


def test_a_new_task_is_stored_on_the_next_read_and_a_deleted_one_leaves(demo):
    store.refresh()
    model = first(Task)
    new = Task.objects.create(
        document=model.document,
        section=model.section,
        number=99999,
        text="新任务",
        deadline=model.deadline,
        source_line=0,
        source_text="新任务",
    )
    assert state(pk=new.pk) == state(pk=new.pk, stored=False)
    assert TaskState.objects.filter(task=new).exists()
    gone = new.pk
    new.delete()
    state()
    assert not TaskState.objects.filter(task=gone).exists()


def test_another_day_never_reads_todays_states(demo):
    store.refresh()
    TaskState.objects.update(light=Task.Light.GREEN, status=Task.Status.DONE)  # all wrong on purpose
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert state(yesterday) == state(yesterday, stored=False)


def test_other_thresholds_or_a_new_day_derive_every_task_again(demo):
    store.refresh()
    TaskState.objects.update(light=Task.Light.GREEN, status=Task.Status.DONE)  # all wrong on purpose
    with override_settings(GOVTASKS_LIGHT_RED_GAP=5):
        assert state() == state(stored=False)
    TaskState.objects.update(light=Task.Light.GREEN, status=Task.Status.DONE)
    TaskStateDay.objects.update(as_of=timezone.localdate() - datetime.timedelta(days=1))  # stored yesterday
    assert state() == state(stored=False)


def test_the_dashboard_reads_stored_states_equal_to_the_derived_ones(demo, client):
    TaskState.objects.all().delete()
    TaskStateDay.objects.all().delete()
    client.force_login(make_user("office", role=roles.OFFICE))
    response = client.get(reverse("dashboard"))
    assert TaskState.objects.count() == Task.objects.count()
    derived = tasks_as_of(stored=False).aggregate(**selectors._status_counts())
    shown = response.context["overall"]
    assert {key: shown[key] for key in derived if key != "average_percent"} == {
        key: value for key, value in derived.items() if key != "average_percent"
    }


def test_storing_the_changed_tasks_costs_the_same_queries_for_few_or_many(demo):
    store.refresh()
    counts = []
    for changed in (Task.objects.order_by("pk")[:10], Task.objects.order_by("pk")[10:200]):
        Task.objects.filter(pk__in=changed.values("pk")).update(deadline=timezone.localdate())
        with CaptureQueriesContext(connection) as queries:
            assert store.ensure_fresh() == len(changed)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert state() == state(stored=False)


def tallies():
    """{unit pk: counts} of the units with any task, as the unit list reads them today (stored)."""
    rows = units_as_of().values_list("pk", *TALLIED)
    return {pk: counts for pk, *counts in rows if any(counts)}


def test_stored_unit_tallies_are_the_derived_counts_after_a_refresh_and_after_any_change(demo):
    store.refresh()
    today = timezone.localdate()
    assert tallies() == derived_tallies(today)
    assert UnitTally.objects.exists()
    task = first(Task, reports__isnull=False, task_units__role=TaskUnit.Role.LEAD)
    for change in CHANGES:
        change(task)
        assert tallies() == derived_tallies(today)
    Task.objects.filter(pk__in=Task.objects.order_by("pk").values("pk")[:50]).update(deadline=today)
    assert tallies() == derived_tallies(today)


def derived_tallies(day):
    rows = units_as_of(day, stored=False).values_list("pk", *TALLIED)
    return {pk: counts for pk, *counts in rows if any(counts)}


def test_the_dashboards_lagging_units_are_the_same_stored_or_derived(demo):
    today = timezone.localdate()
    stored = [(unit.pk, unit.overdue, unit.red, unit.total) for unit in selectors.lagging(today, 10)]
    derived = selectors.lagging_derived(tasks_as_of(today, stored=False), 10, today)
    assert stored == [(unit.pk, unit.overdue, unit.red, unit.total) for unit in derived]
    assert stored and stored[0][1] > 0


def test_the_cron_command_stores_what_no_longer_holds_or_with_all_everything(demo):
    TaskStateDay.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_task_states", stdout=out)
    assert out.getvalue().startswith(f"{Task.objects.count():,} task states stored")
    call_command("refresh_task_states", stdout=out)
    assert "\n0 task states stored" in out.getvalue()
    call_command("refresh_task_states", "--all", stdout=out)
    assert out.getvalue().count(f"{Task.objects.count():,} task states stored") == 2
    assert state() == state(stored=False)
