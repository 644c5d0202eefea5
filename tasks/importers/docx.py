"""Read a responsibility split given as a table in a Word document (.docx) into a Grid.

The notice's own paragraphs (title, 文号 line, body) come before the table and give the
document's number, title and date. Lines are numbered in document order — each
paragraph one line, each table row one line — and `Grid.text` holds them, so an
anomaly's 第N行 points at the line the document page shows. python-docx repeats a
merged cell's text in every position it covers, as the xlsx reader does.
"""

import io
import zipfile
import zlib

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table

from .columns import Grid, find_header, parse_table, render_line
from .packages import require_kind
from .report import SourceError

MAX_ROWS = 5000


def open_document(raw):
    require_kind(raw, "docx")
    try:
        return docx.Document(io.BytesIO(raw))
    # SyntaxError: lxml raises its subclass XMLSyntaxError for a sound zip holding broken XML.
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, SyntaxError) as error:
        raise SourceError(0, f"Word文档已损坏，无法读取（corrupt document: {type(error).__name__}）。") from error


def table_rows(table):
    """The table's rows of cell texts, and the (row index, column) of cells merged from the row above."""
    rows = table.rows
    if len(rows) > MAX_ROWS:
        raise SourceError(0, f"文档中的表格有{len(rows)}行，超过上限{MAX_ROWS}行（table too large）。")
    texts, merged_below, above = [], set(), []
    for index, row in enumerate(rows):
        cells = row.cells
        # python-docx gives a vertically merged cell's top cell again in the rows it spans.
        merged_below |= {
            (index, column) for column, (cell, top) in enumerate(zip(cells, above, strict=False)) if cell._tc is top._tc
        }
        texts.append([cell.text.replace("\r", "\n") for cell in cells])
        above = cells
    return texts, merged_below


def read_docx(raw):
    """The Grid of the first table with a task header, and the paragraphs above it."""
    document = open_document(raw)
    lines = []  # (kind, content): ("paragraph", text) or ("row", cells) of a table, in order
    tables = []  # (index into lines of the first row, rows)
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows, merged_below = table_rows(block)
            tables.append((len(lines), rows, merged_below))
            lines.extend(("row", cells) for cells in rows)
        else:
            lines.append(("paragraph", block.text))
    if not tables:
        raise SourceError(0, "Word文档中没有表格：任务分工应是文档中的一张表格（no table in the document）。")
    text = "\n".join(content if kind == "paragraph" else render_line(content) for kind, content in lines)
    errors = []
    for start, rows, merged_below in tables:
        numbered = list(enumerate(rows, start=start + 1))
        try:
            find_header(numbered)
        except SourceError as error:
            errors.append(error)
            continue
        paragraphs = [
            (number, content) for number, (kind, content) in enumerate(lines[:start], start=1) if kind == "paragraph"
        ]
        merged = {(start + 1 + index, column) for index, column in merged_below}
        return Grid(paragraphs=paragraphs, rows=numbered, text=text, merged_below=merged)
    if len(errors) == 1:
        raise errors[0]
    raise SourceError(
        0,
        f"文档中的{len(tables)}张表格都不是任务表：应有“序号”列、任务列（工作任务、任务、民生实事或项目名称）"
        "和单位列（no task table found）。",
    )


def parse_docx(raw, given=None):
    """(NoticeData, anomalies) for a .docx file's bytes; SourceError when it cannot be imported."""
    return parse_table(read_docx(raw), given)
