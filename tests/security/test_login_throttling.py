"""Login throttling (django-axes, govtasks/login_throttle.py): a user name is locked after five
failures from any address, for a cool-off that doubles with each lock in a day, with a Chinese page
that says so; colleagues behind the same office address are not locked; an address spraying user
names is refused for names that never logged in from it; X-Forwarded-For counts only from a
trusted proxy; the lock ends by itself.
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


def test_a_locked_user_cannot_log_in_from_another_address(client, users):
    fail(client, "zhang", 5)

    response = log_in(client, "zhang", PASSWORD, address="10.20.30.41")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_spread_over_addresses_lock_the_name(client, users):
    statuses = [log_in(client, "zhang", "wrong-password", address=f"10.0.0.{n}").status_code for n in range(1, 6)]

    assert statuses == [200, 200, 200, 200, 429]
    assert log_in(client, "zhang", PASSWORD, address="10.0.0.99").status_code == 429


def test_attempts_during_a_lock_do_not_extend_it(client, users):
    fail(client, "zhang", 5)
    fail(client, "zhang", 20, address="10.9.9.9")  # someone hammering the locked name
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1))

    assert log_in(client, "zhang", PASSWORD).status_code == 302


def test_a_second_lock_in_a_day_lasts_twice_as_long(client, users):
    fail(client, "zhang", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    statuses = fail(client, "zhang", 5)

    assert statuses[-1] == 429
    page = log_in(client, "zhang", PASSWORD).content.decode()
    assert "已暂时锁定30分钟" in page
    # 16 minutes later the first lock would have ended, the second has not.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert log_in(client, "zhang", PASSWORD).status_code == 429


def test_an_address_spraying_user_names_is_throttled(client, users):
    # li has logged in from the office address before; then someone there tries ten names.
    assert log_in(client, "li", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for n in range(10):
        log_in(client, f"guess{n}", "wrong-password")

    refused = log_in(client, "zhang", PASSWORD)

    assert refused.status_code == 429
    assert "不同的用户名登录失败" in refused.content.decode()
    # A colleague who has signed in from this address before is not affected, nor is another address.
    assert log_in(client, "li", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert log_in(client, "zhang", PASSWORD, address="10.20.30.99").status_code == 302


def test_a_few_names_mistyped_behind_one_address_lock_nobody_else(client, users):
    for name in ("zhangg", "lii", "wang"):
        log_in(client, name, "wrong-password")

    assert log_in(client, "zhang", PASSWORD).status_code == 302


def recorded_addresses():
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


def test_behind_a_trusted_proxy_the_forwarded_address_is_used(client, users, settings):
    settings.GOVTASKS_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        reverse("login"),
        {"username": "zhang", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3",
    )

    # The right-most address the trusted proxy added; what the client wrote left of it is not believed.
    assert recorded_addresses() == {"10.1.2.3"}


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, users, settings):
    settings.GOVTASKS_TRUSTED_PROXIES = []
    client.post(
        reverse("login"),
        {"username": "zhang", "password": "wrong"},
        REMOTE_ADDR="10.20.30.40",
        HTTP_X_FORWARDED_FOR="10.1.2.3",
    )

    assert recorded_addresses() == {"10.20.30.40"}


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(client, users, settings):
    settings.GOVTASKS_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        reverse("login"),
        {"username": "zhang", "password": "wrong"},
        REMOTE_ADDR="10.20.30.40",
        HTTP_X_FORWARDED_FOR="10.1.2.3",
    )

    assert recorded_addresses() == {"10.20.30.40"}


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
