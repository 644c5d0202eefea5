"""The facts of a notice — 文号, title, issuer, date — found by what they look like, not where one county puts them.

Pure. A 文号 ("鞍立政发〔2023〕2号") may stand alone or share its line with the date or
the title; the date is the signature date standing on its own line ("2023年3月28日"),
else any full date near the top; the title is the line that says what is issued
("…关于印发《…》的通知"), else the line that names the split itself ("…责任分解",
"…分工方案", "…分解表"). What the file lacks the administrator gives (`DocumentFacts`,
from `--number/--title/--date` or the upload page); a given value always wins.
"""

import datetime
import re

from .kinds import simplified
from .report import SourceError

DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号")
FULL_DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
DATE_ALONE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
NOTICE_TITLE = re.compile(r"关于.{2,80}的(?:通知|决定|意见)$")
SPLIT_TITLE = re.compile(r"(?:分工|分解|任务|方案|清单)(?:表|方案|安排)?$")
ATTACHMENT_LINE = re.compile(r"^附件\s*\d*[:：]?$")
LISTED = re.compile(r"^(?:附件|附)|^\d+[.、．]")
YEAR = re.compile(r"(\d{4})\s*年")
BLANKS = re.compile(r"\s+")
HEAD_LINES = 40


def _date(match):
    try:
        return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as error:
        raise SourceError(0, f"成文日期无效：“{match[0]}”（invalid date）。") from error


def find_number(lines: list[tuple[int, str]]) -> str:
    for _line, text in lines[:HEAD_LINES]:
        if match := DOCUMENT_NUMBER.search(text):
            return BLANKS.sub("", match[0])
    return ""


def find_title(lines: list[tuple[int, str]]) -> str:
    """The notice's title, blanks a line break left removed; else the split's own title."""
    head = [(line, BLANKS.sub("", text)) for line, text in lines[:HEAD_LINES] if text.strip()]
    for _line, text in head:
        bare = DOCUMENT_NUMBER.sub("", text)
        if NOTICE_TITLE.search(bare) and len(bare) < 120:
            return bare
    candidates = [
        (index, text)
        for index, (_line, text) in enumerate(head)
        if SPLIT_TITLE.search(simplified(text)) and len(text) < 60 and not LISTED.match(text)
    ]
    # The split printed after its "附件1" line is the document; the list of attachments above it is not.
    attachment = next((index for index, (_line, text) in enumerate(head) if ATTACHMENT_LINE.match(text)), -1)
    after = [text for index, text in candidates if index > attachment]
    return (after or [text for _index, text in candidates] or [""])[0]


def find_date(lines: list[tuple[int, str]]) -> datetime.date | None:
    """The signature date (a date alone on its line), else the first full date in the head."""
    head = lines[:HEAD_LINES]
    for _line, text in head:
        if DATE_ALONE.match(text):
            return _date(FULL_DATE.search(text))
    for _line, text in head:
        if DOCUMENT_NUMBER.search(text) and (match := FULL_DATE.search(text)):
            return _date(match)
    return None


def notice_facts(lines: list[tuple[int, str]], given) -> tuple[str, str, str, datetime.date, int]:
    """(number, title, issuer, issued_on, year) for (line, text) pairs; SourceError when title or date is missing."""
    number = given.number.strip() or find_number(lines)
    title = given.title.strip() or find_title(lines)
    issued_on = given.issued_on or find_date(lines)
    missing = [what for what, value in (("标题", title), ("成文日期", issued_on)) if not value]
    if missing:
        raise SourceError(
            0,
            f"文件中找不到通知的{'、'.join(missing)}：请在上传页填写，或在命令行用--title、--date给出"
            "（the file does not give the notice's title or date）。",
        )
    issuer, sep, _ = title.partition("关于")
    year_match = YEAR.search(title)
    year = int(year_match[1]) if year_match else issued_on.year
    return number, title, issuer if sep else "", issued_on, year
