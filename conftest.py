"""Test set-up shared by every app's tests.

pytest-django already runs each test against a throw-away database (test_<name> on
PostgreSQL, in memory on SQLite), never the developer's own. What is shared here keeps
the suite honest about its settings and fast.
"""

import pytest
from django.conf import settings


def pytest_configure(config):
    # Tests run without collectstatic: the live server serves static files from the finders,
    # and WhiteNoise's warning that STATIC_ROOT does not exist is noise on every request.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    # Production settings redirect every plain-HTTP request and mark cookies secure, so the
    # test client would get 301s everywhere; say why instead of failing a thousand tests.
    # tests/test_deploy.py checks the production settings in subprocesses of its own.
    if settings.PRODUCTION:
        raise pytest.UsageError("GOVTASKS_PRODUCTION is set: unset it to run the test suite.")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2's deliberate slowness protects real passwords; in tests that create and log in
    # users it is only dead time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _background_work_runs_at_once(settings):
    # Background tasks (notices' mail, big exports) run in the test itself, so its assertions see
    # their outcome; tests of the real worker (notices/tests/test_worker.py) set the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _attachments_in_a_temporary_folder(settings, tmp_path_factory):
    # Attachment files go to a folder of the test run, never the checkout's attachments/.
    settings.GOVTASKS_ATTACHMENT_DIR = tmp_path_factory.mktemp("attachments")


# --- PostgreSQL: the test database is dropped at the end, or the run fails ---------------------------------


def _terminate_other_sessions(connection):
    """End every other session on `connection`'s database (a live server's thread, a forgotten cursor)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, whose teardown first closes every connection to it.

    DROP DATABASE fails while any session is connected ("is being accessed by other users"),
    and a live server's thread or a test's own connection can outlive its test. So before
    pytest-django drops the database, this closes ours and ends the others.
    """
    yield
    from django.db import connections  # noqa: PLC0415

    with django_db_blocker.unblock():
        connections.close_all()
        for connection in connections.all():
            if connection.vendor == "postgresql":
                _terminate_other_sessions(connection)


def _leftover_test_databases(settings_dict):
    """Test databases of this configuration still on the server (test_NAME, and test_NAME_gwN of xdist)."""
    import psycopg2  # noqa: PLC0415

    name = settings_dict.get("TEST", {}).get("NAME") or f"test_{settings_dict['NAME']}"
    server = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    try:
        with server.cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname = %s OR datname ~ %s",
                [name, "^" + name + r"_gw\d+$"],
            )
            return sorted(row[0] for row in cursor.fetchall())
    finally:
        server.close()


def pytest_sessionfinish(session, exitstatus):
    """Fail loudly when a PostgreSQL test database survived the run (unless kept on purpose with --reuse-db)."""
    if hasattr(session.config, "workerinput") or session.config.getoption("reuse_db", False):
        return  # an xdist worker: the controller checks once all workers are done
    settings_dict = settings.DATABASES["default"]
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        return
    leftovers = _leftover_test_databases(settings_dict)
    if leftovers:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (
            f"*** The test run left PostgreSQL test databases behind: {', '.join(leftovers)}. Drop them with dropdb."
        )
        if reporter is not None:
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
