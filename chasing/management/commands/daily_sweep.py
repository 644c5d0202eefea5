"""manage.py daily_sweep [--date YYYY-MM-DD]: reminders before due dates, then the escalation ladder."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from chasing.sweep import daily_sweep


class Command(BaseCommand):
    help = "每日巡查：到期前提醒，红灯任务逐级升级（提醒 → 催办单 → 督办单）。同一天重复运行不会重复记录。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天巡查（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为YYYY-MM-DD，收到的是“{options['date']}”。") from None
        result = daily_sweep(day)
        self.stdout.write(result.summary())
        for order in result.orders:
            self.stdout.write(f"  {order.label} → {order.unit}" + ("（需电话通知）" if order.needs_phone else ""))
