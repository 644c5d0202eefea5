"""Attachments on progress reports and extension requests: the same checks as the 办结 form's evidence.

Every bad file — a program renamed to .pdf, an image calling itself PDF, an empty file, a type we
do not take, a zip bomb disguised as .docx, a damaged package, one over the per-file or per-record
limit — leaves a clear message on the form, no report or request, and no file in storage. A good
file is kept under a generated name (a path-traversal name keeps only its last part) and is opened
only with the record's access.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tasks import roles
from tasks.models import Attachment, ExtensionRequest, ProgressReport, TaskEvent
from tasks.report_months import first_of_month
from tasks.tests.factories import BAD_FILES, PDF, make_document, make_report, make_task, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    class World:
        pass

    world = World()
    world.unit = make_unit("区发改委")
    world.other = make_unit("区财政局")
    document = make_document(issued_on=datetime.date(2021, 3, 1))
    world.task = make_task(
        1, document=document, lead=[world.unit], deadline=timezone.localdate() + datetime.timedelta(days=90)
    )
    world.liaison = make_user("dev", role=roles.LIAISON, unit=world.unit)
    world.other_liaison = make_user("finance", role=roles.LIAISON, unit=world.other)
    world.office = make_user("office", role=roles.OFFICE)
    return world


def stored_files() -> list[Path]:
    return [path for path in Path(settings.GOVTASKS_ATTACHMENT_DIR).rglob("*") if path.is_file()]


def report_post(client, w, files, **fields):
    data = {
        "period": first_of_month(timezone.localdate()).strftime("%Y-%m"),
        "done": "完成项目选址",
        "percent": 40,
        "files": files,
        **fields,
    }
    return client.post(reverse("tasks:report_submit", args=[w.task.pk]), data)


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[name for name, _c, _m in BAD_FILES])
def test_a_bad_file_on_the_report_form_is_refused_with_a_message_and_nothing_is_stored(
    w, client, name, content, message
):
    client.force_login(w.liaison)
    response = report_post(client, w, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()
    assert stored_files() == []


def test_a_good_file_among_bad_ones_does_not_save_the_report(w, client):
    client.force_login(w.liaison)
    response = report_post(client, w, [SimpleUploadedFile("好.pdf", PDF), SimpleUploadedFile("空.pdf", b"")])
    assert "空文件" in response.content.decode()
    assert not ProgressReport.objects.exists() and stored_files() == []


def test_over_the_per_file_limit_on_the_report_form(w, client, settings):
    settings.GOVTASKS_ATTACHMENT_MAX_FILE_BYTES = 1000
    client.force_login(w.liaison)
    response = report_post(client, w, SimpleUploadedFile("大.pdf", PDF + b"0" * 2000))
    assert "超过每个文件的上限" in response.content.decode()
    assert not ProgressReport.objects.exists() and stored_files() == []


def test_over_the_per_record_limit_on_the_report_form(w, client, settings):
    settings.GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES = 1500
    client.force_login(w.liaison)
    files = [SimpleUploadedFile("一.pdf", PDF + b"0" * 900), SimpleUploadedFile("二.pdf", PDF + b"0" * 900)]
    response = report_post(client, w, files)
    assert "超过每份材料的上限" in response.content.decode()
    assert not ProgressReport.objects.exists() and stored_files() == []


def test_an_upload_past_the_record_limit_is_cut_off_while_read_and_refused(w, client, settings):
    # Past the record's limit plus the slack for the form's fields, the request's files are not read on.
    settings.GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES = 1000
    client.force_login(w.liaison)
    response = report_post(client, w, SimpleUploadedFile("巨大.pdf", PDF + b"0" * (2 * 1024 * 1024)))
    assert response.status_code == 200
    assert "上传的文件合计超过上限" in response.content.decode()
    assert not ProgressReport.objects.exists() and stored_files() == []


def test_a_path_traversal_name_keeps_its_last_part_and_is_stored_under_a_generated_name(w, client):
    client.force_login(w.liaison)
    response = report_post(client, w, SimpleUploadedFile("../../etc/passwd.pdf", PDF))
    assert response.status_code == 302
    (attachment,) = Attachment.objects.all()
    assert attachment.original_name == "passwd.pdf"
    assert ".." not in attachment.file.name and attachment.file.name.startswith(f"{w.task.pk}/")
    (path,) = stored_files()
    assert Path(settings.GOVTASKS_ATTACHMENT_DIR) in path.parents


def test_a_report_with_files_keeps_them_on_the_report_logged_and_opened_with_its_access(w, client):
    client.force_login(w.liaison)
    files = [SimpleUploadedFile("现场照片.pdf", PDF), SimpleUploadedFile("台账.pdf", PDF)]
    assert report_post(client, w, files).status_code == 302
    report = ProgressReport.objects.get()
    assert sorted(report.attachments.values_list("original_name", flat=True)) == ["台账.pdf", "现场照片.pdf"]
    event = TaskEvent.objects.get(report=report)
    assert {"field": "files", "label": "附件", "old": "", "new": "现场照片.pdf、台账.pdf"} in event.changes
    detail = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    attachment = report.attachments.first()
    download = reverse("tasks:attachment_download", args=[attachment.pk])
    assert download in detail
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    # Another unit's liaison reads the report but gets no file; anonymous users are sent to log in.
    client.force_login(w.other_liaison)
    assert download not in client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


def test_a_report_without_files_is_still_fine(w, client):
    client.force_login(w.liaison)
    assert report_post(client, w, []).status_code == 302
    assert ProgressReport.objects.count() == 1 and not Attachment.objects.exists()


def test_a_corrected_report_takes_files_too(w, client):
    returned = make_report(task=w.task, unit=w.unit, state=ProgressReport.State.RETURNED)
    ProgressReport.objects.filter(pk=returned.pk).update(reviewed_by=w.office, review_comment="缺少现场照片")
    client.force_login(w.liaison)
    url = reverse("tasks:report_resubmit", args=[returned.pk])
    bad = client.post(url, {"done": "补充材料", "percent": 50, "files": SimpleUploadedFile("x.pdf", b"MZ")})
    assert "内容不是PDF" in bad.content.decode() and ProgressReport.objects.count() == 1
    good = client.post(url, {"done": "补充材料", "percent": 50, "files": SimpleUploadedFile("补充.pdf", PDF)})
    assert good.status_code == 302
    corrected = ProgressReport.objects.get(resubmission_of=returned)
    assert list(corrected.attachments.values_list("original_name", flat=True)) == ["补充.pdf"]


def extension_post(client, w, files):
    data = {
        "new_deadline": (timezone.localdate() + datetime.timedelta(days=200)).isoformat(),
        "reason": "征地手续未完成",
        "progress": "已完成选址",
        "percent": 30,
        "files": files,
    }
    return client.post(reverse("tasks:extension_request", args=[w.task.pk]), data)


@pytest.mark.parametrize(
    ("name", "content", "message"), BAD_FILES[:1] + BAD_FILES[4:5], ids=["renamed-exe", "zip-bomb"]
)
def test_a_bad_file_on_the_extension_form_is_refused_and_nothing_is_stored(w, client, name, content, message):
    client.force_login(w.liaison)
    response = extension_post(client, w, SimpleUploadedFile(name, content))
    assert response.status_code == 200 and message in response.content.decode()
    assert not ExtensionRequest.objects.exists() and stored_files() == []


def test_an_extension_request_keeps_its_files_and_shows_them_to_the_office(w, client):
    client.force_login(w.liaison)
    assert extension_post(client, w, SimpleUploadedFile("用地批复.pdf", PDF)).status_code == 302
    extension = ExtensionRequest.objects.get()
    (attachment,) = extension.attachments.all()
    assert attachment.original_name == "用地批复.pdf" and attachment.report is None
    client.force_login(w.office)
    page = client.get(reverse("tasks:extension_detail", args=[extension.pk])).content.decode()
    assert reverse("tasks:attachment_download", args=[attachment.pk]) in page
