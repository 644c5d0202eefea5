"""The fault test (loadtest/faults.py) as a test: off by default, RUN_FAULT_TESTS=1 to run it.

It needs root (its own PostgreSQL runs as the postgres user), the PostgreSQL 15 binaries, free
ports 5439 and 8109, and about four minutes; it starts and stops everything it uses by pid.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(os.environ.get("RUN_FAULT_TESTS") != "1", reason="set RUN_FAULT_TESTS=1 to run the fault test"),
]


@pytest.fixture(scope="module")
def findings():
    result = subprocess.run(
        [sys.executable, "-m", "loadtest.faults", "--duration", "75", "--kill-at", "50"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    found = json.loads(result.stdout)
    found["exit_status"] = result.returncode
    found["stderr"] = result.stderr
    return found


def test_nothing_acknowledged_is_lost_doubled_or_half_written(findings):
    reports = findings["reports"]

    assert reports["acknowledged"] > 0
    assert reports["lost"] == 0
    assert reports["duplicated"] == 0
    assert reports["without_timeline_row"] == 0
    assert reports["two_live_reports_for_one_month"] == 0


def test_the_database_outage_answers_503_and_heals_by_itself(findings):
    restart = findings["database_restart"]

    assert restart["their_statuses"].get("503", 0) > 0
    assert restart["server_errors_500"] == 0
    assert restart["hung_past_client_timeout"] == 0
    assert restart["seconds_until_first_success_after_restart"] is not None
    assert restart["seconds_until_first_success_after_restart"] < 10
    assert restart["errors_later_than_10_s_after_restart"] == 0


def test_a_killed_worker_is_replaced(findings):
    killed = findings["worker_killed"]

    assert killed["replaced"]
    assert killed["gunicorn_logged_it"]


def test_the_script_found_no_problem(findings):
    assert findings["exit_status"] == 0, findings["stderr"]
