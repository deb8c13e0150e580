"""The seed plans on the seed organisations: the published Taizhou figures and 大部门."""

from __future__ import annotations

from typing import Any

import pytest

from orgmodel.io import load_org
from orgmodel.model import OrgGraph
from orgmodel.restructure import ScenarioResult, apply_plan, diff_orgs, load_plan
from orgmodel.seeds import seed_path


def _apply(org_name: str, plan_name: str) -> tuple[OrgGraph, ScenarioResult]:
    base = load_org(seed_path("orgs", f"{org_name}.yaml"))
    return base, apply_plan(base, load_plan(seed_path("plans", f"{plan_name}.yaml")))


def _station_police(org: OrgGraph) -> int:
    """Police in station subtrees (派出所 with their teams and posts)."""
    total = 0
    for u in org.order():
        if org.attrs(u)["kind"] == "station":
            stack = [u]
            while stack:
                x = stack.pop()
                total += org.attrs(x)["police"]
                stack.extend(org.children(x))
    return total


def _internal(org: OrgGraph) -> list[str]:
    return [
        c
        for c in org.children(org.root)
        if org.attrs(c)["kind"] in ("department", "command_center")
    ]


@pytest.fixture(scope="module")
def taizhou() -> tuple[OrgGraph, ScenarioResult]:
    return _apply("taizhou-gxq-before", "taizhou-gxq-sandui-liangshi")


def test_taizhou_before_matches_the_published_figures(
    taizhou: tuple[OrgGraph, ScenarioResult],
) -> None:
    base, _ = taizhou
    assert base.total_police() == 183
    assert len(_internal(base)) == 17
    assert sum(base.attrs(u)["police"] for u in _internal(base)) == 97
    assert _station_police(base) == 86


def test_taizhou_after_matches_the_published_figures(
    taizhou: tuple[OrgGraph, ScenarioResult],
) -> None:
    base, r = taizhou
    o = r.org
    # 183 officers conserved, nobody hired or retired
    assert o.total_police() == 183 and o.total_auxiliaries() == base.total_auxiliaries()
    assert r.hired == {"police": 0, "auxiliaries": 0} and r.retired == r.hired
    # 5 units (三队两室) in place of the 17
    names = sorted(o.name_of(u) for u in _internal(o))
    assert names == sorted(["案件侦办队", "治安防控队", "维稳服务队", "指挥保障室", "政工监察室"])
    # 10 officers in general management: the two 室 (指挥保障室 6 + 政工监察室 4)
    mgmt = [u for u in _internal(o) if o.category_of(u) == "management"]
    assert sorted(o.name_of(u) for u in mgmt) == ["指挥保障室", "政工监察室"]
    assert sum(o.attrs(u)["police"] for u in mgmt) == 10
    # stations 86 → 108
    assert _station_police(o) == 108
    # organs 97 → 183 − 108 = 75
    assert sum(o.attrs(u)["police"] for u in _internal(o)) == 75


def test_taizhou_diff_accounts_for_every_officer(taizhou: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = taizhou
    d = diff_orgs(base, r.org, lineage=r.lineage)
    o = d["officers"]
    assert sum(f["police"] for f in o["flows"]) + o["stayed"]["police"] == 183
    # the 22 who moved down to the stations
    down = sum(
        r_["police"]
        for r_ in o["by_category"]
        if r_["to"] == "frontline" and r_["from"] != "frontline"
    )
    assert down == 22
    assert d["counts"]["merged"] == 5
    assert d["metrics"]["after"]["departments"] == 5
    assert d["metrics"]["delta"]["hidden_loss"] < 0


def test_dabumen_on_mirror_county() -> None:
    base, r = _apply("mirror-county", "dabumen-county")
    d = diff_orgs(base, r.org, lineage=r.lineage)
    before, after = d["metrics"]["before"], d["metrics"]["after"]
    # 21 departments + 指挥中心 → the template's 8
    assert before["departments"] == 22 and after["departments"] == 8
    assert after["mirror_index"] < before["mirror_index"]
    assert after["hidden_loss"] < before["hidden_loss"]
    assert d["freed"]["hidden_loss"] > 0 and d["freed"]["overhead"] > 0
    o = d["officers"]
    assert o["police_a"] == o["police_b"] == base.total_police()
    assert sum(f["police"] for f in o["flows"]) + o["stayed"]["police"] == o["police_a"]
    assert sum(x["police"] for x in o["by_category"]) == o["police_a"]


@pytest.mark.parametrize("plan_name", ["sink-20pct", "two-teams-one-office"])
def test_other_seed_plans_conserve_officers(plan_name: str) -> None:
    base, r = _apply("mirror-county", plan_name)
    assert r.org.total_police() == base.total_police()
    assert r.org.total_auxiliaries() == base.total_auxiliaries()
    d: dict[str, Any] = diff_orgs(base, r.org, lineage=r.lineage)
    if plan_name == "sink-20pct":
        assert d["metrics"]["after"]["station_share"] > d["metrics"]["before"]["station_share"]
    else:
        assert d["metrics"]["after"]["community_share"] > d["metrics"]["before"]["community_share"]


def test_dabumen_applies_to_every_county_of_mirror_city() -> None:
    base = load_org(seed_path("orgs", "mirror-city.yaml"))
    r = apply_plan(base, load_plan(seed_path("plans", "dabumen-county.yaml")))
    counties = [u for u in r.org.order() if r.org.attrs(u)["kind"] == "county"]
    assert counties
    for k in counties:
        fns = {
            r.org.attrs(c)["function"]
            for c in r.org.children(k)
            if r.org.attrs(c)["kind"] in ("department", "command_center")
        }
        assert len(fns) <= 8
    assert r.org.total_police() == base.total_police()
