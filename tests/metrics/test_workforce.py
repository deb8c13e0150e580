"""Hidden workforce loss (警力隐性流失) and the availability funnel."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings

from orgmodel.metrics import (
    absorbed_overhead,
    availability_funnel,
    establishment_of,
    establishments,
    fixed_posts,
    hidden_loss,
    hollow_units,
    unit_staffing,
    workforce_report,
)
from orgmodel.model import OrgGraph
from orgmodel.norms import load_norms
from tests.strategies import org_graphs

# Shipped norms: F = L + A + (D × 5 if roster)
#   county 4 + 2 (no roster) = 6          department 2 + 1 (no roster) = 3
#   command_center 2 + 1 + 2 × 5 = 13     station 2 + 1 + 1 × 5 = 8
# A station with its teams, office and posts is one establishment (DOMAIN.md): the station
# carries L + A + D × k once; teams and offices add their added_posts (shipped 0), posts 0.
#   s1 establishment: s1 t1 t2 o1 p3 p1 p2 = 30 + 8 + 9 + 5 + 1 + 3 + 2 = 58 police, F = 8
#   s2 establishment: s2 p4 = 6 + 2 = 8 police; no roster (s2 says no, a post keeps none), F = 3
FIXED = {
    "r": 6,
    "d1": 3,
    "d2": 3 + 1,  # own leaders = 3, + admin 1
    "cc": 13,
    "s1": 8,
    "s2": 2 + 1,  # duty_roster = false and no member keeps one: no 24/7 posts
    "d1a": 3,
    "t1": 0,  # in s1's establishment: its leader is one of the station's
    "t2": 0,
    "o1": 0,  # runs s1's one roster, counted on s1
    "p3": 0,
    "p4": 0,
    "p1": 0,
    "p2": 0,
}


def test_fixed_posts(county: OrgGraph) -> None:
    assert fixed_posts(county) == FIXED


def test_establishments(county: OrgGraph) -> None:
    assert establishment_of(county) == {
        "r": "r", "d1": "d1", "d2": "d2", "cc": "cc", "d1a": "d1a",
        "s1": "s1", "t1": "s1", "t2": "s1", "o1": "s1", "p3": "s1", "p1": "s1", "p2": "s1",
        "s2": "s2", "p4": "s2",
    }  # fmt: skip
    e = establishments(county)
    assert len(e) == 7  # r, d1, d2, cc, d1a and the two stations
    s1 = e["s1"]
    assert (s1["members"], s1["police"], s1["fixed_posts"], s1["overhead"]) == (7, 58, 8, 8)
    assert s1["people"] == 58 + 20  # s1's 20 auxiliaries
    assert s1["hidden_loss"] == 0.0  # 58 ≥ S = 40
    s2 = e["s2"]
    assert (s2["members"], s2["police"], s2["fixed_posts"], s2["shortfall"]) == (2, 8, 3, 0)
    assert s2["hidden_loss"] == pytest.approx(3 * (1 - 8 / 40))  # 2.4
    rows = {r["id"]: r for r in unit_staffing(county)}
    assert rows["o1"]["establishment"] == {"id": "s1", "name": "城关派出所"}
    assert rows["t2"]["establishment"]["id"] == "s1" and rows["t2"]["fixed_posts"] == 0
    assert rows["d1"]["establishment"] == {"id": "d1", "name": "刑侦大队"}


def test_absorbed_overhead(county: OrgGraph) -> None:
    o = absorbed_overhead(county)
    # min(police, F): d1a min(4, 3) = 3; cc min(12, 13) = 12; s1's 8 posts from its own 30
    assert o["d1a"] == 3 and o["cc"] == 12 and o["s1"] == 8 and o["o1"] == 0 and o["d2"] == 4
    assert o["s2"] == 3 and o["p4"] == 0
    assert sum(o.values()) == 6 + 3 + 4 + 12 + 8 + 3 + 3  # = 39


def test_station_posts_are_filled_from_its_members() -> None:
    from orgmodel.model import Unit

    # A station with 1 officer of its own, a team of 20: F = 8 is filled 1 + 7.
    org = OrgGraph([
        Unit("b", "县局", "county", police=6),
        Unit("s", "所", "station", parent="b", police=1),
        Unit("t", "队", "team", parent="s", function="case_handling", police=20),
    ])  # fmt: skip
    assert absorbed_overhead(org) == {"b": 6, "s": 1, "t": 7}
    assert hollow_units(org) == {}  # 21 ≥ 8
    f = availability_funnel(org)
    lvl4 = next(g for g in f["groups"] if g["key"] == "4")
    # leaders 2 (1 from s, 1 from t), admin 1, duty 5 (from t): 21 − 8 = 13 left
    assert (lvl4["leaders"], lvl4["admin"], lvl4["duty"], lvl4["after_duty"]) == (2, 1, 5, 13)


def test_hollow_units(county: OrgGraph) -> None:
    # police < F: cc 12 < 13 (short 1); r has exactly 6 = F; o1 is no longer a unit of its
    # own (5 officers against the 6 posts of a standalone office): it is in s1's 58
    assert hollow_units(county) == {"cc": 1}


def test_hidden_loss(county: OrgGraph) -> None:
    loss = hidden_loss(county)
    # O × max(0, 1 − police / S), once per establishment
    assert loss["r"] == pytest.approx(6 * (1 - 6 / 30))  # 4.8
    assert loss["d1"] == pytest.approx(3 * (1 - 10 / 30))  # 2.0
    assert loss["d1a"] == pytest.approx(3 * (1 - 4 / 30))  # 2.6
    assert loss["d2"] == 0.0  # 40 ≥ S = 30
    assert loss["cc"] == pytest.approx(12 * (1 - 12 / 30))  # 7.2
    assert loss["s1"] == 0.0  # establishment of 58 ≥ S(station) = 40
    assert loss["t1"] == loss["t2"] == loss["o1"] == loss["p1"] == 0.0  # members
    assert loss["s2"] == pytest.approx(3 * (1 - 8 / 40))  # 2.4
    # Σ = 4.8 + 2.0 + 2.6 + 7.2 + 2.4 = 19.0
    assert sum(loss.values()) == pytest.approx(19.0)


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
    # one roster per establishment: s1 2 + 1 + 5 (o1 runs it, counted once); s2 2 + 1
    assert (lvl4["leaders"], lvl4["admin"], lvl4["duty"]) == (4, 2, 5)
    assert lvl4["deployable"] == pytest.approx((58 - 11) * 0.9)  # 42.3
    assert groups["5"]["deployable"] == pytest.approx(8 * 0.9)  # posts 3 + 2 + 1 + 2
    assert f["total"]["deployable"] == pytest.approx(39.6 + 42.3 + 7.2)  # 89.1
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
    # frontline: 66 − 4 − 2 − 5 = 55 → 49.5
    assert groups["frontline"]["deployable"] == pytest.approx(49.5)
    assert f["total"]["deployable"] == pytest.approx(89.1)


def test_funnel_rejects_unknown_grouping(county: OrgGraph) -> None:
    with pytest.raises(ValueError, match="level"):
        availability_funnel(county, by="kind")


def test_workforce_report(county: OrgGraph) -> None:
    rep = workforce_report(county)
    assert rep["police"] == 138 and rep["auxiliaries"] == 30 and rep["people"] == 168
    assert rep["establishments"] == 7 and rep["station_establishments"] == 2
    assert rep["fixed_posts"] == sum(FIXED.values()) == 40
    assert rep["overhead"] == 39 and rep["overhead_share"] == pytest.approx(39 / 138)
    assert rep["hollow_units"] == 1 and rep["shortfall"] == 1
    assert rep["hidden_loss"] == pytest.approx(19.0)
    assert rep["hidden_loss_share"] == pytest.approx(19.0 / 138)
    assert rep["deployable"] == pytest.approx(89.1)
    assert {r["id"]: r["name"] for r in rep["hollow"]} == {"cc": "情指中心"}
    top = rep["top_hidden_loss"][0]
    assert (top["id"], top["name"], top["hidden_loss"]) == ("cc", "情指中心", pytest.approx(7.2))
    s2 = next(r for r in rep["top_hidden_loss"] if r["id"] == "s2")
    assert (s2["members"], s2["police"], s2["people"], s2["overhead"]) == (2, 8, 8, 3)
    assert rep["by_kind"]["department"]["overhead"] == 3 + 4 + 3
    assert set(rep["funnel"]) == {"level", "category"}


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_overhead_and_hidden_loss_bounds(org: OrgGraph) -> None:
    norms = load_norms()
    o = absorbed_overhead(org, norms=norms)
    loss = hidden_loss(org, norms=norms)
    head = establishment_of(org)
    for u in org:
        assert 0 <= o[u] <= org.attrs(u)["police"]  # overhead never exceeds police
        assert loss[u] >= 0
        if head[u] != u:
            assert loss[u] == 0  # an establishment's loss sits on its head
    for h, e in establishments(org, norms=norms).items():
        assert e["overhead"] == sum(o[u] for u in org if head[u] == h)
        assert e["police"] == sum(org.attrs(u)["police"] for u in org if head[u] == h)
        if e["police"] >= norms[e["kind"]].efficient_size:
            assert e["hidden_loss"] == 0
        assert e["hidden_loss"] <= e["overhead"]


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_funnel_stages_never_increase(org: OrgGraph) -> None:
    norms = load_norms()
    for by in ("level", "category"):
        f = availability_funnel(org, norms=norms, by=by)
        for g in [*f["groups"], f["total"]]:
            stages = [g["police"], g["after_leaders"], g["after_admin"], g["after_duty"]]
            stages.append(g["deployable"])
            assert all(a >= b for a, b in itertools.pairwise(stages))
            assert g["deployable"] >= 0
        assert f["total"]["police"] == org.total_police()
    assert workforce_report(org, norms=norms)["overhead"] == sum(
        absorbed_overhead(org, norms=norms).values()
    )
