"""The progress bulletin (督查通报) as a Word document the office can send as it is.

Laid out after the national standard for official documents (GB/T 9704-2012), simplified:

    督查通报                                  red masthead, 方正小标宋简体
    2021年第3期                              期号: numbered from 1 each year (BulletinIssue)
    区人民政府督查室          2021年9月30日   issuer and date, over a red rule
    关于……重点工作推进情况的通报              title, 方正小标宋简体 二号, with the filter's scope
    截至……，84项任务中……                     the drafted summary (workbooks/bulletin.py), 仿宋_GB2312 三号
    附件：重点工作任务推进情况表
                              区人民政府督查室
                               2021年9月30日   落款 and date
    (new page, landscape) 附件 — the table: 序号, 工作任务和要求, 牵头单位, 责任单位, 完成时限, 进展情况, 完成状态

Fonts are named as the standard names them (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体); Word
and WPS use a font present on the machine where one is missing. The table holds every task
selected, in memory: the Word bulletin is for what the office sends (a part, a unit, the
overdue tasks); the Excel bulletin streams any number of tasks.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..models import BulletinIssue, Document, Task
from ..templatetags.task_tags import fulldate
from .bulletin import bulletin_rows, bulletin_title, draft_summary, progress_wording, summary_facts, titled

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"
RED = RGBColor(0xC0, 0x00, 0x00)
# GB/T 9704: 三号 (16 pt) body on a 28 pt line; 二号 (22 pt) title; margins 37/35/28/26 mm.
BODY_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(10.5)
TABLE_COLUMNS = [
    (gettext_lazy("序号"), 14),
    (gettext_lazy("工作任务和要求"), 70),
    (gettext_lazy("牵头单位"), 28),
    (gettext_lazy("责任单位"), 30),
    (gettext_lazy("完成时限"), 24),
    (gettext_lazy("进展情况"), 64),
    (gettext_lazy("完成状态"), 17),
]


def issue_number(user, *, given: int | None = None, today: datetime.date | None = None) -> int:
    """The 期号 of a bulletin issued now: `given` if the office says so, else the year's next (recorded)."""
    year = (today or timezone.localdate()).year
    if given is not None:
        BulletinIssue.objects.get_or_create(
            year=year, number=given, defaults={"issued_at": timezone.now(), "issued_by": user}
        )
        return given
    for _attempt in range(5):
        latest = BulletinIssue.objects.filter(year=year).aggregate(latest=Max("number"))["latest"] or 0
        try:
            with transaction.atomic():
                BulletinIssue.objects.create(year=year, number=latest + 1, issued_at=timezone.now(), issued_by=user)
        except IntegrityError:
            continue  # a colleague took that number a moment ago: take the next
        return latest + 1
    raise IntegrityError("no free bulletin number")


def set_font(run, name: str, size, *, bold: bool = False, color=None):
    """Name the font for Chinese text too (w:eastAsia): python-docx's font.name sets only the Latin one."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def paragraph(container, text="", *, font=BODY_FONT, size=BODY_SIZE, align=None, bold=False, color=None, indent=False):
    para = container.add_paragraph()
    if align is not None:
        para.alignment = align
    spacing = para.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(28) if size >= BODY_SIZE else Pt(16)
    spacing.space_before = spacing.space_after = Pt(0)
    if indent:
        spacing.first_line_indent = Pt(size.pt * 2)  # 首行缩进二字
    if text:
        set_font(para.add_run(text), font, size, bold=bold, color=color)
    return para


def red_rule(para):
    """A red line under `para` (the masthead's 红色分隔线)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().append(borders)


def page_number_footer(section):
    """— 1 — centred at the foot of every page (a PAGE field Word fills in)."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(para.add_run("— "), BODY_FONT, Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)
    set_font(para.add_run(" —"), BODY_FONT, Pt(14))


def set_margins(section, *, landscape: bool):
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = Mm(20)
    else:
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def write_bulletin_docx(tasks, out, *, as_of=None, scope: str = "", issue: int = 1) -> int:
    """Write the Word bulletin of `tasks` (a `with_progress(as_of)` queryset, units prefetched) to `out`.

    Returns the number of task rows in the attached table.
    """
    as_of = as_of or timezone.localdate()
    documents = list(
        Document.objects.filter(pk__in=tasks.order_by().values("document")).values_list("title", flat=True)
    )
    facts = summary_facts(tasks, as_of, several_documents=len(documents) > 1)
    subject = titled(bulletin_title(documents), scope)
    office = settings.GOVTASKS_OFFICE_NAME
    # Issued today (期号 of this year, 成文日期 today); the figures hold as of `as_of` (截至, in the text).
    issued_on = timezone.localdate()
    day, as_of_day = fulldate(issued_on), fulldate(as_of)

    word = WordDocument()
    section = word.sections[0]
    set_margins(section, landscape=False)
    page_number_footer(section)

    # 版头: masthead, 期号, issuer and date over the red rule.
    paragraph(word, _("督查通报"), font=TITLE_FONT, size=Pt(42), align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    paragraph(
        word, _("%(year)s年第%(number)s期") % {"year": issued_on.year, "number": issue}, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    masthead = paragraph(word, f"{office}\t{day}")
    masthead.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)  # right-aligned at the text's edge
    red_rule(masthead)
    paragraph(word)

    # 主体: title, summary, the attachment named, 落款.
    paragraph(
        word,
        _("关于%(subject)s的通报") % {"subject": subject},
        font=TITLE_FONT,
        size=TITLE_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    paragraph(word)
    paragraph(word, draft_summary(facts), indent=True)
    paragraph(word)
    paragraph(word, _("附件：重点工作任务推进情况表"), indent=True)
    paragraph(word)
    for line in (office, day):
        signature = paragraph(word, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        signature.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)  # 右空四字

    # 附件: a landscape section with the table.
    table_section = word.add_section()
    set_margins(table_section, landscape=True)
    paragraph(word, _("附件"), font=HEADING_FONT)
    paragraph(
        word,
        _("重点工作任务推进情况表") + f"（{_('截至%(day)s') % {'day': as_of_day}}）",
        font=TITLE_FONT,
        size=Pt(18),
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    table = word.add_table(rows=1, cols=len(TABLE_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (header, width) in zip(table.rows[0].cells, TABLE_COLUMNS, strict=True):
        cell.width = Mm(width)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cell.paragraphs[0].add_run(str(header)), HEADING_FONT, TABLE_SIZE)
    repeat_header(table.rows[0])
    written = 0
    progress_text = progress_wording()
    status_labels = {status: str(Task.Status(status).label) for status in Task.Status}
    for task in bulletin_rows(tasks, as_of):
        values = [
            task.label,
            task.text,
            "、".join(task.lead_names),
            "、".join(task.responsible_names),
            fulldate(task.current_deadline),
            progress_text(task),
            status_labels[task.status],
        ]
        cells = table.add_row().cells
        for cell, value, (_header, width) in zip(cells, values, TABLE_COLUMNS, strict=True):
            cell.width = Mm(width)
            set_font(cell.paragraphs[0].add_run(value), BODY_FONT, TABLE_SIZE)
        written += 1
    if not written:
        paragraph(word, _("没有符合条件的任务。"), size=TABLE_SIZE)
    word.save(out)
    return written


def repeat_header(row):
    """The table's header row again at the top of every page it runs over."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
