"""考核: each unit's score for a year, under the ScoreRule in force on the period's last day.

What counts against a unit (README "考核"), over the year up to its end or today:

- reports owed: each month whose report fell due in the period, for each open task the unit owes
  reports on (below) — on time when the unit sent that month's report by the end of
  its due day (a report later returned still was sent on time; the return counts below);
- 逾期办结: tasks the unit is named on, closed in the period after their current deadline
  (按期办结 ones are listed, not deducted);
- overdue: tasks the unit is named on that are overdue (逾期) at the end of the period;
- returned reports: the unit's reports the office returned in the period;
- 督办单 to the unit whose reply date fell in the period and that were not answered by then.

Who answers for a task is tasks.state.answerable_units()' rule (issue 14), read in bulk through
standing_assignments(): the units named on it, and members of a collective named on it whom the office
named for their share (点名承办, MemberAssignment) by the period's end. A task reached only through a
collective (各乡镇（街道）) counts against a member unit only then; a member named for a leading
collective's share owes its reports too. Collectives have no liaison and are not ranked.
Every lost point carries the records that caused it (tasks, reports, orders), for the pages' links.
The reads are a fixed number of queries whatever the number of units and tasks.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks import report_months
from tasks.models import ProgressReport, Task, TaskUnit, Unit
from tasks.state import standing_assignments, tasks_as_of
from tasks.state.derive import end_of_day

from .models import ScoreRule, SupervisionOrder

CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Cause:
    """One record behind lost points: what it is and where it is."""

    text: str
    url: str


@dataclasses.dataclass
class UnitScore:
    """A unit's score and everything it is made of."""

    unit: Unit
    reports_owed: int = 0
    reports_on_time: int = 0
    missed_reports: list[Cause] = dataclasses.field(default_factory=list)
    closed_on_time: list[Cause] = dataclasses.field(default_factory=list)
    closed_late: list[Cause] = dataclasses.field(default_factory=list)
    overdue: list[Cause] = dataclasses.field(default_factory=list)
    returned: list[Cause] = dataclasses.field(default_factory=list)
    unanswered: list[Cause] = dataclasses.field(default_factory=list)
    lost: dict[str, Decimal] = dataclasses.field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0

    @property
    def on_time_rate(self) -> Decimal:
        """Share of owed reports sent on time (1 when none was owed)."""
        if not self.reports_owed:
            return Decimal(1)
        return Decimal(self.reports_on_time) / Decimal(self.reports_owed)

    @property
    def on_time_percent(self) -> Decimal:
        return (self.on_time_rate * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclasses.dataclass
class Scoring:
    """The scores of a period: the rule used, the period, the units ranked best first."""

    year: int
    start: datetime.date
    end: datetime.date
    rule: ScoreRule
    rule_is_default: bool
    units: list[UnitScore]


def rule_for(day: datetime.date) -> tuple[ScoreRule, bool]:
    """(the rule in force on `day`, whether it is the built-in default because none was in force)."""
    rule = ScoreRule.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    return (rule, False) if rule is not None else (ScoreRule(valid_from=datetime.date(2000, 1, 1)), True)


def period_of(year: int, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The year's first day and its last, or today when the year is not over."""
    today = today or timezone.localdate()
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)


def answerable(links: list[TaskUnit], assigned: list[tuple[int, int]]) -> tuple[set[int], set[int]]:
    """(units that answer for a task, of them those that owe its reports), by answerable_units()' rule:
    the units named on it and the members the office named for a collective's share (`assigned`:
    (unit id, collective id) pairs standing then); its reports are owed by the lead units and by
    members named for a leading collective's share."""
    lead_ids = {link.unit_id for link in links if link.role == TaskUnit.Role.LEAD}
    named = {link.unit_id for link in links} | {unit_id for unit_id, _collective in assigned}
    owing = lead_ids | {unit_id for unit_id, collective_id in assigned if collective_id in lead_ids}
    return named, owing


def months_due(start: datetime.date, end: datetime.date) -> list[report_months.ReportMonth]:
    month, found = report_months.month_of(start), []
    while month.due_on <= end:
        if month.due_on >= start:
            found.append(month)
        month = report_months.following(month)
    return found


def score_units(year: int, units: list[Unit] | None = None) -> Scoring:
    """Every unit's score for `year` (default: all units that are not collectives), ranked best first."""
    start, end = period_of(year)
    rule, is_default = rule_for(end)
    if units is None:
        units = list(Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).in_office_order())
    scores = {unit.pk: UnitScore(unit) for unit in units}
    tasks = list(tasks_as_of(end).filter(document__issued_on__lte=end).select_related("document"))
    links: dict[int, list[TaskUnit]] = defaultdict(list)
    for link in TaskUnit.objects.order_by().filter(task__document__issued_on__lte=end):
        links[link.task_id].append(link)
    assigned: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for task_id, unit_id, collective_id in standing_assignments(end).values_list("task_id", "unit_id", "collective_id"):
        assigned[task_id].append((unit_id, collective_id))
    answer = {task.pk: answerable(links[task.pk], assigned[task.pk]) for task in tasks}
    task_url = url_of("tasks:task_detail")
    _reports_owed(scores, tasks, answer, start, end, task_url=task_url)
    _tasks_closed_and_overdue(scores, tasks, answer, start, end, task_url=task_url)
    _returned(scores, start, end)
    _unanswered(scores, start, end)
    for score in scores.values():
        _total(score, rule)
    ranked = sorted(scores.values(), key=lambda s: -s.score)  # stable: the office's order among equals
    for position, score in enumerate(ranked, start=1):
        score.rank = position
    return Scoring(year, start, end, rule, is_default, ranked)


SENTINEL = 987654321


def url_of(name: str) -> Callable[[int], str]:
    """pk → the URL of view `name`, reversed once: reverse() for each lost point took most of the
    ranking's time at 20,000 tasks (100,000 calls, 24 of 46 s)."""
    template = reverse(name, args=[SENTINEL])
    return lambda pk: template.replace(str(SENTINEL), str(pk))


def _task_cause(task: Task, task_url: Callable[[int], str], detail: str = "") -> Cause:
    return Cause(f"{task.label}. {task.text[:30]}{detail}", task_url(task.pk))


def _reports_owed(
    scores: dict[int, UnitScore], tasks: list[Any], answer: dict, start, end, *, task_url: Callable[[int], str]
) -> None:
    months = months_due(start, end)
    if not months:
        return
    sent = {
        (task_id, unit_id, period)
        for task_id, unit_id, period, submitted_at in ProgressReport.objects.filter(
            period__in=[m.period for m in months]
        ).values_list("task_id", "unit_id", "period", "submitted_at")
        if timezone.localdate(submitted_at) <= report_months.month_of(period).due_on
    }
    missed = {m.period: _("（%(month)s未按时报送）") % {"month": m.period.strftime("%Y-%m")} for m in months}
    for task in tasks:
        _named, owing = answer[task.pk]
        for month in months:
            if task.document.issued_on > month.due_on or (task.closed_on and task.closed_on <= month.due_on):
                continue
            for unit_id in owing & scores.keys():
                score = scores[unit_id]
                score.reports_owed += 1
                if (task.pk, unit_id, month.period) in sent:
                    score.reports_on_time += 1
                else:
                    score.missed_reports.append(_task_cause(task, task_url, missed[month.period]))


def _tasks_closed_and_overdue(
    scores: dict[int, UnitScore], tasks: list[Any], answer: dict, start, end, *, task_url: Callable[[int], str]
) -> None:
    for task in tasks:
        named, _owing = answer[task.pk]
        for unit_id in named & scores.keys():
            score = scores[unit_id]
            if task.closed_on and start <= task.closed_on <= end:
                if task.status == Task.Status.DONE_LATE:
                    score.closed_late.append(_task_cause(task, task_url))
                else:
                    score.closed_on_time.append(_task_cause(task, task_url))
            elif task.status == Task.Status.OVERDUE:
                score.overdue.append(_task_cause(task, task_url))


def _returned(scores: dict[int, UnitScore], start, end) -> None:
    returned = ProgressReport.objects.filter(
        unit__in=list(scores),
        state=ProgressReport.State.RETURNED,
        reviewed_at__gte=end_of_day(start - datetime.timedelta(days=1)),
        reviewed_at__lt=end_of_day(end),
    ).select_related("task__document")
    report_url = url_of("tasks:report_detail")
    for report in returned.order_by("reviewed_at", "pk"):
        text = f"{report.task.label}. {report.period:%Y-%m} " + _("报告被退回")
        scores[report.unit_id].returned.append(Cause(text, report_url(report.pk)))


def _unanswered(scores: dict[int, UnitScore], start, end) -> None:
    orders = SupervisionOrder.objects.filter(unit__in=list(scores), reply_due_on__gte=start, reply_due_on__lt=end)
    for order in orders.order_by("year", "number"):
        if order.replied_at is None or timezone.localdate(order.replied_at) > order.reply_due_on:
            scores[order.unit_id].unanswered.append(Cause(order.label, order.get_absolute_url()))


def _total(score: UnitScore, rule: ScoreRule) -> None:
    lost = {
        "reports": rule.report_points * (1 - score.on_time_rate),
        "closed_late": rule.closed_late * len(score.closed_late),
        "overdue": rule.overdue * len(score.overdue),
        "returned": rule.returned * len(score.returned),
        "unanswered": rule.unanswered * len(score.unanswered),
    }
    score.lost = {key: Decimal(value).quantize(CENT, ROUND_HALF_UP) for key, value in lost.items()}
    score.score = max(Decimal(0), Decimal(rule.base) - sum(score.lost.values())).quantize(CENT, ROUND_HALF_UP)
