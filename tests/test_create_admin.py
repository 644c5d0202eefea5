"""`manage.py create_admin`, which `make run` calls on every start."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run_create_admin(*args):
    out = StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    return re.search(r"Password:\s+(\S+)", output).group(1)


def test_creates_a_superuser_whose_printed_password_logs_in():
    output = run_create_admin("--username", "office", "--address", "127.0.0.1:8103")

    user = get_user_model().objects.get(username="office")
    assert user.is_superuser and user.is_staff
    assert user.check_password(printed_password(output))
    assert "http://127.0.0.1:8103/accounts/login/" in output


def test_every_administrator_gets_a_different_generated_password():
    first = printed_password(run_create_admin("--username", "first"))
    second = printed_password(run_create_admin("--username", "second"))

    assert first != second
    assert len(first) >= 16


def test_a_second_run_keeps_the_password_and_says_how_to_reset_it():
    password = printed_password(run_create_admin())

    output = run_create_admin()

    assert "already exists" in output
    assert "manage.py changepassword admin" in output
    assert "Password:" not in output
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert get_user_model().objects.count() == 1
