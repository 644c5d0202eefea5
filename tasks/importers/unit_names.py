"""Unit names as the documents write them: joined, split, classified and matched to one unit.

Pure functions. The rules are deliberately few and every time one fires the caller gets
an Anomaly, so a clerk can check the guess against the document.
"""

import re
from dataclasses import dataclass

from .report import Anomaly

# How the name of an organisation ends. A line that ends otherwise ("区农业农村",
# "区常态长效创建") is the first part of a name broken over lines.
COMPLETE_ENDINGS = (
    "局", "委", "办", "部", "中心", "公司", "镇", "乡", "街道", "）", "队", "会", "院", "所",
    "单位", "联", "站", "处", "室", "社", "馆", "团", "组", "厅", "署", "科", "行",
    # Other offices' names: 经开区, 立山经济开发区, 高新园(邹区镇), 县人民政府, 各专班.
    "区", ")", "园", "府", "班", "门",
)  # fmt: skip
TOWNSHIP = re.compile(r"^[^区各].*(镇|乡|街道|街道办事处)$")
COLLECTIVE = re.compile(r"^各|单位$")
# 各乡镇（街道）, 各乡（镇）、街道 …: the collective of all townships and streets.
ALL_TOWNSHIPS = re.compile(r"^各乡.*(镇|街道)")
# 区委宣传部（文明办）: a department with, in brackets, the office inside it that does the work.
ANNOTATED = re.compile(r"^(?P<base>区[^（）]+)（(?P<office>[^（）]+)）$")


@dataclass(frozen=True)
class UnitName:
    """A unit name as written in one cell (after joining and splitting), with its line."""

    name: str
    line: int


def looks_complete(name):
    return name.endswith(COMPLETE_ENDINGS)


def kind_of(name):
    """The unit kind a name suggests: collective, township, department (区…) or external."""
    if COLLECTIVE.search(name):
        return "collective"
    if TOWNSHIP.match(name):
        return "township"
    if name.startswith("区"):
        return "department"
    return "external"


def join_broken_names(parts):
    """Turn a cell's lines into names, joining names broken over lines.

    `parts` are (line number, text). A line starting with "（" annotates the name above
    (区政府办 / （外事办）); a line that does not end like a name continues on the next.
    Returns (names, anomalies).
    """
    names, anomalies = [], []
    pending = None  # [first line, text, pieces]
    for number, raw in parts:
        text = raw.strip()
        if not text:
            continue
        if text != raw:
            anomalies.append(Anomaly(number, "stray-whitespace", f"单位名称“{text}”前后有多余空格，已去除。"))
        if pending:
            pending[1] += text
            pending[2] += 1
        elif text.startswith("（") and names:
            last = names.pop()
            pending = [last.line, last.name + text, 2]
        else:
            pending = [number, text, 1]
        if looks_complete(pending[1]):
            line, name, pieces = pending
            if pieces > 1:
                anomalies.append(
                    Anomaly(line, "unit-broken-over-lines", f"单位名称跨{pieces}行书写，已合并为“{name}”。")
                )
            names.append(UnitName(name, line))
            pending = None
    if pending:
        line, name, pieces = pending
        anomalies.append(
            Anomaly(
                line, "unit-name-incomplete", f"“{name}”不像一个完整的单位名称（unit name looks cut off），请核对。"
            )
        )
        names.append(UnitName(name, line))
    return names, anomalies


def split_run_together(name, known):
    """Split "区市场监督管理局各乡镇（街道）" into two names when one side is a known name.

    `known` holds names seen standing alone elsewhere. Both sides must look complete,
    so "市自然资源规划局昌江分局" (no side known alone) stays one name.
    """
    for candidate in sorted(known, key=len, reverse=True):
        if candidate == name or candidate not in name:
            continue
        if name.endswith(candidate):
            head, tail = name[: -len(candidate)], candidate
        elif name.startswith(candidate):
            head, tail = candidate, name[len(candidate) :]
        else:
            continue
        # "区委宣传部（文明办）" is one name: an annotation in brackets is never a unit of its own.
        if tail.startswith("（"):
            continue
        if len(head) >= 3 and len(tail) >= 3 and looks_complete(head) and looks_complete(tail):
            return [head, tail]
    return [name]


def unit_names_of_cell(parts, known):
    """Names in one unit cell, in document order, with anomalies for every repair."""
    joined, anomalies = join_broken_names(parts)
    names = []
    for unit in joined:
        pieces = split_run_together(unit.name, known)
        if len(pieces) > 1:
            anomalies.append(
                Anomaly(
                    unit.line,
                    "units-run-together",
                    f"两个单位名称写在了一行（run together）：“{unit.name}”，已拆分为“{'”“'.join(pieces)}”。",
                )
            )
        names.extend(UnitName(piece, unit.line) for piece in pieces)
    return names, anomalies


def is_abbreviation(short, full):
    """区市监局 abbreviates 区市场监督管理局: same first and last character, and every
    character of the short form appears in the full one, in order."""
    if len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    if kind_of(short) != kind_of(full):
        return False
    rest = iter(full)
    return all(char in rest for char in short)


def resolve_spellings(spellings, known_aliases):
    """Map every spelling to a canonical unit name.

    `spellings` are (name, first line seen) pairs; `known_aliases` maps spellings the
    database already knows to their canonical names. An unknown spelling that abbreviates
    another (known or seen) is taken as that unit — a guess, reported as such. The
    canonical name of a group of new spellings is the longest, i.e. the full name.
    Returns (mapping, anomalies).
    """
    mapping, anomalies = {}, []
    lines = {}
    for name, line in spellings:
        lines.setdefault(name, line)
    for name in lines:
        if name in known_aliases:
            mapping[name] = known_aliases[name]
    for name, line in lines.items():
        match = ANNOTATED.match(name)
        if name in mapping or not match or kind_of(match["base"]) != "department":
            continue
        base = match["base"]
        mapping[name] = known_aliases.get(base, base)
        anomalies.append(
            Anomaly(
                line,
                "unit-annotation",
                f"“{name}”登记为单位“{mapping[name]}”，括号内“{match['office']}”是承办科室，保留原文写法。",
            )
        )
    unknown = [name for name in lines if name not in mapping]
    candidates = set(known_aliases.values()) | set(lines)
    for name in sorted(unknown, key=len, reverse=True):
        fuller = [other for other in candidates if is_abbreviation(name, other)]
        if not fuller:
            mapping[name] = name
            continue
        target = max(fuller, key=lambda other: (len(other), other))
        canonical = mapping.get(target) or known_aliases.get(target) or target
        mapping[name] = canonical
        anomalies.append(
            Anomaly(
                lines[name],
                "unit-spelling-guessed",
                f"单位写法“{name}”未登记，按简称推断为“{canonical}”（guessed alias），请核对。",
            )
        )
    return mapping, anomalies
