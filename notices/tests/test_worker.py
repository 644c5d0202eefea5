"""The real database worker on PostgreSQL: it sends a notice's mail, retries it when the mail
server was down, and two workers never send one mail twice."""

import email
import email.policy

import pytest
from django_tasks_db.models import DBTaskResult

from notices import services
from notices.models import Notice
from notices.tasks import send_notice_mail
from tasks.tests.factories import make_unit, make_user

from .worker import DATABASE_WORKER, finish, needs_postgresql, start_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(settings, tmp_path):
    """The flaky mail server's folder, for this process and the workers alike."""
    needs_postgresql()
    settings.TASKS = DATABASE_WORKER
    settings.EMAIL_BACKEND = "notices.tests.flaky_mail.EmailBackend"
    settings.FLAKY_MAIL_DIR = str(tmp_path)
    return tmp_path


def worker_env(mailbox):
    return {
        "DJANGO_EMAIL_BACKEND": "notices.tests.flaky_mail.EmailBackend",
        "FLAKY_MAIL_DIR": str(mailbox),
        "GOVTASKS_MAIL_RETRY_MINUTES": "0",
    }


def a_liaison_noticed():
    unit = make_unit("区发改委")
    make_user("wang", role="单位联络员", unit=unit, email="wang@example.org")
    services.notify_unit(unit, Notice.Kind.REMINDER, "重点工作任务催办", "请于2026年11月25日前报送。", "/todo/")
    return Notice.objects.get()


def test_the_worker_sends_the_mail_the_request_only_queued(mailbox):
    notice = a_liaison_noticed()
    assert notice.mail == Notice.Mail.QUEUED and not list(mailbox.glob("*.eml"))
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    finish(start_worker(env=worker_env(mailbox)))
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.SENT and notice.mail_attempts == 1
    (sent,) = mailbox.glob("*.eml")
    message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    assert message["To"] == "wang@example.org" and message["Subject"] == "【催办】重点工作任务催办"
    assert "请于2026年11月25日前报送。" in message.get_content()


def test_mail_server_down_the_worker_keeps_logs_and_retries(mailbox):
    (mailbox / "down").touch()
    notice = a_liaison_noticed()
    output = finish(start_worker("--max-tasks", "1", env=worker_env(mailbox)))
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.RETRYING and notice.mail_attempts == 1
    assert "Connection refused" in notice.mail_error and "Mail of notice" in output
    # The failed attempt queued the next one itself.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    (mailbox / "down").unlink()
    finish(start_worker(env=worker_env(mailbox)))
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.SENT and notice.mail_attempts == 2
    assert len(list(mailbox.glob("*.eml"))) == 1


def test_two_workers_never_send_one_mail_twice(mailbox):
    notice = a_liaison_noticed()
    # The same mail queued over and over (a retry command run twice, a user's double click):
    # whichever worker gets each task, one mail leaves.
    for _ in range(7):
        send_notice_mail.enqueue(notice.pk)
    workers = [start_worker(env=worker_env(mailbox)) for _ in range(2)]
    for worker in workers:
        finish(worker)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 8
    assert len(list(mailbox.glob("*.eml"))) == 1
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.SENT and notice.mail_attempts == 1
