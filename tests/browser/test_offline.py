"""Offline and private: /docs and /redoc draw with no network, a dashboard page load asks
nothing of any host but 127.0.0.1, and no figure offers to send data to Plotly's cloud.

Screenshots: tests/output/docs-swagger.png, docs-redoc.png.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from orgmodel.norms import NormsFile, PolicyFile
from orgmodel.restructure.plan import PlanFile
from tests.browser._live import LiveServer, Network, beyond_loopback, same_origin_only

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = LiveServer(tmp_path_factory.mktemp("offline"))
    yield srv
    srv.stop()


#: How long a page may take to draw on a loaded machine (2 cores shared by the whole suite):
#: bounded, and far above the few seconds a quiet machine takes.
PAGE_WAIT_MS = 120_000

#: Swagger UI's titles of the document's schemas (OpenAPI 3.1: its JSON Schema 2020-12 view).
SCHEMA_TITLES = "section.models .json-schema-2020-12__title"
#: The request bodies' schemas, by their titles: the routes' own and the library's files.
BODY_SCHEMAS = [
    "ScenarioCreate",
    "MetricsRequest",
    *(str(m.model_config["title"]) for m in (PlanFile, NormsFile, PolicyFile)),
]


def _until(pg: Any, done: Callable[[], bool], what: str) -> None:
    """Let the page run (its events arrive while Playwright waits) until ``done()``."""
    deadline = time.monotonic() + PAGE_WAIT_MS / 1000
    while not done():
        assert time.monotonic() < deadline, f"waited {PAGE_WAIT_MS / 1000:.0f} s for {what}"
        pg.wait_for_timeout(100)


def test_swagger_ui_and_redoc_offline(
    page: tuple[Any, Any], server: LiveServer, output_dir: Path
) -> None:
    pg, log = page
    # Waits are for the page to be drawn, never a race against a fixed clock: every check
    # waits (bounded) for what it counts.
    pg.set_default_timeout(PAGE_WAIT_MS)
    pg.set_default_navigation_timeout(PAGE_WAIT_MS)
    net = Network(pg)
    foreign = same_origin_only(pg, server.url)
    pg.goto(server.url + "/docs")
    # Swagger UI renders the API's title and one block per operation from /openapi.json.
    pg.wait_for_selector(".swagger-ui .info .title")
    assert "orgmodel API" in pg.text_content(".swagger-ui .info .title")
    pg.wait_for_function("() => document.querySelectorAll('.opblock').length >= 10")
    # The typed request bodies are drawn: the Schemas section lists each by its title.
    pg.wait_for_function(f"() => document.querySelectorAll('{SCHEMA_TITLES}').length >= 10")
    titles = pg.eval_on_selector_all(SCHEMA_TITLES, "els => els.map(e => e.textContent.trim())")
    # (Swagger UI writes a title's first letter in capitals: "Orgmodel restructuring plan")
    assert {t.lower() for t in BODY_SCHEMAS} <= {t.lower() for t in titles}, titles
    pg.screenshot(path=str(output_dir / "docs-swagger.png"))

    pg.goto(server.url + "/redoc")
    pg.wait_for_selector(".api-info h1")
    assert "orgmodel API" in pg.text_content(".api-info h1")
    # ReDoc lists the operations in its side menu (drawn after the title: waited for).
    pg.wait_for_function("() => document.querySelectorAll('[role=menuitem]').length >= 10")
    # ReDoc's bundle asks a CDN for its logo; the page's Content-Security-Policy refuses it
    # before any request is made, which the browser reports (when it gets to the logo).
    _until(pg, lambda: bool(net.blocked) and bool(log.errors), "the refused logo request")
    # the scenario route's body: the plan file's schema, with its operations
    assert str(PlanFile.model_config["title"]) in pg.inner_text("body")
    pg.screenshot(path=str(output_dir / "docs-redoc.png"))

    assert foreign == []
    assert beyond_loopback(net.sent) == []
    assert net.blocked == ["https://cdn.redoc.ly/redoc/logo-mini.svg"]
    # Nothing else may go wrong.
    assert all("Content Security Policy" in e for e in log.errors), log.errors
    assert len(log.errors) == 1


def test_dashboard_page_load_stays_on_loopback(page: tuple[Any, Any], server: LiveServer) -> None:
    pg, log = page
    foreign = same_origin_only(pg, server.url)
    pg.goto(server.url + "/#a=org:mirror-county")
    pg.wait_for_function(
        "() => document.body.dataset.state === 'ready'"
        " && document.body.dataset.subject === 'org:mirror-county'",
        timeout=60_000,
    )
    # Every request of the page load (page, scripts, styles, API calls) went to 127.0.0.1.
    assert len(log.requests) >= 5
    assert beyond_loopback(log.requests) == []
    assert foreign == []

    # No figure offers Plotly's cloud: the flags are off and no such button is drawn.
    flags = pg.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
            cloud: el._context.showSendToCloud, studio: el._context.showEditInChartStudio,
            link: el._context.showLink, logo: el._context.displaylogo}))"""
    )
    assert flags
    # (plotly.js 3 dropped the Chart Studio and link options: they read as undefined.)
    assert all(f["cloud"] is False and f["logo"] is False for f in flags), flags
    assert not any(f["studio"] or f["link"] for f in flags), flags
    pg.hover(".js-plotly-plot >> nth=0")
    titles = pg.eval_on_selector_all(
        ".modebar-btn", "els => els.map(e => e.getAttribute('data-title') || '')"
    )
    assert titles  # the mode bar is there (zoom, download …)
    assert not [t for t in titles if "Cloud" in t or "Chart Studio" in t], titles
    assert pg.locator("a[href*='plot.ly'], a[href*='plotly.com']").count() == 0
    assert log.errors == []
