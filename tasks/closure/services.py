"""Business actions of who answers for a task and of closing it (办结销号).

Keyword-only functions, each in one transaction: check who acts (permissions.py), validate,
write, and record a TaskEvent on the task's timeline. A refused action stores nothing — no
row and no file. Errors as in tasks/services.py: PermissionDenied, ValidationError, Conflict.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..attachments.files import CheckedFile
from ..attachments.services import attach
from ..models import ClosureRequest, MemberAssignment, Task, TaskEvent, TaskUnit, Unit
from ..permissions import Action
from ..progress.services import Conflict, display_name, record, require_text, shown
from ..state import tasks_as_of
from .selectors import answering_unit, answers_for

Event = TaskEvent.Kind


@transaction.atomic
def task_host_name(*, task: Task, actor, unit: Unit) -> Task:
    """The office names which lead unit answers for the task (主办); logged on the timeline."""
    if not permissions.may(actor, Action.NAME_HOST):
        raise PermissionDenied(_("只有督查室可以指定主办单位。"))
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not TaskUnit.objects.filter(task=task, unit=unit, role=TaskUnit.Role.LEAD).exists():
        raise ValidationError({"unit": _("%(unit)s不是本任务的牵头单位，不能主办。") % {"unit": unit}})
    before = answering_unit(task)
    if before is not None and before.pk == unit.pk and task.host_unit_id == unit.pk:
        return task
    first = task.task_units.filter(role=TaskUnit.Role.LEAD).order_by("position").values_list("unit", flat=True).first()
    # Naming the first lead unit again is the default: stored as blank, so it follows the notice.
    Task.objects.filter(pk=task.pk).update(host_unit=None if unit.pk == first else unit)
    task.refresh_from_db()
    record(
        task=task,
        actor=actor,
        unit=unit,
        kind=Event.HOST_CHANGED,
        changes=[{"field": "host_unit", "label": _("主办单位"), "old": str(before or ""), "new": str(unit)}],
    )
    return task


def assignable_members(task: Task) -> dict[Unit, Unit]:
    """{member: collective} of the units the office may name for `task`: members of a collective named
    on it that are not named on it themselves (a named unit answers for the task already)."""
    named = TaskUnit.objects.filter(task=task).values("unit")
    memberships = (
        Unit.members.through.objects.filter(from_unit__in=named, from_unit__kind=Unit.Kind.COLLECTIVE)
        .exclude(to_unit__in=named)
        .select_related("from_unit", "to_unit")
        .order_by("to_unit__name", "from_unit__name")
    )
    found: dict[Unit, Unit] = {}
    for membership in memberships:
        found.setdefault(membership.to_unit, membership.from_unit)
    return found


@transaction.atomic
def member_assign(*, task: Task, actor, unit: Unit) -> MemberAssignment:
    """The office names a member of a collective on `task` for its share (点名承办): from now on the unit
    answers for the task (state.answerable_units) — its overdue and red count against it. Logged."""
    if not permissions.may(actor, Action.NAME_HOST):
        raise PermissionDenied(_("只有督查室可以指定集合单位的成员单位承办。"))
    task = Task.objects.select_for_update().get(pk=task.pk)
    collective = assignable_members(task).get(unit)
    if collective is None:
        raise ValidationError(
            {
                "unit": _("%(unit)s不是本任务所列集合单位的成员单位（或已直接列为本任务的单位），无需指定。")
                % {"unit": unit}
            }
        )
    if MemberAssignment.objects.filter(task=task, unit=unit, withdrawn_at__isnull=True).exists():
        raise ValidationError({"unit": _("%(unit)s已被指定承办本任务。") % {"unit": unit}})
    assignment = MemberAssignment.objects.create(
        task=task, unit=unit, collective=collective, assigned_by=actor, assigned_at=timezone.now()
    )
    record(
        task=task,
        actor=actor,
        unit=unit,
        kind=Event.MEMBER_ASSIGNED,
        changes=[{"field": "answerable", "label": _("承办单位"), "old": "", "new": f"{unit}（{collective}）"}],
    )
    return assignment


@transaction.atomic
def member_withdraw(*, task: Task, actor, unit: Unit) -> MemberAssignment:
    """The office withdraws its naming of `unit` (undo): the unit again only sees and reports its part. Logged;
    the row is kept, dated, so a view as of a day in between still counts it."""
    if not permissions.may(actor, Action.NAME_HOST):
        raise PermissionDenied(_("只有督查室可以撤销成员单位的承办指定。"))
    assignment = (
        MemberAssignment.objects.select_for_update()
        .select_related("collective")
        .filter(task=task, unit=unit, withdrawn_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise ValidationError({"unit": _("%(unit)s没有被指定承办本任务，无需撤销。") % {"unit": unit}})
    assignment.withdrawn_by, assignment.withdrawn_at = actor, timezone.now()
    assignment.save(update_fields=["withdrawn_by", "withdrawn_at"])
    record(
        task=task,
        actor=actor,
        unit=unit,
        kind=Event.MEMBER_WITHDRAWN,
        changes=[
            {"field": "answerable", "label": _("承办单位"), "old": f"{unit}（{assignment.collective}）", "new": ""}
        ],
    )
    return assignment


def _task_state(task):
    return tasks_as_of().values("status", "current_deadline", "is_complete").get(pk=task.pk)


@transaction.atomic
def closure_request_submit(*, task: Task, unit: Unit, actor, summary: str, files: list[CheckedFile]) -> ClosureRequest:
    """The 主办 unit asks to close the task (申请办结) with a summary and at least one evidence file.

    `files` are checked uploads (attachments.files.check_files). The task is 待核查 until the
    office decides; nothing about it is done yet.
    """
    if not permissions.may(actor, Action.REQUEST_CLOSURE, task, unit=unit):
        raise PermissionDenied(_("只有%(unit)s的联络员可以为本单位申请办结。") % {"unit": unit})
    if not answers_for(unit, task):
        raise PermissionDenied(
            _("第%(number)s项任务由%(host)s主办，只有主办单位可以申请办结。")
            % {"number": task.number, "host": answering_unit(task) or "—"}
        )
    summary = require_text(summary, "summary", _("请写明办结情况。"))
    if not files:
        raise ValidationError({"files": _("申请办结须上传至少一份佐证材料。")})
    state = _task_state(task)
    if state["is_complete"]:
        raise ValidationError(_("第%(number)s项任务已办结销号，无需再申请。") % {"number": task.number})
    if ClosureRequest.objects.filter(task=task, state=ClosureRequest.State.PENDING).exists():
        raise ValidationError(_("第%(number)s项任务已有一份待核查的办结申请。") % {"number": task.number})
    try:
        with transaction.atomic():
            closure = ClosureRequest.objects.create(
                task=task, unit=unit, summary=summary, requested_by=actor, requested_at=timezone.now()
            )
    except IntegrityError as error:
        raise Conflict(
            _("第%(number)s项任务刚刚已有人提交了办结申请，您的申请未保存。") % {"number": task.number}
        ) from error
    attach(files=files, task=task, actor=actor, closure=closure)
    record(
        task=task,
        unit=unit,
        actor=actor,
        kind=Event.CLOSURE_REQUESTED,
        changes=[{"field": "files", "label": _("佐证材料"), "old": "", "new": "、".join(f.name for f in files)}],
        note=summary,
        closure=closure,
    )
    return closure


def _decide(*, closure, actor, version, state, reason, closed_on=None):
    if not permissions.may(actor, Action.DECIDE_CLOSURE):
        raise PermissionDenied(_("只有督查室可以核查办结申请。"))
    updated = ClosureRequest.objects.filter(pk=closure.pk, version=version, state=ClosureRequest.State.PENDING).update(
        state=state,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_reason=reason,
        closed_on=closed_on,
        version=F("version") + 1,
    )
    if not updated:
        current = ClosureRequest.objects.select_related("decided_by").get(pk=closure.pk)
        if current.state == ClosureRequest.State.PENDING:
            raise Conflict(_("这份办结申请在您打开后已有变动，您的核查未保存。请刷新后重新核查。"), current=current)
        raise Conflict(
            _("这份办结申请已由%(who)s于%(when)s处理（%(decision)s），您的核查未保存。")
            % {
                "who": display_name(current.decided_by),
                "when": timezone.localtime(current.decided_at).strftime("%Y-%m-%d %H:%M"),
                "decision": current.get_state_display(),
            },
            current=current,
        )
    closure.refresh_from_db()
    return closure


@transaction.atomic
def closure_close(*, closure: ClosureRequest, actor, version: int, comment: str = "") -> ClosureRequest:
    """核查通过: the office has checked the evidence and closes the task today (销号). After the task's
    current deadline it is 逾期办结 — said on the timeline too."""
    today = timezone.localdate()
    deadline = _task_state(closure.task)["current_deadline"]
    closure = _decide(
        closure=closure,
        actor=actor,
        version=version,
        state=ClosureRequest.State.CLOSED,
        reason=(comment or "").strip(),
        closed_on=today,
    )
    late = today > deadline
    record(
        task=closure.task,
        unit=closure.unit,
        actor=actor,
        kind=Event.CLOSURE_CLOSED,
        changes=[
            {
                "field": "status",
                "label": _("状态"),
                "old": Task.Status.CHECKING.label,
                "new": (Task.Status.DONE_LATE if late else Task.Status.DONE).label,
            },
            {"field": "closed_on", "label": _("销号日期"), "old": "", "new": shown(today)},
        ],
        note=closure.decision_reason,
        closure=closure,
    )
    return closure


@transaction.atomic
def closure_return(*, closure: ClosureRequest, actor, version: int, reason: str) -> ClosureRequest:
    """退回: the evidence does not show the task done; the unit carries on and may ask again."""
    if not permissions.may(actor, Action.DECIDE_CLOSURE):
        raise PermissionDenied(_("只有督查室可以核查办结申请。"))
    reason = require_text(reason, "reason", _("退回办结申请时请写明理由。"))
    closure = _decide(closure=closure, actor=actor, version=version, state=ClosureRequest.State.RETURNED, reason=reason)
    record(task=closure.task, unit=closure.unit, actor=actor, kind=Event.CLOSURE_RETURNED, note=reason, closure=closure)
    return closure


@transaction.atomic
def task_reopen(*, task: Task, actor, reason: str) -> ClosureRequest:
    """The office reopens a closed task with a reason; the 主办 unit reports and asks to close again."""
    if not permissions.may(actor, Action.DECIDE_CLOSURE):
        raise PermissionDenied(_("只有督查室可以重新打开已办结的任务。"))
    reason = require_text(reason, "reason", _("重新打开任务时请写明理由。"))
    closure = ClosureRequest.objects.select_for_update().filter(task=task, state=ClosureRequest.State.CLOSED).first()
    if closure is None:
        raise ValidationError(_("第%(number)s项任务没有办结销号，无需重新打开。") % {"number": task.number})
    ClosureRequest.objects.filter(pk=closure.pk).update(
        state=ClosureRequest.State.REOPENED,
        reopened_by=actor,
        reopened_at=timezone.now(),
        reopen_reason=reason,
        version=F("version") + 1,
    )
    closure.refresh_from_db()
    record(
        task=task,
        unit=closure.unit,
        actor=actor,
        kind=Event.TASK_REOPENED,
        changes=[{"field": "closed_on", "label": _("销号日期"), "old": shown(closure.closed_on), "new": ""}],
        note=reason,
        closure=closure,
    )
    return closure
