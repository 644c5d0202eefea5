"""Data made before 办结销号 existed comes through migrations 0012–0015 without loss.

`files/backup-before-closure.jsonl.gz` was written by backup_data of the previous version (tasks at
migration 0008) from the 2021 data plus: task 9's lead at 25 % and 丽阳镇 at 5 % (both accepted);
task 3's first lead at 40 %, its third lead's 100 % completion claim accepted, a returned report;
task 1's first lead's own completion claim accepted. Restored into a database at 0008 and migrated
forward, the old claims become what README says.

The restore runs the project's restore_data on the models as they stood at 0008 (the migration
state's historical models stand in for the previous version's code), then the real migrations.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.serializers import python as python_serializer
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import backup
from tasks.models import ClosureRequest, Document, ProgressReport, Task, TaskEvent
from tasks.state import tasks_as_of

pytestmark = pytest.mark.django_db(transaction=True)

BACKUP = Path(__file__).parent / "files" / "backup-before-closure.jsonl.gz"
# The migrations the backup was written at: tasks before 办结销号, and meetings before its order
# numbers (issue 18's meetings 0003 needs a later tasks migration), and commendations at its first.
BEFORE = [
    ("tasks", "0008_unit_tallies"),
    ("meetings", "0002_meeting_body_is_the_convening_body"),
    ("commendations", "0001_initial"),
]
# Apps the previous version did not have, whose migrations cannot be taken back (the background
# queue's): the restore is told the database is at the backup's migrations without them.
NOT_YET = ("django_tasks_database.",)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def restored_and_migrated(monkeypatch):
    migrate(BEFORE)
    try:
        with monkeypatch.context() as patched:
            loader = MigrationExecutor(connection).loader
            # The other apps as they stand: at their last migration, or absent when that is not applied
            # (notices and chasing need later tasks migrations: their tables are not there).
            every_app = [
                node
                for node in loader.graph.leaf_nodes()
                if node[0] not in dict(BEFORE) and node in loader.applied_migrations
            ] + BEFORE
            old = loader.project_state(every_app).apps
            patched.setattr(backup, "apps", old)
            patched.setattr(python_serializer, "apps", old)
            applied = backup.applied_migrations
            patched.setattr(
                backup, "applied_migrations", lambda using: [m for m in applied(using) if not m.startswith(NOT_YET)]
            )
            call_command("restore_data", str(BACKUP), verbosity=0)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    yield
    call_command("flush", "--no-input", verbosity=0)


def task(number):
    return Task.objects.get(document__kind=Document.Kind.NOTICE, number=number)


def test_old_completion_claims_become_what_the_readme_says(restored_and_migrated):
    reports = ProgressReport.objects.count()
    t1, t3, t9 = task(1), task(3), task(9)
    states = {t.number: t for t in tasks_as_of(tasks=Task.objects.filter(pk__in=[t1.pk, t3.pk, t9.pk]))}

    # Task 1: its first lead's accepted claim is now a 办结 request waiting for the office's check.
    closure = ClosureRequest.objects.get(task=t1)
    claim = ProgressReport.objects.get(task=t1, claims_complete=True)
    assert (closure.state, closure.unit, closure.migrated_from) == ("pending", claim.unit, claim)
    assert closure.summary == claim.done and closure.requested_at == claim.reviewed_at
    assert states[1].status == "checking" and states[1].percent == 100
    assert TaskEvent.objects.filter(task=t1, kind="closure_requested", closure=closure).exists()

    # Task 3: the third lead's claim closes nothing; the task's figure is its first lead's 40 %.
    assert not ClosureRequest.objects.filter(task=t3).exists()
    assert (states[3].status, states[3].percent) == ("overdue", 40)

    # Task 9: the lead's 25 %, not 丽阳镇's 5 %.
    assert states[9].percent == 25

    # Nothing lost: every report is still there, as it was.
    assert reports == 6
    assert ProgressReport.objects.filter(claims_complete=True, state="accepted").count() == 2
    # Stored and derived agree after the migration.
    derived = {t.number: (t.status, t.percent) for t in tasks_as_of(stored=False)}
    stored = {t.number: (t.status, t.percent) for t in tasks_as_of()}
    assert derived == stored
