"""The process a user query runs in (LadybugDB): started by :mod:`orgmodel.store._query_proc`.

Run as a script (``python _query_child.py``), not imported: it loads only the standard
library and ``ladybug``, so a spare one is ready in a fraction of a second. It reads one job
from stdin, opens the store read-only, runs the query, writes one answer to stdout and
exits — whatever the query allocated goes with the process.

Its limits are its own: an address-space limit (``RLIMIT_AS``), so that an allocation past
the ceiling fails as an error rather than growing the machine; the engine's query timeout;
and ``SIGALRM`` a little after it, whose default action ends the process even while the
engine holds it (constant folding at bind time, for one, does not look at the timeout). The
parent kills it anyway at the time limit or when its resident memory passes the ceiling.
Should the parent die first, a spare reads the end of its input and exits, and a running
query ends by its alarm. (Not ``PR_SET_PDEATHSIG``: that follows the thread that started the
process, and the server's threads come and go.)

Once loaded it writes one byte, ``R``, and once it has opened the store ``O``. Frames on
both pipes are an 8-byte big-endian length and a pickle. The job is a dict
(``path``, ``cypher``, ``params``, ``timeout_ms``, ``max_rows``, ``pool_bytes``,
``max_db_bytes``, ``memory_bytes``, ``max_answer_bytes``); the answer is ``("ok", columns,
rows)`` or ``("error", kind, message)`` with kind one of ``memory``, ``buffer``,
``interrupted``, ``too-big``, ``engine``.
"""

from __future__ import annotations

import pickle
import resource
import signal
import struct
import sys
from typing import Any

_LEN = struct.Struct(">Q")
#: Written once the engine is loaded, and once the store is open: the query's time limit
#: counts from then.
READY = b"R"
OPENED = b"O"


def _read_job(stream: Any) -> dict[str, Any] | None:
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        return None
    (n,) = _LEN.unpack(head)
    job: dict[str, Any] = pickle.loads(stream.read(n))
    return job


def _answer(stream: Any, value: tuple[Any, ...]) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(data)) + data)
    stream.flush()


def _kind(message: str) -> str:
    if "bad_alloc" in message or "Cannot allocate memory" in message:
        return "memory"
    if "buffer pool is full" in message:
        return "buffer"
    if "Interrupted" in message:
        return "interrupted"
    return "engine"


def _run(job: dict[str, Any], stdout: Any) -> tuple[Any, ...]:
    import ladybug

    db = ladybug.Database(
        job["path"],
        read_only=True,
        buffer_pool_size=job["pool_bytes"],
        max_db_size=job["max_db_bytes"],
    )
    conn = ladybug.Connection(db)
    conn.execute("RETURN 1")  # the connection starts on its first statement (0.1 s)
    # The ceiling counts from here: what the process has mapped once the engine is loaded
    # and the store open (Python, the engine's code, its threads, the address space it
    # reserves for the store's pages and its buffer pool) plus the job's share.
    limit = _mapped_bytes() + job["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    stdout.write(OPENED)
    stdout.flush()
    signal.alarm(int(job["timeout_ms"] / 1000) + 3)
    conn.set_query_timeout(job["timeout_ms"])
    result = conn.execute(job["cypher"], dict(job["params"]))
    if isinstance(result, list):
        result = result[-1]
    cols = result.get_column_names()
    rows: list[Any] = []
    max_rows = job["max_rows"]
    while result.has_next() and (max_rows is None or len(rows) < max_rows):
        rows.append(result.get_next())
    return ("ok", cols, rows)


def _mapped_bytes() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def main() -> None:
    import ladybug

    # Loaded before the job comes, so that the spare is warm: ``import ladybug`` alone does
    # not load the engine's code (27 MiB mapped), the first Database does.
    backend = getattr(ladybug, "_backend", None)
    if backend is not None and hasattr(backend, "get_pybind_module"):
        backend.get_pybind_module()

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(READY)
    stdout.flush()
    job = _read_job(stdin)
    if job is None:
        return
    try:
        answer = _run(job, stdout)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > job["max_answer_bytes"]:
            answer = ("error", "too-big", str(len(data)))
            data = pickle.dumps(answer)
        stdout.write(_LEN.pack(len(data)) + data)
        stdout.flush()
    except MemoryError:
        _answer(stdout, ("error", "memory", "out of memory"))
    except Exception as e:
        _answer(stdout, ("error", _kind(str(e)), str(e)))


if __name__ == "__main__":
    main()
