"""The query door and the query limits through a real ``orgmodel serve``: a planner's attacks
of issue 9 get 403 with the clause named and no file comes back; a query past its time limit
is stopped, and the server's CPU and memory go back to idle (measured from /proc)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.api._proc import cpu_s, rss_mb, server_pids
from tests.api.test_live_server import start, stop

PLANNER = "live-planner-token-1"
ADMIN = "live-admin-secret-token-9"
HEAVY = (
    "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
    "WITH x, y, z WHERE (x + y + z) % 7 = 3 RETURN count(*) AS n"
)


@pytest.mark.slow
def test_attacks_get_403_and_a_timed_out_query_leaves_the_server_idle(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(
        "tokens:\n"
        f"  - {{token: {PLANNER}, role: planner, name: 李规划}}\n"
        f"  - {{token: {ADMIN}, role: admin, name: 张管理}}\n",
        encoding="utf-8",
    )
    attacks = [
        (f"MATCH (u:Unit) WHERE u.police--1 = 2 LOAD FROM '{tokens}' RETURN *", "LOAD FROM"),
        (f"WITH 1 AS `a\\` LOAD FROM '{tokens}' RETURN * // `", "LOAD FROM"),
        ("LOAD FROM '/etc/passwd' (header=false) RETURN *", "LOAD FROM"),
        (f"CALL read_csv_serial('{tokens}') RETURN *", "CALL"),
        (f"RETURN read_parquet('{tokens}') AS x", "function read_parquet"),
        (f"LOAD FROM read_npy('{tokens}') RETURN *", "LOAD FROM"),
        ("RETURN " + "[" * 1000 + "]" * 1000, "nesting depth"),
        ("RETURN " + "(" * 400 + "1" + ")" * 400, "nesting depth"),
        ("/* x */ CALL checkpoint_threshold=1", "CALL (setting)"),
        ("UNWIND range(1, 10000000000) AS i RETURN count(i)", "list size"),
        # the break test's 400 characters: 22 doublings of a string, gigabytes in the binder
        (
            "WITH '" + "x" * 128 + "' AS s " + "WITH s + s AS s " * 22 + "RETURN size(s)",
            "value size",
        ),
    ]
    env = {"ORGMODEL_QUERY_TIMEOUT": "1", "ORGMODEL_BUFFER_POOL_MB": "256"}
    proc, url = start(tmp_path / "door.lbdb", "--tokens", str(tokens), "--no-seed", env=env)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            h = {"Authorization": f"Bearer {PLANNER}"}
            for cypher, clause in attacks:
                r = c.post("/api/v1/query", json={"cypher": cypher}, headers=h)
                assert r.status_code == 403, (cypher[:60], r.text[:300])
                body = r.json()
                assert body["clause"] == clause and body["type"].endswith("query-refused")
                assert ADMIN not in r.text and "root:" not in r.text
                assert c.get("/health").status_code == 200
            ok = c.post("/api/v1/query", json={"cypher": "RETURN 3--1 AS x"}, headers=h)
            assert ok.status_code == 200 and ok.json()["rows"] == [{"x": 4}]
            pids = server_pids(proc.pid)
            base_rss = rss_mb(pids)
            t0 = time.monotonic()
            r = c.post("/api/v1/query", json={"cypher": HEAVY}, headers=h)
            assert r.status_code == 504, r.text
            assert time.monotonic() - t0 < 1 + 3  # the limit holds (it took 18 s for 10 s)
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
    assert proc.returncode in (0, 130)  # it stopped on SIGINT (130), not by a signal (< 0)
