"""The floor the bulletin export is measured against: the same rows written by a plain openpyxl
write_only loop — the same nine values a task, no styles, no heading rows, no row heights, no
summary, no statistics sheet.

The rows come from the bulletin's own reader (`bulletin_rows`: one streamed query of plain values
and one query a chunk for the units), so the floor and the export read the same data the same way
and their ratio is what the bulletin's layout costs over the library's own speed of writing cells.
"""

from openpyxl import Workbook

from tasks.workbooks.bulletin import bulletin_rows


def write_floor(tasks, out, *, as_of):
    """Write one plain row per task of `tasks` (as write_bulletin takes them) to `out`; returns the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("floor")
    written = 0
    for task in bulletin_rows(tasks, as_of):
        sheet.append(
            [
                task.label,
                task.text,
                "\n".join(task.lead_names),
                "\n".join(task.responsible_names),
                task.current_deadline,
                task.latest_done or "",
                task.status,
                task.percent / 100,
                task.light,
            ]
        )
        written += 1
    workbook.save(out)
    return written
