"""The workflow's business actions: what they store, what they refuse, and what they record."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tasks import report_months
from tasks.models import ExtensionRequest, Milestone, ProgressReport, Reminder, TaskEvent, TaskUnit, UnitPlan
from tasks.progress import services
from tasks.progress.services import Conflict, MilestoneInput
from tasks.state import tasks_as_of
from tasks.tests.factories import make_unit, make_user, make_workflow_world

pytestmark = pytest.mark.django_db

Event = TaskEvent.Kind


@pytest.fixture
def w():
    return make_workflow_world()


def submit(w, *, task=None, unit=None, actor=None, **fields):
    values = {"period": w.today, "done": "完成用地报批", "percent": 40, **fields}
    return services.progress_report_submit(
        task=task or w.own_task, unit=unit or w.dev, actor=actor or w.liaison, **values
    )


def nothing_stored():
    return ProgressReport.objects.count() == 0 and TaskEvent.objects.count() == 0


def days(n):
    return datetime.timedelta(days=n)


# --- submitting -----------------------------------------------------------------------------------------------


def test_a_liaison_submits_for_its_unit(w):
    report = submit(w, problems="资金未到位", next_steps="下月开工")
    assert (report.task, report.unit, report.submitted_by) == (w.own_task, w.dev, w.liaison)
    assert report.period == w.today.replace(day=1)
    assert report.state == ProgressReport.State.SUBMITTED
    event = TaskEvent.objects.get()
    assert (event.kind, event.report, event.actor, event.unit) == (Event.REPORT_SUBMITTED, report, w.liaison, w.dev)
    assert {change["label"]: change["new"] for change in event.changes}["完成百分比"] == "40"


def test_a_member_of_a_collective_reports_on_the_collectives_task(w):
    report = submit(w, unit=w.town, actor=w.town_liaison)
    assert report.unit == w.town


@pytest.mark.parametrize("percent", [-1, 101, "50", 50.5, None, True])
def test_percent_outside_0_to_100_is_refused(w, percent):
    with pytest.raises(ValidationError, match="0到100"):
        submit(w, percent=percent)
    assert nothing_stored()


@pytest.mark.parametrize("percent", [0, 100])
def test_percent_at_its_bounds_is_accepted(w, percent):
    assert submit(w, percent=percent).percent == percent


def test_a_report_for_a_task_the_unit_does_not_have_is_refused(w):
    with pytest.raises(ValidationError, match="区发改委不承担第2项任务"):
        submit(w, task=w.other_task)
    assert nothing_stored()


@pytest.mark.parametrize("who", ["finance_liaison", "office", "leader", "nobody"])
def test_only_the_units_own_liaison_submits(w, who):
    with pytest.raises(PermissionDenied, match="只有区发改委的联络员"):
        submit(w, actor=getattr(w, who))
    assert nothing_stored()


def test_a_period_in_the_future_is_refused(w):
    next_month = (w.today.replace(day=28) + days(5)).replace(day=1)
    with pytest.raises(ValidationError, match="还没有到"):
        submit(w, period=next_month)
    assert nothing_stored()


def test_a_period_before_the_task_was_given_is_refused(w):
    with pytest.raises(ValidationError, match="早于任务下达"):
        submit(w, period=w.document.issued_on.replace(day=1) - days(1))
    assert nothing_stored()


def test_claiming_complete_needs_100_percent(w):
    with pytest.raises(ValidationError, match="申报完成时"):
        submit(w, percent=90, claims_complete=True)
    assert nothing_stored()


def test_empty_progress_text_is_refused(w):
    with pytest.raises(ValidationError, match="请填写工作进展"):
        submit(w, done="   ")
    assert nothing_stored()


def test_one_live_report_per_unit_and_month(w):
    submit(w)
    with pytest.raises(ValidationError, match="每月只能有一份有效报告"):
        submit(w, percent=60)
    assert ProgressReport.objects.count() == 1


# --- reviewing --------------------------------------------------------------------------------------------------


def test_the_office_accepts_and_the_percent_counts(w):
    report = submit(w, percent=40)
    services.progress_report_accept(report=report, actor=w.office, version=report.version, comment="同意")
    report.refresh_from_db()
    assert (report.state, report.reviewed_by, report.review_comment) == ("accepted", w.office, "同意")
    assert tasks_as_of().get(pk=w.own_task.pk).percent == 40
    assert TaskEvent.objects.filter(kind=Event.REPORT_ACCEPTED, report=report, note="同意").exists()


def test_returning_needs_a_reason(w):
    report = submit(w)
    with pytest.raises(ValidationError, match="请写明理由"):
        services.progress_report_return(report=report, actor=w.office, version=report.version, reason=" ")
    report.refresh_from_db()
    assert report.state == ProgressReport.State.SUBMITTED


@pytest.mark.parametrize("who", ["liaison", "leader", "nobody"])
def test_a_review_by_anyone_but_the_office_is_refused(w, who):
    report = submit(w)
    with pytest.raises(PermissionDenied, match="只有督查室"):
        services.progress_report_accept(report=report, actor=getattr(w, who), version=report.version)
    with pytest.raises(PermissionDenied, match="只有督查室"):
        services.progress_report_return(report=report, actor=getattr(w, who), version=report.version, reason="x")
    report.refresh_from_db()
    assert report.state == ProgressReport.State.SUBMITTED and report.reviewed_by is None
    assert not TaskEvent.objects.exclude(kind=Event.REPORT_SUBMITTED).exists()


def test_a_returned_report_is_corrected_and_resubmitted_and_never_changed(w):
    report = submit(w, percent=40, done="初稿")
    services.progress_report_return(report=report, actor=w.office, version=report.version, reason="请补充投资额")
    corrected = services.progress_report_resubmit(report=report, actor=w.liaison, done="投资2亿元", percent=45)
    report.refresh_from_db()
    assert (report.state, report.done, report.percent, report.review_comment) == (
        "returned",
        "初稿",
        40,
        "请补充投资额",
    )
    assert (corrected.resubmission_of, corrected.period, corrected.state) == (report, report.period, "submitted")
    event = TaskEvent.objects.get(kind=Event.REPORT_RESUBMITTED)
    changed = {change["label"]: (change["old"], change["new"]) for change in event.changes}
    assert changed == {"工作进展": ("初稿", "投资2亿元"), "完成百分比": ("40", "45")}


def test_a_returned_report_is_resubmitted_once(w):
    report = submit(w)
    services.progress_report_return(report=report, actor=w.office, version=report.version, reason="请补充")
    services.progress_report_resubmit(report=report, actor=w.liaison, done="补充后", percent=50)
    with pytest.raises(Conflict, match="已经重新提交过"):
        services.progress_report_resubmit(report=report, actor=w.liaison, done="又一次", percent=55)
    assert ProgressReport.objects.count() == 2


def test_only_a_returned_report_can_be_resubmitted(w):
    report = submit(w)
    with pytest.raises(ValidationError, match="只有被退回的报告"):
        services.progress_report_resubmit(report=report, actor=w.liaison, done="改", percent=50)


def test_a_new_report_for_a_month_with_a_returned_one_corrects_it(w):
    report = submit(w)
    services.progress_report_return(report=report, actor=w.office, version=report.version, reason="请补充")
    assert submit(w, percent=55).resubmission_of == report


def test_two_reviewers_of_one_report_the_second_gets_a_conflict_naming_the_first(w):
    report = submit(w)
    colleague = make_user("colleague", role="督查室")
    colleague.first_name = "王"
    colleague.last_name = "李"
    colleague.save()
    seen = report.version
    services.progress_report_return(report=report, actor=colleague, version=seen, reason="数据有误")
    with pytest.raises(Conflict) as conflict:
        services.progress_report_accept(report=report, actor=w.office, version=seen)
    assert "已由" in conflict.value.message and "退回" in conflict.value.message
    assert "数据有误" in conflict.value.message
    assert {"label": "状态", "old": "待审核", "new": "已退回"} in conflict.value.changes
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == ("returned", colleague)
    assert TaskEvent.objects.filter(kind__in=[Event.REPORT_ACCEPTED, Event.REPORT_RETURNED]).count() == 1


# --- plans and milestones -------------------------------------------------------------------------------------


def save_plan(w, *, actor=None, unit=None, version=0, milestones=(), **fields):
    values = {"responsible_name": "张三", "responsible_post": "副主任", "responsible_phone": "0798-8888888", **fields}
    return services.plan_update(
        task=w.own_task, unit=unit or w.dev, actor=actor or w.liaison, version=version, milestones=milestones, **values
    )


def test_a_liaison_writes_its_plan_with_milestones(w):
    plan = save_plan(
        w,
        plan="分三步实施",
        milestones=[MilestoneInput(title="完成选址", due_on=w.today + days(10), percent=20)],
    )
    assert (plan.version, plan.responsible_name, plan.plan, plan.updated_by) == (1, "张三", "分三步实施", w.liaison)
    assert [(m.title, m.percent) for m in plan.milestones.all()] == [("完成选址", 20)]
    event = TaskEvent.objects.get(kind=Event.PLAN_CHANGED)
    labels = [change["label"] for change in event.changes]
    assert labels == ["责任人", "职务", "联系电话", "实施方案", "新增进度节点"]


def test_editing_a_stale_plan_is_a_conflict_that_shows_the_other_change(w):
    plan = save_plan(w)
    save_plan(w, actor=w.office, version=plan.version, responsible_name="李四")
    with pytest.raises(Conflict) as conflict:
        save_plan(w, version=plan.version, responsible_phone="13800000000")
    assert "第2版" in conflict.value.message and "第1版" in conflict.value.message
    assert conflict.value.changes == [{"field": "responsible_name", "label": "责任人", "old": "张三", "new": "李四"}]
    plan.refresh_from_db()
    assert (plan.responsible_name, plan.responsible_phone, plan.version) == ("李四", "0798-8888888", 2)


def test_two_first_plans_for_one_task_and_unit_the_second_is_a_conflict(w):
    save_plan(w)
    with pytest.raises(Conflict, match="已由"):
        save_plan(w, actor=w.office, responsible_name="李四")
    assert UnitPlan.objects.get().responsible_name == "张三"


def test_saving_without_changes_keeps_the_version_and_writes_no_event(w):
    plan = save_plan(w)
    assert save_plan(w, version=plan.version).version == plan.version
    assert TaskEvent.objects.count() == 1


def test_milestones_change_and_removal_is_kept(w):
    plan = save_plan(w, milestones=[MilestoneInput(title="完成选址", due_on=w.today + days(10))])
    milestone = plan.milestones.get()
    plan = save_plan(
        w,
        version=plan.version,
        milestones=[MilestoneInput(id=milestone.pk, title="完成选址", due_on=w.today + days(10), done_on=w.today)],
    )
    assert plan.milestones.get().done_on == w.today
    plan = save_plan(
        w,
        version=plan.version,
        milestones=[MilestoneInput(id=milestone.pk, title="完成选址", due_on=w.today, remove=True)],
    )
    milestone.refresh_from_db()
    assert milestone.removed_at is not None
    assert plan.version == 3
    removal = TaskEvent.objects.filter(kind=Event.PLAN_CHANGED).order_by("-at", "-pk").first()
    assert removal.changes[0]["label"] == "删除进度节点" and "完成选址" in removal.changes[0]["old"]


def test_a_milestone_of_another_plan_is_a_tampered_form(w):
    other = services.plan_update(
        task=w.other_task,
        unit=w.finance,
        actor=w.finance_liaison,
        version=0,
        milestones=[MilestoneInput(title="拨付", due_on=w.today)],
    )
    plan = save_plan(w)
    foreign = other.milestones.get()
    with pytest.raises(ValidationError, match="表单数据无效"):
        save_plan(w, version=plan.version, milestones=[MilestoneInput(id=foreign.pk, title="篡改", due_on=w.today)])
    foreign.refresh_from_db()
    assert foreign.title == "拨付"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"responsible_phone": "<script>"}, "联系电话"),
        ({"milestones": [MilestoneInput(title="x", due_on=datetime.date(2021, 1, 1), percent=120)]}, "0到100"),
        ({"milestones": [MilestoneInput(title="", due_on=datetime.date(2021, 1, 1))]}, "节点任务"),
        ({"milestones": [MilestoneInput(title="x", due_on=None)]}, "计划完成日期"),
    ],
)
def test_bad_plan_input_stores_nothing(w, fields, message):
    with pytest.raises(ValidationError, match=message):
        save_plan(w, **fields)
    assert not UnitPlan.objects.exists() and not Milestone.objects.exists() and not TaskEvent.objects.exists()


def test_a_milestone_done_in_the_future_is_refused(w):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        save_plan(w, milestones=[MilestoneInput(title="x", due_on=w.today, done_on=w.today + days(1))])


@pytest.mark.parametrize("who", ["finance_liaison", "leader", "nobody", "town_liaison"])
def test_others_cannot_edit_a_units_plan(w, who):
    with pytest.raises(PermissionDenied):
        save_plan(w, actor=getattr(w, who))
    assert not UnitPlan.objects.exists()


def test_the_office_edits_any_units_plan(w):
    assert save_plan(w, actor=w.office, unit=w.town).unit == w.town


# --- extension requests ------------------------------------------------------------------------------------------


def ask(w, *, task=None, new_deadline=None, actor=None, unit=None, **fields):
    values = {"reason": "征地未完成", "progress": "已完成设计", "percent": 60, **fields}
    return services.extension_request_submit(
        task=task or w.own_task,
        unit=unit or w.dev,
        actor=actor or w.liaison,
        new_deadline=new_deadline or w.own_task.deadline + days(30),
        **values,
    )


def test_an_approved_extension_moves_the_deadline_and_keeps_the_old_one(w):
    request = ask(w)
    services.extension_request_approve(request=request, actor=w.office, version=request.version)
    task = tasks_as_of().get(pk=w.own_task.pk)
    assert task.current_deadline == w.own_task.deadline + days(30)
    assert task.deadline == w.own_task.deadline  # what the notice said stays
    request.refresh_from_db()
    assert (request.state, request.old_deadline) == ("approved", w.own_task.deadline)
    event = TaskEvent.objects.get(kind=Event.EXTENSION_APPROVED)
    assert event.changes[0]["label"] == "完成时限"
    # The day before the approval the old deadline held.
    assert tasks_as_of(w.today - days(1)).get(pk=w.own_task.pk).current_deadline == w.own_task.deadline


def test_an_extension_can_be_asked_on_the_deadline_day_but_not_after(w):
    w.own_task.deadline = w.today
    w.own_task.save()
    ask(w, new_deadline=w.today + days(10))
    w.other_task.deadline = w.today - days(1)
    w.other_task.save()
    with pytest.raises(ValidationError, match="已过，不再受理"):
        ask(w, task=w.other_task, unit=w.finance, actor=w.finance_liaison, new_deadline=w.today + days(10))
    assert ExtensionRequest.objects.count() == 1


def test_the_new_deadline_must_be_later(w):
    with pytest.raises(ValidationError, match="应晚于"):
        ask(w, new_deadline=w.own_task.deadline)
    assert not ExtensionRequest.objects.exists()


def test_one_pending_request_per_task(w):
    ask(w)
    with pytest.raises(ValidationError, match="待审批"):
        ask(w, unit=w.town, actor=w.town_liaison)


def test_refusing_needs_a_reason_and_keeps_the_deadline(w):
    request = ask(w)
    with pytest.raises(ValidationError, match="请写明理由"):
        services.extension_request_refuse(request=request, actor=w.office, version=request.version, reason="")
    services.extension_request_refuse(request=request, actor=w.office, version=request.version, reason="理由不充分")
    assert tasks_as_of().get(pk=w.own_task.pk).current_deadline == w.own_task.deadline
    assert TaskEvent.objects.get(kind=Event.EXTENSION_REFUSED).note == "理由不充分"


def test_only_the_office_decides_and_a_second_decision_is_a_conflict(w):
    request = ask(w)
    with pytest.raises(PermissionDenied):
        services.extension_request_approve(request=request, actor=w.liaison, version=request.version)
    services.extension_request_approve(request=request, actor=w.office, version=request.version)
    with pytest.raises(Conflict, match="已同意"):
        services.extension_request_refuse(request=request, actor=w.office, version=1, reason="不行")


def test_another_units_liaison_cannot_ask(w):
    with pytest.raises(PermissionDenied):
        ask(w, actor=w.finance_liaison)
    with pytest.raises(ValidationError, match="不承担"):
        ask(w, task=w.other_task)


# --- reminders -------------------------------------------------------------------------------------------------


def test_a_reminder_is_recorded_on_each_task_and_mailed_to_the_liaison(w):
    make_user("dev_second", role="单位联络员", unit=w.dev, email="second@example.org")
    reminder = services.reminder_send(unit=w.dev, actor=w.office)
    assert list(reminder.tasks.all()) == [w.own_task]
    assert TaskEvent.objects.get(kind=Event.REMINDED).reminder == reminder
    assert reminder.emailed_to == "dev@example.org, second@example.org"
    (message,) = mail.outbox
    assert message.to == ["dev@example.org", "second@example.org"]
    assert "建设陶瓷产业园" in message.body and reminder.message == message.body


def test_a_failed_email_still_records_the_reminder(w, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    reminder = services.reminder_send(unit=w.dev, actor=w.office)
    assert reminder.email_error and Reminder.objects.get().email_error == reminder.email_error


def test_no_reminder_when_nothing_is_owed(w):
    report = submit(w, period=report_months.owed_month(w.today).period)
    services.progress_report_accept(report=report, actor=w.office, version=report.version)
    with pytest.raises(ValidationError, match="无需催办"):
        services.reminder_send(unit=w.dev, actor=w.office)
    assert not Reminder.objects.exists()


def test_a_later_month_does_not_stand_in_for_the_month_owed(w):
    owed = report_months.owed_month(w.today)
    this_month = w.today.replace(day=1)
    if this_month == owed.period:
        pytest.skip("after the due day the owed month is the current month: no later month can be reported")
    submit(w, period=this_month)
    reminder = services.reminder_send(unit=w.dev, actor=w.office)
    assert w.own_task in reminder.tasks.all()
    assert reminder.period == owed.period


def test_only_the_office_reminds(w):
    with pytest.raises(PermissionDenied):
        services.reminder_send(unit=w.dev, actor=w.liaison)


# --- assigning meeting orders ------------------------------------------------------------------------------------


def test_the_office_assigns_a_meeting_order_and_the_unit_can_then_report(w):
    seen = services.unit_roles_token(w.meeting_task)
    services.task_units_assign(
        task=w.meeting_task, actor=w.office, lead_units=[w.finance], responsible_units=[w.dev], seen=seen
    )
    assert [(tu.role, tu.unit) for tu in w.meeting_task.task_units.order_by("role", "position")] == [
        ("lead", w.finance),
        ("responsible", w.dev),
    ]
    event = TaskEvent.objects.get(kind=Event.UNITS_ASSIGNED)
    assert {c["label"]: c["new"] for c in event.changes} == {"牵头单位": "区财政局", "责任单位": "区发改委"}
    report = submit(w, task=w.meeting_task, unit=w.finance, actor=w.finance_liaison)
    assert report.task == w.meeting_task


def test_assigning_on_a_stale_page_is_a_conflict(w):
    seen = services.unit_roles_token(w.meeting_task)
    services.task_units_assign(task=w.meeting_task, actor=w.office, lead_units=[w.finance], seen=seen)
    with pytest.raises(Conflict, match="牵头 区财政局"):
        services.task_units_assign(task=w.meeting_task, actor=w.office, lead_units=[w.dev], seen=seen)
    assert list(TaskUnit.objects.filter(task=w.meeting_task).values_list("unit__name", flat=True)) == ["区财政局"]


def test_a_notices_units_are_not_reassigned(w):
    with pytest.raises(ValidationError, match="由通知本身确定"):
        services.task_units_assign(
            task=w.own_task, actor=w.office, lead_units=[w.finance], seen=services.unit_roles_token(w.own_task)
        )


@pytest.mark.parametrize(
    "lead, responsible, message",
    [([], [], "至少选择一个牵头单位"), (["dev"], ["dev"], "既是牵头单位又是责任单位")],
)
def test_bad_assignments_are_refused(w, lead, responsible, message):
    with pytest.raises(ValidationError, match=message):
        services.task_units_assign(
            task=w.meeting_task,
            actor=w.office,
            lead_units=[getattr(w, name) for name in lead],
            responsible_units=[getattr(w, name) for name in responsible],
            seen="",
        )
    assert not TaskUnit.objects.filter(task=w.meeting_task).exists()


def test_only_the_office_assigns(w):
    with pytest.raises(PermissionDenied):
        services.task_units_assign(task=w.meeting_task, actor=w.liaison, lead_units=[w.dev], seen="")


def test_a_liaison_is_never_linked_to_a_collective(w):
    with pytest.raises(ValidationError, match="集合单位"):
        services.liaison_create(user=w.nobody, unit=w.towns)
    assert services.liaison_create(user=w.nobody, unit=make_unit("区教体局")).liaison.unit.name == "区教体局"
