"""Benchmark: time and peak memory of `export_progress` (the .xlsx bulletin) at a given size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govtasks_bench \
        .venv/bin/python bench/export_progress.py --tasks 100000

Fills the (scratch) database with `generate_demo --tasks N` unless it already holds that
many tasks, then runs `manage.py export_progress` in a child process and reports its
wall time, its peak resident memory (ru_maxrss of the child) and the file's size. The
export streams (openpyxl write_only, rows fetched in chunks), so the peak should stay
flat as N grows. Not a test: it needs minutes and a database of its own.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def task_count():
    code = "from tasks.models import Task; print(Task.objects.count())"
    out = subprocess.run([*MANAGE, "shell", "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return int(out.stdout.strip().splitlines()[-1])


def run_measured(command):
    """(seconds, peak RSS in MiB) of a child process."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{output}")
    return time.monotonic() - started, usage.ru_maxrss / 1024, output.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--as-of", default="2021-09-30")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a scratch database: this fills it with generated data.")
    subprocess.run([*MANAGE, "migrate", "-v0"], check=True, cwd=ROOT)
    if task_count() < args.tasks:
        subprocess.run(
            [*MANAGE, "generate_demo", "--tasks", str(args.tasks), "--as-of", args.as_of, "--force", "-v0"],
            check=True,
            cwd=ROOT,
        )
        # A fresh bulk load has no planner statistics yet; autovacuum would gather them in production.
        analyse = "from django.db import connection; connection.vendor == 'postgresql' and connection.cursor().execute('ANALYZE')"
        subprocess.run([*MANAGE, "shell", "-c", analyse], check=True, cwd=ROOT)
    tasks = task_count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bulletin.xlsx"
        seconds, peak, output = run_measured([*MANAGE, "export_progress", "-o", str(path), "--as-of", args.as_of])
        size = path.stat().st_size / (1024 * 1024)
    print(output)
    print(f"tasks in database: {tasks}")
    print(f"export_progress: {seconds:.1f} s, peak RSS {peak:.0f} MiB, file {size:.1f} MiB")


if __name__ == "__main__":
    main()
