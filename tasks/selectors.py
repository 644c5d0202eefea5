"""Reads for the pages: a unit's tasks and reach, unit statistics, dashboard figures.

Every figure is a SQL aggregate or subquery over `state.tasks_as_of(as_of)`,
so a page costs the same handful of queries for 84 tasks or 8,400.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import state
from .models import Document, ProgressReport, Section, Task, TaskState, TaskUnit, Unit, UnitLiaison
from .querysets import TaskQuerySet
from .state.derive import end_of_day, reach_count

Status = Task.Status
Light = Task.Light
Role = TaskUnit.Role

# A task closed by the office (办结销号), on time or late.
CLOSED = (Status.DONE, Status.DONE_LATE)
DUE_SOON_DAYS = 30
DASHBOARD_ROWS = 10


def ordered_task_units() -> Prefetch:
    """Prefetch for task.lead_units / responsible_units: document order, units joined in."""
    return Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("role", "position"))


def tasks_for_display(as_of: datetime.date | None = None, tasks: TaskQuerySet | None = None) -> TaskQuerySet:
    """Tasks with derived progress and their units prefetched: what every task table shows.

    `tasks` is where to start (default: every task), e.g. `permissions.tasks_visible_to(user)`.
    """
    tasks = Task.objects.all() if tasks is None else tasks
    return state.tasks_as_of(as_of, tasks).select_related("document").prefetch_related(ordered_task_units())


def with_unit_reach(queryset: TaskQuerySet, unit: Unit, role: str | None = None) -> TaskQuerySet:
    """`queryset.for_unit(unit, role)` annotated with `via_collective`.

    `via_collective` is the name of the collective (各乡镇（街道）…) through which the unit
    has the task, or "" when the unit is named on the task itself.
    """
    direct = TaskUnit.objects.filter(task=OuterRef("pk"), unit=unit)
    through = TaskUnit.objects.filter(task=OuterRef("pk"), unit__in=unit.collectives.all())
    if role:
        direct = direct.filter(role=role)
        through = through.filter(role=role)
    collective_name = through.order_by("role", "position").values("unit__name")[:1]
    return queryset.for_unit(unit, role).annotate(
        via_collective=Case(
            When(Exists(direct), then=Value("")),
            default=Coalesce(Subquery(collective_name), Value("")),
            output_field=CharField(),
        )
    )


def with_unit_progress(queryset: TaskQuerySet, unit: Unit, as_of: datetime.date | None = None) -> TaskQuerySet:
    """`queryset` annotated with `unit`'s own figure on each task, as the task page's matrix
    (closure.selectors.unit_progress) shows it, at the end of `as_of` (default today):

    unit_percent, unit_period: its latest report accepted by then (NEWEST_REPORT_FIRST), None without one;
    unit_report_state, unit_report_period: its latest report sent by then, whatever its state (待审核, 已退回…).

    Subqueries on the report index, so a page of rows costs no query more than a page of ten.
    """
    cutoff = end_of_day(as_of or timezone.localdate())
    own = ProgressReport.objects.filter(task=OuterRef("pk"), unit=unit, submitted_at__lt=cutoff)
    accepted = own.filter(state=ProgressReport.State.ACCEPTED, reviewed_at__lt=cutoff).newest_first()
    latest = own.newest_first()
    return queryset.annotate(
        unit_percent=Subquery(accepted.values("percent")[:1]),
        unit_period=Subquery(accepted.values("period")[:1]),
        # A report returned after the cutoff was still waiting then: shown as 待审核 (submitted).
        unit_report_state=Subquery(
            latest.annotate(
                state_then=Case(
                    When(reviewed_at__gte=cutoff, then=Value(ProgressReport.State.SUBMITTED)),
                    default="state",
                    output_field=CharField(),
                )
            ).values("state_then")[:1]
        ),
        unit_report_period=Subquery(latest.values("period")[:1]),
    )


def active_liaisons() -> Prefetch:
    """Prefetch of a unit's active liaisons with their user accounts, for the unit list's contact column."""
    return Prefetch(
        "liaisons",
        queryset=UnitLiaison.objects.filter(user__is_active=True).select_related("user").order_by("user__username"),
        to_attr="active_liaisons",
    )


def unit_tasks(unit: Unit, as_of: datetime.date | None = None) -> dict[str, TaskQuerySet]:
    """The tasks a unit leads, shares, and has only through a collective, for its page, with its own figure."""
    tasks = with_unit_progress(tasks_for_display(as_of), unit, as_of)
    return {
        "lead": tasks.filter(task_units__unit=unit, task_units__role=Role.LEAD),
        "responsible": tasks.filter(task_units__unit=unit, task_units__role=Role.RESPONSIBLE),
        "via_collective": with_unit_reach(tasks, unit).exclude(via_collective=""),
    }


def lagging(as_of: datetime.date | None, limit: int) -> list[Any]:
    """The `limit` units with most overdue, then red, tasks as of `as_of` (default today), with their totals.

    Counted as state.units_as_of() counts: overdue and red among the tasks a unit answers for
    (state.answerable_units — a township reached only through 各乡镇（街道） is not blamed for its
    tasks unless the office named it); total over all the tasks it has. Collectives are left out:
    they have no liaison to chase.
    """
    if state.reads_store(as_of):
        return list(
            state.units_as_of()
            .exclude(kind=Unit.Kind.COLLECTIVE)
            .filter(Q(tally__overdue__gt=0) | Q(tally__red__gt=0))
            .order_by("-overdue", "-red", "name")[:limit]
        )
    return lagging_derived(state.tasks_as_of(as_of), limit, as_of)


def lagging_derived(tasks: TaskQuerySet, limit: int, as_of: datetime.date | None = None) -> list[Any]:
    """lagging() of another day, from the derived states of `tasks`: the overdue and red tasks
    are found once and grouped by the units that answer for them, instead of counting for each of
    thousands of units (bench/run.py)."""
    counts: defaultdict[int, dict[str, int]] = defaultdict(lambda: {"overdue": 0, "red": 0})
    for key, task_ids in (
        ("overdue", tasks.filter(status=Status.OVERDUE).values("pk")),
        ("red", tasks.filter(light=Light.RED).values("pk")),
    ):
        for unit_id, n in units_answering(task_ids, as_of):
            counts[unit_id][key] = n
    units = Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).filter(pk__in=counts)
    ranked = sorted(units, key=lambda unit: (-counts[unit.pk]["overdue"], -counts[unit.pk]["red"], unit.name))
    shown: list[Any] = ranked[:limit]  # Units given overdue, red and total below
    totals = dict(
        Unit.objects.filter(pk__in=[unit.pk for unit in shown]).annotate(n=reach_count()).values_list("pk", "n")
    )
    for unit in shown:
        unit.overdue, unit.red, unit.total = counts[unit.pk]["overdue"], counts[unit.pk]["red"], totals[unit.pk]
    return shown


def units_answering(task_ids: QuerySet[Any, Any], as_of: datetime.date | None) -> list[tuple[int, int]]:
    """(unit pk, number of tasks) of every unit that answers for some of the tasks `task_ids` at the end
    of `as_of` (state.answerable_units' rule): named on them, or named by the office for a collective's share.

    The (task, unit) pairs of both ways in one UNION, which drops a pair found both ways, then
    counted per unit: one pass over the links of those tasks. (Written with Django's ORM as two
    counts and a NOT EXISTS, PostgreSQL took 20 s at 100,000 tasks.)
    """
    ids, params = task_ids.values("pk").query.sql_with_params()
    assigned, assigned_params = (
        state.standing_assignments(as_of).filter(task__in=task_ids).values("task_id", "unit_id").query.sql_with_params()
    )
    links = connection.ops.quote_name(TaskUnit._meta.db_table)
    sql = f"""
        SELECT pairs.unit_id, COUNT(*) FROM (
            SELECT link.task_id, link.unit_id FROM {links} link WHERE link.task_id IN ({ids})
            UNION
            SELECT assigned.task_id, assigned.unit_id FROM ({assigned}) assigned
        ) pairs GROUP BY pairs.unit_id
    """  # noqa: S608 — table names from Django, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *assigned_params])
        return cursor.fetchall()


def _status_counts():
    """Aggregates over state.tasks_as_of() rows: how many in each status and light, and the mean percent."""
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=Status.DONE)),
        "done_late": Count("pk", filter=Q(status=Status.DONE_LATE)),
        "checking": Count("pk", filter=Q(status=Status.CHECKING)),
        "in_progress": Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        "not_started": Count("pk", filter=Q(status=Status.NOT_STARTED)),
        "overdue": Count("pk", filter=Q(status=Status.OVERDUE)),
        "red": Count("pk", filter=Q(light=Light.RED)),
        "yellow": Count("pk", filter=Q(light=Light.YELLOW)),
        "green": Count("pk", filter=Q(light=Light.GREEN)),
        "average_percent": Avg("percent"),
    }


def with_shares(figures: Any) -> dict[str, Any]:
    """Add whole-number percentages of the total for each status, for bars that add up to 100."""
    total = figures["total"] or 0
    for key in ("done", "done_late", "checking", "in_progress", "not_started", "overdue"):
        figures[f"{key}_share"] = round(figures[key] * 100 / total) if total else 0
    figures["average_percent"] = round(figures["average_percent"] or 0)
    return figures


def dashboard(as_of: datetime.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, as it stood on `as_of` (default today)."""
    as_of = as_of or timezone.localdate()
    tasks = state.tasks_as_of(as_of)
    # Every task has a stored state once state.tasks_as_of() has run: today's figures are counted
    # from the states alone, without joining 100,000 tasks to them (70 ms → 20 ms).
    every_task = TaskState.objects.all() if state.reads_store(as_of) else tasks
    overall = with_shares(every_task.aggregate(**_status_counts()))
    # The sections of the newest responsibility split: a city's database holds every district's
    # notices of every year, and a bar for each of their thousands of sections says nothing.
    newest = Section.objects.filter(document__kind=Document.Kind.NOTICE).order_by("-document__issued_on", "-document")
    sections_document = Document.objects.filter(pk__in=newest.values("document")[:1]).first()
    sections = [
        with_shares(row)
        for row in tasks.filter(section__isnull=False, document=sections_document)
        .values(
            "section",
            "section__number",
            "section__numbering",
            "section__title",
            "document__number",
            "document__issued_on",
        )
        .annotate(**_status_counts())
        .order_by("document__issued_on", "document", "section__number")
    ]
    lagging_units = lagging(as_of, DASHBOARD_ROWS)
    shown = tasks_for_display(as_of)
    due_soon = (
        shown.filter(current_deadline__gte=as_of, current_deadline__lte=as_of + datetime.timedelta(days=DUE_SOON_DAYS))
        .exclude(status__in=CLOSED)
        .order_by("current_deadline", "number", "pk")
    )
    overdue = shown.filter(status=Status.OVERDUE).order_by("current_deadline", "number", "pk")
    recent_reports = (
        ProgressReport.objects.filter(submitted_at__lt=end_of_day(as_of))
        .select_related("task__document", "unit")
        .order_by("-submitted_at", "-pk")[:DASHBOARD_ROWS]
    )
    return {
        "as_of": as_of,
        "overall": overall,
        "sections": sections,
        "sections_document": sections_document,
        "lagging_units": lagging_units,
        "due_soon": due_soon[:DASHBOARD_ROWS],
        "due_soon_count": due_soon.count(),
        "due_soon_until": as_of + datetime.timedelta(days=DUE_SOON_DAYS),
        "overdue": overdue[:DASHBOARD_ROWS],
        "overdue_count": overall["overdue"],
        "recent_reports": recent_reports,
    }
