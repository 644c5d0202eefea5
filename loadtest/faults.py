"""Fault test: PostgreSQL restarted and a gunicorn worker killed in the middle of the load.

    .venv/bin/python -m loadtest.faults [--duration 90] [--port 8109]

1. starts a throw-away PostgreSQL cluster of its own (initdb into a temporary folder, port
   5439, as the postgres user) — the shared server on 5432 is never touched;
2. fills it and starts gunicorn (production settings) against it, as the load test does;
3. runs the load scenario (readers browsing, liaisons submitting) and, meanwhile:
   - at --outage-at seconds stops PostgreSQL (fast shutdown: open connections are cut) and
     starts it again --outage-seconds later;
   - at --kill-at seconds sends SIGKILL to one gunicorn worker (by pid) while requests run;
4. stops gunicorn and PostgreSQL (by pid) and prints what it saw: the answers during the
   outage (503, not 500; nothing waits longer than the client's timeout), how long until the
   app answered again by itself, what the killed worker's clients got, whether gunicorn
   replaced the worker — and the database check: every acknowledged report stored exactly
   once, with its timeline row, none half-written.

Exit status 1 when a finding is wrong. tests/load/test_faults.py runs it when RUN_FAULT_TESTS=1.
"""

import json
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from loadtest import scenario, stack
from loadtest.run import arguments, start_stack


def seconds_since(record):
    return time.monotonic() - record.started


def wait_until(record, moment):
    while not record.started:
        time.sleep(0.1)
    time.sleep(max(0.0, moment - seconds_since(record)))


def in_flight(sample, moment):
    """Whether `sample` was waiting for its answer at `moment` (seconds since the load began)."""
    return sample.at <= moment <= sample.at + sample.seconds + 0.5


def outage_findings(record, start, end, timeout, kill_at):
    """How requests fared while the database was down, and how soon the app answered again."""
    during = [s for s in record.samples if start <= s.at < end]
    after = sorted((s for s in record.samples if s.at >= end), key=lambda s: s.at + s.seconds)
    first_ok = next((s for s in after if 200 <= s.status < 400), None)
    statuses = {}
    for sample in during:
        statuses[sample.status] = statuses.get(sample.status, 0) + 1
    return {
        "database_down_seconds": round(end - start, 1),
        "requests_started_during_outage": len(during),
        "their_statuses": dict(sorted(statuses.items())),
        "server_errors_500": sum(1 for s in during if s.status == 500),
        "slowest_during_outage_ms": round(max((s.seconds for s in during), default=0) * 1000),
        "hung_past_client_timeout": sum(1 for s in during if s.status == 0 and s.seconds >= timeout - 0.5),
        "seconds_until_first_success_after_restart": (
            round(first_ok.at + first_ok.seconds - end, 1) if first_ok else None
        ),
        # Apart from the requests the killed worker was serving (counted below).
        "errors_later_than_10_s_after_restart": sum(
            1
            for s in record.samples
            if s.at >= end + 10 and (s.status == 0 or s.status >= 500) and not in_flight(s, kill_at)
        ),
    }


def main():
    parser = arguments(__doc__.splitlines()[0], port=8109, database="govtasks_fault")
    parser.set_defaults(readers=20, units=5, duration=90)
    parser.add_argument("--postgres-port", type=int, default=5439)
    parser.add_argument("--outage-at", type=float, default=20)
    parser.add_argument("--outage-seconds", type=float, default=5)
    parser.add_argument("--kill-at", type=float, default=55)
    options = parser.parse_args()
    if options.postgres_port == 5432:
        raise SystemExit("The fault test restarts its database: it must not be the shared one on 5432.")
    if os.geteuid() != 0:
        raise SystemExit("The fault test runs its own PostgreSQL as the postgres user: run it as root.")

    events = {}
    postgres = stack.ThrowawayPostgres(port=options.postgres_port)
    server = None
    try:
        postgres.start()
        with tempfile.TemporaryDirectory(prefix="govtasks-faults-") as folder:
            server, database_url, data, password = start_stack(options, postgres.url, Path(folder))
            record = scenario.Record()
            run_id = secrets.token_hex(3)
            outcome = {}

            def load():
                outcome["result"] = scenario.run(
                    server.base_url,
                    data,
                    password=password,
                    period=options.period,
                    run_id=run_id,
                    duration=options.duration,
                    max_requests=options.max_requests,
                    timeout=options.timeout,
                    think=options.think,
                    record=record,
                )

            thread = threading.Thread(target=load)
            thread.start()

            wait_until(record, options.outage_at)
            events["outage_start"] = seconds_since(record)
            postgres.stop()
            time.sleep(options.outage_seconds)
            postgres.start()
            events["outage_end"] = seconds_since(record)

            wait_until(record, options.kill_at)
            workers_before = server.worker_pids()
            victim = workers_before[0]
            events["kill_at"] = seconds_since(record)
            os.kill(victim, signal.SIGKILL)

            thread.join()
            time.sleep(2)
            workers_after = server.worker_pids()
            server.stop()
            log = (Path(folder) / "gunicorn.log").read_text()

            _record, wall = outcome["result"]
            check = scenario.verify(database_url, record, run_id)
            kill_window = [s for s in record.samples if in_flight(s, events["kill_at"])]
            findings = {
                "load": scenario.summary(record, wall),
                "database_restart": outage_findings(
                    record, events["outage_start"], events["outage_end"], options.timeout, events["kill_at"]
                ),
                "worker_killed": {
                    "pid": victim,
                    "workers_before": len(workers_before),
                    "workers_after": len(workers_after),
                    "replaced": victim not in workers_after and len(workers_after) == len(workers_before),
                    "requests_in_flight_at_the_kill": len(kill_window),
                    "connection_errors_among_them": sum(1 for s in kill_window if s.status == 0),
                    "gunicorn_logged_it": f"pid:{victim}" in log,
                },
                "connection_errors": [
                    {"at": round(s.at, 1), "seconds": round(s.seconds, 1), "error": s.error}
                    for s in record.samples
                    if s.status == 0
                ],
                "reports": {key: value if isinstance(value, int) else len(value) for key, value in check.items()},
                "events_seconds": {key: round(value, 1) for key, value in events.items()},
            }
    finally:
        if server is not None:
            server.stop()
        postgres.remove()

    print(json.dumps(findings, ensure_ascii=False, indent=2))
    problems = scenario.verdict(check)
    restart = findings["database_restart"]
    if restart["server_errors_500"]:
        problems.append(f"{restart['server_errors_500']} answers of 500 (not 503) while the database was down")
    if restart["hung_past_client_timeout"]:
        problems.append(f"{restart['hung_past_client_timeout']} requests hung past the client's timeout")
    if restart["seconds_until_first_success_after_restart"] is None:
        problems.append("the app did not answer successfully after the database came back")
    if restart["errors_later_than_10_s_after_restart"]:
        problems.append(f"{restart['errors_later_than_10_s_after_restart']} errors more than 10 s after the restart")
    if not findings["worker_killed"]["replaced"]:
        problems.append("gunicorn did not replace the killed worker")
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
