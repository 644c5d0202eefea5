"""Read a file of any supported format — text, .docx, .xlsx or a PDF with a text layer — into lines and tables.

Pure: bytes in, a SourceFile out. The content decides the format, not the name: an
Office package (zip; or an encrypted or legacy OLE file, each with its own message), a
PDF ("%PDF"), else text (UTF-8, or GB18030 as Chinese offices' editors save it). What
a clerk may hand over by mistake — an empty file, a scan, a .doc or .wps, a file far
too large — is refused with a message saying what to do.

Lines are numbered as the clerk can find them: a text file's lines; a Word document's
paragraphs and table rows in order; a sheet's rows; a PDF's lines page after page.
`where(line)` names the place in the format's own terms (第3页第12行, 表格1第5行…).
"""

import codecs
import io
import logging
from dataclasses import dataclass, field

from docx.table import Table

from .columns import Grid, find_header, render_line
from .docx import open_document, table_rows
from .packages import OLE_SIGNATURE, package_kind
from .report import SourceError
from .xlsx import open_workbook, sheet_grid

# A year's notice is well under 1 MB in any format; the upload page allows 5 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 300
PDF_SIGNATURE = b"%PDF"


@dataclass
class SourceFile:
    """A file's content as lines, and the task table it holds (if it is a table)."""

    format: str  # "txt", "docx", "xlsx" or "pdf"
    lines: list = field(default_factory=list)  # (line, text) in reading order
    grid: Grid | None = None  # the first table with a task header, for .docx / .xlsx
    headers: list = field(default_factory=list)  # every table's first row, to tell the kind of document
    places: dict = field(default_factory=dict)  # line → where, in the format's words
    table_problem: SourceError | None = None  # why the first table is not a task table, said by its reader

    @property
    def text(self):
        return "\n".join(text for _line, text in self.lines)

    def where(self, line):
        return self.places.get(line, f"第{line}行" if line else "")


def check_size(raw: bytes) -> None:
    if not raw or not raw.strip():
        raise SourceError(0, "文件是空的（empty file）。")
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(
            0,
            f"文件有{len(raw) // (1024 * 1024)} MB，超过上限{MAX_FILE_BYTES // (1024 * 1024)} MB："
            "一份通知通常不到1 MB，请检查是否选错了文件（file too large）。",
        )


def read_file(raw: bytes) -> SourceFile:
    """The SourceFile for a file's bytes; SourceError saying what is wrong when it cannot be read."""
    check_size(raw)
    if raw.startswith((b"PK", OLE_SIGNATURE)):
        kind = package_kind(raw)
        return read_docx_file(raw) if kind == "docx" else read_xlsx_file(raw)
    if raw.lstrip().startswith(PDF_SIGNATURE):
        return read_pdf(raw)
    return read_text(raw)


def decode(raw: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else GB18030; binary content is refused."""
    if b"\x00" in raw[:4096]:
        raise SourceError(
            0, "不是文本文件，也不是.xlsx、.docx或PDF文件（binary content, not UTF-8 text or an Office/PDF file）。"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(raw, encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(0, "不是UTF-8编码的文本文件，也不是.xlsx、.docx或PDF文件（not UTF-8 text, .xlsx or .docx）。")


def read_text(raw: bytes) -> SourceFile:
    text = decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(format="txt", lines=list(enumerate(text.split("\n"), start=1)))


def read_docx_file(raw: bytes) -> SourceFile:
    """Paragraphs and tables in document order; the first table with a task header is the grid."""
    document = open_document(raw)
    source = SourceFile(format="docx")
    grid = None
    tables = 0
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            line = len(source.lines) + 1
            source.lines.append((line, block.text))
            source.places[line] = f"第{line}段"
            continue
        tables += 1
        rows, merged_below = table_rows(block)
        start = len(source.lines)
        numbered = list(enumerate(rows, start=start + 1))
        for offset, (line, cells) in enumerate(numbered, start=1):
            source.lines.append((line, render_line(cells)))
            source.places[line] = f"表格{tables}第{offset}行"
        header = _header_row(numbered, source)
        if header is not None or rows:
            source.headers.append(" ".join(header if header is not None else rows[0]))
        if grid is None and header is not None:
            paragraphs = [(line, text) for line, text in source.lines[:start]]
            merged = {(start + 1 + index, column) for index, column in merged_below}
            grid = Grid(paragraphs=paragraphs, rows=numbered, merged_below=merged)
    if grid is not None:
        grid.text = source.text
    source.grid = grid
    return source


def read_xlsx_file(raw: bytes) -> SourceFile:
    """The first sheet with a task header is the grid; every sheet's rows are the lines."""
    workbook = open_workbook(raw)
    source = SourceFile(format="xlsx")
    for sheet in workbook.worksheets:
        grid = sheet_grid(sheet)
        header = _header_row(grid.rows, source)
        # Only a header row tells the kind (a task's text may say 完成率 too): the task header, else
        # the first row of three cells or more.
        header = header if header is not None else next((c for _l, c in grid.rows if sum(map(bool, c)) >= 3), None)
        if header is not None:
            source.headers.append(" ".join(header))
        if source.grid is None and _header_row(grid.rows) is not None:
            source.grid = grid
            source.lines = [(line, render_line(cells)) for line, cells in grid.rows]
            source.places = {line: f"工作表“{sheet.title}”第{line}行" for line, _cells in grid.rows}
    if source.grid is None and workbook.worksheets:
        sheet = workbook.worksheets[0]
        rows = sheet_grid(sheet).rows
        source.lines = [(line, render_line(cells)) for line, cells in rows]
        source.places = {line: f"工作表“{sheet.title}”第{line}行" for line, _cells in rows}
    return source


def _header_row(rows, source=None):
    """The cells of the table's header row, or None when the rows hold no task header (the reason
    kept on `source`, the first time, for a refusal that names the columns)."""
    try:
        index, _columns, _anomalies = find_header(rows)
    except SourceError as error:
        if source is not None and source.table_problem is None:
            source.table_problem = error
        return None
    return rows[index][1]


def read_pdf(raw: bytes) -> SourceFile:
    """The PDF's text layer, line by line; a scan (pictures of pages, no text) is refused."""
    from pypdf import PdfReader  # noqa: PLC0415 — only PDF uploads pay for importing it
    from pypdf.errors import PdfReadError  # noqa: PLC0415

    # pypdf logs every repair it makes to a damaged file; the clerk gets one message from us instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise SourceError(0, "PDF设置了密码（已加密），无法读取：请取消密码后另存，再导入（encrypted PDF）。")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise SourceError(0, f"PDF有{len(pages)}页，超过上限{MAX_PDF_PAGES}页（too many pages）。")
        texts = [page.extract_text() or "" for page in pages]
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as error:
        raise SourceError(0, f"PDF文件已损坏，无法读取（corrupt PDF: {type(error).__name__}）。") from error
    source = SourceFile(format="pdf")
    for page_number, text in enumerate(texts, start=1):
        for row, line_text in enumerate(text.replace("\r", "\n").split("\n"), start=1):
            line = len(source.lines) + 1
            source.lines.append((line, line_text))
            source.places[line] = f"第{page_number}页第{row}行"
    if not any(text.strip() for _line, text in source.lines):
        raise SourceError(
            0,
            "PDF中没有文字层（可能是扫描件或图片）：系统读不出其中的文字。请使用带文字层的PDF，"
            "或将通知另存为Word（.docx）或文本文件后再导入（no text layer in the PDF）。",
        )
    return source
