"""Typer's own words that orgmodel's catalogue translates.

Typer calls ``gettext`` with these English texts (their msgids); nothing in orgmodel
calls them, so they are listed here for Babel to extract into orgmodel's catalogue.
:func:`orgmodel.cli._lang.framework_words` points typer's ``gettext`` at that
catalogue while a command runs. A text not listed stays English.
"""

from __future__ import annotations

from orgmodel.i18n import N_

__all__ = ["FRAMEWORK_MSGIDS", "HEADING_MSGID", "RANGE_MSGIDS", "TYPE_MSGIDS"]

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

#: The value placeholders typer writes in help (``--norms <path>``), each as typer writes it:
#: the English text is typer's own, so help in English reads as typer writes it, and the
#: catalogue gives the Chinese (``〈路径〉``). :func:`orgmodel.cli._lang.translate_help` puts
#: them in place per parameter, from the parameter's type; a placeholder not listed here
#: stays as typer writes it (tests/cli/test_help_language.py lists the ones that must not).
TYPE_MSGIDS: tuple[str, ...] = (
    N_("<str>"),
    N_("<path>"),
    N_("<bool>"),
    N_("<int>"),
    N_("<int range>"),
    N_("<float>"),
    N_("<float range>"),
    N_("<list[str]>"),
)

#: A number range after the placeholder (``[x>=0]``), as typer writes it, by which ends it has.
RANGE_MSGIDS: dict[str, str] = {
    "min": N_("x>={min}"),
    "max": N_("x<={max}"),
    "both": N_("{min}<=x<={max}"),
}

#: The heading of a help section without rich (``TYPER_USE_RICH=0``): click writes ``Options:``.
HEADING_MSGID = N_("{heading}:")
