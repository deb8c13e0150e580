"""A small city organisation with every field, edge type and the parent bureau set."""

from __future__ import annotations

import pytest

from orgmodel.model import OrgGraph, ParentBureau, Unit


def make_org() -> OrgGraph:
    units = [
        Unit("c", "临江市公安局", "city", police=12, establishment=15, leaders=5),
        Unit(
            "c-xz", "刑侦支队", "department", "c", "criminal", "duty", police=40, duty_roster=True
        ),
        Unit("c-cc", "情报指挥中心", "command_center", "c", "command", police=20, auxiliaries=6),
        Unit("k", "河西县公安局", "county", "c", police=6, leaders=4),
        Unit("k-xz", "刑事侦查大队", "department", "k", "criminal", police=18, auxiliaries=2),
        Unit(
            "k-zz",
            "政治处",
            "department",
            "k",
            "political",
            "management",
            police=4,
            leaders=1,
            duty_roster=False,
        ),
        Unit("k-cc", "情指中心", "command_center", "k", "command", police=10),
        Unit("s", "城关派出所", "station", "k", police=20, auxiliaries=25, community_share=0.6),
        Unit("s-sq", "社区警务队", "team", "s", "community_policing", police=8),
        Unit("s-zh", "综合指挥室", "office", "s", "station_command", police=3),
        Unit(
            "p",
            "东街社区警务室",
            "community_post",
            "s-sq",
            police=2,
            auxiliaries=3,
            community_share=1.0,
        ),
    ]
    return OrgGraph(
        units,
        guides=[("c-xz", "k-xz")],
        dispatches=[("k-cc", "s"), ("c-cc", "s"), ("k-cc", "p")],
        id="linjiang",
        name="临江市公安局",
        description="测试用：一个市局、一个县局",
        parent_bureau=ParentBureau("江南省公安厅", ("command", "criminal")),
    )


@pytest.fixture
def org() -> OrgGraph:
    return make_org()
