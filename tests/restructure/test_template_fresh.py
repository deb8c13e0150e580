"""The county template's fast path (departments folded straight from the base's columns)
against the unit-by-unit path it replaces: the same scenario, books, lineage and diff.

``Workspace.fresh_for_template`` decides, per bureau, whether the fast path may run; with it
forced to say no, every bureau goes unit by unit through ``new_unit`` / ``set_attrs`` /
``reparent`` / ``absorb`` as before the fast path existed.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.generate import generate_org
from orgmodel.model import OrgGraph
from orgmodel.restructure import PlanError, apply_plan, diff_orgs, plan_from_dict
from orgmodel.restructure import ops as ops_module
from orgmodel.restructure.workspace import Workspace
from tests.restructure._strategies import org_and_plan

TEMPLATE = {"op": "apply_template", "template": "county-dabumen", "bureaus": "county"}


def _plain(x: Any) -> Any:
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def _outcome(base: OrgGraph, ops: list[dict[str, Any]]) -> Any:
    """Everything a user sees of a plan: the scenario row by row and in order, its edges
    and warnings, the lineage (in its order), the steps and the diff; or the error."""
    try:
        r = apply_plan(base, plan_from_dict({"name": "p", "ops": ops}))
    except PlanError as e:
        return ("error", str(e))
    s, cols = r.org, r.org.columns
    return _plain(
        {
            "rows": [(cols.ids[i], int(cols.parent[i]), cols.row_dict(i)) for i in range(len(s))],
            "order": s.order(),
            "children": {u: s.children(u) for u in s.order()},
            "edges": (s.guides, s.dispatches, s.guide_rows.tolist(), s.dispatch_rows.tolist()),
            "warnings": [str(w) for w in s.warnings],
            "origins": list(r.lineage.origins.items()),
            "lineage": r.lineage.to_dict(),
            "result": r.to_dict(),
            "dropped": (r.dropped_guides, r.dropped_dispatches),
            "diff": diff_orgs(base, s, lineage=r.lineage, metrics=False),
        }
    )


def _both(
    monkeypatch: pytest.MonkeyPatch, base: OrgGraph, ops: list[dict[str, Any]]
) -> tuple[Any, Any, int]:
    """The outcome with the fast path, how many bureaus took it, and the outcome without."""
    taken = 0
    fast = ops_module._template_fresh

    def counting(*args: Any, **kwargs: Any) -> None:
        nonlocal taken
        taken += 1
        fast(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(ops_module, "_template_fresh", counting)
        new = _outcome(base, ops)
    with monkeypatch.context() as m:
        m.setattr(Workspace, "fresh_for_template", lambda *a, **k: False)
        old = _outcome(base, ops)
    return new, old, taken


@settings(max_examples=30, deadline=None)
@given(org_and_plan(max_ops=4), st.integers(0, 4), st.data())
def test_random_plans_with_a_template_come_out_the_same_both_ways(
    case: tuple[OrgGraph, list[dict[str, Any]]], at: int, data: st.DataObject
) -> None:
    base, ops = case
    ops = list(ops)
    ops.insert(min(at, len(ops)), {"op": "apply_template", "template": "county-dabumen"})
    with pytest.MonkeyPatch.context() as mp:
        new, old, _taken = _both(mp, base, ops)
    assert new == old


def _county(org: OrgGraph, k: int = 0) -> str:
    return [u for u in org.order() if org.attrs(u)["kind"] == "county"][k]


def _depts(org: OrgGraph, county: str) -> list[str]:
    return [c for c in org.children(county) if org.attrs(c)["kind"] == "department"]


@pytest.mark.parametrize(
    "before",
    [
        "nothing",
        "merge",  # two departments of the first county merged first: it goes unit by unit
        "clash",  # a unit created under the id a large department would take: an error
        "transfer",  # officers moved into a department first: its books are not the base's
        "twice",  # the template a second time: every large department exists already
    ],
)
def test_generated_counties_come_out_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch, before: str
) -> None:
    base = generate_org(1, 1, 3, seed=5)
    k0, k1 = _county(base, 0), _county(base, 1)
    d0 = _depts(base, k0)
    # The generator names some departments "{county}-{function}": the traffic one already
    # has the id the template gives its 交通管理大队, so that department becomes it.
    assert f"{k0}-traffic" in base
    pre: list[dict[str, Any]] = {
        "nothing": [],
        "merge": [{"op": "merge", "units": d0[:2], "into": d0[0]}],
        "clash": [
            {
                "op": "create",
                "unit": {
                    "id": f"{k1}-investigation",
                    "name": "新",
                    "kind": "department",
                    "parent": k1,
                },
            }
        ],
        "transfer": [{"op": "transfer", "from": d0[0], "to": d0[1], "police": 1}],
        "twice": [TEMPLATE],
    }[before]
    new, old, taken = _both(monkeypatch, base, [*pre, TEMPLATE])
    assert new == old
    # The fast path did run: three counties, less the one a plan touched before (twice:
    # only on the first pass, where all three are fresh).
    assert taken == {"nothing": 3, "merge": 2, "clash": 1, "transfer": 2, "twice": 3}[before]
    if before == "clash":
        assert new[0] == "error" and "already taken" in new[1]
    else:
        assert new["result"]["steps"][-1]["op"] == "apply_template"
