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


def test_unavailable_case_is_skipped(tmp_path: Path) -> None:
    c = Case("later", "not built yet", lambda ctx: lambda: None, requires=lambda: "not here")
    row = run_case(c, SIZES["tiny"], tmp_path / "x.json", 5, tmp_path)
    assert row.seconds is None and row.note == "skipped: not here"
    text = format_table([row, Row("load", "tiny", 1234, 0.5, 0.4, 40.0)])
    assert "skipped: not here" in text and "1,234" in text
