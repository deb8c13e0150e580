"""Span bands and the availability funnel against hand-worked numbers."""

from __future__ import annotations

import pytest

from orgmodel.charts import availability_funnel_figure, span_bands_figure
from orgmodel.model import OrgGraph


def test_span_bands(county: OrgGraph) -> None:
    fig = span_bands_figure(county)
    assert len(fig.data) == 1
    bar = fig.data[0]
    assert list(bar.x) == ["1", "2–3", "4–7", "8–12", "13–16", "17+"]
    # managing units: b (span 3 → 2–3) and s (span 1 → 1): half each
    assert list(bar.y) == [0.5, 0.5, 0, 0, 0, 0]
    assert list(bar.text)[:2] == ["1 个单位", "1 个单位"]
    assert "共 2 个" in fig.layout.yaxis.title.text


def test_funnel_whole_org(county: OrgGraph) -> None:
    fig = availability_funnel_figure(county)
    assert len(fig.data) == 1
    f = fig.data[0]
    assert f.type == "funnel"
    # police 80; leaders b 4, d1 2, d2 2, s 2 → 70; admin b 1 (5−4 left), d1 1, d2 1, s 1 → 66;
    # duty: only the station keeps a roster, 1 post × 5 → 61; absence 10 % → 54.9 deployable.
    assert list(f.x) == pytest.approx([80, 70, 66, 61, 54.9])
    assert f.y[0] == "民警实有"
    assert "可部署" in f.y[-1]


def test_funnel_by_category(county: OrgGraph) -> None:
    fig = availability_funnel_figure(county, by="category")
    names = [t.name for t in fig.data]
    assert len(names) == 3  # leadership, duty (刑侦, 交警), frontline
    assert sum(t.x[0] for t in fig.data) == 80
    assert fig.layout.showlegend
