"""Rebuild a table that a web page flattened to one cell per line, so columns.py can read it as any table.

Pure: (line, text) pairs in, a Grid (or None when the lines hold no such table) out.

    项 目 / 分值 / 目标任务 / 监考单位          ← the header, one cell per line
    宏观调控                                    ← a category, printed once over its block
    地区生产总值增长率 / 3 / 年终根据…考核 / 区发改局区统计局
    社会消费品零售总额增长率 / 3                ← target and unit merged from the row above: not printed

Lines cannot be counted into rows, because cells merged down several rows are printed
only once. So each line is read by what it is: a unit list (every name ends like a
unit), a number (a score column's value), or text. A row is the task's text, then the
later columns in header order, each possibly missing; a text line right after the
score is the next row's task when a number follows it (a task is always followed by its
score), else the target. A text line followed by another text line at the start of a
row is a category. Missing unit cells stay empty and columns.py inherits them from the
row above, reporting it; the last row, cut off before its units, is reported, not read.
"""

import re

from .columns import Grid, column_role, normalise_header
from .report import Anomaly
from .unit_lists import UNIT_ENDINGS, parse_unit_list

NUMBER = re.compile(r"^[<>≥≤约低高于不超过]*\s*-?\d+(?:\.\d+)?\s*%?$")
MIN_HEADER_CELLS = 3


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text.replace(" ", "")))


def is_unit_list(text: str) -> bool:
    """Every name in the line ends like a unit's name, and the line reads as nothing else."""
    if is_number(text) or len(text) > 60 or re.search(r"\d", text):
        return False
    names = parse_unit_list(text).names
    return bool(names) and all(name.endswith((*UNIT_ENDINGS, ")", "）")) and len(name) <= 25 for name in names)


def find_flat_header(lines: list[tuple[int, str]]) -> tuple[int | None, list[str]]:
    """(index of the header's first line, its cells) for the first run of header cells with a task and a unit column."""
    for start in range(len(lines)):
        cells = []
        for _line, text in lines[start:]:
            role = column_role(text)
            if role is None or len(normalise_header(text)) > 8:
                break
            cells.append(normalise_header(text))
        roles = [column_role(cell) for cell in cells]
        if len(cells) >= MIN_HEADER_CELLS and "text" in roles and ({"lead", "responsible"} & set(roles)):
            return start, cells
    return None, []


def flat_table_grid(lines: list[tuple[int, str]]) -> tuple[Grid | None, list[Anomaly]]:
    """(Grid, anomalies) for a table flattened one cell per line, or (None, []) when there is none."""
    lines = [(line, text.strip()) for line, text in lines if text.strip()]
    start, header = find_flat_header(lines)
    if start is None:
        return None, []
    roles = [column_role(cell) for cell in header]
    text_at = roles.index("text")
    after = roles[text_at + 1 :]  # the columns after the task's text, in order
    body = lines[start + len(header) :]
    rows, anomalies = [], []
    category = ""
    index = 0
    while index < len(body):
        line, text = body[index]
        following = body[index + 1][1] if index + 1 < len(body) else ""
        if not is_number(text) and not is_unit_list(text) and following and not is_number(following):
            if not is_unit_list(following):
                category = text  # a category line: the next line starts the row
                index += 1
                continue
        row = {"line": line, "text": text, "category": category}
        index += 1
        filled = []
        while index < len(body):
            value = body[index][1]
            next_value = body[index + 1][1] if index + 1 < len(body) else ""
            if is_unit_list(value):
                row["units"] = value
                index += 1
                break
            if "score" in after and "score" not in filled and is_number(value):
                filled.append("score")
                row["score"] = value
                index += 1
                continue
            # Text after the values: the next row's task if a number (its score) follows, else our target.
            if filled and not (is_number(next_value) and not is_number(value)) and "target" not in filled:
                filled.append("target")
                row["target"] = value
                index += 1
                continue
            break
        rows.append(row)
    if rows and "units" not in rows[-1] and rows[-1] is not rows[0]:
        cut = rows.pop()
        anomalies.append(
            Anomaly(cut["line"], "row-cut-off", f"最后一行“{cut['text']}”没有单位，文件可能在此截断，未导入。")
        )
    # The category takes a column headed like the task's, as a merged "项 目" over both is read.
    grid_rows = [(lines[start][0], [header[text_at], *header[text_at:]])]
    for row in rows:
        cells = [row["category"], row["text"]]
        for role in after:
            cells.append(
                row.get("units", "")
                if role in {"lead", "responsible"}
                else row.get("score", "")
                if role == "score"
                else row.get("target", "")
            )
        grid_rows.append((row["line"], cells))
    anomalies.append(
        Anomaly(lines[start][0], "table-flattened", "任务表被拆成每格一行：已按内容重建各行（单位、分值、文字）。")
    )
    paragraphs = lines[:start]
    return Grid(paragraphs=paragraphs, rows=grid_rows, text="\n".join(text for _line, text in lines)), anomalies
