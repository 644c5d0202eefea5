"""交办 and 签收: tasks handed to the units that hold them, and the units' acknowledgement.

`handovers_create()` runs when a notice is imported (tasks/importers) or a meeting order assigned
(progress.services.task_units_assign): every unit holding a task — named on it, or a member of a
collective named on it — gets a Handover, due for 签收 GOVTASKS_ACK_WORKING_DAYS working days
later, a 交办 line on the task's timeline, and one notice listing its new tasks.
`handovers_acknowledge()` is the unit's liaison acknowledging them.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notices.models import Notice
from notices.services import chinese_date, notify_unit

from .. import permissions
from ..models import Handover, Task, TaskEvent, TaskUnit, Unit

Event = TaskEvent.Kind
# A notice lists this many of a unit's new tasks; the 签收 page has them all.
NOTICE_LINES = 20


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """`days` working days (Monday to Friday) after `day`. Public holidays and their swapped
    working weekends (调休) are not kept: the office extends a due date by hand around them."""
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def holding_units(tasks: Iterable[Task]) -> dict[int, list[int]]:
    """Task id → ids of the units that hold it: named (collectives replaced by their members), in document order."""
    task_ids = [task.pk for task in tasks]
    members: dict[int, list[int]] = defaultdict(list)
    for collective_id, member_id in Unit.members.through.objects.values_list("from_unit_id", "to_unit_id"):
        members[collective_id].append(member_id)
    holders: dict[int, list[int]] = {pk: [] for pk in task_ids}
    links = TaskUnit.objects.filter(task_id__in=task_ids).order_by("task_id", "role", "position")
    for task_id, unit_id, kind in links.values_list("task_id", "unit_id", "unit__kind"):
        for holder in members[unit_id] if kind == Unit.Kind.COLLECTIVE else [unit_id]:
            if holder not in holders[task_id]:
                holders[task_id].append(holder)
    return holders


@transaction.atomic
def handovers_create(*, tasks: Iterable[Task], actor: User | None = None) -> dict[Unit, list[Handover]]:
    """Hand `tasks` to every unit that holds one and has no Handover for it yet; notice each unit once.

    Returns the new handovers by unit. Idempotent: a second run for the same tasks creates nothing.
    """
    by_id = {task.pk: task for task in tasks}
    if not by_id:
        return {}
    now = timezone.now()
    due_on = add_working_days(timezone.localdate(now), settings.GOVTASKS_ACK_WORKING_DAYS)
    existing = set(Handover.objects.filter(task_id__in=list(by_id)).values_list("task_id", "unit_id"))
    new = [
        Handover(task_id=task_id, unit_id=unit_id, handed_at=now, due_on=due_on)
        for task_id, unit_ids in holding_units(by_id.values()).items()
        for unit_id in unit_ids
        if (task_id, unit_id) not in existing
    ]
    Handover.objects.bulk_create(new)
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(
                task_id=handover.task_id,
                unit_id=handover.unit_id,
                actor=actor,
                at=now,
                kind=Event.HANDED_OVER,
                note=_("请于%(day)s前签收") % {"day": chinese_date(due_on)},
            )
            for handover in new
        ]
    )
    units = Unit.objects.in_bulk({handover.unit_id for handover in new})
    by_unit: dict[Unit, list[Handover]] = defaultdict(list)
    for handover in new:
        handover.task = by_id[handover.task_id]
        by_unit[units[handover.unit_id]].append(handover)
    for unit, handovers in by_unit.items():
        _notice(unit, handovers, due_on)
    return dict(by_unit)


def _notice(unit: Unit, handovers: list[Handover], due_on: datetime.date) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"以下{len(handovers)}项重点工作任务已交办{unit.name}，请于{chinese_date(due_on)}前在系统中签收："]
        lines += [f"  第{h.task.label}项：{h.task.text[:80]}" for h in handovers[:NOTICE_LINES]]
        if len(handovers) > NOTICE_LINES:
            lines.append(f"  ……另有{len(handovers) - NOTICE_LINES}项，见签收页面。")
        notify_unit(
            unit,
            Notice.Kind.ASSIGNED,
            f"交办：{len(handovers)}项重点工作任务",
            "\n".join(lines),
            reverse("tasks:handovers"),
            source=f"tasks.handover:{unit.pk}:{handovers[0].handed_at.isoformat()}",
        )


@transaction.atomic
def handovers_acknowledge(*, unit: Unit, actor: User, task_ids: Iterable[int] | None = None) -> int:
    """The unit's liaison acknowledges (签收) its open handovers — those of `task_ids`, or all.

    Returns how many were acknowledged; each is on its task's timeline. Acknowledging none (all
    were acknowledged already, perhaps by a colleague) is refused with a message saying so.
    """
    if not permissions.may(actor, permissions.Action.ACKNOWLEDGE, unit=unit):
        raise PermissionDenied(_("只有%(unit)s的联络员可以签收交给该单位的任务。") % {"unit": unit})
    chosen = Handover.objects.select_for_update().filter(unit=unit, acknowledged_at__isnull=True)
    if task_ids is not None:
        chosen = chosen.filter(task_id__in=list(task_ids))
    handovers = list(chosen)
    if not handovers:
        raise ValidationError(_("没有待签收的交办任务（可能已由他人签收）。"))
    now = timezone.now()
    Handover.objects.filter(pk__in=[h.pk for h in handovers]).update(acknowledged_at=now, acknowledged_by=actor)
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(
                task_id=h.task_id,
                unit=unit,
                actor=actor,
                at=now,
                kind=Event.ACKNOWLEDGED,
                note=_("逾期签收（应于%(day)s前）") % {"day": chinese_date(h.due_on)}
                if timezone.localdate(now) > h.due_on
                else "",
            )
            for h in handovers
        ]
    )
    return len(handovers)
