"""The unit fill-in sheet (进展填报表): download one unit's tasks, fill in Excel, upload back.

write_fillin()  one unit's open tasks with empty columns for one month's progress. The
                task columns are locked (sheet protection without a password: it guards
                against slips, not against intent); a hidden column holds each task's id and
                a hidden sheet a signed stamp of unit and month.
read_fillin()   the uploaded workbook's stamp and rows, without judging them (pure).
check_fillin()  every row against the database: the preview, row by row, with problems.
record_fillin() the rows that say something, through progress_report_submit, in ONE
                transaction: one refusal and nothing is recorded.

The stamp is what tells "a different file altogether" from our sheet: it is signed with
the project's secret key, so a sheet of another unit cannot be relabelled by editing it.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..importers.packages import require_kind
from ..importers.report import SourceError
from ..importers.xlsx import cell_text
from ..models import ProgressReport, Task, TaskUnit
from ..progress.services import Conflict, progress_report_submit
from ..selectors import ordered_task_units, with_unit_progress, with_unit_reach
from ..state import tasks_as_of
from ..state.derive import first_of_month
from .cells import CENTRE, Cells, append_fitted, date_format, merge_across

STAMP_SHEET = "_govtasks"
STAMP_SALT = "govtasks.fillin"
STAMP_KIND = "govtasks-fillin-1"
TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
YES, NO = "是", "否"
MAX_ROWS = 2000
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
UNLOCKED = Protection(locked=False)
TITLE_FONT = Font(size=14, bold=True)
NOTE_FONT = Font(size=10)
BOLD = Font(bold=True)
TOP_ALIGNMENT = Alignment(wrap_text=True, vertical="center")

# (key, header, width, filled in by the unit?)
COLUMNS = [
    ("number", gettext_lazy("序号"), 6, False),
    ("document", gettext_lazy("来源"), 14, False),
    ("text", gettext_lazy("工作任务和要求"), 44, False),
    ("role", gettext_lazy("本单位角色"), 10, False),
    ("deadline", gettext_lazy("完成时限"), 12, False),
    ("last", gettext_lazy("上次报送"), 30, False),
    ("done", gettext_lazy("本月工作进展"), 40, True),
    ("problems", gettext_lazy("存在问题"), 24, True),
    ("next_steps", gettext_lazy("下步计划"), 24, True),
    ("percent", gettext_lazy("完成百分比（0-100）"), 10, True),
    ("claims_complete", gettext_lazy("申报完成（是/否）"), 10, True),
    ("task_id", gettext_lazy("任务ID"), 8, False),
]
POSITION = {key: index for index, (key, *_rest) in enumerate(COLUMNS)}
LAST_COLUMN = get_column_letter(len(COLUMNS))


def letter(key):
    return get_column_letter(POSITION[key] + 1)


def month_words(period):
    return _("%(year)s年%(month)s月") % {"year": period.year, "month": period.month}


def document_label(document):
    return document.number or document.title


# --- Download ------------------------------------------------------------------------------------------


def fillin_tasks(unit, as_of=None):
    """The unit's tasks not yet closed (办结销号), in document order, with its own latest report and its reach."""
    latest = ProgressReport.objects.filter(task=OuterRef("pk"), unit=unit).newest_first()
    return (
        with_unit_progress(with_unit_reach(tasks_as_of(as_of), unit), unit, as_of)
        .exclude(status__in=[Task.Status.DONE, Task.Status.DONE_LATE])
        .select_related("document")
        .defer("document__text", "source_text")
        .prefetch_related(ordered_task_units())
        .annotate(
            last_done=Subquery(latest.values("done")[:1]),
            last_period=Subquery(latest.values("period")[:1]),
            last_percent=Subquery(latest.values("percent")[:1]),
            last_state=Subquery(latest.values("state")[:1]),
        )
        .order_by("document__issued_on", "document_id", "number", "pk")
    )


def role_words(task, unit):
    roles = {link.role for link in task.task_units.all() if link.unit_id == unit.pk}
    if TaskUnit.Role.LEAD in roles:
        return _("牵头")
    if roles:
        return _("责任")
    return _("经%(collective)s") % {"collective": task.via_collective}


def last_report_words(task):
    """The unit's last report (month, percent, state, text), then its own accepted figure beside the task's
    (the 主办 unit's) — the figures the task page's matrix shows (selectors.with_unit_progress)."""
    figures = _("本单位已采纳进度：%(own)s；任务进度：%(task)s%%") % {
        "own": _("%(percent)s%%（%(month)s）") % {"percent": task.unit_percent, "month": month_words(task.unit_period)}
        if task.unit_percent is not None
        else _("无"),
        "task": task.percent,
    }
    if not task.last_done:
        return figures
    last = _("（%(month)s，%(percent)s%%，%(state)s）%(done)s") % {
        "month": month_words(task.last_period),
        "percent": task.last_percent,
        "state": ProgressReport.State(task.last_state).label,
        "done": task.last_done,
    }
    return f"{last}\n{figures}"


def stamp(unit, period):
    return signing.dumps({"kind": STAMP_KIND, "unit": unit.pk, "period": period.isoformat()}, salt=STAMP_SALT)


def write_fillin(unit, period, out, *, as_of=None):
    """Write `unit`'s fill-in sheet for the month of `period` to `out`; returns the number of tasks."""
    period = first_of_month(period)
    tasks = list(fillin_tasks(unit, as_of))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("进展填报"))
    for index, (_key, _header, width, _input) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # The id column is for the upload, not for people.
    sheet.column_dimensions[letter("task_id")].hidden = True
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = "9"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True
    # Locked against slips, yet columns can still be widened and rows made taller.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    title = _("%(unit)s重点工作任务进展填报表（%(month)s）") % {"unit": unit.name, "month": month_words(period)}
    note = _(
        "请在黄色列填写本单位%(month)s的进展，其余各列及隐藏列请勿修改、删除或调整顺序。"
        "完成百分比填0到100的整数；申报完成填“是”时完成百分比应为100。未填写的任务不报送。"
    ) % {"month": month_words(period)}
    cells = Cells(sheet)
    for row, text, font, height in ((TITLE_ROW, title, TITLE_FONT, 28), (NOTE_ROW, note, NOTE_FONT, 32)):
        sheet.row_dimensions[row].height = height
        sheet.append([cells.text(text, font=font, alignment=TOP_ALIGNMENT, border=None)])
        merge_across(sheet, row, LAST_COLUMN)
    sheet.append(
        [
            cells.text(header, font=BOLD, fill=INPUT_FILL if is_input else LOCKED_FILL, alignment=CENTRE)
            for _key, header, _width, is_input in COLUMNS
        ]
    )
    widths = [width for _key, _header, width, _input in COLUMNS]
    for row, task in enumerate(tasks, start=HEADER_ROW + 1):
        append_fitted(sheet, row, _task_row(cells, task, unit), widths)

    first, last = HEADER_ROW + 1, HEADER_ROW + max(len(tasks), 1)
    percent = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True, showErrorMessage=True
    )
    percent.error = _("请填写0到100之间的整数。")
    percent.add(f"{letter('percent')}{first}:{letter('percent')}{last}")
    claims = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True)
    claims.error = _("请选择“是”或“否”。")
    claims.add(f"{letter('claims_complete')}{first}:{letter('claims_complete')}{last}")
    sheet.data_validations.append(percent)
    sheet.data_validations.append(claims)

    stamp_sheet = workbook.create_sheet(STAMP_SHEET)
    stamp_sheet.sheet_state = "hidden"
    stamp_sheet.append(["kind", STAMP_KIND])
    stamp_sheet.append(["unit", unit.name])
    stamp_sheet.append(["period", period.isoformat()])
    stamp_sheet.append(["stamp", stamp(unit, period)])
    workbook.save(out)
    return len(tasks)


def _task_row(cells, task, unit):
    locked = {
        # A meeting order as 会100-1, as on every page (Task.label).
        "number": cells.value(task.number, alignment=CENTRE, fill=LOCKED_FILL)
        if task.source == Task.Source.NOTICE
        else cells.text(task.label, alignment=CENTRE, fill=LOCKED_FILL),
        "document": cells.text(document_label(task.document), fill=LOCKED_FILL),
        "text": cells.text(task.text, fill=LOCKED_FILL),
        "role": cells.text(role_words(task, unit), alignment=CENTRE, fill=LOCKED_FILL),
        "deadline": cells.value(task.current_deadline, alignment=CENTRE, number_format=date_format(), fill=LOCKED_FILL),
        "last": cells.text(last_report_words(task), fill=LOCKED_FILL),
        "task_id": cells.value(task.pk, fill=LOCKED_FILL),
    }
    return [
        cells.value(None, fill=INPUT_FILL, protection=UNLOCKED) if is_input else locked[key]
        for key, _header, _width, is_input in COLUMNS
    ]


# --- Upload: read, check, record ---------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One row of an uploaded sheet, as typed (all text)."""

    line: int
    values: dict  # column key → text

    def has_input(self):
        return any(self.values.get(key, "").strip() for key, *_rest, is_input in COLUMNS if is_input)


@dataclass
class FilledSheet:
    unit_id: int
    period: datetime.date
    rows: list


def read_fillin(raw):
    """The stamp and rows of an uploaded fill-in sheet. SourceError for a file that is not one.

    Streaming (openpyxl read_only), and the signed stamp first: a file that is not our sheet
    is refused before a row of its sheets is read. Upload pages call it through
    importers.sandbox.run_parser.
    """
    require_kind(raw, "xlsx")
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            return _read_stamped_rows(workbook)
        finally:
            workbook.close()
    except SourceError:
        raise
    except Exception as error:  # noqa: BLE001 — openpyxl names a broken part in many ways; to the clerk it is one thing
        raise SourceError(
            0, _("Excel工作簿已损坏，无法读取（corrupt workbook: %(kind)s）。") % {"kind": type(error).__name__}
        ) from error


def _read_stamped_rows(workbook):
    not_ours = SourceError(
        0, _("这不是本系统下载的进展填报表（a different file）：请先下载本单位的填报表，在其中填写后再上传。")
    )
    if STAMP_SHEET not in workbook.sheetnames or not workbook.worksheets:
        raise not_ours
    stamp_values = {
        str(row[0]): row[1]
        for row in workbook[STAMP_SHEET].iter_rows(max_row=10, max_col=2, values_only=True)
        if row and row[0]
    }
    try:
        data = signing.loads(str(stamp_values.get("stamp") or ""), salt=STAMP_SALT)
    except signing.BadSignature as error:
        raise not_ours from error
    if data.get("kind") != STAMP_KIND:
        raise not_ours
    sheet = workbook.worksheets[0]
    rows = []
    # max_col: a sheet's <dimension> may claim 16,384 columns, and read_only pads every row to it.
    rows_read = sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS), values_only=True)
    for line, cells in enumerate(rows_read, start=HEADER_ROW + 1):
        if line - HEADER_ROW > MAX_ROWS:
            raise SourceError(line, _("填报表超过%(max)s行，请只保留本单位的任务。") % {"max": MAX_ROWS})
        values = {key: cell_text(cells[index]) if index < len(cells) else "" for key, index in POSITION.items()}
        if any(value.strip() for value in values.values()):
            rows.append(SheetRow(line=line, values=values))
    return FilledSheet(unit_id=data["unit"], period=datetime.date.fromisoformat(data["period"]), rows=rows)


@dataclass
class PreviewRow:
    line: int
    number: str
    text: str
    task: Task | None = None
    report: dict | None = None  # the values to record; None when the row records nothing
    problems: list = field(default_factory=list)

    @property
    def records(self):
        return self.report is not None and not self.problems


@dataclass
class Preview:
    unit: object
    period: datetime.date
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # about the whole file

    @property
    def ok(self):
        return (
            not self.problems and not any(row.problems for row in self.rows) and any(row.records for row in self.rows)
        )

    @property
    def to_record(self):
        return [row for row in self.rows if row.records]


def parse_percent(text):
    cleaned = text.strip().rstrip("%％").strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 <= number <= 100 else None


def check_fillin(sheet, unit, *, today=None):
    """The preview of `sheet` as `unit`'s report: every row with what it records or why it cannot."""
    today = today or timezone.localdate()
    preview = Preview(unit=unit, period=sheet.period)
    if sheet.unit_id != unit.pk:
        preview.problems.append(_("这是另一个单位的填报表，不能作为%(unit)s的进展上传。") % {"unit": unit.name})
        return preview
    if sheet.period > first_of_month(today):
        preview.problems.append(_("填报表的月份%(month)s还没有到。") % {"month": month_words(sheet.period)})
    ids = [row.values["task_id"] for row in sheet.rows]
    known = {
        task.pk: task
        for task in Task.objects.filter(pk__in=[int(value) for value in ids if value.isdigit()]).select_related(
            "document"
        )
    }
    mine = set(Task.objects.for_unit(unit).filter(pk__in=list(known)).values_list("pk", flat=True))
    reported = set(
        ProgressReport.objects.filter(unit=unit, period=sheet.period, task__in=mine)
        .exclude(state=ProgressReport.State.RETURNED)
        .values_list("task_id", flat=True)
    )
    seen = set()
    for row in sheet.rows:
        values = row.values
        item = PreviewRow(line=row.line, number=values["number"], text=values["text"])
        preview.rows.append(item)
        task = known.get(int(values["task_id"])) if values["task_id"].isdigit() else None
        if task is None:
            item.problems.append(
                _("任务编号“%(number)s”不存在：这一行不是下载时的任务行（unknown task）。")
                % {"number": values["number"]}
            )
            continue
        item.task = task
        if task.pk not in mine:
            item.problems.append(
                _("第%(number)s项任务不是本单位的任务（a row of another unit）。") % {"number": task.number}
            )
            continue
        if task.pk in seen:
            item.problems.append(_("第%(number)s项任务重复出现。") % {"number": task.number})
            continue
        seen.add(task.pk)
        if values["text"].strip() != task.text.strip() or values["number"] != task.label:
            item.problems.append(
                _("任务序号或内容被修改过，与系统中的第%(number)s项任务不一致（edited task text）。")
                % {"number": task.number}
            )
        if not row.has_input():
            continue
        _check_report(item, values)
        if task.pk in reported:
            item.problems.append(
                _("本单位%(month)s已报送过这项任务，不能重复报送。") % {"month": month_words(sheet.period)}
            )
    return preview


def _check_report(item, values):
    done = values["done"].strip()
    if not done:
        item.problems.append(_("请填写本月工作进展。"))
    percent = parse_percent(values["percent"]) if values["percent"].strip() else None
    if percent is None:
        item.problems.append(
            _("完成百分比应为0到100之间的整数，填的是“%(value)s”。") % {"value": values["percent"]}
            if values["percent"].strip()
            else _("请填写完成百分比。")
        )
    claims = values["claims_complete"].strip()
    if claims not in {"", YES, NO}:
        item.problems.append(_("申报完成应填“是”或“否”，填的是“%(value)s”。") % {"value": claims})
    elif claims == YES and percent is not None and percent != 100:
        item.problems.append(_("申报完成时，完成百分比应为100。"))
    item.report = {
        "done": done,
        "problems": values["problems"].strip(),
        "next_steps": values["next_steps"].strip(),
        "percent": percent,
        "claims_complete": claims == YES,
    }


def record_fillin(preview, actor):
    """Record every row of a clean preview through progress_report_submit, all or nothing.

    Returns the reports. Raises ValidationError (with the row) when the service refuses
    one — then nothing is recorded — and PermissionDenied when `actor` cannot report for the unit.
    """
    if not preview.ok:
        raise ValidationError(_("填报表中还有问题，未报送任何进展。"))
    reports = []
    with transaction.atomic():
        for row in preview.to_record:
            try:
                reports.append(
                    progress_report_submit(
                        task=row.task, unit=preview.unit, actor=actor, period=preview.period, **row.report
                    )
                )
            except (ValidationError, Conflict) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                raise ValidationError(
                    _("第%(line)s行（第%(number)s项）：%(message)s")
                    % {"line": row.line, "number": row.task.number, "message": "；".join(messages)}
                ) from error
    return reports
