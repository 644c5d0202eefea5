"""Old completion claims become 办结 requests waiting for the office's check (see migration 0012's notes
and README "Who answers for a task"); every stored state is derived again on the next read.

Apart from 0012 so that its rows are written in a transaction of their own: PostgreSQL refuses
to create an index on a table with rows written earlier in the same transaction.
"""

from django.db import migrations

NOTE = "由%(period)s已采纳的申报完成报告转为办结申请（待核查）：办结须经督查室核查销号。"


def claims_to_closure_requests(apps, schema_editor):
    """Accepted completion claims of the 主办 unit → 办结 requests waiting for the office's check."""
    Task = apps.get_model("tasks", "Task")
    TaskUnit = apps.get_model("tasks", "TaskUnit")
    ProgressReport = apps.get_model("tasks", "ProgressReport")
    ClosureRequest = apps.get_model("tasks", "ClosureRequest")
    TaskEvent = apps.get_model("tasks", "TaskEvent")
    Unit = apps.get_model("tasks", "Unit")
    claimed = ProgressReport.objects.filter(state="accepted", claims_complete=True)
    for task in Task.objects.filter(pk__in=claimed.values("task")).order_by("pk"):
        first_lead = TaskUnit.objects.filter(task=task, role="lead").order_by("position").first()
        if first_lead is None:
            continue
        host = first_lead.unit_id
        members = list(Unit.objects.filter(collectives=host).values_list("pk", flat=True))
        claim = claimed.filter(task=task, unit__in=[host, *members]).order_by("-reviewed_at", "-pk").first()
        if claim is None:
            continue  # only other units claimed: their own part, not the task
        closure = ClosureRequest.objects.create(
            task=task,
            unit_id=claim.unit_id,
            summary=claim.done,
            state="pending",
            requested_by_id=claim.submitted_by_id,
            requested_at=claim.reviewed_at or claim.submitted_at,
            migrated_from=claim,
        )
        TaskEvent.objects.create(
            task=task,
            unit_id=claim.unit_id,
            actor=None,
            at=closure.requested_at,
            kind="closure_requested",
            closure=closure,
            report=claim,
            note=NOTE % {"period": claim.period.strftime("%Y-%m")},
        )


def forget_stored_states(apps, schema_editor):
    # The rules changed: the next read derives every task (and every unit's counts) again.
    apps.get_model("tasks", "TaskStateDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0014_public_wording"),
    ]

    operations = [
        migrations.RunPython(claims_to_closure_requests, migrations.RunPython.noop),
        migrations.RunPython(forget_stored_states, migrations.RunPython.noop),
    ]
