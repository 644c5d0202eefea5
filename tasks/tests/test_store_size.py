"""The state store keeps itself small on PostgreSQL: a stamp is locked, not rewritten, when its task
changes again (migration 0017) — and still locked, so a refresh never takes a change in flight —
and the commands that rewrite the store vacuum it (store.compact())."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from tasks.models import Task, TaskStamp
from tasks.state import store
from tasks.tests.factories import make_task, make_unit

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions and VACUUM are PostgreSQL's")


def stamp_version(task):
    """(ctid, n) of the task's stamp: an UPDATE would give the row a new ctid."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text, n FROM tasks_taskstamp WHERE task_id = %s", [task.pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_a_task_changed_again_keeps_its_stamp_row_as_it_was():
    task = make_task(lead=[make_unit()])
    first = stamp_version(task)
    assert first is not None
    for n in range(1, 6):
        # The deadline is an input of the state: each change stamps the task (a trigger's upsert).
        Task.objects.filter(pk=task.pk).update(deadline=task.deadline - datetime.timedelta(days=n))
    assert stamp_version(task) == first


@pytest.mark.django_db(transaction=True)
def test_a_stamp_a_writer_holds_is_not_taken_by_a_refresh_until_it_commits():
    task = make_task(lead=[make_unit()])
    store.refresh()
    # Stamped and committed: the writer below meets an existing stamp (the ON CONFLICT path).
    Task.objects.filter(pk=task.pk).update(deadline=task.deadline - datetime.timedelta(days=1))
    assert TaskStamp.objects.filter(task=task.pk).exists()
    changed, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                Task.objects.filter(pk=task.pk).update(deadline=task.deadline - datetime.timedelta(days=2))
                changed.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert changed.wait(30)
        with transaction.atomic():
            taken = store._take_stamps()
        # The writer's upsert locked the stamp (though it wrote no new row version): skipped.
        assert task.pk not in taken
    finally:
        release.set()
        thread.join(30)
    assert TaskStamp.objects.filter(task=task.pk).exists()
    store.ensure_fresh()
    assert not TaskStamp.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_refresh_command_vacuums_the_state_tables():
    for _ in range(3):
        make_task(lead=[make_unit()])
    output = io.StringIO()
    call_command("refresh_task_states", "--all", stdout=output)
    assert "vacuumed and analysed" in output.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL AND relname = ANY(%s)",
            [["tasks_taskstamp", "tasks_taskstate", "tasks_unittally"]],
        )
        assert {name for (name,) in cursor.fetchall()} == {"tasks_taskstamp", "tasks_taskstate", "tasks_unittally"}
