"""Restructuring at scale: the county 大部门 template applied to every county bureau.

``restructure`` times :func:`~orgmodel.restructure.apply_plan` of
``seeds/plans/dabumen-county.yaml`` (every county's departments merged into the template's
8 large departments; the scenario validated as a new OrgGraph). ``restructure-diff`` times
the whole question a planner asks: apply, then :func:`~orgmodel.restructure.diff_orgs` —
unit changes, officer flows, and the metric suite recomputed before and after. Loading the
file is untimed in both.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from benchmarks import BenchContext, case


def _metrics_missing() -> str | None:
    if importlib.util.find_spec("orgmodel.metrics.suite") is None:
        return "orgmodel.metrics.suite not built yet"
    return None


@case("restructure", "apply the county 大部门 template to every county (apply_plan; load untimed)")
def restructure(ctx: BenchContext) -> Callable[[], object]:
    from orgmodel.io import load_org
    from orgmodel.restructure import apply_plan, load_plan
    from orgmodel.seeds import seed_path

    org = load_org(ctx.org_path)
    plan = load_plan(seed_path("plans", "dabumen-county.yaml"))
    return lambda: apply_plan(org, plan)


@case(
    "restructure-diff",
    "apply the county template, diff, recompute the metric suite before and after",
    requires=_metrics_missing,
)
def restructure_diff(ctx: BenchContext) -> Callable[[], object]:
    import time

    from orgmodel.io import load_org
    from orgmodel.restructure import apply_plan, diff_orgs, load_plan
    from orgmodel.seeds import seed_path

    org = load_org(ctx.org_path)
    plan = load_plan(seed_path("plans", "dabumen-county.yaml"))

    def run() -> object:
        t = time.process_time()
        result = apply_plan(org, plan)
        diff_orgs(org, result.org, lineage=result.lineage)
        s = time.process_time() - t
        return {"bench_note": f"{s:.2f} CPU s (target ≤ 5 s); {s / len(org) * 1e6:.2f} CPU µs/unit"}

    return run


def _merge_in_one_county(ctx: BenchContext, *, again: bool) -> Callable[[], object]:
    import time

    from orgmodel.io import load_org
    from orgmodel.metrics.suite import metric_report
    from orgmodel.restructure import apply_plan, plan_from_dict

    org = load_org(ctx.org_path)
    county = next(u for u in org.order() if org.attrs(u)["kind"] == "county")
    depts = [c for c in org.children(county) if org.attrs(c)["kind"] == "department"][:2]
    plan = plan_from_dict(
        {"name": "合并两个大队", "ops": [{"op": "merge", "units": depts, "into": depts[0]}]}
    )
    metric_report(org)  # warm: the norms and policy files read once
    if again:
        metric_report(apply_plan(org, plan).org)  # the process has tried one edit before

    def run() -> object:
        t = time.process_time()
        result = apply_plan(org, plan)
        applied = time.process_time() - t
        metric_report(result.org)
        s = time.process_time() - t
        return {
            "bench_note": f"{s:.3f} CPU s: apply {applied:.3f} + suite {s - applied:.3f} "
            "(target ≤ 0.5 s, stretch 50 ms)"
        }

    return run


@case(
    "merge-recompute",
    "merge two departments of one county, then the full metric suite of the scenario",
    requires=_metrics_missing,
)
def merge_recompute(ctx: BenchContext) -> Callable[[], object]:
    return _merge_in_one_county(ctx, again=False)


@case(
    "merge-recompute-again",
    "the same edit once more in the same process (what a planner trying edits one after "
    "another waits for; the first pays fresh memory and a full garbage collection once)",
    requires=_metrics_missing,
)
def merge_recompute_again(ctx: BenchContext) -> Callable[[], object]:
    return _merge_in_one_county(ctx, again=True)
