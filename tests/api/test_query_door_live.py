"""The query door through a real ``orgmodel serve``: a planner's attacks of issue 9 get 403
with the clause named, no file comes back, and the server keeps answering."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api.test_live_server import start, stop

PLANNER = "live-planner-token-1"
ADMIN = "live-admin-secret-token-9"


@pytest.mark.slow
def test_planner_attacks_get_403_and_the_server_lives(tmp_path: Path) -> None:
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
    ]
    proc, url = start(tmp_path / "door.lbdb", "--tokens", str(tokens), "--no-seed")
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
    finally:
        stop(proc)
    assert proc.returncode in (0, 130)  # it stopped on SIGINT (130), not by a signal (< 0)
