"""Users in each role for workflow tests, and a small world of tasks dated around today.

The services check dates against today (no report for a future month, no extension after
the deadline), so these tasks are dated relative to the day the tests run.
"""

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tasks import roles
from tasks.models import Task, UnitLiaison
from tasks.tests.factories import make_document, make_task, make_unit

PASSWORD = "a-long-test-password"


def make_user(username, *, role=None, unit=None, email=""):
    """A user in `role` (a group name from tasks.roles); a liaison is linked to `unit`."""
    user = get_user_model().objects.create_user(username, email=email, password=PASSWORD)
    if role:
        # `migrate` creates the groups (tasks/apps.py); a test that flushed them gets them back.
        if not Group.objects.filter(name=role).exists():
            roles.ensure_roles()
        user.groups.add(Group.objects.get(name=role))
    if unit is not None:
        UnitLiaison.objects.create(user=user, unit=unit)
    return user


def make_workflow_world():
    """Units, users and tasks for the workflow.

    own_task: led by 区发改委, shared by 各乡镇（街道） (so 丽阳镇 has it through the collective).
    other_task: led by 区财政局 only. meeting_task: a meeting order with no units yet.
    Tasks were issued 90 days ago and are due in 90 days.
    """
    today = timezone.localdate()
    document = make_document(issued_on=today - datetime.timedelta(days=90))
    meeting_record = make_document(issued_on=today - datetime.timedelta(days=30), title="第100次常务会议纪要")
    dev = make_unit("区发改委")
    finance = make_unit("区财政局")
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    due = today + datetime.timedelta(days=90)
    own_task = make_task(1, document=document, lead=[dev], responsible=[towns], deadline=due, text="建设陶瓷产业园")
    other_task = make_task(2, document=document, lead=[finance], deadline=due, text="盘活存量资金")
    meeting_task = make_task(
        1, document=meeting_record, source=Task.Source.MEETING, deadline=due, text="完成“七通一平”"
    )
    return SimpleNamespace(
        today=today,
        document=document,
        dev=dev,
        finance=finance,
        town=town,
        towns=towns,
        own_task=own_task,
        other_task=other_task,
        meeting_task=meeting_task,
        office=make_user("office", role=roles.OFFICE),
        liaison=make_user("dev_liaison", role=roles.LIAISON, unit=dev, email="dev@example.org"),
        town_liaison=make_user("town_liaison", role=roles.LIAISON, unit=town),
        finance_liaison=make_user("finance_liaison", role=roles.LIAISON, unit=finance),
        leader=make_user("leader", role=roles.LEADER),
        nobody=make_user("nobody"),
    )
