"""``orgmodel import`` and ``orgmodel export``: move organisations between file formats.

``import`` reads the spreadsheet an HR office exports (CSV or XLSX) into an organisation file;
``export`` writes an organisation as GraphML (Gephi), CSV, XLSX, YAML or JSON. Output is
written to a temporary file and renamed, so an error leaves nothing behind (and an existing
file untouched).
"""

from __future__ import annotations

from pathlib import Path

import typer

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.i18n import N_, _, join_list
from orgmodel.io._atomic import atomic_output
from orgmodel.io.graphml import write_graphml
from orgmodel.io.orgfile import dump_org
from orgmodel.io.reader import load_any
from orgmodel.io.tabular import csv_leaves_out, export_table
from orgmodel.model import OrgGraph

__all__ = [
    "EXPORT_FORMATS",
    "ORG_HELP",
    "ORG_METAVAR",
    "SHEET_HELP",
    "TOTALS_HELP",
    "echo_warnings",
    "load_any",
    "save_as",
]

#: An organisation file argument in the usage line, in every command (``{ORG}``, ``{组织文件}``).
ORG_METAVAR = N_("ORG")
ORG_HELP = N_(
    "Organisation: .yaml, .yml, .json, an HR spreadsheet (.csv, .xlsx, .xls) or .graphml."
)
SHEET_HELP = N_(
    "Worksheet of a workbook (default: the active one, or the one sheet with a header row)."
)
TOTALS_HELP = N_(
    "民警/辅警 figures are subtree totals (a 派出所's includes its teams and posts): "
    "own = total − sub-units."
)


def echo_warnings(org: OrgGraph) -> None:
    """Print what the reader and the model noticed, one ``warning:`` line each, on stderr."""
    for w in org.warnings:
        typer.echo(_("warning: {message}").format(message=w), err=True)


#: Export formats and the file suffix each one implies.
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "graphml": (".graphml",),
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "yaml": (".yaml", ".yml"),
    "json": (".json",),
}


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        f = fmt.lower()
        if f == "yml":
            f = "yaml"
        if f not in EXPORT_FORMATS:
            raise InputError(
                _("unknown format {fmt!r} (use one of: {choices})").format(
                    fmt=fmt, choices=join_list(EXPORT_FORMATS)
                )
            )
        return f
    suffix = path.suffix.lower()
    for f, suffixes in EXPORT_FORMATS.items():
        if suffix in suffixes:
            return f
    raise InputError(
        _("{path}: cannot tell the format from {suffix!r}; give --format ({choices})").format(
            path=path, suffix=suffix or _("no suffix"), choices=join_list(EXPORT_FORMATS)
        )
    )


def save_as(org: OrgGraph, path: Path, fmt: str) -> None:
    """Write ``org`` to ``path`` in ``fmt``, whole or not at all."""
    if fmt == "graphml":
        write_graphml(org, path)
    elif fmt in ("csv", "xlsx"):
        export_table(org, path, fmt=fmt)
    else:
        text = dump_org(org, fmt)
        with atomic_output(path) as tmp:
            tmp.write_text(text, encoding="utf-8")


def _check_output(output: Path) -> None:
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(
            _("{path}: folder {folder} does not exist").format(path=output, folder=folder)
        )
    if output.is_dir():
        raise InputError(_("{path}: is a folder; give a file name").format(path=output))


@app.command(
    "import",
    help=N_(
        "Import an HR spreadsheet (机构花名册) into an organisation file.\n\n"
        "Columns: id, parent_id, name, kind, function, police, auxiliaries … (docs/format.md, "
        '"From your HR spreadsheet"). Chinese and 用友/金蝶 headers (编号/编码, 上级编号/上级部门, '
        "名称, 类型, 警种, 民警实有 …), title rows, 合计 rows and other columns are handled."
    ),
)
def import_(
    file: Path = typer.Argument(
        ...,
        metavar=N_("SPREADSHEET"),
        help=N_("HR spreadsheet: .csv (UTF-8 or GBK), .xlsx or .xls."),
    ),
    output: Path = typer.Option(
        ..., "-o", "--output", help=N_("Organisation file to write (.yaml, .yml or .json).")
    ),
    org_id: str | None = typer.Option(
        None, "--id", help=N_("Organisation id (default: the spreadsheet's file name).")
    ),
    name: str | None = typer.Option(
        None, "--name", help=N_("Organisation name (default: the root unit's name).")
    ),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    totals: bool = typer.Option(False, "--totals", help=TOTALS_HELP),
) -> None:
    fmt = _format_of(output, None)
    if fmt not in ("yaml", "json"):
        raise InputError(
            _("{path}: import writes an organisation file (.yaml, .yml or .json)").format(
                path=output
            )
        )
    _check_output(output)
    org = load_any(file, id=org_id, name=name, sheet=sheet, totals=totals)
    echo_warnings(org)
    save_as(org, output, fmt)
    typer.echo(
        _("imported {units} units, {police} police (民警) from {file} → {output}").format(
            units=len(org), police=org.total_police(), file=file, output=output
        )
    )


@app.command(
    "export", help=N_("Export an organisation as GraphML (Gephi), CSV, XLSX, YAML or JSON.")
)
def export(
    org_file: Path = typer.Argument(
        ...,
        metavar=ORG_METAVAR,
        help=N_("Organisation (.yaml, .json; also .csv, .xlsx, .graphml)."),
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help=N_("graphml, csv, xlsx, yaml or json (default: from the output's suffix)."),
    ),
    output: Path = typer.Option(..., "-o", "--output", help=N_("File to write.")),
) -> None:
    f = _format_of(output, fmt)
    _check_output(output)
    org = load_any(org_file)
    echo_warnings(org)
    save_as(org, output, f)
    typer.echo(
        _("exported {units} units as {fmt} → {output}").format(units=len(org), fmt=f, output=output)
    )
    if f == "csv" and (lost := csv_leaves_out(org, output)):
        typer.echo(
            _(
                "warning: {path}: a CSV table carries the units, GUIDES and DISPATCHES only; "
                "importing it back loses {what}: export .xlsx (its 'organisation' sheet "
                "keeps them), .yaml or .json instead"
            ).format(path=output, what=_("; ").join(str(x) for _f, x in lost)),
            err=True,
        )
