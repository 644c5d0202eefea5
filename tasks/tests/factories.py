"""Small helpers that create units, documents, sections, tasks and reports for tests.

Plain functions with keyword arguments and sensible defaults; other apps' tests import
them, so their signatures stay stable.
"""

import datetime
import itertools

from django.utils import timezone

from tasks.models import ClosureRequest, Document, ProgressReport, Section, Subsection, Task, TaskUnit, Unit, UnitAlias

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
    from types import SimpleNamespace

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
