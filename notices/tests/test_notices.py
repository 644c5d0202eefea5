"""The notices API (notify_unit, notify_users), its mail off the request, and the inbox pages."""

import datetime
import logging

import pytest
from django.core import mail
from django.urls import reverse

from notices import services
from notices.models import Notice
from notices.tasks import send_notice_mail
from tasks.tests.factories import make_unit, make_user

DOWN = "notices.tests.flaky_mail.EmailBackend"


@pytest.fixture
def world(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dev = make_unit("区发改委")
    lonely = make_unit("区档案馆")
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    wang = make_user("wang", role="单位联络员", unit=dev, email="wang@example.org")
    li = make_user("li", role="单位联络员", unit=dev)  # no address
    zhou = make_user("zhou", role="单位联络员", unit=town, email="zhou@example.org")
    office = make_user("office", role="督查室")
    return dev, lonely, towns, town, wang, li, zhou, office


def test_a_unit_notice_reaches_each_active_liaison_with_mail_where_there_is_an_address(world):
    dev, *_, wang, li, zhou, office = world
    gone = make_user("gone", role="单位联络员", unit=dev, email="gone@example.org")
    gone.is_active = False
    gone.save()
    day = datetime.date(2026, 11, 25)
    result = services.notify_unit(
        dev, Notice.Kind.REMINDER, "重点工作任务催办",
        f"以下任务尚未报送，请于{services.chinese_date(day)}前报送：1. 建设陶瓷产业园", "/tasks/1/",
    )  # fmt: skip
    by_user = {n.recipient.username: n for n in Notice.objects.all()}
    assert set(by_user) == {"wang", "li"}
    assert by_user["wang"].mail == Notice.Mail.SENT and by_user["wang"].mailed_at
    assert by_user["li"].mail == Notice.Mail.IN_APP
    (message,) = mail.outbox
    assert message.to == ["wang@example.org"]
    assert message.subject == "【催办】重点工作任务催办"
    assert "请于2026年11月25日前报送" in message.body and "建设陶瓷产业园" in message.body
    summary = result.refresh().summary()
    assert "已在系统内通知2人" in summary and "邮件已发送至 wang@example.org" in summary


def test_a_unit_without_liaison_is_recorded_for_the_office_to_phone(world):
    _, lonely, *_, office = world
    result = services.notify_unit(lonely, Notice.Kind.ASSIGNED, "交办：测试任务", "请签收", "/tasks/1/")
    (notice,) = Notice.objects.all()
    assert notice.recipient is None and notice.unit == lonely and notice.mail == Notice.Mail.PHONE
    assert result.needs_phone and "区档案馆没有联络员，需电话通知" in result.summary()
    assert not mail.outbox
    client = _client(office)
    page = client.get(reverse("notices:phone_list")).content.decode()
    assert "区档案馆" in page and "需电话通知" in page and "交办：测试任务" in page


def test_a_collective_notice_goes_to_its_members_liaisons(world):
    _, _, towns, town, _, _, zhou, _ = world
    services.notify_unit(towns, Notice.Kind.ASSIGNED, "交办", "正文", "/tasks/1/")
    (notice,) = Notice.objects.all()
    assert notice.recipient == zhou and notice.unit == town


def test_without_a_mail_server_the_notice_says_only_in_the_app(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    dev, *_ = world
    result = services.notify_unit(dev, Notice.Kind.RETURNED, "退回", "正文", "/tasks/1/")
    assert {n.mail for n in Notice.objects.all()} == {Notice.Mail.IN_APP}
    assert "邮件" not in result.summary().replace("未配置邮件", "")
    assert "仅站内通知" in result.summary()


def test_a_link_elsewhere_is_refused(world):
    dev, *_ = world
    for link in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]:
        with pytest.raises(ValueError):
            services.notify_unit(dev, Notice.Kind.OTHER, "x", "y", link)
    assert not Notice.objects.exists()


def test_mail_server_down_keeps_the_notice_logs_and_retries(world, settings, caplog, tmp_path):
    settings.EMAIL_BACKEND = DOWN
    settings.FLAKY_MAIL_DIR = str(tmp_path)
    (tmp_path / "down").touch()
    dev, *_ = world
    with caplog.at_level(logging.WARNING, logger="notices.tasks"):
        result = services.notify_unit(dev, Notice.Kind.REMINDER, "催办", "正文", "/tasks/1/")
    notice = Notice.objects.get(recipient__username="wang")
    assert notice.mail == Notice.Mail.RETRYING and notice.mail_attempts == 1
    assert "ConnectionRefusedError" in notice.mail_error
    assert "Mail of notice" in caplog.text
    assert "发往 wang@example.org 的邮件发送失败，将重试" in result.refresh().summary()
    assert "邮件已发送" not in result.refresh().summary()
    # The server is back: the retry (what the worker runs after GOVTASKS_MAIL_RETRY_MINUTES) sends it once.
    (tmp_path / "down").unlink()
    assert send_notice_mail.call(notice.pk) == Notice.Mail.SENT
    assert send_notice_mail.call(notice.pk) == "skipped"
    assert len(list(tmp_path.glob("*.eml"))) == 1
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.SENT and notice.mail_attempts == 2 and not notice.mail_error


def test_after_the_last_attempt_the_notice_asks_for_a_phone_call(world, settings, tmp_path):
    settings.EMAIL_BACKEND = DOWN
    settings.FLAKY_MAIL_DIR = str(tmp_path)
    settings.GOVTASKS_MAIL_ATTEMPTS = 2
    (tmp_path / "down").touch()
    dev, *_ = world
    services.notify_unit(dev, Notice.Kind.REMINDER, "催办", "正文", "/tasks/1/")
    notice = Notice.objects.get(recipient__username="wang")
    assert send_notice_mail.call(notice.pk) == Notice.Mail.FAILED
    assert send_notice_mail.call(notice.pk) == "skipped"
    notice.refresh_from_db()
    assert notice.mail_attempts == 2 and notice.get_mail_display() == "邮件发送失败，请电话通知"


# --- pages --------------------------------------------------------------------------------------------------------


def _client(user):
    from django.test import Client  # noqa: PLC0415

    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_shows_only_ones_own_notices_and_the_unread_count(world):
    dev, *_, wang, li, zhou, office = world
    services.notify_unit(dev, Notice.Kind.REMINDER, "发改委的催办", "正文<script>", "/tasks/1/")
    services.notify_users([zhou], Notice.Kind.INSTRUCTION, "丽阳镇的批示", "正文", "/tasks/2/")
    client = _client(wang)
    page = client.get(reverse("notices:inbox")).content.decode()
    assert "发改委的催办" in page and "丽阳镇的批示" not in page
    assert "1 条未读" in page and "邮件已发送" in page
    others = Notice.objects.get(recipient=zhou)
    assert client.get(reverse("notices:notice_detail", args=[others.pk])).status_code == 404
    assert client.post(reverse("notices:notice_read", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_opening_a_notice_marks_it_read_and_links_to_its_record(world):
    dev, *_, wang, li, zhou, office = world
    services.notify_unit(dev, Notice.Kind.RETURNED, "报告被退回", "请补充<b>数据</b>", "/tasks/1/")
    notice = Notice.objects.get(recipient=wang)
    client = _client(wang)
    page = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
    assert 'href="/tasks/1/"' in page and "请补充&lt;b&gt;数据&lt;/b&gt;" in page
    notice.refresh_from_db()
    assert notice.read_at is not None
    inbox = client.get(reverse("notices:inbox")).content.decode()
    assert "unread-count" not in inbox and "0 条未读" in inbox


def test_mark_all_read_needs_a_post_and_touches_only_ones_own(world):
    dev, *_, wang, li, zhou, office = world
    services.notify_unit(dev, Notice.Kind.REMINDER, "a", "", "/tasks/1/")
    services.notify_users([zhou], Notice.Kind.REMINDER, "b", "", "/tasks/1/")
    client = _client(wang)
    assert client.get(reverse("notices:read_all")).status_code == 405
    client.post(reverse("notices:read_all"))
    assert not Notice.objects.filter(recipient=wang, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=zhou, read_at__isnull=True).exists()


def test_the_inbox_needs_a_login_and_the_phone_list_the_office(world):
    *_, wang, li, zhou, office = world
    from django.test import Client  # noqa: PLC0415

    assert Client().get(reverse("notices:inbox")).status_code == 302
    assert _client(wang).get(reverse("notices:phone_list")).status_code == 403


def test_the_unread_count_costs_one_query(world, django_assert_num_queries):
    dev, *_, wang, li, zhou, office = world
    services.notify_unit(dev, Notice.Kind.REMINDER, "a", "", "/tasks/1/")
    client = _client(wang)
    client.get(reverse("notices:inbox"))  # warm the session
    url = reverse("notices:inbox") + "?unread=1"
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "notice" in q["sql"]]
    # One for the navigation's badge (shared by the heading), one for the paginator.
    assert len(counts) == 2
