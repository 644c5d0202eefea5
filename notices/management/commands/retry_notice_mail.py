"""Queue again the mail of every notice still waiting (邮件待发送) or failed with attempts left.

For a queue that was lost (Redis emptied, task rows pruned) or a backend that cannot wait for a
retry; the mail task itself never sends one notice twice, so running this at any time is safe.
"""

from django.core.management.base import BaseCommand

from notices.models import Notice
from notices.tasks import PENDING, send_notice_mail


class Command(BaseCommand):
    help = "Queue again the mail of notices not yet sent (邮件待发送, 邮件发送失败，将重试)."

    def handle(self, *args, **options):
        ids = list(Notice.objects.filter(mail__in=PENDING).values_list("pk", flat=True))
        for pk in ids:
            send_notice_mail.enqueue(pk)
        self.stdout.write(f"{len(ids)} notice mail(s) queued.")
