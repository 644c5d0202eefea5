"""Business actions of the workflow: plans, progress reports, reviews, extensions, reminders, assignment.

Each function takes keyword-only arguments, checks who acts (permissions.py), validates,
writes, and records a TaskEvent row — all in one transaction, so a refused action stores
nothing and an accepted one always leaves its trace on the task's timeline. Views,
commands and tests call these same functions.

Errors: `PermissionDenied` when the actor may not do this at all, `ValidationError` for
bad input (with a message a user can act on), `Conflict` when someone else changed the
record since the actor loaded it (the message says who changed what).
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import permissions, report_months
from ..attachments.files import CheckedFile
from ..attachments.services import attach
from ..models import (
    ExtensionRequest,
    Milestone,
    ProgressReport,
    Reminder,
    Task,
    TaskEvent,
    TaskUnit,
    Unit,
    UnitLiaison,
    UnitPlan,
)
from ..state import tasks_as_of
from ..state.derive import first_of_month
from .selectors import unit_duties

Event = TaskEvent.Kind


class Conflict(Exception):  # noqa: N818 — the domain's word: an edit conflict
    """Someone else changed the record since the actor loaded it; nothing was saved.

    `message` names who changed what and when; `changes` are that person's changes
    ({"label", "old", "new"} dicts) when known; `current` is the record as it is now.
    """

    def __init__(self, message, *, current=None, changes=()):
        super().__init__(message)
        self.message = message
        self.current = current
        self.changes = plain(changes)


# --- small helpers ---------------------------------------------------------------------------------------------


def shown(value):
    """A value as the timeline shows it: dates in the house style, booleans as 是/否, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.date):
        return date_format(value, _("Y年n月j日"))
    return str(value)


def display_name(user):
    return (user.get_full_name() or user.get_username()) if user else _("系统")


def field_changes(old, new, fields, model):
    """[{"field", "label", "old", "new"}] for each of `fields` whose value differs between the dicts."""
    # A report's period is a month, stored as its first day: shown as 2021年7月, not 2021年7月1日.
    show = {"period": shown_month}
    return [
        {
            "field": name,
            "label": str(model._meta.get_field(name).verbose_name),
            "old": show.get(name, shown)(old.get(name)),
            "new": show.get(name, shown)(new.get(name)),
        }
        for name in fields
        if old.get(name) != new.get(name)
    ]


def shown_month(value):
    return date_format(value, _("Y年n月")) if value else ""


def plain(changes):
    """Changes with every value as plain text (translated labels are lazy objects JSON cannot store)."""
    return [{key: str(value) for key, value in change.items()} for change in changes]


def record(*, task, kind, actor, unit=None, changes=(), note="", **links):
    return TaskEvent.objects.create(
        task=task, unit=unit, actor=actor, at=timezone.now(), kind=kind, changes=plain(changes), note=note, **links
    )


def files_change(files: Sequence[CheckedFile]) -> dict[str, str]:
    """The timeline's line for files attached to a record: their names as uploaded."""
    return {"field": "files", "label": _("附件"), "old": "", "new": "、".join(checked.name for checked in files)}


def require_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def require_percent(value, field="percent"):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError({field: _("完成百分比应为0到100之间的整数，收到的是“%(value)s”。") % {"value": value}})
    return value


def require_unit_has_task(unit: Unit, task: Task) -> None:
    if not permissions.unit_has_task(unit, task):
        raise ValidationError(
            _("%(unit)s不承担第%(number)s项任务，不能就此报送。") % {"unit": unit, "number": task.number}
        )


def current_deadline(task: Task, as_of: datetime.date | None = None) -> datetime.date:
    """The task's deadline as it stands on `as_of` (after approved extensions)."""
    return tasks_as_of(as_of).values_list("current_deadline", flat=True).get(pk=task.pk)


# --- progress reports ------------------------------------------------------------------------------------------

REPORT_FIELDS = ("period", "done", "problems", "next_steps", "percent", "claims_complete")


@transaction.atomic
def progress_report_submit(
    *,
    task: Task,
    unit: Unit,
    actor: User,
    period: datetime.date,
    done: str,
    percent: int,
    problems: str = "",
    next_steps: str = "",
    claims_complete: bool = False,
    resubmission_of: ProgressReport | None = None,
    files: Sequence[CheckedFile] = (),
) -> ProgressReport:
    """A liaison reports its unit's progress on a task for one month; returns the new ProgressReport.

    `period` is any day of the month reported on. When a returned report of the same
    month exists (or `resubmission_of` names one), the new report is its correction and
    links back to it; the returned report itself is never changed or deleted.
    """
    require_unit_has_task(unit, task)
    if not permissions.may(actor, permissions.Action.REPORT, unit=unit):
        raise PermissionDenied(_("只有%(unit)s的联络员可以报送本单位的进展。") % {"unit": unit})
    if not isinstance(period, datetime.date):
        raise ValidationError({"period": _("请选择报告月份。")})
    period = first_of_month(period)
    this_month = first_of_month(timezone.localdate())
    if period > this_month:
        raise ValidationError(
            {"period": _("报告月份%(period)s还没有到，不能提前报送。") % {"period": period.strftime("%Y-%m")}}
        )
    if period < first_of_month(task.document.issued_on):
        raise ValidationError(
            {"period": _("报告月份%(period)s早于任务下达的月份。") % {"period": period.strftime("%Y-%m")}}
        )
    done = require_text(done, "done", _("请填写工作进展。"))
    percent = require_percent(percent)
    if claims_complete and percent != 100:
        raise ValidationError({"claims_complete": _("申报完成时，完成百分比应为100。")})

    # No row lock here: the unique constraints (one live report per month, one correction per
    # returned report) settle a race between two submissions, and the loser gets a Conflict.
    same_month = ProgressReport.objects.filter(task=task, unit=unit, period=period)
    live = same_month.exclude(state=ProgressReport.State.RETURNED).first()
    if live is not None:
        raise ValidationError(
            {
                "period": _("%(unit)s%(period)s的报告已于%(day)s提交，目前%(state)s；每月只能有一份有效报告。")
                % {
                    "unit": unit,
                    "period": period.strftime("%Y-%m"),
                    "day": shown(timezone.localdate(live.submitted_at)),
                    "state": live.get_state_display(),
                }
            }
        )
    if resubmission_of is None:
        resubmission_of = same_month.filter(state=ProgressReport.State.RETURNED, resubmission__isnull=True).first()
    elif (resubmission_of.task_id, resubmission_of.unit_id, resubmission_of.period) != (task.pk, unit.pk, period):
        raise ValidationError(_("更正的报告须是同一任务、同一单位、同一月份的报告。"))

    values = {
        "period": period,
        "done": done,
        "problems": (problems or "").strip(),
        "next_steps": (next_steps or "").strip(),
        "percent": percent,
        "claims_complete": bool(claims_complete),
    }
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                task=task,
                unit=unit,
                submitted_by=actor,
                submitted_at=timezone.now(),
                resubmission_of=resubmission_of,
                **values,
            )
    except IntegrityError as error:
        # The unique constraints close the race between the check above and this insert.
        raise Conflict(
            _("同一月份的报告刚刚已由他人提交，您的报告未保存。请刷新页面查看。"),
        ) from error
    if resubmission_of:
        old = {name: getattr(resubmission_of, name) for name in REPORT_FIELDS}
    else:
        # A first submission: every field that says something, as new.
        old = {name: value for name, value in values.items() if value == "" or value is False}
    changes = field_changes(old, values, REPORT_FIELDS, ProgressReport)
    if files:
        # Attached last, in this transaction: a refusal above stores no file (attachments.services.attach).
        attach(files=list(files), task=task, actor=actor, report=report)
        changes.append(files_change(files))
    record(
        task=task,
        unit=unit,
        actor=actor,
        kind=Event.REPORT_RESUBMITTED if resubmission_of else Event.REPORT_SUBMITTED,
        changes=changes,
        report=report,
    )
    return report


def progress_report_resubmit(
    *,
    report: ProgressReport,
    actor: User,
    done: str,
    percent: int,
    problems: str = "",
    next_steps: str = "",
    claims_complete: bool = False,
    files: Sequence[CheckedFile] = (),
) -> ProgressReport:
    """Correct a returned report and submit it again for the same month; returns the new report."""
    if report.state != ProgressReport.State.RETURNED:
        raise ValidationError(_("只有被退回的报告才能修改后重新提交。"))
    if ProgressReport.objects.filter(resubmission_of=report).exists():
        raise Conflict(_("这份被退回的报告已经重新提交过，不能再次提交。"), current=report.resubmission)
    return progress_report_submit(
        task=report.task,
        unit=report.unit,
        actor=actor,
        period=report.period,
        done=done,
        percent=percent,
        problems=problems,
        next_steps=next_steps,
        claims_complete=claims_complete,
        resubmission_of=report,
        files=files,
    )


def _review(*, report, actor, version, state, comment):
    if not permissions.may(actor, permissions.Action.REVIEW):
        raise PermissionDenied(_("只有督查室可以审核进展报告。"))
    now = timezone.now()
    updated = ProgressReport.objects.filter(pk=report.pk, version=version, state=ProgressReport.State.SUBMITTED).update(
        state=state, reviewed_by=actor, reviewed_at=now, review_comment=comment, version=F("version") + 1
    )
    if not updated:
        current = ProgressReport.objects.select_related("reviewed_by").get(pk=report.pk)
        if current.state == ProgressReport.State.SUBMITTED:
            message = _("这份报告在您打开后已有变动，您的审核未保存。请刷新后重新审核。")
        else:
            message = _("这份报告已由%(who)s于%(when)s%(decision)s，您的审核未保存。") % {
                "who": display_name(current.reviewed_by),
                "when": shown(timezone.localtime(current.reviewed_at).strftime("%Y-%m-%d %H:%M")),
                "decision": _("采纳") if current.state == ProgressReport.State.ACCEPTED else _("退回"),
            }
            if current.review_comment:
                message += _("审核意见：%(comment)s") % {"comment": current.review_comment}
        raise Conflict(
            message,
            current=current,
            changes=[
                {
                    "label": str(ProgressReport._meta.get_field("state").verbose_name),
                    "old": ProgressReport.State.SUBMITTED.label,
                    "new": current.get_state_display(),
                },
                {
                    "label": str(ProgressReport._meta.get_field("review_comment").verbose_name),
                    "old": "",
                    "new": current.review_comment,
                },
            ],
        )
    report.refresh_from_db()
    record(
        task=report.task,
        unit=report.unit,
        actor=actor,
        kind=Event.REPORT_ACCEPTED if state == ProgressReport.State.ACCEPTED else Event.REPORT_RETURNED,
        changes=[
            {
                "field": "state",
                "label": str(ProgressReport._meta.get_field("state").verbose_name),
                "old": ProgressReport.State.SUBMITTED.label,
                "new": report.get_state_display(),
            }
        ],
        note=comment,
        report=report,
    )
    return report


@transaction.atomic
def progress_report_accept(*, report: ProgressReport, actor: User, version: int, comment: str = "") -> ProgressReport:
    """The office accepts a submitted report: its percent and completion claim now count."""
    return _review(
        report=report,
        actor=actor,
        version=version,
        state=ProgressReport.State.ACCEPTED,
        comment=(comment or "").strip(),
    )


@transaction.atomic
def progress_report_return(*, report: ProgressReport, actor: User, version: int, reason: str) -> ProgressReport:
    """The office returns a submitted report with a reason; the unit corrects and resubmits it."""
    if not permissions.may(actor, permissions.Action.REVIEW):
        raise PermissionDenied(_("只有督查室可以审核进展报告。"))
    reason = require_text(reason, "comment", _("退回报告时请写明理由。"))
    return _review(report=report, actor=actor, version=version, state=ProgressReport.State.RETURNED, comment=reason)


# --- plans and milestones --------------------------------------------------------------------------------------

PLAN_FIELDS = ("responsible_name", "responsible_post", "responsible_phone", "plan")
PHONE_CHARACTERS = set("0123456789-+() ")


@dataclasses.dataclass
class MilestoneInput:
    """One milestone row of a plan form: `id` None for a new one; `remove` drops an existing one."""

    title: str
    due_on: datetime.date
    id: int | None = None
    percent: int | None = None
    done_on: datetime.date | None = None
    remove: bool = False


def milestone_label(title, due_on):
    return _("节点“%(title)s”（%(day)s）") % {"title": title, "day": shown(due_on)}


def _validate_plan(values, milestones):
    phone = values["responsible_phone"]
    if phone and not set(phone) <= PHONE_CHARACTERS:
        raise ValidationError({"responsible_phone": _("联系电话只能包含数字、空格和 - + ( )。")})
    today = timezone.localdate()
    for row in milestones:
        if row.remove:
            continue
        if not (row.title or "").strip():
            raise ValidationError(_("每个进度节点都要写明节点任务。"))
        if not isinstance(row.due_on, datetime.date):
            raise ValidationError(_("节点“%(title)s”缺少计划完成日期。") % {"title": row.title})
        if row.percent is not None:
            require_percent(row.percent, field="__all__")
        if row.done_on is not None and row.done_on > today:
            raise ValidationError(_("节点“%(title)s”的实际完成日期不能晚于今天。") % {"title": row.title})


def _plan_conflict(plan, version):
    """The Conflict for an edit made on version `version` of `plan`, with the changes made since."""
    newer = list(
        TaskEvent.objects.filter(task=plan.task, unit=plan.unit, kind=Event.PLAN_CHANGED).order_by("-at", "-pk")[
            : max(plan.version - version, 1)
        ]
    )
    changes = [change for event in reversed(newer) for change in event.changes]
    return Conflict(
        _(
            "%(unit)s的实施方案已由%(who)s于%(when)s修改（现为第%(current)s版，您编辑的是第%(yours)s版），"
            "您的修改未保存。请在下方当前内容的基础上重新修改。"
        )
        % {
            "unit": plan.unit,
            "who": display_name(plan.updated_by),
            "when": timezone.localtime(plan.updated_at).strftime("%Y-%m-%d %H:%M"),
            "current": plan.version,
            "yours": version,
        },
        current=plan,
        changes=changes,
    )


@transaction.atomic
def plan_update(
    *,
    task: Task,
    unit: Unit,
    actor: User,
    version: int,
    responsible_name: str = "",
    responsible_post: str = "",
    responsible_phone: str = "",
    plan: str = "",
    milestones: Sequence[MilestoneInput] = (),
) -> UnitPlan:
    """Save a unit's plan for a task (responsible person, plan text, milestones); returns the UnitPlan.

    `version` is the plan version the actor edited (0 for a plan that did not exist yet);
    if the plan has moved on since, nothing is saved and `Conflict` names the other change.
    """
    if not permissions.may(actor, permissions.Action.EDIT_PLAN, task, unit=unit):
        raise PermissionDenied(
            _("您不能修改%(unit)s在第%(number)s项任务上的实施方案。") % {"unit": unit, "number": task.number}
        )
    values = {
        "responsible_name": (responsible_name or "").strip(),
        "responsible_post": (responsible_post or "").strip(),
        "responsible_phone": (responsible_phone or "").strip(),
        "plan": (plan or "").strip(),
    }
    milestones = list(milestones)
    _validate_plan(values, milestones)
    now = timezone.now()
    existing = UnitPlan.objects.filter(task=task, unit=unit).select_related("updated_by", "task", "unit").first()
    if existing is None:
        if version != 0:
            raise ValidationError(_("表单数据无效（方案版本不符），请刷新页面后重试。"))
        old, live = dict.fromkeys(PLAN_FIELDS, ""), {}
    else:
        if version != existing.version:
            raise _plan_conflict(existing, version)
        old = {name: getattr(existing, name) for name in PLAN_FIELDS}
        live = {m.pk: m for m in existing.milestones.filter(removed_at__isnull=True)}
    changes = field_changes(old, values, PLAN_FIELDS, UnitPlan)
    milestone_changes, creates, updates, removals = _milestone_changes(live, milestones)
    changes += milestone_changes
    if existing is None:
        try:
            with transaction.atomic():
                current = UnitPlan.objects.create(task=task, unit=unit, updated_by=actor, updated_at=now, **values)
        except IntegrityError as error:
            raise _plan_conflict(
                UnitPlan.objects.select_related("updated_by").get(task=task, unit=unit), version
            ) from error
    else:
        if not changes:
            return existing
        # The version check and the write are one statement: of two concurrent saves on the
        # same version, the second updates no row and is told so.
        updated = UnitPlan.objects.filter(pk=existing.pk, version=version).update(
            version=F("version") + 1, updated_by=actor, updated_at=now, **values
        )
        if not updated:
            raise _plan_conflict(UnitPlan.objects.select_related("updated_by").get(pk=existing.pk), version)
        current = existing
        current.refresh_from_db()
    Milestone.objects.bulk_create([Milestone(plan=current, created_at=now, **fields) for fields in creates])
    for milestone, fields in updates:
        for name, value in fields.items():
            setattr(milestone, name, value)
        milestone.save(update_fields=list(fields))
    Milestone.objects.filter(pk__in=removals).update(removed_at=now)
    record(
        task=task,
        unit=unit,
        actor=actor,
        kind=Event.PLAN_CHANGED,
        changes=changes,
        note=_("第%(v)s版") % {"v": current.version},
    )
    return current


def _milestone_changes(live, rows):
    """(timeline changes, fields to create, (milestone, fields) to update, pks to remove) for milestone rows."""
    changes, creates, updates, removals = [], [], [], []
    for row in rows:
        fields = {
            "title": (row.title or "").strip(),
            "due_on": row.due_on,
            "percent": row.percent,
            "done_on": row.done_on,
        }
        if row.id is None:
            if row.remove:
                continue
            creates.append(fields)
            changes.append(
                {"field": "milestone", "label": _("新增进度节点"), "old": "", "new": _milestone_text(fields)}
            )
            continue
        milestone = live.get(row.id)
        if milestone is None:
            raise ValidationError(_("表单数据无效（进度节点不属于本方案），请刷新页面后重试。"))
        before = {name: getattr(milestone, name) for name in fields}
        label = milestone_label(milestone.title, milestone.due_on)
        if row.remove:
            removals.append(milestone.pk)
            changes.append(
                {"field": "milestone", "label": _("删除进度节点"), "old": _milestone_text(before), "new": ""}
            )
            continue
        differing = {name: value for name, value in fields.items() if before[name] != value}
        if differing:
            updates.append((milestone, differing))
            changes.append(
                {"field": "milestone", "label": label, "old": _milestone_text(before), "new": _milestone_text(fields)}
            )
    return changes, creates, updates, removals


def _milestone_text(fields):
    text = f"{fields['title']}，{_('计划')}{shown(fields['due_on'])}"
    if fields["percent"] is not None:
        text += f"，{_('目标')}{fields['percent']}%"
    if fields["done_on"]:
        text += f"，{_('已于')}{shown(fields['done_on'])}{_('完成')}"
    return text


# --- extension requests ----------------------------------------------------------------------------------------


@transaction.atomic
def extension_refusal(task: Task, today: datetime.date | None = None) -> str | None:
    """Why `task` takes no extension request now (done, or its deadline passed), or None.

    The form page asks this before showing the form, the service before saving: the same words.
    """
    today = today or timezone.localdate()
    state = tasks_as_of(today).values("current_deadline", "is_complete").get(pk=task.pk)
    if state["is_complete"]:
        return _("第%(number)s项任务已完成，无需延期。") % {"number": task.number}
    if today > state["current_deadline"]:
        return _("第%(number)s项任务的完成时限%(deadline)s已过，不再受理延期申请。") % {
            "number": task.number,
            "deadline": shown(state["current_deadline"]),
        }
    return None


@transaction.atomic
def extension_request_submit(
    *,
    task: Task,
    unit: Unit,
    actor: User,
    new_deadline: datetime.date,
    reason: str,
    progress: str,
    percent: int,
    files: Sequence[CheckedFile] = (),
) -> ExtensionRequest:
    """A liaison asks for a later deadline, before the current one has passed; returns the request."""
    require_unit_has_task(unit, task)
    if not permissions.may(actor, permissions.Action.REQUEST_EXTENSION, unit=unit):
        raise PermissionDenied(_("只有%(unit)s的联络员可以为本单位申请延期。") % {"unit": unit})
    today = timezone.localdate()
    state = tasks_as_of(today).values("current_deadline", "is_complete").get(pk=task.pk)
    deadline = state["current_deadline"]
    refusal = extension_refusal(task, today)
    if refusal:
        raise ValidationError(refusal)
    if not isinstance(new_deadline, datetime.date) or new_deadline <= deadline:
        raise ValidationError(
            {"new_deadline": _("申请的完成时限应晚于现在的时限%(deadline)s。") % {"deadline": shown(deadline)}}
        )
    reason = require_text(reason, "reason", _("请写明延期理由。"))
    progress = require_text(progress, "progress", _("请写明目前进展。"))
    percent = require_percent(percent)
    if ExtensionRequest.objects.filter(task=task, state=ExtensionRequest.State.PENDING).exists():
        raise ValidationError(_("第%(number)s项任务已有一份待审批的延期申请。") % {"number": task.number})
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                task=task,
                unit=unit,
                old_deadline=deadline,
                new_deadline=new_deadline,
                reason=reason,
                progress=progress,
                percent=percent,
                requested_by=actor,
                requested_at=timezone.now(),
            )
    except IntegrityError as error:
        raise Conflict(
            _("第%(number)s项任务刚刚已有人提交了延期申请，您的申请未保存。") % {"number": task.number}
        ) from error
    changes = [{"field": "deadline", "label": _("完成时限"), "old": shown(deadline), "new": shown(new_deadline)}]
    if files:
        attach(files=list(files), task=task, actor=actor, extension=request)
        changes.append(files_change(files))
    record(
        task=task,
        unit=unit,
        actor=actor,
        kind=Event.EXTENSION_REQUESTED,
        changes=changes,
        note=reason,
        extension=request,
    )
    return request


def _decide(*, request, actor, version, state, reason):
    if not permissions.may(actor, permissions.Action.DECIDE):
        raise PermissionDenied(_("只有督查室可以审批延期申请。"))
    updated = ExtensionRequest.objects.filter(
        pk=request.pk, version=version, state=ExtensionRequest.State.PENDING
    ).update(state=state, decided_by=actor, decided_at=timezone.now(), decision_reason=reason, version=F("version") + 1)
    if not updated:
        current = ExtensionRequest.objects.select_related("decided_by").get(pk=request.pk)
        if current.state == ExtensionRequest.State.PENDING:
            raise Conflict(_("这份延期申请在您打开后已有变动，您的审批未保存。请刷新后重新审批。"), current=current)
        raise Conflict(
            _("这份延期申请已由%(who)s于%(when)s审批（%(decision)s），您的审批未保存。")
            % {
                "who": display_name(current.decided_by),
                "when": timezone.localtime(current.decided_at).strftime("%Y-%m-%d %H:%M"),
                "decision": current.get_state_display(),
            },
            current=current,
            changes=[
                {
                    "label": _("审批结果"),
                    "old": ExtensionRequest.State.PENDING.label,
                    "new": current.get_state_display(),
                }
            ],
        )
    request.refresh_from_db()
    approved = state == ExtensionRequest.State.APPROVED
    record(
        task=request.task,
        unit=request.unit,
        actor=actor,
        kind=Event.EXTENSION_APPROVED if approved else Event.EXTENSION_REFUSED,
        changes=(
            [
                {
                    "field": "deadline",
                    "label": _("完成时限"),
                    "old": shown(request.old_deadline),
                    "new": shown(request.new_deadline),
                }
            ]
            if approved
            else []
        ),
        note=reason,
        extension=request,
    )
    return request


@transaction.atomic
def extension_request_approve(
    *, request: ExtensionRequest, actor: User, version: int, reason: str = ""
) -> ExtensionRequest:
    """The office approves: from now on the task's deadline is the requested one (the old one stays on record)."""
    return _decide(
        request=request,
        actor=actor,
        version=version,
        state=ExtensionRequest.State.APPROVED,
        reason=(reason or "").strip(),
    )


@transaction.atomic
def extension_request_refuse(*, request: ExtensionRequest, actor: User, version: int, reason: str) -> ExtensionRequest:
    """The office refuses with a reason; the deadline stays."""
    if not permissions.may(actor, permissions.Action.DECIDE):
        raise PermissionDenied(_("只有督查室可以审批延期申请。"))
    reason = require_text(reason, "reason", _("不同意延期时请写明理由。"))
    return _decide(request=request, actor=actor, version=version, state=ExtensionRequest.State.REFUSED, reason=reason)


# --- reminders ---------------------------------------------------------------------------------------------------


@transaction.atomic
def reminder_send(*, unit: Unit, actor: User) -> Reminder:
    """Remind a unit of what it has not reported this period and what is overdue; returns the Reminder.

    The reminder is recorded (and on each task's timeline) whether or not the e-mail goes
    out; a failed e-mail is kept on the record so the office knows to phone instead.
    """
    if not permissions.may(actor, permissions.Action.REMIND):
        raise PermissionDenied(_("只有督查室可以催办。"))
    today = timezone.localdate()
    period = report_months.owed_month(today).period
    duties = unit_duties(today, units=[unit])[unit.pk]
    tasks = {task.pk: task for task in [*duties.to_report, *duties.overdue]}
    if not tasks:
        raise ValidationError(_("%(unit)s本期没有未报送或逾期的任务，无需催办。") % {"unit": unit})
    lines = [_("%(unit)s：") % {"unit": unit}]
    if duties.to_report:
        lines.append(_("以下任务尚未报送%(period)s的进展：") % {"period": period.strftime("%Y-%m")})
        lines += [f"  {task.label}. {task.text}" for task in duties.to_report]
    if duties.overdue:
        lines.append(_("以下任务已逾期："))
        lines += [
            f"  {task.label}. {task.text}（{_('时限')}{shown(task.current_deadline)}）" for task in duties.overdue
        ]
    lines.append(_("请尽快报送。——区政府督查室"))
    message = "\n".join(lines)
    recipients = sorted(
        email
        for email in UnitLiaison.objects.filter(unit=unit, user__is_active=True).values_list("user__email", flat=True)
        if email
    )
    reminder = Reminder.objects.create(
        unit=unit,
        period=period,
        message=message,
        sent_by=actor,
        sent_at=timezone.now(),
        emailed_to=", ".join(recipients),
    )
    reminder.tasks.set(tasks.values())
    TaskEvent.objects.bulk_create(
        [
            TaskEvent(task=task, unit=unit, actor=actor, at=reminder.sent_at, kind=Event.REMINDED, reminder=reminder)
            for task in tasks.values()
        ]
    )
    if recipients:
        try:
            send_mail(_("重点工作任务催办"), message, settings.DEFAULT_FROM_EMAIL, recipients)
        except OSError as error:  # smtplib.SMTPException is an OSError
            reminder.email_error = str(error)
            reminder.save(update_fields=["email_error"])
    return reminder


# --- assigning units to meeting orders ---------------------------------------------------------------------------


def unit_roles_token(task: Task) -> str:
    """What the assignment form was built on: "lead:1,responsible:7,…" in document order."""
    return ",".join(
        f"{role}:{unit_id}"
        for role, unit_id in TaskUnit.objects.filter(task=task)
        .order_by("role", "position")
        .values_list("role", "unit_id")
    )


@transaction.atomic
def task_units_assign(
    *,
    task: Task,
    actor: User,
    lead_units: Sequence[Unit],
    responsible_units: Sequence[Unit] = (),
    seen: str,
) -> Task:
    """The office assigns a meeting order to units: `lead_units` answer for it, in order.

    `seen` is `unit_roles_token(task)` as the actor's form showed it; if the units have
    changed since, nothing is saved and `Conflict` says what they are now.
    """
    if not permissions.may(actor, permissions.Action.ASSIGN, task):
        if task.source != Task.Source.MEETING:
            raise ValidationError(_("责任分工通知中的任务由通知本身确定单位，不能在此分配。"))
        raise PermissionDenied(_("只有督查室可以分配承办单位。"))
    lead_units, responsible_units = list(lead_units), list(responsible_units)
    if not lead_units:
        raise ValidationError({"lead_units": _("请至少选择一个牵头单位。")})
    both = set(lead_units) & set(responsible_units)
    if both:
        raise ValidationError(
            _("同一单位不能既是牵头单位又是责任单位：%(units)s") % {"units": "、".join(u.name for u in both)}
        )
    if len(set(lead_units)) != len(lead_units) or len(set(responsible_units)) != len(responsible_units):
        raise ValidationError(_("同一单位只能选择一次。"))
    # Lock the task row so two assignments of the same order run one after the other.
    Task.objects.select_for_update().get(pk=task.pk)
    before = {
        role: [link.unit for link in task.task_units.select_related("unit").filter(role=role).order_by("position")]
        for role in TaskUnit.Role
    }
    if unit_roles_token(task) != seen:
        raise Conflict(
            _("承办单位已被他人修改为：牵头 %(lead)s；责任 %(responsible)s。您的分配未保存，请在此基础上重新分配。")
            % {
                "lead": "、".join(u.name for u in before[TaskUnit.Role.LEAD]) or "—",
                "responsible": "、".join(u.name for u in before[TaskUnit.Role.RESPONSIBLE]) or "—",
            }
        )
    after = {TaskUnit.Role.LEAD: lead_units, TaskUnit.Role.RESPONSIBLE: responsible_units}
    changes = [
        {
            "field": role.value,
            "label": _("牵头单位") if role == TaskUnit.Role.LEAD else _("责任单位"),
            "old": "、".join(u.name for u in before[role]),
            "new": "、".join(u.name for u in after[role]),
        }
        for role in TaskUnit.Role
        if before[role] != after[role]
    ]
    if not changes:
        return task
    TaskUnit.objects.filter(task=task).delete()
    TaskUnit.objects.bulk_create(
        [
            TaskUnit(task=task, unit=unit, role=role, position=position)
            for role, units in after.items()
            for position, unit in enumerate(units, start=1)
        ]
    )
    record(task=task, actor=actor, kind=Event.UNITS_ASSIGNED, changes=changes)
    return task


def task_edited_in_admin(*, task: Task, actor: User, changes: Iterable[tuple[str, Any, Any]]) -> None:
    """Record an administrator's edit of a task (field, before, after) on its timeline."""
    record(
        task=task,
        actor=actor,
        kind=Event.TASK_EDITED,
        changes=[
            {"field": name, "label": str(Task._meta.get_field(name).verbose_name), "old": shown(old), "new": shown(new)}  # type: ignore[union-attr]  # a field, never a relation
            for name, old, new in changes
        ],
    )


def liaison_create(*, user: User, unit: Unit, phone: str | None = None) -> User:
    """Link `user` to `unit` as its liaison (one unit per user), in the liaison group.

    `phone` (for the office to call) is set when given and otherwise left as it is.
    """
    from django.contrib.auth.models import Group  # noqa: PLC0415

    from ..roles import LIAISON, ensure_roles  # noqa: PLC0415

    if not isinstance(unit, Unit):
        raise ValidationError(_("请选择单位。"))
    if unit.is_collective:
        raise ValidationError(_("%(unit)s是集合单位，联络员应设在其成员单位。") % {"unit": unit})
    if not Group.objects.filter(name=LIAISON).exists():
        ensure_roles()
    values = {"unit": unit} if phone is None else {"unit": unit, "phone": phone.strip()}
    UnitLiaison.objects.update_or_create(user=user, defaults=values)
    user.groups.add(Group.objects.get(name=LIAISON))
    return user
