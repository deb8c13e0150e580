"""The fast path for cached answers (:class:`api.answers.CachedAnswers`) answers exactly as
the routes do, and only to callers the routes would answer.

A first request goes through the route, which makes and caches the answer; a repeat is then
served by the middleware before any routing. The tests make the routes' cache methods fail
after the first request, so a repeat that still answers 200 was served by the fast path,
and compare status, headers and bytes with the route's own answer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.service import OrgService
from tests.api._helpers import ADMIN, PLANNER, SMALL_ORG, VIEWER, auth, make_client, small_org

A, P, V = auth(ADMIN), auth(PLANNER), auth(VIEWER)
METRICS = "/api/v1/orgs/test-county/metrics"
#: 刑侦 (xj) and 治安 (za) merged into xj: 5 units → 4.
MERGE = {"name": "刑侦治安合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}
#: Every route the fast path serves, with the query strings it reads.
URLS = [
    METRICS,
    f"{METRICS}/span",
    f"{METRICS}/workforce",
    "/api/v1/scenarios/fast",
    "/api/v1/scenarios/fast/metrics",
    "/api/v1/scenarios/fast/diff",
    "/api/v1/compare?a=test-county&b=scenario:fast",
    "/api/v1/compare?b=org:test-county@1&a=scenario%3Afast",
    "/api/v1/scenarios",
]


@pytest.fixture()
def with_scenario(client: TestClient) -> TestClient:
    r = client.post(
        "/api/v1/scenarios", json={"base": "test-county", "plan": MERGE, "id": "fast"}, headers=P
    )
    assert r.status_code == 201, r.text
    return client


def _routes_fail(service: OrgService, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a request that reaches a route's answer cache fails (500)."""

    async def not_here(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("the route ran: the fast path did not answer")

    monkeypatch.setattr(service, "answer", not_here)
    monkeypatch.setattr(service, "listing", not_here)


def _service(client: TestClient) -> OrgService:
    service: OrgService = client.app.state.service  # type: ignore[attr-defined]
    return service


def test_a_cached_answer_is_the_routes_own_status_headers_and_bytes(
    with_scenario: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = with_scenario
    first = {url: c.get(url, headers=V) for url in URLS}
    assert all(r.status_code == 200 for r in first.values()), [
        (u, r.status_code) for u, r in first.items()
    ]
    _routes_fail(_service(c), monkeypatch)
    for url in URLS:
        again = c.get(url, headers=V)
        assert again.status_code == 200, (url, again.text)
        assert again.headers.raw == first[url].headers.raw, url
        assert again.content == first[url].content, url
    # the answers are the organisation's: 5 units, 48 police; the scenario merged two → 4
    m = c.get(METRICS, headers=V).json()
    assert (m["subject"]["version"], m["report"]["org"]["units"]) == (1, 5)
    d = c.get("/api/v1/scenarios/fast/metrics", headers=V).json()
    assert d["deltas"]["delta"]["units"] == -1


def test_a_cached_answer_is_refused_to_callers_the_route_refuses(
    with_scenario: TestClient,
) -> None:
    c = with_scenario
    for url in URLS:
        assert c.get(url, headers=V).status_code == 200  # cached now
        for headers, status, slug in (
            ({}, 401, "unauthenticated"),
            (auth("not-a-token-0123456789"), 401, "invalid-token"),
        ):
            r = c.get(url, headers=headers)
            assert r.status_code == status, (url, r.text)
            assert r.json()["type"].endswith(slug)
            assert r.content != c.get(url, headers=V).content


def test_in_local_mode_a_cached_answer_is_for_loopback_callers_only(tmp_path: Path) -> None:
    with make_client(tmp_path, tokens=False) as local:  # a client on 127.0.0.1
        assert local.post("/api/v1/orgs", json=SMALL_ORG).status_code == 201
        first, again = local.get(METRICS), local.get(METRICS)
        assert (first.status_code, again.status_code) == (200, 200)
        assert first.content == again.content
        other = TestClient(
            local.app, client=("192.0.2.7", 50123), base_url="http://127.0.0.1"
        )  # another machine (TEST-NET-1), though it names 127.0.0.1 in Host
        r = other.get(METRICS)
        assert r.status_code == 403, r.text
        assert r.json()["type"].endswith("local-mode")


@pytest.mark.parametrize(
    ("query", "status", "slug"),
    [
        # a reference longer than the route takes (400 characters), though it names v1
        ("a=org:test-county@" + "0" * 400 + "1&b=scenario:fast", 422, "invalid-request"),
        ("a=test-county&a=test-county&b=scenario:fast", 422, "repeated-parameter"),
        ("a=test-county&b=scenario:fast&c=1", 422, "unknown-parameter"),
        ("a=test-county&b=nope:fast", 422, "invalid-reference"),
    ],
)
def test_a_comparison_the_route_refuses_is_refused_though_cached(
    with_scenario: TestClient, query: str, status: int, slug: str
) -> None:
    c = with_scenario
    ok = c.get("/api/v1/compare?a=test-county&b=scenario:fast", headers=V)
    assert ok.status_code == 200
    r = c.get(f"/api/v1/compare?{query}", headers=V)
    assert r.status_code == status, r.text
    assert slug in r.json()["type"]


def test_an_id_longer_than_the_route_takes_is_refused_though_cached(
    client: TestClient,
) -> None:
    long_id = "x" * 201  # MAX_ID is 200
    service = _service(client)
    service._answers.put(("scenario", long_id), b"{}")  # as if a route had cached it
    r = client.get(f"/api/v1/scenarios/{long_id}", headers=V)
    assert r.status_code == 422, r.text


def test_reads_after_a_write_see_the_new_version_through_the_fast_path(
    client: TestClient,
) -> None:
    """Reads racing a new version answer v1 or v2; every read after it answers v2."""
    assert client.get(METRICS, headers=V).json()["subject"]["version"] == 1
    compare = "/api/v1/compare?a=test-county&b=org:test-county@1"
    assert client.get(compare, headers=V).json()["deltas"]["delta"]["police"] == 0
    changed = small_org()
    changed["units"][3]["police"] = 30  # 城关派出所 20 → 30: 48 + 10 = 58

    async def run() -> tuple[list[httpx.Response], httpx.Response, list[httpx.Response]]:
        transport = httpx.ASGITransport(app=client.app, client=("127.0.0.1", 50123))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as h:
            put = h.put(METRICS.rsplit("/", 1)[0], json=changed, headers={**A, "If-Match": '"v1"'})
            racing = [h.get(METRICS, headers=V) for _ in range(10)]
            answers = await asyncio.wait_for(asyncio.gather(put, *racing), 60)
            after = [await h.get(url, headers=V) for url in (METRICS, METRICS)]
            return list(answers[1:]), answers[0], after

    racing, put, after = asyncio.run(run())
    assert put.status_code == 200, put.text
    assert {r.json()["subject"]["version"] for r in racing} <= {1, 2}
    assert [
        (r.json()["subject"]["version"], r.json()["report"]["org"]["police"]) for r in after
    ] == [(2, 58), (2, 58)]
    assert after[0].content == after[1].content
    # a is the latest (v2, 58 police), b is v1 (48): b − a = −10
    assert client.get(compare, headers=V).json()["deltas"]["delta"]["police"] == -10
