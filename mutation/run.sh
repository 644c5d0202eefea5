#!/usr/bin/env bash
# Mutation testing (mutmut) of one core module against the tests that guard it:
#
#   mutation/run.sh NAME MODULE TEST [TEST…]
#
# Copies the committed files into .mutants/NAME/ (so the work tree is never touched and
# several modules can be run one after another), writes mutmut's configuration there for
# MODULE and the TEST files, runs every mutant (two at a time) and prints the score and the
# surviving mutants. `make mutants` runs it for each module README's "Mutation testing" names;
# it is not part of `make test` or .ci/run (it takes tens of minutes).
#
# GOVTASKS_ORACLE_EXAMPLES and the hypothesis profile "mutants" keep the property test short
# per mutant: a mutant is killed by the first failing example, no shrinking needed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
name=$1 module=$2
shift 2
work=.mutants/$name
rm -rf "$work"
mkdir -p "$work"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work"
{
  echo "[mutmut]"
  echo "source_paths = tasks/"
  echo "only_mutate = $module"
  echo "also_copy ="
  for entry in govtasks meetings commendations fixtures templates static locale conftest.py pytest.ini manage.py; do
    echo "    $entry"
  done
  echo "pytest_add_cli_args = -p no:cacheprovider -x -q"
  # Each mutant's run sets up a test database first: its time limit is not a few test durations.
  echo "timeout_constant = ${MUTANT_TIMEOUT:-120}"
  echo "pytest_add_cli_args_test_selection ="
  for test in "$@"; do echo "    $test"; done
} > "$work/setup.cfg"
cd "$work"
export GOVTASKS_ORACLE_EXAMPLES=${GOVTASKS_ORACLE_EXAMPLES:-15} HYPOTHESIS_PROFILE=mutants
"$root/.venv/bin/mutmut" run --max-children "${MUTANT_CHILDREN:-2}" > run.log 2>&1 || true
"$root/.venv/bin/mutmut" results --all true > results.txt 2>&1 || true
"$root/.venv/bin/python" "$root/mutation/score.py" "$name" results.txt | tee score.txt
# The diff of every surviving mutant, to judge it (README lists each with what was done about it).
grep "survived:" score.txt | sed 's/^ *survived: \([^ ]*\).*/\1/' | while read -r mutant; do
  "$root/.venv/bin/mutmut" show "$mutant"
done > survivors.txt 2>&1 || true
