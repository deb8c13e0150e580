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
from orgmodel.model import OrgGraph, ParentBureau, Unit
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


def _unit(
    uid: str, name: str, kind: str, parent: str | None, police: int, function: str | None = None
) -> Unit:
    return Unit(uid, name, kind, parent=parent, police=police, function=function)


@cache
def tricky_shapes_org() -> OrgGraph:
    """Shapes the analytic queries must walk right: a province that commands a 派出所
    directly, a station under a 支队 (its nearest bureau is the city above), 分局 under 分局,
    a 分局 under a 支队, a lone 分局, departments inside departments, teams, an office and a
    post inside a station, and a parent bureau recorded for the root.

    County-level bureaus and their own regions (police; DOMAIN.md, "Frontline shares"):
    - pv commands pv-s: pv 40 + pv-x 12 + pv-x1 4 + pv-cc 6 + pv-s 9 + pv-s-t 3 = 74,
      stations 9 + 3 = 12;
    - c commands c-s (under its 禁毒支队 c-n): c 30 + c-x 10 + c-n 5 + c-s 8 + k1 6 + k1-x 7
      = 66 (k1 heads only k2, so it stays in c's region), stations 8;
    - k2: 4 + 5 + 3 + s2 20 + t2 6 + p2 2 + o2 4 = 44, stations 20 + 6 + 2 + 4 = 32;
    - k3 (no bureau below, no station): 9 + 2 = 11, stations 0;
    - k4 (under c's 刑侦支队 c-x): 5 + s4 11 = 16, stations 11.
    74 + 66 + 44 + 11 + 16 = 211, every officer once.

    Mirror index (D(X): functions of the departments whose nearest bureau is X):
    D(pv) = {criminal, narcotics, command} against the recorded 公安部 {criminal, command}:
    2 of 3; D(c) = {criminal, narcotics} against D(pv): 2 of 2; D(k1) = {criminal} against
    D(c): 1 of 1; D(k2) = {criminal, public_order} against D(k1): 1 of 2; D(k3) =
    {public_order} against D(c): 0 of 1; k4 has no departments, so no row.
    """
    return OrgGraph(
        [
            _unit("pv", "江东省公安厅", "province", None, 40),
            _unit("pv-x", "江东省公安厅刑侦总队", "department", "pv", 12, "criminal"),
            _unit("pv-x1", "江东省公安厅刑侦总队禁毒支队", "department", "pv-x", 4, "narcotics"),
            _unit("pv-cc", "江东省公安厅情指中心", "command_center", "pv", 6, "command"),
            _unit("pv-s", "机场派出所", "station", "pv", 9),
            _unit("pv-s-t", "机场派出所案件办理队", "team", "pv-s", 3, "case_handling"),
            _unit("c", "临江市公安局", "city", "pv", 30),
            _unit("c-x", "临江市公安局刑侦支队", "department", "c", 10, "criminal"),
            _unit("c-n", "临江市公安局禁毒支队", "department", "c", 5, "narcotics"),
            _unit("c-s", "码头派出所", "station", "c-n", 8),
            _unit("k1", "东城区分局", "county", "c", 6),
            _unit("k1-x", "东城区分局刑侦大队", "department", "k1", 7, "criminal"),
            _unit("k2", "新港分局", "county", "k1", 4),
            _unit("k2-x", "新港分局刑侦大队", "department", "k2", 5, "criminal"),
            _unit("k2-p", "新港分局治安大队", "department", "k2", 3, "public_order"),
            _unit("s2", "新港派出所", "station", "k2", 20),
            _unit("t2", "新港派出所社区警务队", "team", "s2", 6, "community_policing"),
            _unit("p2", "新港社区警务室", "community_post", "t2", 2),
            _unit("o2", "新港派出所综合指挥室", "office", "s2", 4, "station_command"),
            _unit("k3", "西山区分局", "county", "c", 9),
            _unit("k3-p", "西山区分局治安大队", "department", "k3", 2, "public_order"),
            _unit("k4", "刑侦支队直属分局", "county", "c-x", 5),
            _unit("s4", "直属派出所", "station", "k4", 11),
        ],
        id="tricky-shapes",
        parent_bureau=ParentBureau("公安部", ("criminal", "command")),
    )


@cache
def no_bureau_above_org() -> OrgGraph:
    """A 支队 exported alone: a 派出所 with no bureau above it, beside a 分局 with its own.

    Only k0 is county-level: 5 + k0-x 2 + s1 9 = 16 police, stations 9. d0, d0-x, s0 and
    s0-t are in no county-level bureau's region. The root is no bureau, so the parent bureau
    recorded for it measures nothing, and k0 has no parent bureau: no mirror rows.
    """
    return OrgGraph(
        [
            _unit("d0", "某巡特警支队", "department", None, 10, "patrol"),
            _unit("d0-x", "某支队刑侦中队", "department", "d0", 3, "criminal"),
            _unit("s0", "无局派出所", "station", "d0", 7),
            _unit("s0-t", "无局派出所社区警务队", "team", "s0", 4, "community_policing"),
            _unit("k0", "某分局", "county", "d0", 5),
            _unit("k0-x", "某分局刑侦大队", "department", "k0", 2, "criminal"),
            _unit("s1", "某派出所", "station", "k0", 9),
        ],
        id="no-bureau-above",
        parent_bureau=ParentBureau("某市公安局", ("criminal",)),
    )


def analytic_orgs() -> list[OrgGraph]:
    """The organisations every analytic query is checked on, on both engines."""
    return [
        *seed_orgs(),
        generated_org(),
        nested_bureaus_org(),
        tricky_shapes_org(),
        no_bureau_above_org(),
    ]


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
