"""Reads that carry rules on the tasks app's own tables: finding units by any spelling, tasks of a unit.

A task's derived state (status, percent, light) is not here: it comes through tasks/state/,
the one place that decides whether to derive it or read today's stored copy. This module
imports no other module of the app (models.py imports it): related models are reached
through the relations.
"""

import difflib

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

# The one rule for "the latest report" wherever a page shows one — a task's percent, the
# bulletin's progress text, the public page, the fill-in sheet's 上次报送: the report on the
# latest month; of reports on one month, the one sent last. Never the one reviewed last: a May
# report returned, corrected and accepted in July must not replace June's accepted report.
NEWEST_REPORT_FIRST = ("-period", "-submitted_at", "-pk")


class UnknownUnit(LookupError):
    """No unit (or, `ambiguous`, more than one) goes by `name`; `suggestions` are spellings that look like it."""

    def __init__(self, name: str, suggestions: list[str], *, ambiguous: bool = False) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions
        self.ambiguous = ambiguous


class UnitQuerySet(models.QuerySet):
    def lookup(self, name: str, *, suggestions: int = 5):
        """The one unit whose canonical name or any alias is `name`, or UnknownUnit with up to
        `suggestions` close spellings. Every command, form and view that takes a unit by name
        asks this, so a spelling found in one place is found in all.

        Two units never share a spelling in practice; should they, the one whose canonical
        name it is wins, and otherwise the lookup refuses (ambiguous) rather than guess."""
        name = (name or "").strip()
        units = list(self.named(name).order_by("pk")[:2])
        if len(units) == 1:
            return units[0]
        canonical = next((unit for unit in units if unit.name == name), None)
        if canonical is not None:
            return canonical
        raise UnknownUnit(name, [] if units else self.close_matches(name, limit=suggestions), ambiguous=bool(units))

    def named(self, name):
        """Units whose canonical name or any alias is exactly `name` (normally one)."""
        name = (name or "").strip()
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()

    def close_matches(self, name, limit=5):
        """Names and aliases that look like `name`, for "did you mean …" messages."""
        UnitAlias = self.model.aliases.rel.related_model  # noqa: N806 — a model class

        spellings = {*self.values_list("name", flat=True), *UnitAlias.objects.values_list("name", flat=True)}
        close = difflib.get_close_matches(name, spellings, n=limit, cutoff=0.5)
        return close or sorted(spelling for spelling in spellings if name and name in spelling)[:limit]


class ProgressReportQuerySet(models.QuerySet):
    def newest_first(self):
        """The reports ordered by NEWEST_REPORT_FIRST: the first is the one pages show as the latest."""
        return self.order_by(*NEWEST_REPORT_FIRST)


class TaskQuerySet(models.QuerySet):
    def for_unit(self, unit, role=None):
        """Tasks the unit leads or shares, directly or through a collective it belongs to.

        `role` is "lead", "responsible" or None for either.
        """
        TaskUnit = self.model.task_units.rel.related_model  # noqa: N806 — a model class

        units = [unit.pk, *unit.collectives.values_list("pk", flat=True)]
        links = TaskUnit.objects.filter(task=OuterRef("pk"), unit__in=units)
        if role:
            links = links.filter(role=role)
        return self.filter(Exists(links))

    def with_light_reasons(self):
        """After state.tasks_as_of(): annotate missed_milestone and not_reported, the reasons a page may give for a light."""
        return self.annotate(missed_milestone=F("missed_milestone"), not_reported=F("unreported"))
