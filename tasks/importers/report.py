"""What an import tells the administrator: anomalies met in the source, and fatal errors.

Every quirk of a source document is reported with its line number rather than silently
"fixed": the clerk can then check the original and correct the record or the document.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Anomaly:
    """A quirk of the source that the parser worked around (or could only guess at)."""

    line: int
    code: str  # stable English key, e.g. "unit-broken-over-lines"
    message: str  # for the clerk, in Chinese
    where: str = ""  # the place in the format's own words ("表格1第5行"); else 第N行

    def __str__(self):
        return f"{self.where or f'第{self.line}行'} [{self.code}] {self.message}"


class SourceError(Exception):
    """The source cannot be imported; nothing is written. Carries the offending line."""

    def __init__(self, line, message, source="", where=""):
        place = " ".join(part for part in (source, where or (f"第{line}行" if line else "")) if part)
        super().__init__(f"{place}：{message}" if place else message)
        self.line = line
        self.message = message
        self.source = source
        self.where = where  # the place in the format's own words, kept so the error can be rebuilt


def refuse(problems, source=""):
    """Raise one SourceError naming every problem found, so a clerk fixes a file in one go.

    `problems` are (line, message) pairs; line 0 means the file as a whole.
    """
    problems = sorted(set(problems), key=lambda problem: problem[0])
    if len(problems) == 1:
        raise SourceError(*problems[0], source=source)
    error = SourceError(problems[0][0], problems_message(problems), source=source)
    error.problems = problems
    raise error


def problems_message(problems, where=None):
    """ "发现N个问题：" and one line per problem, each with its place (`where(line)`, else 第N行)."""
    where = where or (lambda line: f"第{line}行")
    listed = "\n".join(f"  {where(line) + '：' if line else ''}{message}" for line, message in problems)
    return f"发现{len(problems)}个问题：\n{listed}"
