"""Handing work to the background worker (Django's Tasks API, settings.TASKS).

The database backend writes the queued task as a row of the same transaction as the work
that asked for it: a worker sees it only once that transaction commits, and a rolled-back
action leaves nothing queued. The immediate backend (tests) runs it at once. Any other backend
(RQ on Redis) hears of it only after the commit, or its worker could look for a notice that is
not there yet.
"""

from typing import Any

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` on its backend, transactionally where the backend allows."""
    backend = task.get_backend()
    if isinstance(backend, (DatabaseBackend, ImmediateBackend)):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)


def supports_defer(task: Any) -> bool:
    """Whether `task`'s backend can run it later (run_after): the database and RQ backends can."""
    return bool(task.get_backend().supports_defer)
