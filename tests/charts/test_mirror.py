"""The 上下对口 heatmap: rows, columns and cell states."""

from __future__ import annotations

import re

from orgmodel.charts import mirror_heatmap_figure
from orgmodel.model import OrgGraph


def test_mirror_heatmap_county(county: OrgGraph) -> None:
    fig = mirror_heatmap_figure(county)
    assert len(fig.data) == 1
    h = fig.data[0]
    assert h.type == "heatmap"
    assert list(h.y) == ["上级：某市公安局", "某县公安局（对口 50%）"]
    # functions any row has, in catalogue order: 办公室 (parent only), 刑侦, 交警
    assert list(h.x) == ["办公室", "刑侦", "交警"]
    parent_row, county_row = (list(r) for r in h.z)
    assert parent_row == [1, 1, None]
    # 刑侦 copies the parent and 12 < S = 30: a mirror unit (4); 交警 has no counterpart (2)
    assert county_row == [None, 4, 2]
    assert list(h.text[1]) == ["", "12", "40"]
    assert "刑侦大队" in h.hovertext[1][1]


def test_mirror_heatmap_city(city: OrgGraph) -> None:
    h = mirror_heatmap_figure(city).data[0]
    # the city is the top bureau (state 1); the county copies 刑侦 (12 < 30 → 4) and has a
    # 情指中心 the city lacks (2)
    assert list(h.x) == ["指挥中心", "刑侦"]
    assert [list(r) for r in h.z] == [[None, 1], [2, 4]]


def test_mirror_heatmap_row_limit(city: OrgGraph) -> None:
    fig = mirror_heatmap_figure(city, max_bureaus=1)
    assert len(fig.data[0].y) == 1
    assert "另有 1 个局" in fig.layout.annotations[0].text


def test_changed_bureaus_come_first_and_the_cut_is_counted(city: OrgGraph) -> None:
    from orgmodel.charts._measures import changed_bureaus

    units = [u for u in city.units()]
    for u in units:
        if u.id == "ctx":
            u.police = 20  # the county's 刑侦大队 grows: the county's row changed
    after = city.with_units(units)
    assert changed_bureaus(city, after) == ["cty"]
    assert changed_bureaus(city, city) == []
    plain = mirror_heatmap_figure(after, max_bureaus=1)
    assert plain.data[0].y[0].startswith("某市公安局")
    fig = mirror_heatmap_figure(after, max_bureaus=1, first=changed_bureaus(city, after))
    # bureaus: city, cty; the changed county first, one row kept, the city cut and counted
    assert [y.split("（")[0] for y in fig.data[0].y] == ["某县公安局"]
    assert fig.layout.annotations[0].text == "有变化的 1 个局排在前面；另有 1 个局未显示"


def test_mirror_hover_uses_full_width_colons_in_chinese(county: OrgGraph) -> None:
    # every cell's hover, a function the bureau lacks included (交警 under the parent: 无)
    from orgmodel.i18n import language

    with language("zh"):
        h = mirror_heatmap_figure(county).data[0]
    hovers = [t for row in h.hovertext for t in row]
    assert hovers and not [t for t in hovers if re.search(r"[\u4e00-\u9fff]: ", t)], hovers
    assert any("：" in t for t in hovers)
    with language("en"):
        h = mirror_heatmap_figure(county).data[0]
    assert not [t for row in h.hovertext for t in row if "：" in t]
