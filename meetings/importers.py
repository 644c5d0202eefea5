"""Read a standing-meeting record (常务会议) and load it.

`parse_meeting` is pure: the headline gives body and number, the next line the chair,
the first paragraph date, part of day and the chair's title; every later paragraph is
one or more agenda items. Dates later than the meeting ("确保9月10日……") are orders,
tracked as tasks; dates before it are narrative and reported as such.
"""

import datetime
import re
from dataclasses import dataclass, field

from commendations.models import Enterprise, EnterpriseAlias
from tasks.importers.report import Anomaly, SourceError
from tasks.models import Document, Task

from .models import AgendaItem, EnterpriseMention, Meeting, MeetingOrder

CHAIR_LINE = re.compile(r"^\s*(?P<name>\S{2,4})主持\s*$")
OPENING = re.compile(r"^\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<part>上午|下午|晚上)?")
# What a meeting does with a matter, in the words the records use.
ACTIONS = [
    ("study", re.compile(r"会议(?:还)?(?:深入)?传达学习(?:了)?(?P<subject>.+?)。")),
    ("report", re.compile(r"(?:会议)?(?:还)?听取了(?P<subject>[^，。]+?汇报)")),
    ("approve", re.compile(r"(?:会议)?原则通过(?:了)?(?P<subject>《[^》]+》)")),
    ("research", re.compile(r"(?:会议)?(?:并)?研究了(?P<subject>其他事项|[^，。]+)")),
]
DATE = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?P<before>前)?")
ORDER_END = re.compile(r"[，。；](?=\s*\d{1,2}月\d{1,2}日)|[。；]")


@dataclass
class OrderData:
    due: datetime.date
    due_text: str
    text: str
    line: int


@dataclass
class ItemData:
    kind: str
    subject: str
    text: str
    line: int
    orders: list = field(default_factory=list)


@dataclass
class MeetingData:
    body: str
    number: int
    title: str
    held_on: datetime.date
    part_of_day: str
    chair: str
    chair_title: str
    first_line: int
    text: str
    items: list = field(default_factory=list)


def is_meeting_record(block):
    return block.kind == "meeting_record"


def parse_meeting(block):
    """Return (MeetingData, anomalies)."""
    anomalies = []
    header = block.header
    # A record opening with its news-style sentence has no headline line: that sentence is the opening.
    opens = header.get("opens_the_record", False)
    lines = [(number, text) for number, text in block.lines[0 if opens else 1 :] if text.strip()]
    chair = header.get("chair", "")
    opening_index = None
    for index, (number, text) in enumerate(lines):
        if OPENING.match(text):
            opening_index = index
            break
        if (match := CHAIR_LINE.match(text)) and not chair:
            chair = match["name"]
        else:
            anomalies.append(Anomaly(number, "noise-line", f"与会议无关的文字（网页残留），已忽略：“{text.strip()}”"))
    if opening_index is None:
        raise SourceError(block.first_line, "会议纪要缺少“××××年×月×日”开头的导语段。")
    opening_line, opening = lines[opening_index]
    match = OPENING.match(opening)
    try:
        held_on = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as error:
        raise SourceError(opening_line, "会议日期无效（invalid date）。") from error
    if not chair:
        raise SourceError(block.first_line, "会议纪要没有写明主持人（“×××主持”）。")
    title_match = re.search(rf"(?:^|。)(?P<title>[^。]*?){re.escape(chair)}主持会议", opening)
    if opens:
        title_match = {"title": header["chair_title"]}
    elif title_match is None:
        anomalies.append(Anomaly(opening_line, "chair-mismatch", f"导语段中找不到“{chair}主持会议”，职务未能读出。"))
    meeting = MeetingData(
        body=header["body"], number=header["number"], title=header["headline"].removesuffix("召开"),
        held_on=held_on, part_of_day=match["part"] or "", chair=chair,
        chair_title=title_match["title"].strip("，、 ") if title_match else "",
        first_line=block.first_line, text=block.text,
    )  # fmt: skip
    if opens:
        meeting.items = _numbered_items(lines[opening_index + 1 :], held_on, anomalies)
        return meeting, anomalies
    # The opening paragraph summarises the meeting; the reports it heard are told nowhere else.
    meeting.items += [item for item in _items_of(opening, opening_line, held_on, anomalies) if item.kind == "report"]
    for number, paragraph in lines[opening_index + 1 :]:
        items = _items_of(paragraph, number, held_on, anomalies)
        if not items:
            anomalies.append(
                Anomaly(number, "unrecognised-paragraph", "段落中没有识别出议题（传达学习/听取/通过/研究）。")
            )
        meeting.items.extend(items)
    return meeting, anomalies


NUMBERED_ITEM = re.compile(r"(?:^|\s)(?P<numeral>[一二三四五六七八九十]+)、")
ITEM_HEADING = re.compile(r"^(?:会议)?(?:讨论|研究|审议|听取)(?:了|通过了)?(?P<subject>.+)$")
APPROVED = re.compile(r"(?:原则同意|原则通过|审议通过|讨论通过)(?:了)?(?P<subject>《[^》]+》)?")


def _numbered_items(lines, held_on, anomalies):
    """Items of a record that numbers them (一、会议讨论了… / 三、略): one item per numeral, even
    when a heading follows the previous item's last sentence on the same line."""
    pieces = []
    for number, text in lines:
        cuts = [match.start("numeral") for match in NUMBERED_ITEM.finditer(text)]
        starts = [0, *[cut for cut in cuts if cut > 0]]
        for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
            pieces.append((number, text[start:end].strip()))
    items = []
    for number, text in pieces:
        match = NUMBERED_ITEM.match(text)
        if match and match.start("numeral") == 0:
            heading = text[match.end() :].strip()
            withheld = heading.rstrip("。") == "略"
            if withheld:
                anomalies.append(Anomaly(number, "item-withheld", f"议题“{match['numeral']}、略”未公开，只记录编号。"))
            subject = "略" if withheld else ((found := ITEM_HEADING.match(heading)) and found["subject"] or heading)
            items.append(ItemData(kind="research", subject=subject, text=text, line=number))
        elif items:
            items[-1].text += "\n" + text
        else:
            anomalies.append(Anomaly(number, "unrecognised-paragraph", "议题编号之前的段落，已忽略。"))
    for item in items:
        if approved := APPROVED.search(item.text):
            item.kind = "approve"
            item.subject = approved["subject"] or item.subject
        item.orders = _orders_in(item.text, item.line, held_on, anomalies)
    return items


def _items_of(paragraph, line, held_on, anomalies):
    found = sorted(
        (match.start(), kind, match["subject"].strip())
        for kind, pattern in ACTIONS
        for match in pattern.finditer(paragraph)
    )
    items = []
    for position, (start, kind, subject) in enumerate(found):
        end = found[position + 1][0] if position + 1 < len(found) else len(paragraph)
        # The first item of a paragraph owns its whole text: what follows 会议传达学习了…
        # is the meeting's instruction on it, orders included.
        text = paragraph if position == 0 else paragraph[start:end]
        items.append(ItemData(kind=kind, subject=subject, text=text, line=line))
    if items:
        items[0].orders = _orders_in(paragraph, line, held_on, anomalies)
    return items


def _orders_in(paragraph, line, held_on, anomalies):
    orders = []
    for match in DATE.finditer(paragraph):
        try:
            due = datetime.date(held_on.year, int(match["m"]), int(match["d"]))
        except ValueError:
            anomalies.append(Anomaly(line, "invalid-date", f"无效日期“{match[0]}”，未作为交办事项。"))
            continue
        if due <= held_on:
            anomalies.append(Anomaly(line, "date-not-an-order", f"“{match[0]}”早于会议日期，视为叙述而非交办事项。"))
            continue
        rest = paragraph[match.end() :]
        end = ORDER_END.search(rest)
        text = rest[: end.start() if end else len(rest)].strip("，、 ")
        orders.append(OrderData(due=due, due_text=match[0], text=text, line=line))
    return orders


def load_meeting(data, changes, *, source_file, sha256):
    """Write one meeting with its agenda items, approvals, mentions and orders.

    Returns (Document, anomalies): an approved document we do not hold is reported.
    """
    document = changes.upsert(
        Document,
        {"title": data.title, "issued_on": data.held_on},
        {
            "kind": Document.Kind.MEETING_RECORD, "number": "", "issuer": data.body,
            "source_file": source_file, "source_sha256": sha256,
            "first_line": data.first_line, "text": data.text,
        },
    )  # fmt: skip
    meeting = changes.upsert(
        Meeting,
        {"body": data.body, "number": data.number},
        {
            "document": document, "held_on": data.held_on, "part_of_day": data.part_of_day,
            "chair": data.chair, "chair_title": data.chair_title,
        },
    )  # fmt: skip
    enterprise_names = _enterprise_names()
    kept_items, kept_tasks, anomalies = [], [], []
    order_number = 0
    for position, item_data in enumerate(data.items, start=1):
        approved = None
        if item_data.kind == AgendaItem.Kind.APPROVE:
            approved = Document.objects.filter(title=item_data.subject.strip("《》")).first()
            if approved is None:
                anomalies.append(
                    Anomaly(
                        item_data.line,
                        "approved-document-not-held",
                        f"会议通过的{item_data.subject}不在导入的文件中，仅记录标题。",
                    )
                )
        item = changes.upsert(
            AgendaItem,
            {"meeting": meeting, "position": position},
            {
                "kind": item_data.kind, "subject": item_data.subject, "text": item_data.text,
                "source_line": item_data.line, "approved_document": approved,
            },
        )  # fmt: skip
        kept_items.append(item.pk)
        mentioned = {}
        for name, enterprise in enterprise_names:
            if name in item_data.text and enterprise.pk not in mentioned:
                mentioned[enterprise.pk] = changes.upsert(
                    EnterpriseMention, {"agenda_item": item, "enterprise": enterprise}, {"name_as_written": name}
                ).pk
        changes.delete(item.mentions.exclude(pk__in=mentioned.values()))
        for order in item_data.orders:
            order_number += 1
            # No units here: the record names none, and the office assigns them (kept on re-import).
            task = changes.upsert(
                Task,
                {"document": document, "number": order_number},
                {
                    "source": Task.Source.MEETING, "section": None, "subsection": None, "text": order.text,
                    "deadline": order.due, "is_livelihood": False, "source_line": order.line,
                    "source_text": item_data.text,
                },
            )  # fmt: skip
            changes.upsert(
                MeetingOrder, {"task": task}, {"meeting": meeting, "agenda_item": item, "due_text": order.due_text}
            )
            kept_tasks.append(task.pk)
    changes.delete(MeetingOrder.objects.filter(meeting=meeting).exclude(task__in=kept_tasks))
    changes.delete(Task.objects.filter(document=document).exclude(pk__in=kept_tasks))
    changes.delete(meeting.agenda_items.exclude(pk__in=kept_items))
    return document, anomalies


def _enterprise_names():
    """(name, Enterprise) pairs, longest first, for finding mentions in meeting texts."""
    pairs = [(enterprise.name, enterprise) for enterprise in Enterprise.objects.all()]
    pairs += [(alias.name, alias.enterprise) for alias in EnterpriseAlias.objects.select_related("enterprise")]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)
