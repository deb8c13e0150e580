"""The scenario a plan makes from the base's columns (copy-on-write) against the one built
unit by unit from the workspace's records (``OrgGraph.with_units``, what ``apply_plan`` falls
back to when the columns path refuses).

The columns path cuts the base arrays by slices, renumbers rows past the removed ones, keeps
the id and name lists as the base's with the changes apart (:class:`PatchedList`), carries
the base's placement warnings over and looks again only near the touched rows. Whatever it
skips must not show: every unit, parent, attribute, the order, the edges in order and the
warnings in order are those of the long way round.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.generate import generate_org
from orgmodel.model import OrgGraph, PatchedList, Unit
from orgmodel.restructure import apply_plan, plan_from_dict
from orgmodel.restructure.workspace import Workspace
from tests.restructure._strategies import org_and_plan


def _seen(s: OrgGraph) -> dict[str, Any]:
    """Everything a user reads of an organisation, keyed so that the row order (file order,
    which the two paths lay out differently) does not count."""

    def plain(d: dict[str, Any]) -> dict[str, Any]:
        return {k: "nan" if isinstance(v, float) and math.isnan(v) else v for k, v in d.items()}

    return {
        "units": {u: (s.parent(u), plain(s.attrs(u))) for u in s.order()},
        "order": s.order(),
        "children": {u: s.children(u) for u in s.order()},
        "guides": s.guides,
        "dispatches": s.dispatches,
        "warnings": [(str(w), w.unit) for w in s.warnings],
        "len": len(s),
        "root": s.root,
    }


def _both(base: OrgGraph, ops: list[dict[str, Any]]) -> tuple[OrgGraph, OrgGraph]:
    plan = plan_from_dict({"name": "p", "ops": ops})
    fast = apply_plan(base, plan).org
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Workspace, "result_columns", lambda self: None)
        slow = apply_plan(base, plan).org
    return fast, slow


@settings(max_examples=30, deadline=None)
@given(org_and_plan(max_ops=4))
def test_the_columns_path_gives_the_unit_by_unit_scenario(
    case: tuple[OrgGraph, list[dict[str, Any]]],
) -> None:
    base, ops = case
    fast, slow = _both(base, ops)
    assert _seen(fast) == _seen(slow)
    # and the lists, read whole, are the rows' ids and names
    cols = fast.columns
    assert [cols.id_at(i) for i in range(len(fast))] == cols.ids
    assert [cols.name_at(i) for i in range(len(fast))] == cols.names


def _with_warnings() -> OrgGraph:
    """A county with a 派出所 under a department (warned) and a department inside a 派出所
    (warned), beside plain departments and stations."""
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("d1", "治安大队", "department", "b", "public_order", police=9),
            Unit("d2", "刑侦大队", "department", "b", "criminal", police=7),
            Unit("s1", "城关派出所", "station", "d1", police=20),
            Unit("s2", "东门派出所", "station", "b", police=12),
            Unit("x", "内勤组", "department", "s2", "criminal", police=2),
            Unit("s3", "西门派出所", "station", "b", police=11),
        ]
    )


@pytest.mark.parametrize(
    "ops",
    [
        # the warned station's parent merged away: the warning now names the new parent
        [{"op": "merge", "units": ["d1", "d2"], "into": "d2"}],
        # the parent renamed: the warning's text changes, nothing else does
        [{"op": "set", "unit": "d1", "attrs": {"name": "治安管理大队"}}],
        # the warned station moved under the bureau: no warning left for it
        [{"op": "move", "unit": "s1", "to": "b"}],
        # another station moved under a department: a new warning, in breadth-first order
        [{"op": "move", "unit": "s3", "to": "d2"}],
        # a station without a warning closed; rows after it renumbered
        [{"op": "close", "unit": "s3", "to": "s2"}],
        # a plan that touches no unit: every warning carried over, none looked at again
        [],
    ],
)
def test_placement_warnings_carried_over_are_the_ones_a_full_check_gives(
    ops: list[dict[str, Any]],
) -> None:
    base = _with_warnings()
    assert [w.unit for w in base.warnings] == ["s1", "x"]  # the two placements warned
    fast, slow = _both(base, ops)
    assert _seen(fast) == _seen(slow)


def test_a_merge_in_a_generated_county_keeps_the_lists_lazy() -> None:
    from orgmodel.metrics.suite import metric_report

    base = generate_org(1, 1, 2, seed=5)
    county = next(u for u in base.order() if base.attrs(u)["kind"] == "county")
    d1, d2 = [c for c in base.children(county) if base.attrs(c)["kind"] == "department"][:2]
    fast, slow = _both(base, [{"op": "merge", "units": [d1, d2], "into": d1}])
    metric_report(fast)
    # neither the apply nor the report needed the whole id or name list of the scenario
    assert type(fast.columns.__dict__["_ids"]) is PatchedList
    assert type(fast.columns.__dict__["_names"]) is PatchedList
    assert _seen(fast) == _seen(slow)
    # read whole: the base's lists without the merged department
    assert fast.columns.ids == [u for u in base.columns.ids if u != d2]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=40),
    st.data(),
)
def test_a_patched_list_reads_like_the_list_it_stands_for(base: list[str], data: Any) -> None:
    n = len(base)
    gone = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=n)))
    tail = data.draw(st.lists(st.text("xyz", min_size=1, max_size=2), max_size=5))
    kept = [v for i, v in enumerate(base) if i not in set(gone)] + tail
    patch = data.draw(
        st.dictionaries(st.integers(0, max(len(kept) - 1, 0)), st.text("P", min_size=1))
        if kept
        else st.just({})
    )
    want = list(kept)
    for i, v in patch.items():
        want[i] = v
    p = PatchedList(base, gone, tail, patch)
    assert len(p) == len(want)
    assert [p.at(i) for i in range(len(want))] == want
    assert [p.at(-1 - i) for i in range(len(want))] == want[::-1]
    assert p.whole() == want


def test_edges_from_one_unit_sort_by_their_lower_ends_as_built_unit_by_unit() -> None:
    # A command centre made to dispatch to the stations, one of them then moved under it:
    # that station is now deeper, so its edge comes after the other station's, as the
    # unit-by-unit build orders edges (by the places of both ends). The columns path once
    # kept the order the edges were added in: s2 first.
    base = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("c", "指挥中心", "department", "b", "command", police=6),
            Unit("s2", "东门派出所", "station", "b", police=12),
            Unit("s3", "西门派出所", "station", "b", police=11),
        ]
    )
    ops = [
        {"op": "integrate_command", "bureaus": ["b"], "functions": ["command"]},
        {"op": "move", "unit": "s2", "to": "b-intel_command"},
    ]
    fast, slow = _both(base, ops)
    assert fast.dispatches == [("b-intel_command", "s3"), ("b-intel_command", "s2")]
    assert _seen(fast) == _seen(slow)
