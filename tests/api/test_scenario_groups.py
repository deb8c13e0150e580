"""Concurrent scenario creates: saved together (a group commit), each answered on its own.

The app runs in this process (httpx over ASGI: nothing listens on a port). The first group's
save is held until the other creates are all waiting, so the groups are known: the first
(what had arrived when the store was free), then every other one in one transaction.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.service import OrgService
from orgmodel.store import ScenarioRecord, ScenarioSave
from tests.api._helpers import PLANNER, VIEWER, auth

P, V = auth(PLANNER), auth(VIEWER)
#: 刑侦 and 治安 merged: 5 units become 4, police stay 48.
MERGE = {"name": "刑侦治安合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}
BAD = {"name": "坏计划", "ops": [{"op": "merge", "units": ["xj", "nope"], "into": "xj"}]}
#: Creates sent at once: c0 … c7, where c3 and c5 both ask for the id "dup", and c6's plan
#: names a unit the organisation does not have.
IDS = ["c0", "c1", "c2", "dup", "c4", "dup", "c6", "c7"]
WAIT_S = 30.0


def test_concurrent_creates_are_saved_together_each_with_its_own_answer(
    client: TestClient,
) -> None:
    service: OrgService = client.app.state.service  # type: ignore[attr-defined]
    store = service.store
    real = store.save_scenarios
    groups: list[list[str]] = []
    entered, release = threading.Event(), threading.Event()

    def held(saves: Sequence[ScenarioSave]) -> list[ScenarioRecord | Exception]:
        groups.append([s.scenario_id for s in saves])
        if len(groups) == 1:  # hold the first save until the others wait behind it
            entered.set()
            release.wait(WAIT_S)
        return real(saves)

    store.save_scenarios = held  # type: ignore[method-assign]

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app, client=("127.0.0.1", 50123))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1", timeout=WAIT_S
        ) as h:

            def create(i: int, sid: str) -> Any:
                body = {"base": "test-county", "plan": BAD if i == 6 else MERGE, "id": sid}
                return h.post("/api/v1/scenarios", json=body, headers=P)

            tasks = [asyncio.create_task(create(i, sid)) for i, sid in enumerate(IDS)]
            deadline = time.monotonic() + WAIT_S
            # 7 creates reach the store (c6 is refused before): the first group saving (held),
            # the others waiting for it.
            while not (entered.is_set() and len(groups[0]) + len(service._waiting_saves) == 7):
                assert time.monotonic() < deadline, (groups, service._waiting_saves)
                await asyncio.sleep(0.01)
            release.set()
            return list(await asyncio.wait_for(asyncio.gather(*tasks), WAIT_S))

    try:
        answers = asyncio.run(run())
    finally:
        release.set()
        store.save_scenarios = real  # type: ignore[method-assign]

    # Two groups: the first (what had arrived when the store was free: usually one), then
    # all the others together — several scenarios in one save.
    assert len(groups) == 2 and max(len(g) for g in groups) > 1, groups
    assert sorted(groups[0] + groups[1]) == sorted(s for i, s in enumerate(IDS) if i != 6)
    status = {i: r.status_code for i, r in enumerate(answers)}
    # the bad plan: its own 422, naming the operation
    assert status[6] == 422, answers[6].text
    assert answers[6].json()["errors"][0]["op"] == "merge"
    # one of the two "dup" creates is saved, the other told the id is taken
    assert sorted([status[3], status[5]]) == [201, 409]
    dup_loser = answers[3] if status[3] == 409 else answers[5]
    assert "exists" in dup_loser.json()["type"]
    for i in (0, 1, 2, 4, 7):
        assert status[i] == 201, answers[i].text
    for i, r in enumerate(answers):
        if r.status_code == 201:
            d = r.json()
            # each answered with its own id; the merge: 5 units → 4, 48 police kept
            assert d["id"] == IDS[i]
            assert r.headers["location"].endswith(f"/api/v1/scenarios/{IDS[i]}")
            assert (d["units_before"], d["units_after"]) == (5, 4)
            assert d["police_before"] == d["police_after"] == 48
    # All six are there afterwards, whole, and nothing else.
    listed = sorted(s["id"] for s in client.get("/api/v1/scenarios", headers=V).json())
    assert listed == sorted({"c0", "c1", "c2", "dup", "c4", "c7"})
    for sid in listed:
        got = client.get(f"/api/v1/scenarios/{sid}", headers=V)
        assert got.status_code == 200 and got.json()["units_after"] == 4
    assert (
        sorted(
            e.scenario_id or "" for e in store.audit_log("test-county") if e.action == "scenario"
        )
        == listed
    )
