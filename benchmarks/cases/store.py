"""Graph store cases: saving and loading an organisation version in LadybugDB and on a Bolt
server (the Neo4j of ``NEO4J_URI``; ``make bench`` starts ArcadeDB and sets it when unset, as
``make test`` does). The organisation file is read in ``prepare`` (untimed)."""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import BenchContext, case


def _fresh(path: Path) -> Path:
    for p in path.parent.glob(path.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    return path


def _neo4j_missing() -> str | None:
    if os.environ.get("NEO4J_URI"):
        return None
    return "NEO4J_URI not set (no Bolt server: run through make bench, which starts ArcadeDB)"


def _throwaway_server() -> bool:
    """The Bolt server is the ArcadeDB that tests/bolt_server.py started for this run."""
    return bool(os.environ.get("ORGMODEL_BOLT_SERVER"))


# ArcadeDB stands in for Neo4j here; up to the 100k organisation it answers in minutes, the
# national one (~650k units) would hold the run for far longer: skipped there.
_BOLT_MAX_UNITS = 200_000 if _throwaway_server() else None


def _cleanup(store: Any, org_id: str) -> None:
    """Delete the benchmark's organisation after the timing (at exit: deletes are slow on
    ArcadeDB); a server started for the run is thrown away whole instead."""

    def done() -> None:
        if not _throwaway_server():
            store.delete_org(org_id, "bench")
        store.close()

    atexit.register(done)


def _server(store: object) -> dict[str, str]:
    """The note of a Bolt case: which server it ran on."""
    return {"bench_note": "on " + str(getattr(store, "server_agent", "?"))}


@case(
    "store-save",
    "save the organisation as a new version to LadybugDB (COPY FROM Arrow, two phases)",
    anchor="anchor-copy",
    target=2,
)
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


@case(
    "store-load",
    "load the latest version back from LadybugDB into a validated OrgGraph (get_as_arrow)",
    anchor="anchor-arrow",
    target=2,
)
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


def _children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (user + system)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _analytic_query(ctx: BenchContext, name: str) -> Callable[[], object]:
    """Run ``cypher/analytics/<name>.cypher`` through the store, as the CLI and the API do.

    A file store runs a query in a process of its own: its CPU seconds are that process's,
    returned as ``child_cpu_seconds`` for the table's CPU column (the spare process the store
    keeps ready is ended after the timing, outside it).
    """
    from orgmodel.io import load_org
    from orgmodel.store import open_store
    from orgmodel.store.analytics import run_analytic

    org = load_org(ctx.org_path)
    path = _fresh(ctx.scratch / f"store-query-{name}-{ctx.size.key}.lbdb")
    store = open_store(str(path))
    store.save_org(org, "bench", "benchmark")
    del org

    def run() -> object:
        try:
            before = _children_cpu()
            rows = run_analytic(store, name, store.list_orgs()[0].org_id, 1)
            child = _children_cpu() - before
            return {
                "child_cpu_seconds": child,
                "bench_note": f"{len(rows):,} rows; query process {child:.2f} CPU s",
            }
        finally:
            store.close()
            _fresh(path)

    return run


@case(
    "store-span-query",
    "analytic query cypher/analytics/span.cypher on LadybugDB (save untimed)",
)
def store_span_query(ctx: BenchContext) -> Callable[[], object]:
    return _analytic_query(ctx, "span")


# The station-share and mirror queries of the national organisation (~650k units) need more
# than the store's default buffer pool of 1 GiB (ORGMODEL_BUFFER_POOL_MB): skipped there.
_QUERY_MAX_UNITS = 200_000


@case(
    "store-station-share-query",
    "analytic query cypher/analytics/station_share.cypher on LadybugDB (save untimed)",
    max_units=_QUERY_MAX_UNITS,
)
def store_station_share_query(ctx: BenchContext) -> Callable[[], object]:
    return _analytic_query(ctx, "station_share")


@case(
    "store-mirror-query",
    "analytic query cypher/analytics/mirror_pairs.cypher on LadybugDB (save untimed)",
    max_units=_QUERY_MAX_UNITS,
)
def store_mirror_query(ctx: BenchContext) -> Callable[[], object]:
    return _analytic_query(ctx, "mirror_pairs")


@case(
    "store-save-neo4j",
    "save the organisation on the Bolt server (Neo4j store: UNWIND batches)",
    requires=_neo4j_missing,
    max_units=_BOLT_MAX_UNITS,
)
def store_save_neo4j(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store

    org = load_org(ctx.org_path)
    org = org.with_units(org.units(), id=f"bench-{uuid.uuid4().hex[:8]}")
    store = open_store(os.environ["NEO4J_URI"])

    _cleanup(store, org.id)

    def run() -> object:
        store.save_org(org, "bench", "benchmark save")
        return _server(store)

    return run


@case(
    "store-load-neo4j",
    "load the organisation back from the Bolt server into a validated OrgGraph",
    requires=_neo4j_missing,
    max_units=_BOLT_MAX_UNITS,
)
def store_load_neo4j(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.store import open_store

    org = load_org(ctx.org_path)
    org = org.with_units(org.units(), id=f"bench-{uuid.uuid4().hex[:8]}")
    store = open_store(os.environ["NEO4J_URI"])
    store.save_org(org, "bench", "benchmark")
    n, org_id = len(org), org.id
    del org  # only what load_org builds should count in the peak memory

    _cleanup(store, org_id)

    def run() -> object:
        assert len(store.load_org(org_id)) == n
        return _server(store)

    return run
