"""Reads of leaders' instructions: a task's, a unit's open ones, and every open one for the office."""

from ..models import LeaderInstruction


def open_instructions(unit=None):
    """Instructions not yet answered, oldest first; of one unit when given."""
    instructions = LeaderInstruction.objects.filter(replied_at__isnull=True)
    if unit is not None:
        instructions = instructions.filter(unit=unit)
    return instructions.select_related("task__document", "unit", "written_by").order_by("written_at", "pk")


def task_instructions(task):
    """Every instruction on `task`, newest first."""
    return task.instructions.select_related("unit", "written_by", "replied_by", "report").order_by("-written_at", "-pk")
