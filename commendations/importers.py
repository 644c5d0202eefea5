"""Read a commendation decision (表彰决定) and its attached ranked lists, and load them.

`parse_decision` is pure (a segments.Block in, plain data and anomalies out);
`load_decision` writes, inside the import's transaction.
"""

import re
from dataclasses import dataclass, field

from tasks.importers.notice import official_header
from tasks.importers.report import Anomaly, SourceError
from tasks.importers.segments import read_rows
from tasks.models import Document

from .models import Decision, Enterprise, EnterpriseAlias, Honour, HonourList

ATTACHMENT = re.compile(r"^附件(\d+)：\s*$")
LIST_NAME = re.compile(r"(\S{2}十强)")
YEAR = re.compile(r"(\d{4})年度")
RANK = re.compile(r"^\d+$")
# What a short name leaves out: the place, the legal form and the trade.
PLACE_PREFIXES = ("江西省", "江西", "景德镇市", "景德镇", "武汉市", "昌江区")
TRADE_WORDS = (
    "药业", "电子", "科技", "混凝土", "陶瓷", "木塑", "新材料", "泡沫", "航空", "机械", "金属", "材料",
    "物流", "配送", "贸易", "矿业", "运输", "环境", "服务", "生物", "医药", "化工", "实业", "集团",
)  # fmt: skip


@dataclass
class EntryData:
    rank: int
    name: str
    line: int


@dataclass
class ListData:
    position: int
    name: str
    title: str
    line: int
    entries: list = field(default_factory=list)


@dataclass
class DecisionData:
    number: str
    title: str
    issuer: str
    issued_on: object
    year: int
    first_line: int
    text: str
    lists: list = field(default_factory=list)


def is_decision(block):
    title = "".join(block.header.get("title_lines", []))
    return block.kind == "official" and "表彰" in title and title.endswith("决定")


def short_name(name):
    """江西富祥药业股份有限公司 → 富祥: how meeting records refer to an enterprise."""
    core = name.split("有限公司")[0].removesuffix("股份")
    for prefix in PLACE_PREFIXES:
        if core.startswith(prefix):
            core = core[len(prefix) :]
            break
    cut = min((core.find(word) for word in TRADE_WORDS if core.find(word) > 0), default=len(core))
    core = core[:cut]
    return core if 2 <= len(core) < len(name) else ""


def parse_decision(block):
    """Return (DecisionData, anomalies). Raises SourceError when a list is unreadable."""
    number, title, issuer, issued_on = official_header(block)
    year_match = YEAR.search(title)
    decision = DecisionData(
        number=number, title=title, issuer=issuer, issued_on=issued_on,
        year=int(year_match[1]) if year_match else issued_on.year - 1,
        first_line=block.first_line, text=block.text,
    )  # fmt: skip
    anomalies = []
    starts = [i for i, (_, text) in enumerate(block.lines) if ATTACHMENT.match(text.strip())]
    if not starts:
        raise SourceError(block.first_line, "表彰决定没有附件名单（附件1：……）。")
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(block.lines)
        decision.lists.append(_parse_list(block.lines[start:end], anomalies))
    return decision, anomalies


def _parse_list(lines, anomalies):
    line, text = lines[0]
    position = int(ATTACHMENT.match(text.strip())[1])
    title_line = next(((n, t.strip()) for n, t in lines[1:] if t.strip() and not t.startswith("\t")), None)
    if title_line is None:
        raise SourceError(line, f"附件{position}没有标题。")
    name_match = LIST_NAME.search(title_line[1])
    honour_list = ListData(
        position=position, name=name_match[1] if name_match else title_line[1], title=title_line[1], line=line
    )
    table = [(n, t) for n, t in lines if n > title_line[0]]
    rows, found = read_rows(table)
    anomalies.extend(found)
    if not rows or [cell.text for cell in rows[0].cells] != ["序号", "企业名称"]:
        raise SourceError(title_line[0], f"附件{position}的名单应有表头“序号、企业名称”。")
    for row in rows[1:]:
        if len(row.cells) != 2 or not RANK.match(row.cells[0].text):
            raise SourceError(row.line, f"附件{position}中无法识别的行：“{row.cells[0].text[:30]}”。")
        name_cell = row.cells[1]
        if len(name_cell.parts) > 1:
            anomalies.append(
                Anomaly(
                    name_cell.line,
                    "name-broken-over-lines",
                    f"企业名称跨{len(name_cell.parts)}行书写，已合并为“{name_cell.text}”。",
                )
            )
        entry = EntryData(rank=int(row.cells[0].text), name=name_cell.text, line=row.line)
        expected = len(honour_list.entries) + 1
        if any(other.rank == entry.rank for other in honour_list.entries):
            raise SourceError(row.line, f"附件{position}中名次{entry.rank}重复。")
        if entry.rank != expected:
            anomalies.append(Anomaly(row.line, "out-of-order", f"名次{entry.rank}不连续，应为{expected}。"))
        honour_list.entries.append(entry)
    if not honour_list.entries:
        raise SourceError(line, f"附件{position}的名单是空的。")
    return honour_list


def load_decision(data, changes, *, source_file, sha256):
    """Write one decision, its lists and enterprises; returns (Document, anomalies)."""
    document = changes.upsert(
        Document,
        {"number": data.number},
        {
            "kind": Document.Kind.DECISION, "title": data.title, "issuer": data.issuer,
            "issued_on": data.issued_on, "source_file": source_file, "source_sha256": sha256,
            "first_line": data.first_line, "text": data.text,
        },
    )  # fmt: skip
    decision = changes.upsert(Decision, {"document": document}, {"year": data.year})
    kept_lists = []
    names = {entry.name for list_data in data.lists for entry in list_data.entries}
    enterprises = {enterprise.name: enterprise for enterprise in Enterprise.objects.filter(name__in=names)}
    aliases = dict(EnterpriseAlias.objects.values_list("name", "enterprise_id"))
    for list_data in data.lists:
        honour_list = changes.upsert(
            HonourList,
            {"decision": decision, "position": list_data.position},
            {"name": list_data.name, "title": list_data.title, "source_line": list_data.line},
        )
        kept_lists.append(honour_list.pk)
        honours = {honour.rank: honour for honour in honour_list.entries.all()}
        kept_entries = []
        for entry in list_data.entries:
            enterprise = enterprises.get(entry.name)
            if enterprise is None:
                enterprise = enterprises[entry.name] = changes.upsert(
                    Enterprise, {"name": entry.name}, {}, existing=None
                )
            alias = short_name(entry.name)
            if alias and aliases.get(alias) != enterprise.pk:
                existing = EnterpriseAlias.objects.filter(name=alias).first() if alias in aliases else None
                changes.upsert(EnterpriseAlias, {"name": alias}, {"enterprise": enterprise}, existing=existing)
                aliases[alias] = enterprise.pk
            moved = [
                rank for rank, honour in honours.items() if honour.enterprise_id == enterprise.pk and rank != entry.rank
            ]
            if moved:  # the enterprise moved rank: free its old place first
                changes.delete(Honour.objects.filter(pk__in=[honours.pop(rank).pk for rank in moved]))
            honour = changes.upsert(
                Honour,
                {"honour_list": honour_list, "rank": entry.rank},
                {"enterprise": enterprise, "name_as_written": entry.name, "source_line": entry.line},
                existing=honours.get(entry.rank),
            )
            kept_entries.append(honour.pk)
        changes.delete(honour_list.entries.exclude(pk__in=kept_entries))
    changes.delete(decision.lists.exclude(pk__in=kept_lists))
    return document, []
