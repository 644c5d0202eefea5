"""Import files of any format — text, .docx, .xlsx, PDF — through one path, for the command and the upload page.

`parse_file` is pure: a file's bytes in, the documents it holds and the anomalies met
out. It first reads the format (files.py), then, for a text file, tries the layout of
the 2021 昌江 documents (a 文号 line with its date, TAB-led table cells, standing-meeting
headlines: segments.py), which reads several documents from one file exactly as
before. Anything else is told apart by kind (kinds.py) — an assignment is read as a
table (columns.py) or as numbered paragraphs with unit lines (paragraphs.py); a
bulletin, a progress table or an unrecognised file is refused, saying what it is.

`import_files` parses every file first and reports every problem of every file in one
error; only when all files read does it write them, in ONE transaction, and a dry run
rolls everything back.
"""

import dataclasses
import hashlib

from django.db import transaction

from . import HANDLERS, DryRunRollback, ImportResult, hand_over, parse_text
from .columns import DocumentFacts, parse_table
from .facts import notice_facts
from .files import read_file
from .flat_tables import flat_table_grid
from .kinds import ASSIGNMENT, document_kind
from .notice import NoticeData
from .packages import OLE_SIGNATURE
from .paragraphs import has_unit_lines, parse_paragraphs
from .report import SourceError, problems_message
from .run_together import run_together_grid
from .sandbox import run_parser

# split_documents' refusal: the file is not in the 2021 layout, so the other readers try it.
NOT_THE_2021_LAYOUT = "文件中没有可识别的文件"


def is_office_file(raw: bytes) -> bool:
    return raw.startswith((b"PK", OLE_SIGNATURE))


def _notice_handler():
    return next(handler for handler in HANDLERS if handler.name == "责任分工通知")


def parse_file(name: str, raw: bytes, given: DocumentFacts | None = None) -> tuple[list, list]:
    """Pure: ([(handler, data)], anomalies) for one file; SourceError (with the file's name) when it cannot be read."""
    given = given or DocumentFacts()
    source = parsed = None
    try:
        source = read_file(raw)
        if source.grid is None:
            # Lines of text — a .txt, a PDF's text layer, a Word document of paragraphs — may be
            # in the 2021 layout, which reads several documents from one file.
            try:
                parsed, anomalies = parse_text(source.text)
            except SourceError as error:
                if not error.message.startswith(NOT_THE_2021_LAYOUT):
                    raise
                parsed = None
        if parsed is None:
            data, anomalies = _read_assignment(source, given)
            parsed = [(_notice_handler(), data)]
    except SourceError as error:
        where = source.where(error.line) if source is not None and error.line else ""
        line, message = error.line, error.message
        if getattr(error, "problems", None) and source is not None:
            # Several places: each problem names its own, the error as a whole none.
            line, message, where = 0, problems_message(error.problems, source.where), ""
        raise SourceError(line, message, source=name, where=where) from error
    if source.places:
        anomalies = [dataclasses.replace(anomaly, where=source.where(anomaly.line)) for anomaly in anomalies]
    return parsed, anomalies


def _read_assignment(source, given):
    """(NoticeData, anomalies) for a file that is not in the 2021 layout."""
    kind = document_kind([text for _line, text in source.lines], source.headers)
    if kind.kind != ASSIGNMENT:
        raise SourceError(0, kind.why)
    if source.grid is not None:
        return parse_table(source.grid, given)
    if has_unit_lines(source.lines):
        facts = notice_facts(source.lines, given)
        return parse_paragraphs(source.lines, facts, text=source.text)
    grid, flattened = flat_table_grid(source.lines)
    if grid is not None:
        notice, anomalies = parse_table(grid, given)
        return notice, sorted([*flattened, *anomalies], key=lambda anomaly: anomaly.line)
    grid, run_together = run_together_grid(source.lines)
    if grid is not None:
        notice, anomalies = parse_table(grid, given)
        return notice, sorted([*run_together, *anomalies], key=lambda anomaly: anomaly.line)
    if source.table_problem is not None:
        raise source.table_problem  # a table that is not a task table: its reader says which columns it lacks
    raise SourceError(
        0,
        "这份文件像是任务分工，但找不到任务：既没有带“牵头单位/责任单位”等列的任务表，也没有"
        "“牵头单位：”“责任单位：”行（no task table and no unit lines）。",
    )


def parse_file_bounded(name: str, raw: bytes, given: DocumentFacts | None = None) -> tuple[list, list]:
    """parse_file in a child process bounded in CPU time and memory (sandbox.py), for uploads:
    no file a user sends can hold a web worker for long or grow it past its limit."""
    named, anomalies = run_parser(_parse_file_named, name, raw, given)
    handlers = {handler.name: handler for handler in HANDLERS}
    return [(handlers[handler_name], data) for handler_name, data in named], anomalies


def _parse_file_named(name, raw, given):
    # The child returns plain data: handlers travel back by name, not as pickled functions.
    parsed, anomalies = parse_file(name, raw, given)
    return [(handler.name, data) for handler, data in parsed], anomalies


def parse_table_file(raw: bytes, given: DocumentFacts | None = None) -> tuple[NoticeData, list]:
    """(NoticeData, anomalies) of one uploaded table file (.xlsx/.docx): the budget tests' entry point."""
    parsed, anomalies = parse_file("", raw, given)
    return next(data for _handler, data in parsed if isinstance(data, NoticeData)), anomalies


def parse_upload(name: str, raw: bytes, given: DocumentFacts | None = None) -> tuple[list[NoticeData], list]:
    """The notices an uploaded file holds (NoticeData) and the anomalies met reading it, parsed in a bounded child."""
    parsed, anomalies = parse_file_bounded(name, raw, given)
    return [data for _handler, data in parsed if isinstance(data, NoticeData)], anomalies


def import_files(
    files: list[tuple[str, bytes]],
    *,
    given: DocumentFacts | None = None,
    dry_run: bool = False,
    bounded: bool = False,
) -> ImportResult:
    """Import (name, bytes) pairs in ONE transaction: all or nothing.

    Every file is parsed before anything is written; the problems of all files are raised
    together as one SourceError (the database untouched). `bounded`: parse each file in a
    bounded child process (uploads from the web; the command runs as the administrator).
    """
    parse = parse_file_bounded if bounded else parse_file
    result = ImportResult(dry_run=dry_run)
    prepared, problems = [], []
    for name, raw in files:
        try:
            parsed, anomalies = parse(name, raw, given)
        except SourceError as error:
            problems.append(error)
            continue
        sha256 = hashlib.sha256(raw).hexdigest()
        result.anomalies += [(name, anomaly) for anomaly in anomalies]
        result.notices += [data for _handler, data in parsed if isinstance(data, NoticeData)]
        prepared += [(handler, data, name, sha256) for handler, data in parsed]
    if len(problems) == 1:
        raise problems[0]
    if problems:
        error = SourceError(0, "\n".join(str(problem) for problem in problems))
        error.source = problems[0].source
        raise error
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


def import_upload(name: str, raw: bytes, *, given: DocumentFacts | None = None, dry_run: bool = False) -> ImportResult:
    """Import one uploaded file; returns an ImportResult. Raises SourceError, the database untouched."""
    return import_files([(name, raw)], given=given, dry_run=dry_run, bounded=True)
