"""On PostgreSQL, through the real worker: a queued bulletin export of 20,000 tasks completes and its
file opens with openpyxl, one row per task. (The SQLite test database lives in the test's memory,
where no worker process can read it: this test runs on PostgreSQL only, as CI's second run does.)"""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from notices.tests.worker import DATABASE_WORKER, finish, needs_postgresql, start_worker
from tasks.models import BulletinExport, Task
from tasks.tests.factories import make_user

TASKS = 20_000

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_queued_export_of_20k_tasks_completes_through_the_worker(settings, tmp_path):
    needs_postgresql()
    settings.TASKS = DATABASE_WORKER
    call_command("generate_demo", tasks=TASKS, units=60, reports_per_task=1, seed=15, stdout=io.StringIO())
    assert Task.objects.count() == TASKS
    office = Client()
    office.force_login(make_user("office", role="督查室"))
    response = office.get(reverse("tasks:task_list"), {"export": "xlsx"})
    export = BulletinExport.objects.get()
    assert response["Location"] == export.get_absolute_url() and export.total == TASKS
    assert "排队中" in office.get(export.get_absolute_url()).content.decode()
    finish(start_worker(env={"GOVTASKS_ATTACHMENT_DIR": str(settings.GOVTASKS_ATTACHMENT_DIR)}), timeout=900)
    export.refresh_from_db()
    assert export.state == BulletinExport.State.DONE and export.written == TASKS, export.error
    page = office.get(export.get_absolute_url()).content.decode()
    assert "已完成：20000 项任务" in page
    download = office.get(reverse("tasks:export_download", args=[export.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    # A task's row starts with its number: 12 for a notice's task, 会100-1 for a meeting order.
    labels = [row[0] for row in workbook["推进情况"].iter_rows(values_only=True) if is_task_label(row[0])]
    assert len(labels) == TASKS


def is_task_label(value) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"会\d+-\d+", value) is not None)
