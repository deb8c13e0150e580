"""上下对口 as a picture: which bureau copies which department of the bureau above.

Rows are bureaus (the parent bureau of an organisation exported alone comes first, marked
上级), columns are functions (警种) of the catalogue that any bureau has. A cell is coloured
when the bureau has a department of that function: blue when the bureau above has none
(本级特设), orange when it copies a department of the bureau above (对口), red when that
copy is also smaller than the efficient size S (对口小单位, a "mirror unit"). The number in
the cell is the police of those departments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import plotly.graph_objects as go

from orgmodel._keywords import positional_deprecated
from orgmodel.charts import _measures as m
from orgmodel.charts._style import fmt_num, styled
from orgmodel.i18n import N_, _, join_list
from orgmodel.metrics.mirror import mirror_by_bureau, mirror_units
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms

__all__ = ["mirror_heatmap_figure"]

#: Cell states: value → (label, a msgid; colour).
CELL_STATES: dict[int, tuple[str, str]] = {
    1: (N_("set by the bureau above / top bureau"), "#bdbdbd"),
    2: (N_("own to this level (none above)"), "#6baed6"),
    3: (N_("mirrors the bureau above"), "#fd8d3c"),
    4: (N_("small mirror unit (police < efficient size)"), "#cb181d"),
}


def _discrete_scale(states: Mapping[int, tuple[str, str]]) -> list[list[Any]]:
    lo, hi = min(states), max(states)
    n = hi - lo + 1
    scale: list[list[Any]] = []
    for i, v in enumerate(range(lo, hi + 1)):
        c = states[v][1]
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


@positional_deprecated("norms")
def mirror_heatmap_figure(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    max_bureaus: int = 40,
    first: Sequence[str] = (),
    title: str | None = None,
) -> go.Figure:
    """Bureaus × functions heatmap of 上下对口.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        For the efficient size S that marks a copied department as a mirror unit.
    max_bureaus : int
        At most this many bureau rows (root first, breadth-first); the rest are left out and
        counted in a note. Each row is a few dozen cells with their numbers: 60 rows took a
        browser about a second to draw, 40 about half that.
    first : sequence of str
        Bureau ids shown before all others (those a restructuring changed, see
        :func:`orgmodel.charts._measures.changed_bureaus`), so that at scale the rows that
        tell the story are never the ones cut off. The note counts them.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        One ``heatmap`` trace: ``y`` bureau names, ``x`` function names, ``z`` the cell state
        (``None`` absent, 1 上级设置, 2 本级特设, 3 对口, 4 对口小单位), ``text`` the police.
    """
    norms = m.norms_or_default(norms)
    bf = m.bureau_departments(org)
    small_copies = set(mirror_units(org, norms=norms))
    index = mirror_by_bureau(org)
    parent_of = m.parent_functions(org)
    rows: list[tuple[str, str, Mapping[str, Sequence[str]] | None, AbstractSet[str] | None]] = []
    if org.parent_bureau is not None:
        pb = org.parent_bureau
        rows.append((_("above: {name}").format(name=pb.name), "", None, frozenset(pb.functions)))
    bureaus = [b for b in bf if bf[b]]
    lead = [b for b in dict.fromkeys(first) if bf.get(b)]
    if lead:
        chosen = set(lead)
        bureaus = lead + [b for b in bureaus if b not in chosen]
    left_out = max(0, len(bureaus) - max_bureaus)
    for b in bureaus[:max_bureaus]:
        label = org.name_of(b)
        if b in index:
            label += _(" (mirror {share})").format(share=f"{index[b]:.0%}")
        rows.append((label, b, bf[b], parent_of.get(b)))

    used: set[str] = set()
    for _label, _b, fns, own in rows:
        used |= set(fns) if fns is not None else set(own or ())
    columns = [f.code for f in org.catalogue if f.code in used]
    columns += sorted(used - set(columns))

    z: list[list[int | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    labels: list[str] = []
    for label, _bureau, fns, parent_fns in rows:
        # Duplicate bureau names (two 城关 bureaus) would merge rows on a category axis.
        while label in labels:
            label += " "
        labels.append(label)
        zr: list[int | None] = []
        tr: list[str] = []
        hr: list[str] = []
        for code in columns:
            fname = org.catalogue[code].name if code in org.catalogue else code
            if fns is None:  # the parent bureau outside the graph: functions only
                on = parent_fns is not None and code in parent_fns
                zr.append(1 if on else None)
                tr.append("")
                hr.append(
                    f"{label}<br>"
                    + _("{label}: {name}").format(
                        label=fname, name=_("present") if on else _("absent")
                    )
                )
                continue
            units = fns.get(code, ())
            if not units:
                zr.append(None)
                tr.append("")
                hr.append(
                    f"{label}<br>" + _("{label}: {name}").format(label=fname, name=_("absent"))
                )
                continue
            police = sum(org.attrs(u)["police"] for u in units)
            copied = parent_fns is not None and code in parent_fns
            top = parent_fns is None
            small = any(u in small_copies for u in units)
            state = 1 if top else 4 if copied and small else 3 if copied else 2
            zr.append(state)
            tr.append(fmt_num(police))
            names = str(join_list(org.name_of(u) for u in units))
            hr.append(
                f"<b>{label}</b><br>"
                + "<br>".join(
                    (
                        _("function: {function}").format(function=fname),
                        _("units: {names}").format(names=names),
                        _("police: {n}").format(n=fmt_num(police)),
                        _(CELL_STATES[state][0]),
                    )
                )
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)

    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[org.catalogue[c].name if c in org.catalogue else c for c in columns],
            y=labels,
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            zmin=min(CELL_STATES) - 0.5,
            zmax=max(CELL_STATES) + 0.5,
            colorscale=_discrete_scale(CELL_STATES),
            colorbar={
                "tickvals": list(CELL_STATES),
                "ticktext": [_(s[0]) for s in CELL_STATES.values()],
                "title": {"text": _("mirroring (上下对口)")},
            },
            xgap=2,
            ygap=2,
            name=_("上下对口"),
        )
    )
    fig.update_layout(
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"side": "top", "type": "category", "tickangle": -45},
        plot_bgcolor="#f7f7f7",
    )
    margin_top = 150
    note = _("{n} more bureaus not shown").format(n=left_out) if left_out else ""
    if lead:
        first_note = _("the {n} bureaus that changed come first").format(n=len(lead))
        note = _("{a}; {b}").format(a=first_note, b=note) if note else first_note
    if note:
        fig.add_annotation(
            text=note,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.08,
            showarrow=False,
        )
    name = org.name or org.id
    return styled(
        fig,
        title or _("{name} mirror matrix (bureau × function, numbers = police)").format(name=name),
        height=max(320, margin_top + 60 + 30 * len(rows)),
    ).update_layout(margin={"t": margin_top})
