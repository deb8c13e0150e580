"""A limit on how deeply a JSON or YAML document nests, checked before it is parsed.

An organisation file nests three levels (document → units → unit) and a plan four; a
document nested thousands deep is an attack or an accident, and the parsers meet it with a
``RecursionError`` (PyYAML only after seconds of work). :func:`check_nesting` refuses it first,
in one pass over the brackets and the indentation.
"""

from __future__ import annotations

import re

import numpy as np

from orgmodel.errors import InputError
from orgmodel.i18n import lazy

__all__ = ["MAX_NESTING", "BracketWalk", "NestingError", "check_nesting"]

#: Deepest nesting accepted in an organisation file or a plan (brackets or YAML indentation).
MAX_NESTING = 64

_LB, _RB, _LC, _RC = (ord(c) for c in "[]{}")
#: Every byte but the four brackets, for bytes.translate to drop.
_NOT_BRACKETS = bytes(b for b in range(256) if b not in (_LB, _RB, _LC, _RC))
_INDENT = re.compile(r"^( *)\S", re.MULTILINE)


class NestingError(InputError):
    """A JSON or YAML document nests deeper than :data:`MAX_NESTING`."""


def check_nesting(
    text: str | bytes, source: str, limit: int = MAX_NESTING, *, indentation: bool = True
) -> None:
    """Refuse ``text`` if its brackets or its indentation nest deeper than ``limit``.

    Brackets inside quoted strings count too (the check does not parse): a real document
    is far from the limit either way. A closing bracket with nothing open is ignored. The
    brackets are counted in one vectorised pass (a national organisation file is ~100 MB).

    Parameters
    ----------
    text : str or bytes
        The document (bytes: UTF-8, as read from a file or a request).
    source : str
        Named in the error.
    limit : int
        Deepest nesting allowed.
    indentation : bool
        Count indentation steps too (block YAML nests by indentation). JSON nests only by
        brackets: pass ``False`` for it.

    Raises
    ------
    NestingError
        Naming the source, the depth reached and the limit.

    Examples
    --------
    >>> check_nesting("[[1]]", "x.json", limit=2)
    >>> check_nesting("[[[1]]]", "x.json", limit=2)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    NestingError: x.json: the document nests more than 2 levels deep; ...
    """
    deepest = _bracket_depth(text)
    if deepest <= limit and indentation:
        # Block YAML nests by indentation; any indent step counts as one level.
        s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        indents = sorted({len(m.group(1)) for m in _INDENT.finditer(s)})
        deepest = max(deepest, len(indents) - 1)
    if deepest > limit:
        raise NestingError(
            lazy(
                "{source}: the document nests more than {limit} levels deep; an organisation file or a plan needs a handful",
                source=source,
                limit=limit,
            )
        )


def _bracket_depth(text: str | bytes) -> int:
    """The deepest bracket nesting, a close with nothing open counting as nothing."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    walk = BracketWalk()
    walk.feed(raw)
    return walk.deepest


class BracketWalk:
    """The bracket nesting of a document read in pieces, counted as :func:`check_nesting`
    counts it (brackets inside strings too; a close with nothing open counts as nothing).

    Feed the pieces in order; :attr:`deepest` is the deepest nesting so far.

    Examples
    --------
    >>> w = BracketWalk()
    >>> w.feed(b"]][[{"), w.feed(b"}[["), w.deepest
    (3, 4, 4)
    """

    def __init__(self) -> None:
        #: Open brackets at the end of what was fed.
        self.depth = 0
        #: The deepest nesting reached.
        self.deepest = 0

    def feed(self, piece: bytes | bytearray | memoryview) -> int:
        """Count one more piece of the document; returns :attr:`deepest`.

        The walk that stops at zero is the running sum minus its running minimum below
        zero (the reflected walk), so it needs no Python loop.
        """
        raw = piece.tobytes() if isinstance(piece, memoryview) else piece
        only = np.frombuffer(raw.translate(None, _NOT_BRACKETS), dtype=np.uint8)
        if only.size:
            opens = (only == _LB) | (only == _LC)
            walk = self.depth + np.cumsum(np.where(opens, 1, -1).astype(np.int64))
            floor = np.minimum.accumulate(np.minimum(walk, 0))
            reflected = walk - floor
            self.depth = int(reflected[-1])
            self.deepest = max(self.deepest, int(reflected.max()))
        return self.deepest
