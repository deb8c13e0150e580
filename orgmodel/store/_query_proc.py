"""User queries in their own process: a query cannot stall, grow or crash the caller.

LadybugDB runs in the caller's process. Some of its work holds the caller's interpreter
lock (binding and constant folding: ``WITH s+s AS s`` repeated 22 times takes seconds there,
with no regard for the query timeout), strings it builds live outside its buffer pool, and
some queries crash it. So :class:`QueryProcesses` runs each user query in a fresh process
(:mod:`orgmodel.store._query_child`) that opens the store read-only, and:

- kills it at the time limit — the limit holds to the poll interval (50 ms), whatever
  the engine is doing (the clock counts from the moment the process has loaded the engine,
  and includes any wait for a save or a free slot);
- kills it when its resident memory passes the ceiling, and holds its address space to the
  ceiling on top of what the loaded engine with the store open has mapped (its code and
  the regions it reserves), so that an allocation past it fails inside the engine as an
  error;
- lets it exit after one query, so all its memory goes back to the system;
- keeps one spare started ahead (it has loaded the engine and waits for a job), so a query
  pays for opening the store, not for starting Python;
- runs at most :data:`MAX_PROCESSES` at once per store; a query waits for a free slot within
  its own time limit.

If the process dies (an engine crash), the caller gets :class:`QueryCrashed`; nothing else
is lost.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orgmodel.i18n import lazy
from orgmodel.store.base import QueryCrashed, QueryError, QueryTimeout, StoreError

__all__ = [
    "DEFAULT_QUERY_MEMORY_MB",
    "MAX_PROCESSES",
    "EngineError",
    "QueryCrashed",
    "QueryProcesses",
    "query_memory_mb",
]

#: The memory ceiling of one query's process unless ``ORGMODEL_QUERY_MEMORY_MB`` says.
DEFAULT_QUERY_MEMORY_MB = 2048
#: Query processes running at once per store.
MAX_PROCESSES = 2
#: How often the parent looks at the process's memory and clock, in seconds.
POLL_S = 0.05
#: How long a query process may take to start (load Python and the engine), in seconds.
STARTUP_S = 60.0
#: Most bytes of an answer (pickled rows) the process may hand back; past it, an error.
MAX_ANSWER_BYTES = 64 * 1024 * 1024

_CHILD = Path(__file__).with_name("_query_child.py")
_LEN = struct.Struct(">Q")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def query_memory_mb(env: Mapping[str, str] | None = None) -> int:
    """A query process's memory ceiling in MiB: ``ORGMODEL_QUERY_MEMORY_MB``, else 2048.

    Raises
    ------
    StoreError
        The variable is not a whole number of at least 256.
    """
    raw = (os.environ if env is None else env).get("ORGMODEL_QUERY_MEMORY_MB", "").strip()
    if not raw:
        return DEFAULT_QUERY_MEMORY_MB
    if not raw.isdigit() or int(raw) < 256:
        raise StoreError(
            lazy("ORGMODEL_QUERY_MEMORY_MB: expected a whole number ≥ 256, got {raw!r}", raw=raw)
        )
    return int(raw)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0.0


def _region_bytes(path: str) -> int:
    """The address space the engine reserves for the store's pages: a power of two at least
    twice the file (and its log), and at least 1 GiB."""
    size = 0
    for p in (Path(path), Path(path + ".wal")):
        with contextlib.suppress(OSError):
            size += p.stat().st_size
    region = 1 << 30
    while region < 2 * size:
        region <<= 1
    return region


class QueryProcesses:
    """Runs user queries on the store at ``path``, each in its own process."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._slots = threading.BoundedSemaphore(MAX_PROCESSES)
        self._lock = threading.Lock()
        self._spare: subprocess.Popen[bytes] | None = None
        self._closed = False
        #: What each running query's process is doing, by pid: "starting", "opening" (the
        #: store), "running" (the query).
        self.stages: dict[int, str] = {}

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-I", str(_CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            # Fewer malloc arenas: the address-space limit is then spent on data, not on
            # 64 MiB reservations per engine thread.
            env={**os.environ, "MALLOC_ARENA_MAX": "2"},
        )

    def _take(self) -> subprocess.Popen[bytes]:
        with self._lock:
            proc, self._spare = self._spare, None
            if proc is None or proc.poll() is not None:
                proc = self._spawn()
            if not self._closed:
                self._spare = self._spawn()
            return proc

    def close(self) -> None:
        """End the spare process (a running query ends with its own time limit)."""
        with self._lock:
            self._closed = True
            proc, self._spare = self._spare, None
        if proc is not None:
            _end(proc)

    def run(
        self,
        cypher: str,
        params: Mapping[str, Any],
        *,
        timeout_s: float,
        max_rows: int | None,
        pool_mb: int,
        memory_mb: int,
        deadline: float | None = None,
    ) -> tuple[list[str], list[list[Any]]]:
        """Run one read-only statement; its column names and rows.

        ``timeout_s`` is the query's limit (the engine's own timeout, and what messages
        say); ``deadline`` (``time.monotonic()``) the moment to kill it, by default
        ``timeout_s`` from now.

        Raises
        ------
        QueryTimeout
            It ran (or waited for a free slot) longer than ``timeout_s``; its process was
            killed.
        QueryError
            The engine refused or failed it, or it needed more memory than ``memory_mb``, or
            its answer was larger than :data:`MAX_ANSWER_BYTES`.
        QueryCrashed
            The engine crashed on it.
        """
        if deadline is None:
            deadline = time.monotonic() + timeout_s
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise QueryTimeout(
                lazy(
                    "query not run: other queries held the store for the whole limit of {seconds:g} s; try again",
                    seconds=timeout_s,
                )
            )
        try:
            proc = self._take()
            self.stages[proc.pid] = "starting"
            try:
                return self._run(
                    proc, cypher, params, deadline, timeout_s, max_rows, pool_mb, memory_mb
                )
            finally:
                self.stages.pop(proc.pid, None)
                _end(proc)
        finally:
            self._slots.release()

    def _run(
        self,
        proc: subprocess.Popen[bytes],
        cypher: str,
        params: Mapping[str, Any],
        deadline: float,
        timeout_s: float,
        max_rows: int | None,
        pool_mb: int,
        memory_mb: int,
    ) -> tuple[list[str], list[list[Any]]]:
        pool = min(pool_mb, memory_mb // 2)
        region = _region_bytes(self.path)
        job = {
            "path": self.path,
            "cypher": cypher,
            "params": dict(params),
            "timeout_ms": max(1, int(timeout_s * 1000)),
            "max_rows": max_rows,
            "pool_bytes": pool * 1024 * 1024,
            "max_db_bytes": region,
            # on top of what the process maps once the engine is loaded and the store open
            # (its code, threads, and the regions it reserves for the file's pages and the
            # buffer pool): the ceiling, for everything the query allocates
            "memory_bytes": memory_mb * 1024 * 1024,
            "max_answer_bytes": MAX_ANSWER_BYTES,
        }
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        assert proc.stdin is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        # Starting Python and loading the engine is not the query's time: the clock stops
        # while a process that is not ready yet gets ready (a spare usually is).
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], STARTUP_S)
        if not ready or os.read(fd, 1) != b"R":
            raise QueryCrashed(
                lazy("query not run: its process did not start ({how})", how=_how(proc))
            )
        self.stages[proc.pid] = "opening"
        deadline = max(deadline, time.monotonic() + left)
        try:
            proc.stdin.write(_LEN.pack(len(data)) + data)
            proc.stdin.close()
        except OSError:
            raise QueryCrashed(lazy("query not run: its process ended before it started")) from None
        buf = bytearray()
        # Opening the store is not the query's time either (it is bounded: the file and its
        # log); past STARTUP_S it counts as a failure to start.
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], STARTUP_S)
        first = os.read(fd, 1) if ready else b""
        if first == b"O":
            deadline = max(deadline, time.monotonic() + left)
            self.stages[proc.pid] = "running"
        elif not first:
            raise QueryCrashed(
                lazy(
                    "query not run: its process ended ({how}) while opening the store",
                    how=_how(proc),
                )
            )
        else:
            buf += first  # an answer already: the store did not open
        want: int | None = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _too_long(timeout_s)
            ready, _, _ = select.select([fd], [], [], min(POLL_S, left))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                buf += chunk
                if want is None and len(buf) >= _LEN.size:
                    (want,) = _LEN.unpack(buf[: _LEN.size])
                    if want > MAX_ANSWER_BYTES + 4096:
                        raise _too_big(want)
                if want is not None and len(buf) >= _LEN.size + want:
                    break
            if _rss_mb(proc.pid) > memory_mb:
                raise _too_much_memory(memory_mb)
        if want is None or len(buf) < _LEN.size + want:
            code = proc.wait()
            if code == -signal.SIGALRM:
                raise _too_long(timeout_s)
            raise QueryCrashed(
                lazy(
                    "query failed: the engine crashed on it ({how}); the server carries on. See docs/known-issues.md",
                    how=_how(proc),
                )
            )
        answer = pickle.loads(bytes(buf[_LEN.size : _LEN.size + want]))
        if answer[0] == "ok":
            return list(answer[1]), list(answer[2])
        kind, message = answer[1], answer[2]
        if kind == "interrupted":
            raise _too_long(timeout_s)
        if kind == "memory":
            raise _too_much_memory(memory_mb)
        if kind == "buffer":
            raise QueryError(
                lazy(
                    "query stopped: it needs more memory than the store's buffer pool of {pool_mb} MiB (ORGMODEL_BUFFER_POOL_MB); narrow it with WHERE or LIMIT",
                    pool_mb=pool,
                )
            )
        if kind == "too-big":
            raise _too_big(int(message))
        raise EngineError(message)


class EngineError(QueryError):
    """The engine's own error message; the store turns it into its usual errors."""


def _too_long(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(
        lazy("query stopped: it ran longer than the limit of {seconds:g} s", seconds=timeout_s)
    )


def _too_much_memory(memory_mb: int) -> QueryError:
    return QueryError(
        lazy(
            "query stopped: it needs more than the query memory ceiling of {memory_mb} MiB (ORGMODEL_QUERY_MEMORY_MB); narrow it with WHERE or LIMIT",
            memory_mb=memory_mb,
        )
    )


def _too_big(n: int) -> QueryError:
    return QueryError(
        lazy(
            "query stopped: its answer is {mib:.0f} MiB, more than {most} MiB; return fewer rows or smaller values",
            mib=n / 2**20,
            most=MAX_ANSWER_BYTES // 2**20,
        )
    )


def _how(proc: subprocess.Popen[bytes]) -> str:
    """How a process that closed its output ended: "signal 11", "exit status 1" …"""
    try:
        code = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return lazy("still running")
    if code < 0:
        return lazy("signal {n}", n=-code)
    return lazy("exit status {code}", code=code)


def _end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for f in (proc.stdin, proc.stdout):
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()
