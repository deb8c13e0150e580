"""A scenario's breadth-first :class:`~orgmodel.model.Positions` carried over from its base
(copy-on-write) instead of built whole: they must be the ones a whole build gives, array for
array, and the base must be left exactly as it was.

- An edit that changes no parent and no children list (a transfer, a hire, a new name or
  function) keeps the base's command tree: the base's positions, with the rows it wrote put
  in their places (arrays it did not change are the base's own, read-only).
- An edit that only removes whole subtrees (a merge or close of units without sub-units)
  prunes the base's tree: the base's positions cut past the removed ones and shifted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.generate import generate_org
from orgmodel.model import OrgGraph, Positions, _positions
from orgmodel.model import _patched_positions as real_patched
from orgmodel.restructure import apply_plan, plan_from_dict

_BASE = generate_org(1, 1, 3, seed=7)
_FIELDS = ("bounds", "of_row", "parent", "kind", "function", "police", "auxiliaries")


def _arrays(p: Positions) -> dict[str, Any]:
    out: dict[str, Any] = {f: (getattr(p, f).dtype.str, getattr(p, f).tolist()) for f in _FIELDS}
    out["runs"] = None if p.runs is None else [(a.tolist(), b.tolist()) for a, b in p.runs]
    out["by_kind"] = [a.tolist() for a in p.by_kind]
    return out


def _snapshot(org: OrgGraph) -> dict[str, Any]:
    cols, tree = org.columns, org._tree
    return {
        "positions": _arrays(org.positions),
        "columns": [
            getattr(cols, f).tolist()
            for f in ("parent", "kind", "function", "police", "auxiliaries", "leaders")
        ],
        "ids": list(cols.ids),
        "names": list(cols.names),
        "tree": [getattr(tree, f).tolist() for f in ("order", "depth", "bounds", "kids", "starts")],
        "guides": org.guides,
        "dispatches": org.dispatches,
    }


def _read_only(p: Positions) -> bool:
    arrays = [getattr(p, f) for f in _FIELDS] + list(p.by_kind)
    arrays += [a for run in p.runs or [] for a in run]
    return not any(a.flags.writeable for a in arrays)


@st.composite
def _edits(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to four local edits of the generated organisation: merges and closes of units
    without sub-units (or with), transfers, hires, new names, leaders, functions and kinds."""
    org = _BASE
    units = org.order()
    by_kind: dict[str, list[str]] = {}
    for u in units:
        by_kind.setdefault(org.attrs(u)["kind"], []).append(u)
    ops: list[dict[str, Any]] = []
    gone: set[str] = set()
    drawn_from: set[str] = set()
    for _ in range(draw(st.integers(1, 4))):
        what = draw(
            st.sampled_from(["merge", "close", "transfer", "hire", "set", "function", "kind"])
        )
        if what in ("merge", "close"):
            kind = draw(st.sampled_from(["department", "community_post", "team", "station"]))
            pool = [u for u in by_kind.get(kind, []) if u not in gone]
            if len(pool) < 2:
                continue
            a, b = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2, unique=True))
            if what == "merge":
                ops.append({"op": "merge", "units": [a, b], "into": b})
            else:
                ops.append({"op": "close", "unit": a, "to": b})
            gone.add(a)
            continue
        live = [u for u in units if u not in gone]
        if what == "transfer":
            # each source once, with police of its own (a merge or close only adds to it)
            staffed = [u for u in live if org.attrs(u)["police"] >= 3 and u not in drawn_from]
            a = draw(st.sampled_from(staffed))
            drawn_from.add(a)
            b = draw(st.sampled_from([u for u in live if u != a]))
            ops.append({"op": "transfer", "from": a, "to": b, "police": draw(st.integers(1, 3))})
        elif what == "hire":
            ops.append({"op": "hire", "unit": draw(st.sampled_from(live)), "auxiliaries": 2})
        elif what == "set":
            attrs = draw(st.sampled_from([{"name": "改名单位"}, {"leaders": 2}]))
            ops.append({"op": "set", "unit": draw(st.sampled_from(live)), "attrs": attrs})
        elif what == "kind":  # a leaf department made a command centre: positions by kind change
            leaves = [u for u in by_kind["department"] if u not in gone and not org.children(u)]
            u = draw(st.sampled_from(leaves))
            ops.append(
                {"op": "set", "unit": u, "attrs": {"kind": "command_center", "function": None}}
            )
            gone.add(u)
        else:
            depts = [u for u in by_kind["department"] if u not in gone]
            fn = draw(st.sampled_from(["criminal", "economic", "traffic", "cyber"]))
            ops.append(
                {"op": "set", "unit": draw(st.sampled_from(depts)), "attrs": {"function": fn}}
            )
    return ops


@settings(max_examples=60, deadline=None)
@given(_edits())
def test_carried_positions_are_a_whole_build(ops: list[dict[str, Any]]) -> None:
    before = _snapshot(_BASE)
    carried: list[bool] = []

    def spy(*args: Any) -> Any:
        got = real_patched(*args)
        carried.append(got is not None)
        return got

    with pytest.MonkeyPatch.context() as m:
        m.setattr("orgmodel.model._patched_positions", spy)
        s = apply_plan(_BASE, plan_from_dict({"name": "p", "ops": ops})).org
    assert _arrays(s.positions) == _arrays(_positions(s.columns, s._tree))
    assert _read_only(s.positions) and _read_only(_BASE.positions)
    # the base is exactly as it was, positions, columns, tree and edges
    assert _snapshot(_BASE) == before
    if carried:
        assert carried == [True]


def test_a_transfer_keeps_the_base_tree_and_shares_what_it_did_not_change() -> None:
    org = _BASE
    a, b = [u for u in org.order() if org.attrs(u)["kind"] == "station"][:2]
    s = apply_plan(org, plan_from_dict({"name": "p", "ops": [
        {"op": "transfer", "from": a, "to": b, "police": 1}]})).org  # fmt: skip
    assert s._tree is org._tree
    p, q = s.positions, org.positions
    # police changed at two positions (a −1, b +1); kind, function, structure did not
    assert np.shares_memory(p.kind, q.kind) and np.shares_memory(p.parent, q.parent)
    assert not np.shares_memory(p.police, q.police)
    at_a, at_b = q.of_row[org.index[a]], q.of_row[org.index[b]]
    assert (p.police[at_a], p.police[at_b]) == (q.police[at_a] - 1, q.police[at_b] + 1)
    assert int((p.police != q.police).sum()) == 2
    with pytest.raises(ValueError):
        p.kind[0] = 0  # shared with the base: read-only
    assert _arrays(p) == _arrays(_positions(s.columns, s._tree))


def test_a_merge_of_two_leaf_departments_prunes_one_position() -> None:
    org = _BASE
    county = next(u for u in org.order() if org.attrs(u)["kind"] == "county")
    d1, d2 = [
        c for c in org.children(county)
        if org.attrs(c)["kind"] == "department" and not org.children(c)
    ][:2]  # fmt: skip
    r = apply_plan(org, plan_from_dict({"name": "p", "ops": [
        {"op": "merge", "units": [d1, d2], "into": d1}]}))  # fmt: skip
    p, q = r.org.positions, org.positions
    gone = int(q.of_row[org.index[d2]])
    # one position fewer; the ones after d2's each one less; d1 holds both police counts
    assert len(p.parent) == len(q.parent) - 1
    assert p.kind.tolist() == np.delete(q.kind, gone).tolist()
    at1 = int(q.of_row[org.index[d1]])
    at1 -= at1 > gone
    assert p.police[at1] == org.attrs(d1)["police"] + org.attrs(d2)["police"]
    assert _arrays(p) == _arrays(_positions(r.org.columns, r.org._tree))


def test_cut_and_shift_in_one_pass_is_cut_then_shift() -> None:
    from orgmodel.model import _cut_shifted, _without

    rng = np.random.default_rng(13)
    for _ in range(300):
        n = int(rng.integers(1, 60))
        values = np.sort(rng.integers(-1, 80, n))
        cut = np.sort(rng.choice(n, int(rng.integers(0, min(n, 6) + 1)), replace=False))
        kept = _without(values, cut)
        # removed positions: never a kept value (a kept unit's parent is never removed)
        free = np.setdiff1d(np.arange(80), kept)
        gone = np.sort(
            rng.choice(free, int(rng.integers(1, min(len(free), 70) + 1)), replace=False)
        )
        # by hand: each kept value less the removed positions below it
        want = [v - int((gone < v).sum()) for v in kept.tolist()]
        assert _cut_shifted(values, cut, gone).tolist() == want


@st.composite
def _additions(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to four units created under units of the base (departments and 派出所 under a
    bureau, posts and teams under a 派出所), with new leader counts among them."""
    org = _BASE
    units = org.order()
    bureaus = [u for u in units if org.attrs(u)["kind"] in ("province", "city", "county")]
    stations = [u for u in units if org.attrs(u)["kind"] == "station"]
    ops: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            parent = draw(st.sampled_from(bureaus))
            kind = draw(st.sampled_from(["department", "station"]))
        else:
            parent = draw(st.sampled_from(stations))
            kind = draw(st.sampled_from(["community_post", "team"]))
        unit = {"id": f"new{i}", "name": "新单位", "kind": kind, "parent": parent}
        ops.append({"op": "create", "unit": unit})
        if draw(st.booleans()):
            ops.append({"op": "set", "unit": draw(st.sampled_from(units)), "attrs": {"leaders": 1}})
    return ops


@settings(max_examples=60, deadline=None)
@given(_additions())
def test_added_units_give_the_tree_and_positions_a_walk_gives(ops: list[dict[str, Any]]) -> None:
    from orgmodel.restructure.workspace import Workspace

    before = _snapshot(_BASE)
    plan = plan_from_dict({"name": "p", "ops": ops})
    real = Workspace._inserted_tree
    grown: list[bool] = []

    def spy(self: Workspace, *args: Any) -> Any:
        got = real(self, *args)
        grown.append(got is not None)
        return got

    with pytest.MonkeyPatch.context() as m:
        m.setattr(Workspace, "_inserted_tree", spy)
        s = apply_plan(_BASE, plan).org
    assert grown == [True]  # only units added: the base's tree grown, no walk
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Workspace, "_inserted_tree", lambda *a: None)
        walked = apply_plan(_BASE, plan).org
    tree_fields = ("order", "depth", "bounds", "kids", "starts")
    assert [getattr(s._tree, f).tolist() for f in tree_fields] == [
        getattr(walked._tree, f).tolist() for f in tree_fields
    ]
    assert _arrays(s.positions) == _arrays(_positions(s.columns, s._tree))
    assert _arrays(s.positions) == _arrays(walked.positions)
    assert s.order() == walked.order() and s.warnings == walked.warnings
    assert _read_only(s.positions)
    assert _snapshot(_BASE) == before
