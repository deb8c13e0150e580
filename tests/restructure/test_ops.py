"""Each operation on the small county of _graphs.py, with the numbers worked by hand."""

from __future__ import annotations

import pytest

from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import PlanError, apply_plan
from tests.restructure._graphs import plan, police


def run(org: OrgGraph, *ops: dict) -> OrgGraph:
    return apply_plan(org, plan(*ops)).org


def bad(org: OrgGraph, *ops: dict) -> PlanError:
    with pytest.raises(PlanError) as e:
        apply_plan(org, plan(*ops))
    return e.value


# -- merge --------------------------------------------------------------------------------


def test_merge_into_existing_keeps_one_leadership_team(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "merge", "units": ["d1", "d2"], "into": "d1"}))
    o = r.org
    # d1 10 + d2 5 = 15 police; aux 2 + 0; d1's leaders (None: the norm) stay, not summed
    assert police(o, "d1") == 15 and o.attrs("d1")["auxiliaries"] == 2
    assert o.attrs("d1")["leaders"] is None
    assert "d2" not in o and o.children("d1") == ["d1a"]
    assert o.total_police() == 53
    assert dict(r.lineage.origins) == {"d1": ("d1", "d2")}


def test_merge_into_new_unit_takes_children_and_place(org: OrgGraph) -> None:
    o = run(
        org,
        {
            "op": "merge",
            "units": ["d1", "d2"],
            "into": {"id": "inv", "name": "侦查打击大队", "function": "investigation"},
        },
    )
    # 10 + 5 = 15; d1a (3) follows as a child; the new unit sits where d1 was
    assert police(o, "inv") == 15 and o.children("inv") == ["d1a"]
    assert o.children("b")[:2] == ["cc", "inv"]
    assert o.attrs("inv")["kind"] == "department"  # the first unit's kind


def test_merge_guides_follow(org: OrgGraph) -> None:
    # A two-level org: GUIDES city criminal → county criminal must follow a merge of two
    # county criminal units into one.
    from orgmodel.model import Unit

    city = OrgGraph(
        [
            Unit("c", "市局", "city"),
            Unit("c-x", "刑侦支队", "department", "c", "criminal", police=20),
            Unit("k", "县局", "county", "c"),
            Unit("k-x1", "刑侦一大队", "department", "k", "criminal", police=5),
            Unit("k-x2", "刑侦二大队", "department", "k", "criminal", police=4),
        ],
        guides=[("c-x", "k-x1"), ("c-x", "k-x2")],
    )
    r = apply_plan(city, plan({"op": "merge", "units": ["k-x2"], "into": "k-x1"}))
    assert r.org.guides == [("c-x", "k-x1")] and not r.dropped_guides
    # merged into a unit of another function, the guidance line no longer holds
    r = apply_plan(
        city,
        plan(
            {"op": "set", "unit": "k-x1", "attrs": {"function": "economic"}},
            {"op": "merge", "units": ["k-x2"], "into": "k-x1"},
        ),
    )
    assert r.org.guides == [] and len(r.dropped_guides) == 2


def test_merge_into_own_descendant_is_refused(org: OrgGraph) -> None:
    e = bad(org, {"op": "merge", "units": ["d1", "d2"], "into": "d1a"})
    assert e.index == 0 and e.op == "merge"
    assert "own descendant" in e.reason


def test_merge_root_refused(org: OrgGraph) -> None:
    assert "root" in bad(org, {"op": "merge", "units": ["b", "d1"], "into": "d2"}).reason


# -- split --------------------------------------------------------------------------------


def test_split_divides_officers_and_children(org: OrgGraph) -> None:
    o = run(
        org,
        {
            "op": "split",
            "unit": "d1",
            "into": [
                {"id": "d1", "name": "刑侦大队", "police": 6, "auxiliaries": 2},
                {
                    "id": "tech",
                    "name": "技术中队",
                    "function": "techinv",
                    "police": 4,
                    "auxiliaries": 0,
                    "children": ["d1a"],
                },
            ],
        },
    )
    # 10 = 6 + 4; d1a moves to the second part
    assert police(o, "d1") == 6 and police(o, "tech") == 4
    assert o.children("tech") == ["d1a"] and o.parent("tech") == "b"
    assert o.attrs("tech")["function"] == "techinv"


def test_split_must_balance(org: OrgGraph) -> None:
    e = bad(
        org,
        {
            "op": "split",
            "unit": "d2",
            "into": [
                {"id": "x", "name": "甲", "police": 2},
                {"id": "y", "name": "乙", "police": 2},
            ],
        },
    )
    assert "4 police but 'd2' has 5" in e.reason


# -- move, close, create, transfer, hire, retire --------------------------------------------


def test_move(org: OrgGraph) -> None:
    o = run(org, {"op": "move", "unit": "d1a", "to": "b"})
    assert o.parent("d1a") == "b" and o.children("d1") == []


def test_move_root_and_into_own_subtree_refused(org: OrgGraph) -> None:
    assert "root" in bad(org, {"op": "move", "unit": "b", "to": "d1"}).reason
    assert "own descendant" in bad(org, {"op": "move", "unit": "d1", "to": "d1a"}).reason


def test_close_sends_officers_and_children(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "close", "unit": "d1", "to": "d2"}))
    o = r.org
    # d2 5 + d1 10 = 15; d1a now under d2; a closed unit is removed, not merged
    assert police(o, "d2") == 15 and o.children("d2") == ["d1a"] and "d1" not in o
    assert "d2" not in r.lineage.origins


def test_close_retire(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "close", "unit": "d3", "retire": True}))
    assert r.retired == {"police": 3, "auxiliaries": 0} and r.org.total_police() == 50


def test_create_with_officers_from_a_unit(org: OrgGraph) -> None:
    o = run(
        org,
        {
            "op": "create",
            "unit": {
                "id": "drone",
                "name": "无人机中队",
                "kind": "department",
                "parent": "b",
                "function": "patrol",
            },
            "police": 4,
            "from": "s1",
            "adopt": ["d1a"],
        },
    )
    # s1 12 − 4 = 8
    assert police(o, "drone") == 4 and police(o, "s1") == 8 and o.parent("d1a") == "drone"


def test_create_officers_need_a_source(org: OrgGraph) -> None:
    e = bad(
        org,
        {
            "op": "create",
            "police": 3,
            "unit": {"id": "x", "name": "甲", "kind": "department", "parent": "b"},
        },
    )
    assert "'from' a unit or by 'hire: true'" in e.reason
    e = bad(
        org,
        {"op": "create", "unit": {"id": "d1", "name": "甲", "kind": "department", "parent": "b"}},
    )
    assert "already taken" in e.reason


def test_transfer_and_too_many(org: OrgGraph) -> None:
    o = run(org, {"op": "transfer", "from": "d1", "to": "s2", "police": 4, "auxiliaries": 1})
    # d1 10 − 4 = 6; s2 8 + 4 = 12
    assert police(o, "d1") == 6 and police(o, "s2") == 12 and o.attrs("s2")["auxiliaries"] == 1
    e = bad(org, {"op": "transfer", "from": "d3", "to": "s2", "police": 4})
    assert e.reason == "cannot transfer 4 police from 'd3': it has 3"


def test_hire_and_retire_are_reported(org: OrgGraph) -> None:
    r = apply_plan(
        org,
        plan(
            {"op": "hire", "unit": "s2", "police": 5},
            {"op": "retire", "unit": "d3", "police": 1, "auxiliaries": 0},
        ),
    )
    assert r.hired == {"police": 5, "auxiliaries": 0}
    assert r.retired == {"police": 1, "auxiliaries": 0}
    assert r.org.total_police() == 53 + 5 - 1


# -- remove_layer, set ----------------------------------------------------------------------


def test_remove_layer_moves_children_up(org: OrgGraph) -> None:
    o = run(org, {"op": "remove_layer", "unit": "d1"})
    # d1a goes up to b where d1 was; d1's 10 police go to b: 4 + 10 = 14
    assert o.parent("d1a") == "b" and police(o, "b") == 14
    assert o.children("b")[:3] == ["cc", "d1a", "d2"]


def test_set_attributes_and_refuse_officers(org: OrgGraph) -> None:
    o = run(org, {"op": "set", "select": {"kind": "station"}, "attrs": {"duty_roster": False}})
    assert o.attrs("s1")["duty_roster"] is False and o.attrs("s2")["duty_roster"] is False
    assert (
        "transfer, hire or retire"
        in bad(org, {"op": "set", "unit": "s1", "attrs": {"police": 3}}).reason
    )
    assert (
        "unknown function"
        in bad(org, {"op": "set", "unit": "d1", "attrs": {"function": "nope"}}).reason
    )


# -- sink, two_teams_one_office, mirror -------------------------------------------------------


def test_sink_share_proportional(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "sink", "share": 0.2, "keep_leaders": False}))
    o = r.org
    # organ = b 4 + cc 6 + d1 10 + d1a 3 + d2 5 + d3 3 = 31; 20% → round(6.2) = 6
    # stations by subtree police: s1 12 + 2 = 14, s2 8 → 6 × 14/22 = 3.82, × 8/22 = 2.18 → 4, 2
    assert police(o, "s1") == 12 + 4 and police(o, "s2") == 8 + 2
    assert o.total_police() == 53
    organ = sum(police(o, u) for u in ("b", "cc", "d1", "d1a", "d2", "d3"))
    assert organ == 31 - 6


def test_sink_keeps_leaders_and_refuses_too_much(org: OrgGraph) -> None:
    # 机关 leader posts (norms): b 4 (own), cc 2, d1 2, d1a 2, d2 2, d3 2 = 14 → 17 movable
    o = run(org, {"op": "sink", "police": 17, "rule": "even"})
    assert police(o, "s1") + police(o, "s2") == 20 + 17
    assert police(o, "d3") == 2 and police(o, "b") == 4
    e = bad(org, {"op": "sink", "police": 18})
    assert "can give only 17" in e.reason and e.op == "sink"


def test_two_teams_one_office(org: OrgGraph) -> None:
    o = run(org, {"op": "two_teams_one_office", "unit": "s1", "community_share": 0.5})
    kids = o.children("s1")
    assert kids == ["s1-community", "s1-cases", "s1-office"]
    # s1 14 in all: keep 2 (所领导), office 3, free 12 − 2 − 3 = 7;
    # community target round(0.5 × 14) = 7, posts hold 2 → 5 to the community team, 2 to cases
    assert [police(o, k) for k in kids] == [5, 2, 3] and police(o, "s1") == 2
    assert o.parent("p1") == "s1-community"
    assert o.attrs("s1-community")["auxiliaries"] == 6 and o.attrs("s1")["duty_roster"] is False


def test_two_teams_one_office_refuses_non_station(org: OrgGraph) -> None:
    assert "not a station" in bad(org, {"op": "two_teams_one_office", "unit": "d1"}).reason


def test_mirror_adds_counterparts_from_stations(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "mirror", "police": 3, "pool": "stations"}))
    o = r.org
    # the parent bureau has traffic, the county does not → one 交警大队 with 3 police
    # drawn from s1 (12) and s2 (8) in proportion: 3 × 12/20 = 1.8, 3 × 8/20 = 1.2 → 2, 1
    assert police(o, "b-traffic") == 3 and o.attrs("b-traffic")["function"] == "traffic"
    assert police(o, "s1") == 10 and police(o, "s2") == 7 and o.total_police() == 53


def test_mirror_hire_reports_hires(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "mirror", "police": 4, "pool": "hire"}))
    assert r.hired["police"] == 4 and r.org.total_police() == 57


def test_base_is_never_mutated(org: OrgGraph) -> None:
    from tests.restructure._graphs import small_org

    apply_plan(
        org,
        plan(
            {"op": "merge", "units": ["d1", "d2"], "into": "d1"},
            {"op": "two_teams_one_office", "select": {"kind": "station"}},
            {"op": "sink", "share": 0.1},
        ),
    )
    assert org == small_org()


# -- trust in numbers: plans that silently gave a wrong number -----------------------------


def test_weights_must_give_every_receiving_unit_a_weight(org: OrgGraph) -> None:
    # weights {s1: 1} with to [s1, s2]: s2 silently got weight 0 (all 4 officers to s1).
    for op in (
        {"op": "transfer", "from": "d1", "to": ["s1", "s2"], "police": 4, "weights": {"s1": 1}},
        {"op": "close", "unit": "d2", "to": ["s1", "s2"], "weights": {"s1": 1}},
    ):
        e = bad(org, op)
        assert e.index == 0 and e.op == op["op"]
        assert "城东派出所（s2）" in e.reason and "weight" in e.reason
    # A weight of 0, given, is a choice: d1 10 → 6, s1 12 + 4 = 16, s2 stays 8.
    o = run(org, {"op": "transfer", "from": "d1", "to": ["s1", "s2"], "police": 4,
                  "weights": {"s1": 1, "s2": 0}})  # fmt: skip
    assert (police(o, "d1"), police(o, "s1"), police(o, "s2")) == (6, 16, 8)


def test_hire_is_bounded(org: OrgGraph) -> None:
    # Negative, nothing, or beyond one unit's largest headcount (10,000,000): refused by
    # name. s1 has 12: hiring 9,999,990 would give it 10,000,002.
    assert bad(org, {"op": "hire", "unit": "s1", "police": -3}).reason == (
        "police: must be at least 0, got -3"
    )
    assert "police and/or auxiliaries" in bad(org, {"op": "hire", "unit": "s1"}).reason
    e = bad(org, {"op": "hire", "unit": "s1", "police": 10**12})
    assert e.op == "hire" and e.reason == f"police: must be at most 10000000, got {10**12}"
    e = bad(org, {"op": "hire", "unit": "s1", "police": 9_999_990})
    assert e.op == "hire" and "10000002" in e.reason and "城关派出所（s1）" in e.reason
    # A sensible hire still works: 12 + 3 = 15.
    assert police(run(org, {"op": "hire", "unit": "s1", "police": 3}), "s1") == 15


def test_infinite_shares_and_weights_are_refused(org: OrgGraph) -> None:
    # YAML .inf passed the models and crashed the largest-remainder split (a traceback).
    inf = float("inf")
    e = bad(org, {"op": "split", "unit": "d2", "into": 2, "shares": [inf, 1]})
    assert e.op == "split" and "finite" in e.reason
    e = bad(org, {"op": "transfer", "from": "d1", "to": ["s1", "s2"], "police": 4,
                  "weights": {"s1": inf, "s2": 1}})  # fmt: skip
    assert e.op == "transfer" and "finite" in e.reason


def test_sink_from_a_unit_to_itself_is_refused(org: OrgGraph) -> None:
    # One pool from s1 into s1: it reported "1 人下沉" and moved nothing.
    for src in ("s1", ["d1", "s1"]):
        e = bad(org, {"op": "sink", "from": src, "to": "s1", "police": 1})
        assert e.op == "sink" and "城关派出所（s1）" in e.reason and "itself" in e.reason
    e = bad(org, {"op": "transfer", "from": ["d1", "s1"], "to": "s1", "police": 1})
    assert "城关派出所（s1）" in e.reason


def test_a_group_does_not_merge_with_a_department(org: OrgGraph) -> None:
    # 片区 g over s1, s2 merged into 经侦大队 d2: the stations ended up under a 大队. Refused,
    # whichever way round; two groups still merge.
    bundle = {"op": "bundle", "units": ["s1", "s2"], "into": {"id": "g", "name": "片区"}}
    for merge in (
        {"op": "merge", "units": ["g"], "into": "d2"},
        {"op": "merge", "units": ["d2"], "into": "g"},
        {"op": "merge", "units": ["g", "d2"], "into": {"id": "n", "name": "新"}},
    ):
        e = bad(org, bundle, merge)
        assert e.index == 1 and "group" in e.reason and "经侦大队（d2）" in e.reason
    o = run(
        org,
        {"op": "bundle", "groups": [{"id": "g1", "name": "一片", "units": ["s1"]},
                                    {"id": "g2", "name": "二片", "units": ["s2"]}]},
        {"op": "merge", "units": ["g2"], "into": "g1"},
    )  # fmt: skip
    assert o.unit("s1").parent == o.unit("s2").parent == "g1"


def test_two_teams_one_office_keeps_the_existing_office_and_team() -> None:
    # An imported 综合指挥室 (kind office, no function) and 社区警务队 (no function): 两队一室
    # made a second office with a second 24/7 roster and a second community team. Now they
    # are kept and topped up; only the missing 案件办理队 is made.
    # s 20 police, leader posts 2 (norm) → free 18; office wants 3, has 3 → +3 = 6;
    # community: 60% of 25 = 15, the team has 2 → +13 = 15; the cases team takes 18 − 3 − 13 = 2.
    from orgmodel.model import Unit

    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=4),
            Unit("s", "城关派出所", "station", "b", police=20),
            Unit("o", "综合指挥室", "office", "s", police=3, duty_roster=True),
            Unit("t", "城关派出所社区警务队", "team", "s", police=2),
        ],
        id="k",
    )
    o = run(org, {"op": "two_teams_one_office"})
    kids = {u.id: (u.kind, u.police) for u in o.units() if u.parent == "s"}
    assert kids == {"o": ("office", 6), "t": ("team", 15), "s-cases": ("team", 2)}
    assert sum(1 for u in o.units() if u.duty_roster) == 1


def test_a_merge_into_a_new_unit_takes_the_function_its_units_share_or_asks_for_one() -> None:
    # 治安大队 (public_order, 8) and 出入境大队 (exit_entry, 3) merged into a new 治安出入境大队
    # with no function: the new unit had none, so its 11 officers left 执法勤务 for another
    # category and the 上下对口 count without a word. Refused, naming both; two 刑侦 teams
    # merged into a new unit keep their shared function.
    base = OrgGraph(
        [
            Unit("b", "某县公安局", "county"),
            Unit("za", "治安大队", "department", "b", "public_order", police=8),
            Unit("crj", "出入境大队", "department", "b", "exit_entry", police=3),
            Unit("x1", "刑侦一中队", "department", "b", "criminal", police=4),
            Unit("x2", "刑侦二中队", "department", "b", "criminal", police=5),
        ]
    )
    merge = {"op": "merge", "units": ["za", "crj"], "into": {"id": "zc", "name": "治安出入境大队"}}
    e = bad(base, merge)
    assert "different functions" in e.reason and "public_order" in e.reason
    assert "exit_entry" in e.reason and "into.function" in e.reason
    o = run(base, {**merge, "into": {**merge["into"], "function": "public_order"}})
    assert o.attrs("zc")["function"] == "public_order" and o.attrs("zc")["police"] == 11  # 8 + 3
    o = run(base, {"op": "merge", "units": ["x1", "x2"], "into": {"id": "xz", "name": "刑侦大队"}})
    assert o.attrs("xz")["function"] == "criminal" and o.attrs("xz")["police"] == 9  # 4 + 5
