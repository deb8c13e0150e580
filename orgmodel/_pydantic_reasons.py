"""pydantic's reasons in orgmodel's words and languages: one home for the msgids of the
validation errors a user meets (a plan file's field, a command-line value, a setting).

pydantic writes its reasons in English (``Input should be a valid integer, unable to parse
string as an integer``). :func:`pydantic_reason` turns one error (an item of
``ValidationError.errors()``) into a :class:`~orgmodel.i18n.LazyText` built from the error's
*type* and facts (its input, its ``ctx``), so it reads in the language in force where it is
shown; an error type not listed here keeps pydantic's own (English) text, as a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from orgmodel.i18n import N_, LazyText, get_language, gettext, lazy

__all__ = ["REASONS", "pydantic_reason"]

#: pydantic error types → a msgid; placeholders: ``value`` (the input) and the error's ``ctx``.
REASONS: dict[str, str] = {
    "missing": N_("field missing"),
    "extra_forbidden": N_("unknown field"),
    "int_parsing": N_("{value!r} is not a whole number"),
    "int_type": N_("{value!r} is not a whole number"),
    "int_from_float": N_("{value!r} is not a whole number"),
    "float_parsing": N_("{value!r} is not a number"),
    "float_type": N_("{value!r} is not a number"),
    "finite_number": N_("{value!r} is not a finite number"),
    "bool_parsing": N_("{value!r} is neither true nor false"),
    "bool_type": N_("{value!r} is neither true nor false"),
    "string_type": N_("{value!r} is not text"),
    "list_type": N_("{value!r} is not a list"),
    "dict_type": N_("{value!r} is not a mapping"),
    "model_type": N_("{value!r} is not a mapping"),
    "model_attributes_type": N_("{value!r} is not a mapping"),
    "greater_than_equal": N_("must be at least {ge}, got {value}"),
    "greater_than": N_("must be more than {gt}, got {value}"),
    "less_than_equal": N_("must be at most {le}, got {value}"),
    "less_than": N_("must be less than {lt}, got {value}"),
    "string_too_short": N_("must have at least {min_length} characters, got {value!r}"),
    "string_too_long": N_("must have at most {max_length} characters"),
    "too_short": N_("must have at least {min_length} items, got {actual_length}"),
    "too_long": N_("must have at most {max_length} items, got {actual_length}"),
    "literal_error": N_("{value!r} is none of {expected}"),
    "enum": N_("{value!r} is none of {expected}"),
}
#: A length of 1 at least is "not empty", whatever is measured.
_NOT_EMPTY = N_("must not be empty")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class _Choices(LazyText):
    """pydantic's ``expected`` (``'station' or 'community'``): English as a ``str``, listed in
    the language in force when shown (``'station'、'community'``)."""

    items: list[str]

    def __new__(cls, expected: str) -> _Choices:
        self = str.__new__(cls, expected)
        self.message, self.params = expected, {}
        self.items = _QUOTED.findall(expected)
        return self

    def __str__(self) -> str:
        if len(self.items) < 2 or get_language() == "en":
            return str.__str__(self)
        return gettext(", ").join(self.items)


def pydantic_reason(err: Mapping[str, Any]) -> LazyText | str:
    """Why pydantic refused a value, in the language in force where it is shown.

    Parameters
    ----------
    err : mapping
        One item of ``ValidationError.errors()``: ``type``, ``input``, ``ctx``, ``msg``.

    Returns
    -------
    LazyText or str
        The reason (English as a ``str``, translated by ``str()``); for an error type not in
        :data:`REASONS`, pydantic's ``msg`` (and a validator's own message for
        ``value_error``: orgmodel's validators raise translatable messages).

    Examples
    --------
    >>> from orgmodel.i18n import language
    >>> r = pydantic_reason({"type": "int_parsing", "input": "abc", "msg": "Input should be ..."})
    >>> str.__str__(r)
    "'abc' is not a whole number"
    >>> with language("zh"):
    ...     str(r)
    "'abc' 不是整数"
    """
    kind = str(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        error = ctx["error"]
        arg = error.args[0] if isinstance(error, BaseException) and error.args else None
        return arg if isinstance(arg, LazyText) else str(error)
    msgid = REASONS.get(kind)
    if kind in ("too_short", "string_too_short") and ctx.get("min_length") == 1:
        msgid = _NOT_EMPTY
    if msgid is None:
        return str(err.get("msg", "")).removeprefix("Value error, ")
    facts = {"value": err.get("input"), **ctx}
    if "expected" in facts:
        facts["expected"] = _Choices(str(facts["expected"]))
    try:
        msgid.format(**{k: "" if v is None else v for k, v in facts.items()})
    except (KeyError, IndexError, ValueError):
        return str(err.get("msg", ""))
    return lazy(msgid, **facts)
