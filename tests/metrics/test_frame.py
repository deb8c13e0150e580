"""The shared columns of the metrics (orgmodel.metrics._frame) against plain loops.

Each pass that takes a short cut (children whose total is 0.0 left out of a float sum,
columns read only when some unit sets them, …) is compared with the loop or the reference
it stands for, on organisations that take the short cut and on ones that must not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from orgmodel.generate import generate_org
from orgmodel.metrics import metric_report
from orgmodel.metrics._frame import Frame
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import load_norms, load_policy
from tests.metrics.test_reference import Reference, varied
from tests.strategies import org_graphs


def loop_subtree_sums(fr: Frame, values: np.ndarray) -> np.ndarray:
    """Σ over every unit's subtree, added child by child in the reversed breadth-first order."""
    out = values.astype(np.float64).copy()
    ppos = fr.ppos.tolist()
    acc = out.tolist()
    for i in range(fr.n - 1, 0, -1):
        acc[ppos[i]] += acc[i]
    return np.array(acc, dtype=np.float64)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.view(np.int64).tolist() == b.view(np.int64).tolist()


@pytest.mark.parametrize("case", ["mostly_zero", "negative", "negative_zero"])
def test_float_subtree_sums_are_the_loops_to_the_bit(case: str) -> None:
    fr = Frame(varied(0))
    rng = np.random.default_rng(7)
    values = rng.random(fr.n) / 3  # sums of thirds round differently in another order
    values[rng.random(fr.n) < 0.7] = 0.0
    if case == "negative":
        values[rng.random(fr.n) < 0.2] *= -1
    elif case == "negative_zero":
        # -0.0 kept where nothing is added to it; +0.0 children added make it +0.0
        values[np.flatnonzero(values == 0.0)[::2]] = -0.0
    want = loop_subtree_sums(fr, values)
    got = fr.up_float(values)
    assert same_bits(got, want)
    if case == "negative_zero":
        assert np.signbit(got[values == 0.0]).any()  # some -0.0 survives: the case is real


def with_units(org: OrgGraph, change: Callable[[Unit], Unit]) -> OrgGraph:
    units = [change(u) for u in org.units()]
    return OrgGraph(units, org.guides, org.dispatches, id=org.id, name=org.name)


def test_leaders_and_rosters_given_as_the_norms_give_them_change_nothing() -> None:
    """Units that state the norms' own leaders and duty roster (the columns then hold
    values, so the per-unit path is taken) give the report of units that leave them out."""
    norms = load_norms()
    org = varied(1)

    def stated(u: Unit) -> Unit:
        k = norms.kinds.get(u.kind)
        if k is None:
            return u
        leaders = k.leaders if u.leaders is None else u.leaders
        roster = k.duty_roster if u.duty_roster is None else u.duty_roster
        return replace(u, leaders=leaders, duty_roster=roster)

    kw: dict[str, Any] = {"norms": norms, "policy": load_policy()}
    want = json.dumps(metric_report(org, **kw), ensure_ascii=False)
    assert json.dumps(metric_report(with_units(org, stated), **kw), ensure_ascii=False) == want


def test_own_leaders_and_rosters_of_members_equal_the_reference() -> None:
    """Leaders and duty rosters of their own on stations and on their members (a team
    keeping a roster, an office without one) are filled as the reference fills them."""
    norms = load_norms()
    org = varied(2)
    seen: dict[str, int] = {}

    def own(u: Unit) -> Unit:
        i = seen[u.kind] = seen.get(u.kind, 0) + 1
        if u.kind == "station" and i % 2:
            return replace(u, leaders=1 + i % 4)
        if u.kind == "team" and i % 3 == 0:
            return replace(u, duty_roster=True, leaders=0)
        if u.kind == "office" and i % 2 == 0:
            return replace(u, duty_roster=False)
        return u

    changed = with_units(org, own)
    assert seen.get("team") and seen.get("office")
    wf = metric_report(changed, norms=norms, policy=[])["workforce"]
    want = Reference(changed, norms).workforce()
    assert wf["fixed_posts"] == want["fixed_posts"] and wf["overhead"] == want["overhead"]
    assert {r["id"]: r["shortfall"] for r in wf["hollow"]} == want["hollow"]
    for by in ("level", "category"):
        got = {
            g["key"]: [g["police"], g["leaders"], g["admin"], g["duty"]]
            for g in wf["funnel"][by]["groups"]
        }
        assert got == want["funnel"][by]
    # the changes changed something: the same organisation without them differs
    assert (
        metric_report(org, norms=norms, policy=[])["workforce"]["fixed_posts"] != wf["fixed_posts"]
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_county_level_sums_are_the_masked_subtree_sums(seed: int) -> None:
    """Police in station subtrees and police, over the units inside county-level bureaus
    only, summed over every unit's subtree — also above them (a city's own organs, the
    province, the ministry) and over a city that commands a 派出所 directly (varied)."""
    fr = Frame(varied(seed))
    inside = fr.county_level_arrays[1] >= 0
    assert not inside.all() and inside.any()  # both kinds of unit are there
    police = np.where(inside, fr.police, 0)
    num, den = fr.county_level_sums
    assert num.tolist() == loop_subtree_sums(fr, np.where(fr.in_station, police, 0)).tolist()
    assert den.tolist() == loop_subtree_sums(fr, police).tolist()


def _staffing_state(fr: Frame) -> dict[str, Any]:
    st = fr.staffing
    arrays = ("g_members", "g_police", "g_fixed", "g_own_fixed", "g_loss", "hollow_a")
    per_unit = ("overhead_a", "fixed_a", "head_a", "est_people_a")
    return {
        **{k: getattr(st, k).tolist() for k in arrays + per_unit},
        "groups": (st.by_level, st.by_category, st.by_kind, st.kind_loss, st.supervision),
        "people_top": st.people_at(st.heads[:3]).tolist(),
    }


@pytest.mark.parametrize("seed", [0, 1])
def test_establishments_level_by_level_are_the_sorted_grouping(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where every member sits right below its 派出所 (the generator's shape), the staffing
    pass groups establishments level by level; grouped by a sort instead (the way taken when
    a post sits under a team), every number is the same — posts filled head first, then
    the members in breadth-first order."""
    from orgmodel.generate import generate_org
    from orgmodel.metrics import _frame

    org = generate_org(1, 2, 3, seed=seed)
    calls: list[int] = []
    fill = _frame._MemberLevels.fill

    def counted(self: Any, *args: Any) -> Any:
        calls.append(1)
        return fill(self, *args)

    monkeypatch.setattr(_frame._MemberLevels, "fill", counted)
    by_level = _staffing_state(Frame(org))
    assert calls == [1]  # the level-by-level way was taken
    monkeypatch.setattr(_frame, "_BY_LEVEL", False)
    by_sort = _staffing_state(Frame(org))
    assert calls == [1]
    assert by_level == by_sort
    # some establishments take members' officers into their posts, some are hollow
    assert sum(by_level["overhead_a"]) > 0 and by_level["hollow_a"]


def test_a_post_under_a_team_is_grouped_by_sort() -> None:
    """A post under a team of a 派出所 belongs to the station's establishment (the station's
    officers fill the posts first, then the team's, then the post's): the level-by-level
    grouping is not taken there."""
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("s", "城关派出所", "station", parent="b", police=1),
            Unit("t", "社区警务队", "team", parent="s", police=2),
            Unit("p", "东街社区警务室", "community_post", parent="t", police=3),
        ]
    )
    st = Frame(org).staffing
    # county: L 4 + A 2 = 6 posts (no roster) > its 5 officers: all 5 absorbed;
    # station: L 2 + A 1 + D·k 1·5 = 8 posts; officers 1 + 2 + 3 = 6 < 8: hollow, every
    # officer absorbed, in order s (1), t (2), p (3)
    assert st.g_members.tolist() == [1, 3] and st.g_police.tolist() == [5, 6]
    assert st.overhead_a.tolist() == [5, 1, 2, 3]
    assert st.hollow_a.tolist() == [0, 1]


def test_group_sums_packed_two_to_a_weight_are_the_separate_sums(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The funnel and kind tables add units and establishment, police and auxiliaries by
    (level, category, kind) two columns to one float weight while every sum stays exact;
    with no room for that (bits lowered to 0) they are added one column at a time — the
    same numbers."""
    from orgmodel.metrics import _frame

    org = varied(1)
    packed = Frame(org).staffing
    monkeypatch.setattr(_frame, "_EXACT_BITS", 0)
    apart = Frame(org).staffing
    assert packed.by_level == apart.by_level and packed.by_category == apart.by_category
    assert packed.by_kind == apart.by_kind and packed.kind_aux == apart.kind_aux
    assert (packed.auxiliaries, packed.establishment) == (apart.auxiliaries, apart.establishment)
    assert packed.auxiliaries > 0 and packed.establishment > 0


@pytest.mark.parametrize("rounds", [0, 1, 2, 16])
def test_members_fill_the_posts_walked_or_read_at_once(
    rounds: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The members of a station fill what its own officers left of its posts in breadth-
    first order, whether the runs are walked a unit at a time, read at once after some
    units (``_ROUNDS``), or grouped by sort: members without officers take nothing and do
    not close the run."""
    from orgmodel.metrics import _frame

    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=10),
            Unit("s", "城关派出所", "station", parent="b", police=1),
            *(
                Unit(f"p{i}", f"社区警务室{i}", "community_post", parent="s", police=p)
                for i, p in enumerate([0, 0, 3, 0, 6, 2])
            ),
        ]
    )
    # county: L 4 + A 2 = 6 posts (no roster), 10 officers: 6 absorbed.
    # station: L 2 + A 1 + D·k 1·5 = 8 posts; s fills 1 (before: 0), p0 p1 none, p2 3
    # (before: 1), p3 none, p4 4 of its 6 (before: 4; 8 − 4 left), p5 none (before: 10).
    want = [6, 1, 0, 0, 3, 0, 4, 0]
    monkeypatch.setattr(_frame, "_ROUNDS", rounds)
    assert Frame(org).staffing.overhead_a.tolist() == want
    monkeypatch.setattr(_frame, "_BY_LEVEL", False)
    assert Frame(org).staffing.overhead_a.tolist() == want


@pytest.mark.parametrize("seed", [0, 3])
def test_posts_counted_as_the_rest_of_the_totals_change_nothing(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staffing group-bys count the community posts (one key: level 5, frontline) as
    the totals less every other unit; counting every unit by its key gives the same tables,
    in the same order, and so the same report."""
    from orgmodel.metrics import _frame

    org = varied(seed)
    _, others = Frame(org)._staffing_key()
    assert others is not None and 0 < len(others) < len(org)  # the short cut is taken
    kw: dict[str, Any] = {"norms": load_norms(), "policy": load_policy()}
    bulk = json.dumps(metric_report(org, **kw), ensure_ascii=False)
    monkeypatch.setattr(_frame, "_BULK", False)
    assert Frame(org)._staffing_key()[1] is None
    assert json.dumps(metric_report(org, **kw), ensure_ascii=False) == bulk


def test_community_police_read_at_stations_are_the_column() -> None:
    """Community police (posts, and community teams with their whole subtree) read at
    some units without the whole column equal the column: a team and a post at the
    deepest level, a team's post below it, a post right under the county."""
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("s1", "城关派出所", "station", parent="b", police=5),
            Unit("r", "东街社区警务室", "community_post", parent="b", police=1),
            Unit("t", "社区警务队", "team", parent="s1", function="community_policing", police=4),
            Unit("s2", "西关派出所", "station", parent="b", police=6),
            Unit("o", "综合指挥室", "office", parent="s1", police=2),
            Unit("p", "北街社区警务室", "community_post", parent="t", police=3),
            Unit("q", "南街社区警务室", "community_post", parent="s2", police=2),
            Unit("x", "治安队", "team", parent="s2", police=7),
        ]
    )
    # s1: t with its post (4 + 3) = 7; s2: its post q, 2; b: 7 + 2 + r (1) = 10;
    # inside stations: 7 + 2 = 9
    fr = Frame(org)
    at = np.arange(fr.n)
    column = Frame(org).sums_arrays["community"]
    assert fr.community_at(at).tolist() == column.tolist()
    assert dict(zip(fr.order, column.tolist(), strict=True)) == {
        "b": 10, "s1": 7, "r": 1, "s2": 2, "t": 7, "o": 0, "p": 3, "q": 2, "x": 0,
    }  # fmt: skip
    assert fr.station_community == 9 == Frame(org).sums_arrays["station_community"][0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_community_police_at_stations_of_varied_organisations(seed: int) -> None:
    org = varied(seed)
    fr, whole = Frame(org), Frame(org)
    st = fr.positions_of_kind("station")
    assert fr.community_at(st).tolist() == whole.sums_arrays["community"][st].tolist()
    assert fr.station_community == whole.sums_arrays["station_community"][0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_in_station_at_some_units_is_the_column(seed: int) -> None:
    """Whether a unit is a station or inside one, carried down only as deep as the units
    asked about, is the whole column's answer there (bureaus, units above the deepest
    level, every unit)."""
    org = varied(seed)
    whole = Frame(org).in_station
    assert whole.any() and not whole.all()
    for at in (
        Frame(org).county_level_arrays[0],
        np.arange(Frame(org).bounds[-2]),
        np.arange(len(org)),
    ):
        assert Frame(org).in_station_at(at).tolist() == whole[at].tolist()


@pytest.mark.parametrize("first", [True, False])
def test_float_root_sum_is_the_loops_to_the_bit(first: bool) -> None:
    """The root's float subtree sum of a sparse column (one bincount per level, the
    parents' own values first, then the children last first) is the loop's, to the bit:
    on the first positions (as the establishments' heads are) and on scattered ones."""
    fr = Frame(varied(1))
    rng = np.random.default_rng(11)
    for _ in range(20):
        m = int(rng.integers(1, fr.n))
        at = np.arange(m) if first else np.sort(rng.choice(fr.n, size=m, replace=False))
        values = rng.random(m) / 3  # sums of thirds round differently in another order
        values[rng.random(m) < 0.3] = 0.0
        column = np.zeros(fr.n)
        column[at] = values
        want = loop_subtree_sums(fr, column)[0]
        got = fr.up_float_root(at, values)
        assert np.float64(got).view(np.int64) == np.float64(want).view(np.int64)
    assert fr.up_float_root(np.arange(3), np.zeros(3)) == 0.0


def _reference_paths(org: OrgGraph) -> dict[str, int]:
    if not any(u.kind == "community_post" for u in org.units()):
        return {}  # (the reference's layers need a frontline unit)
    return Reference(org, load_norms()).layers()["paths"]  # type: ignore[no-any-return]


def _check_post_paths(org: OrgGraph) -> None:
    fr = Frame(org)
    want = _reference_paths(org)  # post id → hops, breadth-first
    paths = fr.post_paths
    posts, hops, via = paths.arrays()
    assert fr.ids_at(posts) == list(want) and hops.tolist() == list(want.values())
    dist: dict[int, int] = {}
    for h in want.values():
        dist[h] = dist.get(h, 0) + 1
    assert paths.distribution() == (dict(sorted(dist.items())), int(via.sum()))
    ids = list(want)
    for h in dist:
        for k in (1, 2, 5, len(ids)):
            first = [u for u in ids if want[u] == h][:k]
            assert fr.ids_at(paths.first(h, k)) == first


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_command_paths_by_runs_are_the_reference(seed: int) -> None:
    """The command paths kept one per run of sibling posts give each post its path (the
    reference's, from DOMAIN.md), and the report's distribution and longest posts."""
    _check_post_paths(varied(seed))


@settings(max_examples=40, deadline=None)
@given(org_graphs(max_station_children=6))
def test_command_paths_by_runs_of_random_organisations(org: OrgGraph) -> None:
    """Runs mixing posts with teams and offices, posts under teams, posts dispatched
    themselves (1 hop by dispatch), levels with more runs than posts."""
    _check_post_paths(org)


def test_command_paths_of_a_run_with_a_dispatched_post_and_a_team() -> None:
    # b (county, depth 0) → s (station, 1) → p1, t, p2, p4 (2) → p3 (3, under team t).
    # The run under s holds 3 posts and a team: one path per run, 2 hops (b → s → post);
    # p1 is dispatched itself by cc: 1 hop by dispatch; p3: 3 hops (b → s → t → p3).
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("cc", "情指中心", "command_center", parent="b", function="command"),
            Unit("s", "城关派出所", "station", parent="b", police=10),
            Unit("p1", "一号警务室", "community_post", parent="s", police=2),
            Unit("t", "社区警务队", "team", parent="s", function="community_policing", police=4),
            Unit("p2", "二号警务室", "community_post", parent="s", police=2),
            Unit("p4", "四号警务室", "community_post", parent="s", police=1),
            Unit("p3", "三号警务室", "community_post", parent="t", police=3),
        ],
        dispatches=[("cc", "p1")],
    )
    paths = Frame(org).post_paths
    assert paths.parts[0][4] is not None  # grouped by runs (3 posts, 1 run)
    assert paths.distribution() == ({1: 1, 2: 2, 3: 1}, 1)
    fr = Frame(org)
    assert fr.ids_at(paths.first(2, 5)) == ["p2", "p4"]
    assert fr.ids_at(paths.first(1, 5)) == ["p1"]
    assert fr.ids_at(paths.first(3, 1)) == ["p3"]
    assert _reference_paths(org) == {"p1": 1, "p2": 2, "p4": 2, "p3": 3}
    _check_post_paths(org)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_station_police_read_at_units_is_the_column(seed: int) -> None:
    """Police in station subtrees, made only down to the deepest station's level and read
    at some units (0 below it), equal the whole column everywhere: on a generated
    organisation (posts below the deepest station) and a varied one."""
    for org, short in ((generate_org(1, 2, 2, seed=seed), True), (varied(seed), False)):
        whole = Frame(org).sums_arrays["station"]
        fr = Frame(org)
        assert (len(fr.station_top) < fr.n) is short
        assert not whole[len(fr.station_top) :].any()
        for at in (fr.county_level_bureaus, np.arange(fr.n)):
            assert fr.station_at(at).tolist() == whole[at].tolist()
        assert fr.station_top[0] == whole[0] > 0


def test_posts_right_under_a_county_are_their_own_establishments() -> None:
    """Community posts right under a county bureau (no 派出所 above them) head their own
    establishments: every unit is a head, and the posts, most units, are counted as the
    rest of the totals (the key lookups of the heads must not read past the others)."""
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            *(
                Unit(f"p{i}", f"社区警务室{i}", "community_post", parent="b", police=1)
                for i in range(3)
            ),
        ]
    )
    st = Frame(org).staffing
    # 4 establishments of one unit each; county: 1 unit, 5 police; posts: 3 units, 1 each
    assert st.g_members.tolist() == [1, 1, 1, 1]
    assert st.by_kind["county"][:2] == [1, 5]
    assert st.by_kind["community_post"][:2] == [3, 3]
