"""diff_orgs on small graphs: unit changes, flows that account for every officer, metrics."""

from __future__ import annotations

from typing import Any

from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import apply_plan, diff_orgs
from tests.restructure._graphs import plan


def _accounted(d: dict[str, Any]) -> None:
    """Flows + stayed = police of each side (and the same for auxiliaries)."""
    o = d["officers"]
    for field, a_key, b_key in (
        ("police", "police_a", "police_b"),
        ("auxiliaries", "auxiliaries_a", "auxiliaries_b"),
    ):
        out_of_a = sum(f[field] for f in o["flows"] if f["from"] is not None)
        into_b = sum(f[field] for f in o["flows"] if f["to"] is not None)
        assert out_of_a + o["stayed"][field] == o[a_key]
        assert into_b + o["stayed"][field] == o[b_key]
        by_cat_a = sum(r[field] for r in o["by_category"] if r["from"] != "hired")
        assert by_cat_a == o[a_key]


def test_merge_diff_and_flows(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "merge", "units": ["d1", "d2"], "into": "d1"}))
    d = diff_orgs(org, r.org, lineage=r.lineage)
    assert d["units"]["merged"] == [{"into": "d1", "name": "刑侦大队", "from": ["d1", "d2"]}]
    assert d["counts"]["removed"] == 0  # d2 is merged, not removed
    # d2's 5 police flow into d1; everyone else stayed: 53 − 5 = 48
    assert [(f["from"], f["to"], f["police"]) for f in d["officers"]["flows"]] == [("d2", "d1", 5)]
    assert d["officers"]["stayed"]["police"] == 48
    _accounted(d)
    # one department fewer; its fixed posts gone: department F = L 2 + A 1 = 3, so the
    # overhead absorbed by d2 (min(5, 3) = 3) is freed
    m = d["metrics"]
    assert m["delta"]["departments"] == -1
    assert d["freed"]["overhead"] == 3


def test_split_move_and_added(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            {
                "op": "split",
                "unit": "d2",
                "into": [
                    {"id": "e1", "name": "经侦一", "police": 3},
                    {"id": "e2", "name": "经侦二", "police": 2},
                ],
            },
            {"op": "move", "unit": "d1a", "to": "b"},
            {
                "op": "create",
                "unit": {"id": "n", "name": "新单位", "kind": "department", "parent": "b"},
            },
        ),
    )
    d = diff_orgs(org, r.org, lineage=r.lineage, metrics=False)
    assert d["units"]["split"] == [{"from": "d2", "name": "经侦大队", "into": ["e1", "e2"]}]
    assert [m["id"] for m in d["units"]["moved"]] == ["d1a"]
    assert [u["id"] for u in d["units"]["added"]] == ["n"]
    assert d["metrics"] is None
    _accounted(d)


def test_diff_without_lineage_matches_ids_and_estimates_flows() -> None:
    a = OrgGraph(
        [
            Unit("b", "县局", "county"),
            Unit("x", "刑侦", "department", "b", "criminal", police=6),
            Unit("y", "经侦", "department", "b", "economic", police=4),
            Unit("s", "派出所", "station", "b", police=10),
        ]
    )
    b = a.with_units(
        [
            Unit("b", "县局", "county"),
            Unit("x", "刑侦", "department", "b", "criminal", police=6),
            Unit("s", "派出所", "station", "b", police=12),
        ]
    )
    d = diff_orgs(a, b, metrics=False)
    # y is removed (releases 4), s grows by 2 (gains 2): moved min(4, 2) = 2, retired 4 − 2 =
    # 2, hired 0; stayed x 6 + s min(10, 12) = 16. 20 = 16 + 2 + 2 and 18 = 16 + 2 + 0.
    assert [u["id"] for u in d["units"]["removed"]] == ["y"]
    o = d["officers"]
    assert (o["stayed"]["police"], o["moved"]["police"]) == (16, 2)
    assert (o["retired"]["police"], o["hired"]["police"]) == (2, 0)
    assert o["method"] == "estimated"
    assert d["units"]["changed"] == [{"id": "s", "name": "派出所", "fields": {"police": [10, 12]}}]
    _accounted(d)
    # with a lineage (b's s continues a's s and y: y merged into s) a merge moves officers
    # (DOMAIN.md; as apply counts it): s is matched to s by id, stayed min(10, 12) = 10; y
    # releases 4, s gains 2: moved 2 (y → s, as the lineage says), retired 2; stayed 6 + 10
    # = 16. 20 = 16 + 2 + 2 and 18 = 16 + 2 + 0.
    d = diff_orgs(a, b, lineage={"s": ["s", "y"]}, metrics=False)
    assert d["units"]["merged"] == [{"into": "s", "name": "派出所", "from": ["s", "y"]}]
    o = d["officers"]
    assert (o["stayed"]["police"], o["moved"]["police"], o["retired"]["police"]) == (16, 2, 2)
    assert [(f["from"], f["to"], f["police"]) for f in o["flows"] if f["to"]] == [("y", "s", 2)]
    _accounted(d)


def test_identical_orgs_have_an_empty_diff(org: OrgGraph) -> None:
    d = diff_orgs(org, org)
    assert all(v == 0 for v in d["counts"].values())
    assert d["officers"]["flows"] == [] and d["officers"]["stayed"]["police"] == 53
    assert all(v in (0, 0.0, None) for v in d["metrics"]["delta"].values())
