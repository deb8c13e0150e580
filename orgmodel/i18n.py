"""Languages: orgmodel's words and messages in 中文 and English, from gettext catalogues.

Messages are written in English in the code (the gettext *msgid*) and translated through the
catalogue ``orgmodel/locale/zh/LC_MESSAGES/orgmodel.po`` (compiled to ``orgmodel.mo``, both
committed and shipped in the package). ``make i18n`` extracts the msgids with Babel, updates
the ``.po`` and compiles the ``.mo``; a test checks that the committed ``.mo`` is the
compilation of the ``.po`` and that every msgid in the code has a Chinese translation.

Which language
--------------
- The **library** (``import orgmodel``) speaks English, the catalogues' source language,
  whatever the environment says: exception messages and :func:`orgmodel.charts.report_html`
  are the same on every machine. Choose another with :func:`set_language` or, for a block,
  ``with language("zh"): ...``. The setting is a :class:`contextvars.ContextVar`, so threads
  and asyncio tasks each keep their own.
- The **command line** (``orgmodel ...``) speaks Chinese by default. ``--lang en`` or an
  English locale in the environment (``LANG=en_US.UTF-8``) makes it speak English, ``--lang
  zh`` forces Chinese. The environment is read as gettext reads it: the first non-empty of
  ``LANGUAGE`` (a ``:``-separated list), ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` decides; a
  value naming neither Chinese nor English (``C``, ``POSIX``, ``fr_FR``) leaves Chinese.

Marking messages
----------------
``_("...")`` translates now; ``N_("...")`` only marks a msgid for extraction (translated
later with ``_``, e.g. CLI help texts, translated when the help is shown); ``lazy("... {x}",
x=...)`` builds a message that is translated and formatted each time it is turned into text,
which is what library exceptions carry (their ``str()`` follows the language in force where
they are shown; as a ``str`` they hold the English text, see :class:`LazyText`). Placeholders use ``str.format`` names, never f-strings: Babel cannot
extract an f-string.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CLI_DEFAULT",
    "DOMAIN",
    "LANGUAGES",
    "LIBRARY_DEFAULT",
    "LIST_SEPARATORS",
    "LOCALE_DIR",
    "N_",
    "JoinedText",
    "LazyText",
    "_",
    "get_language",
    "gettext",
    "join_list",
    "language",
    "language_from_env",
    "lazy",
    "located",
    "ngettext",
    "normalize_language",
    "set_language",
    "translations",
]

#: The gettext domain: ``<LOCALE_DIR>/<lang>/LC_MESSAGES/orgmodel.mo``.
DOMAIN = "orgmodel"
#: Where the catalogues live (inside the package, so an installed wheel has them).
LOCALE_DIR = Path(__file__).parent / "locale"
#: The languages orgmodel speaks: Chinese (the catalogue) and English (the msgids).
LANGUAGES: tuple[str, ...] = ("zh", "en")
#: The library's language, whatever the environment: English, the source language.
LIBRARY_DEFAULT = "en"
#: The command line's language when neither ``--lang`` nor the environment names one.
CLI_DEFAULT = "zh"

_ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[str] = ContextVar("orgmodel_language", default=LIBRARY_DEFAULT)


def normalize_language(value: str | None) -> str | None:
    """``"zh"`` or ``"en"`` for a language or locale name, else ``None``.

    Examples
    --------
    >>> normalize_language("en_US.UTF-8"), normalize_language("zh-Hans"), normalize_language("zh_CN")
    ('en', 'zh', 'zh')
    >>> normalize_language("C.UTF-8") is None, normalize_language("fr_FR") is None
    (True, True)
    """
    if not value:
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    base = code.split("_")[0]
    return base if base in LANGUAGES else None


def language_from_env(environ: Mapping[str, str] | None = None, default: str = CLI_DEFAULT) -> str:
    """The language the environment asks for, read as gettext reads it.

    The first non-empty of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` decides;
    within it (``LANGUAGE`` may list several, ``:``-separated) the first entry naming Chinese
    or English wins; otherwise ``default``.

    Examples
    --------
    >>> language_from_env({"LANG": "en_GB.UTF-8"}), language_from_env({"LANG": "C.UTF-8"})
    ('en', 'zh')
    >>> language_from_env({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"})
    'zh'
    >>> language_from_env({"LANGUAGE": "fr:en", "LANG": "zh_CN.UTF-8"})
    'en'
    """
    env = os.environ if environ is None else environ
    for var in _ENV_VARS:
        value = env.get(var)
        if not value:
            continue
        for part in value.split(":"):
            lang = normalize_language(part)
            if lang is not None:
                return lang
        return default
    return default


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of ``lang`` (English: the msgids themselves).

    Raises
    ------
    ValueError
        ``lang`` is not one of :data:`LANGUAGES`.
    FileNotFoundError
        The compiled catalogue is missing (a broken install; ``make i18n`` compiles it).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (use one of: {', '.join(LANGUAGES)})")
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def get_language() -> str:
    """The language in force here: ``"zh"`` or ``"en"``."""
    return _current.get()


def set_language(lang: str) -> Token[str]:
    """Speak ``lang`` (``"zh"``, ``"en"`` or a locale name such as ``"zh_CN.UTF-8"``) from now on
    in this thread or task. Returns a token for :meth:`contextvars.ContextVar.reset`.

    Raises
    ------
    ValueError
        ``lang`` names neither Chinese nor English.
    """
    code = normalize_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r} (use one of: {', '.join(LANGUAGES)})")
    translations(code)  # a missing catalogue fails here, not in the middle of a message
    return _current.set(code)


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Speak ``lang`` inside a ``with`` block.

    Examples
    --------
    >>> with language("zh"):
    ...     gettext("span bands")
    '幅度分布'
    >>> gettext("span bands")
    'span bands'
    """
    token = set_language(lang)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """``message`` in the language in force."""
    return translations(_current.get()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in force."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (translate later with ``_``)."""
    return message


class LazyText(str):
    """A message whose text is English (the msgid formatted) and which is translated each time
    it is shown.

    As a ``str`` it holds the English text, so comparisons, ``startswith``, hashing, JSON and
    the API see the same words on every machine; ``str()``, ``format()``, f-strings and
    ``print`` show it in the language in force. Library exceptions and validation issues carry
    one, so the same error reads in English from a script and in Chinese from the command
    line. Parameters that are themselves :class:`LazyText` are translated too.
    """

    message: str
    params: dict[str, Any]

    def __new__(cls, message: str, params: Mapping[str, Any]) -> LazyText:
        # the English text: nested messages as their English text too
        raw = {k: str.__str__(v) if isinstance(v, LazyText) else v for k, v in params.items()}
        english = message.format(**raw) if params else message
        self = super().__new__(cls, english)
        self.message = message
        self.params = dict(params)
        return self

    def __str__(self) -> str:
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyText, (self.message, self.params))


def lazy(message: str, /, **params: Any) -> LazyText:
    """A :class:`LazyText`: ``message`` (a msgid with ``{name}`` placeholders) and its values.

    Examples
    --------
    >>> err = ValueError(lazy("{n} units", n=3))
    >>> str(err)
    '3 units'
    >>> with language("zh"):
    ...     str(err)
    '3 个单位'
    """
    return LazyText(message, params)


def located(source: Any, where: Any) -> LazyText:
    """A place inside a file, for the start of a message: the file, then the entry in it.

    The one way a message names an entry of a file (``norms.yaml: kinds.station``): the
    colon after the file name follows the language where the message is shown (``：`` in
    Chinese, like every other colon after a name), and the file is always named.

    Examples
    --------
    >>> place = located("norms.yaml", "kinds.station")
    >>> str(place)
    'norms.yaml: kinds.station'
    >>> with language("zh"):
    ...     str(lazy("{where}: expected a mapping", where=place))
    'norms.yaml：kinds.station：应为映射'
    """
    return lazy("{source}: {where}", source=source, where=where)


#: How items are listed in a message, by the separator's msgid: ``, `` is ``、`` in Chinese,
#: ``; `` is ``；``.
LIST_SEPARATORS: tuple[str, ...] = (N_(", "), N_("; "))


class JoinedText(LazyText):
    """Items listed in a message: English as a ``str`` (``station, county``), listed in the
    language in force where it is shown (``station、county``); items that are
    :class:`LazyText` are translated too. Made by :func:`join_list`."""

    items: list[Any]
    sep: str

    def __new__(cls, items: Iterable[Any], sep: str = ", ") -> JoinedText:
        listed = list(items)
        english = sep.join(str.__str__(x) if isinstance(x, str) else str(x) for x in listed)
        self = str.__new__(cls, english)
        self.message, self.params = english, {}
        self.items, self.sep = listed, sep
        return self

    def __str__(self) -> str:
        return gettext(self.sep).join(str(x) for x in self.items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (JoinedText, (self.items, self.sep))


def join_list(items: Iterable[Any], sep: str = ", ") -> JoinedText:
    """The one way a message lists things: ``a, b`` in English, ``a、b`` in Chinese.

    Use it for every list inside a message, eager (``_("…{x}").format(x=join_list(...))``)
    or lazy (``lazy("…{x}", x=join_list(...))``): the separator follows the language in
    force where the message is shown. ``sep`` is one of :data:`LIST_SEPARATORS` (``", "``,
    or ``"; "`` for items that hold commas themselves).

    Examples
    --------
    >>> kinds = join_list(["station", "county"])
    >>> str(kinds), kinds == "station, county"
    ('station, county', True)
    >>> with language("zh"):
    ...     str(kinds), "known: {k}".format(k=kinds)
    ('station、county', 'known: station、county')
    """
    if sep not in LIST_SEPARATORS:
        raise ValueError(f"list separator {sep!r} is none of {LIST_SEPARATORS!r}")
    return JoinedText(items, sep)
