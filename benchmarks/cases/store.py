"""Graph store cases: saving and loading an organisation version (LadybugDB; Neo4j when
``NEO4J_URI`` is set). The organisation file is read in ``prepare`` (untimed)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from benchmarks import BenchContext, case


def _fresh(path: Path) -> Path:
    for p in path.parent.glob(path.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    return path


def _neo4j_missing() -> str | None:
    return None if os.environ.get("NEO4J_URI") else "NEO4J_URI not set (no Neo4j server)"


@case("store-save", "save the organisation as a new version to LadybugDB (COPY FROM bulk import)")
def store_save(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store

    org = load_org(ctx.org_path)
    path = _fresh(ctx.scratch / f"store-save-{ctx.size.key}.lbdb")
    store = open_store(str(path))

    def run() -> object:
        try:
            return store.save_org(org, "bench", "benchmark save")
        finally:
            store.close()
            _fresh(path)

    return run


@case("store-load", "load the latest version back from LadybugDB into a validated OrgGraph")
def store_load(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store

    org = load_org(ctx.org_path)
    path = _fresh(ctx.scratch / f"store-load-{ctx.size.key}.lbdb")
    store = open_store(str(path))
    org_id = store.save_org(org, "bench", "benchmark").org_id
    del org  # only what load_org builds should count in the peak memory

    def run() -> object:
        try:
            return len(store.load_org(org_id))
        finally:
            store.close()
            _fresh(path)

    return run


@case(
    "store-span-query",
    "analytic query cypher/analytics/span.cypher on LadybugDB (save untimed)",
)
def store_span_query(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store
    from orgmodel.store.analytics import run_analytic

    org = load_org(ctx.org_path)
    path = _fresh(ctx.scratch / f"store-query-{ctx.size.key}.lbdb")
    store = open_store(str(path))
    store.save_org(org, "bench", "benchmark")

    def run() -> object:
        try:
            return len(run_analytic(store, "span", org.id, 1))
        finally:
            store.close()
            _fresh(path)

    return run


@case(
    "store-save-neo4j", "save the organisation to Neo4j (UNWIND batches)", requires=_neo4j_missing
)
def store_save_neo4j(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store

    org = load_org(ctx.org_path)
    org = org.with_units(org.units(), id=f"bench-{uuid.uuid4().hex[:8]}")
    store = open_store(os.environ["NEO4J_URI"])

    def run() -> object:
        try:
            return store.save_org(org, "bench", "benchmark save")
        finally:
            store.delete_org(org.id, "bench")
            store.close()

    return run


@case("store-load-neo4j", "load the organisation back from Neo4j", requires=_neo4j_missing)
def store_load_neo4j(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store

    org = load_org(ctx.org_path)
    org = org.with_units(org.units(), id=f"bench-{uuid.uuid4().hex[:8]}")
    store = open_store(os.environ["NEO4J_URI"])
    store.save_org(org, "bench", "benchmark")

    def run() -> object:
        try:
            return len(store.load_org(org.id))
        finally:
            store.delete_org(org.id, "bench")
            store.close()

    return run
