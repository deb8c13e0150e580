"""The ``orgmodel`` command line.

Each command group lives in its own module and registers itself on :data:`app`. Errors a user
can cause (:class:`~orgmodel.errors.OrgmodelError`, :class:`~orgmodel.model.OrgValidationError`)
are printed as one clear message on stderr with exit code 1, never as a traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from orgmodel.errors import OrgmodelError
from orgmodel.model import OrgValidationError

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """The root command group: shows orgmodel's own errors as ``error: …``, exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (OrgmodelError, OrgValidationError) as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="orgmodel",
    help="公安机关组织模型: model public-security organisations as graphs; measure span of "
    "control, 警力隐性流失 and 上下对口; try 大部门 restructurings before doing them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """公安机关组织模型 — organisations as graphs, metrics and what-if restructurings."""


# Command modules, each registering its commands on `app` when imported.
_COMMAND_MODULES = (
    "orgmodel.cli.core",
    "orgmodel.cli.metrics_cmd",
    "orgmodel.cli.io_cmds",
    "orgmodel.cli.generate_cmd",
    "orgmodel.cli.plan_cmds",
    "orgmodel.cli.db_cmds",
    "orgmodel.cli.serve_cmd",
    "orgmodel.cli.report_cmd",
)
for _name in _COMMAND_MODULES:
    importlib.import_module(_name)


def main() -> None:
    """Entry point of the ``orgmodel`` console script."""
    app()
