"""The one builder of test worlds: units, documents, sections, tasks, reports, users, and the worlds made of them.

Plain functions with keyword arguments and sensible defaults; every app's tests (browser tests
included) import them, so their signatures stay stable. From small to large:

- records: make_unit, make_document, make_section, make_subsection, make_task, make_report,
  make_closure (written directly, as the admin or an import could);
- people: make_user (a user in a role, a liaison linked to its unit; password PASSWORD);
- worlds: make_sample_world (five tasks with known states as of 2021-07-01),
  make_workflow_world (two units' tasks dated around today, a user in every role),
  load_2021_documents (the real 2021 fixture) and build_world (that fixture plus a little of
  everything the workflow writes, through the services).
"""

import datetime
import io
import itertools
import zipfile
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tasks import roles
from tasks.attachments.files import check_file
from tasks.closure import services as closure_services
from tasks.instructions import services as instruction_services
from tasks.models import (
    ClosureRequest,
    Document,
    ProgressReport,
    Section,
    Subsection,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitLiaison,
)
from tasks.progress import services
from tasks.public import services as public_services

_sequence = itertools.count(1)

ISSUED_ON = datetime.date(2021, 3, 1)
END_OF_YEAR = datetime.date(2021, 12, 31)


def make_unit(name=None, *, kind=Unit.Kind.DEPARTMENT, aliases=(), members=(), short_name=""):
    """A unit with its canonical name and `aliases` as UnitAlias rows; `members` makes it a collective's."""
    unit = Unit.objects.create(name=name or f"测试单位{next(_sequence)}", kind=kind, short_name=short_name)
    UnitAlias.objects.bulk_create(
        [UnitAlias(unit=unit, name=unit.name)] + [UnitAlias(unit=unit, name=alias) for alias in aliases]
    )
    if members:
        unit.members.set(members)
    return unit


def make_document(*, kind=Document.Kind.NOTICE, number=None, title=None, issued_on=ISSUED_ON, text="", **fields):
    n = next(_sequence)
    return Document.objects.create(
        kind=kind,
        number=f"测试字〔2021〕{n}号" if number is None else number,
        title=title or f"测试文件{n}",
        issued_on=issued_on,
        source_file=fields.pop("source_file", "changjiang-2021.txt"),
        source_sha256=fields.pop("source_sha256", "0" * 64),
        first_line=fields.pop("first_line", 1),
        text=text,
        **fields,
    )


def make_section(*, document, number=1, title="测试部分", numbering=None, declared_count=None):
    return Section.objects.create(
        document=document,
        number=number,
        numbering=numbering or f"{number}、",
        title=title,
        declared_count=declared_count,
        source_line=number,
    )


def make_subsection(*, section, number=1, title="测试小节", is_livelihood=False):
    return Subsection.objects.create(
        section=section,
        number=number,
        numbering=f"（{number}）",
        title=title,
        is_livelihood=is_livelihood,
        source_line=section.source_line + number,
    )


def make_task(
    number=None,
    *,
    document=None,
    lead=(),
    responsible=(),
    text=None,
    deadline=END_OF_YEAR,
    section=None,
    subsection=None,
    is_livelihood=False,
    source=Task.Source.NOTICE,
    source_line=1,
    source_text=None,
):
    """A task with `lead` and `responsible` units in that order (the first lead answers for it)."""
    section = section or (subsection.section if subsection else None)
    if document is None:
        document = section.document if section else make_document()
    number = number if number is not None else next(_sequence)
    text = text or f"测试任务{number}"
    task = Task.objects.create(
        document=document,
        source=source,
        number=number,
        section=section,
        subsection=subsection,
        text=text,
        deadline=deadline,
        is_livelihood=is_livelihood,
        source_line=source_line,
        source_text=text if source_text is None else source_text,
    )
    TaskUnit.objects.bulk_create(
        [
            TaskUnit(task=task, unit=unit, role=role, position=position, name_as_written=unit.name)
            for role, units in ((TaskUnit.Role.LEAD, lead), (TaskUnit.Role.RESPONSIBLE, responsible))
            for position, unit in enumerate(units, start=1)
        ]
    )
    return task


def make_report(
    *,
    task,
    unit=None,
    percent=50,
    claims_complete=False,
    state=ProgressReport.State.ACCEPTED,
    period=None,
    submitted_at=None,
    reviewed_at=None,
    done="已按计划推进",
):
    """A progress report; accepted ones are reviewed at `reviewed_at` (default: when submitted)."""
    submitted_at = submitted_at or timezone.now()
    if reviewed_at is None and state != ProgressReport.State.SUBMITTED:
        reviewed_at = submitted_at
    local = timezone.localtime(submitted_at)
    return ProgressReport.objects.create(
        task=task,
        unit=unit or task.task_units.order_by("role", "position").first().unit,
        period=period or local.date().replace(day=1),
        done=done,
        percent=percent,
        claims_complete=claims_complete,
        state=state,
        submitted_at=submitted_at,
        reviewed_at=reviewed_at,
    )


def make_closure(*, task, unit=None, requested_at=None, closed_at=None, state=None):
    """A 办结 request of the task's first lead unit (or `unit`): closed (销号) at `closed_at` when given,
    else waiting for the office's check. Written directly, as the admin or an import could."""
    requested_at = requested_at or timezone.now()
    closed = closed_at is not None
    return ClosureRequest.objects.create(
        task=task,
        unit=unit or task.task_units.filter(role="lead").order_by("position").first().unit,
        summary="已全面完成",
        requested_at=requested_at,
        state=state or (ClosureRequest.State.CLOSED if closed else ClosureRequest.State.PENDING),
        decided_at=closed_at,
        closed_on=timezone.localtime(closed_at).date() if closed else None,
    )


def at(day, hour=10):
    """An aware datetime on `day` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


AS_OF = datetime.date(2021, 7, 1)


def make_sample_world():
    """Five tasks whose status and light as of AS_OF (2021-07-01) are known, for filter and page tests.

    1: section 1 (1), 民生实事, lead 区发改委, responsible 区市场监管局; 50% → in progress, green.
    2: section 1, lead 区市场监管局, responsible 各乡镇（街道）; due 6月30日 → overdue, red.
    3: section 2, lead 丽阳镇; claimed complete and closed by the office on 6月22日 → done (按期办结), green.
    4: section 2, lead 各乡镇（街道）; no report → not started, red (40 points behind).
    5: section 2, lead 区发改委; 90%, due in 9 days → in progress, yellow.
    丽阳镇 belongs to 各乡镇（街道）, so it has tasks 2 and 4 through the collective.
    """
    document = make_document(number="昌府办字〔2021〕20号", title="重点工作任务责任分工的通知")
    section1 = make_section(document=document, number=1, title="全力以赴推进试验区建设")
    section2 = make_section(document=document, number=2, title="全力以赴实施工业倍增")
    subsection = make_subsection(section=section1, number=1, title="十件民生实事", is_livelihood=True)
    dev = make_unit("区发改委", aliases=["发改委"])
    market = make_unit("区市场监管局", aliases=["区市监局", "区市场监督局"])
    town = make_unit("丽阳镇", kind=Unit.Kind.TOWNSHIP)
    towns = make_unit("各乡镇（街道）", kind=Unit.Kind.COLLECTIVE, members=[town])
    t1 = make_task(
        1,
        subsection=subsection,
        lead=[dev],
        responsible=[market],
        text="建设陶瓷产业园，完善配套设施",
        is_livelihood=True,
    )
    t2 = make_task(
        2,
        section=section1,
        lead=[market],
        responsible=[towns],
        text="开展食品安全专项整治",
        deadline=datetime.date(2021, 6, 30),
    )
    t3 = make_task(3, section=section2, lead=[town], text="推进丽阳镇集镇改造", deadline=datetime.date(2021, 7, 10))
    t4 = make_task(4, section=section2, lead=[towns], text="推进乡镇工业园区标准厂房建设")
    t5 = make_task(5, section=section2, lead=[dev], text="培育规上工业企业", deadline=datetime.date(2021, 7, 10))
    make_report(task=t1, percent=50, submitted_at=at(datetime.date(2021, 6, 1)))
    make_report(task=t3, percent=100, claims_complete=True, submitted_at=at(datetime.date(2021, 6, 20)))
    make_closure(task=t3, requested_at=at(datetime.date(2021, 6, 21)), closed_at=at(datetime.date(2021, 6, 22)))
    make_report(task=t5, percent=90, submitted_at=at(datetime.date(2021, 6, 25)))
    return SimpleNamespace(
        document=document,
        section1=section1,
        section2=section2,
        subsection=subsection,
        dev=dev,
        market=market,
        town=town,
        towns=towns,
        tasks=[t1, t2, t3, t4, t5],
    )


# --- people ---------------------------------------------------------------------------------------

PASSWORD = "a-long-test-password"


def make_user(username, *, role=None, unit=None, email="", **fields):
    """A user in `role` (a group name from tasks.roles) who logs in with PASSWORD; a liaison is
    linked to `unit`. `fields` go to the user (first_name, is_staff, is_superuser …)."""
    user = get_user_model().objects.create_user(username, email=email, password=PASSWORD, **fields)
    if role:
        # `migrate` creates the groups (tasks/apps.py); a test that flushed them gets them back.
        if not Group.objects.filter(name=role).exists():
            roles.ensure_roles()
        user.groups.add(Group.objects.get(name=role))
    if unit is not None:
        UnitLiaison.objects.create(user=user, unit=unit)
    return user


def make_workflow_world():
    """Units, users and tasks for the workflow. The services check dates against today (no report
    for a future month, no extension after the deadline), so these tasks are dated around today.

    own_task: led by 区发改委, shared by 各乡镇（街道） (so 丽阳镇 has it through the collective).
    other_task: led by 区财政局 only. meeting_task: a meeting order with no units yet.
    Tasks were issued 90 days ago and are due in 90 days.
    """
    today = timezone.localdate()
    document = make_document(issued_on=today - datetime.timedelta(days=90))
    meeting_record = make_document(issued_on=today - datetime.timedelta(days=30), title="第100次常务会议纪要")
    dev = make_unit("区发改委")
    finance = make_unit("区财政局")
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    due = today + datetime.timedelta(days=90)
    own_task = make_task(1, document=document, lead=[dev], responsible=[towns], deadline=due, text="建设陶瓷产业园")
    other_task = make_task(2, document=document, lead=[finance], deadline=due, text="盘活存量资金")
    meeting_task = make_task(
        1, document=meeting_record, source=Task.Source.MEETING, deadline=due, text="完成“七通一平”"
    )
    return SimpleNamespace(
        today=today,
        document=document,
        dev=dev,
        finance=finance,
        town=town,
        towns=towns,
        own_task=own_task,
        other_task=other_task,
        meeting_task=meeting_task,
        office=make_user("office", role=roles.OFFICE),
        liaison=make_user("dev_liaison", role=roles.LIAISON, unit=dev, email="dev@example.org"),
        town_liaison=make_user("town_liaison", role=roles.LIAISON, unit=town),
        finance_liaison=make_user("finance_liaison", role=roles.LIAISON, unit=finance),
        leader=make_user("leader", role=roles.LEADER),
        nobody=make_user("nobody"),
    )


# --- the real 2021 documents, and everything the workflow writes on them ------------------------------

# The 2021 documents as the importer reads them: 84 tasks, their units and aliases, the
# commendation decision and two meetings (make fixtures regenerates it).
FIXTURE_2021 = settings.BASE_DIR / "fixtures" / "changjiang-2021.json"


def load_2021_documents():
    """The 2021 fixture, loaded into the test database."""
    call_command("loaddata", FIXTURE_2021, verbosity=0)


def build_world(text=None):
    """Load the 2021 fixture, then a liaison's reports (accepted, returned and corrected, waiting,
    returned and still to correct),
    a plan with a milestone, an extension request, a reminder, a 办结 request with an evidence file, a
    leader's instruction and a published public wording on the 2021 task no. 1.

    `text` goes into every free-text field a user types into (report, plan, reason, comment),
    so the injection suite can plant hostile values where users would.
    """
    text = text or "按计划推进"
    load_2021_documents()
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
        admin=make_user("admin", email="admin@example.org", is_staff=True, is_superuser=True),
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
    # A 督办单 to the unit on task 1, as the daily sweep issues it (the chasing app builds on tasks).
    from chasing.sweep import issue_order  # noqa: PLC0415

    world.order = issue_order(timezone.localdate(), unit, [task])
    if connection.vendor == "postgresql":
        # As after any bulk load (README, Production): without statistics PostgreSQL plans the
        # dashboard's subqueries as nested loops, and one dashboard takes seconds instead of 0.1 s.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return world


# --- attachment files for tests: a valid PDF, and bad files each with the message a clerk reads -------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def zip_bomb_docx() -> bytes:
    """A .docx whose document part unpacks to 30 MB of spaces: a few tens of KB on the wire."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w>" + " " * (30 * 1024 * 1024) + "</w>")
    return buffer.getvalue()


BAD_FILES = [
    ("报告.pdf", b"MZ\x90\x00 this is an exe renamed", "内容不是PDF"),
    ("照片.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "与扩展名.pdf不符"),
    ("空.pdf", b"", "空文件"),
    ("脚本.html", b"<script>alert(1)</script>", "不是可接受的附件类型"),
    ("材料.docx", zip_bomb_docx(), "超过上限"),
    ("坏的.docx", b"PK\x03\x04 cut short", "已损坏"),
]
