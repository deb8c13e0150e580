"""Issue 9, the API's part: local mode resists browsers (through the real uvicorn process),
plausible bad input gets a 4xx problem naming the field, concurrent creates of one scenario
id get 409, and ``--host ::1`` serves."""

from __future__ import annotations

import asyncio
import copy
import json
import socket
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.local_guard import is_loopback_host
from tests.api._helpers import ADMIN, PLANNER, SMALL_ORG, auth, small_org
from tests.api.test_live_server import start, stop

PROBLEM = "application/problem+json"
MERGE = {"name": "合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}


def _problem(r: httpx.Response, status: int, field: str | None = None) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    doc = r.json()
    if field is not None:
        fields = [str(e.get("field")) for e in doc.get("errors", [])]
        assert any(f == field or f.endswith(f".{field}") for f in fields), doc
    return doc


# -- 7: local mode against browsers -----------------------------------------------------------


def test_loopback_host_names() -> None:
    for ok in ("127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8000"):
        assert is_loopback_host(ok), ok
    for bad in ("evil.example", "127.0.0.1.evil.example", "localhost.:80", "[::1]x", "", "::1"):
        assert not is_loopback_host(bad), bad


@pytest.mark.slow
def test_local_mode_refuses_rebinding_and_cross_site_writes(tmp_path: Path) -> None:
    proc, url = start(tmp_path / "local.lbdb", "--no-seed")
    port = url.rsplit(":", 1)[1]
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            # DNS rebinding: the page's own name arrives in Host.
            r = c.get("/api/v1/orgs", headers={"Host": f"rebind.example:{port}"})
            assert "rebind.example" in str(_problem(r, 400, "Host")["detail"])
            assert c.get("/api/v1/orgs", headers={"Host": f"localhost:{port}"}).json() == []
            # A cross-site multipart form POST, as a browser sends it without a preflight.
            form = {"file": ("org.json", json.dumps(SMALL_ORG).encode(), "application/json")}
            evil = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
            _problem(c.post("/api/v1/orgs", files=form, headers=evil), 403, "Origin")
            # The same form without Origin (old browsers, privacy settings): no JSON type and
            # no custom header, so still refused.
            _problem(c.post("/api/v1/orgs", files=form), 403, "X-Requested-With")
            # JSON from another origin is refused too; nothing was created by any of them.
            _problem(c.post("/api/v1/orgs", json=SMALL_ORG, headers=evil), 403, "Origin")
            _problem(c.delete("/api/v1/orgs/x"), 403, "X-Requested-With")
            assert c.get("/api/v1/orgs").json() == []
            # The server's own origin, and scripts (JSON, or the custom header) get through.
            own = {"Origin": url}
            assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=own).status_code == 201
            r = c.post(
                "/api/v1/orgs",
                files=form,
                headers={"X-Requested-With": "orgmodel"},
            )
            assert r.status_code == 409, r.text  # past the guard: the org exists already
            assert [o["id"] for o in c.get("/api/v1/orgs").json()] == ["test-county"]
    finally:
        stop(proc)


def _ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_serve_on_ipv6_loopback(tmp_path: Path) -> None:
    proc, url = start(tmp_path / "v6.lbdb", "--no-seed", "--host", "::1")
    try:
        assert url.startswith("http://[::1]:"), url
        with httpx.Client(base_url=url, timeout=30) as c:
            assert c.get("/health").json()["local_mode"] is True
            assert c.post("/api/v1/orgs", json=SMALL_ORG).status_code == 201
            assert [o["id"] for o in c.get("/api/v1/orgs").json()] == ["test-county"]
    finally:
        stop(proc)


# -- 6: plausible bad input -------------------------------------------------------------------


def _unit_changed(**changes: object) -> dict[str, object]:
    d = small_org()
    d["units"] = copy.deepcopy(d["units"])
    d["units"][3].update(changes)  # 城关派出所
    return d


def test_control_characters_and_huge_headcounts_name_the_field(client: TestClient) -> None:
    h = auth(ADMIN)
    r = client.post(
        "/api/v1/orgs", json=_unit_changed(name="城关\r派出所") | {"id": "cr"}, headers=h
    )
    doc = _problem(r, 422, "name")
    assert "carriage return U+000D" in str(doc["detail"])
    d = _unit_changed(id="s\r1") | {"id": "cr-id"}
    d["units"][4]["parent"] = "s\r1"
    _problem(client.post("/api/v1/orgs", json=d, headers=h), 422, "id")
    r = client.post("/api/v1/orgs", json=_unit_changed(police=10**20) | {"id": "big"}, headers=h)
    assert "more than 10,000,000" in str(_problem(r, 422, "police")["detail"])
    # YAML bodies reach the same checks.
    yaml_body = 'orgmodel: 1\nid: y\nname: y\nunits:\n- {id: b, name: "局\\r", kind: county}\n'
    r = client.post(
        "/api/v1/orgs",
        content=yaml_body.encode(),
        headers={**h, "Content-Type": "application/yaml"},
    )
    _problem(r, 422, "name")
    assert [o["id"] for o in client.get("/api/v1/orgs", headers=h).json()] == ["test-county"]


def test_deeply_nested_bodies_are_refused(client: TestClient) -> None:
    h = auth(ADMIN)
    deep_json = b'{"units": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    deep_yaml = b"units: " + b"[" * 20_000 + b"]" * 20_000 + b"\n"
    json_h = {**h, "Content-Type": "application/json"}
    yaml_h = {**h, "Content-Type": "application/yaml"}
    _problem(client.post("/api/v1/orgs", content=deep_json, headers=json_h), 400, "body")
    _problem(client.post("/api/v1/orgs", content=deep_yaml, headers=yaml_h), 400, "body")
    r = client.post("/api/v1/scenarios", content=deep_json, headers=json_h)
    _problem(r, 400, "body")
    r = client.post("/api/v1/scenarios?base=test-county", content=deep_yaml, headers=yaml_h)
    _problem(r, 400, "plan_text")
    # Deep YAML inside a JSON string: the JSON body is shallow (the check counts structure
    # only, never brackets inside strings, since 4378efe); the plan text is refused as too
    # deep, naming its field.
    plan = {"base": "test-county", "plan_text": "ops: " + "[" * 20_000 + "]" * 20_000}
    _problem(client.post("/api/v1/scenarios", json=plan, headers=h), 400, "plan_text")


def test_concurrent_creates_of_one_scenario_id_get_one_201_and_409s(client: TestClient) -> None:
    async def race() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as ac:
            body = {"base": "test-county", "plan": MERGE, "id": "same"}
            return await asyncio.gather(
                *(ac.post("/api/v1/scenarios", json=body, headers=auth(PLANNER)) for _ in range(6))
            )

    statuses = sorted(r.status_code for r in asyncio.run(race()))
    assert statuses == [201, 409, 409, 409, 409, 409], statuses


# -- 8: the order of checks, and what the OpenAPI document states ------------------------------

#: Routes that take a body, with a minimal path and the role they need.
BODY_ROUTES = [
    ("POST", "/api/v1/orgs", "admin"),
    ("PUT", "/api/v1/orgs/test-county", "admin"),
    ("POST", "/api/v1/scenarios", "planner"),
    ("POST", "/api/v1/orgs/test-county/metrics", "viewer"),
    ("POST", "/api/v1/orgs/test-county/metrics/span", "viewer"),
    ("POST", "/api/v1/query", "planner"),
]


@pytest.mark.parametrize(("method", "path", "role"), BODY_ROUTES)
def test_401_comes_before_any_validation(
    client: TestClient, method: str, path: str, role: str
) -> None:
    json_h = {"Content-Type": "application/json"}
    bad_bodies = [b"{not json", b'{"units": 5, "cypher": 7, "norms": []}', b"[" * 100 + b"]" * 100]
    for body in bad_bodies:
        for headers in ({}, {"Authorization": "Bearer not-a-known-token"}):
            r = client.request(method, path, content=body, headers={**json_h, **headers})
            doc = _problem(r, 401)
            assert r.headers["WWW-Authenticate"].startswith("Bearer"), doc
        # a bad query string too
        r = client.request(method, path + "?no_such_parameter=1", content=body, headers=json_h)
        _problem(r, 401)
    # The checks are there: an admin with the same bodies gets them.
    for body in bad_bodies:
        r = client.request(
            method, path, content=body, headers={**json_h, **auth(ADMIN), "If-Match": '"v1"'}
        )
        assert r.status_code in (400, 422), (r.status_code, r.text)


def test_403_comes_before_body_validation(client: TestClient) -> None:
    viewer = auth("viewer-token-0123456789")
    for method, path, role in BODY_ROUTES:
        if role == "viewer":
            continue
        r = client.request(
            method, path, content=b"{not json", headers={**viewer, "Content-Type": "text/csv"}
        )
        assert "needs the" in str(_problem(r, 403)["detail"]), (method, path)


def test_openapi_states_if_match_allow_and_export_types(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    put = spec["paths"]["/api/v1/orgs/{org_id}"]["put"]
    [if_match] = [p for p in put["parameters"] if p["name"].lower() == "if-match"]
    assert (if_match["in"], if_match["required"]) == ("header", True)
    assert "428" in put["responses"]
    for path, ops in spec["paths"].items():
        methods = sorted(m.upper() for m in ops)
        for m, op in ops.items():
            allow = op["responses"]["405"]["headers"]["Allow"]
            assert allow["schema"] == {"type": "string"}, (m, path)
            assert ", ".join(methods) in op["responses"]["405"]["description"], (m, path)
            assert "Retry-After" in op["responses"]["503"]["headers"], (m, path)
    types = {"application/yaml", "application/json", "application/graphml+xml", "text/csv"}
    for path in ("/api/v1/orgs/{org_id}/export", "/api/v1/scenarios/{scenario_id}/export"):
        assert set(spec["paths"][path]["get"]["responses"]["200"]["content"]) == types
    # What the server does matches: 428 without If-Match, Allow with every method on a 405.
    h = auth(ADMIN)
    r = client.put("/api/v1/orgs/test-county", json=SMALL_ORG, headers=h)
    _problem(r, 428)
    r = client.delete("/api/v1/scenarios", headers=h)
    _problem(r, 405)
    assert r.headers["Allow"] == "GET, POST"  # two routes share the path: both listed
    r = client.patch("/api/v1/orgs/test-county", headers=h)
    assert _problem(r, 405) and r.headers["Allow"] == "DELETE, GET, PUT"
    for fmt, media in (("yaml", "application/yaml"), ("csv", "text/csv")):
        r = client.get(f"/api/v1/orgs/test-county/export?format={fmt}", headers=h)
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)


@pytest.mark.slow
def test_bad_input_through_the_real_server(tmp_path: Path) -> None:
    """Each input class of issue 9, point 6, sent to a real ``orgmodel serve``: a 4xx
    problem naming the field, nothing stored; six racing creates of one id: one 201."""
    proc, url = start(tmp_path / "input.lbdb", "--no-seed")
    yaml_h = {"Content-Type": "application/yaml", "X-Requested-With": "t"}
    json_h = {"Content-Type": "application/json"}
    try:
        with httpx.Client(base_url=url, timeout=60) as c:
            assert c.post("/api/v1/orgs", json=SMALL_ORG).status_code == 201
            # a lone carriage return in a unit's name and id, in an organisation's id
            _problem(c.post("/api/v1/orgs", json=_unit_changed(name="城关\r派出所")), 422, "name")
            d = _unit_changed(id="s\r1") | {"id": "cr-id"}
            d["units"][4]["parent"] = "s\r1"
            _problem(c.post("/api/v1/orgs", json=d), 422, "id")
            _problem(c.post("/api/v1/orgs", json=small_org(id="org\rid")), 422, "id")
            # police of 10^20: in the organisation, and as the result of a plan
            _problem(c.post("/api/v1/orgs", json=_unit_changed(police=10**20)), 422, "police")
            # (a plan hires at most 10,000,000 at once, and never past that in one unit)
            hire = {"name": "招录", "ops": [{"op": "hire", "unit": "s1", "police": 10**20}]}
            r = c.post("/api/v1/scenarios", json={"base": "test-county", "plan": hire})
            assert "ops[0] (hire): police" in str(_problem(r, 422)["detail"])
            hire["ops"][0]["police"] = 9_999_999  # type: ignore[index]
            r = c.post("/api/v1/scenarios", json={"base": "test-county", "plan": hire})
            detail = str(_problem(r, 422)["detail"])
            assert "ops[0] (hire)" in detail and "（s1）" in detail
            # a carriage return that a plan writes into a name, and into a scenario's id
            rename = {"ops": [{"op": "set", "unit": "s1", "attrs": {"name": "城关\r所"}}]}
            r = c.post("/api/v1/scenarios", json={"base": "test-county", "plan": rename})
            _problem(r, 422, "name")
            r = c.post(
                "/api/v1/scenarios", json={"base": "test-county", "id": "a\rb", "plan": MERGE}
            )
            _problem(r, 422, "id")
            # JSON nested 100,000 deep, YAML 20,000 deep
            deep_json = b'{"units": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
            deep_yaml = b"units: " + b"[" * 20_000 + b"]" * 20_000 + b"\n"
            _problem(c.post("/api/v1/orgs", content=deep_json, headers=json_h), 400, "body")
            _problem(c.post("/api/v1/orgs", content=deep_yaml, headers=yaml_h), 400, "body")
            r = c.post("/api/v1/scenarios", content=deep_json, headers=json_h)
            _problem(r, 400, "body")
            r = c.post("/api/v1/scenarios?base=test-county", content=deep_yaml, headers=yaml_h)
            _problem(r, 400, "plan_text")
            r = c.post("/api/v1/orgs/test-county/metrics", content=deep_json, headers=json_h)
            _problem(r, 400, "body")
            # nothing of it was stored
            assert [o["id"] for o in c.get("/api/v1/orgs").json()] == ["test-county"]
            assert c.get("/api/v1/scenarios").json() == []

        async def race() -> list[int]:
            async with httpx.AsyncClient(base_url=url, timeout=60) as ac:
                body = {"base": "test-county", "plan": MERGE, "id": "same"}
                rs = await asyncio.gather(
                    *(ac.post("/api/v1/scenarios", json=body) for _ in range(6))
                )
            for r in rs:
                if r.status_code == 409:
                    _problem(r, 409)
            return sorted(r.status_code for r in rs)

        assert asyncio.run(race()) == [201, 409, 409, 409, 409, 409]
    finally:
        stop(proc)


def test_the_documents_unit_kinds_are_the_models() -> None:
    """The spec's kinds are the model's: an exported bundle (kind ``group``) once broke the
    export's schema, which schemathesis found with a real scenario id."""
    from typing import get_args

    from api.models import Kind
    from orgmodel.model import KINDS

    assert set(get_args(Kind)) == set(KINDS)
