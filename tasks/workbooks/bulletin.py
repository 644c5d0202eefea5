"""The progress bulletin (督查通报) as an .xlsx workbook, streamed.

Sheet 1 (推进情况) is the bulletin the office prints:

    row 1   title, e.g. 2021年市《政府工作报告》重点工作推进情况
    row 2   （截至2021年9月30日）
    row 3   a drafted summary paragraph the clerk edits (draft_summary)
    row 4   the column header — frozen, and repeated on every printed page
    then    a merged bold row per document (when there are several), section and
            subsection, and one row per task

Excel repeats only one contiguous block of rows on every page, and repeating the
summary paragraph would waste a third of each A4 page, so the header row is the print
title and pages 2 onwards carry the title and date in the page header (page 1 has
them in its cells); every page has its number in the footer.

Sheet 2 (统计) counts tasks by status per section and per lead unit (the first lead
unit, the one that answers for the task), with a native stacked bar chart of each.

The workbook is written with openpyxl's write_only mode so memory stays flat however
many tasks there are: rows are streamed from the database in chunks and written once;
merged ranges are declared on `ws.merged_cells`, which write-only sheets write after
the rows. Counts for the summary come from SQL aggregates beforehand; counts for the
statistics sheet are gathered while the rows stream.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..models import Document, ProgressReport, Section, Subsection, Task, TaskUnit
from ..selectors import in_chunks, unit_names_of
from ..state.derive import answering_unit, by_answering_unit, end_of_day
from ..templatetags.task_tags import bracketed, fulldate
from .cells import CENTRE, Cells, append_fitted, date_format, lines_needed, merge_across

Status = Task.Status
Light = Task.Light

CHUNK_SIZE = 2000
# Units and task numbers the summary names before it says "等".
SUMMARY_UNITS = 8
SUMMARY_TASKS_PER_UNIT = 6
# Rows of a statistics table a chart shows: past this a bar chart is no longer readable.
CHART_ROWS = 30

# (header, width in characters). Widths fit A4 landscape at fit-to-width without
# shrinking the text below a readable size.
COLUMNS = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("工作任务和要求"), 44),
    (gettext_lazy("牵头单位"), 16),
    (gettext_lazy("责任单位"), 18),
    (gettext_lazy("完成时限"), 15),
    (gettext_lazy("进展情况"), 42),
    (gettext_lazy("完成状态"), 9),
    (gettext_lazy("完成进度"), 8),
    (gettext_lazy("预警"), 7),
]
WIDTHS = [width for _header, width in COLUMNS]
TABLE_WIDTH = sum(WIDTHS)
TITLE_ROW, DATE_ROW, SUMMARY_ROW, HEADER_ROW = 1, 2, 3, 4
LAST_COLUMN = get_column_letter(len(COLUMNS))
STATUS_ORDER = [
    Status.DONE,
    Status.DONE_LATE,
    Status.CHECKING,
    Status.IN_PROGRESS,
    Status.NOT_STARTED,
    Status.OVERDUE,
]
# Excel's own "good / neutral / bad" fills, familiar to anyone who has used its styles.
LIGHT_FILLS = {
    Light.GREEN: PatternFill("solid", fgColor="C6EFCE"),
    Light.YELLOW: PatternFill("solid", fgColor="FFEB9C"),
    Light.RED: PatternFill("solid", fgColor="FFC7CE"),
}
STATUS_COLOURS = {
    Status.DONE: "5B9B5B",
    Status.DONE_LATE: "C9A227",
    Status.CHECKING: "70AD47",
    Status.IN_PROGRESS: "4472C4",
    Status.NOT_STARTED: "A5A5A5",
    Status.OVERDUE: "C0504D",
}
# Heading rows: (font, fill) per level.
# The fonts of official documents (GB/T 9704): 仿宋_GB2312 for the text, 黑体 and 楷体 for headings,
# 方正小标宋简体 for the title. Excel and WPS fall back to a font present when one is missing.
BODY_FONT_NAME, HEADING_FONT_NAME, SUBHEADING_FONT_NAME = "仿宋_GB2312", "黑体", "楷体_GB2312"
TITLE_FONT_NAME = "方正小标宋简体"
HEADING_STYLES = {
    "document": (Font(name=HEADING_FONT_NAME, bold=True, size=12), PatternFill("solid", fgColor="D9E1F2")),
    "section": (Font(name=HEADING_FONT_NAME, bold=True, size=12), PatternFill("solid", fgColor="E7E6E6")),
    "subsection": (Font(name=SUBHEADING_FONT_NAME, bold=True, size=11), PatternFill("solid", fgColor="F2F2F2")),
}
HEADING_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
TITLE_FONT = Font(name=TITLE_FONT_NAME, size=18, bold=True)
PLAIN_FONT = Font(name=BODY_FONT_NAME, size=11)
BOLD = Font(name=HEADING_FONT_NAME, size=11, bold=True)
CAPTION_FONT = Font(name=HEADING_FONT_NAME, size=12, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
SUMMARY_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
NOTICE_TITLE = re.compile(r"关于印发(?P<subject>.+?)(?:重点工作)?(?:任务)?责任分工的通知")


def as_of_words(day):
    return _("截至%(day)s") % {"day": fulldate(day)}


# Running text is put together from pieces; its punctuation is the language's too.
def listed(items):
    """Items in a run of text: 区住建局、区城管局."""
    return pgettext("list separator", "、").join(items)


# --- What the bulletin says: plain functions over a task queryset ---------------------------------


def first_lead_name():
    """The name of the unit that answers for a task (主办: the one the office named, else the first lead unit)."""
    leads = TaskUnit.objects.filter(task=OuterRef("pk"), role=TaskUnit.Role.LEAD).order_by("position")
    return Coalesce(F("host_unit__name"), Subquery(leads.values("unit__name")[:1]))


def bulletin_title(document_titles):
    """The title, e.g. 2021年市《政府工作报告》重点工作推进情况, from the notice the tasks come from.

    Meeting records add their orders without changing the title; tasks of several
    notices, or of a notice not worded "关于印发…责任分工的通知", get a general title.
    """
    subjects = {match["subject"] for title in document_titles if (match := NOTICE_TITLE.search(title))}
    if len(subjects) == 1:
        return _("%(subject)s重点工作推进情况") % {"subject": subjects.pop()}
    return _("重点工作推进情况")


@dataclass
class SummaryFacts:
    """The figures a summary paragraph states: counts by status and the units behind late tasks.

    `overdue` and `lagging` map a lead unit's name (None: the task names no lead unit)
    to its late tasks as (document label, task number) pairs, in document order.
    """

    as_of: datetime.date
    total: int = 0
    counts: dict = field(default_factory=dict)  # status → count
    overdue: dict = field(default_factory=dict)
    lagging: dict = field(default_factory=dict)
    overdue_total: int = 0
    lagging_total: int = 0
    several_documents: bool = False


def summary_facts(tasks, as_of, *, several_documents=False):
    """Gather SummaryFacts for `tasks` (rows of `state.tasks_as_of(as_of)`) in two queries.

    Lagging: red light (far behind the expected progress) but neither done nor overdue yet.
    """
    counts = tasks.order_by().aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in Status}
    )
    facts = SummaryFacts(as_of=as_of, total=counts.pop("total"), counts=counts, several_documents=several_documents)
    late = Q(status=Status.OVERDUE) | (
        Q(light=Light.RED) & ~Q(status__in=[Status.DONE, Status.DONE_LATE, Status.CHECKING, Status.OVERDUE])
    )
    rows = (
        tasks.filter(late)
        .annotate(lead_name=first_lead_name(), document_label=document_label_expression())
        .order_by("document__issued_on", "document_id", "number", "pk")
        .values_list("status", "lead_name", "number", "document_label")
    )
    for status, lead, number, document in rows.iterator(chunk_size=CHUNK_SIZE):
        if status == Status.OVERDUE:
            bucket = facts.overdue
            facts.overdue_total += 1
        else:
            bucket = facts.lagging
            facts.lagging_total += 1
        tasks_of_unit = bucket.setdefault(lead, [])
        # One more than is shown, so the summary knows to say "等".
        if len(tasks_of_unit) <= SUMMARY_TASKS_PER_UNIT:
            tasks_of_unit.append((document, number))
    return facts


def document_label_expression():
    """A document's 文号, or its title when it has none (meeting records)."""
    return Case(When(document__number="", then=F("document__title")), default=F("document__number"))


def task_numbers(tasks, several_documents):
    """Task numbers as 第5、12项, or per document as 昌府办字〔2021〕20号第5项、区政府第100次常务会议第1项; 等 past the limit."""
    shown = tasks[:SUMMARY_TASKS_PER_UNIT]
    by_document = {}
    for document, number in shown:
        by_document.setdefault(document, []).append(str(number))
    more = _("等") if len(tasks) > SUMMARY_TASKS_PER_UNIT else ""
    groups = [
        (_("%(document)s第%(numbers)s项") if several_documents else _("第%(numbers)s项"))
        % {"document": document, "numbers": listed(numbers)}
        for document, numbers in by_document.items()
    ]
    return listed(groups) + more


def late_sentence(bucket, total, what, several_documents):
    """One kind of late task in a sentence: 逾期任务3项，涉及区住建局（第5、12项）、区城管局（第30项）2个单位."""
    named = [(unit, tasks) for unit, tasks in bucket.items() if unit]
    clauses = []
    if named:
        units = listed(
            f"{unit}{bracketed(task_numbers(tasks, several_documents))}" for unit, tasks in named[:SUMMARY_UNITS]
        )
        clauses.append(
            _("涉及%(units)s%(more)s%(count)s个单位")
            % {"units": units, "more": _("等") if len(named) > SUMMARY_UNITS else "", "count": len(named)}
        )
    if None in bucket:
        clauses.append(_("%(tasks)s未明确牵头单位") % {"tasks": task_numbers(bucket[None], several_documents)})
    comma = pgettext("clause separator", "，")
    return _("%(what)s%(total)s项") % {"what": what, "total": total} + comma + comma.join(clauses)


def draft_summary(facts):
    """The paragraph offices write by hand above the table, drafted from `facts`.

    "截至2021年9月30日，84项任务中已完成12项、推进中50项、未启动10项、逾期12项。逾期任务12项，
    涉及区住建局（第5、12项）……" — figures and names only; the clerk edits it in the workbook.
    """
    day = fulldate(facts.as_of)
    if facts.total == 0:
        return _("截至%(day)s，没有符合条件的任务。") % {"day": day}
    counts = facts.counts
    figures = listed(
        [
            _("按期办结%(n)s项") % {"n": counts.get(Status.DONE, 0)},
            _("逾期办结%(n)s项") % {"n": counts.get(Status.DONE_LATE, 0)},
            _("待核查%(n)s项") % {"n": counts.get(Status.CHECKING, 0)},
            _("推进中%(n)s项") % {"n": counts.get(Status.IN_PROGRESS, 0)},
            _("未启动%(n)s项") % {"n": counts.get(Status.NOT_STARTED, 0)},
            _("逾期%(n)s项") % {"n": counts.get(Status.OVERDUE, 0)},
        ]
    )
    text = _("截至%(day)s，%(total)s项任务中%(figures)s。") % {"day": day, "total": facts.total, "figures": figures}
    sentences = []
    if facts.overdue:
        sentences.append(late_sentence(facts.overdue, facts.overdue_total, _("逾期任务"), facts.several_documents))
    if facts.lagging:
        sentences.append(
            late_sentence(
                facts.lagging, facts.lagging_total, _("进度明显滞后于序时进度的任务"), facts.several_documents
            )
        )
    if sentences:
        sentences = pgettext("sentence separator", "；").join(sentences) + pgettext("full stop", "。")
        return text + sentences + _("请上述单位对照时限要求，倒排工期，加快推进，确保按期完成。")
    return text + _("各项任务均按序时进度推进，无逾期任务。")


# --- The rows -------------------------------------------------------------------------------------


# The columns of a bulletin row read from the database, in one streamed query of plain values.
ROW_FIELDS = (
    "pk",
    "number",
    "source",
    "text",
    "document_id",
    "section_id",
    "subsection_id",
    "current_deadline",
    "status",
    "percent",
    "light",
    "latest_done",
    "latest_period",
)


class BulletinRow:
    """One task of the bulletin: the values of ROW_FIELDS, its document, section and subsection (the
    same model instances for every task under them) and its units' names in document order.

    Plain values rather than Task instances with prefetched TaskUnit and Unit instances: building
    some 120,000 model instances for 10,000 tasks was a quarter of the export's time.
    """

    __slots__ = (*ROW_FIELDS, "document", "section", "subsection", "lead_names", "responsible_names")
    Source = Task.Source
    # The same rule as every other page and workbook (会100-1 for a meeting order).
    label = Task.label

    def __init__(self, values, *, document, section, subsection, lead_names, responsible_names):
        for name, value in zip(ROW_FIELDS, values, strict=True):
            setattr(self, name, value)
        self.document, self.section, self.subsection = document, section, subsection
        self.lead_names, self.responsible_names = lead_names, responsible_names


def bulletin_rows(tasks, as_of):
    """`tasks` in document order as BulletinRows, streamed: one query of plain values for the tasks,
    read in chunks, and one query per chunk for the chunk's units (no query per task).

    Adds the 主办 unit's latest accepted progress report (as of `as_of`) — the same report whose
    percent `state.tasks_as_of` shows — and the section, subsection and document, each read once.
    """
    accepted = (
        ProgressReport.objects.filter(
            task=OuterRef("pk"), state=ProgressReport.State.ACCEPTED, reviewed_at__lt=end_of_day(as_of)
        )
        .filter(by_answering_unit(OuterRef("answering_unit_id")))
        .newest_first()
    )
    tasks = tasks.prefetch_related(None)
    ids = tasks.order_by().values("pk")
    # A bulletin spans a few documents and a few hundred sections: each read once, not joined to every row.
    documents = Document.objects.defer("text").in_bulk(
        Document.objects.filter(tasks__in=ids).values_list("pk", flat=True).distinct()
    )
    sections = Section.objects.in_bulk(Section.objects.filter(tasks__in=ids).values_list("pk", flat=True).distinct())
    subsections = Subsection.objects.in_bulk(
        Subsection.objects.filter(tasks__in=ids).values_list("pk", flat=True).distinct()
    )
    rows = (
        tasks.annotate(answering_unit_id=answering_unit())
        .annotate(
            latest_done=Subquery(accepted.values("done")[:1]),
            latest_period=Subquery(accepted.values("period")[:1]),
        )
        .order_by(
            "document__issued_on",
            "document_id",
            F("section__number").asc(nulls_last=True),
            "number",
            "pk",
        )
        .values_list(*ROW_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for chunk in in_chunks(rows, CHUNK_SIZE):
        names = unit_names_of([values[0] for values in chunk])
        document_at, section_at, subsection_at = (ROW_FIELDS.index(name) for name in ROW_FIELDS[4:7])
        for values in chunk:
            leads, responsible = names.get(values[0], ([], []))
            yield BulletinRow(
                values,
                document=documents[values[document_at]],
                section=sections.get(values[section_at]),
                subsection=subsections.get(values[subsection_at]),
                lead_names=leads,
                responsible_names=responsible,
            )


def progress_wording():
    """progress_text for many rows: the words translated once, not once a row."""
    unreported = _("未报送")
    dated = _("（%(year)s年%(month)s月）%(done)s")

    def progress_text(task):
        if not task.latest_done:
            return unreported
        period = task.latest_period
        return dated % {"year": period.year, "month": period.month, "done": task.latest_done}

    return progress_text


def progress_text(task):
    """The latest accepted report, dated; 未报送 when no report has been accepted yet (an empty cell read as "fine")."""
    return progress_wording()(task)


class StatusCounter:
    """Counts by status under keys, each shown by its label, in first-seen order."""

    def __init__(self):
        self.labels = {}
        self.counts = defaultdict(Counter)

    def add(self, key, label, status):
        self.labels.setdefault(key, label)
        self.counts[key][status] += 1

    def rows(self):
        return [
            (self.labels[key], sum(counter.values()), *(counter[status] for status in STATUS_ORDER))
            for key, counter in self.counts.items()
        ]


def scope_words(filters):
    """What a filtered bulletin covers, for its title and file name: 第二部分, 区发改委, 逾期… ("" when unfiltered).

    `filters`: the task list's valid filter values (TaskFilterSet's cleaned data).
    """
    words = []
    if filters.get("section"):
        section = Section.objects.filter(number=filters["section"]).order_by("-document__issued_on").first()
        words.append(str(section) if section else _("第%(n)s部分") % {"n": filters["section"]})
    if filters.get("unit"):
        words.append(filters["unit"].name)
    if filters.get("status"):
        words.append(str(Status(filters["status"]).label))
    if filters.get("overdue") == "true":
        words.append(_("逾期"))
    if filters.get("light"):
        words.append(str(Light(filters["light"]).label))
    if filters.get("livelihood") == "true":
        words.append(_("民生实事"))
    if filters.get("q"):
        words.append(filters["q"])
    return pgettext("list separator", "、").join(words)


def titled(title, scope):
    """The bulletin's title with what it covers: 2021年…重点工作推进情况（二、全力以赴实施工业倍增）."""
    return f"{title}{bracketed(scope)}" if scope else title


def write_bulletin(tasks, out, *, as_of=None, title=None, scope="", progress=None):
    """Write the bulletin of `tasks` (a `state.tasks_as_of(as_of)` queryset, units prefetched) to `out`.

    `out` is a path or a binary file object. Returns the number of task rows written.
    `progress(rows_written)`, when given, is called after every CHUNK_SIZE rows (the background export's page).
    """
    as_of = as_of or timezone.localdate()
    documents = list(
        Document.objects.filter(pk__in=tasks.order_by().values("document")).values_list("title", flat=True)
    )
    several_documents = len(documents) > 1
    title = title or titled(bulletin_title(documents), scope)
    facts = summary_facts(tasks, as_of, several_documents=several_documents)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("推进情况"))
    cells = Cells(sheet, font=PLAIN_FONT)
    _set_up_page(sheet, title, as_of)
    _write_top(cells, title, as_of, draft_summary(facts))

    by_section, by_lead = StatusCounter(), StatusCounter()
    words = RowWords()
    row_number = HEADER_ROW
    current = {"document": None, "section": None, "subsection": None}
    written = 0
    for task in bulletin_rows(tasks, as_of):
        for level, key, label in _headings(task, several_documents):
            if current[level] != key:
                row_number += 1
                _write_heading(cells, row_number, label, level)
                current[level] = key
                if level == "document":
                    current["section"] = current["subsection"] = None
                elif level == "section":
                    current["subsection"] = None
        row_number += 1
        append_fitted(sheet, row_number, _task_row(cells, task, words), WIDTHS)
        written += 1
        if progress is not None and written % CHUNK_SIZE == 0:
            progress(written)
        section_label = _section_label(task)
        if several_documents:
            section_label = f"{task.document} {section_label}"
        by_section.add((task.document_id, task.section_id), section_label, task.status)
        # Every lead unit answers for its part: a task with two leads counts once for each (LEAD_CAPTION).
        for lead in task.lead_names or [words.no_lead]:
            by_lead.add(lead, lead, task.status)
    if not written:
        sheet.append([cells.text(_("没有符合条件的任务。"))])

    _write_statistics(workbook, by_section, by_lead)
    workbook.save(out)
    return written


def set_up_a4_landscape(sheet, *, pages_tall=0):
    """A4 landscape, one page wide (and `pages_tall` pages tall; 0: as many as it takes)."""
    setup = sheet.page_setup
    setup.paperSize = "9"  # A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = pages_tall
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75


def _set_up_page(sheet, title, as_of):
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    set_up_a4_landscape(sheet)
    # Page 1 shows the title in its cells; later pages carry it in the page header.
    footer = _("第 &P 页，共 &N 页")
    header = f"{title}{bracketed(as_of_words(as_of))}".replace("&", "&&")  # "&" starts a code in Excel headers
    sheet.HeaderFooter.differentFirst = True
    sheet.oddHeader.center.text = header
    sheet.oddHeader.center.size = 10
    sheet.oddFooter.center.text = footer
    sheet.firstFooter.center.text = footer


def _write_top(cells, title, as_of, summary):
    sheet = cells.sheet

    def merged(row, cell, height):
        sheet.row_dimensions[row].height = height
        sheet.append([cell])
        merge_across(sheet, row, LAST_COLUMN)

    merged(TITLE_ROW, cells.text(title, font=TITLE_FONT, alignment=CENTRE, border=None), 32)
    merged(DATE_ROW, cells.text(bracketed(as_of_words(as_of)), font=PLAIN_FONT, alignment=CENTRE, border=None), 20)
    summary_height = lines_needed(summary, TABLE_WIDTH) * 16 + 8
    merged(SUMMARY_ROW, cells.text(summary, font=PLAIN_FONT, alignment=SUMMARY_ALIGNMENT, border=None), summary_height)
    sheet.row_dimensions[HEADER_ROW].height = 22
    sheet.append([cells.text(name, font=BOLD, fill=HEADER_FILL, alignment=CENTRE) for name, _w in COLUMNS])


def _section_label(task):
    if task.section is not None:
        return str(task.section)
    return _("%(document)s交办事项") % {"document": task.document}


def _document_heading(document):
    """A notice by its title and 文号; a meeting record by its title (it has no 文号)."""
    return f"{document.title}{bracketed(document.number)}" if document.number else document.title


def _headings(task, several_documents):
    """(level, key, label) of the heading rows a task sits under, outermost first."""
    if several_documents:
        yield "document", task.document_id, _document_heading(task.document)
    if task.section is not None:
        yield "section", task.section_id, str(task.section)
    elif not several_documents:
        yield "section", ("document", task.document_id), _section_label(task)
    if task.subsection is not None:
        yield "subsection", task.subsection_id, str(task.subsection)


def _write_heading(cells, row_number, label, level):
    font, fill = HEADING_STYLES[level]
    first = cells.text(label, font=font, fill=fill, alignment=HEADING_ALIGNMENT)
    # The covered cells carry the fill and borders so the merged row prints as one box.
    rest = [cells.value(None, fill=fill) for _ in COLUMNS[1:]]
    append_fitted(cells.sheet, row_number, [first, *rest], [TABLE_WIDTH], line_height=17)
    merge_across(cells.sheet, row_number, LAST_COLUMN)


class RowWords:
    """The words every task row repeats, translated once per export (gettext costs a lookup a call)."""

    def __init__(self):
        self.status = {status: str(Status(status).label) for status in Status}
        self.light = {light: str(Light(light).label) for light in Light}
        self.progress = progress_wording()
        self.no_lead = _("未明确牵头单位")
        self.date_format = date_format()


def _task_row(cells, task, words):
    fill = LIGHT_FILLS.get(task.light)
    return [
        # A meeting order's number carries its meeting (会100-1): never mistaken for notice task 1.
        cells.value(task.number, alignment=CENTRE) if task.source == Task.Source.NOTICE else cells.text(task.label),
        cells.text(task.text),
        cells.text("\n".join(task.lead_names)),
        cells.text("\n".join(task.responsible_names)),
        # The deadline in force: an approved extension moves it (state/derive.py).
        cells.value(task.current_deadline, alignment=CENTRE, number_format=words.date_format),
        cells.text(words.progress(task)),
        cells.text(words.status[task.status], alignment=CENTRE, fill=fill),
        cells.value(task.percent / 100, alignment=CENTRE, number_format="0%", fill=fill),
        cells.text(words.light[task.light], alignment=CENTRE, fill=fill),
    ]


def _write_statistics(workbook, by_section, by_lead):
    """Sheet 2: counts by status per section and per lead unit, each with a stacked bar chart."""
    sheet = workbook.create_sheet(_("统计"))
    cells = Cells(sheet, font=PLAIN_FONT)
    set_up_a4_landscape(sheet)
    headers_after_key = [_("合计"), *(str(Status(status).label) for status in STATUS_ORDER)]
    sheet.column_dimensions["A"].width = 48
    for column in range(2, 3 + len(STATUS_ORDER)):
        sheet.column_dimensions[get_column_letter(column)].width = 9
    row = 0
    tables = []
    for caption, key_header, counter in (
        (_("按部分统计"), _("部分"), by_section),
        (_("按牵头单位统计（每项任务计入它的每个牵头单位）"), _("牵头单位"), by_lead),
    ):
        rows = counter.rows()
        if counter is by_lead:
            # Units with the most overdue, then the most tasks, first.
            overdue = 2 + STATUS_ORDER.index(Status.OVERDUE)
            rows.sort(key=lambda item: (-item[overdue], -item[1], item[0]))
        sheet.append([cells.text(caption, font=CAPTION_FONT, border=None)])
        row += 1
        sheet.append(
            [
                cells.text(heading, font=BOLD, fill=HEADER_FILL, alignment=CENTRE)
                for heading in (key_header, *headers_after_key)
            ]
        )
        row += 1
        header_row = row
        for key, *figures in rows:
            sheet.append([cells.text(key), *(cells.value(figure, alignment=CENTRE) for figure in figures)])
            row += 1
        totals = [sum(item[index] for item in rows) for index in range(1, 2 + len(STATUS_ORDER))]
        sheet.append(
            [
                cells.text(_("合计"), font=BOLD),
                *(cells.value(n, font=BOLD, alignment=CENTRE) for n in totals),
            ]
        )
        row += 1
        tables.append((caption, header_row, len(rows)))
        sheet.append([])
        row += 1

    anchor_row = 1
    for caption, header_row, rows in tables:
        if not rows:
            continue
        count = min(rows, CHART_ROWS)
        chart = BarChart()
        chart.type = "bar"  # horizontal: long Chinese labels stay readable
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = (
            caption if rows <= CHART_ROWS else _("%(caption)s（前%(n)s项）") % {"caption": caption, "n": count}
        )
        chart.y_axis.title = _("任务数")
        data = Reference(
            sheet, min_col=3, max_col=2 + len(STATUS_ORDER), min_row=header_row, max_row=header_row + count
        )
        labels = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=header_row + count)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(labels)
        for series, status in zip(chart.series, STATUS_ORDER, strict=True):
            series.graphicalProperties.solidFill = STATUS_COLOURS[status]
            series.graphicalProperties.line.solidFill = STATUS_COLOURS[status]
        chart.x_axis.scaling.orientation = "maxMin"  # first row at the top, as in the table
        chart.width = 22
        chart.height = max(7.5, 0.6 * count + 3)
        sheet.add_chart(chart, f"{get_column_letter(4 + len(STATUS_ORDER))}{anchor_row}")
        anchor_row += int(chart.height * 2) + 2
