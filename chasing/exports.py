"""The 考核 ranking as an Excel workbook: one row per unit, the causes of lost points in words.

Unit names and task texts are users' text: written through tasks.workbooks.cells.Cells, never as formulas.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tasks.templatetags.task_tags import fulldate
from tasks.workbooks.cells import CENTRE, Cells

from .scores import Scoring, UnitScore

BOLD = Font(bold=True)
COLUMNS = (
    (_("排名"), 6),
    (_("单位"), 24),
    (_("得分"), 8),
    (_("按时报送率"), 10),
    (_("应报送"), 8),
    (_("按时报送"), 8),
    (_("按期办结"), 8),
    (_("逾期办结"), 8),
    (_("逾期未办结"), 8),
    (_("退回报告"), 8),
    (_("逾期未答复督办单"), 10),
    (_("扣分原因"), 60),
)


def causes_text(score: UnitScore) -> str:
    groups = (
        (_("未按时报送"), score.missed_reports),
        (_("逾期办结"), score.closed_late),
        (_("逾期未办结"), score.overdue),
        (_("退回报告"), score.returned),
        (_("逾期未答复督办单"), score.unanswered),
    )
    return "\n".join(f"{name}：" + "；".join(c.text for c in causes) for name, causes in groups if causes)


def scores_xlsx(scoring: Scoring) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("考核得分"))
    for index, (_name, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    cells = Cells(sheet)
    title = _("%(year)s年度单位考核得分（%(start)s至%(end)s，%(rule)s）") % {
        "year": scoring.year,
        "start": fulldate(scoring.start),
        "end": fulldate(scoring.end),
        "rule": _("默认规则") if scoring.rule_is_default else str(scoring.rule),
    }
    sheet.append([cells.text(title, font=BOLD, border=None)])
    sheet.append([cells.text(name, font=BOLD, alignment=CENTRE) for name, _width in COLUMNS])
    for score in scoring.units:
        sheet.append(
            [
                cells.value(score.rank),
                cells.text(score.unit.name),
                cells.value(score.score),
                cells.value(float(score.on_time_rate), number_format="0.0%"),
                cells.value(score.reports_owed),
                cells.value(score.reports_on_time),
                cells.value(len(score.closed_on_time)),
                cells.value(len(score.closed_late)),
                cells.value(len(score.overdue)),
                cells.value(len(score.returned)),
                cells.value(len(score.unanswered)),
                cells.text(causes_text(score)),
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
