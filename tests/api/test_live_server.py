"""A real ``orgmodel serve`` process on 127.0.0.1, queried over HTTP; restarted on the same
store it keeps every organisation and scenario; in local mode it refuses other addresses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api._helpers import SMALL_ORG

MAIN = "from orgmodel.cli import main; main()"
MERGE = {"name": "合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}


def start(
    store: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start ``orgmodel serve`` on a free port; return the process and the URL it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", MAIN, "serve", "--store", str(store), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # so a failed start can end the worker with its arbiter
    )
    assert proc.stdout is not None
    # generous: an empty store seeds 3 organisations and 10 scenarios first (about a second
    # per LadybugDB save alone, several times that while the whole suite runs on 2 cores)
    deadline = time.monotonic() + 90
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "up: open " in line:
            url = line.split("up: open ", 1)[1].split()[0]
            return proc, url.rstrip("/")
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("server did not come up:\n" + "".join(lines))


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
def test_serve_restart_keeps_orgs_and_scenarios(tmp_path: Path) -> None:
    store = tmp_path / "live.lbdb"
    t0 = time.monotonic()
    proc, url = start(store)
    up_in = time.monotonic() - t0
    try:
        assert url.startswith("http://127.0.0.1:")
        # A smoke bound, not a speed target (those live in benchmarks/): an empty store seeds
        # 3 organisations and 10 scenarios, about a second per LadybugDB save on 2 busy cores.
        assert up_in < 60, f"took {up_in:.1f} s to come up"
        with httpx.Client(base_url=url, timeout=30) as c:
            h = c.get("/health").json()
            assert h["local_mode"] is True and h["store"] == "ladybug"
            seeded = {o["id"] for o in c.get("/api/v1/orgs").json()}
            assert "mirror-county" in seeded
            assert c.post("/api/v1/orgs", json=SMALL_ORG).status_code == 201
            r = c.post(
                "/api/v1/scenarios", json={"base": "test-county", "plan": MERGE, "id": "live"}
            )
            assert r.status_code == 201, r.text
            m = c.get("/api/v1/orgs/test-county/metrics/shares").json()
            assert m["report"]["org"]["name"] == "测试县公安局"
            before = c.get("/api/v1/scenarios").json()
    finally:
        stop(proc)
    assert proc.returncode is not None

    proc, url = start(store)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            ids = {o["id"] for o in c.get("/api/v1/orgs").json()}
            assert ids == seeded | {"test-county"}
            after = c.get("/api/v1/scenarios").json()
            assert [s["id"] for s in after] == [s["id"] for s in before]
            assert c.get("/api/v1/scenarios/live").json()["units_after"] == 4
            assert c.get("/api/v1/orgs/test-county").json()["police"] == 48
            # seeds were not loaded a second time
            assert c.get("/api/v1/orgs/mirror-county/versions").json()[-1]["version"] == 1
    finally:
        stop(proc)


@pytest.mark.slow
def test_tokens_over_http(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(
        "tokens:\n  - {token: live-viewer-token-1, role: viewer, name: 赵}\n", encoding="utf-8"
    )
    proc, url = start(tmp_path / "t.lbdb", "--tokens", str(tokens), "--no-seed")
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            assert c.get("/api/v1/orgs").status_code == 401
            ok = c.get("/api/v1/orgs", headers={"Authorization": "Bearer live-viewer-token-1"})
            assert ok.status_code == 200 and ok.json() == []
            assert c.get("/health").json()["local_mode"] is False
    finally:
        stop(proc)


def test_local_mode_refuses_to_bind_elsewhere(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            MAIN,
            "serve",
            "--store",
            str(tmp_path / "x.lbdb"),
            "--host",
            "0.0.0.0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("ORGMODEL_TOKENS")},
    )
    assert r.returncode == 1
    assert "refusing to bind to 0.0.0.0" in r.stderr and "local mode" in r.stderr
    assert not (tmp_path / "x.lbdb").exists()


def test_settle_heap_leaves_the_objects_alive_to_no_collection() -> None:
    """The worker's heap after start-up (modules, app, seeds) is frozen: a full collection
    walks none of it (gc.get_objects lists what collections walk)."""
    import gc

    from api.server import settle_heap

    alive = [[i] for i in range(1000)]  # 1,000 lists the collector tracks
    assert any(x is alive[0] for x in gc.get_objects())
    try:
        settle_heap()
        assert gc.get_freeze_count() >= 1000
        walked = gc.get_objects()
        assert not any(x is alive[0] for x in walked)
        made_after = [0]
        assert any(x is made_after for x in gc.get_objects())  # new objects are walked
    finally:
        gc.unfreeze()
    assert any(x is alive[0] for x in gc.get_objects())


def test_warm_routes_leaves_no_route_to_build_at_its_first_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server warms its routes before it serves: the first create, metrics and /health
    build no request or response model on the event loop (FastAPI 0.16x builds them at a
    router's first request, 50–250 ms of the loop at the first scenario create)."""
    import fastapi.routing

    from api.app import warm_routes
    from tests.api._helpers import ADMIN, PLANNER, SMALL_ORG, auth, make_client

    if not hasattr(fastapi.routing, "_populate_api_route_state"):
        pytest.skip("this FastAPI builds every route when it is included: nothing is lazy")
    built: list[str] = []
    real = fastapi.routing._populate_api_route_state

    def counting(route: Any, *args: Any, **kwargs: Any) -> Any:
        built.append(getattr(route, "path", "?"))
        return real(route, *args, **kwargs)

    with make_client(tmp_path) as c:
        assert warm_routes(c.app) >= 30  # the API's routes, found through the included routers
        monkeypatch.setattr(fastapi.routing, "_populate_api_route_state", counting)
        assert c.get("/health").status_code == 200
        assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN)).status_code == 201
        plan = {"name": "x", "ops": [{"op": "hire", "unit": "s1", "police": 1}]}
        body = {"base": "test-county", "id": "a", "plan": plan}
        assert c.post("/api/v1/scenarios", json=body, headers=auth(PLANNER)).status_code == 201
        assert c.get("/api/v1/orgs/test-county/metrics", headers=auth(ADMIN)).status_code == 200
    assert built == []
    # without the warm-up the same first requests build their routes (the hook is the one used)
    (tmp_path / "cold").mkdir()
    with make_client(tmp_path / "cold") as c:
        built.clear()
        assert c.get("/health").status_code == 200
        assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN)).status_code == 201
    assert built
