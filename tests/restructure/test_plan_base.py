"""A plan's optional ``base``: the organisation it was written for."""

from __future__ import annotations

import pytest

from orgmodel.restructure import PlanError, load_plan, plan_from_dict
from orgmodel.seeds import seed_path


def test_base_round_trips() -> None:
    p = plan_from_dict({"name": "t", "base": "mirror-county", "ops": []})
    assert p.base == "mirror-county"
    assert p.to_dict()["base"] == "mirror-county"
    assert plan_from_dict(p.to_dict()).base == "mirror-county"
    assert "base" not in plan_from_dict({"name": "t", "ops": []}).to_dict()


@pytest.mark.parametrize("bad", ["", 3, ["a"]])
def test_bad_base(bad: object) -> None:
    with pytest.raises(PlanError, match="'base' must be the id of an organisation"):
        plan_from_dict({"name": "t", "base": bad, "ops": []}, "p.yaml")


def test_every_seed_plan_names_a_seed_org() -> None:
    orgs = {f.stem for f in seed_path("orgs").glob("*.yaml")}
    plans = sorted(seed_path("plans").glob("*.yaml"))
    assert len(plans) == 7
    for f in plans:
        assert load_plan(f).base in orgs, f.name
