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
    assert names == ["测试县公安局 v1", "测试县公安局（并队）（方案 merge）"]


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
    assert "/static/echarts.min.js" in page and "http" not in page
    # plotly.js is loaded by the script once the org chart is drawn, from this server too
    script = client.get("/static/dashboard.js").text
    assert '"/static/plotly.min.js"' in script and "http" not in script
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
    assert {p.name for p in static.iterdir()} == {
        "index.html",
        "dashboard.js",
        "dashboard.css",
        "vendor",
    }
    # ECharts is vendored with its licence and notice (Apache-2.0)
    vendor = static / "vendor" / "echarts"
    assert {p.name for p in vendor.iterdir()} == {
        "echarts.min.js",
        "LICENSE",
        "NOTICE",
        "README.md",
    }
    assert "Apache License" in (vendor / "LICENSE").read_text()


def test_echarts_served_from_the_package(client: TestClient) -> None:
    r = client.get("/static/echarts.min.js")
    assert r.status_code == 200
    assert "Apache Software Foundation" in r.text[:2000]


def test_orgchart_endpoint(client: TestClient) -> None:
    h = auth(VIEWER)
    r = client.get("/api/v1/orgs/test-county/orgchart?depth=1", headers=h)
    assert r.status_code == 200, r.text
    d = r.json()
    t = d["tree"]
    # 5 + 12 + 8 + 20 + 3 = 48 police in 5 units
    assert (t["name"], t["total_police"], d["units"]) == ("测试县公安局", 48, 5)
    assert [c["name"] for c in t["children"]] == ["刑侦大队", "治安大队", "城关派出所"]
    assert t["children"][2]["more"] == 1  # the post is shipped when the station is opened
    sub = client.get("/api/v1/orgs/test-county/orgchart?root=s1", headers=h).json()
    assert sub["path"] == [{"id": "b", "name": "测试县公安局"}]
    assert sub["tree"]["children"][0]["name"] == "东街社区警务室"
    r = client.get("/api/v1/orgs/test-county/orgchart?root=nope", headers=h)
    assert r.status_code == 404 and "nope" in r.json()["detail"]
    assert client.get("/api/v1/orgs/test-county/orgchart?depth=99", headers=h).status_code == 422
    scen = client.get("/api/v1/scenarios/merge/orgchart", headers=h).json()
    # 刑侦 and 治安 merged into 刑侦大队: 12 + 8 = 20
    assert [(c["id"], c["total_police"]) for c in scen["tree"]["children"]] == [
        ("xj", 20),
        ("s1", 23),
    ]


def test_search_endpoint(client: TestClient) -> None:
    h = auth(VIEWER)
    hits = client.get("/api/v1/orgs/test-county/search", params={"q": "大队"}, headers=h).json()
    assert [x["id"] for x in hits] == ["xj", "za"]
    assert hits[0]["path"] == "测试县公安局" and hits[0]["kind_name"] == "内设机构"
    one = client.get("/api/v1/orgs/test-county/search?q=P1", headers=h).json()
    assert [x["name"] for x in one] == ["东街社区警务室"]
    assert client.get("/api/v1/orgs/test-county/search?q=", headers=h).status_code == 422
    assert client.get("/api/v1/orgs/test-county/search?q=x").status_code == 401
    scen = client.get("/api/v1/scenarios/merge/search?q=治安", headers=h).json()
    assert scen == []  # merged away


@pytest.mark.parametrize("kind", ORG_KINDS)
def test_every_org_chart_takes_a_root(client: TestClient, kind: str) -> None:
    h = auth(VIEWER)
    fig = client.get(f"/api/v1/orgs/test-county/charts/{kind}?root=s1", headers=h).json()
    assert "城关派出所" in fig["layout"]["title"]["text"]
    data = json.dumps(fig["data"], ensure_ascii=False)
    if kind == "mirror":  # the bureau above the new root is the row it is compared with
        assert "上级：测试县公安局" in data
    else:
        assert "测试县公安局" not in data
    r = client.get(f"/api/v1/orgs/test-county/charts/{kind}?root=zz", headers=h)
    assert r.status_code == 404


def test_scenario_and_compare_charts_take_a_root(client: TestClient) -> None:
    h = auth(VIEWER)
    for kind in ("compare", "flows", "flows_category", "hierarchy"):
        r = client.get(f"/api/v1/scenarios/merge/charts/{kind}?root=s1", headers=h)
        assert r.status_code == 200, (kind, r.text)
    fig = client.get(
        "/api/v1/charts/compare?a=org:test-county&b=scenario:merge&root=s1", headers=h
    ).json()
    assert all("城关派出所" in t["name"] for t in fig["data"])


def test_numbers_panel_endpoints(client: TestClient) -> None:
    h = auth(VIEWER)
    p = client.get("/api/v1/orgs/test-county/numbers", headers=h).json()
    rows = {r["id"]: r for r in p["headline"]}
    # 5 + 12 + 8 + 20 + 3 = 48 police, a head count shown whole
    assert rows["police"]["text"] == "48" and rows["police"]["label"] == "民警"
    assert rows["deployable"]["label"] == "可部署警力（期望值）"
    assert rows["hidden_loss_share"]["direction"] == "lower"
    # the bureau (5 < F = 6) and 治安大队 (8 ≥ 3 fixed posts, not hollow): one hollow unit
    assert p["hollow"]["count"] == 1 and p["hollow"]["units"][0]["name"] == "测试县公安局"
    assert p["policy"]["passed"] + p["policy"]["failed"] + p["policy"]["not_evaluated"] >= 1
    assert len(p["policy"]["failing"]) == p["policy"]["failing_total"]
    s = client.get("/api/v1/scenarios/merge/numbers", headers=h).json()
    c = s["compare"]
    assert (c["a"], c["b"], c["estimated"]) == ("改革前", "改革后", False)
    deltas = {r["id"]: r for r in c["rows"]}
    # merging 治安 into 刑侦: 2 → 1 departments, better (fewer is better); police unchanged
    assert (deltas["departments"]["delta"], deltas["departments"]["change"]) == ("−1", "better")
    assert (deltas["police"]["delta"], deltas["police"]["change"]) == ("0", None)
    assert c["changes"]["lines"] == ["合并：刑侦大队、治安大队 → 刑侦大队"]
    x = client.get("/api/v1/numbers/compare?a=org:test-county&b=scenario:merge", headers=h).json()
    assert x["estimated"] is True and {r["id"] for r in x["rows"]} >= {"police", "hidden_loss"}
    rooted = client.get("/api/v1/orgs/test-county/numbers?root=s1", headers=h).json()
    assert {r["id"]: r["text"] for r in rooted["headline"]}["police"] == "23"  # 20 + 3
