"""Hand-built organisations shared by the metric tests; every expected value is worked out
by hand in the tests themselves.

The county (某县公安局), with police in brackets and the shipped norms::

    r  某县公安局 county (6)
    ├─ d1  刑侦大队 department criminal (10)
    │   └─ d1a 刑侦中队 department criminal (4)
    ├─ d2  法制大队 department legal (40), leaders = 3
    ├─ cc  情指中心 command_center command (12)
    ├─ s1  城关派出所 station (30)
    │   ├─ t1  社区警务队 team community_policing (8)
    │   │   ├─ p1 东街警务区 community_post (3)
    │   │   └─ p2 西街警务区 community_post (2)
    │   ├─ t2  案件办理队 team case_handling (9)
    │   ├─ o1  综合指挥室 office station_command (5)
    │   └─ p3  南关社区警务室 community_post (1)
    └─ s2  北山派出所 station (6), duty_roster = false
        └─ p4  北山社区警务室 community_post (2)

DISPATCHES: cc → t1, cc → s2. Parent bureau (outside the file): 某市公安局 with
criminal, traffic, command. Total police 138.
"""

from __future__ import annotations

import pytest

from orgmodel.model import OrgGraph, ParentBureau, Unit
from orgmodel.norms import load_norms


def county_units() -> list[Unit]:
    return [
        Unit("r", "某县公安局", "county", police=6, auxiliaries=10),
        Unit("d1", "刑侦大队", "department", parent="r", function="criminal", police=10),
        Unit("d2", "法制大队", "department", parent="r", function="legal", police=40, leaders=3),
        Unit("cc", "情指中心", "command_center", parent="r", function="command", police=12),
        Unit("s1", "城关派出所", "station", parent="r", police=30, auxiliaries=20),
        Unit("s2", "北山派出所", "station", parent="r", police=6, duty_roster=False),
        Unit("d1a", "刑侦中队", "department", parent="d1", function="criminal", police=4),
        Unit("t1", "社区警务队", "team", parent="s1", function="community_policing", police=8),
        Unit("t2", "案件办理队", "team", parent="s1", function="case_handling", police=9),
        Unit("o1", "综合指挥室", "office", parent="s1", function="station_command", police=5),
        Unit("p3", "南关社区警务室", "community_post", parent="s1", police=1),
        Unit("p4", "北山社区警务室", "community_post", parent="s2", police=2),
        Unit("p1", "东街警务区", "community_post", parent="t1", police=3),
        Unit("p2", "西街警务区", "community_post", parent="t1", police=2),
    ]


def make_county(dispatches: bool = True) -> OrgGraph:
    return OrgGraph(
        county_units(),
        dispatches=[("cc", "t1"), ("cc", "s2")] if dispatches else [],
        id="county",
        name="某县公安局",
        parent_bureau=ParentBureau("某市公安局", ("criminal", "traffic", "command")),
    )


@pytest.fixture
def county() -> OrgGraph:
    return make_county()


@pytest.fixture
def city() -> OrgGraph:
    """A city bureau with two county bureaus that mirror it.

    c 某市公安局: departments criminal, traffic, office.
    k1 甲县公安局: criminal (8), traffic (40), patrol (12), legal (5).
    k2 乙县公安局: criminal (20).
    GUIDES: c-criminal → k1-criminal, c-criminal → k2-criminal, c-traffic → k1-traffic.
    """
    units = [
        Unit("c", "某市公安局", "city", police=8),
        Unit("c-x", "刑侦支队", "department", parent="c", function="criminal", police=60),
        Unit("c-j", "交警支队", "department", parent="c", function="traffic", police=90),
        Unit("c-o", "办公室", "department", parent="c", function="office", police=15),
        Unit("k1", "甲县公安局", "county", parent="c", police=5),
        Unit("k2", "乙县公安局", "county", parent="c", police=4),
        Unit("k1-x", "甲县刑侦大队", "department", parent="k1", function="criminal", police=8),
        Unit("k1-j", "甲县交警大队", "department", parent="k1", function="traffic", police=40),
        Unit("k1-p", "甲县巡特警大队", "department", parent="k1", function="patrol", police=12),
        Unit("k1-l", "甲县法制大队", "department", parent="k1", function="legal", police=5),
        Unit("k2-x", "乙县刑侦大队", "department", parent="k2", function="criminal", police=20),
    ]
    return OrgGraph(
        units,
        guides=[("c-x", "k1-x"), ("c-x", "k2-x"), ("c-j", "k1-j")],
        id="city",
        name="某市公安局",
    )


@pytest.fixture(scope="session")
def norms():  # type: ignore[no-untyped-def]
    return load_norms()
