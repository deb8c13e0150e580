"""Hidden workforce loss (警力隐性流失) and the availability funnel."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings

from orgmodel.metrics import (
    absorbed_overhead,
    availability_funnel,
    fixed_posts,
    hidden_loss,
    hollow_units,
    workforce_report,
)
from orgmodel.model import OrgGraph
from orgmodel.norms import load_norms
from tests.strategies import org_graphs

# Shipped norms: F = L + A + (D × 5 if roster)
#   county 4 + 2 (no roster) = 6          department 2 + 1 (no roster) = 3
#   command_center 2 + 1 + 2 × 5 = 13     station 2 + 1 + 1 × 5 = 8
#   team 1 + 0 = 1                        office 1 + 0 + 1 × 5 = 6     post 0
FIXED = {
    "r": 6,
    "d1": 3,
    "d2": 3 + 1,  # own leaders = 3, + admin 1
    "cc": 13,
    "s1": 8,
    "s2": 2 + 1,  # duty_roster = false: no 24/7 posts
    "d1a": 3,
    "t1": 1,
    "t2": 1,
    "o1": 6,
    "p3": 0,
    "p4": 0,
    "p1": 0,
    "p2": 0,
}


def test_fixed_posts(county: OrgGraph) -> None:
    assert fixed_posts(county) == FIXED


def test_absorbed_overhead(county: OrgGraph) -> None:
    o = absorbed_overhead(county)
    # min(police, F): d1a min(4, 3) = 3; cc min(12, 13) = 12; o1 min(5, 6) = 5
    assert o["d1a"] == 3 and o["cc"] == 12 and o["o1"] == 5 and o["d2"] == 4
    assert sum(o.values()) == 6 + 3 + 4 + 12 + 8 + 3 + 3 + 1 + 1 + 5  # = 46


def test_hollow_units(county: OrgGraph) -> None:
    # police < F: cc 12 < 13 (short 1), o1 5 < 6 (short 1); r has exactly 6 = F
    assert hollow_units(county) == {"cc": 1, "o1": 1}


def test_hidden_loss(county: OrgGraph) -> None:
    loss = hidden_loss(county)
    # O × max(0, 1 − police / S)
    assert loss["r"] == pytest.approx(6 * (1 - 6 / 30))  # 4.8
    assert loss["d1"] == pytest.approx(3 * (1 - 10 / 30))  # 2.0
    assert loss["d1a"] == pytest.approx(3 * (1 - 4 / 30))  # 2.6
    assert loss["d2"] == 0.0  # 40 ≥ S = 30
    assert loss["cc"] == pytest.approx(12 * (1 - 12 / 30))  # 7.2
    assert loss["s1"] == pytest.approx(8 * (1 - 30 / 40))  # 2.0
    assert loss["t1"] == pytest.approx(1 * (1 - 8 / 10))  # 0.2
    assert loss["t2"] == pytest.approx(1 * (1 - 9 / 10))  # 0.1
    assert loss["o1"] == pytest.approx(5 * (1 - 5 / 8))  # 1.875
    assert loss["s2"] == pytest.approx(3 * (1 - 6 / 40))  # 2.55
    assert loss["p1"] == 0.0
    # Σ = 4.8 + 2.0 + 2.6 + 7.2 + 2.0 + 0.2 + 0.1 + 1.875 + 2.55 = 23.325
    assert sum(loss.values()) == pytest.approx(23.325)


def test_funnel_by_level(county: OrgGraph) -> None:
    f = availability_funnel(county, by="level")
    groups = {g["key"]: g for g in f["groups"]}
    assert list(groups) == ["3", "4", "5"]
    lvl3 = groups["3"]  # r, d1, d1a, d2, cc: police 6 + 10 + 4 + 40 + 12 = 72
    assert lvl3["units"] == 5 and lvl3["police"] == 72
    assert lvl3["leaders"] == 4 + 2 + 2 + 3 + 2  # 13
    assert lvl3["admin"] == 2 + 1 + 1 + 1 + 1  # 6
    assert lvl3["duty"] == 9  # cc: min(12 − 3, 2 × 5)
    assert lvl3["after_duty"] == 72 - 13 - 6 - 9  # 44
    assert lvl3["deployable"] == pytest.approx(44 * 0.9)  # 39.6
    assert "县级" in lvl3["label"]
    lvl4 = groups["4"]  # s1 t1 t2 o1 s2: 30 + 8 + 9 + 5 + 6 = 58
    assert lvl4["police"] == 58
    # leaders 2 + 1 + 1 + 1 + 2 = 7; admin 1 + 1 = 2; duty s1 5 + o1 min(4, 5) = 9
    assert (lvl4["leaders"], lvl4["admin"], lvl4["duty"]) == (7, 2, 9)
    assert lvl4["deployable"] == pytest.approx(40 * 0.9)  # 36.0
    assert groups["5"]["deployable"] == pytest.approx(8 * 0.9)  # posts 3 + 2 + 1 + 2
    assert f["total"]["deployable"] == pytest.approx(39.6 + 36 + 7.2)  # 82.8
    assert next(s["key"] for s in f["stages"]) == "police"


def test_funnel_by_category(county: OrgGraph) -> None:
    f = availability_funnel(county, by="category")
    groups = {g["key"]: g for g in f["groups"]}
    # leadership: r 6, all absorbed (4 + 2) → 0
    assert groups["leadership"]["police"] == 6 and groups["leadership"]["deployable"] == 0
    # management: d2 (legal) 40 − 3 − 1 = 36 → 32.4
    assert groups["management"]["deployable"] == pytest.approx(32.4)
    # duty: d1, d1a (criminal), cc (command) 26 − 6 − 3 − 9 = 8 → 7.2
    assert groups["duty"]["police"] == 26
    assert groups["duty"]["deployable"] == pytest.approx(7.2)
    # frontline: 66 − 7 − 2 − 9 = 48 → 43.2
    assert groups["frontline"]["deployable"] == pytest.approx(43.2)
    assert f["total"]["deployable"] == pytest.approx(82.8)


def test_funnel_rejects_unknown_grouping(county: OrgGraph) -> None:
    with pytest.raises(ValueError, match="level"):
        availability_funnel(county, by="kind")


def test_workforce_report(county: OrgGraph) -> None:
    rep = workforce_report(county)
    assert rep["police"] == 138 and rep["auxiliaries"] == 30
    assert rep["fixed_posts"] == sum(FIXED.values()) == 48
    assert rep["overhead"] == 46 and rep["overhead_share"] == pytest.approx(46 / 138)
    assert rep["hollow_units"] == 2 and rep["shortfall"] == 2
    assert rep["hidden_loss_share"] == pytest.approx(23.325 / 138)
    assert rep["deployable"] == pytest.approx(82.8)
    assert {r["id"]: r["name"] for r in rep["hollow"]} == {"cc": "情指中心", "o1": "综合指挥室"}
    top = rep["top_hidden_loss"][0]
    assert (top["id"], top["name"], top["hidden_loss"]) == ("cc", "情指中心", pytest.approx(7.2))
    assert rep["by_kind"]["department"]["overhead"] == 3 + 4 + 3
    assert set(rep["funnel"]) == {"level", "category"}


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_overhead_and_hidden_loss_bounds(org: OrgGraph) -> None:
    norms = load_norms()
    o = absorbed_overhead(org, norms)
    loss = hidden_loss(org, norms)
    for u in org:
        a = org.attrs(u)
        assert 0 <= o[u] <= a["police"]  # overhead never exceeds police
        assert loss[u] >= 0
        if a["police"] >= norms[a["kind"]].efficient_size:
            assert loss[u] == 0
        assert loss[u] <= o[u]


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_funnel_stages_never_increase(org: OrgGraph) -> None:
    norms = load_norms()
    for by in ("level", "category"):
        f = availability_funnel(org, norms, by=by)
        for g in [*f["groups"], f["total"]]:
            stages = [g["police"], g["after_leaders"], g["after_admin"], g["after_duty"]]
            stages.append(g["deployable"])
            assert all(a >= b for a, b in itertools.pairwise(stages))
            assert g["deployable"] >= 0
        assert f["total"]["police"] == org.total_police()
    assert workforce_report(org, norms)["overhead"] == sum(absorbed_overhead(org, norms).values())
