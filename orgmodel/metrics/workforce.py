"""Hidden workforce loss (警力隐性流失): officers on the books but not on the street.

Every unit, however small, carries fixed posts — its leaders (领导职数), its clerks (内勤/文秘)
and, when it keeps its own 24/7 duty roster (值班备勤), five officers for every round-the-clock
post. A bureau built "上下对口" has 20–30 small units, so a large share of its officers sits
in those fixed posts. DOMAIN.md ("Hidden workforce loss") defines, with the staffing norms
of the unit's kind (leader posts L, admin posts A, 24/7 duty posts D, officers per 24/7 post
k, efficient size S):

- fixed posts F(u) = L + A + (D × k if duty_roster(u) else 0)
- absorbed overhead O(u) = min(police(u), F(u))
- hollow unit (空壳): police(u) < F(u); its shortfall is F(u) − police(u)
- hidden loss(u) = O(u) × max(0, 1 − police(u) / S): the part of the overhead that exists
  only because the unit is small. A unit at or above S has none.
- hidden loss of an org = Σ hidden loss(u); hidden loss share = that / Σ police.
- availability funnel (after HMIC's "visible and available" count): police → − leaders →
  − admin → − duty rosters → − absence → deployable officers, by level or by category.

A unit's own ``leaders`` and ``duty_roster`` override the norms of its kind. All functions
are one pass over the units and return plain data.
"""

from __future__ import annotations

import heapq
from typing import Any

from orgmodel.metrics._frame import Frame
from orgmodel.metrics._util import CATEGORY_LABELS, LEVEL_LABELS, ratio
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms

__all__ = [
    "FUNNEL_STAGES",
    "absorbed_overhead",
    "availability_funnel",
    "fixed_posts",
    "hidden_loss",
    "hollow_units",
    "workforce_report",
]

#: Stages of the availability funnel: (key, Chinese label). Each after the first is what
#: remains once that deduction is made.
FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("police", "民警实有"),
    ("after_leaders", "减领导职数"),
    ("after_admin", "减内勤文秘"),
    ("after_duty", "减24小时值班备勤"),
    ("deployable", "减缺勤 = 可用警力"),
)

#: How many units the report lists by hidden loss.
TOP_HIDDEN_LOSS = 20


def fixed_posts(org: OrgGraph, norms: Norms | None = None) -> dict[str, int]:
    """Fixed posts F of every unit.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms (the shipped ``seeds/norms.yaml`` by default).

    Returns
    -------
    dict
        Unit id → F(u).

    Notes
    -----
    F(u) = L + A + (D × k if duty_roster(u) else 0), L and duty_roster from the unit when it
    sets them, else from the norms of its kind.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> fixed_posts(org)  # county 4+2; station 2+1+1×5; post 0
    {'b': 6, 's': 8, 'p': 0}
    """
    return Frame(org, norms).staffing.fixed


def absorbed_overhead(org: OrgGraph, norms: Norms | None = None) -> dict[str, int]:
    """Officers absorbed by fixed posts in every unit.

    Returns
    -------
    dict
        Unit id → O(u) = min(police(u), F(u)).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> absorbed_overhead(org)  # min(5, 6), min(20, 8), min(3, 0)
    {'b': 5, 's': 8, 'p': 0}
    """
    fr = Frame(org, norms)
    node = fr.node
    return {u: min(node[u]["police"], f) for u, f in fr.staffing.fixed.items()}


def hollow_units(org: OrgGraph, norms: Norms | None = None) -> dict[str, int]:
    """Hollow units (空壳): units with fewer officers than their fixed posts.

    Returns
    -------
    dict
        Unit id → shortfall F(u) − police(u), for units with police(u) < F(u).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> hollow_units(org)  # the bureau: 6 - 5
    {'b': 1}
    """
    fr = Frame(org, norms)
    node, fixed = fr.node, fr.staffing.fixed
    return {u: fixed[u] - node[u]["police"] for u in fr.staffing.hollow}


def hidden_loss(org: OrgGraph, norms: Norms | None = None) -> dict[str, float]:
    """Hidden workforce loss (警力隐性流失) of every unit.

    Returns
    -------
    dict
        Unit id → O(u) × max(0, 1 − police(u) / S(kind)); 0.0 for units at or above S.

    Notes
    -----
    The hidden loss of an organisation is the sum of these values; its share is that sum
    over Σ police.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> loss = hidden_loss(org)  # b: 5 × (1 − 5/30); s: 8 × (1 − 20/40); p: 0
    >>> round(loss["b"], 4), loss["s"], loss["p"]
    (4.1667, 4.0, 0.0)
    """
    return Frame(org, norms).staffing.loss


def availability_funnel(
    org: OrgGraph, norms: Norms | None = None, by: str = "level"
) -> dict[str, Any]:
    """Availability funnel: how many officers are left to deploy after each deduction.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms and the absence rate.
    by : {"level", "category"}
        ``"level"``: KIND_LEVELS of the unit, units inside a bureau or station taking the
        level of that bureau or station (a county's departments are county level, a
        station's teams station level). ``"category"``: leadership, management, duty,
        frontline (:meth:`OrgGraph.category_of`).

    Returns
    -------
    dict
        ``by``, ``absence_rate``, ``stages`` (list of ``{key, label}``), ``groups`` (list,
        one per level or category present, each ``{key, label, units, police, leaders,
        admin, duty, absence, after_leaders, after_admin, after_duty, deployable}``) and
        ``total`` (the same numbers over the whole organisation).

    Raises
    ------
    ValueError
        ``by`` is neither ``"level"`` nor ``"category"``.

    Notes
    -----
    Per unit, each deduction takes at most what is left, so the stages never increase:
    leaders = min(police, L); admin = min(police − leaders, A); duty = min(rest, D × k if
    the unit runs a roster); absence = rest × absence_rate; deployable = rest − absence.
    leaders + admin + duty = O(u), the absorbed overhead.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> f = availability_funnel(org)
    >>> [(g["key"], g["police"], g["after_duty"]) for g in f["groups"]]
    [('3', 5, 0), ('4', 20, 12), ('5', 3, 3)]
    >>> round(f["total"]["deployable"], 1)  # (0 + 12 + 3) × (1 − 0.10)
    13.5
    """
    if by not in ("level", "category"):
        raise ValueError(f"availability_funnel: by must be 'level' or 'category', got {by!r}")
    return _funnel(Frame(org, norms), by)


def _cat_rank(cat: str) -> tuple[int, str]:
    ranks = list(CATEGORY_LABELS)
    return (ranks.index(cat) if cat in ranks else len(ranks), cat)


def workforce_report(org: OrgGraph, norms: Norms | None = None) -> dict[str, Any]:
    """Hidden workforce loss of an organisation: totals, hollow units, funnels.

    Returns
    -------
    dict
        ``police``, ``auxiliaries``, ``fixed_posts`` (ΣF), ``overhead`` (ΣO),
        ``overhead_share``, ``hollow_units`` (count), ``shortfall`` (Σ shortfall),
        ``hidden_loss`` (Σ), ``hidden_loss_share``, ``deployable``, ``deployable_share``,
        ``by_kind`` (kind → units, police, fixed_posts, overhead, hollow_units,
        hidden_loss), ``hollow`` (list of ``{id, name, kind, police, fixed_posts,
        shortfall}``, largest shortfall first), ``top_hidden_loss`` (up to 20
        ``{id, name, kind, police, efficient_size, overhead, hidden_loss}``) and
        ``funnel`` (``{"level": …, "category": …}``, see :func:`availability_funnel`).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> r = workforce_report(org)
    >>> r["police"], r["fixed_posts"], r["overhead"], r["hollow_units"]
    (28, 14, 13, 1)
    """
    return _workforce_report(Frame(org, norms))


def _funnel(fr: Frame, by: str) -> dict[str, Any]:
    st = fr.staffing
    if by == "level":
        sums = st.by_level
        labels = {str(k): v for k, v in LEVEL_LABELS.items()} | {"?": "其他 (other)"}
        order = sorted(sums, key=lambda k: (k == "?", k))
    else:
        sums = st.by_category
        labels = dict(CATEGORY_LABELS)
        order = sorted(sums, key=_cat_rank)
    rate = fr.norms.absence_rate

    def group(key: str, label: str, units: int, p: int, lead: int, adm: int, duty: int) -> Any:
        rest = p - lead - adm - duty
        absence = rest * rate
        return {
            "key": key,
            "label": label,
            "units": units,
            "police": p,
            "leaders": lead,
            "admin": adm,
            "duty": duty,
            "absence": absence,
            "after_leaders": p - lead,
            "after_admin": p - lead - adm,
            "after_duty": rest,
            "deployable": rest - absence,
        }

    tot = [sum(sums[k][i] for k in sums) for i in range(5)]
    return {
        "by": by,
        "absence_rate": rate,
        "stages": [{"key": k, "label": lab} for k, lab in FUNNEL_STAGES],
        "groups": [group(k, labels.get(k, k), *sums[k]) for k in order],
        "total": group("total", "合计 (total)", *tot),
    }


def _workforce_report(fr: Frame) -> dict[str, Any]:
    norms, node, st = fr.norms, fr.node, fr.staffing
    fixed, loss = st.fixed, st.loss
    police = sum(c[1] for c in st.by_kind.values())
    total_f = sum(c[2] for c in st.by_kind.values())
    total_o = sum(c[3] for c in st.by_kind.values())
    hollow = [
        {"id": u, "name": node[u]["name"], "kind": node[u]["kind"], "police": node[u]["police"],
         "fixed_posts": fixed[u], "shortfall": fixed[u] - node[u]["police"]}
        for u in st.hollow
    ]  # fmt: skip
    hollow.sort(key=lambda r: -r["shortfall"])
    total_loss = sum(st.kind_loss.values())
    top = heapq.nlargest(TOP_HIDDEN_LOSS, (u for u in loss if loss[u] > 0), key=loss.__getitem__)
    level = _funnel(fr, "level")
    deployable = level["total"]["deployable"]
    return {
        "police": police,
        "auxiliaries": st.auxiliaries,
        "fixed_posts": total_f,
        "overhead": total_o,
        "overhead_share": ratio(total_o, police),
        "hollow_units": len(hollow),
        "shortfall": sum(r["shortfall"] for r in hollow),
        "hidden_loss": total_loss,
        "hidden_loss_share": ratio(total_loss, police),
        "deployable": deployable,
        "deployable_share": ratio(deployable, police),
        "by_kind": {
            kind: {
                "units": c[0],
                "police": c[1],
                "fixed_posts": c[2],
                "overhead": c[3],
                "hollow_units": c[4],
                "hidden_loss": st.kind_loss[kind],
            }
            for kind, c in st.by_kind.items()
        },
        "hollow": hollow,
        "top_hidden_loss": [
            {
                "id": u,
                "name": node[u]["name"],
                "kind": node[u]["kind"],
                "police": node[u]["police"],
                "efficient_size": norms[node[u]["kind"]].efficient_size,
                "overhead": min(node[u]["police"], fixed[u]),
                "hidden_loss": loss[u],
            }
            for u in top
        ],
        "funnel": {"level": level, "category": _funnel(fr, "category")},
    }
