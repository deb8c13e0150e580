"""Every analytic Cypher file, run on LadybugDB over every seed organisation (and a generated
one), returns exactly what the networkx metric suite computes for the same organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from orgmodel.metrics import mirror, shares, span, workforce
from orgmodel.model import OrgGraph
from orgmodel.norms import load_norms, norms_from_dict
from orgmodel.store import GraphStore, open_store
from orgmodel.store.analytics import analytic_names, norms_param, run_analytic
from tests.store.conftest import (
    analytic_orgs,
    no_bureau_above_org,
    renamed,
    tricky_shapes_org,
)

ORGS = analytic_orgs()

# query name → (metric function, key column, value column)
EXPECTED: dict[str, tuple[Callable[[OrgGraph], dict[str, Any]], str, str]] = {
    "span": (span.spans, "unit", "span"),
    "layers": (span.layers, "unit", "layer"),
    "station_share": (shares.station_shares, "bureau", "station_share"),
    "mirror_pairs": (mirror.mirror_by_bureau, "bureau", "mirror"),
    "hidden_loss": (lambda org: est(org, "hidden_loss"), "unit", "hidden_loss"),
}


def est(org: OrgGraph, column: str, norms: Any = None) -> dict[str, Any]:
    """A column of every establishment (a station with its teams, office and posts is one)."""
    return {h: e[column] for h, e in workforce.establishments(org, norms=norms).items()}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    with open_store(str(tmp_path_factory.mktemp("analytics") / "store.lbdb")) as s:
        for org in ORGS:
            s.save_org(org, "a")
            s.save_org(org, "a")  # two versions: queries must keep to the one asked for
        yield s


def test_every_analytic_file_is_covered() -> None:
    assert analytic_names() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("org", ORGS, ids=[o.id for o in ORGS])
def test_analytic_query_equals_metric(store: GraphStore, org: OrgGraph, name: str) -> None:
    metric, key, value = EXPECTED[name]
    rows = run_analytic(store, name, org.id, 1)
    got = {r[key]: r[value] for r in rows}
    assert len(got) == len(rows)  # one row per unit / bureau
    assert got == metric(org)  # exact: same arithmetic, same floats


def test_station_share_of_nested_bureaus(store: GraphStore) -> None:
    """A city commanding a station, a 分局 heading only a 分局, and one with no stations."""
    rows = run_analytic(store, "station_share", "nested-bureaus", 1)
    got = {r["bureau"]: (r["police"], r["station_police"]) for r in rows}
    # worked in nested_bureaus_org's docstring: c 8 of 130, k2 26 of 30, k3 0 of 9; k1 none
    assert got == {"c": (130, 8), "k2": (30, 26), "k3": (9, 0)}


def test_hidden_loss_follows_the_norms_passed(store: GraphStore) -> None:
    """Other norms as parameters give the metric's answer under those norms."""
    org = ORGS[0]
    data = load_norms().to_dict()
    for kn in data["kinds"].values():
        kn["efficient_size"] *= 2
        kn["duty_roster"] = True
    norms = norms_from_dict(data)
    rows = run_analytic(store, "hidden_loss", org.id, 2, norms=norms)
    assert {r["unit"]: r["hidden_loss"] for r in rows} == est(org, "hidden_loss", norms)
    assert {r["unit"]: r["hidden_loss"] for r in rows} != est(org, "hidden_loss")
    assert {p["kind"] for p in norms_param(norms)} == set(norms.kinds)


def test_hollow_and_overhead_columns(store: GraphStore) -> None:
    org = ORGS[0]
    rows = {r["unit"]: r for r in run_analytic(store, "hidden_loss", org.id)}
    assert {u for u, r in rows.items() if r["hollow"]} == set(workforce.hollow_units(org))
    for column in ("overhead", "fixed_posts", "police", "members"):
        assert {u: r[column] for u, r in rows.items()} == est(org, column)


def test_tricky_shapes_by_hand(any_store: tuple[GraphStore, str]) -> None:
    """Station shares and mirror pairs of tricky_shapes_org and no_bureau_above_org, worked
    by hand in their docstrings, on LadybugDB and on the Bolt server."""
    store, suffix = any_store
    tricky, alone = tricky_shapes_org(), no_bureau_above_org()
    for org in (tricky, alone):
        store.save_org(renamed(org, org.id + suffix), "pytest")

    rows = run_analytic(store, "station_share", tricky.id + suffix)
    got = {r["bureau"]: (r["police"], r["station_police"]) for r in rows}
    # pv 12 of 74, c 8 of 66, k2 32 of 44, k3 0 of 11, k4 11 of 16: 211 officers in all
    assert got == {"pv": (74, 12), "c": (66, 8), "k2": (44, 32), "k3": (11, 0), "k4": (16, 11)}
    assert sum(p for p, _ in got.values()) == tricky.total_police()

    rows = run_analytic(store, "mirror_pairs", tricky.id + suffix)
    got_m = {r["bureau"]: (r["parent_bureau"], r["departments"], r["shared"]) for r in rows}
    # pv against the recorded 公安部 (no unit: no id) 2 of 3; c 2 of 2; k1 1 of 1; k2 1 of 2;
    # k3 0 of 1; k4 has no departments
    assert got_m == {
        "pv": (None, 3, 2),
        "c": ("pv", 2, 2),
        "k1": ("c", 1, 1),
        "k2": ("k1", 2, 1),
        "k3": ("c", 1, 0),
    }
    assert {r["bureau"]: r["parent_name"] for r in rows}["pv"] == "公安部"

    # a 派出所 with no bureau above is in no region; a root that is no bureau is not measured
    rows = run_analytic(store, "station_share", alone.id + suffix)
    assert [(r["bureau"], r["police"], r["station_police"]) for r in rows] == [("k0", 16, 9)]
    assert run_analytic(store, "mirror_pairs", alone.id + suffix) == []
