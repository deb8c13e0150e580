"""The mirror index (上下对口) and mirror units."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from orgmodel.metrics import (
    bureau_functions,
    mirror_by_bureau,
    mirror_index,
    mirror_report,
    mirror_units,
)
from orgmodel.model import OrgGraph, Unit
from tests.strategies import org_graphs


def test_bureau_functions_count_departments_and_centres(county: OrgGraph) -> None:
    # d1, d1a criminal; d2 legal; cc command (a command centre counts as a department)
    assert bureau_functions(county) == {"r": ["command", "criminal", "legal"]}


def test_root_uses_parent_bureau(county: OrgGraph) -> None:
    # D(r) = {criminal, legal, command}; D(P) = {criminal, traffic, command}: 2 of 3
    assert mirror_by_bureau(county) == {"r": pytest.approx(2 / 3)}
    assert mirror_index(county) == pytest.approx(2 / 3)


def test_mirror_units(county: OrgGraph) -> None:
    # function in D(P) and police < 30: d1 (criminal, 10), cc (command, 12), d1a (criminal, 4);
    # d2 (legal) has no counterpart above
    assert mirror_units(county) == ["d1", "cc", "d1a"]


def test_city_index_is_weighted_by_departments(city: OrgGraph) -> None:
    # k1: {criminal, traffic, patrol, legal} ∩ {criminal, traffic, office} = 2 of 4 → 0.5
    # k2: {criminal} → 1 of 1 → 1.0; the city root has no parent bureau → left out
    assert mirror_by_bureau(city) == {"k1": 0.5, "k2": 1.0}
    # weighted: (2 + 1) / (4 + 1) = 0.6 (the unweighted mean would be 0.75)
    assert mirror_index(city) == pytest.approx(0.6)
    # below S = 30 with a counterpart above: k1-x (8), k2-x (20); k1-j has 40
    assert mirror_units(city) == ["k1-x", "k2-x"]


def test_mirror_report(city: OrgGraph) -> None:
    rep = mirror_report(city)
    assert rep["mirror_index"] == pytest.approx(0.6)
    assert rep["guides"] == 3
    assert rep["bureaus"] == 3 and rep["bureaus_measured"] == 2
    # 8 departments: 60 + 90 + 15 + 8 + 40 + 12 + 5 + 20 = 250 police
    assert rep["departments"] == 8
    assert rep["mean_department_size"] == pytest.approx(250 / 8)
    assert rep["departments_per_bureau"] == pytest.approx(8 / 3)
    rows = {r["id"]: r for r in rep["by_bureau"]}
    assert rows["k1"]["parent_bureau"] == {"id": "c", "name": "某市公安局"}
    assert rows["k1"]["departments"] == 4 and rows["k1"]["department_police"] == 65
    assert rows["k1"]["shared_functions"] == 2 and rows["k1"]["mirror"] == 0.5
    assert rows["c"]["mirror"] is None and rows["c"]["parent_bureau"] is None
    unit = rep["units"][0]
    assert unit == {
        "id": "k1-x",
        "name": "甲县刑侦大队",
        "function": "criminal",
        "function_name": "刑侦",
        "police": 8,
        "efficient_size": 30,
        "bureau": {"id": "k1", "name": "甲县公安局"},
    }
    assert rep["mirror_units"] == 2 and rep["mirror_unit_police"] == 28


def test_no_measurable_bureau_gives_none() -> None:
    org = OrgGraph([Unit("b", "某县公安局", "county"), Unit("s", "派出所", "station", parent="b")])
    assert mirror_index(org) is None
    assert mirror_by_bureau(org) == {}
    assert mirror_report(org)["by_bureau"][0]["parent_bureau"] is None


def test_parent_with_no_departments_mirrors_nothing() -> None:
    org = OrgGraph(
        [
            Unit("c", "某市公安局", "city"),
            Unit("k", "某县公安局", "county", parent="c"),
            Unit("kx", "刑侦大队", "department", parent="k", function="criminal"),
        ]
    )
    assert mirror_by_bureau(org) == {"k": 0.0}  # D(P) is empty: 0 of 1
    assert mirror_units(org) == []


@settings(max_examples=60, deadline=None)
@given(org_graphs())
def test_mirror_bounds(org: OrgGraph) -> None:
    by_bureau = mirror_by_bureau(org)
    assert all(0.0 <= v <= 1.0 for v in by_bureau.values())
    idx = mirror_index(org)
    assert (idx is None) == (not by_bureau)
    if idx is not None:
        assert min(by_bureau.values()) - 1e-9 <= idx <= max(by_bureau.values()) + 1e-9
    for u in mirror_units(org):
        assert org.attrs(u)["kind"] in ("department", "command_center")


def test_departments_without_a_bureau_above() -> None:
    # a subtree rooted at a department (as diff_orgs measures one): no bureau, so no D(B),
    # no mirror index and no mirror unit, but both departments are counted
    org = OrgGraph(
        [
            Unit("d", "交通管理大队", "department", police=20, function="traffic"),
            Unit("d2", "事故处理中队", "department", parent="d", police=6, function="traffic"),
        ]
    )
    rep = mirror_report(org)
    assert rep["bureaus"] == 0 and rep["departments"] == 2
    assert rep["mean_department_size"] == 13.0  # (20 + 6) / 2
    assert rep["mirror_index"] is None and rep["mirror_units"] == 0
    assert mirror_units(org) == [] and mirror_by_bureau(org) == {}
