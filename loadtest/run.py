"""Load test: gunicorn (4 workers, production settings) on PostgreSQL, 50 readers and 20 liaisons at once.

    .venv/bin/python -m loadtest.run [--duration 60] [--max-requests 20000] [--port 8108]

1. (re)creates the dedicated database govtasks_load on the PostgreSQL of --server (never
   the developer's database), migrates it, imports the 2021 documents and creates the users
   with the project's own commands and services (prepare.py);
2. starts gunicorn on 127.0.0.1:--port with --workers workers in production mode;
3. logs everyone in, then for --duration seconds (or --max-requests requests, whichever comes
   first) 50 readers browse and filter while 20 liaisons — two per unit, so colleagues race
   for the same task — submit a report on each of their unit's tasks for the same month;
4. stops gunicorn (by pid) and prints throughput, p50/p95 per kind of request, errors, and
   the check against the database: every acknowledged report stored exactly once, with its
   timeline row, and never two live reports for one task, unit and month.

Exit status 1 when an acknowledged report is missing, doubled or half-written. Loopback only.
"""

import argparse
import datetime
import json
import secrets
import sys
import tempfile
import zoneinfo
from pathlib import Path

from loadtest import scenario, stack


def this_month():
    return datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def arguments(description, port, database):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--database", default=database, help="dedicated database, dropped and created anew")
    parser.add_argument("--checkout", type=Path, default=stack.ROOT, help="the code to serve (default: this one)")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--units", type=int, default=10, help="units with liaisons")
    parser.add_argument("--liaisons-per-unit", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (at most)")
    parser.add_argument("--max-requests", type=int, default=20000, help="requests in all (at most)")
    parser.add_argument("--period", default=this_month(), help="the month every liaison reports on, YYYY-MM")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a client waits for an answer")
    parser.add_argument(
        "--think", type=float, default=1.0, help="scale of the pauses between a person's clicks (0: none)"
    )
    return parser


def start_stack(options, server_url, workdir):
    """Database, data, static files and gunicorn; returns (gunicorn, database URL, prepared data, password)."""
    stack.require_loopback(server_url)
    database_url = stack.create_database(server_url, options.database)
    env = stack.production_env(options.checkout, database_url, workdir / "static")
    password = secrets.token_urlsafe(16)
    data = stack.prepare(
        options.checkout,
        env,
        units=options.units,
        liaisons_per_unit=options.liaisons_per_unit,
        readers=options.readers,
        password=password,
    )
    stack.collectstatic(options.checkout, env)
    server = stack.Gunicorn(
        options.checkout, env, port=options.port, workers=options.workers, log_path=workdir / "gunicorn.log"
    )
    return server, database_url, data, password


def main():
    options = arguments(__doc__.splitlines()[0], port=8108, database="govtasks_load").parse_args()
    with tempfile.TemporaryDirectory(prefix="govtasks-load-") as folder:
        server, database_url, data, password = start_stack(options, options.server, Path(folder))
        try:
            run_id = secrets.token_hex(3)
            record, wall = scenario.run(
                server.base_url,
                data,
                password=password,
                period=options.period,
                run_id=run_id,
                duration=options.duration,
                max_requests=options.max_requests,
                timeout=options.timeout,
                think=options.think,
            )
        finally:
            server.stop()
        figures = scenario.summary(record, wall)
        check = scenario.verify(database_url, record, run_id)
        errors_in_log = (Path(folder) / "gunicorn.log").read_text().count("Traceback")
    report = {
        "setup": {
            "workers": options.workers,
            "readers": len(data["readers"]),
            "liaisons": len(data["liaisons"]),
            "period": options.period,
            "think_scale": options.think,
            "tasks_per_liaison": sorted(len(person["tasks"]) for person in data["liaisons"]),
        },
        "load": figures,
        "reports": {key: value if isinstance(value, int) else len(value) for key, value in check.items()},
        "tracebacks_in_gunicorn_log": errors_in_log,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    problems = scenario.verdict(check)
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
