"""On PostgreSQL a test run drops its test database even when a connection to it lingers.

A pytest of its own runs tests/probes/lingering_connection.py against a database name derived
from this run's (…_probe), then the server is asked whether test_…_probe is still there.
"""

import os
import subprocess
import sys

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite's test database lives in memory"
)


def database_exists(name):
    params = {
        key: value for key, value in connection.get_connection_params().items() if key not in {"database", "dbname"}
    }
    server = psycopg2.connect(dbname="postgres", **params)
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        server.close()


def test_the_test_database_is_dropped_even_with_a_lingering_connection():
    probe_url = os.environ["DATABASE_URL"].rstrip("/") + "_probe"
    probe_database = "test_" + probe_url.rsplit("/", 1)[1]
    env = {**os.environ, "DATABASE_URL": probe_url}

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "tests/probes/lingering_connection.py",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert not database_exists(probe_database), result.stdout + result.stderr
