"""Where the officers go: span bands of managing units and the availability funnel.

The span-band bar shows the share of managing units (units with at least one direct
REPORTS_TO child) in each band of the norms (1, 2–3, 4–7, 8–12, 13–16, 17+): a 上下对口
bureau piles up in the narrow bands. The availability funnel follows the HMIC idea: of the
police on the books, how many remain after leader posts, admin posts, 24/7 duty rosters and
absence — the deployable officers. Both read their numbers from :mod:`orgmodel.metrics`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from orgmodel._keywords import positional_deprecated
from orgmodel.charts._measures import norms_or_default
from orgmodel.charts._style import ORG_COLORS, fmt_num, styled
from orgmodel.metrics.span import span_bands
from orgmodel.metrics.workforce import FUNNEL_STAGES, availability_funnel
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms

__all__ = ["availability_funnel_figure", "span_bands_figure"]

_BY_LABELS = {"level": "按层级", "category": "按机构类别"}


@positional_deprecated("norms")
def span_bands_figure(
    org: OrgGraph, *, norms: Norms | None = None, title: str | None = None
) -> go.Figure:
    """Span bands as a bar chart: share of managing units per band of direct reports.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Where the bands come from (and the narrow/wide thresholds, shown in the subtitle).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One ``bar`` trace: x = band labels, y = share of managing units, text = counts.

    See Also
    --------
    orgmodel.metrics.span.span_bands
    """
    norms = norms_or_default(norms)
    bands = span_bands(org, norms=norms)
    labels = list(bands)
    shares = [bands[b]["share"] or 0.0 for b in labels]
    counts = [bands[b]["count"] for b in labels]
    total = sum(counts)
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=shares,
            text=[f"{c} 个" for c in counts],
            textposition="outside",
            marker_color=ORG_COLORS[0],
            hovertemplate="管理幅度 %{x}: %{text} 单位, 占 %{y:.1%}<extra></extra>",
            name="管理单位占比",
        )
    )
    fig.update_layout(
        xaxis={"title": {"text": "直接下级数（管理幅度）"}, "type": "category"},
        yaxis={
            "title": {"text": f"管理单位占比（共 {total} 个）"},
            "tickformat": ".0%",
            "rangemode": "tozero",
            "range": [0, max([*shares, 0.1]) * 1.2],
        },
        showlegend=False,
    )
    name = org.name or org.id
    return styled(
        fig,
        title or f"{name} 管理幅度分布（窄: <{norms.narrow_below}，宽: >{norms.wide_above}）",
        height=420,
    )


@positional_deprecated("norms")
def availability_funnel_figure(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    by: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """The availability funnel: police → − leaders → − admin → − duty → − absence.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms and the absence rate.
    by : {None, "level", "category"}
        ``None``: one funnel for the whole organisation. ``"level"`` or ``"category"``: one
        funnel trace per level or category, drawn side by side.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        ``funnel`` traces (one, or one per group) over the five stages of ``FUNNEL_STAGES``.

    See Also
    --------
    orgmodel.metrics.workforce.availability_funnel
    """
    norms = norms_or_default(norms)
    f = availability_funnel(org, norms=norms, by=by or "level")
    groups = [f["total"]] if by is None else f["groups"]
    stages = [lab for _, lab in FUNNEL_STAGES]
    fig = go.Figure()
    for i, g in enumerate(groups):
        values = [float(g[k]) for k, _ in FUNNEL_STAGES]
        police = values[0]
        fig.add_trace(
            go.Funnel(
                y=stages,
                x=values,
                name="全部民警" if by is None else str(g["label"]),
                text=[
                    f"{fmt_num(v)}（{v / police:.0%}）" if police else fmt_num(v) for v in values
                ],
                textinfo="text",
                hovertemplate="%{y}: %{x:.1f} 人<extra>%{fullData.name}</extra>",
                marker={"color": ORG_COLORS[i % len(ORG_COLORS)]} if by is None else None,
            )
        )
    name = org.name or org.id
    sub = "" if by is None else f"（{_BY_LABELS.get(by, by)}）"
    fig.update_layout(showlegend=by is not None, legend={"orientation": "h", "y": -0.1})
    return styled(
        fig,
        title or f"{name} 警力可用性漏斗{sub}（缺勤率 {f['absence_rate']:.0%}）",
        height=420,
    )
