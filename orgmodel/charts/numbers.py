"""The numbers beside the charts: headline table, policy checks, hollow units, and — when two
organisations are compared — the delta table and the list of unit changes.

One function per panel, plain data out, so the dashboard (``GET …/numbers``) and the offline
report show the same numbers in the same words. Labels, units and which way is better come
from the one table of metric labels (:data:`orgmodel.labels.METRICS`): a change is coloured
better or worse by the metric's direction, never by its sign. Head counts are whole numbers;
expected values (隐性流失, 可部署警力) keep one decimal and say that they are expected values.

The words are Chinese (``lang="zh"``, the dashboard's language) unless ``lang="en"`` is given;
they come from the metric label table and the gettext catalogue (:mod:`orgmodel.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from orgmodel.i18n import N_, _, language
from orgmodel.labels import (
    METRICS,
    format_change,
    format_check,
    format_value,
    label,
    shown_delta,
)
from orgmodel.metrics import headline, metric_report
from orgmodel.model import OrgGraph, kind_label
from orgmodel.norms import Norms, PolicyRule

__all__ = [
    "PANEL_KEYS",
    "change_list",
    "delta_rows",
    "format_delta",
    "format_value",
    "metric_label",
    "numbers_panel",
]

#: Headline metrics shown in the numbers panel and the report, in order.
PANEL_KEYS: tuple[str, ...] = (
    "units",
    "police",
    "auxiliaries",
    "people",
    "departments",
    "layers",
    "mean_span",
    "narrow_span_share",
    "establishments",
    "hollow_units",
    "overhead",
    "hidden_loss",
    "hidden_loss_share",
    "deployable",
    "mirror_index",
    "mirror_units",
    "county_level_bureaus",
    "station_share",
    "station_share_all",
    "community_share",
    "organ_share",
)

#: Unit fields as the change list names them.
_FIELD_NAMES = {
    "name": N_("name"),
    "kind": N_("kind"),
    "function": N_("function"),
    "category": N_("category"),
    "establishment": N_("establishment"),
    "police": N_("police"),
    "auxiliaries": N_("auxiliaries"),
    "leaders": N_("leader posts"),
    "duty_roster": N_("own duty roster"),
    "community_share": N_("community work share"),
    "parent": N_("parent unit"),
}


def metric_label(key: str, *, lang: str = "zh") -> str:
    """The label of a metric (Chinese by default); expected values say so
    (``可部署警力（期望值）``, ``deployable officers (expected value)``).

    >>> metric_label("deployable"), metric_label("deployable", lang="en")
    ('可部署警力（期望值）', 'deployable officers (expected value)')
    """
    m = METRICS.get(key)
    if m is None:
        return key
    with language(lang):
        return label(key, lang=lang) + (_(" (expected value)") if m.expected else "")


def format_delta(key: str, a: Any, b: Any, *, lang: str = "zh") -> tuple[str, str | None]:
    """``b − a`` as text, and whether the change is ``"better"``, ``"worse"`` or neither.

    Better or worse follows the metric's direction in :data:`orgmodel.labels.METRICS`
    (``lower`` is better for hidden loss, ``higher`` for the station share); a metric without
    a direction (a size) is neither.

    >>> format_delta("hidden_loss", 50.0, 40.5)
    ('−9.5', 'better')
    >>> format_delta("station_share", 0.40, 0.35)
    ('−5.0 个百分点', 'worse')
    >>> format_delta("police", 100, 100)
    ('0', None)

    The change is worked from the two figures as shown (139.46 → 98.54 shows 139.5 → 98.5,
    a change of −41.0, where the exact −40.92 would show −40.9):

    >>> format_delta("deployable", 139.46, 98.54, lang="en")
    ('−41.0', 'worse')
    """
    d = shown_delta(key, a, b)  # from the figures as shown, so that they add up on the page
    if d is None:
        return "—", None
    with language(lang):
        text = format_change(key, d)
    if text == "0":
        return text, None
    m = METRICS.get(key)
    if m is None or m.direction is None:
        return text, None
    better = (d > 0) == (m.direction == "higher")
    return text, "better" if better else "worse"


def _headline_rows(
    heads: Mapping[str, Any], keys: Sequence[str], lang: str
) -> list[dict[str, Any]]:
    rows = []
    for k in keys:
        m = METRICS.get(k)
        rows.append(
            {
                "id": k,
                "label": metric_label(k, lang=lang),
                "unit": m.unit if m is not None else "count",
                "direction": m.direction if m is not None else None,
                "expected": bool(m is not None and m.expected),
                "value": heads.get(k),
                "text": format_value(k, heads.get(k)),
            }
        )
    return rows


def numbers_panel(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    policy: Sequence[PolicyRule] | None = None,
    keys: Sequence[str] = PANEL_KEYS,
    limit: int = 30,
    lang: str = "zh",
) -> dict[str, Any]:
    """The numbers of one organisation: headline table, policy checks and hollow units.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
    policy : sequence of PolicyRule, optional
        The shipped policy rules by default.
    keys : sequence of str
        Headline metrics, in order.
    limit : int
        At most this many failing checks and hollow units listed (the counts are whole).
    lang : str
        ``"zh"`` (default) or ``"en"``: the language of the labels.

    Returns
    -------
    dict
        ``headline``: rows ``{id, label, unit, direction, expected, value, text}``;
        ``policy``: ``{passed, failed, not_evaluated, failing, failing_total}`` with the
        failing checks ``{rule, description, unit_id, unit_name, value, threshold, comparator}``
        (value and threshold as text); ``hollow``: ``{count, shortfall, units}`` with the
        hollow units ``{id, name, kind_name, police, fixed_posts, shortfall}``, largest
        shortfall first; ``kind_name`` as :func:`~orgmodel.model.kind_label` gives it in
        ``lang`` (``派出所``; ``派出所 (station)`` in English).
    """
    report = metric_report(org, norms=norms, policy=policy)
    heads = headline(report)
    pol = report["policy"]
    failing = [r for r in pol["results"] if r["passed"] is False]
    wf = report["workforce"]
    hollow = sorted(wf["hollow"], key=lambda h: (-h["shortfall"], h["name"]))
    with language(lang):
        # as every table of the report shows a kind: 派出所 in Chinese, 派出所 (station) in English
        kind_names = {k: kind_label(k) for k in {h["kind"] for h in hollow[:limit]}}
    return {
        "org": {"id": org.id, "name": org.name or org.id, "root": org.root},
        "headline": _headline_rows(heads, keys, lang),
        "policy": {
            "passed": pol["passed"],
            "failed": pol["failed"],
            "not_evaluated": pol["not_evaluated"],
            "failing_total": len(failing),
            "failing": [
                {
                    "rule": r["rule"],
                    "description": r["description"],
                    "unit_id": r["unit_id"],
                    "unit_name": r["unit_name"],
                    "comparator": r["comparator"],
                    # never '61.6%' failing '>= 61.6%': as many decimals as tell them apart
                    "value": format_check(r["metric"], r["value"], r["threshold"])[0],
                    "threshold": format_check(r["metric"], r["value"], r["threshold"])[1],
                }
                for r in failing[:limit]
            ],
        },
        "hollow": {
            "count": len(hollow),
            "shortfall": sum(h["shortfall"] for h in hollow),
            "units": [
                {
                    "id": h["id"],
                    "name": h["name"],
                    "kind_name": kind_names[h["kind"]],
                    "police": h["police"],
                    "fixed_posts": h["fixed_posts"],
                    "shortfall": h["shortfall"],
                }
                for h in hollow[:limit]
            ],
        },
    }


def delta_rows(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    keys: Sequence[str] = PANEL_KEYS,
    *,
    lang: str = "zh",
) -> list[dict[str, Any]]:
    """The delta table of two headline dicts: ``{id, label, before, after, delta, change}``
    with ``change`` ``"better"``, ``"worse"`` or ``None`` (see :func:`format_delta`)."""
    rows = []
    for k in keys:
        text, change = format_delta(k, before.get(k), after.get(k), lang=lang)
        rows.append(
            {
                "id": k,
                "label": metric_label(k, lang=lang),
                "before": format_value(k, before.get(k)),
                "after": format_value(k, after.get(k)),
                "delta": text,
                "change": change,
            }
        )
    return rows


def change_list(
    diff: Mapping[str, Any],
    before: OrgGraph,
    after: OrgGraph,
    *,
    limit: int = 50,
    lang: str = "zh",
) -> dict[str, Any]:
    """The unit changes of a :func:`~orgmodel.restructure.diff_orgs` result as lines of text
    (Chinese by default, ``lang="en"`` for English).

    Returns
    -------
    dict
        ``counts`` (added, removed, merged, split, renamed, moved, changed), ``total`` and
        ``lines`` (at most ``limit``), e.g. ``"合并：办公室、情报指挥中心 → 情报指挥中心"``.
    """

    def name(org: OrgGraph, uid: str) -> str:
        return org.name_of(uid) if uid in org else uid

    with language(lang):
        lines = _change_lines(diff["units"], before, after, name)
    return {"counts": dict(diff.get("counts", {})), "total": len(lines), "lines": lines[:limit]}


def _change_lines(
    units: Mapping[str, Any], before: OrgGraph, after: OrgGraph, name: Any
) -> list[str]:
    sep = _(", ")
    lines: list[str] = []
    for m in units.get("merged", []):
        srcs = sep.join(name(before, u) for u in m["from"])
        into = m.get("name") or name(after, m["into"])
        lines.append(_("merged: {units} → {into}").format(units=srcs, into=into))
    for s in units.get("split", []):
        parts = sep.join(name(after, u) for u in s.get("into", []))
        lines.append(
            _("split: {unit} → {parts}").format(unit=name(before, s.get("from", "")), parts=parts)
        )
    for r in units.get("renamed", []):
        new = r.get("name") or name(after, r["to"])
        lines.append(_("renamed: {old} → {new}").format(old=name(before, r["from"]), new=new))
    for a in units.get("added", []):
        uid = a["id"] if isinstance(a, Mapping) else a
        lines.append(_("added: {unit}").format(unit=name(after, uid)))
    for a in units.get("removed", []):
        uid = a["id"] if isinstance(a, Mapping) else a
        lines.append(_("removed: {unit}").format(unit=name(before, uid)))
    for mv in units.get("moved", []):
        uid = mv["id"] if isinstance(mv, Mapping) else mv
        lines.append(_("moved: {unit}").format(unit=name(after, uid)))
    for c in units.get("changed", []):
        fields = sep.join(
            _(_FIELD_NAMES[f]) if f in _FIELD_NAMES else f for f in c.get("fields", {})
        )
        unit = c.get("name") or name(after, c["id"])
        lines.append(_("changed: {unit} ({fields})").format(unit=unit, fields=fields))
    return lines
