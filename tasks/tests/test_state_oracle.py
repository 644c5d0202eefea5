"""The derivation of a task's state against an independent oracle (tasks/tests/oracle.py).

Hypothesis writes histories a clerk could produce — reports on any month sent in any order,
reviewed late and out of order, returned and corrected, several extensions (some refused, one
pending), milestones added, done and removed, tasks led by a collective whose members report —
and every task's percent, status, current deadline, light, expected progress and
reported-this-period must be what the oracle computes from README's rules: today, read from
the stored states and derived on the fly, and as of earlier days.

Derandomised with a bounded number of examples: the same histories on every run, a minute or
less on SQLite and PostgreSQL.
"""

import dataclasses
import datetime
import itertools
import os

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasks.models import ClosureRequest, ExtensionRequest, Milestone, ProgressReport, Task, Unit, UnitPlan
from tasks.state import tasks_as_of
from tasks.tests import oracle
from tasks.tests.factories import make_document, make_task, make_unit, make_user

# Enough to reach every rule (each of the planted bugs in README fails within them); mutation
# runs take fewer (mutation/run.sh).
EXAMPLES = int(os.environ.get("GOVTASKS_ORACLE_EXAMPLES", "40"))
FIELDS = [field.name for field in dataclasses.fields(oracle.State)]
# The units a history may name: two departments, a collective of two townships, one more department.
LEADS = {
    "one lead": ("甲局",),
    "two leads": ("甲局", "乙局"),
    "a collective": ("各乡镇",),
    "lead and collective": ("甲局", "各乡镇"),
}
MEMBERS = {"各乡镇": ("东镇", "西镇")}
RESPONSIBLE = ("丙局", "乙局")  # 乙局 only where it does not lead
HOURS = st.sampled_from([0, 9, 15, 23])
PERCENTS = st.one_of(st.sampled_from([0, 30, 50, 60, 90, 100]), st.integers(0, 100))


def today():
    return timezone.localdate()


def moment(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def end_of(day):
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def months_back(day, months):
    first = day.replace(day=1)
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def day_after(start, days):
    """`days` after `start`, but never after today: nothing in a history has happened in the future."""
    return min(start + datetime.timedelta(days=days), today())


@st.composite
def task_histories(draw, ids):
    issued_on = today() - datetime.timedelta(days=draw(st.integers(0, 420)))
    deadline = issued_on + datetime.timedelta(days=draw(st.integers(-5, 400)))
    leads = draw(st.sampled_from(sorted(LEADS)))
    lead_units = LEADS[leads]
    # 乙局 shares the tasks it does not lead: its report there must not count as a lead's.
    reporters = sorted(
        {*lead_units, *(m for lead in lead_units for m in MEMBERS.get(lead, ())), *RESPONSIBLE} - {"各乡镇"}
    )

    reports, live = [], set()
    for _ in range(draw(st.integers(0, 6))):
        unit = draw(st.sampled_from(reporters))
        sent_on = day_after(issued_on, draw(st.integers(0, 420)))
        period = max(months_back(sent_on, draw(st.integers(0, 3))), issued_on.replace(day=1))
        submitted_at = moment(sent_on, draw(HOURS))
        state = draw(st.sampled_from([oracle.ACCEPTED, oracle.ACCEPTED, oracle.RETURNED, oracle.SUBMITTED]))
        while True:
            reviewed_at = None
            if state != oracle.SUBMITTED:
                reviewed_on = day_after(sent_on, draw(st.integers(0, 75)))
                reviewed_at = max(moment(reviewed_on, draw(HOURS)), submitted_at)
            percent = draw(PERCENTS)
            claims = percent == 100 and draw(st.booleans())
            if state != oracle.RETURNED:
                if (unit, period) in live:  # one live report per unit and month (a database constraint)
                    break
                live.add((unit, period))
            reports.append(oracle.Report(next(ids), unit, period, percent, claims, submitted_at, state, reviewed_at))
            # A returned report may be corrected: the same month again, sent after the return.
            if state != oracle.RETURNED or not draw(st.booleans()):
                break
            sent_on = day_after(reviewed_at.date(), draw(st.integers(0, 40)))
            submitted_at = max(moment(sent_on, draw(HOURS)), reviewed_at)
            state = draw(st.sampled_from([oracle.ACCEPTED, oracle.RETURNED, oracle.SUBMITTED]))

    extensions, pending = [], False
    for _ in range(draw(st.integers(0, 3))):
        state = draw(st.sampled_from([oracle.APPROVED, oracle.APPROVED, oracle.REFUSED, oracle.PENDING]))
        if state == oracle.PENDING and pending:
            state = oracle.REFUSED
        pending = pending or state == oracle.PENDING
        decided_at = (
            None if state == oracle.PENDING else moment(day_after(issued_on, draw(st.integers(0, 420))), draw(HOURS))
        )
        new_deadline = deadline + datetime.timedelta(days=draw(st.integers(1, 200)))
        # The office may grant another date than the one asked for, earlier or later.
        granted = None
        if state == oracle.APPROVED and draw(st.booleans()):
            granted = deadline + datetime.timedelta(days=draw(st.integers(1, 200)))
        extensions.append(oracle.Extension(next(ids), new_deadline, state, decided_at, granted))

    # The deadline that holds today: the newest approved extension's (by decision), else the document's.
    approved = [extension for extension in extensions if extension.state == oracle.APPROVED]
    extended = max(approved, key=lambda e: (e.decided_at, e.id)).new_deadline if approved else deadline

    # 办结 requests one after another: each asked after the one before was decided (or reopened),
    # so at most one waits and at most one stands closed, as the database allows.
    closures, free_from = [], issued_on
    for _ in range(draw(st.integers(0, 2))):
        # Often, where an extension moved the deadline, closed after the document's deadline but by the
        # extended one: 按期办结, which a rule reading the original deadline would call 逾期办结.
        within_extension = None
        if extended > deadline and draw(st.integers(0, 2)):
            day = deadline + datetime.timedelta(days=draw(st.integers(1, (extended - deadline).days)))
            within_extension = day if free_from <= day <= today() else None
        if within_extension is not None:
            requested_on = max(free_from, within_extension - datetime.timedelta(days=draw(st.integers(0, 30))))
            requested_at = moment(requested_on, draw(HOURS))
            state = draw(st.sampled_from([oracle.CLOSED, oracle.CLOSED, oracle.REOPENED]))
        else:
            requested_at = moment(day_after(free_from, draw(st.integers(0, 300))), draw(HOURS))
            state = draw(
                st.sampled_from([oracle.PENDING, oracle.CLOSED, oracle.CLOSED, oracle.RETURNED, oracle.REOPENED])
            )
        decided_at = closed_on = reopened_at = None
        if within_extension is not None:
            decided_at = max(moment(within_extension, draw(HOURS)), requested_at)
        elif state != oracle.PENDING:
            decided_at = max(
                moment(day_after(requested_at.date(), draw(st.integers(0, 60))), draw(HOURS)), requested_at
            )
        if state != oracle.PENDING:
            closed_on = timezone.localtime(decided_at).date() if state in (oracle.CLOSED, oracle.REOPENED) else None
        if state == oracle.REOPENED:
            reopened_at = max(moment(day_after(decided_at.date(), draw(st.integers(0, 60))), draw(HOURS)), decided_at)
        closures.append(oracle.Closure(next(ids), requested_at, state, decided_at, closed_on, reopened_at))
        if state in (oracle.PENDING, oracle.CLOSED):
            break  # nothing more can be asked while one waits or stands closed
        free_from = (reopened_at or decided_at).date()
    # The office may name another lead as 主办.
    host = draw(st.none() | st.sampled_from(lead_units))

    milestones = []
    for _ in range(draw(st.integers(0, 3))):
        created_at = moment(day_after(issued_on, draw(st.integers(0, 200))), draw(HOURS))
        due_on = issued_on + datetime.timedelta(days=draw(st.integers(0, 400)))
        done_on = draw(
            st.none()
            | st.integers(-20, 40).map(lambda d, due_on=due_on: min(due_on + datetime.timedelta(days=d), today()))
        )
        removed_at = draw(
            st.none() | st.integers(0, 200).map(lambda d, c=created_at: moment(day_after(c.date(), d), 12))
        )
        percent = draw(st.none() | PERCENTS)
        milestones.append(oracle.Milestone(due_on, percent, done_on, created_at, removed_at))

    return oracle.TaskHistory(
        issued_on=issued_on,
        deadline=deadline,
        leads=lead_units,
        members=MEMBERS,
        reports=tuple(reports),
        extensions=tuple(extensions),
        milestones=tuple(milestones),
        closures=tuple(closures),
        host=host,
    )


@st.composite
def worlds(draw):
    """One or two tasks (a second one catches a state leaking between tasks) and four days to look at."""
    ids = itertools.count(1)
    histories = draw(st.lists(task_histories(ids), min_size=1, max_size=2))
    earliest = min(history.issued_on for history in histories)
    span = (today() - earliest).days + 30
    days = [today() - datetime.timedelta(days=draw(st.integers(1, span))) for _ in range(3)]
    return histories, days


def the_issues_history():
    """Issue 19's own history, always tried first (hypothesis' explicit example): generated histories
    reach it only by chance. A May report returned, corrected and accepted in July, after June's was
    accepted — June's stays the latest; two extensions approved one after the other — the second
    one's date is the deadline; a collective's member reports under a named 主办 of two leads."""
    may, june = months_back(today(), 3), months_back(today(), 2)
    issued_on = months_back(today(), 4)
    deadline = today() + datetime.timedelta(days=200)
    late = today() - datetime.timedelta(days=5)
    corrected = oracle.Report(
        2, "甲局", may, 40, False, moment(may + datetime.timedelta(days=9), 9), oracle.ACCEPTED, moment(late, 9)
    )
    reports = (
        oracle.Report(
            1,
            "甲局",
            may,
            30,
            False,
            moment(may + datetime.timedelta(days=4), 9),
            oracle.RETURNED,
            moment(may + datetime.timedelta(days=6), 9),
        ),
        corrected,
        oracle.Report(
            3,
            "甲局",
            june,
            60,
            False,
            moment(june + datetime.timedelta(days=4), 9),
            oracle.ACCEPTED,
            moment(june + datetime.timedelta(days=6), 9),
        ),
    )
    extensions = (
        oracle.Extension(4, deadline + datetime.timedelta(days=90), oracle.APPROVED, moment(june, 15)),
        oracle.Extension(5, deadline + datetime.timedelta(days=30), oracle.APPROVED, moment(late, 15)),
    )
    one_lead = oracle.TaskHistory(
        issued_on=issued_on,
        deadline=deadline,
        leads=LEADS["one lead"],
        members=MEMBERS,
        reports=reports,
        extensions=extensions,
    )
    members_report = (
        oracle.Report(
            6, "西镇", june, 70, False, moment(june + datetime.timedelta(days=3), 9), oracle.ACCEPTED, moment(late, 9)
        ),
        oracle.Report(
            7,
            "东镇",
            may,
            20,
            False,
            moment(may + datetime.timedelta(days=3), 9),
            oracle.ACCEPTED,
            moment(today() - datetime.timedelta(days=1), 9),
        ),
        oracle.Report(
            8,
            "甲局",
            june,
            90,
            False,
            moment(june + datetime.timedelta(days=5), 9),
            oracle.ACCEPTED,
            moment(june + datetime.timedelta(days=6), 9),
        ),
    )
    collective_host = oracle.TaskHistory(
        issued_on=issued_on,
        deadline=deadline,
        leads=LEADS["lead and collective"],
        members=MEMBERS,
        reports=members_report,
        host="各乡镇",
    )
    days = [late - datetime.timedelta(days=1), late, today() - datetime.timedelta(days=1)]
    return [one_lead, collective_host], days


@pytest.fixture
def units(db):
    """{name: Unit} for the names LEADS, MEMBERS and RESPONSIBLE use."""
    made = {name: make_unit(name) for name in ("甲局", "乙局", "丙局", "东镇", "西镇")}
    made["各乡镇"] = make_unit("各乡镇", kind=Unit.Kind.COLLECTIVE, members=[made["东镇"], made["西镇"]])
    return made


@pytest.fixture
def liaison(db):
    """Whoever requests the extensions (the derivation reads only their state and dates)."""
    return make_user("oracle-liaison")


def store(history, unit, liaison):
    """The task and its history as rows, written directly with the history's own dates."""
    task = make_task(
        document=make_document(issued_on=history.issued_on),
        deadline=history.deadline,
        lead=[unit[name] for name in history.leads],
        responsible=[unit[name] for name in RESPONSIBLE if name not in history.leads],
    )
    if history.host is not None:
        task.host_unit = unit[history.host]
        task.save(update_fields=["host_unit"])
    answering = history.host or history.leads[0]
    for closure in history.closures:
        ClosureRequest.objects.create(
            task=task,
            unit=unit[answering] if answering != "各乡镇" else unit["东镇"],
            summary=f"第{closure.id}份办结申请",
            state=closure.state,
            requested_by=liaison,
            requested_at=closure.requested_at,
            decided_at=closure.decided_at,
            closed_on=closure.closed_on,
            reopened_at=closure.reopened_at,
        )
    for report in history.reports:
        ProgressReport.objects.create(
            task=task,
            unit=unit[report.unit],
            period=report.period,
            done=f"第{report.id}份报告",
            percent=report.percent,
            claims_complete=report.claims_complete,
            state=report.state,
            submitted_at=report.submitted_at,
            reviewed_at=report.reviewed_at,
        )
    for extension in history.extensions:
        ExtensionRequest.objects.create(
            task=task,
            unit=unit[history.leads[0]] if history.leads[0] != "各乡镇" else unit["东镇"],
            old_deadline=history.deadline,
            new_deadline=extension.new_deadline,
            granted_deadline=extension.granted_deadline,
            reason="需要延期",
            progress="正在推进",
            percent=50,
            state=extension.state,
            requested_by=liaison,
            requested_at=extension.decided_at or timezone.now(),
            decided_at=extension.decided_at,
        )
    if history.milestones:
        plan = UnitPlan.objects.create(task=task, unit=unit["丙局"], updated_at=timezone.now())
        Milestone.objects.bulk_create(
            [Milestone(plan=plan, title=f"节点{n}", **dataclasses.asdict(m)) for n, m in enumerate(history.milestones)]
        )
    return task


def derived(task, as_of, *, stored):
    row = (
        tasks_as_of(as_of, Task.objects.filter(pk=task.pk), stored=stored)
        .with_light_reasons()
        .values(*[name for name in FIELDS if name != "unreported"], "not_reported")
        .get()
    )
    row["unreported"] = row.pop("not_reported")
    return oracle.State(**row)


def rules():
    return oracle.Rules(
        red_gap=django_settings.GOVTASKS_LIGHT_RED_GAP,
        yellow_gap=django_settings.GOVTASKS_LIGHT_YELLOW_GAP,
        due_soon_days=django_settings.GOVTASKS_LIGHT_DUE_SOON_DAYS,
        report_due_day=django_settings.GOVTASKS_REPORT_DUE_DAY,
    )


def closed_within_an_extension():
    """A task whose document's deadline passed 100 days ago, extended (approved 120 days ago) to 50 days
    ahead, and closed (销号) 55 days ago: 按期办结 — judged against the original deadline it would read 逾期办结.
    Looked at today, before the closure, and between the deadlines before the extension was approved."""
    day = today()
    ago = lambda days: day - datetime.timedelta(days=days)  # noqa: E731
    history = oracle.TaskHistory(
        issued_on=ago(300),
        deadline=ago(100),
        leads=("甲局",),
        members=MEMBERS,
        reports=(
            oracle.Report(
                1, "甲局", ago(90).replace(day=1), 100, True, moment(ago(90), 9), oracle.ACCEPTED, moment(ago(88), 9)
            ),
        ),  # fmt: skip
        extensions=(oracle.Extension(2, day + datetime.timedelta(days=50), oracle.APPROVED, moment(ago(120), 15)),),
        closures=(oracle.Closure(3, moment(ago(60), 9), oracle.CLOSED, moment(ago(55), 15), ago(55), None),),
    )
    return [history], [ago(10), ago(58), ago(130)]


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
# 逾期办结 is judged against the current (extended) deadline: this history fails a derivation that reads
# the document's deadline (checked by planting that bug); the strategy also draws such closures often.
@example(world=closed_within_an_extension())
@example(world=the_issues_history())
def test_the_derivation_agrees_with_the_oracle_stored_and_on_the_fly_today_and_as_of_earlier_days(
    units, liaison, world
):
    histories, days = world
    with transaction.atomic():
        tasks = [(store(history, units, liaison), history) for history in histories]
        for task, history in tasks:
            expected = oracle.state_of(history, today(), end_of(today()), rules())
            assert derived(task, None, stored=True) == expected, ("stored, today", history)
            assert derived(task, today(), stored=False) == expected, ("on the fly, today", history)
            for day in days:
                expected = oracle.state_of(history, day, end_of(day), rules())
                assert derived(task, day, stored=False) == expected, (f"as of {day}", history)
                # As pages ask (stored=True): another day must never read today's stored states.
                assert derived(task, day, stored=True) == expected, (f"as of {day}, as pages ask", history)
        transaction.set_rollback(True)
