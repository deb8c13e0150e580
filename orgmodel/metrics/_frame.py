"""Per-unit columns shared by the metrics, each computed once, in one pass, when first asked.

:class:`Frame` wraps an organisation and the norms. A public metric function builds one and
reads the columns it needs; :func:`orgmodel.metrics.suite.metric_report` builds one for the
whole report, so that a column used by several sections (the nearest bureau, subtree
totals, staffing) is computed once. Top-down columns walk :meth:`OrgGraph.order` (parents
first); bottom-up ones walk it reversed (children first). Nothing here searches descendants.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

from orgmodel.metrics._util import norms_or_default
from orgmodel.model import (
    BUREAU_KINDS,
    DEPARTMENT_KINDS,
    DISPATCHES,
    FRONTLINE_KINDS,
    GUIDES,
    KIND_LEVELS,
    ORGAN_KINDS,
    OrgGraph,
)
from orgmodel.norms import Norms

__all__: list[str] = []

# DEPARTMENT_KINDS (内设机构) and ORGAN_KINDS (机关) live in orgmodel.model, with GROUP_KINDS:
# a group (片区, 体系) is neither, and its norms give it no posts, so no hidden loss.
#: The function of a community team (社区警务队).
COMMUNITY_FUNCTION = "community_policing"


class Staffing:
    """Result of the staffing pass (see :attr:`Frame.staffing`)."""

    def __init__(self) -> None:
        self.fixed: dict[str, int] = {}
        self.loss: dict[str, float] = {}
        #: group key → [units, police, leaders, admin, duty] deductions.
        self.by_level: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        #: kind → [units, police, fixed posts, overhead, hollow units]; loss apart (float).
        self.by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.kind_loss: dict[str, float] = defaultdict(float)
        self.hollow: list[str] = []
        self.auxiliaries = 0
        self.establishment = 0
        #: kind → [Σ (police − L) / L, units with L > 0]: supervision ratios.
        self.supervision: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])


class Frame:
    """An organisation, its norms and lazily computed per-unit columns."""

    def __init__(self, org: OrgGraph, norms: Norms | None = None) -> None:
        self.org = org
        self.norms = norms_or_default(norms)
        self.order = org.order()
        self.parents = org.parents()
        # The node attribute dicts themselves (networkx's node store): reading them directly
        # avoids a view lookup per unit, which matters at 650k units.
        node = getattr(org.graph, "_node", None)
        self.node: dict[str, dict[str, Any]] = (
            node if isinstance(node, dict) else dict(org.graph.nodes(data=True))
        )

    def ref(self, u: str | None) -> dict[str, Any] | None:
        """A unit as reports show it: id and Chinese name (``None`` stays ``None``)."""
        return None if u is None else {"id": u, "name": self.node[u]["name"]}

    @cached_property
    def bureau(self) -> dict[str, str | None]:
        """Nearest bureau at or above every unit (top-down)."""
        node, parents = self.node, self.parents
        out: dict[str, str | None] = {}
        for u in self.order:
            if node[u]["kind"] in BUREAU_KINDS:
                out[u] = u
            else:
                p = parents[u]
                out[u] = out[p] if p is not None else None
        return out

    @cached_property
    def units_of_kind(self) -> dict[str, list[str]]:
        """Units of every kind, breadth-first."""
        node = self.node
        out: dict[str, list[str]] = defaultdict(list)
        for u in self.order:
            out[node[u]["kind"]].append(u)
        return out

    @cached_property
    def edges(self) -> tuple[int, int, set[str]]:
        """(GUIDES edges, DISPATCHES edges, units a command centre dispatches)."""
        guides = dispatches = 0
        targets: set[str] = set()
        for _, v, t in self.org.graph.edges(data="type"):
            if t == GUIDES:
                guides += 1
            elif t == DISPATCHES:
                dispatches += 1
                targets.add(v)
        return guides, dispatches, targets

    @cached_property
    def spans(self) -> dict[str, int]:
        """Direct REPORTS_TO children of every managing unit."""
        children = self.org.children
        out: dict[str, int] = {}
        for u in self.order:
            n = len(children(u))
            if n:
                out[u] = n
        return out

    @cached_property
    def paths(self) -> tuple[dict[str, int], set[str]]:
        """(command path of every community post, posts reached faster by dispatch); the
        same top-down pass fills :attr:`by_layer` and :attr:`deepest_frontline`."""
        node, parents = self.node, self.parents
        depth = self.org.depths()
        bureau = self.bureau
        dispatched = self.edges[2]
        near: dict[str, str | None] = {}
        paths: dict[str, int] = {}
        via: set[str] = set()
        by_layer: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        deepest = -1
        for u in self.order:
            p = parents[u]
            a = node[u]
            d = depth[u]
            row = by_layer[d]
            row[0] += 1
            row[1] += a["police"]
            near[u] = u if u in dispatched else (near[p] if p is not None else None)
            kind = a["kind"]
            if d > deepest and kind in FRONTLINE_KINDS:
                deepest = d
            if kind != "community_post":
                continue
            b = bureau[u]
            hops = depth[u] - (depth[b] if b is not None else 0)
            t = near[u]
            if t is not None and 1 + depth[u] - depth[t] < hops:
                hops = 1 + depth[u] - depth[t]
                via.add(u)
            paths[u] = hops
        self._by_layer = dict(by_layer)
        self._deepest_frontline = deepest
        return paths, via

    @property
    def by_layer(self) -> dict[int, list[int]]:
        """Layer → [units, police] (filled by the :attr:`paths` pass)."""
        _ = self.paths
        return self._by_layer

    @property
    def deepest_frontline(self) -> int:
        """Deepest layer of a frontline unit, −1 when there is none (:attr:`paths` pass)."""
        _ = self.paths
        return self._deepest_frontline

    @property
    def departments(self) -> list[str]:
        """Departments and command centres, breadth-first (:attr:`structure` pass)."""
        _ = self.structure
        return self._departments

    @cached_property
    def sums(self) -> dict[str, dict[str, int]]:
        """Subtree sums of police (bottom-up): ``total``, ``station`` (in station subtrees),
        ``community`` (in community teams and posts), ``station_community`` (community
        police inside stations) and ``organ`` (in bureau units, departments, centres)."""
        node, parents, order = self.node, self.parents, self.order
        tot: dict[str, int] = {u: node[u]["police"] for u in order}
        organ: dict[str, int] = {
            u: (tot[u] if node[u]["kind"] in ORGAN_KINDS else 0) for u in order
        }
        sta: dict[str, int] = dict.fromkeys(order, 0)
        com: dict[str, int] = dict.fromkeys(order, 0)
        scom: dict[str, int] = dict.fromkeys(order, 0)
        for u in reversed(order):
            a = node[u]
            kind = a["kind"]
            if kind == "community_post" or (kind == "team" and a["function"] == COMMUNITY_FUNCTION):
                com[u] = tot[u]
            if kind == "station":
                sta[u] = tot[u]
                scom[u] = com[u]
            p = parents[u]
            if p is not None:
                tot[p] += tot[u]
                # Most units add nothing here: skip the writes.
                if sta[u]:
                    sta[p] += sta[u]
                if com[u]:
                    com[p] += com[u]
                if scom[u]:
                    scom[p] += scom[u]
                if organ[u]:
                    organ[p] += organ[u]
        return {
            "total": tot,
            "station": sta,
            "community": com,
            "station_community": scom,
            "organ": organ,
        }

    @cached_property
    def staffing(self) -> Staffing:
        """Fixed posts, hidden loss and the funnel deductions of every unit (one top-down
        pass; see :mod:`orgmodel.metrics.workforce` for the formulas)."""
        org, node, parents, norms = self.org, self.node, self.parents, self.norms
        # kind → (L, A, D × k, roster by default, S)
        kinds = {
            k: (n.leaders, n.admin, n.duty_posts * n.officers_per_post, n.duty_roster,
                n.efficient_size)
            for k, n in norms.kinds.items()
        }  # fmt: skip
        cat_memo: dict[tuple[Any, str, Any], str] = {}
        level: dict[str, int | None] = {}
        # One accumulator row per (level, category, kind), split into the groupings after the
        # pass: [units, police, leaders, admin, duty, F, O, hollow, loss, aux, establishment,
        # Σ supervision ratio, units with leader posts]
        combos: dict[tuple[str, str, str], list[Any]] = {}
        st = Staffing()
        fixed, loss, hollow = st.fixed, st.loss, st.hollow
        for u in self.order:
            a = node[u]
            kind = a["kind"]
            p = a["police"]
            dl, adm_n, dk, roster_d, s = kinds[kind]
            lead_n = dl if a["leaders"] is None else a["leaders"]
            roster = roster_d if a["duty_roster"] is None else a["duty_roster"]
            duty_n = dk if roster else 0
            f = lead_n + adm_n + duty_n
            lead = p if p < lead_n else lead_n
            adm = min(p - lead, adm_n)
            duty = min(p - lead - adm, duty_n)
            o = lead + adm + duty  # = min(p, f)
            x = o * (1.0 - p / s) if p < s else 0.0
            fixed[u] = f
            loss[u] = x
            lvl = KIND_LEVELS.get(kind)
            if lvl is None:
                q = parents[u]
                lvl = level[q] if q is not None else None
            level[u] = lvl
            ckey = (a["category"], kind, a["function"])
            cat = cat_memo.get(ckey)
            if cat is None:
                cat = cat_memo[ckey] = org.category_of(u)
            key = ("?" if lvl is None else str(lvl), cat, kind)
            row = combos.get(key)
            if row is None:
                row = combos[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0.0, 0]
            row[0] += 1
            row[1] += p
            row[2] += lead
            row[3] += adm
            row[4] += duty
            row[5] += f
            row[6] += o
            row[8] += x
            row[9] += a["auxiliaries"]
            row[10] += a["establishment"] or 0
            if lead_n:
                row[11] += (p - lead_n) / lead_n
                row[12] += 1
            if p < f:
                row[7] += 1
                hollow.append(u)
        for (lvl_key, cat, kind), row in combos.items():
            for target in (st.by_level[lvl_key], st.by_category[cat]):
                for j in range(5):
                    target[j] += row[j]
            k = st.by_kind[kind]
            k[0] += row[0]
            k[1] += row[1]
            k[2] += row[5]
            k[3] += row[6]
            k[4] += row[7]
            st.kind_loss[kind] += row[8]
            st.auxiliaries += row[9]
            st.establishment += row[10]
            if row[12]:
                sv = st.supervision[kind]
                sv[0] += row[11]
                sv[1] += row[12]
        return st

    @cached_property
    def structure(self) -> tuple[dict[str, set[str]], dict[str, str | None]]:
        """(D(B): functions of every bureau's departments, parent bureau of every bureau);
        the same pass lists the departments and command centres in :attr:`departments`."""
        node, parents, near = self.node, self.parents, self.bureau
        funcs: dict[str, set[str]] = {}
        upper: dict[str, str | None] = {}
        depts: list[str] = []
        for u in self.order:
            a = node[u]
            kind = a["kind"]
            if kind in BUREAU_KINDS:
                funcs[u] = set()
                p = parents[u]
                upper[u] = near[p] if p is not None else None
            elif kind in DEPARTMENT_KINDS:
                depts.append(u)
                b = near[u]
                if a["function"] and b is not None:
                    funcs[b].add(a["function"])
        self._departments = depts
        return funcs, upper

    def parent_functions(self, b: str) -> set[str] | None:
        """D(P) of the parent bureau of bureau ``b`` (``org.parent_bureau`` for the root)."""
        funcs, upper = self.structure
        p = upper[b]
        if p is not None:
            return funcs[p]
        if b == self.org.root and self.org.parent_bureau is not None:
            return set(self.org.parent_bureau.functions)
        return None

    def subtree_sums(self, values: dict[str, float]) -> dict[str, float]:
        """Σ of a per-unit value over every unit's subtree (bottom-up)."""
        parents = self.parents
        out: dict[str, float] = {u: values.get(u, 0.0) for u in self.order}
        for u in reversed(self.order):
            p = parents[u]
            if p is not None:
                out[p] += out[u]
        return out
