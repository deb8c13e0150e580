"""Every operation example in docs/plans.md is a valid plan, and the ones written for a seed
organisation apply to it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from orgmodel.io import load_org
from orgmodel.restructure import PlanError, apply_plan, plan_from_dict
from orgmodel.seeds import seed_path

DOC = seed_path().parent / "docs" / "plans.md"


def _examples() -> list[list[dict[str, Any]]]:
    out = []
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        data = yaml.safe_load(block)
        if isinstance(data, list) and data and all(isinstance(o, dict) and "op" in o for o in data):
            out.append(data)
    return out


def test_the_docs_have_examples_of_every_operation() -> None:
    from orgmodel.restructure.plan import OPERATION_MODELS

    seen = {o["op"] for ops in _examples() for o in ops}
    assert seen == set(OPERATION_MODELS)


@pytest.mark.parametrize("ops", _examples(), ids=lambda ops: "+".join(o["op"] for o in ops))
def test_every_example_is_a_valid_plan(ops: list[dict[str, Any]]) -> None:
    assert len(plan_from_dict({"name": "doc", "ops": ops}).ops) == len(ops)


@pytest.mark.parametrize(
    ("org", "ops"),
    [
        ("mirror-city", "sink"),
        ("mirror-city", "guide+unguide"),
        ("mirror-city", "bundle"),
        ("mirror-county", "integrate_command"),
        ("mirror-county", "close"),
        ("mirror-county", "two_teams_one_office+staff"),
    ],
)
def test_seed_examples_apply(org: str, ops: str) -> None:
    base = load_org(seed_path("orgs", f"{org}.yaml"))
    wanted = ops.split("+")
    applied = 0
    for example in _examples():
        if {o["op"] for o in example} != set(wanted):
            continue
        for op in example:
            # each example on its own; some name units of the other seed
            try:
                r = apply_plan(base, plan_from_dict({"name": "doc", "ops": [op]}))
            except PlanError as e:
                if "unknown unit" in e.reason or "no city bureau" in e.reason:
                    continue
                raise
            assert r.org.total_police() == base.total_police()
            applied += 1
    assert applied
