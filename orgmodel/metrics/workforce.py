"""Hidden workforce loss (警力隐性流失): officers on the books but not on the street.

Every unit, however small, carries fixed posts — its leaders (领导职数), its clerks (内勤/文秘)
and, when it keeps its own 24/7 duty roster (值班备勤), five officers for every round-the-clock
post. A bureau built "上下对口" has 20–30 small units, so a large share of its officers sits
in those fixed posts. DOMAIN.md ("Hidden workforce loss", "Establishments") defines, with the
staffing norms of the unit's kind (leader posts L, admin posts A, 24/7 duty posts D, officers
per 24/7 post k, efficient size S):

- an establishment (编制单元) is where fixed posts are counted: a 派出所 with its teams (队),
  its office (综合指挥室) and its community posts is one — its leaders lead the teams, its
  office runs its one roster; every other unit is its own;
- fixed posts F(e) = L + A + (D × k if duty_roster else 0) of the head unit; for a station,
  D × k once if the station or any member keeps a roster, plus the members' ``added_posts``
  (norms; shipped 0);
- police(e) = Σ police of its units; absorbed overhead O(e) = min(police(e), F(e));
- hollow (空壳): police(e) < F(e); its shortfall is F(e) − police(e);
- hidden loss(e) = O(e) × max(0, 1 − police(e) / S(head kind)): the part of the overhead
  that exists only because the establishment is small. At or above S there is none.
- hidden loss of an org = Σ hidden loss(e); hidden loss share = that / Σ police.
- availability funnel (after HMIC's "visible and available" count): police → − leaders →
  − admin → − duty rosters → − absence → deployable officers, by level or by category. An
  establishment's posts are filled by its head's officers first, then its members', so its
  one roster is deducted once.

The law that follows: rebuilding a station as 两队一室 with the same officers never raises
fixed posts, hidden loss or hollow units — it only regroups the station's officers.

A unit's own ``leaders`` and ``duty_roster`` override the norms of its kind (inside a
station, a team's or office's leaders are the station's: they add no posts). All functions
are one or two passes over the units and return plain data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from orgmodel._keywords import positional_deprecated
from orgmodel.i18n import lazy
from orgmodel.labels import METRICS
from orgmodel.metrics._frame import Frame
from orgmodel.metrics._util import (
    CATEGORY_LABELS,
    LEVEL_LABELS,
    OTHER_LABEL,
    TOTAL_LABEL,
    ratio,
)
from orgmodel.metrics.rows import Rows, Section
from orgmodel.model import KINDS, OrgGraph
from orgmodel.norms import Norms

__all__ = [
    "FUNNEL_STAGES",
    "absorbed_overhead",
    "availability_funnel",
    "establishment_of",
    "establishments",
    "fixed_posts",
    "hidden_loss",
    "hollow_units",
    "unit_staffing",
    "workforce_report",
]

#: Stages of the availability funnel: (key, Chinese label). Each after the first is what
#: remains once that deduction is made.
FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("police", "民警实有"),
    ("after_leaders", "减领导职数"),
    ("after_admin", "减内勤文秘"),
    ("after_duty", "减24小时值班备勤"),
    ("deployable", f"减缺勤 = {METRICS['deployable'].zh}"),
)

#: How many establishments the report lists by hidden loss.
TOP_HIDDEN_LOSS = 20


def establishment_of(org: OrgGraph) -> dict[str, str]:
    """The establishment (编制单元) of every unit, named by its head unit.

    Returns
    -------
    dict
        Unit id → head id: the station for a station's teams, office and community posts
        (also those under its teams); the unit itself for every other unit.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=2),
    ...     Unit("t", "社区警务队", "team", parent="s", function="community_policing", police=9),
    ...     Unit("p", "东街社区警务室", "community_post", parent="t", police=3),
    ... ])
    >>> establishment_of(org)
    {'b': 'b', 's': 's', 't': 's', 'p': 's'}
    """
    return Frame(org).staffing.head


@positional_deprecated("norms")
def fixed_posts(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, int]:
    """Each unit's part of its establishment's fixed posts.

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms (the shipped ``seeds/norms.yaml`` by default).

    Returns
    -------
    dict
        Unit id → posts: F(u) = L + A + (D × k if it keeps a roster) for a unit that is its
        own establishment; for a station, its establishment's L + A + D × k (once); for a
        team or office in a station, the ``added_posts`` of its kind (shipped 0); for a
        community post in a station, 0. The values sum to the organisation's fixed posts.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> fixed_posts(org)  # county 4+2; station 2+1+1×5; the post is in the station's
    {'b': 6, 's': 8, 'p': 0}
    """
    return Frame(org, norms).staffing.fixed


@positional_deprecated("norms")
def absorbed_overhead(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, int]:
    """Officers of every unit absorbed by its establishment's fixed posts.

    Returns
    -------
    dict
        Unit id → officers of that unit in fixed posts. For a unit that is its own
        establishment, O(u) = min(police(u), F(u)); a station's posts are filled by the
        station's own officers first, then its members'. Per establishment they sum to
        O(e) = min(police(e), F(e)).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=2),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=30),
    ... ])
    >>> absorbed_overhead(org)  # min(5, 6); the station's 8 posts: 2 from s, 6 from p
    {'b': 5, 's': 2, 'p': 6}
    """
    return Frame(org, norms).staffing.overhead


@positional_deprecated("norms")
def hollow_units(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, int]:
    """Hollow establishments (空壳): fewer officers than their fixed posts.

    Returns
    -------
    dict
        Head unit id → shortfall F(e) − police(e), for establishments with police(e) < F(e).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=2),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> hollow_units(org)  # the bureau: 6 − 5; the station: 8 − (2 + 3)
    {'b': 1, 's': 3}
    """
    fr = Frame(org, norms)
    st = fr.staffing
    h = st.hollow_a
    short = (st.est_fixed_a[h] - st.est_police_a[h]).tolist()
    return dict(zip(fr.ids_at(h), short, strict=True))


@positional_deprecated("norms")
def hidden_loss(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, float]:
    """Hidden workforce loss (警力隐性流失), on the head unit of every establishment.

    Returns
    -------
    dict
        Unit id → O(e) × max(0, 1 − police(e) / S(head kind)) for the head of an
        establishment e; 0.0 for the members of a station's establishment and for
        establishments at or above S.

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
    >>> loss = hidden_loss(org)  # b: 5 × (1 − 5/30); s: 8 × (1 − 23/40); p: in s
    >>> round(loss["b"], 4), round(loss["s"], 4), loss["p"]
    (4.1667, 3.4, 0.0)
    """
    return Frame(org, norms).staffing.loss


@positional_deprecated("norms")
def establishments(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, dict[str, Any]]:
    """Every establishment (编制单元) with its figures.

    Returns
    -------
    dict
        Head unit id → ``{name, kind, members (units, the head included), police, people
        (police + auxiliaries), fixed_posts, overhead, shortfall, hidden_loss}``.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=2),
    ...     Unit("o", "综合指挥室", "office", parent="s", function="station_command", police=4),
    ...     Unit("t", "社区警务队", "team", parent="s", function="community_policing", police=30),
    ... ])
    >>> e = establishments(org)["s"]  # F = 2 + 1 + 1×5 once; 36 police
    >>> e["members"], e["police"], e["fixed_posts"], e["overhead"], e["shortfall"]
    (3, 36, 8, 8, 0)
    >>> round(e["hidden_loss"], 1)  # 8 × (1 − 36/40)
    0.8
    """
    fr = Frame(org, norms)
    return _establishment_rows(fr)


def _establishment_rows(fr: Frame) -> dict[str, dict[str, Any]]:
    st = fr.staffing
    heads = np.flatnonzero(st.is_head)
    out: dict[str, dict[str, Any]] = {}
    cols = zip(
        heads.tolist(),
        st.est_members_a[heads].tolist(),
        st.est_police_a[heads].tolist(),
        st.est_people_a[heads].tolist(),
        st.est_fixed_a[heads].tolist(),
        st.loss_a[heads].tolist(),
        strict=True,
    )
    for h, members, pe, people, f, loss in cols:
        out[fr.order[h]] = {
            "name": fr.names[h],
            "kind": fr.kind_name(h),
            "members": members,
            "police": pe,
            "people": people,
            "fixed_posts": f,
            "overhead": min(pe, f),
            "shortfall": max(0, f - pe),
            "hidden_loss": loss,
        }
    return out


@positional_deprecated("norms")
def unit_staffing(org: OrgGraph, *, norms: Norms | None = None) -> list[dict[str, Any]]:
    """Per-unit staffing rows, each naming the establishment the unit belongs to.

    Returns
    -------
    list of dict
        One row per unit, breadth-first: ``{id, name, kind, police, people, fixed_posts,
        overhead, hidden_loss, establishment: {id, name}}`` with the unit's own part of
        its establishment's posts (:func:`fixed_posts`, :func:`absorbed_overhead`,
        :func:`hidden_loss`).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=2),
    ...     Unit("t", "社区警务队", "team", parent="s", function="community_policing", police=9),
    ... ])
    >>> [(r["id"], r["establishment"]["name"]) for r in unit_staffing(org)]
    [('b', '某县公安局'), ('s', '城关派出所'), ('t', '城关派出所')]
    """
    fr = Frame(org, norms)
    st = fr.staffing
    head = st.head_a.tolist()
    cols = zip(
        fr.order,
        fr.names,
        fr.kind.tolist(),
        fr.police.tolist(),
        fr.aux.tolist(),
        st.fixed_a.tolist(),
        st.overhead_a.tolist(),
        st.loss_a.tolist(),
        head,
        strict=True,
    )
    return [
        {
            "id": u,
            "name": name,
            "kind": KINDS[k],
            "police": p,
            "people": p + a,
            "fixed_posts": f,
            "overhead": o,
            "hidden_loss": x,
            "establishment": fr.refp(h),
        }
        for u, name, k, p, a, f, o, x, h in cols
    ]


@positional_deprecated("norms", "by")
def availability_funnel(
    org: OrgGraph, *, norms: Norms | None = None, by: str = "level"
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
        raise ValueError(
            lazy("availability_funnel: by={by!r} is neither 'level' nor 'category'", by=by)
        )
    return _funnel(Frame(org, norms), by)


def _cat_rank(cat: str) -> tuple[int, str]:
    ranks = list(CATEGORY_LABELS)
    return (ranks.index(cat) if cat in ranks else len(ranks), cat)


@positional_deprecated("norms")
def workforce_report(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, Any]:
    """Hidden workforce loss of an organisation: totals, hollow units, funnels.

    Returns
    -------
    dict
        ``police``, ``auxiliaries``, ``people`` (police + auxiliaries), ``establishments``
        (count; ``station_establishments``: stations with teams, office or posts),
        ``fixed_posts`` (ΣF), ``overhead`` (ΣO),
        ``overhead_share``, ``hollow_units`` (hollow establishments), ``shortfall`` (Σ shortfall),
        ``hidden_loss`` (Σ), ``hidden_loss_share``, ``deployable``, ``deployable_share``,
        ``by_kind`` (kind → units, police, fixed_posts, overhead, hollow_units,
        hidden_loss; a station's figures carry its establishment's), ``hollow`` (hollow
        establishments, ``{id, name, kind, members, police, people, fixed_posts,
        shortfall}`` of the head unit and the whole establishment, largest shortfall first),
        ``top_hidden_loss`` (up to 20 establishments, ``{id, name, kind, members, police,
        people, fixed_posts, efficient_size, overhead, hidden_loss}``) and
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
        labels = {str(k): v for k, v in LEVEL_LABELS.items()} | {"?": OTHER_LABEL}
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
        "total": group("total", TOTAL_LABEL, *tot),
    }


def _hollow_rows(fr: Frame) -> Rows:
    """Hollow establishments, ``{id, name, kind, members, police, people, fixed_posts,
    shortfall}`` of the head and the whole establishment, the largest shortfall first (and
    breadth-first among equals)."""
    st, labels = fr.staffing, fr.labels
    g = st.hollow_s  # their slots
    short = st.g_fixed[g] - st.g_police[g]
    # shortfalls are small: a stable sort of int16 keys is a radix sort (same order)
    small = len(short) and int(short.max()) < 2**15 and int(short.min()) > -(2**15)
    by = np.argsort(-(short.astype(np.int16) if small else short), kind="stable")
    g, short = g[by], short[by]
    h = st.heads[g]
    kind, members = fr.kind[h], st.g_members[g]
    police, fixed = st.g_police[g], st.g_fixed[g]

    def build(at: np.ndarray) -> list[dict[str, Any]]:
        people = st.people_at(h[at])  # only the rows read
        cols = zip(
            labels.ids(h[at]), labels.names(h[at]), kind[at].tolist(), members[at].tolist(),
            police[at].tolist(), people.tolist(), fixed[at].tolist(), short[at].tolist(),
            strict=True,
        )  # fmt: skip
        return [
            {"id": u, "name": name, "kind": KINDS[k], "members": m, "police": p,
             "people": x, "fixed_posts": f, "shortfall": sf}
            for u, name, k, m, p, x, f, sf in cols
        ]  # fmt: skip

    return Rows(len(h), build)


def _workforce_report(fr: Frame) -> Section:
    norms, st = fr.norms, fr.staffing
    police = sum(c[1] for c in st.by_kind.values())
    total_f = sum(c[2] for c in st.by_kind.values())
    total_o = sum(c[3] for c in st.by_kind.values())

    def est_row(h: int, g: int, people: int, u: str, name: str) -> dict[str, Any]:
        return {"id": u, "name": name, "kind": fr.kind_name(h),
                "members": int(st.g_members[g]), "police": int(st.g_police[g]),
                "people": people, "fixed_posts": int(st.g_fixed[g])}  # fmt: skip

    hollow = _hollow_rows(fr)
    total_loss = sum(st.kind_loss.values())
    # The establishments with a loss (their heads, breadth-first), the largest first; among
    # equal losses, breadth-first (as a stable sort would). Only those at least as large as
    # the TOP_HIDDEN_LOSS-th largest can be in the top, so only they are sorted.
    loss = st.g_loss
    keep = loss > 0
    if len(loss) > TOP_HIDDEN_LOSS:
        # the TOP_HIDDEN_LOSS-th largest loss; ≤ 0 when fewer are positive (then all those)
        kth = np.partition(loss, len(loss) - TOP_HIDDEN_LOSS)[len(loss) - TOP_HIDDEN_LOSS]
        if kth > 0:
            keep = loss >= kth
    lossy = np.flatnonzero(keep)  # slots, as the heads breadth-first
    lost = loss[lossy]
    by = np.lexsort((lossy, -lost))[:TOP_HIDDEN_LOSS]
    top_s, top_loss = lossy[by], lost[by]
    top = st.heads[top_s]
    top_ids, top_names = fr.labels.ids(top), fr.labels.names(top)
    top_people = st.people_at(top).tolist()
    level = _funnel(fr, "level")
    deployable = level["total"]["deployable"]
    in_stations = int((st.g_members > 1).sum())
    hs = st.hollow_s
    return Section(
        {
            "police": police,
            "auxiliaries": st.auxiliaries,
            "people": police + st.auxiliaries,
            "establishments": st.establishments,
            "station_establishments": in_stations,
            "fixed_posts": total_f,
            "overhead": total_o,
            "overhead_share": ratio(total_o, police),
            "hollow_units": len(hollow),
            "shortfall": int((st.g_fixed[hs] - st.g_police[hs]).sum()),
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
                    **est_row(h, g, x, u, name),
                    "efficient_size": norms[fr.kind_name(h)].efficient_size,
                    "overhead": int(min(st.g_police[g], st.g_fixed[g])),
                    "hidden_loss": h_loss,
                }
                for h, g, x, u, name, h_loss in zip(
                    top.tolist(),
                    top_s.tolist(),
                    top_people,
                    top_ids,
                    top_names,
                    top_loss.tolist(),
                    strict=True,
                )
            ],
            "funnel": {"level": level, "category": _funnel(fr, "category")},
        }
    )
