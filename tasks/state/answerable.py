"""Who answers for a task (is blamed for it): the one rule behind every count of blame.

A unit answers for a task when it is **named on it** (a lead or responsible unit, a collective
such as 各乡镇（街道） included), or when it is a **member of a collective named on it whom the
office named** for its share (MemberAssignment, 点名承办) by the end of the day and had not
withdrawn by then. A township reached only through 各乡镇（街道） sees the task and may report its
part (permissions.units_of_task), but its overdue and red tasks, and its scores, count only
the tasks it answers for.

`answerable_units()` is the question for one task; the unit tallies (tallies.py, stored),
`state.units_as_of()` (derived, any day) and the dashboard's lagging units (selectors.lagging)
count with `standing_assignments()` and `answerable_count()` below, which say the same in SQL.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils import timezone

from ..models import MemberAssignment, Task, TaskUnit, Unit
from ..querysets import UnitQuerySet
from .derive import count_links, end_of_day

__all__ = ["answerable_count", "answerable_units", "answers_for_task", "standing_assignments"]


def standing_assignments(as_of: datetime.date | None = None) -> QuerySet[MemberAssignment]:
    """The office's namings of members (MemberAssignment) that stood at the end of `as_of` (default today)."""
    cutoff = end_of_day(as_of or timezone.localdate())
    # Unordered: the model's ordering would join the task and its document into every subquery.
    return (
        MemberAssignment.objects.filter(assigned_at__lt=cutoff)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=cutoff))
        .order_by()
    )


def answerable_units(task: Task | int, as_of: datetime.date | None = None) -> UnitQuerySet:
    """The units that answer for `task` (a task or its pk) at the end of `as_of` (default today):
    those named on it, and members of a collective named on it whom the office named then.

    The one answer to "who is blamed for this task" (unit tallies, dashboard, 考核 scores).
    Members reached only through a collective are not in it, though they see and report the task."""
    task_id = task if isinstance(task, int) else task.pk
    named = TaskUnit.objects.filter(task_id=task_id, unit=OuterRef("pk"))
    assigned = standing_assignments(as_of).filter(task_id=task_id, unit=OuterRef("pk"))
    return Unit.objects.filter(Exists(named) | Exists(assigned))


def answerable_count(as_of: datetime.date | None, task_ids: QuerySet[Task, Any] | None = None) -> Combinable:
    """A correlated count of the tasks the outer unit answers for at the end of `as_of` (answerable_units'
    rule), among `task_ids` (a queryset of task pks) when given: those naming it, plus those it was
    named for by the office and is not named on (so none is counted twice)."""
    direct = TaskUnit.objects.filter(unit=OuterRef("pk"))
    names_unit = TaskUnit.objects.filter(task=OuterRef("task"), unit=OuterRef("unit"))
    assigned = standing_assignments(as_of).filter(unit=OuterRef("pk")).filter(~Exists(names_unit))
    if task_ids is not None:
        direct = direct.filter(task__in=task_ids)
        assigned = assigned.filter(task__in=task_ids)
    # count_links counts distinct tasks of rows with a `task` column, which both have.
    return count_links(direct) + count_links(assigned)  # type: ignore[arg-type]


def answers_for_task(unit: Unit, as_of: datetime.date | None = None) -> Exists:
    """Filter for tasks (outer Task rows) that `unit` answers for at the end of `as_of`: answerable_units' rule
    seen from the unit — the task list's ?unit=<name>&role=answerable, the rows behind the unit list's counts."""
    named = TaskUnit.objects.filter(task=OuterRef("pk"), unit=unit)
    assigned = standing_assignments(as_of).filter(task=OuterRef("pk"), unit=unit)
    return Exists(named) | Exists(assigned)  # type: ignore[return-value]
