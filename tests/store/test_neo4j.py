"""Neo4j store on a real Bolt server: analytic texts, read-only refusals, conflicts, errors.

Runs when ``NEO4J_URI`` is set (``make test`` starts ArcadeDB and sets it; a real Neo4j set
by the caller takes precedence); every organisation it writes has a random id suffix and is
deleted afterwards. Tests of behaviour only Neo4j has (READ access mode enforced by the
server, transaction timeouts, MERGE locking) skip on ArcadeDB and say so.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import urllib.request
import uuid
from base64 import b64encode
from collections.abc import Iterator
from datetime import UTC, timedelta

import neo4j
import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError, Neo4jError

from orgmodel.store import (
    GraphStore,
    NotFound,
    QueryTimeout,
    ReadOnlyQueryError,
    StoreError,
    VersionConflict,
    open_store,
)
from orgmodel.store.analytics import run_analytic
from orgmodel.store.neo4j_store import Neo4jStore
from tests.bolt_server import ARCADEDB_HTTP_ENV
from tests.store.conftest import (
    NEO4J_SKIP,
    analytic_orgs,
    is_arcadedb,
    neo4j_only,
    open_neo4j,
    renamed,
    seed_orgs,
)
from tests.store.test_analytics import EXPECTED

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP),
]


@pytest.fixture(scope="module")
def neo() -> Iterator[tuple[GraphStore, str]]:
    suffix = "-t" + uuid.uuid4().hex[:8]
    with open_neo4j() as s:
        try:
            for org in analytic_orgs():
                s.save_org(renamed(org, org.id + suffix), "pytest")
            yield s, suffix
        finally:
            for o in s.list_orgs():
                if o.org_id.endswith(suffix):
                    s.delete_org(o.org_id, "pytest")


def _driver() -> neo4j.Driver:
    return GraphDatabase.driver(
        os.environ["NEO4J_URI"],
        auth=(os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "")),
    )


def _db() -> str | None:
    return os.environ.get("NEO4J_DATABASE") or None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_analytics_on_neo4j_equal_metrics(neo: tuple[GraphStore, str], name: str) -> None:
    store, suffix = neo
    metric, key, value = EXPECTED[name]
    for org in analytic_orgs():
        rows = run_analytic(store, name, org.id + suffix, 1)
        assert {r[key]: r[value] for r in rows} == metric(org), (name, org.id)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (u) DETACH DELETE u",
        "CREATE (:Org {id: 'intruder'})",
        "MATCH (u:Unit) SET u.police = 0",
        "MERGE (o:Org {id: 'intruder'}) RETURN o",
        "CALL db.createLabel('Intruder')",
        "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    ],
)
def test_writes_refused_on_neo4j(neo: tuple[GraphStore, str], cypher: str) -> None:
    store, suffix = neo
    counts = (
        "MATCH (u:Unit) WHERE u.org_id ENDS WITH $s "
        "RETURN count(u) AS n, sum(u.police) AS police, min(u.name) AS name"
    )
    before = store.query(counts, {"s": suffix})
    with pytest.raises(ReadOnlyQueryError):
        store.query(cypher)
    assert store.query(counts, {"s": suffix}) == before
    org = seed_orgs()[0]
    assert store.load_org(org.id + suffix) == renamed(org, org.id + suffix)
    assert store.query("MATCH (o:Org {id: 'intruder'}) RETURN count(o) AS n") == [{"n": 0}]


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (u) DETACH DELETE u",
        "MATCH (u:Unit) SET u.police = 0 RETURN count(u) AS n",
        "MERGE (o:Org {id: 'intruder'}) RETURN o.id AS id",
    ],
)
def test_read_transaction_alone_keeps_every_unit(neo: tuple[GraphStore, str], cypher: str) -> None:
    """The layer behind the query door, on its own: the statement reaches the server (Neo4j
    refuses it in READ mode; ArcadeDB runs it), and every unit of every organisation is still
    there afterwards, because the transaction is rolled back and the write refused."""
    store, suffix = neo
    assert isinstance(store, Neo4jStore)
    count = (
        "MATCH (u:Unit) WHERE u.org_id ENDS WITH $s RETURN count(u) AS n, sum(u.police) AS police"
    )
    before = store.query(count, {"s": suffix})
    # The seeds' and the generated organisation's units, each saved once.
    assert before[0]["n"] == sum(len(o) for o in analytic_orgs())
    assert before[0]["police"] == sum(o.total_police() for o in analytic_orgs())
    with pytest.raises(ReadOnlyQueryError, match="nothing was changed"):
        store._run_read_only(cypher, {}, None)
    assert store.query(count, {"s": suffix}) == before
    assert store.query(
        "MATCH (a:Unit)-[r:REPORTS_TO]->() WHERE a.org_id ENDS WITH $s RETURN count(r) AS n",
        {"s": suffix},
    ) == [{"n": before[0]["n"] - len(analytic_orgs())}]
    # every unit but each organisation's root reports
    assert store.query("MATCH (o:Org {id: 'intruder'}) RETURN count(o) AS n") == [{"n": 0}]


@pytest.mark.parametrize(
    "cypher",
    [
        "DROP CONSTRAINT unit_key",
        "CREATE CONSTRAINT intruder IF NOT EXISTS FOR (o:Intruder) REQUIRE o.id IS UNIQUE",
        "CALL db.index.fulltext.createNodeIndex('x', ['Unit'], ['name'])",
    ],
)
def test_schema_changes_refused_and_keys_still_unique(
    neo: tuple[GraphStore, str], cypher: str
) -> None:
    store, suffix = neo
    with pytest.raises(ReadOnlyQueryError):
        store.query(cypher)
    # The unique key on Unit.key still holds: a second unit with an existing key is refused.
    key = f"{seed_orgs()[0].id}{suffix}@1:{seed_orgs()[0].root}"
    with (
        _driver() as d,
        d.session(database=_db()) as s,
        s.begin_transaction() as tx,
        pytest.raises(ConstraintError),
    ):
        tx.run("CREATE (:Unit {key: $k})", k=key).consume()
        tx.commit()


def test_conflict_on_neo4j(neo: tuple[GraphStore, str]) -> None:
    store, suffix = neo
    org = renamed(seed_orgs()[0], seed_orgs()[0].id + suffix)
    with pytest.raises(VersionConflict):
        store.save_org(org, "pytest", expected_version=0)
    assert store.save_org(org, "pytest", expected_version=1).version == 2


def test_a_lost_race_is_a_version_conflict() -> None:
    """A competing save commits while ours is open. Neo4j queues it on the Org node's lock
    (ours commits first, the competitor becomes version 2); a server that does not lock
    refuses our commit (a unique key written twice), which the store turns into a retry that
    finds version 1 taken: a VersionConflict, never a raw driver error."""
    org = renamed(seed_orgs()[0], "race" + "-t" + uuid.uuid4().hex[:8])
    with open_neo4j() as ours, open_neo4j() as theirs:
        try:
            competitor = threading.Thread(target=lambda: theirs.save_org(org, "them"))

            def hook(step: str) -> None:
                if step == "units" and not competitor.is_alive() and competitor.ident is None:
                    competitor.start()
                    competitor.join(timeout=3)  # on Neo4j it waits for our lock: time out

            ours.step_hook = hook
            if is_arcadedb(ours):
                with pytest.raises(VersionConflict, match="latest version is 1"):
                    ours.save_org(org, "us", expected_version=0)
                competitor.join()
                [v] = ours.list_versions(org.id)
                assert v.author == "them"
            else:
                assert ours.save_org(org, "us", expected_version=0).version == 1
                competitor.join()
                assert [v.author for v in ours.list_versions(org.id)] == ["us", "them"]
        finally:
            ours.step_hook = None
            with contextlib.suppress(NotFound):
                ours.delete_org(org.id, "pytest")


def test_missing_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    drivers: list[neo4j.Driver] = []
    real = GraphDatabase.driver

    def spy(*args: object, **kwargs: object) -> neo4j.Driver:
        drivers.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return drivers[-1]

    monkeypatch.setattr(GraphDatabase, "driver", spy)
    name = "nope" + uuid.uuid4().hex[:6]
    with pytest.raises(StoreError, match=rf"no database '{name}'.*NEO4J_DATABASE"):
        Neo4jStore(
            os.environ["NEO4J_URI"],
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=name,
        )
    assert drivers and drivers[0]._closed  # the driver (its connection pool) was closed


def _arcadedb_admin(path: str, body: dict[str, object]) -> object:
    url = os.environ[ARCADEDB_HTTP_ENV] + path
    auth = b64encode(f"root:{os.environ['NEO4J_PASSWORD']}".encode()).decode()
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_no_schema_rights_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user who may write records but not the schema, on a database without the store's
    constraints yet: a clear message naming the file to run, and the driver closed."""
    if not os.environ.get(ARCADEDB_HTTP_ENV):
        pytest.skip(
            "needs a user without schema rights: made through ArcadeDB's HTTP API, which the "
            "server of make test has (Neo4j Community has no fine-grained privileges)"
        )
    tag = uuid.uuid4().hex[:6]
    db, user, pw = f"noschema{tag}", f"editor{tag}", "pw-" + uuid.uuid4().hex
    _arcadedb_admin("/api/v1/server", {"command": f"create database {db}"})
    _arcadedb_admin(
        "/api/v1/server/groups",
        {
            "database": db,
            "name": "editor",
            "access": [],
            "resultSetLimit": -1,
            "readTimeout": -1,
            "types": {"*": {"access": ["createRecord", "readRecord", "updateRecord"]}},
        },
    )
    spec = {"name": user, "password": pw, "databases": {db: ["editor"]}}
    _arcadedb_admin("/api/v1/server", {"command": "create user " + json.dumps(spec)})
    drivers: list[neo4j.Driver] = []
    real = GraphDatabase.driver

    def spy(*args: object, **kwargs: object) -> neo4j.Driver:
        drivers.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return drivers[-1]

    monkeypatch.setattr(GraphDatabase, "driver", spy)
    with pytest.raises(StoreError, match=rf"user '{user}' may not create .*schema\.neo4j\.cypher"):
        Neo4jStore(os.environ["NEO4J_URI"], user=user, password=pw, database=db)
    assert drivers and drivers[0]._closed


def test_list_orgs_survives_org_nodes_without_timestamps(neo: tuple[GraphStore, str]) -> None:
    """An Org node made by hand (say in Neo4j Browser) without created_at, and a stored
    organisation whose node lost its timestamps: listing still works, taking them from the
    versions; a node without versions is no organisation of the store."""
    store, suffix = neo
    org_id = seed_orgs()[1].id + suffix
    with _driver() as d, d.session(database=_db()) as s:
        s.run("CREATE (:Org {id: $id, name: 'by hand'})", id="handmade" + suffix).consume()
        s.run("MATCH (o:Org {id: $id}) REMOVE o.created_at, o.updated_at", id=org_id).consume()
    try:
        listed = {o.org_id: o for o in store.list_orgs() if o.org_id.endswith(suffix)}
        assert "handmade" + suffix not in listed
        [version] = store.list_versions(org_id)
        assert listed[org_id].created_at == version.created_at
        assert listed[org_id].updated_at == version.created_at
    finally:
        with _driver() as d, d.session(database=_db()) as s:
            s.run("MATCH (o:Org {id: $id}) DELETE o", id="handmade" + suffix).consume()


def test_naive_server_datetimes_round_trip_as_utc(neo: tuple[GraphStore, str]) -> None:
    """Whatever the server returns (ArcadeDB: naive datetimes), every timestamp comes back
    aware, in UTC, equal to the one the save reported."""
    store, suffix = neo
    org = renamed(seed_orgs()[2], seed_orgs()[2].id + suffix)
    saved = store.save_org(org, "时区", "tz")
    back = store.list_versions(org.id)[-1]
    assert back.created_at.tzinfo is not None
    assert back.created_at.utcoffset() == timedelta(0)
    # Neo4j keeps nanoseconds, others milliseconds: equal to the millisecond.
    assert abs(back.created_at - saved.created_at) < timedelta(milliseconds=1)
    summary = next(o for o in store.list_orgs() if o.org_id == org.id)
    assert summary.updated_at.tzinfo is not None
    assert abs(summary.updated_at - saved.created_at) < timedelta(milliseconds=1)
    entry = store.audit_log(org.id)[0]
    assert entry.at.astimezone(UTC) == entry.at and entry.action == "save"
    [row] = store.query(
        "MATCH (v:OrgVersion {key: $k}) RETURN v.created_at AS at",
        {"k": f"{org.id}@{saved.version}"},
    )
    assert row["at"].endswith("+00:00")


# -- behaviour only Neo4j has ----------------------------------------------------------------


def test_server_enforces_read_access_mode(neo: tuple[GraphStore, str]) -> None:
    """Neo4j itself refuses a write in a READ session (a cluster sends it to a follower)."""
    store, _ = neo
    neo4j_only(store, "ArcadeDB ignores Bolt's READ access mode (the store's rollback covers it)")
    with (
        _driver() as d,
        d.session(database=_db(), default_access_mode=neo4j.READ_ACCESS) as s,
        s.begin_transaction() as tx,
        pytest.raises(Neo4jError, match=r"(?i)access|read"),
    ):
        tx.run("CREATE (:Org {id: 'intruder'})").consume()
        tx.rollback()


def test_transaction_timeout_stops_a_query(neo: tuple[GraphStore, str]) -> None:
    store, _ = neo
    neo4j_only(store, "ArcadeDB does not apply Bolt transaction timeouts")
    t = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"limit of 0\.5 s"):
        store.query("UNWIND range(1, 1000000000) AS i RETURN sum(i * i) AS s", timeout_s=0.5)
    assert time.monotonic() - t < 30


def test_merge_lock_queues_a_save(neo: tuple[GraphStore, str]) -> None:
    """While another transaction holds the Org node's lock, a save waits; it goes on when
    that transaction ends."""
    store, suffix = neo
    neo4j_only(store, "ArcadeDB takes no lock on MERGE (it refuses the later commit instead)")
    org = renamed(seed_orgs()[0], seed_orgs()[0].id + suffix)
    latest = store.list_versions(org.id)[-1].version
    done = threading.Event()
    with _driver() as d, d.session(database=_db()) as s, s.begin_transaction() as tx:
        tx.run("MATCH (o:Org {id: $id}) SET o.updated_at = datetime()", id=org.id).consume()
        saver = threading.Thread(target=lambda: (store.save_org(org, "queued"), done.set()))
        saver.start()
        assert not done.wait(1.5)  # queued behind the lock
        tx.rollback()
    saver.join(timeout=60)
    assert done.is_set()
    assert store.list_versions(org.id)[-1].version == latest + 1


def test_open_store_reports_the_server(neo: tuple[GraphStore, str]) -> None:
    store, _ = neo
    with open_store(os.environ["NEO4J_URI"]) as s:
        assert "Neo4j/" in s.server_agent  # type: ignore[attr-defined]
    assert store.query("RETURN 1 AS one") == [{"one": 1}]
