"""``orgmodel apply`` and ``orgmodel compare``: try a restructuring, or compare two versions.

``apply ORG PLAN`` runs a plan (``docs/plans.md``) on an organisation, writes the scenario
with ``-o`` and prints what changed: units merged, split, moved; where the officers went;
every headline metric before, after and delta. ``compare A B`` prints two organisation files
side by side. ``--json`` prints one JSON object instead of the tables.

:func:`print_comparison` and :func:`print_dabumen_demo` are what ``make demo`` calls to show
the seed county before and after its 大部门 plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.io.orgfile import load_org, write_org
from orgmodel.labels import ACCOUNT_LABELS, CATEGORY_NAMES, METRICS
from orgmodel.metrics import HEADLINE_LABELS, HEADLINE_SHARES
from orgmodel.model import BUREAU_KINDS, KIND_NAMES, OrgGraph
from orgmodel.norms import Norms, load_norms
from orgmodel.restructure import (
    ScenarioResult,
    apply_plan,
    diff_orgs,
    load_plan,
    plan_json_schema,
)

__all__ = ["print_apply", "print_comparison", "print_dabumen_demo", "print_two_teams_demo"]


def _fmt(key: str, v: Any, *, delta: bool = False) -> str:
    if v is None:
        return "—"
    sign = "+" if delta and v > 0 else ""
    if key in HEADLINE_SHARES:
        return f"{sign}{v * 100:.1f}{' pp' if delta else '%'}"
    if isinstance(v, float) and not float(v).is_integer():
        return f"{sign}{v:,.1f}"
    return f"{sign}{int(v):,}"


def _delta_style(key: str, d: Any) -> str:
    if not isinstance(d, int | float) or d == 0:
        return "dim"
    m = METRICS.get(key)
    better = m.direction if m is not None else None
    if better is None:
        return ""
    good = (d > 0) == (better == "higher")
    return "green" if good else "red"


def metrics_table(
    diff: Mapping[str, Any], a_label: str = "改革前", b_label: str = "改革后"
) -> Table:
    """Every headline metric before, after and delta, Chinese labels first."""
    m = diff["metrics"]
    t = Table(title="指标对比 (headline metrics)", title_justify="left")
    t.add_column("指标")
    t.add_column("metric", style="dim")
    t.add_column(a_label, justify="right")
    t.add_column(b_label, justify="right")
    t.add_column("变化", justify="right")
    for k, label in HEADLINE_LABELS.items():
        if k not in m["before"]:
            continue
        d = m["delta"].get(k)
        t.add_row(
            label,
            k,
            _fmt(k, m["before"][k]),
            _fmt(k, m["after"][k]),
            Text(_fmt(k, d, delta=True), style=_delta_style(k, d)),
        )
    return t


def _structure(org: OrgGraph, title: str) -> Panel:
    """The root's direct units (departments one by one, stations summed), with police."""
    sub: dict[str, int] = {}
    for u in reversed(org.order()):
        sub[u] = org.attrs(u)["police"] + sum(sub[c] for c in org.children(u))
    t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    t.add_column("机构")
    t.add_column("民警", justify="right")
    root = org.root
    t.add_row(Text(org.name_of(root), style="bold"), f"{sub[root]:,}")
    grouped: dict[str, list[str]] = {}
    for c in org.children(root):
        kind = org.attrs(c)["kind"]
        if kind in ("department", "command_center"):
            t.add_row(f"  {org.name_of(c)}", f"{sub[c]:,}")
        else:
            grouped.setdefault(kind, []).append(c)
    for kind, units in grouped.items():
        n = sum(sub[c] for c in units)
        label = KIND_NAMES.get(kind, kind) if kind not in BUREAU_KINDS else "下级公安机关"
        t.add_row(Text(f"  {label} ×{len(units)}", style="cyan"), f"{n:,}")
    return Panel(t, title=title, expand=False)


def _units_table(diff: Mapping[str, Any], b: OrgGraph | None, limit: int) -> Table:
    u = diff["units"]
    t = Table(title="机构变化 (units)", title_justify="left")
    t.add_column("变化")
    t.add_column("数量", justify="right")
    t.add_column("例如")
    labels = {
        "merged": "合并 merged",
        "split": "拆分 split",
        "renamed": "更名 renamed",
        "added": "新设 added",
        "removed": "撤销 removed",
        "moved": "调整隶属 moved",
        "changed": "属性变化 changed",
    }
    for key, label in labels.items():
        rows = u[key]
        if key == "merged":
            ex = [f"{r['name']} ← {len(r['from'])}" for r in rows[:limit]]
        elif key == "split":
            ex = [f"{r['name']} → {len(r['into'])}" for r in rows[:limit]]
        elif key == "renamed":
            ex = [f"{r['from']} → {r['name']}" for r in rows[:limit]]
        else:
            ex = [str(r["name"]) for r in rows[:limit]]
        more = f" … (+{len(rows) - limit})" if len(rows) > limit else ""
        t.add_row(label, f"{len(rows):,}", "、".join(ex) + more)
    return t


def _officers_table(diff: Mapping[str, Any], limit: int) -> Table:
    o = diff["officers"]
    t = Table(title="警力流向 (officer flows)", title_justify="left")
    t.add_column("从")
    t.add_column("到")
    t.add_column("民警", justify="right")
    t.add_column("辅警", justify="right")
    for r in o["by_category"]:
        t.add_row(
            CATEGORY_NAMES.get(r["from"], r["from"]),
            CATEGORY_NAMES.get(r["to"], r["to"]),
            f"{r['police']:,}",
            f"{r['auxiliaries']:,}",
        )
    t.add_section()
    flows = o["flows"]
    for r in flows[:limit]:
        t.add_row(
            r["from_name"] or "新招录 (hired)",
            r["to_name"] or "减员 (retired)",
            f"{r['police']:,}",
            f"{r['auxiliaries']:,}",
        )
    if len(flows) > limit:
        t.add_row(f"… {len(flows) - limit:,} more flows", "", "", "")
    lines = []
    for field, name in (("police", "民警"), ("auxiliaries", "辅警")):
        lines.append(
            f"{name} {o[field + '_a']:,} → {o[field + '_b']:,}: "
            + ", ".join(
                f"{ACCOUNT_LABELS[k]} {o[k][field]:,}"
                for k in ("stayed", "moved", "hired", "retired")
            )
        )
    lines.append(f"人数 (民警+辅警) {o['people_a']:,} → {o['people_b']:,} · {o['method_label']}")
    t.caption = "\n".join(lines)
    return t


def _freed_line(diff: Mapping[str, Any]) -> Text:
    f = diff.get("freed")
    if not f:
        return Text("")
    return Text(
        f"释放警力: 固定岗位占用 {_fmt('overhead', f['overhead'], delta=True)}, "
        f"隐性流失 {_fmt('hidden_loss', f['hidden_loss'], delta=True)} "
        "(officers freed from overhead and from hidden loss; before − after)",
        style="bold",
    )


def print_comparison(
    a: OrgGraph,
    b: OrgGraph,
    diff: Mapping[str, Any] | None = None,
    *,
    console: Console | None = None,
    a_label: str = "改革前",
    b_label: str = "改革后",
    limit: int = 12,
) -> dict[str, Any]:
    """Print two organisations side by side: structure, metrics, unit changes, flows.

    Returns the diff (computed with :func:`diff_orgs` when not given).
    """
    con = console or Console()
    d = dict(diff) if diff is not None else diff_orgs(a, b)
    con.print(
        Columns(
            [
                _structure(a, f"{a_label}: {a.name or a.id}"),
                _structure(b, f"{b_label}: {b.name or b.id}"),
            ]
        )
    )
    if d.get("metrics"):
        con.print(metrics_table(d, a_label, b_label))
    con.print(_units_table(d, b, limit))
    con.print(_officers_table(d, limit))
    con.print(_freed_line(d))
    return d


def print_apply(
    result: ScenarioResult, diff: Mapping[str, Any], *, console: Console | None = None
) -> None:
    """Print what a plan did: its steps, hires and retirements, then the comparison."""
    con = console or Console()
    plan = result.plan
    steps = Table(
        title=f"方案: {plan.name} → {result.org.name}", title_justify="left", show_header=True
    )
    steps.add_column("#", justify="right")
    steps.add_column("操作")
    steps.add_column("结果")
    for s in result.steps:
        steps.add_row(str(s.index), s.op_name, s.summary)
    con.print(Group(Text(plan.description, style="dim") if plan.description else Text(""), steps))
    h, r = result.hired, result.retired
    if any(h.values()) or any(r.values()):
        con.print(
            Text(
                f"新招录 hired: 民警 {h['police']}, 辅警 {h['auxiliaries']};  "
                f"减员 retired: 民警 {r['police']}, 辅警 {r['auxiliaries']}",
                style="yellow",
            )
        )
    else:
        con.print(Text("民警、辅警总数不变 (officers conserved)", style="green"))
    if result.dropped_guides or result.dropped_dispatches:
        con.print(
            Text(
                f"条线关系: {len(result.dropped_guides)} GUIDES and "
                f"{len(result.dropped_dispatches)} DISPATCHES edges no longer hold and were "
                "dropped",
                style="dim",
            )
        )
    print_comparison(result.base, result.org, diff, console=con)


def print_dabumen_demo(console: Console | None = None) -> dict[str, Any]:
    """The seed county (河西县公安局) before and after its 大部门 plan, side by side.

    Used by ``make demo``; returns the diff.
    """
    from orgmodel.seeds import seed_path

    base = load_org(seed_path("orgs", "mirror-county.yaml"))
    result = apply_plan(base, load_plan(seed_path("plans", "dabumen-county.yaml")))
    diff = diff_orgs(base, result.org, lineage=result.lineage)
    con = console or Console()
    print_apply(result, diff, console=con)
    return diff


def print_two_teams_demo(console: Console | None = None) -> dict[str, Any]:
    """The seed county before and after 两队一室 (seeds/plans/two-teams-one-office.yaml):
    fixed posts, hollow units and hidden loss, establishments counted once. Returns the diff."""
    from orgmodel.seeds import seed_path

    base = load_org(seed_path("orgs", "mirror-county.yaml"))
    result = apply_plan(base, load_plan(seed_path("plans", "two-teams-one-office.yaml")))
    diff = diff_orgs(base, result.org, lineage=result.lineage)
    m = diff["metrics"]
    t = Table(title=f"方案: {result.plan.name}", title_justify="left")
    t.add_column("指标")
    t.add_column("改革前", justify="right")
    t.add_column("改革后", justify="right")
    for k in ("establishments", "fixed_posts", "hollow_units", "hidden_loss",
              "hidden_loss_share", "community_share"):  # fmt: skip
        t.add_row(METRICS[k].both, _fmt(k, m["before"][k]), _fmt(k, m["after"][k]))
    con = console or Console()
    con.print(t)
    o = diff["officers"]
    con.print(
        f"民警 {o['police_a']:,} → {o['police_b']:,}: "
        + ", ".join(
            f"{ACCOUNT_LABELS[k]} {o[k]['police']:,}"
            for k in ("stayed", "moved", "hired", "retired")
        )
        + f" ({o['method_label']})"
    )
    return diff


def _norms(path: Path | None) -> Norms:
    return load_norms(path) if path is not None else load_norms()


def _load(path: Path) -> OrgGraph:
    from orgmodel.cli.io_cmds import load_any

    return load_any(path)


def _check_out(path: Path) -> None:
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError(f"{path}: the scenario is written as .yaml, .yml or .json")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")


@app.command("apply")
def apply_cmd(
    org: Path = typer.Argument(
        ..., help="Organisation file (.yaml, .json, .csv, .xlsx, .graphml)."
    ),
    plan: Path = typer.Argument(..., help="Plan file (docs/plans.md)."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the scenario organisation here (.yaml or .json)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    norms: Path | None = typer.Option(None, "--norms", help="Staffing norms file."),
) -> None:
    """Apply a restructuring plan: write the scenario, print the diff and the metric deltas.

    The plan is checked whole first; any error applies nothing and writes nothing.
    """
    if output is not None:
        _check_out(output)
    n = _norms(norms)
    base = _load(org)
    result = apply_plan(base, load_plan(plan), norms=n)
    diff = diff_orgs(base, result.org, n, lineage=result.lineage)
    if output is not None:
        write_org(result.org, output)
    if as_json:
        out = {**result.to_dict(), "output": str(output) if output else None, "diff": diff}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    con = Console()
    print_apply(result, diff, console=con)
    if output is not None:
        con.print(f"scenario written to {output}")


plan_app = typer.Typer(
    name="plan", help="Plan files (改革方案): their JSON Schema.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")


@plan_app.command("schema")
def plan_schema_cmd() -> None:
    """Print the JSON Schema of a plan file (generated from the models that validate plans).

    Point an editor at it (e.g. a ``# yaml-language-server: $schema=plan.schema.json`` line)
    to complete and check plan files.
    """
    typer.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))


def _lineage_for(path: Path, a: OrgGraph, b: OrgGraph) -> dict[str, list[str]]:
    """``new id → old ids`` from a lineage map (CSV/YAML/JSON) or from a plan applied to ``a``."""
    from orgmodel.io.lineage import check_lineage, lineage_origins, read_lineage

    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            data = None  # read_lineage names the problem
        if isinstance(data, dict) and "ops" in data:
            result = apply_plan(a, load_plan(path))
            return {
                uid: list(origs)
                for uid, origs in result.lineage.origins.items()
                if uid in b and all(o in a for o in origs)
            }
    lineage = read_lineage(path)
    check_lineage(lineage, a, b, str(path))
    return lineage_origins(lineage)


@app.command("compare")
def compare_cmd(
    a: Path = typer.Argument(..., help="First organisation file (before)."),
    b: Path = typer.Argument(..., help="Second organisation file (after)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    norms: Path | None = typer.Option(None, "--norms", help="Staffing norms file."),
    lineage: Path | None = typer.Option(
        None,
        "--lineage",
        help="Lineage map old id → new id (CSV old,new; YAML/JSON mapping) or the plan that "
        "led from A to B: units are matched through it, not by id alone.",
    ),
) -> None:
    """Compare two organisation files side by side.

    Units are matched by id, or through ``--lineage``. Officer flows between two snapshots
    are estimated (估算) from headcounts: stayed, moved, hired and retired always add up to
    both totals (docs/metrics.md); ``orgmodel apply`` gives exact flows.
    """
    n = _norms(norms)
    oa, ob = _load(a), _load(b)
    origins = _lineage_for(lineage, oa, ob) if lineage is not None else None
    diff = diff_orgs(oa, ob, n, lineage=origins)
    if as_json:
        typer.echo(json.dumps(diff, ensure_ascii=False))
        return
    print_comparison(oa, ob, diff, console=Console(), a_label=a.name, b_label=b.name)
