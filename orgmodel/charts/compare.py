"""Two (or more) organisations side by side: grouped bars of the headline metrics.

Typical use: a bureau before and after a 大部门 plan, or two counties. The headline numbers
come from :func:`orgmodel.metrics.headline`; they are grouped by scale into three panels —
shares (隐性流失占比, 派出所警力占比, 机关化率, 上下对口指数 …), officer counts (固定岗位,
隐性流失, 可部署警力 …) and structure counts (内设机构, 空壳单位, 对口小单位, 层级 …).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orgmodel._keywords import positional_deprecated
from orgmodel.charts._measures import norms_or_default
from orgmodel.charts._style import ORG_COLORS, styled
from orgmodel.i18n import N_, _, get_language
from orgmodel.labels import format_value
from orgmodel.labels import label as metric_label
from orgmodel.metrics import HEADLINE_LABELS, headline
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms

__all__ = ["HEADLINE_LABELS", "SHARE_KEYS", "compare_figure", "headlines_of"]


#: Headline keys that are shares (shown as percentages).
SHARE_KEYS: tuple[str, ...] = (
    "hidden_loss_share",
    "organ_share",
    "station_share",
    "station_share_all",
    "community_share",
    "mirror_index",
    "narrow_span_share",
)
OFFICER_KEYS: tuple[str, ...] = ("overhead", "hidden_loss", "deployable")
STRUCTURE_KEYS: tuple[str, ...] = (
    "departments",
    "hollow_units",
    "mirror_units",
    "layers",
    "mean_span",
    "mean_command_path",
)
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("shares"), SHARE_KEYS),
    (N_("officers"), OFFICER_KEYS),
    (N_("structure (units, layers)"), STRUCTURE_KEYS),
)

Org = OrgGraph | Mapping[str, Any]


@positional_deprecated("norms")
def headlines_of(
    orgs: Sequence[OrgGraph] | Mapping[str, Org], *, norms: Norms | None = None
) -> dict[str, Mapping[str, Any]]:
    """Label → headline numbers, for organisations or headlines given directly.

    A sequence is labelled by each organisation's name (duplicates get a suffix); a mapping
    keeps its labels, and its values may be an organisation or an already computed headline.
    """
    items: list[tuple[str, Org]] = (
        list(orgs.items()) if isinstance(orgs, Mapping) else [(o.name or o.id, o) for o in orgs]
    )
    out: dict[str, Mapping[str, Any]] = {}
    for label, o in items:
        key = label
        n = 2
        while key in out:
            key = _("{name} ({n})").format(name=label, n=n)  # 某县公安局（2）
            n += 1
        out[key] = headline(o, norms=norms) if isinstance(o, OrgGraph) else o
    return out


@positional_deprecated("norms")
def compare_figure(
    orgs: Sequence[OrgGraph] | Mapping[str, Org],
    *,
    norms: Norms | None = None,
    title: str | None = None,
) -> go.Figure:
    """Grouped bars of headline metrics, one colour per organisation.

    Parameters
    ----------
    orgs : sequence of OrgGraph, or mapping of label to OrgGraph or headline dict
        The organisations to compare, in the order shown (e.g. ``{"改革前": a, "改革后": b}``).
    norms : Norms, optional
        Norms for the headline metrics of organisations given as graphs.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Three panels (shares, officers, structure); one ``bar`` trace per organisation and
        panel, so ``len(fig.data) == 3 * len(orgs)``. The legend toggles an organisation in
        every panel at once.
    """
    heads = headlines_of(orgs, norms=norms_or_default(norms))
    fig = make_subplots(
        rows=1,
        cols=len(PANELS),
        subplot_titles=[_(p[0]) for p in PANELS],
        column_widths=[0.4, 0.22, 0.38],
        horizontal_spacing=0.07,
    )
    lang = get_language()
    for i, (label, h) in enumerate(heads.items()):
        color = ORG_COLORS[i % len(ORG_COLORS)]
        for col, (_panel, keys) in enumerate(PANELS, start=1):
            pct = keys is SHARE_KEYS
            ys = [None if h.get(k) is None else float(h[k]) for k in keys]
            fig.add_trace(
                go.Bar(
                    x=[metric_label(k, lang=lang) for k in keys],
                    y=ys,
                    name=label,
                    legendgroup=label,
                    showlegend=col == 1,
                    marker_color=color,
                    text=[
                        "—" if y is None else f"{y:.0%}" if pct else format_value(k, y)
                        for k, y in zip(keys, ys, strict=True)
                    ],
                    textposition="outside",
                    textfont={"size": 10},
                    hovertemplate=f"{label}<br>"
                    + _("{label}: {name}").format(label="%{x}", name="%{text}")
                    + "<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_layout(
        barmode="group",
        legend={"orientation": "h", "y": -0.25},
        uniformtext={"minsize": 8, "mode": "hide"},
    )
    fig.update_xaxes(tickangle=-35)
    names = _(" vs ").join(heads)
    return styled(fig, title or _("Headline metrics: {names}").format(names=names), height=480)
