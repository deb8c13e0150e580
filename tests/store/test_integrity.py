"""Integrity: a save is one transaction, concurrent saves never mix, the store's lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orgmodel.model import OrgGraph
from orgmodel.store import GraphStore, StoreLocked, VersionConflict, open_store
from orgmodel.store.cypher_store import CypherStore
from tests.store.conftest import renamed, seed_orgs

REPO = Path(__file__).resolve().parents[2]
STEPS = ("units", "reports_to", "guides", "dispatches", "commit", "version")


class Boom(RuntimeError):
    pass


def _variant(org: OrgGraph, extra: int) -> OrgGraph:
    """The organisation with ``extra`` more police in every unit (easy to tell apart)."""
    units = list(org.units())
    for u in units:
        u.police += extra
    return org.with_units(units)


def _count_units(store: GraphStore, org_id: str) -> list[dict[str, object]]:
    return store.query(
        "MATCH (u:Unit) WHERE u.org_id = $o RETURN u.version AS v, count(u) AS n ORDER BY v",
        {"o": org_id},
    )


@pytest.mark.parametrize("step", STEPS)
def test_failure_midway_leaves_previous_version(
    any_store: tuple[GraphStore, str], step: str
) -> None:
    store, suffix = any_store
    org = renamed(seed_orgs()[1], seed_orgs()[1].id + suffix)
    store.save_org(org, "a", "v1")
    audit_before = store.audit_log(org.id)

    def hook(name: str) -> None:
        if name == step:
            raise Boom(f"injected failure after {name}")

    store.step_hook = hook
    with pytest.raises(Boom):
        store.save_org(_variant(org, 1), "b", "v2")
    store.step_hook = None
    # Nothing of version 2 is anywhere: units, edges, version node, Org.latest, audit.
    assert [v.version for v in store.list_versions(org.id)] == [1]
    assert [o.latest for o in store.list_orgs() if o.org_id == org.id] == [1]
    assert _count_units(store, org.id) == [{"v": 1, "n": len(org)}]
    assert store.query(
        "MATCH (a:Unit)-[r:REPORTS_TO]->() WHERE a.org_id = $o RETURN count(r) AS n",
        {"o": org.id},
    ) == [{"n": len(org) - 1}]
    assert store.load_org(org.id) == org
    assert store.audit_log(org.id) == audit_before
    # ... and the next save works and is numbered 2.
    assert store.save_org(_variant(org, 1), "b", "v2").version == 2


def test_failure_of_a_first_save_leaves_nothing(any_store: tuple[GraphStore, str]) -> None:
    store, suffix = any_store
    org = renamed(seed_orgs()[0], seed_orgs()[0].id + suffix)

    def hook(name: str) -> None:
        raise Boom(name)

    store.step_hook = hook
    with pytest.raises(Boom):
        store.save_org(org, "a")
    store.step_hook = None
    assert [o for o in store.list_orgs() if o.org_id == org.id] == []
    assert store.query(
        "MATCH (u:Unit) WHERE u.org_id = $o RETURN count(u) AS n", {"o": org.id}
    ) == [{"n": 0}]


CRASH = """
import os, sys
from orgmodel.generate import generate_org
from orgmodel.io import load_org
from orgmodel.store import open_store
path, seed = sys.argv[1], sys.argv[2]
org = load_org(seed)
units = list(org.units())
for u in units:
    u.police += 1
store = open_store(path)
def crash(step):
    if step == "reports_to":
        os._exit(17)  # the process dies mid-save: no rollback, no close
store.step_hook = crash
store.save_org(org.with_units(units), "crasher", "never committed")
"""


def test_process_killed_midway_leaves_previous_version(store_path: Path) -> None:
    from tests.store.conftest import SEED_FILES

    org = seed_orgs()[1]
    with open_store(str(store_path)) as s:
        s.save_org(org, "a", "v1")
    r = subprocess.run(
        [sys.executable, "-c", CRASH, str(store_path), str(SEED_FILES[1])],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 17, r.stderr
    with open_store(str(store_path)) as s:
        assert [v.version for v in s.list_versions(org.id)] == [1]
        assert s.load_org(org.id) == org
        assert _count_units(s, org.id) == [{"v": 1, "n": len(org)}]
        assert s.save_org(_variant(org, 1), "b").version == 2


def test_concurrent_saves_never_mix(any_store: tuple[GraphStore, str]) -> None:
    """Two threads save different variants of one organisation, many times over: every
    version is exactly one of them, numbered 1..n without gaps. (LadybugDB and Neo4j queue
    the saves; a server without locks refuses the later commit and the store retries it.)"""
    store, suffix = any_store
    org = renamed(seed_orgs()[1], seed_orgs()[1].id + suffix)
    variants = {0: _variant(org, 0), 1: _variant(org, 100)}
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for _ in range(4):
                store.save_org(variants[k], f"writer-{k}", f"from {k}")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in variants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    versions = store.list_versions(org.id)
    assert [v.version for v in versions] == list(range(1, 9))
    for v in versions:
        loaded = store.load_org(org.id, v.version)
        k = int(v.author[-1])
        assert loaded == variants[k], f"version {v.version} is not writer {k}'s organisation"
        assert v.police == variants[k].total_police()


def test_stale_expected_version_is_rejected(any_store: tuple[GraphStore, str]) -> None:
    """Two editors both start from version 1; the second to save gets a conflict."""
    store, suffix = any_store
    org = renamed(seed_orgs()[1], seed_orgs()[1].id + suffix)
    store.save_org(org, "a")
    barrier = threading.Barrier(2)
    results: dict[int, object] = {}

    def editor(k: int) -> None:
        base = store.list_versions(org.id)[-1].version
        barrier.wait()
        try:
            results[k] = store.save_org(_variant(org, k + 1), f"e{k}", expected_version=base)
        except VersionConflict as e:
            results[k] = e

    threads = [threading.Thread(target=editor, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conflicts = [r for r in results.values() if isinstance(r, VersionConflict)]
    assert len(conflicts) == 1, results
    assert "expected version 1" in str(conflicts[0])
    assert "latest version is 2" in str(conflicts[0])
    assert [v.version for v in store.list_versions(org.id)] == [1, 2]
    other = renamed(seed_orgs()[0], seed_orgs()[0].id + suffix)
    with pytest.raises(VersionConflict, match="does not exist yet"):
        store.save_org(other, "x", expected_version=3)
    assert store.save_org(other, "x", expected_version=0).version == 1


HOLDER = """
import sys, time
from orgmodel.store import open_store
store = open_store(sys.argv[1])
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_second_process_gets_store_locked(store_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store_path), "30"],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        with pytest.raises(StoreLocked) as info:
            open_store(str(store_path))
        assert time.monotonic() - t0 < 5  # refused at once, not after a hang
        msg = str(info.value)
        assert str(store_path) in msg
        assert f"process {holder.pid}" in msg
        assert "one writer process at a time" in msg
    finally:
        holder.kill()
        holder.wait()
    with open_store(str(store_path)) as s:  # free again once the holder is gone
        assert s.list_orgs() == []


def test_stores_in_one_process_share_the_database(store_path: Path) -> None:
    org = seed_orgs()[0]
    with open_store(str(store_path)) as a, open_store(str(store_path)) as b:
        a.save_org(org, "a")
        assert b.load_org(org.id) == org
    with open_store(str(store_path)) as c:
        assert c.load_org(org.id) == org


def test_recover_removes_incomplete_and_hollow_versions(store_path: Path) -> None:
    """What a killed save can leave — a version never marked complete (killed between the two
    transactions), and, from before saves had two, a "latest" version whose units were lost
    in its COMMIT — is removed when the store opens; latest falls back to version 1."""
    from orgmodel.store._common import org_rows, version_key

    org = seed_orgs()[1]
    with open_store(str(store_path)) as s:
        assert s.save_org(org, "a", "v1").version == 1
        assert isinstance(s, CypherStore)
        with s._write() as tx:  # phase 1 of version 2 only
            data = org_rows(_variant(org, 1), org.id, 2)
            tx.write_rows(data, lambda step: None)
            params = {
                **data.header,
                "org_id": org.id,
                "version": 2,
                "key": version_key(org.id, 2),
                "root_key": data.root_key,
                "author": "killed",
                "message": "",
                "now": datetime.now(UTC),
            }
            tx.run("write/version", params)
            # Version 3: marked complete and latest, but without units (the old failure).
            tx.run("write/version", {**params, "version": 3, "key": version_key(org.id, 3)})
            tx.run(
                "write/version_complete", {**params, "version": 3, "key": version_key(org.id, 3)}
            )
        # Neither is served: version 2 is not complete, and latest names the hollow version 3.
        assert [v.version for v in s.list_versions(org.id)] == [1, 3]
    with open_store(str(store_path)) as s:  # recovery runs at open
        assert [v.version for v in s.list_versions(org.id)] == [1]
        assert s.list_orgs()[0].latest == 1
        assert s.load_org(org.id) == org
        assert _count_units(s, org.id) == [{"v": 1, "n": len(org)}]
        [entry] = [a for a in s.audit_log() if a.action == "recover"]
        assert f"{org.id} version 2: never marked complete" in entry.detail
        assert f"{org.id} version 3: 0 units stored, {len(org)} saved" in entry.detail
        assert f"{org.id}: latest 3 → 1" in entry.detail
        assert s.recover() == []  # clean now
        assert s.save_org(_variant(org, 1), "b").version == 2
