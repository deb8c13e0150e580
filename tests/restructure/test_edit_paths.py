"""The short cuts a one-unit edit takes at national scale, against the long way round.

- A plan that only removes whole subtrees (merging or closing units without sub-units) gets
  the base's command tree with those rows filtered out (``Workspace._pruned_tree``) instead
  of a new breadth-first walk: it must be the walk's tree, array for array.
- A scenario's GUIDES / DISPATCHES id pairs are made from the rows of their ends when first
  read: they must be those rows' ids, and the edges the workspace's unit-by-unit
  ``final_edges`` keeps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.generate import generate_org
from orgmodel.model import OrgGraph, _tree
from orgmodel.norms import load_norms
from orgmodel.restructure import apply_plan, plan_from_dict
from orgmodel.restructure import ops as ops_module
from orgmodel.restructure.workspace import Workspace
from tests.restructure._strategies import org_and_plan
from tests.restructure.test_template_fresh import _outcome

_TREE_FIELDS = ("order", "depth", "bounds", "kids", "starts")
_GENERATED = generate_org(1, 1, 2, seed=3)


def _tree_arrays(org: OrgGraph) -> list[list[int]]:
    return [getattr(org._tree, f).tolist() for f in _TREE_FIELDS]


@st.composite
def _removals(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three merges or closes of units of one kind (leaves or not) in a generated
    county organisation."""
    org = _GENERATED
    ops: list[dict[str, Any]] = []
    gone: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["department", "community_post", "station", "team"]))
        pool = [u for u in org.order() if org.attrs(u)["kind"] == kind and u not in gone]
        a, b = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2, unique=True))
        if draw(st.booleans()):
            ops.append({"op": "merge", "units": [a, b], "into": b})
        else:
            ops.append({"op": "close", "unit": a, "to": b})
        gone.add(a)
    return ops


@settings(max_examples=25, deadline=None)
@given(_removals())
def test_removals_give_the_tree_a_walk_gives(ops: list[dict[str, Any]]) -> None:
    base = _GENERATED
    trees: list[Any] = []
    real = Workspace._pruned_tree

    def keep(self: Workspace, *args: Any) -> Any:
        trees.append(real(self, *args))
        return trees[-1]

    with pytest.MonkeyPatch.context() as m:
        m.setattr(Workspace, "_pruned_tree", keep)
        new = _outcome(base, ops)
        if isinstance(new, dict) and trees and trees[-1] is not None:
            s = apply_plan(base, plan_from_dict({"name": "p", "ops": ops})).org
            # Pruned, the children lists stay in row order, as the generated organisation
            # has them: a walk of the parent column alone gives the same tree.
            walked = _tree(s.columns.parent)
            assert walked is not None
            assert _tree_arrays(s) == [getattr(walked, f).tolist() for f in _TREE_FIELDS]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Workspace, "_pruned_tree", lambda *a: None)
        old = _outcome(base, ops)
    assert new == old


def test_a_merge_of_two_departments_prunes_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _GENERATED
    county = next(u for u in base.order() if base.attrs(u)["kind"] == "county")
    d1, d2 = [c for c in base.children(county) if base.attrs(c)["kind"] == "department"][:2]
    trees: list[Any] = []
    real = Workspace._pruned_tree

    def keep(self: Workspace, *args: Any) -> Any:
        trees.append(real(self, *args))
        return trees[-1]

    monkeypatch.setattr(Workspace, "_pruned_tree", keep)
    plan = plan_from_dict({"name": "p", "ops": [{"op": "merge", "units": [d1, d2], "into": d1}]})
    s = apply_plan(base, plan).org
    assert len(trees) == 1 and trees[0] is s._tree
    assert len(s) == len(base) - 1 and d2 not in s
    # one row fewer at the departments' level (depth 1 in a county organisation … or below)
    depth = base.depth(d2)
    assert np.diff(s.level_bounds)[depth] == np.diff(base.level_bounds)[depth] - 1
    assert s.children(county) == [c for c in base.children(county) if c != d2]
    assert s.order() == [u for u in base.order() if u != d2]


@settings(max_examples=20, deadline=None)
@given(org_and_plan(max_ops=4))
def test_scenario_edges_are_their_rows_ids_and_the_ones_kept(
    case: tuple[OrgGraph, list[dict[str, Any]]],
) -> None:
    base, ops = case
    plan = plan_from_dict({"name": "p", "ops": ops})
    s = apply_plan(base, plan).org
    ids = s.columns.ids
    for pairs, rows in ((s.guides, s.guide_rows), (s.dispatches, s.dispatch_rows)):
        assert pairs == [(ids[a], ids[b]) for a, b in rows.tolist()]
    # the unit-by-unit reference: the same workspace, edges resolved one at a time
    ws = Workspace(base, load_norms())
    for op in ops:
        ops_module.OPERATIONS[op["op"]](ws, op)
    guides, dispatches, _dg, _dd = ws.final_edges()
    assert sorted(s.guides) == sorted(guides)
    assert sorted(s.dispatches) == sorted(dispatches)
