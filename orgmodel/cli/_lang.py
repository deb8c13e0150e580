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
afterwards. The click that typer vendors writes its words (``Usage:``, ``No such option``,
``Missing argument``, ``Invalid value``) without gettext, in f-strings: for those,
:func:`usage_error_text` rebuilds the message of a usage error from the exception's own
facts (the option, the parameter, the pydantic error behind a bad value) in the language in
force, and :func:`framework_words` puts it, the ``Usage:`` prefix and the usage line's
``[OPTIONS]`` in place of click's English.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from orgmodel._pydantic_reasons import REASONS, pydantic_reason
from orgmodel.cli._framework_msgs import HEADING_MSGID, RANGE_MSGIDS
from orgmodel.i18n import (
    LANGUAGES,
    N_,
    gettext,
    join_list,
    language_from_env,
    ngettext,
    normalize_language,
)

__all__ = [
    "choose_language",
    "framework_words",
    "split_lang",
    "translate_help",
    "usage_error_text",
]

LANG_OPTION = "--lang"


class LangError(Exception):
    """``--lang`` without a value, or naming a language orgmodel does not speak."""


def _takes_value(param: Any) -> bool:
    """Whether a click option reads the next argument as its value (not a flag, not a
    counter)."""
    return not (getattr(param, "is_flag", False) or getattr(param, "count", False))


def _options(command: Any) -> dict[str, Any]:
    """A click command's options by each name they answer to (``-o``, ``--output``)."""
    out: dict[str, Any] = {}
    for param in getattr(command, "params", ()) or ():
        if getattr(param, "param_type_name", "") != "option":
            continue
        for name in (*param.opts, *param.secondary_opts):
            out[name] = param
    return out


def split_lang(args: Sequence[str], command: Any = None) -> tuple[str | None, list[str]]:
    """``(value of the last --lang, the other arguments)``; arguments after ``--`` are kept.

    With ``command`` (the root click group) the arguments are walked as click will parse
    them: the commands named on the line are followed, and an option that takes a value
    keeps the next argument whatever it reads, so ``--title --lang`` is a title, not the
    language option (``--title=--lang``, ``-o--lang`` likewise).

    Examples
    --------
    >>> split_lang(["metrics", "x.yaml", "--lang", "en", "--json"])
    ('en', ['metrics', 'x.yaml', '--json'])
    >>> split_lang(["--lang=zh", "validate", "--", "--lang"])
    ('zh', ['validate', '--', '--lang'])
    """
    value: str | None = None
    rest: list[str] = []
    options = _options(command)
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
            i += 1
            continue
        rest.append(a)
        i += 1
        if a.startswith("--"):
            param = options.get(a)  # --opt=value carries its value: nothing to skip
        elif a.startswith("-") and len(a) > 1:
            # -o VALUE, or -oVALUE; short flags may be grouped (-vo VALUE)
            param = None
            for k, ch in enumerate(a[1:], start=1):
                param = options.get("-" + ch)
                if param is None or _takes_value(param):
                    if k < len(a) - 1:
                        param = None  # the value is the rest of this argument
                    break
        else:
            param = None
            sub = getattr(command, "commands", None)
            if isinstance(sub, dict) and a in sub:
                command = sub[a]
                options = _options(command)
        if param is not None and _takes_value(param):
            n = max(int(getattr(param, "nargs", 1) or 1), 1)
            rest.extend(args[i : i + n])
            i += n
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
        value=value, choices=join_list(LANGUAGES)
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
    # the usage line's placeholders (click's English defaults)
    for attr, msgid in _METAVARS.items():
        if getattr(cmd, attr, None) == msgid:
            setattr(cmd, attr, gettext(msgid))
    for p in getattr(cmd, "params", ()):
        text = getattr(p, "help", None)
        if isinstance(text, str) and text:
            p.help = gettext(text)
        # an argument's name in the usage line and its panel (``{ORG}``), a msgid
        if isinstance(getattr(p, "metavar", None), str):
            p.metavar = gettext(p.metavar)
        _translate_placeholders(p)
    make_help_option = getattr(cmd, "get_help_option", None)
    if make_help_option is not None:

        def get_help_option(ctx: Any, _make: Any = make_help_option) -> Any:
            opt = _make(ctx)
            if opt is not None and isinstance(opt.help, str):
                opt.help = gettext(opt.help)
                _translate_placeholders(opt)
            return opt

        cmd.get_help_option = get_help_option
    for sub in (getattr(cmd, "commands", None) or {}).values():
        translate_help(sub)


def _translate_placeholders(p: Any) -> None:
    """The value placeholder of one parameter (``<path>``, ``<int range> [x>=0]``) in the
    language in force: the catalogue's words for typer's (:data:`TYPE_MSGIDS`,
    :data:`RANGE_MSGIDS`), put in place on this run's parameter object."""
    show = getattr(p, "display_type", None)
    if callable(show):

        def display_type(ctx: Any, _show: Callable[[Any], str] = show) -> str:
            return gettext(_show(ctx))

        p.display_type = display_type
    has_range = getattr(p, "_get_number_range_help_str", None)
    if callable(has_range):

        def number_range(_has: Callable[[], str | None] = has_range) -> str | None:
            if not _has():
                return None
            lo, hi = getattr(p, "min", None), getattr(p, "max", None)
            if lo is None:
                return gettext(RANGE_MSGIDS["max"]).format(max=hi)
            if hi is None:
                return gettext(RANGE_MSGIDS["min"]).format(min=lo)
            return gettext(RANGE_MSGIDS["both"]).format(min=lo, max=hi)

        p._get_number_range_help_str = number_range


#: The usage line's placeholders that click writes in English (``Usage: orgmodel [OPTIONS]
#: COMMAND [ARGS]...``), by the command attribute that holds them.
_METAVARS = {
    "options_metavar": N_("[OPTIONS]"),
    "subcommand_metavar": N_("COMMAND [ARGS]..."),
}


def _param_hint(e: Any) -> str | None:
    """How click names the parameter of a bad or missing value (``'--limit'``, ``'org'``)."""
    hint = getattr(e, "param_hint", None)
    if hint is None and getattr(e, "param", None) is not None:
        hint = e.param.get_error_hint()
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


#: English messages of click and typer (their f-strings) → orgmodel's msgid with the same
#: named groups.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), msgid)
    for pattern, msgid in (
        (r"Option '(?P<name>.+)' requires an argument\.", N_("option {name} needs a value")),
        (
            r"Option '(?P<name>.+)' requires (?P<n>\d+) arguments\.",
            N_("option {name} needs {n} values"),
        ),
        (r"Option '(?P<name>.+)' does not take a value\.", N_("option {name} takes no value")),
        (
            r"Argument '(?P<name>.+)' takes (?P<n>\d+) values\.",
            N_("argument {name} takes {n} values"),
        ),
        (
            r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
            N_("unexpected extra arguments: {args}"),
        ),
        (r"No such option: (?P<name>.+)", N_("no such option: {name}")),
        (r"(?P<value>'.*') is not one of (?P<choices>.*)\.", N_("{value} is none of {choices}")),
        (
            r"(?P<what>File|Directory|Path) (?P<path>'.*') does not exist\.",
            N_("{path} does not exist"),
        ),
        (r"(?P<what>File|Directory|Path) (?P<path>'.*') is a file\.", N_("{path} is a file")),
        (
            r"(?P<what>File|Directory|Path) (?P<path>'.*') is a directory\.",
            N_("{path} is a folder"),
        ),
        (
            r"(?P<what>File|Directory|Path) (?P<path>'.*') is not readable\.",
            N_("{path} cannot be read"),
        ),
        (
            r"(?P<what>File|Directory|Path) (?P<path>'.*') is not writable\.",
            N_("{path} cannot be written"),
        ),
        (
            r"Value (?P<value>.*) is not a valid (?P<type>\w+)\.",
            N_("{value} is not a valid {type}"),
        ),
    )
)


def _translated(message: str) -> str:
    """One of click's or typer's English messages in the language in force (itself when it is
    none of :data:`_MESSAGES`: a message orgmodel wrote is translated already)."""
    for pattern, msgid in _MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m is not None:
            return gettext(msgid).format(**m.groupdict())
    return message


def _bad_value(e: Any) -> str:
    """Why a value was refused, from the pydantic error behind it where there is one."""
    cause = e.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
        except (IndexError, TypeError):
            first = None
        if first is not None and first.get("type") in REASONS:
            return str(pydantic_reason(first))
        if first is not None:
            return gettext("{value!r} is not valid").format(value=first.get("input"))
    return _translated(str(e.message))


def usage_error_text(e: Any) -> str:
    """The message of one of click's usage errors (``e``) in the language in force.

    Click writes ``No such option: --bogus``, ``Missing argument 'org'.``, ``Invalid value
    for '--limit': Input should be a valid integer ...`` in English f-strings; this builds
    each again from the exception's facts with orgmodel's msgids. A message it does not know
    (one orgmodel or typer wrote through gettext) is returned as the exception gives it.
    """
    kinds = {c.__name__ for c in type(e).__mro__}
    if "MissingParameter" in kinds:
        hint = _param_hint(e)
        kind = str(
            getattr(e, "param_type", None)
            or getattr(getattr(e, "param", None), "param_type_name", "")
        )
        what = {
            "argument": gettext("missing argument {name}"),
            "option": gettext("missing option {name}"),
        }.get(kind, gettext("missing parameter {name}"))
        text = what.format(name=hint or "")
        return (
            gettext("{message}: {reason}").format(message=text, reason=_translated(e.message))
            if e.message
            else text
        )
    if "BadParameter" in kinds:
        hint = _param_hint(e)
        reason = _bad_value(e)
        if hint is None:
            return gettext("invalid value: {reason}").format(reason=reason)
        return gettext("invalid value for {name}: {reason}").format(name=hint, reason=reason)
    if "NoSuchOption" in kinds:
        text = _translated(str(e.message))
        if e.possibilities:
            text = gettext("{message} (did you mean: {options}?)").format(
                message=text, options=join_list(sorted(e.possibilities))
            )
        return text
    if "FileError" in kinds:
        return gettext("cannot open file {name}: {reason}").format(
            name=repr(e.ui_filename), reason=e.message
        )
    return _translated(str(getattr(e, "message", e)))


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
            show = getattr(rich_utils, "rich_format_error", None)
            if show is not None:
                put(rich_utils, "rich_format_error", _translated_error(show))
        try:
            formatting = importlib.import_module("typer._click.formatting")
        except ImportError:  # pragma: no cover - a typer that no longer vendors click
            formatting = None
        if formatting is not None:
            write_usage = formatting.HelpFormatter.write_usage

            def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
                write_usage(self, prog, args, gettext("Usage: ") if prefix is None else prefix)

            put(formatting.HelpFormatter, "write_usage", usage)

            def heading(self: Any, heading: str) -> None:
                # click writes "{heading}:"; the catalogue gives "{heading}："
                self.write(f"{'':>{self.current_indent}}")
                self.write(gettext(HEADING_MSGID).format(heading=heading) + "\n")

            put(formatting.HelpFormatter, "write_heading", heading)
        yield
    finally:
        for obj, name, value in reversed(saved):
            setattr(obj, name, value)


def _translated_error(show: Callable[[Any], None]) -> Callable[[Any], None]:
    """typer's error box (``show``), showing :func:`usage_error_text` for the message."""

    def show_translated(e: Any) -> None:
        text = usage_error_text(e)
        e.format_message = lambda: text  # this exception only, shown once
        show(e)

    return show_translated
