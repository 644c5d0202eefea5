"""Import source documents: split a file into documents, parse each, load all atomically.

Each kind of document has a Handler: `recognises` and `parse` are pure; `load` writes.
The notice handler is registered here; commendations and meetings register theirs in
their AppConfig.ready(), so this app never imports them. Loading runs in handler
`order`: notices and decisions before the meeting records that cite them.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .changes import Changes
from .notice import is_notice, parse_notice
from .report import Anomaly, SourceError
from .segments import split_documents


@dataclass(frozen=True)
class Handler:
    name: str
    recognises: object  # Block -> bool
    parse: object  # Block -> (data, anomalies)
    load: object  # (data, changes, *, source_file, sha256) -> (Document, anomalies)
    order: int


HANDLERS = []


def register(handler):
    HANDLERS[:] = [existing for existing in HANDLERS if existing.name != handler.name]
    HANDLERS.append(handler)
    HANDLERS.sort(key=lambda item: item.order)


def _load_notice(data, changes, **source):
    from .load import load_notice  # noqa: PLC0415 — keeps the pure parsers importable without Django models

    return load_notice(data, changes, **source)


register(Handler("责任分工通知", is_notice, parse_notice, _load_notice, order=10))


@dataclass
class ImportResult:
    documents: list = field(default_factory=list)  # Document rows written (or that would be)
    notices: list = field(default_factory=list)  # NoticeData read, for a preview of the tasks
    anomalies: list = field(default_factory=list)  # (file name, Anomaly)
    changes: Changes = field(default_factory=Changes)
    dry_run: bool = False


def parse_text(text):
    """Pure: the documents in `text` as (handler, data) pairs, and every anomaly met."""
    blocks, anomalies = split_documents(text)
    parsed = []
    for block in blocks:
        handler = next((handler for handler in HANDLERS if handler.recognises(block)), None)
        if handler is None:
            title = "".join(block.header.get("title_lines", [])) or block.header.get("headline", "")
            anomalies.append(Anomaly(block.first_line, "unknown-document", f"不认识的文件类型，已跳过：“{title}”。"))
            continue
        data, found = handler.parse(block)
        anomalies.extend(found)
        parsed.append((handler, data))
    return parsed, sorted(anomalies, key=lambda anomaly: anomaly.line)


def hand_over(documents):
    """交办: each unit holding a task of `documents` receives it, to acknowledge (签收). A re-import
    of the same notice hands over only what it newly gives a unit. Inside the import's transaction."""
    from ..handover.services import handovers_create  # noqa: PLC0415 — the parsers stay free of models
    from ..models import Task  # noqa: PLC0415

    handovers_create(tasks=Task.objects.filter(document__in=documents).select_related("document"))


class DryRunRollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def read_source(path):
    """Text and sha256 of a source file, with a clear message when it is not UTF-8 text."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(0, f"{Path(path).name} 不是UTF-8编码的文本文件（not UTF-8 text）。") from error
    return text, hashlib.sha256(raw).hexdigest()


def import_sources(sources, *, dry_run=False):
    """Import (file name, text, sha256) triples in ONE transaction: all or nothing.

    Raises SourceError (the database untouched) when any file cannot be imported.
    """
    result = ImportResult(dry_run=dry_run)
    prepared = []
    for name, text, sha256 in sources:
        try:
            parsed, anomalies = parse_text(text)
        except SourceError as error:
            raise SourceError(error.line, error.message, source=name) from error
        result.anomalies += [(name, anomaly) for anomaly in anomalies]
        prepared += [(handler, data, name, sha256) for handler, data in parsed]
    prepared.sort(key=lambda item: item[0].order)
    try:
        with transaction.atomic():
            for handler, data, name, sha256 in prepared:
                document, anomalies = handler.load(data, result.changes, source_file=name, sha256=sha256)
                result.documents.append(document)
                result.anomalies += [(name, anomaly) for anomaly in anomalies]
            result.anomalies.sort(key=lambda item: (item[0], item[1].line))
            if dry_run:
                raise DryRunRollback
            hand_over(result.documents)
    except DryRunRollback:
        pass
    return result
