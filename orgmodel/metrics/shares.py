"""Frontline shares: 警力下沉 (officers moved down) and 机关化 (officers kept in the organs).

The reform asks that officers sit where the work is: in 派出所 and in the community. The
Ministry's national target is that 派出所 hold at least 40% of a county bureau's officers;
Beijing Xicheng reports 64.5%, and 61.59% of its household-registration stations' officers
in community policing. DOMAIN.md ("Frontline shares and policy checks") defines:

- station share of a county bureau = police in its stations (with their teams, offices and
  posts) / police in the whole county subtree;
- community share of a station = police in community teams (teams with function
  ``community_policing``) and community posts / police in the station subtree;
- organ share (机关化) = police in departments, command centres and the bureau units
  themselves (their own police are the bureau leadership) / total.

``police`` is the officers posted in a unit itself; subtree totals come from one bottom-up
pass over the reversed breadth-first order (:func:`subtree_police`). A share whose
denominator is zero is ``None`` (undefined), never 0.
"""

from __future__ import annotations

from typing import Any

from orgmodel.metrics._frame import ORGAN_KINDS, Frame
from orgmodel.metrics._util import ratio
from orgmodel.model import OrgGraph

__all__ = [
    "community_shares",
    "organ_share",
    "shares_report",
    "station_shares",
    "subtree_police",
]


def subtree_police(org: OrgGraph) -> dict[str, int]:
    """Police in every unit's subtree (the unit and everything under it).

    Returns
    -------
    dict
        Unit id → Σ police over the subtree; the root's value is the organisation's total.

    Notes
    -----
    One bottom-up pass: in reversed breadth-first order every child comes before its parent,
    so adding a unit's total to its parent's completes each total before it is read.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> subtree_police(org)
    {'b': 28, 's': 23, 'p': 3}
    """
    return Frame(org).sums["total"]


def station_shares(org: OrgGraph) -> dict[str, float | None]:
    """Station share (派出所警力占比) of every county bureau.

    Returns
    -------
    dict
        County bureau id → police in station subtrees under it / police in its subtree
        (``None`` for a county bureau with no police).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> station_shares(org)  # (20 + 3) / 28
    {'b': 0.8214285714285714}
    """
    fr = Frame(org)
    node, sums = fr.node, fr.sums
    tot, sta = sums["total"], sums["station"]
    return {u: ratio(sta[u], tot[u]) for u in fr.order if node[u]["kind"] == "county"}


def community_shares(org: OrgGraph) -> dict[str, float | None]:
    """Community share (社区民警占比) of every station.

    Returns
    -------
    dict
        Station id → police in its community teams and community posts / police in the
        station subtree (``None`` for a station with no police).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> community_shares(org)  # 3 / (20 + 3)
    {'s': 0.13043478260869565}
    """
    fr = Frame(org)
    node, sums = fr.node, fr.sums
    tot, com = sums["total"], sums["community"]
    return {u: ratio(com[u], tot[u]) for u in fr.order if node[u]["kind"] == "station"}


def organ_share(org: OrgGraph) -> float | None:
    """Organ share (机关化): police in bureaus' own units, departments and command centres.

    Returns
    -------
    float or None
        Σ police of units of kind bureau, department or command_center / Σ police
        (``None`` for an organisation with no police).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> organ_share(org)  # 5 / 28
    0.17857142857142858
    """
    organ = total = 0
    for _, a in org.graph.nodes(data=True):
        total += a["police"]
        if a["kind"] in ORGAN_KINDS:
            organ += a["police"]
    return ratio(organ, total)


def shares_report(org: OrgGraph) -> dict[str, Any]:
    """Frontline shares of an organisation, org-wide and per county bureau and station.

    Returns
    -------
    dict
        ``police`` (total), ``organ_police``, ``station_police``, ``community_police``,
        ``organ_share``, ``station_share`` (station police / total), ``community_share``
        (community police / station police, over the whole organisation), ``counties``
        (list of ``{id, name, police, station_police, station_share}``) and ``stations``
        (list of ``{id, name, bureau {id, name}, police, community_police,
        community_share}``).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> r = shares_report(org)
    >>> r["police"], r["organ_police"], r["station_police"], r["community_police"]
    (28, 5, 23, 3)
    """
    return _shares_report(Frame(org))


def _shares_report(fr: Frame) -> dict[str, Any]:
    node, sums, near = fr.node, fr.sums, fr.bureau
    tot, sta, com = sums["total"], sums["station"], sums["community"]
    counties = [
        {
            "id": u,
            "name": node[u]["name"],
            "police": tot[u],
            "station_police": sta[u],
            "station_share": ratio(sta[u], tot[u]),
        }
        for u in fr.units_of_kind.get("county", ())
    ]
    stations = [
        {
            "id": u,
            "name": node[u]["name"],
            "bureau": fr.ref(near[u]),
            "police": tot[u],
            "community_police": com[u],
            "community_share": ratio(com[u], tot[u]),
        }
        for u in fr.units_of_kind.get("station", ())
    ]
    root = fr.org.root
    organ = sums["organ"][root]
    # Org-wide community share: over the police in stations, as for one station.
    community_police = sums["station_community"][root]
    return {
        "police": tot[root],
        "organ_police": organ,
        "station_police": sta[root],
        "community_police": community_police,
        "organ_share": ratio(organ, tot[root]),
        "station_share": ratio(sta[root], tot[root]),
        "station_share_all": ratio(sta[root], tot[root]),
        "community_share": ratio(community_police, sta[root]),
        "counties": counties,
        "stations": stations,
    }
