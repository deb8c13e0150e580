"""The law of establishments (DOMAIN.md): rebuilding a station as 两队一室 with the same
officers never raises fixed posts, hidden loss or hollow units."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.metrics import workforce_report
from orgmodel.model import OrgGraph
from orgmodel.norms import load_norms
from orgmodel.restructure import apply_plan, plan_from_dict
from tests.strategies import org_graphs


@settings(max_examples=40, deadline=None)
@given(org_graphs(max_counties=2), st.data())
def test_two_teams_one_office_never_raises_posts_loss_or_hollow_units(
    org: OrgGraph, data: st.DataObject
) -> None:
    norms = load_norms()
    stations = [u for u in org if org.attrs(u)["kind"] == "station"]
    if not stations:
        return
    chosen = data.draw(st.lists(st.sampled_from(stations), min_size=1, unique=True))
    op: dict[str, object] = {"op": "two_teams_one_office", "units": chosen}
    if data.draw(st.booleans()):
        op["office"] = data.draw(st.integers(0, 8))
    if data.draw(st.booleans()):
        op["community_share"] = data.draw(st.floats(0, 1))
    r = apply_plan(org, plan_from_dict({"name": "两队一室", "ops": [op]}), norms=norms)
    assert r.hired["police"] == r.retired["police"] == 0  # the same officers
    before, after = workforce_report(org, norms=norms), workforce_report(r.org, norms=norms)
    assert after["police"] == before["police"]
    assert after["fixed_posts"] <= before["fixed_posts"]
    assert after["hidden_loss"] <= before["hidden_loss"] + 1e-9
    assert after["hollow_units"] <= before["hollow_units"]
    assert after["establishments"] == before["establishments"]


def test_the_rebuild_worked_by_hand() -> None:
    from orgmodel.model import Unit

    # 城关派出所 with 24 officers and a post of 3, its own roster (station norms: L 2, A 1,
    # D 1 × k 5 → F = 8). As one establishment: 27 police, O = 8,
    # hidden loss = 8 × (1 − 27/40) = 2.6. 两队一室 (office 3, community share 0.6): the station
    # keeps its 2 leaders, the office takes 3 and the roster, the community team 0.6 × 27 ≈ 16
    # less the post's 3 = 13, the case team the other 6. Still 27 officers, F = 8, loss 2.6.
    base = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=6),
            Unit("s", "城关派出所", "station", parent="b", police=24),
            Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
        ]
    )
    r = apply_plan(
        base, plan_from_dict({"name": "两队一室", "ops": [{"op": "two_teams_one_office"}]})
    )
    o = r.org
    police = {u: o.attrs(u)["police"] for u in o}
    assert police == {"b": 6, "s": 2, "s-community": 13, "s-cases": 6, "s-office": 3, "p": 3}
    assert o.attrs("s")["duty_roster"] is False and o.attrs("s-office")["duty_roster"] is True
    for org, members in ((base, 2), (o, 5)):
        w = workforce_report(org)
        s_row = next(x for x in w["top_hidden_loss"] if x["id"] == "s")
        assert (s_row["members"], s_row["police"], s_row["fixed_posts"]) == (members, 27, 8)
        assert s_row["hidden_loss"] == pytest.approx(8 * (1 - 27 / 40))  # 2.6
        # Measured unit by unit, the office (3 < its own 1 + 5 posts) would be hollow; as
        # part of the station it is not. The bureau holds 6 = F(county) = 4 + 2.
        assert w["hollow_units"] == 0
        assert w["fixed_posts"] == 6 + 8
        assert w["hidden_loss"] == pytest.approx(6 * (1 - 6 / 30) + 2.6)  # 4.8 + 2.6
