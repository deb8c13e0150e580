"""User queries run read-only: the query door refuses every write, file and session clause
(the engine's read-only transaction stands behind it), and the data stays intact."""

from __future__ import annotations

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
from tests.store.conftest import seed_orgs

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
WRITE_DDL = [
    "CREATE NODE TABLE Intruder(id STRING PRIMARY KEY)",
    "DROP TABLE GUIDES",
    "ALTER TABLE Unit ADD secret STRING",
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """One store for the module: every test checks it is left exactly as it was."""
    with open_store(str(tmp_path_factory.mktemp("query") / "store.lbdb")) as store:
        for org in seed_orgs():
            store.save_org(org, "a", "seed")
        yield store


def _snapshot(store: GraphStore) -> tuple[object, ...]:
    return (
        store.query("MATCH (n) RETURN count(n) AS n"),
        store.query("MATCH ()-[r]->() RETURN count(r) AS n"),
        store.query("MATCH (u:Unit) RETURN sum(u.police) AS p, min(u.name) AS m"),
        [o.org_id for o in store.list_orgs()],
        len(store.audit_log()),
    )


@pytest.mark.parametrize("cypher", ENGINE_REFUSED + WRITE_DDL)
def test_writes_are_refused_and_data_intact(loaded: GraphStore, cypher: str) -> None:
    before = _snapshot(loaded)
    with pytest.raises(ReadOnlyQueryError, match=r"read-only.*nothing was changed"):
        loaded.query(cypher)
    assert _snapshot(loaded) == before
    for org in seed_orgs():
        assert loaded.load_org(org.id) == org


@pytest.mark.parametrize(("cypher", "clause"), GUARD_REFUSED)
def test_files_sessions_and_second_statements_are_refused(
    loaded: GraphStore, cypher: str, clause: str
) -> None:
    before = _snapshot(loaded)
    with pytest.raises(QueryRefused) as info:
        loaded.query(cypher)
    assert info.value.clause == clause
    assert f"refused: {clause}" in str(info.value) or "one statement per query" in str(info.value)
    assert _snapshot(loaded) == before


@pytest.mark.parametrize("cypher", ["", "   ", "// only a comment", "/* and */ // comments"])
def test_empty_queries_are_syntax_errors(loaded: GraphStore, cypher: str) -> None:
    with pytest.raises(QuerySyntaxError, match="empty query"):
        loaded.query(cypher)


def test_values_travel_as_parameters(loaded: GraphStore) -> None:
    evil = "x' OR 1=1 //"
    assert loaded.query("MATCH (u:Unit) WHERE u.name = $n RETURN u.id AS id", {"n": evil}) == []
    rows = loaded.query(
        "MATCH (u:Unit) WHERE u.org_id = $o AND u.version = $v AND u.kind = $k "
        "RETURN count(u) AS n",
        {"o": "mirror-county", "v": 1, "k": "station"},
    )
    assert rows == [{"n": 15}]  # the seed's 15 派出所


def test_rows_are_plain_data(loaded: GraphStore) -> None:
    [row] = loaded.query(
        "MATCH (v:OrgVersion) WHERE v.org_id = $o RETURN v.created_at AS at, v AS node",
        {"o": "mirror-county"},
    )
    assert isinstance(row["at"], str) and row["at"].endswith("+00:00")
    assert row["node"]["name"] == "河西县公安局"
    assert row["node"]["_label"] == "OrgVersion"
    [row] = loaded.query("MATCH (u:Unit) RETURN sum(u.police) AS p")
    assert isinstance(row["p"], int)


def test_invalid_cypher_is_a_query_error(loaded: GraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match=r"expected '\)' at line 1, column 15"):
        loaded.query("MATCH (u:Unit RETURN u")
    with pytest.raises(QueryError, match="query failed"):  # the door reads it; the engine not
        loaded.query("MATCH (u:NoSuchTable) RETURN u")


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
    loaded: GraphStore, value: object, why: str
) -> None:
    with pytest.raises(QueryError, match=why):
        loaded.query("RETURN $x AS x", {"x": value})
