"""Speed in the browser: the dashboard on a 20k-unit organisation (issue 15, point 7).

A generated organisation of 19,858 units (2 provinces × 3 cities × 14 counties) is pushed into
a fresh store and the dashboard opened on it in chromium, with an empty cache and a server that
has computed nothing yet. The page's own clock (``performance.now()``) gives the time to the
first chart, the first Plotly figure and every chart; they are printed in the test summary
("timings") and never asserted (speed targets live in ``make bench``: ``first_chart``).

What is asserted is what makes the page fast: big figures are cut on the server, not shipped
whole — the icicle has a few hundred boxes with "其他 N 个单位" boxes for the rest, the mirror
heatmap at most 40 bureau rows, the org chart at most its 400 boxes — and every chart draws.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser._live import LiveServer, beyond_loopback

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def big(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    from orgmodel.generate import generate_org
    from orgmodel.store import open_store

    folder = tmp_path_factory.mktemp("speed")
    org = generate_org(2, 3, 14)
    assert 19_000 < len(org) < 21_000
    with open_store(str(folder / "db.lbdb")) as store:
        store.save_org(org, "test", "20k units")
    srv = LiveServer(folder)  # the store is not empty: no seeds
    yield srv, org.id
    srv.stop()


def test_first_chart_of_20k_units(
    page: tuple[Any, Any],
    big: tuple[LiveServer, str],
    output_dir: Path,
    record_property: Any,
) -> None:
    pg, log = page
    srv, org_id = big
    sizes: dict[str, int] = {}

    def on_response(r: Any) -> None:
        if "/api/v1/orgs/" in r.url:
            sizes[r.url.split("/api/v1/orgs/", 1)[1].split("/", 1)[-1]] = len(r.body())

    pg.on("response", on_response)
    pg.goto(f"{srv.url}/#a=org:{org_id}")
    pg.wait_for_function(
        "() => document.body.dataset.state !== 'loading'", timeout=180_000, polling=100
    )
    assert pg.evaluate("document.body.dataset.state") == "ready"
    t = pg.evaluate(
        """() => { const d = document.body.dataset;
            return {first: Number(d.firstChartMs), plotly: Number(d.firstPlotlyMs),
                    all: Number(d.allChartsMs)}; }"""
    )
    text = (
        f"20k units ({org_id}): first chart {t['first'] / 1000:.2f} s, first Plotly figure "
        f"{t['plotly'] / 1000:.2f} s, all charts {t['all'] / 1000:.2f} s (page clock; target "
        f"for the first chart ≤ 2 s); chart JSON {sum(sizes.values()) / 1024:,.0f} KiB"
    )
    record_property("timing", text)
    print(text)
    assert 0 < t["first"] <= t["plotly"] <= t["all"]

    # Cut on the server: a few hundred icicle boxes, "more" boxes summing the rest.
    ice = pg.evaluate(
        """() => { const el = document.querySelector('.chart[data-kind=hierarchy]');
            const tr = el._fullData[0];
            return {ids: tr.ids.length, values0: tr.values[0],
                    more: tr.labels.filter(l => l.startsWith('其他 ')).length}; }"""
    )
    assert 0 < ice["ids"] <= 600 and ice["more"] >= 1, ice
    rows = pg.evaluate(
        "() => document.querySelector('.chart[data-kind=mirror]')._fullData[0].z.length"
    )
    assert rows <= 41  # 40 bureaus (+ the parent bureau row when there is one)
    boxes = pg.evaluate("Number(document.querySelector('.orgchart').dataset.boxes)")
    assert 0 < boxes <= 400
    assert sizes["charts/hierarchy"] < 400_000, sizes  # 3,000 boxes were 1.5 MB
    pg.screenshot(path=str(output_dir / "dashboard-20k.png"), full_page=False)
    assert beyond_loopback(log.requests) == []
    assert log.errors == []
