"""Meeting orders are numbered 会<meeting number>-<order>: give each meeting record its prefix."""

from django.db import migrations


def set_prefixes(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Document = apps.get_model("tasks", "Document")
    for meeting in Meeting.objects.all():
        Document.objects.filter(pk=meeting.document_id).update(task_prefix=f"会{meeting.number}-")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meeting_body_is_the_convening_body"),
        ("tasks", "0009_document_task_prefix"),
    ]

    operations = [migrations.RunPython(set_prefixes, migrations.RunPython.noop)]
