"""An independent model of a task's derived state, written from README's "How a task's state is
derived" and nothing else: plain Python over plain records, no ORM, no SQL.

tasks/state/derive.py derives the same values in SQL (on the fly, and stored for today by
tasks/state/store.py); test_state_oracle.py compares the two over generated histories. A bug in the
derivation then shows up as a disagreement with this file, which shares no code with it.

When a rule changes (issue 14: the task's figure from its 主办 unit only, completion by an
office-checked 办结 request), change it here in the one function that holds it —
`reports_that_count` for whose reports make the figure — and in README's paragraph.
"""

import dataclasses
import datetime

GREEN, YELLOW, RED = "green", "yellow", "red"
NOT_STARTED, IN_PROGRESS, DONE, OVERDUE = "not_started", "in_progress", "done", "overdue"
SUBMITTED, ACCEPTED, RETURNED = "submitted", "accepted", "returned"
APPROVED, REFUSED, PENDING = "approved", "refused", "pending"


@dataclasses.dataclass(frozen=True)
class Rules:
    """The thresholds in settings (GOVTASKS_LIGHT_* and GOVTASKS_REPORT_DUE_DAY)."""

    red_gap: int
    yellow_gap: int
    due_soon_days: int
    report_due_day: int


@dataclasses.dataclass(frozen=True)
class Report:
    """A progress report as it stands now: `state` is its final state, `reviewed_at` when that was decided."""

    id: int
    unit: str
    period: datetime.date  # the first day of the month reported on
    percent: int
    claims_complete: bool
    submitted_at: datetime.datetime
    state: str
    reviewed_at: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class Extension:
    id: int
    new_deadline: datetime.date
    state: str
    decided_at: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class Milestone:
    due_on: datetime.date
    percent: int | None
    done_on: datetime.date | None
    created_at: datetime.datetime
    removed_at: datetime.datetime | None


@dataclasses.dataclass(frozen=True)
class TaskHistory:
    """One task: its document's date, its deadline, who leads it, and everything that happened to it.

    `leads` are unit names in document order; `members` maps a collective's name to its members'.
    """

    issued_on: datetime.date
    deadline: datetime.date
    leads: tuple[str, ...]
    members: dict[str, tuple[str, ...]]
    reports: tuple[Report, ...] = ()
    extensions: tuple[Extension, ...] = ()
    milestones: tuple[Milestone, ...] = ()


@dataclasses.dataclass(frozen=True)
class State:
    current_deadline: datetime.date
    percent: int
    is_complete: bool
    has_progress: bool
    days_left: int
    expected: int
    gap: int
    status: str
    light: str
    missed_milestone: bool
    unreported: bool


def by(moment: datetime.datetime | None, cutoff: datetime.datetime) -> bool:
    """Whether something that happened at `moment` had happened before `cutoff`."""
    return moment is not None and moment < cutoff


def reports_that_count(task: TaskHistory, reports: list[Report]) -> list[Report]:
    """Whose accepted reports make the task's figure. Today: every unit's (issue 14: the 主办 unit's only)."""
    return reports


def newest(reports: list[Report]) -> Report | None:
    """The latest report: latest month reported on; of one month, the one sent last (then the higher id)."""
    return max(reports, key=lambda report: (report.period, report.submitted_at, report.id), default=None)


def reporting_period(as_of: datetime.date, due_day: int) -> tuple[datetime.date, datetime.date]:
    """(month owed, its due date): a month's report is due on `due_day` of that month; until that day
    has passed the month before is the one owed."""
    month = as_of.replace(day=1)
    if as_of.day <= due_day:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month, month.replace(day=due_day)


def leads_and_their_members(task: TaskHistory) -> set[str]:
    """The units whose report counts as the task's report for a period: a lead, or a member of a leading collective."""
    return {*task.leads, *(member for lead in task.leads for member in task.members.get(lead, ()))}


def state_of(task: TaskHistory, as_of: datetime.date, cutoff: datetime.datetime, rules: Rules) -> State:
    """The task's state at `cutoff`, the end of the day `as_of` (in the project's time zone)."""
    accepted = [r for r in task.reports if r.state == ACCEPTED and by(r.reviewed_at, cutoff)]
    counted = reports_that_count(task, accepted)
    latest = newest(counted)
    percent = latest.percent if latest else 0
    is_complete = any(report.claims_complete for report in counted)
    has_progress = bool(counted)

    approved = [e for e in task.extensions if e.state == APPROVED and by(e.decided_at, cutoff)]
    last_approved = max(approved, key=lambda e: (e.decided_at, e.id), default=None)
    deadline = last_approved.new_deadline if last_approved else task.deadline
    days_left = (deadline - as_of).days

    standing = [m for m in task.milestones if by(m.created_at, cutoff) and not by(m.removed_at, cutoff)]
    missed = any(m.due_on < as_of and (m.done_on is None or m.done_on > as_of) for m in standing)
    targets = [m for m in standing if m.percent is not None]
    if targets:
        expected = max((m.percent for m in targets if m.due_on <= as_of), default=0)
    elif deadline <= task.issued_on:
        expected = 100
    else:
        elapsed = (as_of - task.issued_on).days
        expected = 0 if elapsed < 0 else min(100, elapsed * 100 // (deadline - task.issued_on).days)
    gap = expected - percent

    month, due_on = reporting_period(as_of, rules.report_due_day)
    reporters = leads_and_their_members(task)
    reported = any(
        r.unit in reporters
        and r.period >= month
        and by(r.submitted_at, cutoff)
        and not (r.state == RETURNED and by(r.reviewed_at, cutoff))
        for r in task.reports
    )
    unreported = task.issued_on <= due_on and not reported

    if is_complete:
        status = DONE
    elif deadline < as_of:
        status = OVERDUE
    elif has_progress:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED

    if is_complete:
        light = GREEN
    elif deadline < as_of or gap > rules.red_gap or missed:
        light = RED
    elif gap >= rules.yellow_gap or days_left <= rules.due_soon_days or unreported:
        light = YELLOW
    else:
        light = GREEN

    return State(
        current_deadline=deadline,
        percent=percent,
        is_complete=is_complete,
        has_progress=has_progress,
        days_left=days_left,
        expected=expected,
        gap=gap,
        status=status,
        light=light,
        missed_milestone=missed,
        unreported=unreported,
    )
