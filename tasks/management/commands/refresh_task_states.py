"""Store today's derived state of every task (tasks/task_states.py); for a nightly cron job.

The dashboard does the same on its first visit of a day; running this just after midnight
spares that visitor the wait on a large database.
"""

import time

from django.core.management.base import BaseCommand

from tasks import task_states


class Command(BaseCommand):
    help = (
        "存储今天每项任务的进展状态，供页面直接读取（建议每天零点后由定时任务运行）。"
        "Store today's derived state of every task whose stored state no longer holds."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        stored = task_states.refresh()
        self.stdout.write(f"{stored:,} task states stored in {time.monotonic() - started:.1f} s.")
