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


#: Kinds that belong to the establishment (编制单元) of the 派出所 they sit in.
STATION_MEMBER_KINDS = frozenset({"team", "office", "community_post"})


class Staffing:
    """Result of the staffing pass (see :attr:`Frame.staffing`).

    Per unit: ``fixed`` is the unit's own contribution to fixed posts (a station head: L + A
    + D·k once; a team or office: its ``added_posts``; a community post in a station: 0),
    ``overhead`` the officers of that unit absorbed by its establishment's posts, ``loss``
    the establishment's hidden loss on its head (0 on the members). Per establishment head:
    ``est_police``, ``est_people`` and ``est_fixed``.
    """

    def __init__(self) -> None:
        self.fixed: dict[str, int] = {}
        self.overhead: dict[str, int] = {}
        self.loss: dict[str, float] = {}
        #: Establishment head of every unit (itself, except a station's members).
        self.head: dict[str, str] = {}
        self.est_police: dict[str, int] = {}
        self.est_people: dict[str, int] = {}
        self.est_fixed: dict[str, int] = {}
        self.est_members: dict[str, int] = {}
        #: group key → [units, police, leaders, admin, duty] deductions.
        self.by_level: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        #: kind → [units, police, fixed posts, overhead, hollow units]; loss apart (float).
        self.by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.kind_loss: dict[str, float] = defaultdict(float)
        self.kind_aux: dict[str, int] = defaultdict(int)
        #: Hollow establishments (空壳), by their head.
        self.hollow: list[str] = []
        self.auxiliaries = 0
        self.establishment = 0
        self.establishments = 0
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
    def county_level(self) -> tuple[list[str], dict[str, str | None]]:
        """(county-level bureaus breadth-first, nearest county-level bureau at or above every
        unit — ``None`` above them, e.g. a city's own organs).

        A county-level bureau (县级公安机关) is the bureau nearest above a station — a county
        bureau or 分局, or a city bureau that commands stations directly — and a county bureau
        with no bureau below it (even without stations: its share is 0); a county bureau that
        only heads other 分局 is not one (DOMAIN.md, "Frontline shares").
        """
        node, parents, near, order = self.node, self.parents, self.bureau, self.order
        marked: set[str] = set()
        has_lower: set[str] = set()
        for u in reversed(order):
            kind = node[u]["kind"]
            p = parents[u]
            if kind == "station" and p is not None:
                b = near[p]
                if b is not None:
                    marked.add(b)
            if p is not None and (kind in BUREAU_KINDS or u in has_lower):
                has_lower.add(p)
        for u in self.units_of_kind.get("county", ()):
            if u not in has_lower:
                marked.add(u)
        cl: dict[str, str | None] = {}
        ordered: list[str] = []
        for u in order:
            if u in marked:
                cl[u] = u
                ordered.append(u)
            else:
                p = parents[u]
                cl[u] = cl[p] if p is not None else None
        return ordered, cl

    @cached_property
    def county_level_sums(self) -> tuple[dict[str, float], dict[str, float]]:
        """Subtree sums over the units inside county-level bureaus only (organs of a city,
        province or ministry above them left out): (police in station subtrees, police)."""
        node, parents, order = self.node, self.parents, self.order
        cl = self.county_level[1]
        in_station: dict[str, bool] = {}
        sta: dict[str, float] = {}
        tot: dict[str, float] = {}
        for u in order:
            p = parents[u]
            ins = node[u]["kind"] == "station" or (p is not None and in_station[p])
            in_station[u] = ins
            if cl[u] is not None:
                n = node[u]["police"]
                if n:
                    tot[u] = n
                    if ins:
                        sta[u] = n
        return self.subtree_sums(sta), self.subtree_sums(tot)

    @cached_property
    def subtree_sums_aux(self) -> dict[str, float]:
        """Auxiliaries in every unit's subtree."""
        node = self.node
        return self.subtree_sums({u: float(node[u]["auxiliaries"]) for u in self.order})

    def own_region(self, subtree: dict[str, Any]) -> dict[str, float]:
        """A subtree sum over each county-level bureau's own region: its subtree without the
        subtrees of the county-level bureaus below it (so no officer is counted twice)."""
        bureaus, cl = self.county_level
        parents = self.parents
        out: dict[str, float] = {b: float(subtree[b]) for b in bureaus}
        for c in bureaus:
            p = parents[c]
            up = cl[p] if p is not None else None
            if up is not None:
                out[up] -= subtree[c]
        return out

    @cached_property
    def staffing(self) -> Staffing:
        """Fixed posts, hidden loss and the funnel deductions of every establishment and unit
        (two top-down passes; see :mod:`orgmodel.metrics.workforce` for the formulas).

        A station with its teams, office and community posts is one establishment (编制单元):
        its fixed posts are the station's L + A, D·k once if the station or any member keeps
        a roster, plus the members' ``added_posts``; its police are the whole group's, against
        S of ``station``. The posts are filled by the station's own officers first, then the
        members' in breadth-first order, so each unit's funnel deductions never exceed its own
        officers. Every other unit is its own establishment.
        """
        org, node, parents, norms, order = self.org, self.node, self.parents, self.norms, self.order
        # kind → (L, A, D × k, roster by default, S, added posts)
        kinds = {
            k: (n.leaders, n.admin, n.duty_posts * n.officers_per_post, n.duty_roster,
                n.efficient_size, n.added_posts)
            for k, n in norms.kinds.items()
        }  # fmt: skip
        st = Staffing()
        head, fixed, over, loss, hollow = st.head, st.fixed, st.overhead, st.loss, st.hollow
        est_p, est_x, est_f, est_n = st.est_police, st.est_people, st.est_fixed, st.est_members
        # Pass 1: establishment heads and their totals (police, people, any roster, added posts).
        roster_any: dict[str, bool] = {}
        added: dict[str, int] = {}
        for u in order:
            a = node[u]
            kind = a["kind"]
            p = parents[u]
            h = u
            if kind in STATION_MEMBER_KINDS and p is not None:
                hp = head[p]
                if node[hp]["kind"] == "station":
                    h = hp
            head[u] = h
            kn = kinds[kind]
            r = kn[3] if a["duty_roster"] is None else a["duty_roster"]
            if h == u:
                est_p[u] = a["police"]
                est_x[u] = a["police"] + a["auxiliaries"]
                est_n[u] = 1
                roster_any[u] = bool(r)
                added[u] = 0
            else:
                est_p[h] += a["police"]
                est_x[h] += a["police"] + a["auxiliaries"]
                est_n[h] += 1
                if r:
                    roster_any[h] = True
                added[h] += kn[5]
        st.establishments = len(est_p)
        # Pass 2: each unit's share of its establishment's posts, the establishment's figures.
        cat_memo: dict[tuple[Any, str, Any], str] = {}
        level: dict[str, int | None] = {}
        # What is left to fill of each establishment's [leader, admin, duty] posts.
        left: dict[str, list[int]] = {}
        # One accumulator row per (level, category, kind), split into the groupings after the
        # pass: [units, police, leaders, admin, duty, F, O, hollow, loss, aux, establishment,
        # Σ supervision ratio, units with leader posts]
        combos: dict[tuple[str, str, str], list[Any]] = {}
        for u in order:
            a = node[u]
            kind = a["kind"]
            p = a["police"]
            dl, adm_n, dk, _, s, add_n = kinds[kind]
            lead_n = dl if a["leaders"] is None else a["leaders"]
            h = head[u]
            hollow_here = 0
            x = 0.0
            if h == u:
                duty_n = dk if roster_any[u] else 0
                f = lead_n + adm_n + duty_n
                ft = f + added[u]
                est_f[u] = ft
                pe = est_p[u]
                o = pe if pe < ft else ft
                x = o * (1.0 - pe / s) if pe < s else 0.0
                if pe < ft:
                    hollow.append(u)
                    hollow_here = 1
                rem = left[u] = [lead_n + added[u], adm_n, duty_n]
            else:
                f = add_n
                rem = left[h]
            lead = p if p < rem[0] else rem[0]
            adm = min(p - lead, rem[1])
            duty = min(p - lead - adm, rem[2])
            rem[0] -= lead
            rem[1] -= adm
            rem[2] -= duty
            fixed[u] = f
            over[u] = lead + adm + duty
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
            row[6] += lead + adm + duty
            row[7] += hollow_here
            row[8] += x
            row[9] += a["auxiliaries"]
            row[10] += a["establishment"] or 0
            if lead_n:
                row[11] += (p - lead_n) / lead_n
                row[12] += 1
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
            st.kind_aux[kind] += row[9]
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
