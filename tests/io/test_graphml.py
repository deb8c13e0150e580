"""GraphML export and import (orgmodel/io/graphml.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from orgmodel.errors import InputError
from orgmodel.io.graphml import read_graphml, to_networkx, write_graphml
from orgmodel.model import OrgGraph, OrgValidationError, ParentBureau

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def test_round_trip(org: OrgGraph, tmp_path: Path) -> None:
    back = read_graphml(write_graphml(org, tmp_path / "linjiang.graphml"))
    assert back == org
    assert back.order() == org.order()
    assert back.parent_bureau == ParentBureau("江南省公安厅", ("command", "criminal"))
    assert (back.id, back.name, back.description) == (
        "linjiang",
        "临江市公安局",
        "测试用：一个市局、一个县局",
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "linjiang.graphml"]


def test_attribute_types(org: OrgGraph, tmp_path: Path) -> None:
    p = write_graphml(org, tmp_path / "o.graphml")
    root = ET.parse(p).getroot()
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.findall("g:key", NS)
    }
    for f in ("police", "auxiliaries", "establishment", "leaders"):
        assert keys[("node", f)] in ("int", "long")
    assert keys[("node", "community_share")] == "double"
    assert keys[("node", "duty_roster")] == "boolean"
    assert keys[("node", "name")] == keys[("node", "label")] == "string"
    assert keys[("edge", "type")] == "string"
    assert {n for f, n in keys if f == "graph"} >= {
        "name",
        "description",
        "parent_bureau",
        "parent_bureau_functions",
    }
    assert root.find("g:graph", NS).get("id") == "linjiang"  # type: ignore[union-attr]
    # None is left out: the county bureau has no establishment, so no such data element.
    g = nx.read_graphml(p)
    assert "establishment" not in g.nodes["k"]
    assert g.nodes["c"]["establishment"] == 15
    assert g.nodes["c-xz"]["duty_roster"] is True
    assert g.nodes["p"]["community_share"] == 1.0
    assert g.nodes["p"]["label"] == "东街社区警务室"


def test_edges_typed(org: OrgGraph) -> None:
    g = to_networkx(org)
    types = [t for _, _, t in g.edges(data="type")]
    # 10 REPORTS_TO (11 units), 1 GUIDES, 3 DISPATCHES
    assert (types.count("REPORTS_TO"), types.count("GUIDES"), types.count("DISPATCHES")) == (
        10,
        1,
        3,
    )
    assert g.edges["p", "s-sq"]["type"] == "REPORTS_TO"
    assert g.edges["c-xz", "k-xz"]["type"] == "GUIDES"


def test_gephi_extras_are_ignored(org: OrgGraph, tmp_path: Path) -> None:
    # Gephi adds layout and colour attributes and may store ints as doubles.
    g = to_networkx(org)
    for i, n in enumerate(g.nodes):
        g.nodes[n].update(x=float(i), y=-1.5, r=200, size=10.0)
    g.nodes["s"]["police"] = 20.0
    p = tmp_path / "gephi.graphml"
    nx.write_graphml(g, p)
    back = read_graphml(p)
    assert back == org
    assert back.unit("c").police == 12


def test_no_parent_bureau(tmp_path: Path) -> None:
    from orgmodel.model import Unit

    org = OrgGraph([Unit("b", "某县公安局", "county", police=3)], id="x", name="某县公安局")
    back = read_graphml(write_graphml(org, tmp_path / "x.graphml"))
    assert back == org
    assert back.parent_bureau is None


def test_malformed_and_missing(tmp_path: Path) -> None:
    p = tmp_path / "bad.graphml"
    p.write_text("<graphml><graph>", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.graphml: not well-formed GraphML"):
        read_graphml(p)
    with pytest.raises(InputError, match="no such file"):
        read_graphml(tmp_path / "nope.graphml")


def test_undirected_refused(tmp_path: Path) -> None:
    p = tmp_path / "u.graphml"
    nx.write_graphml(nx.Graph([("a", "b")]), p)
    with pytest.raises(InputError, match="undirected"):
        read_graphml(p)


def test_bad_nodes_and_edges_named(tmp_path: Path) -> None:
    g = nx.DiGraph()
    g.add_node("b", name="某县公安局", kind="county", police=1)
    g.add_node("s", name="城关派出所", police=2)
    g.add_node("t", name="东关派出所", kind="station")
    g.add_edge("s", "b", type="REPORTS_TO")
    g.add_edge("t", "b", type="COMMANDS")
    p = tmp_path / "bad.graphml"
    nx.write_graphml(g, p)
    with pytest.raises(OrgValidationError) as e:
        read_graphml(p)
    msg = str(e.value)
    assert "node 's', unit 's': node has no kind" in msg
    assert (
        "edge 't' → 'b': type must be one of REPORTS_TO, GUIDES, DISPATCHES, got 'COMMANDS'" in msg
    )
    assert "more than one root unit: b, t" in msg
