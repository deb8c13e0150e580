"""The columnar core: OrgGraph.from_columns gives the organisation the Unit constructor gives,
and the same errors, word for word."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from orgmodel.generate import generate_org
from orgmodel.model import KINDS, Columns, OrgGraph, OrgValidationError, Unit


def _columns_of(units: list[Unit]) -> dict[str, list[object]]:
    return {
        "ids": [u.id for u in units],
        "names": [u.name for u in units],
        "parent": [u.parent for u in units],
        "kind": [u.kind for u in units],
        "function": [u.function for u in units],
        "category": [u.category for u in units],
        "establishment": [u.establishment for u in units],
        "police": [u.police for u in units],
        "auxiliaries": [u.auxiliaries for u in units],
        "leaders": [u.leaders for u in units],
        "duty_roster": [u.duty_roster for u in units],
        "community_share": [u.community_share for u in units],
    }


def _from_columns(units: list[Unit], **kw: object) -> OrgGraph:
    c = _columns_of(units)
    return OrgGraph.from_columns(
        c.pop("ids"),
        c.pop("names"),
        c.pop("parent"),
        c.pop("kind"),
        **c,
        **kw,  # type: ignore[arg-type]
    )


def test_from_columns_equals_the_unit_constructor() -> None:
    org = generate_org(1, 1, 2, seed=3)
    units = list(org.units())
    again = _from_columns(
        units,
        guides=org.guides,
        dispatches=org.dispatches,
        id=org.id,
        name=org.name,
        description=org.description,
    )
    assert again == org
    assert again.order() == org.order()
    assert again.guides == org.guides and again.dispatches == org.dispatches
    assert [again.attrs(u) for u in org.order()] == [org.attrs(u) for u in org.order()]


def test_from_columns_takes_arrays() -> None:
    units = [
        Unit("b", "某县公安局", "county", police=5, leaders=3),
        Unit("s", "城关派出所", "station", parent="b", police=20, duty_roster=False),
        Unit("t", "社区警务队", "team", parent="s", function="community_policing", police=7),
    ]
    org = OrgGraph.from_columns(
        ["b", "s", "t"],
        ["某县公安局", "城关派出所", "社区警务队"],
        np.array([-1, 0, 1]),
        np.array([KINDS.index("county"), KINDS.index("station"), KINDS.index("team")]),
        function=(np.array([-1, -1, 0]), ["community_policing"]),
        police=np.array([5, 20, 7]),
        leaders=np.array([3, -1, -1]),
        duty_roster=np.array([-1, 0, -1], dtype=np.int8),
    )
    assert org == OrgGraph(units)
    cols = org.columns
    assert isinstance(cols, Columns)
    # parent rows, -1 for the root; 5 + 20 + 7 = 32 police
    assert cols.parent.tolist() == [-1, 0, 1]
    assert org.total_police() == 32
    assert org.bfs_rows.tolist() == [0, 1, 2] and org.level_bounds.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "change",
    [
        lambda us: us.append(Unit("s", "重复", "station", parent="b")),  # duplicate id
        lambda us: setattr(us[1], "police", "12"),  # not a whole number
        lambda us: setattr(us[1], "police", -1),
        lambda us: setattr(us[1], "leaders", True),
        lambda us: setattr(us[0], "parent", "p"),  # a cycle b → p → s → b
        lambda us: setattr(us[2], "parent", "nowhere"),
        # an office outside a station
        lambda us: (setattr(us[2], "kind", "office"), setattr(us[2], "parent", "b")),
        lambda us: setattr(us[1], "function", "criminal"),  # a station has no function
        lambda us: setattr(us[1], "community_share", 1.5),
        lambda us: setattr(us[1], "name", "城关\r派出所"),
        lambda us: setattr(us[1], "category", "elite"),
    ],
)
def test_from_columns_reports_what_the_unit_constructor_reports(change: object) -> None:
    units = [
        Unit("b", "某县公安局", "county", police=5),
        Unit("s", "城关派出所", "station", parent="b", police=20),
        Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ]
    change(units)  # type: ignore[operator]
    where = {u.id: f"row {i + 2}" for i, u in enumerate(units)}
    with pytest.raises(OrgValidationError) as by_units:
        OrgGraph(units, where=where, source="org.json")
    with pytest.raises(OrgValidationError) as by_columns:
        _from_columns(units, where=where, source="org.json")
    assert str(by_columns.value) == str(by_units.value)
    assert by_columns.value.issues == by_units.value.issues


def test_networkx_is_built_on_demand_and_a_copy_is_the_users() -> None:
    org = generate_org(1, 1, 1, seed=0)
    g = org.to_networkx()
    assert g.number_of_nodes() == len(org)
    # one REPORTS_TO edge per unit but the root, plus the GUIDES and DISPATCHES edges
    assert g.number_of_edges() == len(org) - 1 + len(org.guides) + len(org.dispatches)
    g.remove_node(org.root)
    assert org.root in org.graph


def test_networkx_graph_writes_to_graphml_and_reads_back_the_same(tmp_path: Path) -> None:
    # nx.write_graphml refused the None of a unit without a function ("GraphML does not
    # support type <class 'NoneType'> as data values"); fields a unit leaves out are now no
    # attribute at all, and the graph comes back from GraphML node for node, edge for edge.
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("xz", "刑侦大队", "department", parent="b", function="criminal", police=12),
            Unit("s", "城关派出所", "station", parent="b", police=20, community_share=0.5),
        ],
        id="x",
    )
    g = org.to_networkx()
    assert g.nodes["b"] == {"name": "某县公安局", "kind": "county", "police": 5, "auxiliaries": 0}
    p = tmp_path / "x.graphml"
    nx.write_graphml(g, p)
    back = nx.read_graphml(p)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert sorted(back.edges(data=True)) == sorted(g.edges(data=True))
    assert back.nodes["xz"]["function"] == "criminal" and "function" not in back.nodes["s"]
