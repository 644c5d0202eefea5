"""python manage.py export_progress -o FILE.xlsx [--unit NAME] [--as-of YYYY-MM-DD] [filters]

Writes the progress bulletin (督查通报, see tasks/bulletin.py) of the tasks the task list
would show with the same filters: --unit finds a unit by its name or any alias and
includes the tasks of the collectives it belongs to, as export_tasks does; every other
filter of the list page (/tasks/?section=2&status=overdue …) is an option of the same
name (--section 2 --status overdue), checked by the same FilterSet.
"""

import time

from django.core.management.base import CommandError
from django.http import QueryDict

from tasks.filtersets import TaskFilterSet
from tasks.management.base import TasksCommand
from tasks.selectors import tasks_for_display
from tasks.workbooks.bulletin import write_bulletin


def option_name(filter_name):
    return "--" + filter_name.replace("_", "-")


class Command(TasksCommand):
    help = "导出督查通报（Excel）。Write the progress bulletin of the selected tasks as an .xlsx workbook."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="输出文件 / the .xlsx file to write")
        parser.add_argument("--as-of", help="状态截至日期 YYYY-MM-DD（默认今天）/ status as it stood on this day")
        parser.add_argument("--title", help="通报标题（默认按来源文件生成）/ the bulletin's title")
        for name, filter_ in TaskFilterSet.base_filters.items():
            if name == "unit":
                parser.add_argument(
                    "--unit",
                    help="单位名称或任一别名；含该单位所属集合单位的任务 / unit name or alias, collectives included",
                )
                continue
            choices = [value for value, _label in filter_.extra.get("choices", ())] or None
            parser.add_argument(option_name(name), dest=f"filter_{name}", choices=choices, help=str(filter_.label))

    def handle(self, *args, output, as_of=None, title=None, unit=None, **options):
        if not output.lower().endswith(".xlsx"):
            raise CommandError(f"输出文件应以 .xlsx 结尾：{output}")
        as_of = self.day(as_of) if as_of else None
        params = QueryDict(mutable=True)
        for name in TaskFilterSet.base_filters:
            value = options.get(f"filter_{name}")
            if value is not None:
                params[name] = value
        if unit is not None:
            params["unit"] = self.unit_named(unit).name
        filterset = TaskFilterSet(params, queryset=tasks_for_display(as_of))
        if not filterset.is_valid():
            problems = "；".join(
                f"{option_name(name)}：{'、'.join(errors)}" for name, errors in filterset.form.errors.items()
            )
            raise CommandError(f"筛选条件有误（invalid filter）：{problems}")
        started = time.monotonic()
        # Opened first: a write-only workbook that fails to save leaves openpyxl's writer in a
        # state that hides the real error (a folder that does not exist, no permission).
        with self.open_output(output) as out:
            count = write_bulletin(filterset.qs, out, as_of=as_of, title=title)
        self.stdout.write(f"已导出 {count} 项任务到 {output}（{time.monotonic() - started:.1f} 秒）。")
