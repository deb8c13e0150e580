"""hypothesis strategies for random valid organisations (reusable by any test package).

``org_graphs()`` draws an :class:`~orgmodel.model.OrgGraph` whose kinds sit where they would
in a real 公安 organisation: a city (市公安局) or county (县公安局) root; a city has county
bureaus under it; every bureau has departments (内设机构, each with a bureau function, some with
a nested 大队 of the same function), optionally a command centre (情指中心) and 派出所; a
station has teams (社区警务队 / 案件办理队), an office (综合指挥室) and community posts
(社区警务室), and posts also sit under teams. GUIDES edges link a city department to a county
department of the same function; DISPATCHES edges run from a command centre to its stations
or posts — both optional. ``leaders`` and ``duty_roster`` are sometimes left to the norms.

Usage::

    from hypothesis import given
    from tests.strategies import org_graphs

    @given(org_graphs())
    def test_something(org): ...
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from orgmodel.catalogue import load_catalogue
from orgmodel.model import OrgGraph, ParentBureau, Unit

__all__ = ["BUREAU_FUNCTIONS", "org_graphs"]

#: Department functions of a bureau (without the command function of the 情指中心).
BUREAU_FUNCTIONS: tuple[str, ...] = tuple(
    c for c in load_catalogue().codes("bureau") if c != "command"
)

_STATION_CHILD = st.sampled_from(["community_team", "case_team", "office", "post"])


@st.composite
def org_graphs(
    draw: st.DrawFn,
    *,
    max_counties: int = 3,
    max_departments: int = 5,
    max_stations: int = 3,
    max_station_children: int = 4,
    max_police: int = 60,
    guides: bool = True,
    dispatches: bool = True,
) -> OrgGraph:
    """A random valid organisation (a city with county bureaus, or one county bureau)."""
    units: list[Unit] = []
    guide_edges: list[tuple[str, str]] = []
    dispatch_edges: list[tuple[str, str]] = []

    def add(kind: str, parent: str | None, name: str, **kw: Any) -> str:
        uid = f"u{len(units)}"
        kw.setdefault("police", draw(st.integers(0, max_police)))
        kw.setdefault("auxiliaries", draw(st.integers(0, max_police)))
        if draw(st.integers(0, 3)) == 0:
            kw["leaders"] = draw(st.integers(0, 4))
        if draw(st.integers(0, 3)) == 0:
            kw["duty_roster"] = draw(st.booleans())
        units.append(Unit(uid, f"{name}{len(units)}", kind, parent=parent, **kw))
        return uid

    def station(bureau: str) -> list[str]:
        """A 派出所 with its teams, office and posts; returns dispatchable units."""
        s = add("station", bureau, "派出所")
        out = [s]
        for _ in range(draw(st.integers(0, max_station_children))):
            child = draw(_STATION_CHILD)
            if child == "post":
                out.append(add("community_post", s, "社区警务室", police=draw(st.integers(0, 6))))
            elif child == "office":
                add("office", s, "综合指挥室", function="station_command")
            else:
                fn = "community_policing" if child == "community_team" else "case_handling"
                t = add("team", s, "队", function=fn, police=draw(st.integers(0, 20)))
                for _ in range(draw(st.integers(0, 2))):
                    out.append(add("community_post", t, "警务区", police=draw(st.integers(0, 6))))
        return out

    def bureau(kind: str, parent: str | None) -> tuple[str, dict[str, str], list[str]]:
        b = add(kind, parent, "公安局", police=draw(st.integers(0, 12)))
        depts: dict[str, str] = {}
        fns = draw(
            st.lists(st.sampled_from(BUREAU_FUNCTIONS), max_size=max_departments, unique=True)
        )
        for fn in fns:
            d = add("department", b, "内设机构", function=fn)
            depts[fn] = d
            if draw(st.integers(0, 4)) == 0:  # a 大队 inside a 支队
                add("department", d, "中队", function=fn, police=draw(st.integers(0, 15)))
        cc = (
            add("command_center", b, "情指中心", function="command")
            if draw(st.booleans())
            else None
        )
        targets: list[str] = []
        low = 1 if kind == "county" else 0
        for _ in range(draw(st.integers(low, max_stations))):
            targets.extend(station(b))
        if dispatches and cc is not None:
            for t in targets:
                if draw(st.integers(0, 2)) == 0:
                    dispatch_edges.append((cc, t))
        return b, depts, [cc] if cc else []

    root_kind = draw(st.sampled_from(["city", "county"]))
    parent_bureau = None
    if root_kind == "city":
        _, city_depts, _ = bureau("city", None)
        root = units[0].id
        for _ in range(draw(st.integers(0, max_counties))):
            _, county_depts, _ = bureau("county", root)
            if guides:
                for fn, d in county_depts.items():
                    if fn in city_depts and draw(st.booleans()):
                        guide_edges.append((city_depts[fn], d))
    else:
        bureau("county", None)
        if draw(st.booleans()):
            fns = draw(st.lists(st.sampled_from(BUREAU_FUNCTIONS), max_size=8, unique=True))
            parent_bureau = ParentBureau("上级市公安局", tuple(fns))
    return OrgGraph(
        units,
        guide_edges,
        dispatch_edges,
        id="random",
        name="随机公安机关",
        parent_bureau=parent_bureau,
    )
