"""Unit ids as every reader stores them, so two exports of the same bureau match.

An id is text. HR spreadsheets change it on the way: Excel and pandas write ``101`` as
``101.0``, IMEs type ``１０１`` or ``ｈｋ`` in full width, cells carry spaces. Every reader
(CSV/XLSX/XLS, the organisation file, GraphML, API uploads) passes ids through
:func:`normalize_id`, so ``101``, ``101.0``, ``１０１`` and `` 101 `` are one unit, this year
and next. An id that Excel turned into ``1.30102E+11`` has lost its digits and is refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from orgmodel.i18n import lazy

__all__ = ["IdError", "normalize_id"]

_INTEGRAL = re.compile(r"[+-]?\d+\.0+")
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
#: Excel keeps 15 significant digits; a longer number in a numeric cell has lost some.
_EXACT = 10**15


class IdError(ValueError):
    """An id that cannot be trusted (its digits were lost on the way)."""


def _plain(text: str) -> bool:
    """An ASCII id that no rule below changes: not blank at either end, not a number."""
    return bool(text) and text[0] not in _NUMERIC_START and text[0] > " " and text[-1] > " "


_NUMERIC_START = frozenset("+-0123456789.")
#: What is stripped around an id (after NFKC, which makes U+3000 and U+00A0 a space).
_BLANKS = " \t\r\n\x0b\x0c"


def normalize_id(value: Any) -> str | None:
    """The canonical text of an id: NFKC (full width → half width), stripped, integral
    floats without ``.0``; ``None`` for an empty cell.

    Raises
    ------
    IdError
        The id is in scientific notation (``1.30102E+11``) or a number too long for Excel to
        have kept exactly: the digits are lost and must come from the source again.

    Examples
    --------
    >>> normalize_id(101.0), normalize_id("101.0"), normalize_id("１０１"), normalize_id(" ｈｋ ")
    ('101', '101', '101', 'hk')
    >>> normalize_id("  ") is None
    True
    >>> normalize_id("1.30102E+11")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    IdError: '1.30102E+11' is a number in scientific notation
    """
    if type(value) is str and value.isascii() and _plain(value):
        return value  # the common case, already canonical: NFKC leaves ASCII as it is
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT:
            return str(int(value))
        if value.is_integer():
            raise IdError(
                lazy(
                    "{value:.6g} is a number of more than 15 digits: Excel has rounded it. Format the id column as text (设置单元格格式 → 文本) and enter the ids again",
                    value=value,
                )
            )
        return repr(value)
    if not isinstance(value, str):
        raise IdError(lazy("must be text or a number, got {value!r}", value=value))
    # Blanks around an id are stripped; not the other characters str.strip() takes for
    # white space (U+0085 next line, U+2028/U+2029 line and paragraph separators, U+001C–
    # U+001F): an id holding one is refused by name (OrgGraph), not silently shortened.
    t = unicodedata.normalize("NFKC", value).strip(_BLANKS)
    if not t:
        return None
    if _INTEGRAL.fullmatch(t):
        return t.split(".", 1)[0]
    if _SCIENTIFIC.fullmatch(t):
        raise IdError(
            lazy(
                "{t!r} is a number in scientific notation: Excel has dropped its digits. Format the id column as text (设置单元格格式 → 文本) in the source and export again",
                t=t,
            )
        )
    return t
