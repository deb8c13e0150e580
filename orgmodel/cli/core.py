"""``orgmodel validate`` and ``orgmodel demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.rule import Rule

from orgmodel.cli import app
from orgmodel.cli.io_cmds import SHEET_HELP, TOTALS_HELP, echo_warnings
from orgmodel.io import load_any, load_org


@app.command()
def validate(
    org: Path = typer.Argument(
        ...,
        help="Organisation: .yaml, .yml, .json, an HR spreadsheet (.csv, .xlsx, .xls) or .graphml.",
    ),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    totals: bool = typer.Option(False, "--totals", help=TOTALS_HELP),
) -> None:
    """Validate an organisation; list every problem found, naming each unit and row."""
    g = load_any(org, sheet=sheet, totals=totals)
    echo_warnings(g)
    typer.echo(f"ok: {g.name or g.id} — {len(g)} units, {g.total_police()} police (民警)")


@app.command()
def demo(
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Start the API and dashboard after the report."
    ),
    store: str = typer.Option(
        None, "--store", help="Store for the server (default: ./data/orgmodel.lbdb)."
    ),
    port: int = typer.Option(8000, "--port", help="Port for the server."),
) -> None:
    """The main job on the seeds: 河西县公安局's metric report, the county before and after
    the 大部门 plan side by side, then the API and dashboard on the embedded store."""
    from orgmodel.cli.metrics_cmd import render_report, render_shares
    from orgmodel.cli.plan_cmds import print_dabumen_demo, print_two_teams_demo
    from orgmodel.metrics import metric_report
    from orgmodel.seeds import seed_path

    con = Console()
    county = load_org(seed_path("orgs", "mirror-county.yaml"))
    con.print(Rule(f"{county.name}: 指标报告 (seeds/orgs/mirror-county.yaml)"))
    render_report(metric_report(county), con)
    con.print(Rule("大部门制改革: seeds/plans/dabumen-county.yaml, 改革前 ↔ 改革后"))
    print_dabumen_demo(con)
    con.print(
        Rule("两队一室: seeds/plans/two-teams-one-office.yaml (派出所连同其队、室为一个编制单元)")
    )
    print_two_teams_demo(con)
    city = load_org(seed_path("orgs", "mirror-city.yaml"))
    con.print(Rule(f"{city.name}: 派出所警力占比 (县级公安机关, seeds/orgs/mirror-city.yaml)"))
    render_shares(metric_report(city, policy=[])["shares"], con)
    if serve:
        from api.server import serve as run
        from api.settings import Settings

        con.print(Rule("HTTP API 与分析看板 (Ctrl-C 停止)"))
        run(
            Settings.from_env(store=store, host="127.0.0.1", port=port, tokens_file=None, seed=True)
        )
