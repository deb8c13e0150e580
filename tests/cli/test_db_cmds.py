"""``orgmodel db``: push, pull, list, log and read-only query through the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.cli.db_cmds import parse_params
from orgmodel.errors import InputError
from orgmodel.io.orgfile import load_org
from orgmodel.seeds import seed_path

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
COUNTY = seed_path("orgs", "mirror-county.yaml")


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "cli.lbdb")


def db(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["db", *args])
    return r.exit_code, r.output


def test_push_list_log_pull(store: str, tmp_path: Path) -> None:
    code, out = db("push", str(COUNTY), "--store", store, "-m", "首次导入", "--author", "张三")
    assert code == 0, out
    assert "pushed mirror-county version 1: 河西县公安局 — 74 units, 497 police" in out
    code, out = db("push", str(COUNTY), "--store", store, "-m", "second", "--author", "李四")
    assert code == 0 and "version 2" in out
    code, out = db("list", "--store", store, "--json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["org_id"], row["name"], row["latest"], row["versions"]) == (
        "mirror-county",
        "河西县公安局",
        2,
        2,
    )
    code, out = db("list", "--store", store)
    assert code == 0 and "mirror-county" in out and "河西县公安局" in out
    code, out = db("log", "mirror-county", "--store", store, "--json")
    log = json.loads(out)
    assert [(v["version"], v["author"], v["message"]) for v in log["versions"]] == [
        (2, "李四", "second"),
        (1, "张三", "首次导入"),
    ]
    assert [e["action"] for e in log["audit"]] == ["save", "save"]
    code, out = db("log", "mirror-county", "--store", store)
    assert code == 0 and "首次导入" in out
    target = tmp_path / "pulled.yaml"
    code, out = db("pull", "mirror-county", "--version", "1", "-o", str(target), "--store", store)
    assert code == 0, out
    assert load_org(target) == load_org(COUNTY)


def test_store_from_environment(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGMODEL_STORE", store)
    monkeypatch.setenv("ORGMODEL_AUTHOR", "环境变量")
    assert db("push", str(COUNTY))[0] == 0
    _, out = db("log", "mirror-county", "--json")
    assert json.loads(out)["versions"][0]["author"] == "环境变量"


def test_expect_version_conflict(store: str) -> None:
    assert db("push", str(COUNTY), "--store", store)[0] == 0
    code, out = db("push", str(COUNTY), "--store", store, "--expect-version", "0")
    assert code == 1
    assert "version conflict on 'mirror-county'" in out and "latest version is 1" in out


def test_query_table_json_and_params(store: str) -> None:
    db("push", str(COUNTY), "--store", store)
    code, out = db(
        "query",
        "MATCH (u:Unit) WHERE u.org_id = $o AND u.kind = $k RETURN count(u) AS n",
        "-p",
        "o=mirror-county",
        "-p",
        "k=station",
        "--store",
        store,
        "--json",
    )
    assert code == 0, out
    assert json.loads(out) == [{"n": 15}]
    code, out = db(
        "query",
        "-f",
        str(REPO / "cypher/analytics/hidden_loss.cypher"),
        "-p",
        "org_id=mirror-county",
        "-p",
        "version=1",
        "--store",
        store,
    )
    assert code == 0, out
    # $norms filled from the shipped norms; one row per establishment: the county's 74 units
    # make 38 (its 15 派出所 each count once with their teams, offices and posts)
    assert out.rstrip().endswith("38 rows")


@pytest.mark.parametrize(
    ("cypher", "clause"),
    [
        ("MATCH (u) DETACH DELETE u", "DETACH"),
        ("CREATE (:Org {id: 'x'})", "CREATE"),
        ("MATCH (u:Unit) SET u.police = 0", "SET"),
        ("MATCH (u:Unit) WHERE u.police--1 = 2 LOAD FROM '/etc/passwd' RETURN *", "LOAD FROM"),
        ("CALL read_csv_serial('/etc/passwd') RETURN *", "CALL"),
    ],
)
def test_query_writes_and_files_refused_data_intact(store: str, cypher: str, clause: str) -> None:
    db("push", str(COUNTY), "--store", store)
    code, out = db("query", cypher, "--store", store)
    assert code == 1
    assert out.startswith(f"error: refused: {clause} at line 1")
    assert "root:" not in out
    assert "Traceback" not in out
    code, out = db("query", "MATCH (u:Unit) RETURN count(u) AS n", "--store", store, "--json")
    assert json.loads(out) == [{"n": 74}]


def test_errors_are_one_line(store: str, tmp_path: Path) -> None:
    code, out = db("pull", "nope", "-o", str(tmp_path / "x.yaml"), "--store", store)
    assert code == 1 and out.startswith("error: no organisation 'nope'")
    code, out = db("query", "MATCH (u:Unit RETURN u", "--store", store)
    assert code == 1 and "expected ')' at line 1, column 15" in out
    code, out = db("query", "--store", store)
    assert code == 1 and "give the Cypher statement" in out


HOLDER = """
import sys, time
from orgmodel.store import open_store
store = open_store(sys.argv[1])
print("ready", flush=True)
time.sleep(30)
"""


def test_locked_store_message(store: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, store],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, out = db("list", "--store", store)
        assert code == 1
        assert out.startswith(f"error: the store {store} is in use by process {holder.pid}")
        assert "Traceback" not in out
    finally:
        holder.kill()
        holder.wait()


def test_parse_params() -> None:
    assert parse_params(["a=1", "b=x y", "c=[1, 2]", "$d=null", 'e="7"']) == {
        "a": 1,
        "b": "x y",
        "c": [1, 2],
        "d": None,
        "e": "7",
    }
    with pytest.raises(InputError, match="NAME=VALUE"):
        parse_params(["novalue"])


def test_query_time_limit(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    heavy = (
        "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
        "RETURN count(*) + sum(x * y * z) AS n"
    )
    code, out = db("query", heavy, "--store", store, "--timeout", "0.3")
    assert code == 1 and "ran longer than the limit of 0.3 s" in out
    monkeypatch.setenv("ORGMODEL_QUERY_TIMEOUT", "0.2")
    code, out = db("query", heavy, "--store", store)
    assert code == 1 and "limit of 0.2 s" in out
    monkeypatch.setenv("ORGMODEL_QUERY_MAX_LIST", "10")
    code, out = db("query", "UNWIND range(1, 11) AS i RETURN i", "--store", store)
    assert code == 1 and "refused: range()" in out


def test_the_time_limit_covers_rendering_the_answer(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drawing a large answer as a table is Python work (2.4 s per 1,000 rows on the 2-core
    # test machine) that only the timer signal can stop. Rather than race a real table
    # against the clock (a loaded machine made the query itself miss the limit), each cell
    # here takes as long as it is let: the rendering runs until the limit stops it, whatever
    # the load. The wait is bounded (60 s in all), so a limit that never fires fails, not hangs.
    import orgmodel.cli.db_cmds as db_cmds

    real_cell, real_limit = db_cmds._cell, db_cmds._time_limit
    seen: dict[str, float] = {}

    def endless_cell(v: object) -> str:
        seen.setdefault("rendering", time.monotonic())
        end = seen["rendering"] + 60  # for all the cells together
        try:
            while time.monotonic() < end:
                time.sleep(0.05)
        finally:
            seen["stopped"] = time.monotonic()
        return real_cell(v)

    @contextlib.contextmanager
    def clocked_limit(seconds: float) -> Iterator[None]:
        seen["limit_from"] = time.monotonic()
        with real_limit(seconds):
            yield

    monkeypatch.setattr(db_cmds, "_cell", endless_cell)
    monkeypatch.setattr(db_cmds, "_time_limit", clocked_limit)
    query = "UNWIND range(1, 3) AS i RETURN i, '派出所' AS kind"
    # The query and its fetch alone (--json draws no table), as a yardstick of the machine now.
    t0 = time.monotonic()
    code, out = db("query", query, "--store", store, "--timeout", "60", "--json")
    fetch_s = time.monotonic() - t0
    assert code == 0 and len(json.loads(out)) == 3, out[:200]
    # A limit the query and its fetch fit in three times over (at least 3 s); should the
    # machine slow down so much that the query itself meets it, try again with twice the limit
    # (at most three tries): what is checked is a stop during the rendering.
    limit = max(3, round(3 * fetch_s))
    for _ in range(3):
        seen.clear()
        code, out = db("query", query, "--store", store, "--timeout", str(limit))
        if "rendering" in seen:
            break
        limit *= 2
    assert "rendering" in seen, f"the query itself ran past a {limit} s limit: {out[:200]}"
    # The limit stopped the rendering: nothing half printed, one error line …
    assert code == 1, out[:200]
    assert f"rendering of its answer ran longer than the limit of {limit} s" in out
    assert "│" not in out and out.count("\n") == 1, out[:200]
    # … at the limit: not before it, and within moments of it (a cell waits 50 ms at a time).
    after = seen["stopped"] - seen["limit_from"]
    assert limit - 0.1 <= after < limit + 3, f"stopped {after:.1f} s into a {limit} s limit"
