"""A small county bureau, worked by hand in the tests.

b   某县公安局 (county)            police 4, leaders 4
├── cc  指挥中心 (command_center)   6
├── d1  刑侦大队 (criminal)        10, aux 2
│   └── d1a 刑侦一中队 (criminal)    3
├── d2  经侦大队 (economic)         5
├── d3  办公室 (office)             3
├── s1  城关派出所 (station)       12, aux 6
│   └── p1 东街社区警务室            2
└── s2  城东派出所 (station)        8
Σ police = 4 + 6 + 10 + 3 + 5 + 3 + 12 + 2 + 8 = 53; Σ aux = 2 + 6 = 8
"""

from __future__ import annotations

from orgmodel.model import OrgGraph, ParentBureau, Unit
from orgmodel.restructure import Plan, plan_from_dict


def small_org() -> OrgGraph:
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=4, leaders=4),
            Unit("cc", "指挥中心", "command_center", "b", "command", police=6),
            Unit("d1", "刑侦大队", "department", "b", "criminal", police=10, auxiliaries=2),
            Unit("d1a", "刑侦一中队", "department", "d1", "criminal", police=3),
            Unit("d2", "经侦大队", "department", "b", "economic", police=5),
            Unit("d3", "办公室", "department", "b", "office", police=3),
            Unit("s1", "城关派出所", "station", "b", police=12, auxiliaries=6),
            Unit("p1", "东街社区警务室", "community_post", "s1", police=2),
            Unit("s2", "城东派出所", "station", "b", police=8),
        ],
        dispatches=[("cc", "s1"), ("cc", "s2")],
        id="small",
        name="某县公安局",
        parent_bureau=ParentBureau(
            "某市公安局", ("command", "criminal", "economic", "office", "traffic")
        ),
    )


def plan(*ops: dict) -> Plan:
    return plan_from_dict({"name": "test", "ops": list(ops)})


def police(org: OrgGraph, uid: str) -> int:
    return int(org.attrs(uid)["police"])
