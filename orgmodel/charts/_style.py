"""Shared look of every orgmodel figure: CJK font, colours, labels, hover text.

A figure's words (titles, axes, legends, hover text) follow the language in force
(:mod:`orgmodel.i18n`: the command line's ``--lang``, ``with language("zh")``; the library's
default is English); unit names are names and stay as written. Kinds and categories are
Chinese terms: in English a kind shows as ``派出所 (station)``, as the command line does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from orgmodel.i18n import _, get_language
from orgmodel.labels import format_value
from orgmodel.model import OrgGraph, kind_label

#: Font stack for 汉字: the first one installed wins (Debian: fonts-wqy-microhei).
FONT_FAMILY = (
    '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"Microsoft YaHei", "PingFang SC", sans-serif'
)

#: Short Chinese kind names for legends and axes (the long ones are in ``KIND_NAMES``).
KIND_SHORT: dict[str, str] = {
    "ministry": "公安部",
    "province": "公安厅",
    "city": "市局",
    "county": "县局/分局",
    "department": "内设机构",
    "command_center": "情指中心",
    "station": "派出所",
    "team": "所内队",
    "office": "综合指挥室",
    "community_post": "警务室",
    "group": "协调机构",
}

KIND_COLORS: dict[str, str] = {
    "ministry": "#4a1486",
    "province": "#6a51a3",
    "city": "#2171b5",
    "county": "#08519c",
    "department": "#9e9ac8",
    "command_center": "#d94801",
    "station": "#238b45",
    "team": "#74c476",
    "office": "#41ab5d",
    "community_post": "#a1d99b",
}


def kind_short(kind: str) -> str:
    """A kind's short name for legends and labels: Chinese; in English with its code."""
    name = KIND_SHORT.get(kind)
    if name is None:
        return kind
    return name if get_language() == "zh" else f"{name} ({kind})"


def kind_long(kind: str) -> str:
    """A kind's full Chinese name (``KIND_NAMES``); in English with its code
    (:func:`orgmodel.model.kind_label`)."""
    return kind_label(kind)


#: The Plotly config of every figure orgmodel draws (dashboard and report). Police staffing
#: data stays on the machine: no "send to cloud" / "edit in Chart Studio" button, no logo
#: linking to Plotly's site. (plotly.js 3 has no showLink/showEditInChartStudio options left.)
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def figure_json(fig: go.Figure) -> str:
    """The JSON the dashboard draws: ``{data, layout, config}`` with :data:`PLOTLY_CONFIG`."""
    payload = fig.to_plotly_json()
    payload["config"] = PLOTLY_CONFIG
    return str(to_json_plotly(payload))


#: Colours of the 块 (command) and 条 (guidance) lines.
REPORTS_COLOR = "#7f7f7f"
GUIDES_COLOR = "#e6550d"
DISPATCH_COLOR = "#3182bd"
ORG_COLORS = ("#2171b5", "#e6550d", "#31a354", "#756bb1", "#636363")


def styled(fig: go.Figure, title: str | None, **layout: Any) -> go.Figure:
    """Apply the shared layout: CJK font, white template, title, compact margins."""
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        title={"text": title, "x": 0.01, "xanchor": "left"} if title else None,
        margin={"l": 40, "r": 20, "t": 60 if title else 20, "b": 40},
        **layout,
    )
    return fig


def function_name(org: OrgGraph, code: str | None) -> str:
    """The Chinese name of a function code ('—' when none): a 警种 is a Chinese term, shown
    as the catalogue names it in both languages."""
    if not code:
        return "—"
    return org.catalogue[code].name if code in org.catalogue else code


def fmt_num(x: float) -> str:
    """A count as an integer, a fraction with one decimal."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def unit_hover(
    org: OrgGraph, uid: str, stats: Mapping[str, float], extra: str | None = None
) -> str:
    """Hover text of one unit: name, kind, function, police, auxiliaries, overhead, loss."""
    a = org.attrs(uid)
    lines = [
        f"<b>{a['name']}</b>",
        _("kind: {kind}").format(kind=kind_long(a["kind"])),
        _("function: {function}").format(function=function_name(org, a["function"])),
        _("police: {n}").format(n=a["police"]),
        _("auxiliaries: {n}").format(n=a["auxiliaries"]),
        _("absorbed overhead: {n}").format(n=fmt_num(stats.get("overhead", 0))),
        _("hidden loss: {n}").format(n=format_value("hidden_loss", stats.get("hidden_loss", 0))),
    ]
    if extra:
        lines.append(extra)
    return "<br>".join(lines)
