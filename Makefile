# The two commands a newcomer needs on a fresh Debian machine (see README.md):
#   make run    set up, load the 2021 documents, create the office administrator, serve on 127.0.0.1:8000
#   make test   set up, compile translations, check migrations, run the whole test suite
# Both run on SQLite in the checkout unless DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/govtasks).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
ADDRESS ?= 127.0.0.1:8000
DOCUMENTS ?= fixtures/changjiang-2021.txt
ADMIN_USERNAME ?= admin
# The background worker `make run` starts beside the web server (mail of notices, big exports):
# the database queue's by default; `WORKER="rqworker default"` with GOVTASKS_TASKS_BACKEND=rq.
WORKER ?= db_worker
PYTEST_ARGS ?=
# pytest-xdist workers: one per core (PYTEST_WORKERS=0 runs in one process, e.g. to debug).
PYTEST_WORKERS ?= auto

# Debian packages: gettext compiles the translations; Chromium and a CJK font drive and
# render the browser tests (without the font every Chinese character is a box).
RUN_PACKAGES := gettext
TEST_PACKAGES := chromium fonts-noto-cjk gettext
# Debian's own python3 cannot create a venv without python3-venv; other Pythons (pyenv) can.
VENV_PACKAGE := $(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv)

# Installs the Debian packages in $(1) that are missing, with one apt-get update. Only root
# can; anyone else is told what to run, and the step that needs the package says so later.
# Without recommended packages: Chromium alone would otherwise bring 115 packages (systemd,
# avahi-daemon among them) onto the machine.
define apt_install
missing=""; \
for package in $(1); do \
  dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
done; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$$(id -u)" = 0 ]; then \
  echo "Installing Debian packages:$$missing"; \
  apt-get update -q; \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
else \
  echo "*** Missing Debian packages:$$missing. Install them with: sudo apt-get install$$missing" >&2; \
fi
endef

.PHONY: run test setup run-packages test-packages messages fixtures mutants planted

run: run-packages setup messages
	$(MANAGE) ensure_database
	$(MANAGE) migrate --no-input
	$(MANAGE) import_documents $(DOCUMENTS)
	$(MANAGE) create_admin --username $(ADMIN_USERNAME) --address $(ADDRESS)
	@echo "Starting the background worker ($(WORKER)) beside the web server; Ctrl-C stops both."
	$(MANAGE) $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null || true' EXIT; \
	$(MANAGE) runserver $(ADDRESS)

# pytest exits 5 when it collected no test: a suite that ran nothing must not pass.
test: test-packages setup messages
	$(MANAGE) ensure_database
	$(MANAGE) makemigrations --check --dry-run
	@echo "$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)"; \
	status=0; $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "*** pytest collected no tests: treated as a failure" >&2; fi; \
	exit $$status

run-packages:
	@$(call apt_install,$(RUN_PACKAGES) $(VENV_PACKAGE))

test-packages:
	@$(call apt_install,$(TEST_PACKAGES) $(VENV_PACKAGE))

setup: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalls whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# Compiled catalogues (.mo) are build output; compile them from the .po files when there are any.
messages: setup
	@if [ -n "$$(find . -path ./$(VENV) -prune -o -type d -name locale -print -quit)" ]; then \
	  $(MANAGE) compilemessages --ignore=$(VENV); \
	fi

# Regenerates fixtures/changjiang-2021.json from the source text with the importer, on a
# throw-away SQLite database; tasks/tests/test_import_documents.py checks the two agree.
FIXTURE_DB := $(shell mktemp -u /tmp/govtasks-fixture-XXXXXX.sqlite3)
fixtures: setup
	DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) migrate --no-input -v0
	DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) import_documents $(DOCUMENTS) > /dev/null
	DATABASE_URL=sqlite:///$(FIXTURE_DB) $(MANAGE) dumpdata tasks commendations meetings \
	  --exclude tasks.progressreport --exclude tasks.taskstamp --exclude tasks.taskstate \
	  --exclude tasks.handover --exclude tasks.taskevent \
	  --indent 1 -o $(basename $(DOCUMENTS)).json
	rm -f $(FIXTURE_DB)

# Mutation testing of the state derivation, permissions, services and the unit/deadline parsers
# (README "Mutation testing"); not part of `make test`: tens of minutes per module on two cores.
# One module: make mutants MUTANTS=derivation
MUTANTS ?=
mutants: setup
	bash mutation/run.sh $(MUTANTS)

# The bugs issue 19 planted by hand, put back one at a time into a copy of the committed tree:
# each must make the tests named for it fail (README "Tests that fail when a user would be hurt").
planted: setup messages
	nice -n 19 $(BIN)/python mutation/planted.py $(PLANTED)
