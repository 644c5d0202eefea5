#!/usr/bin/env bash
# Mutation testing (mutmut) of the core modules, each against the tests that guard it:
#
#   mutation/run.sh [NAME…]      (make mutants; make mutants MUTANTS="derivation permissions")
#
# NAME is one of the modules below (default: all). For each, the committed files are copied
# into .mutants/NAME/ (the work tree is never touched), mutmut's configuration is written there
# for the module's files and tests, every mutant is run (two at a time: MUTANT_CHILDREN) and the
# score and the surviving mutants are printed; .mutants/NAME/survivors.txt has each survivor's
# diff. Not part of `make test` or .ci/run: it takes tens of minutes per module.
# MUTANT_RESUME=1 goes on with a stopped run instead of starting again; MUTANT_CHILDREN sets how
# many mutants run at once (2; at nice 19 more only take more of the idle time).
#
# The oracle's property test runs GOVTASKS_ORACLE_EXAMPLES examples (15 here, 40 in the suite)
# under the hypothesis profile "mutants" (no shrinking): the first failing example kills a mutant.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# NAME: "files to mutate (comma-separated) | tests that guard them [| the functions' mutants to run]"
# A selection keeps a module to the functions named in the issue where a file also holds code
# other tests guard: the derivation's mutants are those of the functions that derive a task's
# state (the ?as_of= parser in the same file is guarded by test_filtersets.py); the stored
# states and unit tallies are a module of their own, because their tests build 300-task worlds;
# of columns.py only the deadline and unit-cell readers (the table layout is the corpus' job),
# against the parsers' tests that need no database (a test database per mutant is most of its cost);
# the permissions' closure, instruction and publication rules against the tests of those pages.
sel() { local prefix=$1; shift; for f in "$@"; do printf '%s.%s__mutmut_* ' "$prefix" "$f"; done; }
declare -A MODULES=(
  [derivation]="tasks/state/derive.py,tasks/state/__init__.py,tasks/querysets.py | tasks/tests/test_state_oracle.py tasks/tests/test_latest_report.py tasks/tests/test_filter_meaning.py tasks/tests/test_progress_rules.py | $(sel tasks.state.derive x_derivation x_light_rules x_reporting_period x_end_of_day x_day_number x_rules_key x_with_derived_state x_answering_unit x_by_answering_unit 'xǁDayNumberǁas_sqlite') $(sel tasks.state x_reads_store x_tasks_as_of x_refresh_stale_store) $(sel tasks.querysets 'xǁTaskQuerySetǁwith_light_reasons' 'xǁProgressReportQuerySetǁnewest_first')"
  [store]="tasks/state/store.py,tasks/state/tallies.py,tasks/state/derive.py,tasks/state/__init__.py | tasks/tests/test_state_store.py | $(sel tasks.state.store x_ensure_fresh x_refresh x__holds x__refresh x_empty_tables x__take_turn x__take_stamps x__store) $(sel tasks.state.tallies x_rebuild x_forget x_remember x__table x__where x__store_pairs x__add) $(sel tasks.state.derive x_reach_count x_through_collectives_count x_count_links) $(sel tasks.state x_units_as_of)"
  [permissions]="tasks/permissions.py,tasks/roles.py | tasks/tests/test_permissions.py tasks/tests/test_permission_edges.py tasks/tests/test_roles.py tasks/tests/test_services.py tasks/tests/test_closure.py tasks/tests/test_instructions.py $(printf 'tasks/tests/test_progress_views.py::%s ' test_the_public_page_shows_only_what_the_office_published_in_its_own_words)"
  [services]="tasks/progress/services.py | tasks/tests/test_services.py tasks/tests/test_survivors.py tasks/tests/test_fillin.py tasks/tests/test_report_months.py"
  [closure]="tasks/closure/services.py | tasks/tests/test_closure.py"
  [parsers]="tasks/importers/unit_names.py,tasks/importers/columns.py | tasks/tests/test_parsers.py $(printf 'tasks/tests/test_xlsx_import.py::%s ' test_the_2021_notice_as_a_sheet_reads_as_its_text_does test_columns_by_header_first_unit_is_the_lead_and_units_split_on_every_separator test_free_text_deadlines_kept_as_written_and_turned_into_dates test_read_deadline test_headings_split_over_two_cells_and_ascii_brackets_and_merged_unit_cells test_a_lead_unit_merged_down_a_word_table_leads_every_task_it_covers test_tables_that_cannot_be_imported) $(printf 'tasks/tests/test_survivors.py::%s ' test_a_spelling_whose_characters_are_out_of_order_is_not_guessed_as_an_abbreviation test_a_staged_deadline_written_latest_first_is_the_latest_date) | $(sel tasks.importers.unit_names x_looks_complete x_kind_of x_join_broken_names x_split_run_together x_unit_names_of_cell x_is_abbreviation x_resolve_spellings) $(sel tasks.importers.columns x_read_deadline x_task_deadline x_split_units)"
)
ORDER=(derivation store permissions services closure parsers)

run_module() {
  local name=$1 spec=${MODULES[$1]}
  local files tests selection
  IFS="|" read -r files tests selection <<< "$spec"
  local work=.mutants/$name
  if [[ -n ${MUTANT_RESUME:-} && -d $work/mutants ]]; then
    # Go on with a run that was stopped: mutmut keeps each mutant's result and the tests' stats in
    # $work/mutants, and runs only the mutants not checked yet (on the code that run copied).
    echo "$name: resuming the run in $work"
  else
    rm -rf "$work"
    mkdir -p "$work"
    git archive --format=tar HEAD | tar -xf - -C "$work"
  fi
  {
    echo "[mutmut]"
    echo "source_paths = tasks/"
    echo "only_mutate ="
    for file in ${files//,/ }; do echo "    $file"; done
    echo "also_copy ="
    for entry in govtasks core bench meetings commendations fixtures templates static locale conftest.py pytest.ini manage.py; do
      echo "    $entry"
    done
    echo "pytest_add_cli_args = -p no:cacheprovider -x -q"
    # Each mutant's run sets up a test database first: its time limit is not a few test durations.
    echo "timeout_constant = ${MUTANT_TIMEOUT:-120}"
    echo "pytest_add_cli_args_test_selection ="
    for test in $tests; do echo "    $test"; done
  } > "$work/setup.cfg"
  (
    cd "$work"
    export GOVTASKS_ORACLE_EXAMPLES=${GOVTASKS_ORACLE_EXAMPLES:-15} HYPOTHESIS_PROFILE=mutants
    # SQLite in memory: each of the mutant runs that go at once gets a test database of its own
    # (on PostgreSQL they would all create and drop the same test_NAME).
    unset DATABASE_URL
    # MUTANT_SELECTION: mutmut's mutant-name globs (fnmatch), e.g. "tasks.querysets.x_light_rules*".
    set -f  # the selection's * are mutmut's, not the shell's
    local wanted=${MUTANT_SELECTION:-$selection}
    if [[ -n ${MUTANT_RESUME:-} && -d mutants ]]; then
      # mutmut runs again every mutant it is named, checked or not: name only those not checked yet.
      "$root/.venv/bin/mutmut" results --all true > results.txt 2>&1 || true
      # shellcheck disable=SC2086
      wanted=$("$root/.venv/bin/python" "$root/mutation/score.py" --unchecked results.txt $wanted)
      [[ -n $wanted ]] || wanted="nothing-left-to-run"
      cat run.log >> run-before-resume.log 2>/dev/null || true
    fi
    # At the lowest priority: it runs for tens of minutes on machines that do other work.
    # shellcheck disable=SC2086
    nice -n "${MUTANT_NICENESS:-19}" "$root/.venv/bin/mutmut" run --max-children "${MUTANT_CHILDREN:-2}" $wanted > run.log 2>&1 || true
    "$root/.venv/bin/mutmut" results --all true > results.txt 2>&1 || true
    "$root/.venv/bin/python" "$root/mutation/score.py" "$name" results.txt | tee score.txt
    # The diff of every surviving mutant, to judge it (README lists each with what was done about it).
    grep "survived:" score.txt | sed 's/^ *survived: \([^ ]*\).*/\1/' | while read -r mutant; do
      "$root/.venv/bin/mutmut" show "$mutant"
    done > survivors.txt 2>&1 || true
  )
}

names=("$@")
((${#names[@]})) || names=("${ORDER[@]}")
for name in "${names[@]}"; do
  [[ -n "${MODULES[$name]:-}" ]] || { echo "Unknown module $name: one of ${ORDER[*]}" >&2; exit 2; }
done
for name in "${names[@]}"; do
  run_module "$name"
done
