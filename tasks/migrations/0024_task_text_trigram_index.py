"""Search of task texts through a trigram index (pg_trgm, GIN) on PostgreSQL.

The task list's ?q= and the search page match words anywhere in a task's text
(`text__icontains`, which PostgreSQL runs as UPPER(text) LIKE UPPER('%…%')): without an index
that is a scan of every task, 397 ms at 100,000 tasks. A GIN index of the trigrams of
UPPER(text) serves that very expression for any word of three characters or more.

On SQLite both steps do nothing and the plain scan stays. The index is not in the model's
Meta because SQLite cannot create it; the model state does not change.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "task_text_trgm"


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """TrigramExtension whose reverse, like its forward, does nothing outside PostgreSQL: Django's own
    asks pg_extension on the way back whatever the database (a migration test on SQLite goes back)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON tasks_task USING gin ((UPPER(text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tasks", "0023_event_kinds_of_the_merged_branches")]

    operations = [
        # Creating an extension needs a superuser or the database's owner on PostgreSQL 13+ (pg_trgm
        # is a trusted extension); README "Production" says so.
        TrigramExtensionOnPostgreSQL(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
