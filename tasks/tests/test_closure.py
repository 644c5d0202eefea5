"""Who answers for a task and when it is done, told as the office saw it on the 2021 data.

Task 9 (区科技局 leads, 各乡镇（街道） share): a township's report must not move the task's figure.
Task 3 (three lead units): only the first lead (主办) may ask to close it, with evidence; the task
waits for the office's check, and closed after its deadline it is 逾期办结 on every page.
"""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tasks import roles, selectors
from tasks.attachments.files import check_file
from tasks.closure import services as closure_services
from tasks.closure.selectors import unit_progress
from tasks.models import Attachment, ClosureRequest, Document, Task, TaskEvent, Unit, UnitTally
from tasks.progress import services
from tasks.state import store, tasks_as_of, units_as_of
from tasks.tests.factories import BAD_FILES, PDF, load_2021_documents, make_user

pytestmark = pytest.mark.django_db


def pdf(name="验收报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def w():
    load_2021_documents()
    notice = Document.objects.get(kind=Document.Kind.NOTICE)
    t3 = Task.objects.get(document=notice, number=3)
    t9 = Task.objects.get(document=notice, number=9)
    first, _second, third = t3.lead_units
    science = t9.lead_units[0]
    liyang = Unit.objects.get(name="丽阳镇")

    class World:
        pass

    world = World()
    world.t3, world.t9, world.first, world.third, world.science, world.liyang = t3, t9, first, third, science, liyang
    world.office = make_user("office", role=roles.OFFICE)
    world.leader = make_user("leader", role=roles.LEADER)
    world.first_liaison = make_user("first", role=roles.LIAISON, unit=first)
    world.third_liaison = make_user("third", role=roles.LIAISON, unit=third)
    world.liyang_liaison = make_user("liyang", role=roles.LIAISON, unit=liyang)
    world.other_liaison = make_user("other", role=roles.LIAISON, unit=Unit.objects.get(name="区财政局"))
    return world


def accepted(w, *, task, unit, actor, month, percent, claims_complete=False):
    report = services.progress_report_submit(
        task=task,
        unit=unit,
        actor=actor,
        period=datetime.date(2021, month, 1),
        done=f"{unit}{month}月进展",
        percent=percent,
        claims_complete=claims_complete,
    )
    return services.progress_report_accept(report=report, actor=w.office, version=report.version)


def state(task, as_of=None, stored=True):
    return tasks_as_of(as_of, Task.objects.filter(pk=task.pk), stored=stored).get()


# --- task 9: the figure is the 主办 unit's -------------------------------------------------------------------


def test_task_9_stays_at_the_leads_25_percent_after_a_townships_5(w, client):
    science_liaison = make_user("science", role=roles.LIAISON, unit=w.science)
    accepted(w, task=w.t9, unit=w.science, actor=science_liaison, month=9, percent=25)
    accepted(w, task=w.t9, unit=w.liyang, actor=w.liyang_liaison, month=10, percent=5)

    assert state(w.t9).percent == state(w.t9, stored=False).percent == 25
    rows = {row.unit.name: row for row in unit_progress(w.t9)}
    assert rows[w.science.name].role == "host" and rows[w.science.name].accepted.percent == 25
    assert rows["丽阳镇"].role == "member" and rows["丽阳镇"].accepted.percent == 5
    assert rows["丽阳镇"].via.name == "各乡镇（街道）"

    client.force_login(w.office)
    page = client.get(reverse("tasks:task_detail", args=[w.t9.pk])).content.decode()
    matrix = page.split('class="table table-sm align-middle unit-progress"')[1].split("</table>")[0]
    assert "区科技局" in matrix and "25%" in matrix and "丽阳镇" in matrix and "5%" in matrix
    listed = client.get(reverse("tasks:task_list"), {"q": w.t9.text[:12]}).content.decode()
    assert "25%" in listed


def test_the_office_names_another_lead_as_host_and_the_timeline_says_so(w, client):
    second = w.t3.lead_units[1]
    second_liaison = make_user("second", role=roles.LIAISON, unit=second)
    accepted(w, task=w.t3, unit=w.first, actor=w.first_liaison, month=9, percent=40)
    accepted(w, task=w.t3, unit=second, actor=second_liaison, month=9, percent=70)
    assert state(w.t3).percent == 40

    client.force_login(w.office)
    response = client.post(reverse("tasks:task_host", args=[w.t3.pk]), {"unit": second.pk})
    assert response.status_code == 302
    assert state(w.t3).percent == state(w.t3, stored=False).percent == 70
    event = TaskEvent.objects.get(task=w.t3, kind=TaskEvent.Kind.HOST_CHANGED)
    assert event.changes[0]["old"] == w.first.name and event.changes[0]["new"] == second.name
    # Not a lead unit: refused with a message, nothing changed.
    responsible = w.t3.responsible_units[0]
    response = client.post(reverse("tasks:task_host", args=[w.t3.pk]), {"unit": responsible.pk})
    assert response.status_code == 200 and Task.objects.get(pk=w.t3.pk).host_unit == second
    # A liaison may not name the host.
    client.force_login(w.first_liaison)
    assert client.post(reverse("tasks:task_host", args=[w.t3.pk]), {"unit": w.first.pk}).status_code == 403


# --- task 3: 办结销号 ---------------------------------------------------------------------------------------------


def test_task_3_a_third_leads_claim_closes_nothing_and_it_may_not_ask_to_close(w, client):
    accepted(w, task=w.t3, unit=w.third, actor=w.third_liaison, month=10, percent=100, claims_complete=True)
    assert state(w.t3).status == "overdue" and not state(w.t3).is_complete  # deadline 2021, nothing closed

    with pytest.raises(PermissionDenied):
        closure_services.closure_request_submit(
            task=w.t3, unit=w.third, actor=w.third_liaison, summary="已完成", files=[check_file(pdf())]
        )
    client.force_login(w.third_liaison)
    assert client.get(reverse("tasks:closure_request", args=[w.t3.pk])).status_code == 403
    response = client.post(reverse("tasks:closure_request", args=[w.t3.pk]), {"summary": "已完成", "files": pdf()})
    assert response.status_code == 403
    assert not ClosureRequest.objects.exists() and not Attachment.objects.exists()


def test_task_3_without_a_file_is_refused_with_a_file_it_waits_then_is_closed_late_everywhere(w, client):
    client.force_login(w.first_liaison)
    url = reverse("tasks:closure_request", args=[w.t3.pk])
    response = client.post(url, {"summary": "三项工作均已完成"})
    assert response.status_code == 200
    assert "申请办结须上传至少一份佐证材料" in response.content.decode()
    assert not ClosureRequest.objects.exists()

    response = client.post(url, {"summary": "三项工作均已完成", "files": [pdf(), pdf("现场照片.pdf")]})
    assert response.status_code == 302
    closure = ClosureRequest.objects.get()
    assert closure.state == "pending" and closure.attachments.count() == 2
    assert state(w.t3).status == state(w.t3, stored=False).status == "checking"
    assert not state(w.t3).is_complete

    # The office opens the evidence and closes the task: past its 2021 deadline, so 逾期办结.
    client.force_login(w.office)
    attachment = closure.attachments.first()
    download = client.get(reverse("tasks:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"] and ".pdf" in download["Content-Disposition"]
    response = client.post(
        reverse("tasks:closure_detail", args=[closure.pk]), {"decision": "close", "version": closure.version}
    )
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.state == "closed" and closure.closed_on == timezone.localdate()

    today = timezone.localdate()
    for as_of in (None, today):
        assert state(w.t3, as_of).status == "done_late"
    assert state(w.t3, stored=False).status == "done_late"
    # The day before (as-of views derive), nothing had been asked yet: overdue.
    assert state(w.t3, today - datetime.timedelta(days=1)).status == "overdue"

    page = client.get(reverse("tasks:task_detail", args=[w.t3.pk])).content.decode()
    assert "逾期办结" in page and "销号日期" in page
    listed = client.get(reverse("tasks:task_list"), {"status": "done_late"}).content.decode()
    assert f'href="{reverse("tasks:task_detail", args=[w.t3.pk])}' in listed
    assert (
        client.get(reverse("tasks:task_list"), {"status": "done"})
        .content.decode()
        .count(reverse("tasks:task_detail", args=[w.t3.pk]) + '"')
        == 0
    )

    # Dashboard: 按期 and 逾期办结 counted apart, stored and derived alike, and as of today.
    figures = selectors.dashboard()["overall"]
    assert (figures["done"], figures["done_late"]) == (0, 1)
    assert selectors.dashboard(today)["overall"]["done_late"] == 1
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "逾期办结" in dashboard
    # Unit tallies: stored equal derived; every lead unit of task 3 counts it as closed late.
    store.ensure_fresh()
    stored = {unit_id: late for unit_id, late in UnitTally.objects.values_list("unit_id", "done_late")}
    derived = dict(units_as_of(stored=False).values_list("pk", "done_late"))
    assert {k: v for k, v in stored.items() if v} == {k: v for k, v in derived.items() if v}
    assert stored[w.first.pk] == 1 and stored[w.third.pk] == 1

    # The bulletin: the row says 逾期办结 and the summary counts it apart.
    response = client.get(reverse("tasks:task_list"), {"export": "xlsx", "q": w.t3.text[:10]})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(cell.value) for row in book.worksheets[0].iter_rows() for cell in row if cell.value]
    assert "逾期办结" in cells
    assert any("逾期办结1项" in cell for cell in cells)


def test_a_returned_request_and_a_reopened_task_go_back_to_work(w):
    closure = closure_services.closure_request_submit(
        task=w.t3, unit=w.first, actor=w.first_liaison, summary="已完成", files=[check_file(pdf())]
    )
    with pytest.raises(ValidationError):
        closure_services.closure_return(closure=closure, actor=w.office, version=closure.version, reason=" ")
    closure_services.closure_return(closure=closure, actor=w.office, version=closure.version, reason="材料不全")
    assert state(w.t3).status == "overdue"
    again = closure_services.closure_request_submit(
        task=w.t3, unit=w.first, actor=w.first_liaison, summary="已补充", files=[check_file(pdf())]
    )
    closure_services.closure_close(closure=again, actor=w.office, version=again.version)
    assert state(w.t3).status == "done_late"
    with pytest.raises(PermissionDenied):
        closure_services.task_reopen(task=w.t3, actor=w.first_liaison, reason="想改")
    closure_services.task_reopen(task=w.t3, actor=w.office, reason="群众反映问题未解决")
    assert state(w.t3).status == state(w.t3, stored=False).status == "overdue"
    kinds = list(TaskEvent.objects.filter(task=w.t3).order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        "closure_requested",
        "closure_returned",
        "closure_requested",
        "closure_closed",
        "task_reopened",
    ]


def test_a_second_reviewer_gets_a_conflict(w, client):
    closure = closure_services.closure_request_submit(
        task=w.t3, unit=w.first, actor=w.first_liaison, summary="已完成", files=[check_file(pdf())]
    )
    version = closure.version
    closure_services.closure_close(closure=closure, actor=w.office, version=version)
    client.force_login(w.office)
    response = client.post(
        reverse("tasks:closure_detail", args=[closure.pk]), {"decision": "return", "version": version, "comment": "x"}
    )
    assert response.status_code == 409


# --- access to files ----------------------------------------------------------------------------------------------


def test_who_may_open_an_evidence_file(w, client):
    closure = closure_services.closure_request_submit(
        task=w.t3, unit=w.first, actor=w.first_liaison, summary="已完成", files=[check_file(pdf())]
    )
    url = reverse("tasks:attachment_download", args=[closure.attachments.get().pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page, never the file
    assert "/accounts/login/" in client.get(url)["Location"]
    for user, expected in (
        (w.office, 200),
        (w.leader, 200),
        (w.first_liaison, 200),
        (w.third_liaison, 200),  # another lead unit of the same task
        (w.other_liaison, 404),  # a unit without the task
    ):
        client.force_login(user)
        assert client.get(url).status_code == expected, user
    client.force_login(w.office)
    assert client.post(url).status_code == 405


def test_a_file_missing_from_storage_is_reported_not_a_500(w, client):
    closure = closure_services.closure_request_submit(
        task=w.t3, unit=w.first, actor=w.first_liaison, summary="已完成", files=[check_file(pdf())]
    )
    attachment = closure.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(w.office)
    response = client.get(reverse("tasks:attachment_download", args=[attachment.pk]))
    assert response.status_code == 410 and "文件已不在存储中" in response.content.decode()


# --- bad files: a clear message, nothing stored ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[name for name, _c, _m in BAD_FILES])
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_stored(w, client, name, content, message):
    client.force_login(w.first_liaison)
    response = client.post(
        reverse("tasks:closure_request", args=[w.t3.pk]),
        {"summary": "已完成", "files": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClosureRequest.objects.exists() and not Attachment.objects.exists()


def test_over_the_per_file_limit_is_refused(w, client, settings):
    settings.GOVTASKS_ATTACHMENT_MAX_FILE_BYTES = 1000
    client.force_login(w.first_liaison)
    response = client.post(
        reverse("tasks:closure_request", args=[w.t3.pk]),
        {"summary": "已完成", "files": pdf(content=PDF + b"0" * 2000)},
    )
    assert "超过每个文件的上限" in response.content.decode()
    assert not ClosureRequest.objects.exists()


def test_over_the_per_record_limit_is_refused(w, client, settings):
    settings.GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES = 1500
    client.force_login(w.first_liaison)
    response = client.post(
        reverse("tasks:closure_request", args=[w.t3.pk]),
        {"summary": "已完成", "files": [pdf(content=PDF + b"0" * 900), pdf("二.pdf", PDF + b"0" * 900)]},
    )
    assert "超过每份材料的上限" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_path_traversal_name_keeps_only_the_file_name_and_is_stored_under_a_generated_one(w):
    closure = closure_services.closure_request_submit(
        task=w.t3,
        unit=w.first,
        actor=w.first_liaison,
        summary="已完成",
        files=[check_file(pdf("../../etc/passwd.pdf")), check_file(pdf("..\\..\\win.ini.pdf"))],
    )
    names = sorted(closure.attachments.values_list("original_name", flat=True))
    assert names == ["passwd.pdf", "win.ini.pdf"]
    for attachment in closure.attachments.all():
        assert ".." not in attachment.file.name and attachment.file.name.startswith(f"{w.t3.pk}/")


def test_office_and_ofd_packages_and_images_are_accepted_by_content(w):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
        package.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    assert check_file(SimpleUploadedFile("公文.ofd", buffer.getvalue())).kind == "ofd"
    assert check_file(SimpleUploadedFile("照片.JPG", b"\xff\xd8\xff\xe0" + b"0" * 50)).kind == "jpeg"
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    assert check_file(SimpleUploadedFile("说明.docx", docx.getvalue())).kind == "docx"
    with pytest.raises(ValidationError, match="Word"):
        check_file(SimpleUploadedFile("说明.xlsx", docx.getvalue()))


def test_a_liaison_cannot_close_or_return_a_request_and_is_told_who_can(w):
    closure = closure_services.closure_request_submit(
        task=w.t3, unit=w.first, actor=w.first_liaison, summary="已完成", files=[check_file(pdf())]
    )
    for decide in (closure_services.closure_close, closure_services.closure_return):
        extra = {"reason": "材料不全"} if decide is closure_services.closure_return else {}
        with pytest.raises(PermissionDenied, match="^只有督查室可以核查办结申请。$"):
            decide(closure=closure, actor=w.first_liaison, version=closure.version, **extra)
    closure.refresh_from_db()
    assert closure.state == ClosureRequest.State.PENDING and state(w.t3).status == "checking"
