"""generate_demo: the counts asked for, data the pages can rely on, the same rows for the same seed, and safety."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Min

from meetings.models import AgendaItem, Meeting, MeetingOrder
from tasks.models import Document, ProgressReport, Section, Subsection, Task, TaskUnit, Unit, UnitAlias
from tasks.querysets import end_of_day

from .conftest import SOURCE_2021

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
    return {
        "units": sorted(Unit.objects.values_list("name", "short_name", "kind")),
        "aliases": sorted(UnitAlias.objects.values_list("name", "unit__name")),
        "members": sorted(Unit.members.through.objects.values_list("from_unit__name", "to_unit__name")),
        "documents": sorted(Document.objects.values_list("kind", "number", "title", "issued_on", "text")),
        "tasks": sorted(
            Task.objects.values_list(
                "document__title", "number", "source", "section__number", "subsection__number", "text", "deadline"
            )
        ),
        "task_units": sorted(
            TaskUnit.objects.values_list(
                "task__document__title", "task__number", "role", "position", "unit__name", "name_as_written"
            )
        ),
        "reports": sorted(
            ProgressReport.objects.values_list(
                "task__document__title", "task__number", "unit__name", "period", "percent", "state", "submitted_at"
            )
        ),
        "meetings": sorted(Meeting.objects.values_list("body", "number", "held_on")),
    }


def delete_everything():
    """Delete the generated rows in an order the PROTECT foreign keys allow."""
    ProgressReport.objects.all().delete()
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


def test_the_tasks_show_every_status_and_light_on_the_day_they_were_made_for(db):
    generate(tasks=300, units=20, reports_per_task=2)
    tasks = Task.objects.with_progress(AS_OF)
    assert set(tasks.values_list("status", flat=True)) == set(Task.Status.values)
    assert set(tasks.values_list("light", flat=True)) == set(Task.Light.values)


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
