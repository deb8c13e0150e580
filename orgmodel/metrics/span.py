"""Span of control (管理幅度), layers (管理层级) and command paths (指挥链长度).

A bureau built "上下对口" stacks many small units, each with its own leaders: spans are
narrow and the chain from the bureau to a community post (社区警务室, the smallest combat
unit) is long. 扁平化 — flattening — widens spans and shortens that chain. This module
measures both, as DOMAIN.md ("Span and layers") defines them:

- span(u) = number of direct REPORTS_TO children of u. Units with at least one child are
  *managing units*; leaves are left out of span statistics (not counted as zero).
- span bands (1, 2–3, 4–7, 8–12, 13–16, 17+ by default; from the norms) are reported as the
  count and share of managing units in each.
- narrow span: span < ``norms.narrow_below`` (3); wide span: span > ``norms.wide_above`` (15).
- supervision ratio(u) = (police(u) − leaders(u)) / leaders(u): officers per leader post.
- layer(u) = REPORTS_TO hops from the root; layers of an org = 1 + max layer of a frontline
  unit (派出所, 队, 室, 社区警务室).
- command path of a community post: see :func:`command_paths` for the exact rule.

Every function is one pass over :meth:`OrgGraph.order` and returns plain data.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from orgmodel._keywords import positional_deprecated
from orgmodel.metrics._frame import Frame, _first_seen
from orgmodel.metrics._util import ratio
from orgmodel.metrics.rows import Rows, Section
from orgmodel.model import KINDS, OrgGraph
from orgmodel.norms import Norms

__all__ = [
    "command_paths",
    "layers",
    "layers_report",
    "narrow_spans",
    "org_layers",
    "span_bands",
    "span_report",
    "spans",
    "supervision_ratios",
    "wide_spans",
]

#: How many units a report lists where a list could run to thousands (longest paths).
REPORT_LIST_LIMIT = 20


def spans(org: OrgGraph) -> dict[str, int]:
    """Span of control of every managing unit.

    Parameters
    ----------
    org : OrgGraph

    Returns
    -------
    dict
        Unit id → number of direct REPORTS_TO children, for units with at least one child
        (root first, breadth-first). Leaves are absent, not zero.

    Notes
    -----
    span(u) = |{c : c REPORTS_TO u}|. Σ span(u) over managing units = number of REPORTS_TO
    edges = units − 1.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> spans(org)
    {'b': 1, 's': 1}
    """
    return dict(Frame(org).spans)


@positional_deprecated("norms")
def span_bands(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, dict[str, Any]]:
    """Count and share of managing units in each span band.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Where the bands come from; the shipped norms by default.

    Returns
    -------
    dict
        Band label (``"1"``, ``"2–3"``, …, ``"17+"``, in band order) →
        ``{"count": int, "share": float | None}``; share = count / managing units
        (``None`` when the organisation has no managing unit).

    Notes
    -----
    share(band) = |{u managing : span(u) ∈ band}| / |{u managing}|.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> span_bands(org)["1"]
    {'count': 2, 'share': 1.0}
    """
    return _bands(Frame(org, norms))


@positional_deprecated("norms")
def narrow_spans(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, int]:
    """Managing units whose span is narrow (< ``norms.narrow_below``, 3 by default).

    Returns
    -------
    dict
        Unit id → span, for managing units with span < narrow_below.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> narrow_spans(org)
    {'b': 1, 's': 1}
    """
    fr = Frame(org, norms)
    return {u: n for u, n in fr.spans.items() if n < fr.norms.narrow_below}


@positional_deprecated("norms")
def wide_spans(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, int]:
    """Managing units whose span is wide (> ``norms.wide_above``, 15 by default).

    Returns
    -------
    dict
        Unit id → span, for managing units with span > wide_above.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> wide_spans(org)
    {}
    """
    fr = Frame(org, norms)
    return {u: n for u, n in fr.spans.items() if n > fr.norms.wide_above}


@positional_deprecated("norms")
def supervision_ratios(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, float | None]:
    """Officers per leader post of every unit.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Default leader posts for units without their own ``leaders``.

    Returns
    -------
    dict
        Unit id → (police − leaders) / leaders, or ``None`` for a unit with no leader post
        (a community post, by default).

    Notes
    -----
    ratio(u) = (police(u) − L(u)) / L(u), with L(u) the unit's ``leaders`` or the norm of
    its kind. The value is negative when a unit has fewer officers than leader posts.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> supervision_ratios(org)["s"]  # (20 - 2) / 2
    9.0
    """
    fr = Frame(org, norms)
    kinds = fr.norms.kinds
    own = org.columns.leaders[fr.rows].tolist()
    default = [kinds[k].leaders if k in kinds else 0 for k in KINDS]
    lead = [
        d if o < 0 else o for o, d in zip(own, (default[k] for k in fr.kind.tolist()), strict=True)
    ]
    return {
        u: ((p - ld) / ld if ld else None)
        for u, p, ld in zip(fr.order, fr.police.tolist(), lead, strict=True)
    }


def layers(org: OrgGraph) -> dict[str, int]:
    """Layer of every unit: REPORTS_TO hops from the root (the root is layer 0).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> layers(org)
    {'b': 0, 's': 1, 'p': 2}
    """
    return dict(org.depths())


def org_layers(org: OrgGraph) -> int:
    """Number of layers of an organisation: 1 + the deepest layer of a frontline unit.

    Returns
    -------
    int
        1 + max layer(u) over frontline units (station, team, office, community post). An
        organisation without any frontline unit counts all its units instead.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> org_layers(org)
    3
    """
    fr = Frame(org)
    deepest = fr.deepest_frontline
    return 1 + (deepest if deepest >= 0 else int(fr.depth[-1]))


def command_paths(org: OrgGraph) -> dict[str, int]:
    """Command path of every community post: how many steps an order takes to reach it.

    Returns
    -------
    dict
        Community post id → command path (hops), breadth-first order.

    Notes
    -----
    For a community post p, with B the nearest bureau above p (the root if there is none):

    - by the command line, path = depth(p) − depth(B), the REPORTS_TO hops from B;
    - if some ancestor-or-self t of p is DISPATCHED by a command centre (情指中心 tasks it
      directly), the order can go centre → t → … → p, which is 1 + depth(p) − depth(t) hops.
      Only the nearest such t matters (it gives the fewest hops).

    command path(p) = the shorter of the two. The measure of 扁平化: fewer is flatter.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> command_paths(org)
    {'p': 2}
    """
    return Frame(org).paths[0]


@positional_deprecated("norms")
def span_report(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, Any]:
    """Span of control of an organisation, with the narrow and wide units listed.

    Returns
    -------
    dict
        ``managing_units``, ``edges`` (REPORTS_TO), ``mean_span``, ``median_span``,
        ``max_span`` (unit ref with its span), ``bands`` (list of
        ``{band, count, share}``), ``narrow_below``, ``wide_above``, ``narrow_share``,
        ``wide_share``, ``narrow``/``wide`` (lists of ``{id, name, kind, span}``),
        ``supervision`` (``mean`` officers per leader post over units with leader posts and
        ``by_kind``: kind → mean) and ``by_kind`` (kind → managing units and mean span).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> r = span_report(org)
    >>> r["managing_units"], r["mean_span"], r["narrow_share"]
    (2, 1.0, 1.0)
    """
    return _span_report(Frame(org, norms))


def layers_report(org: OrgGraph) -> dict[str, Any]:
    """Layers of an organisation and the command paths down to its community posts.

    Returns
    -------
    dict
        ``layers`` (:func:`org_layers`), ``max_depth``, ``by_layer`` (list of
        ``{layer, units, police}``), and ``command_path``: ``posts``, ``mean``, ``max``,
        ``min``, ``distribution`` (list of ``{hops, posts}``), ``via_command_centre`` (posts
        reached more directly through a DISPATCHES edge) and ``longest`` (up to
        20 posts with the longest path, each ``{id, name, hops, bureau}``).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> r = layers_report(org)
    >>> r["layers"], r["command_path"]["mean"]
    (3, 2.0)
    """
    return _layers_report(Frame(org))


def _span_counts(sp: np.ndarray) -> np.ndarray:
    """Managing units by span (``counts[k]``: units of span ``k``) from their spans."""
    return np.bincount(sp) if len(sp) else np.zeros(1, dtype=np.int64)


def _bands(fr: Frame, span_counts: np.ndarray | None = None) -> dict[str, dict[str, Any]]:
    """Managing units by span band; ``span_counts``: their :func:`_span_counts`, when at
    hand."""
    counts = _span_counts(fr.managing[1]) if span_counts is None else span_counts
    values = np.flatnonzero(counts)
    by_band: Counter[str | None] = Counter()
    for v, c in zip(values.tolist(), counts[values].tolist(), strict=True):
        by_band[fr.norms.band_of(v)] += c
    total = int(counts.sum())
    return {
        label: {"count": by_band[label], "share": ratio(by_band[label], total)}
        for label in fr.norms.band_labels()
    }


def _span_rows(fr: Frame, sel: np.ndarray, span: np.ndarray) -> Rows:
    """``{id, name, kind, span}`` of managing units at positions ``sel``, with their spans."""
    return _span_rows_where(fr, sel, span, None)


def _span_rows_where(
    fr: Frame, managing: np.ndarray, span: np.ndarray, where: np.ndarray | None
) -> Rows:
    """:func:`_span_rows` of the managing units where a mask over them is true (all of them
    for ``None``), picked out when a row is first read."""
    labels = fr.labels
    picked: list[np.ndarray] = []

    def build(at: np.ndarray) -> list[dict[str, Any]]:
        if not picked:
            picked.extend((managing, span) if where is None else (managing[where], span[where]))
        sel, sp = picked[0][at], picked[1][at]
        cols = zip(
            labels.ids(sel),
            labels.names(sel),
            fr.kind[sel].tolist(),
            sp.tolist(),
            strict=True,
        )
        return [{"id": u, "name": name, "kind": KINDS[k], "span": s} for u, name, k, s in cols]

    return Rows(len(managing) if where is None else int(np.count_nonzero(where)), build)


def _span_report(fr: Frame) -> Section:
    norms, kind = fr.norms, fr.kind
    managing, sp = fr.managing
    n = len(managing)
    edges = int(sp.sum())
    is_narrow, is_wide = sp < norms.narrow_below, sp > norms.wide_above
    narrow = _span_rows_where(fr, managing, sp, is_narrow)
    wide = _span_rows_where(fr, managing, sp, is_wide)
    mk = kind[managing]
    kind_count = np.bincount(mk, minlength=len(KINDS))
    kind_span = np.bincount(mk, weights=sp, minlength=len(KINDS))
    first = _first_seen(mk, len(KINDS))
    kinds_seen = sorted(np.flatnonzero(kind_count).tolist(), key=first.__getitem__)
    sup = fr.staffing.supervision
    top = int(np.argmax(sp)) if n else None
    counts = _span_counts(sp)
    if n:
        # the spans of ranks (n - 1) // 2 and n // 2 (0-based, ascending), from the counts
        lo, hi = np.searchsorted(np.cumsum(counts), [(n - 1) // 2, n // 2], side="right").tolist()
        median: float | None = float(hi) if n % 2 else (lo + hi) / 2
    else:
        median = None
    return Section(
        {
            "managing_units": n,
            "edges": edges,
            "mean_span": ratio(edges, n),
            "median_span": median,
            "max_span": None if top is None else _span_rows(fr, managing[[top]], sp[[top]])[0],
            "bands": [{"band": k, **v} for k, v in _bands(fr, counts).items()],
            "narrow_below": norms.narrow_below,
            "wide_above": norms.wide_above,
            "narrow_share": ratio(len(narrow), n),
            "wide_share": ratio(len(wide), n),
            "narrow": narrow,
            "wide": wide,
            "supervision": {
                "mean": ratio(sum(v[0] for v in sup.values()), sum(v[1] for v in sup.values())),
                "by_kind": {k: v[0] / v[1] for k, v in sup.items() if v[1]},
            },
            "by_kind": {
                KINDS[k]: {
                    "managing_units": int(kind_count[k]),
                    "mean_span": int(kind_span[k]) / int(kind_count[k]),
                }
                for k in kinds_seen
            },
        }
    )


def _layers_report(fr: Frame) -> dict[str, Any]:
    paths = fr.post_paths
    posts = paths.posts
    by_layer, deepest = fr.by_layer, fr.deepest_frontline
    max_depth = max(by_layer)
    dist, via = paths.distribution()
    longest: list[dict[str, Any]] = []
    if len(posts):
        top = max(dist)
        far = paths.first(top, REPORT_LIST_LIMIT)
        labels = fr.labels
        longest = [
            {"id": u, "name": name, "hops": top, "bureau": b}
            for u, name, b in zip(
                labels.ids(far),
                labels.names(far),
                labels.refs(fr.near_bureau_at[far]),
                strict=True,
            )
        ]
    n = len(posts)
    return {
        "layers": 1 + (deepest if deepest >= 0 else max_depth),
        "max_depth": max_depth,
        "by_layer": [
            {"layer": d, "units": by_layer[d][0], "police": by_layer[d][1]}
            for d in sorted(by_layer)
        ],
        "command_path": {
            "posts": n,
            "mean": ratio(sum(h * c for h, c in dist.items()), n),
            "max": max(dist) if dist else None,
            "min": min(dist) if dist else None,
            "distribution": [{"hops": h, "posts": dist[h]} for h in sorted(dist)],
            "via_command_centre": via,
            "longest": longest,
        },
    }
