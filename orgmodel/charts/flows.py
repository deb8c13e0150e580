"""Where the officers went: a Sankey of officer flows from old units to new units.

After a restructuring (合并大部门, 警力下沉, 两队一室) every officer of the base organisation
sits in some unit of the result. The Sankey draws, on the left, the base units officers left
and, on the right, the result units they joined; the width of a band is the number of
officers (民警, or 辅警 when asked). Officers who stayed in an unchanged unit are left out,
so the bands sum to the officers moved. Hired officers come from "新招录", retired ones go
to "退出". Given ``by="category"``, the same diff is drawn category → category (机关 →
基层 is the 警力下沉 story), the officers who stayed included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import plotly.graph_objects as go

from orgmodel.charts._style import (
    KIND_COLORS,
    KIND_SHORT,
    fmt_num,
    function_name,
    kind_short,
    styled,
)
from orgmodel.i18n import N_, _
from orgmodel.labels import category_name
from orgmodel.model import OrgGraph

__all__ = ["Flow", "flows_from_diff", "officer_flows_figure"]

#: One flow: (base unit id or None for hired, result unit id or None for retired, officers).
Flow = tuple[str | None, str | None, float]

# The two ends of flows, kept apart from unit ids and function names in grouping keys; shown
# as "hired" and "leaving the force".
_HIRED = "\x00hired"
_RETIRED = "\x00retired"
_OFFICERS = {"police": N_("police"), "auxiliaries": N_("auxiliaries")}
CATEGORY_COLORS = {
    "leadership": "#08519c",
    "management": "#9e9ac8",
    "duty": "#d94801",
    "frontline": "#238b45",
}


def flows_from_diff(
    diff: Mapping[str, Any], officers: str = "police", by: str = "unit"
) -> list[tuple[str | None, str | None, float]]:
    """The flows of a :func:`~orgmodel.restructure.diff_orgs` result as ``(from, to, n)``.

    ``by="unit"``: unit → unit (hired/retired as ``None``). ``by="category"``: category →
    category (局领导/综合管理/执法勤务/基层一线, ``hired``/``retired``), officers who stayed
    included, so the bands sum to the whole workforce.
    """
    if officers not in _OFFICERS:
        raise ValueError(f"officers must be 'police' or 'auxiliaries', got {officers!r}")
    if by == "unit":
        rows = diff["officers"]["flows"]
    elif by == "category":
        rows = diff["officers"]["by_category"]
    else:
        raise ValueError(f"by must be 'unit' or 'category', got {by!r}")
    return [(r["from"], r["to"], r[officers]) for r in rows if r[officers]]


_GROUP = "group:"


def _group_of(org: OrgGraph, uid: str | None, none: str) -> str:
    """The function level a unit's officers are grouped under in the long tail of a Sankey
    (``none``: the name of the missing side, 新招录 or 退出)."""
    if uid is None:
        return none
    if uid not in org:
        return uid
    a = org.attrs(uid)
    if a["function"]:
        return function_name(org, a["function"])
    return kind_short(a["kind"]) if a["kind"] in KIND_SHORT else str(a["kind"])


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def officer_flows_figure(
    flows: Mapping[str, Any] | Iterable[Flow],
    before: OrgGraph,
    after: OrgGraph,
    *,
    officers: str = "police",
    by: str = "unit",
    include_unchanged: bool = False,
    max_links: int = 60,
    title: str | None = None,
    scope: str | None = None,
) -> go.Figure:
    """Sankey of officers moved by a scenario: base units (left) → result units (right).

    Parameters
    ----------
    flows : dict or iterable of (from_id, to_id, officers)
        A :func:`orgmodel.restructure.diff_orgs` result, or flows as triples; ``from_id``
        ``None`` means hired, ``to_id`` ``None`` means retired.
    before, after : OrgGraph
        The base and the result, for names and kinds.
    officers : {"police", "auxiliaries"}
        What a diff's flows are counted in (民警 or 辅警).
    by : {"unit", "category"}
        For a diff: unit → unit, or category → category (局领导/综合管理/执法勤务/基层一线,
        with the officers who stayed, so the bands sum to the whole workforce).
    include_unchanged : bool
        Keep flows from a unit to the same unit id (officers who stayed). Off by default, so
        the bands sum to the officers moved.
    max_links : int
        The largest flows are drawn one by one; the rest are grouped by function level (警种,
        or the kind for units without one: 派出所, 警务室 …), one band per pair of groups
        ("刑侦（其余单位）→ 刑侦（其余单位）"), so a large plan still says which functions
        its officers moved between. Every node label carries the officers through it.
    title : str, optional
    scope : str, optional
        The name of the unit the figure is re-rooted on, when it shows one part of the
        organisation: the title names it, and a figure without flows says that no officer
        moved within it (范围内), not that the plan moved none.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``sankey`` trace. ``link.value`` sums to the officers moved.
    """
    what = _(_OFFICERS[officers]) if officers in _OFFICERS else officers
    if by not in ("unit", "category"):
        raise ValueError(f"by must be 'unit' or 'category', got {by!r}")
    if isinstance(flows, Mapping):
        triples = flows_from_diff(flows, officers, by)
    elif by == "category":
        raise ValueError("by='category' needs a diff_orgs result")
    else:
        triples = list(flows)
    keep_same = include_unchanged or by == "category"
    merged: dict[tuple[str | None, str | None], float] = {}
    for src, dst, n in triples:
        if n <= 0 or (src == dst and not keep_same):
            continue
        merged[(src, dst)] = merged.get((src, dst), 0.0) + float(n)
    links = sorted(merged.items(), key=lambda kv: -kv[1])
    rest = links[max_links:] if len(links) > max_links else []
    links = links[: max_links if rest else None]
    grouped: dict[tuple[str, str], float] = {}
    for (s, d), n in rest:
        key = (_group_of(before, s, _HIRED), _group_of(after, d, _RETIRED))
        grouped[key] = grouped.get(key, 0.0) + n

    node_index: dict[tuple[str, str | None], int] = {}
    labels: list[str] = []
    colors: list[str] = []
    hovers: list[str] = []

    def node(side: str, uid: str | None, org: OrgGraph) -> int:
        key = (side, uid)
        if key in node_index:
            return node_index[key]
        node_index[key] = len(labels)
        if uid is None or (uid in ("hired", "retired") and by == "category"):
            label = _("hired") if side == "old" else _("leaving the force")
            color = "#969696"
            hover = label
        elif by == "category":
            label = category_name(uid)
            color = CATEGORY_COLORS.get(uid, "#636363")
            hover = label
        elif uid.startswith(_GROUP):
            label = _("{group} (other units)").format(group=uid[len(_GROUP) :])
            color, hover = "#bdbdbd", label
        elif uid in org:
            a = org.attrs(uid)
            label = org.name_of(uid)
            color = KIND_COLORS.get(a["kind"], "#636363")
            hover = _("{name} ({kind}, {n} police)").format(
                name=label, kind=kind_short(a["kind"]), n=a["police"]
            )
        else:
            label, color, hover = uid, "#636363", uid
        side_label = _("old unit") if side == "old" else _("new unit")
        labels.append(label)
        colors.append(color)
        hovers.append(_("{side}: {unit}").format(side=side_label, unit=hover))
        return node_index[key]

    def band(a: str, b: str, n: float) -> str:
        return _("{a} → {b}: {n} {officers}").format(a=a, b=b, n=fmt_num(n), officers=what)

    src_idx: list[int] = []
    dst_idx: list[int] = []
    values: list[float] = []
    link_colors: list[str] = []
    link_hover: list[str] = []
    for (s, d), n in links:
        i, j = node("old", s, before), node("new", d, after)
        src_idx.append(i)
        dst_idx.append(j)
        values.append(n)
        link_colors.append(_rgba(colors[i], 0.35))
        link_hover.append(band(labels[i], labels[j], n))
    for (gs, gd), n in sorted(grouped.items(), key=lambda kv: -kv[1]):
        i = node("old", None if gs == _HIRED else _GROUP + gs, before)
        j = node("new", None if gd == _RETIRED else _GROUP + gd, after)
        src_idx.append(i)
        dst_idx.append(j)
        values.append(n)
        link_colors.append("rgba(150,150,150,0.35)")
        link_hover.append(band(labels[i], labels[j], n))

    moved = sum(values)
    # numbers on the bands: each node says how many officers pass through it
    through = [0.0] * len(labels)
    for i, j, n in zip(src_idx, dst_idx, values, strict=True):
        through[i] += n
        through[j] += n
    labels = [f"{lab} {fmt_num(t)}" for lab, t in zip(labels, through, strict=True)]
    trace: dict[str, Any] = {
        "arrangement": "snap",
        "node": {
            "label": labels,
            "color": colors,
            "pad": 12,
            "thickness": 14,
            "customdata": hovers,
            "hovertemplate": "%{customdata}<br>" + _("flow: %{value:.0f}") + "<extra></extra>",
        },
        "link": {
            "source": src_idx,
            "target": dst_idx,
            "value": values,
            "color": link_colors,
            "customdata": link_hover,
            "hovertemplate": "%{customdata}<extra></extra>",
        },
        "name": _("{officers} flows").format(officers=what),
    }
    fig = go.Figure(go.Sankey(**trace))
    if not values:
        empty = (
            _("the plan moves no {officers}").format(officers=what)
            if scope is None
            else _("the plan moves no {officers} within {scope}").format(officers=what, scope=scope)
        )
        fig.add_annotation(text=empty, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    name = (after.name or after.id) if scope is None else scope
    default = (
        _("{name} {officers} flows (old unit → new unit, {n} moved)")
        if by == "unit"
        else _("{name} {officers} flows by unit category (before → after, {n} in all)")
    ).format(name=name, officers=what, n=fmt_num(moved))
    return styled(
        fig,
        title or default,
        height=max(420, min(1200, 22 * max(len(labels), 1) // 2 + 200)),
    )
