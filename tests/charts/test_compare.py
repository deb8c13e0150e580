"""Grouped bars of headline metrics."""

from __future__ import annotations

import pytest

from orgmodel.charts import compare_figure
from orgmodel.charts.compare import PANELS
from orgmodel.metrics import HEADLINE_LABELS, headline
from orgmodel.model import OrgGraph


def test_compare_two_orgs(county: OrgGraph, city: OrgGraph) -> None:
    fig = compare_figure({"县": county, "市": city})
    assert len(fig.data) == 2 * len(PANELS)
    assert [t.name for t in fig.data] == ["县"] * 3 + ["市"] * 3
    assert [t.showlegend for t in fig.data] == [True, False, False] * 2
    shares = fig.data[0]
    h = headline(county)
    got = dict(zip(shares.x, shares.y, strict=True))
    assert got["隐性流失占比"] == pytest.approx(h["hidden_loss_share"])
    assert got[HEADLINE_LABELS["station_share"]] == pytest.approx(
        h["station_share"]
    )  # (20 + 3) / 80
    assert h["station_share"] == pytest.approx(23 / 80)
    officers = dict(zip(fig.data[1].x, fig.data[1].y, strict=True))
    assert officers["可部署警力"] == pytest.approx(54.9)


def test_compare_accepts_headlines_and_sequences(county: OrgGraph) -> None:
    fig = compare_figure([county, county])
    assert [t.name for t in fig.data][::3] == ["某县公安局", "某县公安局（2）"]
    h = dict(headline(county))
    h["mirror_index"] = None
    fig = compare_figure({"改革前": county, "改革后": h})
    assert "—" in list(fig.data[3].text)


def test_bar_labels_format_expected_values_as_everywhere() -> None:
    # An expected value that happens to be whole keeps its decimal (279.0, as the panel and
    # the CLI show it; the bars said 279); head counts of units stay whole.
    h = {"deployable": 279.0, "hidden_loss": 98, "overhead": 187.0, "mean_span": 2.0}
    h |= {"departments": 8}
    fig = compare_figure({"改革后": h})
    officers = dict(zip(fig.data[1].x, fig.data[1].text, strict=True))
    assert officers["可部署警力"] == "279.0" and officers["隐性流失警力"] == "98.0"
    assert officers["固定岗位占用警力"] == "187"
    structure = dict(zip(fig.data[2].x, fig.data[2].text, strict=True))
    assert structure["平均管理幅度"] == "2.0" and structure["内设机构数"] == "8"
