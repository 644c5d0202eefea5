"""Run a pure parse of an uploaded file in a child process bounded in CPU time and memory.

packages.py refuses packages that are plainly too big or too complex before they are
parsed; what remains can still be slow or greedy in ways no count foresees (a library's
quadratic corner, a style table that explodes). So the upload pages parse in a forked
child with resource.setrlimit limits — GOVTASKS_PARSE_CPU_SECONDS of CPU and
GOVTASKS_PARSE_MEMORY_MB of address space over what it started with — and a wall-clock
deadline; a child over a limit is ended, and the clerk gets a SourceError saying why.
The web worker itself only waits, never parses.

Two more things keep readers served while uploads are parsed (loadtest/hostile.py measures
it): the child runs at a lower CPU priority (nice 10), so a page request wins the processor
over a parse; and at most GOVTASKS_PARSE_SLOTS parses run at once on a machine for one
database (a file lock per slot) — a further upload is told at once to try again in a few
seconds instead of holding one more web worker.

Why fork: the child starts in a few milliseconds with everything loaded (settings, the
active language for messages), and it is this process's own child, so os.wait4 gives its
exact CPU time and peak memory (ParseRun). What it must not do is use the database: the
parent's connection is shared with it, and a query (or a libpq goodbye on exit) from the
child would corrupt the parent's session. So the child blocks every query, never closes a
connection, and leaves through os._exit, which runs no finalizer.
"""

import fcntl
import hashlib
import os
import pickle
import resource
import select
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from .report import SourceError

NICENESS = 10


@dataclass
class ParseRun:
    """What one sandboxed parse gave and what it cost."""

    value: Any = None
    error: SourceError | None = None
    cpu_seconds: float = 0.0
    peak_rss_bytes: int = 0  # the child's peak resident size (ru_maxrss)
    start_rss_bytes: int = 0  # the parent's resident size when it forked: what the child started with

    @property
    def grown_bytes(self) -> int:
        """How much memory the parse itself took on top of the forked process."""
        return max(self.peak_rss_bytes - self.start_rss_bytes, 0)


def _status_kilobytes(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _refuse_database(*_args, **_kwargs):
    raise RuntimeError("a sandboxed parse must not use the database")


def _child(write_fd: int, function: Callable, args: tuple, kwargs: dict, *, cpu_seconds: int, memory_bytes: int):
    """Runs in the forked child; never returns."""
    code = 1
    try:
        for connection in connections.all(initialized_only=True):
            connection.execute_wrappers.append(_refuse_database)
        os.nice(NICENESS)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        address_space = _status_kilobytes("VmSize") * 1024 + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        try:
            outcome = ("value", function(*args, **kwargs))
        except SourceError as error:
            outcome = ("source-error", error.line, error.message, error.source, getattr(error, "where", ""))
        except MemoryError:
            outcome = ("memory",)
        except Exception as error:  # noqa: BLE001 — reported to the parent by name, the clerk gets a plain message
            outcome = ("crash", type(error).__name__)
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
        code = 0
    except BaseException:  # noqa: BLE001 — anything at all: the exit code tells the parent
        code = 2
    finally:
        os._exit(code)


def run_measured(
    function: Callable, *args: Any, cpu_seconds: int | None = None, memory_mb: int | None = None, **kwargs: Any
) -> ParseRun:
    """Run function(*args, **kwargs) in a bounded child; its value or SourceError, with its costs.

    `function` must be pure (bytes in, picklable plain data out) and must not use the database.
    """
    cpu_seconds = cpu_seconds or settings.GOVTASKS_PARSE_CPU_SECONDS
    memory_mb = memory_mb or settings.GOVTASKS_PARSE_MEMORY_MB
    # On a loaded machine CPU time lags wall time; the deadline only catches a child that waits.
    deadline = time.monotonic() + 3 * cpu_seconds + 10
    read_fd, write_fd = os.pipe()
    # The child's pages are the parent's until written: its resident size grows back towards
    # the parent's without any new memory, so the parse's own memory is counted from here.
    start_rss = _status_kilobytes("VmRSS") * 1024
    pid = os.fork()
    if pid == 0:  # pragma: no cover — the child's coverage is not collected
        os.close(read_fd)
        _child(write_fd, function, args, kwargs, cpu_seconds=cpu_seconds, memory_bytes=memory_mb * 1024 * 1024)
    os.close(write_fd)
    received = bytearray()
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                received += chunk
    finally:
        os.close(read_fd)
        _pid, status, usage = os.wait4(pid, 0)
    run = ParseRun(
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=usage.ru_maxrss * 1024,
        start_rss_bytes=start_rss,
    )
    body = bytes(received)
    exit_code = os.waitstatus_to_exitcode(status)
    if exit_code == 0 and body:
        outcome = pickle.loads(body)  # noqa: S301 — written by our own child a moment ago
        if outcome[0] == "value":
            run.value = outcome[1]
            return run
        if outcome[0] == "source-error":
            run.error = SourceError(*outcome[1:])
            return run
        run.error = (
            _over_memory(memory_mb)
            if outcome[0] == "memory"
            else SourceError(0, f"文件已损坏或格式异常，无法读取（unreadable file: {outcome[1]}）。")
        )
        return run
    if timed_out or exit_code in (-signal.SIGXCPU, -signal.SIGKILL):
        run.error = SourceError(
            0,
            f"文件过于复杂，读取超过了{cpu_seconds}秒的处理时间上限，已停止，数据库未作任何改动："
            "请只保留任务表后再上传（parsing took too long）。",
        )
    else:
        # Out of address space inside a C library often ends in an abort rather than a MemoryError.
        run.error = _over_memory(memory_mb)
    return run


def _over_memory(memory_mb: int) -> SourceError:
    return SourceError(
        0,
        f"文件过于复杂，读取需要的内存超过上限{memory_mb} MB，已停止，数据库未作任何改动："
        "请只保留任务表后再上传（parsing needs too much memory）。",
    )


@contextmanager
def parse_slot() -> Iterator[None]:
    """Hold one of GOVTASKS_PARSE_SLOTS parse slots of this machine and database, or SourceError when all are taken.

    The slots are file locks in the temporary folder, keyed by the checkout and the database's
    name, so the web workers of one deployment share them (and parallel test runs do not). The kernel
    releases a lock when its process ends, so a killed worker leaves no slot taken.
    """
    slots = settings.GOVTASKS_PARSE_SLOTS
    if slots <= 0:
        yield
        return
    # One deployment: this checkout and its database. An in-memory SQLite database (the test
    # suite) belongs to one process, so parallel test processes do not share slots either.
    database = connections["default"]
    in_memory = getattr(database, "is_in_memory_db", lambda: False)()
    owner = f"{settings.BASE_DIR}|{database.settings_dict['NAME']}|{os.getpid() if in_memory else ''}"
    key = hashlib.sha256(owner.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir())
    for slot in range(slots):
        descriptor = os.open(folder / f"govtasks-parse-{key}-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)
        return
    raise SourceError(
        0,
        f"系统正在读取其他上传的文件（同时最多{slots}个），请稍等几秒后再上传，数据库未作任何改动"
        "（busy reading other uploads, try again in a few seconds）。",
    )


def run_parser(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """function(*args, **kwargs) run in a bounded child, in a parse slot: its value, or SourceError saying why not."""
    with parse_slot():
        run = run_measured(function, *args, **kwargs)
    if run.error is not None:
        raise run.error
    return run.value
