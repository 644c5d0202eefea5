"""Backup and restore of the whole database, on SQLite and PostgreSQL alike.

A backup is a gzip'd JSON Lines file: a header line (format, version, the migrations the
database had), one line per row of every table of every installed app — user accounts,
groups and permissions, sessions, login attempts and the many-to-many link tables
included — and a trailer line with the row count per table. A file without its trailer
(a backup cut short by a full disk) is refused on restore.

Rows keep their primary keys, so a restore gives every table back row for row. A restore
goes into an empty database migrated to the same migrations: it refuses a database that
holds data, and writes everything in one transaction, so it either completes or leaves the
database as it was.

The manage.py commands backup_data and restore_data (tasks/management/commands/) call these
functions; see the README's "Backup and restore".
"""

import base64
import datetime
import gzip
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "govtasks-backup"
VERSION = 1
BATCH = 2000


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps only milliseconds of a time; a restore must give back the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


@dataclass
class BackupSummary:
    """What a backup or a restore carried: rows per table, attachment files, and the files the
    database names that were missing from storage when the backup was written (reported, not fatal)."""

    rows: dict
    files: int
    missing_files: list


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why in the user's words."""


def backed_up_models():
    """Every table Django manages, link tables of many-to-many fields included, in a stable order."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        # Derived tables (derived = True: stored task states, their stamps, unit tallies) are rebuilt, not restored.
        and not getattr(model, "derived", False)
    ]
    return sorted(models, key=lambda model: model._meta.label_lower)


def applied_migrations(using):
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations())


def row_fields(model):
    """Names of the columns the serializer writes; many-to-many links travel as rows of their own table."""
    return [field.name for field in model._meta.local_concrete_fields if not field.primary_key]


def write_backup(path, using="default"):
    """Write every row of the database `using` and every attachment file to `path` (gzip'd JSON Lines);
    returns a BackupSummary.

    The rows are read in one transaction — on PostgreSQL at REPEATABLE READ — so the file is
    one consistent snapshot even while the app keeps running. The file appears under its name
    only once complete.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    counts = {}
    files = missing = None
    try:
        with transaction.atomic(using=using), gzip.open(partial, "wt", encoding="utf-8") as out:
            connection = connections[using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            header = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "vendor": connection.vendor,
                "migrations": applied_migrations(using),
            }
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for model in backed_up_models():
                rows = model._base_manager.using(using).order_by("pk").iterator(chunk_size=BATCH)
                count = 0
                for row in rows:
                    (record,) = serializers.serialize("python", [row], fields=row_fields(model))
                    out.write(json.dumps(record, cls=ExactJSONEncoder, ensure_ascii=False) + "\n")
                    count += 1
                counts[model._meta.label] = count
            files, missing = write_files(out, using)
            out.write(json.dumps({"end": True, "counts": counts, "files": files, "missing_files": missing}) + "\n")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(rows=counts, files=files, missing_files=missing)


def attachment_files(using):
    """(storage, names) of the files attachment rows point to (tasks.Attachment), in key order; (None, [])
    in a schema without attachments."""
    try:
        model = apps.get_model("tasks", "Attachment")
    except LookupError:
        return None, []
    names = model._base_manager.using(using).order_by("pk").values_list("file", flat=True)
    return model._meta.get_field("file").storage, names


def write_files(out, using):
    """One line per attachment file — its storage name and its bytes in base64 — after the rows: a
    restore gives the files back with the records. Returns (files written, names missing from storage)."""
    storage, names = attachment_files(using)
    written, missing = 0, []
    for name in names.iterator(chunk_size=BATCH):
        try:
            with storage.open(name, "rb") as handle:
                content = handle.read()
        except OSError:
            missing.append(name)
            continue
        out.write(json.dumps({"attachment_file": name, "content": base64.b64encode(content).decode()}) + "\n")
        written += 1
    return written, missing


def read_backup(path):
    """(header, lines): the checked header and an iterator over the remaining lines as dicts."""
    try:
        source = gzip.open(path, "rt", encoding="utf-8")
        header = json.loads(source.readline())
    except FileNotFoundError as error:
        raise BackupError(f"找不到备份文件 {path}。") from error
    except (OSError, EOFError, ValueError) as error:
        raise BackupError(f"{path} 不是govtasks备份文件（{error}）。") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        source.close()
        raise BackupError(f"{path} 不是govtasks备份文件。")
    if header.get("version") != VERSION:
        source.close()
        raise BackupError(f"{path} 是第{header.get('version')}版备份格式，本程序只能恢复第{VERSION}版。")

    def lines():
        with source:
            try:
                for line in source:
                    yield json.loads(line)
            except (OSError, EOFError, ValueError) as error:
                raise BackupError(f"{path} 已损坏（{error}），数据库未作任何改动。") from error

    return header, lines()


# What `migrate` itself writes into a new database: replaced by the backup's own rows.
MIGRATE_CREATES = (Group.permissions.through, Group, Permission, ContentType)


def rows_present(using):
    """{label: rows} of every table holding data that `migrate` did not create."""
    created = {model._meta.label for model in MIGRATE_CREATES}
    present = {}
    for model in backed_up_models():
        if model._meta.label not in created:
            count = model._base_manager.using(using).count()
            if count:
                present[model._meta.label] = count
    return present


def restore_backup(path, using="default"):
    """Load the backup at `path` into the empty database `using`, attachment files included; returns a BackupSummary.

    Refuses (BackupError, nothing changed) a database that holds data, one migrated to other
    migrations than the backup's, and a damaged or incomplete file.
    """
    header, lines = read_backup(path)
    here = set(applied_migrations(using))
    there = set(header["migrations"])
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        raise BackupError(
            "目标数据库的迁移与备份不一致，请先让两者一致（同一版本的程序，manage.py migrate）。"
            f"备份有而数据库没有：{', '.join(missing) or '无'}；数据库有而备份没有：{', '.join(extra) or '无'}。"
        )
    present = rows_present(using)
    if present:
        listed = "，".join(f"{label} {count}行" for label, count in present.items())
        raise BackupError(
            f"目标数据库不是空的（{listed}）。请恢复到一个新建并已migrate的数据库，或先运行 manage.py flush。"
        )

    counts = Counter()
    storage, _names = attachment_files(using)
    files_written = []
    try:
        with transaction.atomic(using=using):
            trailer = _restore_lines(path, lines, using, counts=counts, storage=storage, files_written=files_written)
    except BaseException:
        # Nothing was restored: the files written so far go too.
        for name in files_written:
            storage.delete(name)
        raise
    ContentType.objects.clear_cache()
    return BackupSummary(rows=dict(counts), files=len(files_written), missing_files=trailer.get("missing_files", []))


def _restore_lines(path, lines, using, *, counts, storage, files_written):
    """Write the backup's rows (and files) in the caller's transaction; returns its trailer line."""
    connection = connections[using]
    trailer = None
    with connection.constraint_checks_disabled():
        for model in MIGRATE_CREATES:
            model._base_manager.using(using).all().delete()
        for line in lines:
            if line.get("end"):
                trailer = line
                break
            if "attachment_file" in line and storage is not None:
                files_written.append(restore_file(storage, line))
                continue
            try:
                (item,) = serializers.deserialize("python", [line], using=using)
            except serializers.base.DeserializationError as error:
                raise BackupError(f"{path} 中有无法读取的记录（{error}），数据库未作任何改动。") from error
            # force_insert: one INSERT per row; raw: keep stored timestamps as they are.
            item.save(using=using, force_insert=True)
            counts[item.object._meta.label] += 1
    if trailer is None:
        raise BackupError(f"{path} 不完整（缺少结尾记录，可能在写入时中断），数据库未作任何改动。")
    expected = {label: count for label, count in trailer["counts"].items() if count}
    if dict(counts) != expected or len(files_written) != trailer.get("files", 0):
        raise BackupError(f"{path} 的记录数与其结尾记录不符，数据库未作任何改动。")
    models = backed_up_models()
    connection.check_constraints(table_names=[model._meta.db_table for model in models])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # Fresh statistics, as after any bulk load: without them the planner picks nested
            # loops for the list pages' subqueries and the dashboard takes seconds.
            cursor.execute("ANALYZE")
    return trailer


def restore_file(storage, line):
    """Write one attachment file of a backup under its own storage name; returns the name."""
    name = line["attachment_file"]
    if ".." in name.split("/") or name.startswith("/"):
        raise BackupError(f"备份中的附件路径无效：{name}")
    try:
        content = base64.b64decode(line["content"], validate=True)
    except (ValueError, TypeError) as error:
        raise BackupError(f"备份中的附件 {name} 已损坏，数据库未作任何改动。") from error
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        raise BackupError(f"附件 {name} 无法按原名写回存储。")
    return name
