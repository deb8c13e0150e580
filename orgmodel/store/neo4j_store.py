"""The shared store: a Neo4j server (or cluster), through the official ``neo4j`` driver.

For a bureau that runs Neo4j, or has outgrown one machine. The graph is the same as in the
embedded store (``cypher/schema.neo4j.cypher`` declares its constraints and indexes), so the
analytic queries of ``cypher/analytics/`` paste into Neo4j Browser unchanged.

- A save is one explicit transaction in a WRITE session (a cluster routes it to the leader):
  it first touches the ``Org`` node (taking its write lock, so concurrent saves to one
  organisation queue), checks the expected version, then writes the units and edges in
  ``UNWIND`` batches and the version node, and commits. A server that does not lock but
  refuses the later of two conflicting commits (a unique key written twice, a record changed
  under the transaction) gets the same answer: :class:`VersionConflict`, or a retry of a save
  that asked for no particular version.
- Reads run in READ sessions (a cluster routes them to followers); every session shares the
  store's bookmark manager, so a read sees the store's own earlier writes.
- :meth:`Neo4jStore.query` is read-only on any Bolt server: the query door first
  (:mod:`orgmodel.store.query_door`: reading clauses only), then an explicit transaction in
  READ access mode that is always rolled back, and a result whose summary counts any update
  is refused. Neo4j refuses writes in READ mode by itself; a server that ignores the mode
  (ArcadeDB) still changes nothing, because nothing is committed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString, cast

import neo4j
import pyarrow as pa
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from orgmodel.i18n import lazy
from orgmodel.store._common import (
    OrgRows,
    check_param_types,
    plain,
    read_only_refusal,
    rows_table,
)
from orgmodel.store._cypher import load_query, split_statements
from orgmodel.store.base import QueryError, QueryTimeout, StoreError
from orgmodel.store.cypher_store import CypherStore, WriteConflict, batches
from orgmodel.store.query_door import DoorLimits, check_params, pass_query

__all__ = ["BATCH_SIZE", "Neo4jStore"]

ENGINE = "neo4j"
#: Rows per UNWIND batch of a bulk write.
BATCH_SIZE = 10_000

#: Attempts of a user query the server answered with a transient error.
_READ_ATTEMPTS = 4
_WRITES = ("w", "rw", "s")
# A write refused by READ mode or rights (Neo4j), or failing on the way (a server that ignores
# READ mode): either way the query tried to change the graph, and nothing was committed.
_REFUSED_CODES = ("AccessMode", "Forbidden", "ConstraintValidationFailed")
_WRITE_FAILURES = ("deleteconnectednode", "cannot delete node")
_QUERY_TYPES = {"w": "write", "rw": "read-write", "s": "schema"}
# Error codes of a write that lost to a concurrent one: a unique key the other wrote first,
# a deadlock, or (optimistic servers) a record changed under the transaction.
_CONFLICT_CODES = ("ConstraintValidationFailed", "DeadlockDetected", "TransientError")
_CONFLICT_WORDS = ("concurrent modification", "concurrentmodification", "duplicated key")


def _q(text: str) -> LiteralString:
    # Query texts come from cypher/ files or the user's own query; every value travels as a
    # parameter. (A Query object would be refused by Transaction.run.)
    return cast(LiteralString, text)


def _is_conflict(e: Neo4jError) -> bool:
    code = e.code or ""
    msg = (e.message or "").lower()
    return any(c in code for c in _CONFLICT_CODES) or any(w in msg for w in _CONFLICT_WORDS)


def _message(e: Neo4jError | DriverError) -> str:
    if isinstance(e, Neo4jError):
        return f"{e.code}: {e.message}" if e.code else str(e.message or e)
    return str(e)


class _Neo4jTx:
    def __init__(self, tx: Any) -> None:
        self.tx = tx

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for stmt in split_statements(load_query(name, ENGINE)):
            out = [r.data() for r in self.tx.run(_q(stmt), dict(params or {}))]
        return out

    def _batched(self, name: str, rows: list[dict[str, Any]]) -> None:
        for stmt in split_statements(load_query(name, ENGINE)):
            for chunk in batches(rows, BATCH_SIZE):
                self.tx.run(_q(stmt), {"rows": chunk}).consume()

    def table(self, name: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """The rows of ``cypher/<name>.cypher`` as an Arrow table (units typed as stored)."""
        rows = self.run(name, params)
        if name == "read/units":
            return rows_table(rows)
        return pa.Table.from_pylist(rows)

    def write_rows(self, rows: OrgRows, step: Callable[[str], None]) -> None:
        self._batched("write/units", rows.unit_rows())
        step("units")
        for name in ("reports_to", "guides", "dispatches"):
            self._batched(f"write/{name}", [{"from": a, "to": b} for a, b in rows.pairs(name)])
            step(name)


class Neo4jStore(CypherStore):
    """A store on a Neo4j server (or any server that speaks Bolt and Cypher).

    Parameters
    ----------
    uri : str
        ``bolt://``, ``neo4j://``, ``neo4j+s://`` … URI of the server or cluster.
    user, password : str
        Credentials (``open_store`` takes them from ``NEO4J_USER`` / ``NEO4J_PASSWORD``).
    database : str, optional
        The Neo4j database (the server's default when omitted).

    Raises
    ------
    StoreError
        The server cannot be reached, refuses the credentials, has no such database, or the
        user may not create the schema's constraints and indexes when they are missing. The
        driver is closed before the error is raised.
    """

    engine = ENGINE
    # A Neo4j commit is atomic: both phases of a save share one transaction, so no other
    # process ever sees (or, recovering, removes) a version still being written.
    one_transaction_saves = True

    def __init__(
        self,
        uri: str,
        *,
        user: str = "neo4j",
        password: str | None = None,
        database: str | None = None,
    ) -> None:
        if password is None:
            raise StoreError(
                lazy(
                    "no password for the Neo4j store {uri}: set NEO4J_PASSWORD (and NEO4J_USER, default 'neo4j') in the environment",
                    uri=uri,
                )
            )
        self.uri = uri
        self.database = database
        self._driver = GraphDatabase.driver(uri, auth=(user, password))
        # One bookmark manager for every session of this store: a read in one session waits
        # for (sees) the writes committed by the store's other sessions, also on followers.
        self._bookmarks = GraphDatabase.bookmark_manager()
        where = f"Neo4j at {uri}" + (f", database {database!r}" if database else "")
        try:
            self._driver.verify_connectivity()
            self.server_agent: str = self._driver.get_server_info().agent
            self._apply_schema()
            self.recover()
        except AuthError as e:
            self._driver.close()
            raise StoreError(
                lazy(
                    "{where} refused the credentials of user {user!r} (NEO4J_USER / NEO4J_PASSWORD): {message}",
                    where=where,
                    user=user,
                    message=e.message,
                )
            ) from None
        except (ServiceUnavailable, OSError) as e:
            self._driver.close()
            raise StoreError(lazy("cannot reach Neo4j at {uri}: {e}", uri=uri, e=e)) from None
        except Neo4jError as e:
            self._driver.close()
            code = e.code or ""
            if "DatabaseNotFound" in code:
                raise StoreError(
                    lazy(
                        "{where}: the server has no database {value!r} — set NEO4J_DATABASE to an existing one, or create it (CREATE DATABASE … in Neo4j Enterprise). Server: {message}",
                        where=where,
                        value=database or "(default)",
                        message=e.message,
                    )
                ) from None
            if "Forbidden" in code or "Security" in code:
                raise StoreError(
                    lazy(
                        "{where}: user {user!r} may not create the store's constraints and indexes (cypher/schema.neo4j.cypher), and they are not there yet. Run that file once as an administrator, or grant the user schema rights (Neo4j: GRANT INDEX MANAGEMENT, CONSTRAINT MANAGEMENT). Server: {message}",
                        where=where,
                        user=user,
                        message=e.message,
                    )
                ) from None
            raise StoreError(
                lazy(
                    "{where}: cannot set up the store: {message}", where=where, message=_message(e)
                )
            ) from None
        except DriverError as e:
            self._driver.close()
            raise StoreError(
                lazy("{where}: cannot set up the store: {e}", where=where, e=e)
            ) from None
        except BaseException:  # recovery's own StoreError, or an interrupt: no driver left open
            self._driver.close()
            raise

    def _session(self, mode: str = neo4j.WRITE_ACCESS) -> neo4j.Session:
        return self._driver.session(
            database=self.database, default_access_mode=mode, bookmark_manager=self._bookmarks
        )

    def _apply_schema(self) -> None:
        with self._session() as s:
            for stmt in split_statements(load_query("schema", ENGINE)):
                s.run(_q(stmt)).consume()

    @contextmanager
    def _write(self) -> Iterator[_Neo4jTx]:
        try:
            with self._session() as s, s.begin_transaction() as tx:
                try:
                    yield _Neo4jTx(tx)
                except BaseException:
                    # A transaction the server has already failed may refuse the rollback;
                    # the original error is the one to report.
                    with contextlib.suppress(Exception):
                        tx.rollback()
                    raise
                tx.commit()
        except Neo4jError as e:
            if _is_conflict(e):
                raise WriteConflict(
                    lazy("a concurrent write won: {message}", message=_message(e))
                ) from None
            raise StoreError(
                lazy("the write to {uri} failed: {message}", uri=self.uri, message=_message(e))
            ) from None
        except DriverError as e:
            raise StoreError(lazy("the write to {uri} failed: {e}", uri=self.uri, e=e)) from None

    @contextmanager
    def _read(self) -> Iterator[_Neo4jTx]:
        try:
            with self._session(neo4j.READ_ACCESS) as s, s.begin_transaction() as tx:
                try:
                    yield _Neo4jTx(tx)
                finally:
                    with contextlib.suppress(Exception):
                        tx.rollback()
        except (Neo4jError, DriverError) as e:
            raise StoreError(
                lazy("the read from {uri} failed: {message}", uri=self.uri, message=_message(e))
            ) from None

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        limits: DoorLimits | None = None,
        max_rows: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run one read-only statement (see the module docstring for the layers that keep it
        read-only); with ``timeout_s`` the server stops the transaction after that long."""
        # The door refuses CALL (every procedure, apoc.* included), writes, schema commands
        # and file access before the server sees the query; behind it the read transaction.
        lim = limits or DoorLimits.from_env()
        cypher = pass_query(cypher, lim, params)
        check_params(params or {}, lim)
        check_param_types(params or {})
        return self._run_read_only(cypher, params or {}, timeout_s, max_rows)

    def _run_read_only(
        self,
        cypher: str,
        params: Mapping[str, Any],
        timeout_s: float | None,
        max_rows: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run a statement in a READ transaction that is never committed; refuse it when the
        server says it wrote. (The layer behind the query door, on any Bolt server.)"""
        for attempt in range(1, _READ_ATTEMPTS + 1):
            try:
                return self._read_only_once(cypher, params, timeout_s, max_rows)
            except Neo4jError as e:
                # A busy server (a commit in flight, a follower catching up) says try again.
                if not e.is_retryable() or attempt == _READ_ATTEMPTS:
                    raise self._query_error(e, timeout_s) from None
            except DriverError as e:
                if not e.is_retryable() or attempt == _READ_ATTEMPTS:
                    raise QueryError(lazy("query failed: {e}", e=e)) from None
            time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    def _read_only_once(
        self,
        cypher: str,
        params: Mapping[str, Any],
        timeout_s: float | None,
        max_rows: int | None,
    ) -> list[dict[str, Any]]:
        with (
            self._session(neo4j.READ_ACCESS) as s,
            s.begin_transaction(timeout=timeout_s) as tx,
        ):
            try:
                result = tx.run(_q(cypher), dict(params))
                rows: list[dict[str, Any]] = []
                for rec in result:
                    if max_rows is not None and len(rows) >= max_rows:
                        break  # the rest is discarded by consume()
                    rows.append({k: plain(v) for k, v in rec.items()})
                summary = result.consume()
            finally:
                # Never committed: whatever a server that ignores READ mode did is undone.
                with contextlib.suppress(Exception):
                    tx.rollback()
        c = summary.counters
        # "w"/"rw": a write clause ran (a MERGE that only matched still counts), "s": schema.
        if c.contains_updates or c.contains_system_updates or summary.query_type in _WRITES:
            raise read_only_refusal(
                f"the server ran it as a {_QUERY_TYPES.get(summary.query_type or '', 'write')} "
                f"query ({c}); rolled back"
            )
        return rows

    @staticmethod
    def _query_error(e: Neo4jError, timeout_s: float | None) -> StoreError:
        code = e.code or ""
        msg = e.message or str(e)
        if "TransactionTimedOut" in code or "Terminated" in code:
            return QueryTimeout(
                f"the query ran longer than the limit of {timeout_s:g} s and was stopped"
                if timeout_s is not None
                else f"the server stopped the query: {msg}"
            )
        if (
            any(c in code for c in _REFUSED_CODES)
            or any(w in msg.lower() for w in _WRITE_FAILURES)
            or "read access" in msg.lower()
        ):
            return read_only_refusal(msg)
        return QueryError(lazy("query failed: {code}: {msg}", code=code, msg=msg))

    def close(self) -> None:
        self._driver.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r})"
