"""python manage.py import_documents FILE… [--number 文号] [--title 标题] [--date YYYY-MM-DD] [--dry-run]

Loads responsibility-split notices, commendation decisions and standing-meeting records
from text (.txt), Word (.docx), Excel (.xlsx) or text-layer PDF files — the same path as
the upload page — in one transaction, and prints every anomaly of the source. Every
problem of every file is reported in one run; nothing is written unless all files read.
A dry run prints the tasks it read as a table and the units it would create.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.importers.columns import DocumentFacts
from tasks.importers.files import MAX_FILE_BYTES
from tasks.importers.preview import unit_spellings_preview
from tasks.importers.report import SourceError
from tasks.importers.uploads import import_files


def read_paths(paths: list[str]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(name, bytes) per path; the problems of paths that cannot be read, all of them."""
    files, problems = [], []
    for path in map(Path, paths):
        if not path.is_file():
            problems.append(f"找不到文件：{path}（file not found）")
        elif path.stat().st_size > MAX_FILE_BYTES:
            size, limit = path.stat().st_size // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
            problems.append(
                f"{path.name}：文件有{size} MB，超过上限{limit} MB，请检查是否选错了文件（file too large）。"
            )
        else:
            files.append((path.name, path.read_bytes()))
    return files, problems


class Command(BaseCommand):
    help = "导入来源文件（责任分工通知、表彰决定、常务会议纪要），支持.txt、.docx、.xlsx和带文字层的PDF。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="文件路径：.txt、.docx、.xlsx或.pdf / files")
        parser.add_argument("--number", default="", help="文号（文件中没有时）")
        parser.add_argument("--title", default="", help="标题（文件中没有时）")
        parser.add_argument("--date", default="", help="成文日期YYYY-MM-DD（文件中没有时）")
        parser.add_argument("--dry-run", action="store_true", help="只显示读到的任务和将要发生的改动，不写入数据库")

    def handle(self, *args, paths, number, title, date, dry_run, **options):
        try:
            issued_on = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date 应为YYYY-MM-DD格式的日期，而不是“{date}”。") from error
        given = DocumentFacts(number=number, title=title, issued_on=issued_on)
        files, problems = read_paths(paths)
        try:
            # With a path already wrong nothing is written, but the readable files are still
            # read, so the clerk learns every problem in one run.
            result = import_files(files, given=given, dry_run=dry_run or bool(problems))
        except SourceError as error:
            problems.append(str(error))
        if problems:
            listed = "\n".join(problems)
            raise CommandError(f"导入失败，数据库未作任何改动。Import failed, nothing was changed.\n{listed}")
        write = self.stdout.write
        write(("【试运行，未写入】" if dry_run else "") + f"读取 {len(result.documents)} 份文件：")
        for document in result.documents:
            write(f"  {document.get_kind_display()}  {document}")
        if dry_run:
            self.write_tasks(result.notices)
        write("改动（changes）：")
        for line in result.changes.lines():
            write(f"  {line}")
        if not result.changes.changed:
            write("  数据库已是最新，没有改动。")
        write(f"来源文件中的异常（anomalies）：{len(result.anomalies)} 条")
        for name, anomaly in result.anomalies:
            write(f"  {name}:{anomaly}")

    def write_tasks(self, notices):
        """The tasks read, one line each (number, lead, responsible, deadline), and the units new to the database."""
        write = self.stdout.write
        for notice in notices:
            write(f"读到的任务（{notice.title}）：{len(notice.tasks)} 项")
            write("  序号\t原文编号\t牵头单位\t责任单位\t完成时限\t任务")
            for task in notice.tasks:
                lead = "、".join(unit.name for unit in task.lead)
                responsible = "、".join(unit.name for unit in task.responsible) or "—"
                deadline = f"{task.deadline:%Y-%m-%d}" + ("" if task.deadline_stated else "（年底）")
                write(f"  {task.number}\t{task.numbering or '—'}\t{lead}\t{responsible}\t{deadline}\t{task.text[:30]}")
                for position, sub in enumerate(task.subitems, start=1):
                    sub_lead = "、".join(unit.name for unit in sub.lead)
                    sub_responsible = "、".join(unit.name for unit in sub.responsible) or "—"
                    write(
                        f"    子项{position}\t\t{sub_lead}\t{sub_responsible}\t{sub.deadline:%Y-%m-%d}\t{sub.text[:30]}"
                    )
            names = [unit.name for task in notice.tasks for unit in (*task.lead, *task.responsible)]
            for name, is_new, status in unit_spellings_preview(names):
                if is_new:
                    write(f"  单位“{name}”：{status}")
