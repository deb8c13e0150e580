"""What the figures need from the metric suite, gathered in one place.

Charts never compute a metric themselves: every number comes from :mod:`orgmodel.metrics`;
this module only joins per-unit maps for hover text and sums them over subtrees.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from orgmodel.metrics.mirror import DEPARTMENT_KINDS, bureau_functions
from orgmodel.metrics.workforce import absorbed_overhead, hidden_loss
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms, load_norms

__all__ = [
    "bureau_departments",
    "changed_bureaus",
    "norms_or_default",
    "parent_functions",
    "subtree_sums",
    "unit_stats",
]


def norms_or_default(norms: Norms | None) -> Norms:
    """The given norms, or the shipped ``seeds/norms.yaml``."""
    return norms if norms is not None else load_norms()


def subtree_sums(org: OrgGraph, values: Mapping[str, float]) -> dict[str, float]:
    """Σ of a per-unit value over each unit's subtree (bottom-up, one level at a time)."""
    cols, index = org.columns, org.index
    arr = np.zeros(len(cols.ids))
    for u, v in values.items():
        arr[index[u]] = v
    rows, bounds = org.bfs_rows, org.level_bounds
    parent = cols.parent
    for d in range(len(bounds) - 2, 0, -1):  # deepest level first; the root has no parent
        level = rows[bounds[d] : bounds[d + 1]]
        np.add.at(arr, parent[level], arr[level])
    return dict(zip(cols.ids, arr.tolist(), strict=True))


def unit_stats(org: OrgGraph, norms: Norms | None) -> dict[str, Mapping[str, float]]:
    """Per unit: ``overhead`` (absorbed overhead O) and ``hidden_loss`` (警力隐性流失)."""
    o = absorbed_overhead(org, norms=norms)
    h = hidden_loss(org, norms=norms)
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
        if a["kind"] in DEPARTMENT_KINDS and a.get("function"):
            b = org.bureau_of(u)
            if b is not None:
                out[b].setdefault(a["function"], []).append(u)
    return out


def changed_bureaus(before: OrgGraph, after: OrgGraph) -> list[str]:
    """Bureaus of ``after`` whose departments differ from ``before`` (function → police), or
    that ``before`` lacks; in ``after``'s order. What the mirror heatmap shows first."""

    def cells(org: OrgGraph) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for b, fns in bureau_departments(org).items():
            out[b] = {f: sum(org.attrs(u)["police"] for u in us) for f, us in fns.items()}
        return out

    old, new = cells(before), cells(after)
    return [b for b in new if old.get(b) != new[b]]


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
