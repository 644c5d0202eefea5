"""`manage.py ensure_database` (run by `make run` and `make test`): creates a missing PostgreSQL
database, or says in one line what to run; nothing to do on SQLite."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection


def manage(database_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GOVTASKS_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "ensure_database"],
        cwd=settings.BASE_DIR,
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unreachable_server_gets_one_line_saying_what_to_run():
    result = manage("postgres://postgres@127.0.0.1:1/govtasks_missing")

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "createdb -h 127.0.0.1 -p 1 -U postgres govtasks_missing" in lines[0]


def test_sqlite_needs_nothing(tmp_path):
    result = manage(f"sqlite:///{tmp_path / 'new.sqlite3'}")

    assert result.returncode == 0
    assert result.stdout == result.stderr == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="creates a PostgreSQL database")
@pytest.mark.django_db
def test_a_missing_postgresql_database_is_created_once():
    # A name derived from this run's own test database, dropped again at the end.
    name = connection.settings_dict["NAME"] + "_ensure"
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    try:
        first, second = manage(url), manage(url)

        assert first.returncode == 0, first.stderr
        assert f"Created the PostgreSQL database '{name}'" in first.stdout
        assert second.returncode == 0 and second.stdout == ""
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def test_the_command_runs_in_process(db):
    call_command("ensure_database")  # the test database exists (or SQLite): nothing to say
