"""Read a list of units as a notice prints it: "市经信局、市财政局、…、市税务局(列第一位者为牵头单位,下同)".

Pure. The list is parsed, not split: separators (、，,；; and line breaks) count only
outside parentheses, so "各区县政府(南太湖新区、长合区管委会)" stays one entry; a
parenthesised note that states how the lead is marked ("列第一位者为牵头单位…下同") is
read as the lead rule instead of becoming a unit; trailing punctuation goes; names run
together without a separator ("区发改局区统计局") are split where a known name or a
unit's ending shows the seam. Every guessed repair comes back as a message, so the
preview shows it and a clerk can check it against the document.
"""

import re
from dataclasses import dataclass, field

OPENING = "(（"
CLOSING = ")）"
SEPARATORS = set("、，,；;\n\r\t ")
TRAILING = "。.．；;，,、:： "
# A note in brackets about which unit leads: it is a rule for the whole list (下同: and below).
LEAD_NOTE = re.compile(r"列?(?:第一|首)位|排名?第一|排在第一|为牵头|牵头单位|汇总单位|下同")
# Endings that close a unit's name; a seam is only looked for right after one of them.
UNIT_ENDINGS = ("街道", "中心", "公司", "政府", "局", "委", "办", "镇", "乡", "部", "院", "会", "所", "站", "队")
# Where another unit's name starts: a level of government or a collective.
NAME_STARTS = ("区", "县", "市", "省", "各")
# What follows a name's ending inside ONE name: 嵊山镇 + 人民政府, 区政府 + 办公室, 规划局 + 昌江分局.
NOT_A_NEW_NAME = re.compile(r"^(人民|办公|办事|管委|管理|委员|党|分局|分中心|分公司|机关|直属)")
BRANCH = re.compile(r"分(局|中心|公司|院)$")


@dataclass
class UnitList:
    """The names of one list in printed order, the lead rule a note stated, and every repair made."""

    names: list = field(default_factory=list)
    lead_rule: str = ""  # the note as printed, e.g. "列第一位者为工作牵头单位或汇总单位,下同"
    repairs: list = field(default_factory=list)  # messages for the clerk, in Chinese


def entries(text: str, separators: set = SEPARATORS) -> list[str]:
    """`text` split on separators outside parentheses, each entry stripped, empty ones dropped."""
    found, current, depth = [], [], 0
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            found.append("".join(current))
            current = []
            continue
        current.append(char)
    found.append("".join(current))
    return [entry.strip() for entry in found if entry.strip()]


def take_notes(entry: str) -> tuple[str, list[str]]:
    """(entry without lead notes, notes): a bracketed note about the lead is not part of the name."""
    notes = []
    while True:
        match = re.search(r"[(（]([^()（）]*)[)）]\s*$", entry)
        if not match or not LEAD_NOTE.search(match[1]):
            return entry, notes
        notes.insert(0, match[1])
        entry = entry[: match.start()].rstrip()


def split_glued(name: str, known: frozenset | set = frozenset()) -> list[str]:
    """Names run together without a separator, split at the seams a known name or an ending shows."""
    for candidate in sorted(known, key=len, reverse=True):
        if candidate != name and len(candidate) >= 3 and name.startswith(candidate):
            rest = name[len(candidate) :]
            if len(rest) >= 3 and not NOT_A_NEW_NAME.match(rest) and not rest.startswith((*OPENING, *CLOSING)):
                return [candidate, *split_glued(rest, known)]
    depth = 0
    for position, char in enumerate(name):
        depth += char in OPENING
        depth -= char in CLOSING
        if depth or position < 2:
            continue
        head, rest = name[: position + 1], name[position + 1 :]
        ending = next((word for word in (*UNIT_ENDINGS, *CLOSING) if head.endswith(word)), None)
        if ending is None or len(rest) < 3 or NOT_A_NEW_NAME.match(rest) or BRANCH.search(rest):
            continue
        if rest.startswith((*OPENING, *CLOSING)) or not rest.endswith((*UNIT_ENDINGS, *CLOSING)):
            continue
        # The next name must start like one (区/县/市/各…) or end like this one (…公司…公司).
        if rest.startswith(NAME_STARTS) or rest.endswith(ending) or rest in known:
            return [head, *split_glued(rest, known)]
    return [name]


def parse_unit_list(text: str, known: frozenset | set = frozenset()) -> UnitList:
    """A UnitList for a printed list of units (the label "责任单位:" already removed)."""
    result = UnitList()
    for printed in entries(text):
        entry, notes = take_notes(printed)
        for note in notes:
            result.lead_rule = result.lead_rule or note
            result.repairs.append(f"括号中的“{note}”是说明牵头规则，不是单位，已从单位名单中去除。")
        stripped = entry.strip(TRAILING)
        if stripped != entry:
            result.repairs.append(f"单位名称“{entry}”末尾的标点已去除。")
        if not stripped:
            continue
        pieces = split_glued(stripped, known)
        if len(pieces) > 1:
            result.repairs.append(
                f"“{stripped}”中几个单位名称连写、没有分隔符，推断拆分为“{'”“'.join(pieces)}”，请核对（guessed split）。"
            )
        result.names.extend(pieces)
    return result
