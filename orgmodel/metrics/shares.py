"""Frontline shares: 警力下沉 (officers moved down) and 机关化 (officers kept in the organs).

The reform asks that officers sit where the work is: in 派出所 and in the community. The
Ministry's national target is that 派出所 hold at least 40% of every county-level bureau's
officers; Beijing Xicheng reports 64.5%, and 61.59% of its household-registration stations'
officers in community policing. DOMAIN.md ("Frontline shares and policy checks") defines:

- a county-level bureau (县级公安机关) is the bureau nearest above a station (a county bureau
  or 分局, or a city bureau that commands stations directly); a county bureau that only heads
  other 分局 is not one. A county bureau with no bureau below it counts even without
  stations (its share is then 0, not undefined);
- station share of a county-level bureau = police in its stations (with their teams, offices
  and posts) / police in its subtree, leaving out the subtrees of county-level bureaus below
  it, so no officer is counted twice;
- the headline station share of any organisation is the aggregate over its county-level
  bureaus: Σ their station police / Σ their police. The organs of a city, province or
  ministry are not in that denominator (Tianjin reports 53.6% of its 15 分局 this way). The
  share of all police, higher organs included, is ``station_share_all`` — a different figure;
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

import numpy as np

from orgmodel.metrics._frame import ORGAN_KINDS, Frame, kind_table
from orgmodel.metrics._util import ratio
from orgmodel.metrics.rows import Rows, Section
from orgmodel.model import KINDS, OrgGraph

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
    return Frame(org).sums["total"]  # by id, from the arrays


def station_shares(org: OrgGraph) -> dict[str, float | None]:
    """Station share (派出所警力占比) of every county-level bureau (县级公安机关).

    Returns
    -------
    dict
        County-level bureau id → police in its stations / police in its own region (its
        subtree without the subtrees of county-level bureaus below it); ``None`` for a
        bureau with no police.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("c", "某市公安局", "city", police=100),
    ...     Unit("k", "某区分局", "county", parent="c", police=5),
    ...     Unit("s", "城关派出所", "station", parent="k", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> station_shares(org)  # the city heads a 分局, so only k: (20 + 3) / 28
    {'k': 0.8214285714285714}
    """
    fr = Frame(org)
    num, den = fr.county_level_sums
    own_num, own_den = fr.own_region_a(num).tolist(), fr.own_region_a(den).tolist()
    bureaus = fr.ids_at(fr.county_level_bureaus)
    return {b: ratio(n, d) for b, n, d in zip(bureaus, own_num, own_den, strict=True)}


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
    sums = fr.sums_arrays
    st = fr.positions_of_kind("station")
    tot, com = sums["total"][st].tolist(), sums["community"][st].tolist()
    return {u: ratio(c, t) for u, c, t in zip(fr.ids_at(st), com, tot, strict=True)}


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
    cols = org.columns
    organ = int(cols.police[kind_table(ORGAN_KINDS)[cols.kind]].sum())
    return ratio(organ, int(cols.police.sum()))


def shares_report(org: OrgGraph) -> dict[str, Any]:
    """Frontline shares of an organisation, org-wide and per county bureau and station.

    Returns
    -------
    dict
        ``police`` (total), ``organ_police``, ``station_police`` (all station subtrees),
        ``community_police``, ``organ_share``, ``county_level_bureaus`` (count),
        ``county_level_police`` and ``county_level_station_police`` (Σ over county-level
        bureaus), ``station_share`` (their ratio: the headline, DOMAIN.md's aggregate),
        ``station_share_all`` (station police / all police, higher organs included),
        ``community_share`` (community police / station police, over the whole
        organisation), ``county_level`` (list of ``{id, name, kind, police, people,
        station_police, station_share}``, each over its own region) and ``stations`` (list
        of ``{id, name, bureau {id, name}, police, people, community_police,
        community_share}``). ``police`` and ``people`` (police + auxiliaries) of a station
        include its teams, office and posts.

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
    >>> r["county_level_bureaus"], round(r["station_share"], 3)  # (20 + 3) / 28
    (1, 0.821)
    """
    return _shares_report(Frame(org))


def _shares_report(fr: Frame) -> Section:
    near, labels = fr.near_bureau_at, fr.labels
    bureaus = fr.county_level_bureaus
    own_num, own_den = fr.county_level_own
    cl_kind = fr.kind[bureaus]
    # The auxiliaries (people = police + auxiliaries) are read by the rows alone: summed
    # when the first row is built (a pass over the deepest level), not for the numbers.
    own_people: list[np.ndarray] = []

    def county_level_rows(at: np.ndarray) -> list[dict[str, Any]]:
        if not own_people:
            aux = fr.own_region_b(fr.subtree_at(fr.aux, bureaus).astype(np.float64))
            own_people.append(own_den + aux)
        cols = zip(
            labels.ids(bureaus[at]),
            labels.names(bureaus[at]),
            cl_kind[at].tolist(),
            own_num[at].tolist(),
            own_den[at].tolist(),
            own_people[0][at].tolist(),
            strict=True,
        )
        return [
            {
                "id": b,
                "name": name,
                "kind": KINDS[k],
                "police": int(d),
                "people": int(x),
                "station_police": int(n),
                "station_share": ratio(n, d),
            }
            for b, name, k, n, d, x in cols
        ]

    st = fr.positions_of_kind("station")
    st_police, st_com = fr.station_sums

    def station_rows(at: np.ndarray) -> list[dict[str, Any]]:
        pos = st[at]
        police = st_police[at]
        cols = zip(
            labels.ids(pos),
            labels.names(pos),
            labels.refs(near[pos]),
            police.tolist(),
            (police + fr.subtree_at(fr.aux, pos)).tolist(),
            st_com[at].tolist(),
            strict=True,
        )
        return [
            {
                "id": u,
                "name": name,
                "bureau": b,
                "police": t,
                "people": x,
                "community_police": c,
                "community_share": ratio(c, t),
            }
            for u, name, b, t, x, c in cols
        ]

    organ = fr.organ_police
    total = fr.police_total
    station = int(fr.station_top[0])
    # integers held as floats (exact below 2**53): added as integers
    cl_police = int(own_den.astype(np.int64).sum())
    cl_station = int(own_num.astype(np.int64).sum())
    # Org-wide community share: over the police in stations, as for one station.
    community_police = fr.station_community
    return Section(
        {
            "police": total,
            "organ_police": organ,
            "station_police": station,
            "community_police": community_police,
            "organ_share": ratio(organ, total),
            "county_level_bureaus": len(bureaus),
            "county_level_police": cl_police,
            "county_level_station_police": cl_station,
            "station_share": ratio(cl_station, cl_police),
            "station_share_all": ratio(station, total),
            "community_share": ratio(community_police, station),
            "county_level": Rows(len(bureaus), county_level_rows),
            "stations": Rows(len(st), station_rows),
        }
    )
