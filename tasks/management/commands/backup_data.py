"""python manage.py backup_data -o FILE.jsonl.gz [--database NAME]"""

from django.core.management.base import BaseCommand, CommandError

from core.backup import write_backup


class Command(BaseCommand):
    help = (
        "备份整个数据库（所有表、用户与权限、工作流记录）到一个gzip压缩的JSON Lines文件；"
        "用 restore_data 恢复。Back up every table to a gzip'd JSON Lines file."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件路径，如 govtasks-2021-07-01.jsonl.gz")
        parser.add_argument("--database", default="default", help="要备份的数据库别名（默认 default）")

    def handle(self, *args, output, database, **options):
        try:
            summary = write_backup(output, using=database)
        except OSError as error:
            raise CommandError(f"无法写入备份文件 {output}：{error}") from error
        if options["verbosity"]:
            counts = summary.rows
            self.stdout.write(
                f"已备份{sum(counts.values())}行（{len(counts)}个表）和{summary.files}个附件文件到 {output}。"
            )
        # A record whose file is gone is backed up without it: say so, rather than fail the whole backup.
        for name in summary.missing_files:
            self.stderr.write(f"附件文件已缺失，未写入备份：{name}")
