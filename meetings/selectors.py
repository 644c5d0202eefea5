"""Reads for the meeting pages: meetings with their counts, agenda grouped by kind, orders as tasks."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from tasks.models import TaskUnit
from tasks.state import tasks_as_of

from .models import AgendaItem, EnterpriseMention, Meeting, MeetingOrder


@dataclass
class AgendaGroup:
    label: str
    items: list


@dataclass
class MentionedEnterprise:
    enterprise: object
    names_as_written: list


def _count_of(model, field):
    """A correlated COUNT(*) of `model` rows pointing at the outer meeting.

    Two Count() annotations over two joins would multiply each other's rows; subqueries don't.
    """
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def meetings():
    """Meetings with how many agenda items and orders each has, most recent first."""
    return Meeting.objects.annotate(
        agenda_count=_count_of(AgendaItem, "meeting"),
        order_count=_count_of(MeetingOrder, "meeting"),
    ).order_by("-held_on", "-number", "pk")


def meetings_with_document():
    return Meeting.objects.select_related("document")


def agenda_by_kind(meeting):
    """The meeting's agenda items as (kind label, items) pairs, in the order of AgendaItem.Kind.

    Each item carries its mentions (with the enterprise) and `approved_decision`: the
    commendation decision behind the document it approved, when that document is one.
    """
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("approved_document__commendation_decision")
        .prefetch_related(Prefetch("mentions", queryset=EnterpriseMention.objects.select_related("enterprise")))
        .order_by("position", "pk")
    )
    # Every kind in its declared order first; a value outside the choices still shows, last.
    by_kind = {kind.value: [] for kind in AgendaItem.Kind}
    for item in items:
        document = item.approved_document
        item.approved_decision = getattr(document, "commendation_decision", None) if document else None
        by_kind.setdefault(item.kind, []).append(item)
    return [AgendaGroup(kind_items[0].get_kind_display(), kind_items) for kind_items in by_kind.values() if kind_items]


def mentioned_enterprises(agenda_groups):
    """Distinct enterprises named in the agenda, in order of first mention, with every spelling used."""
    mentioned = {}
    for group in agenda_groups:
        for item in group.items:
            for mention in item.mentions.all():
                entry = mentioned.setdefault(mention.enterprise_id, MentionedEnterprise(mention.enterprise, []))
                if mention.name_as_written not in entry.names_as_written:
                    entry.names_as_written.append(mention.name_as_written)
    return list(mentioned.values())


def order_tasks(meeting):
    """The tasks the meeting ordered, with derived progress and the order's own wording."""
    return list(
        tasks_as_of()
        .filter(meeting_order__meeting=meeting)
        .select_related("meeting_order__agenda_item")
        .prefetch_related(
            Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("role", "position"))
        )
        .order_by("number", "pk")
    )


def meeting_years():
    """The years that have meetings, newest first."""
    return [day.year for day in Meeting.objects.dates("held_on", "year", order="DESC")]


def meeting_chairs():
    """Everyone who has chaired a meeting, by name."""
    return list(Meeting.objects.order_by("chair").values_list("chair", flat=True).distinct())
