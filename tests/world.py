"""The 2021 documents plus a little of everything the workflow writes, and a user in every role.

Shared by the backup test and the security suites (tests/security/): they need real
primary keys for every kind of record a URL can name, and the people who may or may not
see them. Everything is written through the project's own fixture and service functions.
"""

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from chasing.sweep import issue_order
from tasks import roles
from tasks.attachments.files import check_file
from tasks.closure import services as closure_services
from tasks.instructions import services as instruction_services
from tasks.models import Document, Task
from tasks.progress import services
from tasks.public import services as public_services
from tasks.tests.factories import make_document, make_task
from tasks.tests.people import PASSWORD, make_user

FIXTURE_2021 = settings.BASE_DIR / "fixtures" / "changjiang-2021.json"

__all__ = ["PASSWORD", "build_world"]


def build_world(text=None):
    """Load the 2021 fixture, then a liaison's reports (accepted, returned and corrected, waiting,
    returned and still to correct),
    a plan with a milestone, an extension request, a reminder, a 办结 request with an evidence file, a
    leader's instruction and a published public wording on the 2021 task no. 1.

    `text` goes into every free-text field a user types into (report, plan, reason, comment),
    so the injection suite can plant hostile values where users would.
    """
    text = text or "按计划推进"
    call_command("loaddata", FIXTURE_2021, verbosity=0)
    notice = Document.objects.get(kind=Document.Kind.NOTICE)
    task = Task.objects.get(document=notice, number=1)
    unit = task.lead_units[0]
    other_task = Task.objects.exclude(pk__in=Task.objects.for_unit(unit)).filter(document=notice).first()
    other_unit = other_task.lead_units[0]
    meeting_order = Task.objects.filter(source=Task.Source.MEETING).first()

    office = make_user("office", role=roles.OFFICE)
    liaison = make_user("liaison", role=roles.LIAISON, unit=unit, email="liaison@example.org")
    world = SimpleNamespace(
        notice=notice,
        task=task,
        unit=unit,
        other_task=other_task,
        other_unit=other_unit,
        meeting_order=meeting_order,
        office=office,
        liaison=liaison,
        other_liaison=make_user("other_liaison", role=roles.LIAISON, unit=other_unit),
        leader=make_user("leader", role=roles.LEADER),
        admin=get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD),
    )

    def submit(month, percent):
        return services.progress_report_submit(
            task=task,
            unit=unit,
            actor=liaison,
            period=datetime.date(2021, month, 1),
            done=f"{text}（{month}月）",
            problems=text,
            next_steps=text,
            percent=percent,
        )

    world.accepted = submit(7, 20)
    services.progress_report_accept(report=world.accepted, actor=office, version=world.accepted.version, comment=text)
    world.returned = submit(8, 30)
    services.progress_report_return(report=world.returned, actor=office, version=world.returned.version, reason=text)
    world.resubmitted = services.progress_report_resubmit(report=world.returned, actor=liaison, done=text, percent=35)
    world.waiting = submit(9, 40)
    world.to_correct = submit(10, 45)
    services.progress_report_return(
        report=world.to_correct, actor=office, version=world.to_correct.version, reason=text
    )

    services.plan_update(
        task=task,
        unit=unit,
        actor=liaison,
        version=0,
        responsible_name="张三",
        responsible_post=text[:100],
        responsible_phone="0798-1234567",
        plan=text,
        milestones=[services.MilestoneInput(title=text[:200], due_on=datetime.date(2021, 11, 30), percent=60)],
    )
    world.plan = task.plans.get(unit=unit)

    # An extension needs a deadline still ahead: a recent order of a meeting, led by the same unit.
    today = timezone.localdate()
    recent = make_document(
        kind=Document.Kind.MEETING_RECORD, title="第120次常务会议纪要", issued_on=today - datetime.timedelta(days=30)
    )
    world.future_task = make_task(
        1, document=recent, source=Task.Source.MEETING, lead=[unit], deadline=today + datetime.timedelta(days=60)
    )
    world.extension = services.extension_request_submit(
        task=world.future_task,
        unit=unit,
        actor=liaison,
        new_deadline=today + datetime.timedelta(days=120),
        reason=text,
        progress=text,
        percent=50,
    )
    world.reminder = services.reminder_send(unit=other_unit, actor=office)
    # The unit answers for task 1 (its first lead): it asks to close it, with an evidence file.
    evidence = SimpleUploadedFile("验收材料.pdf", b"%PDF-1.4\n" + text.encode() + b"\n%%EOF\n")
    world.closure = closure_services.closure_request_submit(
        task=task, unit=unit, actor=liaison, summary=text, files=[check_file(evidence)]
    )
    world.attachment = world.closure.attachments.get()
    world.instruction = instruction_services.instruction_write(task=task, actor=world.leader, text=text)
    # The office published its wording of task 1's progress (信息公开).
    world.publication = public_services.publication_save(task=task, actor=office, text=text, publish=True)
    # A 督办单 to the unit on task 1, as the daily sweep issues it (chasing/).
    world.order = issue_order(today, unit, [task])
    if connection.vendor == "postgresql":
        # As after any bulk load (README, Production): without statistics PostgreSQL plans the
        # dashboard's subqueries as nested loops, and one dashboard takes seconds instead of 0.1 s.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return world
