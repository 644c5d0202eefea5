"""The production-like stack the load and fault tests run against, started and stopped by pid.

- a database: a dedicated one on the shared PostgreSQL (the load test), or a throw-away
  PostgreSQL cluster of our own in a temporary folder (the fault test restarts it — the shared
  server on 5432 is never restarted);
- the 2021 documents and the test users, loaded with the project's own commands (prepare.py);
- gunicorn with several workers in production mode (GOVTASKS_PRODUCTION=1, DEBUG off,
  collected static files), on a loopback port.

Every process started here is remembered by pid and ended by pid; nothing is killed by name.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def require_loopback(url):
    """Traffic goes to this machine only: refuse any other address."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"Refusing {url}: the load and fault tests only send traffic to 127.0.0.1.")


def create_database(server_url, name):
    """Drop and create database `name` on the server `server_url` points at; returns its URL."""
    parts = urlsplit(server_url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return f"postgres://{parts.username or 'postgres'}@{parts.hostname}:{parts.port or 5432}/{name}"


def production_env(checkout, database_url, static_root):
    """The environment gunicorn and manage.py run with: production mode behind a TLS proxy on loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GOVTASKS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="govtasks.settings",
        GOVTASKS_PRODUCTION="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=str(static_root),
        PYTHONPATH=str(checkout),
    )
    return env


def prepare(checkout, env, *, units, liaisons_per_unit, readers, password):
    """Migrate, import the 2021 documents and create the users (prepare.py); returns its JSON."""
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "loadtest" / "prepare.py"),
            f"--units={units}",
            f"--liaisons-per-unit={liaisons_per_unit}",
            f"--readers={readers}",
        ],
        cwd=checkout,
        env=env | {"LOADTEST_PASSWORD": password},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if result.returncode != 0:
        raise SystemExit(f"prepare.py failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout)


def collectstatic(checkout, env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=checkout,
        env=env,
        check=True,
        timeout=300,
    )


class Gunicorn:
    """gunicorn serving the app on 127.0.0.1:`port` with `workers` sync workers."""

    def __init__(self, checkout, env, *, port, workers, log_path, timeout=30):
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = Path(log_path)
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "govtasks.wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    # A worker silent for this long is killed and replaced: no request hangs for ever.
                    f"--timeout={timeout}",
                    "--graceful-timeout=10",
                ],
                cwd=checkout,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_until_ready()

    def wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                request = urllib.request.Request(
                    self.base_url + "/accounts/login/", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 — loopback only
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer within {seconds} s:\n{self.log_path.read_text()}")

    def worker_pids(self):
        """The pids of gunicorn's workers: the children of its master process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on `port`, run as the postgres user.

    The fault test restarts this one; the shared server on 5432 is left alone.
    """

    def __init__(self, port=5439):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="govtasks-faultdb-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        shutil.chown(self.folder, "postgres", "postgres")
        self.as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgres://postgres@127.0.0.1:{port}"

    @staticmethod
    def as_postgres(*command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def pg_ctl(self, action, *options):
        self.as_postgres(
            PG_BIN / "pg_ctl",
            action,
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-o",
            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1",
            *options,
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self):
        self.pg_ctl("stop", "-m", "fast")

    def pid(self):
        """The postmaster's pid, from its pid file (None when it is not running)."""
        pid_file = self.data / "postmaster.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None

    def remove(self):
        """Stop the cluster if it runs and delete its folder."""
        if self.pid() is not None:
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
