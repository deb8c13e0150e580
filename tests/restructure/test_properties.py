"""Properties of apply_plan on random valid organisations and random valid plans."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.io.orgfile import org_to_dict
from orgmodel.model import OrgGraph
from orgmodel.restructure import PlanError, apply_plan, diff_orgs, plan_from_dict
from tests.restructure._strategies import BAD_OPS, org_and_plan

SETTINGS = settings(max_examples=40, deadline=None)


@SETTINGS
@given(org_and_plan())
def test_random_plans_conserve_officers_and_keep_a_tree(
    case: tuple[OrgGraph, list[dict[str, Any]]],
) -> None:
    base, ops = case
    snapshot = org_to_dict(base)
    r = apply_plan(base, plan_from_dict({"name": "p", "ops": ops}))
    o = r.org
    # conservation: only explicit hires and retirements change the totals
    assert o.total_police() == base.total_police() + r.hired["police"] - r.retired["police"]
    assert o.total_auxiliaries() == (
        base.total_auxiliaries() + r.hired["auxiliaries"] - r.retired["auxiliaries"]
    )
    # a valid tree: one root, every unit reached from it, every parent exists
    assert len(o.order()) == len(o) and o.parent(o.root) is None
    assert all(o.parent(u) in o for u in o.order() if u != o.root)
    # the base is untouched
    assert org_to_dict(base) == snapshot
    # the diff accounts for every officer
    d = diff_orgs(base, o, lineage=r.lineage, metrics=False)
    flows, stayed = d["officers"]["flows"], d["officers"]["stayed"]["police"]
    assert sum(f["police"] for f in flows if f["from"] is not None) + stayed == base.total_police()
    assert sum(f["police"] for f in flows if f["to"] is not None) + stayed == o.total_police()


@SETTINGS
@given(org_and_plan(max_ops=4), st.sampled_from(BAD_OPS), st.data())
def test_one_bad_op_anywhere_applies_nothing(
    case: tuple[OrgGraph, list[dict[str, Any]]], bad: dict[str, Any], data: st.DataObject
) -> None:
    base, ops = case
    at = data.draw(st.integers(0, len(ops)))
    snapshot = org_to_dict(base)
    plan = plan_from_dict({"name": "p", "ops": [*ops[:at], bad, *ops[at:]]})
    with pytest.raises(PlanError) as e:
        apply_plan(base, plan)
    assert e.value.index == at and e.value.op == bad["op"]
    assert f"ops[{at}] ({bad['op']})" in str(e.value)
    assert org_to_dict(base) == snapshot


@settings(max_examples=25, deadline=None)
@given(org_and_plan(max_ops=5))
def test_new_operations_keep_groups_empty_and_lines_valid(
    case: tuple[OrgGraph, list[dict[str, Any]]],
) -> None:
    base, ops = case
    try:
        o = apply_plan(base, plan_from_dict({"name": "p", "ops": ops})).org
    except PlanError as e:
        # the one refusal these plans may meet: a later op takes a group's last unit away
        assert "would be left with no units" in str(e), str(e)
        return
    for u in o.order():
        a = o.attrs(u)
        if a["kind"] == "group":
            # a group holds no officers and lies inside one bureau, whole units under it
            assert a["police"] == a["auxiliaries"] == 0 and o.children(u)
        if a["kind"] == "station":
            assert o.attrs(o.parent(u))["kind"] != "station"
    assert all(o.attrs(c)["kind"] == "command_center" for c, _ in o.dispatches)


def test_taking_a_groups_last_unit_away_is_refused() -> None:
    from orgmodel.model import Unit

    base = OrgGraph(
        [
            Unit("k", "东区分局", "county"),
            Unit("s1", "东门派出所", "station", "k", police=5),
            Unit("s2", "西门派出所", "station", "k", police=6),
        ]
    )
    snapshot = org_to_dict(base)
    bundle = {"op": "bundle", "units": ["s1"], "into": {"id": "g", "name": "东片区"}}
    # moving s1 out of 东片区 leaves the group commanding nothing: refused, naming it
    plan = plan_from_dict({"name": "p", "ops": [bundle, {"op": "move", "unit": "s1", "to": "k"}]})
    with pytest.raises(PlanError, match="would be left with no units") as e:
        apply_plan(base, plan)
    assert e.value.index == 1 and "东片区" in str(e.value)
    assert org_to_dict(base) == snapshot
    # so does merging its last station into one outside it
    merge = {"op": "merge", "units": ["s1", "s2"], "into": "s2"}
    with pytest.raises(PlanError, match="would be left with no units") as e:
        apply_plan(base, plan_from_dict({"name": "p", "ops": [bundle, merge]}))
    assert e.value.index == 1
    # moving it together with another unit it keeps is fine: the group still holds s2
    ok = plan_from_dict(
        {
            "name": "p",
            "ops": [
                bundle,
                {"op": "move", "unit": "s2", "to": "g"},
                {"op": "move", "unit": "s1", "to": "k"},
            ],
        }
    )
    o = apply_plan(base, ok).org
    assert o.children("g") == ["s2"] and o.parent("s1") == "k"
    # and dissolving the group takes it away with its units: nothing left empty
    gone = {"op": "remove_layer", "unit": "g"}
    o = apply_plan(base, plan_from_dict({"name": "p", "ops": [bundle, gone]})).org
    assert "g" not in o and o.parent("s1") == "k"


def test_a_bundle_across_bureaus_applies_nothing() -> None:
    from orgmodel.model import Unit

    base = OrgGraph(
        [
            Unit("c", "市局", "city"),
            Unit("k1", "东区分局", "county", "c"),
            Unit("s1", "东门派出所", "station", "k1", police=5),
            Unit("k2", "西区分局", "county", "c"),
            Unit("s2", "西门派出所", "station", "k2", police=6),
        ]
    )
    snapshot = org_to_dict(base)
    plan = plan_from_dict(
        {
            "name": "p",
            "ops": [
                {"op": "transfer", "from": "s1", "to": "s2", "police": 1},
                {"op": "bundle", "units": ["s1", "s2"], "into": {"id": "g", "name": "片区"}},
            ],
        }
    )
    with pytest.raises(PlanError, match="bundle across bureaus") as e:
        apply_plan(base, plan)
    assert e.value.index == 1 and org_to_dict(base) == snapshot
