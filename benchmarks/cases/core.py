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

    def run() -> object:
        org = load_org(ctx.org_path)
        # "Peak memory after loading" (issue 13, ≤ 400 MB): the process's peak RSS
        # (ru_maxrss) up to the end of the load, the interpreter and imports included.
        return {
            "bench_note": f"peak RSS during the load {_peak_mib():,.0f} MiB "
            f"(target ≤ 400 MB = {400e6 / 2**20:.0f} MiB); {len(org):,} units"
        }

    return run


def _metric_suite_missing() -> str | None:
    if importlib.util.find_spec("orgmodel.metrics.suite") is None:
        return "orgmodel.metrics.suite not built yet"
    return None


def bare_numpy_pass(org: object) -> int:
    """The bare numpy anchor over an organisation's columns: span by one ``bincount`` of
    the parent column, police subtree sums by one ``bincount`` per level (deepest first), on
    the level order the organisation already holds. Returns the total police (checked)."""
    import numpy as np

    from orgmodel.model import OrgGraph

    assert isinstance(org, OrgGraph)
    cols, rows, bounds = org.columns, org.bfs_rows, org.level_bounds.tolist()
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
    return int(tot[0])


def _peak_mib() -> float:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@case(
    "anchor-numpy",
    "bare: span bincount + level-by-level police subtree sums over the loaded columns",
)
def anchor_numpy(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org

    org = load_org(ctx.org_path)
    return lambda: bare_numpy_pass(org)


@case(
    "metrics",
    "the full metric suite on the loaded graph (metric_report; load untimed: its µs/unit and "
    "the peak memory after it in the note)",
    requires=_metric_suite_missing,
    anchor="anchor-numpy",
    target=3.0,
)
def metrics(ctx: BenchContext) -> Callable[[], object]:
    import time

    from orgmodel.io import load_org
    from orgmodel.metrics.suite import metric_report
    from orgmodel.norms import load_norms, load_policy

    t = time.process_time()
    org = load_org(ctx.org_path)
    load_s = time.process_time() - t
    load_peak = _peak_mib()
    load_norms(), load_policy()  # the seed files read once, as a server has them

    def run() -> object:
        t = time.process_time()
        metric_report(org)
        s = time.process_time() - t
        return {
            "bench_note": f"{s / len(org) * 1e6:.2f} CPU µs/unit; after load "
            f"({load_s / len(org) * 1e6:.1f} CPU µs/unit): peak {load_peak:,.0f} MiB (target ≤ 400)"
        }

    return run
