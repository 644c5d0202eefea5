"""Store today's derived state of every task (tasks/state/store.py); for a cron job just after midnight.

The first page read of a day does the same; running this first spares that visitor the wait on a
large database. With the states already stored for today it only stores the tasks changed since;
--all derives every task again (today's pages wait for it: about 15 s for 100,000 tasks). On
PostgreSQL it then vacuums and analyses the state tables (store.compact()).
"""

import time

from django.core.management.base import BaseCommand

from tasks.state import store


class Command(BaseCommand):
    help = (
        "存储今天每项任务的进展状态和各单位的任务统计，供页面直接读取（建议每天零点后由定时任务运行）。"
        "Store today's derived task states and unit counts where they no longer hold (--all: every task)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="重新计算全部任务 / derive every task again, not only the changed ones"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        stored = store.refresh() if options["all"] else store.ensure_fresh()
        self.stdout.write(f"{stored:,} task states stored in {time.monotonic() - started:.1f} s.")
        # The rows the refresh replaced are reclaimed now, not whenever autovacuum comes by.
        started = time.monotonic()
        if store.compact():
            self.stdout.write(f"State tables vacuumed and analysed in {time.monotonic() - started:.1f} s.")
