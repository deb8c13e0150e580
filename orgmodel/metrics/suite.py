"""The whole metric suite in one report, and the headline numbers drawn from it.

:func:`metric_report` runs every metric of DOMAIN.md ("Metrics") over an organisation and
returns one JSON-serialisable dict with the top-level keys ``org``, ``span``, ``layers``,
``workforce``, ``mirror``, ``shares``, ``policy`` and ``norms`` (the norms that were used,
so that a report can be read and reproduced on its own). :func:`headline` flattens a
report into the numbers a planner compares before and after a restructuring (the restructure
diff, the charts, the API and store comparisons build on both).

Each section is a handful of vectorised passes over the columns of one
:class:`~orgmodel.metrics._frame.Frame`; the per-unit lists are kept as columns and built
into rows only when read (:mod:`orgmodel.metrics.rows`), and so are the figures that only
the rows show (the auxiliaries of stations and bureaus, a station's bureau …). The generated
national organisation (≈ 645k units) takes about 0.05–0.06 CPU s in a warm process, 2.2–2.4×
the bare numpy anchor (``make bench``, cases ``metrics`` and ``anchor-numpy``) and 4.5–5×
the same pass over the columns the organisation holds (``anchor-numpy-held``). A
whole-organisation pass costs 1–3 ms and a fresh int64 column 2–9 ms more in page faults
(or its zeroing), so the passes read the columns at the positions they need (stations,
bureaus, heads, the root), work on the units that are no community post where the posts
(most units) would only add to a total, keep one value per run of siblings where the
siblings share it (command paths), and keep few whole columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from orgmodel._keywords import positional_deprecated
from orgmodel._pages import small_pages
from orgmodel.labels import METRICS
from orgmodel.metrics._frame import Frame
from orgmodel.metrics._util import norms_or_default, ratio
from orgmodel.metrics.mirror import _mirror_positions, _mirror_ratio, _mirror_report
from orgmodel.metrics.policy import _policy_report
from orgmodel.metrics.shares import _shares_report
from orgmodel.metrics.span import _layers_report, _span_report
from orgmodel.metrics.workforce import _funnel, _workforce_report
from orgmodel.model import KIND_NAMES, OrgGraph
from orgmodel.norms import Norms, PolicyRule, load_policy

__all__ = [
    "HEADLINE_KEYS",
    "HEADLINE_LABELS",
    "HEADLINE_SHARES",
    "REPORT_KEYS",
    "headline",
    "metric_report",
    "org_summary",
]

#: Top-level keys of :func:`metric_report`, in order.
REPORT_KEYS: tuple[str, ...] = (
    "org",
    "span",
    "layers",
    "workforce",
    "mirror",
    "shares",
    "policy",
    "norms",
)

#: Keys of :func:`headline`, in order, each with where it comes from in the report.
HEADLINE_KEYS: dict[str, tuple[str, str]] = {
    "units": ("org", "units"),
    "police": ("org", "police"),
    "auxiliaries": ("org", "auxiliaries"),
    "people": ("org", "people"),
    "departments": ("mirror", "departments"),
    "managing_units": ("span", "managing_units"),
    "mean_span": ("span", "mean_span"),
    "narrow_span_share": ("span", "narrow_share"),
    "wide_span_share": ("span", "wide_share"),
    "layers": ("layers", "layers"),
    "mean_command_path": ("layers", "mean_command_path"),
    "max_command_path": ("layers", "max_command_path"),
    "establishments": ("workforce", "establishments"),
    "fixed_posts": ("workforce", "fixed_posts"),
    "overhead": ("workforce", "overhead"),
    "hollow_units": ("workforce", "hollow_units"),
    "hidden_loss": ("workforce", "hidden_loss"),
    "hidden_loss_share": ("workforce", "hidden_loss_share"),
    "deployable": ("workforce", "deployable"),
    "mirror_index": ("mirror", "mirror_index"),
    "guides": ("mirror", "guides"),
    "mirror_units": ("mirror", "mirror_units"),
    "county_level_bureaus": ("shares", "county_level_bureaus"),
    "station_share": ("shares", "station_share"),
    "station_share_all": ("shares", "station_share_all"),
    "community_share": ("shares", "community_share"),
    "organ_share": ("shares", "organ_share"),
}

#: Chinese labels of the headline metrics, from the one label table (:mod:`orgmodel.labels`).
HEADLINE_LABELS: dict[str, str] = {k: METRICS[k].zh for k in HEADLINE_KEYS}

#: Headline metrics that are shares (0–1), shown as percentages.
HEADLINE_SHARES: frozenset[str] = frozenset(k for k in HEADLINE_KEYS if METRICS[k].unit == "share")


def org_summary(org: OrgGraph) -> dict[str, Any]:
    """Identity and size of an organisation (the ``org`` section of a report).

    Returns
    -------
    dict
        ``id``, ``name``, ``description``, ``root`` (``{id, name, kind}``), ``units``,
        ``police``, ``auxiliaries``, ``people`` (police + auxiliaries, 人数),
        ``establishment`` (Σ 编制数 over units that give one),
        ``by_kind`` (kind → ``{name (中文), units, police, people}``), ``parent_bureau``
        (``{name, functions}`` or ``None``), ``guides`` and ``dispatches`` (edge counts).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> s = org_summary(org)
    >>> s["units"], s["police"], s["by_kind"]["station"]
    (3, 28, {'name': '派出所', 'units': 1, 'police': 20, 'people': 20})
    """
    return _org_summary(Frame(org))


def _org_summary(fr: Frame) -> dict[str, Any]:
    org = fr.org
    st = fr.staffing
    by_kind = st.by_kind
    pb = org.parent_bureau
    guides, dispatches = fr.edges
    return {
        "id": org.id,
        "name": org.name,
        "description": org.description,
        "root": {
            "id": org.root,
            "name": org.name_of(org.root),
            "kind": org.attrs(org.root)["kind"],
        },
        "units": len(org),
        "police": sum(c[1] for c in by_kind.values()),
        "auxiliaries": st.auxiliaries,
        "people": sum(c[1] for c in by_kind.values()) + st.auxiliaries,
        "establishment": st.establishment,
        "by_kind": {
            k: {
                "name": KIND_NAMES[k],
                "units": by_kind[k][0],
                "police": by_kind[k][1],
                "people": by_kind[k][1] + st.kind_aux[k],
            }
            for k in KIND_NAMES
            if k in by_kind
        },
        "parent_bureau": None if pb is None else {"name": pb.name, "functions": list(pb.functions)},
        "guides": guides,
        "dispatches": dispatches,
    }


@positional_deprecated("norms", "policy")
def metric_report(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    policy: Sequence[PolicyRule] | None = None,
) -> dict[str, Any]:
    """Every metric of an organisation in one JSON-serialisable report.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms (the shipped ``seeds/norms.yaml`` by default); echoed under ``norms``.
    policy : sequence of PolicyRule, optional
        Policy rules (the shipped ``seeds/policy.yaml`` by default; ``[]`` for none).

    Returns
    -------
    dict
        Exactly the keys of :data:`REPORT_KEYS`: ``org`` (:func:`org_summary`), ``span``
        (:func:`~orgmodel.metrics.span.span_report`), ``layers``
        (:func:`~orgmodel.metrics.span.layers_report`, plus ``mean_command_path`` and
        ``max_command_path`` at its top level), ``workforce``
        (:func:`~orgmodel.metrics.workforce.workforce_report`), ``mirror``
        (:func:`~orgmodel.metrics.mirror.mirror_report`), ``shares``
        (:func:`~orgmodel.metrics.shares.shares_report`), ``policy``
        (:func:`~orgmodel.metrics.policy.policy_report`) and ``norms``
        (:meth:`Norms.to_dict`). Units appear everywhere with their id and Chinese name.
        The sections with per-unit lists are :class:`~orgmodel.metrics.rows.Section` dicts
        that keep the lists (narrow and wide spans, hollow establishments, bureaus, mirror
        units, county-level bureaus, stations, policy checks) as columns until they are
        read, and hand out plain lists when they are (``report["workforce"]["hollow"]``,
        :func:`json.dumps` of the report or of a list).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> list(metric_report(org))
    ['org', 'span', 'layers', 'workforce', 'mirror', 'shares', 'policy', 'norms']
    """
    with small_pages():  # fresh whole-organisation columns fault in faster (orgmodel._pages)
        fr = Frame(org, norms)
        layers = _layers_report(fr)
        layers["mean_command_path"] = layers["command_path"]["mean"]
        layers["max_command_path"] = layers["command_path"]["max"]
        report = {
            "org": _org_summary(fr),
            "span": _span_report(fr),
            "layers": layers,
            "workforce": _workforce_report(fr),
            "mirror": _mirror_report(fr),
            "shares": _shares_report(fr),
            "policy": _policy_report(fr, load_policy() if policy is None else policy),
            "norms": fr.norms.to_dict(),
        }
    _remember(org, fr.norms, _pick(report))
    return report


def _pick(report: Mapping[str, Any]) -> dict[str, float | int | None]:
    return {key: report[section][field] for key, (section, field) in HEADLINE_KEYS.items()}


def _remember(org: OrgGraph, norms: Norms, numbers: dict[str, float | int | None]) -> None:
    """Keep an organisation's headline numbers with it, per norms (an organisation never
    changes; the norms object is kept too, so that its identity stays its own)."""
    org.memo[("headline", id(norms))] = (norms, dict(numbers))


def _recall(org: OrgGraph, norms: Norms) -> dict[str, float | int | None] | None:
    hit = org.memo.get(("headline", id(norms)))
    if hit is None or hit[0] is not norms:
        return None
    return dict(hit[1])


def _headline(fr: Frame) -> dict[str, float | int | None]:
    """The headline numbers alone: the suite's passes without the per-unit lists."""
    st, norms = fr.staffing, fr.norms
    managing = fr.managing[1]
    n = len(managing)
    edges = int(managing.sum())
    police = sum(c[1] for c in st.by_kind.values())
    total_loss = sum(st.kind_loss.values())
    layers = _layers_report(fr)
    num, den = fr.county_level_sums_b
    cl_station = int(fr.own_region_b(num).astype(np.int64).sum())  # integers, as floats
    cl_police = int(fr.own_region_b(den).astype(np.int64).sum())
    total, station = fr.police_total, int(fr.station_top[0])
    community, organ = fr.station_community, fr.organ_police
    out: dict[str, float | int | None] = {
        "units": len(fr.org),
        "police": police,
        "auxiliaries": st.auxiliaries,
        "people": police + st.auxiliaries,
        "departments": len(fr.department_positions),
        "managing_units": n,
        "mean_span": ratio(edges, n),
        "narrow_span_share": ratio(int((managing < norms.narrow_below).sum()), n),
        "wide_span_share": ratio(int((managing > norms.wide_above).sum()), n),
        "layers": layers["layers"],
        "mean_command_path": layers["command_path"]["mean"],
        "max_command_path": layers["command_path"]["max"],
        "establishments": st.establishments,
        "fixed_posts": sum(c[2] for c in st.by_kind.values()),
        "overhead": sum(c[3] for c in st.by_kind.values()),
        "hollow_units": len(st.hollow_a),
        "hidden_loss": total_loss,
        "hidden_loss_share": ratio(total_loss, police),
        "deployable": _funnel(fr, "level")["total"]["deployable"],
        "mirror_index": _mirror_ratio(fr),
        "guides": fr.edges[0],
        "mirror_units": len(_mirror_positions(fr)),
        "county_level_bureaus": len(fr.county_level_bureaus),
        "station_share": ratio(cl_station, cl_police),
        "station_share_all": ratio(station, total),
        "community_share": ratio(community, station),
        "organ_share": ratio(organ, total),
    }
    return {key: out[key] for key in HEADLINE_KEYS}


@positional_deprecated("norms")
def headline(
    org_or_report: OrgGraph | Mapping[str, Any], *, norms: Norms | None = None
) -> dict[str, float | int | None]:
    """The headline numbers of an organisation, flat.

    Parameters
    ----------
    org_or_report : OrgGraph or dict
        An organisation (its report is computed, without policy checks) or a report from
        :func:`metric_report`.
    norms : Norms, optional
        Norms for an organisation given directly (ignored for a report).

    Returns
    -------
    dict
        The keys of :data:`HEADLINE_KEYS`: units, police, auxiliaries, departments,
        managing_units, mean_span, narrow_span_share, wide_span_share, layers,
        mean_command_path, max_command_path, fixed_posts, overhead, hollow_units,
        hidden_loss, hidden_loss_share, deployable, mirror_index, guides, mirror_units,
        county_level_bureaus, station_share (the aggregate over county-level bureaus: their
        station police / their police), station_share_all (station police / all police),
        community_share (police in community teams and posts / police in stations) and
        organ_share. Undefined ratios are ``None``.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> h = headline(org)
    >>> h["police"], h["layers"], h["hollow_units"], h["mirror_index"]
    (28, 3, 1, None)
    """
    if isinstance(org_or_report, OrgGraph):
        # A report already computed for this organisation and these norms is reused;
        # otherwise only the passes the headline needs run (no per-unit lists).
        n = norms_or_default(norms)
        numbers = _recall(org_or_report, n)
        if numbers is None:
            numbers = _headline(Frame(org_or_report, n))
            _remember(org_or_report, n, numbers)
        return numbers
    return _pick(org_or_report)
