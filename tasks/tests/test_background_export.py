"""The bulletin of a large filter is written by the background worker: the user is sent to a page
that follows it and then offers the file, to that user only. The worker writes exactly the rows the
list showed that user (access first, filters after)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import BulletinExport
from tasks.tests.factories import make_workflow_world


@pytest.fixture
def w(db, settings):
    settings.GOVTASKS_EXPORT_BACKGROUND_ROWS = 1
    return make_workflow_world()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_big_export_goes_to_the_worker_and_its_page_offers_the_file(w):
    office = client_for(w.office)
    response = office.get(reverse("tasks:task_list"), {"export": "xlsx"})
    export = BulletinExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert export.requested_by == w.office and "export" not in export.params
    # The test's backend runs the worker's task at once; the page now offers the file.
    export.refresh_from_db()
    assert export.state == BulletinExport.State.DONE and export.written == 3
    page = office.get(export.get_absolute_url()).content.decode()
    assert "已完成：3 项任务" in page and reverse("tasks:export_download", args=[export.pk]) in page
    download = office.get(reverse("tasks:export_download", args=[export.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    text = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(text))["推进情况"]
    cells = [str(value) for row in sheet.iter_rows(values_only=True) for value in row if value]
    assert any("建设陶瓷产业园" in cell for cell in cells) and any("盘活存量资金" in cell for cell in cells)


def test_another_user_cannot_see_or_download_it(w):
    client_for(w.office).get(reverse("tasks:task_list"), {"export": "xlsx"})
    export = BulletinExport.objects.get()
    other = client_for(w.liaison)
    assert other.get(export.get_absolute_url()).status_code == 404
    assert other.get(reverse("tasks:export_download", args=[export.pk])).status_code == 404


def test_the_worker_writes_only_what_the_list_showed_that_user(w, settings):
    settings.GOVTASKS_EXPORT_BACKGROUND_ROWS = 0
    liaison = client_for(w.finance_liaison)
    liaison.get(reverse("tasks:task_list"), {"export": "xlsx", "q": "资金"})
    export = BulletinExport.objects.get()
    assert export.written == 1
    text = b"".join(liaison.get(reverse("tasks:export_download", args=[export.pk])).streaming_content)
    cells = [
        str(v) for row in load_workbook(io.BytesIO(text))["推进情况"].iter_rows(values_only=True) for v in row if v
    ]
    assert any("盘活存量资金" in cell for cell in cells)
    assert not any("建设陶瓷产业园" in cell for cell in cells)


def test_a_small_export_is_still_written_in_the_request(w, settings):
    settings.GOVTASKS_EXPORT_BACKGROUND_ROWS = 5000
    response = client_for(w.office).get(reverse("tasks:task_list"), {"export": "xlsx"})
    assert response.status_code == 200 and not BulletinExport.objects.exists()


def test_while_the_worker_has_not_run_the_page_shows_it_queued(w, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    office = client_for(w.office)
    office.get(reverse("tasks:task_list"), {"export": "xlsx"})
    export = BulletinExport.objects.get()
    page = office.get(export.get_absolute_url()).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page
    assert office.get(reverse("tasks:export_download", args=[export.pk])).status_code == 404
