"""Keyword-only ``norms=``/``policy=`` everywhere (issue 15, point 5): every public function
that takes staffing norms or policy rules takes them by keyword; the positional form some of
them had still works, with a DeprecationWarning naming the keyword (orgmodel/_keywords.py)."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
from typing import Any

import pytest

import orgmodel as om
from orgmodel.charts.numbers import format_value
from orgmodel.metrics import (
    availability_funnel,
    headline,
    metric_report,
    policy_report,
    workforce_report,
)
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import PolicyRule
from orgmodel.restructure import diff_orgs

# Every public module whose functions may take norms or policy rules.
MODULES = [
    "orgmodel",
    "orgmodel.scripting",
    "orgmodel.metrics",
    "orgmodel.restructure",
    "orgmodel.charts",
    "orgmodel.store.analytics",
]


def public_functions() -> list[tuple[str, Any]]:
    out = []
    for name in MODULES:
        mod = importlib.import_module(name)
        for attr in getattr(mod, "__all__", []):
            fn = getattr(mod, attr)
            if inspect.isfunction(fn):
                out.append((f"{name}.{attr}", fn))
    return out


SUBJECT = {"evaluate_policy": "policy", "policy_report": "policy", "norms_param": "norms"}


def test_norms_and_policy_are_keyword_only_in_every_public_function() -> None:
    seen = 0
    for qualname, fn in public_functions():
        params = inspect.signature(fn).parameters
        for option in ("norms", "policy"):
            p = params.get(option)
            if p is None:
                continue
            seen += 1
            # where the rules or norms are what the function works on, not an option, they
            # stay positional: evaluate_policy(org, policy), norms_param(norms)
            if SUBJECT.get(fn.__name__) == option:
                assert p.kind is p.POSITIONAL_OR_KEYWORD, qualname
            else:
                assert p.kind is p.KEYWORD_ONLY, f"{qualname}: {option} is {p.kind.name}"
    assert seen >= 25  # metrics, restructure, charts and the om.* calls all counted


@pytest.fixture(scope="module")
def county() -> OrgGraph:
    # a bureau of 10, its criminal department of 10, one station of 5:
    # station share = 5 / 25 = 0.2 (fails ≥ 40%); after moving 6: 11 / 25 = 0.44 (passes)
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=10),
            Unit("d", "刑侦大队", "department", "b", "criminal", police=10),
            Unit("s", "城关派出所", "station", "b", police=5),
        ],
        id="c",
        name="某县公安局",
    )


S40 = PolicyRule(
    "s40", "派出所警力占比不低于40%", "station_share", "county_level", ">=", 0.4, "公安部"
)


def test_positional_norms_still_work_with_a_warning(county: OrgGraph) -> None:
    norms = om.load_norms()
    half = dataclasses.replace(norms, absence_rate=0.5)
    with pytest.warns(DeprecationWarning, match=r"metric_report\(\): pass norms=, policy= by"):
        old = metric_report(county, half, [S40])  # type: ignore[misc]
    assert old == metric_report(county, norms=half, policy=[S40])
    with pytest.warns(DeprecationWarning, match=r"diff_orgs\(\): pass norms= by keyword"):
        d = diff_orgs(county, county, half)  # type: ignore[misc]
    assert d["metrics"] == diff_orgs(county, county, norms=half)["metrics"]
    with pytest.warns(DeprecationWarning, match="norms="):
        assert headline(county, half) == headline(county, norms=half)  # type: ignore[misc]
    with pytest.warns(DeprecationWarning, match="norms=, by="):
        f = availability_funnel(county, half, "category")  # type: ignore[misc]
    assert f == availability_funnel(county, norms=half, by="category")
    with pytest.warns(DeprecationWarning):
        assert policy_report(county, [S40], half) == policy_report(  # type: ignore[misc]
            county, [S40], norms=half
        )
    # the absence rate reaches the numbers: the norms given by position were used
    assert headline(county, norms=half)["deployable"] != headline(county)["deployable"]


def test_positional_misuse_is_a_clear_type_error(county: OrgGraph) -> None:
    norms = om.load_norms()
    with pytest.raises(TypeError, match="multiple values for argument 'norms'"):
        workforce_report(county, norms, norms=norms)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 1 positional arguments but 3 were given"):
        workforce_report(county, norms, norms)  # type: ignore[misc]


def test_apply_and_compare_take_policy_and_keep_norms(county: OrgGraph) -> None:
    norms = dataclasses.replace(om.load_norms(), absence_rate=0.5)
    plan = {"name": "警力下沉", "ops": [{"op": "transfer", "from": "d", "to": "s", "police": 6}]}
    after = om.apply(county, plan, norms=norms, policy=[S40])
    assert after.norms is norms and after.policy == (S40,)
    c = om.compare(after)  # the norms and policy the plan was applied with
    assert c.exact and c.norms is norms
    rows = c.to_frame()
    # the delta table is measured with these norms, not the shipped ones
    with_norms = om.metrics(county, norms=norms)["deployable"]
    shipped = om.metrics(county)["deployable"]
    assert with_norms != shipped
    assert c["metrics"]["before"]["deployable"] == with_norms
    assert rows.loc["deployable", "before"] == format_value("deployable", with_norms)
    assert rows.loc["deployable", "before"] != format_value("deployable", shipped)
    # policy: 0.2 fails before, 0.44 passes after
    pol = c.to_frame("policy")
    assert pol.loc["s40", ["failed_before", "failed_after", "passed_after"]].tolist() == [1, 0, 1]
    assert pol.loc["s40", "change"] == "better"
    # the same, given explicitly to compare(a, b): estimated flows, same policy answer
    c2 = om.compare(county, after.org, norms=norms, policy=[S40])
    assert not c2.exact and c2.policy["after"]["passed"] == 1
    # om.metrics(result) measures the result with its norms and policy
    m = om.metrics(after)
    assert m["police"] == 25 and m.report["policy"]["checks"] == 1
    assert m.report["policy"]["passed"] == 1
    with pytest.raises(TypeError, match="policy= must be a list"):
        om.apply(county, plan, policy="policy.yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="policy= must be a list"):
        om.compare(county, after.org, policy=[1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="one apply"):
        om.compare(after, after)


DOCTEST_MODULES = [
    "orgmodel._keywords",
    "orgmodel.scripting",
    "orgmodel.metrics.suite",
    "orgmodel.metrics.policy",
    "orgmodel.metrics.span",
    "orgmodel.metrics.workforce",
    "orgmodel.metrics.mirror",
    "orgmodel.metrics.shares",
    "orgmodel.restructure.diff",
]


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples_run(name: str) -> None:
    # the examples of the functions whose signatures changed (GUIDE: doctests run in make test)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
