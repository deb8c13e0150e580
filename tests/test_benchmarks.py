"""The benchmark machinery runs a tiny case end to end and prints its table (no timing asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import CASES, SIZES, Case
from benchmarks.run import Row, format_table, main, parse_size, run_case


def test_tiny_run_prints_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "tiny", "--only", "load", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(ln for ln in lines if ln.startswith("case"))
    assert [c.strip() for c in header.split("|")] == [
        "case",
        "size",
        "units",
        "seconds",
        "cpu s",
        "peak MiB",
        "× anchor",
        "note",
    ]
    row = next(ln for ln in lines if ln.startswith("load"))
    cells = [c.strip() for c in row.split("|")]
    assert cells[1] == "tiny"
    assert int(cells[2].replace(",", "")) > 100
    float(cells[3])
    float(cells[4])
    float(cells[5].replace(",", ""))
    # the load is measured against its bare anchor, run at the same size in the same run
    anchor = next(ln for ln in lines if ln.startswith("anchor-load"))
    assert float(cells[6].split("×")[0]) > 0 and "anchor-load (≤ 1.5)" in cells[6]
    assert [c.strip() for c in anchor.split("|")][6] == ""
    # the generated file is cached for the next run
    assert len(list(tmp_path.glob("org-P1-C2-K2-s0-*.json"))) == 2  # the file and its meta


def test_registry_and_sizes() -> None:
    from benchmarks.cases import load_all

    load_all()
    assert {"generate", "load", "metrics"} <= set(CASES)
    assert {"10k", "100k", "national"} <= set(SIZES)
    assert parse_size("2x3x4").counties == 4
    with pytest.raises(SystemExit, match="unknown size"):
        parse_size("huge")


def test_ratio_to_the_anchor_at_the_same_size() -> None:
    from benchmarks.cases import load_all
    from benchmarks.run import add_ratios, with_anchors

    load_all()
    assert with_anchors(["load", "store-save"]) == [
        "anchor-load",
        "load",
        "anchor-copy",
        "store-save",
    ]
    rows = [
        Row("anchor-load", "10k", 10, 1.0, 0.5),
        Row("load", "10k", 10, 2.0, 0.6),  # 0.6 / 0.5 = 1.20
        Row("load", "100k", 100, 2.0, 0.6),  # no anchor at 100k in this run
    ]
    add_ratios(rows)
    assert rows[1].ratio == "1.20× anchor-load (≤ 1.5)"
    assert rows[2].ratio == "(anchor-load missing)"
    assert rows[0].ratio == ""


def test_metrics_row_shows_both_numpy_anchors() -> None:
    """The suite is judged against anchor-numpy (its target) and shown against the stricter
    anchor-numpy-held too, both run at the same size in the same run."""
    from benchmarks.cases import load_all
    from benchmarks.run import add_ratios, with_anchors

    load_all()
    assert with_anchors(["metrics"]) == ["anchor-numpy", "anchor-numpy-held", "metrics"]
    # named anchors are not run twice
    assert with_anchors(["metrics", "anchor-numpy", "anchor-numpy-held"]) == [
        "metrics",
        "anchor-numpy",
        "anchor-numpy-held",
    ]
    rows = [
        Row("anchor-numpy", "national", 10, 0.03, 0.025),
        Row("anchor-numpy-held", "national", 10, 0.01, 0.010),
        Row("metrics", "national", 10, 0.08, 0.075),  # 0.075 / 0.025 = 3.00; / 0.010 = 7.50
        Row("metrics", "10k", 10, 0.08, 0.075),  # no anchors at 10k in this run
    ]
    add_ratios(rows)
    assert rows[2].ratio == "3.00× anchor-numpy (≤ 3); 7.50× anchor-numpy-held"
    assert rows[3].ratio == "(anchor-numpy missing); (anchor-numpy-held missing)"
    assert rows[0].ratio == rows[1].ratio == ""
    with pytest.raises(ValueError, match="without an anchor"):
        from benchmarks import case

        case("x-also", "further anchors alone", also=("anchor-numpy",))


def test_numpy_anchors_sum_the_same_police() -> None:
    """Both numpy anchors run the same pass (one over the loaded columns, gathered; one over
    the held breadth-first columns) and return the organisation's police, checked."""
    from benchmarks.cases.core import bare_numpy_pass, held_numpy_pass
    from orgmodel.model import OrgGraph, Unit

    # file order puts the post before its station: the anchors read the level order
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
            Unit("s", "城关派出所", "station", parent="b", police=20),
            Unit("d", "治安大队", "department", parent="b", police=7, function="public_order"),
        ]
    )
    assert bare_numpy_pass(org) == held_numpy_pass(org) == 5 + 3 + 20 + 7


def test_unavailable_case_is_skipped(tmp_path: Path) -> None:
    c = Case("later", "not built yet", lambda ctx: lambda: None, requires=lambda: "not here")
    row = run_case(c, SIZES["tiny"], tmp_path / "x.json", 5, tmp_path)
    assert row.seconds is None and row.note == "skipped: not here"
    text = format_table([row, Row("load", "tiny", 1234, 0.5, 0.4, 40.0)])
    assert "skipped: not here" in text and "1,234" in text


def test_store_query_counts_the_query_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A LadybugDB file store answers in a process of its own: the row's CPU seconds include
    that process's, which the note gives (they were left out: span's query showed 0.03 s)."""
    argv = ["--sizes", "tiny", "--only", "store-station-share-query", "--data-dir"]
    assert main([*argv, str(tmp_path)]) == 0
    row = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("store-st"))
    cells = [c.strip() for c in row.split("|")]
    note = cells[7]
    assert "rows; query process" in note and not note.startswith("0 rows")
    child = float(note.split("query process ")[1].split(" CPU s")[0])
    assert child > 0  # the process at least started Python and opened the store
    assert float(cells[4]) >= child


def test_load_generator_client_reads_length_chunked_and_closing_answers() -> None:
    """api-load's plain HTTP/1.1 client (benchmarks/cases/api_load.py) against a server on
    127.0.0.1 that answers with a Content-Length, then chunked, then until it closes: each
    body is read whole, the first two on one kept-alive connection."""
    import asyncio
    import concurrent.futures

    from benchmarks.cases.api_load import _Connection

    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        # chunks of 3 and 4 bytes: 7 bytes of body
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n",
        b"HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nnothing here",  # 12 bytes
    ]
    seen: list[tuple[bytes, int]] = []  # (request line, connection number)

    async def main() -> list[tuple[int, int]]:
        connections = 0

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal connections
            connections += 1
            me = connections
            while answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                seen.append((head.split(b"\r\n")[0], me))
                answer = answers.pop(0)
                writer.write(answer)
                await writer.drain()
                if b"Connection: close" in answer:
                    break
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        conn = _Connection("127.0.0.1", port)
        got = [
            await conn.request("GET", "/a", None),
            await conn.request("POST", "/b", b'{"x": 1}'),
            await conn.request("GET", "/c", None),
        ]
        assert conn.writer is None  # closed after the closing answer
        server.close()
        await server.wait_closed()
        return got

    # on a thread of its own: a test before this one in the same worker may have left an
    # event loop marked running on this thread (asyncio.run then refuses to start)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        got = pool.submit(asyncio.run, main()).result(timeout=30)
    assert got == [(200, 5), (201, 7), (404, 12)]
    assert seen == [(b"GET /a HTTP/1.1", 1), (b"POST /b HTTP/1.1", 1), (b"GET /c HTTP/1.1", 1)]
