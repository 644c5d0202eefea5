"""The one door to derived state: tasks with their state as of a day, units with their tallies.

A task's status, percent, expected progress and light are derived, never typed
(derive.py: SQL expressions, no reads or writes). Deriving them costs about ten
subqueries a task, so today's are also stored (store.py, tallies.py) and pages read
the stored rows. Whether a read derives or reads the store is decided here, once:

- `tasks_as_of(as_of, tasks)`: tasks annotated with their state at the end of `as_of`.
- `units_as_of(as_of)`: units annotated with their task counts (led, shared, …, red).
- `answerable_units(task, as_of)`: the units that answer for (are blamed for) a task
  (answerable.py); every count of blame follows it.

For today both first call `refresh_stale_store()`, the one read path that writes: it
derives again the tasks changed since the store was filled (database triggers stamp
them) and, on the first read of a new day, every task. With nothing changed it is one
query of one row. Any other day is derived on the fly and writes nothing.
"""

import datetime
from typing import Any

from django.db.models import F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Task, TaskUnit, Unit
from ..querysets import TaskQuerySet, UnitQuerySet
from . import store, tallies
from .answerable import answerable_count, answerable_units, answers_for_task, standing_assignments
from .derive import ALIASED, ANNOTATED, count_links, reach_count, through_collectives_count, with_derived_state

__all__ = [
    "answerable_units",
    "answers_for_task",
    "reads_store",
    "refresh_stale_store",
    "standing_assignments",
    "tasks_as_of",
    "units_as_of",
]


def reads_store(as_of: datetime.date | None) -> bool:
    """Whether a read of `as_of` (None: today) is answered from the stored states: today's only."""
    return as_of is None or as_of == timezone.localdate()


def refresh_stale_store(as_of: datetime.date | None = None) -> int:
    """Bring today's stored states and tallies up to date; returns how many tasks were derived again."""
    return store.ensure_fresh(as_of)


def tasks_as_of(
    as_of: datetime.date | None = None, tasks: TaskQuerySet | None = None, *, stored: bool = True
) -> TaskQuerySet:
    """`tasks` (default: every task) annotated with their state at the end of `as_of` (default today).

    current_deadline: the deadline of the newest extension approved by then, else the document's.
    percent, has_progress: from the 主办 unit's reports accepted by then (derive.derivation()).
    is_complete, closed_on: closed by the office (办结销号) by then and not reopened.
    expected (序时进度): the highest target of the plans' milestones due by then when the
    plans give targets, else pro rata between the document's date and the current deadline.
    gap: expected − percent. days_left: to the current deadline.
    status: 按期办结 / 逾期办结 / 待核查 / overdue / in progress / not started. light: see derive.light_rules.
    missed_milestone, unreported (aliases; TaskQuerySet.with_light_reasons() selects them): a
    milestone due before `as_of` and still not done; the 主办 unit has not reported for the period
    due by then (derive.reporting_period).

    For today (and stored=True) they are read from the tasks' TaskState rows, after
    refresh_stale_store(); for another day, or with stored=False, derived here and now.
    """
    tasks = Task.objects.all() if tasks is None else tasks
    as_of = as_of or timezone.localdate()
    if stored and reads_store(as_of):
        refresh_stale_store(as_of)
        return tasks.alias(**{name: F(f"state__{name}") for name in ALIASED}).annotate(
            **{name: F(f"state__{name}") for name in ANNOTATED}
        )
    return with_derived_state(tasks, as_of)


def units_as_of(as_of: datetime.date | None = None, *, stored: bool = True) -> UnitQuerySet:
    """Units annotated with task counts as of `as_of` (default today).

    led / shared: tasks naming the unit as lead / responsible; via_collective: tasks given
    only to a collective it belongs to; total: all the tasks of the unit, named directly or
    through a collective — the rows the task list shows for ?unit=<name>&role=any; answerable: those
    of them it answers for. done
    (按期办结), done_late (逾期办结), overdue and red count only the tasks the unit answers for
    (answerable_units: named on them, or named by the office for a collective's share) — the rows
    of ?unit=<name>&role=answerable, so a count and the list behind its link agree. The done,
    overdue and red tasks are found once, as uncorrelated subqueries the database hashes,
    not derived again for each unit. Today's are read from the stored tallies (tallies.py)
    after refresh_stale_store(), unless stored=False.
    """
    if stored and reads_store(as_of):
        refresh_stale_store()
        return Unit.objects.annotate(**{name: Coalesce(F(f"tally__{name}"), 0) for name in tallies.TALLIED})
    # Annotated with status and light, which the model does not declare (QuerySet[Any]).
    tasks: QuerySet[Any, Any] = tasks_as_of(as_of, stored=stored)
    links = TaskUnit.objects.filter(unit=OuterRef("pk"))
    return Unit.objects.annotate(
        led=count_links(links.filter(role=TaskUnit.Role.LEAD)),
        shared=count_links(links.filter(role=TaskUnit.Role.RESPONSIBLE)),
        via_collective=through_collectives_count(),
        total=reach_count(),
        answerable=answerable_count(as_of),
        done=answerable_count(as_of, tasks.filter(status=Task.Status.DONE).values("pk")),
        done_late=answerable_count(as_of, tasks.filter(status=Task.Status.DONE_LATE).values("pk")),
        overdue=answerable_count(as_of, tasks.filter(status=Task.Status.OVERDUE).values("pk")),
        red=answerable_count(as_of, tasks.filter(light=Task.Light.RED).values("pk")),
    )
