"""Small hand-built organisations shared by the chart tests; the figures' words in Chinese.

A figure's words follow the language in force (English in the library by default). These
tests check the Chinese a planner reads (the dashboard's and the CLI's default language);
tests/charts/test_languages.py checks the English of each figure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orgmodel.i18n import language
from orgmodel.model import OrgGraph, ParentBureau, Unit


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    with language("zh"):
        yield


def small_county() -> OrgGraph:
    # 县局 → {刑侦大队 12, 交警大队 40, 派出所 20 → 警务室 3}; 80 police in all.
    return OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5, auxiliaries=1),
            Unit("d1", "刑侦大队", "department", parent="b", function="criminal", police=12),
            Unit("d2", "交警大队", "department", parent="b", function="traffic", police=40),
            Unit("s", "城关派出所", "station", parent="b", police=20, auxiliaries=8),
            Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
        ],
        parent_bureau=ParentBureau("某市公安局", ("office", "criminal")),
        id="small",
        name="某县公安局",
    )


def small_city() -> OrgGraph:
    # 市局 → {刑侦支队, 县局 → {刑侦大队, 情指中心, 派出所 → 警务室}}; one GUIDES line.
    return OrgGraph(
        [
            Unit("city", "某市公安局", "city", police=6),
            Unit("cx", "刑事侦查支队", "department", parent="city", function="criminal", police=40),
            Unit("cty", "某县公安局", "county", parent="city", police=5),
            Unit("ctx", "刑事侦查大队", "department", parent="cty", function="criminal", police=12),
            Unit(
                "cc", "情报指挥中心", "command_center", parent="cty", function="command", police=9
            ),
            Unit("st", "城关派出所", "station", parent="cty", police=8),
            Unit("post", "东街社区警务室", "community_post", parent="st", police=2),
        ],
        [("cx", "ctx")],
        [("cc", "st")],
        id="city",
        name="某市公安局",
    )


@pytest.fixture
def county() -> OrgGraph:
    return small_county()


@pytest.fixture
def city() -> OrgGraph:
    return small_city()
