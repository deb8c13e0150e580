"""Wrong argument types to the scripting API give a TypeError naming the call and argument,
not an AttributeError from deep inside (orgmodel/scripting.py)."""

from __future__ import annotations

import pytest

from orgmodel import scripting as om
from orgmodel.generate import generate_org


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda org: om.metrics("org.yaml"), r"metrics: org must be an OrgGraph.*not str"),
        (lambda org: om.metrics(None), r"metrics: org must be an OrgGraph.*not NoneType"),
        (lambda org: om.metrics(org, norms="norms.yaml"), r"metrics: norms= must be Norms"),
        (lambda org: om.metrics(org, policy="p.yaml"), r"metrics: policy= must be a list"),
        (lambda org: om.metrics(org, policy=[1]), r"metrics: policy= must be a list"),
        (lambda org: om.apply(org, 42), r"apply: plan must be a Plan.*not int"),
        (lambda org: om.apply({}, {"name": "x", "ops": []}), r"apply: org must be an OrgGraph"),
        (lambda org: om.compare(org, 5), r"compare: org must be an OrgGraph.*not int"),
    ],
)
def test_wrong_argument_types_are_named(call: object, match: str) -> None:
    org = generate_org(1, 1, 2, seed=1)
    with pytest.raises(TypeError, match=match):
        call(org)  # type: ignore[operator]


def test_a_mapping_lineage_matches_units_but_flows_stay_estimated() -> None:
    from orgmodel.model import OrgGraph, Unit

    # 2023: two stations of 10 and 6; 2024: one merged station "new" of 16
    a = OrgGraph(
        [
            Unit("b", "县局", "county", police=4),
            Unit("s1", "城关派出所", "station", "b", police=10),
            Unit("s2", "城西派出所", "station", "b", police=6),
        ]
    )
    b = OrgGraph(
        [
            Unit("b", "县局", "county", police=4),
            Unit("new", "城区派出所", "station", "b", police=16),
        ]
    )
    plain = om.compare(a, b)  # by id: s1 and s2 removed, new added
    assert not plain.exact and plain["counts"]["removed"] == 2 and plain["counts"]["added"] == 1
    merged = om.compare(a, b, lineage={"new": ["s1", "s2"]})
    # matched through the lineage: one merge, and the 16 officers stayed or moved, none
    # retired or hired (10 + 6 = 16); still an estimate, not a plan's exact flows
    assert not merged.exact and merged["officers"]["method"] == "estimated"
    assert merged["counts"]["merged"] == 1 and merged["counts"]["removed"] == 0
    off = merged["officers"]
    assert off["retired"]["police"] == off["hired"]["police"] == 0
    # one id given as a string is that id, not its letters
    renamed = OrgGraph(
        [
            Unit("b", "县局", "county", police=4),
            Unit("s9", "城关派出所", "station", "b", police=10),
            Unit("s2", "城西派出所", "station", "b", police=6),
        ]
    )
    by_str = om.compare(a, renamed, lineage={"s9": "s1"})
    assert by_str["counts"] == om.compare(a, renamed, lineage={"s9": ["s1"]})["counts"]
    assert by_str["counts"]["renamed"] == 1 and by_str["counts"]["added"] == 0


def test_compare_one_county_of_a_city_plan() -> None:
    import orgmodel

    city = orgmodel.read(orgmodel.seed_path("orgs", "mirror-city.yaml"))
    after = om.apply(city, orgmodel.seed_path("plans", "dabumen-county.yaml"))
    whole = om.compare(after)
    part = om.compare(after, root="qh")  # 清河县公安局 alone
    qh = orgmodel.subtree(after.org, "qh")
    # the plan's merges inside the county are still merges (matched through the lineage) …
    inside = [m for m in whole["units"]["merged"] if m["into"] in qh]
    assert part["counts"]["merged"] == len(inside) == 7
    assert part["counts"]["removed"] == part["counts"]["added"] == 0
    # … its 22 departments become 8, its 448 officers are all still there (none hired or
    # retired), but officers could cross the county's edge, so the flows are an estimate
    d = part.to_frame()
    assert d.loc["departments", ["before", "after"]].tolist() == ["22", "8"]
    off = part["officers"]
    assert off["police_a"] == off["police_b"] == 448
    assert off["retired"]["police"] == off["hired"]["police"] == 0
    assert whole.exact and not part.exact
