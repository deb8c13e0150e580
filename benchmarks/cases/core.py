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


@case("load", "read the JSON file into a validated OrgGraph (load_org)")
def load(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org

    return lambda: load_org(ctx.org_path)


def _metric_suite_missing() -> str | None:
    if importlib.util.find_spec("orgmodel.metrics.suite") is None:
        return "orgmodel.metrics.suite not built yet"
    return None


@case(
    "metrics",
    "the full metric suite on the loaded graph (metric_report; load untimed)",
    requires=_metric_suite_missing,
)
def metrics(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.metrics.suite import metric_report

    org = load_org(ctx.org_path)
    return lambda: metric_report(org)
