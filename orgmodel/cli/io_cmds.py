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
from orgmodel.io.graphml import read_graphml, write_graphml
from orgmodel.io.orgfile import dump_org, load_org
from orgmodel.io.tabular import TABLE_SUFFIXES, export_table, load_table
from orgmodel.model import OrgGraph

__all__ = ["EXPORT_FORMATS", "load_any", "save_as"]

#: Export formats and the file suffix each one implies.
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "graphml": (".graphml",),
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "yaml": (".yaml", ".yml"),
    "json": (".json",),
}


def load_any(path: Path) -> OrgGraph:
    """An organisation from any file orgmodel reads, by suffix.

    ``.yaml``/``.yml``/``.json`` (the organisation format), ``.csv``/``.xlsx`` (HR spreadsheet)
    or ``.graphml``.
    """
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return load_table(path)
    if suffix == ".graphml":
        return read_graphml(path)
    return load_org(path)


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
    file: Path = typer.Argument(..., help="HR spreadsheet: .csv (UTF-8 or GBK) or .xlsx."),
    output: Path = typer.Option(
        ..., "-o", "--output", help="Organisation file to write (.yaml, .yml or .json)."
    ),
    org_id: str | None = typer.Option(
        None, "--id", help="Organisation id (default: the spreadsheet's file name)."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Organisation name (default: the root unit's name)."
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="Worksheet of an .xlsx workbook (default: the active one)."
    ),
) -> None:
    """Import an HR spreadsheet (机构花名册) into an organisation file.

    Columns: id, parent_id, name, kind, function, police, auxiliaries … (docs/format.md).

    Chinese headers (编号, 上级编号, 名称, 类型, 警种, 民警 …) and kind names work too.
    """
    fmt = _format_of(output, None)
    if fmt not in ("yaml", "json"):
        raise InputError(f"{output}: import writes an organisation file (.yaml, .yml or .json)")
    _check_output(output)
    org = load_table(file, id=org_id, name=name, sheet=sheet)
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
    save_as(org, output, f)
    typer.echo(f"exported {len(org)} units as {f} → {output}")
