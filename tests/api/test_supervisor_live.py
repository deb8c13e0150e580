"""``orgmodel serve`` runs under a supervisor: a worker that crashes in the middle of a query
comes back, and the crash is logged with the caller and the query's SHA-256, not its text."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.api._proc import server_pids
from tests.api.test_live_server import start, stop

PLANNER = "live-planner-token-2"
MARKER = "secret-literal-4711"  # a value in the query that must never reach the log
SLOW = (
    "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
    f"WITH x, y, z WHERE (x + y + z) % 7 = 3 AND '{MARKER}' <> '' RETURN count(*) AS n"
)


def wait_for(check: object, what: str, limit_s: float = 30.0) -> object:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            got = check()  # type: ignore[operator]
        except httpx.HTTPError:
            got = None
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"gave up after {limit_s:g} s waiting for {what}")


@pytest.mark.slow
def test_a_crashed_worker_comes_back_and_the_crash_is_logged(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(
        f"tokens:\n  - {{token: {PLANNER}, role: planner, name: 李规划}}\n", encoding="utf-8"
    )
    env = {"ORGMODEL_QUERY_TIMEOUT": "60"}
    proc, url = start(tmp_path / "sup.lbdb", "--tokens", str(tokens), "--no-seed", env=env)
    try:
        [worker] = [p for p in server_pids(proc.pid) if p != proc.pid]
        h = {"Authorization": f"Bearer {PLANNER}"}
        answers: list[object] = []

        def ask() -> None:
            try:
                with httpx.Client(base_url=url, timeout=90) as c:
                    answers.append(c.post("/api/v1/query", json={"cypher": SLOW}, headers=h))
            except httpx.HTTPError as e:  # the worker died under the request
                answers.append(e)

        t = threading.Thread(target=ask)
        t.start()
        inflight = Path(os.environ.get("TMPDIR", "/tmp"))
        wait_for(
            lambda: any(
                any(p.glob(f"{worker}-*.json")) for p in inflight.glob("orgmodel-inflight-*")
            ),
            "the query to start",
        )
        os.kill(worker, signal.SIGSEGV)  # what the engine's crashes do to the process
        t.join(timeout=30)
        # The request in flight is lost with its worker (a broken connection), nothing else.
        assert len(answers) == 1 and isinstance(answers[0], httpx.HTTPError), answers
        with httpx.Client(base_url=url, timeout=10) as c:
            wait_for(lambda: c.get("/health").status_code == 200, "the new worker")
            r = c.post("/api/v1/query", json={"cypher": "RETURN 1 AS one"}, headers=h)
            assert r.json()["rows"] == [{"one": 1}]
        [new] = [p for p in server_pids(proc.pid) if p != proc.pid]
        assert new != worker
    finally:
        stop(proc)
    assert proc.stdout is not None
    log = proc.stdout.read()
    digest = hashlib.sha256(SLOW.encode()).hexdigest()
    assert f"worker {worker} died while running a query: caller 李规划 (planner)" in log, log
    assert f"query sha256 {digest}" in log
    assert "worker restarted" in log
    assert MARKER not in log and "range(1, 1000)" not in log


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_a_worker_whose_supervisor_was_killed_stops_and_frees_the_store(tmp_path: Path) -> None:
    store = tmp_path / "orphan.lbdb"
    proc, _ = start(store, "--no-seed")
    [worker] = [p for p in server_pids(proc.pid) if p != proc.pid]
    proc.kill()  # SIGKILL: the arbiter cannot pass anything on to its worker
    proc.wait()
    # The worker notices its parent changed at its next heartbeat (every 7 s) and stops.
    deadline = time.monotonic() + 40
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(worker):
        os.kill(worker, signal.SIGKILL)
        raise AssertionError("the orphaned worker kept running (and the store locked)")
    # The store is free: a new server opens it.
    again, url = start(store, "--no-seed")
    try:
        with httpx.Client(base_url=url, timeout=10) as c:
            assert c.get("/health").status_code == 200
    finally:
        stop(again)
