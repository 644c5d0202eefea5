"""Stored task states: today's derived state of every task, kept so pages need not derive it per request.

Deriving a task's status, percent and light (querysets.with_progress) costs about ten indexed
subqueries a task: nothing for a district's 84 tasks, seconds for a province's 100,000 on the
dashboard. refresh() derives them once, in one INSERT … SELECT, into TaskState rows for one
day; with_progress() reads a row only while it holds — same day, same light thresholds, and
the task's stamp unchanged since (database triggers bump it on every change to the task's
inputs, migration 0004). Anything else is derived on the fly, so a stale row costs time, never
correctness. Who calls refresh(): the dashboard through refresh_if_due() (the first request of
a day pays for the day), `manage.py refresh_task_states` (for a nightly cron job), and bulk loads.
"""

import zlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Task, TaskState
from .querysets import ALIASED, ANNOTATED, rules_key

# PostgreSQL advisory lock: one refresh at a time; the others do not wait, they read what is derived.
LOCK = zlib.crc32(b"govtasks.task_states.refresh")
COLUMNS = ["task_id", "as_of", "stamp", "rules", *ANNOTATED, *ALIASED]


def fresh(as_of):
    """The condition under which a task's stored state may be read for `as_of`."""
    return Q(state__as_of=as_of, state__rules=rules_key(), state__stamp=Coalesce(F("stamp__n"), Value(0)))


def refresh(as_of=None):
    """Store the state of `as_of` (default today) of every task whose stored state does not hold; returns how many.

    One statement computes and writes them all; with nothing stale it only finds that out.
    """
    as_of = as_of or timezone.localdate()
    stale = (
        Task.objects.exclude(fresh(as_of))
        .with_progress(as_of, stored=False)
        .annotate(
            state_as_of=Value(as_of, output_field=DateField()),
            state_stamp=Coalesce(F("stamp__n"), Value(0)),
            state_rules=Value(rules_key()),
            # Promoted from aliases: the stored row holds them too.
            **{name: F(name) for name in ALIASED},
        )
        .order_by()
        .values_list("pk", "state_as_of", "state_stamp", "state_rules", *ANNOTATED, *ALIASED)
    )
    select, params = stale.query.sql_with_params()
    table = connection.ops.quote_name(TaskState._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name in map(connection.ops.quote_name, COLUMNS[1:]))
    # WHERE true: SQLite reads "ON CONFLICT" after a bare SELECT as part of a join.
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT * FROM ({select}) AS stale WHERE true "
        f"ON CONFLICT (task_id) DO UPDATE SET {updates}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
            if not cursor.fetchone()[0]:
                return 0
        cursor.execute(statement, params)
        return cursor.rowcount


def refresh_if_due():
    """refresh() on the first call of a day in this process, then at most once every GOVTASKS_STATE_REFRESH_SECONDS."""
    today = timezone.localdate()
    if cache.add(f"govtasks:task-states-refreshed:{today}", True, timeout=settings.GOVTASKS_STATE_REFRESH_SECONDS):
        refresh(today)
