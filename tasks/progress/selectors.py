"""Reads of the workflow: what each unit owes this period, its to-do list, the office's queues,
a task's plans and timeline, and the public disclosure list.

Each function costs a fixed number of queries whatever the number of tasks, units or
reports (the tests assert the ceilings).
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from .. import permissions, report_months
from ..models import (
    ClosureRequest,
    ExtensionRequest,
    LeaderInstruction,
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
from ..selectors import ordered_task_units, with_unit_progress
from ..state import standing_assignments, tasks_as_of
from ..state.derive import end_of_day

MILESTONE_LOOKAHEAD_DAYS = 15


@dataclasses.dataclass
class Duties:
    """What one unit owes on `as_of`: tasks it leads and has not reported for the period, tasks overdue."""

    unit: Unit
    to_report: list = dataclasses.field(default_factory=list)
    overdue: list = dataclasses.field(default_factory=list)
    reminders: list = dataclasses.field(default_factory=list)
    liaisons: list = dataclasses.field(default_factory=list)

    @property
    def outstanding(self) -> bool:
        return bool(self.to_report or self.overdue)


def counted_report_pairs(period: datetime.date, cutoff: datetime.datetime) -> set[tuple[int, int]]:
    """(task id, unit id) of reports that count for `period` at `cutoff`: sent by then, not returned by then."""
    return set(
        ProgressReport.objects.filter(period=period, submitted_at__lt=cutoff)
        .exclude(state=ProgressReport.State.RETURNED, reviewed_at__lt=cutoff)
        .values_list("task_id", "unit_id")
    )


def unit_duties(as_of: datetime.date | None = None, units: Iterable[Unit] | None = None) -> dict[int, Duties]:
    """{unit id: Duties} for `units` (default: every unit that is not a collective), as of `as_of`.

    A unit must report each period on the tasks it leads, directly or through a collective
    it belongs to (the lead unit answers for a task); it is chased (催办) for, and sees as its own
    overdue, every task it answers for (state.answerable_units: named on it, or named by the office
    for a collective's share) that is past its deadline and not complete — not the tasks it has only
    through a collective. Seven queries in all.
    """
    as_of = as_of or timezone.localdate()
    owed = report_months.owed_month(as_of)
    period, due_on = owed.period, owed.due_on
    if units is None:
        units = list(Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).in_office_order())
    unit_ids = {unit.pk for unit in units}
    collectives_of = defaultdict(set)
    for collective_id, member_id in Unit.members.through.objects.filter(to_unit__in=unit_ids).values_list(
        "from_unit_id", "to_unit_id"
    ):
        collectives_of[member_id].add(collective_id)
    links = defaultdict(list)  # unit id → [(task id, role)]
    for task_id, unit_id, role in TaskUnit.objects.values_list("task_id", "unit_id", "role"):
        links[unit_id].append((task_id, role))
    tasks = {
        task.pk: task
        for task in tasks_as_of(as_of).select_related("document").order_by("document__issued_on", "number", "pk")
    }
    reported = counted_report_pairs(period, end_of_day(as_of))
    # The office's namings of members for a collective's share (answerable_units' rule, as a set of pairs).
    named = set(standing_assignments(as_of).filter(unit__in=unit_ids).values_list("task_id", "unit_id"))
    duties = {unit.pk: Duties(unit) for unit in units}
    for reminder in Reminder.objects.filter(unit__in=unit_ids, period=period, sent_at__lt=end_of_day(as_of)).order_by(
        "sent_at", "pk"
    ):
        duties[reminder.unit_id].reminders.append(reminder)
    for liaison in UnitLiaison.objects.filter(unit__in=unit_ids, user__is_active=True).select_related("user"):
        duties[liaison.unit_id].liaisons.append(liaison.user)
    for unit in units:
        named_on = {task_id for task_id, _role in links[unit.pk]}
        reach: dict[int, str] = {}
        for holder in (unit.pk, *collectives_of[unit.pk]):
            for task_id, role in links[holder]:
                # Leading a task directly or through a collective outweighs sharing it.
                if reach.get(task_id) != TaskUnit.Role.LEAD:
                    reach[task_id] = role
        for task in tasks.values():
            held_as = reach.get(task.pk)
            if held_as is None:
                continue
            if held_as == TaskUnit.Role.LEAD and not task.is_complete and task.document.issued_on <= due_on:
                if (task.pk, unit.pk) not in reported:
                    duties[unit.pk].to_report.append(task)
            answers = task.pk in named_on or (task.pk, unit.pk) in named
            if task.status == Task.Status.OVERDUE and answers:
                duties[unit.pk].overdue.append(task)
    return duties


def reminder_overview(as_of: datetime.date | None = None) -> tuple[report_months.ReportMonth, list[Duties]]:
    """(the month owed, [Duties]) for the reminders page: units that owe something first, most owed first."""
    as_of = as_of or timezone.localdate()
    owed = report_months.owed_month(as_of)
    # Most owed first; among equals the office's order of units (unit_duties gives them so; the sort is stable).
    duties = [d for d in unit_duties(as_of).values() if d.outstanding]
    duties.sort(key=lambda d: -len(d.overdue) - len(d.to_report))
    return owed, duties


def unit_todo(unit: Unit, as_of: datetime.date | None = None) -> dict[str, Any]:
    """A liaison's to-do list for its unit: what to report, to correct, to finish, and what waits for the office."""
    as_of = as_of or timezone.localdate()
    owed = report_months.owed_month(as_of)
    duties = unit_duties(as_of, units=[unit])[unit.pk]
    # The unit's own figure beside each task's (one query): what it last had accepted, and the task's percent.
    listed = {task.pk: task for task in (*duties.to_report, *duties.overdue)}
    figures = with_unit_progress(tasks_as_of(as_of).filter(pk__in=list(listed)), unit, as_of).values_list(
        "pk", "unit_percent", "unit_period", "unit_report_state", "unit_report_period"
    )
    for pk, *figure in figures:
        task = listed[pk]
        task.unit_percent, task.unit_period, task.unit_report_state, task.unit_report_period = figure
    reports = ProgressReport.objects.filter(unit=unit).select_related("task__document", "reviewed_by")
    milestones = (
        Milestone.objects.filter(plan__unit=unit, removed_at__isnull=True, done_on__isnull=True)
        .filter(due_on__lte=as_of + datetime.timedelta(days=MILESTONE_LOOKAHEAD_DAYS))
        .select_related("plan__task__document")
        .order_by("due_on", "pk")
    )
    return {
        "unit": unit,
        "period": owed.period,
        "report_due_on": owed.due_on,
        # The owed month's due date has always passed: what is left on `to_report` is late.
        "days_late": owed.days_late(as_of),
        "next_month": report_months.following(owed),
        "duties": duties,
        "returned": reports.filter(state=ProgressReport.State.RETURNED, resubmission__isnull=True).order_by(
            "-reviewed_at", "-pk"
        ),
        "awaiting_review": reports.filter(state=ProgressReport.State.SUBMITTED).order_by("-submitted_at", "-pk"),
        "milestones": milestones,
        "extensions": ExtensionRequest.objects.filter(unit=unit, state=ExtensionRequest.State.PENDING).select_related(
            "task__document"
        ),
        # Leaders' instructions the unit has still to answer (tasks/instructions/).
        "instructions": LeaderInstruction.objects.filter(unit=unit, replied_at__isnull=True)
        .select_related("task")
        .order_by("written_at", "pk"),
        "as_of": as_of,
    }


def review_queue() -> dict[str, QuerySet[Any, Any]]:
    """What waits for the office: submitted reports (oldest first) and pending extension requests."""
    return {
        "reports": ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED)
        .select_related("task__document", "unit", "submitted_by", "resubmission_of")
        .order_by("submitted_at", "pk"),
        "extensions": ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
        .select_related("task__document", "unit", "requested_by")
        .order_by("requested_at", "pk"),
        # 办结 requests waiting for the office's check (tasks/closure/).
        "closures": ClosureRequest.objects.filter(state=ClosureRequest.State.PENDING)
        .select_related("task", "unit")
        .order_by("requested_at", "pk"),
    }


def office_counts() -> dict[str, int]:
    """How many reports and extension requests wait for the office (for the dashboard)."""
    return {
        "reports_waiting": ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED).count(),
        "extensions_waiting": ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).count(),
        "closures_waiting": ClosureRequest.objects.filter(state=ClosureRequest.State.PENDING).count(),
    }


def live_milestones() -> Prefetch:
    return Prefetch("milestones", queryset=Milestone.objects.filter(removed_at__isnull=True).order_by("due_on", "pk"))


def task_workflow(task: Task, user: permissions.AnyUser, as_of: datetime.date | None = None) -> dict[str, Any]:
    """The workflow part of a task's page: plans, timeline, what `user` may do here."""
    unit = permissions.liaison_unit(user)
    may_edit = permissions.may(user, permissions.Action.CHANGE, task)
    plans = list(
        UnitPlan.objects.filter(task=task).select_related("unit", "updated_by").prefetch_related(live_milestones())
    )
    events = (
        TaskEvent.objects.filter(task=task)
        .select_related("actor", "unit", "report", "extension")
        .order_by("-at", "-pk")
    )
    if as_of:
        events = events.filter(at__lt=end_of_day(as_of))
    extensions = list(ExtensionRequest.objects.filter(task=task).select_related("unit", "requested_by", "decided_by"))
    own_unit = unit if unit is not None and may_edit else None
    plan_units = (
        list(permissions.units_of_task(task).exclude(kind=Unit.Kind.COLLECTIVE).distinct().in_office_order())
        if permissions.may(user, permissions.Action.EDIT_ANY_PLAN)
        else []
    )
    return {
        "plans": plans,
        "events": events,
        "extensions": extensions,
        "pending_extension": next((e for e in extensions if e.state == ExtensionRequest.State.PENDING), None),
        "own_unit": own_unit,
        "own_plan": next((plan for plan in plans if own_unit and plan.unit_id == own_unit.pk), None),
        "can_submit_report": permissions.may(user, permissions.Action.REPORT, unit=own_unit),
        # own_unit has the task already (may_edit): the plan rule need not look again.
        "can_edit_own_plan": own_unit is not None
        and permissions.may(user, permissions.Action.EDIT_PLAN, unit=own_unit),
        "can_request_extension": permissions.may(user, permissions.Action.REQUEST_EXTENSION, unit=own_unit),
        "can_review": permissions.may(user, permissions.Action.REVIEW),
        "can_decide_extensions": permissions.may(user, permissions.Action.DECIDE),
        "can_assign": permissions.may(user, permissions.Action.ASSIGN, task),
        "plan_units": plan_units,
        "today": as_of or timezone.localdate(),
    }


def public_tasks() -> QuerySet[Any, Any]:
    """Tasks the office has published (信息公开), with their published wording and its date.

    Status and percent are the derived ones (the same rule as every page); of the progress only the
    office's wording (公开稿) is read — nothing of units' reports, plans or reviews.
    """
    return (
        tasks_as_of()
        .filter(publication__is_published=True)
        .annotate(public_text=F("publication__text"), published_at=F("publication__published_at"))
        .select_related("document", "section")
        .prefetch_related(ordered_task_units())
        .order_by("document__issued_on", "document", "number", "pk")
    )
