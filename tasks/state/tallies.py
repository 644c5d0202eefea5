"""Unit tallies: each unit's task counts for today, kept in step with the stored task states.

The unit list and the dashboard's lagging units need, for every unit, how many tasks it
leads, shares and has through a collective, and how many of the tasks it answers for
(answerable.py: named on them, or named by the office for a collective's share) are closed on
time (按期办结), closed late (逾期办结), overdue or red (state.units_as_of() derives them). Counted from the task
links for 5,000 units and 100,000 tasks, that took about a second a page. So the store (store.py) stores them with
the states: TaskReach holds each task's (task, unit) pairs as stored, UnitTally their sums.
When some tasks are derived again, forget() takes their stored pairs off the sums (with the
states they were stored with), and remember() adds their pairs as they are now: the cost
follows the changed tasks, not the size of the database. rebuild() starts over, with the
states of a new day.

Runs inside the store's refresh: its transaction and, on PostgreSQL, its lock.
"""

import datetime
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

from ..models import Task, TaskReach, TaskState, TaskUnit, Unit, UnitTally
from .answerable import standing_assignments

TALLIED = ("led", "shared", "via_collective", "total", "answerable", "done", "done_late", "overdue", "red")


def rebuild(as_of: datetime.date) -> None:
    """Every task's pairs and every unit's sums for `as_of`, into the emptied tables (store.empty_tables)."""
    _store_pairs(None, as_of)
    _add(None, sign=1)


def forget(task_ids: Sequence[int]) -> None:
    """Take the stored pairs of `task_ids` off the sums and remove them (before their states change)."""
    _add(task_ids, sign=-1)
    where, params = _where("task_id", task_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(TaskReach)}{where}", params)  # noqa: S608 — ids as parameters


def remember(task_ids: Sequence[int], as_of: datetime.date) -> None:
    """Store the pairs of `task_ids` as the task links are now and add them to the sums (after their states)."""
    _store_pairs(task_ids, as_of)
    _add(task_ids, sign=1)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _where(column: str, task_ids: Sequence[int] | None) -> tuple[str, list[int]]:
    if task_ids is None:
        return "", []
    return f" WHERE {column} IN ({', '.join(['%s'] * len(task_ids))})", list(task_ids)


def _store_pairs(task_ids: Sequence[int] | None, as_of: datetime.date) -> None:
    """(task, unit) of every unit named on the tasks, and of every member of a collective named on
    them; `via` is 1 only when the unit is not named itself; `answerable` is 1 for a named unit and
    for a member the office named for the task by the end of `as_of` (answerable.py's rule). In
    key order: the index is then written from left to right."""
    where, params = _where("link.task_id", task_ids)
    links, members = _table(TaskUnit), _table(Unit.members.through)
    assigned, assigned_params = (
        standing_assignments(as_of).order_by().values("task_id", "unit_id").query.sql_with_params()
    )
    sql = f"""
        INSERT INTO {_table(TaskReach)} (task_id, unit_id, lead, responsible, via, answerable)
        SELECT task_id, unit_id, MAX(lead), MAX(responsible), MIN(via), MAX(answerable) FROM (
            SELECT link.task_id, link.unit_id,
                   CASE WHEN link.role = %s THEN 1 ELSE 0 END AS lead,
                   CASE WHEN link.role = %s THEN 1 ELSE 0 END AS responsible,
                   0 AS via, 1 AS answerable
            FROM {links} link{where}
            UNION ALL
            SELECT link.task_id, member.to_unit_id, 0, 0, 1,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM ({assigned}) AS assigned
                       WHERE assigned.task_id = link.task_id AND assigned.unit_id = member.to_unit_id
                   ) THEN 1 ELSE 0 END
            FROM {links} link JOIN {members} member ON member.from_unit_id = link.unit_id{where}
        ) AS pairs GROUP BY task_id, unit_id
        ORDER BY task_id, unit_id
    """  # noqa: S608 — table names from Django, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [TaskUnit.Role.LEAD, TaskUnit.Role.RESPONSIBLE, *params, *assigned_params, *params])


def _add(task_ids: Sequence[int] | None, sign: int) -> None:
    """Add (sign 1) or take off (sign -1) the stored pairs of `task_ids` (None: all) to their units' sums."""
    where, params = _where("reach.task_id", task_ids)
    tally = _table(UnitTally)
    columns = ", ".join(TALLIED)
    updates = ", ".join(f"{name} = {tally}.{name} + excluded.{name}" for name in TALLIED)
    # WHERE true: SQLite reads "ON CONFLICT" after a bare SELECT as part of a join.
    sql = f"""
        INSERT INTO {tally} (unit_id, {columns})
        SELECT * FROM (
            SELECT reach.unit_id,
                   %s * SUM(reach.lead), %s * SUM(reach.responsible), %s * SUM(reach.via), %s * COUNT(*),
                   %s * SUM(reach.answerable),
                   %s * SUM(CASE WHEN state.status = %s THEN reach.answerable ELSE 0 END),
                   %s * SUM(CASE WHEN state.status = %s THEN reach.answerable ELSE 0 END),
                   %s * SUM(CASE WHEN state.status = %s THEN reach.answerable ELSE 0 END),
                   %s * SUM(CASE WHEN state.light = %s THEN reach.answerable ELSE 0 END)
            FROM {_table(TaskReach)} reach JOIN {_table(TaskState)} state ON state.task_id = reach.task_id{where}
            GROUP BY reach.unit_id
        ) AS counted WHERE true
        ON CONFLICT (unit_id) DO UPDATE SET {updates}
    """  # noqa: S608 — table names from Django, values as parameters
    values: list[int | str] = [sign] * 5
    values += [sign, Task.Status.DONE, sign, Task.Status.DONE_LATE, sign, Task.Status.OVERDUE, sign, Task.Light.RED]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
