"""Time the pages against the Django admin on one data set: median, p95, SQL queries, export memory.

    .venv/bin/python bench/run.py --tasks 100000 --reports 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govtasks_bench .venv/bin/python bench/run.py

Runs against the configured database (DATABASE_URL, else the SQLite file of the
checkout). When that database holds no task, it first runs generate_demo with --tasks,
--reports (in all) and --units; when it holds tasks, it measures them as they are.

Every page is requested in-process through Django's test client, logged in as a
superuser, with DEBUG off (the cached template loader, as in production): --warmup
requests first, then --repeat timed ones (fewer, but at least two, once a page has used
--budget seconds); the table gives the median and the 95th percentile of those, how many
there were (n), and the SQL queries of one warm request. Each task-list page stands
beside the admin changelist of tasks (/admin/tasks/task/) with the nearest filter the
admin has, and the ratio of the two medians. The bulletin export (?export=xlsx) runs in a
child process per request, so its peak memory (max RSS) is its own.

No network: nothing listens on a port. The machine's load average is printed beside
the figures, because other processes share the CPU.
"""

import argparse
import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtasks.settings")
# Measure what production runs: no debug toolbar of queries, templates compiled once.
os.environ["DJANGO_DEBUG"] = "0"
# The public list is measured too: the pages exist only with disclosure on.
os.environ.setdefault("GOVTASKS_PUBLIC_DISCLOSURE", "1")

import warnings  # noqa: E402

import django  # noqa: E402

# WhiteNoise warns once that collectstatic has not run; pages render the same.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from meetings.models import Meeting  # noqa: E402
from tasks.admin import TaskAdmin  # noqa: E402
from tasks.filtersets import TaskFilterSet  # noqa: E402
from tasks.models import ProgressReport, Publication, Task, TaskUnit, Unit, UnitAlias  # noqa: E402
from tasks.state import tasks_as_of  # noqa: E402

BENCH_USER = "bench-superuser"
TARGET_MS = 150


def client():
    """A test client logged in as a superuser that cannot log in by password."""
    user, created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    browser = Client()
    browser.force_login(user)
    return browser


def fetch(browser, url):
    """One request, its body read to the end (a streamed export too); returns the response."""
    response = browser.get(url)
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    else:
        _ = response.content
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


class TimedOut(Exception):  # noqa: N818 — a measurement, not an error of the program
    """A request stopped by --timeout (PostgreSQL's statement_timeout)."""


def timed(browser, url):
    started = time.perf_counter()
    try:
        fetch(browser, url)
    except OperationalError as error:
        if "statement timeout" in str(error):
            raise TimedOut from error
        raise
    return (time.perf_counter() - started) * 1000


def measure(browser, url, *, warmup, repeat, budget):
    """(median ms, p95 ms, timed requests, SQL queries of one warm request) of GET url.

    A page slower than `budget` seconds in all gets fewer requests (at least two timed):
    a page that takes minutes is known to take minutes after two.
    """
    spent = 0
    for _ in range(warmup):
        spent += timed(browser, url)
        if spent > budget * 1000 / 4:
            break
    with CaptureQueriesContext(connection) as queries:
        times = [timed(browser, url)]
    # Read now: the next request clears the connection's query log the capture points into.
    count = len(queries)
    while len(times) < repeat and (len(times) < 2 or sum(times) < budget * 1000):
        times.append(timed(browser, url))
    times.sort()
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, len(times), count


def slowest_query(browser, url):
    """The SQL of the slowest query of one request to url, with its time in ms."""
    with CaptureQueriesContext(connection) as queries:
        fetch(browser, url)
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    return slowest["sql"], float(slowest["time"]) * 1000


def explain(sql):
    """EXPLAIN ANALYZE on PostgreSQL; on SQLite its query plan."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


# --- the pages and their admin equivalents --------------------------------------------------------------------


def task_list(**params):
    return f"{reverse('tasks:task_list')}?{urlencode(params)}" if params else reverse("tasks:task_list")


def admin_list(**params):
    url = reverse("admin:tasks_task_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def list_count(params):
    """How many tasks the task list shows for these filters (the filter set the page uses)."""
    filterset = TaskFilterSet(params, queryset=tasks_as_of())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def pick_examples():
    """Units and filters of the data set that stand for a typical office query."""
    # A department written by another spelling than its name: the list must find it through the alias.
    alias = (
        UnitAlias.objects.filter(unit__kind=Unit.Kind.DEPARTMENT, unit__task_units__role=TaskUnit.Role.LEAD)
        .exclude(name=F("unit__name"))
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    # A township that gets most of its tasks through 各乡镇（街道）.
    township = (
        Unit.objects.filter(kind=Unit.Kind.TOWNSHIP, collectives__task_units__isnull=False).order_by("pk").first()
    )
    task = (
        Task.objects.filter(reports__state=ProgressReport.State.RETURNED, plans__milestones__isnull=False)
        .order_by("pk")
        .first()
    ) or Task.objects.order_by("pk").first()
    return alias, township, task


def thousand_task_filter():
    """Filters of the task list that select about 1,000 tasks: a section's tasks of one status."""
    best = None
    for status in Task.Status.values:
        for section in range(1, 9):
            params = {"section": section, "status": status}
            count = list_count(params)
            if best is None or abs(count - 1000) < abs(best[1] - 1000):
                best = (params, count)
    return best


def keyword_examples():
    """(a word of three characters or more that many task texts hold, a fragment of a unit's name)."""
    texts = list(Task.objects.order_by("pk").values_list("text", flat=True)[:200])
    counts = {}
    for text in texts:
        for start in range(0, max(0, len(text) - 3)):
            word = text[start : start + 4]
            if word.isalpha():
                counts[word] = counts.get(word, 0) + 1
    word = max(counts, key=counts.get) if counts else "推进"
    return word


def ensure_published():
    """The public list shows published tasks only; generate_demo publishes none. Publish every task
    once (in bulk, on this scratch database) so its first and last pages are the whole list's."""
    if Publication.objects.exists():
        return
    user = get_user_model().objects.get(username=BENCH_USER)
    now = timezone.now()
    ids = list(Task.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        Publication.objects.bulk_create(
            [
                Publication(
                    task_id=pk,
                    text="按计划推进。",
                    is_published=True,
                    published_at=now,
                    updated_by=user,
                    updated_at=now,
                )
                for pk in ids[start : start + 5000]
            ]
        )
    print(f"Published all {len(ids):,} tasks for the public list (generate_demo publishes none).")


def pages(per_page):
    alias, township, task = pick_examples()
    total = Task.objects.count()
    today = timezone.localdate().isoformat()
    deadline_column = TaskAdmin.list_display.index("deadline") + 1
    ours_last = max(1, math.ceil(total / per_page))
    admin_last = max(1, math.ceil(total / TaskAdmin.list_per_page))
    common = {"per_page": per_page}
    word = keyword_examples()
    fragment = alias.unit.name[1:3]
    meeting = Meeting.objects.order_by("-held_on", "-pk").first()
    waiting_admin = f"{reverse('admin:tasks_progressreport_changelist')}?{urlencode({'state__exact': 'submitted'})}"
    return [
        # (name, our url, admin url or None, note). Names stay the same from one data set to the
        # next (--compare matches them); what each one stands for is in the note.
        ("task list", task_list(**common), admin_list(), ""),
        (
            "by unit alias",
            task_list(unit=alias.name, **common),
            admin_list(q=alias.name),
            f"“{alias.name}”; admin: search ?q= (text, unit names, aliases)",
        ),
        (
            "by township via collective",
            task_list(unit=township.name, **common),
            admin_list(q=township.name),
            f"“{township.name}”; admin cannot follow collectives: it finds only the tasks naming the township",
        ),
        (
            "by status overdue",
            task_list(status=Task.Status.OVERDUE, **common),
            admin_list(deadline__lt=today),
            "admin has no derived status: deadline before today",
        ),
        ("sorted by deadline", task_list(sort="deadline", **common), admin_list(o=deadline_column), ""),
        ("last page", task_list(page=ours_last, **common), admin_list(p=admin_last), ""),
        ("task list by keyword", task_list(q=word, **common), admin_list(q=word), f"“{word}”"),
        ("search by keyword", f"{reverse('search')}?{urlencode({'q': word})}", None, f"“{word}”"),
        ("search by unit fragment", f"{reverse('search')}?{urlencode({'q': fragment})}", None, f"“{fragment}”"),
        ("review queue", reverse("tasks:review_queue"), waiting_admin, "admin: reports with state submitted"),
        (
            "review queue by unit",
            f"{reverse('tasks:review_queue')}?{urlencode({'unit': alias.unit.name})}",
            None,
            alias.unit.name,
        ),
        ("reminders (催办)", reverse("tasks:reminders"), None, ""),
        ("public list", reverse("tasks:public_task_list"), None, "every task published"),
        ("public list last page", f"{reverse('tasks:public_task_list')}?page=999999", None, ""),
        ("task page", reverse("tasks:task_detail", args=[task.pk]), None, f"task {task.pk}"),
        ("unit page (department)", reverse("tasks:unit_detail", args=[alias.unit_id]), None, alias.unit.name),
        ("unit page (township)", reverse("tasks:unit_detail", args=[township.pk]), None, township.name),
        ("unit list", reverse("tasks:unit_list"), None, ""),
        ("meeting list", reverse("meetings:meeting_list"), None, ""),
        ("meeting page", reverse("meetings:meeting_detail", args=[meeting.pk]), None, str(meeting)),
        (
            "fill-in sheet download",
            f"{reverse('tasks:fillin_download')}?{urlencode({'unit': alias.unit.name})}",
            None,
            f"{alias.unit.name}'s unfinished tasks (.xlsx)",
        ),
        ("dashboard", reverse("dashboard"), None, ""),
    ]


# --- the export, in a child process -----------------------------------------------------------------------------


class Counted(io.RawIOBase):
    """A binary stream that only counts what is written to it (a command's output)."""

    def __init__(self):
        super().__init__()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        return len(data)


def floor_of(url):
    """Write the tasks of the task list at `url` (its filters) as the openpyxl floor; returns (bytes, streamed)."""
    from django.http import QueryDict  # noqa: PLC0415

    from bench.export_floor import write_floor  # noqa: PLC0415

    params = QueryDict(url.partition("?")[2])
    filterset = TaskFilterSet(params, queryset=tasks_as_of())
    assert filterset.is_valid(), filterset.errors
    with tempfile.TemporaryFile() as out:
        write_floor(filterset.qs, out, as_of=timezone.localdate())
        return out.tell(), False


def peak_rss_mb():
    """This process's peak resident memory in MB: VmHWM, which starts again at exec. (ru_maxrss would
    carry over the high-water mark of the parent the child was forked from: 355 MB at 100k.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(url):
    """Run in the child: one export request (or with --floor the openpyxl floor of the same tasks, or
    with a "manage.py …" url that command); print its time, size and the process's peak RSS as JSON."""
    browser = client()
    before = peak_rss_mb()
    started = time.perf_counter()
    cpu_started = time.process_time()
    if url.startswith("floor:"):
        size, streamed = floor_of(url.removeprefix("floor:"))
        response = type("Floor", (), {"status_code": 200, "streaming": streamed})
    elif url.startswith("manage.py "):
        counted = Counted()
        out = io.TextIOWrapper(io.BufferedWriter(counted), encoding="utf-8")
        call_command(*url.split()[1:], stdout=out)
        out.flush()
        size = counted.size
        response = type("Command", (), {"status_code": 200, "streaming": True})
    else:
        response = browser.get(url)
        size = 0
        for chunk in response.streaming_content if response.streaming else [response.content]:
            size += len(chunk)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "status": response.status_code,
                "streamed": response.streaming,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "bytes": size,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
            }
        )
    )


def export_runs(url, times):
    results = []
    for _ in range(times):
        child = subprocess.run(
            [sys.executable, __file__, "--export-child", url], capture_output=True, text=True, check=False
        )
        if child.returncode != 0:
            raise SystemExit(f"export child failed:\n{child.stderr[-3000:]}")
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


# --- the run -----------------------------------------------------------------------------------------------------


def growth(rows, exports, before):
    """Each page's and export's median now ÷ its median in `before` (bench/run.py --json of another data set)."""
    then = {row["page"]: row for row in before.get("pages", [])}
    print(f"\nGrowth against {before.get('tasks', '?'):,} tasks (median now ÷ median then; SQL then → now):")
    for row in rows:
        old = then.get(row["page"])
        if old and "median_ms" in old and "median_ms" in row:
            print(
                f"  {row['page']:<32} {old['median_ms']:>8.0f} → {row['median_ms']:>8.0f} ms  "
                f"{row['median_ms'] / old['median_ms']:>5.2f}×   SQL {old['queries']} → {row['queries']}"
            )
    old_exports = {
        entry["export"].split(",")[0] + entry["export"].split(",")[1].split()[0]: entry
        for entry in before.get("exports", [])
    }
    for entry in exports:
        key = entry["export"].split(",")[0] + entry["export"].split(",")[1].split()[0]
        old = old_exports.get(key)
        if old:
            print(
                f"  {entry['export']:<48} {old['seconds']:>7.1f} → {entry['seconds']:>7.1f} s "
                f"{entry['seconds'] / old['seconds']:>6.2f}×   peak RSS {old['peak_rss_mb']:.0f} → {entry['peak_rss_mb']:.0f} MB"
            )


def load():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def ensure_data(arguments):
    if Task.objects.exists():
        return
    if not arguments.tasks:
        raise SystemExit("The database holds no task: pass --tasks and --reports to generate them.")
    print(f"Generating {arguments.tasks:,} tasks with {arguments.reports:,} reports …", flush=True)
    call_command(
        "generate_demo",
        tasks=arguments.tasks,
        units=arguments.units or max(5, arguments.tasks // 20),
        reports_per_task=arguments.reports // arguments.tasks,
        seed=arguments.seed,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, help="generate this many tasks when the database holds none")
    parser.add_argument("--reports", type=int, default=0, help="progress reports in all, when generating")
    parser.add_argument("--units", type=int, help="units when generating (default tasks / 20)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds of timed requests per page before stopping early (min. 2)"
    )
    parser.add_argument("--per-page", type=int, default=100, help="rows per list page (admin: 100)")
    parser.add_argument("--only", help="measure only pages (and exports) whose name contains this")
    parser.add_argument(
        "--timeout", type=float, default=600, help="PostgreSQL: cancel a request's query after this many seconds"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest query")
    parser.add_argument("--no-export", action="store_true", help="skip the bulletin export")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--compare", help="a --json file of another data set: print each page's growth against it")
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.export_child:
        return export_child(arguments.export_child)

    ensure_data(arguments)
    database = settings.DATABASES["default"]
    print(
        f"Database: {connection.vendor} {database.get('NAME')} — {Task.objects.count():,} tasks, "
        f"{ProgressReport.objects.count():,} reports, {Unit.objects.count():,} units; "
        f"{os.cpu_count()} CPUs, load {load()}"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{arguments.timeout * 1000:.0f}"])
    browser = client()
    ensure_published()
    rows = []
    header = (
        f"{'page':<44} {'median':>8} {'p95':>8} {'n':>3} {'SQL':>4}  {'admin med':>9} {'p95':>8} {'n':>3} {'SQL':>4} "
        f"{'ratio':>6}  load (times in ms; n: timed requests)"
    )
    print(header)
    for name, ours, admin, note in pages(arguments.per_page):
        if arguments.only and arguments.only not in name:
            continue
        timing = {"warmup": arguments.warmup, "repeat": arguments.repeat, "budget": arguments.budget}
        try:
            median, p95, runs, queries = measure(browser, ours, **timing)
        except TimedOut:
            print(f"{name[:44]:<44} over the {arguments.timeout:.0f} s timeout: cancelled", flush=True)
            rows.append({"page": name, "url": ours, "timed_out_after_s": arguments.timeout, "note": note})
            continue
        row = {"page": name, "url": ours, "median_ms": median, "p95_ms": p95, "runs": runs, "queries": queries}
        row["note"] = note
        if admin:
            a_median, a_p95, a_runs, a_queries = measure(browser, admin, **timing)
            row |= {"admin_url": admin, "admin_median_ms": a_median, "admin_p95_ms": a_p95, "admin_runs": a_runs}
            row["admin_queries"] = a_queries
            row["ratio"] = median / a_median
        row["load"] = load()
        rows.append(row)
        admin_cells = (
            f"{row['admin_median_ms']:>9.0f} {row['admin_p95_ms']:>8.0f} {row['admin_runs']:>3} "
            f"{row['admin_queries']:>4} {row['ratio']:>6.2f}"
            if admin
            else f"{'':>9} {'':>8} {'':>3} {'':>4} {'':>6}"
        )
        flag = "  ← over 150 ms" if median > TARGET_MS else ""
        print(
            f"{name[:44]:<44} {median:>8.0f} {p95:>8.0f} {runs:>3} {queries:>4}  {admin_cells}  {row['load']}{flag}",
            flush=True,
        )
        if arguments.json:
            Path(arguments.json).write_text(
                json.dumps({"tasks": Task.objects.count(), "pages": rows}, indent=2, ensure_ascii=False)
            )
        if arguments.explain:
            sql, took = slowest_query(browser, ours)
            print(f"\n  slowest query of {name} ({took:.0f} ms):\n  {sql}\n{explain(sql)}\n", flush=True)

    exports = []
    if not arguments.no_export and (not arguments.only or arguments.only in "export"):
        params, count = thousand_task_filter()
        total = Task.objects.count()
        few = urlencode(params)
        for label, url, times in (
            (f"bulletin .xlsx, {count:,} tasks ({few})", task_list(export="xlsx", **params), 3),
            (f"openpyxl floor, {count:,} tasks", f"floor:{task_list(**params)}", 3),
            (f"bulletin .docx, {count:,} tasks", task_list(export="docx", **params), 1),
            (f"bulletin .xlsx, all {total:,} tasks", task_list(export="xlsx"), 1),
            (f"openpyxl floor, all {total:,} tasks", f"floor:{task_list()}", 1),
            (f"export_tasks --format json, all {total:,} tasks", "manage.py export_tasks --format json", 1),
        ):
            results = export_runs(url, times)
            seconds = statistics.median(result["seconds"] for result in results)
            cpu = statistics.median(result["cpu_seconds"] for result in results)
            peak = max(result["peak_rss_mb"] for result in results)
            baseline = min(result["rss_before_mb"] for result in results)
            exports.append(
                {
                    "export": label,
                    "url": url,
                    "runs": results,
                    "seconds": seconds,
                    "cpu_seconds": cpu,
                    "peak_rss_mb": peak,
                }
            )
            print(
                f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU (median of {times}), "
                f"{results[0]['bytes'] / 1e3:,.0f} kB, peak RSS {peak:.0f} MB (before: {baseline:.0f} MB), "
                f"load {load()}",
                flush=True,
            )
        for bulletin, floor in ((exports[0], exports[1]), (exports[3], exports[4])):
            print(
                f"  {bulletin['export']} ÷ floor: {bulletin['seconds'] / floor['seconds']:.2f}× wall, "
                f"{bulletin['cpu_seconds'] / floor['cpu_seconds']:.2f}× CPU"
            )
    if arguments.compare:
        growth(rows, exports, json.loads(Path(arguments.compare).read_text()))
    if arguments.json:
        Path(arguments.json).write_text(
            json.dumps({"tasks": Task.objects.count(), "pages": rows, "exports": exports}, indent=2, ensure_ascii=False)
        )
    return None


if __name__ == "__main__":
    main()
