"""python manage.py restore_data FILE.jsonl.gz [--database NAME]"""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "把 backup_data 写的备份恢复到一个新建并已migrate的空数据库；全部成功或不作任何改动。"
        "Restore a backup_data file into an empty, migrated database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup_data 写的备份文件")
        parser.add_argument("--database", default="default", help="恢复到的数据库别名（默认 default）")

    def handle(self, *args, path, database, **options):
        try:
            summary = restore_backup(path, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            counts = summary.rows
            self.stdout.write(
                f"已从 {path} 恢复{sum(counts.values())}行（{len(counts)}个表）和{summary.files}个附件文件。"
            )
        for name in summary.missing_files:
            self.stderr.write(f"备份时附件文件已缺失，未能恢复：{name}")
