"""Selectors and the operations of issue 12 on the small county of ``_graphs`` (by hand).

b 某县公安局 4 · cc 指挥中心 6 · d1 刑侦大队 10 (aux 2) ⊃ d1a 3 · d2 经侦大队 5 · d3 办公室 3 ·
s1 城关派出所 12 (aux 6) ⊃ p1 东街社区警务室 2 · s2 城东派出所 8 — 53 police, 8 auxiliaries.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import PlanError, apply_plan
from orgmodel.restructure.select import resolve_units
from orgmodel.restructure.workspace import OpError, Workspace
from tests.restructure._graphs import plan, police


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("d2", ["d2"]),
        ({"kind": "department", "function": "刑侦"}, ["d1", "d1a"]),
        ({"name": "*派出所"}, ["s1", "s2"]),
        ({"kind": "department", "within": "d1"}, ["d1", "d1a"]),
        ({"kind": "department", "exclude": "d1a"}, ["d1", "d2", "d3"]),
        ({"kind": ["station", "community_post"], "of": "b"}, ["s1", "p1", "s2"]),
        (["s2", {"kind": "station"}], ["s2", "s1"]),  # a union, in order, no repeats
        ({"kind": "station", "ids": ["s2", "d1"]}, ["s2"]),
        (
            {"function": ["criminal", "经侦"], "within": {"name": "刑侦*", "kind": "department"}},
            ["d1", "d1a"],
        ),
    ],
)
def test_selectors(org: OrgGraph, ref: Any, expected: list[str]) -> None:
    assert resolve_units(Workspace(org), ref) == expected


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ({"kind": "team"}, "selector {kind: team} matches no unit"),
        ({"function": "飞行"}, "unknown function '飞行'"),
        ({"kind": "bureau"}, "unknown kind(s) bureau"),
        (["s1", "s1"], "unit 's1' is listed twice"),
        ("nope", "unknown unit 'nope'"),
        ({"kind": "station", "of": "d1"}, "'of' names bureaus"),
    ],
)
def test_selector_errors(org: OrgGraph, ref: Any, message: str) -> None:
    with pytest.raises(OpError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_units(Workspace(org), ref)


def test_every_unit_field_takes_a_selector(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            {"op": "set", "units": {"kind": "station"}, "attrs": {"duty_roster": False}},
            {
                "op": "move",
                "units": {"kind": "department", "function": "经侦"},
                "to": {"ids": ["d1"]},
            },
            {"op": "hire", "unit": {"name": "城东*"}, "police": 2},
        ),
    )
    o = r.org
    assert not o.attrs("s1")["duty_roster"] and o.parent("d2") == "d1" and police(o, "s2") == 10


def test_split_into_equal_parts_and_by_shares(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            {"op": "split", "unit": "d1", "into": 3},
            {
                "op": "split",
                "unit": "d2",
                "into": [{"id": "e1", "name": "经侦一"}, {"id": "e2", "name": "经侦二"}],
                "shares": [0.7, 0.3],
            },
        ),
    )
    o = r.org
    # 10 police in 3: 3.33 each → 3, 3, 3 + the remainder to the first → 4, 3, 3; aux 2 → 1, 1, 0
    assert [police(o, f"d1-{k}") for k in (1, 2, 3)] == [4, 3, 3]
    assert [o.attrs(f"d1-{k}")["auxiliaries"] for k in (1, 2, 3)] == [1, 1, 0]
    assert [o.name_of(f"d1-{k}") for k in (1, 2, 3)] == ["刑侦大队一", "刑侦大队二", "刑侦大队三"]
    assert o.children("d1-1") == ["d1a"] and "d1" not in o
    # 5 × 0.7 = 3.5, 5 × 0.3 = 1.5 → 3, 1 and the one left to the first (ties by position)
    assert (police(o, "e1"), police(o, "e2")) == (4, 1)
    assert r.org.total_police() == 53


def test_close_and_transfer_to_several_units(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            # 办公室 3 → s1, s2 evenly: [2, 1]
            {"op": "close", "unit": "d3", "to": ["s1", "s2"], "rule": "even"},
            # 6 from 刑侦 10 and 经侦 5 (6·10/15 = 4, 2) to the stations in proportion to their
            # police (s1 14 + 2 = 16 with p1, s2 9): 6·16/25 = 3.84, 2.16 → 4, 2
            {"op": "transfer", "from": ["d1", "d2"], "to": {"kind": "station"}, "police": 6},
        ),
    )
    o = r.org
    assert "d3" not in o
    assert (police(o, "d1"), police(o, "d2")) == (6, 3)
    assert (police(o, "s1"), police(o, "s2")) == (12 + 2 + 4, 8 + 1 + 2)
    assert o.total_police() == 53


def test_weights_and_establishment_rules() -> None:
    org = OrgGraph(
        [
            Unit("b", "县局", "county", police=4),
            Unit("d", "巡警大队", "department", "b", "patrol", police=20),
            Unit("s1", "甲所", "station", "b", police=10, establishment=12),
            Unit("s2", "乙所", "station", "b", police=10, establishment=4),
        ]
    )
    r = apply_plan(
        org,
        plan(
            {
                "op": "transfer",
                "from": "d",
                "to": ["s1", "s2"],
                "police": 8,
                "rule": "establishment",
            }
        ),
    )
    # 8 × 12/16 = 6, 8 × 4/16 = 2
    assert (police(r.org, "s1"), police(r.org, "s2")) == (16, 12)
    # population is not in the file: give it as weights (人口 30,000 : 10,000)
    r = apply_plan(org, plan({"op": "sink", "police": 8, "weights": {"s1": 30000, "s2": 10000}}))
    assert (police(r.org, "s1"), police(r.org, "s2")) == (16, 12)
    with pytest.raises(PlanError, match="weights name units that do not receive officers"):
        apply_plan(org, plan({"op": "sink", "police": 8, "weights": {"d": 1}}))


def test_cross_level_sink_from_a_city() -> None:
    org = OrgGraph(
        [
            Unit("c", "市局", "city", police=5),
            Unit("c-xj", "刑侦支队", "department", "c", "criminal", police=30),
            Unit("k1", "东区分局", "county", "c", police=4),
            Unit("k1-s", "东门派出所", "station", "k1", police=6),
            Unit("k2", "西区分局", "county", "c", police=4),
            Unit("k2-s", "西门派出所", "station", "k2", police=9),
        ]
    )
    # the city has no stations of its own: its organs sink into its 分局's stations. The city
    # unit keeps its 5 leader posts (norms), 刑侦支队 its 2: 4 of the 28 it can give, evenly
    r = apply_plan(org, plan({"op": "sink", "bureaus": "city", "police": 4, "rule": "even"}))
    o = r.org
    assert (police(o, "c"), police(o, "c-xj"), police(o, "k1-s"), police(o, "k2-s")) == (
        5,
        26,
        8,
        11,
    )
    assert r.steps[0].summary == "市局 机关 民警 4 人、辅警 0 人下沉 2 个派出所"


def test_merge_by_function_keeps_the_largest() -> None:
    org = OrgGraph(
        [
            Unit("b", "县局", "county", police=4),
            Unit("x1", "刑侦大队", "department", "b", "criminal", police=10),
            Unit("y", "经侦大队", "department", "b", "economic", police=5),
            Unit("x2", "刑警大队", "command_center", "b", "criminal", police=12, auxiliaries=1),
        ]
    )
    r = apply_plan(org, plan({"op": "merge_by_function"}))
    o = r.org
    # 刑侦 10 + 刑警 12 → the larger, 刑警大队 (x2), keeps its id, name and kind
    assert o.children("b") == ["y", "x2"] and police(o, "x2") == 22
    assert (o.name_of("x2"), o.attrs("x2")["kind"]) == ("刑警大队", "command_center")
    assert r.lineage.origins["x2"] == ("x1", "x2")


def test_integrate_command_and_lines(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            {"op": "integrate_command", "functions": ["command", "办公室"]},
            {"op": "undispatch", "to": "s2"},
        ),
    )
    o = r.org
    # 指挥中心 6 + 办公室 3 → 情报指挥中心 9, first among the bureau's units
    assert o.children("b")[0] == "b-intel_command" and police(o, "b-intel_command") == 9
    assert o.name_of("b-intel_command") == "情报指挥中心"
    assert o.dispatches == [("b-intel_command", "s1")]
    with pytest.raises(PlanError, match=r"ops\[0\] \(undispatch\): no DISPATCHES edge matches"):
        apply_plan(org, plan({"op": "undispatch", "from": "cc", "to": "d1"}))


def test_guide_links_the_nearest_upper_department_of_the_same_function() -> None:
    org = OrgGraph(
        [
            Unit("c", "市局", "city"),
            Unit("c-xj", "刑侦支队", "department", "c", "criminal", police=30),
            Unit("c-jz", "经侦支队", "department", "c", "economic", police=10),
            Unit("k", "分局", "county", "c"),
            Unit("k-xj", "刑侦大队", "department", "k", "criminal", police=12),
            Unit("k-jz", "经侦大队", "department", "k", "economic", police=5),
        ]
    )
    r = apply_plan(
        org,
        plan(
            {
                "op": "guide",
                "from": {"of": "c", "kind": "department"},
                "to": {"of": "k", "kind": "department"},
            }
        ),
    )
    assert sorted(r.org.guides) == [("c-jz", "k-jz"), ("c-xj", "k-xj")]
    r2 = apply_plan(r.org, plan({"op": "unguide", "to": "k-jz"}))
    assert r2.org.guides == [("c-xj", "k-xj")]


def test_bundle_keeps_units_whole_and_a_group_holds_no_officers(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            {"op": "bundle", "units": {"kind": "station"}, "into": {"id": "pq", "name": "城区片区"}}
        ),
    )
    o = r.org
    assert o.children("pq") == ["s1", "s2"] and o.children("s1") == ["p1"]
    assert o.attrs("pq")["kind"] == "group" and o.total_police() == 53
    assert r.steps[0].op_name == "组建片区"
    with pytest.raises(PlanError, match=r"is a group .*: it holds no officers of its own"):
        apply_plan(o, plan({"op": "transfer", "from": "s1", "to": "pq", "police": 1}))
    # stations under a station stay an error without a group
    with pytest.raises(PlanError, match="bundle stations under a group"):
        apply_plan(org, plan({"op": "move", "unit": "s2", "to": "s1"}))


def test_staff_from_the_parent_and_by_hiring(org: OrgGraph) -> None:
    # 东街社区警务室 2 → 4 police and 3 辅警 from 城关派出所 (12 police, keeps 2; 6 辅警)
    r = apply_plan(
        org,
        plan(
            {
                "op": "staff",
                "unit": "p1",
                "pattern": {"police": 4, "auxiliaries": 3},
                "pool": "parent",
            }
        ),
    )
    o = r.org
    assert (
        police(o, "p1"),
        o.attrs("p1")["auxiliaries"],
        police(o, "s1"),
        o.attrs("s1")["auxiliaries"],
    ) == (4, 3, 10, 3)
    r = apply_plan(
        org, plan({"op": "staff", "unit": "p1", "pattern": {"police": 5}, "pool": "hire"})
    )
    assert r.hired["police"] == 3 and r.org.total_police() == 56


def test_sink_to_some_stations_skips_bureaus_without_them() -> None:
    org = OrgGraph(
        [
            Unit("c", "市局", "city"),
            Unit("k1", "东区分局", "county", "c", police=2, leaders=2),
            Unit("k1-d", "东区巡警大队", "department", "k1", "patrol", police=12),
            Unit("k1-s", "城东派出所", "station", "k1", police=6),
            Unit("k2", "西区分局", "county", "c", police=2, leaders=2),
            Unit("k2-d", "西区巡警大队", "department", "k2", "patrol", police=12),
            Unit("k2-s", "西门派出所", "station", "k2", police=9),
        ]
    )
    # only stations named 城* receive: 东区 sinks 50% of its 12 + 2 organ police above leader
    # posts (大队 12 − 2 = 10, 局 2 − 2 = 0): round(0.5 × 14) = 7 from the 大队; 西区 takes no part
    r = apply_plan(org, plan({"op": "sink", "to": {"name": "城*"}, "share": 0.5}))
    assert (police(r.org, "k1-d"), police(r.org, "k1-s")) == (5, 13)
    assert (police(r.org, "k2-d"), police(r.org, "k2-s")) == (12, 9)


def test_staff_by_hiring_returns_a_surplus_to_the_parent(org: OrgGraph) -> None:
    # 东街社区警务室 2 → 1: one officer back to 城关派出所, nobody hired
    r = apply_plan(
        org, plan({"op": "staff", "unit": "p1", "pattern": {"police": 1}, "pool": "hire"})
    )
    assert (police(r.org, "p1"), police(r.org, "s1"), r.hired["police"]) == (1, 13, 0)


@pytest.mark.parametrize(
    ("op", "message"),
    [
        ({"op": "sink", "share": 0.2, "police": 3}, "give either share"),
        ({"op": "close", "unit": "d3", "to": "s1", "retire": True}, "not both"),
        (
            {
                "op": "transfer",
                "from": "d1",
                "to": ["s1", "s2"],
                "police": 2,
                "rule": "even",
                "weights": {"s1": 1},
            },
            "'weights' goes with rule: weights",
        ),
        ({"op": "split", "unit": "d1", "into": 3, "shares": [1, 2]}, "one number per part (3)"),
        (
            {"op": "staff", "units": "p1", "pattern": {"police": 1, "leaders": 2}},
            "leaders cannot exceed police",
        ),
        ({"op": "unguide"}, "say which edges"),
        ({"op": "bundle", "units": "s1"}, "give 'units' and 'into', or 'groups'"),
    ],
)
def test_the_models_refuse_a_plan_before_anything_runs(op: dict[str, Any], message: str) -> None:
    from orgmodel.restructure import plan_from_dict

    with pytest.raises(PlanError, match=re.escape(message)) as e:
        plan_from_dict({"name": "t", "ops": [{"op": "hire", "unit": "s1", "police": 1}, op]})
    assert e.value.index == 1 and e.value.op == op["op"]
