"""What the figures need from the metric suite, gathered in one place.

Charts never compute a metric themselves: every number comes from :mod:`orgmodel.metrics`;
this module only joins per-unit maps for hover text and sums them over subtrees.
"""

from __future__ import annotations

from collections.abc import Mapping

from orgmodel.metrics._util import norms_or_default, subtree_sums
from orgmodel.metrics.mirror import DEPARTMENT_KINDS, bureau_functions
from orgmodel.metrics.workforce import absorbed_overhead, hidden_loss
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms

__all__ = [
    "bureau_departments",
    "norms_or_default",
    "parent_functions",
    "subtree_sums",
    "unit_stats",
]


def unit_stats(org: OrgGraph, norms: Norms | None) -> dict[str, Mapping[str, float]]:
    """Per unit: ``overhead`` (absorbed overhead O) and ``hidden_loss`` (警力隐性流失)."""
    o = absorbed_overhead(org, norms)
    h = hidden_loss(org, norms)
    return {u: {"overhead": o[u], "hidden_loss": h[u]} for u in org.order()}


def bureau_departments(org: OrgGraph) -> dict[str, dict[str, list[str]]]:
    """Bureau → function → its departments of that function (the cells of the heatmap).

    Follows the convention of :mod:`orgmodel.metrics.mirror` (``DEPARTMENT_KINDS``, nested
    units counted in their nearest bureau).
    """
    out: dict[str, dict[str, list[str]]] = {b: {} for b in bureau_functions(org)}
    nodes = org.graph.nodes
    for u in org.order():
        a = nodes[u]
        if a["kind"] in DEPARTMENT_KINDS and a["function"]:
            b = org.bureau_of(u)
            if b is not None:
                out[b].setdefault(a["function"], []).append(u)
    return out


def parent_functions(org: OrgGraph) -> dict[str, set[str] | None]:
    """Bureau → D(P), the functions of the bureau above it (``None`` when there is none)."""
    d = bureau_functions(org)
    out: dict[str, set[str] | None] = {}
    for b in d:
        p = org.parent(b)
        upper = org.bureau_of(p) if p is not None else None
        if upper is not None:
            out[b] = set(d[upper])
        elif org.parent_bureau is not None:
            out[b] = set(org.parent_bureau.functions)
        else:
            out[b] = None
    return out
