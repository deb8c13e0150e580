"""Graph stores: organisations, versions, scenarios and an audit log in a graph database.

:func:`open_store` picks the engine from a URI:

- a path (or nothing: ``$ORGMODEL_STORE``, else ``./data/orgmodel.lbdb``) → the embedded
  :class:`~orgmodel.store.ladybug_store.LadybugStore` (LadybugDB, no server);
- ``bolt://``, ``bolt+s://``, ``neo4j://``, ``neo4j+s://`` … →
  :class:`~orgmodel.store.neo4j_store.Neo4jStore`, with the credentials from
  ``NEO4J_USER`` / ``NEO4J_PASSWORD`` (and the database from ``NEO4J_DATABASE``).

See ``docs/store.md`` for the graph schema and the analytic queries of ``cypher/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from orgmodel.i18n import join_list, lazy
from orgmodel.store.base import (
    SCENARIO_PREFIX,
    AlreadyExists,
    AuditEntry,
    GraphStore,
    NotFound,
    OrgSummary,
    OrgVersion,
    QueryCrashed,
    QueryError,
    QueryTimeout,
    ReadOnlyQueryError,
    ScenarioRecord,
    ScenarioSave,
    StoreError,
    StoreLocked,
    VersionConflict,
)
from orgmodel.store.query_door import DoorLimits, QueryRefused, QuerySyntaxError

__all__ = [
    "DEFAULT_STORE",
    "NEO4J_SCHEMES",
    "SCENARIO_PREFIX",
    "AlreadyExists",
    "AuditEntry",
    "DoorLimits",
    "GraphStore",
    "NotFound",
    "OrgSummary",
    "OrgVersion",
    "QueryCrashed",
    "QueryError",
    "QueryRefused",
    "QuerySyntaxError",
    "QueryTimeout",
    "ReadOnlyQueryError",
    "ScenarioRecord",
    "ScenarioSave",
    "StoreError",
    "StoreLocked",
    "VersionConflict",
    "open_store",
    "store_uri",
]

#: The embedded store used when neither a URI nor ``ORGMODEL_STORE`` is given.
DEFAULT_STORE = str(Path("data") / "orgmodel.lbdb")
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def store_uri(uri: str | os.PathLike[str] | None = None) -> str:
    """The store URI to use: the one given, else ``$ORGMODEL_STORE``, else the default."""
    if uri is not None and str(uri).strip():
        return str(uri)
    return os.environ.get("ORGMODEL_STORE", "").strip() or DEFAULT_STORE


def open_store(uri: str | os.PathLike[str] | None = None) -> GraphStore:
    """Open the store a URI names (see the module docstring).

    Raises
    ------
    StoreLocked
        The embedded store is held by another process.
    StoreError
        The URI's scheme is unknown, the Neo4j server cannot be reached or refuses the
        credentials.
    """
    u = store_uri(uri)
    scheme = u.split("://", 1)[0].lower() if "://" in u else ""
    if scheme in NEO4J_SCHEMES:
        from orgmodel.store.neo4j_store import Neo4jStore

        return Neo4jStore(
            u,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD"),
            database=os.environ.get("NEO4J_DATABASE") or None,
        )
    if scheme == "file":
        u = u.split("://", 1)[1]
    elif scheme:
        raise StoreError(
            lazy(
                "unknown store URI {u!r}: give a file path for the embedded LadybugDB store, or a Neo4j URI ({join})",
                u=u,
                join=join_list(s + "://" for s in NEO4J_SCHEMES),
            )
        )
    from orgmodel.store.ladybug_store import LadybugStore

    return LadybugStore(u)
