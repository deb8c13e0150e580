"""``orgmodel metrics``: the metric report of an organisation, as tables or as one JSON object."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from orgmodel.cli import app
from orgmodel.cli.io_cmds import SHEET_HELP, TOTALS_HELP, echo_warnings
from orgmodel.errors import InputError
from orgmodel.io import load_any
from orgmodel.labels import METRICS
from orgmodel.metrics import metric_report
from orgmodel.model import KIND_NAMES
from orgmodel.norms import load_norms, load_policy

__all__ = ["metrics", "render_report", "render_shares"]


def _lab(metric: str) -> str:
    """A metric's label as the CLI's tables show it: 中文 english, from the one table."""
    m = METRICS[metric]
    return f"{m.zh} {m.en}"


#: Rows shown per unit list in the tables; the JSON output always has every row.
LIST_LIMIT = 15


@app.command()
def metrics(
    org: Path = typer.Argument(
        ...,
        help="Organisation: .yaml, .yml, .json, an HR spreadsheet (.csv, .xlsx, .xls) or .graphml.",
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print one JSON object (keys org, span, layers, workforce, "
        "mirror, shares, policy, norms) instead of tables.",
    ),
    norms: Path | None = typer.Option(
        None, "--norms", help="Staffing norms file (default: the shipped seeds/norms.yaml)."
    ),
    policy: Path | None = typer.Option(
        None, "--policy", help="Policy rules file (default: the shipped seeds/policy.yaml)."
    ),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    totals: bool = typer.Option(False, "--totals", help=TOTALS_HELP),
    fmt: str = typer.Option(
        "table",
        "--format",
        help="table (default), json, csv (one row per unit, UTF-8 with BOM for Excel) or xlsx "
        "(sheets 主要指标, 单位, 政策检查; needs -o).",
    ),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write csv/xlsx here."),
) -> None:
    """Measure an organisation: span and layers, 警力隐性流失, 上下对口, frontline shares, policy."""
    if fmt not in ("table", "json", "csv", "xlsx"):
        raise InputError(f"--format: {fmt!r} is none of table, json, csv, xlsx")
    if fmt == "xlsx" and output is None:
        raise InputError("--format xlsx needs -o FILE.xlsx")
    g = load_any(org, sheet=sheet, totals=totals)
    echo_warnings(g)
    n, rules = load_norms(norms), load_policy(policy)
    report = metric_report(g, n, rules)
    if fmt in ("csv", "xlsx"):
        from orgmodel.scripting import MetricReport

        export_metrics(MetricReport(g, report, n), fmt, output)
        return
    if as_json or fmt == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    render_report(report, Console())


def export_metrics(r: Any, fmt: str, output: Path | None) -> None:
    """Per-unit metrics as CSV (stdout or ``output``) or an XLSX workbook with the headline,
    the units and the policy checks. Written atomically: an error leaves no partial file."""
    import csv
    import io

    from orgmodel.charts.numbers import PANEL_KEYS, format_value, metric_label
    from orgmodel.io._atomic import atomic_output

    units = r.units()
    cols = list(units[0]) if units else []
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(units)
        if output is None:
            sys.stdout.write(buf.getvalue())
            return
        with atomic_output(output) as tmp:
            tmp.write_text(buf.getvalue(), encoding="utf-8-sig")
        typer.echo(f"wrote {output} ({len(units)} units)", err=True)
        return
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(["指标", "值", "说明"])
    for k in PANEL_KEYS:
        ws.append([metric_label(k), format_value(k, r.headline.get(k)), k])
    wu = wb.create_sheet("单位")
    wu.append(cols)
    for u in units:
        wu.append([u[c] for c in cols])
    wp = wb.create_sheet("政策检查")
    checks = r.report["policy"]["results"]
    pcols = ["rule", "description", "unit_id", "unit_name", "value", "threshold", "passed"]
    wp.append(pcols)
    for c in checks:
        wp.append([c.get(k) for k in pcols])
    assert output is not None
    with atomic_output(output) as tmp:
        wb.save(tmp)
    typer.echo(f"wrote {output} ({len(units)} units, {len(checks)} checks)", err=True)


def _num(v: Any, digits: int = 1) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _kv(title: str, rows: Sequence[tuple[str, str]]) -> Table:
    t = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    for k, v in rows:
        t.add_row(k, v)
    return t


def _more(console: Console, rows: Sequence[Any]) -> None:
    if len(rows) > LIST_LIMIT:
        console.print(f"  … and {len(rows) - LIST_LIMIT:,} more (see --json)")


def render_report(r: dict[str, Any], console: Console) -> None:
    """Print a metric report as readable tables with Chinese names."""
    o = r["org"]
    console.rule(f"[bold]{o['name'] or o['root']['name']}[/bold]  ({o['id'] or o['root']['id']})")
    kinds = Table(title="组织 Organisation", title_justify="left")
    for col in ("单位类型 kind", "单位 units", "民警 police", "人数 people"):
        kinds.add_column(col, justify="right" if col != "单位类型 kind" else "left")
    for k, v in o["by_kind"].items():
        kinds.add_row(f"{v['name']} ({k})", _num(v["units"]), _num(v["police"]), _num(v["people"]))
    kinds.add_row(
        "合计 total", _num(o["units"]), _num(o["police"]), _num(o["people"]), style="bold"
    )
    console.print(kinds)
    console.print(
        f"辅警 auxiliaries {_num(o['auxiliaries'])} · GUIDES {_num(o['guides'])} · "
        f"DISPATCHES {_num(o['dispatches'])}"
        + (f" · 上级 {o['parent_bureau']['name']}" if o["parent_bureau"] else "")
    )

    s = r["span"]
    console.print()
    console.print(
        _kv(
            "管理幅度 Span of control",
            [
                ("管理单位 managing units", _num(s["managing_units"])),
                ("平均幅度 mean span", _num(s["mean_span"])),
                ("中位幅度 median span", _num(s["median_span"])),
                (
                    "最大幅度 max span",
                    "—"
                    if s["max_span"] is None
                    else f"{s['max_span']['span']} {s['max_span']['name']}",
                ),
                (f"过窄 narrow (< {s['narrow_below']})", _pct(s["narrow_share"])),
                (f"过宽 wide (> {s['wide_above']})", _pct(s["wide_share"])),
                ("每个领导职数的民警 officers per leader post", _num(s["supervision"]["mean"])),
            ],
        )
    )
    bands = Table(title="幅度分布 span bands", title_justify="left")
    bands.add_column("band")
    bands.add_column("units", justify="right")
    bands.add_column("share", justify="right")
    for b in s["bands"]:
        bands.add_row(b["band"], _num(b["count"]), _pct(b["share"]))
    console.print(bands)
    if s["narrow"]:
        t = Table(title="过窄单位 narrow-span units", title_justify="left")
        for col in ("id", "名称 name", "类型 kind", "span"):
            t.add_column(col)
        for row in s["narrow"][:LIST_LIMIT]:
            t.add_row(row["id"], row["name"], KIND_NAMES.get(row["kind"], row["kind"]),
                      str(row["span"]))  # fmt: skip
        console.print(t)
        _more(console, s["narrow"])

    ly = r["layers"]
    cp = ly["command_path"]
    console.print()
    console.print(
        _kv(
            "层级 Layers and command paths (扁平化)",
            [
                ("层级 layers", _num(ly["layers"])),
                ("社区警务室 community posts", _num(cp["posts"])),
                ("平均指挥链 mean command path", _num(cp["mean"], 2)),
                ("最长指挥链 longest command path", _num(cp["max"])),
                ("经情指中心直达 via command centre", _num(cp["via_command_centre"])),
            ],
        )
    )

    w = r["workforce"]
    console.print()
    console.print(
        _kv(
            "警力隐性流失 Hidden workforce loss",
            [
                (_lab("police"), _num(w["police"])),
                (_lab("people"), _num(w["people"])),
                (_lab("establishments"), f"{_num(w['establishments'])} "
                 f"(派出所连同其队、室、警务室 {_num(w['station_establishments'])})"),
                (_lab("fixed_posts"), _num(w["fixed_posts"])),
                (_lab("overhead"), f"{_num(w['overhead'])} "
                 f"({_pct(w['overhead_share'])})"),
                (_lab("hollow_units"), f"{_num(w['hollow_units'])} "
                 f"(short {_num(w['shortfall'])})"),
                (_lab("hidden_loss"), f"{_num(w['hidden_loss'])} "
                 f"({_pct(w['hidden_loss_share'])})"),
                (_lab("deployable"), f"{_num(w['deployable'])} "
                 f"({_pct(w['deployable_share'])})"),
            ],
        )
    )  # fmt: skip
    for by in ("level", "category"):
        f = w["funnel"][by]
        t = Table(
            title=f"警力漏斗 availability funnel by {by} (absence {_pct(f['absence_rate'])})",
            title_justify="left",
        )
        t.add_column("层级/类别" if by == "level" else "类别 category")
        for label in ("民警", "−领导", "−内勤", "−值班", "−缺勤", "可用"):
            t.add_column(label, justify="right")
        for g in [*f["groups"], f["total"]]:
            t.add_row(
                g["label"],
                _num(g["police"]),
                _num(g["leaders"]),
                _num(g["admin"]),
                _num(g["duty"]),
                _num(g["absence"]),
                _num(g["deployable"]),
                style="bold" if g["key"] == "total" else None,
            )
        console.print(t)
    if w["hollow"]:
        t = Table(
            title="空壳单位 hollow units (per establishment: a 派出所 with its teams, office and "
            "posts is one)",
            title_justify="left",
        )
        for col in ("id", "名称 name", "单位 units", "民警", "固定岗位", "缺口 short"):
            t.add_column(col, justify="left" if col in ("id", "名称 name") else "right")
        for row in w["hollow"][:LIST_LIMIT]:
            t.add_row(row["id"], row["name"], _num(row["members"]), _num(row["police"]),
                      _num(row["fixed_posts"]), _num(row["shortfall"]))  # fmt: skip
        console.print(t)
        _more(console, w["hollow"])

    m = r["mirror"]
    console.print()
    console.print(
        _kv(
            "上下对口 Mirror index",
            [
                ("对口指数 mirror index", _pct(m["mirror_index"])),
                ("局 bureaus (measured)", f"{_num(m['bureaus'])} ({_num(m['bureaus_measured'])})"),
                ("内设机构 departments", _num(m["departments"])),
                ("每局内设机构 departments per bureau", _num(m["departments_per_bureau"])),
                ("平均规模 mean department size", _num(m["mean_department_size"])),
                ("业务指导 GUIDES edges", _num(m["guides"])),
                ("对口小单位 mirror units", f"{_num(m['mirror_units'])} "
                 f"({_num(m['mirror_unit_police'])} police)"),
            ],
        )
    )  # fmt: skip
    if m["units"]:
        t = Table(
            title="对口小单位 mirror units (function above, police < S)", title_justify="left"
        )
        for col in ("id", "名称 name", "警种", "民警", "S", "所属局 bureau"):
            t.add_column(col)
        for row in m["units"][:LIST_LIMIT]:
            t.add_row(
                row["id"],
                row["name"],
                row["function_name"] or row["function"],
                _num(row["police"]),
                _num(row["efficient_size"]),
                row["bureau"]["name"] if row["bureau"] else "—",
            )
        console.print(t)
        _more(console, m["units"])

    render_shares(r["shares"], console)

    p = r["policy"]
    console.print()
    t = Table(
        title=f"政策指标 Policy checks: {p['passed']} passed, {p['failed']} failed, "
        f"{p['not_evaluated']} not evaluated",
        title_justify="left",
    )
    for col in ("规则 rule", "单位 unit", "值 value", "阈值 threshold", "结果"):
        t.add_column(col)
    for br in p["by_rule"]:
        if br["checks"] > 1:
            t.add_row(
                f"{br['description']} ({br['rule']})",
                f"{br['checks']} 个单位 units",
                "",
                f"{br['comparator']} {br['threshold']:g}",
                f"{br['passed']}/{br['checks']} 达标 pass"
                + (f", {br['not_evaluated']} 未评估" if br["not_evaluated"] else ""),
                style="bold",
            )
    if any(br["checks"] > 1 for br in p["by_rule"]):
        t.add_section()
    for row in p["results"][: LIST_LIMIT * 2]:
        verdict = (
            "[green]✓ pass[/green]"
            if row["passed"]
            else "[red]✗ fail[/red]"
            if row["passed"] is False
            else "— " + (row["note"] or "")
        )
        value = row["value"]
        t.add_row(
            f"{row['description']} ({row['rule']})",
            row["unit_name"] or "—",
            _num(value, 3),
            f"{row['comparator']} {row['threshold']:g}",
            verdict,
        )
    console.print(t)
    if len(p["results"]) > LIST_LIMIT * 2:
        console.print(f"  … and {len(p['results']) - LIST_LIMIT * 2:,} more (see --json)")

    n = r["norms"]
    console.print()
    t = Table(
        title=f"定额 Norms used: {n['source']} (absence {_pct(n['absence_rate'])}, "
        f"narrow < {n['span']['narrow_below']}, wide > {n['span']['wide_above']})",
        title_justify="left",
    )
    for col in ("kind", "L 领导", "A 内勤", "D 值班岗", "k", "S 有效规模", "24/7", "+所内"):
        t.add_column(col, justify="left" if col == "kind" else "right")
    for kind, kn in n["kinds"].items():
        t.add_row(
            f"{KIND_NAMES.get(kind, kind)} ({kind})",
            str(kn["leaders"]),
            str(kn["admin"]),
            str(kn["duty_posts"]),
            str(kn["officers_per_post"]),
            str(kn["efficient_size"]),
            "yes" if kn["duty_roster"] else "no",
            str(kn.get("added_posts", 0)) if kind in ("team", "office") else "",
        )
    console.print(t)


def render_shares(sh: dict[str, Any], console: Console) -> None:
    """Print the frontline shares: the county-level aggregate, all police, each county-level
    bureau (县级公安机关) with 人数."""
    console.print()
    console.print(
        _kv(
            "一线警力 Frontline shares",
            [
                (f"{METRICS['county_level_bureaus'].both}", _num(sh["county_level_bureaus"])),
                *(
                    (METRICS[k].both, _pct(sh[k]))
                    for k in (
                        "station_share",
                        "station_share_all",
                        "community_share",
                        "organ_share",
                    )
                ),
            ],
        )
    )
    if sh["county_level"]:
        t = Table(
            title="县级公安机关 county-level bureaus (each without the county-level bureaus "
            "below it)",
            title_justify="left",
        )
        for col in ("id", "名称 name", "民警", "人数", "派出所民警", "占比 share"):
            t.add_column(col)
        for row in sh["county_level"][:LIST_LIMIT]:
            t.add_row(row["id"], row["name"], _num(row["police"]), _num(row["people"]),
                      _num(row["station_police"]), _pct(row["station_share"]))  # fmt: skip
        console.print(t)
        _more(console, sh["county_level"])
