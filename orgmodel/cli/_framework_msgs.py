"""Typer's own words that orgmodel's catalogue translates.

Typer calls ``gettext`` with these English texts (their msgids); nothing in orgmodel
calls them, so they are listed here for Babel to extract into orgmodel's catalogue.
:func:`orgmodel.cli._lang.framework_words` points typer's ``gettext`` at that
catalogue while a command runs. A text not listed stays English.
"""

from __future__ import annotations

from orgmodel.i18n import N_

__all__ = ["FRAMEWORK_MSGIDS"]

FRAMEWORK_MSGIDS: tuple[str, ...] = (
    # typer.core
    N_("Show this message and exit."),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
    N_("Options"),
    N_("Commands"),
    N_("Arguments"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    # typer.rich_utils: help panels and the error box
    N_("(deprecated) "),
    N_("[default: {}]"),
    N_("[env var: {}]"),
    N_("[required]"),
    N_("Error"),
    N_("Aborted."),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
)
