"""Hierarchy icicle and layered graph: traces, sizes, colours, level filter, large orgs."""

from __future__ import annotations

import time

import pytest

from orgmodel.charts import hierarchy_figure, layered_graph_figure
from orgmodel.charts.structure import MORE_SUFFIX
from orgmodel.generate import generate_org
from orgmodel.model import OrgGraph


def test_hierarchy_sizes_are_subtree_police(county: OrgGraph) -> None:
    fig = hierarchy_figure(county)
    assert len(fig.data) == 1
    t = fig.data[0]
    assert t.type == "icicle"
    assert t.branchvalues == "total"
    values = dict(zip(t.ids, t.values, strict=True))
    # 5 + 12 + 40 + 20 + 3 = 80 under the bureau; station 20 + post 3 = 23.
    assert values == {"b": 80, "d1": 12, "d2": 40, "s": 23, "p": 3}
    assert dict(zip(t.ids, t.parents, strict=True))["p"] == "s"


def test_hierarchy_colour_is_hidden_loss_share(county: OrgGraph) -> None:
    t = hierarchy_figure(county).data[0]
    colors = dict(zip(t.ids, t.marker.colors, strict=True))
    # Hidden loss, default norms: b 5·(1−5/30)=25/6; d1 3·(1−12/30)=1.8; d2 0 (40 ≥ S=30);
    # s with its post p is one establishment of 23: 8·(1−23/40)=3.4 (F = 2+1+1·5); p 0.
    # Subtree share of b: (25/6+1.8+3.4)/80.
    assert colors["b"] == pytest.approx((25 / 6 + 1.8 + 3.4) / 80)
    assert colors["d1"] == pytest.approx(1.8 / 12)
    assert colors["d2"] == 0
    assert colors["s"] == pytest.approx(3.4 / 23)


def test_hierarchy_hover_names_every_field(county: OrgGraph) -> None:
    t = hierarchy_figure(county).data[0]
    hover = dict(zip(t.ids, t.hovertext, strict=True))["d1"]
    for part in ("刑侦大队", "内设机构", "职能：刑侦", "民警：12", "辅警：0", "固定岗位占用：3",
                 "隐性流失：1.8"):  # fmt: skip
        assert part in hover


def test_sunburst_and_bad_style(county: OrgGraph) -> None:
    assert hierarchy_figure(county, style="sunburst").data[0].type == "sunburst"
    with pytest.raises(ValueError, match="style"):
        hierarchy_figure(county, style="treemap")


def test_hierarchy_max_depth_cuts_but_keeps_totals(county: OrgGraph) -> None:
    t = hierarchy_figure(county, max_depth=1).data[0]
    assert "p" not in t.ids
    assert dict(zip(t.ids, t.values, strict=True))["s"] == 23


def test_layered_graph_traces(city: OrgGraph) -> None:
    fig = layered_graph_figure(city)
    names = [t.name for t in fig.data]
    # the edge types in Chinese only (orgmodel.labels.EDGE_MSGIDS), no English type names
    assert names[:3] == ["块 指挥隶属", "条 业务指导", "情指调度"]
    # one marker trace per kind present, in KINDS order
    assert names[3:] == ["市局", "县局/分局", "内设机构", "情指中心", "派出所", "警务室"]
    reports, guides, dispatch = fig.data[:3]
    # 6 REPORTS_TO edges of 7 units, each drawn as (child, parent, None)
    assert len(reports.x) == 6 * 3
    assert len(guides.x) == 3 and guides.line.dash == "dash"
    assert reports.line.dash is None
    assert dispatch.visible == "legendonly"
    # every unit is a point, at y = −depth
    ys = sorted(y for t in fig.data[3:] for y in t.y)
    assert ys == [-3, -2, -2, -2, -1, -1, 0]


def test_layered_graph_level_filter(city: OrgGraph) -> None:
    fig = layered_graph_figure(city, max_level=1)
    shown = sum(len(t.x) for t in fig.data[3:])
    assert shown == 3  # the city, its 支队 and the county
    assert len(fig.data[1].x) == 0  # the GUIDES line ends at depth 2
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == ["0–0 层", "0–1 层", "0–2 层", "0–3 层"]
    assert menu.active == 1
    # the deepest button restores every unit and the GUIDES line
    args = menu.buttons[3].args[0]
    assert sum(len(xs) for xs in args["x"][3:]) == 7
    assert len(args["x"][1]) == 3


def test_layered_graph_parent_centred_over_children(county: OrgGraph) -> None:
    fig = layered_graph_figure(county)
    pts: dict[float, list[float]] = {y: [] for y in (0, -1, -2)}
    for t in fig.data[3:]:
        for x, y in zip(t.x, t.y, strict=True):
            pts[y].append(x)
    # leaves d1, d2 at x 0, 1; the station's only child p at x 2, so s at 2; b at (0+2)/2
    assert sorted(pts[-1]) == [0, 1, 2]
    assert pts[0] == [1]


def test_large_org_is_cut_and_fast() -> None:
    org = generate_org(1, 3, 4, seed=1)  # ~2,900 units
    t0 = time.perf_counter()
    fig = layered_graph_figure(org, max_nodes=300)
    ice = hierarchy_figure(org, max_units=500)
    assert time.perf_counter() - t0 < 10
    assert sum(len(t.x) for t in fig.data[3:]) <= 300
    assert len(ice.data[0].ids) <= 500
    assert any("图中画出" in a.text for a in ice.layout.annotations)
    # the root's value is still the whole organisation
    assert ice.data[0].values[0] == org.total_police()


def test_hierarchy_more_boxes_sum_what_they_leave_out() -> None:
    org = generate_org(1, 3, 4, seed=1)  # ~2,900 units
    tr = hierarchy_figure(org, max_units=200).data[0]
    assert len(tr.ids) <= 200 + len({p for p in tr.parents if p})  # + one "more" box a parent
    ids = list(tr.ids)
    value = dict(zip(ids, tr.values, strict=True))
    more = [i for i in ids if i.endswith(MORE_SUFFIX)]
    assert more  # the first layer that does not fit is summed into "more" boxes
    for box, label, parent, to in zip(ids, tr.labels, tr.parents, tr.customdata, strict=True):
        if box in more:
            assert parent == box[: -len(MORE_SUFFIX)] and label.startswith("其他 ")
            assert list(to) == [parent, org.name_of(parent)]  # a click re-roots on the parent
    # branchvalues "total": a drawn parent = its own police + its drawn children + its "more"
    # box, so nothing is lost by the cut
    kids: dict[str, list[str]] = {}
    for box, parent in zip(ids, tr.parents, strict=True):
        if parent:
            kids.setdefault(parent, []).append(box)
    for p, ks in kids.items():
        own = org.attrs(p)["police"]
        assert value[p] == pytest.approx(own + sum(value[k] for k in ks)), p
    # a box whose units below are not drawn names itself as the unit to re-root on
    leaves = [i for i in ids if i not in kids and i not in more and org.children(i)]
    assert leaves
    for i in leaves:
        assert list(tr.customdata[ids.index(i)]) == [i, org.name_of(i)]
