"""The offline HTML report: every relevant figure of one organisation, a comparison or a plan.

Bureaus are often offline, so the report is one self-contained file: plotly.js is embedded
once in the page head (no CDN, no fonts or scripts fetched), figures are inline ``<div>``\\ s,
the page and the figures use a CJK font stack. A JSON manifest (``#orgmodel-charts``) lists
each figure's element id and trace count, so a test (or an analyst's script) can check that
every chart drew.

:func:`report_html` returns the page as a string; writing it is the caller's business
(``orgmodel report``). The page's words are Chinese by default and English with ``lang="en"``
(the gettext catalogue, :mod:`orgmodel.i18n`); unit names, kinds and policy rule descriptions
are data and stay as written, and so do the figures' own titles.
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

from orgmodel._keywords import positional_deprecated
from orgmodel.charts import _measures as m
from orgmodel.charts._style import FONT_FAMILY, PLOTLY_CONFIG
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
from orgmodel.i18n import N_, _, language, lazy
from orgmodel.metrics import headline
from orgmodel.model import OrgGraph, kind_label
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


def _headline_table(heads: Mapping[str, Mapping[str, Any]], lang: str) -> str:
    """One column per organisation; with two, a 变化 column coloured better/worse by each
    metric's direction (orgmodel.labels), never by the sign of the change."""
    labels = list(heads)
    show_delta = len(labels) == 2
    head = "".join(f"<th>{html.escape(x)}</th>" for x in labels)
    if show_delta:
        head += "<th>" + _("change") + "</th>"
    rows = []
    deltas = (
        {r["id"]: r for r in delta_rows(heads[labels[0]], heads[labels[1]], lang=lang)}
        if show_delta
        else {}
    )
    for k in REPORT_HEADLINE_KEYS:
        cells = "".join(f"<td>{format_value(k, heads[x].get(k))}</td>" for x in labels)
        if show_delta:
            d = deltas[k]
            cls = d["change"] or ""
            mark = {"better": _(" (better)"), "worse": _(" (worse)")}.get(cls, "")
            cells += f'<td class="{cls}">{d["delta"]}{mark}</td>'
        rows.append(f"<tr><td>{html.escape(metric_label(k, lang=lang))}</td>{cells}</tr>")
    return (
        '<table class="headline"><thead><tr><th>' + _("metric") + f"</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p class='note'>"
        + _(
            "Head counts are whole numbers; numbers marked “expected value” are expected values "
            "estimated from the norms and the absence rate."
        )
        + (
            _(
                "Green is better, red is worse (by each metric's direction), black is a change "
                "of size."
            )
            if show_delta
            else ""
        )
        + "</p>"
    )


def _checks_section(org: OrgGraph, norms: Norms, lang: str, label: str | None = None) -> str:
    """Policy checks (pass/fail counts, the failing units) and the hollow units."""
    p = numbers_panel(org, norms=norms, lang=lang)
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

    def th(*cols: str) -> str:
        return "".join(f"<th>{c}</th>" for c in cols)

    return (
        f"<section class='checks'><h2>{who}"
        + _("Policy checks")
        + "</h2><p class='note'>"
        + _("{passed} passed, {failed} failed, {not_evaluated} could not be evaluated.").format(
            passed=pol["passed"], failed=pol["failed"], not_evaluated=pol["not_evaluated"]
        )
        + "</p>"
        + (
            "<table class='fails'><thead><tr>"
            + th(_("rule"), _("unit"), _("actual"), _("requirement"))
            + f"</tr></thead><tbody>{fails}</tbody></table>"
            if fails
            else ""
        )
        + (
            "<p class='note'>" + _("{n} more failed checks not listed.").format(n=more) + "</p>"
            if more > 0
            else ""
        )
        + f"<h2>{who}"
        + _("Hollow units")
        + "</h2><p class='note'>"
        + _(
            "{count} units have fewer police than their fixed posts (leaders, admin and own "
            "duty roster), {shortfall} short in all."
        ).format(count=hol["count"], shortfall=hol["shortfall"])
        + "</p>"
        + (
            "<table class='hollow'><thead><tr>"
            + th(_("unit"), _("kind"), _("police"), _("fixed posts"), _("short"))
            + f"</tr></thead><tbody>{hollow}</tbody></table>"
            if hollow
            else ""
        )
        + (
            "<p class='note'>" + _("{n} more hollow units not listed.").format(n=hmore) + "</p>"
            if hmore > 0
            else ""
        )
        + "</section>"
    )


def _changes_section(diff: Mapping[str, Any], before: OrgGraph, after: OrgGraph, lang: str) -> str:
    ch = change_list(diff, before, after, lang=lang)
    items = "".join(f"<li>{html.escape(x)}</li>" for x in ch["lines"])
    more = ch["total"] - len(ch["lines"])
    return (
        "<section><h2>"
        + _("Unit changes")
        + "</h2><p class='note'>"
        + _("{n} in all.").format(n=ch["total"])
        + f"</p><ul class='changes'>{items}</ul>"
        + (
            "<p class='note'>" + _("{n} more not listed.").format(n=more) + "</p>"
            if more > 0
            else ""
        )
        + "</section>"
    )


def _kind_cell(kind: str) -> str:
    """A kind in the norms table: its Chinese name; in English with the kind's code after it
    (``派出所 (station)``), as the command line shows kinds."""
    return kind_label(kind)


def _norms_table(norms: Norms) -> str:
    yes, no = _("yes"), _("no")
    rows = "".join(
        f"<tr><td>{html.escape(_kind_cell(k))}</td><td>{n.leaders}</td>"
        f"<td>{n.admin}</td><td>{n.duty_posts}</td><td>{n.officers_per_post}</td>"
        f"<td>{n.efficient_size}</td><td>{yes if n.duty_roster else no}</td></tr>"
        for k, n in norms.kinds.items()
    )
    heads = (
        _("kind"),
        _("leader posts L"),
        _("admin A"),
        _("duty posts D"),
        _("officers per post k"),
        _("efficient size S"),
        _("own duty roster"),
    )
    source = html.escape(norms.source or _("default"))
    return (
        "<details><summary>"
        + _("Staffing and duty norms used in this report ({source})").format(source=source)
        + "</summary><p>"
        + _("absence rate {absence}; span narrow: &lt;{narrow}, wide: &gt;{wide}").format(
            absence=f"{norms.absence_rate:.0%}", narrow=norms.narrow_below, wide=norms.wide_above
        )
        + "</p><table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in heads)
        + f"</tr></thead><tbody>{rows}</tbody></table></details>"
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
            f"<section><h2>{html.escape(title)}</h2><p class='note'>{html.escape(note)}</p>"
            f'<div class="{cls}">{inner}</div></section>'
        )


#: How the officer flows were counted (diff_orgs' ``method``), as msgids.
_METHODS = {
    "exact": N_("exact, from the plan's lineage"),
    "estimated": N_("estimated, no lineage of officers"),
}

#: Wide figures shown one under the other even when two organisations are compared.
_WIDE = frozenset({"graph", "mirror"})

_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "hierarchy",
        N_("Hierarchy"),
        N_(
            "Area is the number of police (with the units below); colour is the hidden-loss "
            "share: the darker a block, the more of its officers its own leader, admin and "
            "duty posts absorb."
        ),
    ),
    (
        "graph",
        N_("Org graph: blocks and lines"),
        N_(
            "Solid lines are command (块); dashed lines are a department's guidance of the "
            "same department one level down (条). The drop-down at the top right filters by "
            "level."
        ),
    ),
    (
        "spans",
        N_("Span of control distribution"),
        N_(
            "How many direct subordinates each managing unit has; narrow spans mean leaders "
            "on every layer."
        ),
    ),
    (
        "funnel",
        N_("Workforce availability funnel"),
        N_(
            "From the police on the roll take away the leader posts, admin, own duty roster "
            "and absence: what remains is the deployable workforce."
        ),
    ),
    (
        "mirror",
        N_("Mirror matrix (上下对口)"),
        N_(
            "Rows are bureaus, columns are functions (警种); orange/red are departments copied "
            "from the level above, red those smaller than the efficient size."
        ),
    ),
)


def _org_figure(key: str, org: OrgGraph, norms: Norms) -> go.Figure:
    if key == "hierarchy":
        return hierarchy_figure(org, norms=norms)
    if key == "graph":
        return layered_graph_figure(org, norms=norms)
    if key == "spans":
        return span_bands_figure(org, norms=norms)
    if key == "funnel":
        return availability_funnel_figure(org, norms=norms, by="category")
    return mirror_heatmap_figure(org, norms=norms)


@positional_deprecated("norms")
def report_html(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    compare: OrgGraph | None = None,
    scenario: Any | None = None,
    diff: Mapping[str, Any] | None = None,
    title: str | None = None,
    sources: Sequence[str] = (),
    lang: str = "zh",
    scope: str | None = None,
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
    lang : str
        ``"zh"`` (default) or ``"en"``: the language of the page's words (headings, notes,
        labels, the figures' titles, axes and legends). Unit names, the Chinese terms of
        kinds and functions and policy rule descriptions are written as they are.
    scope : str, optional
        The unit the page is re-rooted on (``orgmodel report --root``): the officer flows
        say "within" it (范围内), the plan having run on the whole organisation.

    Returns
    -------
    str
        The HTML page (UTF-8 text; plotly.js embedded, about 4.5 MB).
    """
    if compare is not None and scenario is not None:
        raise ValueError(lazy("report_html: give either compare= or scenario=, not both"))
    with language(lang) as code:
        return _report(org, norms, compare, scenario, diff, title, sources, code, scope)


def _report(
    org: OrgGraph,
    norms: Norms | None,
    compare: OrgGraph | None,
    scenario: Any | None,
    diff: Mapping[str, Any] | None,
    title: str | None,
    sources: Sequence[str],
    lang: str,
    scope: str | None = None,
) -> str:
    norms = m.norms_or_default(norms)
    name = org.name or org.id
    other: OrgGraph | None = compare
    labels = [name]
    if scenario is not None:
        other = scenario.org
        labels = [_("before"), _("after")]
        if diff is None:
            from orgmodel.restructure import diff_orgs

            diff = diff_orgs(org, scenario.org, norms=norms, lineage=scenario.lineage)
    elif compare is not None:
        if diff is None:  # two snapshots: units matched by id, flows estimated
            from orgmodel.restructure import diff_orgs

            diff = diff_orgs(org, compare, norms=norms, metrics=False)
        labels = [name, compare.name or compare.id]
        if labels[1] == labels[0]:
            labels[1] += _(" (compared)")
    orgs = [org] if other is None else [org, other]
    heads = {lab: headline(o, norms=norms) for lab, o in zip(labels, orgs, strict=True)}

    page = _Page()
    page.add(
        "<section><h2>"
        + _("Headline metrics")
        + "</h2>"
        + _headline_table(heads, lang)
        + "</section>"
    )
    page.add(_checks_section(org, norms, lang, labels[0] if other is not None else None))
    if other is not None:
        page.add(_checks_section(other, norms, lang, labels[1]))
    if diff is not None and other is not None:
        page.add(_changes_section(diff, org, other, lang))
    if scenario is not None:
        plan = scenario.plan
        steps = "".join(
            "<li>"
            + _("{operation}: {summary}").format(
                operation=f"<b>{html.escape(s.op_name)}</b>", summary=html.escape(str(s.summary))
            )
            + "</li>"
            for s in scenario.steps
        )
        hired, retired = scenario.hired, scenario.retired
        desc = html.escape(getattr(plan, "description", "") or "")
        heading = _("Restructuring plan: {name}").format(name=html.escape(plan.name or ""))
        page.add(
            f"<section><h2>{heading}</h2>"
            f"<p class='note'>{desc}</p><ol class='steps'>{steps}</ol><p class='note'>"
            + _("{hired} police hired, {retired} retired; all other officers conserved.").format(
                hired=hired.get("police", 0), retired=retired.get("police", 0)
            )
            + "</p></section>"
        )
    if other is not None:
        page.section(
            _("Metrics compared"),
            _(
                "The three groups are shares, numbers of officers and structure counts; click "
                "a legend entry to hide one side."
            ),
            [
                (
                    compare_figure(dict(zip(labels, heads.values(), strict=True)), norms=norms),
                    "compare",
                )
            ],
        )
    if scenario is not None and diff is not None:
        off = diff["officers"]
        method = _(_METHODS[off["method"]]) if off.get("method") in _METHODS else ""
        page.section(
            _("Officer flows (old unit → new unit)"),
            _(
                "Police {a} → {b}: stayed {stayed}, moved {moved}, hired {hired}, retired "
                "{retired} ({method}); officers who stayed are not drawn. Before = stayed + "
                "moved + retired; after = stayed + moved + hired."
            ).format(
                a=off["police_a"],
                b=off["police_b"],
                stayed=off["stayed"]["police"],
                moved=off["moved"]["police"],
                hired=off["hired"]["police"],
                retired=off["retired"]["police"],
                method=method or off.get("method_label", ""),
            ),
            [(officer_flows_figure(diff, org, scenario.org, scope=scope), "flows")],
        )
        page.section(
            _("Officer flows by unit category"),
            _(
                "Changes between bureau leadership, general management, law-enforcement duty "
                "and the front line (officers who stay in their category included)."
            ),
            [
                (
                    officer_flows_figure(diff, org, scenario.org, by="category", scope=scope),
                    "flows_category",
                )
            ],
        )
    for key, heading, note in _SECTIONS:
        figs = [(_org_figure(key, o, norms), key) for o in orgs]
        if len(orgs) == 2:
            for (f, _key), lab in zip(figs, labels, strict=True):
                t = f.layout.title.text or ""
                f.update_layout(title_text=_("[{side}] {title}").format(side=lab, title=t))
        page.section(_(heading), _(note), figs, pair=key not in _WIDE)
    page.add(_norms_table(norms))

    heading = title or (
        _("Organisation structure report: {name}").format(name=name)
        if other is None
        else _("Restructuring plan assessment: {name}").format(name=name)
        if scenario is not None
        else _("Comparison: {a} and {b}").format(a=labels[0], b=labels[1])
    )
    when = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    src = _("; ").join(html.escape(s) for s in sources)
    sub = _("generated {when}").format(when=when) + (
        _("; data: {sources}").format(sources=src) if src else ""
    )
    manifest = json.dumps(page.manifest, ensure_ascii=False)
    footer = _(
        "orgmodel public-security organisation model · metrics defined in DOMAIN.md · this "
        "file opens offline"
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f"<!DOCTYPE html>\n<html lang='{html_lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(heading)}</title>"
        f"<style>{_CSS % {'font': FONT_FAMILY}}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        f"<script type='application/json' id='orgmodel-charts'>{manifest}</script>"
        "</head><body>"
        f"<header><h1>{html.escape(heading)}</h1><p>{sub}</p></header>"
        f"<main>{''.join(page.parts)}</main>"
        f"<footer>{footer}</footer>"
        "</body></html>\n"
    )
