"""Fails unless a pytest JUnit report shows the state oracle's property test run and passed.

    python .ci/oracle_ran.py test-results/junit-sqlite.xml

.ci/run calls it after each `make test`: a suite that passes without the oracle (deselected,
skipped, renamed away, not collected) would otherwise look the same as one that checked every
generated history.
"""

import sys
from xml.etree import ElementTree

ORACLE_TEST = "test_the_derivation_agrees_with_the_oracle"


def main(path: str) -> int:
    cases = [
        case
        for case in ElementTree.parse(path).iter("testcase")
        if case.get("classname", "").endswith("test_state_oracle") and case.get("name", "").startswith(ORACLE_TEST)
    ]
    if not cases:
        print(f"*** {path}: the oracle test ({ORACLE_TEST}…) did not run", file=sys.stderr)
        return 1
    for case in cases:
        outcome = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        if outcome:
            print(f"*** {path}: the oracle test {case.get('name')}: {outcome[0]}", file=sys.stderr)
            return 1
        print(f"The oracle test ran and passed in {float(case.get('time', 0)):.0f} s: {case.get('name')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
