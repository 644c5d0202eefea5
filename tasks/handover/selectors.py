"""Reads of 交办 and 签收: a unit's open handovers, and who has not acknowledged for the office."""

import dataclasses
import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from ..models import Handover, Unit


def open_handovers(unit: Unit) -> QuerySet[Handover]:
    """`unit`'s handovers not yet acknowledged, oldest due first, with their tasks."""
    return (
        Handover.objects.filter(unit=unit, acknowledged_at__isnull=True)
        .select_related("task__document")
        .order_by("due_on", "task__document__issued_on", "task__number", "pk")
    )


def recently_acknowledged(unit: Unit, limit: int = 20) -> list[Handover]:
    return list(
        Handover.objects.filter(unit=unit, acknowledged_at__isnull=False, migrated=False)
        .select_related("task__document", "acknowledged_by")
        .order_by("-acknowledged_at", "-pk")[:limit]
    )


@dataclasses.dataclass(frozen=True)
class UnitHandovers:
    """A unit that has not acknowledged everything handed to it."""

    unit: Unit
    open: int
    overdue: int  # past their 签收 date
    first_due: datetime.date


def unacknowledged_units(today: datetime.date | None = None) -> list[UnitHandovers]:
    """Units with handovers not acknowledged: most overdue first, then in the office's order. Two queries."""
    today = today or timezone.localdate()
    rows = (
        Handover.objects.filter(acknowledged_at__isnull=True)
        .values("unit")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)), first_due=Min("due_on"))
    )
    counts = {row["unit"]: row for row in rows}
    units = Unit.objects.filter(pk__in=counts).in_office_order()
    found = [
        UnitHandovers(unit, counts[unit.pk]["open"], counts[unit.pk]["overdue"], counts[unit.pk]["first_due"])
        for unit in units
    ]
    return sorted(found, key=lambda row: -row.overdue)


def unacknowledged_totals(today: datetime.date | None = None) -> dict[str, int]:
    """For the dashboard: handovers not acknowledged, how many overdue, and how many units. One query."""
    today = today or timezone.localdate()
    return Handover.objects.filter(acknowledged_at__isnull=True).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)), units=Count("unit", distinct=True)
    )
