"""Reads that carry rules: finding units by any spelling, tasks of a unit, derived progress.

A task's status, percent and warning light are never stored: `with_progress()` derives
them in SQL from accepted reports and dates, so they can be filtered, sorted and counted
on any page, "as of" any date.
"""

import datetime
import difflib

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

EPOCH = datetime.date(2000, 1, 1)


class DayNumber(models.Func):
    """Days since 2000-01-01 of a date expression, as an integer, on SQLite and PostgreSQL."""

    output_field = models.IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - julianday('2000-01-01') AS INTEGER)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '2000-01-01')")


def day_number(day):
    return (day - EPOCH).days


def end_of_day(day):
    """The first instant after `day` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


class UnitQuerySet(models.QuerySet):
    def named(self, name):
        """Units whose canonical name or any alias is exactly `name` (normally one)."""
        name = (name or "").strip()
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()

    def close_matches(self, name, limit=5):
        """Names and aliases that look like `name`, for "did you mean …" messages."""
        from .models import UnitAlias  # noqa: PLC0415

        spellings = {*self.values_list("name", flat=True), *UnitAlias.objects.values_list("name", flat=True)}
        close = difflib.get_close_matches(name, spellings, n=limit, cutoff=0.5)
        return close or sorted(spelling for spelling in spellings if name and name in spelling)[:limit]


class TaskQuerySet(models.QuerySet):
    def for_unit(self, unit, role=None):
        """Tasks the unit leads or shares, directly or through a collective it belongs to.

        `role` is "lead", "responsible" or None for either.
        """
        from .models import TaskUnit  # noqa: PLC0415 — models imports this module

        units = [unit.pk, *unit.collectives.values_list("pk", flat=True)]
        links = TaskUnit.objects.filter(task=OuterRef("pk"), unit__in=units)
        if role:
            links = links.filter(role=role)
        return self.filter(Exists(links))

    def with_progress(self, as_of=None):
        """Annotate percent, status, expected (序时进度), gap and light as they stood on `as_of`."""
        from .models import ProgressReport, Task  # noqa: PLC0415

        as_of = as_of or timezone.localdate()
        cutoff = end_of_day(as_of)
        accepted = ProgressReport.objects.filter(
            task=OuterRef("pk"), state=ProgressReport.State.ACCEPTED, reviewed_at__lt=cutoff
        )
        today = Value(day_number(as_of))
        start = DayNumber(F("document__issued_on"))
        deadline = DayNumber(F("deadline"))
        status = Task.Status
        light = Task.Light
        return self.annotate(
            percent=Coalesce(
                Subquery(accepted.order_by("-period", "-reviewed_at", "-pk").values("percent")[:1]), Value(0)
            ),
            is_complete=Exists(accepted.filter(claims_complete=True)),
            has_progress=Exists(accepted),
            days_left=deadline - today,
            expected=Case(
                When(Q(deadline__lte=F("document__issued_on")), then=Value(100)),
                default=Least(Value(100), Greatest(Value(0), (today - start) * 100 / (deadline - start))),
                output_field=models.IntegerField(),
            ),
            gap=F("expected") - F("percent"),
            status=Case(
                When(is_complete=True, then=Value(status.DONE)),
                When(deadline__lt=as_of, then=Value(status.OVERDUE)),
                When(has_progress=True, then=Value(status.IN_PROGRESS)),
                default=Value(status.NOT_STARTED),
                output_field=models.CharField(),
            ),
            light=Case(
                When(is_complete=True, then=Value(light.GREEN)),
                When(Q(deadline__lt=as_of) | Q(gap__gt=settings.GOVTASKS_LIGHT_RED_GAP), then=Value(light.RED)),
                When(
                    Q(gap__gte=settings.GOVTASKS_LIGHT_YELLOW_GAP)
                    | Q(days_left__lte=settings.GOVTASKS_LIGHT_DUE_SOON_DAYS),
                    then=Value(light.YELLOW),
                ),
                default=Value(light.GREEN),
                output_field=models.CharField(),
            ),
        )
