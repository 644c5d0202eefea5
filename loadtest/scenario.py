"""The load scenario: readers browse and filter while liaisons submit reports for one period.

Bounded twice: by duration and by a total request budget; it stops by itself at whichever
comes first. Every submitted report carries a unique marker in its text, so afterwards the
database can be asked whether every acknowledged report (the app answered with its redirect
to the task) is stored exactly once, with its timeline row.
"""

import itertools
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

import psycopg2

from loadtest.browser import Browser

STATUSES = ["not_started", "in_progress", "done", "overdue"]
LIGHTS = ["green", "yellow", "red"]
KEYWORDS = ["陶瓷", "项目", "民生", "改革", "招商", "医疗", "教育"]


@dataclass
class Sample:
    kind: str  # browse, export, form, submit
    status: int
    seconds: float
    at: float  # when the request was sent, in seconds since the measured phase started
    error: str = ""


@dataclass
class Record:
    """Everything the scenario observed; appended to from many threads."""

    samples: list = field(default_factory=list)
    acknowledged: dict = field(default_factory=dict)  # marker → (task pk, unit)
    refused: list = field(default_factory=list)  # (marker, status): a colleague had reported that month first
    failed: list = field(default_factory=list)  # (marker, status, error): no acknowledgement
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = 0.0

    def add(self, kind, answer):
        with self.lock:
            self.samples.append(
                Sample(
                    kind,
                    answer.status,
                    answer.seconds,
                    time.monotonic() - self.started - answer.seconds,
                    answer.error,
                )
            )


class Budget:
    """A shared request budget and deadline; `take()` is False once either is spent.

    `pause(low, high)` is a person's think time — reading a page, typing a report — cut short
    at the deadline.
    """

    def __init__(self, max_requests, duration, think=1.0):
        self.left = itertools.count(max_requests, -1)
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + duration
        self.think = think

    def take(self):
        with self.lock:
            return next(self.left) > 0 and time.monotonic() < self.deadline

    def pause(self, rng, low, high):
        time.sleep(max(0.0, min(rng.uniform(low, high) * self.think, self.deadline - time.monotonic())))


def reader_path(rng, data):
    """A page a leader or office member would open: lists with filters, details, the dashboard."""
    choice = rng.random()
    if choice < 0.15:
        return "browse", "/"
    if choice < 0.50:
        filters = rng.choice(
            [
                {"unit": rng.choice(data["unit_names"])},
                {"status": rng.choice(STATUSES)},
                {"light": rng.choice(LIGHTS)},
                {"q": rng.choice(KEYWORDS)},
                {"section": rng.randint(1, 7)},
                {"overdue": "yes"},
                {"unit": rng.choice(data["unit_names"]), "role": "lead", "sort": "-deadline"},
                {"page": 2, "per_page": 20},
            ]
        )
        return "browse", "/tasks/?" + urlencode(filters)
    if choice < 0.75:
        return "browse", f"/tasks/{rng.choice(data['tasks'])}/"
    if choice < 0.85:
        return "browse", f"/units/{rng.choice(data['units'])}/"
    if choice < 0.99:
        return "browse", rng.choice(["/units/", "/meetings/", "/commendations/", "/units/?kind=township"])
    return "export", "/tasks/?" + urlencode({"export": "xlsx", "status": rng.choice(STATUSES)})


def reader(browser, data, budget, record, rng):
    budget.pause(rng, 0, 4)  # people do not all click in the same second
    while budget.take():
        kind, path = reader_path(rng, data)
        record.add(kind, browser.get(path))
        budget.pause(rng, 2, 8)


def liaison(browser, person, budget, record, rng, *, period, run_id):
    """Report on each of the unit's tasks once (in an order of its own), then keep an eye on the to-do list.

    A report the app did not acknowledge (an error, a timeout) is tried again a little later, as a
    person would, at most three times; each try has a marker of its own.
    """
    queue = [(task, 1) for task in person["tasks"]]
    rng.shuffle(queue)
    budget.pause(rng, 0, 2)
    while queue:
        if not budget.take():
            return
        task, attempt = queue.pop(0)
        marker = f"LT-{run_id}-{person['username']}-{task}-{attempt}"
        form_page, answer = browser.submit(
            f"/tasks/{task}/report/",
            {
                "period": period,
                "done": f"{marker} 本月完成项目选址和方案设计，召开推进会2次。",
                "problems": "资金到位偏慢",
                "next_steps": "加快审批",
                "percent": str(rng.randint(10, 90)),
            },
        )
        record.add("form", form_page)
        if answer is not None:
            record.add("submit", answer)
        with record.lock:
            if answer is not None and answer.status == 302 and answer.location.rstrip("/").endswith(f"/tasks/{task}"):
                record.acknowledged[marker] = (task, person["unit"])
            elif answer is not None and answer.status in (200, 409):
                record.refused.append((marker, answer.status))
            else:
                failure = answer if answer is not None else form_page
                record.failed.append((marker, failure.status, failure.error))
                if attempt < 3:
                    queue.append((task, attempt + 1))
        budget.pause(rng, 1, 3)  # the next report was prepared beforehand: a deadline rush
    while budget.take():
        record.add("browse", browser.get(rng.choice(["/todo/", "/", f"/tasks/{rng.choice(person['tasks'])}/"])))
        budget.pause(rng, 2, 8)


def log_in_all(base_url, usernames, password, timeout):
    """{username: Browser} logged in (before the clock starts: PBKDF2 is slow on purpose)."""

    def one(username):
        browser = Browser(base_url, timeout=timeout)
        for _attempt in range(3):
            if browser.log_in(username, password):
                return username, browser
        raise SystemExit(f"{username} could not log in")

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(one, usernames))


def run(
    base_url, data, *, password, period, run_id, duration, max_requests, timeout=60, think=1.0, seed=1, record=None
):
    """Log everyone in, then run readers and liaisons at once; returns (Record, wall seconds).

    `think` scales the pauses between a person's requests (0: none, every thread as fast as it can).
    Pass a `record` to watch it from another thread: its `started` is set when the load begins.
    """
    people = [*data["readers"], *(person["username"] for person in data["liaisons"])]
    browsers = log_in_all(base_url, people, password, timeout)
    record = Record() if record is None else record
    budget = Budget(max_requests, duration, think)
    rng = random.Random(seed)
    threads = [
        threading.Thread(target=reader, args=(browsers[name], data, budget, record, random.Random(rng.random())))
        for name in data["readers"]
    ] + [
        threading.Thread(
            target=liaison,
            args=(browsers[person["username"]], person, budget, record, random.Random(rng.random())),
            kwargs={"period": period, "run_id": run_id},
        )
        for person in data["liaisons"]
    ]
    record.started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return record, time.monotonic() - record.started


def percentile(values, share):
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def summary(record, wall, window=None):
    """Counts, throughput and latency per kind; `window` (start, end) in seconds narrows it."""
    samples = [s for s in record.samples if window is None or window[0] <= s.at < window[1]]
    by_kind = {}
    for kind in sorted({s.kind for s in samples}):
        chosen = [s for s in samples if s.kind == kind]
        seconds = [s.seconds for s in chosen]
        by_kind[kind] = {
            "requests": len(chosen),
            "p50_ms": round(statistics.median(seconds) * 1000),
            "p95_ms": round(percentile(seconds, 0.95) * 1000),
            "p99_ms": round(percentile(seconds, 0.99) * 1000),
            "max_ms": round(max(seconds) * 1000),
        }
    statuses = {}
    for sample in samples:
        statuses[sample.status] = statuses.get(sample.status, 0) + 1
    all_seconds = [s.seconds for s in samples]
    return {
        "requests": len(samples),
        "seconds": round(wall, 1),
        "throughput_rps": round(len(samples) / wall, 1) if wall else 0,
        "p50_ms": round(statistics.median(all_seconds) * 1000) if all_seconds else 0,
        "p95_ms": round(percentile(all_seconds, 0.95) * 1000),
        "errors": sum(1 for s in samples if s.status == 0 or s.status >= 500),
        "statuses": dict(sorted(statuses.items())),
        "by_kind": by_kind,
    }


def verify(database_url, record, run_id):
    """What the database holds for this run, against what the app acknowledged."""
    connection = psycopg2.connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.id, r.done, r.task_id, r.unit_id, r.period, r.state,
                   (SELECT count(*) FROM tasks_taskevent e WHERE e.report_id = r.id) AS events
            FROM tasks_progressreport r
            WHERE r.done LIKE %s
            """,
            [f"LT-{run_id}-%"],
        )
        rows = cursor.fetchall()
        cursor.execute(
            """
            SELECT task_id, unit_id, period, count(*) FROM tasks_progressreport
            WHERE state <> 'returned' GROUP BY task_id, unit_id, period HAVING count(*) > 1
            """
        )
        two_live = cursor.fetchall()
    connection.close()
    stored = {}
    for row in rows:
        marker = row[1].split(" ", 1)[0]
        stored.setdefault(marker, []).append(row)
    acknowledged = set(record.acknowledged)
    return {
        "acknowledged": len(acknowledged),
        "stored": len(rows),
        "lost": sorted(acknowledged - set(stored)),
        "duplicated": sorted(marker for marker, found in stored.items() if len(found) > 1),
        # Stored although the client saw no acknowledgement (e.g. the worker died after the commit):
        # not lost, the liaison sees it on the task page.
        "stored_unacknowledged": sorted(set(stored) - acknowledged),
        "without_timeline_row": sorted(row[1].split(" ", 1)[0] for row in rows if row[6] == 0),
        "two_live_reports_for_one_month": len(two_live),
        "refused_as_already_reported": len(record.refused),
        "failed_submissions": len(record.failed),
    }


def verdict(check):
    """Problems in a verify() result; empty when nothing acknowledged was lost or written twice or half."""
    problems = []
    for key in ("lost", "duplicated", "without_timeline_row"):
        if check[key]:
            problems.append(f"{key}: {len(check[key])} ({', '.join(check[key][:5])})")
    if check["two_live_reports_for_one_month"]:
        problems.append(f"two live reports for one month: {check['two_live_reports_for_one_month']}")
    return problems
