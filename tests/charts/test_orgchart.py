"""The org chart's data (orgmodel.charts.orgchart): boxes, marks and the server-side cut."""

from __future__ import annotations

import pytest

from orgmodel.charts.orgchart import org_chart_data
from orgmodel.errors import InputError
from orgmodel.model import OrgGraph


def test_boxes_carry_strength_hollow_and_hidden_loss(county: OrgGraph) -> None:
    d = org_chart_data(county, depth=1)
    t = d["tree"]
    assert (d["root"], d["path"], d["units"], d["shown"]) == ("b", [], 5, 4)
    # 5 + 12 + 40 + 20 + 3 = 80 police; 1 + 8 = 9 auxiliaries
    assert (t["total_police"], t["total_auxiliaries"], t["police"]) == (80, 9, 5)
    assert t["kind_name"] == "县局/分局"
    # county norms: F = L 4 + A 2 = 6 > 5 police → hollow, short by 1;
    # hidden loss = O 5 × (1 − 5/30) = 4.17
    assert (t["hollow"], t["hidden_loss"]) == (1, 4.2)
    kids = {c["id"]: c for c in t["children"]}
    assert list(kids) == ["d1", "d2", "s"]
    # 刑侦大队: F = 2 + 1 = 3, O = 3, loss = 3 × (1 − 12/30) = 1.8; 交警大队 at S: none
    assert (kids["d1"]["hollow"], kids["d1"]["hidden_loss"]) == (0, 1.8)
    assert kids["d2"]["hidden_loss"] == 0
    # the station: 20 + 3 = 23 police under it; with its post it is one establishment
    # (DOMAIN.md): F = 2 + 1 + 1 × 5 = 8, hidden loss 8 × (1 − 23/40) = 3.4
    assert (kids["s"]["total_police"], kids["s"]["hidden_loss"]) == (23, 3.4)
    # depth 1: the post is not shipped, the station says it has one child more
    assert kids["s"]["more"] == 1 and "children" not in kids["s"]
    assert kids["d1"]["more"] == 0


def test_many_children_are_summed_in_one_rest_box(county: OrgGraph) -> None:
    t = org_chart_data(county, depth=1, max_children=2)["tree"]
    # the two largest by police under them (交警 40, 派出所 23) stay, in file order
    assert [c["id"] for c in t["children"]] == ["d2", "s", "b#rest"]
    rest = t["children"][-1]
    assert (rest["name"], rest["kind"], rest["total_police"], rest["units"]) == (
        "其余 1 个单位",
        "rest",
        12,
        1,
    )


def test_node_budget_cuts_breadth_first(county: OrgGraph) -> None:
    d = org_chart_data(county, depth=5, max_nodes=2)
    # the root (1 box) is under the budget, so its 3 children come whole (4 boxes); then the
    # budget is spent and the station keeps its post for later
    assert d["shown"] == 4
    s = d["tree"]["children"][2]
    assert s["id"] == "s" and s["more"] == 1 and "children" not in s


def test_rooted_chart_names_the_path_above(county: OrgGraph) -> None:
    d = org_chart_data(county, root="s")
    assert d["path"] == [{"id": "b", "name": "某县公安局"}]
    assert d["units"] == 2
    assert [c["name"] for c in d["tree"]["children"]] == ["东街社区警务室"]
    with pytest.raises(InputError, match="no unit 'x'"):
        org_chart_data(county, root="x")
