"""HTTP API under load: a real ``orgmodel serve`` on 127.0.0.1 (a free port, the embedded store
with the seeds), 50 concurrent clients on the metrics and scenario endpoints of the seed
county bureau (mirror-county, 河西县公安局, 74 units) and its scenarios. Each client sends 40
requests over its own keep-alive connection, cycling through nine read endpoints, and creates
one scenario (a plan applied and saved: a store write) halfway through — 2,000 requests, 50
of them writes.

Size-independent: it runs once, at the first size. The server is started in ``prepare``
(untimed); the timed action is the load run, bounded by a request count and a time limit.
The load comes from a process of its own (this module run as a script) speaking plain
HTTP/1.1 over asyncio streams (:class:`_Connection`), so that the generator measures the
server, not itself: with httpx in the case's process the client used 13.6 CPU s against the
server's 4.1 and set the latencies (GET metrics p95 1.7 s for a cached answer the server
gave in 0.5 ms); this client uses about 1.5 CPU s for the 2,000 requests, start-up included.
The note gives the two figures issue 13 tracks — p95 of the county's metric suite and of
creating a scenario (314 ms and 12 s before the columnar core) — then throughput, the
server's CPU seconds over the run (its processes' user + system time: on a shared machine
the figure to compare between runs, as latencies then follow the machine's load), the
load generator's, and p50/p95/p99 over all requests; the report after the table breaks
latency down by endpoint. The table's CPU seconds and peak memory are the case's own
process, which only waits for the generator.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import BenchContext, case

CLIENTS = 50
REQUESTS_PER_CLIENT = 40  # 2,000 requests in all
TIME_LIMIT_S = 90.0
#: A request without an answer after this long counts as an error.
REQUEST_TIMEOUT_S = 60.0
_MAIN = "from orgmodel.cli import main; main()"
#: Loopback only, on a free port.
_LOOPBACK = ("--host", "127.0.0.1", "--port", "0")

C = "/api/v1/orgs/mirror-county"
S = "/api/v1/scenarios"
#: (label, method, path, JSON body). Clients cycle through these, each from its own offset.
MIX: list[tuple[str, str, str, Any]] = [
    ("GET metrics (suite)", "GET", f"{C}/metrics", None),
    ("GET metrics/workforce", "GET", f"{C}/metrics/workforce", None),
    ("GET metrics/shares", "GET", f"{C}/metrics/shares", None),
    ("POST metrics (norms override)", "POST", f"{C}/metrics/span", None),  # body per request
    ("GET scenario", "GET", f"{S}/dabumen-county", None),
    ("GET scenario metrics", "GET", f"{S}/dabumen-county/metrics", None),
    ("GET scenario diff", "GET", f"{S}/sink-20pct/diff", None),
    ("GET compare", "GET", "/api/v1/compare?a=mirror-county&b=scenario:two-teams-one-office", None),
    ("GET scenarios", "GET", S, None),
]
#: Each client also creates one scenario (a write), halfway through its requests.
WRITE: tuple[str, str, str, Any] = ("POST scenario (apply plan)", "POST", S, None)


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    i = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return sorted_ms[i]


def start_server(
    store: Path, *extra: str, wait_s: float = 180
) -> tuple[subprocess.Popen[str], str]:
    """``orgmodel serve`` on 127.0.0.1 (a free port, no tokens): the process and its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _MAIN, "serve", "--store", str(store), *_LOOPBACK, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # English start-up lines (the line with the URL is read below); no tokens
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("ORGMODEL_TOKENS")},
            "LANGUAGE": "en",
        },
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "up: open " in line:
            return proc, line.split("up: open ", 1)[1].split()[0].rstrip("/")
    proc.kill()
    raise RuntimeError("the API server did not come up")


def _tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants (/proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _body(label: str, client: int, i: int, norms: dict[str, Any]) -> bytes | None:
    """The JSON body of a request (``None`` for a GET)."""
    if label.startswith("POST metrics"):
        # a different officers-per-post figure each time: never a cache hit
        changed = {**norms, "officers_per_post": 3 + (client * REQUESTS_PER_CLIENT + i) % 5}
        return json.dumps({"norms": changed}).encode()
    if label.startswith("POST scenario"):
        plan = {
            "name": "警力下沉 (bench)",
            "ops": [{"op": "sink", "bureaus": "county", "share": 0.1, "rule": "proportional"}],
        }
        body = {"base": "mirror-county", "plan": plan, "id": f"bench-{client}-{i}"}
        return json.dumps(body, ensure_ascii=False).encode()
    return None


class _Connection:
    """One HTTP/1.1 keep-alive connection to the server, one request at a time.

    The load generator's client is this, not httpx: httpx spent 6.8 ms of CPU a request
    here (13.6 CPU s against the server's 4.1 for 2,000 requests) — a failed ``import
    sniffio`` on every request inside httpcore (sniffio was not installed) and a connection
    pool whose assignment is quadratic in connections — so under a closed loop the client,
    not the server, set the latencies (GET metrics p95 1.7 s for 0.5 ms of the server's).
    Reading a status line, headers and a ``Content-Length`` or chunked body costs tens of
    microseconds.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, int]:
        """Send one request and read the whole answer: its status and body length."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        line = await self.reader.readline()
        if not line:
            raise ConnectionResetError("the server closed the connection")
        status = int(line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        got = 0
        if chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                got += len(await self.reader.readexactly(size + 2)) - 2  # and its CRLF
            while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers, up to the blank line that ends the answer
        elif length is not None:
            got = len(await self.reader.readexactly(length))
        else:
            got = len(await self.reader.read())
            close = True
        if close:
            await self.close()
        return status, got


async def _load(url: str) -> dict[str, Any]:
    from orgmodel.norms import load_norms

    norms = load_norms().to_dict()
    norms.pop("source", None)
    host, _, port = url.removeprefix("http://").partition("/")[0].rpartition(":")
    latencies: dict[str, list[float]] = {label: [] for label, *_ in [*MIX, WRITE]}
    errors: dict[str, int] = {}
    deadline = time.monotonic() + TIME_LIMIT_S

    async def client(n: int) -> None:
        conn = _Connection(host, int(port))
        try:
            for i in range(REQUESTS_PER_CLIENT):
                if time.monotonic() > deadline:
                    return
                which = WRITE if i == REQUESTS_PER_CLIENT // 2 else MIX[(n + i) % len(MIX)]
                label, method, path, _ = which
                body = _body(label, n, i, norms)
                t = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(
                        conn.request(method, path, body), REQUEST_TIMEOUT_S
                    )
                except TimeoutError:  # counted, not fatal: the run stays bounded
                    key = f"{label}: no answer in {REQUEST_TIMEOUT_S:g} s"
                    errors[key] = errors.get(key, 0) + 1
                    await conn.close()
                    continue
                except (OSError, ConnectionError, ValueError, IndexError) as e:
                    key = f"{label}: {type(e).__name__}"
                    errors[key] = errors.get(key, 0) + 1
                    await conn.close()
                    continue
                ms = (time.perf_counter() - t) * 1000
                if status >= 400:
                    key = f"{label}: {status}"
                    errors[key] = errors.get(key, 0) + 1
                else:
                    latencies[label].append(ms)
        finally:
            await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return {"latencies": latencies, "errors": errors, "wall": time.perf_counter() - t0}


def _generate(url: str) -> dict[str, Any]:
    """Run the load from a process of its own (this module run as a script): its answer and
    its own CPU seconds, as JSON on stdout."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.cases.api_load", url],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_S + REQUEST_TIMEOUT_S + 60,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _main(url: str) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    result = asyncio.run(_load(url))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu"] = usage.ru_utime + usage.ru_stime - cpu0
    json.dump(result, sys.stdout)


def _summary(result: dict[str, Any]) -> dict[str, str]:
    lat: dict[str, list[float]] = result["latencies"]
    everything = sorted(ms for v in lat.values() for ms in v)
    n, wall = len(everything), result["wall"]
    rows = [("endpoint", "n", "p50 ms", "p95 ms", "p99 ms", "max ms")]
    for label, v in [*lat.items(), ("all", everything)]:
        v = sorted(v)
        rows.append(
            (
                label,
                str(len(v)),
                f"{_percentile(v, 0.50):.1f}",
                f"{_percentile(v, 0.95):.1f}",
                f"{_percentile(v, 0.99):.1f}",
                f"{v[-1]:.1f}" if v else "-",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        " | ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    errs = result["errors"]
    cpu = result.get("server_cpu", float("nan"))
    client_cpu = result.get("client_cpu", float("nan"))
    head = (
        f"{CLIENTS} concurrent clients, {n} requests OK in {wall:.1f} s = {n / wall:.0f} req/s"
        f"; the server used {cpu:.1f} CPU s ({1000 * cpu / max(n, 1):.1f} ms a request)"
        f", the client {client_cpu:.1f} CPU s (when it nears the wall time, the latencies are"
        " the client's)" + (f"; errors: {errs}" if errs else "; no errors")
    )
    metrics_ms = sorted(lat["GET metrics (suite)"])
    create_ms = sorted(lat[WRITE[0]])
    note = (
        f"p95 county metrics {_percentile(metrics_ms, 0.95):.0f} ms, create scenario "
        f"{_percentile(create_ms, 0.95):.0f} ms; "
        f"mirror-county: {n / wall:.0f} req/s, server {cpu:.1f} CPU s, "
        f"client {client_cpu:.1f} CPU s, "
        f"p50 {_percentile(everything, 0.5):.0f} ms, "
        f"p95 {_percentile(everything, 0.95):.0f} ms, p99 {_percentile(everything, 0.99):.0f} ms"
        + (f", {sum(errs.values())} errors" if errs else "")
    )
    return {"bench_note": note, "bench_report": head + "\n" + "\n".join(lines)}


@case(
    "api-load",
    f"{CLIENTS} concurrent HTTP clients on metrics and scenario endpoints of the seed county "
    "(live orgmodel serve on 127.0.0.1)",
    once=True,
)
def api_load(ctx: BenchContext) -> Callable[[], object]:
    store = ctx.scratch / "api-load.lbdb"
    for p in store.parent.glob(store.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    proc, url = start_server(store)

    def run() -> object:
        try:
            cpu0 = _tree_cpu_s(proc.pid)
            result = _generate(url)
            result["server_cpu"] = _tree_cpu_s(proc.pid) - cpu0
            return _summary(result)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    return run


if __name__ == "__main__":
    _main(sys.argv[1])
