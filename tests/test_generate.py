"""The synthetic generator: deterministic, the right counts, valid, mirrored, staffed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from orgmodel.errors import InputError
from orgmodel.generate import (
    Link,
    check_scale,
    count_bureaus,
    generate_org,
    generate_records,
    write_generated,
)
from orgmodel.io import load_org, org_to_dict
from orgmodel.model import BUREAU_KINDS, KIND_LEVELS, OrgGraph, Unit

# 2 provinces x 3 cities x 2 counties: small, yet every level has siblings.
P, C, K = 2, 3, 2


@pytest.fixture(scope="module")
def org() -> OrgGraph:
    return generate_org(P, C, K, seed=7)


def test_same_seed_same_org_and_file(tmp_path: Path) -> None:
    a = generate_org(1, 2, 2, seed=11)
    b = generate_org(1, 2, 2, seed=11)
    assert org_to_dict(a) == org_to_dict(b)
    for suffix in (".json", ".yaml"):
        f1 = write_generated(tmp_path / f"a{suffix}", 1, 2, 2, seed=11).path
        f2 = write_generated(tmp_path / f"b{suffix}", 1, 2, 2, seed=11).path
        assert f1.read_bytes() == f2.read_bytes()


def test_different_seed_different_org(tmp_path: Path) -> None:
    assert org_to_dict(generate_org(1, 2, 2, seed=1)) != org_to_dict(generate_org(1, 2, 2, seed=2))
    f1 = write_generated(tmp_path / "a.json", 1, 2, 2, seed=1).path
    f2 = write_generated(tmp_path / "b.json", 1, 2, 2, seed=2).path
    assert f1.read_bytes() != f2.read_bytes()


def test_no_global_rng_use() -> None:
    import random

    random.seed(123)
    before = random.random()
    random.seed(123)
    generate_org(1, 1, 1, seed=0)
    assert random.random() == before


def test_bureau_counts(org: OrgGraph) -> None:
    kinds = Counter(org.attrs(u)["kind"] for u in org)
    # 1 ministry, P = 2 provinces, P·C = 6 cities, P·C·K = 12 counties
    assert (kinds["ministry"], kinds["province"], kinds["city"], kinds["county"]) == (1, 2, 6, 12)
    # one 情指中心 per bureau: 1 + 2 + 6 + 12 = 21
    assert kinds["command_center"] == 21 == count_bureaus(P, C, K)
    assert org.attrs(org.root)["kind"] == "ministry"


def test_file_round_trip_equals_graph(tmp_path: Path, org: OrgGraph) -> None:
    for suffix in (".json", ".yaml"):
        s = write_generated(tmp_path / f"org{suffix}", P, C, K, seed=7)
        loaded = load_org(s.path)
        assert loaded == org
        assert s.units == len(org)
        assert s.police == org.total_police()
        assert s.auxiliaries == org.total_auxiliaries()
        assert (s.guides, s.dispatches) == (len(org.guides), len(org.dispatches))


def test_guides_link_same_function_across_adjacent_levels(org: OrgGraph) -> None:
    guides = org.guides
    assert guides
    for upper, lower in guides:
        a, b = org.attrs(upper), org.attrs(lower)
        assert a["kind"] == b["kind"] == "department"
        assert a["function"] == b["function"]
        bu, bl = org.bureau_of(upper), org.bureau_of(lower)
        assert org.parent(bl) == bu
        assert KIND_LEVELS[org.attrs(bl)["kind"]] == KIND_LEVELS[org.attrs(bu)["kind"]] + 1
    # Every department below the ministry mirrors one in its parent bureau (上下对口).
    guided = Counter(lower for _, lower in guides)
    for u in org:
        a = org.attrs(u)
        if a["kind"] == "department" and org.bureau_of(u) != org.root:
            assert guided[u] == 1, u


def test_departments_mirror_and_drop(org: OrgGraph) -> None:
    def fns(bureau: str) -> set[str]:
        return {
            org.attrs(c)["function"]
            for c in org.children(bureau)
            if org.attrs(c)["kind"] == "department"
        }

    ministry = fns(org.root)
    assert len(ministry) == 21  # every bureau function but 指挥 (the command centre's)
    for u in org:
        if org.attrs(u)["kind"] in BUREAU_KINDS - {"ministry"}:
            mine, parent = fns(u), fns(org.parent(u))
            assert mine <= parent
            assert {"office", "political", "criminal", "public_order", "traffic"} <= mine
    counties = [u for u in org if org.attrs(u)["kind"] == "county"]
    assert all(len(fns(k)) < len(ministry) for k in counties)


def test_stations_posts_and_dispatches(org: OrgGraph) -> None:
    dispatched = Counter(target for _, target in org.dispatches)
    for cc, target in org.dispatches:
        assert org.attrs(cc)["kind"] == "command_center"
        assert org.parent(cc) == org.parent(target)  # the station's own county
    stations = [u for u in org if org.attrs(u)["kind"] == "station"]
    assert stations
    for s in stations:
        assert org.attrs(org.parent(s))["kind"] == "county"
        assert dispatched[s] == 1
        kinds = Counter(org.attrs(c)["kind"] for c in org.children(s))
        assert kinds["community_post"] >= 1
        # either 两队一室 (2 teams + 1 office) or neither
        assert (kinds["team"], kinds["office"]) in ((0, 0), (2, 1))
    with_teams = sum(any(org.attrs(c)["kind"] == "team" for c in org.children(s)) for s in stations)
    assert 0 < with_teams < len(stations)


def test_police_everywhere(org: OrgGraph) -> None:
    for u in org:
        a = org.attrs(u)
        assert a["police"] > 0, u
        assert a["auxiliaries"] >= 0
        assert a["establishment"] >= a["police"]
        assert a["name"].strip()
    police = [org.attrs(u)["police"] for u in org if org.attrs(u)["kind"] == "department"]
    assert len(set(police)) > 10  # varied, not one size for all


def test_province_names_distinct() -> None:
    provinces = [
        r.name
        for r in generate_records(31, 0, 0, seed=0)
        if isinstance(r, Unit) and r.kind == "province"
    ]
    assert len(provinces) == len(set(provinces)) == 31
    assert all(n.endswith("省公安厅") for n in provinces)


def test_records_parents_first() -> None:
    seen: set[str] = set()
    for r in generate_records(1, 2, 2, seed=3):
        if isinstance(r, Link):
            assert r.source in seen and r.target in seen
        else:
            assert r.parent is None or r.parent in seen
            seen.add(r.id)


def test_progress_reaches_total() -> None:
    calls: list[tuple[int, int]] = []
    generate_org(1, 2, 3, progress=lambda d, t: calls.append((d, t)))
    # bureaus: 1 + 1 + 2 + 6 = 10
    assert calls[-1] == (10, 10)
    assert [d for d, _ in calls] == list(range(1, 11))


def test_county_scale_units_per_county() -> None:
    # National scale is ~650k units: ~235 units per county plus the bureaus above.
    units = sum(isinstance(r, Unit) for r in generate_records(1, 1, 20, seed=0))
    per_county = (units - 2 * 23) / 20
    assert 200 < per_county < 270


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1, 1), "provinces must be at least 1"),
        ((1, -1, 1), "cities must not be negative"),
        ((1, 1, -2), "counties must not be negative"),
        ((1, 1.5, 1), "cities must be a whole number"),
        ((1000, 1000, 1000), "more than 200,000"),
    ],
)
def test_bad_scale(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_scale(*args)
    with pytest.raises(InputError, match=message):
        list(generate_records(*args))


def test_bad_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown organisation file type"):
        write_generated(tmp_path / "x.txt", 1, 1, 1)
    assert not list(tmp_path.iterdir())
