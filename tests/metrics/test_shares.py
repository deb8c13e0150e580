"""Frontline shares: station, community and organ (警力下沉, 机关化)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from orgmodel.metrics import (
    community_shares,
    organ_share,
    shares_report,
    station_shares,
    subtree_police,
)
from orgmodel.model import OrgGraph, Unit
from tests.strategies import org_graphs


def test_subtree_police(county: OrgGraph) -> None:
    sub = subtree_police(county)
    assert sub["s1"] == 30 + 8 + 3 + 2 + 9 + 5 + 1  # 58
    assert sub["s2"] == 6 + 2  # 8
    assert sub["d1"] == 10 + 4  # 14
    assert sub["r"] == 138
    assert sub["p1"] == 3


def test_station_share(county: OrgGraph) -> None:
    # stations with their teams, offices and posts: 58 + 8 = 66 of 138
    assert station_shares(county) == {"r": pytest.approx(66 / 138)}


def test_community_share(county: OrgGraph) -> None:
    # s1: community team t1 (8) with its posts p1, p2 (3 + 2), post p3 (1) = 14 of 58
    # s2: post p4 (2) of 8
    assert community_shares(county) == {"s1": pytest.approx(14 / 58), "s2": pytest.approx(0.25)}


def test_organ_share(county: OrgGraph) -> None:
    # bureau leadership 6 + departments 10 + 4 + 40 + command centre 12 = 72 of 138
    assert organ_share(county) == pytest.approx(72 / 138)


def test_shares_report(county: OrgGraph) -> None:
    rep = shares_report(county)
    assert (rep["police"], rep["organ_police"], rep["station_police"]) == (138, 72, 66)
    assert rep["community_police"] == 16  # 14 + 2
    assert rep["community_share"] == pytest.approx(16 / 66)
    assert rep["county_level"] == [
        {
            "id": "r",
            "name": "某县公安局",
            "kind": "county",
            "police": 138,
            "people": 138 + 30,  # auxiliaries: r 10, s1 20
            "station_police": 66,
            "station_share": pytest.approx(66 / 138),
        }
    ]
    # A county on its own: the county-level aggregate is its own share, = the all-police one.
    assert rep["station_share"] == rep["station_share_all"] == pytest.approx(66 / 138)
    assert s1_people(rep) == 58 + 20
    s2 = rep["stations"][1]
    assert s2["id"] == "s2" and s2["name"] == "北山派出所"
    assert s2["bureau"] == {"id": "r", "name": "某县公安局"}


def s1_people(rep: dict) -> int:  # type: ignore[type-arg]
    return next(r["people"] for r in rep["stations"] if r["id"] == "s1")


def two_fenju_city() -> OrgGraph:
    """A city with two 分局, its own organs, and one station it commands itself.

    c  某市公安局 (city) 20, departments: 刑侦支队 100, 交警支队 80
    ├─ k1 甲分局 (county) 10, 治安大队 20, stations 60 + 40 (with a post of 10 under the 60)
    ├─ k2 乙分局 (county) 10, 刑侦大队 30, station 30
    └─ s9 水上派出所 (station) 30, directly under the city
    """
    return OrgGraph(
        [
            Unit("c", "某市公安局", "city", police=20),
            Unit("c-x", "刑侦支队", "department", "c", "criminal", police=100),
            Unit("c-j", "交警支队", "department", "c", "traffic", police=80),
            Unit("k1", "甲分局", "county", "c", police=10),
            Unit("k1-z", "甲分局治安大队", "department", "k1", "public_order", police=20),
            Unit("k1-s1", "城关派出所", "station", "k1", police=50),
            Unit("k1-p", "东街社区警务室", "community_post", "k1-s1", police=10),
            Unit("k1-s2", "北关派出所", "station", "k1", police=40),
            Unit("k2", "乙分局", "county", "c", police=10),
            Unit("k2-x", "乙分局刑侦大队", "department", "k2", "criminal", police=30),
            Unit("k2-s", "河口派出所", "station", "k2", police=30),
            Unit("s9", "水上派出所", "station", "c", police=30),
        ]
    )


def test_county_level_share_of_a_two_fenju_city() -> None:
    org = two_fenju_city()
    # County-level bureaus: k1, k2 (nearest bureau above their stations) and the city
    # itself (it commands 水上派出所 directly). Each without the ones below it:
    #   k1: stations 50 + 10 + 40 = 100 of 10 + 20 + 100 = 130
    #   k2: station 30 of 10 + 30 + 30 = 70
    #   c (own region): station 30 of 20 + 100 + 80 + 30 = 230
    assert station_shares(org) == {
        "c": pytest.approx(30 / 230),
        "k1": pytest.approx(100 / 130),
        "k2": pytest.approx(30 / 70),
    }
    rep = shares_report(org)
    assert rep["county_level_bureaus"] == 3
    # Aggregate over them: (30 + 100 + 30) / (230 + 130 + 70) = 160 / 430; here the city is
    # county-level, so its organs are in; all police: 160 / 430 as well.
    assert rep["station_share"] == pytest.approx(160 / 430)
    assert rep["station_share_all"] == pytest.approx(160 / 430)
    # Without 水上派出所 the city only heads 分局: it is not county-level, its organs (20 +
    # 100 + 80 = 200) leave the denominator. Aggregate (100 + 30) / (130 + 70) = 65%;
    # all police (100 + 30) / (200 + 130 + 70) = 32.5%.
    units = [org.unit(u) for u in org if u != "s9"]
    rep = shares_report(OrgGraph(units))
    assert rep["county_level_bureaus"] == 2
    assert rep["station_share"] == pytest.approx(130 / 200)  # 0.65
    assert rep["station_share_all"] == pytest.approx(130 / 400)  # 0.325
    assert [r["id"] for r in rep["county_level"]] == ["k1", "k2"]


def test_a_county_that_only_heads_fenju_is_not_county_level() -> None:
    # 某县公安局 heads two 分局 and no station of its own: the 分局 are the county-level ones.
    org = OrgGraph(
        [
            Unit("x", "某县公安局", "county", police=40),
            Unit("f1", "城区分局", "county", "x", police=5),
            Unit("f1-s", "城区派出所", "station", "f1", police=45),
            Unit("f2", "开发区分局", "county", "x", police=5),
            Unit("f2-s", "开发区派出所", "station", "f2", police=15),
        ]
    )
    # f1: 45 / 50 = 90%; f2: 15 / 20 = 75%; aggregate 60 / 70; all police 60 / 110
    assert station_shares(org) == {"f1": pytest.approx(0.9), "f2": pytest.approx(0.75)}
    rep = shares_report(org)
    assert rep["station_share"] == pytest.approx(60 / 70)
    assert rep["station_share_all"] == pytest.approx(60 / 110)


def test_taizhou_published_figures() -> None:
    # 泰州高新区分局 before the reform: 183 officers, 17 internal units holding 97 (with the
    # bureau leadership), stations holding 86
    units = [Unit("b", "泰州高新区分局", "county", police=7)]
    units += [
        Unit(f"d{i}", f"内设机构{i}", "department", parent="b", function="criminal", police=6)
        for i in range(15)
    ]
    units.append(Unit("cc", "指挥中心", "command_center", parent="b", police=0))
    units.append(Unit("s1", "甲派出所", "station", parent="b", police=40))
    units.append(Unit("s2", "乙派出所", "station", parent="b", police=46))
    org = OrgGraph(units)  # 7 + 15 × 6 + 0 = 97 organ; 40 + 46 = 86 stations
    assert organ_share(org) == pytest.approx(97 / 183)
    assert station_shares(org) == {"b": pytest.approx(86 / 183)}


def test_zero_police_is_undefined_not_zero() -> None:
    org = OrgGraph([Unit("b", "某县公安局", "county"), Unit("s", "派出所", "station", parent="b")])
    assert station_shares(org) == {"b": None}
    assert shares_report(org)["station_share"] is None
    assert community_shares(org) == {"s": None}
    assert organ_share(org) is None


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_subtree_police_of_root_is_total(org: OrgGraph) -> None:
    sub = subtree_police(org)
    assert sub[org.root] == org.total_police()
    for u in org:
        assert sub[u] == org.attrs(u)["police"] + sum(sub[c] for c in org.children(u))
    rep = shares_report(org)
    for v in (rep["station_share"], rep["station_share_all"], rep["community_share"],
              rep["organ_share"]):  # fmt: skip
        assert v is None or 0.0 <= v <= 1.0
    assert rep["organ_police"] + rep["station_police"] <= rep["police"]
    # County-level regions partition the officers inside county-level bureaus: none twice.
    assert rep["county_level_police"] == sum(r["police"] for r in rep["county_level"])
    assert rep["county_level_police"] <= rep["police"]
    assert rep["county_level_station_police"] == rep["station_police"]  # every station is in one
