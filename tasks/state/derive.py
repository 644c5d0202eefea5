"""Pure derivation of a task's state, and the dates it depends on.

A task's status, percent and warning light are never typed: `derivation()` gives the SQL
expressions that derive them from accepted reports and dates, so they can be filtered,
sorted and counted on any page, "as of" any date. Nothing here reads or writes a row: the
state package (tasks/state/__init__.py) applies these expressions, or reads today's stored
results (store.py).
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from .. import report_months
from ..models import ClosureRequest, Document, ExtensionRequest, Milestone, ProgressReport, Task, TaskUnit, Unit
from ..querysets import TaskQuerySet

EPOCH = datetime.date(2000, 1, 1)


class DayNumber(models.Func):
    """Days since 2000-01-01 of a date expression, as an integer, on SQLite and PostgreSQL."""

    output_field = models.IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - julianday('2000-01-01') AS INTEGER)"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')")


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


# What a task's state is made of: annotations every page selects, aliases only filters and
# TaskQuerySet.with_light_reasons() use. Both are the fields TaskState stores.
ANNOTATED: tuple[str, ...] = (
    "current_deadline",
    "percent",
    "is_complete",
    "has_progress",
    "days_left",
    "expected",
    "gap",
)
ANNOTATED += ("status", "light", "closed_on")
ALIASED = ("missed_milestone", "unreported")


def rules_key() -> str:
    """The rules a stored state was derived under (light thresholds, report due day, month rule);
    a state derived under others is not used. `m1`: a report counts for its own month only."""
    red, yellow, due = (
        settings.GOVTASKS_LIGHT_RED_GAP,
        settings.GOVTASKS_LIGHT_YELLOW_GAP,
        settings.GOVTASKS_LIGHT_DUE_SOON_DAYS,
    )
    return (
        f"red>{red} yellow>={yellow} due<={due} report@{settings.GOVTASKS_REPORT_DUE_DAY} m1 host+closure+answerable2"
    )


def answering_unit() -> Coalesce:
    """The 主办 unit of the outer task, as an expression: Task.host_unit, else the first lead unit."""
    first_lead = TaskUnit.objects.filter(task=OuterRef("pk"), role=TaskUnit.Role.LEAD).order_by("position")
    return Coalesce(F("host_unit"), Subquery(first_lead.values("unit")[:1]), output_field=models.BigIntegerField())


def by_answering_unit(unit_ref: OuterRef) -> Q:
    """Reports sent for the whole task: by the 主办 unit `unit_ref` (an OuterRef), or by a member of it when it
    is a collective. The one rule of whose reports are the task's own (derivation, bulletin, public page)."""
    return Q(unit=unit_ref) | Q(unit__collectives=unit_ref)


def derivation(as_of: datetime.date) -> dict[str, Combinable]:
    """{derived_<name>: expression} of a task's state at the end of `as_of`, from its reports and dates.

    The one place of the supervision rules (README "Who answers for a task"):

    - The task's figure is its 主办 unit's: the lead unit the office named (Task.host_unit), else
      the first lead unit. Its latest accepted report gives the percent; when the 主办 is a
      collective, the latest accepted report of any of its members. Other units' reports are
      their own part (selectors.unit_progress) and never move the task's percent or status.
    - A task is done only when the office closed it (办结销号: a ClosureRequest closed by then and
      not reopened by then); closed after its current deadline it is 逾期办结. A request waiting
      for the office's check makes it 待核查. A 100 % report alone closes nothing.
    - The period's report is owed by the 主办 unit (or a member of a 主办 collective).
    """
    cutoff = end_of_day(as_of)
    period, report_due_on = reporting_period(as_of)
    hosts_report = by_answering_unit(OuterRef("derived_host"))
    accepted = ProgressReport.objects.filter(
        task=OuterRef("pk"), state=ProgressReport.State.ACCEPTED, reviewed_at__lt=cutoff
    ).filter(hosts_report)
    approved_extension = ExtensionRequest.objects.filter(
        task=OuterRef("pk"), state=ExtensionRequest.State.APPROVED, decided_at__lt=cutoff
    ).order_by("-decided_at", "-pk")
    closed = (
        ClosureRequest.objects.filter(
            task=OuterRef("pk"),
            state__in=[ClosureRequest.State.CLOSED, ClosureRequest.State.REOPENED],
            decided_at__lt=cutoff,
        )
        .filter(Q(reopened_at__isnull=True) | Q(reopened_at__gte=cutoff))
        .order_by("-decided_at", "-pk")
    )
    # Asked by then and not yet decided then (a request returned or closed later was still waiting).
    waiting = ClosureRequest.objects.filter(task=OuterRef("pk"), requested_at__lt=cutoff).filter(
        Q(decided_at__isnull=True) | Q(decided_at__gte=cutoff)
    )
    # Milestones as the plans stood then: created by the cutoff and not yet removed.
    milestones = Milestone.objects.filter(plan__task=OuterRef("pk"), created_at__lt=cutoff).filter(
        Q(removed_at__isnull=True) | Q(removed_at__gte=cutoff)
    )
    targets = milestones.filter(percent__isnull=False)
    missed = milestones.filter(due_on__lt=as_of).filter(Q(done_on__isnull=True) | Q(done_on__gt=as_of))
    # A report counts for the period when the 主办 unit (or a member of a 主办 collective) sent
    # it for that very month by the cutoff and it had not been returned by then.
    reported = (
        ProgressReport.objects.filter(task=OuterRef("pk"), period=period, submitted_at__lt=cutoff)
        .exclude(state=ProgressReport.State.RETURNED, reviewed_at__lt=cutoff)
        .filter(hosts_report)
    )
    today = Value(day_number(as_of))
    start = DayNumber(F("document__issued_on"))
    deadline = DayNumber(F("derived_current_deadline"))
    status = Task.Status
    return {
        "derived_host": answering_unit(),
        # Scalar subqueries with LIMIT, not EXISTS: PostgreSQL hashes an EXISTS over every
        # milestone even for a page of 50 rows (measured at 100,000 tasks, 180,000 milestones).
        # order_by(): any missed milestone will do, and Milestone's own ordering would join
        # the task, its document and the unit into every row's subquery.
        "derived_first_missed": Subquery(missed.order_by().values("pk")[:1]),
        "derived_missed_milestone": ExpressionWrapper(
            Q(derived_first_missed__isnull=False), output_field=models.BooleanField()
        ),
        # The highest target reached by then; 0 when targets exist but none is due; NULL without targets.
        "derived_milestone_expected": Subquery(
            targets.annotate(reached=Case(When(due_on__lte=as_of, then=F("percent")), default=Value(0)))
            .order_by("-reached")
            .values("reached")[:1]
        ),
        "derived_period_report": Subquery(reported.order_by().values("pk")[:1]),
        "derived_unreported": ExpressionWrapper(
            Q(document__issued_on__lte=report_due_on) & Q(derived_period_report__isnull=True),
            output_field=models.BooleanField(),
        ),
        "derived_current_deadline": Coalesce(Subquery(approved_extension.values("new_deadline")[:1]), F("deadline")),
        "derived_percent": Coalesce(Subquery(accepted.newest_first().values("percent")[:1]), Value(0)),
        "derived_closed_on": Subquery(closed.values("closed_on")[:1]),
        "derived_is_complete": ExpressionWrapper(
            Q(derived_closed_on__isnull=False), output_field=models.BooleanField()
        ),
        "derived_checking": Exists(waiting),
        "derived_has_progress": Exists(accepted),
        "derived_days_left": deadline - today,
        "derived_expected": Case(
            When(derived_milestone_expected__isnull=False, then=F("derived_milestone_expected")),
            When(Q(derived_current_deadline__lte=F("document__issued_on")), then=Value(100)),
            default=Least(Value(100), Greatest(Value(0), (today - start) * 100 / (deadline - start))),
            output_field=models.IntegerField(),
        ),
        "derived_gap": F("derived_expected") - F("derived_percent"),
        "derived_status": Case(
            When(derived_closed_on__gt=F("derived_current_deadline"), then=Value(status.DONE_LATE)),
            When(derived_closed_on__isnull=False, then=Value(status.DONE)),
            When(derived_checking=True, then=Value(status.CHECKING)),
            When(derived_current_deadline__lt=as_of, then=Value(status.OVERDUE)),
            When(derived_has_progress=True, then=Value(status.IN_PROGRESS)),
            default=Value(status.NOT_STARTED),
            output_field=models.CharField(),
        ),
        "derived_light": light_rules(as_of),
    }


def light_rules(as_of: datetime.date) -> Case:
    """The warning light (预警) of a task, from the other derived_* values; thresholds come from settings.

    green: closed (按期 or 逾期办结: nothing left to warn about; the status tells them apart). red: past its deadline, a milestone missed, or more than
    GOVTASKS_LIGHT_RED_GAP points behind the expected progress. yellow: at least
    GOVTASKS_LIGHT_YELLOW_GAP points behind, the deadline within GOVTASKS_LIGHT_DUE_SOON_DAYS
    days, or not reported this period. green otherwise.
    """
    light = Task.Light
    return Case(
        When(derived_is_complete=True, then=Value(light.GREEN)),
        When(
            Q(derived_current_deadline__lt=as_of)
            | Q(derived_gap__gt=settings.GOVTASKS_LIGHT_RED_GAP)
            | Q(derived_first_missed__isnull=False),
            then=Value(light.RED),
        ),
        When(
            Q(derived_gap__gte=settings.GOVTASKS_LIGHT_YELLOW_GAP)
            | Q(derived_days_left__lte=settings.GOVTASKS_LIGHT_DUE_SOON_DAYS)
            | Q(derived_unreported=True),
            then=Value(light.YELLOW),
        ),
        default=Value(light.GREEN),
        output_field=models.CharField(),
    )


def as_of_bounds() -> tuple[datetime.date, datetime.date]:
    """(earliest, latest): the as-of dates a page accepts.

    From the earliest document's date (nothing is tracked before it) to today plus
    GOVTASKS_AS_OF_HORIZON_DAYS. Every date a user can give is bounded so, and the date
    arithmetic behind a page (the next day, a look-ahead of weeks, the month before)
    cannot overflow at the calendar's ends.
    """
    today = timezone.localdate()
    earliest = Document.objects.aggregate(first=models.Min("issued_on"))["first"] or today
    try:
        latest = today + datetime.timedelta(days=settings.GOVTASKS_AS_OF_HORIZON_DAYS)
    except OverflowError:
        latest = datetime.date.max - datetime.timedelta(days=366)
    return min(earliest, today), latest


def read_as_of(value: str | None) -> tuple[datetime.date | None, bool]:
    """(date, malformed): the YYYY-MM-DD date `value` names, or (None, True/False) when absent or bad.

    A date outside as_of_bounds() counts as malformed: the page says so and shows today.
    """
    if not value:
        return None, False
    try:
        day = datetime.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None, True
    earliest, latest = as_of_bounds()
    if not earliest <= day <= latest:
        return None, True
    return day, False


first_of_month = report_months.first_of_month


def reporting_period(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(period, due date): the latest month whose report was due by `as_of`, and that due date.

    The rule itself is report_months.owed_month, shared by every page that names a month.
    """
    month = report_months.owed_month(as_of)
    return month.period, month.due_on


# --- Unit counts: correlated subqueries over the task links, for the units' tallies ---------------


def reach_count(task_ids: QuerySet[Task, Any] | None = None) -> Combinable:
    """A correlated count of the outer unit's tasks, named on them or through a collective it belongs to.

    `task_ids` (a queryset of task pks, e.g. the overdue ones) narrows what is counted. Two
    counts added up, each answered from the index on the unit: tasks naming the unit, and
    tasks naming one of its collectives but not the unit. One OR over both would read every
    task link for every unit (minutes for 5,000 units and 400,000 links).
    """
    direct = TaskUnit.objects.filter(unit=OuterRef("pk"))
    if task_ids is not None:
        direct = direct.filter(task__in=task_ids)
    return count_links(direct) + through_collectives_count(task_ids)


def through_collectives_count(task_ids: QuerySet[Task, Any] | None = None) -> Coalesce:
    """A correlated count of the tasks the outer unit has only through a collective it belongs to."""
    collectives = Unit.members.through.objects.filter(to_unit=OuterRef(OuterRef("pk"))).values("from_unit")
    names_unit = TaskUnit.objects.filter(task=OuterRef("task"), unit=OuterRef(OuterRef("pk")))
    through = TaskUnit.objects.filter(unit__in=collectives).filter(~Exists(names_unit))
    if task_ids is not None:
        through = through.filter(task__in=task_ids)
    return count_links(through)


def count_links(links: QuerySet[TaskUnit]) -> Coalesce:
    """A correlated subquery counting the distinct tasks of the TaskUnit rows `links` (0 when there is none)."""
    counted = links.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("task", distinct=True))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def with_derived_state(tasks: TaskQuerySet, as_of: datetime.date) -> TaskQuerySet:
    """`tasks` annotated with their state at the end of `as_of`, derived by the expressions above
    (the columns ANNOTATED, the aliases ALIASED). Builds a query; reads and writes nothing."""
    tasks = tasks.alias(**derivation(as_of))
    return tasks.alias(**{name: F(f"derived_{name}") for name in ALIASED}).annotate(
        **{name: F(f"derived_{name}") for name in ANNOTATED}
    )
