"""Helpers shared by the metric modules: unit references, effective norms, one-pass maps.

Every helper here is a single pass over :meth:`OrgGraph.order` (top-down) or its reverse
(bottom-up), so the metrics built on them stay linear in the number of units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orgmodel.model import BUREAU_KINDS, OrgGraph
from orgmodel.norms import KindNorm, Norms, load_norms

__all__: list[str] = []

#: Chinese labels of the unit categories (《公安机关组织管理条例》 art. 7, plus the front line).
CATEGORY_LABELS: dict[str, str] = {
    "leadership": "局领导 (bureau leadership)",
    "management": "综合管理机构 (management)",
    "duty": "执法勤务机构 (duty)",
    "frontline": "基层一线 (frontline)",
}

#: Chinese labels of the levels of KIND_LEVELS.
LEVEL_LABELS: dict[int, str] = {
    0: "部级 公安部 (ministry)",
    1: "省级 公安厅 (province)",
    2: "市级 公安局 (city)",
    3: "县级 公安局/分局 (county)",
    4: "派出所 (station)",
    5: "社区警务室 (community post)",
}


def norms_or_default(norms: Norms | None) -> Norms:
    """The given norms, or the shipped ``seeds/norms.yaml``."""
    return norms if norms is not None else load_norms()


def ref(org: OrgGraph, unit_id: str) -> dict[str, Any]:
    """A unit as it appears in a report: its id and its Chinese name."""
    return {"id": unit_id, "name": org.name_of(unit_id)}


def leaders_of(a: Mapping[str, Any], kn: KindNorm) -> int:
    """Leader posts of a unit: its own ``leaders`` or the kind's default."""
    v = a["leaders"]
    return kn.leaders if v is None else int(v)


def roster_of(a: Mapping[str, Any], kn: KindNorm) -> bool:
    """Whether a unit runs its own 24/7 duty roster: its own flag or the kind's default."""
    v = a["duty_roster"]
    return kn.duty_roster if v is None else bool(v)


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when the denominator is zero (the share is undefined)."""
    return num / den if den else None


def nearest_bureaus(org: OrgGraph) -> dict[str, str | None]:
    """The nearest bureau at or above every unit (top-down, one pass)."""
    nodes = org.graph.nodes
    parents = org.parents()
    out: dict[str, str | None] = {}
    for u in org.order():
        if nodes[u]["kind"] in BUREAU_KINDS:
            out[u] = u
        else:
            p = parents[u]
            out[u] = out[p] if p is not None else None
    return out


def subtree_sums(org: OrgGraph, values: Mapping[str, float]) -> dict[str, float]:
    """Σ of a per-unit value over each unit's subtree (bottom-up, one pass)."""
    parents = org.parents()
    out: dict[str, float] = {u: values.get(u, 0) for u in org.order()}
    for u in reversed(org.order()):
        p = parents[u]
        if p is not None:
            out[p] += out[u]
    return out
