"""Run the benchmark cases and print one table: case, size, units, seconds, peak memory.

Usage (``make bench`` runs the first)::

    python -m benchmarks.run
    python -m benchmarks.run --only load,metrics --sizes 10k,100k
    python -m benchmarks.run --sizes 2x3x4        # provinces x cities x counties
    python -m benchmarks.run --list

Each (case, size) runs in a fresh Python subprocess, so the peak memory shown (ru_maxrss)
belongs to that case alone. ``seconds`` is wall time, ``cpu s`` the process's CPU time (the
steadier figure on a shared machine; all threads, so an engine's parallel COPY counts whole).
``× anchor`` is a case's CPU seconds over its bare baseline's at the same size in the same
run (see :mod:`benchmarks`), with the target ratio, then over its further baselines' if it
names some (``1.52× anchor-load (≤ 1.5)``; the metrics row also shows ``anchor-numpy-held``). Nothing here asserts on timings: the
table is for reading.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import CASES, DEFAULT_SIZES, SIZES, BenchContext, Case, Size
from benchmarks.cases import load_all

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data" / "bench"
_RESULT = "BENCH-RESULT "
_CASE_TIMEOUT = 3600


@dataclass
class Row:
    case: str
    size: str
    units: int
    seconds: float | None = None
    cpu_seconds: float | None = None
    peak_mib: float | None = None
    note: str = ""
    report: str = ""
    ratio: str = ""


def parse_size(text: str) -> Size:
    """A size by name (``10k``) or as ``PxCxK`` (provinces x cities x counties)."""
    if text in SIZES:
        return SIZES[text]
    m = re.fullmatch(r"(\d+)x(\d+)x(\d+)", text)
    if not m:
        known = ", ".join(SIZES)
        raise SystemExit(f"error: unknown size {text!r} (known: {known}; or PxCxK like 2x3x4)")
    p, c, k = (int(g) for g in m.groups())
    return Size(text, p, c, k)


def _generator_version() -> str:
    """A digest of what determines a generated file: the generator and the catalogue."""
    from orgmodel.seeds import seed_path

    h = hashlib.sha256()
    h.update((ROOT / "orgmodel" / "generate.py").read_bytes())
    h.update(seed_path("functions.yaml").read_bytes())
    return h.hexdigest()[:10]


def ensure_org(size: Size, data_dir: Path) -> tuple[Path, int]:
    """The cached organisation file of a size (generated when missing) and its unit count."""
    from orgmodel.generate import write_generated

    data_dir.mkdir(parents=True, exist_ok=True)
    stem = f"org-{size.key}-{_generator_version()}"
    path, meta = data_dir / f"{stem}.json", data_dir / f"{stem}.meta.json"
    if path.exists() and meta.exists():
        return path, int(json.loads(meta.read_text())["units"])
    _log(f"generating {size.name} ({size.key}) → {path}")
    t = time.perf_counter()
    s = write_generated(path, size.provinces, size.cities, size.counties, seed=size.seed)
    _log(f"  {s.units:,} units, {s.police:,} police in {time.perf_counter() - t:.1f} s")
    meta.write_text(json.dumps({"units": s.units, "police": s.police, "size": size.key}))
    return path, s.units


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def worker(name: str, size: Size, org_path: Path, units: int, scratch: Path) -> None:
    """Run one case in this (fresh) process and print its result as one JSON line."""
    load_all()
    ctx = BenchContext(org_path=org_path, size=size, units=units, scratch=scratch)
    action = CASES[name].prepare(ctx)
    t, c = time.perf_counter(), time.process_time()
    out = action()
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    if isinstance(out, dict):
        # a case whose work ran in a child process it waited for (a LadybugDB query)
        cpu += float(out.get("child_cpu_seconds", 0.0))
    result = {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": _peak_mib()}
    if isinstance(out, dict):
        result.update({k: str(out[k]) for k in ("bench_note", "bench_report") if k in out})
    print(_RESULT + json.dumps(result), flush=True)


def run_case(case: Case, size: Size, org_path: Path, units: int, scratch: Path) -> Row:
    """Run a case in a subprocess and read its result line."""
    row = Row(case.name, size.name, units)
    reason = case.unavailable()
    if not reason and case.max_units is not None and units > case.max_units:
        reason = f"above {case.max_units:,} units for this case here"
    if reason:
        row.note = f"skipped: {reason}"
        return row
    cmd = [sys.executable, "-m", "benchmarks.run", "--worker", case.name]
    cmd += ["--file", str(org_path), "--units", str(units), "--scratch", str(scratch)]
    cmd += ["--size-spec", json.dumps(size.__dict__)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=_CASE_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        row.note = f"failed: timed out after {_CASE_TIMEOUT} s"
        return row
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(_RESULT)]
    if proc.returncode != 0 or not lines:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        row.note = f"failed (exit {proc.returncode}): {last}"
        return row
    result = json.loads(lines[-1][len(_RESULT) :])
    row.seconds, row.cpu_seconds = result["seconds"], result["cpu_seconds"]
    row.peak_mib = result["peak_mib"]
    row.note = result.get("bench_note", "")
    row.report = result.get("bench_report", "")
    return row


def add_ratios(rows: list[Row]) -> None:
    """Fill each row's ratio to its case's anchor at the same size (CPU seconds), with the
    target, then its ratios to its further anchors (``Case.also``), ``; ``-separated."""
    cpu = {(r.case, r.size): r.cpu_seconds for r in rows}
    for r in rows:
        c = CASES.get(r.case)
        if c is None or c.anchor is None or r.cpu_seconds is None:
            continue
        parts = []
        for i, a in enumerate((c.anchor, *c.also)):
            base = cpu.get((a, r.size))
            if not base:
                parts.append(f"({a} missing)")
                continue
            target = f" (≤ {c.target:g})" if i == 0 and c.target is not None else ""
            parts.append(f"{r.cpu_seconds / base:.2f}× {a}{target}")
        r.ratio = "; ".join(parts)


def with_anchors(names: list[str]) -> list[str]:
    """The cases to run: those named, each preceded by its anchors when not named too."""
    out: list[str] = []
    for n in names:
        c = CASES[n]
        for a in (c.anchor, *c.also) if c.anchor is not None else ():
            if a not in out and a not in names:
                out.append(a)
        if n not in out:
            out.append(n)
    return out


def format_table(rows: list[Row]) -> str:
    """The result table as text, one row per (size, case)."""
    head = ("case", "size", "units", "seconds", "cpu s", "peak MiB", "× anchor", "note")
    body = [
        (
            r.case,
            r.size,
            f"{r.units:,}",
            "—" if r.seconds is None else f"{r.seconds:.2f}",
            "—" if r.cpu_seconds is None else f"{r.cpu_seconds:.2f}",
            "—" if r.peak_mib is None else f"{r.peak_mib:,.0f}",
            r.ratio,
            r.note,
        )
        for r in rows
    ]
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)
    ]
    right = {2, 3, 4, 5, 6}

    def fmt(cells: tuple[str, ...]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return " | ".join(parts).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([fmt(head), rule, *(fmt(b) for b in body)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--only", help="comma-separated case names (default: every case)")
    ap.add_argument(
        "--sizes",
        default=",".join(DEFAULT_SIZES),
        help=f"comma-separated sizes: {', '.join(SIZES)} or PxCxK (default: %(default)s)",
    )
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR, help="cache of generated files")
    ap.add_argument("--list", action="store_true", help="list cases and sizes, then exit")
    # Internal: one case in a fresh process.
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--units", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--size-spec", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        worker(args.worker, Size(**json.loads(args.size_spec)), args.file, args.units, args.scratch)
        return 0

    load_all()
    if args.list:
        for c in CASES.values():
            why = c.unavailable()
            print(f"{c.name:12} {c.description}" + (f"  [skipped: {why}]" if why else ""))
        for s in SIZES.values():
            print(
                f"size {s.name:9} {s.provinces} provinces x {s.cities} cities x {s.counties} counties"
            )
        return 0
    names = [n.strip() for n in args.only.split(",")] if args.only else list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise SystemExit(f"error: unknown case(s) {', '.join(unknown)} (known: {', '.join(CASES)})")
    sizes = [parse_size(s.strip()) for s in args.sizes.split(",") if s.strip()]
    names = with_anchors(names)

    scratch = args.data_dir / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    print(
        f"orgmodel benchmarks — Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{platform.machine()} {platform.system()}",
        flush=True,
    )
    rows: list[Row] = []
    for size in sizes:
        org_path, units = ensure_org(size, args.data_dir)
        for name in names:
            if CASES[name].once and any(r.case == name for r in rows):
                continue
            _log(f"running {name} @ {size.name} …")
            row = run_case(CASES[name], size, org_path, units, scratch)
            if row.seconds is not None:
                _log(f"  {row.seconds:.2f} s, {row.peak_mib:,.0f} MiB")
            elif row.note:
                _log(f"  {row.note}")
            rows.append(row)
    add_ratios(rows)
    print(format_table(rows), flush=True)
    for row in rows:
        if row.report:
            print(f"\n{row.case} @ {row.size}:\n{row.report}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
