"""A 督办单 as a Word document (.docx) the office prints or sends as it is.

    区人民政府督查室                                      (issuer, 黑体)
    督 办 单                                             (title, 黑体 二号)
    督办〔2026〕第1号                    签发日期：2026年11月22日
    致：区甲局
    table: 序号 / 任务 / 完成时限 / 当前状态
    请于2026年11月27日前将落实情况书面反馈督查室。
    签收单位（盖章）：        签收人：        签收日期：    年  月  日

Body text is 仿宋_GB2312, headings 黑体, as official documents use. Where a machine lacks them,
the font table names what to use instead (仿宋 / FangSong, SimHei): Word and WPS take the first
present, LibreOffice its own substitution.
"""

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Mm, Pt
from lxml import etree  # python-docx's own XML library

from tasks.templatetags.task_tags import fulldate
from tasks.workbooks.bulletin_docx import BODY_FONT, HEADING_FONT, paragraph, set_font

from .models import SupervisionOrder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# (font, what to use where it is missing): Windows' and most Linux CJK sets name them so.
FALLBACKS = ((BODY_FONT, "仿宋,FangSong,STFangsong"), (HEADING_FONT, "SimHei,STHeiti"))
TABLE_SIZE = Pt(12)


def order_docx(order: SupervisionOrder, items: list[Any]) -> bytes:
    """The order as .docx bytes; `items` are its tasks with their state (selectors.order_items)."""
    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    paragraph(document, settings.GOVTASKS_OFFICE_NAME, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, _("督　办　单"), font=HEADING_FONT, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    numbered = paragraph(document, f"{order.label}　　　　{_('签发日期：')}{fulldate(order.issued_on)}")
    numbered.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(document, _("致：%(unit)s") % {"unit": order.unit.name})
    paragraph(
        document,
        _("下列任务持续亮红灯，经提醒、催办仍未改善，现予督办，请抓紧落实：") if items else "",
        indent=True,
    )
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (_("序号"), _("督办事项"), _("完成时限"), _("当前状态")), strict=True):
        set_font(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
    for item in items:
        cells = table.add_row().cells
        values = (item.label, item.text, fulldate(item.current_deadline), item.status_label)
        for cell, text in zip(cells, values, strict=True):
            set_font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, TABLE_SIZE)
    paragraph(
        document,
        _("请于%(due)s前将落实情况书面反馈区政府督查室，并在系统中签收、答复。")
        % {"due": fulldate(order.reply_due_on)},
        indent=True,
    )
    paragraph(document, "")
    paragraph(document, settings.GOVTASKS_OFFICE_NAME, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, fulldate(order.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "")
    paragraph(document, _("签收单位（盖章）：　　　　　　签收人：　　　　　　签收日期：　　年　　月　　日"))
    add_font_fallbacks(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_font_fallbacks(document: Any) -> None:
    """Name 仿宋_GB2312 and 黑体 in the document's font table with their substitutes (w:altName)."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    fonts = parse_xml(part.blob)
    for name, alternatives in FALLBACKS:
        fonts.append(
            parse_xml(
                f'<w:font xmlns:w="{W}" w:name="{name}"><w:altName w:val="{alternatives}"/>'
                '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)
