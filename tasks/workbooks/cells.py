"""Cells for the workbooks we write (the bulletin, the fill-in sheet), in openpyxl's write-only mode.

Two things every cell needs, in one place:

- text a user typed is written as text, never as a formula: openpyxl stores a string
  beginning with "=" as a formula, and Excel evaluates "+", "-" and "@" on entry too. The
  type is forced to string, and quotePrefix keeps Excel from turning the text into a
  formula when the clerk edits the cell later. Characters XML cannot carry are dropped.
- styles are registered once per combination: openpyxl hashes every style object each
  time one is set on a cell, which took half the bulletin's time; here each combination
  is set on one cell and its style array copied onto the next ones.
"""

import functools
import re
import unicodedata
from copy import copy

from django.utils.translation import pgettext
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Side
from openpyxl.worksheet.cell_range import CellRange

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def date_format():
    """Excel's number format for a date: 2021年7月1日, or the translation's own."""
    return pgettext("Excel date format", 'yyyy"年"m"月"d"日"')


class Cells:
    """Makes the cells of one write-only sheet. Style arguments must be long-lived objects
    (module constants): a combination is remembered by the identity of its parts."""

    def __init__(self, sheet, *, font=None):
        """`font`: the font of every cell not given one (default: the workbook's, Calibri)."""
        self.sheet = sheet
        self.font = font
        self._styles = {}  # key → (style array, the style objects, kept alive so ids stay unique)
        sheet._values_to_row = functools.partial(_cells_to_row, sheet)

    def text(self, value, **style):
        """A cell holding `value` as text, whatever it looks like."""
        text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
        cell = WriteOnlyCell(self.sheet)
        # Set as the string it is: openpyxl's value setter would check the type and look for
        # illegal characters again (a tenth of a large bulletin's time), and might take it for a formula.
        cell._value = text
        cell.data_type = "s"
        return self._style(cell, quote=text.startswith(FORMULA_START), **style)

    def value(self, value, **style):
        """A number, date or empty cell (values we computed, never user text)."""
        return self._style(WriteOnlyCell(self.sheet, value=value), **style)

    def _style(
        self,
        cell,
        *,
        font=None,
        fill=None,
        alignment=WRAP_TOP,
        border=BORDER,
        number_format=None,
        protection=None,
        quote=False,
    ):
        parts = (font or self.font, fill, alignment, border, protection)
        key = (*map(id, parts), number_format, quote)
        known = self._styles.get(key)
        if known is not None:
            # Shared, not copied: a write-only cell is written once and never restyled after.
            cell._style = known[0]
            return cell
        for name, part in zip(("font", "fill", "alignment", "border", "protection"), parts, strict=True):
            if part is not None:
                setattr(cell, name, part)
        if number_format is not None:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True
        self._styles[key] = (copy(cell._style), parts)
        return cell


def _cells_to_row(sheet, values, row_idx):
    """openpyxl's WriteOnlyWorksheet._values_to_row (3.1) for rows of ready cells, as a Cells sheet appends.

    openpyxl first tries every appended item as a plain value and only takes it as a cell when
    that raises — formatting the cell's repr into the error each time: a third of the time of
    writing a large bulletin's 125,000 styled cells went there. Here a cell is taken as a cell; a
    plain value still becomes one the library's own way.
    """
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
        cell.column = col_idx
        cell.row = row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell


def merge_across(sheet, row, last_column):
    """Merge row `row` from column A to `last_column` (a letter).

    Added to the ranges directly: `merged_cells.add()` first compares the new range with
    every range already there, which grows with the square of the number of headings;
    the rows merged here never overlap.
    """
    sheet.merged_cells.ranges.add(CellRange(f"A{row}:{last_column}{row}"))


@functools.cache
def _wide_characters():
    """A pattern of every character Unicode calls wide or full-width (W, F), built on first use (70 ms)."""
    ranges, start = [], None
    for code in range(0x20000):
        wide = unicodedata.east_asian_width(chr(code)) in "WF"
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append((start, code - 1))
            start = None
    if start is not None:
        ranges.append((start, 0x1FFFF))
    # Planes 2 and 3 (CJK extensions) are wide throughout.
    ranges.append((0x20000, 0x3FFFD))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def display_width(text):
    """Width of `text` in Excel's column units: a Chinese character takes two.

    Counted by a pattern in C rather than a Python loop over the characters: the bulletin
    measures every cell of 100,000 rows for the rows' heights.
    """
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(_wide_characters().sub("", text))


def lines_needed(text, width):
    """How many lines `text` wraps to in a column `width` units wide."""
    usable = max(1, width - 1)  # the cell's padding
    return sum(max(1, -(-display_width(line) // usable)) for line in text.split("\n"))


def append_fitted(sheet, row, cells, widths, *, line_height=15, padding=4):
    """Append `cells` as row number `row`, tall enough to show all their wrapped text.

    Neither Excel nor LibreOffice grows a row to fit wrapped text in a file it opens
    (only when the text is typed in), so the height is estimated from the text. The
    row's dimension is dropped once written, so a long sheet does not keep one per row.
    """
    lines = max(
        (
            lines_needed(cell.value, width)
            for cell, width in zip(cells, widths, strict=False)
            if cell.data_type == "s" and cell.value
        ),
        default=1,
    )
    sheet.row_dimensions[row].height = lines * line_height + padding
    sheet.append(cells)
    del sheet.row_dimensions[row]
