"""The service's caches never serve an answer a write has made wrong.

Read answers (metrics, a scenario, its diff and metrics, a comparison, the scenario list) are
kept as JSON bytes by what they were computed from (:meth:`api.service.OrgService.answer`).
Each test reads first (so the cache holds the old answer), writes, and reads again: a new
version, a deleted scenario re-created under its id with another plan, an organisation
deleted and re-created (its version 1 again), a new scenario in the list. The last test
runs a value computed across a delete through the cache and checks it is not kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.service import OrgService
from tests.api._helpers import ADMIN, PLANNER, VIEWER, auth, small_org

A, P, V = auth(ADMIN), auth(PLANNER), auth(VIEWER)
METRICS = "/api/v1/orgs/test-county/metrics"
#: 刑侦 (xj, 12) and 治安 (za, 8) merged into xj: 5 units → 4, police 48 kept.
MERGE = {"name": "刑侦治安合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}
#: 城关派出所 (s1) and its post p1 merged into s1: 5 units → 4 as well, but 3 departments
#: stay (b, xj, za) instead of 2.
MERGE_POST = {"name": "所室合并", "ops": [{"op": "merge", "units": ["s1", "p1"], "into": "s1"}]}


def _create(client: TestClient, sid: str, plan: dict[str, Any]) -> None:
    r = client.post(
        "/api/v1/scenarios", json={"base": "test-county", "plan": plan, "id": sid}, headers=P
    )
    assert r.status_code == 201, r.text


def _merged(client: TestClient, name: str) -> list[set[str]]:
    """The groups of units a scenario's diff says were merged."""
    r = client.get(f"/api/v1/scenarios/{name}/diff", headers=V)
    assert r.status_code == 200, r.text
    return [set(m["from"]) for m in r.json()["diff"]["units"]["merged"]]


def test_a_new_version_is_what_latest_metrics_and_compare_show(client: TestClient) -> None:
    first = client.get(METRICS, headers=V).json()
    assert (first["subject"]["version"], first["report"]["org"]["police"]) == (1, 48)
    assert client.get(METRICS, headers=V).content == client.get(METRICS, headers=V).content
    cmp1 = client.get(
        "/api/v1/compare", params={"a": "test-county", "b": "org:test-county@1"}, headers=V
    ).json()
    assert cmp1["deltas"]["delta"]["police"] == 0

    changed = small_org()
    changed["units"][3]["police"] = 30  # 城关派出所 20 → 30: 48 + 10 = 58
    r = client.put("/api/v1/orgs/test-county", json=changed, headers={**A, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text

    latest = client.get(METRICS, headers=V).json()
    assert (latest["subject"]["version"], latest["report"]["org"]["police"]) == (2, 58)
    assert client.get(f"{METRICS}/workforce", headers=V).json()["subject"]["version"] == 2
    old = client.get(METRICS, params={"version": 1}, headers=V).json()
    assert old["report"]["org"]["police"] == 48
    cmp2 = client.get(
        "/api/v1/compare", params={"a": "test-county", "b": "org:test-county@1"}, headers=V
    ).json()
    assert cmp2["a"]["version"] == 2 and cmp2["deltas"]["delta"]["police"] == 48 - 58


def test_a_scenario_deleted_and_created_again_shows_its_new_plan(client: TestClient) -> None:
    _create(client, "s", MERGE)
    detail = client.get("/api/v1/scenarios/s", headers=V).json()
    assert detail["plan"]["name"] == "刑侦治安合并"
    metrics = client.get("/api/v1/scenarios/s/metrics", headers=V).json()
    departments_after = metrics["after"]["mirror"]["departments"]
    assert departments_after == metrics["before"]["mirror"]["departments"] - 1
    assert _merged(client, "s") == [{"xj", "za"}]
    cmp = client.get("/api/v1/compare", params={"a": "test-county", "b": "scenario:s"}, headers=V)
    assert cmp.json()["deltas"]["delta"]["units"] == -1
    assert cmp.json()["deltas"]["delta"]["departments"] == -1

    assert client.delete("/api/v1/scenarios/s", headers=P).status_code == 204
    for url in ("/api/v1/scenarios/s", "/api/v1/scenarios/s/metrics", "/api/v1/scenarios/s/diff"):
        assert client.get(url, headers=V).status_code == 404, url
    gone = client.get("/api/v1/compare", params={"a": "test-county", "b": "scenario:s"}, headers=V)
    assert gone.status_code == 404

    _create(client, "s", MERGE_POST)
    assert client.get("/api/v1/scenarios/s", headers=V).json()["plan"]["name"] == "所室合并"
    again = client.get("/api/v1/scenarios/s/metrics", headers=V).json()
    # the departments stay: the merge took the post into its station this time
    assert again["after"]["mirror"]["departments"] == again["before"]["mirror"]["departments"]
    assert _merged(client, "s") == [{"s1", "p1"}]
    cmp = client.get("/api/v1/compare", params={"a": "test-county", "b": "scenario:s"}, headers=V)
    assert cmp.json()["b"]["id"] == "s" and cmp.json()["deltas"]["delta"]["units"] == -1
    assert cmp.json()["deltas"]["delta"]["departments"] == 0


def test_an_organisation_deleted_and_created_again_is_measured_anew(client: TestClient) -> None:
    assert client.get(METRICS, headers=V).json()["report"]["org"]["police"] == 48
    v1 = client.get(METRICS, params={"version": 1}, headers=V).json()
    assert v1["report"]["org"]["police"] == 48
    assert client.delete("/api/v1/orgs/test-county", headers=A).status_code == 204
    assert client.get(METRICS, headers=V).status_code == 404
    again = small_org()
    again["units"][1]["police"] = 2  # 刑侦大队 12 → 2: 48 − 10 = 38
    assert client.post("/api/v1/orgs", json=again, headers=A).status_code == 201
    # version 1 again, but another organisation: neither the latest nor "@1" is the old one
    for params in ({}, {"version": 1}):
        d = client.get(METRICS, params=params, headers=V).json()
        assert (d["subject"]["version"], d["report"]["org"]["police"]) == (1, 38), params


def test_the_scenario_list_follows_creates_and_deletes(client: TestClient) -> None:
    def ids(base: str | None = None) -> list[str]:
        params = {"base": base} if base else {}
        return [s["id"] for s in client.get("/api/v1/scenarios", params=params, headers=V).json()]

    assert ids() == [] and ids("test-county") == []
    _create(client, "a", MERGE)
    assert ids() == ["a"] and ids("test-county") == ["a"]
    _create(client, "b", MERGE_POST)
    assert ids() == ["a", "b"]
    assert client.delete("/api/v1/scenarios/a", headers=P).status_code == 204
    assert ids() == ["b"] and ids("test-county") == ["b"]


def test_racing_reads_and_creates_all_answer_and_the_list_has_every_create(
    client: TestClient,
) -> None:
    """24 reads and 6 creates at once through the app (bounded: 30 requests)."""
    app = client.app

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50123))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            reads = [
                c.get(url, headers=V)
                for url in (METRICS, f"{METRICS}/span", "/api/v1/scenarios", "/api/v1/orgs")
                for _ in range(6)
            ]
            creates = [
                c.post(
                    "/api/v1/scenarios",
                    json={"base": "test-county", "plan": MERGE, "id": f"race-{i}"},
                    headers=P,
                )
                for i in range(6)
            ]
            return list(await asyncio.wait_for(asyncio.gather(*reads, *creates), 120))

    answers = asyncio.run(run())
    assert [r.status_code for r in answers[:24]] == [200] * 24
    assert [r.status_code for r in answers[24:]] == [201] * 6
    listed = {s["id"] for s in client.get("/api/v1/scenarios", headers=V).json()}
    assert listed == {f"race-{i}" for i in range(6)}
    m = client.get("/api/v1/scenarios/race-3/metrics", headers=V).json()
    assert m["deltas"]["delta"]["units"] == -1 and m["deltas"]["delta"]["police"] == 0


def test_a_value_computed_across_a_delete_is_not_kept(client: TestClient) -> None:
    service: OrgService = client.app.state.service  # type: ignore[attr-defined]

    async def run() -> tuple[bytes, bytes]:
        started, go_on = asyncio.Event(), asyncio.Event()
        made: list[bytes] = []

        async def slow() -> bytes:
            started.set()
            await go_on.wait()
            made.append(b"old")
            return b"old"

        async def fresh() -> bytes:
            made.append(b"new")
            return b"new"

        pending = asyncio.ensure_future(service.answer(("k",), slow))
        await started.wait()
        service._invalidate()  # a delete lands while the old answer is being made
        go_on.set()
        first = await pending
        second = await service.answer(("k",), fresh)
        assert made == [b"old", b"new"]
        return first, second

    assert asyncio.run(run()) == (b"old", b"new")
