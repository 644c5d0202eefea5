"""The workflow's events reach the unit as notices: 催办, 退回, 批示, 延期决定, 办结决定.

Each in the app for every liaison, by mail where one has an address (the outbox holds a Chinese
subject and body, dates written 2026年11月25日), and the page that caused a 催办 says what
really happened to the mail.
"""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from notices.models import Notice
from tasks.attachments.files import check_file
from tasks.closure import services as closure_services
from tasks.instructions import services as instruction_services
from tasks.progress import services
from tasks.tests.factories import make_workflow_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return make_workflow_world()


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def only_notice(**filters):
    (notice,) = Notice.objects.filter(**filters)
    return notice


def test_a_returned_report_is_noticed_with_its_reason(w):
    report = services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=w.today, done="完成用地报批", percent=40
    )
    services.progress_report_return(report=report, actor=w.office, version=report.version, reason="数据不全")
    notice = only_notice(kind=Notice.Kind.RETURNED)
    assert notice.recipient == w.liaison and notice.mail == Notice.Mail.SENT
    assert notice.link == reverse("tasks:report_resubmit", args=[report.pk])
    (message,) = mail.outbox
    assert message.subject == "【退回】进展报告被退回：第1项"
    assert "退回理由：数据不全" in message.body and "建设陶瓷产业园" in message.body


def test_an_accepted_report_notices_nobody(w):
    report = services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=w.today, done="完成用地报批", percent=40
    )
    services.progress_report_accept(report=report, actor=w.office, version=report.version)
    assert not Notice.objects.exists() and not mail.outbox


def test_an_extension_decision_is_noticed_with_the_new_deadline_as_a_chinese_date(w):
    new_deadline = w.own_task.deadline + datetime.timedelta(days=30)
    request = services.extension_request_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, new_deadline=new_deadline,
        reason="征地未完成", progress="已完成设计", percent=60,
    )  # fmt: skip
    services.extension_request_approve(request=request, actor=w.office, version=request.version, reason="同意")
    notice = only_notice(kind=Notice.Kind.EXTENSION)
    assert notice.title == "同意延期：第1项"
    assert f"延至{chinese(new_deadline)}" in notice.body
    (message,) = mail.outbox
    assert f"由{chinese(w.own_task.deadline)}延至{chinese(new_deadline)}" in message.body
    assert message.subject == "【延期决定】同意延期：第1项"


def test_a_leaders_instruction_is_noticed_to_the_answering_unit(w):
    instruction = instruction_services.instruction_write(task=w.own_task, actor=w.leader, text="加快进度，月底前见效")
    notice = only_notice(kind=Notice.Kind.INSTRUCTION)
    assert notice.unit == w.dev and notice.link == reverse("tasks:instruction_detail", args=[instruction.pk])
    assert "加快进度，月底前见效" in mail.outbox[0].body
    assert f"领导批示（{chinese(w.today)}）" in mail.outbox[0].body


def test_closure_decisions_are_noticed(w):
    pdf = SimpleUploadedFile("验收报告.pdf", PDF, content_type="application/pdf")
    closure = closure_services.closure_request_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, summary="已完成", files=[check_file(pdf)]
    )
    closure_services.closure_return(closure=closure, actor=w.office, version=closure.version, reason="缺验收材料")
    returned = only_notice(kind=Notice.Kind.CLOSURE)
    assert returned.title == "办结申请被退回：第1项" and "缺验收材料" in returned.body
    pdf.seek(0)
    closure = closure_services.closure_request_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, summary="已完成", files=[check_file(pdf)]
    )
    closure_services.closure_close(closure=closure, actor=w.office, version=closure.version)
    closed = Notice.objects.filter(kind=Notice.Kind.CLOSURE).order_by("-pk").first()
    assert closed.title == "办结销号：第1项" and f"于{chinese(w.today)}办结销号" in closed.body
    closure_services.task_reopen(task=w.own_task, actor=w.office, reason="群众反映未完成")
    reopened = Notice.objects.filter(kind=Notice.Kind.CLOSURE).order_by("-pk").first()
    assert reopened.title == "任务重新打开：第1项" and "群众反映未完成" in reopened.body
    assert len(mail.outbox) == 3


def test_a_notice_written_in_an_english_session_is_still_chinese(w, client):
    client.force_login(w.office)
    client.cookies["django_language"] = "en"
    services.reminder_send(unit=w.dev, actor=w.office)
    assert mail.outbox[0].subject.startswith("【催办】重点工作任务催办")


# --- the 催办 page says what really happened --------------------------------------------------------------------


def remind_from_the_page(w):
    client = Client()
    client.force_login(w.office)
    return client.post(reverse("tasks:reminders"), {"unit": w.dev.pk}, follow=True).content.decode()


def test_the_reminder_page_says_sent_only_when_the_mail_was_sent(w):
    page = remind_from_the_page(w)
    assert "邮件已发送至 dev@example.org" in page
    assert only_notice(kind=Notice.Kind.REMINDER).mail == Notice.Mail.SENT


def test_with_mail_to_the_console_the_page_says_in_the_app_only(w, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    page = remind_from_the_page(w)
    assert "邮件已发送" not in page and "仅站内通知" in page


def test_with_the_mail_server_down_the_page_says_it_will_retry_and_is_no_500(w, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    page = remind_from_the_page(w)
    assert "邮件已发送" not in page and "发往 dev@example.org 的邮件发送失败，将重试" in page
    assert only_notice(kind=Notice.Kind.REMINDER).mail == Notice.Mail.RETRYING


def test_with_the_worker_not_yet_run_the_page_says_queued(w, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = remind_from_the_page(w)
    assert "邮件已发送" not in page and "邮件待后台发送至 dev@example.org" in page
    assert not mail.outbox
