"""User queries run in a process of their own, through a real ``orgmodel serve`` (issue 9,
after the break test): a query that grows the engine's memory outside its buffer pool is
stopped at the memory ceiling while ``/health`` keeps answering; a 504 comes at the time
limit, not seconds after it; and afterwards the server's CPU and memory are back at idle.

The door's own value limit is lifted here (``ORGMODEL_QUERY_MAX_VALUE``), so that the
process's ceiling is what stops the doubling query; with the shipped limit the door refuses
it first (tests/api/test_query_door_live.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.api._proc import process_tree, tree_cpu_s, tree_rss_mb
from tests.api.test_live_server import start, stop

LIMIT_S = 6
MEMORY_MB = 256
ENV = {
    "ORGMODEL_QUERY_TIMEOUT": str(LIMIT_S),
    "ORGMODEL_QUERY_MEMORY_MB": str(MEMORY_MB),
    "ORGMODEL_BUFFER_POOL_MB": "128",
    "ORGMODEL_QUERY_MAX_VALUE": str(10**15),
}
# 400 characters; 128 × 2²² characters = 512 MiB in its last string alone, built while the
# engine binds the query (constant folding), outside its buffer pool.
DOUBLING = "WITH '" + "x" * 128 + "' AS s " + "WITH s + s AS s " * 22 + "RETURN size(s) AS n"
# 10⁹ rows: minutes of work.
HEAVY = (
    "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
    "WITH x, y, z WHERE (x + y + z) % 7 = 3 RETURN count(*) AS n"
)


def watch_query_process(root: int, request: threading.Thread) -> dict[str, float]:
    """While ``request`` runs: the least room (MiB) the running query process had left under
    the memory ceiling, as resident memory and as address space (its RLIMIT_AS)."""
    room = {"rss": float(MEMORY_MB), "address space": float("inf")}
    while request.is_alive():
        for pid in process_tree(root):
            try:
                if b"_query_child" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                status = Path(f"/proc/{pid}/status").read_text()
                limits = Path(f"/proc/{pid}/limits").read_text()
            except OSError:  # it ended meanwhile
                continue
            mib = {
                line.split(":")[0]: int(line.split()[1]) / 1024
                for line in status.splitlines()
                if line.startswith(("VmSize:", "VmRSS:"))
            }
            [cap] = [line.split()[3] for line in limits.splitlines() if "address space" in line]
            if cap == "unlimited":  # the spare, waiting for a job (or this one, opening)
                continue
            room["rss"] = min(room["rss"], MEMORY_MB - mib["VmRSS"])
            left = int(cap) / 2**20 - mib["VmSize"]
            room["address space"] = min(room["address space"], left)
        time.sleep(0.05)
    request.join()
    return room


def idle_cpu_s(root: int, over_s: float = 2.0) -> float:
    before = tree_cpu_s(root)
    time.sleep(over_s)
    return tree_cpu_s(root) - before


@pytest.mark.slow
def test_memory_ceiling_time_limit_and_idle_after(tmp_path: Path) -> None:
    proc, url = start(tmp_path / "q.lbdb", "--no-seed", env=ENV)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            ok = c.post("/api/v1/query", json={"cypher": "RETURN 40 + 2 AS x"})
            assert ok.status_code == 200 and ok.json()["rows"] == [{"x": 42}]
            time.sleep(1.0)  # the spare query process has loaded the engine
            base_rss = tree_rss_mb(proc.pid)

            # 1. Memory: stopped at the ceiling, the server answering all along.
            answer: list[httpx.Response] = []
            t = threading.Thread(
                target=lambda: answer.append(
                    httpx.post(url + "/api/v1/query", json={"cypher": DOUBLING}, timeout=60)
                )
            )
            t.start()
            slowest, peak = 0.0, base_rss
            while t.is_alive():
                h0 = time.monotonic()
                assert c.get("/health").status_code == 200
                slowest = max(slowest, time.monotonic() - h0)
                peak = max(peak, tree_rss_mb(proc.pid))
                time.sleep(0.1)
            t.join()
            [r] = answer
            assert r.status_code == 400, r.text
            assert f"memory ceiling of {MEMORY_MB} MiB" in r.json()["detail"], r.text
            # /health never waited on the query (it stalled 27 s when queries ran in the
            # worker); a bound on responsiveness, generous for 2 busy cores.
            assert slowest < 2.0, f"/health took {slowest:.2f} s during the query"
            # The ceiling held: the query process was stopped near 256 MiB (polled every
            # 50 ms), not at the 2.4 GB the break test saw.
            assert peak - base_rss < MEMORY_MB + 512, f"peak {peak - base_rss:.0f} MB over idle"

            # 2. Time: the 504 comes at the limit (6 s), not seconds after.
            t0 = time.monotonic()
            timed: list[httpx.Response] = []
            t = threading.Thread(
                target=lambda: timed.append(c.post("/api/v1/query", json={"cypher": HEAVY}))
            )
            t.start()
            room = watch_query_process(proc.pid, t)
            took = time.monotonic() - t0
            [r] = timed
            assert r.status_code == 504, r.text
            assert LIMIT_S <= took < LIMIT_S + 3, f"504 after {took:.1f} s for a {LIMIT_S} s limit"
            # ... and the memory ceiling stayed far: the query process's resident memory and
            # its address space each kept over half the ceiling to spare (its RLIMIT_AS once
            # counted from before the engine's code was loaded: the reserved regions left it
            # 20-60 MiB, and a slice of a busy machine's timing turned the 504 into a 400).
            assert room["address space"] < float("inf"), "no running query process seen"
            assert room["rss"] > MEMORY_MB / 2, room
            assert room["address space"] > MEMORY_MB / 2, room

            # 3. Idle again: no CPU burnt, memory back where it was (the query's process is
            # gone; a fresh spare waits in its place).
            time.sleep(1.0)
            busy = idle_cpu_s(proc.pid)
            assert busy < 0.2, f"server still busy: {busy:.2f} s of CPU in 2 s"
            grown = tree_rss_mb(proc.pid) - base_rss
            assert grown < 64, f"server holds {grown:.0f} MB more than before the queries"
            assert c.get("/health").status_code == 200
            again = c.post("/api/v1/query", json={"cypher": "RETURN 1 AS one"})
            assert again.json()["rows"] == [{"one": 1}]
    finally:
        stop(proc)
    assert proc.returncode in (0, 130)
