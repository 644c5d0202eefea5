"""Read a responsibility split given as a table (an .xlsx sheet or a .docx table).

Pure: a Grid of cell texts in, the same NoticeData and anomalies the text parser
(notice.py) produces out, so `load_notice` writes either unchanged.

Real tables differ from year to year and office to office, so columns are found by
their header, not their position (序号, 工作任务/任务/民生实事/项目名称, 牵头单位,
责任单位/配合单位/协办单位, 责任领导/分管领导, 完成时限). Where there is no 牵头单位
column the first unit listed is the lead — the rule these notices state. Units are
split on line breaks and 、，,；; free-text deadlines ("9月投入使用", "6月底前…；12月底前…")
are kept as written in the task's source text and turned into dates (end of the month
named); every guess is reported as an Anomaly with the line it concerns.

Line numbers: a Grid numbers its lines as `Grid.text` shows them — for a sheet, the
sheet's row numbers; for a Word document, its paragraphs and then the table's rows.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from .facts import notice_facts
from .kinds import simplified
from .notice import (
    LIVELIHOOD,
    SECTION,
    SUBSECTION,
    YEAR,
    NoticeData,
    SectionData,
    SubItem,
    SubsectionData,
    TaskData,
    _check_counts,
    _check_sequence,
    _section_from_match,
    deadline_in_text,
)
from .report import Anomaly, SourceError, refuse
from .segments import Row, chinese_number
from .unit_lists import TRAILING, entries, split_glued, take_notes
from .unit_names import UnitName, looks_complete, unit_names_of_cell


def day_words(day: datetime.date) -> str:
    """A date in anomaly messages as the office reads it: 2021年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


# Header words per column role, most specific first; a header cell matches a role when it
# equals one of its words or contains one ("牵头单位（责任人）"). Leaders before units:
# "责任领导" is a person, not a 责任单位.
# Task columns, the surest first: where a table has several, the surest holds the text
# (主要内容 over 项目名称, a 4-character label) and the others stay in the task's original text.
TEXT_WORDS = (
    "工作任务和要求", "工作任务", "主要内容", "工作内容", "任务内容", "具体任务", "民生实事", "重点工作",
    "项目名称", "指标", "项目", "目标任务", "任务",
)  # fmt: skip
HEADER_WORDS = [
    ("number", ("序号", "编号")),
    ("leader", ("责任领导", "分管领导", "牵头领导", "联系领导", "区领导")),
    ("lead", ("牵头单位", "牵头部门")),
    ("responsible", ("责任单位", "配合单位", "协办单位", "参与单位", "责任部门", "配合部门", "监考单位", "考核单位")),
    ("deadline", ("完成时限", "完成时间", "时间节点", "时限")),
    ("score", ("分值", "权重")),
    ("text", TEXT_WORDS),
]
HEADER_SEARCH_ROWS = 30
DOCUMENT_NUMBER = re.compile(r"\S+〔\d{4}〕\d+号")
FULL_DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
TASK_NUMBER = re.compile(r"^(\d+)(?:\.0)?[、.．]?$")
HEADING_NUMERAL = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）]?[、.．]?$")
UNIT_SEPARATORS = re.compile(r"[、，,；;]")
CELL_SEPARATORS = set("、，,；;")
BLANK = re.compile(r"\s+")
# Deadline mentions in a 完成时限 cell, in the order written.
DEADLINE_MENTION = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号]|(?P<part>上旬|中旬|下旬|底|末|份)?)"
    r"|(?P<year_end>年底|年末|全年|年内)"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<quarter>[一二三四1-4])季度"
)
OPEN_ENDED = re.compile(r"长期|持续|常态|长效")
PART_DAYS = {"上旬": 10, "中旬": 20}
QUARTER_MONTHS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


@dataclass
class Grid:
    """A table as read from a file: numbered rows of cell texts and the lines above it.

    `paragraphs`: (line, text) written above the table (title, 文号 line, body).
    `rows`: (line, [cell text, …]) of the table, header included; "" for an empty cell.
    `text`: the whole source, one line per paragraph or row, kept as the document's text.
    """

    paragraphs: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    text: str = ""
    # (line, column) of cells that repeat a merged cell from the row above: the file printed
    # them once. A 序号 repeated this way is one task over several rows; printed twice, a duplicate.
    merged_below: set = field(default_factory=set)


@dataclass
class DocumentFacts:
    """What the administrator may give on the upload page when the file does not say it."""

    number: str = ""
    title: str = ""
    issued_on: datetime.date | None = None


def render_line(cells):
    """A table row as one line of text: cells separated by TABs, line breaks inside a cell as " / "."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    return "\t".join(" / ".join(part.strip() for part in cell.splitlines() if part.strip()) for cell in cells)


def cell_at(cells, column):
    """The text of `column` in a row, "" when the row is shorter or the column absent."""
    return cells[column] if column is not None and column < len(cells) else ""


def normalise_header(text):
    return BLANK.sub("", text)


def column_role(header):
    header = simplified(normalise_header(header))
    if not header:
        return None
    for role, words in HEADER_WORDS:
        if header in words:
            return role
    for role, words in HEADER_WORDS:
        if any(word in header for word in words):
            return role
    return None


def text_rank(header):
    """How surely a header names the task's text: 主要内容 beats 项目名称 (a 4-character label)."""
    header = simplified(normalise_header(header))
    return next((rank for rank, word in enumerate(TEXT_WORDS) if word in header), len(TEXT_WORDS))


@dataclass
class Columns:
    number: int | None  # None: a table without a 序号 column; rows are tasks in order
    text: int
    lead: int | None
    responsible: list  # column indexes, in order
    deadline: int | None
    text_header: str
    leader: int | None = None
    category: int | None = None  # "项 目" over two columns: a category printed once per block, then the item
    header: tuple = ()  # the header's cells, to recognise it repeated on a new page


def find_header(rows):
    """(index into rows, Columns, anomalies): the first row naming a task column and a unit column
    (or a 序号 and a task column, so a table without units is refused by name)."""
    for index, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = [column_role(cell) for cell in cells]
        has_units = "lead" in roles or "responsible" in roles
        if "text" not in roles or ("number" not in roles and not has_units):
            continue
        anomalies = []
        first = {}
        responsible = []
        texts = [position for position, role in enumerate(roles) if role == "text"]
        # The same header over two columns (a merged "项 目"): the first holds the category.
        category = None
        if len(texts) >= 2 and normalise_header(cells[texts[0]]) == normalise_header(cells[texts[1]]):
            category = texts[0]
            texts = texts[1:]
        text = min(texts, key=lambda position: (text_rank(cells[position]), position))
        for position, (role, cell) in enumerate(zip(roles, cells, strict=True)):
            header = normalise_header(cell)
            if position == category:
                continue
            if role == "text" and position != text:
                anomalies.append(
                    Anomaly(
                        line,
                        "column-kept-in-text",
                        f"“{header}”列保留在每项任务的原文中，任务内容取“{normalise_header(cells[text])}”列。",
                    )
                )
                continue
            if role is None or role == "score":
                if header:
                    anomalies.append(
                        Anomaly(line, "column-ignored", f"不认识的列“{header}”，已忽略（unknown column）。")
                    )
            elif role == "responsible":
                responsible.append(position)
            elif role in first and role != "text":
                anomalies.append(Anomaly(line, "column-repeated", f"列“{header}”与前面的列重复，已忽略。"))
            else:
                first.setdefault(role, position)
            if role == "leader":
                anomalies.append(
                    Anomaly(
                        line,
                        "column-not-imported",
                        f"“{header}”列未导入（系统没有对应字段），原文保留在每项任务的原文中。",
                    )
                )
        if "lead" not in first and not responsible:
            found = "、".join(normalise_header(cell) for cell in cells if cell.strip())
            raise SourceError(line, f"任务表没有单位列（牵头单位、责任单位或配合单位），表头为“{found}”。")
        columns = Columns(
            number=first.get("number"),
            text=text,
            lead=first.get("lead"),
            responsible=responsible,
            deadline=first.get("deadline"),
            text_header=normalise_header(cells[text]),
            leader=first.get("leader"),
            category=category,
            header=tuple(normalise_header(cell) for cell in cells),
        )
        if columns.lead is None:
            anomalies.append(
                Anomaly(
                    line,
                    "lead-is-first-unit",
                    "表格没有“牵头单位”列：按通知“排在第一位的为牵头单位”的规定，每项任务所列第一个单位登记为牵头单位。",
                )
            )
        if columns.number is None:
            anomalies.append(Anomaly(line, "no-number-column", "表格没有“序号”列：每行一项任务，按行的顺序编号。"))
        return index, columns, anomalies
    raise SourceError(
        rows[0][0] if rows else 0,
        "找不到任务表的表头：应有任务列（工作任务、主要内容、项目名称、指标等）和单位列（牵头单位、责任单位、配合单位）。",
    )


def document_facts(paragraphs, given):
    """文号, title, issuer, date and year from the lines above the table, the upload form's values first.

    The title is the lines just above the 文号 line, as in a printed notice; without a
    文号 line, the first line above the table.
    """
    lines = [(line, text.strip()) for line, text in paragraphs if text.strip()]
    number_at = next((i for i, (_, text) in enumerate(lines) if DOCUMENT_NUMBER.search(text)), None)
    if number_at is None:
        # No 文号 line (many offices' tables): the facts are found by what they look like.
        return notice_facts(lines, given)
    number = given.number.strip()
    title = given.title.strip()
    issued_on = given.issued_on
    if number_at is not None:
        number_line = lines[number_at][1]
        number = number or DOCUMENT_NUMBER.search(number_line)[0]
        title_lines = [text for _, text in lines[:number_at]]
        title = title or "".join(title_lines)
        date_match = FULL_DATE.search(number_line)
    else:
        title = title or (lines[0][1] if lines else "")
        date_match = None
    if issued_on is None:
        # The 文号 line's date, else the last full date above the table (the signature date).
        matches = [date_match] if date_match else [m for _, text in lines for m in FULL_DATE.finditer(text)]
        if matches:
            match = matches[-1]
            try:
                issued_on = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError as error:
                raise SourceError(0, f"成文日期无效：“{match[0]}”（invalid date）。") from error
    missing = [what for what, value in (("文号", number), ("标题", title), ("成文日期", issued_on)) if not value]
    if missing:
        raise SourceError(
            0,
            f"文件中找不到通知的{'、'.join(missing)}：请在上传页填写（the file does not give the notice's "
            "number, title or date; fill them in on the upload page）。",
        )
    issuer, sep, _ = title.partition("关于")
    year_match = YEAR.search(title)
    year = int(year_match[1]) if year_match else issued_on.year
    return number, title, issuer if sep else "", issued_on, year


def read_deadline(text, year):
    """(dates written, open-ended?) for a 完成时限 cell, each date the end of the period named."""
    dates = []
    for match in DEADLINE_MENTION.finditer(text):
        try:
            if match["year_end"]:
                dates.append(datetime.date(year, 12, 31))
            elif match["half"]:
                dates.append(datetime.date(year, 6, 30) if match["half"] == "上半年" else datetime.date(year, 12, 31))
            elif match["quarter"]:
                month = QUARTER_MONTHS[match["quarter"]]
                dates.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
            else:
                on_year = int(match["y"]) if match["y"] else year
                month = int(match["m"])
                if match["d"]:
                    day = int(match["d"])
                elif match["part"] in PART_DAYS:
                    day = PART_DAYS[match["part"]]
                else:
                    day = calendar.monthrange(on_year, month)[1] if 1 <= month <= 12 else 0
                dates.append(datetime.date(on_year, month, day))
        except ValueError:
            continue
    return dates, bool(OPEN_ENDED.search(text))


def task_deadline(task, cell, year, line, anomalies):
    """The deadline a 完成时限 cell gives, reporting staged, open-ended and unreadable ones."""
    written = cell.strip()
    default = deadline_in_text(task.text, year) or datetime.date(year, 12, 31)
    if not written:
        return default
    dates, open_ended = read_deadline(written, year)
    if not dates:
        code, why = ("deadline-open-ended", "没有具体日期") if open_ended else ("deadline-unreadable", "读不出日期")
        anomalies.append(
            Anomaly(
                line,
                code,
                f"任务{task.number}的完成时限“{written}”{why}，按年底{day_words(default)}登记，原文保留。",
            )
        )
        return default
    deadline = max(dates)
    if len(dates) > 1:
        stages = "、".join(f"{day_words(day)}" for day in dates)
        anomalies.append(
            Anomaly(
                line,
                "deadline-staged",
                f"任务{task.number}的完成时限分阶段“{written}”（{stages}）：以最后的{day_words(deadline)}为完成时限，"
                "各阶段请在实施方案中登记为进度节点（staged deadline）。",
            )
        )
    return deadline


def split_units(cell, line, known, anomalies):
    """Unit names in a cell: split on line breaks and 、，,；; outside brackets, names broken over
    lines joined, a note on the lead rule taken out, names run together split (each repair reported)."""
    names = []
    for entry in entries(cell, separators=CELL_SEPARATORS):
        chunk, notes = take_notes(entry)
        for note in notes:
            anomalies.append(
                Anomaly(line, "lead-rule-stated", f"括号中的“{note}”是说明牵头规则，不是单位：按此规则登记牵头单位。")
            )
        parts = [(line, piece.strip().rstrip(TRAILING)) for piece in chunk.splitlines() if piece.strip(TRAILING)]
        if not parts:
            continue
        found, found_anomalies = unit_names_of_cell(parts, known)
        anomalies.extend(found_anomalies)
        for unit in found:
            pieces = split_glued(unit.name, known)
            if len(pieces) > 1:
                anomalies.append(
                    Anomaly(
                        unit.line,
                        "units-run-together",
                        f"几个单位名称连写、没有分隔符：“{unit.name}”，推断拆分为“{'”“'.join(pieces)}”，请核对。",
                    )
                )
            names.extend(UnitName(piece, unit.line) for piece in pieces)
    return names


def heading_of(cells):
    """The text of a section or subsection row ("一、…", "（一）…"), or None for any other row.

    The heading may span the row (a merged cell repeats its text) or be split into a
    numeral in the 序号 column and a title in the next: "一" + "加快…" → "一、加快…".
    """
    texts = []
    for cell in cells:
        text = cell.strip()
        if text and text not in texts:
            texts.append(text)
    if not texts:
        return None
    if len(texts) == 2 and HEADING_NUMERAL.match(texts[0]):
        numeral = texts[0].replace("(", "（").replace(")", "）").rstrip(".．")
        joiner = "" if numeral.endswith(("、", "）")) else "、"
        texts = [numeral + joiner + texts[1]]
    if len(texts) != 1:
        return None
    text = texts[0]
    if text.startswith("("):
        text = "（" + text[1:].replace(")", "）", 1)
    text = re.sub(r"^(\d+)[.．]\s*", r"\1、", text)
    return text if SECTION.match(text) or SUBSECTION.match(text) else None


def names_standing_alone(rows, columns):
    """Unit names written alone in a cell or on a line of their own: the vocabulary for
    splitting two names run together elsewhere (as the text parser does)."""
    known = set()
    unit_columns = [column for column in (columns.lead, *columns.responsible) if column is not None]
    for _line, cells in rows:
        for column in unit_columns:
            if column >= len(cells):
                continue
            for chunk in UNIT_SEPARATORS.split(cells[column]):
                for piece in chunk.splitlines():
                    name = piece.strip()
                    if name and looks_complete(name) and not name.startswith("（"):
                        known.add(name)
    return known


def parse_table(grid, given=None):
    """Return (NoticeData, anomalies) for a Grid. Raises SourceError for what cannot be imported."""
    if not grid.rows:
        raise SourceError(0, "文件中没有任务表（no table）。")
    header_index, columns, anomalies = find_header(grid.rows)
    # A sheet's title and 文号 sit in the rows above its header.
    above = [
        (line, " ".join(dict.fromkeys(cell.strip() for cell in cells if cell.strip())))
        for line, cells in grid.rows[:header_index]
    ]  # a merged title cell is repeated over its range: once is what was printed
    number, title, issuer, issued_on, year = document_facts(grid.paragraphs + above, given or DocumentFacts())
    notice = NoticeData(
        number=number, title=title, issuer=issuer, issued_on=issued_on,
        first_line=1, text=grid.text, year=year,
    )  # fmt: skip
    rows = grid.rows[header_index + 1 :]
    known = names_standing_alone(rows, columns)
    section = subsection = None
    table_is_livelihood = LIVELIHOOD in columns.text_header
    current = None  # the task the previous row belonged to: a row under it may be its sub-row
    problems = []

    for line, cells in rows:
        try:
            if not any(text.strip() for text in cells):
                continue
            if _is_header_again(cells, columns):
                anomalies.append(Anomaly(line, "header-repeated", "表头在新的一页重复出现，已跳过。"))
                continue
            if columns.category is not None:
                category = cell_at(cells, columns.category).strip()
                if category and (section is None or category != section.title):
                    section = _category_section(notice, category, line, anomalies)
                    subsection = None
            number_cell = cell_at(cells, columns.number).strip()
            text_cell = cell_at(cells, columns.text).strip()
            match = TASK_NUMBER.match(number_cell)
            number_merged = (line, columns.number) in grid.merged_below
            if (
                current is not None
                and text_cell
                and (
                    (match and number_cell == current.numbering and number_merged)
                    or (columns.number is not None and not number_cell)
                )
            ):
                # One number over several rows (a merged 序号 cell, or left blank below it): one task, its rows sub-items.
                _add_subrow(current, cells, line, columns=columns, known=known, year=year, anomalies=anomalies)
                continue
            if match or (columns.number is None and text_cell and not heading_of(cells)):
                if section is None:
                    section = _implicit_section(notice, columns, line, anomalies)
                number = int(match[1]) if match else len(notice.tasks) + 1
                task = _task(
                    number, cells, line, columns=columns, notice=notice, section=section,
                    subsection=subsection, anomalies=anomalies,
                )  # fmt: skip
                task.numbering = number_cell
                task.leader = cell_at(cells, columns.leader).strip()
                task.is_livelihood = table_is_livelihood or bool(
                    (subsection and subsection.is_livelihood) or LIVELIHOOD in section.title
                )
                task.deadline = task_deadline(task, cell_at(cells, columns.deadline), year, line, anomalies)
                task.deadline_stated = bool(cell_at(cells, columns.deadline).strip()) or bool(
                    deadline_in_text(task.text, year)
                )
                if task.deadline < issued_on:
                    anomalies.append(
                        Anomaly(
                            line,
                            "deadline-before-issue",
                            f"任务{task.number}的完成时限{day_words(task.deadline)}早于发文日期{day_words(issued_on)}，请核对。",
                        )
                    )
                if current is not None and not _unit_cells(cells, columns):
                    _inherit_units(task, current, anomalies)
                else:
                    _assign_units(task, cells, columns, known, anomalies)
                notice.tasks.append(task)
                current = task
                continue
            current = None
            heading = heading_of(cells)
            if heading and (match := SECTION.match(heading)):
                section = _section_from_match(match, Row(line=line, cells=[]), notice, anomalies)
                notice.sections.append(section)
                subsection = None
            elif heading and (match := SUBSECTION.match(heading)):
                if section is None:
                    section = _implicit_section(notice, columns, line, anomalies)
                subsection = SubsectionData(
                    number=chinese_number(match["number"]), numbering=match["numbering"], title=match["title"].strip(),
                    line=line, is_livelihood=LIVELIHOOD in match["title"],
                )  # fmt: skip
                _check_sequence(section.subsections, subsection, "小节", anomalies)
                section.subsections.append(subsection)
            else:
                anomalies.append(
                    Anomaly(line, "row-skipped", f"既不是任务也不是部分标题的行，已跳过：“{render_line(cells)[:40]}”。")
                )
        except SourceError as error:
            # Keep reading: the clerk gets every problem of the table in one run.
            problems.append((error.line, error.message))
            current = None
    if problems:
        refuse(problems)
    if not notice.tasks:
        raise SourceError(grid.rows[header_index][0], "任务表中没有任务（the table lists no tasks）。")
    _check_counts(notice, anomalies)
    return notice, sorted(anomalies, key=lambda anomaly: anomaly.line)


def _is_header_again(cells, columns):
    """The header printed again on a new page of the table."""
    header = [cell for cell in columns.header if cell]
    return bool(header) and [normalise_header(cell) for cell in cells if normalise_header(cell)] == header


def _unit_cells(cells, columns):
    return [
        cell_at(cells, column).strip()
        for column in (columns.lead, *columns.responsible)
        if cell_at(cells, column).strip()
    ]


def _category_section(notice, title, line, anomalies):
    """A category printed once over a block of rows ("宏观调控"): the block's section; printed again
    after another block, the same section continues (and the clerk is told)."""
    for section in notice.sections:
        if section.title == title:
            anomalies.append(Anomaly(line, "category-repeated", f"分类“{title}”再次出现，其下各行仍归入该分类。"))
            return section
    section = SectionData(number=len(notice.sections) + 1, numbering="", title=title, line=line, declared_count=None)
    notice.sections.append(section)
    return section


def _inherit_units(task, above, anomalies):
    """A row whose unit cells are empty takes the units of the row above: a merged cell printed once."""
    task.lead = list(above.lead)
    task.responsible = list(above.responsible)
    anomalies.append(
        Anomaly(task.line, "units-inherited", f"任务{task.number}的单位格为空，按合并单元格沿用上一行的单位。")
    )


def _add_subrow(task, cells, line, *, columns, known, year, anomalies):
    """Fold a row into `task` as a sub-item: its own text, leader, units and deadline are kept;
    cells it leaves empty are inherited from the sub-row above."""
    if not task.subitems:
        task.subitems.append(
            SubItem(
                line=task.line,
                text=task.text,
                leader=task.leader,
                lead=list(task.lead),
                responsible=list(task.responsible),
                deadline=task.deadline,
            )  # fmt: skip
        )
    above = task.subitems[-1]
    text = " ".join(part.strip() for part in cell_at(cells, columns.text).splitlines() if part.strip())
    sub = SubItem(line=line, text=text, leader=cell_at(cells, columns.leader).strip() or above.leader)
    if _unit_cells(cells, columns):
        probe = TaskData(
            number=task.number, text=text, line=line, source_text="", section=task.section, subsection=None
        )
        _assign_units(probe, cells, columns, known, anomalies)
        sub.lead, sub.responsible = probe.lead, probe.responsible
    else:
        sub.lead, sub.responsible = list(above.lead), list(above.responsible)
    written = cell_at(cells, columns.deadline).strip()
    sub.deadline = task_deadline(task, written, year, line, anomalies) if written else above.deadline
    task.subitems.append(sub)
    joiner = "" if task.text.endswith(("。", "；", ";")) else "；"
    task.text += joiner + text
    task.source_text += "\n" + render_line(cells)
    names = {unit.name for unit in task.lead}
    task.lead += [unit for unit in sub.lead if unit.name not in names]
    names = {unit.name for unit in task.lead} | {unit.name for unit in task.responsible}
    task.responsible += [unit for unit in sub.responsible if unit.name not in names]
    task.responsible = [unit for unit in task.responsible if unit.name not in {u.name for u in task.lead}]
    if sub.leader != task.leader:
        task.leader = ""
    task.deadline = max(task.deadline, sub.deadline)
    if len(task.subitems) == 2:
        anomalies.append(
            Anomaly(
                task.line,
                "merged-number",
                f"序号{task.numbering or task.number}跨多行（合并单元格）：作为一项任务导入，各行的内容、单位和时限"
                "作为子项保留在任务原文中。",
            )
        )


def _implicit_section(notice, columns, line, anomalies):
    """A table listing tasks without any 一、二、 heading: one section named after its task column."""
    title = columns.text_header if columns.text_header not in {"任务", "工作任务和要求"} else "重点工作任务"
    section = SectionData(number=1, numbering="一、", title=title, line=line, declared_count=None)
    notice.sections.append(section)
    anomalies.append(Anomaly(line, "no-sections", f"任务表没有“一、二、”分部分标题，全部任务归入“{title}”。"))
    return section


def _task(number, cells, line, *, columns, notice, section, subsection, anomalies):
    previous = notice.tasks[-1].number if notice.tasks else 0
    if any(task.number == number for task in notice.tasks):
        raise SourceError(line, f"任务序号{number}重复（repeated task number）。")
    text = " ".join(part.strip() for part in cell_at(cells, columns.text).splitlines() if part.strip())
    if not text:
        raise SourceError(line, f"任务{number}没有任务内容（task text missing）。")
    if number != previous + 1:
        anomalies.append(
            Anomaly(line, "task-out-of-order", f"任务序号{number}不连续：上一项是{previous}（out of order）。")
        )
    return TaskData(
        number=number, text=text, line=line, source_text=render_line(cells),
        section=section.number, subsection=subsection.number if subsection else None,
    )  # fmt: skip


def _assign_units(task, cells, columns, known, anomalies):
    lead = split_units(cell_at(cells, columns.lead), task.line, known, anomalies) if columns.lead is not None else []
    responsible = [
        unit
        for column in columns.responsible
        for unit in split_units(cell_at(cells, column), task.line, known, anomalies)
    ]
    if columns.lead is None:
        lead, responsible = responsible[:1], responsible[1:]
    if not lead:
        raise SourceError(task.line, f"任务{task.number}没有牵头单位（no lead unit）。")
    for role, names in (("lead", lead), ("responsible", responsible)):
        seen = set()
        for unit in names:
            if unit.name in seen:
                anomalies.append(Anomaly(unit.line, "unit-repeated", f"任务{task.number}中“{unit.name}”重复列出。"))
                continue
            seen.add(unit.name)
            getattr(task, role).append(unit)
    if not task.responsible:
        anomalies.append(Anomaly(task.line, "no-responsible-unit", f"任务{task.number}没有责任单位。"))
