"""Writing and answering leaders' instructions, each in one transaction with its timeline entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import LeaderInstruction, ProgressReport, Task, TaskEvent
from ..permissions import Action
from ..progress.services import record, require_text

Event = TaskEvent.Kind


@transaction.atomic
def instruction_write(*, task: Task, actor, text: str, report: ProgressReport | None = None) -> LeaderInstruction:
    """A leader's instruction on `task` (or one of its reports), addressed to the task's 主办 unit."""
    if not permissions.may(actor, Action.INSTRUCT):
        raise PermissionDenied(_("只有领导可以作出批示。"))
    text = require_text(text, "text", _("请填写批示内容。"))
    if report is not None and report.task_id != task.pk:
        raise ValidationError(_("批示的报告不属于这项任务。"))
    unit = task.answering_unit
    if unit is None:
        raise ValidationError(_("第%(number)s项任务还没有牵头单位，批示无人落实。") % {"number": task.number})
    instruction = LeaderInstruction.objects.create(
        task=task, report=report, unit=unit, text=text, written_by=actor, written_at=timezone.now()
    )
    record(task=task, unit=unit, actor=actor, kind=Event.INSTRUCTED, note=text, instruction=instruction, report=report)
    return instruction


@transaction.atomic
def instruction_answer(*, instruction: LeaderInstruction, actor, reply: str) -> LeaderInstruction:
    """The unit's liaison answers the instruction (落实情况); it is closed from then on."""
    if not permissions.may(actor, Action.ANSWER_INSTRUCTION, instruction=instruction):
        raise PermissionDenied(_("只有%(unit)s的联络员可以答复这条批示。") % {"unit": instruction.unit})
    reply = require_text(reply, "reply", _("请填写落实情况。"))
    updated = LeaderInstruction.objects.filter(pk=instruction.pk, replied_at__isnull=True).update(
        reply=reply, replied_by=actor, replied_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("这条批示已经答复过了。"))
    instruction.refresh_from_db()
    record(
        task=instruction.task,
        unit=instruction.unit,
        actor=actor,
        kind=Event.INSTRUCTION_ANSWERED,
        note=reply,
        instruction=instruction,
    )
    return instruction
