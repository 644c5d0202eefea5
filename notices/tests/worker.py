"""Running the real database worker (`manage.py db_worker`) against the test database, in processes of its own."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

DATABASE_WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def needs_postgresql():
    # The SQLite test database lives in the test's memory: no worker process could open it.
    if connection.vendor != "postgresql":
        pytest.skip("the worker runs in a process of its own: needs the PostgreSQL test database (DATABASE_URL)")


def worker_database_url() -> str:
    """DATABASE_URL of the test database this test runs on (test_govtasks…, not the developer's)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(*arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A `db_worker` process on the test database; it stops by itself once the queue is empty (--batch)."""
    environment = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "GOVTASKS_TASKS_BACKEND": "database",
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(worker: subprocess.Popen, timeout: float = 300) -> str:
    """Wait for the worker to empty the queue and stop; its output, for the assertion message."""
    output, _ = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, output
    return output
