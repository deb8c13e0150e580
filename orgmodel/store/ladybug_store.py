"""The embedded store: LadybugDB (``pip install ladybug``, the maintained successor of Kùzu).

No server: the database is one file (``./data/orgmodel.lbdb`` by default) that one process
at a time opens for writing; a second process gets :class:`StoreLocked` with the holder's
PID. Inside a process every :class:`LadybugStore` on the same path shares one
``ladybug.Database``, and writes are serialised by a lock (LadybugDB admits one write
transaction at a time).

- A save of up to :attr:`LadybugStore.few_rows` units (a county; a group of scenarios
  saved together counts all of theirs) inserts its units and edges from Arrow tables built
  from the organisation's columns (:func:`~orgmodel.store._common.org_rows`) in one
  transaction, which the COMMIT writes to the write-ahead log: all of it or nothing, across
  a kill -9 too. A larger one bulk-imports them with ``COPY FROM`` the same tables, whose
  COMMIT checkpoints the whole file and is not atomic across a kill (a kill during it kept
  the version node and lost the units), so it takes two transactions: the units, edges and
  the version node marked incomplete, and once that has committed, a second small one that
  marks it complete and moves the organisation's latest pointer. On opening,
  :meth:`~orgmodel.store.cypher_store.CypherStore.recover` removes what a killed save left
  (an incomplete version, or one whose units and edges do not number what was saved).
- A load reads the units with the engine's Arrow result (``get_as_arrow``) straight into
  the organisation's columns (:meth:`~orgmodel.model.OrgGraph.from_columns`).
- :meth:`LadybugStore.query` runs the user's single statement, as the query door rendered
  it, in a process of its own that opens the store read-only (:mod:`._query_proc`): killed
  at the time limit, held to a memory ceiling (``ORGMODEL_QUERY_MEMORY_MB``, default 2048)
  besides the engine's buffer pool (``ORGMODEL_BUFFER_POOL_MB``, default 1024), gone with
  all its memory once it has answered. Saves wait for running queries (at most their time
  limit) and new queries for a running save: the engine writes pages of the file in place
  at a checkpoint, which a reader in another process must not see half done. A throw-away
  in-memory store runs queries in the caller's process, bounded by the engine's timeout and
  a watchdog interrupt.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa

from orgmodel.i18n import lazy
from orgmodel.store._common import OrgRows, check_param_types, plain, read_only_refusal
from orgmodel.store._cypher import load_query, split_statements
from orgmodel.store._query_proc import EngineError, QueryProcesses, query_memory_mb
from orgmodel.store.base import (
    QueryError,
    QueryTimeout,
    ReadOnlyQueryError,
    StoreError,
    StoreLocked,
)
from orgmodel.store.cypher_store import CypherStore
from orgmodel.store.query_door import DoorLimits, check_params, pass_query

__all__ = ["DEFAULT_BUFFER_POOL_MB", "DEFAULT_PATH", "LadybugStore", "buffer_pool_mb"]

#: Where the embedded store lives unless a path (or ``ORGMODEL_STORE``) says otherwise.
DEFAULT_PATH = Path("data") / "orgmodel.lbdb"

ENGINE = "ladybug"
_READ_ONLY_MSG = "read-only transaction"
_LOCK_MSG = "Could not set lock on file"
_LOCK_PID = re.compile(r"held by PID (\d+)")
_BUFFER_FULL = "buffer pool is full"

#: The engine's memory ceiling (its buffer pool) unless ``ORGMODEL_BUFFER_POOL_MB`` says.
DEFAULT_BUFFER_POOL_MB = 1024
#: How long after the engine's own time limit the watchdog interrupts a query.
INTERRUPT_GRACE_S = 1.0
#: The time limit of a query run with none (library callers): a day.
NO_LIMIT_S = 86_400.0


def buffer_pool_mb(env: Mapping[str, str] | None = None) -> int:
    """The buffer pool size in MiB: ``ORGMODEL_BUFFER_POOL_MB``, else 1024.

    Raises
    ------
    StoreError
        The variable is not a whole number of at least 64.
    """
    raw = (os.environ if env is None else env).get("ORGMODEL_BUFFER_POOL_MB", "").strip()
    if not raw:
        return DEFAULT_BUFFER_POOL_MB
    if not raw.isdigit() or int(raw) < 64:
        raise StoreError(
            lazy("ORGMODEL_BUFFER_POOL_MB: expected a whole number ≥ 64, got {raw!r}", raw=raw)
        )
    return int(raw)


class _Gate:
    """Readers (query processes) beside each other, or one writer alone; a waiting writer
    goes first, so a stream of queries cannot hold a save off for ever."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None  # thread id; re-entrant for the writer
        self._depth = 0
        self._waiting = 0

    @contextmanager
    def reading(self, timeout_s: float) -> Iterator[bool]:
        """Enter as a reader within ``timeout_s``; yields whether it got in."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: self._writer is None and self._waiting == 0, timeout=timeout_s
            )
            if ok:
                self._readers += 1
        try:
            yield ok
        finally:
            if ok:
                with self._cond:
                    self._readers -= 1
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer != me:
                self._waiting += 1
                try:
                    self._cond.wait_for(lambda: self._writer is None and self._readers == 0)
                finally:
                    self._waiting -= 1
                self._writer = me
            self._depth += 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._writer = None
                    self._cond.notify_all()


@dataclass
class _Shared:
    """One open database per path per process, shared by every store object on it."""

    db: ladybug.Database
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    refs: int = 0
    recovered: bool = False
    gate: _Gate = field(default_factory=_Gate)
    processes: QueryProcesses | None = None
    #: The connection writes run on (one at a time, under ``write_lock``): kept open so the
    #: engine's prepared statements of the save queries are reused, not prepared per save.
    writer: ladybug.Connection | None = None


_OPEN: dict[str, _Shared] = {}
_OPEN_LOCK = threading.Lock()


def _open_shared(path: str, *, in_memory: bool, pool_mb: int) -> _Shared:
    with _OPEN_LOCK:
        shared = None if in_memory else _OPEN.get(path)
        if shared is None:
            try:
                db = ladybug.Database(
                    ":memory:" if in_memory else path, buffer_pool_size=pool_mb * 1024 * 1024
                )
            except RuntimeError as e:
                if _LOCK_MSG in str(e):
                    m = _LOCK_PID.search(str(e))
                    who = lazy("process {pid}", pid=m.group(1)) if m else lazy("another process")
                    raise StoreLocked(
                        lazy(
                            "the store {path} is in use by {who} (for example a running `orgmodel serve`); an embedded store has one writer process at a time — stop that process, or go through its API, or point --store / ORGMODEL_STORE at another path",
                            path=path,
                            who=who,
                        )
                    ) from None
                raise StoreError(lazy("cannot open the store {path}: {e}", path=path, e=e)) from e
            shared = _Shared(db)
            _apply_schema(db)
            if not in_memory:
                _OPEN[path] = shared
        shared.refs += 1
        return shared


def _release_shared(path: str, shared: _Shared) -> None:
    with _OPEN_LOCK:
        shared.refs -= 1
        if shared.refs <= 0:
            if _OPEN.get(path) is shared:
                del _OPEN[path]
            if shared.processes is not None:
                shared.processes.close()
            if shared.writer is not None:
                shared.writer.close()
                shared.writer = None
            shared.db.close()


def _apply_schema(db: ladybug.Database) -> None:
    conn = ladybug.Connection(db)
    try:
        for stmt in split_statements(load_query("schema", ENGINE)):
            conn.execute(stmt)
    finally:
        conn.close()


def _rows(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, list):
        result = result[-1]
    cols = result.get_column_names()
    return [dict(zip(cols, row, strict=True)) for row in result.get_all()]


class _LadybugTx:
    """A transaction on one connection; runs the named queries of ``cypher/``.

    ``few_rows``: a save of at most this many units inserts its rows in the transaction
    (``write/*_few``) instead of bulk-copying them (see :attr:`LadybugStore.few_rows`).
    """

    def __init__(self, conn: ladybug.Connection, few_rows: int = 0) -> None:
        self.conn = conn
        self.few_rows = few_rows

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for stmt in split_statements(load_query(name, ENGINE)):
            out = _rows(self.conn.execute(stmt, dict(params or {})))
        return out

    def table(self, name: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """The rows of ``cypher/<name>.cypher`` as an Arrow table (the engine's own
        ``get_as_arrow``: no Python object per value)."""
        result: Any = None
        for stmt in split_statements(load_query(name, ENGINE)):
            result = self.conn.execute(stmt, dict(params or {}))
        if isinstance(result, list):
            result = result[-1]
        return result.get_as_arrow()

    def _copy(self, name: str, rows: pa.Table) -> None:
        if rows.num_rows:
            for stmt in split_statements(load_query(name, ENGINE)):
                self.conn.execute(stmt, {"rows": rows})

    def _insert(self, name: str, rows: Any) -> None:
        if len(rows):
            for stmt in split_statements(load_query(name, ENGINE)):
                self.conn.execute(stmt, {"rows": rows})

    def write_rows(self, rows: OrgRows, step: Callable[[str], None]) -> None:
        if rows.table.num_rows <= self.few_rows:
            # Inserted in the transaction: the COMMIT writes the log, not a checkpoint.
            self._insert("write/units_few", rows.table)
            step("units")
            for edge in ("reports_to", "guides", "dispatches"):
                self._insert(f"write/{edge}_few", rows.edges[edge].to_pylist())
                step(edge)
            return
        self._copy("write/units", rows.table)
        step("units")
        for edge in ("reports_to", "guides", "dispatches"):
            self._copy(f"write/{edge}", rows.edges[edge])
            step(edge)


class _Watchdog:
    """Interrupts a connection's running query when its time is up (plus a grace period).

    The engine's own timeout is checked between chunks of work; the interrupt makes sure a
    stopped query stops. The lock keeps the interrupt off a connection that has finished.
    """

    def __init__(self, conn: ladybug.Connection, timeout_s: float | None) -> None:
        self.conn = conn
        self.lock = threading.Lock()
        self.done = False
        self.timer = (
            None
            if timeout_s is None
            else threading.Timer(timeout_s + INTERRUPT_GRACE_S, self._interrupt)
        )
        if self.timer is not None:
            self.timer.daemon = True

    def _interrupt(self) -> None:
        with self.lock:
            if not self.done:
                self.conn.interrupt()

    def __enter__(self) -> _Watchdog:
        if self.timer is not None:
            self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.done = True
        if self.timer is not None:
            self.timer.cancel()


def _rollback(conn: ladybug.Connection) -> None:
    # LadybugDB has already rolled back a transaction whose statement failed.
    with contextlib.suppress(RuntimeError):
        conn.execute("ROLLBACK")


class LadybugStore(CypherStore):
    """The embedded LadybugDB store at ``path`` (``":memory:"`` for a throw-away one).

    ``pool_mb`` is the engine's buffer pool in MiB (default :func:`buffer_pool_mb`). Stores
    on one path in one process share the first one's pool. ``memory_mb`` is the ceiling of a
    user query's process (default :func:`~orgmodel.store._query_proc.query_memory_mb`).

    Raises
    ------
    StoreLocked
        Another process holds the database file.
    """

    engine = ENGINE
    exclusive_recovery = True
    #: A save of at most this many units (all a group's) inserts its rows in one
    #: transaction, which the COMMIT writes to the log, atomically; a larger one bulk-copies
    #: them (``COPY FROM``), whose COMMIT checkpoints the whole database file and is not
    #: atomic across a kill: two transactions then (see the module docstring). On a store
    #: holding the seeds and 50 county scenarios (4,700 units), saves by insert against by
    #: copy took 0.15 against 0.8 s for 1,621 units, 0.6 against 0.9 s for 5,857, and
    #: about the same near 15,000 (each end of an edge is a primary-key lookup, so an
    #: insert grows linearly with the rows it writes).
    few_rows = 3000
    #: A group of scenario saves is split to stay on the insert path.
    group_units = few_rows

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_PATH,
        *,
        pool_mb: int | None = None,
        memory_mb: int | None = None,
    ) -> None:
        self._in_memory = str(path) == ":memory:"
        if self._in_memory:
            self.path = ":memory:"
        else:
            p = Path(path).expanduser().resolve()
            if p.is_dir():
                raise StoreError(
                    lazy("{p} is a folder; give the store's file path, e.g. {p}/x.lbdb", p=p)
                )
            p.parent.mkdir(parents=True, exist_ok=True)
            self.path = str(p)
        self.uri = self.path
        self.pool_mb = buffer_pool_mb() if pool_mb is None else pool_mb
        self.memory_mb = query_memory_mb() if memory_mb is None else memory_mb
        self._shared: _Shared | None = _open_shared(
            self.path, in_memory=self._in_memory, pool_mb=self.pool_mb
        )
        shared = self._shared
        with shared.write_lock:
            if not shared.recovered:  # once per process: the first opener repairs the file
                try:
                    self.recover()
                except BaseException:
                    self.close()
                    raise
                shared.recovered = True

    def _save_lock(self) -> threading.RLock:
        return self._db().write_lock

    def _one_transaction(self, units: int) -> bool:
        return units <= self.few_rows

    def _db(self) -> _Shared:
        if self._shared is None:
            raise StoreError(lazy("the store {uri} is closed", uri=self.uri))
        return self._shared

    @contextmanager
    def _connection(self) -> Iterator[ladybug.Connection]:
        conn = ladybug.Connection(self._db().db)
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[_LadybugTx]:
        shared = self._db()
        with shared.write_lock, shared.gate.writing():
            conn = shared.writer
            if conn is None:
                conn = shared.writer = ladybug.Connection(shared.db)
            try:
                conn.execute("BEGIN TRANSACTION")
                try:
                    yield _LadybugTx(conn, self.few_rows)
                except BaseException:
                    _rollback(conn)
                    raise
                conn.execute("COMMIT")
            except BaseException:
                # A failed write (or COMMIT) leaves no connection in doubt for the next one.
                shared.writer = None
                with contextlib.suppress(Exception):
                    conn.close()
                raise

    @contextmanager
    def _read(self) -> Iterator[_LadybugTx]:
        with self._connection() as conn:
            conn.execute("BEGIN TRANSACTION READ ONLY")
            try:
                yield _LadybugTx(conn)
            finally:
                _rollback(conn)

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        limits: DoorLimits | None = None,
        max_rows: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run one read-only statement (at most ``max_rows`` rows are fetched).

        A store on a file runs it in a process of its own (:mod:`._query_proc`): killed at
        ``timeout_s`` (then :class:`QueryTimeout`), held to ``memory_mb``; a save in
        progress is waited for within the same limit. An in-memory store runs it here: the
        engine stops it after ``timeout_s`` — its own query timeout, and a watchdog
        interrupt :data:`INTERRUPT_GRACE_S` later should the engine not have checked its
        clock.
        """
        lim = limits or DoorLimits.from_env()
        cypher = pass_query(cypher, lim, params)
        check_params(params or {}, lim)
        if not self._in_memory:
            check_param_types(params or {})
            return self._query_apart(cypher, params or {}, timeout_s, max_rows)
        return self._query_here(cypher, params, timeout_s, max_rows)

    def _query_apart(
        self,
        cypher: str,
        params: Mapping[str, Any],
        timeout_s: float | None,
        max_rows: int | None,
    ) -> list[dict[str, Any]]:
        shared = self._db()
        with _OPEN_LOCK:
            if shared.processes is None:
                shared.processes = QueryProcesses(self.path)
            processes = shared.processes
        limit = NO_LIMIT_S if timeout_s is None else timeout_s
        deadline = time.monotonic() + limit
        with shared.gate.reading(limit) as entered:
            if not entered:
                raise QueryTimeout(
                    lazy(
                        "query not run: a save held the store for the whole limit of {seconds:g} s; try again",
                        seconds=limit,
                    )
                )
            try:
                cols, rows = processes.run(
                    cypher,
                    params,
                    timeout_s=limit,
                    deadline=deadline,
                    max_rows=max_rows,
                    pool_mb=self.pool_mb,
                    memory_mb=self.memory_mb,
                )
            except EngineError as e:
                raise _query_error(str(e)) from None
        return [{k: plain(v) for k, v in zip(cols, row, strict=True)} for row in rows]

    def _query_here(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        timeout_s: float | None,
        max_rows: int | None,
    ) -> list[dict[str, Any]]:
        with self._connection() as conn, _Watchdog(conn, timeout_s):
            if timeout_s is not None:
                conn.set_query_timeout(max(1, int(timeout_s * 1000)))
            conn.execute("BEGIN TRANSACTION READ ONLY")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    check_param_types(params or {})
                    try:
                        prepared = conn.prepare(cypher, dict(params or {}))
                    except (RuntimeError, TypeError, ValueError) as e:  # a parameter's type
                        raise _query_error(str(e)) from None
                # A prepared statement holds exactly one statement: nothing after it can end
                # the read-only transaction.
                if not prepared.is_success():
                    raise _query_error(prepared.get_error_message())
                try:
                    result = conn.execute(prepared, dict(params or {}))
                    if isinstance(result, list):
                        result = result[-1]
                    cols = result.get_column_names()
                    rows: list[dict[str, Any]] = []
                    while result.has_next() and (max_rows is None or len(rows) < max_rows):
                        rows.append(
                            {k: plain(v) for k, v in zip(cols, result.get_next(), strict=True)}
                        )
                except (RuntimeError, TypeError, ValueError) as e:
                    if timeout_s is not None and "Interrupted" in str(e):
                        raise QueryTimeout(
                            lazy(
                                "query interrupted: it ran longer than the limit of {seconds:g} s",
                                seconds=timeout_s,
                            )
                        ) from None
                    if _BUFFER_FULL in str(e):
                        raise QueryError(
                            lazy(
                                "query stopped: it needs more memory than the store's buffer pool of {pool_mb} MiB (ORGMODEL_BUFFER_POOL_MB); narrow it with WHERE or LIMIT",
                                pool_mb=self.pool_mb,
                            )
                        ) from None
                    raise _query_error(str(e)) from None
                return rows
            finally:
                _rollback(conn)

    def close(self) -> None:
        if self._shared is not None:
            shared, self._shared = self._shared, None
            if self._in_memory:
                shared.db.close()
            else:
                _release_shared(self.path, shared)

    def __repr__(self) -> str:
        return f"LadybugStore({self.path!r})"


def _query_error(message: str) -> StoreError:
    if _READ_ONLY_MSG in message:
        return read_only_refusal(message)
    if "multiple statements" in message:
        return ReadOnlyQueryError(lazy("refused: one statement per query"))
    return QueryError(lazy("query failed: {strip}", strip=message.strip()))
