"""The core cases: generating, loading and measuring an organisation."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from benchmarks import BenchContext, case


@case("generate", "stream the organisation to a JSON file (orgmodel generate)")
def generate(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.generate import write_generated

    out = ctx.scratch / f"generate-{ctx.size.key}.json"
    s = ctx.size

    def run() -> object:
        try:
            return write_generated(out, s.provinces, s.cities, s.counties, seed=s.seed)
        finally:
            out.unlink(missing_ok=True)

    return run


@case(
    "load",
    "read the JSON file into a validated OrgGraph (load_org)",
    anchor="anchor-load",
    target=1.5,
)
def load(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org

    return lambda: load_org(ctx.org_path)


def _metric_suite_missing() -> str | None:
    if importlib.util.find_spec("orgmodel.metrics.suite") is None:
        return "orgmodel.metrics.suite not built yet"
    return None


def bare_numpy_pass(org: object) -> float:
    """Seconds of the bare numpy anchor over an organisation's columns: span by one
    ``bincount`` of the parent column and police subtree sums by one ``bincount`` per level
    (deepest first), on the level order the organisation already holds."""
    import time

    import numpy as np

    from orgmodel.model import OrgGraph

    assert isinstance(org, OrgGraph)
    cols, rows, bounds = org.columns, org.bfs_rows, org.level_bounds.tolist()
    t = time.perf_counter()
    parent = cols.parent[rows]
    inv = np.empty(len(rows), dtype=np.int64)
    inv[rows] = np.arange(len(rows))
    ppos = inv[parent[1:]]
    span = np.bincount(ppos, minlength=len(rows))
    tot = cols.police[rows].astype(np.int64)
    for d in range(len(bounds) - 2, 0, -1):
        s, e, ps = bounds[d], bounds[d + 1], bounds[d - 1]
        tot[ps:s] += np.bincount(ppos[s - 1 : e - 1] - ps, tot[s:e], s - ps).astype(np.int64)
    assert span.sum() == len(rows) - 1 and tot[0] == cols.police.sum()
    return time.perf_counter() - t


def _peak_mib() -> float:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@case(
    "metrics",
    "the full metric suite (metric_report) vs the bare numpy pass; load untimed, its µs/unit "
    "and peak memory in the note",
    requires=_metric_suite_missing,
)
def metrics(ctx: BenchContext) -> Callable[[], object]:
    import time

    from orgmodel.io import load_org
    from orgmodel.metrics.suite import metric_report

    t = time.perf_counter()
    org = load_org(ctx.org_path)
    load_s = time.perf_counter() - t
    load_peak = _peak_mib()
    metric_report(org)  # warm: the norms and policy files read once

    def run() -> object:
        t = time.perf_counter()
        metric_report(org)
        suite = time.perf_counter() - t
        bare = min(bare_numpy_pass(org) for _ in range(5))
        return {
            "bench_note": f"suite {suite:.3f} s = {suite / bare:.1f}× bare numpy {bare:.3f} s "
            f"(target ≤ 3×); {suite / len(org) * 1e6:.2f} µs/unit; load "
            f"{load_s / len(org) * 1e6:.1f} µs/unit, peak after load {load_peak:,.0f} MiB "
            "(target ≤ 400)"
        }

    return run
