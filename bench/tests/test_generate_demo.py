"""generate_demo: the counts asked for, data the pages can rely on, the same rows for the same seed, and safety."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Min

from meetings.models import AgendaItem, Meeting, MeetingOrder
from tasks import roles
from tasks.models import (
    ClosureRequest,
    Document,
    ExtensionRequest,
    Milestone,
    ProgressReport,
    Section,
    Subsection,
    Task,
    TaskEvent,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitLiaison,
    UnitPlan,
)
from tasks.progress.services import REPORT_FIELDS, field_changes
from tasks.state import tasks_as_of
from tasks.state.derive import end_of_day
from tasks.tests.conftest import SOURCE_2021

AS_OF = datetime.date(2021, 11, 30)
SMALL = {"tasks": 50, "units": 10, "reports_per_task": 3}


def generate(**options):
    out = io.StringIO()
    call_command("generate_demo", **{**SMALL, "seed": 7, "as_of": AS_OF.isoformat(), **options}, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return generate()


def snapshot():
    """Every generated row without its primary key: equal snapshots mean the same data."""

    def rows(queryset):
        return sorted(map(repr, queryset))

    return {
        "units": rows(Unit.objects.values_list("name", "short_name", "kind")),
        "aliases": rows(UnitAlias.objects.values_list("name", "unit__name")),
        "members": rows(Unit.members.through.objects.values_list("from_unit__name", "to_unit__name")),
        "documents": rows(Document.objects.values_list("kind", "number", "title", "issued_on", "text")),
        "tasks": rows(
            Task.objects.values_list(
                "document__title", "number", "source", "section__number", "subsection__number", "text", "deadline"
            )
        ),
        "task_units": rows(
            TaskUnit.objects.values_list(
                "task__document__title", "task__number", "role", "position", "unit__name", "name_as_written"
            )
        ),
        "reports": rows(
            ProgressReport.objects.values_list(
                "task__document__title", "task__number", "unit__name", "period", "percent", "state", "submitted_at"
            )
        ),
        "meetings": rows(Meeting.objects.values_list("body", "number", "held_on")),
        "plans": rows(UnitPlan.objects.values_list("task__text", "unit__name", "responsible_name", "updated_at")),
        "milestones": rows(Milestone.objects.values_list("plan__unit__name", "title", "due_on", "done_on")),
        "extensions": rows(ExtensionRequest.objects.values_list("task__text", "new_deadline", "state")),
        "events": rows(TaskEvent.objects.values_list("task__text", "kind", "at", "actor__username")),
    }


def delete_everything():
    """Delete the generated rows in an order the PROTECT foreign keys allow."""
    TaskEvent.objects.all().delete()
    ClosureRequest.objects.all().delete()
    Milestone.objects.all().delete()
    UnitPlan.objects.all().delete()
    ExtensionRequest.objects.all().delete()
    ProgressReport.objects.filter(resubmission_of__isnull=False).delete()
    ProgressReport.objects.all().delete()
    UnitLiaison.objects.all().delete()
    get_user_model().objects.all().delete()
    Meeting.objects.all().delete()
    Task.objects.all().delete()
    Subsection.objects.all().delete()
    Section.objects.all().delete()
    Document.objects.all().delete()
    Unit.objects.all().delete()


def test_the_counts_asked_for(demo):
    assert Task.objects.count() == 50
    assert Unit.objects.count() == 10
    assert ProgressReport.objects.count() == 150
    # One task in thirty is a meeting's dated order.
    assert Task.objects.filter(source=Task.Source.MEETING).count() == 1
    assert MeetingOrder.objects.count() == 1
    assert "50 tasks" in demo and "150 reports" in demo


def test_every_task_has_a_first_lead_unit_and_positions_without_gaps(demo):
    for task in Task.objects.prefetch_related("task_units"):
        for role in TaskUnit.Role.values:
            positions = sorted(link.position for link in task.task_units.all() if link.role == role)
            assert positions == list(range(1, len(positions) + 1))
        assert any(link.role == TaskUnit.Role.LEAD and link.position == 1 for link in task.task_units.all())


def test_units_have_aliases_and_collectives_have_members(demo):
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    assert kinds[Unit.Kind.COLLECTIVE] >= 1 and kinds[Unit.Kind.TOWNSHIP] >= 1 and kinds[Unit.Kind.DEPARTMENT] >= 1
    for collective in Unit.objects.filter(kind=Unit.Kind.COLLECTIVE):
        assert collective.members.exists(), collective
    # Every spelling finds its unit, and some tasks write a unit by another spelling than its name.
    for alias in UnitAlias.objects.select_related("unit"):
        assert list(Unit.objects.named(alias.name)) == [alias.unit]
    assert Unit.objects.annotate(n=Count("aliases")).filter(n__gt=1).exists()
    assert TaskUnit.objects.exclude(name_as_written=F("unit__name")).exists()


def test_a_collective_gives_its_members_tasks(demo):
    collective = Unit.objects.filter(kind=Unit.Kind.COLLECTIVE, task_units__isnull=False).first()
    member = collective.members.first()
    given = set(Task.objects.filter(task_units__unit=collective).values_list("pk", flat=True))
    assert given and given <= set(Task.objects.for_unit(member).values_list("pk", flat=True))


def test_reports_are_plausible(demo):
    reports = ProgressReport.objects.all()
    bounds = reports.aggregate(low=Min("percent"), high=Max("percent"))
    assert 0 <= bounds["low"] < bounds["high"] == 100
    assert not reports.filter(submitted_at__gte=end_of_day(AS_OF)).exists()
    states = Counter(reports.values_list("state", flat=True))
    assert states[ProgressReport.State.ACCEPTED] > states[ProgressReport.State.SUBMITTED] > 0
    assert states[ProgressReport.State.RETURNED] > 0
    # Reviewed ones have a review time after their submission; returned ones say why.
    for report in reports.exclude(state=ProgressReport.State.SUBMITTED):
        assert report.reviewed_at > report.submitted_at
    assert not reports.filter(state=ProgressReport.State.RETURNED, review_comment="").exists()
    assert not reports.filter(state=ProgressReport.State.SUBMITTED, reviewed_at__isnull=False).exists()
    # One live report per task, unit and month; a claim of completion says 100 %.
    live = reports.exclude(state=ProgressReport.State.RETURNED).values("task", "unit", "period")
    assert not live.annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not reports.filter(claims_complete=True).exclude(percent=100).exists()
    # Reports come from a unit the task names, never from a collective.
    for report in reports.select_related("unit"):
        assert report.unit.kind != Unit.Kind.COLLECTIVE
        assert TaskUnit.objects.filter(task=report.task_id, unit=report.unit_id).exists()


def test_reports_plans_and_requests_have_their_authors_links_and_timeline(demo):
    office = get_user_model().objects.get(groups__name=roles.OFFICE)
    liaisons = dict(UnitLiaison.objects.values_list("unit", "user"))
    assert set(liaisons) == set(Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).values_list("pk", flat=True))
    assert get_user_model().objects.filter(groups__name=roles.LIAISON).count() == len(liaisons)
    assert not get_user_model().objects.filter(password__regex=r"^[^!]").exists()  # nobody can log in as them
    reports = ProgressReport.objects.order_by("pk")
    for report in reports:
        assert report.submitted_by_id == liaisons[report.unit_id]
        assert report.reviewed_by_id == (None if report.state == ProgressReport.State.SUBMITTED else office.pk)
        kinds = list(TaskEvent.objects.filter(report=report).order_by("at").values_list("kind", flat=True))
        submitted = TaskEvent.Kind.REPORT_RESUBMITTED if report.resubmission_of_id else TaskEvent.Kind.REPORT_SUBMITTED
        reviewed = {"accepted": [TaskEvent.Kind.REPORT_ACCEPTED], "returned": [TaskEvent.Kind.REPORT_RETURNED]}
        assert kinds == [submitted, *reviewed.get(report.state, [])]
    # A returned report is corrected in the same month by the same unit, and says what the correction changed.
    returned = reports.filter(state=ProgressReport.State.RETURNED)
    assert returned.exists() and not returned.filter(resubmission__isnull=True).exists()
    for report in returned:
        correction = report.resubmission
        assert (correction.task_id, correction.unit_id, correction.period) == (
            report.task_id,
            report.unit_id,
            report.period,
        )
        event = TaskEvent.objects.get(report=correction, kind=TaskEvent.Kind.REPORT_RESUBMITTED)
        before = {name: getattr(report, name) for name in REPORT_FIELDS}
        after = {name: getattr(correction, name) for name in REPORT_FIELDS}
        assert event.changes == field_changes(before, after, REPORT_FIELDS, ProgressReport)
    # Plans belong to units the task names; a milestone's targets climb to 100 % at the deadline.
    assert UnitPlan.objects.exists()
    assert not UnitPlan.objects.exclude(task__task_units__unit=F("unit")).exists()
    for plan in UnitPlan.objects.filter(milestones__isnull=False).distinct():
        targets = list(plan.milestones.order_by("due_on").values_list("percent", flat=True))
        assert targets == sorted(targets) and targets[-1] == 100
        assert plan.milestones.order_by("due_on").last().due_on == plan.task.deadline
        assert TaskEvent.objects.filter(task=plan.task, unit=plan.unit, kind=TaskEvent.Kind.PLAN_CHANGED).exists()


def test_the_tasks_show_every_status_and_light_on_the_day_they_were_made_for(db):
    generate(tasks=300, units=20, reports_per_task=2)
    tasks = tasks_as_of(AS_OF)
    assert set(tasks.values_list("status", flat=True)) == set(Task.Status.values)
    assert set(tasks.values_list("light", flat=True)) == set(Task.Light.values)
    assert tasks.with_light_reasons().filter(missed_milestone=True).exists() and tasks.filter(unreported=True).exists()
    # Some asked for more time: granted (the deadline in force moves), refused, or waiting.
    assert set(ExtensionRequest.objects.values_list("state", flat=True)) == set(ExtensionRequest.State.values)
    assert tasks.exclude(current_deadline=F("deadline")).exists()


def test_original_text_is_one_click_away(demo):
    for task in Task.objects.select_related("document"):
        lines = task.document.text.splitlines()
        block = [line.strip() for line in lines[task.source_line - 1 :][: len(task.source_text.splitlines())]]
        assert block == task.source_text.splitlines()
    meeting = Meeting.objects.get()
    assert meeting.document.kind == Document.Kind.MEETING_RECORD
    order = MeetingOrder.objects.get()
    assert order.task.source == Task.Source.MEETING and order.agenda_item.kind == AgendaItem.Kind.RESEARCH
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.APPROVE, approved_document__kind="notice").exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    generate()
    first = snapshot()
    delete_everything()
    generate()
    assert snapshot() == first
    delete_everything()
    generate(seed=8)
    assert snapshot()["tasks"] != first["tasks"]


def test_refuses_a_database_with_imported_documents_unless_forced(db):
    call_command("loaddata", SOURCE_2021.with_suffix(".json"), verbosity=0)
    tasks = Task.objects.count()
    with pytest.raises(CommandError, match=r"昌府办字〔2021〕20号.*\n.*imported \(real\) documents"):
        generate()
    assert Task.objects.count() == tasks
    generate(force=True)
    assert Task.objects.count() == tasks + 50


def test_refuses_to_add_to_an_earlier_run_and_reports_name_clashes_when_forced(demo):
    with pytest.raises(CommandError, match="already holds 50 tasks and 10 units"):
        generate()
    with pytest.raises(CommandError, match="already exist"):
        generate(force=True)
    assert Task.objects.count() == 50
    generate(force=True, seed=8)
    assert Task.objects.count() == 100


@pytest.mark.parametrize(
    ("options", "message"),
    [({"units": 4}, "--units"), ({"tasks": 0}, "--tasks"), ({"as_of": "2021-13-01"}, "--as-of")],
)
def test_bad_arguments_are_refused_before_anything_is_written(db, options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Task.objects.exists() and not Unit.objects.exists()
