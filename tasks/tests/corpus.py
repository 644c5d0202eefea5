"""Score the importer against the hand-made gold of fixtures/corpus/ (other offices' real notices).

Used by test_corpus.py and by `python -m tasks.tests.corpus` (which prints the README's table).
A file is read through the same path as the command and the upload page (`parse_file`),
given only the facts its gold says the excerpt lacks (as a clerk would type them).
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from tasks.importers.columns import DocumentFacts
from tasks.importers.notice import NoticeData
from tasks.importers.report import SourceError
from tasks.importers.uploads import parse_file

from .pdf_files import text_pdf

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
FORMATS = ("txt", "docx", "xlsx", "pdf")
# What a refusal must name for each kind that gives no tasks.
# A meeting record is not refused: it is read as a meeting.
REFUSAL_WORDS = {"bulletin": "通报", "progress-table": "完成情况"}


@dataclass
class Score:
    stem: str
    format: str
    kind: str
    expected: int = 0
    found: int = 0
    text: int = 0
    lead: int = 0
    responsible: int = 0
    deadlines: int = 0
    deadlines_expected: int = 0
    kind_right: bool = False
    problems: list = field(default_factory=list)

    @property
    def perfect(self):
        return (
            self.kind_right
            and self.found == self.expected == self.text == self.lead == self.responsible
            and self.deadlines == self.deadlines_expected
        )


def gold_of(stem):
    return json.loads((CORPUS / f"{stem}.gold.json").read_text(encoding="utf-8"))


def stems():
    return sorted(path.name.removesuffix(".gold.json") for path in CORPUS.glob("*.gold.json"))


def files_of(stem):
    """(format, path) of the corpus's files; "pdf" is made here from the .txt (see pdf_of)."""
    found = [(fmt, CORPUS / f"{stem}.{fmt}") for fmt in FORMATS if (CORPUS / f"{stem}.{fmt}").exists()]
    return found + [("pdf", CORPUS / f"{stem}.txt")]


def pdf_of(path, lines_per_page=40):
    """A text-layer PDF of a .txt, as a PDF printed from the notice would carry it, page after page."""
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    pages = [lines[start : start + lines_per_page] for start in range(0, len(lines), lines_per_page)]
    return text_pdf(pages)


def raw_of(fmt, path):
    return pdf_of(path) if fmt == "pdf" else path.read_bytes()


def facts_the_file_lacks(gold):
    """What a clerk types because the excerpt does not print it (the gold's notes say so)."""
    document = gold["document"]
    issued_on = document.get("issued_on")
    # A table that prints no date at all: the clerk gives the year's first day.
    return DocumentFacts(
        issued_on=datetime.date.fromisoformat(issued_on) if issued_on else datetime.date(2021, 1, 1),
    )


def score(stem, fmt, raw=None, path=None):
    gold = gold_of(stem)
    raw = raw if raw is not None else raw_of(fmt, path)
    result = Score(stem=stem, format=fmt, kind=gold["kind"], expected=len(gold.get("tasks", [])))
    try:
        parsed, _anomalies = parse_file(f"{stem}.{fmt}", raw, facts_the_file_lacks(gold))
    except SourceError as error:
        result.kind_right = gold["kind"] in REFUSAL_WORDS and REFUSAL_WORDS[gold["kind"]] in error.message
        result.problems.append(str(error))
        return result
    notices = [data for _handler, data in parsed if isinstance(data, NoticeData)]
    if gold["kind"] != "assignment":
        kinds = {handler.name for handler, _data in parsed}
        result.kind_right = gold["kind"] == "meeting-record" and "常务会议纪要" in kinds
        return result
    result.kind_right = len(notices) == 1
    tasks = notices[0].tasks if notices else []
    result.found = len(tasks)
    for expected, task in zip(gold["tasks"], tasks, strict=False):
        checks = {
            "text": task.text == expected["text"],
            "lead": [unit.name for unit in task.lead] == expected["lead"],
            "responsible": [unit.name for unit in task.responsible] == expected["responsible"],
        }
        for name, right in checks.items():
            setattr(result, name, getattr(result, name) + right)
            if not right:
                result.problems.append(f"task {expected['seq']} {name}")
        if expected.get("deadline"):
            result.deadlines_expected += 1
            if task.deadline_stated and f"{task.deadline:%Y-%m-%d}" == expected["deadline"]:
                result.deadlines += 1
            else:
                result.problems.append(f"task {expected['seq']} deadline {task.deadline}")
    return result


def all_scores():
    return [score(stem, fmt, path=path) for stem in stems() for fmt, path in files_of(stem)]


def table(scores):
    """The README's table: one row per file and format."""
    lines = [
        "| file | format | kind told apart | tasks found | text right | lead right | responsible right | deadlines right |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item in scores:
        deadlines = f"{item.deadlines}/{item.deadlines_expected}" if item.deadlines_expected else "—"
        lines.append(
            f"| {item.stem} | {item.format} | {'yes' if item.kind_right else 'no'} | {item.found}/{item.expected} "
            f"| {item.text}/{item.expected} | {item.lead}/{item.expected} | {item.responsible}/{item.expected} "
            f"| {deadlines} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    django.setup()
    print(table(all_scores()))
