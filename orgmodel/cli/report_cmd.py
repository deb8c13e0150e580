"""``orgmodel report``: one offline HTML file with every relevant chart.

``report ORG`` shows one organisation; ``--compare ORG2`` puts a second one beside it;
``--plan PLAN`` applies a restructuring plan and shows before and after with the officer
flows. plotly.js is embedded, so the file opens without a network or a server.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from orgmodel.charts.report import report_html
from orgmodel.cli import app
from orgmodel.cli.io_cmds import ORG_METAVAR
from orgmodel.errors import InputError
from orgmodel.focus import subtree
from orgmodel.i18n import N_, _, get_language
from orgmodel.io import load_org
from orgmodel.io._atomic import atomic_output
from orgmodel.norms import load_norms
from orgmodel.restructure import (
    apply_plan,
    diff_orgs,
    load_plan,
    subtree_after,
    subtree_before,
)


@app.command(
    help=N_(
        "Write an offline HTML report (图表报告) of an organisation, a comparison or a plan, "
        "in the command's language (--lang)."
    )
)
def report(
    org: Path = typer.Argument(
        ..., metavar=ORG_METAVAR, help=N_("Organisation file (.yaml, .yml, .json).")
    ),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help=N_("HTML file.")),
    compare: Path | None = typer.Option(
        None, "--compare", help=N_("A second organisation file, shown side by side.")
    ),
    plan: Path | None = typer.Option(
        None, "--plan", help=N_("A restructuring plan: show before, after and officer flows.")
    ),
    norms: Path | None = typer.Option(None, "--norms", help=N_("Staffing norms file.")),
    title: str | None = typer.Option(None, "--title", help=N_("Page title.")),
    root: str | None = typer.Option(
        None,
        "--root",
        help=N_(
            "Unit id: report on that unit and the units under it only (every chart and "
            "number re-rooted; find ids with the dashboard's search, or in the id column of "
            "`orgmodel export ORG -o units.csv`)."
        ),
    ),
) -> None:
    if compare is not None and plan is not None:
        raise InputError(_("give either --compare or --plan, not both"))
    n = load_norms(norms)
    whole = load_org(org)
    result = apply_plan(whole, load_plan(plan), norms=n) if plan is not None else None
    if root is None:
        base = whole
    elif result is not None:  # a unit the plan created: said so, not "no unit"
        base = subtree_before(whole, result.org, root, result.lineage)
    else:
        base = subtree(whole, root)
    sources = [str(org)] + (
        [_("scope: {name} ({id})").format(name=base.name, id=root)] if root is not None else []
    )
    if plan is not None:
        assert result is not None
        if root is None:
            diff = diff_orgs(base, result.org, norms=n, lineage=result.lineage)
        else:
            # the plan runs on the whole organisation; the report shows the chosen part, whose
            # flows are estimated (the plan's lineage names units outside it)
            after = subtree_after(whole, result.org, root, result.lineage)
            result = replace(result, base=base, org=after)
            diff = diff_orgs(base, after, norms=n, lineage=result.lineage.within(base, after))
        page = report_html(base, norms=n, scenario=result, diff=diff, title=title,
                           sources=[*sources, str(plan)], lang=get_language(),
                           scope=None if root is None else base.name or root)  # fmt: skip
    elif compare is not None:
        other = load_org(compare)
        other = other if root is None else subtree(other, root)
        page = report_html(base, norms=n, compare=other, title=title,
                           sources=[*sources, str(compare)], lang=get_language())  # fmt: skip
    else:
        page = report_html(base, norms=n, title=title, sources=sources, lang=get_language())
    with atomic_output(output) as tmp:
        tmp.write_text(page, encoding="utf-8")
    typer.echo(_("wrote {path} ({size:.1f} MB)").format(path=output, size=len(page.encode()) / 1e6))
