"""Existing task/unit pairs get their 交办, counted as acknowledged (签收).

They were handed to the units before the app kept 交办 — by the notice itself, and the units
have been reporting on them since — so asking every unit now to acknowledge a year's tasks would
only fill the office's "not acknowledged" list with noise. Each pair gets a Handover dated the
document's date, acknowledged on that date, with `migrated` set so pages can say so.
Units that hold a task through a collective (各乡镇（街道）) get theirs as members.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations

BATCH = 5000


def give_existing_pairs_their_handover(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    TaskUnit = apps.get_model("tasks", "TaskUnit")
    Unit = apps.get_model("tasks", "Unit")
    Handover = apps.get_model("tasks", "Handover")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    members = {}
    for collective in Unit.objects.filter(kind="collective").prefetch_related("members"):
        members[collective.pk] = [member.pk for member in collective.members.all()]
    issued = dict(Task.objects.values_list("pk", "document__issued_on"))
    seen = set(Handover.objects.values_list("task_id", "unit_id"))
    rows = []
    for task_id, unit_id in TaskUnit.objects.order_by("task_id", "role", "position").values_list("task_id", "unit_id"):
        for holder in members.get(unit_id, [unit_id]):
            if (task_id, holder) in seen:
                continue
            seen.add((task_id, holder))
            day = issued[task_id]
            at = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
            rows.append(
                Handover(task_id=task_id, unit_id=holder, handed_at=at, due_on=day, acknowledged_at=at, migrated=True)
            )
            if len(rows) >= BATCH:
                Handover.objects.bulk_create(rows)
                rows = []
    Handover.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0020_handovers")]

    operations = [migrations.RunPython(give_existing_pairs_their_handover, migrations.RunPython.noop)]
