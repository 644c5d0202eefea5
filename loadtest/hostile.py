"""Load check: readers browse while liaisons upload hostile workbooks to the fill-in page.

    .venv/bin/python -m loadtest.hostile [--duration 35] [--readers 20] [--uploaders 4]
        [--database govtasks_load_hostile] [--port 8109]

Builds the same production stack as loadtest.run (gunicorn, --workers workers, PostgreSQL,
the 2021 documents), logs everyone in, then runs two phases of --duration seconds each:

1. quiet: --readers readers browse (dashboard, lists with filters, task and unit pages);
2. hostile: the same readers, while --uploaders liaisons upload, one after another without
   pause, the hostile workbooks of tests/hostile_workbooks.py (a shared-strings flood, the
   flood in a part named .bin, a 1000:1 part, XML nested 100,000 deep) to /fillin/.
   Each is refused by the budget, or, while every parse slot is taken, asked to try again.

Prints JSON: the readers' p50/p95 in both phases and their ratio, and every upload's status,
time and whether the page gave the budget's refusal. Exit status 1 when the readers' p95 under
the uploads is more than twice the quiet one, or an upload was not refused with its message.
"""

import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from loadtest import run, scenario
from tests.hostile_workbooks import HOSTILE

REFUSAL = "文件内容过多或过于复杂"  # the budget refused the file
BUSY = "请稍等几秒后再上传"  # every parse slot was taken: asked to try again


def uploader(browser, files, budget, record, rng, *, outcomes):
    names = list(files)
    rng.shuffle(names)
    index = 0
    while budget.take():
        name = names[index % len(names)]
        index += 1
        form_page, answer = browser.upload("/fillin/", "file", f"{name}.xlsx", files[name])
        record.add("form", form_page)
        if answer is None:
            outcomes.append({"file": name, "status": form_page.status, "refused": False, "busy": False, "seconds": 0})
            continue
        record.add("upload", answer)
        outcomes.append(
            {
                "file": name,
                "status": answer.status,
                "refused": REFUSAL in answer.text,
                "busy": BUSY in answer.text,
                "seconds": round(answer.seconds, 2),
            }
        )


def phase(browsers, data, options, *, files=None, seed=1):
    """One timed phase; returns (summary, upload outcomes)."""
    record = scenario.Record()
    budget = scenario.Budget(options.max_requests, options.duration, options.think)
    rng = random.Random(seed)
    outcomes = []
    threads = [
        threading.Thread(
            target=scenario.reader, args=(browsers[name], data, budget, record, random.Random(rng.random()))
        )
        for name in data["readers"]
    ]
    if files:
        threads += [
            threading.Thread(
                target=uploader,
                args=(browsers[person["username"]], files, budget, record, random.Random(rng.random())),
                kwargs={"outcomes": outcomes},
            )
            for person in data["liaisons"][: options.uploaders]
        ]
    record.started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return scenario.summary(record, time.monotonic() - record.started), outcomes


def readers_figures(summary):
    browse = summary["by_kind"].get("browse", {})
    return {key: browse.get(key) for key in ("requests", "p50_ms", "p95_ms", "p99_ms", "max_ms")} | {
        "errors": summary["errors"]
    }


def main():
    parser = run.arguments(__doc__.splitlines()[0], port=8109, database="govtasks_load_hostile")
    parser.add_argument("--uploaders", type=int, default=4)
    parser.set_defaults(readers=20, units=4, liaisons_per_unit=1, duration=35)
    options = parser.parse_args()
    files = {name: build() for name, (build, _expected) in HOSTILE.items()}
    with tempfile.TemporaryDirectory(prefix="govtasks-hostile-") as folder:
        server, _database_url, data, password = run.start_stack(options, options.server, Path(folder))
        try:
            people = [*data["readers"], *(person["username"] for person in data["liaisons"])]
            browsers = scenario.log_in_all(server.base_url, people, password, options.timeout)
            quiet, _none = phase(browsers, data, options)
            loaded, outcomes = phase(browsers, data, options, files=files, seed=2)
        finally:
            server.stop()
        tracebacks = (Path(folder) / "gunicorn.log").read_text().count("Traceback")
    quiet_readers, loaded_readers = readers_figures(quiet), readers_figures(loaded)
    ratio = loaded_readers["p95_ms"] / max(quiet_readers["p95_ms"] or 1, 1)
    upload_seconds = sorted(outcome["seconds"] for outcome in outcomes)
    report = {
        "setup": {
            "workers": options.workers,
            "readers": len(data["readers"]),
            "uploaders": min(options.uploaders, len(data["liaisons"])),
            "seconds_per_phase": options.duration,
            "files": {name: len(content) for name, content in files.items()},
        },
        "readers_quiet": quiet_readers,
        "readers_during_uploads": loaded_readers,
        "p95_ratio": round(ratio, 2),
        "uploads": {
            "count": len(outcomes),
            "refused_by_the_budget": sum(outcome["refused"] for outcome in outcomes),
            "asked_to_try_again": sum(outcome["busy"] for outcome in outcomes),
            "statuses": sorted({outcome["status"] for outcome in outcomes}),
            "p50_s": scenario.percentile(upload_seconds, 0.5),
            "max_s": upload_seconds[-1] if upload_seconds else 0,
        },
        "tracebacks_in_gunicorn_log": tracebacks,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    problems = []
    if ratio > 2:
        problems.append(f"readers' p95 grew {ratio:.2f}× under the uploads (at most 2×)")
    if not outcomes or any(not (outcome["refused"] or outcome["busy"]) for outcome in outcomes):
        problems.append("an upload was neither refused by the budget nor asked to try again")
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
