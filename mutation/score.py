"""Prints a mutmut run's score from `mutmut results --all true` output: killed / all mutants.

A mutant no test reaches ("no tests") counts against the score like a survivor; a timeout
counts as killed (the mutant made a test loop or hang, which a test run would notice).
Usage: python mutation/score.py NAME RESULTS_FILE
       python mutation/score.py --unchecked RESULTS_FILE PATTERN…   (the mutants a resumed run still has to run)
"""

import collections
import fnmatch
import sys


def main(name: str, results_path: str) -> None:
    statuses = collections.Counter()
    surviving = []
    with open(results_path, encoding="utf-8") as results:
        for line in results:
            key, sep, status = line.strip().rpartition(": ")
            if not sep or not key:
                continue
            if status == "not checked":  # outside this run's selection (or the run was stopped)
                continue
            statuses[status] += 1
            if status not in ("killed", "timeout", "skipped"):
                surviving.append(f"{key} ({status})")
    total = sum(count for status, count in statuses.items() if status != "skipped")
    killed = statuses["killed"] + statuses["timeout"]
    score = 100 * killed / total if total else 0.0
    details = ", ".join(f"{status} {count}" for status, count in sorted(statuses.items()))
    print(f"{name}: {killed} of {total} mutants killed, score {score:.1f} % ({details})")
    for mutant in surviving:
        print(f"  survived: {mutant}")


def unchecked(results_path: str, patterns: list[str]) -> None:
    """Prints the mutants not checked yet whose names match one of `patterns` (mutmut's globs)."""
    with open(results_path, encoding="utf-8") as results:
        for line in results:
            key, sep, status = line.strip().rpartition(": ")
            if sep and status == "not checked" and any(fnmatch.fnmatch(key, pattern) for pattern in patterns):
                print(key)


if __name__ == "__main__":
    if sys.argv[1] == "--unchecked":
        unchecked(sys.argv[2], sys.argv[3:])
    else:
        main(*sys.argv[1:3])
