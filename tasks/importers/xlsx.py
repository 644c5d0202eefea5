"""Read a responsibility split given as an .xlsx sheet into a Grid (see columns.py).

The workbook is opened in openpyxl's normal mode, not read_only: only the normal mode
knows merged cells, and tables merge a lead unit or a deadline down several tasks.
packages.py has already refused packages that would unpack too large, and sheets with
more than MAX_ROWS rows are refused before any row is read.
"""

import datetime
import io
import zipfile
import zlib

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .columns import Grid, find_header, parse_table, render_line
from .packages import require_kind
from .report import SourceError

MAX_ROWS = 5000
MAX_COLUMNS = 50


def cell_text(value):
    """A cell's value as the text a clerk sees: 1 not 1.0, dates as 2021年6月30日."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def open_workbook(raw):
    """The workbook in normal mode, after a streaming look at each sheet's declared size."""
    require_kind(raw, "xlsx")
    try:
        streaming = load_workbook(io.BytesIO(raw), read_only=True)
        for sheet in streaming.worksheets:
            # A sheet's <dimension> says how many rows it holds without reading them.
            check_size(sheet.title, sheet.max_row or 0)
        streaming.close()
        return load_workbook(io.BytesIO(raw), data_only=True)
    # SyntaxError: lxml and ElementTree raise its subclasses for a sound zip holding broken XML.
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        SyntaxError,
    ) as error:
        # openpyxl names a missing or malformed part in many ways; to the clerk it is one thing.
        raise SourceError(0, f"Excel工作簿已损坏，无法读取（corrupt workbook: {type(error).__name__}）。") from error


def check_size(title, rows):
    if rows > MAX_ROWS:
        raise SourceError(0, f"工作表“{title}”有{rows}行，超过上限{MAX_ROWS}行：请只保留任务表（sheet too large）。")


def sheet_grid(sheet):
    """Every row of `sheet` as (row number, [cell text]), merged cells repeated over their range."""
    check_size(sheet.title, sheet.max_row)
    width = min(sheet.max_column, MAX_COLUMNS)
    values = [
        [cell_text(value) for value in row]
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width, values_only=True)
    ]
    merged_below = set()
    for merged in sheet.merged_cells.ranges:
        top = values[merged.min_row - 1][merged.min_col - 1] if merged.min_col <= width else ""
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, min(merged.max_col, width) + 1):
                values[row - 1][column - 1] = top
                if row > merged.min_row:
                    merged_below.add((row, column - 1))
    rows = list(enumerate(values, start=1))
    return Grid(rows=rows, text="\n".join(render_line(cells) for cells in values), merged_below=merged_below)


def read_xlsx(raw):
    """The Grid of the first sheet that holds a task table (a header with 序号 and a task column)."""
    workbook = open_workbook(raw)
    errors = []
    for sheet in workbook.worksheets:
        grid = sheet_grid(sheet)
        try:
            find_header(grid.rows)
        except SourceError as error:
            errors.append(error)
            continue
        return grid
    if len(errors) == 1:
        raise errors[0]
    names = [sheet.title for sheet in workbook.worksheets]
    raise SourceError(
        0,
        f"工作簿的工作表（{'、'.join(names)}）中找不到任务表：应有“序号”列、任务列（工作任务、任务、民生实事或项目名称）"
        "和单位列（no task table found）。",
    )


def parse_xlsx(raw, given=None):
    """(NoticeData, anomalies) for an .xlsx file's bytes; SourceError when it cannot be imported."""
    return parse_table(read_xlsx(raw), given)
