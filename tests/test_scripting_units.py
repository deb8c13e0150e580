"""MetricReport.units() (orgmodel/scripting.py), computed as whole-column passes, against a
plain unit-by-unit reference over the organisation's own accessors."""

from __future__ import annotations

from collections import defaultdict

from orgmodel import scripting
from orgmodel.generate import generate_org
from orgmodel.model import KIND_NAMES


def test_unit_records_match_a_plain_reference() -> None:
    org = generate_org(1, 2, 2, seed=3)
    got = scripting.metrics(org).units()
    order = org.order()
    assert [r["id"] for r in got] == order  # breadth-first, root first
    below: dict[str, int] = defaultdict(int)
    for u in reversed(order):  # children before parents: subtree police by hand
        below[u] += org.attrs(u)["police"]
        if org.parent(u) is not None:
            below[org.parent(u)] += below[u]
    for r in got:
        u, a = r["id"], org.attrs(r["id"])
        assert r["name"] == a["name"] and r["kind"] == a["kind"]
        assert r["kind_name"] == KIND_NAMES[a["kind"]]
        assert r["parent"] == org.parent(u) and r["layer"] == org.depth(u)
        assert r["function"] == a["function"] and r["category"] == org.category_of(u)
        assert r["people"] == a["police"] + a["auxiliaries"]
        assert r["span"] == len(org.children(u))
        assert r["subtree_police"] == below[u]
        assert r["shortfall"] >= 0 and (r["shortfall"] > 0) <= r["hollow"]
    # a station's teams, office and posts belong to its establishment (编制单元)
    for r in got:
        if r["kind"] in ("team", "office"):
            assert org.attrs(r["establishment"])["kind"] == "station"
