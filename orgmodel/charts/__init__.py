"""Charts: one function per picture, data in, a :class:`plotly.graph_objects.Figure` out.

Every function follows the Plotly Express habit — the organisation (or scenario data) first,
options with sensible defaults after it, one Figure returned, nothing written to disk. The
caller decides whether to show, save or serve it (``orgmodel report`` embeds them in one
offline HTML file; the API serves them as Plotly JSON to the dashboard).

Labels are Chinese and the font stack prefers CJK fonts (:data:`FONT_FAMILY`). Hover text
of a unit shows its name, kind, function, police, auxiliaries, absorbed overhead and hidden
loss. Numbers come from :mod:`orgmodel.metrics`; no chart computes a metric itself.

=============================  ==========================================================
:func:`hierarchy_figure`       command tree as icicle/sunburst, size = police, colour =
                               hidden-loss share
:func:`layered_graph_figure`   units in layers; 块 REPORTS_TO solid, 条 GUIDES dashed;
                               a depth dropdown
:func:`span_bands_figure`      share of managing units per span band
:func:`availability_funnel_figure`  police → deployable (whole org, by level or category)
:func:`mirror_heatmap_figure`  bureaus × functions: who copies which department (上下对口)
:func:`compare_figure`         grouped bars of headline metrics for two or more orgs
:func:`officer_flows_figure`   Sankey of officers moved by a scenario (old → new unit)
=============================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from orgmodel.charts._style import FONT_FAMILY
from orgmodel.charts.compare import HEADLINE_LABELS, compare_figure, headlines_of
from orgmodel.charts.flows import officer_flows_figure
from orgmodel.charts.mirror import mirror_heatmap_figure
from orgmodel.charts.structure import hierarchy_figure, layered_graph_figure
from orgmodel.charts.workforce import availability_funnel_figure, span_bands_figure

__all__ = [
    "FONT_FAMILY",
    "HEADLINE_LABELS",
    "ORG_CHARTS",
    "availability_funnel_figure",
    "compare_figure",
    "headlines_of",
    "hierarchy_figure",
    "layered_graph_figure",
    "mirror_heatmap_figure",
    "officer_flows_figure",
    "span_bands_figure",
]

#: The charts of one organisation, by the short name the API and dashboard use, with the
#: Chinese heading shown above each.
ORG_CHARTS: dict[str, tuple[str, Callable[..., go.Figure]]] = {
    "hierarchy": ("组织层级", hierarchy_figure),
    "graph": ("组织图（块与条）", layered_graph_figure),
    "spans": ("管理幅度", span_bands_figure),
    "funnel": ("警力可用性漏斗", availability_funnel_figure),
    "mirror": ("上下对口矩阵", mirror_heatmap_figure),
}
