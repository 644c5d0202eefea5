"""The RQ backend on Redis: the same notice's mail, queued in Redis and run by an RQ worker.

An office that outgrows the database queue sets GOVTASKS_TASKS_BACKEND=rq; nothing else changes.
Runs against the Redis at 127.0.0.1:6379 (its database 13, emptied of this test's queue first);
skipped, saying so, where no Redis answers.
"""

import pytest
from django.core import mail

from notices import services
from notices.models import Notice
from tasks.tests.factories import make_unit, make_user

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_queue(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    import django_rq  # noqa: PLC0415
    from django_tasks_rq.backend import Job  # noqa: PLC0415

    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    yield queue
    queue.empty()


@pytest.mark.django_db(transaction=True)
def test_a_notices_mail_goes_through_redis_and_an_rq_worker(redis_queue, settings):
    from rq import SimpleWorker  # noqa: PLC0415

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    unit = make_unit("区发改委")
    make_user("wang", role="单位联络员", unit=unit, email="wang@example.org")
    # Outside a transaction the job is handed to Redis at once (inside one: when it commits).
    services.notify_unit(unit, Notice.Kind.REMINDER, "重点工作任务催办", "请于2026年11月25日前报送。", "/todo/")
    notice = Notice.objects.get()
    assert notice.mail == Notice.Mail.QUEUED and redis_queue.count == 1 and not mail.outbox
    # A worker in this process (SimpleWorker: no fork), so it sees this test's database.
    SimpleWorker([redis_queue], connection=redis_queue.connection, job_class=redis_queue.job_class).work(burst=True)
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.SENT
    (message,) = mail.outbox
    assert message.subject == "【催办】重点工作任务催办" and "2026年11月25日" in message.body
