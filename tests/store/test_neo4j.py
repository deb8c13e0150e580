"""Neo4j: the same analytic texts, read-only refusals and conflicts on a real server.

Runs only when ``NEO4J_URI`` is set (with ``NEO4J_USER`` / ``NEO4J_PASSWORD``); every
organisation it writes has a random id suffix and is deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from orgmodel.store import GraphStore, ReadOnlyQueryError, VersionConflict, open_store
from orgmodel.store.analytics import run_analytic
from tests.store.conftest import NEO4J_SKIP, generated_org, renamed, seed_orgs
from tests.store.test_analytics import EXPECTED

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP),
]


@pytest.fixture(scope="module")
def neo() -> Iterator[tuple[GraphStore, str]]:
    suffix = "-t" + uuid.uuid4().hex[:8]
    with open_store(os.environ["NEO4J_URI"]) as s:
        try:
            for org in [*seed_orgs(), generated_org()]:
                s.save_org(renamed(org, org.id + suffix), "pytest")
            yield s, suffix
        finally:
            for o in s.list_orgs():
                if o.org_id.endswith(suffix):
                    s.delete_org(o.org_id, "pytest")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_analytics_on_neo4j_equal_metrics(neo: tuple[GraphStore, str], name: str) -> None:
    store, suffix = neo
    metric, key, value = EXPECTED[name]
    for org in [*seed_orgs(), generated_org()]:
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
    org = seed_orgs()[0]
    with pytest.raises(ReadOnlyQueryError):
        store.query(cypher)
    assert store.load_org(org.id + suffix) == renamed(org, org.id + suffix)


def test_conflict_on_neo4j(neo: tuple[GraphStore, str]) -> None:
    store, suffix = neo
    org = renamed(seed_orgs()[0], seed_orgs()[0].id + suffix)
    with pytest.raises(VersionConflict):
        store.save_org(org, "pytest", expected_version=0)
    assert store.save_org(org, "pytest", expected_version=1).version == 2
