"""Split a text extraction into the documents it holds, and read Word-table rows.

Pure functions: text in, plain data out. Line numbers are 1-based, as an editor shows them.

A file such as changjiang-2021.txt holds several documents one after another:
- official documents, recognised by their 文号 line ("昌府字〔2021〕22号     2021年 7月8日")
  with the title on the lines just above it;
- standing-meeting records, recognised by their headline ("区政府第99次常务会议召开").
"""

import re
from dataclasses import dataclass, field

from .report import Anomaly, SourceError

NUMBER_LINE = re.compile(
    r"^\s*(?P<number>\S+〔\d{4}〕\d+号)\s+(?P<y>\d{4})年\s*(?P<m>\d{1,2})月\s*(?P<d>\d{1,2})日\s*$"
)
MEETING_HEADLINE = re.compile(r"^\s*(?P<body>\S*?政府)第(?P<number>\d+)次常务会议召开\s*$")
# A record that opens with its news-style sentence instead of a headline: "2017年1月10日上午,在区机关
# 815会议室,区长董彩凤主持召开区政府2017年度第1次常务会议,现纪要如下:". Numbering may be per year.
MEETING_OPENING = re.compile(
    r"^\s*\d{4}年\d{1,2}月\d{1,2}日.{0,40}?[,，、](?P<chair_title>[^,，、]{0,8}?长)?(?P<chair>[\u4e00-\u9fff]{2,3})"
    r"主持召开(?P<body>\S{0,10}?政府)(?:(?P<year>\d{4})年度?)?第(?P<number>\d+)次常务会议"
)


@dataclass
class Block:
    """One document's lines, with what its header told us."""

    kind: str  # "official" or "meeting_record"; official ones are told apart by their parsers
    first_line: int
    lines: list  # (line number, text) pairs, the header included
    header: dict = field(default_factory=dict)

    @property
    def text(self):
        return "\n".join(text for _, text in self.lines)


def numbered(text):
    """(line number, line) pairs for a text, line endings normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    return list(enumerate(text.split("\n"), start=1))


def split_documents(text):
    """Return (blocks, anomalies). Raises SourceError when the text holds no known document."""
    lines = numbered(text)
    starts = []  # (index into lines, kind, header)
    for index, (_, line) in enumerate(lines):
        if match := NUMBER_LINE.match(line):
            first = index
            while first > 0 and lines[first - 1][1].strip() and not lines[first - 1][1].startswith("\t"):
                first -= 1
            if first == index:
                raise SourceError(lines[index][0], "文号行上方没有文件标题（document number without a title）。")
            title_lines = [text.strip() for _, text in lines[first:index]]
            header = {
                "number": match["number"],
                "date": (int(match["y"]), int(match["m"]), int(match["d"])),
                "title_lines": title_lines,
            }
            starts.append((first, "official", header))
        elif match := MEETING_HEADLINE.match(line):
            header = {"body": match["body"], "number": int(match["number"]), "headline": line.strip()}
            starts.append((index, "meeting_record", header))
        elif match := MEETING_OPENING.match(line):
            # Numbered per year, the meeting is known by body and year: 区政府2017年度 + 第1次.
            body = match["body"] + (f"{match['year']}年度" if match["year"] else "")
            header = {
                "body": body, "number": int(match["number"]), "headline": f"{body}第{match['number']}次常务会议",
                "chair": match["chair"], "chair_title": match["chair_title"] or "", "opens_the_record": True,
            }  # fmt: skip
            starts.append((index, "meeting_record", header))
    if not starts:
        raise SourceError(
            0,
            "文件中没有可识别的文件：既没有文号行（如“昌府办字〔2021〕20号 2021年7月1日”），"
            "也没有常务会议标题（如“区政府第99次常务会议召开”）。This is not a responsibility split, "
            "commendation decision or standing-meeting record.",
        )
    anomalies = [
        Anomaly(number, "noise-line", f"文件开头、不属于任何文件的文字，已忽略：“{text.strip()}”")
        for number, text in lines[: starts[0][0]]
        if text.strip()
    ]
    blocks = []
    for position, (start, kind, header) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        block_lines = lines[start:end]
        while block_lines and not block_lines[-1][1].strip():
            block_lines.pop()
        blocks.append(Block(kind=kind, first_line=lines[start][0], lines=block_lines, header=header))
    return blocks, anomalies


@dataclass
class Cell:
    line: int
    parts: list  # (line number, text) — a cell may run over several lines

    @property
    def text(self):
        return "".join(text.strip() for _, text in self.parts)


@dataclass
class Row:
    line: int
    cells: list


def read_rows(lines):
    """Read Word-table rows from (line number, text) pairs.

    A line that starts with a TAB starts a cell; a line without one continues the cell
    above; blank lines end a row. Several TABs in a row leave empty cells, which are
    reported and dropped. Returns (rows, anomalies).
    """
    rows, anomalies = [], []
    cells = []
    for number, text in [*lines, (None, "")]:
        if not text.strip():
            if cells:
                rows.append(Row(line=cells[0].line, cells=cells))
                cells = []
            continue
        if text.startswith("\t"):
            content = text.lstrip("\t")
            empty = len(text) - len(content) - 1
            if empty:
                anomalies.append(
                    Anomaly(number, "stray-empty-cell", f"多余的空单元格（stray empty cell）{empty}个，已忽略。")
                )
            cells.append(Cell(line=number, parts=[(number, content)]))
        elif cells:
            cells[-1].parts.append((number, text))
        else:
            anomalies.append(
                Anomaly(number, "cell-without-tab", "表格行不以制表符开头（row without a TAB），按新单元格读取。")
            )
            cells.append(Cell(line=number, parts=[(number, text)]))
    return rows, anomalies


CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text):
    """一 → 1, 十 → 10, 十二 → 12, 二十九 → 29; arabic digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        if len(text) != 1 or text not in CHINESE_DIGITS:
            raise ValueError(text)
        return CHINESE_DIGITS[text]
    tens, _, units = text.partition("十")
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
