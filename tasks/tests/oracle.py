"""An independent model of a task's derived state, written from README's "How a task's state is
derived" and nothing else: plain Python over plain records, no ORM, no SQL.

tasks/state/derive.py derives the same values in SQL (on the fly, and stored for today by
tasks/state/store.py); test_state_oracle.py compares the two over generated histories. A bug in the
derivation then shows up as a disagreement with this file, which shares no code with it.

The rules of who answers for a task (README "Who answers for a task, and when it is done"): the
task's figure is its 主办 unit's (the lead the office named, else the first lead; a member's when
the 主办 is a collective) — `answering_units` and `reports_that_count` hold that; a task is done only
when the office closed a 办结 request (销号) and has not reopened it, 逾期办结 when closed after its
current deadline, 待核查 while a request waits — `closure_of` holds that.
"""

import dataclasses
import datetime

GREEN, YELLOW, RED = "green", "yellow", "red"
NOT_STARTED, IN_PROGRESS, DONE, OVERDUE = "not_started", "in_progress", "done", "overdue"
CHECKING, DONE_LATE = "checking", "done_late"
# A 办结 request's states: waiting for the office's check, closed (销号), returned, closed then reopened.
CLOSED, REOPENED = "closed", "reopened"
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
    granted_deadline: datetime.date | None = None  # the office's own date, when it granted another


@dataclasses.dataclass(frozen=True)
class Closure:
    """A 办结 request as it stands now: `decided_at` when the office closed or returned it,
    `closed_on` the day it closed the task, `reopened_at` when it reopened a closed one."""

    id: int
    requested_at: datetime.datetime
    state: str
    decided_at: datetime.datetime | None
    closed_on: datetime.date | None
    reopened_at: datetime.datetime | None


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

    `leads` are unit names in document order; `members` maps a collective's name to its members';
    `host` is the lead the office named 主办 (None: the first lead).
    """

    issued_on: datetime.date
    deadline: datetime.date
    leads: tuple[str, ...]
    members: dict[str, tuple[str, ...]]
    reports: tuple[Report, ...] = ()
    extensions: tuple[Extension, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    closures: tuple[Closure, ...] = ()
    host: str | None = None


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


def answering_units(task: TaskHistory) -> set[str]:
    """The 主办 unit — the lead the office named, else the first lead — and, when it is a collective, its members."""
    host = task.host or task.leads[0]
    return {host, *task.members.get(host, ())}


def reports_that_count(task: TaskHistory, reports: list[Report]) -> list[Report]:
    """Whose accepted reports make the task's figure: the 主办 unit's (or its members'), nobody else's."""
    answering = answering_units(task)
    return [report for report in reports if report.unit in answering]


def closure_of(task: TaskHistory, cutoff: datetime.datetime) -> tuple[datetime.date | None, bool]:
    """(the day the task was closed, if it stood closed at `cutoff`; whether a request was waiting then)."""
    standing = [
        c
        for c in task.closures
        if c.state in (CLOSED, REOPENED) and by(c.decided_at, cutoff) and not by(c.reopened_at, cutoff)
    ]
    last = max(standing, key=lambda c: (c.decided_at, c.id), default=None)
    waiting = any(by(c.requested_at, cutoff) and not by(c.decided_at, cutoff) for c in task.closures)
    return (last.closed_on if last else None), waiting


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


def state_of(task: TaskHistory, as_of: datetime.date, cutoff: datetime.datetime, rules: Rules) -> State:
    """The task's state at `cutoff`, the end of the day `as_of` (in the project's time zone)."""
    accepted = [r for r in task.reports if r.state == ACCEPTED and by(r.reviewed_at, cutoff)]
    counted = reports_that_count(task, accepted)
    latest = newest(counted)
    percent = latest.percent if latest else 0
    closed_on, checking = closure_of(task, cutoff)
    is_complete = closed_on is not None  # a 100 % report or a completion claim alone closes nothing
    has_progress = bool(counted)

    approved = [e for e in task.extensions if e.state == APPROVED and by(e.decided_at, cutoff)]
    last_approved = max(approved, key=lambda e: (e.decided_at, e.id), default=None)
    deadline = (last_approved.granted_deadline or last_approved.new_deadline) if last_approved else task.deadline
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
    reporters = answering_units(task)  # the period's report is owed by the 主办 unit
    reported = any(
        r.unit in reporters
        and r.period == month  # a report counts for its own month only (issue 18): a later one does not stand in
        and by(r.submitted_at, cutoff)
        and not (r.state == RETURNED and by(r.reviewed_at, cutoff))
        for r in task.reports
    )
    unreported = task.issued_on <= due_on and not reported

    if is_complete:
        status = DONE_LATE if closed_on > deadline else DONE
    elif checking:
        status = CHECKING
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
