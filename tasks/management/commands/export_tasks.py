"""python manage.py export_tasks --format json [--unit NAME]"""

import json

from django.core.management.base import BaseCommand, CommandError

from tasks.exports import task_records
from tasks.models import Task, Unit


class Command(BaseCommand):
    help = "导出任务（JSON）。Print the tasks as a JSON list."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--unit", help="单位名称或任一别名；含该单位所属集合单位的任务 / unit name or alias, collectives included"
        )

    def handle(self, *args, unit=None, **options):
        tasks = Task.objects.all()
        if unit is not None:
            tasks = tasks.for_unit(find_unit(unit))
        records = task_records(tasks.order_by("document__issued_on", "document", "number", "pk"))
        self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))


def find_unit(name):
    """The unit called `name` (canonical or alias), or a CommandError naming close matches."""
    found = list(Unit.objects.named(name)[:2])
    if len(found) == 1:
        return found[0]
    suggestions = Unit.objects.close_matches(name)
    hint = f"，是否指：{'、'.join(suggestions)}？" if suggestions else "。"
    raise CommandError(f"没有名为“{name}”的单位（unknown unit）{hint}")
