"""Span of control, layers and command paths (orgmodel.metrics.span)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from orgmodel.metrics import (
    command_paths,
    layers,
    layers_report,
    narrow_spans,
    org_layers,
    span_bands,
    span_report,
    spans,
    supervision_ratios,
    wide_spans,
)
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import load_norms
from tests.metrics.conftest import make_county
from tests.strategies import org_graphs


def test_spans_leave_out_leaves(county: OrgGraph) -> None:
    # r: d1 d2 cc s1 s2 = 5; d1: d1a = 1; s1: t1 t2 o1 p3 = 4; t1: p1 p2 = 2; s2: p4 = 1
    assert spans(county) == {"r": 5, "d1": 1, "s1": 4, "s2": 1, "t1": 2}


def test_span_bands_share_of_managing_units(county: OrgGraph) -> None:
    bands = span_bands(county)
    assert list(bands) == ["1", "2–3", "4–7", "8–12", "13–16", "17+"]
    # 5 managing units: span 1 → d1, s2 (2/5); 2–3 → t1 (1/5); 4–7 → r, s1 (2/5)
    assert bands["1"] == {"count": 2, "share": pytest.approx(0.4)}
    assert bands["2–3"] == {"count": 1, "share": pytest.approx(0.2)}
    assert bands["4–7"] == {"count": 2, "share": pytest.approx(0.4)}
    assert bands["17+"] == {"count": 0, "share": 0.0}


def test_narrow_and_wide(county: OrgGraph) -> None:
    # narrow: span < 3 → d1 (1), s2 (1), t1 (2); wide: span > 15 → none
    assert narrow_spans(county) == {"d1": 1, "s2": 1, "t1": 2}
    assert wide_spans(county) == {}


def test_wide_span_threshold_comes_from_norms() -> None:
    units = [Unit("b", "某县公安局", "county")] + [
        Unit(f"s{i}", f"第{i}派出所", "station", parent="b") for i in range(17)
    ]
    org = OrgGraph(units)
    assert wide_spans(org) == {"b": 17}  # 17 > 15
    assert span_bands(org)["17+"]["count"] == 1


def test_supervision_ratio(county: OrgGraph) -> None:
    ratios = supervision_ratios(county)
    # (police − L) / L: r (6 − 4) / 4 = 0.5; d2 has its own L = 3: (40 − 3) / 3;
    # s1 (30 − 2) / 2 = 14; posts have no leader post → None
    assert ratios["r"] == pytest.approx(0.5)
    assert ratios["d2"] == pytest.approx(37 / 3)
    assert ratios["s1"] == pytest.approx(14.0)
    assert ratios["p1"] is None


def test_layers(county: OrgGraph) -> None:
    lay = layers(county)
    assert lay["r"] == 0 and lay["s1"] == 1 and lay["t1"] == 2 and lay["p1"] == 3
    # deepest frontline unit: p1 at layer 3 → 1 + 3
    assert org_layers(county) == 4


def test_layers_without_frontline_count_every_unit() -> None:
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county"),
            Unit("d", "刑侦大队", "department", parent="b", function="criminal"),
            Unit("z", "刑侦中队", "department", parent="d", function="criminal"),
        ]
    )
    assert org_layers(org) == 3  # no frontline unit: 1 + deepest layer (2)


def test_command_paths_by_command_line() -> None:
    org = make_county(dispatches=False)
    # hops from the county bureau: p1, p2 under t1 under s1 → 3; p3, p4 → 2
    assert command_paths(org) == {"p3": 2, "p4": 2, "p1": 3, "p2": 3}


def test_command_paths_through_dispatch(county: OrgGraph) -> None:
    # cc dispatches t1: p1 = 1 + (3 − 2) = 2 < 3; cc dispatches s2: p4 = 1 + (2 − 1) = 2,
    # not shorter than 2, so unchanged
    assert command_paths(county) == {"p3": 2, "p4": 2, "p1": 2, "p2": 2}
    rep = layers_report(county)["command_path"]
    assert rep["via_command_centre"] == 2  # p1 and p2
    assert rep["mean"] == pytest.approx(2.0)
    assert rep["max"] == 2


def test_dispatch_to_the_post_itself() -> None:
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county"),
            Unit("cc", "情指中心", "command_center", parent="b", function="command"),
            Unit("s", "派出所", "station", parent="b"),
            Unit("t", "社区警务队", "team", parent="s", function="community_policing"),
            Unit("p", "警务区", "community_post", parent="t"),
        ],
        dispatches=[("cc", "p")],
    )
    assert command_paths(org) == {"p": 1}  # centre → post; the command line is 3


def test_span_report(county: OrgGraph) -> None:
    rep = span_report(county)
    # 13 edges over 5 managing units
    assert rep["managing_units"] == 5 and rep["edges"] == 13
    assert rep["mean_span"] == pytest.approx(13 / 5)
    assert rep["median_span"] == 2.0  # spans 1, 1, 2, 4, 5
    assert rep["max_span"] == {"id": "r", "name": "某县公安局", "kind": "county", "span": 5}
    assert rep["narrow_share"] == pytest.approx(3 / 5)
    assert {"id": "t1", "name": "社区警务队", "kind": "team", "span": 2} in rep["narrow"]


def test_layers_report(county: OrgGraph) -> None:
    rep = layers_report(county)
    assert rep["layers"] == 4
    # layer 1: d1 d2 cc s1 s2, police 10 + 40 + 12 + 30 + 6 = 98
    assert rep["by_layer"][1] == {"layer": 1, "units": 5, "police": 98}
    assert rep["command_path"]["distribution"] == [{"hops": 2, "posts": 4}]
    longest = rep["command_path"]["longest"][0]
    assert longest["name"] and longest["bureau"] == {"id": "r", "name": "某县公安局"}


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_span_histogram_counts_every_edge_once(org: OrgGraph) -> None:
    norms = load_norms()
    sp = spans(org)
    assert sum(sp.values()) == len(org) - 1  # every REPORTS_TO edge once
    bands = span_bands(org, norms=norms)
    assert sum(b["count"] for b in bands.values()) == len(sp)
    assert all(s >= 1 for s in sp.values())
    rep = span_report(org, norms=norms)
    assert rep["edges"] == len(org) - 1
    paths = command_paths(org)
    depth = org.depths()
    assert all(1 <= h <= depth[p] for p, h in paths.items())
