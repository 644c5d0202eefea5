"""Tell what kind of document a file holds before reading tasks from it.

Pure. Only an assignment (任务分工 / 责任分解) gives tasks. A progress table
(完成情况表), a bulletin (通报) and a standing-meeting record (常务会议) look alike at a
glance — numbered paragraphs, units, counts — so each is recognised by what the
document says about itself (its title and opening lines, or a table's header), and a
refusal says what the file is and why it is not an assignment.

Traditional characters are read as simplified for matching (序號 → 序号); the text is
always kept as printed.
"""

import re
from dataclasses import dataclass

# Traditional forms of the characters the matching words use; enough to recognise a
# Hong Kong / Taiwan style printing of the same headers and phrases.
TRADITIONAL = str.maketrans(
    "號務責單領導門會議項報況進辦區縣發關於與後時節點內標監協參貳壹條實際開屬級經濟計劃統數據紀錄稱總達決議讓為圍",
    "号务责单领导门会议项报况进办区县发关于与后时节点内标监协参贰壹条实际开属级经济计划统数据纪录称总达决议让为围",
)

ASSIGNMENT = "assignment"
PROGRESS_TABLE = "progress-table"
BULLETIN = "bulletin"
MEETING_RECORD = "meeting-record"
UNKNOWN = "unknown"

HEAD_LINES = 12  # a document says what it is in its first lines (title, 文号, opening sentence)
MEETING = re.compile(r"第\s*[\d一二三四五六七八九十百]+\s*次常务会议(?:召开|纪要)|主持召开.{0,30}常务会议|常务会议纪要")
BULLETIN_TITLE = re.compile(r"(?:的|情况)通报\s*$|通报如下|督办通报|督查通报|^关于.*通报")
PROGRESS_TITLE = re.compile(r"(?:完成|进展|推进|落实)情况(?:表|汇总表|统计表)|进度表")
PROGRESS_COLUMN = re.compile(r"完成情况|进展情况|推进情况|落实情况|工作进展|完成进度|完成率")
ASSIGNMENT_WORDS = re.compile(r"分工|分解|任务|牵头单位|责任单位|责任分工")
UNIT_LINE = re.compile(r"(?:牵头|责任|配合|协办|监考)(?:单位|部门)\s*[:：]")


@dataclass(frozen=True)
class Kind:
    kind: str
    why: str  # for a refusal: what the file is, in the clerk's words


def simplified(text: str) -> str:
    """`text` with the traditional characters the importers match on read as simplified."""
    return text.translate(TRADITIONAL)


def head_of(lines: list[str]) -> list[str]:
    return [simplified(line.strip()) for line in lines if line.strip()][:HEAD_LINES]


def document_kind(lines: list[str], headers: list[str] | tuple = ()) -> Kind:
    """The Kind of a document from its lines (paragraphs, in order) and its tables' header cells."""
    head = head_of(lines)
    for line in head:
        if match := MEETING.search(line):
            return Kind(MEETING_RECORD, f"这是一份常务会议纪要（“{match[0]}”），不是任务分工。")
    for line in head:
        if BULLETIN_TITLE.search(line):
            return Kind(
                BULLETIN,
                f"这是一份通报（“{line[:40]}”）：它通报已确定事项的完成情况，没有交办任务和责任单位，"
                "不是任务分工，因此不导入任务。",
            )
    header_text = simplified(" ".join(headers))
    for line in head:
        if PROGRESS_TITLE.search(line):
            return Kind(PROGRESS_TABLE, f"这是一份完成情况表（“{line[:40]}”）：它报告进展，不是任务分工。")
    if headers and (match := PROGRESS_COLUMN.search(header_text)):
        # Its tasks and units are the assignment's, repeated beside what was done: importing it
        # would make every reported task a new one.
        return Kind(
            PROGRESS_TABLE,
            f"这是一份完成情况表（表头有“{match[0]}”列）：它报告已交办任务的进展，不是任务分工。"
            "进展请由各单位在系统中填报。",
        )
    body = simplified("\n".join(lines))
    if ASSIGNMENT_WORDS.search(body) or ASSIGNMENT_WORDS.search(header_text) or UNIT_LINE.search(body):
        return Kind(ASSIGNMENT, "")
    return Kind(
        UNKNOWN,
        "文件中没有可识别的文件：既不是任务分工（没有“牵头单位/责任单位”），也不是常务会议纪要或通报。",
    )
