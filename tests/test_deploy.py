"""Production settings: `check --deploy` is clean, a missing secret key stops the app, and
with DEBUG off the app serves its own static files under gunicorn (no CDN on the intranet).

Settings are read once per process, so every case runs manage.py or gunicorn in a
subprocess with a production environment of its own.
"""

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.utils.crypto import get_random_string

BOOTSTRAP_CSS = "vendor/bootstrap/bootstrap.min.css"
# What a reverse proxy in front of gunicorn sends: the public host name, and that the
# browser spoke HTTPS (otherwise SECURE_SSL_REDIRECT answers every request with a 301).
PROXY_HEADERS = {"Host": "example.org", "X-Forwarded-Proto": "https"}


def production_env(tmp_path, **overrides):
    """The process environment less any DJANGO_/GOVTASKS_ settings of the developer's, in production mode."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GOVTASKS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="govtasks.settings",
        GOVTASKS_PRODUCTION="1",
        DJANGO_SECRET_KEY=get_random_string(50),
        DJANGO_ALLOWED_HOSTS="example.org",
        # Nothing here needs a database; an empty file in tmp keeps any real one out of reach.
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        # Production mails its reminders; check --deploy fails on the console backend.
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        check=False,  # callers assert on the exit code and show the output
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_mail_would_go_to_the_console(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_EMAIL_BACKEND"]

    result = manage(env, "check", "--deploy")

    assert result.returncode != 0
    assert "govtasks.E001" in result.stderr
    assert "reminder mails would be printed to the console" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("GOVTASKS_LIGHT_RED_GAP", "abc"), ("DATABASE_CONN_MAX_AGE", "1.5"), ("GOVTASKS_PARSE_CPU_SECONDS", "0")],
)
def test_a_malformed_number_names_the_variable_and_the_value(tmp_path, variable, value):
    result = manage(production_env(tmp_path, **{variable: value}), "check")

    assert result.returncode != 0
    assert f"{variable}={value!r}" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_secret_key(tmp_path, secret_key):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key

    result = manage(env, "check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production." in result.stderr


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn serving the production app (DEBUG off) after collectstatic; yields fetch(path)."""
    tmp_path = tmp_path_factory.mktemp("deploy")
    static_root = tmp_path / "static"
    env = production_env(tmp_path, DJANGO_STATIC_ROOT=str(static_root))
    collected = manage(env, "collectstatic", "--no-input", "-v0")
    assert collected.returncode == 0, collected.stderr

    # The socket is bound and listening before gunicorn starts, on a port the kernel picks,
    # and handed over as a file descriptor: no port clash with a parallel run, and requests
    # simply queue until the worker is up, so there is nothing to poll.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "govtasks.wsgi:application",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "1",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def fetch(path, headers=PROXY_HEADERS):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        # No redirects followed: a 301 is an answer worth asserting on.
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    fetch.static_root = static_root
    try:
        yield fetch
    finally:
        server.terminate()
        server.wait(timeout=30)
        listener.close()
        if server.returncode not in (0, -15):
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_static_files_are_served_with_debug_off(gunicorn):
    status, headers, body = gunicorn(f"/static/{BOOTSTRAP_CSS}")

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert body == (settings.BASE_DIR / "static" / BOOTSTRAP_CSS).read_bytes()


def test_hashed_static_files_are_served_cacheable_for_a_long_time(gunicorn):
    manifest = json.loads((gunicorn.static_root / "staticfiles.json").read_text())
    hashed_name = manifest["paths"][BOOTSTRAP_CSS]
    assert hashed_name != BOOTSTRAP_CSS

    status, headers, _ = gunicorn(f"/static/{hashed_name}")

    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]


def test_errors_show_no_debug_page(gunicorn):
    status, _, body = gunicorn("/static/no-such-file.css")

    assert status == 404
    assert b"URLconf" not in body and b"Traceback" not in body


def test_plain_http_is_redirected_to_https(gunicorn):
    status, headers, _ = gunicorn(f"/static/{BOOTSTRAP_CSS}", headers={"Host": "example.org"})

    assert status == 301
    assert headers["Location"] == f"https://example.org/static/{BOOTSTRAP_CSS}"
