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
    assert rep["counties"] == [
        {
            "id": "r",
            "name": "某县公安局",
            "police": 138,
            "station_police": 66,
            "station_share": pytest.approx(66 / 138),
        }
    ]
    s2 = rep["stations"][1]
    assert s2["id"] == "s2" and s2["name"] == "北山派出所"
    assert s2["bureau"] == {"id": "r", "name": "某县公安局"}


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
    for v in (rep["station_share"], rep["community_share"], rep["organ_share"]):
        assert v is None or 0.0 <= v <= 1.0
    assert rep["organ_police"] + rep["station_police"] <= rep["police"]
