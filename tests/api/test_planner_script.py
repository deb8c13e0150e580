"""The API as a planner's script meets it: DELETE for scenarios, filters that validate their
values (Chinese kind names as the importer knows them), unknown query parameters refused, and
404s that never name the server's store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api._helpers import ADMIN, PLANNER, SMALL_ORG, VIEWER, TestClient, auth, make_client


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("planner-script")) as c:
        assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN)).status_code == 201
        yield c


def test_delete_scenario(client: TestClient) -> None:
    plan = {"name": "并队", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}
    body = {"base": "test-county", "id": "what-if", "plan": plan}
    assert client.post("/api/v1/scenarios", json=body, headers=auth(PLANNER)).status_code == 201
    # a viewer may not delete; a planner may; then it is gone, and the base is untouched
    assert client.delete("/api/v1/scenarios/what-if", headers=auth(VIEWER)).status_code == 403
    assert client.delete("/api/v1/scenarios/what-if", headers=auth(PLANNER)).status_code == 204
    assert client.get("/api/v1/scenarios/what-if", headers=auth(VIEWER)).status_code == 404
    assert client.delete("/api/v1/scenarios/what-if", headers=auth(PLANNER)).status_code == 404
    ids = [s["id"] for s in client.get("/api/v1/scenarios", headers=auth(VIEWER)).json()]
    assert "what-if" not in ids
    org = client.get("/api/v1/orgs/test-county", headers=auth(VIEWER)).json()
    assert org["police"] == 48  # 5 + 12 + 8 + 20 + 3
    # the id can be used again, and its charts are the new scenario's, not a cached old one
    assert client.post("/api/v1/scenarios", json=body, headers=auth(PLANNER)).status_code == 201
    r = client.get("/api/v1/scenarios/what-if/charts/spans", headers=auth(VIEWER))
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("query", "total"),
    [("kind=派出所", 1), ("kind=station", 1), ("kind=内设机构", 2), ("function=刑侦", 1)],
)
def test_filters_take_codes_and_chinese_names(client: TestClient, query: str, total: int) -> None:
    r = client.get(f"/api/v1/orgs/test-county/units?{query}", headers=auth(VIEWER))
    assert r.status_code == 200, r.text
    assert r.json()["total"] == total


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("kind=stationx", "unknown unit kind 'stationx'"),
        ("function=zz", "unknown function 'zz'"),
        ("knd=station", "unknown query parameter 'knd'"),
    ],
)
def test_bad_filters_are_422(client: TestClient, query: str, says: str) -> None:
    r = client.get(f"/api/v1/orgs/test-county/units?{query}", headers=auth(VIEWER))
    assert r.status_code == 422
    assert says in r.json()["detail"]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # a repeated list filter is OR: the station and the bureau
        ("kind=station&kind=county", ["b", "s1"]),
        ("kind=派出所&kind=社区警务室", ["s1", "p1"]),  # Chinese names, as the importer's
        ("function=刑侦&function=public_order", ["xj", "za"]),
        # different filters are AND: departments of either function, none of them a station
        ("kind=station&function=刑侦&function=治安", []),
        ("kind=内设机构&function=criminal", ["xj"]),
    ],
)
def test_repeated_list_filters_are_any_of(client: TestClient, query: str, ids: list[str]) -> None:
    r = client.get(f"/api/v1/orgs/test-county/units?{query}", headers=auth(VIEWER))
    assert r.status_code == 200, r.text
    assert [u["id"] for u in r.json()["items"]] == ids and r.json()["total"] == len(ids)


def test_list_filters_say_they_repeat_in_the_openapi(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"]["/api/v1/orgs/{org_id}/units"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    for name in ("kind", "function"):
        schema = params[name]["schema"]
        arrays = [s for s in schema["anyOf"] if s.get("type") == "array"]
        assert arrays and arrays[0]["items"]["type"] == "string", schema
        assert "Repeat it" in params[name]["description"]
    assert params["limit"]["schema"]["type"] == "integer"  # one value only


@pytest.mark.parametrize(
    ("url", "says"),
    [
        # one bad value among several is named
        ("/api/v1/orgs/test-county/units?kind=station&kind=stationx", "'stationx'"),
        # a parameter that takes one value, given twice: refused and named, never one kept
        ("/api/v1/orgs/test-county/units?limit=1&limit=2", "'limit' given more than once"),
        ("/api/v1/orgs/test-county/units?parent=b&parent=s1", "'parent' given more than once"),
        ("/api/v1/orgs/test-county/units?version=1&version=1", "'version' given more than once"),
        ("/api/v1/orgs/test-county/charts/spans?root=b&root=s1", "'root' given more than once"),
        ("/api/v1/compare?a=test-county&a=test-county&b=test-county", "'a' given more than once"),
        ("/api/v1/scenarios?base=x&base=y", "'base' given more than once"),
    ],
)
def test_repeated_single_value_parameters_are_422(client: TestClient, url: str, says: str) -> None:
    r = client.get(url, headers=auth(VIEWER))
    assert r.status_code == 422, r.text
    assert says in r.json()["detail"]


def test_unknown_query_parameter_refused_everywhere(client: TestClient) -> None:
    r = client.get("/api/v1/orgs/test-county/charts/spans?rooot=s1", headers=auth(VIEWER))
    assert r.status_code == 422
    assert "'rooot'" in r.json()["detail"] and "root" in r.json()["detail"]
    r = client.get("/api/v1/orgs?verbose=1", headers=auth(VIEWER))
    assert r.status_code == 422


def test_404_never_names_the_store(client: TestClient, tmp_path: Path) -> None:
    store = str(client.app.state.settings.store)  # type: ignore[attr-defined]
    for path in ("/api/v1/orgs/nope", "/api/v1/scenarios/nope", "/api/v1/orgs/nope/versions"):
        r = client.get(path, headers=auth(VIEWER))
        assert r.status_code == 404
        text = r.text
        assert store not in text and "lbdb" not in text and "/tmp" not in text, text
        assert "nope" in r.json()["detail"]


def test_scenarios_of_an_unknown_base_is_a_404(client: TestClient) -> None:
    r = client.get("/api/v1/scenarios?base=test-countyy", headers=auth(VIEWER))
    assert r.status_code == 404 and "test-countyy" in r.json()["detail"]
    # a known base without scenarios is an empty list
    r = client.get("/api/v1/scenarios?base=test-county", headers=auth(VIEWER))
    assert r.status_code == 200
    assert all(s["base"]["id"] == "test-county" for s in r.json())
