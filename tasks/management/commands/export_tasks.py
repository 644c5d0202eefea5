"""python manage.py export_tasks --format json [--unit NAME]"""

from tasks.exports import json_chunks, task_records
from tasks.management.base import TasksCommand
from tasks.models import Task


class Command(TasksCommand):
    help = "导出任务（JSON）。Print the tasks as a JSON list."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--unit", help="单位名称或任一别名；含该单位所属集合单位的任务 / unit name or alias, collectives included"
        )

    def handle(self, *args, unit=None, **options):
        tasks = Task.objects.all()
        if unit is not None:
            tasks = tasks.for_unit(self.unit_named(unit))
        records = task_records(tasks.order_by("document__issued_on", "document", "number", "pk"))
        # Streamed: written as the tasks are read, a few thousand pieces at a time.
        pieces = []
        for piece in json_chunks(records):
            pieces.append(piece)
            if len(pieces) >= 5000:
                self.stdout.write("".join(pieces), ending="")
                pieces = []
        self.stdout.write("".join(pieces))
