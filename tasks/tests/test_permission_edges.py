"""Edges of permissions.py that test_permissions.py's role matrix does not reach: who may report
on a task (units_of_task) and an office account that has been switched off."""

import pytest
from django.contrib.auth import get_user_model

from tasks import permissions
from tasks.progress import services
from tasks.tests.factories import make_workflow_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_workflow_world()


def test_units_of_a_task_are_the_named_ones_and_the_members_of_named_collectives(w):
    assert set(permissions.units_of_task(w.own_task)) == {w.dev, w.towns, w.town}
    assert set(permissions.units_of_task(w.other_task)) == {w.finance}
    assert not permissions.units_of_task(w.meeting_task).exists()


def test_a_switched_off_office_account_decides_nothing(w):
    w.office.is_active = False
    w.office.save()
    assert not permissions.is_office(w.office)
    may, Action = permissions.may, permissions.Action
    assert not may(w.office, Action.REVIEW)
    assert not may(w.office, Action.DECIDE)
    assert not may(w.office, Action.REMIND)
    assert not may(w.office, Action.ASSIGN, w.meeting_task)
    assert not permissions.tasks_changeable_by(w.office).exists()
    assert not may(w.office, Action.EDIT_PLAN, w.own_task, unit=w.dev)


def test_a_liaison_speaks_for_its_own_unit_only(w):
    assert permissions.can_act_for(w.liaison, w.dev)
    assert not permissions.can_act_for(w.liaison, w.finance)
    assert not permissions.can_act_for(w.liaison, None)
    assert not permissions.can_act_for(w.office, w.dev)
    assert permissions.unit_has_task(w.town, w.own_task)  # through 各乡镇（街道）
    assert not permissions.unit_has_task(w.town, w.other_task)


def test_a_users_unit_is_looked_up_once_per_request(w, django_assert_num_queries):
    # Every page asks several rules about the same user: the unit is read once and kept on it.
    user = get_user_model().objects.get(pk=w.liaison.pk)
    with django_assert_num_queries(2):  # the liaison link, then its unit
        assert permissions.liaison_unit(user) == w.dev
    with django_assert_num_queries(0):
        assert permissions.liaison_unit(user) == w.dev


@pytest.mark.parametrize(
    ("action", "missing"), [(permissions.Action.CHANGE, "task"), (permissions.Action.RESUBMIT, "report")]
)
def test_asking_about_an_action_without_the_object_it_concerns_says_which_call_is_wrong(w, action, missing):
    # A programming error, not a "no": a view that forgot the task must fail loudly, naming the action.
    with pytest.raises(
        TypeError, match=f"may\\(…, <Action.{action.name}: '{action.value}'>\\) needs the object it concerns"
    ):
        permissions.may(w.office, action)


def test_a_liaison_may_not_report_for_another_unit_on_a_task_its_own_unit_shares(w):
    # 丽阳镇 holds the task through 各乡镇（街道）; its liaison still speaks only for 丽阳镇, not for the lead.
    assert permissions.may(w.town_liaison, permissions.Action.REPORT, w.own_task, unit=w.town)
    assert not permissions.may(w.town_liaison, permissions.Action.REPORT, w.own_task, unit=w.dev)
    assert not permissions.may(w.town_liaison, permissions.Action.REQUEST_EXTENSION, w.own_task, unit=w.dev)


def test_only_the_reporting_units_liaison_may_correct_a_returned_report(w):
    report = services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=w.today.replace(day=1), done="进展", percent=10
    )
    services.progress_report_return(report=report, actor=w.office, version=report.version, reason="补充")
    assert permissions.may(w.liaison, permissions.Action.RESUBMIT, report=report)
    # Another unit's liaison may report in general, but never correct 区发改委's report; the office never reports.
    assert not permissions.may(w.finance_liaison, permissions.Action.RESUBMIT, report=report)
    assert not permissions.may(w.office, permissions.Action.RESUBMIT, report=report)
