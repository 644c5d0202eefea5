"""Parse a responsibility-split notice (责任分工通知) into sections, subsections and tasks.

Pure: a segments.Block in, a NoticeData and anomalies out. Unit names stay as written
(joined and split where the text broke them); matching spellings to units is the
loader's job, because it needs to know the units already in the database.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from .report import Anomaly, SourceError
from .segments import chinese_number, read_rows
from .unit_names import looks_complete, unit_names_of_cell

SECTION = re.compile(r"^(?P<numbering>(?P<number>[一二三四五六七八九十]+|\d+)、)\s*(?P<title>.+)$")
SUBSECTION = re.compile(r"^(?P<numbering>（(?P<number>[一二三四五六七八九十]+)）)\s*(?P<title>.+)$")
TASK_NUMBER = re.compile(r"^\d+$")
DECLARED_COUNT = re.compile(r"（(\d+)项）\s*$")
COUNTED_THINGS = re.compile(r"([一二三四五六七八九十]+|\d+)件")
LIVELIHOOD = "民生实事"
YEAR = re.compile(r"(\d{4})年")
# Deadlines a task text may state; the last one mentioned is the task's deadline.
DEADLINE_PATTERNS = [
    re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日前"),
    re.compile(r"(?P<m>\d{1,2})月底前"),
    re.compile(r"(?P<m>年)底前"),
]
HEADER_WORDS = {"序号": "number", "工作任务和要求": "text", "牵头单位": "lead", "责任单位": "responsible"}


@dataclass
class TaskData:
    number: int
    text: str
    line: int
    source_text: str
    section: int
    subsection: int | None
    lead: list = field(default_factory=list)  # UnitName
    responsible: list = field(default_factory=list)
    deadline: datetime.date | None = None
    is_livelihood: bool = False
    # Other offices' notices: the number as printed ("1", "（一）", "" when unnumbered; numbering
    # may restart per section, so `number` is then the task's place in the document), the leader
    # a section or column names, and the sub-rows one merged number spans (SubItem).
    numbering: str = ""
    leader: str = ""
    subitems: list = field(default_factory=list)
    deadline_stated: bool = False  # the document prints this deadline (else: end of the year)


@dataclass
class SubItem:
    """One row of several under one merged number: its own text, leader, units and deadline."""

    line: int
    text: str
    leader: str = ""
    lead: list = field(default_factory=list)
    responsible: list = field(default_factory=list)
    deadline: datetime.date | None = None


@dataclass
class SubsectionData:
    number: int
    numbering: str
    title: str
    line: int
    is_livelihood: bool


@dataclass
class SectionData:
    number: int
    numbering: str
    title: str
    line: int
    declared_count: int | None
    subsections: list = field(default_factory=list)


@dataclass
class NoticeData:
    number: str
    title: str
    issuer: str
    issued_on: datetime.date
    first_line: int
    text: str
    year: int
    sections: list = field(default_factory=list)
    tasks: list = field(default_factory=list)


def is_notice(block):
    return block.kind == "official" and any(text.strip() == "\t牵头单位".strip() for _, text in block.lines)


def deadline_in_text(text, year):
    """The last deadline a task text states ("9月底前", "6月30日前", "年底前"), else None."""
    found = []
    for pattern in DEADLINE_PATTERNS:
        for match in pattern.finditer(text):
            if match["m"] == "年":
                found.append((match.start(), datetime.date(year, 12, 31)))
                continue
            month = int(match["m"])
            if not 1 <= month <= 12:
                continue
            day = int(match.groupdict().get("d") or calendar.monthrange(year, month)[1])
            try:
                found.append((match.start(), datetime.date(year, month, day)))
            except ValueError:
                continue
    return max(found)[1] if found else None


def official_header(block):
    """文号, full title, issuer and date from an official document's header."""
    header = block.header
    title = "".join(header["title_lines"])
    issuer, sep, _ = title.partition("关于")
    try:
        issued_on = datetime.date(*header["date"])
    except ValueError as error:
        raise SourceError(block.first_line, f"成文日期无效：{header['date']}（invalid date）。") from error
    return header["number"], title, issuer if sep else "", issued_on


def parse_notice(block):
    """Return (NoticeData, anomalies). Raises SourceError for what cannot be imported."""
    number, title, issuer, issued_on = official_header(block)
    year_match = YEAR.search(title)
    year = int(year_match[1]) if year_match else issued_on.year
    notice = NoticeData(
        number=number, title=title, issuer=issuer, issued_on=issued_on,
        first_line=block.first_line, text=block.text, year=year,
    )  # fmt: skip
    table_start = next((i for i, (_, text) in enumerate(block.lines) if text.strip() == "序号"), None)
    if table_start is None:
        raise SourceError(block.first_line, "通知中找不到任务表（序号 / 工作任务和要求 / 牵头单位 / 责任单位）。")
    rows, anomalies = read_rows(block.lines[table_start:])
    header, *rows = rows
    columns = [HEADER_WORDS.get(cell.text) for cell in header.cells]
    if columns != ["number", "text", "lead", "responsible"]:
        found = "、".join(cell.text for cell in header.cells)
        raise SourceError(header.line, f"任务表的表头应为“序号、工作任务和要求、牵头单位、责任单位”，实为“{found}”。")
    known = _names_standing_alone(rows)
    default_deadline = datetime.date(year, 12, 31)
    section = subsection = task = None
    pending = None  # unit cells of a task row that a blank line cut short
    numbers = set()  # the task numbers read so far: a repeated one is refused
    for row in rows:
        first = row.cells[0].text
        is_continuation = not (TASK_NUMBER.match(first) or SECTION.match(first) or SUBSECTION.match(first))
        if pending is not None and is_continuation and len(pending) + len(row.cells) <= 2:
            # The Word table broke a task row with a blank line: these cells belong to the row above.
            anomalies.append(
                Anomaly(row.line, "row-broken-by-blank-line", f"任务{task.number}的单元格被空行隔开，已并入该任务。")
            )
            task.source_text += "\n\n" + _row_source(row)
            _assign_units(task, pending + row.cells, known, anomalies)
            pending = None
            continue
        if pending is not None:
            _assign_units(task, pending, known, anomalies)
            pending = None
        if TASK_NUMBER.match(first):
            if section is None:
                raise SourceError(row.line, f"任务{first}出现在第一个部分标题之前。")
            task = _task_from_row(row, section, subsection, notice, anomalies, numbers=numbers)
            numbers.add(task.number)
            stated = deadline_in_text(task.text, year)
            task.deadline, task.deadline_stated = stated or default_deadline, stated is not None
            task.is_livelihood = bool(subsection and subsection.is_livelihood)
            notice.tasks.append(task)
            if len(row.cells) == 4:
                _assign_units(task, row.cells[2:], known, anomalies)
            else:
                pending = row.cells[2:]
        elif match := SECTION.match(first):
            section = _section_from_match(match, row, notice, anomalies)
            notice.sections.append(section)
            subsection = task = None
        elif match := SUBSECTION.match(first):
            if section is None:
                raise SourceError(row.line, f"小节“{first}”出现在第一个部分标题之前。")
            if row.cells[0].parts[0][1] != row.cells[0].parts[0][1].strip():
                anomalies.append(Anomaly(row.line, "stray-whitespace", f"“{first}”前有多余空格，已去除。"))
            subsection = SubsectionData(
                number=chinese_number(match["number"]), numbering=match["numbering"], title=match["title"],
                line=row.line, is_livelihood=LIVELIHOOD in match["title"],
            )  # fmt: skip
            _check_sequence(section.subsections, subsection, "小节", anomalies)
            section.subsections.append(subsection)
            task = None
        else:
            raise SourceError(row.line, f"无法识别的表格行（unrecognised row）：“{first[:30]}”。")
    if pending is not None:
        _assign_units(task, pending, known, anomalies)
    for task in notice.tasks:
        if not task.lead:
            raise SourceError(task.line, f"任务{task.number}没有牵头单位（no lead unit）。")
        if not task.responsible:
            anomalies.append(Anomaly(task.line, "no-responsible-unit", f"任务{task.number}没有责任单位。"))
    _check_counts(notice, anomalies)
    if not notice.tasks:
        raise SourceError(block.first_line, "任务表中没有任务（the table lists no tasks）。")
    return notice, anomalies


def _task_from_row(row, section, subsection, notice, anomalies, *, numbers):
    number = int(row.cells[0].text)
    previous = notice.tasks[-1].number if notice.tasks else 0
    # A set, not a walk of the tasks read so far: that was 35 million comparisons for 8,400 tasks.
    if number in numbers:
        raise SourceError(row.line, f"任务序号{number}重复（repeated task number）。")
    if number != previous + 1:
        anomalies.append(
            Anomaly(row.line, "task-out-of-order", f"任务序号{number}不连续：上一项是{previous}（out of order）。")
        )
    if len(row.cells) < 2:
        raise SourceError(row.line, f"任务{number}没有任务内容（task text missing）。")
    if len(row.cells) > 4:
        raise SourceError(row.line, f"任务{number}有{len(row.cells)}个单元格，多于表头的4列。")
    task = TaskData(
        number=number, text=row.cells[1].text, line=row.line, source_text=_row_source(row),
        section=section.number, subsection=subsection.number if subsection else None,
    )  # fmt: skip
    return task


def _assign_units(task, cells, known, anomalies):
    """Read the lead and responsible cells; a missing responsible cell is reported later."""
    if not cells:
        raise SourceError(task.line, f"任务{task.number}没有牵头单位（no lead unit）。")
    for cell, role in zip(cells, ("lead", "responsible"), strict=False):
        names, found = unit_names_of_cell(cell.parts, known)
        anomalies.extend(found)
        seen = set()
        for unit in names:
            if unit.name in seen:
                anomalies.append(Anomaly(unit.line, "unit-repeated", f"任务{task.number}中“{unit.name}”重复列出。"))
                continue
            seen.add(unit.name)
            getattr(task, role).append(unit)


def _section_from_match(match, row, notice, anomalies):
    title = match["title"].strip()
    declared = None
    if count := DECLARED_COUNT.search(title):
        declared = int(count[1])
        title = title[: count.start()].strip()
    if match["number"].isdigit():
        anomalies.append(
            Anomaly(row.line, "section-numbering", f"部分编号写作“{match['numbering']}”，其余部分用“一、二、”。")
        )
    section = SectionData(
        number=chinese_number(match["number"]), numbering=match["numbering"], title=title,
        line=row.line, declared_count=declared,
    )  # fmt: skip
    _check_sequence(notice.sections, section, "部分", anomalies)
    return section


def _check_sequence(siblings, item, what, anomalies):
    expected = siblings[-1].number + 1 if siblings else 1
    if any(sibling.number == item.number for sibling in siblings):
        raise SourceError(item.line, f"{what}编号“{item.numbering}”重复。")
    if item.number != expected:
        anomalies.append(
            Anomaly(item.line, "out-of-order", f"{what}编号“{item.numbering}”不连续，应为第{expected}个。")
        )


def _check_counts(notice, anomalies):
    for section in notice.sections:
        listed = sum(1 for task in notice.tasks if task.section == section.number)
        if section.declared_count is not None and section.declared_count != listed:
            anomalies.append(
                Anomaly(
                    section.line,
                    "declared-count-mismatch",
                    f"部分“{section.numbering}”声明（{section.declared_count}项），实际列出{listed}项任务。",
                )
            )
        for subsection in section.subsections:
            count = COUNTED_THINGS.search(subsection.title)
            if not count:
                continue
            listed = sum(
                1 for task in notice.tasks if task.section == section.number and task.subsection == subsection.number
            )
            declared = chinese_number(count[1])
            if declared != listed:
                anomalies.append(
                    Anomaly(
                        subsection.line,
                        "declared-count-mismatch",
                        f"小节“{subsection.numbering}{subsection.title}”写明{count[0]}，实际列出{listed}项任务。",
                    )
                )


def _row_source(row):
    return "\n".join(text for cell in row.cells for _, text in cell.parts)


def _names_standing_alone(rows):
    """Unit names written alone on a line somewhere in the table: the vocabulary for
    splitting names that another line runs together."""
    known = set()
    for row in rows:
        if not TASK_NUMBER.match(row.cells[0].text):
            continue
        for cell in row.cells[2:]:
            for _, text in cell.parts:
                name = text.strip()
                if name and looks_complete(name) and not name.startswith("（"):
                    known.add(name)
    return known
