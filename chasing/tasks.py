"""The daily sweep as background work (django-tasks), for a worker to run once a day.

Queue it from cron (`manage.py daily_sweep` runs it in the foreground instead), or from any code:
`enqueue(run_daily_sweep)`. The sweep is idempotent, so a task queued twice in a day is harmless.
"""

import datetime

from django_tasks import task

from .sweep import daily_sweep


@task()
def run_daily_sweep(day: str | None = None) -> str:
    """Sweep `day` (YYYY-MM-DD; default today); returns the sweep's summary line (kept as the task's result)."""
    return daily_sweep(datetime.date.fromisoformat(day) if day else None).summary()
