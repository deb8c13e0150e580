"""The officer-flow Sankey: links sum to the officers moved."""

from __future__ import annotations

import pytest

from orgmodel.charts import officer_flows_figure
from orgmodel.model import OrgGraph, Unit

FLOWS = [
    ("d1", "big", 12),  # 刑侦大队 merged into the 大部门
    ("d2", "big", 40),
    ("s", "s", 20),  # stayed: left out
    (None, "s", 3),  # hired
    ("p", None, 1),  # retired
]


@pytest.fixture
def after() -> OrgGraph:
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("big", "侦查大部", "department", parent="b", function="criminal", police=52),
            Unit("s", "城关派出所", "station", parent="b", police=23),
            Unit("p", "东街社区警务室", "community_post", parent="s", police=2),
        ],
        name="某县公安局（改革后）",
    )


def test_sankey_sums_to_officers_moved(county: OrgGraph, after: OrgGraph) -> None:
    fig = officer_flows_figure(FLOWS, county, after)
    assert len(fig.data) == 1
    s = fig.data[0]
    assert s.type == "sankey"
    # moved: 12 + 40 + 3 hired + 1 retired = 56; the 20 who stayed are not drawn
    assert sum(s.link.value) == 56
    assert len(s.link.value) == 4
    labels = [x.rsplit(" ", 1)[0] for x in s.node.label]  # name, then officers
    pairs = {(labels[a], labels[b]): v for a, b, v in zip(s.link.source, s.link.target,
                                                           s.link.value, strict=True)}  # fmt: skip
    assert pairs[("交警大队", "侦查大部")] == 40
    assert pairs[("新招录", "城关派出所")] == 3
    assert pairs[("东街社区警务室", "退出")] == 1
    assert "56" in fig.layout.title.text
    # numbers on the bands: 交警大队 sends 40; 侦查大部 takes 40 + 12 = 52
    assert {"交警大队 40", "侦查大部 52", "新招录 3"} <= set(s.node.label)


def test_sankey_unchanged_and_aggregation(county: OrgGraph, after: OrgGraph) -> None:
    s = officer_flows_figure(FLOWS, county, after, include_unchanged=True).data[0]
    assert sum(s.link.value) == 76
    s = officer_flows_figure(FLOWS, county, after, max_links=2).data[0]
    # the two largest (40, 12) stay; the rest is grouped by function level: hired → 派出所 3,
    # 警务室 → retired 1, not one grey "other" block
    assert list(s.link.value) == [40, 12, 3, 1]
    assert {"派出所（其余单位） 3", "警务室（其余单位） 1", "新招录 3", "退出 1"} <= set(
        s.node.label
    )


def test_sankey_nothing_moved(county: OrgGraph, after: OrgGraph) -> None:
    fig = officer_flows_figure([("s", "s", 20)], county, after)
    assert len(fig.data[0].link.value) == 0
    assert "未调动" in fig.layout.annotations[0].text


def test_sankey_of_an_applied_plan(county: OrgGraph) -> None:
    from orgmodel.restructure import apply_plan, diff_orgs, plan_from_dict

    plan = plan_from_dict(
        {
            "name": "并队下沉",
            "ops": [
                {"op": "merge", "units": ["d2", "d1"], "into": "d2"},  # 12 刑侦 → 交警大队
                {"op": "transfer", "from": "d2", "to": "s", "police": 10},
                {"op": "hire", "unit": "p", "police": 2},
            ],
        }
    )
    r = apply_plan(county, plan)
    diff = diff_orgs(county, r.org, lineage=r.lineage)
    off = diff["officers"]
    fig = officer_flows_figure(diff, county, r.org)
    values = list(fig.data[0].link.value)
    # every flow drawn once: moved + hired + retired police, nothing else
    moved = off["moved"]["police"] + off["hired"]["police"] + off["retired"]["police"]
    assert sum(values) == moved
    s = fig.data[0]
    labels = [x.rsplit(" ", 1)[0] for x in s.node.label]  # name, then officers
    out_of: dict[str, float] = {}
    into: dict[str, float] = {}
    for a, b, v in zip(s.link.source, s.link.target, s.link.value, strict=True):
        out_of[labels[a]] = out_of.get(labels[a], 0) + v
        into[labels[b]] = into.get(labels[b], 0) + v
    # all 12 of 刑侦大队 left it; 10 reached the station (from either 大队); 2 hired
    assert out_of["刑侦大队"] == 12
    assert into["城关派出所"] == 10
    assert out_of["新招录"] == 2
    # by category: every officer of the result (and the retired) is in some band
    cat = officer_flows_figure(diff, county, r.org, by="category").data[0]
    assert sum(cat.link.value) == r.org.total_police() + off["retired"]["police"]
    assert "基层一线" in [x.rsplit(" ", 1)[0] for x in cat.node.label]
    with pytest.raises(ValueError, match="category"):
        officer_flows_figure(FLOWS, county, r.org, by="category")
