"""Issue 9, point 5: no blocking work on the event loop. Listings never parse a plan; heavy
work runs in worker threads behind a cap (503 busy with Retry-After beyond it); /health
answers while a 10,000-operation scenario is being created (through the real server)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

import api.routers.scenarios as scenario_routes
import api.service
import api.shape
import orgmodel.store._common as common
from api.problems import ApiProblem
from api.settings import Settings, WorkLimits
from api.work import INLINE_BODY_BYTES, WorkGate
from orgmodel._gc import gc_paused
from tests.api._helpers import ADMIN, PLANNER, SMALL_ORG, auth, make_client
from tests.api.test_live_server import start, stop

N_OPS = 10_000


def big_plan(n: int = N_OPS) -> dict[str, Any]:
    """``n`` operations that leave the small county as it was: hire one officer into 城关派出所,
    retire him again, n/2 times (20 police there before and after)."""
    ops = [{"op": "hire" if i % 2 == 0 else "retire", "unit": "s1", "police": 1} for i in range(n)]
    return {"name": f"{n} 步", "ops": ops}


# -- listings parse no plan -------------------------------------------------------------------


def test_listing_after_a_10k_operation_scenario_parses_no_plan(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = auth(PLANNER)
    body = {"base": "test-county", "id": "big", "plan": big_plan()}
    r = client.post("/api/v1/scenarios", json=body, headers=h)
    assert r.status_code == 201, r.text[:500]
    assert r.json()["ops"] == N_OPS and r.json()["police_after"] == 48  # 5+12+8+20+3, unchanged

    parsed: list[str] = []

    def counting(real: Any) -> Any:
        def parse(*args: Any, **kwargs: Any) -> Any:
            parsed.append(getattr(real, "__name__", "?"))
            return real(*args, **kwargs)

        return parse

    # Every way the server could read a plan's text back: the store's reader, both YAML
    # entry points, and the plan models.
    for module, name in (
        (common, "plan_data"),
        (api.shape, "stored_plan_data"),
        (api.service, "plan_data"),
        (yaml, "load"),
        (yaml, "safe_load"),
        (api.service, "plan_from_dict"),
    ):
        monkeypatch.setattr(module, name, counting(getattr(module, name)))
    for query in ("", "?base=test-county"):
        r = client.get("/api/v1/scenarios" + query, headers=h)
        assert r.status_code == 200, r.text
        [entry] = r.json()
        # name and size from the summary stored at creation
        assert (entry["id"], entry["name"], entry["ops"]) == ("big", f"{N_OPS} 步", N_OPS)
        assert (entry["units_before"], entry["units_after"]) == (5, 5)
    assert parsed == []
    # The scenario itself shows the plan: the one the create read, kept (scenarios are
    # immutable), so not parsed again either.
    r = client.get("/api/v1/scenarios/big", headers=h)
    assert r.status_code == 200 and len(r.json()["plan"]["ops"]) == N_OPS
    assert parsed == []


# -- the cap ----------------------------------------------------------------------------------


def test_work_gate_runs_at_most_workers_queues_at_most_queue_then_refuses() -> None:
    gate = WorkGate(WorkLimits(heavy_workers=1, heavy_queue=1, ORGMODEL_RETRY_AFTER=3))
    release = threading.Event()
    threads: set[str] = set()

    def job(name: str) -> str:
        threads.add(threading.current_thread().name)
        assert release.wait(30)
        return name

    async def main() -> tuple[list[str], ApiProblem, dict[str, Any]]:
        done: list[str] = []

        async def run(name: str) -> None:
            done.append(await gate.run(job, name))

        async with anyio.create_task_group() as tg:
            tg.start_soon(run, "a")
            tg.start_soon(run, "b")
            while gate.running + gate.waiting < 2:
                await anyio.sleep(0.01)
            seen = gate.stats()
            with pytest.raises(ApiProblem) as refused:
                await gate.run(job, "c")  # one running, one waiting: no room
            release.set()
        return done, refused.value, seen

    done, problem, seen = anyio.run(main)
    assert seen == {"running": 1, "waiting": 1, "workers": 1, "queue": 1}
    assert sorted(done) == ["a", "b"]  # the queued one ran once the first was done
    assert (problem.status, problem.slug, problem.headers) == (503, "busy", {"Retry-After": "3"})
    assert threading.main_thread().name not in threads  # never on the loop's thread
    assert (gate.running, gate.waiting) == (0, 0)


def test_a_saturated_server_answers_503_with_retry_after_and_health_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker, no queue: while one large create holds the worker, a second heavy request
    is refused at once with 503 and Retry-After, and light requests are served — a county's
    create among them: its steps are small enough to run on the event loop, so it waits
    behind no heavy job (with no queue, any step through the gate would be a 503)."""
    limits = WorkLimits(heavy_workers=1, heavy_queue=0, ORGMODEL_RETRY_AFTER=5)
    entered, release = threading.Event(), threading.Event()
    real = scenario_routes.parse_create

    def held(media: str, body: bytes, *args: Any) -> Any:
        if b'"held"' in body:  # the large create only
            entered.set()
            assert release.wait(30)
        return real(media, body, *args)

    monkeypatch.setattr(scenario_routes, "parse_create", held)
    with make_client(tmp_path, work=limits) as c:
        assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN)).status_code == 201

        async def scenario() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=c.app, client=("127.0.0.1", 50123))
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as ac:
                # 200 operations: a body over INLINE_BODY_BYTES, read in the worker
                body = {"base": "test-county", "id": "held", "plan": big_plan(200)}
                assert len(json.dumps(body)) > INLINE_BODY_BYTES
                first = asyncio.create_task(
                    ac.post("/api/v1/scenarios", json=body, headers=auth(PLANNER))
                )
                while not entered.is_set():
                    await asyncio.sleep(0.01)
                busy = await ac.get("/api/v1/orgs/test-county/export", headers=auth(ADMIN))
                health = await ac.get("/health")
                listing = await ac.get("/api/v1/scenarios", headers=auth(ADMIN))
                small = {"base": "test-county", "id": "small", "plan": big_plan(2)}
                county = await ac.post("/api/v1/scenarios", json=small, headers=auth(PLANNER))
                still_held = not release.is_set() and not first.done()
                release.set()
                return [await first, busy, health, listing, county], still_held

        (created, busy, health, listing, county), still_held = asyncio.run(scenario())
    assert created.status_code == 201, created.text
    assert created.json()["ops"] == 200 and created.json()["police_after"] == 48
    # hire then retire one officer: 5 units and 48 police (5+12+8+20+3) before and after
    assert county.status_code == 201 and still_held, county.text
    assert county.headers["Location"].endswith("/api/v1/scenarios/small")
    got = county.json()
    assert (got["id"], got["ops"], got["units_after"], got["police_after"]) == ("small", 2, 5, 48)
    assert [s["op"] for s in got["log"]] == ["hire", "retire"]
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5", busy.text
    assert busy.headers["content-type"].startswith("application/problem+json")
    assert busy.json()["type"].endswith(":busy") and busy.json()["retry_after_s"] == 5
    assert health.status_code == 200 and listing.status_code == 200


def test_work_limits_are_settings() -> None:
    s = Settings.from_env(
        env={
            "ORGMODEL_HEAVY_WORKERS": "3",
            "ORGMODEL_HEAVY_QUEUE": "0",
            "ORGMODEL_RETRY_AFTER": "9",
        }
    )
    assert (s.work.heavy_workers, s.work.heavy_queue, s.work.retry_after_s) == (3, 0, 9)
    assert Settings.from_env(env={}).work == WorkLimits(
        heavy_workers=2, heavy_queue=256, ORGMODEL_RETRY_AFTER=2
    )
    from orgmodel.errors import InputError

    with pytest.raises(InputError, match="ORGMODEL_HEAVY_WORKERS"):
        Settings.from_env(env={"ORGMODEL_HEAVY_WORKERS": "0"})
    with pytest.raises(InputError, match="ORGMODEL_HEAVY_QUEUE"):
        Settings.from_env(env={"ORGMODEL_HEAVY_QUEUE": "many"})


# -- through the real server ------------------------------------------------------------------


@pytest.mark.slow
def test_health_answers_while_a_10k_operation_scenario_is_created(tmp_path: Path) -> None:
    proc, url = start(tmp_path / "work.lbdb", "--no-seed")
    try:
        with httpx.Client(base_url=url, timeout=60) as c:
            assert c.post("/api/v1/orgs", json=SMALL_ORG).status_code == 201
            # YAML text: read (off the loop) by the YAML parser, then 10,000 operations applied
            text = yaml.safe_dump(big_plan(), allow_unicode=True)
            result: dict[str, Any] = {}

            def create() -> None:
                with httpx.Client(base_url=url, timeout=120) as cc:
                    t0 = time.monotonic()
                    result["r"] = cc.post(
                        "/api/v1/scenarios?base=test-county&id=big",
                        content=text.encode(),
                        headers={"Content-Type": "application/yaml", "X-Requested-With": "t"},
                    )
                    result["span"] = (t0, time.monotonic())

            worker = threading.Thread(target=create)
            answers: list[tuple[float, float]] = []  # (sent, answered) of each /health
            deadline = time.monotonic() + 120
            # The collector paused here, in the test's process: a pytest worker holds all the
            # suite has built, and a full collection of it (hundreds of ms on a loaded machine)
            # would hold this loop and be counted as the server's time.
            with gc_paused():
                worker.start()
                while worker.is_alive() and time.monotonic() < deadline:
                    t = time.monotonic()
                    assert c.get("/health").status_code == 200
                    answers.append((t, time.monotonic()))
                    time.sleep(0.02)
                worker.join(120)
            assert result["r"].status_code == 201, result["r"].text[:500]
            start_t, end_t = result["span"]
            during = [(a, b) for a, b in answers if start_t < a and b < end_t]
            # The create took a while (reading and applying 10,000 operations); /health was
            # answered again and again meanwhile, none of them held for anything like the
            # create's time (a blocked loop would hold one for nearly all of it).
            assert len(during) >= 3, (len(during), end_t - start_t)
            assert max(b - a for a, b in during) < (end_t - start_t) / 2
            # The listing shows the scenario from its stored summary.
            [entry] = c.get("/api/v1/scenarios").json()
            assert (entry["id"], entry["ops"], entry["police_after"]) == ("big", N_OPS, 48)
    finally:
        stop(proc)
