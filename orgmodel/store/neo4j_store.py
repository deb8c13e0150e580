"""The shared store: a Neo4j server (or cluster), through the official ``neo4j`` driver.

For a bureau that runs Neo4j, or has outgrown one machine. The graph is the same as in the
embedded store (``cypher/schema.neo4j.cypher`` declares its constraints and indexes), so the
analytic queries of ``cypher/analytics/`` paste into Neo4j Browser unchanged.

- A save is one explicit transaction: it first touches the ``Org`` node (taking its write
  lock, so concurrent saves to one organisation queue), checks the expected version, then
  writes the units and edges in ``UNWIND`` batches and the version node, and commits.
- :meth:`Neo4jStore.query` runs in a session with ``default_access_mode=READ_ACCESS`` through
  ``execute_read``: the server refuses every write clause and write procedure.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString, cast

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from orgmodel.store._common import UNIT_COLUMNS, OrgRows, plain, read_only_refusal
from orgmodel.store._cypher import load_query, split_statements
from orgmodel.store.base import QueryError, QueryTimeout, StoreError
from orgmodel.store.cypher_store import CypherStore, batches
from orgmodel.store.query_door import DoorLimits, check_params, pass_query

__all__ = ["BATCH_SIZE", "Neo4jStore"]

ENGINE = "neo4j"
#: Rows per UNWIND batch of a bulk write.
BATCH_SIZE = 10_000


def _q(text: str) -> LiteralString:
    # Query texts come from cypher/ files or the user's own query; every value travels as a
    # parameter. (A Query object would be refused by Transaction.run.)
    return cast(LiteralString, text)


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

    def write_rows(self, rows: OrgRows, step: Callable[[str], None]) -> None:
        units = [
            {k: v for k, v in zip(UNIT_COLUMNS, r, strict=True) if v is not None}
            for r in rows.units
        ]
        self._batched("write/units", units)
        step("units")
        for name, pairs in (
            ("reports_to", rows.reports_to),
            ("guides", rows.guides),
            ("dispatches", rows.dispatches),
        ):
            self._batched(f"write/{name}", [{"from": a, "to": b} for a, b in pairs])
            step(name)


class Neo4jStore(CypherStore):
    """A store on a Neo4j server.

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
        The server cannot be reached, or refuses the credentials.
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
                f"no password for the Neo4j store {uri}: set NEO4J_PASSWORD (and NEO4J_USER, "
                "default 'neo4j') in the environment"
            )
        self.uri = uri
        self.database = database
        self._driver = GraphDatabase.driver(uri, auth=(user, password))
        try:
            self._driver.verify_connectivity()
            self._apply_schema()
            self.recover()
        except AuthError as e:
            self._driver.close()
            raise StoreError(
                f"Neo4j at {uri} refused the credentials of user {user!r} (NEO4J_USER / "
                f"NEO4J_PASSWORD): {e.message}"
            ) from None
        except (ServiceUnavailable, OSError) as e:
            self._driver.close()
            raise StoreError(f"cannot reach Neo4j at {uri}: {e}") from None

    def _session(self, mode: str = neo4j.WRITE_ACCESS) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _apply_schema(self) -> None:
        with self._session() as s:
            for stmt in split_statements(load_query("schema", ENGINE)):
                s.run(_q(stmt)).consume()

    @contextmanager
    def _write(self) -> Iterator[_Neo4jTx]:
        with self._session() as s, s.begin_transaction() as tx:
            try:
                yield _Neo4jTx(tx)
            except BaseException:
                # A transaction the server has already failed may refuse the rollback; the
                # original error is the one to report.
                with contextlib.suppress(Exception):
                    tx.rollback()
                raise
            tx.commit()

    @contextmanager
    def _read(self) -> Iterator[_Neo4jTx]:
        with self._session(neo4j.READ_ACCESS) as s, s.begin_transaction() as tx:
            try:
                yield _Neo4jTx(tx)
            finally:
                with contextlib.suppress(Exception):
                    tx.rollback()

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        limits: DoorLimits | None = None,
        max_rows: int | None = None,
    ) -> list[dict[str, Any]]:
        # The door refuses CALL (every procedure, apoc.* included) and file access before
        # the server sees the query; READ access mode refuses writes behind it.
        lim = limits or DoorLimits.from_env()
        cypher = pass_query(cypher, lim)
        check_params(params or {}, lim)

        # The server enforces the limit: a transaction timeout stops the query there too.
        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = []
            for rec in tx.run(_q(cypher), dict(params or {})):
                if max_rows is not None and len(rows) >= max_rows:
                    break
                rows.append({k: plain(v) for k, v in rec.items()})
            return rows

        try:
            with self._session(neo4j.READ_ACCESS) as s:
                return s.execute_read(work)
        except Neo4jError as e:
            code = e.code or ""
            msg = e.message or str(e)
            if "TransactionTimedOut" in code:
                raise QueryTimeout(
                    f"the query ran longer than the limit of {timeout_s:g} s and was stopped"
                ) from None
            if "AccessMode" in code or "Forbidden" in code or "read access" in msg.lower():
                raise read_only_refusal(msg) from None
            raise QueryError(f"query failed: {code}: {msg}") from None

    def close(self) -> None:
        self._driver.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r})"
