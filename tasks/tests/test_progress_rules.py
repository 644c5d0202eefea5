"""Derived status and warning light at their boundaries, as of a fixed day.

AS_OF is 2021-07-01; the report due day is the 25th, so the period a unit must have
reported by then is June 2021. Tasks are issued on 2021-01-01.
"""

import datetime

import pytest
from django.utils import timezone

from tasks.models import ClosureRequest, ExtensionRequest, Milestone, ProgressReport, Task, UnitPlan
from tasks.state import tasks_as_of
from tasks.state.derive import reporting_period
from tasks.tests.factories import at, make_closure, make_document, make_report, make_task, make_unit, make_user

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2021, 7, 1)
JUNE = datetime.date(2021, 6, 1)
N = 15


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.GOVTASKS_LIGHT_YELLOW_GAP = 10
    settings.GOVTASKS_LIGHT_RED_GAP = 30
    settings.GOVTASKS_LIGHT_DUE_SOON_DAYS = N
    settings.GOVTASKS_REPORT_DUE_DAY = 25


@pytest.fixture
def lead():
    return make_unit("区发改委")


@pytest.fixture
def document():
    return make_document(issued_on=datetime.date(2021, 1, 1))


def days(n):
    return datetime.timedelta(days=n)


def state(task, as_of=AS_OF):
    return tasks_as_of(as_of).with_light_reasons().get(pk=task.pk)


# Defaults of the helpers below: when a report is sent and a milestone set, unless a test says otherwise.
JUNE_20 = at(datetime.date(2021, 6, 20))
MARCH_1 = at(datetime.date(2021, 3, 1))


def on_track(task, lead, *, behind=0, submitted=JUNE_20):
    """Give `task` an accepted June report `behind` points short of its expected progress."""
    expected = state(task).expected
    make_report(task=task, unit=lead, percent=max(0, expected - behind), period=JUNE, submitted_at=submitted)
    return state(task)


def task_due(document, lead, deadline):
    return make_task(document=document, lead=[lead], deadline=deadline)


# --- deadline ---------------------------------------------------------------------------------------------------


def test_deadline_today_is_not_overdue_but_yellow(document, lead):
    task = on_track(task_due(document, lead, AS_OF), lead)
    assert (task.status, task.days_left, task.light) == ("in_progress", 0, "yellow")


def test_deadline_yesterday_is_overdue_and_red(document, lead):
    task = on_track(task_due(document, lead, AS_OF - days(1)), lead)
    assert (task.status, task.days_left, task.light) == ("overdue", -1, "red")


def test_deadline_n_days_out_is_yellow_and_one_more_day_green(document, lead):
    assert on_track(task_due(document, lead, AS_OF + days(N)), lead).light == "yellow"
    assert on_track(task_due(document, lead, AS_OF + days(N + 1)), lead).light == "green"


def test_the_due_soon_days_come_from_settings(document, lead, settings):
    task = on_track(task_due(document, lead, AS_OF + days(10)), lead)
    assert task.light == "yellow"
    settings.GOVTASKS_LIGHT_DUE_SOON_DAYS = 9
    assert state(task).light == "green"


def test_a_completion_claim_alone_closes_nothing(document, lead):
    task = task_due(document, lead, AS_OF + days(60))
    make_report(task=task, unit=lead, percent=100, claims_complete=True, period=JUNE, submitted_at=JUNE_20)
    assert (state(task).status, state(task).percent, state(task).is_complete) == ("in_progress", 100, False)


def test_a_task_waits_for_the_check_then_is_closed_on_time_or_late(document, lead):
    task = task_due(document, lead, datetime.date(2021, 6, 25))
    make_report(task=task, unit=lead, percent=100, claims_complete=True, period=JUNE, submitted_at=JUNE_20)
    closure = make_closure(task=task, requested_at=at(datetime.date(2021, 6, 22)))
    assert (state(task).status, state(task).light) == ("checking", "red")  # past its deadline, not yet checked
    ClosureRequest.objects.filter(pk=closure.pk).update(
        state="closed", decided_at=at(datetime.date(2021, 6, 24)), closed_on=datetime.date(2021, 6, 24)
    )
    assert (state(task).status, state(task).light, state(task).closed_on) == (
        "done",
        "green",
        datetime.date(2021, 6, 24),
    )
    # The day before the check it was still waiting; the day before the request, overdue it was not yet.
    assert state(task, datetime.date(2021, 6, 23)).status == "checking"
    ClosureRequest.objects.filter(pk=closure.pk).update(
        decided_at=at(datetime.date(2021, 6, 28)), closed_on=datetime.date(2021, 6, 28)
    )
    assert (state(task).status, state(task).light) == ("done_late", "green")
    assert state(task, datetime.date(2021, 6, 27)).status == "checking"


def test_a_reopened_task_is_open_again_from_the_day_it_was_reopened(document, lead):
    task = task_due(document, lead, AS_OF + days(60))
    make_closure(task=task, requested_at=at(JUNE), closed_at=at(datetime.date(2021, 6, 10)))
    ClosureRequest.objects.filter(task=task).update(state="reopened", reopened_at=at(datetime.date(2021, 6, 20)))
    assert state(task, datetime.date(2021, 6, 15)).status == "done"
    assert state(task).status == "not_started"


def test_only_the_host_units_reports_move_the_task(document, lead):
    """Task 9's story: the lead at 25 %, then a township reached through 各乡镇（街道） at 5 %."""
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    second = make_unit("区科技局")
    task = make_task(document=document, lead=[lead, second], responsible=[towns], deadline=AS_OF + days(60))
    make_report(task=task, unit=lead, percent=25, period=JUNE, submitted_at=at(datetime.date(2021, 6, 10)))
    make_report(task=task, unit=town, percent=5, period=JUNE, submitted_at=JUNE_20)
    make_report(task=task, unit=second, percent=90, period=JUNE, submitted_at=JUNE_20)
    assert state(task).percent == 25
    # The office names the second lead unit as 主办: its figure is the task's from then on.
    Task.objects.filter(pk=task.pk).update(host_unit=second)
    assert state(task).percent == 90


def test_a_submitted_report_does_not_count_until_accepted(document, lead):
    task = task_due(document, lead, AS_OF + days(100))
    make_report(
        task=task, unit=lead, percent=100, claims_complete=True, state="submitted", period=JUNE, submitted_at=at(JUNE)
    )
    assert (state(task).status, state(task).percent) == ("not_started", 0)


# --- gap to the expected progress ----------------------------------------------------------------------------------


@pytest.mark.parametrize("behind, light", [(9, "green"), (10, "yellow"), (30, "yellow"), (31, "red")])
def test_points_behind_the_expected_progress(document, lead, behind, light):
    task = on_track(task_due(document, lead, datetime.date(2021, 12, 31)), lead, behind=behind)
    assert task.expected == 49  # 181 of 364 days
    assert (task.gap, task.light) == (behind, light)


def test_accepted_later_does_not_count_as_of_earlier(document, lead):
    task = task_due(document, lead, datetime.date(2021, 12, 31))
    make_report(task=task, unit=lead, percent=60, period=JUNE, submitted_at=at(JUNE), reviewed_at=at(AS_OF + days(1)))
    assert state(task).percent == 0
    assert state(task, AS_OF + days(1)).percent == 60


# --- milestones ----------------------------------------------------------------------------------------------------


def milestone(task, lead, *, due_on, percent=None, done_on=None, created=MARCH_1, removed=None):
    plan, _ = UnitPlan.objects.get_or_create(task=task, unit=lead, defaults={"updated_at": created})
    return Milestone.objects.create(
        plan=plan, title="节点", due_on=due_on, percent=percent, done_on=done_on, created_at=created, removed_at=removed
    )


@pytest.mark.parametrize(
    "due_on, done_on, light",
    [
        (AS_OF - days(1), None, "red"),  # due yesterday, open: missed
        (AS_OF - days(1), AS_OF - days(1), "green"),  # done on time
        (AS_OF - days(5), AS_OF, "green"),  # done late, but done by now
        (AS_OF - days(1), AS_OF + days(3), "red"),  # done only after the day we look at
        (AS_OF, None, "green"),  # due today: not missed yet
    ],
)
def test_a_missed_milestone_turns_the_task_red(document, lead, due_on, done_on, light):
    task = task_due(document, lead, datetime.date(2021, 12, 31))
    milestone(task, lead, due_on=due_on, done_on=done_on)
    assert on_track(task, lead).light == light


def test_milestone_targets_give_the_expected_progress(document, lead):
    task = task_due(document, lead, datetime.date(2021, 12, 31))
    milestone(task, lead, due_on=datetime.date(2021, 6, 30), percent=40, done_on=datetime.date(2021, 6, 30))
    milestone(task, lead, due_on=datetime.date(2021, 9, 30), percent=80)
    assert state(task).expected == 40
    assert state(task, datetime.date(2021, 6, 29)).expected == 0
    assert state(task, datetime.date(2021, 10, 1)).expected == 80


def test_milestones_as_the_plan_stood_then(document, lead):
    task = task_due(document, lead, datetime.date(2021, 12, 31))
    # Added after the day we look at: not there yet.
    milestone(task, lead, due_on=datetime.date(2021, 6, 1), created=at(AS_OF + days(1)))
    assert on_track(task, lead).light == "green"
    # Removed after that day: it was there, and missed.
    other = task_due(document, lead, datetime.date(2021, 12, 31))
    milestone(other, lead, due_on=datetime.date(2021, 6, 1), removed=at(AS_OF + days(1)))
    assert on_track(other, lead).light == "red"
    # Removed before: gone.
    assert state(other, AS_OF + days(2)).missed_milestone is False


# --- reporting this period -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, period, due_on",
    [
        (datetime.date(2021, 6, 25), datetime.date(2021, 5, 1), datetime.date(2021, 5, 25)),
        (datetime.date(2021, 6, 26), datetime.date(2021, 6, 1), datetime.date(2021, 6, 25)),
        (datetime.date(2021, 1, 10), datetime.date(2020, 12, 1), datetime.date(2020, 12, 25)),
    ],
)
def test_the_period_due_turns_over_after_the_due_day(as_of, period, due_on):
    assert reporting_period(as_of) == (period, due_on)


def test_no_report_this_period_is_yellow(document, lead):
    task = task_due(document, lead, datetime.date(2021, 12, 31))
    # On track by an accepted May report, but nothing for June.
    expected = state(task).expected
    make_report(task=task, unit=lead, percent=expected, period=datetime.date(2021, 5, 1), submitted_at=at(JUNE))
    assert (state(task).not_reported, state(task).light) == (True, "yellow")
    # Before June's due day had passed, May's report was enough.
    assert state(task, datetime.date(2021, 6, 25)).not_reported is False


def test_a_submitted_report_counts_as_reported_and_a_returned_one_does_not(document, lead):
    task = task_due(document, lead, datetime.date(2021, 12, 31))
    report = make_report(
        task=task, unit=lead, state="submitted", period=JUNE, submitted_at=at(datetime.date(2021, 6, 20))
    )
    assert state(task).not_reported is False
    ProgressReport.objects.filter(pk=report.pk).update(state="returned", reviewed_at=at(datetime.date(2021, 6, 28)))
    assert state(task).not_reported is True
    # Returned only after the day we look at: on that day it was still waiting for review.
    ProgressReport.objects.filter(pk=report.pk).update(reviewed_at=at(AS_OF + days(1)))
    assert state(task).not_reported is False


def test_only_lead_units_reports_count_including_members_of_a_leading_collective(document, lead):
    helper = make_unit("区财政局")
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    task = make_task(document=document, lead=[towns], responsible=[helper], deadline=datetime.date(2021, 12, 31))
    make_report(task=task, unit=helper, state="submitted", period=JUNE, submitted_at=at(JUNE))
    assert state(task).not_reported is True
    make_report(task=task, unit=town, state="submitted", period=JUNE, submitted_at=at(JUNE))
    assert state(task).not_reported is False


def test_a_task_given_after_the_due_day_owes_no_report_yet(lead):
    late = make_document(issued_on=datetime.date(2021, 6, 26))
    task = make_task(document=late, lead=[lead], deadline=datetime.date(2021, 12, 31))
    assert state(task).not_reported is False


# --- extensions ------------------------------------------------------------------------------------------------------


def test_an_extension_counts_from_the_day_it_was_approved(document, lead):
    task = task_due(document, lead, datetime.date(2021, 6, 30))
    office = make_user("office")
    ExtensionRequest.objects.create(
        task=task,
        unit=lead,
        old_deadline=task.deadline,
        new_deadline=datetime.date(2021, 9, 30),
        reason="征地",
        progress="设计完成",
        percent=50,
        state=ExtensionRequest.State.APPROVED,
        requested_by=office,
        requested_at=at(datetime.date(2021, 6, 20)),
        decided_by=office,
        decided_at=timezone.make_aware(datetime.datetime(2021, 7, 10, 9)),
    )
    before = state(task, datetime.date(2021, 7, 9))
    after = state(task, datetime.date(2021, 7, 10))
    assert (before.current_deadline, before.status) == (datetime.date(2021, 6, 30), "overdue")
    assert (after.current_deadline, after.status, after.days_left) == (datetime.date(2021, 9, 30), "not_started", 82)
