"""Tasks as plain records for other tools (export_tasks --format json).

The keys are an interface other tools and checks rely on: change them only with care.
"""

from .state import tasks_as_of


def task_records(queryset):
    """One dict per task: no, section, subsection, text, lead_units, responsible_units,
    deadline (ISO), status (code), source (文号, or the meeting for an order)."""
    tasks = (
        tasks_as_of(tasks=queryset)
        .select_related("section", "subsection", "document")
        .prefetch_related("task_units__unit")
    )
    return [
        {
            "no": task.number,
            "section": task.section.number if task.section else None,
            "subsection": task.subsection.number if task.subsection else None,
            "text": task.text,
            "lead_units": [unit.name for unit in task.lead_units],
            "responsible_units": [unit.name for unit in task.responsible_units],
            "deadline": task.deadline.isoformat(),
            "status": task.status,
            "source": task.document.number or task.document.title,
        }
        for task in tasks
    ]
