"""Background work of notices: sending a notice's mail (run by the worker, `manage.py db_worker`).

Exactly once per notice, however many workers run and however often the task was queued: the
worker locks the notice's row (skipping it when another worker holds it) and sends only from
the states 邮件待发送 / 邮件发送失败，将重试; the new state is committed with the lock's release.
A failed send is logged, kept on the notice (its error, the attempt count) and queued again
after GOVTASKS_MAIL_RETRY_MINUTES, up to GOVTASKS_MAIL_ATTEMPTS attempts in all.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from .background import supports_defer
from .models import Notice

logger = logging.getLogger(__name__)

PENDING = (Notice.Mail.QUEUED, Notice.Mail.RETRYING)


def mail_text(notice: Notice) -> tuple[str, str]:
    """The subject and body of `notice`'s mail, in Chinese (the app's first language)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"【{notice.get_kind_display()}】{notice.title}"
        lines = [notice.body.strip()] if notice.body.strip() else []
        if notice.link:
            site = settings.GOVTASKS_SITE_URL.rstrip("/")
            lines.append(
                translation.gettext("详情：%(url)s") % {"url": site + notice.link}
                if site
                else translation.gettext("详情请登录重点工作督查系统查看。")
            )
        lines.append(settings.GOVTASKS_OFFICE_NAME)
    return subject, "\n\n".join(lines)


@task()
def send_notice_mail(notice_id: int) -> str:
    """Send notice `notice_id`'s mail once; returns the notice's mail state afterwards."""
    retry = False
    with transaction.atomic():
        notice = Notice.objects.select_for_update(skip_locked=True).filter(pk=notice_id, mail__in=PENDING).first()
        if notice is None:
            # Sent already, given up, or being sent by another worker right now.
            return "skipped"
        subject, body = mail_text(notice)
        notice.mail_attempts += 1
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.mail_to])
        except Exception as error:  # noqa: BLE001 — any failure of the mail server is kept and retried
            logger.warning(
                "Mail of notice %s to %s failed (attempt %s): %s",
                notice.pk,
                notice.mail_to,
                notice.mail_attempts,
                error,
            )
            notice.mail_error = f"{type(error).__name__}: {error}"[:2000]
            last = notice.mail_attempts >= settings.GOVTASKS_MAIL_ATTEMPTS
            notice.mail = Notice.Mail.FAILED if last else Notice.Mail.RETRYING
            retry = not last
        else:
            notice.mail = Notice.Mail.SENT
            notice.mailed_at = timezone.now()
            notice.mail_error = ""
        notice.save(update_fields=["mail", "mail_attempts", "mail_error", "mailed_at"])
    if retry:
        queue_retry(notice)
    return notice.mail


def queue_retry(notice: Notice) -> None:
    """Queue the next attempt after GOVTASKS_MAIL_RETRY_MINUTES, where the backend can wait.

    The immediate backend cannot (it would loop at once): there the notice stays 将重试 until
    `manage.py retry_notice_mail` queues it again.
    """
    if not supports_defer(send_notice_mail):
        return
    run_after = timezone.now() + datetime.timedelta(minutes=settings.GOVTASKS_MAIL_RETRY_MINUTES)
    send_notice_mail.using(run_after=run_after).enqueue(notice.pk)
