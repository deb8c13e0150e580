"""Every endpoint with each role: allowed from its role up, refused (403) below it, 401 without
a valid token; local mode serves loopback callers only."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import (
    ADMIN,
    LOOPBACK,
    ROLE_TOKENS,
    SMALL_ORG,
    auth,
    make_client,
    small_org,
)

MERGE_PLAN = {"name": "刑侦治安合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}
_n = itertools.count()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("auth")) as c:
        assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN)).status_code == 201
        r = c.post(
            "/api/v1/scenarios",
            json={"base": "test-county", "plan": MERGE_PLAN, "id": "merge"},
            headers=auth(ADMIN),
        )
        assert r.status_code == 201, r.text
        yield c


Call = Callable[[TestClient, dict[str, str]], Any]


def _get(path: str) -> Call:
    return lambda c, h: c.get(path, headers=h)


def _post(path: str, body: Any) -> Call:
    return lambda c, h: c.post(path, json=body, headers=h)


def _create_org(c: TestClient, h: dict[str, str]) -> Any:
    return c.post("/api/v1/orgs", json=small_org(id=f"org-{next(_n)}"), headers=h)


def _replace_org(c: TestClient, h: dict[str, str]) -> Any:
    tag = c.get("/api/v1/orgs/test-county", headers=auth(ADMIN)).headers["etag"]
    return c.put("/api/v1/orgs/test-county", json=SMALL_ORG, headers={**h, "If-Match": tag})


def _delete_org(c: TestClient, h: dict[str, str]) -> Any:
    oid = f"gone-{next(_n)}"
    assert c.post("/api/v1/orgs", json=small_org(id=oid), headers=auth(ADMIN)).status_code == 201
    return c.delete(f"/api/v1/orgs/{oid}", headers=h)


def _create_scenario(c: TestClient, h: dict[str, str]) -> Any:
    body = {"base": "test-county", "plan": MERGE_PLAN, "id": f"sc-{next(_n)}"}
    return c.post("/api/v1/scenarios", json=body, headers=h)


ORG = "/api/v1/orgs/test-county"
SC = "/api/v1/scenarios/merge"
#: (name, call, lowest role allowed)
ENDPOINTS: list[tuple[str, Call, str]] = [
    ("list orgs", _get("/api/v1/orgs"), "viewer"),
    ("get org", _get(ORG), "viewer"),
    ("versions", _get(f"{ORG}/versions"), "viewer"),
    ("units", _get(f"{ORG}/units?kind=station"), "viewer"),
    ("unit", _get(f"{ORG}/units/b"), "viewer"),
    ("export", _get(f"{ORG}/export?format=graphml"), "viewer"),
    ("metrics", _get(f"{ORG}/metrics"), "viewer"),
    ("metrics post", _post(f"{ORG}/metrics", {}), "viewer"),
    ("metrics part", _get(f"{ORG}/metrics/span"), "viewer"),
    ("metrics part post", _post(f"{ORG}/metrics/shares", {}), "viewer"),
    ("list scenarios", _get("/api/v1/scenarios"), "viewer"),
    ("get scenario", _get(SC), "viewer"),
    ("scenario diff", _get(f"{SC}/diff"), "viewer"),
    ("scenario metrics", _get(f"{SC}/metrics"), "viewer"),
    ("scenario export", _get(f"{SC}/export?format=json"), "viewer"),
    ("compare", _get("/api/v1/compare?a=test-county&b=scenario:merge"), "viewer"),
    ("create scenario", _create_scenario, "planner"),
    ("query", _post("/api/v1/query", {"cypher": "MATCH (u:Unit) RETURN count(*) AS n"}), "planner"),
    ("create org", _create_org, "admin"),
    ("replace org", _replace_org, "admin"),
    ("delete org", _delete_org, "admin"),
]
RANK = {"viewer": 1, "planner": 2, "admin": 3}


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
@pytest.mark.parametrize(("name", "call", "needs"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_role(api: TestClient, name: str, call: Call, needs: str, role: str) -> None:
    r = call(api, auth(ROLE_TOKENS[role]))
    if RANK[role] >= RANK[needs]:
        assert 200 <= r.status_code < 300, (name, role, r.text)
    else:
        assert r.status_code == 403, (name, role, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        p = r.json()
        assert p["type"] == "urn:orgmodel:problem:forbidden"
        assert needs in p["detail"] and role in p["detail"]


@pytest.mark.parametrize(("name", "call", "needs"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
@pytest.mark.parametrize(
    "headers",
    [{}, auth("not-a-known-token-at-all"), {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "unknown", "basic"],
)
def test_no_valid_token(
    api: TestClient, name: str, call: Call, needs: str, headers: dict[str, str]
) -> None:
    r = call(api, headers)
    assert r.status_code == 401, (name, r.text)
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_health_needs_no_token(api: TestClient) -> None:
    r = api.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["local_mode"] is False


def test_author_is_the_token_name(api: TestClient) -> None:
    r = api.get("/api/v1/orgs/test-county/versions", headers=auth(ROLE_TOKENS["viewer"]))
    assert r.json()[0]["author"] == "张管理"


def test_local_mode_serves_loopback_as_admin(tmp_path: Path) -> None:
    with make_client(tmp_path, tokens=False) as c:
        assert c.get("/health").json()["local_mode"] is True
        r = c.post("/api/v1/orgs", json=SMALL_ORG)
        assert r.status_code == 201, r.text
        assert c.get("/api/v1/orgs").status_code == 200


def test_local_mode_refuses_other_clients(tmp_path: Path) -> None:
    with make_client(tmp_path, tokens=False) as c:
        far = TestClient(c.app, client=("10.1.2.3", 40000), base_url="http://127.0.0.1")
        r = far.get("/api/v1/orgs")
        assert r.status_code == 403
        assert r.json()["type"] == "urn:orgmodel:problem:local-mode"
        assert "127.0.0.1" in r.json()["detail"]
        assert far.get("/health").status_code == 200
        assert LOOPBACK[0] == "127.0.0.1"
