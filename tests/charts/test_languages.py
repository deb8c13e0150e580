"""A figure's words follow the language in force: Chinese for the planner's CLI and the
dashboard, English with ``--lang en``; unit names and Chinese terms (块, 条, 派出所) stay."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import pytest

from orgmodel.charts import (
    availability_funnel_figure,
    compare_figure,
    hierarchy_figure,
    layered_graph_figure,
    mirror_heatmap_figure,
    officer_flows_figure,
    span_bands_figure,
)
from orgmodel.charts._style import KIND_SHORT
from orgmodel.i18n import language
from orgmodel.model import OrgGraph
from tests.charts.conftest import small_city, small_county

HAN = re.compile(r"[\u4e00-\u9fff]")


def _words(fig: go.Figure) -> list[str]:
    """The figure's own words: title, axis titles, colour-bar title, legend names, notes."""
    lay = fig.layout
    out = [lay.title.text or ""]
    out += [a.text or "" for a in lay.annotations or ()]
    for ax in (lay.xaxis, lay.yaxis):
        out.append((ax.title.text if ax.title else None) or "")
    for tr in fig.data:
        out.append(getattr(tr, "name", None) or "")
        bar = getattr(getattr(tr, "marker", None), "colorbar", None)
        if bar is not None and bar.title is not None:
            out.append(bar.title.text or "")
    return [w for w in out if w]


def _foreign_han(words: list[str], org: OrgGraph) -> list[str]:
    """Words with 汉字 that are not a unit's name nor a Chinese term kept in English."""
    names = {org.name_of(u) for u in org.order()} | {org.name or ""}
    terms = {"块", "条", "情指", "上下对口", *KIND_SHORT.values()}  # glossed in English
    keep = sorted(names | terms, key=len, reverse=True)
    bad = []
    for w in words:
        rest = w
        for k in keep:
            if k:
                rest = rest.replace(k, "")
        if HAN.search(rest):
            bad.append(w)
    return bad


FIGURES: list[tuple[str, Callable[[OrgGraph], go.Figure], str, str]] = [
    ("hierarchy", hierarchy_figure, "组织层级（面积=民警", "hierarchy (area = police"),
    ("graph", layered_graph_figure, "组织图（块=指挥隶属", "org graph (块 = command"),
    ("spans", span_bands_figure, "管理幅度分布（窄", "span of control (narrow"),
    ("funnel", availability_funnel_figure, "警力可用性漏斗（缺勤率", "availability funnel"),
    ("mirror", mirror_heatmap_figure, "上下对口矩阵（局 × 警种", "mirror matrix (bureau"),
]


@pytest.mark.parametrize(("key", "draw", "zh", "en"), FIGURES, ids=[f[0] for f in FIGURES])
def test_figure_words_follow_the_language(
    key: str, draw: Callable[[OrgGraph], go.Figure], zh: str, en: str
) -> None:
    org = small_city() if key in ("graph", "mirror") else small_county()
    with language("zh"):
        fig = draw(org)
    assert zh in fig.layout.title.text
    # no English word in a Chinese figure: legends of edge types too (条 业务指导, not GUIDES)
    english = [w for w in _words(fig) if re.search(r"[A-Za-z]{2,}", w)]
    assert not english, english
    with language("en"):
        fig = draw(org)
    assert en in fig.layout.title.text and zh not in fig.layout.title.text
    words = _words(fig)
    assert not _foreign_han(words, org), words


def test_funnel_by_category_and_compare_in_english() -> None:
    org = small_county()
    with language("en"):
        fig = availability_funnel_figure(org, by="category")
        names = [tr.name for tr in fig.data]
        assert "局领导 (bureau leadership)" in names or "基层一线 (frontline)" in names, names
        assert fig.data[0].y[0] == "police on the books"
        cmp = compare_figure({"a": org, "b": org})
    assert cmp.layout.title.text == "Headline metrics: a vs b"
    assert "hidden loss share" in list(cmp.data[0].x)
    with language("zh"):
        fig = availability_funnel_figure(org, by="category")
    assert "基层一线" in [tr.name for tr in fig.data]
    assert fig.data[0].y[0] == "民警实有"


def _empty_flows(org: OrgGraph, **kw: Any) -> go.Figure:
    return officer_flows_figure([], org, org, **kw)


def test_sankey_without_flows_says_the_scope_when_re_rooted() -> None:
    org = small_county()
    with language("zh"):
        whole = _empty_flows(org).layout.annotations[0].text
        part = _empty_flows(org, scope="城关派出所")
    assert whole == "本方案未调动民警"
    assert part.layout.annotations[0].text == "本方案在城关派出所范围内未调动民警"
    assert part.layout.title.text.startswith("城关派出所 民警流向")
    with language("en"):
        whole = _empty_flows(org).layout.annotations[0].text
        part = _empty_flows(org, scope="城关派出所", officers="auxiliaries")
    assert whole == "the plan moves no police"
    assert part.layout.annotations[0].text == "the plan moves no auxiliaries within 城关派出所"
    assert part.layout.title.text.startswith("城关派出所 auxiliaries flows (old unit → new unit")
