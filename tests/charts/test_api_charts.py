"""The charts router (api/routers/charts.py): Plotly JSON per kind, roles, the page files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api._helpers import ADMIN, SMALL_ORG, VIEWER, TestClient, auth, make_client

ORG_KINDS = ["hierarchy", "graph", "spans", "funnel", "mirror"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("charts-api")) as c:
        r = c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN))
        assert r.status_code == 201, r.text
        plan = {"name": "并队", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}
        r = c.post(
            "/api/v1/scenarios",
            json={"base": "test-county", "id": "merge", "plan": plan},
            headers=auth(ADMIN),
        )
        assert r.status_code == 201, r.text
        yield c


def test_kinds(client: TestClient) -> None:
    r = client.get("/api/v1/charts", headers=auth(VIEWER))
    assert r.status_code == 200
    body = r.json()
    assert [k["kind"] for k in body["org"]] == ORG_KINDS
    assert [k["kind"] for k in body["scenario"]][:3] == ["compare", "flows", "flows_category"]


@pytest.mark.parametrize("kind", ORG_KINDS)
def test_org_chart_is_plotly_json(client: TestClient, kind: str) -> None:
    r = client.get(f"/api/v1/orgs/test-county/charts/{kind}", headers=auth(VIEWER))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    fig = r.json()
    assert set(fig) >= {"data", "layout"}
    assert fig["data"]
    assert "测试县公安局" in fig["layout"]["title"]["text"]
    assert "WenQuanYi Micro Hei" in fig["layout"]["font"]["family"]


def test_figures_carry_the_one_local_config(client: TestClient) -> None:
    from orgmodel.charts._style import PLOTLY_CONFIG

    fig = client.get("/api/v1/orgs/test-county/charts/spans", headers=auth(VIEWER)).json()
    assert fig["config"] == PLOTLY_CONFIG
    assert fig["config"]["showSendToCloud"] is False
    assert "sendDataToCloud" in fig["config"]["modeBarButtonsToRemove"]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    page = r.text
    # scripts and styles from the installed fastapi-offline package, none from a CDN
    assert "/static-offline-docs/" in page
    assert not re.search(r"(src|href)=[\"']https?://", page)
    assert "default-src 'self'" in r.headers["content-security-policy"]
    asset = re.search(r"/static-offline-docs/[\w.-]+\.js", page)
    assert asset and client.get(asset.group(0)).status_code == 200


def test_org_chart_options(client: TestClient) -> None:
    h = auth(VIEWER)
    fig = client.get("/api/v1/orgs/test-county/charts/hierarchy?style=sunburst", headers=h).json()
    assert fig["data"][0]["type"] == "sunburst"
    # 5 + 12 + 8 + 20 + 3 = 48 police under the bureau
    assert fig["data"][0]["values"][0] == 48
    fig = client.get("/api/v1/orgs/test-county/charts/graph?max_level=1", headers=h).json()
    assert sum(len(t["x"]) for t in fig["data"][3:]) == 4  # bureau, 2 大队, station
    fig = client.get("/api/v1/orgs/test-county/charts/funnel?by=category", headers=h).json()
    assert len(fig["data"]) == 3
    fig = client.get("/api/v1/orgs/test-county/charts/spans?version=1", headers=h).json()
    assert fig["data"][0]["type"] == "bar"


def test_scenario_charts(client: TestClient) -> None:
    h = auth(VIEWER)
    flows = client.get("/api/v1/scenarios/merge/charts/flows", headers=h).json()
    s = flows["data"][0]
    assert s["type"] == "sankey"
    assert sum(s["link"]["value"]) == 8  # the 治安大队's 8 officers moved into 刑侦大队
    cat = client.get("/api/v1/scenarios/merge/charts/flows_category", headers=h).json()
    assert sum(cat["data"][0]["link"]["value"]) == 48
    cmp = client.get("/api/v1/scenarios/merge/charts/compare", headers=h).json()
    assert [t["name"] for t in cmp["data"]][::3] == ["改革前", "改革后"]
    mirror = client.get("/api/v1/scenarios/merge/charts/mirror", headers=h).json()
    assert mirror["data"][0]["type"] == "heatmap"


def test_compare_chart(client: TestClient) -> None:
    r = client.get(
        "/api/v1/charts/compare",
        params={"a": "org:test-county@1", "b": "scenario:merge"},
        headers=auth(VIEWER),
    )
    assert r.status_code == 200, r.text
    names = [t["name"] for t in r.json()["data"]][::3]
    # a scenario's organisation is named "<base> (<plan name>)"; the label adds its id
    assert names == ["测试县公安局 v1", "测试县公安局 (并队)（方案 merge）"]


def test_errors_are_problems(client: TestClient) -> None:
    r = client.get("/api/v1/orgs/test-county/charts/graph")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.get("/api/v1/orgs/nope/charts/graph", headers=auth(VIEWER))
    assert r.status_code == 404
    r = client.get("/api/v1/orgs/test-county/charts/pie", headers=auth(VIEWER))
    assert r.status_code == 422
    r = client.get("/api/v1/scenarios/nope/charts/flows", headers=auth(VIEWER))
    assert r.status_code == 404
    r = client.get("/api/v1/charts/compare?a=bad:x&b=org:test-county", headers=auth(VIEWER))
    assert r.status_code == 422


def test_page_and_static_files(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "公安机关组织分析看板" in page
    # everything the page loads comes from this server
    assert "/static/plotly.min.js" in page and "http" not in page
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert js.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/dashboard.js").status_code == 200
    assert "WenQuanYi" in client.get("/static/dashboard.css").text
    for bad in ("index.html", "..%2Fapp.py", "nope.js"):
        assert client.get(f"/static/{bad}").status_code == 404


def test_figure_json_cached_and_stable(client: TestClient) -> None:
    h = auth(VIEWER)
    a = client.get("/api/v1/orgs/test-county/charts/mirror", headers=h).content
    b = client.get("/api/v1/orgs/test-county/charts/mirror", headers=h).content
    assert a == b
    assert json.loads(a)["data"][0]["y"][0] == "测试县公安局"


def test_openapi_lists_chart_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/orgs/{org_id}/charts/{kind}" in paths
    assert "/api/v1/scenarios/{scenario_id}/charts/{kind}" in paths
    assert "/" not in paths


def test_static_dir_has_only_served_files() -> None:
    static = Path(__file__).resolve().parents[2] / "api" / "static"
    assert {p.name for p in static.iterdir()} == {"index.html", "dashboard.js", "dashboard.css"}
