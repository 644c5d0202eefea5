"""What the search box finds: units, enterprises, meetings and tasks, each in its own section.

Matching is by substring, and for units by any spelling or abbreviation
(`Unit.objects.matching`: 发改委, 发改 and 区发展和改革委员会 all find 区发改委). A task is
found by its text, by a unit found (it leads or shares the task), and by an enterprise found
(the task names the enterprise or its short name: 富祥药业 → 江西富祥药业股份有限公司 → 富祥二期…).

It lives in the project package because it reads every app; `tasks` imports nothing from
`meetings` or `commendations`.
"""

import dataclasses
import functools
import operator

from django.db.models import Count, Q, Window

from commendations.models import Enterprise, EnterpriseAlias
from meetings.models import Meeting
from tasks.models import Task, TaskUnit, Unit
from tasks.selectors import tasks_for_display

SECTION_ROWS = 20
TASK_ROWS = 30


@dataclasses.dataclass
class SearchResults:
    """Each section's first rows, and how many there are in all."""

    query: str
    units: list
    enterprises: list
    meetings: list
    tasks: list
    task_count: int

    @property
    def empty(self) -> bool:
        return not (self.units or self.enterprises or self.meetings or self.tasks)


def enterprises_named(query: str) -> list:
    """Enterprises whose name or short name contains `query`, or whose short name `query` contains (富祥药业 ⊃ 富祥)."""
    short_names = [
        enterprise_id
        for name, enterprise_id in EnterpriseAlias.objects.values_list("name", "enterprise_id")
        if len(name) >= 2 and name in query
    ]
    found = Q(name__icontains=query) | Q(aliases__name__icontains=query) | Q(pk__in=short_names)
    return list(Enterprise.objects.filter(found).distinct().prefetch_related("aliases").order_by("name")[:SECTION_ROWS])


def meetings_about(query: str) -> list:
    """Meetings whose record, agenda or orders mention `query`."""
    found = (
        Q(document__title__icontains=query)
        | Q(agenda_items__subject__icontains=query)
        | Q(agenda_items__text__icontains=query)
    )
    return list(Meeting.objects.filter(found).distinct().order_by("-held_on", "-pk")[:SECTION_ROWS])


def search_everything(query: str, tasks=None) -> SearchResults:
    """Everything `query` finds among `tasks` (default: every task) and the units, enterprises and meetings."""
    units = Unit.objects.matching(query, limit=SECTION_ROWS)
    enterprises = enterprises_named(query)
    words = query.split()
    in_text = functools.reduce(operator.and_, (Q(text__icontains=word) for word in words)) if words else Q(pk=None)
    mentions = [enterprise.name for enterprise in enterprises]
    mentions += [alias.name for enterprise in enterprises for alias in enterprise.aliases.all()]
    for name in mentions:
        in_text |= Q(text__icontains=name)
    if units:
        in_text |= Q(pk__in=TaskUnit.objects.filter(unit__in=units).values("task"))
    found = tasks_for_display(None, tasks).filter(in_text)
    # The first rows' keys and the count in one pass over the matches (a trigram index finds them on
    # PostgreSQL, migration 0016), then only those rows with their state and units.
    keys = list(
        found.annotate(found_count=Window(Count("pk")))
        .order_by("document__issued_on", "document", "number", "pk")
        .values_list("pk", "found_count")[:TASK_ROWS]
    )
    by_pk = found.in_bulk([pk for pk, _count in keys])
    return SearchResults(
        query=query,
        units=units,
        enterprises=enterprises,
        meetings=meetings_about(query),
        tasks=[by_pk[pk] for pk, _count in keys if pk in by_pk],
        task_count=keys[0][1] if keys else 0,
    )


def named_task_number(query: str):
    """The task a label names exactly: 会100-1 (a meeting's order), else None."""
    prefix, _dash, number = query.rpartition("-")
    if not (prefix and number.isdigit()):
        return None
    return (
        Task.objects.filter(document__task_prefix=f"{prefix}-", number=int(number))
        .order_by("-document__issued_on")
        .first()
    )
