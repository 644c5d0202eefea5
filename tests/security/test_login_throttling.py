"""Login throttling (django-axes): user name + address are locked after five failures for a
cool-off, with a Chinese page that says so; colleagues behind the same office address and the
same user from elsewhere are not locked; the lock ends by itself.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

PASSWORD = "a-long-test-password"
OFFICE_ADDRESS = "10.20.30.40"


@pytest.fixture
def users(db):
    make = get_user_model().objects.create_user
    return make("zhang", password=PASSWORD), make("li", password=PASSWORD)


def log_in(client, username, password, address=OFFICE_ADDRESS):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=OFFICE_ADDRESS):
    return [log_in(client, username, "wrong-password", address).status_code for _ in range(times)]


def test_four_failures_still_show_the_login_form(client, users):
    assert fail(client, "zhang", 4) == [200] * 4

    response = log_in(client, "zhang", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_the_fifth_failure_locks_with_a_chinese_message(client, users):
    statuses = fail(client, "zhang", 5)

    assert statuses == [200, 200, 200, 200, 429]
    response = log_in(client, "zhang", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "连续5次登录失败，已暂时锁定15分钟" in page
    assert "_auth_user_id" not in client.session


def test_a_colleague_behind_the_same_address_can_still_log_in(client, users):
    fail(client, "zhang", 5)

    response = log_in(client, "li", PASSWORD)

    assert response.status_code == 302


def test_the_same_user_from_another_address_can_still_log_in(client, users):
    fail(client, "zhang", 5)

    response = log_in(client, "zhang", PASSWORD, address="10.20.30.41")

    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, users):
    fail(client, "zhang", 5)
    # As if the last failure were 15 minutes and a second old.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1))

    response = log_in(client, "zhang", PASSWORD)

    assert response.status_code == 302


def test_a_successful_login_resets_the_count(client, users):
    fail(client, "zhang", 4)
    assert log_in(client, "zhang", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert fail(client, "zhang", 4) == [200] * 4


def test_the_admin_login_is_throttled_too(client, users):
    admin_login = reverse("admin:login")
    for _ in range(5):
        client.post(admin_login, {"username": "zhang", "password": "wrong"}, REMOTE_ADDR=OFFICE_ADDRESS)

    response = client.post(admin_login, {"username": "zhang", "password": PASSWORD}, REMOTE_ADDR=OFFICE_ADDRESS)

    assert response.status_code == 429
