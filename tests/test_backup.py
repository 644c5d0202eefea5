"""backup_data → empty database → restore_data gives back every table row for row, and a restore
that cannot complete (data present, other migrations, a cut-off file) changes nothing.
"""

import gzip
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tasks.models import ProgressReport, Task, TaskEvent, Unit
from tasks.tests.factories import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    """{table: sorted rows} of every table Django manages, link tables included, but the derived ones.

    TaskStamp counts the changes a database has seen and TaskState caches derived values
    (tasks/state/store.py): a restore rebuilds them, it does not copy them.
    """
    derived = {model._meta.db_table for model in apps.get_models() if getattr(model, "derived", False)}
    tables = set(connection.introspection.django_table_names(only_existing=True, include_views=False)) - derived
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 — names from Django
            result[table] = sorted(cursor.fetchall(), key=repr)
    return result


@pytest.fixture
def backed_up(tmp_path, client):
    """The 2021 world with a logged-in session and an access-log row, its snapshot, and its backup file."""
    build_world(text="备份测试：引号\"'、换行\n和<标签>")
    client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    before = snapshot()
    path = tmp_path / "govtasks.jsonl.gz"
    call_command("backup_data", "-o", str(path), verbosity=0)
    return before, path


def empty_database():
    # What a new database looks like after `migrate`: no data, but content types, permissions and roles.
    call_command("flush", "--no-input", verbosity=0)


def test_restore_gives_back_every_table_row_for_row(backed_up):
    before, path = backed_up
    empty_database()
    assert Task.objects.count() == 0

    call_command("restore_data", str(path), verbosity=0)

    after = snapshot()
    assert after.keys() == before.keys()
    differing = [table for table in before if after[table] != before[table]]
    assert differing == []
    # Not a vacuous comparison: the workflow and the accounts are in it.
    assert len(before["tasks_progressreport"]) == 5
    assert len(before["tasks_taskevent"]) >= 7
    assert len(before["auth_user"]) == 5
    assert len(before["django_session"]) == 1
    assert len(before["tasks_unit_members"]) > 0


def test_new_rows_after_a_restore_get_fresh_keys(backed_up):
    _before, path = backed_up
    empty_database()
    call_command("restore_data", str(path), verbosity=0)

    unit = Unit.objects.create(name="恢复后新建的单位")

    assert unit.pk > Unit.objects.exclude(pk=unit.pk).order_by("-pk").values_list("pk", flat=True).first()


def test_a_database_with_data_is_refused_and_left_alone(backed_up):
    before, path = backed_up

    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore_data", str(path), verbosity=0)

    assert snapshot() == before


def test_a_cut_off_backup_is_refused_and_changes_nothing(backed_up, tmp_path):
    _before, path = backed_up
    lines = gzip.open(path, "rt", encoding="utf-8").read().splitlines()
    cut = tmp_path / "cut.jsonl.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines[: len(lines) // 2]) + "\n")
    empty_database()
    empty = snapshot()

    with pytest.raises(CommandError, match="不完整"):
        call_command("restore_data", str(cut), verbosity=0)

    assert snapshot() == empty


def test_a_backup_of_other_migrations_is_refused(backed_up, tmp_path):
    _before, path = backed_up
    lines = gzip.open(path, "rt", encoding="utf-8").read().splitlines()
    header = json.loads(lines[0])
    header["migrations"].append("tasks.9999_from_the_future")
    other = tmp_path / "other.jsonl.gz"
    with gzip.open(other, "wt", encoding="utf-8") as out:
        out.write("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    empty_database()

    with pytest.raises(CommandError, match="tasks.9999_from_the_future"):
        call_command("restore_data", str(other), verbosity=0)

    assert ProgressReport.objects.count() == 0 and TaskEvent.objects.count() == 0


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, db):
    stray = tmp_path / "notes.txt"
    stray.write_text("not a backup")

    with pytest.raises(CommandError, match="不是govtasks备份文件"):
        call_command("restore_data", str(stray), verbosity=0)
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore_data", str(tmp_path / "missing.jsonl.gz"), verbosity=0)


def test_attachment_files_travel_with_the_backup_and_a_missing_one_is_reported(tmp_path, capsys):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    from tasks.attachments.files import check_file  # noqa: PLC0415
    from tasks.closure.services import closure_request_submit  # noqa: PLC0415
    from tasks.models import Attachment  # noqa: PLC0415

    world = build_world()
    evidence = b"%PDF-1.4\n%evidence\n%%EOF\n"
    files = [check_file(SimpleUploadedFile(name, evidence + name.encode())) for name in ("一.pdf", "二.pdf")]
    closure = closure_request_submit(
        task=world.future_task, unit=world.unit, actor=world.liaison, summary="已完成", files=files
    )
    kept, lost = closure.attachments.order_by("pk")
    lost.file.storage.delete(lost.file.name)
    path = tmp_path / "with-files.jsonl.gz"
    call_command("backup_data", "-o", str(path))
    assert lost.file.name in capsys.readouterr().err  # reported, the backup still written

    empty_database()
    kept.file.storage.delete(kept.file.name)
    call_command("restore_data", str(path))
    out, err = capsys.readouterr()
    assert "2个附件文件" in out and lost.file.name in err  # the world's own evidence file and this one
    restored = Attachment.objects.get(pk=kept.pk)
    with restored.file.open("rb") as handle:
        assert handle.read() == evidence + "一.pdf".encode()
    assert Attachment.objects.filter(pk=lost.pk).exists()  # its record is kept, the download says the file is gone
