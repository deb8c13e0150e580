"""User queries run read-only: the query door refuses every write, file and session clause
(the engine's read-only transaction stands behind it), and the data stays intact.

Every test runs on LadybugDB and on the Bolt server of ``NEO4J_URI`` (ArcadeDB in
``make test``). test_neo4j.py checks the Neo4j store's read-only transaction on its own,
behind the door."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from orgmodel.store import (
    GraphStore,
    QueryError,
    QueryRefused,
    QuerySyntaxError,
    ReadOnlyQueryError,
    open_store,
)
from tests.store.conftest import ENGINES, open_neo4j, renamed, seed_orgs

# Writes: refused at the query door (and behind it by the engine's read-only transaction).
ENGINE_REFUSED = [
    "MATCH (u) DETACH DELETE u",
    "MATCH (u:Unit) DELETE u",
    "MATCH (u:Unit) SET u.police = 0",
    "MATCH (u:Unit) SET u.name = 'x' RETURN u.id",
    "CREATE (:Org {id: 'intruder'})",
    "MERGE (o:Org {id: 'intruder'}) RETURN o",
    "MATCH (a:Unit), (b:Unit) WHERE a.id = 'x' CREATE (a)-[:GUIDES]->(b)",
    "MATCH (o:Org) DETACH DELETE o",
    "OPTIONAL MATCH (u:Unit) WITH u LIMIT 1 CREATE (:Org {id: 'late-write'})",
    "UNWIND [1, 2] AS i CREATE (:Audit {id: 'forged' + 'x'})",
]
# Refused at the door, with the clause named: files, sessions, transactions, two statements.
GUARD_REFUSED = [
    ("COMMIT; MATCH (u) DETACH DELETE u", "COMMIT"),
    ("MATCH (u:Unit) RETURN u; MATCH (u) DETACH DELETE u", "second statement"),
    ("COMMIT", "COMMIT"),
    ("BEGIN TRANSACTION", "BEGIN TRANSACTION"),
    ("COPY (MATCH (u:Unit) RETURN u.name) TO '/tmp/leak.csv'", "COPY"),
    ("COPY Unit FROM '/tmp/units.csv'", "COPY"),
    ("LOAD FROM '/etc/passwd' RETURN *", "LOAD FROM"),
    ("EXPORT DATABASE '/tmp/dump'", "EXPORT DATABASE"),
    ("ATTACH '/tmp/other.lbdb' AS other (dbtype lbug)", "ATTACH"),
    ("INSTALL json", "INSTALL"),
    ("CALL threads = 1", "CALL (setting)"),
]
# Schema changes, in each engine's dialect (ArcadeDB would apply Neo4j's even in a rolled-back
# transaction: the Neo4j store refuses them before they reach the server).
WRITE_DDL = {
    "ladybug": [
        "CREATE NODE TABLE Intruder(id STRING PRIMARY KEY)",
        "DROP TABLE GUIDES",
        "ALTER TABLE Unit ADD secret STRING",
    ],
    "neo4j": [
        "CREATE INDEX intruder IF NOT EXISTS FOR (u:Unit) ON (u.name)",
        "DROP CONSTRAINT unit_key",
        "DROP INDEX unit_org_version",
    ],
}


@pytest.fixture(scope="module", params=ENGINES)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GraphStore, str]]:
    """(store, id suffix): one store per engine for the module, holding the seed
    organisations; every test checks they are left exactly as they were."""
    if request.param == "ladybug":
        with open_store(str(tmp_path_factory.mktemp("query") / "store.lbdb")) as store:
            for org in seed_orgs():
                store.save_org(org, "a", "seed")
            yield store, ""
        return
    suffix = "-q" + uuid.uuid4().hex[:8]
    with open_neo4j() as store:
        try:
            for org in seed_orgs():
                store.save_org(renamed(org, org.id + suffix), "a", "seed")
            yield store, suffix
        finally:
            for o in store.list_orgs():
                if o.org_id.endswith(suffix):
                    store.delete_org(o.org_id, "pytest")


def _snapshot(loaded: tuple[GraphStore, str]) -> tuple[object, ...]:
    """What the test's own organisations hold (a shared server has others' beside them)."""
    store, suffix = loaded
    mine = {"s": suffix}
    return (
        store.query("MATCH (n) WHERE n.org_id ENDS WITH $s RETURN count(n) AS n", mine),
        store.query(
            "MATCH (a:Unit)-[r]->() WHERE a.org_id ENDS WITH $s RETURN count(r) AS n", mine
        ),
        store.query(
            "MATCH (u:Unit) WHERE u.org_id ENDS WITH $s RETURN sum(u.police) AS p, "
            "min(u.name) AS m",
            mine,
        ),
        [o.org_id for o in store.list_orgs() if o.org_id.endswith(suffix)],
        [len(store.audit_log(org.id + suffix)) for org in seed_orgs()],
    )


def _intact(loaded: tuple[GraphStore, str]) -> None:
    # The snapshot covers every organisation; one loaded whole checks every attribute.
    store, suffix = loaded
    org = seed_orgs()[0]
    assert store.load_org(org.id + suffix) == renamed(org, org.id + suffix)


@pytest.mark.parametrize("cypher", [*ENGINE_REFUSED, "ddl-0", "ddl-1", "ddl-2"])
def test_writes_are_refused_and_data_intact(loaded: tuple[GraphStore, str], cypher: str) -> None:
    store, _ = loaded
    if cypher.startswith("ddl-"):
        cypher = WRITE_DDL[store.engine][int(cypher[4:])]  # type: ignore[attr-defined]
    before = _snapshot(loaded)
    with pytest.raises(ReadOnlyQueryError, match=r"read-only.*nothing was changed"):
        store.query(cypher)
    assert _snapshot(loaded) == before
    _intact(loaded)


@pytest.mark.parametrize(("cypher", "clause"), GUARD_REFUSED)
def test_files_sessions_and_second_statements_are_refused(
    loaded: tuple[GraphStore, str], cypher: str, clause: str
) -> None:
    before = _snapshot(loaded)
    with pytest.raises(QueryRefused) as info:
        loaded[0].query(cypher)
    assert info.value.clause == clause
    assert f"refused: {clause}" in str(info.value) or "one statement per query" in str(info.value)
    assert _snapshot(loaded) == before


@pytest.mark.parametrize("cypher", ["", "   ", "// only a comment", "/* and */ // comments"])
def test_empty_queries_are_syntax_errors(loaded: tuple[GraphStore, str], cypher: str) -> None:
    with pytest.raises(QuerySyntaxError, match="empty query"):
        loaded[0].query(cypher)


def test_values_travel_as_parameters(loaded: tuple[GraphStore, str]) -> None:
    store, suffix = loaded
    evil = "x' OR 1=1 //"
    assert store.query("MATCH (u:Unit) WHERE u.name = $n RETURN u.id AS id", {"n": evil}) == []
    rows = store.query(
        "MATCH (u:Unit) WHERE u.org_id = $o AND u.version = $v AND u.kind = $k "
        "RETURN count(u) AS n",
        {"o": "mirror-county" + suffix, "v": 1, "k": "station"},
    )
    assert rows == [{"n": 15}]  # the seed's 15 派出所


def test_rows_are_plain_data(loaded: tuple[GraphStore, str]) -> None:
    store, suffix = loaded
    # Timestamps come back as UTC ISO text, also from a server that returns naive ones.
    [row] = store.query(
        "MATCH (v:OrgVersion) WHERE v.org_id = $o RETURN v.created_at AS at, v AS node",
        {"o": "mirror-county" + suffix},
    )
    assert isinstance(row["at"], str) and row["at"].endswith("+00:00")
    assert row["node"]["name"] == "河西县公安局"
    assert row["node"]["_label"] == "OrgVersion"
    assert row["node"]["created_at"] == row["at"]
    [row] = store.query("MATCH (u:Unit) RETURN sum(u.police) AS p")
    assert isinstance(row["p"], int)


def test_invalid_cypher_is_a_query_error(loaded: tuple[GraphStore, str]) -> None:
    store, _ = loaded
    with pytest.raises(QuerySyntaxError, match=r"expected '\)' at line 1, column 15"):
        store.query("MATCH (u:Unit RETURN u")
    if store.engine == "ladybug":  # type: ignore[attr-defined]
        # The door reads it; the engine does not (Neo4j has no tables: an unknown label
        # simply matches nothing).
        with pytest.raises(QueryError, match="query failed"):
            store.query("MATCH (u:NoSuchTable) RETURN u")


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ({1, 2}, "unsupported value of type set"),
        (object(), "unsupported value of type object"),
        ([1, "a"], "one type"),
        (2**70, "64-bit"),
        ({1: "x"}, "map keys must be text"),
    ],
)
def test_unsupported_parameters_are_query_errors(
    loaded: tuple[GraphStore, str], value: object, why: str
) -> None:
    with pytest.raises(QueryError, match=why):
        loaded[0].query("RETURN $x AS x", {"x": value})
    # ... named, and nested ones too: a map's key, a list's item.
    with pytest.raises(QueryError, match=r"\$m\.k\[0\]"):
        loaded[0].query("RETURN $m AS m", {"m": {"k": [value]}})
