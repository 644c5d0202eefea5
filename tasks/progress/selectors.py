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

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from core.paging import KeysetPage, keyset_page

from .. import permissions, report_months
from ..handover.selectors import open_handovers
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
    every_unit = units is None
    if units is None:
        units = list(Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).in_office_order())
    unit_ids = {unit.pk for unit in units}
    collectives_of = defaultdict(set)
    for collective_id, member_id in Unit.members.through.objects.filter(to_unit__in=unit_ids).values_list(
        "from_unit_id", "to_unit_id"
    ):
        collectives_of[member_id].add(collective_id)
    held = TaskUnit.objects.all()
    rows = tasks_as_of(as_of)
    if not every_unit:
        # A few units (a liaison's to-do list, its fill-in sheet): only the tasks they hold, directly
        # or through a collective — not every task of a city for one unit's sheet.
        holders = unit_ids | {collective for ids in collectives_of.values() for collective in ids}
        held = held.filter(unit__in=holders)
        rows = rows.filter(pk__in=TaskUnit.objects.filter(unit__in=holders).values("task"))
    links = defaultdict(list)  # unit id → [(task id, role)]
    for task_id, unit_id, role in held.order_by().values_list("task_id", "unit_id", "role"):
        links[unit_id].append((task_id, role))
    tasks = {
        task.pk: task
        # Only what the duties show and test: every task of a city is loaded here for the reminders page.
        for task in rows.select_related("document")
        .only("pk", "number", "source", "text", "document__issued_on", "document__task_prefix")
        .order_by("document__issued_on", "number", "pk")
    }
    position = {task_id: index for index, task_id in enumerate(tasks)}
    # A link to a task outside the list (none today) would have no position: leave it out.
    for unit_links in links.values():
        unit_links[:] = [(task_id, role) for task_id, role in unit_links if task_id in position]
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
        # Only the tasks the unit holds, in the list's order: walking every task for every unit
        # was 5,000 units × 100,000 tasks at city size.
        for task_id in sorted(reach, key=position.__getitem__):
            task, held_as = tasks[task_id], reach[task_id]
            if held_as == TaskUnit.Role.LEAD and not task.is_complete and task.document.issued_on <= due_on:
                if (task.pk, unit.pk) not in reported:
                    duties[unit.pk].to_report.append(task)
            answers = task.pk in named_on or (task.pk, unit.pk) in named
            if task.status == Task.Status.OVERDUE and answers:
                duties[unit.pk].overdue.append(task)
    return duties


@dataclasses.dataclass(frozen=True)
class OwedCount:
    """How many tasks a unit has to report and how many of its tasks are overdue (Duties, counted)."""

    unit: Unit
    to_report: int
    overdue: int

    @property
    def owed(self) -> int:
        return self.to_report + self.overdue


def owed_counts(as_of: datetime.date | None = None) -> list[OwedCount]:
    """Every unit (not a collective) that owes something on `as_of`, most owed first, among equals
    in the office's order — the counts of unit_duties() without building its lists.

    unit_duties() lists, for every unit, every task it holds: a township holds its collective's
    thousands of tasks, so the lists of a city's 5,000 units were tens of millions of entries
    (73 s at 100,000 tasks). Here each holder's (a unit's, a collective's) task ids are gathered
    once and a unit's counts are sizes of unions of sets. Six queries.
    """
    as_of = as_of or timezone.localdate()
    owed = report_months.owed_month(as_of)
    units = list(Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).in_office_order())
    collectives_of = defaultdict(set)
    for collective_id, member_id in Unit.members.through.objects.values_list("from_unit_id", "to_unit_id"):
        collectives_of[member_id].add(collective_id)
    eligible, overdue = set(), set()  # tasks one may have to report on; overdue tasks
    for pk, is_complete, status, issued_on in tasks_as_of(as_of).values_list(
        "pk", "is_complete", "status", "document__issued_on"
    ):
        if not is_complete and issued_on <= owed.due_on:
            eligible.add(pk)
        if status == Task.Status.OVERDUE:
            overdue.add(pk)
    leads, overdue_held = defaultdict(set), defaultdict(set)  # holder id → task ids
    for task_id, unit_id, role in TaskUnit.objects.order_by().values_list("task_id", "unit_id", "role"):
        if role == TaskUnit.Role.LEAD and task_id in eligible:
            leads[unit_id].add(task_id)
        if task_id in overdue:
            overdue_held[unit_id].add(task_id)
    # Overdue counts only what a unit answers for (state.answerable_units): the tasks named on it and
    # the collective's tasks the office named it for, as unit_duties() lists them.
    named = defaultdict(set)
    for task_id, unit_id in standing_assignments(as_of).values_list("task_id", "unit_id"):
        if task_id in overdue:
            named[unit_id].add(task_id)
    reported = defaultdict(set)
    for task_id, unit_id in counted_report_pairs(owed.period, end_of_day(as_of)):
        reported[unit_id].add(task_id)
    counts = []
    for unit in units:
        holders = (unit.pk, *collectives_of[unit.pk])
        to_report = set().union(*(leads[holder] for holder in holders)) - reported[unit.pk]
        late = overdue_held[unit.pk] | named[unit.pk]
        if to_report or late:
            counts.append(OwedCount(unit, len(to_report), len(late)))
    counts.sort(key=lambda count: -count.owed)  # stable: the office's order among equals
    return counts


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
        # Tasks handed to the unit (交办) it has not acknowledged yet (签收, tasks/handover/).
        "handovers": open_handovers(unit),
        # Leaders' instructions the unit has still to answer (tasks/instructions/).
        "instructions": LeaderInstruction.objects.filter(unit=unit, replied_at__isnull=True)
        .select_related("task__document")
        .order_by("written_at", "pk"),
        "as_of": as_of,
    }


def leader_step_on() -> bool:
    """Whether a 分管领导's opinion comes before the office's decision (GOVTASKS_EXTENSION_LEADER_APPROVAL)."""
    return bool(getattr(settings, "GOVTASKS_EXTENSION_LEADER_APPROVAL", False))


def extensions_for_office() -> QuerySet[ExtensionRequest]:
    """Pending extension requests the office may decide now: all, or those the 分管领导 has seen."""
    pending = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
    return pending.exclude(leader_opinion="") if leader_step_on() else pending


def extensions_at_leaders() -> QuerySet[ExtensionRequest]:
    """Pending extension requests still waiting for a 分管领导's opinion (none while that step is off)."""
    if not leader_step_on():
        return ExtensionRequest.objects.none()
    return ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING, leader_opinion="")


def extensions_awaiting_leader(user: permissions.AnyUser) -> QuerySet[ExtensionRequest]:
    """What waits for `user` as 分管领导: requests of the units the leader supervises (oldest first)."""
    return (
        extensions_at_leaders()
        .filter(unit__in=permissions.units_endorsed_by(user))
        .select_related("task__document", "unit", "requested_by")
        .order_by("requested_at", "pk")
    )


REVIEW_QUEUE_PAGE = 50
# What waits for the office, one section each on the review queue: (kind, model, the state that waits,
# when it was handed in). Oldest first within each.
REVIEW_KINDS = ("reports", "closures", "extensions")


@dataclasses.dataclass(frozen=True)
class ReviewQueueFilter:
    """The review queue's filters: a unit (its members too when it is a collective), a month (a
    report's 报告月份; the month a request was made), and which kinds of item to list."""

    unit: Unit | None = None
    month: datetime.date | None = None
    kinds: tuple[str, ...] = REVIEW_KINDS


def _waiting(kind: str) -> QuerySet[Any, Any]:
    if kind == "reports":
        return ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED).select_related(
            "task__document", "unit", "submitted_by", "resubmission_of"
        )
    if kind == "extensions":
        # Those the office may decide now (with the 分管领导 step on: once the leader has spoken).
        return extensions_for_office().select_related("task__document", "unit", "requested_by", "leader_by")
    return ClosureRequest.objects.filter(state=ClosureRequest.State.PENDING).select_related("task__document", "unit")


def _narrowed(kind: str, rows: QuerySet[Any, Any], chosen: ReviewQueueFilter) -> QuerySet[Any, Any]:
    if chosen.unit is not None:
        # A collective's items are its members' (a collective itself never reports).
        rows = rows.filter(Q(unit=chosen.unit) | Q(unit__in=chosen.unit.members.all()))
    if chosen.month is not None:
        if kind == "reports":
            rows = rows.filter(period=chosen.month)
        else:
            start = timezone.make_aware(datetime.datetime.combine(chosen.month, datetime.time()))
            following = (chosen.month + datetime.timedelta(days=32)).replace(day=1)
            end = timezone.make_aware(datetime.datetime.combine(following, datetime.time()))
            rows = rows.filter(requested_at__gte=start, requested_at__lt=end)
    return rows


def review_queue(
    chosen: ReviewQueueFilter | None = None,
    cursors: dict[str, tuple[int | None, int | None]] | None = None,
    size: int = REVIEW_QUEUE_PAGE,
) -> dict[str, KeysetPage | None]:
    """What waits for the office, oldest first: {kind: one page of it} for reports, 办结 requests and
    extension requests (None for a kind the filter leaves out).

    Each kind is paged on its own from its cursors {kind: (after pk, before pk)} (core/paging.py):
    a page is an index walk from the cursor row, so the office's 10,000 waiting reports cost what
    ten do — two queries a kind (the page and its count) whatever the queue's length.
    """
    chosen = chosen or ReviewQueueFilter()
    cursors = cursors or {}
    sort_field = {"reports": "submitted_at", "extensions": "requested_at", "closures": "requested_at"}
    pages: dict[str, KeysetPage | None] = {}
    for kind in REVIEW_KINDS:
        if kind not in chosen.kinds:
            pages[kind] = None
            continue
        after, before = cursors.get(kind, (None, None))
        rows = _narrowed(kind, _waiting(kind), chosen)
        pages[kind] = keyset_page(rows, keys=(sort_field[kind], "pk"), size=size, after=after, before=before)
    return pages


def office_counts() -> dict[str, int]:
    """How many reports and extension requests wait for the office (for the dashboard)."""
    return {
        "reports_waiting": ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED).count(),
        "extensions_waiting": extensions_for_office().count(),
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
