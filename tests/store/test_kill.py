"""Saves are atomic across kill -9: a pushing process killed at any point of a save leaves
a store that opens, whose latest version loads and validates, with no partial version.

The failure this guards against (issue 9): LadybugDB's COMMIT of a bulk COPY is not atomic
across a kill. Killed during COMMIT, a one-transaction save kept its version node and the
organisation's latest pointer and lost its units: "latest" named an empty version, and every
read of the organisation failed until someone saved again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orgmodel.generate import generate_org
from orgmodel.io import load_org, write_org
from orgmodel.model import OrgGraph
from orgmodel.store import open_store
from orgmodel.store._cypher import load_query
from orgmodel.store.ladybug_store import LadybugStore

REPO = Path(__file__).resolve().parents[2]

#: The steps a save announces (GraphStore.step_hook), and "saved" after it returns.
#: "commit" is the end of the first transaction: a kill just after it lands in its COMMIT.
TARGETS = ("commit", "units", "commit", "version", "reports_to", "commit", "saved", "guides")
MAX_KILLS = 20
#: Kills stop after this long, once at least MIN_KILLS (two of them in a COMMIT) are done.
TIME_BOX_S = 15.0
MIN_KILLS = 3

# A zygote: imports orgmodel and reads the organisation once, then forks one pusher per line
# on stdin, so each kill costs a fork, not a Python start-up. A pusher opens the store and
# saves variants of the organisation (police + k in every unit) until it is killed, printing
# each step of each save.
ZYGOTE = """
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the pushers we fork are reaped at once
from orgmodel.io import load_org
from orgmodel.store import open_store
path, src = sys.argv[1], sys.argv[2]
org = load_org(src)
print("ready", flush=True)
for line in sys.stdin:
    round_ = int(line)
    pid = os.fork()
    if pid:
        print(f"pid {pid}", flush=True)
        continue
    store = open_store(path)
    store.step_hook = lambda step: print(step, flush=True)
    k = round_ * 1000
    while True:
        k += 1
        units = list(org.units())
        for u in units:
            u.police += k
        store.save_org(org.with_units(units), "pusher", f"round {round_} save {k}")
        print("saved", flush=True)
"""


def _gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    raise AssertionError(f"pusher {pid} still alive after SIGKILL")


def _check(path: Path, org: OrgGraph) -> int:
    """Open the store and check it: every version whole, latest loads and validates."""
    with open_store(str(path)) as s:
        versions = s.list_versions(org.id)
        assert versions, "the first, complete version was lost"
        [summary] = s.list_orgs()
        assert summary.latest == versions[-1].version
        latest = s.load_org(org.id)  # validates on load
        assert len(latest) == len(org)
        # Each save added k to every unit's police: the latest is one whole variant.
        base = {u.id: u.police for u in org.units()}
        assert len({u.police - base[u.id] for u in latest.units()}) == 1
        # No partial or incomplete version anywhere, listed or not.
        per_version = s.query(
            "MATCH (u:Unit) WHERE u.org_id = $o RETURN u.version AS v, count(u) AS n ORDER BY v",
            {"o": org.id},
        )
        assert per_version == [{"v": v.version, "n": len(org)} for v in versions]
        assert all(r["complete"] for r in s.query(load_query("recover/versions")))
        return len(versions)


def _org(path: str) -> OrgGraph:
    if path == "copy":  # a mid-size county system (1 province, 3 cities): bulk COPY
        org = generate_org(1, 3, 4, seed=3)
        assert len(org) > LadybugStore.few_rows
    else:  # the seed county: its rows inserted in the transaction (no forced checkpoint)
        org = load_org(REPO / "seeds" / "orgs" / "mirror-county.yaml")
        assert len(org) <= LadybugStore.few_rows
    return org


@pytest.mark.slow
@pytest.mark.parametrize("path", ["copy", "insert"])
def test_kill_9_at_random_points_of_saves_leaves_whole_versions(tmp_path: Path, path: str) -> None:
    org = _org(path)
    src = tmp_path / "org.json"
    write_org(org, src)
    store = tmp_path / "kill.lbdb"
    with open_store(str(store)) as s:
        s.save_org(org, "first", "complete before any kill")
    rng = random.Random(9)
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(store), str(src)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    killed_at: list[str] = []
    t0 = time.monotonic()
    # A pusher that dies by itself would leave us waiting for its next line: end it all.
    watchdog = threading.Timer(120, zygote.kill)
    watchdog.start()
    try:
        assert zygote.stdout.readline().strip() == "ready"
        while len(killed_at) < MAX_KILLS and (
            time.monotonic() - t0 < TIME_BOX_S or len(killed_at) < MIN_KILLS
        ):
            target = TARGETS[len(killed_at) % len(TARGETS)]
            zygote.stdin.write(f"{len(killed_at)}\n")
            zygote.stdin.flush()
            line = zygote.stdout.readline()
            while not line.startswith("pid "):  # lines of the previous, killed pusher
                assert line, "the zygote died"
                line = zygote.stdout.readline()
            pid = int(line.split()[1])
            while (line := zygote.stdout.readline().strip()) != target:
                assert line, "the zygote died"
            # Kill within the next part of the save: after "commit", inside the COMMIT.
            time.sleep(rng.uniform(0.0, 0.3))
            os.kill(pid, signal.SIGKILL)
            _gone(pid)
            killed_at.append(target)
            _check(store, org)
    finally:
        watchdog.cancel()
        zygote.kill()
        zygote.wait()
    # Bounded by count and time; on a loaded machine fewer kills fit, but at least two of
    # them came inside the COMMIT of the units.
    assert len(killed_at) >= MIN_KILLS and killed_at.count("commit") >= 2, killed_at
