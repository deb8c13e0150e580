"""The structure itself: the command tree as an icicle/sunburst, the graph in layers.

The icicle sizes each unit by the police of its whole subtree (民警, the unit's own plus
those below it) and colours it by the subtree's hidden-loss share (警力隐性流失 / 民警), so
a wide pale block is a big unit that works, and a thin dark one is a small unit whose
officers are mostly absorbed by its own leaders, clerks and duty roster.

The layered graph draws every unit at its depth (REPORTS_TO hops from the root): the 块
command lines solid and grey, the 条 guidance lines (GUIDES) dashed and orange, the
情指中心's DISPATCHES dotted (hidden until clicked in the legend). A dropdown limits the
depth shown; large organisations are cut to the depth that fits ``max_nodes`` units.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from orgmodel._keywords import positional_deprecated
from orgmodel.charts import _measures as m
from orgmodel.charts._style import (
    DISPATCH_COLOR,
    FONT_FAMILY,
    GUIDES_COLOR,
    KIND_COLORS,
    REPORTS_COLOR,
    fmt_num,
    kind_short,
    styled,
    unit_hover,
)
from orgmodel.i18n import _
from orgmodel.labels import edge_label, format_value
from orgmodel.model import BUREAU_KINDS, KINDS, OrgGraph
from orgmodel.norms import Norms

__all__ = ["MORE_SUFFIX", "hierarchy_figure", "layered_graph_figure"]


def _depth_cut(org: OrgGraph, max_units: int, max_level: int | None) -> int:
    """The deepest depth whose units, counted from the root, number at most ``max_units``.

    Never below 1 (the root and its children are always shown) unless the org is one unit.
    """
    depths = org.depths()
    per_depth: dict[int, int] = {}
    for d in depths.values():
        per_depth[d] = per_depth.get(d, 0) + 1
    deepest = max(per_depth)
    limit = deepest if max_level is None else max(0, min(max_level, deepest))
    total = 0
    cut = 0
    for d in range(deepest + 1):
        total += per_depth.get(d, 0)
        if d > limit or (total > max_units and d > 1):
            break
        cut = d
    return cut


#: Suffix of the id of a "more" box: the children of a unit that did not fit, summed.
MORE_SUFFIX = "/…"


def _icicle_cut(
    org: OrgGraph, sub_police: Mapping[str, float], max_units: int, max_depth: int | None
) -> tuple[list[str], dict[str, list[str]]]:
    """Which units the icicle shows, and which children it sums into a "more" box.

    Whole layers are taken from the root down while they fit in ``max_units`` boxes. The
    first layer that does not fit is taken in part: each parent keeps its ``k`` children with
    the most police (``k`` the same for all, as many as fit) and one "more" box sums the
    rest. Nothing deeper is shown: the boxes at the cut keep their subtree totals.

    Returns the units shown (parents before children) and parent → its children in its
    "more" box (only parents that have one).
    """
    depths = org.depths()
    by_depth: dict[int, list[str]] = {}
    for u in org.order():
        by_depth.setdefault(depths[u], []).append(u)
    deepest = max(by_depth)
    limit = deepest if max_depth is None else max(0, min(max_depth, deepest))
    shown: list[str] = list(by_depth[0])
    more: dict[str, list[str]] = {}
    for d in range(1, limit + 1):
        level = by_depth.get(d, [])
        if len(shown) + len(level) <= max_units or max_depth is not None:
            shown += level
            continue
        groups: dict[str, list[str]] = {}
        for u in level:
            groups.setdefault(org.parent(u) or "", []).append(u)
        # one box per parent for what does not fit, the rest shared out evenly
        room = max_units - len(shown) - len(groups)
        k = room // len(groups) if room > 0 else 0
        if k == 0 and d > 1:
            break
        k = max(k, 0)
        for p, kids in groups.items():
            ranked = sorted(kids, key=lambda u: -sub_police[u])
            keep = set(ranked[:k])
            shown += [u for u in kids if u in keep]
            rest = [u for u in kids if u not in keep]
            if rest:
                more[p] = rest
        break
    return shown, more


@positional_deprecated("norms")
def hierarchy_figure(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    style: str = "icicle",
    max_depth: int | None = None,
    max_units: int = 500,
    color_max: float = 0.8,
    title: str | None = None,
) -> go.Figure:
    """The command tree (块) as an icicle or sunburst: size = police, colour = hidden loss.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms for overhead and hidden loss; the shipped defaults when omitted.
    style : {"icicle", "sunburst"}
    max_depth : int, optional
        Show units down to this depth (REPORTS_TO hops from the root); all by default.
    max_units : int
        At most about this many boxes, so that a browser draws the figure in well under a
        second (3,000 boxes of a 20k-unit organisation took it 2–4 s). Whole layers are
        shown from the root while they fit; in the first layer that does not, each unit keeps
        its children with the most police and one "more" box (``其他 N 个单位``, id
        ``<parent>/…``) sums the rest. Boxes at the cut keep their subtree totals.
    color_max : float
        The share at the dark end of the colour scale (higher shares saturate). Fixed, so
        that two organisations drawn side by side read on the same scale.
    title : str, optional
        Defaults to ``"<name> 组织层级（面积=民警，颜色=隐性流失占比）"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``icicle`` (or ``sunburst``) trace; ``values`` are subtree police
        (``branchvalues="total"``), ``marker.colors`` the subtree hidden-loss share.
        ``customdata`` is ``[id, name]`` of the unit to re-root on to see what a box hides
        (the box itself when its units below are not drawn; a "more" box's parent), or
        ``["", ""]``.
    """
    if style not in ("icicle", "sunburst"):
        raise ValueError(f"style must be 'icicle' or 'sunburst', got {style!r}")
    norms = m.norms_or_default(norms)
    stats = m.unit_stats(org, norms)
    cols = org.columns  # read the column, not 20k per-unit dicts
    police = dict(zip(cols.ids, map(float, cols.police.tolist()), strict=True))
    sub_police = m.subtree_sums(org, police)
    sub_loss = m.subtree_sums(org, {u: s["hidden_loss"] for u, s in stats.items()})
    sub_units = m.subtree_sums(org, dict.fromkeys(org.order(), 1.0))
    shown, more = _icicle_cut(org, sub_police, max_units, max_depth)
    drawn = set(shown)

    ids: list[str] = []
    labels: list[str] = []
    parents: list[str] = []
    values: list[float] = []
    colors: list[float] = []
    hover: list[str] = []
    expand: list[list[str]] = []
    for u in shown:
        p = org.parent(u)
        share = sub_loss[u] / sub_police[u] if sub_police[u] else 0.0
        kids = org.children(u)
        extra = (
            _(
                "below it: {units} units, {police} police in all, hidden loss {loss} ({share})"
            ).format(
                units=f"{sub_units[u] - 1:.0f}",
                police=fmt_num(sub_police[u]),
                loss=format_value("hidden_loss", sub_loss[u]),
                share=f"{share:.1%}",
            )
            if kids
            else _("hidden loss share: {share}").format(share=f"{share:.1%}")
        )
        cut = bool(kids) and not any(c in drawn for c in kids) and u not in more
        if cut:
            extra += "<br>" + _("units below not drawn: click to show this unit's part")
        ids.append(u)
        labels.append(org.name_of(u))
        parents.append(p if p is not None else "")
        values.append(sub_police[u])
        colors.append(share)
        hover.append(unit_hover(org, u, stats[u], extra))
        expand.append([u, org.name_of(u)] if cut else ["", ""])
    for p, rest in more.items():
        pol = sum(sub_police[u] for u in rest)
        loss = sum(sub_loss[u] for u in rest)
        n_units = sum(sub_units[u] for u in rest)
        share = loss / pol if pol else 0.0
        ids.append(p + MORE_SUFFIX)
        labels.append(_("{n} other units").format(n=len(rest)))
        parents.append(p)
        values.append(pol)
        colors.append(share)
        hover.append(
            "<b>"
            + _("{n} other units under {name}").format(n=len(rest), name=org.name_of(p))
            + "</b><br>"
            + _("{units} units, {police} police in all, hidden loss {loss} ({share})").format(
                units=f"{n_units:.0f}",
                police=fmt_num(pol),
                loss=format_value("hidden_loss", loss),
                share=f"{share:.1%}",
            )
            + "<br>"
            + _("click to show {name}'s part").format(name=org.name_of(p))
        )
        expand.append([p, org.name_of(p)])

    cls = go.Icicle if style == "icicle" else go.Sunburst
    trace = cls(
        ids=ids,
        labels=labels,
        parents=parents,
        values=values,
        branchvalues="total",
        marker={
            "colors": colors,
            "colorscale": "OrRd",
            "cmin": 0,
            "cmax": color_max,
            "colorbar": {"title": {"text": _("hidden loss share")}, "tickformat": ".0%"},
            "showscale": True,
        },
        hovertext=hover,
        hoverinfo="text",
        customdata=expand,
        maxdepth=4 if len(ids) > 400 else -1,
        name=_("hierarchy"),
    )
    fig = go.Figure(trace)
    if (len(shown) < len(org) and max_depth is None) or more:
        hidden = len(org) - len(shown)
        fig.add_annotation(
            text=_(
                "{units} units, {shown} drawn; the other {hidden} are summed into their parent "
                "or an 'other units' box (click one to show its part)"
            ).format(units=len(org), shown=len(shown), hidden=hidden),
            xref="paper",
            yref="paper",
            x=0,
            y=-0.06,
            showarrow=False,
        )
    name = org.name or org.id
    default = _("{name} hierarchy (area = police, colour = hidden loss share)").format(name=name)
    return styled(fig, title or default, height=560)


def _tree_layout(org: OrgGraph, cut: int) -> dict[str, tuple[float, float]]:
    """Tidy layered positions: leaves (or units at the cut) side by side, parents centred."""
    depths = org.depths()
    pos: dict[str, tuple[float, float]] = {}
    next_x = 0.0
    # Iterative post-order so deep trees never hit the recursion limit.
    stack: list[tuple[str, bool]] = [(org.root, False)]
    while stack:
        u, done = stack.pop()
        kids = [c for c in org.children(u) if depths[c] <= cut]
        if not kids:
            pos[u] = (next_x, -depths[u])
            next_x += 1
        elif done:
            pos[u] = ((pos[kids[0]][0] + pos[kids[-1]][0]) / 2, -depths[u])
        else:
            stack.append((u, True))
            stack.extend((c, False) for c in reversed(kids))
    return pos


def _level_data(
    org: OrgGraph,
    cut: int,
    hover: Mapping[str, str],
    kinds: list[str],
    show_labels: int,
) -> tuple[list[list[float | None]], list[list[float | None]], list[list[str]], list[list[str]]]:
    """x, y, hover text and labels of every trace for units down to depth ``cut``.

    Trace order: REPORTS_TO lines, GUIDES lines, DISPATCHES lines, then one marker trace
    per kind in ``kinds``.
    """
    pos = _tree_layout(org, cut)
    edges: list[tuple[list[float | None], list[float | None]]] = []
    rx: list[float | None] = []
    ry: list[float | None] = []
    for u, (x, y) in pos.items():
        p = org.parent(u)
        if p is not None and p in pos:
            px, py = pos[p]
            rx += [x, px, None]
            ry += [y, py, None]
    edges.append((rx, ry))
    for pairs in (org.guides, org.dispatches):
        ex: list[float | None] = []
        ey: list[float | None] = []
        for a, b in pairs:
            if a in pos and b in pos:
                ex += [pos[a][0], pos[b][0], None]
                ey += [pos[a][1], pos[b][1], None]
        edges.append((ex, ey))
    xs: list[list[float | None]] = [e[0] for e in edges]
    ys: list[list[float | None]] = [e[1] for e in edges]
    hv: list[list[str]] = [[], [], []]
    tx: list[list[str]] = [[], [], []]
    # Leaves sit one slot apart; names only fit when the slots are few.
    slots = 1 + max((x for x, _ in pos.values()), default=0)
    kind_col, index = org.columns.kind, org.index
    kind_of = {u: KINDS[kind_col[index[u]]] for u in pos}
    for k in kinds:
        units = [u for u in pos if kind_of[u] == k]
        xs.append([pos[u][0] for u in units])
        ys.append([pos[u][1] for u in units])
        hv.append([hover[u] for u in units])
        tx.append(
            [org.name_of(u) if k in BUREAU_KINDS or slots <= show_labels else "" for u in units]
        )
    return xs, ys, hv, tx


@positional_deprecated("norms")
def layered_graph_figure(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    max_level: int | None = None,
    max_nodes: int = 400,
    show_guides: bool = True,
    show_labels: int = 16,
    title: str | None = None,
) -> go.Figure:
    """The organisation graph in layers: 块 (REPORTS_TO) solid, 条 (GUIDES) dashed.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        For the overhead and hidden loss in the hover text.
    max_level : int, optional
        Deepest depth shown at first (REPORTS_TO hops from the root). By default the deepest
        that keeps at most ``max_nodes`` units.
    max_nodes : int
        Depths whose units (counted from the root) exceed this are not offered, so very large
        organisations stay responsive.
    show_guides : bool
        Draw the GUIDES lines (they can still be toggled in the legend).
    show_labels : int
        Write unit names under the markers when the layout is at most this many leaves wide
        (bureaus are always named; every unit has its hover text).
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: ``块 指挥隶属`` (REPORTS_TO lines), ``条 业务指导`` (GUIDES lines),
        ``情指派警`` (DISPATCHES lines, legend-only), then one marker trace per kind present.
        A dropdown ("显示层级") restyles every trace to a chosen depth.
    """
    norms = m.norms_or_default(norms)
    stats = m.unit_stats(org, norms)
    depths = org.depths()
    deepest = max(depths.values())
    fit = _depth_cut(org, max_nodes, None)
    start = fit if max_level is None else max(0, min(max_level, fit))
    hover = {
        u: unit_hover(org, u, stats[u], _("layer: {n}").format(n=depths[u]))
        for u in org.order()
        if depths[u] <= fit
    }
    present = {KINDS[k] for k in set(org.columns.kind.tolist())}
    kinds = [k for k in KINDS if k in present]

    xs, ys, hv, tx = _level_data(org, start, hover, kinds, show_labels)
    line_specs = [
        (edge_label("REPORTS_TO"), {"color": REPORTS_COLOR, "width": 1}, True),
        (
            edge_label("GUIDES"),
            {"color": GUIDES_COLOR, "width": 1.5, "dash": "dash"},
            True if show_guides else "legendonly",
        ),
        (
            edge_label("DISPATCHES"),
            {"color": DISPATCH_COLOR, "width": 1, "dash": "dot"},
            "legendonly",
        ),
    ]
    fig = go.Figure()
    for i, (name, line, visible) in enumerate(line_specs):
        fig.add_trace(
            go.Scatter(
                x=xs[i],
                y=ys[i],
                mode="lines",
                line=line,
                name=name,
                hoverinfo="skip",
                visible=visible,
            )
        )
    for j, k in enumerate(kinds, start=3):
        big = k in BUREAU_KINDS
        fig.add_trace(
            go.Scatter(
                x=xs[j],
                y=ys[j],
                mode="markers+text",
                text=tx[j],
                textposition="bottom center",
                textfont={"size": 10, "family": FONT_FAMILY},
                marker={
                    "size": 16 if big else 10,
                    "color": KIND_COLORS[k],
                    "symbol": "square" if big else "circle",
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=hv[j],
                hoverinfo="text",
                name=kind_short(k),
            )
        )

    buttons = []
    for lvl in range(fit + 1):
        lx, ly, lh, lt = _level_data(org, lvl, hover, kinds, show_labels)
        buttons.append(
            {
                "label": _("layers 0–{n}").format(n=lvl),
                "method": "restyle",
                "args": [{"x": lx, "y": ly, "hovertext": lh, "text": lt}],
            }
        )
    fig.update_layout(
        updatemenus=[
            {
                "buttons": buttons,
                "active": start,
                "direction": "down",
                "x": 1.0,
                "xanchor": "right",
                "y": 1.12,
                "yanchor": "top",
                "showactive": True,
            }
        ],
        xaxis={"visible": False},
        yaxis={
            "tickvals": [-d for d in range(deepest + 1)],
            "ticktext": [_("layer {n}").format(n=d) for d in range(deepest + 1)],
            "zeroline": False,
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.05},
        hovermode="closest",
    )
    if fit < deepest:
        fig.add_annotation(
            text=_("{units} units: shown down to layer {n} at most, to stay readable").format(
                units=len(org), n=fit
            ),
            xref="paper",
            yref="paper",
            x=0,
            y=1.06,
            showarrow=False,
        )
    name = org.name or org.id
    default = _("{name} org graph (块 = command, 条 = professional guidance)").format(name=name)
    return styled(fig, title or default, height=560)
