"""A synthetic notice of `times` × the 84 tasks of 昌府办字〔2021〕20号, for timing imports at size.

The 2021 notice's text (fixtures/changjiang-2021.txt, lines 89–727) with each task row repeated
`times` times, the copies numbered on. Sections and subsections stay as they are (their declared
counts then no longer match: the importer reports that, as it should).
"""

import re
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "changjiang-2021.txt"
FIRST_LINE, LAST_LINE = 89, 727  # the notice (issuer and title first), up to the end of its task table
TASK_NUMBER = re.compile(r"^\t\d+$")


def synthetic_notice(times: int = 100) -> str:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()[FIRST_LINE - 1 : LAST_LINE]
    blocks, block = [], []
    for line in lines:
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    out, number = [], 0
    for block in blocks:
        if TASK_NUMBER.match(block[0]):
            for _copy in range(times):
                number += 1
                out.append([f"\t{number}", *block[1:]])
        else:
            out.append(block)
    return "\n\n".join("\n".join(block) for block in out) + "\n"
