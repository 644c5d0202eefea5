"""The daily sweep: reminders before things fall due, then the escalation ladder.

`daily_sweep(day)` is what `manage.py daily_sweep` and the background worker run once a day.
It is idempotent: every record it writes is unique per what it is about (a unit's reminder per
kind and due date, a task's open red spell, one step per level of a spell, the year's order
numbers), so a second run on the same day — or two sweeps at once on PostgreSQL — changes
nothing more. Sweeps are meant to run in date order; `day` may be any day (the tests move the clock
by passing days), and what it reads is the tasks' state at the end of that day.

1. Reminders (到期提醒): GOVTASKS_REMINDER_DAYS_BEFORE days before a month's report is due, each
   unit that answers for a task without that month's report yet is reminded once; likewise before a
   task's current deadline, while it is open. A day the sweep did not run is caught up the next
   day (the window is "due within N days", not "due in exactly N days").
2. The ladder: a red task (light rules in tasks/state/derive.py) opens a spell at 提醒 and climbs to
   催办单 and then to a numbered 督办单, one step every GOVTASKS_ESCALATION_STEP_DAYS days while it
   stays red; the first day it is not red closes the spell. A unit's tasks reaching 督办单 on one day
   go into one order. Every step is dated, on the task's timeline and noticed to the unit.
"""

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tasks import report_months
from tasks.models import ProgressReport, Task, TaskEvent, TaskUnit, Unit
from tasks.state import tasks_as_of
from tasks.state.derive import end_of_day

from .models import DueReminder, Escalation, EscalationStep, Level, SupervisionOrder
from .notify import tell_unit
from .services import next_order_number, reply_due, unit_has_liaison

Event = TaskEvent.Kind


@dataclasses.dataclass
class SweepResult:
    """What one sweep wrote (all zero on a second run of the day)."""

    day: datetime.date
    reminders: int = 0
    opened: int = 0
    climbed: int = 0
    closed: int = 0
    orders: list[SupervisionOrder] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(day)s：到期提醒%(reminders)s条，新增红灯督查%(opened)s项，升级%(climbed)s项，解除%(closed)s项，督办单%(orders)s份"
        ) % {
            "day": self.day.isoformat(),
            "reminders": self.reminders,
            "opened": self.opened,
            "climbed": self.climbed,
            "closed": self.closed,
            "orders": len(self.orders),
        }


def shown(day: datetime.date) -> str:
    return date_format(day, _("Y年n月j日"))


def moment(day: datetime.date) -> datetime.datetime:
    """When a record of `day` is dated: now for today, else 8 o'clock of that day (a sweep of another day)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


def daily_sweep(day: datetime.date | None = None) -> SweepResult:
    """Run the day's reminders, then the ladder; returns what was written."""
    day = day or timezone.localdate()
    result = SweepResult(day)
    tasks = open_tasks(day)
    remind_reports(day, tasks, result)
    remind_deadlines(day, tasks, result)
    climb_ladder(day, tasks, result)
    return result


def open_tasks(day: datetime.date) -> list[Any]:
    """Tasks not closed at the end of `day`, with their state then, units and 主办 collective's members."""
    members = Prefetch("host_unit__members", queryset=Unit.objects.order_by("pk"))
    links = Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").prefetch_related("unit__members"))
    return list(
        tasks_as_of(day)
        .filter(is_complete=False)
        .select_related("document", "host_unit")
        .prefetch_related(links, members)
        .order_by("document__issued_on", "number", "pk")
    )


def answering_units(task: Task) -> list[Unit]:
    """Whom the sweep addresses for `task`: its 主办 unit, or the members of a 主办 collective (whose
    reports are the task's own, derive.by_answering_unit)."""
    host = task.answering_unit
    if host is None:
        return []
    if host.is_collective:
        return list(host.members.all())
    return [host]


# --- 1. reminders before things fall due ------------------------------------------------------------------------


def months_due_within(day: datetime.date, days: int) -> list[report_months.ReportMonth]:
    """Reporting months whose due date falls on `day` or within `days` days after it."""
    last = day + datetime.timedelta(days=days)
    month = report_months.month_of(day)
    found = []
    while month.due_on <= last:
        if month.due_on >= day:
            found.append(month)
        month = report_months.following(month)
    return found


def remind_reports(day: datetime.date, tasks: list[Any], result: SweepResult) -> None:
    for month in months_due_within(day, settings.GOVTASKS_REMINDER_DAYS_BEFORE):
        sent = set(
            ProgressReport.objects.filter(period=month.period, submitted_at__lt=end_of_day(day))
            .exclude(state=ProgressReport.State.RETURNED)
            .values_list("task_id", "unit_id")
        )
        owing: dict[Unit, list[Any]] = defaultdict(list)
        for task in tasks:
            if task.document.issued_on > month.due_on:
                continue
            units = answering_units(task)
            if any((task.pk, unit.pk) in sent for unit in units):
                continue
            for unit in units:
                owing[unit].append(task)
        for unit, owed in owing.items():
            title = _("请于%(due)s前报送%(month)s的进展") % {
                "due": shown(month.due_on),
                "month": date_format(month.period, _("Y年n月")),
            }
            _remind(
                day, unit, kind=DueReminder.Kind.REPORT, due_on=month.due_on, tasks=owed, title=title, result=result
            )


def remind_deadlines(day: datetime.date, tasks: list[Any], result: SweepResult) -> None:
    last = day + datetime.timedelta(days=settings.GOVTASKS_REMINDER_DAYS_BEFORE)
    due: dict[tuple[Unit, datetime.date], list[Any]] = defaultdict(list)
    for task in tasks:
        if day <= task.current_deadline <= last:
            for unit in answering_units(task):
                due[unit, task.current_deadline].append(task)
    for (unit, deadline), owed in due.items():
        title = _("以下任务应于%(due)s前完成") % {"due": shown(deadline)}
        _remind(day, unit, kind=DueReminder.Kind.DEADLINE, due_on=deadline, tasks=owed, title=title, result=result)


def _remind(
    day: datetime.date,
    unit: Unit,
    *,
    kind: str,
    due_on: datetime.date,
    tasks: list[Any],
    title: str,
    result: SweepResult,
) -> None:
    """One reminder of `kind` and `due_on` to `unit`, unless it had it already (then nothing)."""
    try:
        with transaction.atomic():
            reminder = DueReminder.objects.create(unit=unit, kind=kind, due_on=due_on, sent_on=day)
            reminder.tasks.set(tasks)
            at = moment(day)
            TaskEvent.objects.bulk_create(
                [
                    TaskEvent(task=task, unit=unit, actor=None, at=at, kind=Event.DUE_REMINDED, note=title)
                    for task in tasks
                ]
            )
            body = "\n".join([title + _("：")] + [f"{task.label}. {task.text}" for task in tasks])
            tell_unit(unit, kind="due_reminder", title=title, body=body, link=reverse("tasks:todo"), source=reminder)
    except IntegrityError:
        return  # already reminded (this sweep ran before today, or another sweep is running)
    result.reminders += 1


# --- 2. the escalation ladder -----------------------------------------------------------------------------------


def climb_ladder(day: datetime.date, tasks: list[Any], result: SweepResult) -> None:
    red = {task.pk: task for task in tasks if task.light == Task.Light.RED}
    close_spells(day, red, result)
    by_unit: dict[Unit, list[Any]] = defaultdict(list)
    for task in red.values():
        host = task.answering_unit
        if host is not None:
            by_unit[host].append(task)
    step = datetime.timedelta(days=settings.GOVTASKS_ESCALATION_STEP_DAYS)
    # Read once, without locks, to skip the units with nothing to do (a second sweep of the day: all of
    # them); what a unit does is then decided again under its locks, so a concurrent sweep is still safe.
    spells = Escalation.objects.filter(closed_on__isnull=True, task__in=list(red))
    open_spell = set(spells.values_list("task_id", flat=True))
    may_climb = set(
        spells.filter(level__lt=Level.SUPERVISE, climbed_on__lte=day - step).values_list("task_id", flat=True)
    )
    for unit, unit_tasks in by_unit.items():
        if all(task.pk in open_spell and task.pk not in may_climb for task in unit_tasks):
            continue
        with transaction.atomic():
            todo = [task for task in unit_tasks if task.pk not in open_spell or task.pk in may_climb]
            _climb_unit(day, unit, todo, step, result, known_open=open_spell)


def close_spells(day: datetime.date, red: dict[int, Any], result: SweepResult) -> None:
    """Spells of tasks no longer red (closed or back on track) end on `day`."""
    ended = Escalation.objects.filter(closed_on__isnull=True, climbed_on__lte=day).exclude(task__in=list(red))
    result.closed += ended.update(closed_on=day)


def _climb_unit(
    day: datetime.date,
    unit: Unit,
    tasks: list[Any],
    step: datetime.timedelta,
    result: SweepResult,
    *,
    known_open: set[int],
) -> None:
    reached: dict[int, list[Any]] = defaultdict(list)  # level → tasks that took it today
    by_pk = {task.pk: task for task in tasks}
    for task in tasks:
        if task.pk in known_open:
            continue  # its spell is open: it may climb below
        try:
            with transaction.atomic():
                spell = Escalation.objects.create(
                    task=task, unit=unit, level=Level.REMINDER, opened_on=day, climbed_on=day
                )
                EscalationStep.objects.create(escalation=spell, level=Level.REMINDER, taken_on=day)
        except IntegrityError:
            continue  # the task's spell is open already
        reached[Level.REMINDER].append(task)
        result.opened += 1
    # Locked: a second sweep waits here, then finds these climbed today and leaves them.
    due = list(
        Escalation.objects.select_for_update()
        .filter(task__in=list(by_pk), closed_on__isnull=True, level__lt=Level.SUPERVISE, climbed_on__lte=day - step)
        .order_by("task_id")
    )
    climbed: list[Escalation] = []
    for spell in due:
        spell.level += 1
        spell.climbed_on = day
        spell.save(update_fields=["level", "climbed_on"])
        reached[spell.level].append(by_pk[spell.task_id])
        climbed.append(spell)
        result.climbed += 1
    order = None
    if reached[Level.SUPERVISE]:
        order = issue_order(day, unit, reached[Level.SUPERVISE])
        result.orders.append(order)
    for spell in climbed:
        EscalationStep.objects.create(
            escalation=spell, level=spell.level, taken_on=day, order=order if spell.level == Level.SUPERVISE else None
        )
    _record_and_tell(day, unit, reached, order)


@transaction.atomic
def issue_order(day: datetime.date, unit: Unit, tasks: list[Any]) -> SupervisionOrder:
    """A numbered 督办单 to `unit` for `tasks`, dated `day`: in a transaction of its own (a savepoint
    inside the sweep's), as the number's row lock needs, so the order and its number stand or fall together."""
    order = SupervisionOrder.objects.create(
        year=day.year,
        number=next_order_number(day.year),
        unit=unit,
        issued_on=day,
        issued_at=moment(day),
        reply_due_on=reply_due(day, settings.GOVTASKS_SUPERVISION_REPLY_DAYS),
        needs_phone=not unit_has_liaison(unit),
    )
    order.tasks.set(tasks)
    return order


def _record_and_tell(
    day: datetime.date, unit: Unit, reached: dict[int, list[Any]], order: SupervisionOrder | None
) -> None:
    at = moment(day)
    step_days = settings.GOVTASKS_ESCALATION_STEP_DAYS
    notes: dict[int, str] = {
        Level.REMINDER: _("提醒：任务亮红灯，请抓紧推进"),
        Level.URGE: _("催办单：任务持续红灯已超过%(days)s天，请抓紧推进并报送进展") % {"days": step_days},
    }
    if order is not None:
        notes[Level.SUPERVISE] = _("%(label)s：请于%(due)s前签收并反馈落实情况") % {
            "label": order.label,
            "due": shown(order.reply_due_on),
        }
    events = []
    for level, tasks in sorted(reached.items()):
        if not tasks:
            continue
        for task in tasks:
            events.append(TaskEvent(task=task, unit=unit, actor=None, at=at, kind=Event.ESCALATED, note=notes[level]))
        if level == Level.SUPERVISE and order is not None:
            link, source = order.get_absolute_url(), order
        else:
            link, source = (
                (reverse("tasks:task_detail", args=[tasks[0].pk]) if len(tasks) == 1 else reverse("tasks:todo")),
                None,
            )
        body = "\n".join([notes[level] + _("：")] + [f"{task.label}. {task.text}" for task in tasks])
        tell_unit(
            unit,
            kind=f"escalation_{Level(level).name.lower()}",
            title=notes[level],
            body=body,
            link=link,
            source=source,
        )
    TaskEvent.objects.bulk_create(events)
