"""Officer accounting between two organisations (DOMAIN.md, "Comparing two organisations").

For each matched unit Δ = after − before; stayed = Σ min(before, after), released = Σ max(0,
−Δ), gained = Σ max(0, Δ); moved = min(released, gained), retired = released − moved, hired =
gained − moved. So before = stayed + moved + retired and after = stayed + moved + hired.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import apply_plan, diff_orgs, plan_from_dict
from tests.strategies import org_graphs

SETTINGS = settings(max_examples=40, deadline=None)


def officers(a: OrgGraph, b: OrgGraph, lineage: Any = None) -> dict[str, Any]:
    return diff_orgs(a, b, lineage=lineage, metrics=False)["officers"]


def counts(o: dict[str, Any], field: str = "police") -> tuple[int, int, int, int]:
    return (o["stayed"][field], o["moved"][field], o["hired"][field], o["retired"][field])


def assert_identities(o: dict[str, Any]) -> None:
    for field, a_key, b_key in (
        ("police", "police_a", "police_b"),
        ("auxiliaries", "auxiliaries_a", "auxiliaries_b"),
    ):
        stayed, moved, hired, retired = counts(o, field)
        assert o[a_key] == stayed + moved + retired
        assert o[b_key] == stayed + moved + hired
        assert stayed + moved <= min(o[a_key], o[b_key])
        assert min(stayed, moved, hired, retired) >= 0
    # The category flows obey the same identities, category by category.
    for c in o["categories"]:
        for f in ("police", "auxiliaries"):
            assert c["before"][f] == c["stayed"][f] + c["moved_out"][f] + c["retired"][f]
            assert c["after"][f] == c["stayed"][f] + c["moved_in"][f] + c["hired"][f]
    cats = o["categories"]
    for f in ("police", "auxiliaries"):
        assert sum(c["moved_out"][f] for c in cats) == sum(c["moved_in"][f] for c in cats)
        assert sum(c["before"][f] for c in cats) == o[f"{f}_a"]
        assert sum(c["after"][f] for c in cats) == o[f"{f}_b"]
        assert sum(c["hired"][f] for c in cats) == o["hired"][f]
        assert sum(c["retired"][f] for c in cats) == o["retired"][f]


# -- the three cases of issue 10, by hand ---------------------------------------------------


def county(criminal: int, station: int) -> OrgGraph:
    # A 30-officer county: bureau 4, 刑侦大队 (criminal), 派出所, 治安大队 6.
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=4),
            Unit("xj", "刑侦大队", "department", "b", "criminal", police=criminal),
            Unit("za", "治安大队", "department", "b", "public_order", police=6),
            Unit("s", "城关派出所", "station", "b", police=station),
        ]
    )


def test_five_officers_moved_from_criminal_to_a_station() -> None:
    before, after = county(criminal=12, station=8), county(criminal=7, station=13)
    o = officers(before, after)
    # 4 + 12 + 6 + 8 = 30 → 4 + 7 + 6 + 13 = 30. Δ: 刑侦 −5, 派出所 +5: released 5 = gained 5,
    # so moved min(5, 5) = 5; stayed min per unit 4 + 7 + 6 + 8 = 25; nobody hired or retired.
    assert (o["police_a"], o["police_b"]) == (30, 30)
    assert counts(o) == (25, 5, 0, 0)
    assert o["method"] == "estimated"
    assert o["flows"] == [
        {"from": "xj", "from_name": "刑侦大队", "to": "s", "to_name": "城关派出所",
         "police": 5, "auxiliaries": 0}
    ]  # fmt: skip
    cats = {c["category"]: c for c in o["categories"]}
    assert cats["duty"]["moved_out"]["police"] == 5  # 刑侦 is 执法勤务
    assert cats["frontline"]["moved_in"]["police"] == 5
    assert_identities(o)


def test_two_officers_left_between_yearly_exports() -> None:
    # 147 → 145: two officers of 治安大队 left (retired or transferred out of the bureau).
    units = [
        Unit("b", "某县公安局", "county", police=7),
        Unit("za", "治安大队", "department", "b", "public_order", police=20),
        Unit("s1", "城关派出所", "station", "b", police=60),
        Unit("s2", "北山派出所", "station", "b", police=60),
    ]
    y1 = OrgGraph(units, id="hr-2023")
    units[1] = Unit("za", "治安大队", "department", "b", "public_order", police=18)
    y2 = OrgGraph(units, id="hr-2024")
    o = officers(y1, y2)
    # 7 + 20 + 60 + 60 = 147 → 145: Δ 治安 −2, nobody gained: released 2, moved 0, retired 2;
    # stayed 7 + 18 + 60 + 60 = 145.
    assert (o["police_a"], o["police_b"]) == (147, 145)
    assert counts(o) == (145, 0, 0, 2)
    assert_identities(o)


def three_stations() -> OrgGraph:
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=10),
            Unit("s1", "城关派出所", "station", "b", police=150, auxiliaries=30),
            Unit("s2", "东关派出所", "station", "b", police=130),
            Unit("s3", "西关派出所", "station", "b", police=120),
        ]
    )


def test_a_merge_of_three_stations_moves_officers() -> None:
    base = three_stations()
    plan = plan_from_dict(
        {
            "name": "三所合一",
            "ops": [
                {
                    "op": "merge",
                    "units": ["s1", "s2", "s3"],
                    "into": {"id": "zx", "name": "中心派出所"},
                }
            ],
        }
    )
    r = apply_plan(base, plan)
    # Exact, from the plan: the 150 + 130 + 120 = 400 police of the three stations went to
    # the new 中心派出所; the bureau's 10 stayed. Nobody was hired or retired.
    exact = officers(base, r.org, r.lineage)
    assert exact["method"] == "exact"
    assert counts(exact) == (10, 400, 0, 0)
    assert counts(exact, "auxiliaries") == (0, 30, 0, 0)
    assert_identities(exact)
    # Two snapshots, no lineage: s1, s2, s3 release 400, zx gains 400 → moved min = 400.
    est = officers(base, r.org)
    assert est["method"] == "estimated"
    assert counts(est) == (10, 400, 0, 0)
    assert_identities(est)
    # With a lineage map (zx continues s1, s2, s3) a merge still moves officers (DOMAIN.md,
    # "officer accounting"; as apply counts it): zx continues three units, so it is none of
    # them — s1, s2, s3 count 0 after, zx 0 before. Stayed: the bureau's min(10, 10) = 10;
    # released 150 + 130 + 120 = 400, gained 400, moved min(400, 400) = 400. The map pairs
    # them: each station's officers went to zx.
    mapped = officers(base, r.org, {"zx": ["s1", "s2", "s3"]})
    assert counts(mapped) == counts(exact) == (10, 400, 0, 0)
    assert counts(mapped, "auxiliaries") == (0, 30, 0, 0)
    assert sorted((f["from"], f["to"], f["police"]) for f in mapped["flows"]) == [
        ("s1", "zx", 150), ("s2", "zx", 130), ("s3", "zx", 120)
    ]  # fmt: skip
    assert_identities(mapped)


def test_a_merge_into_a_surviving_station() -> None:
    base = three_stations()
    r = apply_plan(
        base,
        plan_from_dict(
            {"name": "并所", "ops": [{"op": "merge", "units": ["s1", "s2", "s3"], "into": "s1"}]}
        ),
    )
    # s1 keeps its 150 and takes 130 + 120 = 250: moved 250, stayed 150 + 10 — exact from
    # the plan, estimated by id, and estimated through the map {s1: [s1, s2, s3]} (s1 is
    # matched to itself by id: min(150, 400) = 150 stayed; s2, s3 release 250 to it).
    for lineage in (r.lineage, None, {"s1": ["s1", "s2", "s3"]}):
        o = officers(base, r.org, lineage)
        assert counts(o) == (160, 250, 0, 0)
        assert_identities(o)


# -- properties ---------------------------------------------------------------------------


@st.composite
def two_orgs_and_lineage(draw: st.DrawFn) -> tuple[OrgGraph, OrgGraph, dict[str, list[str]]]:
    a = draw(org_graphs(max_counties=2))
    b = draw(org_graphs(max_counties=2))
    ids_a = list(a)
    lineage: dict[str, list[str]] = {}
    for uid in b:
        if draw(st.integers(0, 3)) == 0:
            lineage[uid] = draw(st.lists(st.sampled_from(ids_a), max_size=3, unique=True))
    return a, b, lineage


@SETTINGS
@given(two_orgs_and_lineage(), st.booleans())
def test_identities_hold_for_any_two_organisations(
    case: tuple[OrgGraph, OrgGraph, dict[str, list[str]]], with_lineage: bool
) -> None:
    a, b, lineage = case
    o = officers(a, b, lineage if with_lineage else None)
    assert_identities(o)
    # Without lineage of officers, hires and retirements are the net change only.
    net = o["police_b"] - o["police_a"]
    assert o["hired"]["police"] == max(0, net) and o["retired"]["police"] == max(0, -net)


@st.composite
def org_and_transfers(draw: st.DrawFn) -> tuple[OrgGraph, list[dict[str, Any]]]:
    org = draw(org_graphs(max_counties=2))
    units = list(org)
    held = {u: org.attrs(u)["police"] for u in units}
    ops: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 6))):
        src = draw(st.sampled_from(units))
        dst = draw(st.sampled_from(units))
        if src == dst or held[src] == 0:
            continue
        n = draw(st.integers(1, held[src]))
        held[src] -= n
        held[dst] += n
        ops.append({"op": "transfer", "from": src, "to": dst, "police": n})
    return org, ops


@SETTINGS
@given(org_and_transfers())
def test_a_plan_of_transfers_hires_and_retires_nobody(
    case: tuple[OrgGraph, list[dict[str, Any]]],
) -> None:
    org, ops = case
    r = apply_plan(org, plan_from_dict({"name": "调警", "ops": ops}))
    for lineage in (r.lineage, None):  # exact, and estimated from the two snapshots
        o = officers(org, r.org, lineage)
        assert o["hired"] == {"police": 0, "auxiliaries": 0}
        assert o["retired"] == {"police": 0, "auxiliaries": 0}
        assert_identities(o)


@st.composite
def org_and_merges(draw: st.DrawFn) -> tuple[OrgGraph, list[dict[str, Any]]]:
    """Merges of sibling units of one kind, into one of them or into a new unit."""
    org = draw(org_graphs(max_counties=2))
    by_parent: dict[tuple[str, str], list[str]] = {}
    for u in org:
        p = org.parent(u)
        if p is not None:
            by_parent.setdefault((p, org.attrs(u)["kind"]), []).append(u)
    groups = [g for g in by_parent.values() if len(g) >= 2]
    ops: list[dict[str, Any]] = []
    used: set[str] = set()
    for k in range(draw(st.integers(1, 3))):
        if not groups:
            break
        g = [u for u in draw(st.sampled_from(groups)) if u not in used]
        if len(g) < 2:
            continue
        units = draw(st.lists(st.sampled_from(g), min_size=2, max_size=3, unique=True))
        used.update(units)
        into: Any = draw(st.sampled_from(units)) if draw(st.booleans()) else {"id": f"m{k}"}
        if isinstance(into, dict):
            into["name"] = "合并机构"
            fns = [org.attrs(u).get("function") for u in units]
            if len(set(fns)) > 1:  # units of different functions: the new one says its own
                into["function"] = next(f for f in fns if f)
        ops.append({"op": "merge", "units": units, "into": into})
    return org, ops


@SETTINGS
@given(org_and_merges())
def test_compare_through_the_plans_lineage_counts_merges_as_apply_does(
    case: tuple[OrgGraph, list[dict[str, Any]]],
) -> None:
    # DOMAIN.md: a merge moves officers, it neither retires nor hires them; the estimate
    # through the plan's lineage map (orgmodel compare --lineage PLAN) agrees with the exact
    # accounting of apply, police and auxiliaries alike.
    org, ops = case
    r = apply_plan(org, plan_from_dict({"name": "合并", "ops": ops}))
    exact = officers(org, r.org, r.lineage)
    mapped = officers(org, r.org, {u: list(o) for u, o in r.lineage.origins.items()})
    for field in ("police", "auxiliaries"):
        assert counts(mapped, field) == counts(exact, field)
        assert exact["hired"][field] == exact["retired"][field] == 0
    assert_identities(mapped)
