"""``orgmodel validate`` and ``orgmodel demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.rule import Rule

from orgmodel.cli import app
from orgmodel.cli.io_cmds import ORG_HELP, ORG_METAVAR, SHEET_HELP, TOTALS_HELP, echo_warnings
from orgmodel.i18n import N_, _
from orgmodel.io import load_any, load_org


@app.command(
    help=N_("Validate an organisation; list every problem found, naming each unit and row.")
)
def validate(
    org: Path = typer.Argument(..., metavar=ORG_METAVAR, help=ORG_HELP),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    totals: bool = typer.Option(False, "--totals", help=TOTALS_HELP),
) -> None:
    g = load_any(org, sheet=sheet, totals=totals)
    echo_warnings(g)
    typer.echo(
        _("ok: {name} — {units} units, {police} police (民警)").format(
            name=g.name or g.id, units=len(g), police=g.total_police()
        )
    )


@app.command(
    help=N_(
        "The main job on the seeds: 河西县公安局's metric report, the county before and after "
        "the 大部门 plan side by side, then the API and dashboard on the embedded store."
    )
)
def demo(
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help=N_("Start the API and dashboard after the report.")
    ),
    store: str = typer.Option(
        None, "--store", help=N_("Store for the server (default: ./data/orgmodel.lbdb).")
    ),
    port: int = typer.Option(8000, "--port", help=N_("Port for the server.")),
) -> None:
    from orgmodel.cli.metrics_cmd import render_report, render_shares
    from orgmodel.cli.plan_cmds import print_dabumen_demo, print_two_teams_demo
    from orgmodel.metrics import metric_report
    from orgmodel.seeds import seed_path

    con = Console()
    county = load_org(seed_path("orgs", "mirror-county.yaml"))
    con.print(
        Rule(
            _("{name}: metric report ({file})").format(
                name=county.name, file="seeds/orgs/mirror-county.yaml"
            )
        )
    )
    render_report(metric_report(county), con)
    con.print(
        Rule(
            _("大部门 restructuring: {file}, before ↔ after").format(
                file="seeds/plans/dabumen-county.yaml"
            )
        )
    )
    print_dabumen_demo(con)
    con.print(
        Rule(
            _("两队一室: {file} (a 派出所 with its teams and office is one establishment)").format(
                file="seeds/plans/two-teams-one-office.yaml"
            )
        )
    )
    print_two_teams_demo(con)
    city = load_org(seed_path("orgs", "mirror-city.yaml"))
    con.print(
        Rule(
            _("{name}: station share (county-level bureaus, {file})").format(
                name=city.name, file="seeds/orgs/mirror-city.yaml"
            )
        )
    )
    render_shares(metric_report(city, policy=[])["shares"], con)
    if serve:
        from api.server import serve as run
        from api.settings import Settings

        con.print(Rule(_("HTTP API and analysts' dashboard (Ctrl-C stops)")))
        run(
            Settings.from_env(store=store, host="127.0.0.1", port=port, tokens_file=None, seed=True)
        )
