"""A Bolt server for the Neo4j store tests and benchmarks: ArcadeDB, started on loopback.

No Neo4j can be installed here, but ArcadeDB can: its PyPI wheel bundles a Java runtime and
the Bolt plugin, and the official ``neo4j`` driver talks to it ("Neo4j/5.26.0 compatible").
``make test`` runs pytest through this module::

    python -m tests.bolt_server -- pytest -n 2

- When ``NEO4J_URI`` is set, that server (a real Neo4j) is used and nothing is started.
- Otherwise ArcadeDB is installed once into ``.cache/`` (its own folder, not the project's
  virtualenv; a stamp file marks it done), started on free ports of 127.0.0.1 with a random
  root password and an empty database, ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` /
  ``NEO4J_DATABASE`` point the command at it, and it is stopped when the command ends,
  whether the command passed, failed or was interrupted. The Java process also dies with
  this one (``PR_SET_PDEATHSIG``), so a killed run leaves no server behind.

The line printed first says which server the run used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Pinned exactly: later releases of this name are a shim without the Java runtime and jars.
ARCADEDB = "arcadedb-embedded==26.10.2.post1"
HOME = ROOT / ".cache" / ("arcadedb-" + ARCADEDB.split("==")[1])
_STAMP = HOME / ".installed"
_READY = "ArcadeDB Server started"
_START_TIMEOUT_S = 90.0
#: Set for the command when this module started the server (tests name it in their header).
SERVER_ENV = "ORGMODEL_BOLT_SERVER"
ARCADEDB_HTTP_ENV = "ARCADEDB_HTTP"


@dataclass(frozen=True)
class BoltServer:
    """Where the server listens and how to log in."""

    uri: str
    user: str
    password: str
    database: str
    description: str
    #: ArcadeDB's HTTP API (tests use it as root to make a database and a restricted user).
    http_url: str = ""

    def env(self) -> dict[str, str]:
        return {
            ARCADEDB_HTTP_ENV: self.http_url,
            "NEO4J_URI": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.database,
            SERVER_ENV: self.description,
        }


def install(python: str = sys.executable) -> Path:
    """Install the pinned ArcadeDB wheel into :data:`HOME` unless done already; its folder."""
    if _STAMP.exists():
        return HOME
    print(f"bolt server: installing {ARCADEDB} into {HOME.relative_to(ROOT)}", flush=True)
    shutil.rmtree(HOME, ignore_errors=True)
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--target", str(HOME), ARCADEDB],
        check=True,
    )
    _STAMP.write_text(ARCADEDB + "\n")
    return HOME


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    # Linux: the JVM gets SIGTERM when the process that started it dies.
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def arcadedb(heap: str = "2g", quiet: bool = False) -> Iterator[BoltServer]:
    """Start ArcadeDB with its Bolt plugin on 127.0.0.1; stop it when the block ends.

    Raises
    ------
    RuntimeError
        The server did not report itself started within 90 s (its log is in the message).
    """
    home = install()
    pkg = home / "arcadedb_embedded"
    java = pkg / "jre" / "bin" / "java"
    work = Path(tempfile.mkdtemp(prefix="orgmodel-arcadedb-"))
    password = secrets.token_hex(12)
    database = "orgmodel"
    bolt, http = _free_port(), _free_port()
    cmd = [
        str(java),
        f"-Xmx{heap}",
        "-Darcadedb.server.rootPath=" + str(work),
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http}",
        "-Darcadedb.server.rootPassword=" + password,
        f"-Darcadedb.server.defaultDatabases={database}[root]",
        f"-Darcadedb.bolt.defaultDatabase={database}",
        "-cp",
        str(pkg / "jars" / "*"),
        "com.arcadedb.server.ArcadeDBServer",
    ]
    log_path = work / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while _READY not in log_path.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"ArcadeDB did not start (exit {proc.poll()}); its log:\n"
                    + log_path.read_text(errors="replace")[-4000:]
                )
            time.sleep(0.1)
        version = ARCADEDB.split("==")[1]
        yield BoltServer(
            uri=f"bolt://127.0.0.1:{bolt}",
            user="root",
            password=password,
            database=database,
            description=f"ArcadeDB {version} (Bolt plugin) on 127.0.0.1:{bolt}, started for this run",
            http_url=f"http://127.0.0.1:{http}",
        )
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)
        if not quiet:
            print("bolt server: ArcadeDB stopped", flush=True)


def main(argv: list[str]) -> int:
    """``python -m tests.bolt_server [--] COMMAND …``: run COMMAND with a Bolt server."""
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__)
        return 2
    if os.environ.get("NEO4J_URI"):
        print(
            f"bolt server: the Neo4j of NEO4J_URI={os.environ['NEO4J_URI']} "
            "(set by the caller; nothing started)",
            flush=True,
        )
        return subprocess.call(argv)
    # A SIGTERM (CI's or make's) ends the run through the finally below, stopping the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t = time.monotonic()
    with arcadedb() as server:
        print(
            f"bolt server: {server.description} ({time.monotonic() - t:.1f} s); "
            f"the Neo4j store tests and benchmarks use NEO4J_URI={server.uri}",
            flush=True,
        )
        child = subprocess.Popen(argv, env={**os.environ, **server.env()})
        try:
            return child.wait()
        except BaseException:
            child.terminate()
            with contextlib.suppress(Exception):
                child.wait(timeout=30)
            raise


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
