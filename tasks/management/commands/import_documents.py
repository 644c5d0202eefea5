"""python manage.py import_documents PATH… [--dry-run]

Loads responsibility-split notices, commendation decisions and standing-meeting records
from their text extraction, in one transaction, and prints every anomaly of the source.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.importers import import_sources, read_source
from tasks.importers.report import SourceError


class Command(BaseCommand):
    help = "导入来源文件（责任分工通知、表彰决定、常务会议纪要）。Import source documents from text files."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="文本文件路径 / text files")
        parser.add_argument("--dry-run", action="store_true", help="只显示将要发生的改动，不写入数据库")

    def handle(self, *args, paths, dry_run, **options):
        sources = []
        try:
            for path in paths:
                if not Path(path).is_file():
                    raise SourceError(0, f"找不到文件：{path}（file not found）")
                text, sha256 = read_source(path)
                sources.append((Path(path).name, text, sha256))
            result = import_sources(sources, dry_run=dry_run)
        except SourceError as error:
            raise CommandError(f"导入失败，数据库未作任何改动。Import failed, nothing was changed.\n{error}") from error

        write = self.stdout.write
        write(("【试运行，未写入】" if dry_run else "") + f"读取 {len(result.documents)} 份文件：")
        for document in result.documents:
            write(f"  {document.get_kind_display()}  {document}")
        write("改动（changes）：")
        for line in result.changes.lines():
            write(f"  {line}")
        if not result.changes.changed:
            write("  数据库已是最新，没有改动。")
        write(f"来源文件中的异常（anomalies）：{len(result.anomalies)} 条")
        for name, anomaly in result.anomalies:
            write(f"  {name}:{anomaly}")
