"""Work of a user query is bounded: the engine's timeout, a watchdog interrupt behind it, the
buffer pool as a memory ceiling, and a cap on the rows fetched."""

from __future__ import annotations

import time
from collections.abc import Iterator

import ladybug
import pytest

from orgmodel.store import QueryError, QueryTimeout
from orgmodel.store.base import StoreError
from orgmodel.store.ladybug_store import INTERRUPT_GRACE_S, LadybugStore, buffer_pool_mb

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
