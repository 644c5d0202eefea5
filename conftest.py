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
def _attachments_in_a_temporary_folder(settings, tmp_path_factory):
    # Attachment files go to a folder of the test run, never the checkout's attachments/.
    settings.GOVTASKS_ATTACHMENT_DIR = tmp_path_factory.mktemp("attachments")
