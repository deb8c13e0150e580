"""What a crashed worker was doing: in-flight query records the supervisor reads back.

A query that crashes the engine (a segmentation fault, an abort) takes the worker process
with it, before it can log anything. So while a user query runs, the worker keeps a small
record of it in a folder the supervisor gave it (``ORGMODEL_INFLIGHT_DIR``): who asked
(token name and role, client address), when, and the SHA-256 of the query text — never
the text or its parameters, which may hold the data being protected. When the supervisor
sees a worker die, it logs the records that worker left behind and removes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = ["INFLIGHT_ENV", "dead_worker_queries", "inflight", "query_hash"]

#: Environment variable naming the folder of in-flight records (set by the supervisor).
INFLIGHT_ENV = "ORGMODEL_INFLIGHT_DIR"


def query_hash(cypher: str) -> str:
    """The SHA-256 (hex) of a query's UTF-8 text: names a query in logs without showing it."""
    return hashlib.sha256(cypher.encode("utf-8")).hexdigest()


@contextlib.contextmanager
def inflight(caller: str, cypher: str) -> Iterator[None]:
    """Keep a record of a running query for the supervisor (no-op outside one)."""
    folder = os.environ.get(INFLIGHT_ENV)
    if not folder:
        yield
        return
    path = Path(folder) / f"{os.getpid()}-{uuid.uuid4().hex}.json"
    record = {
        "caller": caller,
        "sha256": query_hash(cypher),
        "chars": len(cypher),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with contextlib.suppress(OSError):
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def dead_worker_queries(folder: str | Path, pid: int) -> list[dict[str, str]]:
    """The records a dead worker left (the queries it was running); they are removed."""
    out = []
    for p in sorted(Path(folder).glob(f"{pid}-*.json")):
        try:
            out.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            out.append({"caller": "?", "sha256": "?", "chars": "?", "started": "?"})
        with contextlib.suppress(OSError):
            p.unlink()
    return out
