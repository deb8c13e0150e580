"""Fixtures of the store tests: seed organisations, a generated one, and stores to test.

Every test gets its own LadybugDB file under ``tmp_path``. Tests parametrised over
``engine`` also run on the Bolt server of ``NEO4J_URI`` (with ``NEO4J_USER`` /
``NEO4J_PASSWORD``): in ``make test`` an ArcadeDB that tests/bolt_server.py starts, or a
real Neo4j when the caller sets ``NEO4J_URI``. They use organisation and scenario ids with a
random suffix, look only at their own, and delete them after, so a shared server is left as
it was. Behaviour only Neo4j has is skipped on ArcadeDB with :func:`neo4j_only`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from orgmodel.generate import generate_org
from orgmodel.io import load_org
from orgmodel.model import OrgGraph, Unit
from orgmodel.seeds import seed_path
from orgmodel.store import GraphStore, open_store

SEED_FILES = sorted(seed_path("orgs").glob("*.yaml"))
#: The generated organisation of the tests: 1 province, 2 cities, 2 counties each.
GENERATED = (1, 2, 2, 7)

NEO4J_SKIP = (
    "Neo4j tests need a Bolt server: set NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD), or run "
    "them as `make test` does (python -m tests.bolt_server -- pytest …), which starts ArcadeDB"
)
ENGINES = [
    "ladybug",
    pytest.param(
        "neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP),
        ],
    ),
]


@cache
def _seed_orgs() -> tuple[OrgGraph, ...]:
    return tuple(load_org(p) for p in SEED_FILES)


def seed_orgs() -> list[OrgGraph]:
    """The seed organisations (parsed once; an OrgGraph is never changed in place)."""
    return list(_seed_orgs())


@cache
def generated_org() -> OrgGraph:
    p, c, k, seed = GENERATED
    return generate_org(p, c, k, seed=seed)


@cache
def nested_bureaus_org() -> OrgGraph:
    """A city that commands a 派出所 directly, a 分局 that only heads another 分局, and a 分局
    with no stations: the county-level cases the seeds do not have.

    County-level bureaus and their own regions (DOMAIN.md, "Frontline shares"):
    - c commands s0 directly, so it is one; its region is c 100 + cd 10 + s0 8 + k1 5 + d1 7
      = 130 police (k1 heads only k2, so k1 is not one and stays in c's region), stations 8:
      8 / 130;
    - k2 heads s2: 4 + 20 + 6 = 30 police, stations 20 + 6 = 26: 26 / 30;
    - k3 has no bureau below it and no station: 0 / 9 = 0.
    """
    return OrgGraph(
        [
            Unit("c", "临海市公安局", "city", police=100),
            Unit("cd", "临海市公安局治安支队", "department", parent="c", police=10),
            Unit("s0", "港区派出所", "station", parent="c", police=8),
            Unit("k1", "东城区分局", "county", parent="c", police=5),
            Unit("d1", "东城区分局治安大队", "department", parent="k1", police=7),
            Unit("k2", "新港分局", "county", parent="k1", police=4),
            Unit("s2", "新港派出所", "station", parent="k2", police=20),
            Unit("t2", "新港派出所社区警务队", "team", parent="s2", police=6),
            Unit("k3", "西山区分局", "county", parent="c", police=9),
        ],
        id="nested-bureaus",
    )


def renamed(org: OrgGraph, new_id: str) -> OrgGraph:
    """The same organisation under another id."""
    return org.with_units(org.units(), id=new_id)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.lbdb"


@pytest.fixture
def store(store_path: Path) -> Iterator[GraphStore]:
    with open_store(str(store_path)) as s:
        yield s


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def any_store(engine: str, store_path: Path) -> Iterator[tuple[GraphStore, str]]:
    """(store, org-id suffix): a LadybugDB store, or the Neo4j server of NEO4J_URI."""
    if engine == "ladybug":
        with open_store(str(store_path)) as s:
            yield s, ""
        return
    suffix = "-t" + uuid.uuid4().hex[:8]
    with open_store(os.environ["NEO4J_URI"]) as s:
        try:
            yield s, suffix
        finally:
            for o in s.list_orgs():
                if o.org_id.endswith(suffix):
                    s.delete_org(o.org_id, "pytest")


def is_arcadedb(store: GraphStore) -> bool:
    """The store is a Neo4jStore on ArcadeDB (its Bolt agent names it)."""
    return "arcadedb" in str(getattr(store, "server_agent", "")).lower()


def neo4j_only(store: GraphStore, behaviour: str) -> None:
    """Skip the test on ArcadeDB, which lacks ``behaviour`` (Neo4j has it)."""
    if is_arcadedb(store):
        pytest.skip(f"Neo4j-only: {behaviour} ({store.server_agent})")  # type: ignore[attr-defined]


def open_neo4j() -> GraphStore:
    """The Neo4j store of ``NEO4J_URI`` (the tests' Bolt server)."""
    return open_store(os.environ["NEO4J_URI"])
