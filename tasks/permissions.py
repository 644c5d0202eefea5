"""Who may see and change what. Views and services ask these functions; nothing else decides.

Every logged-in user reads every task (the notice and its progress are open inside the
government). Changing is narrower:

- the supervision office (督查室, permission tasks.supervise_task) acts on every task;
- a unit liaison (单位联络员, linked to one unit by UnitLiaison) acts only on the tasks its
  unit leads or shares, directly or through a collective it belongs to (各乡镇（街道）…);
- leaders (领导) and users without a role only read.

Which actions a role has at all is a Django permission (roles.py); the unit rule comes on top.
"""

from django.core.exceptions import ObjectDoesNotExist

from .models import Task, TaskUnit, Unit


def is_office(user):
    return user.is_active and user.has_perm("tasks.supervise_task")


def liaison_unit(user):
    """The unit a liaison reports for, or None (anonymous users and everyone else)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_liaison_unit", False)
    if cached is False:
        try:
            cached = user.liaison.unit
        except ObjectDoesNotExist:
            cached = None
        user._liaison_unit = cached
    return cached


def tasks_visible_to(user):
    """Tasks `user` may read: all of them for any active logged-in user, none otherwise."""
    if user.is_authenticated and user.is_active:
        return Task.objects.all()
    return Task.objects.none()


def tasks_changeable_by(user):
    """Tasks `user` may act on at all: every task for the office, its unit's tasks for a liaison."""
    if is_office(user):
        return Task.objects.all()
    unit = liaison_unit(user)
    if unit is not None and user.is_active:
        return Task.objects.for_unit(unit)
    return Task.objects.none()


def can_edit_task(user, task):
    """Whether `user` may change anything on `task` (its plans, reports, extension requests)."""
    return tasks_changeable_by(user).filter(pk=task.pk).exists()


def unit_has_task(unit, task):
    """Whether `unit` leads or shares `task`, directly or through a collective it belongs to."""
    return Task.objects.for_unit(unit).filter(pk=task.pk).exists()


def units_of_task(task):
    """Units that may report or plan on `task`: those named on it and members of named collectives."""
    named = TaskUnit.objects.filter(task=task).values("unit")
    return Unit.objects.filter(pk__in=named) | Unit.objects.filter(collectives__in=named)


def can_act_for(user, unit):
    """Whether `user` speaks for `unit`: its own liaison (the office reviews, it does not report)."""
    return user.is_active and unit is not None and liaison_unit(user) == unit


def can_submit_report(user, task):
    unit = liaison_unit(user)
    return user.has_perm("tasks.add_progressreport") and unit is not None and unit_has_task(unit, task)


def can_review_reports(user):
    return user.is_active and user.has_perm("tasks.review_progressreport")


def can_edit_plan(user, task, unit):
    """The office edits every unit's plan on a task; a liaison edits its own unit's plan on its tasks."""
    if not user.has_perm("tasks.change_unitplan") or not unit_has_task(unit, task):
        return False
    return is_office(user) or can_act_for(user, unit)


def can_request_extension(user, task):
    unit = liaison_unit(user)
    return user.has_perm("tasks.add_extensionrequest") and unit is not None and unit_has_task(unit, task)


def can_decide_extensions(user):
    return user.is_active and user.has_perm("tasks.decide_extensionrequest")


def can_send_reminders(user):
    return user.is_active and user.has_perm("tasks.add_reminder")


def can_assign_units(user, task):
    """Only the office assigns units, and only to meeting orders: a notice's units come from the notice."""
    return user.is_active and user.has_perm("tasks.add_taskunit") and task.source == Task.Source.MEETING


# --- who answers for a task, and when it is done (tasks/closure/) -------------------------------------------------


def can_request_closure(user, task):
    """Only the 主办 unit's liaison asks to close a task (申请办结), with the permission to do so."""
    from .closure.selectors import answers_for  # noqa: PLC0415 — closure.selectors imports models

    return user.is_active and user.has_perm("tasks.add_closurerequest") and answers_for(liaison_unit(user), task)


def can_decide_closures(user):
    """The office checks 办结 requests (核查通过 / 退回) and reopens closed tasks."""
    return user.is_active and user.has_perm("tasks.decide_closurerequest")


def can_name_host(user):
    """The office names which lead unit answers for a task (主办)."""
    return is_office(user)


def can_read_attachments(user, task):
    """Files on a task's records: the office and leaders (tasks.view_attachment), and the liaisons of the
    units holding the task — not another unit's liaison, though it reads the task itself."""
    if not (user.is_authenticated and user.is_active):
        return False
    unit = liaison_unit(user)
    if unit is not None and not is_office(user):
        return unit_has_task(unit, task)
    return user.has_perm("tasks.view_attachment")


# --- leaders' instructions (tasks/instructions/) --------------------------------------------------------------


def can_instruct(user):
    """Leaders write instructions (领导批示); they change nothing else."""
    return user.is_active and user.has_perm("tasks.add_leaderinstruction")


def can_answer_instruction(user, instruction):
    """The liaison of the unit an instruction is addressed to answers it."""
    return can_act_for(user, instruction.unit) and user.has_perm("tasks.answer_leaderinstruction")


def can_publish(user):
    """The office decides what the public disclosure page says (信息公开)."""
    return is_office(user)
