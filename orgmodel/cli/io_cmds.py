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
from orgmodel.io._atomic import atomic_output
from orgmodel.io.graphml import write_graphml
from orgmodel.io.orgfile import dump_org
from orgmodel.io.reader import load_any
from orgmodel.io.tabular import export_table
from orgmodel.model import OrgGraph

__all__ = ["EXPORT_FORMATS", "SHEET_HELP", "TOTALS_HELP", "echo_warnings", "load_any", "save_as"]

SHEET_HELP = (
    "Worksheet of a workbook (default: the active one, or the one sheet with a header row)."
)
TOTALS_HELP = (
    "民警/辅警 figures are subtree totals (a 派出所's includes its teams and posts): "
    "own = total − sub-units."
)


def echo_warnings(org: OrgGraph) -> None:
    """Print what the reader and the model noticed, one ``warning:`` line each, on stderr."""
    for w in org.warnings:
        typer.echo(f"warning: {w}", err=True)


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
            raise InputError(f"unknown format {fmt!r} (use one of: {', '.join(EXPORT_FORMATS)})")
        return f
    suffix = path.suffix.lower()
    for f, suffixes in EXPORT_FORMATS.items():
        if suffix in suffixes:
            return f
    raise InputError(
        f"{path}: cannot tell the format from {suffix or 'no suffix'!r}; "
        f"give --format ({', '.join(EXPORT_FORMATS)})"
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
        raise InputError(f"{output}: folder {folder} does not exist")
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give a file name")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="HR spreadsheet: .csv (UTF-8 or GBK), .xlsx or .xls."),
    output: Path = typer.Option(
        ..., "-o", "--output", help="Organisation file to write (.yaml, .yml or .json)."
    ),
    org_id: str | None = typer.Option(
        None, "--id", help="Organisation id (default: the spreadsheet's file name)."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Organisation name (default: the root unit's name)."
    ),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    totals: bool = typer.Option(False, "--totals", help=TOTALS_HELP),
) -> None:
    """Import an HR spreadsheet (机构花名册) into an organisation file.

    Columns: id, parent_id, name, kind, function, police, auxiliaries … (docs/format.md,
    "From your HR spreadsheet"). Chinese and 用友/金蝶 headers (编号/编码, 上级编号/上级部门,
    名称, 类型, 警种, 民警实有 …), title rows, 合计 rows and other columns are handled.
    """
    fmt = _format_of(output, None)
    if fmt not in ("yaml", "json"):
        raise InputError(f"{output}: import writes an organisation file (.yaml, .yml or .json)")
    _check_output(output)
    org = load_any(file, id=org_id, name=name, sheet=sheet, totals=totals)
    echo_warnings(org)
    save_as(org, output, fmt)
    typer.echo(
        f"imported {len(org)} units, {org.total_police()} police (民警) from {file} → {output}"
    )


@app.command("export")
def export(
    org_file: Path = typer.Argument(
        ..., metavar="ORG", help="Organisation (.yaml, .json; also .csv, .xlsx, .graphml)."
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="graphml, csv, xlsx, yaml or json (default: from the output's suffix).",
    ),
    output: Path = typer.Option(..., "-o", "--output", help="File to write."),
) -> None:
    """Export an organisation as GraphML (Gephi), CSV, XLSX, YAML or JSON."""
    f = _format_of(output, fmt)
    _check_output(output)
    org = load_any(org_file)
    echo_warnings(org)
    save_as(org, output, f)
    typer.echo(f"exported {len(org)} units as {f} → {output}")
