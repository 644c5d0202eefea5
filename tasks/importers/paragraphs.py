"""Read a notice written as numbered paragraphs with unit lines, the layout most notices of the 2020s use.

Pure: (line, text) pairs in, a NoticeData and anomalies out.

    一、王纲市长主抓重点工作                      ← a section; here it names the leader
    1.坚定不移支持企业发展。……                    ← an item: its text runs until…
    牵头单位:区发改局                            ← …its unit lines (牵头/责任/配合单位:)
    责任单位:市经信局、市财政局(列第一位者为牵头单位,下同)

What makes a paragraph a task is not its numbering but the unit lines that follow it:
a numbered line followed by unit lines is a task, a numbered line followed by another
numbered line is a heading. So 1. / 1、/ (一) / （一）/ 一、/ ① all work, as do items with
no number under a heading, and numbering that restarts in each section (the task's
identity is section + number; `TaskData.number` is its place in the document and the
printed number is kept in `numbering`). Unit lists may also close the item's own line:
"…。（牵头单位：区发改局；责任单位：区财政局）".

The lead: a 牵头单位 line names it; without one, the first unit listed leads — the rule
a note may state ("列第一位者为牵头单位") and that such notices follow when they state
none. Which rule was applied is reported once.
"""

import re

from .columns import read_deadline
from .kinds import simplified
from .notice import LIVELIHOOD, NoticeData, SectionData, SubsectionData, TaskData, deadline_in_text
from .report import Anomaly, SourceError
from .segments import chinese_number
from .unit_lists import parse_unit_list
from .unit_names import UnitName

CN = "一二三四五六七八九十"
NUMBERED = re.compile(
    rf"^\s*(?P<label>(?P<arabic>\d{{1,3}})\s*[.、．](?!\d)|[（(]\s*(?P<paren_cn>[{CN}]+)\s*[)）]|"
    rf"[（(]\s*(?P<paren_arabic>\d{{1,3}})\s*[)）]|(?P<cn>[{CN}]+)\s*[、.．]|(?P<circled>[①-⑳]))\s*(?P<rest>.*)$"
)
UNIT_LABEL = re.compile(
    r"^\s*[（(]?\s*(?P<label>牵头(?:单位|部门)|责任(?:单位|部门)|配合(?:单位|部门)|协办单位|参与单位|监考单位)\s*[:：]\s*(?P<names>.*)$"
)
LEADER_LABEL = re.compile(
    r"^\s*[（(]?\s*(?:责任领导|牵头领导|分管领导|联系领导|区领导|县领导|市领导)\s*[:：]\s*(?P<name>.*?)[)）]?\s*$"
)
DEADLINE_LABEL = re.compile(r"^\s*[（(]?\s*(?:完成时限|完成时间|时间节点|时限要求)\s*[:：]\s*(?P<text>.*?)[)）]?\s*$")
# Unit lists closing the item's own paragraph: "…。（牵头单位：区发改局；责任单位：区财政局）"
INLINE_UNITS = re.compile(
    r"[（(](?P<body>(?:牵头|责任|配合)(?:单位|部门)\s*[:：][^（）()]*(?:[（(][^（）()]*[)）][^（）()]*)*)[)）]\s*$"
)
INLINE_PART = re.compile(
    r"(?P<label>牵头(?:单位|部门)|责任(?:单位|部门)|配合(?:单位|部门))\s*[:：]\s*(?P<names>[^;；]*)"
)
# 一、王纲市长主抓重点工作 / 二、宋晖常务副县长牵头重点工作: a section grouped by leader.
LEADER_SECTION = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,3}?)(?P<title>(?:常务)?(?:副)?(?:市|县|区|镇|州|省)长|书记|主任|秘书长|助理)"
    r"(?:牵头|主抓|分管|负责|联系)"
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
LEAD_WORDS = ("牵头",)


def numbering_of(text: str) -> tuple[str, int, str, str] | None:
    """(style, number, label, rest) of a numbered line, or None. Styles tell levels apart."""
    match = NUMBERED.match(text)
    if not match:
        return None
    if match["arabic"]:
        return "1.", int(match["arabic"]), match["label"].strip(), match["rest"]
    if match["paren_cn"]:
        return "(一)", chinese_number(match["paren_cn"]), match["label"].strip(), match["rest"]
    if match["paren_arabic"]:
        return "(1)", int(match["paren_arabic"]), match["label"].strip(), match["rest"]
    if match["cn"]:
        try:
            return "一、", chinese_number(match["cn"]), match["label"].strip(), match["rest"]
        except (KeyError, ValueError):
            return None
    return "①", CIRCLED.index(match["circled"]) + 1, match["label"], match["rest"]


def unit_label(text: str) -> tuple[str, str] | None:
    match = UNIT_LABEL.match(simplified(text))
    if not match:
        return None
    names = text[match.start("names") :].strip() if match["names"] else ""
    # "（责任单位：区财政局）" on a line of its own: the closing bracket is the line's, not a name's.
    if names.endswith((")", "）")) and names.count("(") + names.count("（") < names.count(")") + names.count("）"):
        names = names[:-1].rstrip()
    return match["label"], names


def has_unit_lines(lines: list[tuple[int, str]]) -> bool:
    """True when some line is a 牵头/责任单位 line, or an item closes with one in brackets."""
    return any(unit_label(text) or INLINE_UNITS.search(simplified(text)) for _line, text in lines)


class _Item:
    def __init__(self, start_line, numbering, text_lines):
        self.line = start_line
        self.numbering = numbering  # (style, number, label) or None
        self.text_lines = text_lines  # [(line, text)]
        self.units = []  # (line, label, names text)
        self.deadline_text = ""
        self.leader = ""


def parse_paragraphs(
    lines: list[tuple[int, str]], facts: tuple, *, text: str, first_line: int = 1
) -> tuple[NoticeData, list[Anomaly]]:
    """(NoticeData, anomalies) for a notice in the paragraph layout; SourceError naming every problem."""
    number, title, issuer, issued_on, year = facts
    notice = NoticeData(
        number=number, title=title, issuer=issuer, issued_on=issued_on, first_line=first_line, text=text, year=year
    )
    anomalies = []
    lines = [(line, value.rstrip()) for line, value in lines if value.strip()]
    items, headings = _items_and_headings(lines, anomalies)
    if not items:
        raise SourceError(0, "文件中找不到带“牵头单位：”或“责任单位：”的任务段落（no task paragraphs）。")
    _build(notice, items, headings, anomalies)
    return notice, sorted(anomalies, key=lambda anomaly: anomaly.line)


def _items_and_headings(lines, anomalies):
    """Group lines into items (text + unit lines) and headings, in document order."""
    blocks = []  # ("item", _Item) or ("heading", line, numbering, text)
    pending = []  # lines since the last item or heading
    waiting = _Item(0, None, [])  # a deadline or leader line met before its item's unit lines
    item_style = None
    index = 0
    while index < len(lines):
        line, value = lines[index]
        label = unit_label(value)
        deadline = DEADLINE_LABEL.match(simplified(value))
        inline = INLINE_UNITS.search(simplified(value)) if not label else None
        if label or inline:
            if inline:
                pending.append((line, value[: inline.start()].rstrip()))
            item, before = _item_from(pending, item_style)
            if item is None:
                anomalies.append(
                    Anomaly(line, "units-without-item", f"单位行前没有任务内容，已忽略：“{value.strip()}”。")
                )
                pending = []
                index += 1
                continue
            item_style = item_style or (item.numbering[0] if item.numbering else None)
            item.deadline_text, item.leader = waiting.deadline_text, waiting.leader
            waiting = _Item(0, None, [])
            blocks += [("heading", *heading) for heading in before]
            if inline:
                for part in INLINE_PART.finditer(inline["body"]):
                    offset = inline.start("body") + part.start("names")
                    item.units.append((line, part["label"], value[offset : offset + len(part["names"])]))
                index += 1  # the item's own line, its units read
            index += _take_unit_lines(lines, index, item)
            blocks.append(("item", item))
            pending = []
            continue
        leader = LEADER_LABEL.match(simplified(value))
        if deadline or leader:
            # A 完成时限 or 责任领导 line belongs to the item next to it, never to its text.
            if blocks and blocks[-1][0] == "item" and not pending:
                target = blocks[-1][1]
            else:
                target = waiting
            if deadline:
                target.deadline_text = deadline["text"]
            else:
                target.leader = value[leader.start("name") : leader.end("name")].strip()
            index += 1
            continue
        pending.append((line, value))
        index += 1
    _report_leftovers(pending, item_style, anomalies)
    return [block[1] for block in blocks if block[0] == "item"], blocks


def _take_unit_lines(lines, index, item):
    """Read the unit (and deadline) lines from `index`; returns how many were read."""
    taken = 0
    while index + taken < len(lines):
        line, value = lines[index + taken]
        label = unit_label(value)
        deadline = DEADLINE_LABEL.match(simplified(value))
        if label:
            item.units.append((line, *label))
        elif deadline:
            item.deadline_text = deadline["text"]
        else:
            break
        taken += 1
    return taken


def _item_from(pending, item_style):
    """The item whose unit lines follow `pending`, and the heading lines above it.

    The item starts at the last line numbered in the items' style (else the last numbered
    line, else the last line: an unnumbered item under a heading); lines numbered in a
    deeper style after it are part of its text.
    """
    if not pending:
        return None, []
    numbered = [(position, numbering_of(value)) for position, (_line, value) in enumerate(pending)]
    numbered = [(position, found) for position, found in numbered if found]
    in_style = [position for position, found in numbered if found[0] == item_style]
    if in_style:
        start = in_style[-1]
    elif numbered and (item_style is None or numbered[-1][0] == len(pending) - 1):
        start = numbered[-1][0]  # the first item sets the style; a different one may close the list
    elif numbered:
        start = numbered[-1][0] + 1  # an unnumbered item under a heading
    else:
        start = len(pending) - 1
    found = numbering_of(pending[start][1])
    text_lines = pending[start:]
    if found:
        text_lines = [(text_lines[0][0], found[3]), *text_lines[1:]]
    item = _Item(pending[start][0], found[:3] if found else None, text_lines)
    headings = []
    for line, value in pending[:start]:
        heading = numbering_of(value)
        headings.append((line, heading, value.strip()))
    return item, headings


def _report_leftovers(pending, item_style, anomalies):
    """An item at the end with no unit lines (the document cut off there) is reported, not imported."""
    for line, value in pending:
        found = numbering_of(value)
        if found and found[0] == item_style:
            anomalies.append(
                Anomaly(
                    line,
                    "item-without-units",
                    f"“{value.strip()[:30]}”之后没有牵头单位或责任单位，未作为任务导入（文件可能在此截断）。",
                )
            )


def _build(notice, items, blocks, anomalies):
    section = subsection = None
    section_style = None  # how the sections are numbered: a heading numbered so starts the next one
    leader = ""
    seq = 0
    rule_reported = False
    item_style = next((item.numbering[0] for item in items if item.numbering), None)
    lead_rule = ""
    for block in blocks:
        if block[0] == "heading":
            _kind, line, found, value = block
            if found is None or found[0] == item_style:
                continue  # preamble, signature, attachment list: not part of the task list
            rest = found[3].strip()
            if found[0] == "一、" or section is None or found[0] == section_style:
                section_style = found[0]
                match = LEADER_SECTION.match(rest)
                leader = match["name"] if match else ""
                number = len(notice.sections) + 1
                section = SectionData(number=number, numbering=found[2], title=rest, line=line, declared_count=None)
                notice.sections.append(section)
                subsection = None
            else:
                subsection = SubsectionData(
                    number=len(section.subsections) + 1, numbering=found[2], title=rest, line=line,
                    is_livelihood=LIVELIHOOD in rest,
                )  # fmt: skip
                section.subsections.append(subsection)
            continue
        item = block[1]
        if section is None:
            section = SectionData(number=1, numbering="", title=notice.title, line=item.line, declared_count=None)
            notice.sections.append(section)
        seq += 1
        task, rule, has_lead_line = _task(item, seq, section, subsection, leader, notice, anomalies)
        if task is None:
            continue
        lead_rule = lead_rule or rule
        if not rule_reported and not has_lead_line:
            rule_reported = True
            anomalies.append(_lead_rule_anomaly(task.line, lead_rule))
        notice.tasks.append(task)
    # Renumber: a skipped item must not leave a gap in the document's task numbers.
    for position, task in enumerate(notice.tasks, start=1):
        task.number = position
    if not notice.tasks:
        raise SourceError(0, "文件中的任务段落都没有牵头单位或责任单位（no task with units）。")


def _lead_rule_anomaly(line, rule):
    if rule:
        return Anomaly(line, "lead-rule-stated", f"文件说明“{rule}”：每项任务所列第一个单位登记为牵头单位。")
    return Anomaly(
        line,
        "lead-is-first-unit",
        "文件没有“牵头单位”行，也没有说明牵头规则：按惯例每项任务所列第一个单位登记为牵头单位，请核对。",
    )


def _task(item, seq, section, subsection, leader, notice, anomalies):  # noqa: PLR0917 — one call site, in order
    text = "".join(value.strip() for _line, value in item.text_lines)
    lead, responsible, rule, has_lead_line = [], [], "", False
    for line, label, names in item.units:
        parsed = parse_unit_list(names)
        rule = rule or parsed.lead_rule
        for repair in parsed.repairs:
            anomalies.append(Anomaly(line, "unit-list-repaired", repair))
        found = [UnitName(name, line) for name in parsed.names]
        if label.startswith(LEAD_WORDS):
            has_lead_line = True
            lead += found
        else:
            responsible += found
    if not has_lead_line:
        lead, responsible = responsible[:1], responsible[1:]
    responsible = [unit for unit in responsible if unit.name not in {lead_unit.name for lead_unit in lead}]
    label = item.numbering[2] if item.numbering else ""
    if not lead:
        anomalies.append(
            Anomaly(
                item.line,
                "item-without-units",
                f"“{label}{text[:30]}”的单位行是空的，未作为任务导入（文件可能在此截断）。",
            )
        )
        return None, rule, has_lead_line
    if not text:
        raise SourceError(item.line, f"第{seq}项任务没有任务内容（task text missing）。")
    deadline = None
    if item.deadline_text:
        dates, _open = read_deadline(item.deadline_text, notice.year)
        deadline = max(dates) if dates else None
    deadline = deadline or deadline_in_text(text, notice.year)
    source_lines = [value for _line, value in item.text_lines]
    source_lines[0] = label + source_lines[0]
    source_lines += [f"{label_}:{names}" for _line, label_, names in item.units]
    task = TaskData(
        number=seq, text=text, line=item.line, source_text="\n".join(source_lines),
        section=section.number, subsection=subsection.number if subsection else None,
        lead=lead, responsible=responsible,
        deadline=deadline or notice.issued_on.replace(year=notice.year, month=12, day=31),
        is_livelihood=bool(LIVELIHOOD in section.title or (subsection and subsection.is_livelihood)),
        numbering=label, leader=item.leader or leader,
    )  # fmt: skip
    task.deadline_stated = deadline is not None
    return task, rule, has_lead_line
