"""Stamping a task that is already stamped locks its stamp without writing a new row version
(PostgreSQL), and the state tables are vacuumed early by autovacuum where it runs.

Every change to a task's inputs upserts its TaskStamp (`ON CONFLICT DO UPDATE SET n = n + 1`,
migrations 0004, 0006 and 0012). The update is there for its row lock — a refresh skips locked
stamps, so a change still in flight is never taken as stored — but each one also left a dead row
version: a bulk load of a million reports left 458,000 of them in tasks_taskstamp, which every
page's freshness check read past. ON CONFLICT DO UPDATE locks the existing row *before* the row's
BEFORE UPDATE triggers run, so a trigger that skips the update keeps the lock and writes nothing.
`n` stays at 1 (nothing reads it).

SQLite has no row locks and no dead row versions to speak of: nothing changes there. The model
state does not change either.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE FUNCTION tasks_taskstamp_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
    "CREATE TRIGGER tasks_taskstamp_keep BEFORE UPDATE ON tasks_taskstamp FOR EACH ROW "
    "EXECUTE FUNCTION tasks_taskstamp_keep()",
    # Where autovacuum runs, it visits the small, busy state tables after a thousand dead rows
    # rather than after a fifth of the table (the default scale factor).
    *(
        f"ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, "
        "autovacuum_analyze_scale_factor = 0.02)"
        for table in ("tasks_taskstamp", "tasks_taskstate", "tasks_taskreach", "tasks_unittally")
    ),
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS tasks_taskstamp_keep ON tasks_taskstamp",
    "DROP FUNCTION IF EXISTS tasks_taskstamp_keep()",
    *(
        f"ALTER TABLE {table} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
        "autovacuum_analyze_scale_factor)"
        for table in ("tasks_taskstamp", "tasks_taskstate", "tasks_taskreach", "tasks_unittally")
    ),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0024_task_text_trigram_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
