"""A coordinating group (片区, 体系) in the metrics: a layer that leads, with no posts of its own."""

from __future__ import annotations

import pytest

from orgmodel.metrics.suite import headline, metric_report
from orgmodel.model import OrgGraph, OrgValidationError, Unit
from orgmodel.norms import load_norms, norms_from_dict


def _county(grouped: bool) -> OrgGraph:
    top = "g" if grouped else "b"
    units = [
        Unit("b", "县局", "county", police=5),
        Unit("d", "刑侦大队", "department", "b", "criminal", police=20),
        Unit("s1", "城关派出所", "station", top, police=10),
        Unit("p", "东街警务室", "community_post", "s1", police=2),
        Unit("s2", "城南派出所", "station", top, police=8),
    ]
    if grouped:
        units.insert(2, Unit("g", "城区片区", "group", "b"))
    return OrgGraph(units)


def test_a_group_is_a_layer_that_leads_and_costs_nothing() -> None:
    flat, grouped = headline(_county(False)), headline(_county(True))
    # one more layer: b(0) → g(1) → s1(2) → p(3); layers = 1 + 3 = 4 (flat: 3)
    assert (flat["layers"], grouped["layers"]) == (3, 4)
    # the command path to the one post grows by the group's hop: 2 → 3
    assert (flat["mean_command_path"], grouped["mean_command_path"]) == (2, 3)
    # no posts, no overhead, no hidden loss, not hollow, not a department
    for k in ("fixed_posts", "overhead", "hidden_loss", "hollow_units", "departments"):
        assert grouped[k] == flat[k], k
    # station share: the stations' 20 of 45 in both
    assert grouped["station_share"] == flat["station_share"] == pytest.approx(20 / 45)


def test_a_group_is_a_managing_unit_in_the_report() -> None:
    r = metric_report(_county(True))
    # it leads its two stations: a managing unit of span 2
    assert r["span"]["by_kind"]["group"] == {"managing_units": 1, "mean_span": 2.0}
    g = r["workforce"]["by_kind"]["group"]
    assert (g["units"], g["police"], g["fixed_posts"], g["hidden_loss"]) == (1, 0, 0, 0)


def test_a_group_holds_no_officers() -> None:
    with pytest.raises(OrgValidationError, match="holds no establishment"):
        OrgGraph([Unit("b", "县局", "county"), Unit("g", "片区", "group", "b", police=3)])


def test_a_station_under_a_station_needs_a_group() -> None:
    with pytest.raises(OrgValidationError, match="bundle stations under a group"):
        OrgGraph(
            [
                Unit("b", "县局", "county"),
                Unit("s1", "中心派出所", "station", "b"),
                Unit("s2", "乙所", "station", "s1"),
            ]
        )


def test_norms_give_groups_no_posts() -> None:
    assert load_norms()["group"].fixed_posts(True) == 0
    data = load_norms().to_dict()
    del data["kinds"]["group"]  # a norms file written before groups existed
    assert norms_from_dict(data)["group"].leaders == 0
    data["kinds"]["group"] = {"leaders": 1, "admin": 0, "duty_posts": 0, "efficient_size": 1}
    with pytest.raises(Exception, match="no posts of its own"):
        norms_from_dict(data)


def test_import_reads_group_kind_names() -> None:
    from orgmodel.io.tabular import resolve_kind

    assert [resolve_kind(t) for t in ("片区", "体系", "中心所", "group")] == ["group"] * 4
