"""The command line's language: ``--lang``, the environment, and the words of the frameworks.

``orgmodel`` speaks Chinese unless ``--lang en`` or the environment asks for English
(:func:`orgmodel.i18n.language_from_env`). ``--lang`` may stand anywhere before ``--``; it is
taken out of the arguments before click parses them, so ``orgmodel metrics x.yaml --lang en``
and ``orgmodel --lang en metrics --help`` both work.

Help texts are written as msgids (``help=N_("...")``) and translated when a command runs, on
the click objects typer builds for that run. Typer's own words (``Options``, ``Arguments``,
``[required]``, ``Error``) come from its ``gettext`` calls, which read no catalogue of ours:
for the length of one command, :func:`framework_words` points them at orgmodel's catalogue
(whose entries for them are in :mod:`orgmodel.cli._framework_msgs`), and puts them back
afterwards. The click that typer vendors writes its few words (``Usage:``, ``Missing
argument``) without gettext: those stay English.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from orgmodel.i18n import LANGUAGES, gettext, language_from_env, ngettext, normalize_language

__all__ = ["choose_language", "framework_words", "split_lang", "translate_help"]

LANG_OPTION = "--lang"


class LangError(Exception):
    """``--lang`` without a value, or naming a language orgmodel does not speak."""


def split_lang(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """``(value of the last --lang, the other arguments)``; arguments after ``--`` are kept.

    Examples
    --------
    >>> split_lang(["metrics", "x.yaml", "--lang", "en", "--json"])
    ('en', ['metrics', 'x.yaml', '--json'])
    >>> split_lang(["--lang=zh", "validate", "--", "--lang"])
    ('zh', ['validate', '--', '--lang'])
    """
    value: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest.extend(args[i:])
            break
        if a == LANG_OPTION:
            if i + 1 >= len(args):
                raise LangError(a)
            value = args[i + 1]
            i += 2
            continue
        if a.startswith(LANG_OPTION + "="):
            value = a.split("=", 1)[1]
        else:
            rest.append(a)
        i += 1
    return value, rest


def choose_language(value: str | None) -> str:
    """``--lang``'s value when given, else what the environment asks for, else Chinese."""
    if value is None:
        return language_from_env()
    lang = normalize_language(value)
    if lang is None:
        raise LangError(value)
    return lang


def lang_error_text(value: str) -> str:
    """The message for a bad ``--lang`` (in the environment's language: --lang failed)."""
    if value == LANG_OPTION:
        return gettext("--lang needs a value: zh or en")
    return gettext("--lang: {value!r} is none of {choices}").format(
        value=value, choices=", ".join(LANGUAGES)
    )


def translate_help(cmd: Any) -> None:
    """Translate the help texts of ``cmd``, its parameters and its subcommands, in place.

    The objects are the ones typer builds for one run, so translating them changes nothing
    for the next run. The ``--help`` option itself is made on demand; its text is translated
    when it is made.
    """
    for attr in ("help", "short_help", "epilog"):
        text = getattr(cmd, attr, None)
        if isinstance(text, str) and text:
            setattr(cmd, attr, gettext(text))
    for p in getattr(cmd, "params", ()):
        text = getattr(p, "help", None)
        if isinstance(text, str) and text:
            p.help = gettext(text)
    make_help_option = getattr(cmd, "get_help_option", None)
    if make_help_option is not None:

        def get_help_option(ctx: Any, _make: Any = make_help_option) -> Any:
            opt = _make(ctx)
            if opt is not None and isinstance(opt.help, str):
                opt.help = gettext(opt.help)
            return opt

        cmd.get_help_option = get_help_option
    for sub in (getattr(cmd, "commands", None) or {}).values():
        translate_help(sub)


#: Modules whose ``gettext``/``ngettext`` name the command's words; typer's panel titles.
_GETTEXT_MODULES = ("typer.core",)
_TYPER_WORDS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)


@contextmanager
def framework_words() -> Iterator[None]:
    """Click's and typer's words from orgmodel's catalogue for the length of the block."""
    saved: list[tuple[Any, str, Any]] = []

    def put(obj: Any, name: str, value: Any) -> None:
        saved.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    try:
        for modname in _GETTEXT_MODULES:
            try:
                mod = importlib.import_module(modname)
            except ImportError:  # pragma: no cover - an older click or typer
                continue
            if hasattr(mod, "_"):
                put(mod, "_", gettext)
            if hasattr(mod, "ngettext"):
                put(mod, "ngettext", ngettext)
        try:
            rich_utils = importlib.import_module("typer.rich_utils")
        except ImportError:  # pragma: no cover - typer without rich
            rich_utils = None
        if rich_utils is not None:
            for name in _TYPER_WORDS:
                value = getattr(rich_utils, name, None)
                if isinstance(value, str):
                    put(rich_utils, name, gettext(value))
        yield
    finally:
        for obj, name, value in reversed(saved):
            setattr(obj, name, value)
