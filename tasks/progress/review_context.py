"""What the office sees beside a report it reviews: the unit's last accepted figure, the other
units' reports of the month, the unit's plan, and the next report waiting.

Four small queries, whatever the number of reports.
"""

from typing import Any

from ..models import ProgressReport, UnitPlan


def review_context(report: ProgressReport) -> dict[str, Any]:
    """Context for reviewing `report`: nothing is judged alone."""
    previous = (
        ProgressReport.objects.filter(
            task=report.task_id, unit=report.unit_id, state=ProgressReport.State.ACCEPTED, period__lt=report.period
        )
        .order_by("-period", "-reviewed_at", "-pk")
        .first()
    )
    others = (
        ProgressReport.objects.filter(task=report.task_id, period=report.period)
        .exclude(unit=report.unit_id)
        .exclude(state=ProgressReport.State.RETURNED)
        .select_related("unit")
        .order_by("unit__name", "pk")
    )
    plan = UnitPlan.objects.filter(task=report.task_id, unit=report.unit_id).first()
    # The review queue's order: the oldest waiting first (progress/selectors.review_queue).
    next_waiting = (
        ProgressReport.objects.filter(state=ProgressReport.State.SUBMITTED)
        .exclude(pk=report.pk)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {"previous": previous, "others": list(others), "plan": plan, "next_waiting": next_waiting}
