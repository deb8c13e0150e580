"""The dashboard in chromium against a live local uvicorn server (local mode and with a token).

Each test checks that every chart draws (an SVG, and as many traces as the figure has), that
no console error occurs, that switching the organisation redraws, and that the page asks
nothing of any other host. Screenshots go to tests/output/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser._live import LiveServer, page_shot, same_origin_only

pytestmark = pytest.mark.browser

TOKEN = "viewer-token-for-browser-tests"
ORG_KINDS = ["hierarchy", "graph", "spans", "funnel", "mirror"]


@pytest.fixture(scope="module")
def local_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = LiveServer(tmp_path_factory.mktemp("dash-local"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def token_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from api.settings import Role, TokenRecord

    srv = LiveServer(
        tmp_path_factory.mktemp("dash-token"),
        {TOKEN: TokenRecord(TOKEN, Role.viewer, "browser test")},
    )
    yield srv
    srv.stop()


def wait_drawn(pg: Any, subject: str) -> None:
    pg.wait_for_function(
        "s => document.body.dataset.state !== 'loading' && document.body.dataset.subject === s",
        arg=subject,
        timeout=60_000,
    )


def drawn_charts(pg: Any) -> list[dict[str, Any]]:
    return pg.evaluate(
        """() => [...document.querySelectorAll('#charts .chart')].map(el => ({
            kind: el.dataset.kind, subject: el.dataset.subject, state: el.dataset.state,
            expected: Number(el.dataset.traces || -1),
            traces: el._fullData ? el._fullData.length : -1,
            svg: el.querySelectorAll('svg.main-svg').length,
            title: el._fullLayout && el._fullLayout.title ? el._fullLayout.title.text : ''}))"""
    )


def check_all_drawn(charts: list[dict[str, Any]]) -> None:
    assert charts
    for c in charts:
        assert c["state"] == "drawn", c
        assert c["traces"] == c["expected"] >= 1, c
        assert c["svg"] >= 1, c


def test_dashboard_local_mode(
    page: tuple[Any, Any], local_server: LiveServer, output_dir: Path
) -> None:
    pg, log = page
    foreign = same_origin_only(pg, local_server.url)
    pg.goto(local_server.url + "/#a=org:mirror-county")
    wait_drawn(pg, "org:mirror-county")
    assert pg.title() == "orgmodel 组织分析看板"
    charts = drawn_charts(pg)
    assert [c["kind"] for c in charts] == ORG_KINDS
    check_all_drawn(charts)
    assert "河西县公安局" in charts[0]["title"]
    assert pg.evaluate("document.body.dataset.state") == "ready"
    page_shot(pg, output_dir / "dashboard-county.png")

    # Switching the organisation redraws every chart with the other organisation's data.
    pg.select_option("#pick-a", "org:mirror-city")
    wait_drawn(pg, "org:mirror-city")
    charts = drawn_charts(pg)
    check_all_drawn(charts)
    assert {c["subject"] for c in charts} == {"org:mirror-city"}
    assert "临江市公安局" in charts[0]["title"]
    assert "#a=org%3Amirror-city" in pg.url or "#a=org:mirror-city" in pg.url
    page_shot(pg, output_dir / "dashboard-city.png")

    # A scenario compared with its base: headline bars, both Sankeys, then every chart in pairs.
    pg.select_option("#pick-a", "scenario:dabumen-county")
    pg.select_option("#pick-b", "org:mirror-county")
    pg.wait_for_function(
        "() => document.body.dataset.compare === 'org:mirror-county'"
        " && document.body.dataset.state !== 'loading'",
        timeout=60_000,
    )
    charts = drawn_charts(pg)
    check_all_drawn(charts)
    kinds = [c["kind"] for c in charts]
    assert kinds[:3] == ["compare", "flows", "flows_category"]
    assert kinds[3:] == [k for k in ORG_KINDS for _ in (0, 1)]
    subjects = [c["subject"] for c in charts[3:5]]
    assert subjects == ["scenario:dabumen-county", "org:mirror-county"]
    captions = pg.eval_on_selector_all("figcaption", "els => els.map(e => e.textContent)")
    assert captions[:2] == ["方案：县局大部门制改革（dabumen-county，基于 河西县公安局）",
                            "河西县公安局（组织 mirror-county，v1，497 名民警）"]  # fmt: skip
    assert charts[0]["traces"] == 6  # 3 panels × 2 subjects
    page_shot(pg, output_dir / "dashboard-scenario-vs-base.png")
    page_shot(
        pg, output_dir / "dashboard-flows.png", pg.locator("section:has(.chart[data-kind=flows])")
    )

    assert log.errors == []
    assert foreign == []


def test_dashboard_with_token(
    page: tuple[Any, Any], token_server: LiveServer, output_dir: Path
) -> None:
    pg, log = page
    foreign = same_origin_only(pg, token_server.url)
    pg.goto(token_server.url + "/")
    pg.wait_for_function("() => document.body.dataset.state === 'error'", timeout=30_000)
    assert "401" in pg.text_content("#status")
    # the browser itself logs each refused request; nothing else may be logged
    assert all("401" in e for e in log.errors), log.errors
    log.errors.clear()

    pg.fill("#token", TOKEN)
    pg.click("#save-token")
    wait_drawn(pg, "org:mirror-city")  # the first organisation, alphabetically
    check_all_drawn(drawn_charts(pg))
    assert pg.evaluate("localStorage.getItem('orgmodel.token')") == TOKEN
    assert pg.text_content("#auth-state") == "已保存令牌"

    # The token survives a reload (localStorage) and switching still redraws.
    pg.reload()
    wait_drawn(pg, "org:mirror-city")
    pg.select_option("#pick-a", "org:taizhou-gxq-before")
    wait_drawn(pg, "org:taizhou-gxq-before")
    charts = drawn_charts(pg)
    check_all_drawn(charts)
    assert "泰州" in charts[0]["title"]
    page_shot(pg, output_dir / "dashboard-token-taizhou.png")
    assert log.errors == []
    assert foreign == []
