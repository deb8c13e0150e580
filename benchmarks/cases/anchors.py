"""Bare baselines (anchors): the same work as a project case, done with the plainest tools,
timed in the same run so that ``make bench`` shows the project's cost as a ratio.

- ``anchor-load``: read the file, ``orjson.loads`` it and build the unit arrays (id → row
  map, parent rows, kind codes, the headcount columns) — no checks. ``load`` aims at ≤ 1.5×.
- ``anchor-nx``: read, ``orjson.loads``, and a bare ``networkx.DiGraph`` with every unit's
  attributes and its REPORTS_TO edge — what orgmodel's load cost before its columnar core.
- ``anchor-copy``: a bare LadybugDB ``COPY`` of the same unit and edge rows, from Arrow
  tables built beforehand (untimed), into a fresh database. ``store-save`` aims at ≤ 2×.
- ``anchor-arrow``: a bare ``get_as_arrow`` of the same version's unit rows (the store's own
  ``read/units`` query). ``store-load`` aims at ≤ 2×.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import BenchContext, case


def _fresh(path: Path) -> Path:
    for p in path.parent.glob(path.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    return path


@case("anchor-load", "bare: read + orjson.loads + the unit arrays (no checks)")
def anchor_load(ctx: BenchContext) -> Callable[[], object]:
    import numpy as np
    import orjson

    from orgmodel.model import KINDS

    code = {k: i for i, k in enumerate(KINDS)}

    def run() -> object:
        data = orjson.loads(ctx.org_path.read_bytes())
        units = data["units"]
        ids = [u["id"] for u in units]
        row = {uid: i for i, uid in enumerate(ids)}
        parent = np.array([row.get(u.get("parent"), -1) for u in units], dtype=np.int64)
        kind = np.array([code[u["kind"]] for u in units], dtype=np.int8)
        cols = {
            f: np.array([u.get(f) or 0 for u in units], dtype=np.int64)
            for f in ("police", "auxiliaries", "establishment", "leaders")
        }
        names = [u["name"] for u in units]
        return len(ids), parent, kind, cols, names

    return run


@case("anchor-nx", "bare: read + orjson.loads + a networkx DiGraph of the units (no checks)")
def anchor_nx(ctx: BenchContext) -> Callable[[], object]:
    import networkx as nx
    import orjson

    def run() -> object:
        data = orjson.loads(ctx.org_path.read_bytes())
        g: Any = nx.DiGraph()
        g.add_nodes_from((u["id"], u) for u in data["units"])
        g.add_edges_from(
            ((u["id"], u["parent"]) for u in data["units"] if u.get("parent")), type="REPORTS_TO"
        )
        return g.number_of_nodes()

    return run


@case("anchor-copy", "bare: LadybugDB COPY of the same unit and edge rows from Arrow tables")
def anchor_copy(ctx: BenchContext) -> Callable[[], object]:
    import ladybug

    from orgmodel.io import load_org
    from orgmodel.store._common import org_rows
    from orgmodel.store._cypher import load_query, split_statements

    org = load_org(ctx.org_path)
    rows = org_rows(org, org.id, 1)
    del org
    path = _fresh(ctx.scratch / f"anchor-copy-{ctx.size.key}.lbdb")
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for stmt in split_statements(load_query("schema", "ladybug")):
        conn.execute(stmt)
    tables = {"Unit": rows.table}
    tables |= {e.upper(): rows.edges[e] for e in ("reports_to", "guides", "dispatches")}

    def run() -> object:
        try:
            for name, t in tables.items():
                if t.num_rows:
                    conn.execute(f"COPY {name} FROM $rows", {"rows": t})
            return sum(t.num_rows for t in tables.values())
        finally:
            conn.close()
            db.close()
            _fresh(path)

    return run


@case("anchor-arrow", "bare: LadybugDB get_as_arrow of the same version's unit rows")
def anchor_arrow(ctx: BenchContext) -> Callable[[], object]:
    import ladybug

    from orgmodel.io import load_org
    from orgmodel.store import open_store
    from orgmodel.store._cypher import load_query

    org = load_org(ctx.org_path)
    path = _fresh(ctx.scratch / f"anchor-arrow-{ctx.size.key}.lbdb")
    with open_store(str(path)) as store:
        store.save_org(org, "bench", "anchor")
    org_id = org.id
    del org
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    query = load_query("read/units", "ladybug")

    def run() -> object:
        try:
            t = conn.execute(query, {"org_id": org_id, "version": 1})
            assert not isinstance(t, list)
            return t.get_as_arrow().num_rows
        finally:
            conn.close()
            db.close()
            _fresh(path)

    return run
