"""Stored task states: today's derived state of every task, kept true so pages read instead of derive.

Deriving a task's status, percent and light (derive.py) costs about ten indexed
subqueries a task: nothing for a district's 84 tasks, seconds for a province's 100,000 on every
page. So today's state of every task is stored in TaskState, and state.tasks_as_of() reads those
rows — plain columns the database can index, filter and sort — after ensure_fresh() has made
sure they hold:

- TaskStateDay names the day and light thresholds the rows were derived for. On another day (the
  first read after midnight) or under other thresholds, every row is derived again in one
  INSERT … SELECT (15 s for 100,000 tasks; `manage.py refresh_task_states` from cron just after
  midnight spares a visitor that wait).
- TaskStamp has a row for each task whose inputs changed since: database triggers write it on
  every change, however made (migrations 0004 and 0006). Those tasks are derived again and
  their rows removed.

The units' task counts are kept with the states (tallies.py). With nothing changed,
ensure_fresh() is one query of one row. Other days ("as of" a date) are always derived on the fly.

Concurrency (PostgreSQL): refreshes take turns on an advisory lock; a refresh removes only the
stamps no transaction holds (SKIP LOCKED). A writer still in flight keeps its stamp locked until
it commits, so its task is derived again by the next read after that, never stored from a
snapshot that missed the change; and a reader never waits for a writer.
"""

import datetime
import zlib
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Exists, F, Model
from django.utils import timezone

from ..models import Task, TaskReach, TaskStamp, TaskState, TaskStateDay, UnitTally
from . import tallies
from .derive import ALIASED, ANNOTATED, rules_key, with_derived_state

LOCK = zlib.crc32(b"govtasks.task_states.refresh")
COLUMNS = ["task_id", *ANNOTATED, *ALIASED]
DAY = 1  # the primary key of the one TaskStateDay row
# Changed tasks are derived this many at a time (SQLite allows 32,766 parameters a statement).
BATCH = 2000


def ensure_fresh(as_of: datetime.date | None = None) -> int:
    """Make every stored state hold for `as_of` (default today); returns how many were derived again."""
    as_of = as_of or timezone.localdate()
    if _holds(as_of):
        return 0
    return _refresh(as_of, everything=False)


def refresh(as_of: datetime.date | None = None) -> int:
    """Derive and store every task's state for `as_of` (default today), whatever was stored; returns how many."""
    return _refresh(as_of or timezone.localdate(), everything=True)


def _holds(as_of: datetime.date) -> bool:
    """One query: are the stored states (and tallies) of `as_of`, under today's thresholds, with no task changed since?"""
    return (
        TaskStateDay.objects.filter(pk=DAY, as_of=as_of, rules=rules_key())
        .exclude(Exists(TaskStamp.objects.all()))
        .exists()
    )


def _refresh(as_of: datetime.date, everything: bool) -> int:
    with transaction.atomic():
        _take_turn()
        changed = _take_stamps()
        # Another request may have stored this day's states while this one waited for its turn.
        if not everything and TaskStateDay.objects.filter(pk=DAY, as_of=as_of, rules=rules_key()).exists():
            return sum(_store(as_of, changed[start : start + BATCH]) for start in range(0, len(changed), BATCH))
        empty_tables(TaskState, TaskReach, UnitTally)
        stored = _store(as_of)
        TaskStateDay.objects.update_or_create(pk=DAY, defaults={"as_of": as_of, "rules": rules_key()})
        return stored


def empty_tables(*models: type[Model]) -> None:
    """TRUNCATE on PostgreSQL rather than deleting a million rows one by one (readers of today's
    states wait for the refresh's lock anyway); DELETE on SQLite."""
    empty = "TRUNCATE {}" if connection.vendor == "postgresql" else "DELETE FROM {}"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(empty.format(connection.ops.quote_name(model._meta.db_table)))


def _take_turn() -> None:
    """Wait for any other refresh to finish (PostgreSQL; SQLite runs one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _take_stamps() -> list[int]:
    """Remove the stamps no other transaction holds; returns the ids of their tasks."""
    table = connection.ops.quote_name(TaskStamp._meta.db_table)
    locked = f"SELECT task_id FROM {table} FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else None
    where = f" WHERE task_id IN ({locked})" if locked else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}{where} RETURNING task_id")  # noqa: S608 — no value in the SQL
        return sorted(task_id for (task_id,) in cursor.fetchall())


def _store(as_of: datetime.date, task_ids: Sequence[int] | None = None) -> int:
    """Derive and upsert the states of `task_ids` (None: every task) for `as_of`, and the units'
    tallies with them (tallies.py); returns how many states."""
    tasks = Task.objects.all()
    if task_ids is not None:
        tasks = tasks.filter(pk__in=task_ids)
        tallies.forget(task_ids)  # with the states they were counted with
        # Tasks deleted since their stamp: their state goes with them.
        TaskState.objects.filter(task__in=task_ids).exclude(task__in=tasks.values("pk")).delete()
    rows = (
        with_derived_state(tasks, as_of)
        # Promoted from aliases: the stored row holds them too.
        .annotate(**{f"stored_{name}": F(name) for name in ALIASED})
        .order_by()
        .values_list("pk", *ANNOTATED, *(f"stored_{name}" for name in ALIASED))
    )
    select, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(TaskState._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name in map(connection.ops.quote_name, COLUMNS[1:]))
    # WHERE true: SQLite reads "ON CONFLICT" after a bare SELECT as part of a join.
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT * FROM ({select}) AS derived WHERE true "
        f"ON CONFLICT (task_id) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        stored = cursor.rowcount
    if task_ids is None:
        tallies.rebuild(as_of)
    else:
        tallies.remember(task_ids, as_of)
    return stored
