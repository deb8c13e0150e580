"""The ``orgmodel`` command line.

Each command group lives in its own module and registers itself on :data:`app`. Errors a user
can cause (:class:`~orgmodel.errors.OrgmodelError`, :class:`~orgmodel.model.OrgValidationError`)
are printed as one clear message on stderr with exit code 1, never as a traceback.

The command line speaks Chinese unless ``--lang en`` or an English locale in the environment
asks for English (:mod:`orgmodel.cli._lang`, :mod:`orgmodel.i18n`); help texts are msgids
(``N_``), translated when a command runs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from orgmodel.cli._lang import (
    LangError,
    choose_language,
    framework_words,
    lang_error_text,
    split_lang,
    translate_help,
)
from orgmodel.errors import OrgmodelError
from orgmodel.i18n import N_, _, language, language_from_env
from orgmodel.model import OrgValidationError

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """The root command group: picks the language, shows orgmodel's own errors as
    ``error: …`` (``错误：…``), exit code 1."""

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            value, rest = split_lang(argv, self)
            lang = choose_language(value)
        except LangError as e:
            with language(language_from_env()):
                typer.echo(_("error: {message}").format(message=lang_error_text(str(e))), err=True)
            sys.exit(2)
        with language(lang), framework_words():
            translate_help(self)
            return super().main(rest, *a, **kw)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (OrgmodelError, OrgValidationError) as e:
            typer.echo(_("error: {message}").format(message=e), err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="orgmodel",
    help=N_(
        "Public-security organisation model (公安机关组织模型): organisations as graphs; span "
        "of control, hidden workforce loss (警力隐性流失) and mirroring (上下对口); try "
        "大部门 restructurings before doing them.\n\n"
        "Speaks Chinese by default; --lang en (anywhere on the line) or LANG=en_US.UTF-8 "
        "for English, --lang zh for Chinese."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    lang: str | None = typer.Option(
        None,
        "--lang",
        help=N_(
            "Language: zh (中文, the default) or en; else LANGUAGE, LC_ALL, LC_MESSAGES, LANG."
        ),
    ),
) -> None:
    # --lang is read (and taken out of the arguments) by _Group.main; listed here for --help.
    del lang


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
