"""Rebuild a table that a web page ran together, every cell, row and unit glued without a separator.

Pure: (line, text) pairs in, a Grid (or None when the text holds no such table) out, so
columns.py reads it as any table — sub-rows under one 序号, inherited cells and all.

    序号项目名称主要内容区政府分管领导牵头单位配合单位            ← the header, glued
    1增加教育资源供给实施新建…4580个。何海平教育局经开区…市国有公司2促进…

Nothing separates the cells, so a row is read by the anchors that hold for this layout
in general, never by names from one file:

- the header row: its column names give the column order; printed again, a page break;
- the 序号: only the NEXT expected number (1, 2, 3 …) counts, right after a row's units;
- the "。" that ends a 主要内容 cell: the content runs to the first "。" that a leader's
  name and a unit follow (or the next 序号, the end);
- the leader: a person's name of 2–3 characters between the content and the units;
- unit names: recognised by their endings (局/委/办/中心/公司/街道/镇 …, brackets kept
  whole; a weak ending — 区, 园 — only for a short name or one the document repeats);
  where two readings fit, the one whose names the document's other rows also print wins.

Every boundary that is a guess — 项目名称 against 主要内容, the 牵头 cell against the 配合
cell — is reported as an anomaly the dry run and the preview show. When the anchors do
not give a reading, the file is refused with the reason: the cells cannot be split
reliably, upload the Word or Excel original.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from .columns import HEADER_WORDS, Grid, column_role, text_rank
from .report import Anomaly, SourceError
from .unit_lists import NOT_A_NEW_NAME, UNIT_ENDINGS

CANNOT_SPLIT = (
    "表格各格的文字连在一起、没有分隔符（单元格、行和单位之间都没有分隔），无法可靠拆分：请上传该表格的"
    "Word或Excel原件（the table's cells are run together without separators and cannot be split reliably）。"
)
# Endings that also close ordinary words of a task's text (核心区, 产业园): a name ending so is
# taken only when short (经开区, 高新园) or printed elsewhere in the document too.
WEAK_ENDINGS = ("区", "园")
# Endings that close an office's name: unit_lists.py's, and those of offices such lists also
# name (区妇联, 区信访处, 区政府办公室, 区直各部门).
NAME_ENDINGS = (*UNIT_ENDINGS, "联", "处", "室", "厅", "署", "单位", "部门")
WEAK_NAME_MAX = 5
NAME_MAX = 20
MIN_NAME = 3
OPENING = "(（"
CLOSING = ")）"
# Characters a unit's or a person's name never holds: digits, letters, punctuation.
NOT_IN_NAME = re.compile(r"[0-9A-Za-z０-９、，,；;。．.：:“”\"‘’'《》！？!?…%％\s/]")
BRANCH_FOLLOWS = re.compile(r"^[\u4e00-\u9fff]{0,6}分(局|中心|公司)")
LEVELS = "区县市省镇乡"
PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
# A header cell may carry a short qualifier before its word ("区政府分管领导").
HEADER_PREFIX_MAX = 3
MIN_HEADER_CELLS = 3
# How a 主要内容 cell usually opens (a verb or a preposition): where a 项目名称 label glued
# before it ends. Words of government work in general, not of one document.
CONTENT_OPENINGS = (
    "实施", "落实", "完成", "推进", "推动", "新建", "建成", "建设", "开展", "加快", "加强", "提升", "提高",
    "实现", "启动", "组织", "制定", "改造", "新增", "全面", "持续", "深入", "深化", "着力", "围绕", "确保",
    "打造", "争取", "力争", "做好", "扩大", "完善", "健全", "优化", "强化", "支持", "鼓励", "引导", "规范",
    "全年", "年内", "计划", "按照", "依托", "通过", "针对", "为", "对", "在", "由", "将",
)  # fmt: skip
# A person's name does not open like a sentence (提升康 + 复辅具社区 is text, not a leader).
VERB_OPENINGS = tuple(word for word in CONTENT_OPENINGS if len(word) >= 2)
LABEL_MIN = 4
# What follows a number inside a task's text (3家, 12个, 5000人次): a count, not a 序号.
MEASURES = "个家所处条项万亿千百十年月日号人户名次批座台辆套间栋公米里元倍类级期届场支种块亩吨部张本份位只"
LABEL_MAX = 12


@dataclass
class Header:
    """The glued header: its cells in order with their roles, and where it stands in the text."""

    cells: list
    roles: list
    start: int
    end: int

    @property
    def text(self) -> str:
        return "".join(self.cells)


@dataclass
class RunRow:
    """One row read from the run: 序号 (or "" for a sub-row), label, content, leader and units."""

    position: int
    number: str = ""
    label: str = ""
    content: str = ""
    leader: str = ""
    units: list = field(default_factory=list)


def _header_words():
    return sorted({word for _role, words in HEADER_WORDS for word in words}, key=len, reverse=True)


def find_glued_header(text: str) -> Header | None:
    """The first run of header words glued together (序号项目名称…牵头单位配合单位), or None."""
    words = _header_words()
    hits = []  # (start, end) of header words, longest at each place, not overlapping
    position = 0
    while position < len(text):
        word = next((word for word in words if text.startswith(word, position)), None)
        if word:
            hits.append((position, position + len(word)))
            position += len(word)
        else:
            position += 1
    chains, chain = [], []
    for start, end in hits:
        gap = text[chain[-1][1] : start] if chain else ""
        if chain and (len(gap) > HEADER_PREFIX_MAX or NOT_IN_NAME.search(gap)):
            chains.append(chain)
            chain = []
        chain.append((start, end))
    chains.append(chain)
    for chain in chains:
        if len(chain) < MIN_HEADER_CELLS:
            continue
        # Each cell runs from the end of the one before (its qualifier) to the end of its word.
        cells = [text[(chain[index - 1][1] if index else start) : end] for index, (start, end) in enumerate(chain)]
        roles = [column_role(cell) for cell in cells]
        if "number" in roles and "text" in roles and {"lead", "responsible"} & set(roles):
            return Header(cells=cells, roles=roles, start=chain[0][0], end=chain[-1][1])
    return None


class RunReader:
    """Reads the body of a run-together table (header occurrences already cut out) into RunRows."""

    def __init__(self, body: str, *, has_leader: bool, known: set):
        self.body = body
        self.has_leader = has_leader
        self.known = known

    # -- unit names -------------------------------------------------------------------------

    def name_at(self, position: int) -> int | None:
        """The end of the unit name starting at `position` (the shortest that ends like one), or None."""
        body = self.body
        for name in sorted(self.known, key=len, reverse=True):
            if body.startswith(name, position):
                return position + len(name)
        depth = 0
        end = position
        while end < len(body) and end - position < NAME_MAX:
            char = body[end]
            end += 1
            if char in OPENING:
                depth += 1
                continue
            if char in CLOSING:
                if depth == 0:
                    return None
                depth -= 1
                if depth == 0 and self._ends_name(position, end, bracket=True):
                    return end
                continue
            if depth:
                continue
            if NOT_IN_NAME.match(char):
                return None
            if self._ends_name(position, end):
                return end
            if end - position == 2 and char in NAME_ENDINGS and body[position] not in LEVELS and body[position] != "各":
                # An ending as the 2nd character (林局 of 园林局, 政局 of 民政局) means this
                # reading started inside a name; 区委…, 市委… are names of their own.
                return None
        return None

    def _ends_name(self, start: int, end: int, bracket: bool = False) -> bool:
        """Whether a unit's name can end at `end`: it ends like one and the text after it
        does not continue it (嵊山镇 + 人民政府, 区政府 + 办公室, 规划局 + 昌江分局, a bracket)."""
        name, rest = self.body[start:end], self.body[end:]
        if NOT_A_NEW_NAME.match(rest) or BRANCH_FOLLOWS.match(rest) or (rest[:1] and rest[:1] in OPENING):
            return False
        if bracket:
            # 高新园(邹区镇): the bracket holds another name of the same body, kept with it;
            # it closes the name when the part before it ends like one.
            name = name[: max(name.rfind(char) for char in OPENING)]
        if len(name) == 2 and rest.startswith(("镇", "乡", "街道")):
            return False  # 各乡 + 镇（街道）: one collective
        return self._ends_like_a_name(name)

    def _ends_like_a_name(self, name: str) -> bool:
        if name in self.known:
            return True
        if len(name) < MIN_NAME:
            # 各镇, 各乡: a collective may be two characters; 政局 (of 民政局) is not a name.
            return len(name) == 2 and name.startswith("各") and name.endswith(NAME_ENDINGS)
        if name.endswith(NAME_ENDINGS):
            return True
        # 经开区, 高新园 — but 推进核心区 is the next text: an office's name does not open with a verb.
        return name.endswith(WEAK_ENDINGS) and len(name) <= WEAK_NAME_MAX and not name.startswith(VERB_OPENINGS)

    @staticmethod
    def _base(name: str) -> str:
        """A name without the bracket that closes it: 高新园(邹区镇) → 高新园."""
        cut = min((name.find(char) for char in OPENING if char in name), default=len(name))
        return name[:cut]

    def units_at(self, position: int, stop) -> tuple[list[str], int]:
        """Unit names glued one after another from `position`, up to where none follows (or `stop`)."""
        names = []
        while position < len(self.body) and not stop(position):
            end = self.name_at(position)
            if end is None:
                break
            names.append(self.body[position:end])
            position = end
        return names, position

    def tail_at(self, position: int, stop) -> tuple[str, list[str], int] | None:
        """(leader, units, end) for the cells after a row's content, or None when none can be read there.

        A leader is 2 or 3 characters; the reading whose units the document also prints
        elsewhere wins, then the 3-character name (the commoner length)."""
        readings = []
        for length in (3, 2) if self.has_leader else (0,):
            leader = self.body[position : position + length]
            if length and (not PERSON.match(leader) or leader.startswith(VERB_OPENINGS)):
                continue
            units, end = self.units_at(position + length, stop)
            # The lead is an office (局, 委, 街道 …): a first name ending only weakly (社区, 园区)
            # is the start of the next text unless the document prints it elsewhere too.
            if units and (self._base(units[0]).endswith(NAME_ENDINGS) or units[0] in self.known):
                readings.append((sum(name in self.known for name in units), length, leader, units, end))
        if not readings:
            return None
        _known, _length, leader, units, end = max(readings, key=lambda reading: reading[:2])
        return leader, units, end

    # -- rows -------------------------------------------------------------------------------

    def rows(self) -> tuple[list[RunRow], str]:
        """(rows read, the text left over at the end: a last row cut off before its units)."""
        rows: list[RunRow] = []
        position, expected = 0, 1
        body = self.body

        def next_number_at(at):
            number = str(expected)
            return body.startswith(number, at) and not body[at + len(number) : at + len(number) + 1].isdigit()

        if not next_number_at(0):
            raise SourceError(0, CANNOT_SPLIT)
        while position < len(body):
            row = RunRow(position=position)
            if next_number_at(position):
                row.number = str(expected)
                position += len(row.number)
                expected += 1
            elif not rows:
                raise SourceError(0, CANNOT_SPLIT)
            ends = self.content_end(position, next_number_at)
            if ends is None:
                return rows, body[row.position :]
            content_end, tail = ends
            row.content = body[position:content_end]
            if self._swallows_a_row(row, str(expected)):
                raise SourceError(0, CANNOT_SPLIT)
            if tail:
                row.leader, row.units, position = tail
            else:
                position = content_end
            rows.append(row)
        return rows, ""

    @staticmethod
    def _swallows_a_row(row: RunRow, expected: str) -> bool:
        """Whether a content read holds what looks like the next row (its 序号 glued after text and
        followed by a label's worth of text, not by a measure word as in 卫生院3家) or a sub-row starts with a number: units the reader
        did not recognise let one cell run into the next row. Better refused than silently merged."""
        if not row.number and row.content[:1].isdigit():
            return True
        glued = rf"[\u4e00-\u9fff{CLOSING}]{expected}(?![\d.．{MEASURES}])[\u4e00-\u9fff]{{{LABEL_MIN}}}"
        return bool(re.search(glued, row.content))

    def content_end(self, start: int, next_number_at):
        """(end of the content, (leader, units, end) or None) for a content starting at `start`:
        the first "。" after which a leader and units follow, or the next 序号, or the end."""
        body = self.body
        at = body.find("。", start)
        while at != -1:
            after = at + 1
            tail = self.tail_at(after, next_number_at)
            if tail is not None:
                return after, tail
            if after == len(body) or next_number_at(after):
                return after, None  # a row of text only: its other cells were merged from above
            at = body.find("。", after)
        return None


def _split_label(text: str) -> tuple[str, str, bool]:
    """(label, content, guessed) for a 项目名称 glued before its 主要内容."""
    first_clause = re.split(r"[、，,；;。：:]", text, maxsplit=1)[0]
    for cut in range(LABEL_MIN, min(LABEL_MAX, len(first_clause) - 1) + 1):
        if text.startswith(CONTENT_OPENINGS, cut):
            return text[:cut], text[cut:], True
    return "", text, False


def _known_names(reader: RunReader) -> set:
    """Unit names the reading finds in two rows or more: a second reading prefers them."""
    try:
        rows, _rest = reader.rows()
    except SourceError:
        return set()
    counts = Counter(name for row in rows for name in dict.fromkeys(row.units))
    return {name for name, count in counts.items() if count >= 2}


def run_together_grid(lines: list[tuple[int, str]]) -> tuple[Grid | None, list[Anomaly]]:
    """(Grid, anomalies) for a table whose cells a web page ran together, (None, []) when there is
    none; SourceError (CANNOT_SPLIT) when there is one but its anchors do not give a reading."""
    lines = [(line, text.strip()) for line, text in lines if text.strip()]
    # Line breaks in such text are page breaks of the viewer, inside a cell or a name: not separators.
    text = "".join(part for _line, part in lines)
    line_of = [line for line, part in lines for _char in part]
    # The header is glued within one line: a header broken one cell per line is flat_tables.py's.
    header, offset = None, 0
    for _line, part in lines:
        header = find_glued_header(part)
        if header is not None:
            header = Header(
                cells=header.cells, roles=header.roles, start=offset + header.start, end=offset + header.end
            )
            break
        offset += len(part)
    if header is None:
        return None, []
    first_line = line_of[header.start]

    def at_line(position):
        return line_of[min(position, len(line_of) - 1)]

    anomalies = [
        Anomaly(
            first_line,
            "table-run-together",
            "任务表各格的文字连在一起、没有分隔符：已按表头、序号、句号“。”、分管领导和单位名称的结尾重建各行，"
            "请对照原件核对。",
        )
    ]
    roles = header.roles
    text_at = min(
        (index for index, role in enumerate(roles) if role == "text"), key=lambda i: (text_rank(header.cells[i]), i)
    )
    labels = [index for index, role in enumerate(roles) if role == "text" and index != text_at]
    after = roles[text_at + 1 :]
    supported = (
        roles[0] == "number"
        and all(index < text_at for index in labels)
        and len(labels) <= 1
        and after
        and set(after) <= {"leader", "lead", "responsible"}
        and after.count("leader") <= 1
        and (after[0] == "leader" or "leader" not in after)
    )
    if not supported:
        raise SourceError(first_line, CANNOT_SPLIT)
    # The body, the header printed again on later pages cut out (and reported).
    body_chars, body_lines = [], []
    position = header.end
    while position < len(text):
        if text.startswith(header.text, position):
            anomalies.append(Anomaly(at_line(position), "header-repeated", "表头在新的一页重复出现，已跳过。"))
            position += len(header.text)
            continue
        body_chars.append(text[position])
        body_lines.append(line_of[position])
        position += 1
    body = "".join(body_chars)
    has_leader = "leader" in after
    first_pass = RunReader(body, has_leader=has_leader, known=set())
    reader = RunReader(body, has_leader=has_leader, known=_known_names(first_pass))
    rows, rest = reader.rows()
    if not rows:
        raise SourceError(first_line, CANNOT_SPLIT)

    def body_line(position):
        return body_lines[min(position, len(body_lines) - 1)]

    if rest:
        anomalies.append(
            Anomaly(
                body_line(len(body) - len(rest)),
                "row-cut-off",
                f"最后一行“{rest[:30]}”没有以句号结束、后面没有单位，文件可能在此截断，未导入。",
            )
        )
    grid_rows = [(first_line, list(header.cells))]
    unit_columns = [index for index, role in enumerate(roles) if role in {"lead", "responsible"}]
    for row in rows:
        line = body_line(row.position)
        content = row.content
        if labels and row.number:
            label, content, guessed = _split_label(content)
            if guessed:
                anomalies.append(
                    Anomaly(
                        line,
                        "label-guessed",
                        f"序号{row.number}的{header.cells[labels[0]]}与{header.cells[text_at]}连在一起，推断分界为"
                        f"“{label}”｜“{content[:12]}…”，请核对。",
                    )
                )
            else:
                anomalies.append(
                    Anomaly(
                        line,
                        "label-not-found",
                        f"序号{row.number}的{header.cells[labels[0]]}与{header.cells[text_at]}连在一起、找不到分界，"
                        f"整段作为{header.cells[text_at]}，请核对。",
                    )
                )
            row.label = label
        cells = [""] * len(roles)
        cells[0] = row.number
        if labels:
            cells[labels[0]] = row.label
        cells[text_at] = content
        if has_leader:
            cells[roles.index("leader")] = row.leader
        if row.units:
            # Nothing shows where the 牵头 cell ends and the 配合 cell begins: the first name leads.
            cells[unit_columns[0]] = row.units[0]
            if len(unit_columns) > 1:
                cells[unit_columns[1]] = "、".join(row.units[1:])
            else:
                cells[unit_columns[0]] = "、".join(row.units)
            if len(unit_columns) > 1 and len(row.units) > 1:
                anomalies.append(
                    Anomaly(
                        line,
                        "units-run-together",
                        f"单位名称连写、没有分隔符：“{''.join(row.units)}”，推断拆分为“{'”“'.join(row.units)}”，"
                        f"第一个（{row.units[0]}）登记为{header.cells[unit_columns[0]]}，其余为"
                        f"{header.cells[unit_columns[1]]}，请核对。",
                    )
                )
        grid_rows.append((line, cells))
    paragraphs = [(line_of[0], text[: header.start])] if header.start else []
    return Grid(paragraphs=paragraphs, rows=grid_rows, text="\n".join(part for _line, part in lines)), anomalies
