"""Wrong argument types to the scripting API give a TypeError naming the call and argument,
not an AttributeError from deep inside (orgmodel/scripting.py)."""

from __future__ import annotations

import pytest

from orgmodel import scripting as om
from orgmodel.generate import generate_org


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda org: om.metrics("org.yaml"), r"metrics: org must be an OrgGraph.*not str"),
        (lambda org: om.metrics(None), r"metrics: org must be an OrgGraph.*not NoneType"),
        (lambda org: om.metrics(org, norms="norms.yaml"), r"metrics: norms= must be Norms"),
        (lambda org: om.metrics(org, policy="p.yaml"), r"metrics: policy= must be a list"),
        (lambda org: om.metrics(org, policy=[1]), r"metrics: policy= must be a list"),
        (lambda org: om.apply(org, 42), r"apply: plan must be a Plan.*not int"),
        (lambda org: om.apply({}, {"name": "x", "ops": []}), r"apply: org must be an OrgGraph"),
        (lambda org: om.compare(org, 5), r"compare: org must be an OrgGraph.*not int"),
    ],
)
def test_wrong_argument_types_are_named(call: object, match: str) -> None:
    org = generate_org(1, 1, 2, seed=1)
    with pytest.raises(TypeError, match=match):
        call(org)  # type: ignore[operator]
