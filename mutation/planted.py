"""Puts back, one at a time, the bugs issue 19 planted by hand, and says which tests fail on each.

    python mutation/planted.py [NAME…]        (make planted)

Each bug is one text replacement in the committed code, copied into .mutants/planted/ (the work
tree is never touched): the replacement is made, the tests named for it run, the file is put
back. A bug that no test catches is printed as MISSED and the command exits 1; a replacement
whose text is no longer in the code (the code moved on) is an error too, so this list cannot rot
silently. Runs on SQLite unless DATABASE_URL is set; the oracle test runs without shrinking
(profile "mutants": the first failing example is enough).
"""

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutants" / "planted"
ORACLE = "tasks/tests/test_state_oracle.py"
LATEST = "tasks/tests/test_latest_report.py"
SURVIVORS = "tasks/tests/test_survivors.py"
FILTERS = "tasks/tests/test_filter_meaning.py"


@dataclasses.dataclass(frozen=True)
class Bug:
    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


BUGS = [
    Bug(
        "percent-reviewed-last",
        "1. a task's percent from the report reviewed last (a May correction accepted after June's)",
        "tasks/state/derive.py",
        'accepted.newest_first().values("percent")',
        'accepted.order_by("-reviewed_at").values("percent")',
        (ORACLE, LATEST),
    ),
    Bug(
        "bulletin-text-own-order",
        "1. the bulletin ordering its progress text its own way (June's text beside May's percent)",
        "tasks/workbooks/bulletin.py",
        '.filter(by_answering_unit(OuterRef("answering_unit_id")))\n        .newest_first()',
        '.filter(by_answering_unit(OuterRef("answering_unit_id")))\n        .order_by("-reviewed_at")',
        (LATEST,),
    ),
    Bug(
        "fillin-last-report-own-order",
        "1. the fill-in sheet's 上次报送 ordered by review time",
        "tasks/workbooks/fillin.py",
        'ProgressReport.objects.filter(task=OuterRef("pk"), unit=unit).newest_first()',
        'ProgressReport.objects.filter(task=OuterRef("pk"), unit=unit).order_by("-reviewed_at")',
        (LATEST,),
    ),
    Bug(
        "townships-of-a-later-notice",
        "2. townships named only in a later notice not joining 各乡镇（街道） on re-import",
        "tasks/importers/load.py",
        "collectives.setdefault(collective, None)",
        "pass",
        (SURVIVORS,),
    ),
    Bug(
        "unreported-inverted",
        "3. the 本期未报送 filter inverted",
        "tasks/filtersets.py",
        'queryset.filter(unreported=value == "true")',
        'queryset.filter(unreported=value != "true")',
        (FILTERS,),
    ),
    Bug(
        "behind-strictly",
        "3. 落后序时进度 ≥ N become > N",
        "tasks/filtersets.py",
        'field_name="gap", lookup_expr="gte"',
        'field_name="gap", lookup_expr="gt"',
        (FILTERS,),
    ),
    Bug(
        "review-twice",
        "4. a reviewed report reviewed again by a crafted POST carrying the current version",
        "tasks/progress/services.py",
        "filter(pk=report.pk, version=version, state=ProgressReport.State.SUBMITTED)",
        "filter(pk=report.pk, version=version)",
        (SURVIVORS,),
    ),
    Bug(
        "reminder-to-deactivated",
        "5. reminder mail to deactivated liaisons",
        "tasks/progress/services.py",
        "UnitLiaison.objects.filter(unit=unit, user__is_active=True)",
        "UnitLiaison.objects.filter(unit=unit)",
        (SURVIVORS,),
    ),
    Bug(
        "first-extension-kept",
        "5. a second approved extension not moving the deadline (the first one approved kept)",
        "tasks/state/derive.py",
        'decided_at__lt=cutoff\n    ).order_by("-decided_at", "-pk")',
        'decided_at__lt=cutoff\n    ).order_by("decided_at", "pk")',
        (ORACLE, SURVIVORS),
    ),
    Bug(
        "fillin-refuses-correction",
        "5. a returned report the fill-in sheet refuses to correct (returned ones counted as reported)",
        "tasks/workbooks/fillin.py",
        "ProgressReport.objects.filter(unit=unit, period=sheet.period, task__in=mine)\n"
        "        .exclude(state=ProgressReport.State.RETURNED)",
        "ProgressReport.objects.filter(unit=unit, period=sheet.period, task__in=mine)",
        (SURVIVORS,),
    ),
    Bug(
        "alias-out-of-order",
        "5. alias guesses ignoring character order",
        "tasks/importers/unit_names.py",
        "rest = iter(full)\n    return all(char in rest for char in short)",
        "return all(char in full for char in short)",
        (SURVIVORS,),
    ),
    Bug(
        "staged-deadline-last-written",
        "5. a staged deadline written latest-first taking the date written last (the earlier one)",
        "tasks/importers/columns.py",
        "deadline = max(dates)",
        "deadline = dates[-1]",
        (SURVIVORS,),
    ),
]


def copy_committed_tree() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-xf", "-"], cwd=WORK, input=archive.stdout, check=True)
    # The compiled translations are build output (not committed); the tests read Chinese and English.
    for compiled in ROOT.glob("locale/*/LC_MESSAGES/*.mo"):
        shutil.copy(compiled, WORK / compiled.relative_to(ROOT))


def run(bug: Bug) -> tuple[bool, list[str]]:
    """(caught?, the tests that failed) with `bug` put back."""
    target = WORK / bug.path
    original = target.read_text(encoding="utf-8")
    if original.count(bug.old) != 1:
        raise SystemExit(f"{bug.name}: the text to replace is not once in {bug.path} (the code moved on): {bug.old!r}")
    target.write_text(original.replace(bug.old, bug.new), encoding="utf-8")
    try:
        result = subprocess.run(
            [str(ROOT / ".venv/bin/pytest"), "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rf", *bug.tests],
            cwd=WORK,
            env={**os.environ, "HYPOTHESIS_PROFILE": "mutants"},
            capture_output=True,
            text=True,
            check=False,  # a failing test is what is looked for; the exit code is read below
        )
    finally:
        target.write_text(original, encoding="utf-8")
    failed = [
        re.sub(r" - .*", "", line.removeprefix("FAILED "))
        for line in result.stdout.splitlines()
        if line.startswith("FAILED ")
    ]
    if result.returncode not in (0, 1):
        raise SystemExit(f"{bug.name}: pytest could not run the tests (exit {result.returncode}):\n{result.stdout}")
    return result.returncode == 1, failed


def main(names: list[str]) -> int:
    unknown = set(names) - {bug.name for bug in BUGS}
    if unknown:
        raise SystemExit(f"unknown: {', '.join(sorted(unknown))}; one of {', '.join(bug.name for bug in BUGS)}")
    copy_committed_tree()
    missed = 0
    for bug in BUGS:
        if names and bug.name not in names:
            continue
        caught, failed = run(bug)
        missed += not caught
        print(f"{'caught' if caught else 'MISSED'}  {bug.name}: {bug.what}", flush=True)
        for test in failed:
            print(f"        {test}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
