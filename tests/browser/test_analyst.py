"""What an analyst does on the dashboard: read the org chart, open a unit, find a unit by its
Chinese name and re-root every chart on it.

Screenshots: tests/output/orgchart-county.png (the county's org chart, 城关派出所 opened),
search-hits.png (the search box with its hits), dashboard-rooted.png (every chart of 城关派出所).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser._live import LiveServer, beyond_loopback, page_shot, same_origin_only

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = LiveServer(tmp_path_factory.mktemp("analyst"))
    yield srv
    srv.stop()


def wait_ready(pg: Any, subject: str, root: str = "") -> None:
    pg.wait_for_function(
        "([s, r]) => document.body.dataset.state === 'ready'"
        " && document.body.dataset.subject === s && (document.body.dataset.root || '') === r",
        arg=[subject, root],
        timeout=60_000,
    )


def org_chart(pg: Any) -> dict[str, Any]:
    return pg.evaluate(
        """() => { const b = document.querySelector('.orgchart');
            return {state: b.dataset.state, boxes: Number(b.dataset.boxes),
                    units: Number(b.dataset.units), root: b.dataset.root,
                    hollow: Number(b.dataset.hollow), canvas: b.querySelectorAll('canvas').length}
        }"""
    )


def box_position(pg: Any, name: str) -> dict[str, float] | None:
    """Scroll the org chart's box of a unit into view; where it is in the viewport."""
    return pg.evaluate(
        """(name) => {
            const el = document.querySelector('.orgchart');
            const data = echarts.getInstanceByDom(el).getModel().getSeriesByIndex(0).getData();
            for (let i = 0; i < data.count(); i++) {
                if (data.getName(i) === name) {
                    const g = data.getItemGraphicEl(i);  // the symbol, in canvas pixels
                    const [gx, gy] = g.transformCoordToGlobal(0, 0);
                    const p = {x: gx, y: gy};
                    const top = el.getBoundingClientRect().top + window.scrollY;
                    window.scrollTo(0, Math.max(0, top + p.y - 450));
                    const r = el.getBoundingClientRect();
                    return {x: r.left + p.x, y: r.top + p.y};
                }
            }
            return null; }""",
        name,
    )


def test_org_chart_search_and_reroot(
    page: tuple[Any, Any], server: LiveServer, output_dir: Path
) -> None:
    pg, log = page
    foreign = same_origin_only(pg, server.url)
    pg.goto(server.url + "/#a=org:mirror-county")
    wait_ready(pg, "org:mirror-county")

    # The org chart: the bureau and its direct units, drawn by ECharts on a canvas.
    oc = org_chart(pg)
    assert oc["state"] == "drawn" and oc["canvas"] >= 1
    assert oc["units"] == 74 and oc["root"] == "bureau"
    first = oc["boxes"]
    assert first > 20  # the bureau and its 20-odd 内设机构 and 派出所
    assert oc["hollow"] >= 1  # hollow units are marked (red dashed boxes)

    # Clicking 城关派出所 opens it: its teams and 社区警务室 appear.
    pos = box_position(pg, "城关派出所")
    assert pos is not None
    pg.mouse.click(pos["x"], pos["y"])
    pg.wait_for_function(
        "n => Number(document.querySelector('.orgchart').dataset.boxes) > n", arg=first
    )
    opened = org_chart(pg)["boxes"]
    assert box_position(pg, "东关社区警务室") is not None
    pg.evaluate("window.scrollTo(0, 0)")
    page_shot(pg, output_dir / "orgchart-county.png", pg.locator("section:has(.orgchart)"))
    # … and clicking it again closes it.
    pos = box_position(pg, "城关派出所")
    assert pos is not None
    pg.mouse.click(pos["x"], pos["y"])
    pg.wait_for_function(
        "n => Number(document.querySelector('.orgchart').dataset.boxes) < n", arg=opened
    )

    # Search by Chinese name: the hits list the unit with its kind and where it sits.
    pg.fill("#search", "城关")
    pg.wait_for_selector("#hits li[data-id]")
    hits = pg.eval_on_selector_all("#hits li[data-id]", "els => els.map(e => e.textContent)")
    assert hits[0].startswith("城关派出所（派出所，st-chengguan）")
    assert "河西县公安局" in hits[0]
    pg.screenshot(path=str(output_dir / "search-hits.png"))

    # Picking it re-roots every chart and the org chart on that station.
    pg.click("#hits li[data-id='st-chengguan']")
    wait_ready(pg, "org:mirror-county", "st-chengguan")
    assert "root=st-chengguan" in pg.url
    assert pg.is_visible("#focus") and pg.text_content("#focus-name") == "城关派出所"
    oc = org_chart(pg)
    assert oc["root"] == "st-chengguan" and oc["units"] < 74
    titles = pg.evaluate(
        """() => [...document.querySelectorAll('#charts .chart')].map(el =>
            el._fullLayout && el._fullLayout.title ? el._fullLayout.title.text : '')"""
    )
    assert titles and all("城关派出所" in t for t in titles if t), titles
    assert pg.evaluate("document.body.dataset.state") == "ready"
    page_shot(pg, output_dir / "dashboard-rooted.png")

    # 返回全局 brings the whole organisation back.
    pg.click("#unfocus")
    wait_ready(pg, "org:mirror-county")
    assert org_chart(pg)["units"] == 74

    assert foreign == [] and beyond_loopback(log.requests) == []
    assert log.errors == []


def test_numbers_panel_and_comparison_deltas(
    page: tuple[Any, Any], server: LiveServer, output_dir: Path
) -> None:
    pg, log = page
    foreign = same_origin_only(pg, server.url)
    pg.goto(server.url + "/#a=org:mirror-county")
    wait_ready(pg, "org:mirror-county")
    panel = pg.locator(".numbers-panel")
    assert panel.get_attribute("data-state") == "drawn"
    rows = pg.eval_on_selector_all(
        ".numbers-panel table.numbers tbody tr",
        "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))",
    )
    values = dict(rows)
    assert values["民警"] == "497" and values["辅警"] == "467"  # head counts, whole
    # an expected value says so; 240.3: each 派出所 counted once with its teams and posts
    assert values["可部署警力（期望值）"] == "240.3"
    # 9 hollow units (establishments: a 派出所 with its teams and posts is one), 19 failed
    # checks in the county (the seed's 上下对口 county)
    assert panel.get_attribute("data-hollow") == "9"
    assert panel.get_attribute("data-failed") == "19"
    pg.click(".numbers-panel details >> nth=0")  # open the failing units
    assert pg.locator(".numbers-panel table.fails tbody tr").count() == 19
    page_shot(pg, output_dir / "numbers-county.png", pg.locator("section:has(.numbers-panel)"))

    # A scenario against its base: delta table coloured by each metric's direction.
    pg.select_option("#pick-a", "scenario:dabumen-county")
    pg.select_option("#pick-b", "org:mirror-county")
    pg.wait_for_function(
        "() => document.body.dataset.compare === 'org:mirror-county'"
        " && document.body.dataset.state === 'ready'",
        timeout=60_000,
    )
    delta = pg.eval_on_selector_all(
        ".numbers-panel table.delta tbody tr",
        """trs => trs.map(tr => ({label: tr.cells[0].textContent, before: tr.cells[1].textContent,
            after: tr.cells[2].textContent, delta: tr.cells[3].textContent,
            change: tr.cells[3].querySelector('span').className}))""",
    )
    by = {d["label"]: d for d in delta}
    # 22 → 8 departments: fewer is better, so green although the number fell
    assert by["内设机构数"]["before"] == "22" and by["内设机构数"]["after"] == "8"
    assert by["内设机构数"]["change"] == "better"
    assert by["可部署警力（期望值）"]["change"] == "better"  # more is better
    assert by["民警"]["change"] == "" and by["民警"]["delta"] == "0"  # a size: no colour
    changes = pg.eval_on_selector_all(
        ".numbers-panel ul.changes li", "els => els.map(e => e.textContent)"
    )
    assert any(c.startswith("合并：") and "侦查打击大队" in c for c in changes), changes
    page_shot(pg, output_dir / "numbers-compare.png", pg.locator("section:has(.numbers-panel)"))

    # The base shown against its scenario: the reform still reads base → scenario (22 → 8,
    # better), with the plan's exact changes, not reversed as a reform that made things worse.
    pg.select_option("#pick-a", "org:mirror-county")
    pg.select_option("#pick-b", "scenario:dabumen-county")
    pg.wait_for_function(
        "() => document.body.dataset.compare === 'scenario:dabumen-county'"
        " && document.body.dataset.state === 'ready'",
        timeout=60_000,
    )
    rows = pg.eval_on_selector_all(
        ".numbers-panel table.delta tbody tr",
        """trs => trs.map(tr => [tr.cells[0].textContent, tr.cells[1].textContent,
            tr.cells[2].textContent, tr.cells[3].querySelector('span').className])""",
    )
    dept = next(r for r in rows if r[0] == "内设机构数")
    assert dept[1:] == ["22", "8", "better"], dept
    assert foreign == [] and beyond_loopback(log.requests) == []
    assert log.errors == []
