"""``orgmodel metrics``: the metric report of an organisation, as tables or as one JSON object."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from orgmodel.cli import app
from orgmodel.cli._table import Table
from orgmodel.cli.io_cmds import ORG_HELP, ORG_METAVAR, SHEET_HELP, TOTALS_HELP, echo_warnings
from orgmodel.errors import InputError
from orgmodel.i18n import N_, _, get_language
from orgmodel.io import load_any
from orgmodel.io.per_unit import PER_UNIT_SUFFIXES, page_lists, shown_columns, write_per_unit
from orgmodel.labels import format_check, label
from orgmodel.metrics import metric_report
from orgmodel.metrics._util import group_label
from orgmodel.metrics.rows import lazy
from orgmodel.model import kind_label
from orgmodel.norms import load_norms, load_policy

__all__ = ["metrics", "render_report", "render_shares"]


def _lab(metric: str) -> str:
    """A metric's label in the command's language, from the one table (orgmodel.labels)."""
    return label(metric, lang=get_language())


#: Rows shown per unit list in the tables (the count of the rest follows).
LIST_LIMIT = 15
#: Rows per per-unit list in ``--json`` unless ``--limit`` says (0: all): the national
#: organisation's full report is 50 MB.
JSON_LIMIT = 1000


@app.command(
    help=N_(
        "Measure an organisation: span and layers, 警力隐性流失, 上下对口, frontline shares, "
        "policy."
    )
)
def metrics(
    org: Path = typer.Argument(..., metavar=ORG_METAVAR, help=ORG_HELP),
    as_json: bool = typer.Option(
        False,
        "--json",
        help=N_(
            "Print one JSON object (keys org, span, layers, workforce, "
            "mirror, shares, policy, norms) instead of tables."
        ),
    ),
    norms: Path | None = typer.Option(
        None, "--norms", help=N_("Staffing norms file (default: the shipped seeds/norms.yaml).")
    ),
    policy: Path | None = typer.Option(
        None, "--policy", help=N_("Policy rules file (default: the shipped seeds/policy.yaml).")
    ),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    totals: bool = typer.Option(False, "--totals", help=TOTALS_HELP),
    fmt: str = typer.Option(
        "table",
        "--format",
        help=N_(
            "table (default), json, csv (one row per unit, UTF-8 with BOM for Excel) or xlsx "
            "(sheets 主要指标, 单位, 政策检查; needs -o)."
        ),
    ),
    output: Path | None = typer.Option(None, "-o", "--output", help=N_("Write csv/xlsx here.")),
    per_unit: Path | None = typer.Option(
        None,
        "--per-unit",
        help=N_(
            "Also write every unit's measures (one row per unit: span, posts, hollow, "
            "hidden loss, establishment) to FILE.parquet or FILE.csv."
        ),
    ),
    limit: int = typer.Option(
        JSON_LIMIT,
        "--limit",
        min=0,
        help=N_(
            "--json: rows per per-unit list (narrow spans, hollow units, stations, policy "
            "checks); the key 'lists' gives each list's total. 0: every row."
        ),
    ),
    page: int = typer.Option(1, "--page", min=1, help=N_("--json: which page of each list.")),
) -> None:
    if fmt not in ("table", "json", "csv", "xlsx"):
        raise InputError(_("--format: {fmt!r} is none of table, json, csv, xlsx").format(fmt=fmt))
    if fmt == "xlsx" and output is None:
        raise InputError(_("--format xlsx needs -o FILE.xlsx"))
    if per_unit is not None and per_unit.suffix.lower() not in PER_UNIT_SUFFIXES:
        raise InputError(
            _("--per-unit {path}: unknown file type {suffix!r}; use .parquet or .csv").format(
                path=per_unit, suffix=per_unit.suffix
            )
            if per_unit.suffix
            else _("--per-unit {path}: the file name has no suffix; use .parquet or .csv").format(
                path=per_unit
            )
        )
    g = load_any(org, sheet=sheet, totals=totals)
    echo_warnings(g)
    n, rules = load_norms(norms), load_policy(policy)
    report = metric_report(g, norms=n, policy=rules)
    if per_unit is not None:
        from orgmodel.scripting import MetricReport

        write_per_unit(MetricReport(g, report, n).unit_columns(), per_unit)
        typer.echo(_("wrote {path} ({n:,} units)").format(path=per_unit, n=len(g)), err=True)
    if fmt in ("csv", "xlsx"):
        from orgmodel.scripting import MetricReport

        export_metrics(MetricReport(g, report, n), fmt, output)
        return
    if as_json or fmt == "json":
        out, lists = page_lists(report, limit or None, page)
        if any(v["shown"] < v["total"] for v in lists.values()):
            out["lists"] = lists  # what was cut, and how much there is
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    render_report(report, Console())


def export_metrics(r: Any, fmt: str, output: Path | None) -> None:
    """Per-unit metrics as CSV (stdout or ``output``) or an XLSX workbook with the headline,
    the units and the policy checks. Written atomically: an error leaves no partial file."""
    import csv
    import io

    from orgmodel.charts.numbers import PANEL_KEYS, format_value, metric_label
    from orgmodel.io._atomic import atomic_output
    from orgmodel.labels import METRICS, shown_value

    # figures as the product shows them (hidden loss 7.2, not 7.199999999999999)
    shown = shown_columns(r.unit_columns())
    cols = list(shown)
    units = [dict(zip(cols, row, strict=True)) for row in zip(*shown.values(), strict=True)]
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
        typer.echo(
            _("wrote {path} ({units} units)").format(path=output, units=len(units)), err=True
        )
        return
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(["指标", "值", "说明"])
    for k in PANEL_KEYS:
        v = r.headline.get(k)
        if not isinstance(v, int | float) or isinstance(v, bool):
            ws.append([metric_label(k), format_value(k, v), k])
            continue
        # a number Excel can add up (was the text '497'), shown as the tables show it
        ws.append([metric_label(k), round(shown_value(k, v), 6), k])
        ws.cell(ws.max_row, 2).number_format = _excel_format(k)
    wu = wb.create_sheet("单位")
    wu.append(cols)
    for u in units:
        wu.append([u[c] for c in cols])
    for j, c in enumerate(cols, start=1):  # an expected value reads 3.0 beside 3.7, not 3
        if c in METRICS and METRICS[c].expected:
            for (cell,) in wu.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = _excel_format(c)
    wp = wb.create_sheet("政策检查")
    checks = r.report["policy"]["results"]
    pcols = ["rule", "description", "unit_id", "unit_name", "value", "threshold", "passed"]
    wp.append(pcols)
    for c in checks:
        wp.append([c.get(k) for k in pcols])
    assert output is not None
    with atomic_output(output) as tmp:
        wb.save(tmp)
    typer.echo(
        _("wrote {path} ({units} units, {checks} checks)").format(
            path=output, units=len(units), checks=len(checks)
        ),
        err=True,
    )


def _excel_format(key: str) -> str:
    """The XLSX number format that shows a headline figure as ``format_value`` does: a share
    in % with one decimal, an expected value or a mean with one decimal, a head count whole."""
    from orgmodel.labels import FRACTIONAL_COUNTS, METRICS

    m = METRICS.get(key)
    if m is not None and m.unit == "share":
        return "0.0%"
    if (m is not None and m.expected) or key in FRACTIONAL_COUNTS:
        return "#,##0.0"
    return "#,##0"


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


def _rule(row: Mapping[str, Any]) -> str:
    """A policy rule as the table names it: its description (data, as written) and its id,
    in brackets of the language (``…（community-share-xicheng）`` in Chinese)."""
    return _("{description} ({rule})").format(description=row["description"], rule=row["rule"])


def _more(console: Console, rows: Sequence[Any], shown: int = LIST_LIMIT) -> None:
    if len(rows) > shown:
        console.print(
            _(
                "  … and {n:,} more of {total:,} (every unit: --per-unit FILE.csv; "
                "every row: --json --limit 0)"
            ).format(n=len(rows) - shown, total=len(rows))
        )


def _count(v: Any) -> str:
    """A head count, whole (officers are people: never "283.5 民警")."""
    return "—" if v is None else f"{round(v):,}"


def _metric(key: str, v: Any) -> str:
    """A metric's value as the panel shows it: head counts whole, expected values with one
    decimal (orgmodel.charts.numbers.format_value)."""
    from orgmodel.charts.numbers import format_value

    return format_value(key, v)


def _expected(metric: str) -> str:
    """A metric's label, saying when its number is an expected value (期望值)."""
    from orgmodel.labels import METRICS

    m = METRICS.get(metric)
    text = _lab(metric)
    return text + _(" (expected value)") if m is not None and m.expected else text


def render_report(r: dict[str, Any], console: Console) -> None:
    """Print a metric report as readable tables, in the command's language (unit names and
    kinds stay Chinese: they are the names planners use)."""
    o = r["org"]
    console.rule(
        _("{name} ({id})").format(
            name=f"[bold]{o['name'] or o['root']['name']}[/bold]", id=o["id"] or o["root"]["id"]
        )
    )
    kinds = Table(title=_("Organisation"), title_justify="left")
    kind_col = _("kind")
    for col in (kind_col, _("units"), _("police"), _("people")):
        kinds.add_column(col, justify="right" if col != kind_col else "left")
    for k, v in o["by_kind"].items():
        kinds.add_row(
            kind_label(k, v["name"]), _num(v["units"]), _count(v["police"]), _count(v["people"])
        )
    kinds.add_row(
        _("total"), _num(o["units"]), _count(o["police"]), _count(o["people"]), style="bold"
    )
    console.print(kinds)
    console.print(
        _("auxiliaries {auxiliaries} · GUIDES {guides} · DISPATCHES {dispatches}").format(
            auxiliaries=_count(o["auxiliaries"]),
            guides=_num(o["guides"]),
            dispatches=_num(o["dispatches"]),
        )
        + (
            _(" · parent bureau {name}").format(name=o["parent_bureau"]["name"])
            if o["parent_bureau"]
            else ""
        )
    )

    s = r["span"]
    console.print()
    console.print(
        _kv(
            _("Span of control"),
            [
                (_("managing units"), _num(s["managing_units"])),
                (_("mean span"), _num(s["mean_span"])),
                (_("median span"), _num(s["median_span"])),
                (
                    _("max span"),
                    "—"
                    if s["max_span"] is None
                    else f"{s['max_span']['span']} {s['max_span']['name']}",
                ),
                (_("narrow (< {n})").format(n=s["narrow_below"]), _pct(s["narrow_share"])),
                (_("wide (> {n})").format(n=s["wide_above"]), _pct(s["wide_share"])),
                (_("officers per leader post"), _num(s["supervision"]["mean"])),
            ],
        )
    )
    bands = Table(title=_("span bands"), title_justify="left")
    bands.add_column(_("band"))
    bands.add_column(_("units"), justify="right")
    bands.add_column(_("share"), justify="right")
    for b in s["bands"]:
        bands.add_row(b["band"], _num(b["count"]), _pct(b["share"]))
    console.print(bands)
    if lazy(s, "narrow"):
        t = Table(title=_("narrow-span units"), title_justify="left")
        for col in (_("id"), _("name"), _("kind"), _("span")):
            t.add_column(col)
        for row in lazy(s, "narrow")[:LIST_LIMIT]:
            t.add_row(row["id"], row["name"], kind_label(row["kind"]),
                      str(row["span"]))  # fmt: skip
        console.print(t)
        _more(console, lazy(s, "narrow"))

    ly = r["layers"]
    cp = ly["command_path"]
    console.print()
    console.print(
        _kv(
            _("Layers and command paths (扁平化)"),
            [
                (_("layers"), _num(ly["layers"])),
                (_("community posts"), _num(cp["posts"])),
                (_("mean command path"), _num(cp["mean"], 2)),
                (_("longest command path"), _num(cp["max"])),
                (_("via command centre"), _num(cp["via_command_centre"])),
            ],
        )
    )

    w = r["workforce"]
    console.print()
    console.print(
        _kv(
            _("Hidden workforce loss"),
            [
                (_lab("police"), _count(w["police"])),
                (_lab("people"), _count(w["people"])),
                (_lab("establishments"), _("{n} (派出所 with their teams, office and posts: {s})")
                 .format(n=_num(w["establishments"]), s=_num(w["station_establishments"]))),
                (_lab("fixed_posts"), _metric("fixed_posts", w["fixed_posts"])),
                (_lab("overhead"), _("{n} ({share})").format(
                    n=_metric("overhead", w["overhead"]), share=_pct(w["overhead_share"]))),
                (_lab("hollow_units"), _("{n} (short {s})").format(
                    n=_num(w["hollow_units"]), s=_count(w["shortfall"]))),
                (_expected("hidden_loss"), _("{n} ({share})").format(
                    n=_metric("hidden_loss", w["hidden_loss"]), share=_pct(w["hidden_loss_share"]))),
                (_expected("deployable"), _("{n} ({share})").format(
                    n=_metric("deployable", w["deployable"]), share=_pct(w["deployable_share"]))),
            ],
        )
    )  # fmt: skip
    for by in ("level", "category"):
        f = w["funnel"][by]
        t = Table(
            title=(
                _("availability funnel by level (absence {rate}; expected values)")
                if by == "level"
                else _("availability funnel by category (absence {rate}; expected values)")
            ).format(rate=_pct(f["absence_rate"])),
            title_justify="left",
        )
        t.add_column(_("level/category") if by == "level" else _("category"))
        for col in (
            _("police"),
            _("−leaders"),
            _("−admin"),
            _("−duty"),
            _("−absence"),
            _("deployable"),
        ):
            t.add_column(col, justify="right")
        for g in [*f["groups"], f["total"]]:
            t.add_row(
                group_label(g),
                _count(g["police"]),
                _num(g["leaders"]),
                _num(g["admin"]),
                _num(g["duty"]),
                _num(g["absence"]),
                _metric("deployable", g["deployable"]),
                style="bold" if g["key"] == "total" else None,
            )
        console.print(t)
    if lazy(w, "hollow"):
        t = Table(
            title=_(
                "hollow units (per establishment: a 派出所 with its teams, office and posts is one)"
            ),
            title_justify="left",
        )
        left = (_("id"), _("name"))
        for col in (*left, _("units"), _("police"), _("fixed posts"), _("short")):
            t.add_column(col, justify="left" if col in left else "right")
        for row in lazy(w, "hollow")[:LIST_LIMIT]:
            t.add_row(row["id"], row["name"], _num(row["members"]), _count(row["police"]),
                      _metric("fixed_posts", row["fixed_posts"]),
                      _count(row["shortfall"]))  # fmt: skip
        console.print(t)
        _more(console, lazy(w, "hollow"))

    m = r["mirror"]
    console.print()
    console.print(
        _kv(
            _("Mirror index (上下对口)"),
            [
                (_lab("mirror_index"), _pct(m["mirror_index"])),
                (
                    _("bureaus (measured)"),
                    _("{n} ({measured})").format(
                        n=_num(m["bureaus"]), measured=_num(m["bureaus_measured"])
                    ),
                ),
                (_("departments"), _num(m["departments"])),
                (_("departments per bureau"), _num(m["departments_per_bureau"])),
                (_("mean department size"), _num(m["mean_department_size"])),
                (_lab("guides"), _num(m["guides"])),
                (_lab("mirror_units"), _("{n} ({police} police)").format(
                    n=_num(m["mirror_units"]), police=_count(m["mirror_unit_police"]))),
            ],
        )
    )  # fmt: skip
    if lazy(m, "units"):
        t = Table(title=_("mirror units (function above, police < S)"), title_justify="left")
        for col in (_("id"), _("name"), _("function (警种)"), _("police"), "S", _("bureau")):
            t.add_column(col)
        for row in lazy(m, "units")[:LIST_LIMIT]:
            t.add_row(
                row["id"],
                row["name"],
                row["function_name"] or row["function"],
                _count(row["police"]),
                _num(row["efficient_size"]),
                row["bureau"]["name"] if row["bureau"] else "—",
            )
        console.print(t)
        _more(console, lazy(m, "units"))

    render_shares(r["shares"], console)

    p = r["policy"]
    console.print()
    t = Table(
        title=_("Policy checks: {passed} passed, {failed} failed, {not_evaluated} not evaluated")
        .format(passed=p["passed"], failed=p["failed"], not_evaluated=p["not_evaluated"]),
        title_justify="left",
    )  # fmt: skip
    for col in (_("rule"), _("unit"), _("value"), _("threshold"), _("result")):
        t.add_column(col)
    for br in p["by_rule"]:
        if br["checks"] > 1:
            t.add_row(
                _rule(br),
                _("{n} units").format(n=br["checks"]),
                "",
                f"{br['comparator']} {br['threshold']:g}",
                _("{passed}/{checks} pass").format(passed=br["passed"], checks=br["checks"])
                + (
                    _(", {n} not evaluated").format(n=br["not_evaluated"])
                    if br["not_evaluated"]
                    else ""
                ),
                style="bold",
            )
    if any(br["checks"] > 1 for br in p["by_rule"]):
        t.add_section()
    for row in lazy(p, "results")[: LIST_LIMIT * 2]:
        verdict = (
            "[green]✓ " + _("pass") + "[/green]"
            if row["passed"]
            else "[red]✗ " + _("fail") + "[/red]"
            if row["passed"] is False
            else "— " + (row["note"] or "")
        )
        value = row["value"]
        # never '0.616' failing '>= 0.6159': as many decimals as tell them apart
        shown, _t = format_check(row["metric"], value, row["threshold"], plain=True)
        t.add_row(
            _rule(row),
            row["unit_name"] or "—",
            shown if isinstance(value, float) else _num(value, 3),
            f"{row['comparator']} {row['threshold']:g}",
            verdict,
        )
    console.print(t)
    _more(console, lazy(p, "results"), LIST_LIMIT * 2)

    n = r["norms"]
    console.print()
    t = Table(
        title=_("Norms used: {source} (absence {absence}, narrow < {narrow}, wide > {wide})")
        .format(source=n["source"], absence=_pct(n["absence_rate"]),
                narrow=n["span"]["narrow_below"], wide=n["span"]["wide_above"]),
        title_justify="left",
    )  # fmt: skip
    kind_col = _("kind")
    for col in (
        kind_col,
        _("L leaders"),
        _("A admin"),
        _("D duty posts"),
        "k",
        _("S efficient size"),
        "24/7",
        _("+in station"),
    ):
        t.add_column(col, justify="left" if col == kind_col else "right")
    for kind, kn in n["kinds"].items():
        t.add_row(
            kind_label(kind),
            str(kn["leaders"]),
            str(kn["admin"]),
            str(kn["duty_posts"]),
            str(kn["officers_per_post"]),
            str(kn["efficient_size"]),
            _("yes") if kn["duty_roster"] else _("no"),
            str(kn.get("added_posts", 0)) if kind in ("team", "office") else "",
        )
    console.print(t)


def render_shares(sh: dict[str, Any], console: Console) -> None:
    """Print the frontline shares: the county-level aggregate, all police, each county-level
    bureau (县级公安机关) with 人数."""
    console.print()
    console.print(
        _kv(
            _("Frontline shares"),
            [
                (_lab("county_level_bureaus"), _num(sh["county_level_bureaus"])),
                *(
                    (_lab(k), _pct(sh[k]))
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
    if lazy(sh, "county_level"):
        t = Table(
            title=_("county-level bureaus (each without the county-level bureaus below it)"),
            title_justify="left",
        )
        for col in (_("id"), _("name"), _("police"), _("people"), _("station police"), _("share")):
            t.add_column(col)
        for row in lazy(sh, "county_level")[:LIST_LIMIT]:
            t.add_row(row["id"], row["name"], _count(row["police"]), _count(row["people"]),
                      _count(row["station_police"]), _pct(row["station_share"]))  # fmt: skip
        console.print(t)
        _more(console, lazy(sh, "county_level"))
