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
from orgmodel.i18n import N_, _
from orgmodel.labels import format_value
from orgmodel.metrics._util import group_label
from orgmodel.metrics.span import span_bands
from orgmodel.metrics.workforce import FUNNEL_STAGES, availability_funnel
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms

__all__ = ["availability_funnel_figure", "span_bands_figure"]

_BY_LABELS = {"level": N_("by level"), "category": N_("by unit category")}
#: The funnel's stages (FUNNEL_STAGES, whose labels are the Chinese) as msgids.
_STAGES = {
    "police": N_("police on the books"),
    "after_leaders": N_("minus leader posts"),
    "after_admin": N_("minus admin posts"),
    "after_duty": N_("minus 24/7 duty posts"),
    "deployable": N_("minus absence = deployable officers"),
}


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
            text=[_("{n} units").format(n=c) for c in counts],
            textposition="outside",
            marker_color=ORG_COLORS[0],
            hovertemplate=_("span %{x}: %{text}, %{y:.1%}") + "<extra></extra>",
            name=_("share of managing units"),
        )
    )
    fig.update_layout(
        xaxis={"title": {"text": _("direct subordinates (span of control)")}, "type": "category"},
        yaxis={
            "title": {"text": _("share of managing units ({n} in all)").format(n=total)},
            "tickformat": ".0%",
            "rangemode": "tozero",
            "range": [0, max([*shares, 0.1]) * 1.2],
        },
        showlegend=False,
    )
    name = org.name or org.id
    return styled(
        fig,
        title
        or _("{name} span of control (narrow: <{narrow}, wide: >{wide})").format(
            name=name, narrow=norms.narrow_below, wide=norms.wide_above
        ),
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
    stages = [_(_STAGES[k]) if k in _STAGES else lab for k, lab in FUNNEL_STAGES]
    fig = go.Figure()

    def num(stage: str, v: float) -> str:
        # the deployable officers are an expected value (one decimal, as everywhere)
        return format_value("deployable", v) if stage == "deployable" else fmt_num(v)

    for i, g in enumerate(groups):
        values = [float(g[k]) for k, _lab in FUNNEL_STAGES]
        police = values[0]
        fig.add_trace(
            go.Funnel(
                y=stages,
                x=values,
                name=_("all police") if by is None else group_label(g),
                text=[
                    _("{n} ({share})").format(n=num(k, v), share=f"{v / police:.0%}")
                    if police
                    else num(k, v)
                    for (k, _lab), v in zip(FUNNEL_STAGES, values, strict=True)
                ],
                textinfo="text",
                hovertemplate=_("%{y}: %{x:.1f} officers") + "<extra>%{fullData.name}</extra>",
                marker={"color": ORG_COLORS[i % len(ORG_COLORS)]} if by is None else None,
            )
        )
    name = org.name or org.id
    rate = f"{f['absence_rate']:.0%}"
    default = (
        _("{name} availability funnel (absence rate {rate})").format(name=name, rate=rate)
        if by is None
        else _("{name} availability funnel, {by} (absence rate {rate})").format(
            name=name, by=_(_BY_LABELS[by]) if by in _BY_LABELS else by, rate=rate
        )
    )
    fig.update_layout(showlegend=by is not None, legend={"orientation": "h", "y": -0.1})
    return styled(
        fig,
        title or default,
        height=420,
    )
