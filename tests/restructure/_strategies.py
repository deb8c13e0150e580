"""hypothesis strategies: random valid organisations and random valid plans on them.

Plans are drawn one operation at a time against the organisation the plan so far produces,
and an operation is kept only if the prefix plus it applies — so every drawn plan is valid.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from orgmodel.catalogue import load_catalogue
from orgmodel.model import OrgGraph, ParentBureau, Unit
from orgmodel.restructure import PlanError, apply_plan, plan_from_dict

BUREAU_FNS = load_catalogue().codes("bureau")


@st.composite
def orgs(draw: st.DrawFn) -> OrgGraph:
    """A city with 1–3 counties, or a lone county; departments, stations, posts."""
    units: list[Unit] = []
    n = 0

    def add(name: str, kind: str, parent: str | None, fn: str | None = None) -> str:
        nonlocal n
        uid = f"u{n}"
        n += 1
        units.append(
            Unit(
                uid,
                name,
                kind,
                parent,
                fn,
                police=draw(st.integers(0, 25)),
                auxiliaries=draw(st.integers(0, 8)),
            )
        )
        return uid

    with_city = draw(st.booleans())
    root = add("市局", "city", None) if with_city else None
    counties = [add("县局", "county", root) for _ in range(draw(st.integers(1, 3)) if root else 1)]
    if with_city:
        assert root is not None
        for f in draw(st.lists(st.sampled_from(BUREAU_FNS), max_size=4, unique=True)):
            add("支队", "department", root, f)
    for k in counties:
        for f in draw(st.lists(st.sampled_from(BUREAU_FNS), min_size=1, max_size=6, unique=True)):
            d = add("大队", "department", k, f)
            if draw(st.booleans()):
                add("中队", "department", d, f)
        for _ in range(draw(st.integers(1, 3))):
            s = add("派出所", "station", k)
            for _ in range(draw(st.integers(0, 3))):
                add("警务室", "community_post", s)
    pb = None if with_city else ParentBureau("市局", tuple(BUREAU_FNS[:6]))
    return OrgGraph(units, parent_bureau=pb)


def _subtree(org: OrgGraph, top: str) -> set[str]:
    out, stack = set(), [top]
    while stack:
        u = stack.pop()
        out.add(u)
        stack.extend(org.children(u))
    return out


def _candidate(draw: st.DrawFn, org: OrgGraph, i: int) -> dict[str, Any] | None:
    units = org.order()
    non_root = [u for u in units if u != org.root]
    kind = draw(
        st.sampled_from(
            [
                "merge",
                "split",
                "move",
                "close",
                "create",
                "transfer",
                "hire",
                "retire",
                "remove_layer",
                "set",
                "apply_template",
                "sink",
                "two_teams_one_office",
                "mirror",
                # issue 12: selectors, one-to-many, groups, lines, staffing
                "bundle",
                "integrate_command",
                "dispatch",
                "staff",
                "merge_by_function",
                "close_many",
                "transfer_many",
                "split_n",
                "sink_from",
            ]
        )
    )
    pick = st.sampled_from
    if (
        kind in ("merge", "move", "close", "split", "remove_layer", "close_many", "split_n")
        and not non_root
    ):
        return None
    if kind == "merge":
        u = draw(pick(non_root))
        others = [v for v in non_root if v != u]
        if not others:
            return None
        v = draw(pick(others))
        into = u if u not in _subtree(org, v) else v
        return {"op": "merge", "units": [u, v], "into": into}
    if kind == "split":
        u = draw(pick(non_root))
        p = org.attrs(u)["police"]
        k = draw(st.integers(0, p))
        return {
            "op": "split",
            "unit": u,
            "into": [
                {"id": f"a{i}", "name": "甲", "police": k},
                {"id": f"b{i}", "name": "乙", "police": p - k},
            ],
        }
    if kind in ("move", "close"):
        u = draw(pick(non_root))
        targets = [t for t in units if t not in _subtree(org, u)]
        t = draw(pick(targets))
        return {"op": kind, "unit": u, "to": t}
    if kind == "create":
        src = draw(pick(units))
        return {
            "op": "create",
            "unit": {
                "id": f"c{i}",
                "name": "新",
                "kind": "department",
                "parent": draw(pick(units)),
            },
            "police": draw(st.integers(0, org.attrs(src)["police"])),
            "from": src,
        }
    if kind == "transfer":
        a, b = draw(pick(units)), draw(pick(units))
        if a == b:
            return None
        return {
            "op": "transfer",
            "from": a,
            "to": b,
            "police": draw(st.integers(0, org.attrs(a)["police"])),
            "auxiliaries": draw(st.integers(0, org.attrs(a)["auxiliaries"])),
        }
    if kind == "hire":
        return {"op": "hire", "unit": draw(pick(units)), "police": draw(st.integers(0, 5))}
    if kind == "retire":
        u = draw(pick(units))
        return {"op": "retire", "unit": u, "police": draw(st.integers(0, org.attrs(u)["police"]))}
    if kind == "remove_layer":
        return {"op": "remove_layer", "unit": draw(pick(non_root))}
    if kind == "set":
        return {"op": "set", "unit": draw(pick(units)), "attrs": {"name": "改名", "leaders": 1}}
    if kind == "apply_template":
        return {"op": "apply_template", "template": "county-dabumen"}
    if kind == "sink":
        return {
            "op": "sink",
            "share": draw(st.sampled_from([0.1, 0.2, 0.5])),
            "keep_leaders": draw(st.booleans()),
        }
    if kind == "two_teams_one_office":
        return {"op": "two_teams_one_office", "select": {"kind": "station"}}
    if kind == "mirror":
        return {"op": "mirror", "police": draw(st.integers(0, 3)), "pool": "hire"}
    counties = [u for u in units if org.attrs(u)["kind"] == "county"]
    if kind == "bundle":
        if not counties:
            return None
        return {
            "op": "bundle",
            "units": {"kind": "station", "of": draw(pick(counties))},
            "into": {"id": f"g{i}", "name": "片区"},
        }
    if kind == "integrate_command":
        depts = [
            u
            for u in units
            if org.attrs(u)["kind"] in ("department", "command_center")
            and org.attrs(u)["function"]
            and org.attrs(org.parent(u) or u)["kind"] == "county"
        ]
        if not depts:
            return None
        d = draw(pick(depts))
        return {
            "op": "integrate_command",
            "bureaus": [org.parent(d)],
            "functions": [org.attrs(d)["function"]],
        }
    if kind == "dispatch":
        return {"op": "dispatch", "from": {"kind": "command_center"}, "to": {"kind": "station"}}
    if kind == "staff":
        return {
            "op": "staff",
            "units": {"kind": "community_post"},
            "pattern": {"police": draw(st.integers(0, 3)), "auxiliaries": draw(st.integers(0, 2))},
            "pool": draw(pick(["station", "parent"])),
        }
    if kind == "merge_by_function":
        return {"op": "merge_by_function"}
    if kind == "close_many":
        u = draw(pick(non_root))
        targets = [t for t in units if t not in _subtree(org, u)]
        if len(targets) < 2:
            return None
        t1, t2 = draw(st.lists(pick(targets), min_size=2, max_size=2, unique=True))
        return {"op": "close", "unit": u, "to": [t1, t2], "children_to": t1, "rule": "even"}
    if kind == "transfer_many":
        return {
            "op": "transfer",
            "from": {"kind": "department"},
            "to": {"kind": "station"},
            "police": draw(st.integers(1, 6)),
            "rule": draw(pick(["proportional", "even", "people"])),
        }
    if kind == "split_n":
        return {"op": "split", "unit": draw(pick(non_root)), "into": draw(st.integers(2, 3))}
    return {
        "op": "sink",
        "from": {"kind": ["department", "command_center"]},
        "share": draw(st.sampled_from([0.1, 0.3])),
    }


@st.composite
def org_and_plan(draw: st.DrawFn, max_ops: int = 6) -> tuple[OrgGraph, list[dict[str, Any]]]:
    """A random organisation and a random plan that applies to it."""
    base = draw(orgs())
    ops: list[dict[str, Any]] = []
    current = base
    for i in range(draw(st.integers(1, max_ops))):
        for _ in range(4):
            op = _candidate(draw, current, i)
            if op is None:
                continue
            try:
                current = apply_plan(base, plan_from_dict({"name": "p", "ops": [*ops, op]})).org
            except PlanError:
                continue
            ops.append(op)
            break
    return base, ops


#: Operations that fail on any organisation, whatever came before them.
BAD_OPS: list[dict[str, Any]] = [
    {"op": "transfer", "from": "nope", "to": "u0", "police": 1},
    {"op": "move", "unit": "u0", "to": "u1"},  # u0 is always the root
    {"op": "merge", "units": ["u0"], "into": "u1"},
    {"op": "retire", "unit": "u0", "police": 10_000},
    {"op": "apply_template", "template": "no-such-template"},
    {"op": "set", "unit": "u0", "attrs": {"police": 3}},
    # issue 12: an empty selector, a dispatch from a bureau, staffing a bureau, bundling the root
    {"op": "move", "units": {"kind": "team", "name": "无此*"}, "to": "u0"},
    {"op": "dispatch", "from": "u0", "to": {"kind": "station"}},
    {"op": "staff", "unit": "u0", "pattern": {"police": 1}},
    {"op": "bundle", "units": "u0", "into": {"id": "g", "name": "片区"}},
]
