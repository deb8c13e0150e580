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
    assert [t.name for t in fig.data][::3] == ["某县公安局", "某县公安局 (2)"]
    h = dict(headline(county))
    h["mirror_index"] = None
    fig = compare_figure({"改革前": county, "改革后": h})
    assert "—" in list(fig.data[3].text)
