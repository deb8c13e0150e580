"""The columnar metric suite against a plain-Python reference written from DOMAIN.md.

The reference below shares no code with :mod:`orgmodel.metrics`: it reads the units as plain
records (``org.units()``), builds its own children lists, and measures everything the way
DOMAIN.md words it — subtrees by walking down from each unit, the nearest bureau by
climbing up, establishments by collecting a station's members, posts filled in
breadth-first order. It is slow (quadratic in places) and only for small organisations.
Three generated organisations (seeds 0, 1, 2, with dispatching command centres, GUIDES,
stations with teams, offices and posts) are measured both ways and must agree.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from orgmodel.catalogue import load_catalogue
from orgmodel.generate import generate_org
from orgmodel.metrics import headline, metric_report
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import Norms, load_norms, load_policy

BUREAUS = {"ministry", "province", "city", "county"}
FRONTLINE = {"station", "team", "office", "community_post"}
ORGANS = BUREAUS | {"department", "command_center"}
LEVEL = {"ministry": 0, "province": 1, "city": 2, "county": 3, "station": 4, "community_post": 5}


class Reference:
    """Every metric of DOMAIN.md, unit by unit, from the plain records."""

    def __init__(self, org: OrgGraph, norms: Norms) -> None:
        self.u = {u.id: u for u in org.units()}
        self.norms = norms
        self.kids: dict[str, list[str]] = {uid: [] for uid in self.u}
        for unit in self.u.values():
            if unit.parent is not None:
                self.kids[unit.parent].append(unit.id)
        self.root = next(uid for uid, unit in self.u.items() if unit.parent is None)
        # breadth-first, children in the order they were listed
        self.bfs: list[str] = []
        q = deque([self.root])
        while q:
            x = q.popleft()
            self.bfs.append(x)
            q.extend(self.kids[x])
        self.guides = list(org.guides)
        self.dispatches = list(org.dispatches)
        self.parent_bureau = org.parent_bureau
        self.catalogue = load_catalogue()

    # -- plumbing ---------------------------------------------------------------------------

    def kind(self, x: str) -> str:
        return self.u[x].kind

    def depth(self, x: str) -> int:
        d = 0
        while self.u[x].parent is not None:
            x = self.u[x].parent  # type: ignore[assignment]
            d += 1
        return d

    def ancestors(self, x: str) -> list[str]:
        """x and every unit above it, nearest first."""
        out = [x]
        while self.u[x].parent is not None:
            x = self.u[x].parent  # type: ignore[assignment]
            out.append(x)
        return out

    def subtree(self, x: str) -> list[str]:
        out, stack = [], [x]
        while stack:
            y = stack.pop()
            out.append(y)
            stack.extend(self.kids[y])
        return out

    def bureau(self, x: str) -> str | None:
        return next((a for a in self.ancestors(x) if self.kind(a) in BUREAUS), None)

    def police(self, xs: list[str]) -> int:
        return sum(self.u[x].police for x in xs)

    # -- span and layers --------------------------------------------------------------------

    def span(self) -> dict[str, Any]:
        spans = {x: len(self.kids[x]) for x in self.bfs if self.kids[x]}
        n = len(spans)
        bands = {}
        for lo, hi in self.norms.bands:
            label = f"{lo}+" if hi is None else (str(lo) if lo == hi else f"{lo}–{hi}")
            bands[label] = sum(1 for s in spans.values() if s >= lo and (hi is None or s <= hi))
        narrow = [x for x, s in spans.items() if s < self.norms.narrow_below]
        wide = [x for x, s in spans.items() if s > self.norms.wide_above]
        return {
            "managing_units": n,
            "mean_span": sum(spans.values()) / n,
            "bands": bands,
            "narrow": narrow,
            "wide": wide,
        }

    def layers(self) -> dict[str, Any]:
        front = [self.depth(x) for x in self.bfs if self.kind(x) in FRONTLINE]
        paths = {}
        targets = {t for _, t in self.dispatches}
        for x in self.bfs:
            if self.kind(x) != "community_post":
                continue
            b = self.bureau(x)
            hops = self.depth(x) - (self.depth(b) if b else 0)
            for a in self.ancestors(x):  # the nearest dispatched ancestor-or-self
                if a in targets:
                    hops = min(hops, 1 + self.depth(x) - self.depth(a))
                    break
            paths[x] = hops
        return {
            "layers": 1 + max(front),
            "paths": paths,
            "mean_command_path": sum(paths.values()) / len(paths),
        }

    # -- hidden loss and establishments ---------------------------------------------------

    def establishments(self) -> dict[str, list[str]]:
        """Head → members (head first, then breadth-first)."""
        head: dict[str, str] = {}
        for x in self.bfs:
            p = self.u[x].parent
            if (
                self.kind(x) in {"team", "office", "community_post"}
                and p is not None
                and self.kind(head[p]) == "station"
            ):
                head[x] = head[p]
            else:
                head[x] = x
        out: dict[str, list[str]] = {}
        for x in self.bfs:
            out.setdefault(head[x], []).append(x)
        return out

    def workforce(self) -> dict[str, Any]:
        norms = self.norms
        fixed_total = overhead_total = 0
        loss: dict[str, float] = {}
        hollow: dict[str, int] = {}
        # per unit: leaders, admin, duty taken from its own officers
        taken: dict[str, tuple[int, int, int]] = {}
        for h, members in self.establishments().items():
            k = norms[self.kind(h)]
            lead = self.u[h].leaders if self.u[h].leaders is not None else k.leaders

            def roster(x: str) -> bool:
                r = self.u[x].duty_roster
                return norms[self.kind(x)].duty_roster if r is None else r

            duty = k.duty_posts * k.officers_per_post if any(map(roster, members)) else 0
            added = sum(norms[self.kind(m)].added_posts for m in members[1:])
            f = lead + k.admin + duty + added
            pe = self.police(members)
            o = min(pe, f)
            fixed_total += f
            overhead_total += o
            s = k.efficient_size
            loss[h] = o * (1 - pe / s) if pe < s else 0.0
            if pe < f:
                hollow[h] = f - pe
            left = [lead + added, k.admin, duty]
            for m in members:
                rest = self.u[m].police
                got = []
                for j in range(3):
                    t = min(rest, left[j])
                    left[j] -= t
                    rest -= t
                    got.append(t)
                taken[m] = (got[0], got[1], got[2])
        police = self.police(self.bfs)
        # the funnel by level and by category
        funnel: dict[str, dict[str, list[int]]] = {"level": {}, "category": {}}
        for x in self.bfs:
            lvl = next(
                (LEVEL[self.kind(a)] for a in self.ancestors(x) if self.kind(a) in LEVEL), None
            )
            for by, key in (
                ("level", "?" if lvl is None else str(lvl)),
                ("category", self.category(x)),
            ):
                row = funnel[by].setdefault(key, [0, 0, 0, 0])
                row[0] += self.u[x].police
                for j in range(3):
                    row[1 + j] += taken[x][j]
        total_loss = sum(loss[h] for h in loss)
        return {
            "fixed_posts": fixed_total,
            "overhead": overhead_total,
            "hidden_loss": total_loss,
            "hidden_loss_share": total_loss / police,
            "hollow": hollow,
            "loss": {h: v for h, v in loss.items() if v > 0},
            "funnel": funnel,
            "deployable": sum(
                (p - a - b - c) * (1 - norms.absence_rate)
                for p, a, b, c in funnel["level"].values()
            ),
        }

    def category(self, x: str) -> str:
        unit = self.u[x]
        if unit.category:
            return unit.category
        if unit.kind in BUREAUS or unit.kind == "group":
            return "leadership"
        if unit.kind in FRONTLINE:
            return "frontline"
        if unit.function in self.catalogue:
            return self.catalogue[unit.function].category
        return "management"

    # -- mirror -----------------------------------------------------------------------------

    def mirror(self) -> dict[str, Any]:
        def functions(b: str) -> set[str]:
            return {
                self.u[d].function  # type: ignore[misc]
                for d in self.bfs
                if self.kind(d) in {"department", "command_center"}
                and self.u[d].function
                and self.bureau(d) == b
            }

        shared = total = 0
        units = []
        for b in self.bfs:
            if self.kind(b) not in BUREAUS:
                continue
            p = self.u[b].parent
            if p is not None:
                above: set[str] | None = functions(self.bureau(p))  # type: ignore[arg-type]
            elif self.parent_bureau is not None:
                above = set(self.parent_bureau.functions)
            else:
                above = None
            mine = functions(b)
            if mine and above is not None:
                shared += len(mine & above)
                total += len(mine)
            if above:
                units += [
                    d
                    for d in self.bfs
                    if self.kind(d) in {"department", "command_center"}
                    and self.bureau(d) == b
                    and self.u[d].function in above
                    and self.u[d].police < self.norms[self.kind(d)].efficient_size
                ]
        return {
            "mirror_index": shared / total if total else None,
            "mirror_units": sorted(units, key=self.bfs.index),
        }

    # -- shares -----------------------------------------------------------------------------

    def county_level(self) -> list[str]:
        out = []
        for b in self.bfs:
            if self.kind(b) not in BUREAUS:
                continue
            below = [x for x in self.subtree(b)[1:] if self.kind(x) in BUREAUS]
            heads_station = any(
                self.kind(s) == "station" and self.bureau(self.u[s].parent) == b  # type: ignore[arg-type]
                for s in self.subtree(b)
                if self.u[s].parent is not None
            )
            if heads_station or (self.kind(b) == "county" and not below):
                out.append(b)
        return out

    def shares(self) -> dict[str, Any]:
        cl = self.county_level()
        per: dict[str, tuple[int, int]] = {}
        for b in cl:
            lower = [c for c in cl if c != b and b in self.ancestors(c)]
            skip = {y for c in lower for y in self.subtree(c)}
            region = [x for x in self.subtree(b) if x not in skip]
            in_station = [
                x for x in region if any(self.kind(a) == "station" for a in self.ancestors(x))
            ]
            per[b] = (self.police(in_station), self.police(region))
        stations = {}
        for s in self.bfs:
            if self.kind(s) == "station":
                sub = self.subtree(s)
                com = [
                    x
                    for x in sub
                    if any(
                        self.kind(a) == "community_post"
                        or (self.kind(a) == "team" and self.u[a].function == "community_policing")
                        for a in self.ancestors(x)[: self.ancestors(x).index(s)]
                    )
                ]
                stations[s] = (self.police(com), self.police(sub))
        everyone = self.police(self.bfs)
        organ = self.police([x for x in self.bfs if self.kind(x) in ORGANS])
        sta_all = sum(
            self.police([x for x in self.subtree(s)])
            for s in self.bfs
            if self.kind(s) == "station"
            and not any(self.kind(a) == "station" for a in self.ancestors(s)[1:])
        )
        return {
            "county_level": per,
            "station_share": sum(v[0] for v in per.values()) / sum(v[1] for v in per.values()),
            "station_share_all": sta_all / everyone,
            "stations": stations,
            "organ_share": organ / everyone,
        }


def _close(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and abs(a - b) <= 1e-9 * max(1, abs(a)))


def varied(seed: int) -> OrgGraph:
    """A generated organisation with the shapes the generator does not make: a narrow
    span (a 中队 under a 大队), a city commanding a 派出所 directly, a 分局 under a county
    bureau, a 片区 group of stations, and a 情指中心 dispatching a community post directly."""
    org = generate_org(1, 2, 2, seed=seed)
    units = list(org.units())
    kinds = {u.id: u.kind for u in units}
    city = next(u for u in units if u.kind == "city")
    county = next(u for u in units if u.kind == "county" and u.parent == city.id)
    dept = next(u for u in units if u.kind == "department" and u.parent == county.id)
    cc = next(u for u in units if u.kind == "command_center" and u.parent == county.id)
    post = next(u for u in units if u.kind == "community_post" and org.bureau_of(u.id) == county.id)
    extra = [
        Unit("x-sub", "直属中队", "department", parent=dept.id, function=dept.function, police=3),
        Unit("x-st", "直属派出所", "station", parent=city.id, police=25),
        Unit("x-st-p", "直属警务室", "community_post", parent="x-st", police=4),
        Unit("x-fen", "开发区分局", "county", parent=county.id, police=4),
        Unit("x-fen-s", "开发区派出所", "station", parent="x-fen", police=12),
        Unit("x-g", "城南片区", "group", parent=county.id),
        Unit("x-g-s", "城南派出所", "station", parent="x-g", police=7, duty_roster=False),
    ]
    assert kinds[post.id] == "community_post"
    return OrgGraph(
        units + extra,
        org.guides,
        [*org.dispatches, (cc.id, post.id)],
        id=org.id,
        name=org.name,
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_suite_equals_the_reference(seed: int) -> None:
    org = varied(seed)
    norms = load_norms()
    report = metric_report(org, norms=norms, policy=load_policy())
    ref = Reference(org, norms)
    # the shapes above are there: a narrow span, a dispatched post, a 分局 in a county
    assert report["span"]["narrow"] and report["layers"]["command_path"]["via_command_centre"]
    # … and a city that commands a 派出所 directly is county-level, as is the 分局
    assert {org.parent("x-st"), "x-fen"} <= {r["id"] for r in report["shares"]["county_level"]}

    span, layers, wf = report["span"], report["layers"], report["workforce"]
    want = ref.span()
    assert span["managing_units"] == want["managing_units"]
    assert _close(span["mean_span"], want["mean_span"])
    assert {b["band"]: b["count"] for b in span["bands"]} == want["bands"]
    assert [r["id"] for r in span["narrow"]] == want["narrow"]
    assert [r["id"] for r in span["wide"]] == want["wide"]

    want = ref.layers()
    assert layers["layers"] == want["layers"]
    assert _close(layers["mean_command_path"], want["mean_command_path"])
    dist: dict[int, int] = {}
    for h in want["paths"].values():
        dist[h] = dist.get(h, 0) + 1
    assert {d["hops"]: d["posts"] for d in layers["command_path"]["distribution"]} == dist

    want = ref.workforce()
    assert wf["fixed_posts"] == want["fixed_posts"]
    assert wf["overhead"] == want["overhead"]
    assert _close(wf["hidden_loss"], want["hidden_loss"])
    assert _close(wf["hidden_loss_share"], want["hidden_loss_share"])
    assert {r["id"]: r["shortfall"] for r in wf["hollow"]} == want["hollow"]
    top = sorted(want["loss"].items(), key=lambda kv: -kv[1])[:20]
    assert [r["id"] for r in wf["top_hidden_loss"]] == [h for h, _ in top]
    for by in ("level", "category"):
        got = {
            g["key"]: [g["police"], g["leaders"], g["admin"], g["duty"]]
            for g in wf["funnel"][by]["groups"]
        }
        assert got == want["funnel"][by]
    assert _close(wf["deployable"], want["deployable"])

    want = ref.mirror()
    assert _close(report["mirror"]["mirror_index"], want["mirror_index"])
    assert [r["id"] for r in report["mirror"]["units"]] == want["mirror_units"]

    want = ref.shares()
    sh = report["shares"]
    assert {r["id"]: (r["station_police"], r["police"]) for r in sh["county_level"]} == want[
        "county_level"
    ]
    assert _close(sh["station_share"], want["station_share"])
    assert _close(sh["station_share_all"], want["station_share_all"])
    assert _close(sh["organ_share"], want["organ_share"])
    assert {r["id"]: (r["community_police"], r["police"]) for r in sh["stations"]} == want[
        "stations"
    ]

    # The policy rows measure the same numbers: each county-level bureau's station share.
    for row in report["policy"]["results"]:
        if row["metric"] == "station_share" and row["scope"] == "county_level":
            num, den = want["county_level"][row["unit_id"]]
            assert _close(row["value"], num / den if den else None)


@pytest.mark.parametrize("seed", [0, 1])
def test_headline_alone_equals_the_report_and_is_kept(seed: int) -> None:
    fresh, reported = varied(seed), varied(seed)
    numbers = headline(fresh)  # the passes the headline needs, no per-unit lists
    assert numbers == headline(metric_report(reported))
    # kept with the organisation: asked again (as diff_orgs does), the same numbers
    assert headline(fresh) == numbers and headline(reported) == numbers
