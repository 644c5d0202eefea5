"""The workflow pages: who may do what (the permission matrix), the journey from report to
acceptance as the lists show it, bad input and conflicts, and query-count ceilings."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import ExtensionRequest, ProgressReport, TaskEvent, UnitPlan
from tasks.progress import services
from tasks.public import services as public_services
from tasks.public import views as public_views
from tasks.state import store, tasks_as_of
from tasks.tests.factories import make_task, make_unit, make_user, make_workflow_world

pytestmark = pytest.mark.django_db

ROLES = ["office", "liaison", "town_liaison", "finance_liaison", "leader", "nobody", "anonymous"]


@pytest.fixture
def w():
    return make_workflow_world()


def client_for(w, role):
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(w, role))
    return client


def month(day):
    return day.strftime("%Y-%m")


def report_form(w, **fields):
    return {
        "period": month(w.today),
        "done": "完成用地报批",
        "problems": "",
        "next_steps": "",
        "percent": "40",
        **fields,
    }


def submitted_report(w):
    return services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=w.today, done="完成用地报批", percent=40
    )


def returned_report(w):
    report = submitted_report(w)
    return services.progress_report_return(report=report, actor=w.office, version=report.version, reason="请补充")


def pending_extension(w):
    return services.extension_request_submit(
        task=w.own_task,
        unit=w.dev,
        actor=w.liaison,
        new_deadline=w.own_task.deadline + datetime.timedelta(days=30),
        reason="征地",
        progress="设计完成",
        percent=50,
    )


def status_of(response):
    return response.status_code


# --- the permission matrix ------------------------------------------------------------------------------------------
#
# Each row: an action, and the status each role gets. "own" is the liaison of 区发改委 on its
# own task; town_liaison has the task through 各乡镇（街道）; finance_liaison is another unit.

MATRIX = {
    #                            office liaison town finance leader nobody anonymous
    "submit form": ([403, 200, 200, 403, 403, 403, 302]),
    "submit report": ([403, 302, 302, 403, 403, 403, 302]),
    "report page": ([200, 200, 200, 200, 200, 200, 302]),
    "review": ([302, 403, 403, 403, 403, 403, 302]),
    "resubmit form": ([403, 200, 403, 403, 403, 403, 302]),
    "own plan form": ([403, 200, 200, 403, 403, 403, 302]),
    "dev plan form": ([200, 200, 403, 403, 403, 403, 302]),
    "save dev plan": ([302, 302, 403, 403, 403, 403, 302]),
    "extension form": ([403, 200, 200, 403, 403, 403, 302]),
    "decide extension": ([302, 403, 403, 403, 403, 403, 302]),
    "review queue": ([200, 403, 403, 403, 403, 403, 302]),
    "reminders": ([200, 403, 403, 403, 403, 403, 302]),
    "send reminder": ([302, 403, 403, 403, 403, 403, 302]),
    "to-do": ([403, 200, 200, 200, 403, 403, 302]),
    "assign form": ([200, 403, 403, 403, 403, 403, 302]),
    "task page": ([200, 200, 200, 200, 200, 200, 302]),
}


def perform(w, client, action):
    own = w.own_task.pk
    if action == "submit form":
        return client.get(reverse("tasks:report_submit", args=[own]))
    if action == "submit report":
        return client.post(reverse("tasks:report_submit", args=[own]), report_form(w))
    if action == "report page":
        return client.get(reverse("tasks:report_detail", args=[submitted_report(w).pk]))
    if action == "review":
        report = submitted_report(w)
        url = reverse("tasks:report_detail", args=[report.pk])
        return client.post(url, {"version": report.version, "decision": "accept", "comment": ""})
    if action == "resubmit form":
        return client.get(reverse("tasks:report_resubmit", args=[returned_report(w).pk]))
    if action == "own plan form":
        return client.get(reverse("tasks:plan_edit", args=[own]))
    if action == "dev plan form":
        return client.get(reverse("tasks:plan_edit", args=[own]) + f"?unit={w.dev.pk}")
    if action == "save dev plan":
        return client.post(
            reverse("tasks:plan_edit", args=[own]) + f"?unit={w.dev.pk}",
            {
                "version": "0",
                "responsible_name": "张三",
                "milestones-TOTAL_FORMS": "0",
                "milestones-INITIAL_FORMS": "0",
            },
        )
    if action == "extension form":
        return client.get(reverse("tasks:extension_request", args=[own]))
    if action == "decide extension":
        extension = pending_extension(w)
        url = reverse("tasks:extension_detail", args=[extension.pk])
        return client.post(url, {"version": extension.version, "decision": "approve", "reason": ""})
    if action == "review queue":
        return client.get(reverse("tasks:review_queue"))
    if action == "reminders":
        return client.get(reverse("tasks:reminders"))
    if action == "send reminder":
        return client.post(reverse("tasks:reminders"), {"unit": w.dev.pk})
    if action == "to-do":
        return client.get(reverse("tasks:todo"))
    if action == "assign form":
        return client.get(reverse("tasks:assign_units", args=[w.meeting_task.pk]))
    if action == "task page":
        return client.get(reverse("tasks:task_detail", args=[own]))
    raise AssertionError(action)


@pytest.mark.parametrize(
    "action, role, expected",
    [(action, role, code) for action, codes in MATRIX.items() for role, code in zip(ROLES, codes, strict=True)],
)
def test_permission_matrix(w, action, role, expected):
    response = perform(w, client_for(w, role), action)
    assert response.status_code == expected, response.content.decode()[:500]
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "role, url_name, target",
    [
        ("liaison", "tasks:report_submit", "other_task"),
        ("liaison", "tasks:plan_edit", "other_task"),
        ("liaison", "tasks:extension_request", "other_task"),
        ("finance_liaison", "tasks:report_submit", "own_task"),
        ("office", "tasks:assign_units", "own_task"),  # a notice's units come from the notice
    ],
)
def test_nobody_acts_on_another_units_task(w, role, url_name, target):
    client = client_for(w, role)
    url = reverse(url_name, args=[getattr(w, target).pk])
    assert client.get(url).status_code == 403
    assert client.post(url, report_form(w)).status_code == 403
    assert not ProgressReport.objects.exists() and not UnitPlan.objects.exists()


def test_a_liaison_cannot_edit_another_units_plan_through_the_unit_parameter(w):
    client = client_for(w, "liaison")
    url = reverse("tasks:plan_edit", args=[w.own_task.pk]) + f"?unit={w.town.pk}"
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("unit, expected", [("abc", 403), ("99999", 404), ("", 403)])
def test_the_office_plan_unit_parameter_is_checked(w, unit, expected):
    client = client_for(w, "office")
    url = reverse("tasks:plan_edit", args=[w.own_task.pk]) + (f"?unit={unit}" if unit else "")
    assert client.get(url).status_code == expected


def test_the_office_cannot_edit_a_plan_of_a_unit_without_the_task(w):
    client = client_for(w, "office")
    assert client.get(reverse("tasks:plan_edit", args=[w.own_task.pk]) + f"?unit={w.finance.pk}").status_code == 403


@pytest.mark.parametrize(
    "url_name", ["tasks:report_submit", "tasks:plan_edit", "tasks:extension_request", "tasks:assign_units"]
)
def test_unknown_task_is_404(w, url_name):
    assert client_for(w, "office").get(reverse(url_name, args=[999999])).status_code == 404


@pytest.mark.parametrize("url_name", ["tasks:report_detail", "tasks:report_resubmit", "tasks:extension_detail"])
def test_unknown_record_is_404(w, url_name):
    assert client_for(w, "liaison").get(reverse(url_name, args=[999999])).status_code == 404


# --- the journey: submit, return, resubmit, accept ----------------------------------------------------------------


def test_submit_return_resubmit_accept_and_the_lists_show_it(w):
    liaison, office = client_for(w, "liaison"), client_for(w, "office")
    task_url = reverse("tasks:task_detail", args=[w.own_task.pk])

    # The liaison sees the task on its to-do list and reports on it.
    assert "建设陶瓷产业园" in liaison.get(reverse("dashboard")).content.decode()
    response = liaison.post(reverse("tasks:report_submit", args=[w.own_task.pk]), report_form(w, percent="40"))
    assert response.status_code == 302 and response["Location"] == task_url
    report = ProgressReport.objects.get()

    # The office finds it waiting and returns it with a reason.
    queue = office.get(reverse("tasks:review_queue")).content.decode()
    assert reverse("tasks:report_detail", args=[report.pk]) in queue
    review_url = reverse("tasks:report_detail", args=[report.pk])
    response = office.post(review_url, {"version": report.version, "decision": "return", "comment": "请补充投资额"})
    assert response.status_code == 302

    # The liaison sees the reason on its to-do list and resubmits a correction.
    todo = liaison.get(reverse("tasks:todo")).content.decode()
    assert "请补充投资额" in todo and reverse("tasks:report_resubmit", args=[report.pk]) in todo
    resubmit_url = reverse("tasks:report_resubmit", args=[report.pk])
    form = liaison.get(resubmit_url).content.decode()
    assert "请补充投资额" in form and "完成用地报批" in form
    response = liaison.post(resubmit_url, report_form(w, done="投资2亿元，完成用地报批", percent="45"))
    corrected = ProgressReport.objects.get(resubmission_of=report)
    assert response["Location"] == reverse("tasks:report_detail", args=[corrected.pk])

    # The office accepts the correction.
    response = office.post(
        reverse("tasks:report_detail", args=[corrected.pk]), {"version": corrected.version, "decision": "accept"}
    )
    assert response.status_code == 302

    # Task page, list and dashboard show the new state; the timeline has every step.
    task = tasks_as_of().get(pk=w.own_task.pk)
    assert (task.status, task.percent) == ("in_progress", 45)
    page = office.get(task_url).content.decode()
    kinds = re.findall(r'data-kind="([a-z_]+)"', page)
    assert kinds == ["report_accepted", "report_resubmitted", "report_returned", "report_submitted"]
    listing = office.get(reverse("tasks:task_list"), {"status": "in_progress"})
    assert [row.record.pk for row in listing.context["table"].page.object_list] == [w.own_task.pk]
    assert 'aria-valuenow="45"' in listing.content.decode()
    dashboard = office.get(reverse("dashboard")).context
    assert dashboard["overall"]["in_progress"] == 1


def test_plan_saved_from_the_form_shows_on_the_task_page(w):
    client = client_for(w, "liaison")
    url = reverse("tasks:plan_edit", args=[w.own_task.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": "0",
            "responsible_name": "张三",
            "responsible_post": "副主任",
            "responsible_phone": "0798-8888888",
            "plan": "分三步实施",
            "milestones-TOTAL_FORMS": "2",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "完成选址",
            "milestones-0-due_on": (w.today + datetime.timedelta(days=10)).isoformat(),
            "milestones-0-percent": "20",
            "milestones-1-title": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(reverse("tasks:task_detail", args=[w.own_task.pk])).content.decode()
    assert "张三" in page and "完成选址" in page and 'data-kind="plan_changed"' in page


def test_an_extension_through_the_pages_moves_the_deadline_on_the_list(w):
    liaison, office = client_for(w, "liaison"), client_for(w, "office")
    new_deadline = w.own_task.deadline + datetime.timedelta(days=30)
    response = liaison.post(
        reverse("tasks:extension_request", args=[w.own_task.pk]),
        {"new_deadline": new_deadline.isoformat(), "reason": "征地", "progress": "设计完成", "percent": "50"},
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    office.post(reverse("tasks:extension_detail", args=[extension.pk]), {"version": "1", "decision": "approve"})
    listing = office.get(reverse("tasks:task_list")).content.decode()
    assert f"{new_deadline.year}年{new_deadline.month}月{new_deadline.day}日" in listing
    assert "已延期" in listing


def test_a_reminder_from_the_page_is_recorded_and_shown(w, mailoutbox):
    client = client_for(w, "office")
    page = client.get(reverse("tasks:reminders")).content.decode()
    assert f'id="unit-{w.dev.pk}"' in page
    response = client.post(reverse("tasks:reminders"), {"unit": w.dev.pk}, follow=True)
    assert "dev@example.org" in response.content.decode()
    assert "本期已催办1次" in response.content.decode()
    assert len(mailoutbox) == 1
    assert TaskEvent.objects.filter(kind="reminded", task=w.own_task).exists()


def test_assigning_a_meeting_order_from_its_page(w):
    client = client_for(w, "office")
    response = client.post(
        reverse("tasks:assign_units", args=[w.meeting_task.pk]),
        {"seen": "", "lead_unit": w.finance.pk, "responsible_units": [w.dev.pk]},
    )
    assert response.status_code == 302
    assert [u.name for u in w.meeting_task.lead_units] == ["区财政局"]


# --- bad input and conflicts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"percent": "101"}, "100"),
        ({"percent": "-1"}, "0"),
        ({"percent": "abc"}, "整数"),
        ({"period": "2999-01"}, "还没有到"),
        ({"period": "2021-13"}, "年-月"),
        ({"done": ""}, "必填"),
        ({"percent": "90", "claims_complete": "on"}, "申报完成时"),
    ],
)
def test_bad_report_input_is_refused_with_a_message(w, fields, message):
    response = client_for(w, "liaison").post(
        reverse("tasks:report_submit", args=[w.own_task.pk]), report_form(w, **fields)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_script_in_a_report_is_shown_as_text(w):
    client = client_for(w, "liaison")
    client.post(reverse("tasks:report_submit", args=[w.own_task.pk]), report_form(w, done="<script>alert(1)</script>"))
    page = client.get(reverse("tasks:task_detail", args=[w.own_task.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "data", [{"version": "x", "decision": "accept"}, {"version": "1", "decision": "delete"}, {"decision": "accept"}]
)
def test_a_tampered_review_form_changes_nothing(w, data):
    report = submitted_report(w)
    response = client_for(w, "office").post(reverse("tasks:report_detail", args=[report.pk]), data)
    assert response.status_code == 200
    assert "表单数据无效" in response.content.decode() or "选择一个有效的选项" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"


def test_returning_without_a_reason_is_refused_on_the_page(w):
    report = submitted_report(w)
    response = client_for(w, "office").post(
        reverse("tasks:report_detail", args=[report.pk]), {"version": report.version, "decision": "return"}
    )
    assert "退回报告时请写明理由" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"


def test_the_second_reviewer_gets_a_409_naming_the_first(w):
    report = submitted_report(w)
    colleague = make_user("colleague", role="督查室")
    colleague.first_name = "王芳"
    colleague.save()
    url = reverse("tasks:report_detail", args=[report.pk])
    first, second = client_for(w, "office"), Client()
    second.force_login(colleague)
    # Both opened the page at version 1.
    assert first.post(url, {"version": "1", "decision": "return", "comment": "数据有误"}).status_code == 302
    response = second.post(url, {"version": "1", "decision": "accept"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "已由office于" in html and "退回" in html and "数据有误" in html


def test_a_stale_plan_edit_gets_a_409_with_the_other_change_and_keeps_the_current_plan(w):
    services.plan_update(task=w.own_task, unit=w.dev, actor=w.liaison, version=0, responsible_name="张三")
    services.plan_update(task=w.own_task, unit=w.dev, actor=w.office, version=1, responsible_name="李四")
    response = client_for(w, "liaison").post(
        reverse("tasks:plan_edit", args=[w.own_task.pk]),
        {
            "version": "1",
            "responsible_name": "张三",
            "responsible_phone": "13800000000",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "现为第2版，您编辑的是第1版" in html
    assert "<td>张三</td><td>李四</td>" in html  # the other's change: before → after
    assert "13800000000" in html  # what this user typed, to enter again
    assert 'name="version" value="2"' in html
    assert UnitPlan.objects.get().responsible_name == "李四"


def test_a_tampered_milestone_id_is_refused(w):
    other = services.plan_update(
        task=w.other_task,
        unit=w.finance,
        actor=w.finance_liaison,
        version=0,
        milestones=[services.MilestoneInput(title="拨付", due_on=w.today)],
    )
    response = client_for(w, "liaison").post(
        reverse("tasks:plan_edit", args=[w.own_task.pk]),
        {
            "version": "0",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-id": str(other.milestones.get().pk),
            "milestones-0-title": "篡改",
            "milestones-0-due_on": w.today.isoformat(),
        },
    )
    assert response.status_code == 200 and "表单数据无效" in response.content.decode()
    assert not UnitPlan.objects.filter(task=w.own_task).exists()


def test_an_extension_after_the_deadline_is_refused_on_the_page(w):
    w.own_task.deadline = w.today - datetime.timedelta(days=1)
    w.own_task.save()
    response = client_for(w, "liaison").post(
        reverse("tasks:extension_request", args=[w.own_task.pk]),
        {
            "new_deadline": (w.today + datetime.timedelta(days=30)).isoformat(),
            "reason": "x",
            "progress": "y",
            "percent": "50",
        },
        follow=True,
    )
    # Refused before any form: back on the task page with the reason.
    assert response.redirect_chain[-1][0] == w.own_task.get_absolute_url()
    assert "不再受理延期申请" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_reminder_for_a_tampered_unit_is_refused(w):
    response = client_for(w, "office").post(reverse("tasks:reminders"), {"unit": "abc"}, follow=True)
    assert "请选择要催办的单位" in response.content.decode()


# --- public disclosure ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "office"])
def test_the_public_page_does_not_exist_while_switched_off(w, role, settings):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = False
    client = client_for(w, role)
    assert client.get(reverse("tasks:public_task_list")).status_code == 404
    assert client.get(reverse("tasks:public_task_detail", args=[w.own_task.pk])).status_code == 404


def test_the_public_page_shows_only_what_the_office_published_in_its_own_words(w, settings):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    services.plan_update(
        task=w.own_task,
        unit=w.dev,
        actor=w.liaison,
        version=0,
        responsible_name="张三",
        responsible_phone="13912345678",
    )
    accepted = services.progress_report_submit(
        task=w.own_task,
        unit=w.dev,
        actor=w.liaison,
        period=w.today,
        done="单位报告的原文",
        percent=30,
        problems="内部问题",
    )
    services.progress_report_accept(report=accepted, actor=w.office, version=1, comment="内部审核意见")
    returned = services.progress_report_submit(
        task=w.own_task, unit=w.town, actor=w.town_liaison, period=w.today, done="被退回的内容", percent=90
    )
    services.progress_report_return(report=returned, actor=w.office, version=1, reason="退回理由")
    anonymous = Client()
    list_url, detail_url = reverse("tasks:public_task_list"), reverse("tasks:public_task_detail", args=[w.own_task.pk])

    # Nothing is public until the office publishes it; a meeting order is unpublished too.
    assert "建设陶瓷产业园" not in anonymous.get(list_url).content.decode()
    assert anonymous.get(detail_url).status_code == 404

    office = client_for(w, "office")
    edit_url = reverse("tasks:publication_edit", args=[w.own_task.pk])
    response = office.post(edit_url, {"text": "", "publish": "on"})
    assert response.status_code == 200 and "公开前请写好公开稿" in response.content.decode()
    assert office.post(edit_url, {"text": "产业园一期道路已通车。", "publish": "on"}).status_code == 302
    assert TaskEvent.objects.filter(task=w.own_task, kind="published").exists()
    for url in (list_url, detail_url):
        response = anonymous.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "建设陶瓷产业园" in html and "区发改委" in html and "产业园一期道路已通车。" in html and "30%" in html
        today = timezone.localdate()
        assert f"{today.year}年{today.month}月{today.day}日" in html  # the publication date, in the house style
        assert today.isoformat() not in html
        for secret in (
            "单位报告的原文",
            "内部审核意见",
            "内部问题",
            "被退回的内容",
            "退回理由",
            "张三",
            "13912345678",
            "office",
        ):
            assert secret not in html, secret
    assert "完成“七通一平”" not in anonymous.get(list_url).content.decode()

    # Withdrawn: gone again. Only the office decides.
    assert office.post(edit_url, {"text": "产业园一期道路已通车。"}).status_code == 302
    assert anonymous.get(detail_url).status_code == 404
    assert client_for(w, "liaison").post(edit_url, {"text": "自己写的", "publish": "on"}).status_code == 403
    assert client_for(w, "leader").get(edit_url).status_code == 403


def test_public_page_number_out_of_range_shows_the_last_page(w, settings, monkeypatch):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    monkeypatch.setattr(public_views, "PER_PAGE", 1)  # two published tasks: two pages
    for task in (w.own_task, w.other_task):
        public_services.publication_save(task=task, actor=w.office, text=f"{task.text}的公开稿", publish=True)

    def shown(page):
        response = Client().get(reverse("tasks:public_task_list"), {"page": page})
        assert response.status_code == 200
        html = response.content.decode()
        rows = [text for text in ("建设陶瓷产业园的公开稿", "盘活存量资金的公开稿") if text in html]
        position = re.search(r'<span class="page-link">(\d+) / (\d+)</span>', html)
        return rows, position.groups() if position else None, html

    # A bookmarked page 999999 after tasks were withdrawn: the last page, and the reader is told where.
    assert shown("999999")[:2] == (["盘活存量资金的公开稿"], ("2", "2"))
    assert shown("2")[:2] == (["盘活存量资金的公开稿"], ("2", "2"))
    # Not a number (a crafted link): the first page, and the value is not echoed into the page.
    rows, position, html = shown("<script>")
    assert (rows, position) == (["建设陶瓷产业园的公开稿"], ("1", "2"))
    assert "<script>" not in html and "&lt;script&gt;" not in html
    assert shown("0")[:2] == (["建设陶瓷产业园的公开稿"], ("1", "2"))


# --- query counts ----------------------------------------------------------------------------------------------------


def busy_world(w, numbers):
    """More tasks for 区发改委, each with a returned report, a plan with a milestone, and timeline rows."""
    for number in numbers:
        task = make_task(number, document=w.document, lead=[w.dev], deadline=w.own_task.deadline)
        report = services.progress_report_submit(
            task=task, unit=w.dev, actor=w.liaison, period=w.today, done="进展", percent=10
        )
        services.progress_report_return(report=report, actor=w.office, version=1, reason="补充")
        services.plan_update(
            task=task,
            unit=w.dev,
            actor=w.liaison,
            version=0,
            responsible_name="张三",
            milestones=[services.MilestoneInput(title="节点", due_on=w.today)],
        )
        make_unit(f"区测试局{number}")


@pytest.mark.parametrize(
    "role, url_name, ceiling",
    [
        # Measured; each includes the session, the user and the user's permissions, and one query
        # for each read of task states to see the stored ones hold (two on a task page: the
        # task and its neighbours in the list, which take three: the task's sort keys, the
        # row before and the row after), and one for the navigation's unread notices.
        # Every unit counted (selectors.owed_counts, with the members the office named), then the lists of
        # the page's units (unit_duties); and the units that have not acknowledged (签收).
        ("office", "tasks:reminders", 21),
        # A page and its count for each of reports, 办结 requests and extension requests (keyset pages).
        ("office", "tasks:review_queue", 11),
        # The navigation asks the user's permissions once; the unit's open leaders' instructions.
        # Two more for the unit's own figures beside the tasks' (one to see the stored states hold).
        ("liaison", "tasks:todo", 23),  # and its tasks to acknowledge (签收)
        ("liaison", "dashboard", 34),  # the figures and the unit's to-do list (with its tasks to acknowledge)
        # Three for the lagging units (selectors.lagging); one to see the stored task states hold.
        ("office", "dashboard", 23),
        ("office", "tasks:task_list", 10),  # the page's keys, then its rows (BaseTable.two_step_pages)
        # Three more for the units' matrix, the 办结 request (tasks/closure/) and the leaders'
        # instructions; a liaison's two more ask whether its unit holds the task (evidence
        # files) and answers for it; one for the members the office named (closure/selectors.unit_progress).
        ("office", "tasks:task_detail", 24),
        ("liaison", "tasks:task_detail", 27),
    ],
)
def test_workflow_pages_cost_the_same_for_many_rows(w, role, url_name, ceiling):
    client = client_for(w, role)
    url = reverse(url_name, args=[w.own_task.pk]) if url_name == "tasks:task_detail" else reverse(url_name)
    counts = []
    for numbers in (range(10, 11), range(11, 30)):
        busy_world(w, numbers)
        store.ensure_fresh()  # storing the changed tasks' states is counted in test_state_store.py
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= ceiling, counts


def test_task_page_costs_the_same_with_a_long_history(w):
    client = client_for(w, "office")
    url = reverse("tasks:task_detail", args=[w.own_task.pk])
    counts = []
    for rounds in (1, 10):
        for _ in range(rounds):
            report = services.progress_report_submit(
                task=w.own_task, unit=w.dev, actor=w.liaison, period=w.today, done="进展", percent=10
            )
            services.progress_report_return(report=report, actor=w.office, version=1, reason="补充")
            plan = UnitPlan.objects.filter(task=w.own_task, unit=w.dev).first()
            services.plan_update(
                task=w.own_task,
                unit=w.dev,
                actor=w.office,
                version=plan.version if plan else 0,
                responsible_name=f"张{rounds}{_}",
                milestones=[services.MilestoneInput(title=f"节点{_}", due_on=w.today)],
            )
        store.ensure_fresh()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
