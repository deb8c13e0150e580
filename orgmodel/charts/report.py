"""The offline HTML report: every relevant figure of one organisation, a comparison or a plan.

Bureaus are often offline, so the report is one self-contained file: plotly.js is embedded
once in the page head (no CDN, no fonts or scripts fetched), figures are inline ``<div>``\\ s,
the page and the figures use a CJK font stack. A JSON manifest (``#orgmodel-charts``) lists
each figure's element id and trace count, so a test (or an analyst's script) can check that
every chart drew.

:func:`report_html` returns the page as a string; writing it is the caller's business
(``orgmodel report``).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from orgmodel.charts import _measures as m
from orgmodel.charts._style import FONT_FAMILY, KIND_SHORT, PLOTLY_CONFIG
from orgmodel.charts.compare import compare_figure
from orgmodel.charts.flows import officer_flows_figure
from orgmodel.charts.mirror import mirror_heatmap_figure
from orgmodel.charts.numbers import (
    PANEL_KEYS,
    change_list,
    delta_rows,
    format_value,
    metric_label,
    numbers_panel,
)
from orgmodel.charts.structure import hierarchy_figure, layered_graph_figure
from orgmodel.charts.workforce import availability_funnel_figure, span_bands_figure
from orgmodel.metrics import headline
from orgmodel.model import KIND_NAMES, OrgGraph
from orgmodel.norms import Norms

__all__ = ["REPORT_HEADLINE_KEYS", "report_html"]

#: Headline rows of the report's table, in order (the dashboard's numbers panel shows the same).
REPORT_HEADLINE_KEYS: tuple[str, ...] = PANEL_KEYS

_CSS = """
body { font-family: %(font)s; margin: 0; color: #222; background: #fafafa; }
header { background: #08306b; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 6px 0; font-size: 24px; }
header p { margin: 0; opacity: .85; font-size: 13px; }
main { padding: 8px 32px 40px; max-width: 1500px; }
h2 { font-size: 19px; border-left: 5px solid #08519c; padding-left: 10px; margin-top: 34px; }
p.note { color: #555; font-size: 13px; margin: 4px 0 10px; }
table { border-collapse: collapse; font-size: 14px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 5px 12px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef3fa; }
td.worse { color: #b2182b; font-weight: bold; } td.better { color: #1a7837; font-weight: bold; }
ul.changes li { margin: 2px 0; font-size: 14px; }
.chart { background: #fff; border: 1px solid #e3e3e3; border-radius: 4px; margin: 8px 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
@media (max-width: 1100px) { .pair { grid-template-columns: 1fr; } }
ol.steps li { margin: 2px 0; font-size: 14px; }
details { margin-top: 30px; font-size: 13px; }
footer { color: #888; font-size: 12px; padding: 0 32px 24px; }
"""


def _headline_table(heads: Mapping[str, Mapping[str, Any]]) -> str:
    """One column per organisation; with two, a 变化 column coloured better/worse by each
    metric's direction (orgmodel.labels), never by the sign of the change."""
    labels = list(heads)
    show_delta = len(labels) == 2
    head = "".join(f"<th>{html.escape(x)}</th>" for x in labels)
    if show_delta:
        head += "<th>变化</th>"
    rows = []
    deltas = (
        {r["id"]: r for r in delta_rows(heads[labels[0]], heads[labels[1]])} if show_delta else {}
    )
    for k in REPORT_HEADLINE_KEYS:
        cells = "".join(f"<td>{format_value(k, heads[x].get(k))}</td>" for x in labels)
        if show_delta:
            d = deltas[k]
            cls = d["change"] or ""
            mark = {"better": "（好转）", "worse": "（变差）"}.get(cls, "")
            cells += f'<td class="{cls}">{d["delta"]}{mark}</td>'
        rows.append(f"<tr><td>{html.escape(metric_label(k))}</td>{cells}</tr>")
    return (
        f'<table class="headline"><thead><tr><th>指标</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p class='note'>人数为整数；标“期望值”的是按定额和缺勤率推算的期望值。"
        + ("绿色为好转、红色为变差（按各指标的好坏方向），黑色为规模变化。" if show_delta else "")
        + "</p>"
    )


def _checks_section(org: OrgGraph, norms: Norms, label: str | None = None) -> str:
    """Policy checks (pass/fail counts, the failing units) and the hollow units."""
    p = numbers_panel(org, norms=norms)
    pol, hol = p["policy"], p["hollow"]
    who = f"【{html.escape(label)}】" if label else ""
    fails = "".join(
        f"<tr><td>{html.escape(f['description'])}</td><td>{html.escape(f['unit_name'] or '')}</td>"
        f"<td>{f['value']}</td><td>{html.escape(f['comparator'])} {f['threshold']}</td></tr>"
        for f in pol["failing"]
    )
    more = pol["failing_total"] - len(pol["failing"])
    hollow = "".join(
        f"<tr><td>{html.escape(h['name'])}</td><td>{html.escape(h['kind_name'])}</td>"
        f"<td>{h['police']}</td><td>{h['fixed_posts']}</td><td>{h['shortfall']}</td></tr>"
        for h in hol["units"]
    )
    hmore = hol["count"] - len(hol["units"])
    return (
        f"<section class='checks'><h2>{who}政策检查</h2><p class='note'>通过 {pol['passed']} 项，"
        f"未通过 {pol['failed']} 项，无法评估 {pol['not_evaluated']} 项。</p>"
        + (
            "<table class='fails'><thead><tr><th>规则</th><th>单位</th><th>实际</th>"
            f"<th>要求</th></tr></thead><tbody>{fails}</tbody></table>"
            if fails
            else ""
        )
        + (f"<p class='note'>另有 {more} 项未通过未列出。</p>" if more > 0 else "")
        + f"<h2>{who}空壳单位</h2><p class='note'>{hol['count']} 个单位的民警少于其固定岗位"
        f"（领导、内勤和自设值班），共缺 {hol['shortfall']} 人。</p>"
        + (
            "<table class='hollow'><thead><tr><th>单位</th><th>类型</th><th>民警</th>"
            f"<th>固定岗位</th><th>缺</th></tr></thead><tbody>{hollow}</tbody></table>"
            if hollow
            else ""
        )
        + (f"<p class='note'>另有 {hmore} 个空壳单位未列出。</p>" if hmore > 0 else "")
        + "</section>"
    )


def _changes_section(diff: Mapping[str, Any], before: OrgGraph, after: OrgGraph) -> str:
    ch = change_list(diff, before, after)
    items = "".join(f"<li>{html.escape(x)}</li>" for x in ch["lines"])
    more = ch["total"] - len(ch["lines"])
    return (
        f"<section><h2>单位变化</h2><p class='note'>共 {ch['total']} 项。</p>"
        f"<ul class='changes'>{items}</ul>"
        + (f"<p class='note'>另有 {more} 项未列出。</p>" if more > 0 else "")
        + "</section>"
    )


def _norms_table(norms: Norms) -> str:
    rows = "".join(
        f"<tr><td>{KIND_SHORT.get(k, k)}（{KIND_NAMES.get(k, k)}）</td><td>{n.leaders}</td>"
        f"<td>{n.admin}</td><td>{n.duty_posts}</td><td>{n.officers_per_post}</td>"
        f"<td>{n.efficient_size}</td><td>{'是' if n.duty_roster else '否'}</td></tr>"
        for k, n in norms.kinds.items()
    )
    return (
        f"<details><summary>本报告使用的编制与勤务定额（{html.escape(norms.source or '默认')}）"
        f"</summary><p>缺勤率 {norms.absence_rate:.0%}；管理幅度窄: &lt;{norms.narrow_below}，"
        f"宽: &gt;{norms.wide_above}</p><table><thead><tr><th>单位类型</th><th>领导职数 L</th>"
        "<th>内勤 A</th><th>值守岗 D</th><th>每岗人数 k</th><th>有效规模 S</th>"
        f"<th>自设值班</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )


class _Page:
    """Collects figures as inline divs and their trace counts for the manifest."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.manifest: list[dict[str, Any]] = []

    def add(self, html_text: str) -> None:
        self.parts.append(html_text)

    def fig(self, fig: go.Figure, key: str) -> str:
        div_id = f"chart-{len(self.manifest) + 1}-{key}"
        self.manifest.append({"id": div_id, "kind": key, "traces": len(fig.data)})
        body = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config=PLOTLY_CONFIG,
            default_width="100%",
        )
        return f'<div class="chart">{body}</div>'

    def section(
        self, title: str, note: str, figs: Sequence[tuple[go.Figure, str]], pair: bool = True
    ) -> None:
        inner = "".join(self.fig(f, k) for f, k in figs)
        cls = "pair" if pair and len(figs) == 2 else "single"
        self.add(
            f"<section><h2>{html.escape(title)}</h2><p class='note'>{note}</p>"
            f'<div class="{cls}">{inner}</div></section>'
        )


#: Wide figures shown one under the other even when two organisations are compared.
_WIDE = frozenset({"graph", "mirror"})

_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "hierarchy",
        "组织层级",
        "面积为民警人数（含下级），颜色为隐性流失占比：越深的块，越多警力被自身的领导、"
        "内勤和值班岗位占用。",
    ),
    (
        "graph",
        "组织图：块与条",
        "实线为指挥隶属（块），虚线为上级业务部门对下级同类部门的业务指导（条）。"
        "右上角下拉框可按层级筛选。",
    ),
    ("spans", "管理幅度分布", "各管理单位直接下级数量的分布；窄幅度意味着层层设领导。"),
    (
        "funnel",
        "警力可用性漏斗",
        "从民警实有数依次扣除领导职数、内勤文秘、自设值班备勤和缺勤，剩下的是可部署警力。",
    ),
    (
        "mirror",
        "上下对口矩阵",
        "行是各级局，列是警种；橙色/红色表示照搬上级设置的部门，红色表示规模低于有效规模。",
    ),
)


def _org_figure(key: str, org: OrgGraph, norms: Norms) -> go.Figure:
    if key == "hierarchy":
        return hierarchy_figure(org, norms)
    if key == "graph":
        return layered_graph_figure(org, norms)
    if key == "spans":
        return span_bands_figure(org, norms)
    if key == "funnel":
        return availability_funnel_figure(org, norms, by="category")
    return mirror_heatmap_figure(org, norms)


def report_html(
    org: OrgGraph,
    norms: Norms | None = None,
    *,
    compare: OrgGraph | None = None,
    scenario: Any | None = None,
    diff: Mapping[str, Any] | None = None,
    title: str | None = None,
    sources: Sequence[str] = (),
) -> str:
    """One self-contained HTML page with the figures of an organisation.

    Parameters
    ----------
    org : OrgGraph
        The organisation (the base, when a scenario is given).
    norms : Norms, optional
        Staffing norms; echoed at the end of the page.
    compare : OrgGraph, optional
        A second organisation, shown side by side.
    scenario : ScenarioResult, optional
        A plan applied to ``org`` (:func:`orgmodel.restructure.apply_plan`): the page shows
        the plan's steps, before/after figures and the officer flows.
    diff : dict, optional
        :func:`orgmodel.restructure.diff_orgs` of ``org`` and the scenario (computed from the
        scenario's lineage when omitted).
    title : str, optional
        The page title; ``"<name> 组织结构分析报告"`` by default.
    sources : sequence of str
        File names to mention under the title.

    Returns
    -------
    str
        The HTML page (UTF-8 text; plotly.js embedded, about 4.5 MB).
    """
    if compare is not None and scenario is not None:
        raise ValueError("give either compare or scenario, not both")
    norms = m.norms_or_default(norms)
    name = org.name or org.id
    other: OrgGraph | None = compare
    labels = [name]
    if scenario is not None:
        other = scenario.org
        labels = ["改革前", "改革后"]
        if diff is None:
            from orgmodel.restructure import diff_orgs

            diff = diff_orgs(org, scenario.org, norms, scenario.lineage)
    elif compare is not None:
        if diff is None:  # two snapshots: units matched by id, flows estimated
            from orgmodel.restructure import diff_orgs

            diff = diff_orgs(org, compare, norms, metrics=False)
        labels = [name, compare.name or compare.id]
        if labels[1] == labels[0]:
            labels[1] += "（对比）"
    orgs = [org] if other is None else [org, other]
    heads = {lab: headline(o, norms) for lab, o in zip(labels, orgs, strict=True)}

    page = _Page()
    page.add("<section><h2>主要指标</h2>" + _headline_table(heads) + "</section>")
    page.add(_checks_section(org, norms, labels[0] if other is not None else None))
    if other is not None:
        page.add(_checks_section(other, norms, labels[1]))
    if diff is not None and other is not None:
        page.add(_changes_section(diff, org, other))
    if scenario is not None:
        plan = scenario.plan
        steps = "".join(
            f"<li><b>{html.escape(s.op_name)}</b>：{html.escape(s.summary)}</li>"
            for s in scenario.steps
        )
        hired, retired = scenario.hired, scenario.retired
        desc = html.escape(getattr(plan, "description", "") or "")
        page.add(
            f"<section><h2>改革方案：{html.escape(plan.name or '')}</h2>"
            f"<p class='note'>{desc}</p><ol class='steps'>{steps}</ol>"
            f"<p class='note'>新招录民警 {hired.get('police', 0)} 名、减员 "
            f"{retired.get('police', 0)} 名；其余警力守恒。</p></section>"
        )
    if other is not None:
        page.section(
            "指标对比",
            "三组分别为比例指标、警力人数和结构数量；图例可点选隐藏某一方。",
            [(compare_figure(dict(zip(labels, heads.values(), strict=True)), norms), "compare")],
        )
    if scenario is not None and diff is not None:
        off = diff["officers"]
        page.section(
            "警力流向（原单位 → 新单位）",
            f"民警 {off['police_a']} → {off['police_b']} 名：留任 {off['stayed']['police']}、"
            f"调动 {off['moved']['police']}、新招录 {off['hired']['police']}、"
            f"减员 {off['retired']['police']} 名（{off['method_label']}）；留任的民警不在图中。"
            "改革前 = 留任 + 调动 + 减员，改革后 = 留任 + 调动 + 新招录。",
            [(officer_flows_figure(diff, org, scenario.org), "flows")],
        )
        page.section(
            "警力按机构类别流向",
            "局领导、综合管理、执法勤务、基层一线之间的变化（含留在原类别的民警）。",
            [(officer_flows_figure(diff, org, scenario.org, by="category"), "flows_category")],
        )
    for key, heading, note in _SECTIONS:
        figs = [(_org_figure(key, o, norms), key) for o in orgs]
        if len(orgs) == 2:
            for (f, _), lab in zip(figs, labels, strict=True):
                t = f.layout.title.text or ""
                f.update_layout(title_text=f"【{lab}】{t}")
        page.section(heading, note, figs, pair=key not in _WIDE)
    page.add(_norms_table(norms))

    heading = title or (
        f"{name} 组织结构分析报告"
        if other is None
        else f"{name} 改革方案评估报告"
        if scenario is not None
        else f"{labels[0]} 与 {labels[1]} 对比报告"
    )
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    src = "；".join(html.escape(s) for s in sources)
    sub = f"生成时间 {when}" + (f"；数据：{src}" if src else "")
    manifest = json.dumps(page.manifest, ensure_ascii=False)
    return (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(heading)}</title>"
        f"<style>{_CSS % {'font': FONT_FAMILY}}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        f"<script type='application/json' id='orgmodel-charts'>{manifest}</script>"
        "</head><body>"
        f"<header><h1>{html.escape(heading)}</h1><p>{sub}</p></header>"
        f"<main>{''.join(page.parts)}</main>"
        "<footer>orgmodel 公安机关组织模型 · 指标定义见 DOMAIN.md · 本文件可离线打开</footer>"
        "</body></html>\n"
    )
