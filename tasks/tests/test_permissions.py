"""The rules in permissions.may(), role by role, on the unit's own task and on another unit's.

The same matrix through the pages (status codes) is in test_progress_views.py.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from tasks import permissions
from tasks.instructions.services import instruction_write
from tasks.models import Task
from tasks.tests.factories import make_workflow_world

pytestmark = pytest.mark.django_db

ROLES = ["office", "liaison", "town_liaison", "finance_liaison", "leader", "nobody"]


@pytest.fixture
def w():
    return make_workflow_world()


# Each rule: (check, {role: (on 区发改委's own task, on 区财政局's task)}).
RULES = {
    permissions.Action.CHANGE: {
        "office": (True, True),
        "liaison": (True, False),
        "town_liaison": (True, False),  # through 各乡镇（街道）
        "finance_liaison": (False, True),
        "leader": (False, False),
        "nobody": (False, False),
    },
    permissions.Action.REPORT: {
        "office": (False, False),
        "liaison": (True, False),
        "town_liaison": (True, False),
        "finance_liaison": (False, True),
        "leader": (False, False),
        "nobody": (False, False),
    },
    permissions.Action.REQUEST_EXTENSION: {
        "office": (False, False),
        "liaison": (True, False),
        "town_liaison": (True, False),
        "finance_liaison": (False, True),
        "leader": (False, False),
        "nobody": (False, False),
    },
}


@pytest.mark.parametrize("rule, role", [(rule, role) for rule in RULES for role in ROLES])
def test_task_rules(w, rule, role):
    user = getattr(w, role)
    assert (permissions.may(user, rule, w.own_task), permissions.may(user, rule, w.other_task)) == RULES[rule][role]


@pytest.mark.parametrize(
    "role, dev_plan, finance_plan",
    [
        ("office", True, True),
        ("liaison", True, False),
        ("town_liaison", False, False),  # 丽阳镇 writes its own plan on the task, not 区发改委's
        ("finance_liaison", False, True),
        ("leader", False, False),
        ("nobody", False, False),
    ],
)
def test_plan_rule(w, role, dev_plan, finance_plan):
    user = getattr(w, role)
    assert permissions.may(user, permissions.Action.EDIT_PLAN, w.own_task, unit=w.dev) is dev_plan
    assert permissions.may(user, permissions.Action.EDIT_PLAN, w.other_task, unit=w.finance) is finance_plan


def test_a_plan_for_a_unit_without_the_task_is_never_editable(w):
    assert not permissions.may(w.office, permissions.Action.EDIT_PLAN, w.own_task, unit=w.finance)
    assert permissions.may(w.town_liaison, permissions.Action.EDIT_PLAN, w.own_task, unit=w.town)


@pytest.mark.parametrize(
    "rule, allowed",
    [
        (permissions.Action.REVIEW, {"office"}),
        (permissions.Action.DECIDE, {"office"}),
        (permissions.Action.REMIND, {"office"}),
        (permissions.Action.DECIDE_CLOSURE, {"office"}),
        (permissions.Action.NAME_HOST, {"office"}),
        (permissions.Action.PUBLISH, {"office"}),
        (permissions.Action.ISSUE_BULLETIN, {"office"}),
        (permissions.Action.INSTRUCT, {"leader"}),
    ],
)
def test_office_only_rules(w, rule, allowed):
    assert {role for role in ROLES if permissions.may(getattr(w, role), rule)} == allowed


def test_only_the_office_assigns_and_only_meeting_orders(w):
    assert permissions.may(w.office, permissions.Action.ASSIGN, w.meeting_task)
    assert not permissions.may(w.office, permissions.Action.ASSIGN, w.own_task)
    assert not any(permissions.may(getattr(w, role), permissions.Action.ASSIGN, w.meeting_task) for role in ROLES[1:])


def test_every_signed_in_user_reads_every_task_and_nobody_else(w):
    for role in ROLES:
        assert permissions.tasks_visible_to(getattr(w, role)).count() == Task.objects.count()
    assert not permissions.tasks_visible_to(AnonymousUser()).exists()
    w.leader.is_active = False
    assert not permissions.tasks_visible_to(w.leader).exists()


def test_an_inactive_liaison_changes_nothing(w):
    w.liaison.is_active = False
    w.liaison.save()
    assert not permissions.may(w.liaison, permissions.Action.CHANGE, w.own_task)
    assert not permissions.may(w.liaison, permissions.Action.REPORT, w.own_task)


def test_liaison_unit(w):
    assert permissions.liaison_unit(w.liaison) == w.dev
    assert permissions.liaison_unit(w.office) is None
    assert permissions.liaison_unit(AnonymousUser()) is None


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("office", False, False),
        ("liaison", True, False),  # 区发改委 leads its task: it answers for it (主办)
        ("town_liaison", False, False),  # 丽阳镇 shares the task through its collective, it does not answer
        ("finance_liaison", False, True),
        ("leader", False, False),
        ("nobody", False, False),
    ],
)
def test_only_the_answering_units_liaison_asks_to_close_a_task(w, role, own, other):
    user = getattr(w, role)
    Action = permissions.Action
    assert permissions.may(user, Action.REQUEST_CLOSURE, w.own_task) is own
    assert permissions.may(user, Action.REQUEST_CLOSURE, w.other_task) is other


def test_a_closure_request_for_a_unit_is_its_own_liaisons(w):
    Action = permissions.Action
    assert permissions.may(w.liaison, Action.REQUEST_CLOSURE, w.own_task, unit=w.dev)
    assert not permissions.may(w.liaison, Action.REQUEST_CLOSURE, w.own_task, unit=w.finance)
    assert not permissions.may(w.office, Action.REQUEST_CLOSURE, w.own_task, unit=w.dev)


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("office", True, True),
        ("liaison", True, False),
        ("town_liaison", True, False),  # its collective shares the task
        ("finance_liaison", False, True),
        ("leader", True, True),
        ("nobody", False, False),
    ],
)
def test_evidence_files_are_read_by_the_office_leaders_and_the_units_holding_the_task(w, role, own, other):
    user = getattr(w, role)
    Action = permissions.Action
    assert permissions.may(user, Action.READ_ATTACHMENTS, w.own_task) is own
    assert permissions.may(user, Action.READ_ATTACHMENTS, w.other_task) is other
    assert not permissions.may(AnonymousUser(), Action.READ_ATTACHMENTS, w.own_task)


def test_an_instruction_is_answered_by_its_units_liaison_only(w):
    instruction = instruction_write(task=w.own_task, actor=w.leader, text="加快进度", report=None)
    answering = {
        role
        for role in ROLES
        if permissions.may(getattr(w, role), permissions.Action.ANSWER_INSTRUCTION, instruction=instruction)
    }
    assert answering == {"liaison"}
    with pytest.raises(TypeError):
        permissions.may(w.liaison, permissions.Action.ANSWER_INSTRUCTION)
