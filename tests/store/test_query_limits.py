"""Work of a user query is bounded: the engine's timeout, a watchdog interrupt behind it, the
buffer pool as a memory ceiling, and a cap on the rows fetched."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import ladybug
import pytest

from orgmodel.i18n import language
from orgmodel.store import DoorLimits, QueryCrashed, QueryError, QueryTimeout
from orgmodel.store._query_proc import QueryProcesses, query_memory_mb
from orgmodel.store.base import StoreError
from orgmodel.store.ladybug_store import INTERRUPT_GRACE_S, LadybugStore, buffer_pool_mb
from tests.store.conftest import seed_orgs

# 1000³ = 10⁹ rows: minutes of work, in a query of 150 characters that the door lets through.
CARTESIAN = (
    "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
    "WITH x, y, z WHERE (x + y + z) % 7 = 3 RETURN count(*) AS n"
)


@pytest.fixture()
def small_pool() -> Iterator[LadybugStore]:
    with LadybugStore(":memory:", pool_mb=64) as s:
        yield s


def test_timeout_stops_the_query(small_pool: LadybugStore) -> None:
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"limit of 0\.5 s"):
        small_pool.query(CARTESIAN, timeout_s=0.5)
    # Stopped, not abandoned: the call returns once the engine has let go of the query.
    assert time.monotonic() - t0 < 0.5 + INTERRUPT_GRACE_S + 5
    assert small_pool.query("RETURN 1 AS one") == [{"one": 1}]


def test_the_watchdog_interrupts_when_the_engine_timeout_does_not(
    small_pool: LadybugStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Take the engine's own timeout away: the interrupt alone must stop the query.
    monkeypatch.setattr(ladybug.Connection, "set_query_timeout", lambda self, ms: None)
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout):
        small_pool.query(CARTESIAN, timeout_s=0.3)
    assert time.monotonic() - t0 >= 0.3 + INTERRUPT_GRACE_S - 0.05  # it was the watchdog


@pytest.mark.parametrize(
    "q",
    [
        "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 100) AS z "
        "RETURN collect(x * y * z) AS l",
        "UNWIND range(1, 1000) AS x UNWIND range(1, 1000) AS y UNWIND range(1, 1000) AS z "
        "RETURN x, y, z ORDER BY x + y + z",
    ],
    ids=["collect", "sort"],
)
def test_the_buffer_pool_is_a_memory_ceiling(small_pool: LadybugStore, q: str) -> None:
    # 10⁸ int64 values are 800 MB, a full sort of 10⁹ rows more: past a 64 MiB pool.
    with pytest.raises(QueryError, match=r"buffer pool of 64 MiB \(ORGMODEL_BUFFER_POOL_MB\)"):
        small_pool.query(q, timeout_s=60, max_rows=1)
    assert small_pool.query("RETURN 2 AS two") == [{"two": 2}]


def test_rows_fetched_are_capped(small_pool: LadybugStore) -> None:
    rows = small_pool.query("UNWIND range(1, 1000) AS i RETURN i", max_rows=5)
    assert rows == [{"i": 1}, {"i": 2}, {"i": 3}, {"i": 4}, {"i": 5}]


def test_buffer_pool_setting() -> None:
    assert buffer_pool_mb({}) == 1024
    assert buffer_pool_mb({"ORGMODEL_BUFFER_POOL_MB": "256"}) == 256
    with pytest.raises(StoreError, match="ORGMODEL_BUFFER_POOL_MB"):
        buffer_pool_mb({"ORGMODEL_BUFFER_POOL_MB": "lots"})


# -- a store on a file: each query in a process of its own --------------------------------------

# 22 doublings of a 128-character string: the engine builds 512 MiB strings while it binds
# the query, outside its buffer pool and deaf to its own timeout.
DOUBLING = "WITH '" + "x" * 128 + "' AS s " + "WITH s + s AS s " * 22 + "RETURN size(s) AS n"
NO_VALUE_LIMIT = DoorLimits(max_value=10**15)


@pytest.fixture()
def on_file(tmp_path: Path) -> Iterator[LadybugStore]:
    with LadybugStore(tmp_path / "q.lbdb", pool_mb=128, memory_mb=384) as s:
        yield s


def _record_processes(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    taken: list[subprocess.Popen[bytes]] = []
    original = QueryProcesses._take

    def take(self: QueryProcesses) -> subprocess.Popen[bytes]:
        proc = original(self)
        taken.append(proc)
        return proc

    monkeypatch.setattr(QueryProcesses, "_take", take)
    return taken


def test_a_query_process_is_killed_at_the_limit(
    on_file: LadybugStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert on_file.query("RETURN 0 AS zero") == [{"zero": 0}]  # a spare is now loading
    taken = _record_processes(monkeypatch)
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"limit of 1 s") as e:
        on_file.query(CARTESIAN, timeout_s=1)
    took = time.monotonic() - t0
    with language("zh"):  # in the messages' language, as the CLI shows it
        assert str(e.value) == "查询已停止：运行超过了 1 秒的限制", str(e.value)
    # the limit, not seconds later (opening the store is not counted: up to a second or two
    # on a busy machine)
    assert 1 <= took < 1 + 3, f"stopped after {took:.1f} s"
    [proc] = taken
    assert proc.poll() is not None  # gone, with whatever it held
    assert on_file.query("RETURN 1 AS one") == [{"one": 1}]


def test_memory_past_the_ceiling_stops_the_query_not_the_caller(on_file: LadybugStore) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(QueryError, match=r"query memory ceiling of 384 MiB") as e:
        on_file.query(DOUBLING, timeout_s=60, limits=NO_VALUE_LIMIT)
    with language("zh"):
        assert "查询内存上限 384 MiB（ORGMODEL_QUERY_MEMORY_MB）" in str(e.value), str(e.value)
    # the caller's own peak did not move by the hundreds of MiB the query took
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64, f"the caller grew {grown_mb:.0f} MiB"
    assert on_file.query("RETURN 2 AS two") == [{"two": 2}]


def test_an_engine_crash_costs_the_query_only(
    on_file: LadybugStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _record_processes(monkeypatch)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            on_file.query(CARTESIAN, timeout_s=60)
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 50
    while time.monotonic() < deadline:  # until the engine runs the query (a busy machine: s)
        processes = on_file._db().processes
        if taken and processes is not None and processes.stages.get(taken[0].pid) == "running":
            break
        time.sleep(0.05)
    os.kill(taken[0].pid, signal.SIGSEGV)  # what the engine's crashes do to its process
    t.join(timeout=20)
    [e] = errors
    assert isinstance(e, QueryCrashed) and "the engine crashed on it (signal 11)" in str(e), e
    with language("zh"):
        assert str(e).startswith("查询失败：引擎执行它时崩溃（信号 11）；"), str(e)
    assert on_file.query("RETURN 3 AS three") == [{"three": 3}]


def test_a_save_waits_for_a_running_query_which_sees_the_store_whole(
    on_file: LadybugStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine writes pages in place at a checkpoint: a query process must not read them
    # half written, so a save waits for running queries, and queries after it see it.
    taken = _record_processes(monkeypatch)
    ended: list[str] = []

    def run() -> None:
        with contextlib.suppress(QueryTimeout):
            on_file.query(CARTESIAN, timeout_s=1.5)
        ended.append("query")

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 20
    while not taken and time.monotonic() < deadline:
        time.sleep(0.05)
    org = seed_orgs()[0]
    on_file.save_org(org, "tester", "save during a query")
    ended.append("save")
    t.join()
    assert ended == ["query", "save"]
    [row] = on_file.query("MATCH (u:Unit {org_id: $id}) RETURN count(*) AS n", {"id": org.id})
    assert row["n"] == len(list(org.units())) == 252, row


def test_query_memory_setting() -> None:
    assert query_memory_mb({}) == 2048
    assert query_memory_mb({"ORGMODEL_QUERY_MEMORY_MB": "512"}) == 512
    with pytest.raises(StoreError, match="ORGMODEL_QUERY_MEMORY_MB") as e:
        query_memory_mb({"ORGMODEL_QUERY_MEMORY_MB": "100"})
    # the query process's errors go through the catalogue (were English f-strings)
    with language("zh"):
        assert str(e.value) == "ORGMODEL_QUERY_MEMORY_MB：应为不小于 256 的整数，收到的是 '100'"
