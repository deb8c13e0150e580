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
from rich.text import Text

from orgmodel._yaml import load_yaml
from orgmodel.cli import app
from orgmodel.cli._table import Table
from orgmodel.cli.io_cmds import ORG_METAVAR
from orgmodel.errors import InputError
from orgmodel.i18n import N_, _, get_language, join_list
from orgmodel.io.orgfile import load_org, write_org
from orgmodel.labels import (
    ACCOUNT_LABELS,
    METRICS,
    category_name,
    format_change,
    format_value,
    shown_delta,
)
from orgmodel.labels import label as metric_label
from orgmodel.metrics import HEADLINE_LABELS
from orgmodel.model import BUREAU_KINDS, OrgGraph, kind_label
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
    """A metric's value as :func:`orgmodel.labels.format_value` shows it (head counts whole,
    expected values and means with one decimal: 279 → 279.0), or (``delta``) its change as
    :func:`orgmodel.labels.format_change` shows it (+, − U+2212; a share's in 个百分点), like
    the report and the dashboard."""
    if v is None:
        return "—"
    return format_change(key, v, short=True) if delta else format_value(key, v)


#: Officer accounting terms (orgmodel.labels.ACCOUNT_LABELS) as msgids of the catalogue.
_ACCOUNTS = {
    "stayed": N_("stayed"),
    "moved": N_("moved"),
    "hired": N_("hired"),
    "retired": N_("retired"),
    "exact": N_("exact, from the plan's lineage"),
    "estimated": N_("estimated, no lineage of officers"),
}


def _account(key: str) -> str:
    return _(_ACCOUNTS[key]) if key in _ACCOUNTS else ACCOUNT_LABELS.get(key, key)


def _method(officers: Mapping[str, Any]) -> str:
    return (
        _account(officers.get("method", ""))
        if officers.get("method")
        else officers.get("method_label", "")
    )


def _label(key: str) -> str:
    """A metric's label in the command's language; expected values say so (期望值)."""
    m = METRICS.get(key)
    text = (
        metric_label(key, lang=get_language()) if m is not None else HEADLINE_LABELS.get(key, key)
    )
    return text + _(" (expected value)") if m is not None and m.expected else text


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
    diff: Mapping[str, Any], a_label: str | None = None, b_label: str | None = None
) -> Table:
    """Every headline metric before, after and delta, in the command's language; the change is
    green when better and red when worse by the metric's direction (orgmodel.labels)."""
    m = diff["metrics"]
    t = Table(
        title=_("headline metrics (green: better, red: worse, by each metric's direction)"),
        title_justify="left",
    )
    t.add_column(_("metric"))
    t.add_column(_("id"), style="dim")
    t.add_column(a_label or _("before"), justify="right")
    t.add_column(b_label or _("after"), justify="right")
    t.add_column(_("change"), justify="right")
    for k in HEADLINE_LABELS:
        if k not in m["before"]:
            continue
        # the change between the figures as shown (139.5 → 98.5 is −41.0, not the exact −40.9)
        d = shown_delta(k, m["before"][k], m["after"][k])
        t.add_row(
            _label(k),
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
    t.add_column(_("unit"))
    t.add_column(_("police"), justify="right")
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
        label = kind_label(kind) if kind not in BUREAU_KINDS else _("lower bureaus")
        t.add_row(Text(f"  {label} ×{len(units)}", style="cyan"), f"{n:,}")
    return Panel(t, title=title, expand=False)


def _units_table(diff: Mapping[str, Any], a: OrgGraph, limit: int) -> Table:
    u = diff["units"]
    t = Table(title=_("unit changes"), title_justify="left")
    t.add_column(_("change"))
    t.add_column(_("count"), justify="right")
    t.add_column(_("for example"))
    labels = {
        "merged": _("merged"),
        "split": _("split"),
        "renamed": _("renamed"),
        "added": _("added"),
        "removed": _("removed"),
        "moved": _("moved"),
        "changed": _("changed"),
    }
    for key, label in labels.items():
        rows = u[key]
        if key == "merged":
            ex = [f"{r['name']} ← {len(r['from'])}" for r in rows[:limit]]
        elif key == "split":
            ex = [f"{r['name']} → {len(r['into'])}" for r in rows[:limit]]
        elif key == "renamed":
            # the old unit by its name, as every other row (the old id when it has none)
            ex = [f"{a.name_of(r['from']) or r['from']} → {r['name']}" for r in rows[:limit]]
        else:
            ex = [str(r["name"]) for r in rows[:limit]]
        more = f" … (+{len(rows) - limit})" if len(rows) > limit else ""
        t.add_row(label, f"{len(rows):,}", str(join_list(ex)) + more)
    return t


def _officers_table(diff: Mapping[str, Any], limit: int) -> Table:
    o = diff["officers"]
    t = Table(title=_("officer flows"), title_justify="left")
    t.add_column(_("from"))
    t.add_column(_("to"))
    t.add_column(_("police"), justify="right")
    t.add_column(_("auxiliaries"), justify="right")
    for r in o["by_category"]:
        t.add_row(
            category_name(r["from"]),
            category_name(r["to"]),
            f"{r['police']:,}",
            f"{r['auxiliaries']:,}",
        )
    t.add_section()
    flows = o["flows"]
    for r in flows[:limit]:
        t.add_row(
            r["from_name"] or _("hired"),
            r["to_name"] or _("retired"),
            f"{r['police']:,}",
            f"{r['auxiliaries']:,}",
        )
    if len(flows) > limit:
        t.add_row(_("… {n:,} more flows").format(n=len(flows) - limit), "", "", "")
    lines = []
    for field, name in (("police", _("police")), ("auxiliaries", _("auxiliaries"))):
        lines.append(_accounts_line(name, o, field))
    lines.append(
        _("people (police + auxiliaries) {a:,} → {b:,} · {method}").format(
            a=o["people_a"], b=o["people_b"], method=_method(o)
        )
    )
    t.caption = "\n".join(lines)
    return t


def _accounts_line(name: str, o: Mapping[str, Any], field: str) -> str:
    """``police 497 → 497: stayed 257, moved 240, hired 0, retired 0`` (``民警 497 → 497：留任
    257、…`` in Chinese): one field's officer accounting."""
    return _("{name} {a:,} → {b:,}: {accounts}").format(
        name=name,
        a=o[field + "_a"],
        b=o[field + "_b"],
        accounts=join_list(
            f"{_account(k)} {o[k][field]:,}" for k in ("stayed", "moved", "hired", "retired")
        ),
    )


def _freed_line(diff: Mapping[str, Any]) -> Text:
    f = diff.get("freed")
    if not f:
        return Text("")
    return Text(
        _(
            "officers freed: from overhead {overhead}, from hidden loss {hidden_loss} "
            "(expected value; before − after)"
        ).format(
            overhead=_fmt("overhead", f["overhead"], delta=True),
            hidden_loss=_fmt("hidden_loss", f["hidden_loss"], delta=True),
        ),
        style="bold",
    )


def print_comparison(
    a: OrgGraph,
    b: OrgGraph,
    diff: Mapping[str, Any] | None = None,
    *,
    console: Console | None = None,
    a_label: str | None = None,
    b_label: str | None = None,
    limit: int = 12,
) -> dict[str, Any]:
    """Print two organisations side by side: structure, metrics, unit changes, flows.

    Returns the diff (computed with :func:`diff_orgs` when not given).
    """
    con = console or Console()
    a_label = a_label or _("before")
    b_label = b_label or _("after")
    d = dict(diff) if diff is not None else diff_orgs(a, b)
    con.print(
        Columns(
            [
                _structure(a, _("{label}: {name}").format(label=a_label, name=a.name or a.id)),
                _structure(b, _("{label}: {name}").format(label=b_label, name=b.name or b.id)),
            ]
        )
    )
    if d.get("metrics"):
        con.print(metrics_table(d, a_label, b_label))
    con.print(_units_table(d, a, limit))
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
        title=_("plan: {plan} → {org}").format(plan=plan.name, org=result.org.name),
        title_justify="left",
        show_header=True,
    )
    steps.add_column("#", justify="right")
    steps.add_column(_("operation"))
    steps.add_column(_("result"))
    for s in result.steps:
        steps.add_row(str(s.index), s.op_name, s.summary)
    con.print(Group(Text(plan.description, style="dim") if plan.description else Text(""), steps))
    h, r = result.hired, result.retired
    if any(h.values()) or any(r.values()):
        con.print(
            Text(
                _(
                    "hired: police {hp}, auxiliaries {ha};  retired: police {rp}, auxiliaries {ra}"
                ).format(hp=h["police"], ha=h["auxiliaries"], rp=r["police"], ra=r["auxiliaries"]),
                style="yellow",
            )
        )
    else:
        con.print(
            Text(_("officers conserved: police and auxiliaries totals unchanged"), style="green")
        )
    if result.dropped_guides or result.dropped_dispatches:
        con.print(
            Text(
                _(
                    "line relations (条线): {guides} GUIDES and {dispatches} DISPATCHES edges no "
                    "longer hold and were dropped"
                ).format(
                    guides=len(result.dropped_guides), dispatches=len(result.dropped_dispatches)
                ),
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
    t = Table(title=_("plan: {plan}").format(plan=result.plan.name), title_justify="left")
    t.add_column(_("metric"))
    t.add_column(_("before"), justify="right")
    t.add_column(_("after"), justify="right")
    for k in ("establishments", "fixed_posts", "hollow_units", "hidden_loss",
              "hidden_loss_share", "community_share"):  # fmt: skip
        t.add_row(_label(k), _fmt(k, m["before"][k]), _fmt(k, m["after"][k]))
    con = console or Console()
    con.print(t)
    o = diff["officers"]
    con.print(
        _("{accounts} ({method})").format(
            accounts=_accounts_line(_("police"), o, "police"), method=_method(o)
        )
    )
    return diff


def _norms(path: Path | None) -> Norms:
    return load_norms(path) if path is not None else load_norms()


def _load(path: Path) -> OrgGraph:
    from orgmodel.cli.io_cmds import load_any

    return load_any(path)


def _check_out(path: Path) -> None:
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError(
            _("{path}: the scenario is written as .yaml, .yml or .json").format(path=path)
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(
            _("{path}: folder {folder} does not exist").format(path=path, folder=folder)
        )


@app.command(
    "apply",
    help=N_(
        "Apply a restructuring plan: write the scenario, print the diff and the metric deltas."
        "\n\nThe plan is checked whole first; any error applies nothing and writes nothing."
    ),
)
def apply_cmd(
    org: Path = typer.Argument(
        ...,
        metavar=ORG_METAVAR,
        help=N_("Organisation file (.yaml, .json, .csv, .xlsx, .graphml)."),
    ),
    plan: Path = typer.Argument(..., metavar=N_("PLAN"), help=N_("Plan file (docs/plans.md).")),
    output: Path | None = typer.Option(
        None, "-o", "--output", help=N_("Write the scenario organisation here (.yaml or .json).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print one JSON object.")),
    norms: Path | None = typer.Option(None, "--norms", help=N_("Staffing norms file.")),
) -> None:
    if output is not None:
        _check_out(output)
    n = _norms(norms)
    base = _load(org)
    result = apply_plan(base, load_plan(plan), norms=n)
    diff = diff_orgs(base, result.org, norms=n, lineage=result.lineage)
    if output is not None:
        write_org(result.org, output)
    if as_json:
        out = {**result.to_dict(), "output": str(output) if output else None, "diff": diff}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    con = Console()
    print_apply(result, diff, console=con)
    if output is not None:
        con.print(_("scenario written to {path}").format(path=output))


plan_app = typer.Typer(
    name="plan", help=N_("Plan files (改革方案): their JSON Schema."), no_args_is_help=True
)
app.add_typer(plan_app, name="plan")


@plan_app.command(
    "schema",
    help=N_(
        "Print the JSON Schema of a plan file (generated from the models that validate plans)."
        "\n\nPoint an editor at it (e.g. a # yaml-language-server: $schema=plan.schema.json "
        "line) to complete and check plan files."
    ),
)
def plan_schema_cmd() -> None:
    typer.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))


def _lineage_for(path: Path, a: OrgGraph, b: OrgGraph) -> dict[str, list[str]]:
    """``new id → old ids`` from a lineage map (CSV/YAML/JSON) or from a plan applied to ``a``."""
    from orgmodel.io.lineage import check_lineage, lineage_origins, read_lineage

    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        import yaml

        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
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


@app.command(
    "compare",
    help=N_(
        "Compare two organisation files side by side.\n\n"
        "Units are matched by id, or through --lineage. Officer flows between two snapshots "
        "are estimated (估算) from headcounts: stayed, moved, hired and retired always add up "
        "to both totals (docs/metrics.md); orgmodel apply gives exact flows."
    ),
)
def compare_cmd(
    a: Path = typer.Argument(
        ..., metavar=N_("ORG_A"), help=N_("First organisation file (before).")
    ),
    b: Path = typer.Argument(
        ..., metavar=N_("ORG_B"), help=N_("Second organisation file (after).")
    ),
    as_json: bool = typer.Option(False, "--json", help=N_("Print one JSON object.")),
    norms: Path | None = typer.Option(None, "--norms", help=N_("Staffing norms file.")),
    lineage: Path | None = typer.Option(
        None,
        "--lineage",
        help=N_(
            "Lineage map old id → new id (CSV old,new; YAML/JSON mapping) or the plan that "
            "led from A to B: units are matched through it, not by id alone."
        ),
    ),
) -> None:
    n = _norms(norms)
    oa, ob = _load(a), _load(b)
    origins = _lineage_for(lineage, oa, ob) if lineage is not None else None
    diff = diff_orgs(oa, ob, norms=n, lineage=origins)
    if as_json:
        typer.echo(json.dumps(diff, ensure_ascii=False))
        return
    print_comparison(oa, ob, diff, console=Console(), a_label=a.name, b_label=b.name)
