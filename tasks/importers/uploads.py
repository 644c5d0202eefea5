"""Import an uploaded source file of any of the three formats: text, .xlsx or .docx.

The file's content decides how it is read, not its name: an Office package (zip, or
an encrypted/legacy OLE file, which gets a clear message) goes to the table readers,
anything else must be UTF-8 text and goes to `import_sources` like the command line's
files. A table gives one notice; it is loaded by the same `load_notice`, in one
transaction, and a dry run rolls everything back, exactly as `import_sources` does.
"""

import hashlib

from django.db import transaction

from . import DryRunRollback, ImportResult, import_sources, parse_text
from .docx import parse_docx
from .load import load_notice
from .notice import NoticeData
from .packages import OLE_SIGNATURE, package_kind
from .report import SourceError
from .sandbox import run_parser
from .xlsx import parse_xlsx

TABLE_PARSERS = {"xlsx": parse_xlsx, "docx": parse_docx}


def is_office_file(raw):
    return raw.startswith((b"PK", OLE_SIGNATURE))


def decode_text(name, raw):
    if not raw.strip():
        raise SourceError(0, "文件是空的（empty file）。", source=name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(
            0, "不是UTF-8编码的文本文件，也不是.xlsx或.docx文件（not UTF-8 text, .xlsx or .docx）。", source=name
        ) from error


def parse_table_file(raw, given=None):
    """(NoticeData, anomalies) of an .xlsx or .docx file; run_parser runs it in a bounded child process."""
    return TABLE_PARSERS[package_kind(raw)](raw, given)


def parse_upload(name, raw, given=None):
    """Pure: the notices a file holds (NoticeData) and the anomalies met reading it."""
    try:
        if is_office_file(raw):
            data, anomalies = run_parser(parse_table_file, raw, given)
            return [data], anomalies
        parsed, anomalies = parse_text(decode_text(name, raw))
    except SourceError as error:
        raise SourceError(error.line, error.message, source=name) from error
    return [data for _handler, data in parsed if isinstance(data, NoticeData)], anomalies


def import_upload(name, raw, *, given=None, dry_run=False):
    """Import one uploaded file; returns an ImportResult. Raises SourceError, the database untouched."""
    sha256 = hashlib.sha256(raw).hexdigest()
    if not is_office_file(raw):
        return import_sources([(name, decode_text(name, raw), sha256)], dry_run=dry_run)
    (data,), anomalies = parse_upload(name, raw, given)
    result = ImportResult(dry_run=dry_run, anomalies=[(name, anomaly) for anomaly in anomalies])
    try:
        with transaction.atomic():
            document, found = load_notice(data, result.changes, source_file=name, sha256=sha256)
            result.documents.append(document)
            result.anomalies += [(name, anomaly) for anomaly in found]
            result.anomalies.sort(key=lambda item: item[1].line)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return result
