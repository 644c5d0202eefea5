"""Who may see and change what. Views, selectors, services and templates ask `may()` and the
scoping functions here; nothing else decides, and nothing else calls Django's has_perm.

Every logged-in user reads every task (the notice and its progress are open inside the
government). Changing is narrower:

- the supervision office (督查室, permission tasks.supervise_task) acts on every task;
- a unit liaison (单位联络员, linked to one unit by UnitLiaison) acts only on the tasks its
  unit leads or shares, directly or through a collective it belongs to (各乡镇（街道）…);
- leaders (领导) and users without a role only read.

Which actions a role has at all is a Django permission (roles.py); the unit rule comes on top.
"""

from enum import StrEnum
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from .models import LeaderInstruction, ProgressReport, Task, TaskUnit, Unit
from .querysets import UnitQuerySet

# Whoever sends a request: a signed-in user (the project's User) or AnonymousUser.
AnyUser = User | AnonymousUser
T = TypeVar("T")


def is_office(user: AnyUser) -> bool:
    return user.is_active and user.has_perm("tasks.supervise_task")


def liaison_unit(user: AnyUser) -> Unit | None:
    """The unit a liaison reports for, or None (anonymous users and everyone else)."""
    if not user.is_authenticated:
        return None
    cached: Unit | None | bool = getattr(user, "_liaison_unit", False)
    if cached is False:
        try:
            cached = user.liaison.unit
        except ObjectDoesNotExist:
            cached = None
        user._liaison_unit = cached  # type: ignore[attr-defined]  # asked on every page: once a request
    return cached if isinstance(cached, Unit) else None


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    """Tasks `user` may read: all of them for any active logged-in user, none otherwise."""
    if user.is_authenticated and user.is_active:
        return Task.objects.all()
    return Task.objects.none()


def tasks_changeable_by(user: AnyUser) -> QuerySet[Task]:
    """Tasks `user` may act on at all: every task for the office, its unit's tasks for a liaison."""
    if is_office(user):
        return Task.objects.all()
    unit = liaison_unit(user)
    if unit is not None and user.is_active:
        return Task.objects.for_unit(unit)
    return Task.objects.none()


def unit_has_task(unit: Unit, task: Task) -> bool:
    """Whether `unit` leads or shares `task`, directly or through a collective it belongs to."""
    return Task.objects.for_unit(unit).filter(pk=task.pk).exists()


def units_of_task(task: Task) -> UnitQuerySet:
    """Units that may report or plan on `task`: those named on it and members of named collectives."""
    named = TaskUnit.objects.filter(task=task).values("unit")
    return Unit.objects.filter(pk__in=named) | Unit.objects.filter(collectives__in=named)


def can_act_for(user: AnyUser, unit: Unit | None) -> bool:
    """Whether `user` speaks for `unit`: its own liaison (the office reviews, it does not report)."""
    return user.is_active and unit is not None and liaison_unit(user) == unit


def speaks_for(user: AnyUser, unit: Unit) -> bool:
    """Whether `user` is `unit`'s liaison — or, for a collective (which has no liaison of its own), a
    member's: an order to 各乡镇（街道） is answered by whichever township takes it up."""
    if can_act_for(user, unit):
        return True
    own = liaison_unit(user)
    return user.is_active and own is not None and unit.is_collective and unit.members.filter(pk=own.pk).exists()


class Action(StrEnum):
    """What a user may do. Views, selectors, services and templates ask `may(user, action, …)`."""

    CHANGE = "change"  # change anything on a task: its plans, reports, extension requests (task)
    REPORT = "report"  # submit a progress report (task: on it; unit: for that unit)
    RESUBMIT = "resubmit"  # send a returned report again (report)
    EDIT_PLAN = "edit_plan"  # a unit's plan on a task (unit, and task unless already checked)
    EDIT_ANY_PLAN = "edit_any_plan"  # every unit's plan: the office
    REQUEST_EXTENSION = "request_extension"  # (task: on it; unit: for that unit)
    REVIEW = "review"  # accept or return progress reports
    DECIDE = "decide"  # approve or refuse extension requests
    ENDORSE_EXTENSION = "endorse_extension"  # a 分管领导's opinion on an extension request (unit: the requesting unit)
    REMIND = "remind"  # send reminders (催办)
    ASSIGN = "assign"  # assign units to a meeting's order (task)
    IMPORT_NOTICE = "import_notice"  # load a responsibility-split notice
    UPLOAD_FILLIN = "upload_fillin"  # upload a unit's filled-in progress sheet
    ISSUE_BULLETIN = "issue_bulletin"  # issue the numbered bulletin (督查通报) as a Word document
    NAME_HOST = "name_host"  # name which lead unit answers for a task (主办)
    REQUEST_CLOSURE = "request_closure"  # ask to close a task, 申请办结 (task; unit: for that unit)
    DECIDE_CLOSURE = "decide_closure"  # check 办结 requests (销号 / 退回) and reopen closed tasks
    READ_ATTACHMENTS = "read_attachments"  # the evidence files on a task's records (task)
    INSTRUCT = "instruct"  # write a leader's instruction (领导批示)
    ANSWER_INSTRUCTION = "answer_instruction"  # answer an instruction for its unit (instruction)
    PUBLISH = "publish"  # decide what the public disclosure page says (信息公开)
    ACKNOWLEDGE = "acknowledge"  # acknowledge (签收) the tasks handed to a unit (unit)
    # The ladder and 考核 (the chasing app; permissions are named as strings, tasks imports nothing of it).
    READ_ORDERS = "read_orders"  # read 督办单 (unit: that unit's; without: every unit's — office and leaders)
    ANSWER_ORDER = "answer_order"  # acknowledge (签收) and answer (落实情况) a 督办单 (unit: the order's)
    VIEW_SCORES = "view_scores"  # the 考核 ranking and per-unit scores: office and leaders


def may(
    user: AnyUser,
    action: Action | str,
    task: Task | None = None,
    *,
    unit: Unit | None = None,
    report: ProgressReport | None = None,
    instruction: LeaderInstruction | None = None,
) -> bool:
    """Whether `user` may do `action` — with `task`, for `unit`, on `report` or `instruction` where
    the action concerns one. The single answer to "may this user …": nothing else asks Django's permissions."""
    action = Action(action)
    if action is Action.CHANGE:
        return tasks_changeable_by(user).filter(pk=_given(task, action).pk).exists()
    if action is Action.REPORT:
        return _may_act(user, "tasks.add_progressreport", task, unit)
    if action is Action.RESUBMIT:
        return can_act_for(user, _given(report, action).unit) and user.has_perm("tasks.add_progressreport")
    if action is Action.EDIT_PLAN:
        # The office edits every unit's plan on a task; a liaison edits its own unit's plan on its tasks.
        # Without a task: whether the user edits `unit`'s plans at all (the caller knows the task is the unit's).
        if unit is None or not user.has_perm("tasks.change_unitplan"):
            return False
        if task is not None and not unit_has_task(unit, task):
            return False
        return is_office(user) or can_act_for(user, unit)
    if action is Action.EDIT_ANY_PLAN:
        return is_office(user) and user.has_perm("tasks.change_unitplan")
    if action is Action.REQUEST_EXTENSION:
        return _may_act(user, "tasks.add_extensionrequest", task, unit)
    if action is Action.REVIEW:
        return user.is_active and user.has_perm("tasks.review_progressreport")
    if action is Action.DECIDE:
        return user.is_active and user.has_perm("tasks.decide_extensionrequest")
    if action is Action.ENDORSE_EXTENSION:
        return can_endorse_extensions_of(user, _given(unit, action))
    if action is Action.REMIND:
        return user.is_active and user.has_perm("tasks.add_reminder")
    if action is Action.ASSIGN:
        # Only the office assigns units, and only to meeting orders: a notice's units come from the notice.
        if not (user.is_active and user.has_perm("tasks.add_taskunit")):
            return False
        return task is None or task.source == Task.Source.MEETING
    if action is Action.IMPORT_NOTICE:
        return user.has_perm("tasks.add_document")
    if action is Action.ACKNOWLEDGE:
        # The unit's own liaison, who reports for it; the office hands tasks over, it does not acknowledge.
        return can_act_for(user, unit) and user.has_perm("tasks.add_progressreport")
    if action is Action.UPLOAD_FILLIN:
        return liaison_unit(user) is not None and user.has_perm("tasks.add_progressreport")
    if action in (Action.ISSUE_BULLETIN, Action.NAME_HOST, Action.PUBLISH):
        # The office's own decisions: the bulletin's 期号, who answers for a task, what the public reads.
        return is_office(user)
    if action is Action.REQUEST_CLOSURE:
        if unit is not None:
            # The service asks this, then whether `unit` answers for the task (with its own message).
            return can_act_for(user, unit) and user.has_perm("tasks.add_closurerequest")
        return _may_request_closure(user, _given(task, action))
    if action is Action.DECIDE_CLOSURE:
        return user.is_active and user.has_perm("tasks.decide_closurerequest")
    if action is Action.READ_ATTACHMENTS:
        return _may_read_attachments(user, _given(task, action))
    if action is Action.INSTRUCT:
        # Leaders write instructions (领导批示); they change nothing else.
        return user.is_active and user.has_perm("tasks.add_leaderinstruction")
    if action is Action.ANSWER_INSTRUCTION:
        # The liaison of the unit an instruction is addressed to answers it.
        addressed = _given(instruction, action).unit
        return can_act_for(user, addressed) and user.has_perm("tasks.answer_leaderinstruction")
    if action is Action.READ_ORDERS:
        if user.is_active and user.has_perm("chasing.oversee_chasing"):
            return True
        return unit is not None and speaks_for(user, unit)
    if action is Action.ANSWER_ORDER:
        return unit is not None and speaks_for(user, unit) and user.has_perm("chasing.answer_supervisionorder")
    if action is Action.VIEW_SCORES:
        return user.is_active and user.has_perm("chasing.oversee_chasing")
    raise ValueError(action)  # pragma: no cover — every Action is answered above


def _given(value: T | None, action: Action) -> T:
    """The task or report `action` is about; asking without one is a programming error."""
    if value is None:
        raise TypeError(f"may(…, {action!r}) needs the object it concerns")
    return value


def _may_act(user: AnyUser, permission: str, task: Task | None, unit: Unit | None) -> bool:
    """A liaison's action on its unit's task: with `unit` (or without a task), the user speaks for
    that unit; with only `task`, the user's own unit has the task."""
    if unit is not None or task is None:
        return can_act_for(user, unit) and user.has_perm(permission)
    own = liaison_unit(user)
    return user.has_perm(permission) and own is not None and unit_has_task(own, task)


# --- the 分管领导 step of extension requests (GOVTASKS_EXTENSION_LEADER_APPROVAL) -----------------------------------


def is_endorsing_leader(user: AnyUser) -> bool:
    """A leader (领导) who gives opinions on extension requests where that step is on."""
    return user.is_authenticated and user.is_active and user.has_perm("tasks.endorse_extensionrequest")


def units_endorsed_by(user: AnyUser) -> UnitQuerySet:
    """Units whose extension requests `user` gives the leader's opinion on: those the leader
    supervises (LeaderPortfolio), and those no leader supervises — so no request waits for nobody."""
    if not is_endorsing_leader(user) or user.pk is None:
        return Unit.objects.none()
    return Unit.objects.filter(leaders__user__pk=user.pk) | Unit.objects.filter(leaders__isnull=True)


def can_endorse_extensions_of(user: AnyUser, unit: Unit) -> bool:
    return units_endorsed_by(user).filter(pk=unit.pk).exists()


# --- the rules behind may()'s closure and attachment answers ----------------------------------------------------


def _may_request_closure(user: AnyUser, task: Task) -> bool:
    """Only the 主办 unit's liaison asks to close a task (申请办结), with the permission to do so."""
    unit, host = liaison_unit(user), task.answering_unit
    if unit is None or host is None or not (user.is_active and user.has_perm("tasks.add_closurerequest")):
        return False
    # The 主办 unit itself, or a member of a 主办 collective.
    return unit.pk == host.pk or any(member.pk == unit.pk for member in host.members.all())


def _may_read_attachments(user: AnyUser, task: Task) -> bool:
    """Files on a task's records: the office and leaders (tasks.view_attachment), and the liaisons of the
    units holding the task — not another unit's liaison, though it reads the task itself."""
    if not (user.is_authenticated and user.is_active):
        return False
    unit = liaison_unit(user)
    if unit is not None and not is_office(user):
        return unit_has_task(unit, task)
    return user.has_perm("tasks.view_attachment")
