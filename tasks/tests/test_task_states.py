"""Stored task states (tasks/task_states.py): read while they hold, and only then.

Synthetic data made for today holds every status and light. After refresh() every task's
stored state must equal its derivation; any change to a task's inputs, however written,
must make with_progress() derive that task again; another day or other light thresholds
must never read a stored state.
"""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tasks import roles, task_states
from tasks.models import (
    Document,
    ExtensionRequest,
    Milestone,
    ProgressReport,
    Task,
    TaskStamp,
    TaskState,
    TaskUnit,
    Unit,
    UnitPlan,
)
from tasks.tests.factories import make_report
from tasks.tests.people import make_user

FIELDS = ["current_deadline", "percent", "is_complete", "has_progress", "days_left", "expected", "gap"]
FIELDS += ["status", "light", "missed_milestone", "not_reported"]


@pytest.fixture
def demo(db):
    call_command("generate_demo", tasks=300, units=20, reports_per_task=3, seed=11, stdout=io.StringIO())


def state(as_of=None, stored=True, **filters):
    """{pk: (field values)} of with_progress() rows."""
    rows = Task.objects.filter(**filters).with_progress(as_of, stored=stored).with_light_reasons()
    return {row[0]: row[1:] for row in rows.values_list("pk", *FIELDS)}


def test_after_a_refresh_every_stored_state_is_the_derived_one_and_is_what_pages_read(demo):
    TaskState.objects.all().delete()
    assert task_states.refresh() == Task.objects.count() == TaskState.objects.count()
    assert state() == state(stored=False)
    assert {status for status, *_ in TaskState.objects.values_list("status")} == set(Task.Status.values)
    assert task_states.refresh() == 0  # nothing stale
    # The stored row is what is read: a row tampered with shows through (and only that row).
    task = Task.objects.order_by("pk").first()
    wrong = Task.Light.GREEN if TaskState.objects.get(task=task).light != Task.Light.GREEN else Task.Light.RED
    TaskState.objects.filter(task=task).update(light=wrong)
    assert Task.objects.with_progress().get(pk=task.pk).light == wrong


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
    task_states.refresh()  # store the state with the collective on the task: the member change alone must stamp
    collective.members.remove(*collective.members.all()[:1])


CHANGES = [
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
def test_any_change_to_a_tasks_inputs_sets_its_stored_state_aside(demo, change):
    task = first(Task, reports__isnull=False, task_units__role=TaskUnit.Role.LEAD)
    task_states.refresh()
    change(task)
    assert TaskStamp.objects.get(task=task).n != TaskState.objects.get(task=task).stamp
    # Read now: the derivation, not the stored row of before the change.
    assert state(pk=task.pk) == state(pk=task.pk, stored=False)
    assert task_states.refresh() >= 1
    assert state() == state(stored=False)


def test_another_day_or_other_thresholds_never_read_todays_states(demo):
    task_states.refresh()
    TaskState.objects.update(light=Task.Light.GREEN, status=Task.Status.DONE)  # all wrong on purpose
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert state(yesterday) == state(yesterday, stored=False)
    with override_settings(GOVTASKS_LIGHT_RED_GAP=5):
        assert state() == state(stored=False)


def test_the_dashboard_stores_todays_states_and_shows_the_same_figures(demo, client):
    TaskState.objects.all().delete()
    client.force_login(make_user("office", role=roles.OFFICE))
    derived = client.get(reverse("dashboard"), {"as_of": (timezone.localdate()).isoformat()})
    assert TaskState.objects.count() == Task.objects.count()
    stored = client.get(reverse("dashboard"))
    assert derived.context["overall"] == stored.context["overall"]
    assert list(derived.context["lagging_units"]) == list(stored.context["lagging_units"])


def test_the_dashboard_stores_states_on_a_days_first_visit_then_at_most_once_a_minute(demo, settings):
    settings.GOVTASKS_STATE_REFRESH_SECONDS = 60
    cache.clear()
    task_states.refresh_if_due()
    assert TaskState.objects.count() == Task.objects.count()
    TaskState.objects.all().delete()
    task_states.refresh_if_due()  # within the minute: nothing stored, pages derive
    assert TaskState.objects.count() == 0
    assert state() == state(stored=False)
    cache.clear()  # the minute has passed
    task_states.refresh_if_due()
    assert TaskState.objects.count() == Task.objects.count()
