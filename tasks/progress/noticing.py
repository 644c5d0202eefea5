"""The workflow's events as notices to the units concerned (notices.services).

Called by the service functions inside their transactions, right after the event's timeline
row. Texts are written in Chinese whatever language the actor's page is in — they are read by
the unit, in the app and in its mailbox — with dates as 2026年11月25日.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from notices.models import Notice
from notices.services import NoticeResult, chinese_date, notify_unit, source_of

from ..models import ClosureRequest, ExtensionRequest, LeaderInstruction, ProgressReport, Reminder, Task


def _task_line(task: Task) -> str:
    return f"第{task.label}项：{task.text}"


def reminder_noticed(reminder: Reminder) -> NoticeResult:
    """催办: the reminder's own text (the tasks unreported and overdue) to the unit's liaisons."""
    with translation.override(settings.LANGUAGE_CODE):
        return notify_unit(
            reminder.unit,
            Notice.Kind.REMINDER,
            f"重点工作任务催办（{chinese_date(timezone.localdate(reminder.sent_at))}）",
            reminder.message,
            reverse("tasks:todo"),
            source=source_of(reminder),
        )


def report_returned_noticed(report: ProgressReport) -> NoticeResult:
    """退回: the office returned a progress report; the unit corrects and sends it again."""
    with translation.override(settings.LANGUAGE_CODE):
        body = "\n".join(
            [
                _task_line(report.task),
                f"{report.period.year}年{report.period.month}月的进展报告已被督查室退回。",
                f"退回理由：{report.review_comment}",
                "请修改后重新报送。",
            ]
        )
        return notify_unit(
            report.unit,
            Notice.Kind.RETURNED,
            f"进展报告被退回：第{report.task.label}项",
            body,
            reverse("tasks:report_resubmit", args=[report.pk]),
            source=source_of(report),
        )


def instruction_noticed(instruction: LeaderInstruction) -> NoticeResult:
    """批示: a leader's instruction to the unit that answers for the task, to be answered (落实情况)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = "\n".join(
            [
                _task_line(instruction.task),
                f"领导批示（{chinese_date(timezone.localdate(instruction.written_at))}）：{instruction.text}",
                "请落实并在系统中答复落实情况。",
            ]
        )
        return notify_unit(
            instruction.unit,
            Notice.Kind.INSTRUCTION,
            f"领导批示：第{instruction.task.label}项",
            body,
            reverse("tasks:instruction_detail", args=[instruction.pk]),
            source=source_of(instruction),
        )


def extension_decided_noticed(request: ExtensionRequest) -> NoticeResult:
    """延期决定: the office approved (the new deadline) or refused (the reason) an extension."""
    approved = request.state == ExtensionRequest.State.APPROVED
    with translation.override(settings.LANGUAGE_CODE):
        if approved:
            lines = [
                f"延期申请已同意，完成时限由{chinese_date(request.old_deadline)}"
                f"延至{chinese_date(request.new_deadline)}。"
            ]
        else:
            lines = [f"延期申请未获同意，完成时限仍为{chinese_date(request.old_deadline)}。"]
        if request.decision_reason:
            lines.append(f"审批意见：{request.decision_reason}")
        return notify_unit(
            request.unit,
            Notice.Kind.EXTENSION,
            f"{'同意' if approved else '不同意'}延期：第{request.task.label}项",
            "\n".join([_task_line(request.task), *lines]),
            reverse("tasks:extension_detail", args=[request.pk]),
            source=source_of(request),
        )


def closure_decided_noticed(closure: ClosureRequest) -> NoticeResult:
    """办结决定: closed (销号, on its day), returned (the reason) or reopened (the reason)."""
    state = closure.state
    with translation.override(settings.LANGUAGE_CODE):
        if state == ClosureRequest.State.CLOSED:
            title = f"办结销号：第{closure.task.label}项"
            lines = [f"督查室已核查通过，于{chinese_date(closure.closed_on)}办结销号。"]
            reason = closure.decision_reason
        elif state == ClosureRequest.State.RETURNED:
            title = f"办结申请被退回：第{closure.task.label}项"
            lines = ["办结申请未通过核查，已退回，请继续推进后再申请办结。"]
            reason = closure.decision_reason
        else:
            title = f"任务重新打开：第{closure.task.label}项"
            lines = ["已办结的任务被督查室重新打开，请继续报送进展，完成后再申请办结。"]
            reason = closure.reopen_reason
        if reason:
            lines.append(f"意见：{reason}")
        return notify_unit(
            closure.unit,
            Notice.Kind.CLOSURE,
            title,
            "\n".join([_task_line(closure.task), *lines]),
            reverse("tasks:closure_detail", args=[closure.pk]),
            source=f"{source_of(closure)}:{state}",
        )
