"""Through a real ``orgmodel serve``: a query past its time limit is stopped, and the server's
CPU and memory go back to idle (measured from /proc, bounded in time)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from tests.api.test_live_server import start, stop

TICK = os.sysconf("SC_CLK_TCK")
HEAVY = (
    "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
    "WITH x, y, z WHERE (x + y + z) % 7 = 3 RETURN count(*) AS n"
)


def server_pids(root: int) -> list[int]:
    """The server process and its children (the supervisor's worker)."""
    pids = [root]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(entry))
    return pids


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


@pytest.mark.slow
def test_cpu_and_memory_return_to_idle_after_a_timed_out_query(tmp_path: Path) -> None:
    env = {"ORGMODEL_QUERY_TIMEOUT": "1", "ORGMODEL_BUFFER_POOL_MB": "256"}
    proc, url = start(tmp_path / "idle.lbdb", "--no-seed", env=env)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            assert c.post("/api/v1/query", json={"cypher": "RETURN 1 AS one"}).status_code == 200
            pids = server_pids(proc.pid)
            base_rss = rss_mb(pids)
            t0 = time.monotonic()
            r = c.post("/api/v1/query", json={"cypher": HEAVY})
            assert r.status_code == 504, r.text
            assert time.monotonic() - t0 < 10  # limit 1 s + the interrupt's grace
            assert c.get("/health").status_code == 200
            # Idle again: over two seconds the server burns under 0.2 s of CPU …
            time.sleep(0.5)
            before = cpu_s(pids)
            time.sleep(2.0)
            busy = cpu_s(pids) - before
            assert busy < 0.2, f"server still busy: {busy:.2f} s of CPU in 2 s"
            # … and holds no more memory than its buffer pool's worth above where it began.
            grown = rss_mb(pids) - base_rss
            assert grown < 256, f"server RSS grew {grown:.0f} MB"
    finally:
        stop(proc)
