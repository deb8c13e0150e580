"""The issue-12 example plans on the seed organisations, their after-state worked by hand.

Each does in two or three operations what took one operation per unit before: a targeted,
cross-level 警力下沉 in 临江市 (mirror-city), a 两队一室 rebuild with 警务区 staffing rules
and 片区 bundling with 情指行 dispatch lines in 河西县 (mirror-county).
"""

from __future__ import annotations

import pytest

from orgmodel.io import load_org
from orgmodel.metrics.suite import headline
from orgmodel.model import OrgGraph
from orgmodel.restructure import ScenarioResult, apply_plan, diff_orgs, load_plan
from orgmodel.seeds import seed_path


def _apply(org_name: str, plan_name: str) -> tuple[OrgGraph, ScenarioResult]:
    base = load_org(seed_path("orgs", f"{org_name}.yaml"))
    return base, apply_plan(base, load_plan(seed_path("plans", f"{plan_name}.yaml")))


def _subtree_police(org: OrgGraph, top: str) -> int:
    total, stack = 0, [top]
    while stack:
        u = stack.pop()
        total += org.attrs(u)["police"]
        stack.extend(org.children(u))
    return total


def _police(org: OrgGraph, *ids: str) -> list[int]:
    return [org.attrs(u)["police"] for u in ids]


# -- 临江市: targeted, cross-level sink -----------------------------------------------------------


@pytest.fixture(scope="module")
def city() -> tuple[OrgGraph, ScenarioResult]:
    return _apply("mirror-city", "city-targeted-sink")


def test_city_sink_is_two_operations_with_its_own_identity(
    city: tuple[OrgGraph, ScenarioResult],
) -> None:
    base, r = city
    assert len(r.plan.ops) == 2
    assert (r.org.id, r.org.name) == (
        "mirror-city--city-targeted-sink",
        "临江市公安局（定向下沉方案）",
    )
    assert base.name == "临江市公安局"  # the base keeps its own


def test_city_organs_sink_across_levels(city: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = city
    o = r.org
    # ops[0]: 98 police from 巡逻特警支队 (112, keeps 2 → can give 110) and 交通警察支队 (165,
    # keeps 2 → 163): 98·110/273 = 39.49 → 39, 98·163/273 = 58.51 → 59 (largest remainder)
    assert _police(o, "city-dept-patrol", "city-dept-traffic") == [112 - 39, 165 - 59]
    # the other city organs are untouched
    assert _police(o, "city-cc", "city-dept-criminal") == _police(
        base, "city-cc", "city-dept-criminal"
    )
    # ops[1]: 20% of each 分局's 巡特警 + 交警 (each keeping 2 leader posts):
    #   江城 43 → round(8.6) = 9; 江北 33 → round(6.6) = 7;
    #   清河 33 + 60 = 93 → round(18.6) = 19, drawn 31 : 58 → 6.62/12.38 → 7 + 12;
    #   石门 26 + 48 = 74 → round(14.8) = 15, drawn 24 : 46 → 5.14/9.86 → 5 + 10
    assert _police(o, "jc-dept-patrol", "jb-dept-patrol") == [43 - 9, 33 - 7]
    assert _police(o, "qh-dept-patrol", "qh-dept-traffic") == [33 - 7, 60 - 12]
    assert _police(o, "sm-dept-patrol", "sm-dept-traffic") == [26 - 5, 48 - 10]
    # every station: +2 from the city (98 / 49 stations, rule even), plus its bureau's share
    stations = [u for u in base.order() if base.attrs(u)["kind"] == "station"]
    assert len(stations) == 49
    gained = {b: 0 for b in ("jc", "jb", "qh", "sm")}
    for s in stations:
        d = _subtree_police(o, s) - _subtree_police(base, s)
        assert d >= 2
        gained[base.parent(s)] += d - 2
    assert gained == {"jc": 9, "jb": 7, "qh": 19, "sm": 15}


def test_city_sink_figures(city: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = city
    counties = ("jc", "jb", "qh", "sm")
    stations = [u for u in base.order() if base.attrs(u)["kind"] == "station"]
    s_before = sum(_subtree_police(base, s) for s in stations)
    c_before = sum(_subtree_police(base, k) for k in counties)
    s_after = sum(_subtree_police(r.org, s) for s in stations)
    c_after = sum(_subtree_police(r.org, k) for k in counties)
    # 708 station police of 1,687 in the four county-level bureaus (the other 904 are the
    # city's organs); after, +98 + 50 in the stations and +98 in the bureaus:
    # station share of the county-level bureaus (DOMAIN.md) 708 / 1,687 = 42.0% →
    # 856 / 1,785 = 48.0%; city organs 904 → 806
    assert (s_before, c_before) == (708, 1687)
    assert (s_after, c_after) == (708 + 98 + 50, 1687 + 98)
    assert round(100 * s_after / c_after, 1) == 48.0
    hb, ha = headline(base), headline(r.org)
    assert ha["station_share"] > hb["station_share"]
    assert ha["organ_share"] == pytest.approx(hb["organ_share"] - 148 / 2591)
    # 2,591 police and every auxiliary conserved; nobody hired or retired
    assert r.org.total_police() == base.total_police() == 2591
    assert r.hired == {"police": 0, "auxiliaries": 0} == r.retired
    d = diff_orgs(base, r.org, lineage=r.lineage, metrics=False)
    assert d["officers"]["moved"]["police"] == 148
    assert d["officers"]["stayed"]["police"] == 2591 - 148


# -- 河西县: 两队一室 and 警务区 staffing ---------------------------------------------------------


@pytest.fixture(scope="module")
def liangdui() -> tuple[OrgGraph, ScenarioResult]:
    return _apply("mirror-county", "liangdui-yishi-jingwuqu")


def test_two_teams_one_office_then_staffing(liangdui: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = liangdui
    o = r.org
    assert len(r.plan.ops) == 2
    # 城西 (19 police: station 13 + 3 室 × 2): 两队一室 keeps 2 所领导, gives 3 to the new
    # 综合指挥室, tops the community team up to round(0.6 × 19) = 11 with its 6 室 police
    # (5 more) and gives the case team the other 3. Staffing: each 室 2 → 3 (3 needed), drawn
    # from what the units can give above their leader posts — 社区队 4, 案件队 2, 指挥室 2:
    # 3 × (4, 2, 2) / 8 = 1.5, 0.75, 0.75 → 1, 1, 1.
    assert _police(
        o, "st-chengxi", "st-chengxi-community", "st-chengxi-cases", "st-chengxi-office"
    ) == [2, 4, 2, 2]
    # 城东 (20: station 11 + 社区队 3 + 3 室 × 2): keep 2, 指挥室 3, 社区队 +3 (to 12 = 60%),
    # 案件队 3; staffing 3 from (5, 2, 2) / 9 → 1.67, 0.67, 0.67 → 2, 1, 0
    assert _police(
        o,
        "st-chengdong",
        "st-chengdong-team-community",
        "st-chengdong-cases",
        "st-chengdong-office",
    ) == [2, 4, 2, 3]
    # 城关 (30: station 12 + 社区队 4 + 案件队 5 + 室 3 + 2 + 2 + 2): keep 2, 指挥室 3, 社区队
    # +5 (to 18 = 60%), 案件队 +2; staffing 3 from (8, 6, 2) / 16 → 1.5, 1.125, 0.375 → 2, 1, 0
    assert _police(
        o,
        "st-chengguan",
        "st-chengguan-team-community",
        "st-chengguan-team-cases",
        "st-chengguan-office",
    ) == [2, 7, 6, 3]
    posts = [
        u for u in o.order() if o.attrs(u)["kind"] == "community_post" and u.startswith("st-cheng")
    ]
    assert len(posts) == 10
    for p in posts:
        a = o.attrs(p)
        assert (a["police"], a["leaders"], a["auxiliaries"]) == (3, 1, 3), p
        assert o.attrs(o.parent(p))["function"] == "community_policing"
    # each station keeps its strength: 30, 20, 19
    for s, n in (("st-chengguan", 30), ("st-chengdong", 20), ("st-chengxi", 19)):
        assert _subtree_police(o, s) == _subtree_police(base, s) == n
    # 东关's 4th 辅警 goes back to 城关派出所; 车站警务室 (2 辅警) gets one from 城西's 社区队 (10)
    assert o.attrs("st-chengguan")["auxiliaries"] == 1
    assert o.attrs("st-chengxi-community")["auxiliaries"] == 10 - 1
    assert o.total_police() == 497 and o.total_auxiliaries() == base.total_auxiliaries()


def test_two_teams_one_office_figures(liangdui: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = liangdui
    hb, ha = headline(base), headline(r.org)
    # community police (teams and posts) in the stations: 53 before; after, 城关 7 + 12,
    # 城东 4 + 9, 城西 4 + 9 = 45 in the three (they had 4 + 9, 3 + 6, 0 + 6 = 28): +17
    assert ha["community_share"] - hb["community_share"] == pytest.approx(17 / 187)
    # one layer more (局 → 所 → 社区队 → 室); station share unchanged (officers stay in stations)
    assert (hb["layers"], ha["layers"]) == (3, 4)
    assert ha["station_share"] == hb["station_share"]


# -- 河西县: 片区 and 情指行 lines ---------------------------------------------------------------


@pytest.fixture(scope="module")
def pianqu() -> tuple[OrgGraph, ScenarioResult]:
    return _apply("mirror-county", "pianqu-command")


def test_pianqu_groups_and_command_lines(pianqu: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = pianqu
    o = r.org
    assert len(r.plan.ops) == 3
    # 情报指挥中心 = 指挥中心 16 + 办公室 12; it continues both
    assert o.attrs("bureau-intel_command")["police"] == 28
    assert r.lineage.origins["bureau-intel_command"] == ("cc", "dept-office")
    # three 片区 of four stations each, whole (a station keeps its subtree), no officers
    for g, first in (
        ("pq-hekou", "st-hekou"),
        ("pq-xinji", "st-xinji"),
        ("pq-longquan", "st-longquan"),
    ):
        assert o.attrs(g)["kind"] == "group" and o.attrs(g)["police"] == 0
        assert len(o.children(g)) == 4 and o.children(g)[0] == first
        for s in o.children(g):
            assert _subtree_police(o, s) == _subtree_police(base, s)
    # DISPATCHES: the 6 of the base follow 指挥中心 into the new centre, + the other 11
    # stations, + the 23 警务室 of the 片区 (河口 9, 新集 7, 龙泉 7) = 40
    assert len(base.dispatches) == 6 and len(o.dispatches) == 6 + 11 + 23
    assert {a for a, _ in o.dispatches} == {"bureau-intel_command"}


def test_pianqu_figures(pianqu: tuple[OrgGraph, ScenarioResult]) -> None:
    base, r = pianqu
    hb, ha = headline(base), headline(r.org)
    assert (hb["layers"], ha["layers"]) == (3, 4)  # the 片区 is a layer
    # 扁平化: 23 of 33 警务室 tasked directly (path 1), the other 10 at 2: 43 / 33
    assert hb["mean_command_path"] == 2 and ha["mean_command_path"] == pytest.approx(43 / 33)
    assert (hb["departments"], ha["departments"]) == (22, 21)
    # hidden loss: 指挥中心 13 × (1 − 16/30) = 6.07 + 办公室 3 × (1 − 12/30) = 1.80 → the
    # centre of 28: 13 × (1 − 28/30) = 0.87: −7.0; the 片区 add none (no posts of their own)
    assert ha["hidden_loss"] - hb["hidden_loss"] == pytest.approx(-7.0)
    assert ha["fixed_posts"] - hb["fixed_posts"] == -3
    assert r.org.total_police() == base.total_police() == 497
