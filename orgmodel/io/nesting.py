"""A limit on how deeply a JSON or YAML document nests, checked before it is parsed.

An organisation file nests three levels (document → units → unit) and a plan four; a
document nested thousands deep is an attack or an accident, and the parsers meet it with a
``RecursionError`` (PyYAML only after seconds of work). :func:`check_nesting` refuses it first,
in one pass over the brackets and the indentation.

Only structure counts: a bracket inside a string (a unit named ``"[[[[…"``) or a YAML
comment nests nothing. The quick pass counts every bracket; when it finds the limit passed,
the document's structure is counted exactly (JSON: the brackets outside strings; YAML: the
parser's mapping and sequence events), so a name never trips the limit. A JSON text of a few
MiB (a request, a plan) is counted exactly from the start: a ``]`` inside a string could
otherwise hide real depth from the quick pass.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import yaml

from orgmodel.errors import InputError
from orgmodel.i18n import lazy
from orgmodel.io.jsonkeys import unescaped_quotes

__all__ = [
    "EXACT_BYTES",
    "MAX_NESTING",
    "BracketWalk",
    "NestingError",
    "check_nesting",
    "too_deep",
]

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

    Only structure counts: brackets inside strings (and YAML comments) do not. The
    brackets are counted in one vectorised pass (a national organisation file is ~100 MB);
    past the limit, or on a JSON text up to :data:`EXACT_BYTES`, the structure is counted
    exactly (see the module's notes). A closing bracket with nothing open is ignored.
    JSON (``indentation=False``) whose syntax error comes before the level past the limit
    is not refused here: the reader names that error with its line and column.

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
    >>> check_nesting('[["[[[[name"]]', "x.json", limit=2, indentation=False)
    >>> check_nesting("[[[1]]]", "x.json", limit=2)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    NestingError: x.json: the document nests more than 2 levels deep; ...
    """
    if not indentation and len(text) <= EXACT_BYTES:
        deepest, passed = _json_walk(text, limit)
    else:
        deepest, passed = _bracket_depth(text), -1
        if deepest <= limit and indentation:
            # Block YAML nests by indentation; any indent step counts as one level.
            s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            indents = sorted({len(m.group(1)) for m in _INDENT.finditer(s)})
            deepest = max(deepest, len(indents) - 1)
        if deepest > limit:  # brackets in strings, or indented text: count the structure
            if indentation:
                deepest = _yaml_depth(text, limit)
            else:
                deepest, passed = _json_walk(text, limit)
    if deepest > limit and not (passed >= 0 and _json_error_before(text, passed)):
        raise too_deep(source, limit)


def too_deep(source: str, limit: int = MAX_NESTING) -> NestingError:
    """The error of a document nesting deeper than ``limit`` (also for a parser's own
    ``RecursionError`` on one)."""
    return NestingError(
        lazy(
            "{source}: the document nests more than {limit} levels deep; an organisation file or a plan needs a handful",
            source=source,
            limit=limit,
        )
    )


#: JSON texts up to this size are counted exactly from the start (about 2 ms a MiB).
EXACT_BYTES = 8 << 20

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _json_depth(text: str | bytes) -> int:
    """The deepest nesting of a JSON text's brackets outside strings (a close with nothing
    open counting as nothing), a few numpy passes per 4 MiB."""
    return _json_walk(text)[0]


def _json_walk(text: str | bytes, limit: int | None = None) -> tuple[int, int]:
    """:func:`_json_depth`, and the byte offset of the first bracket that opens a level
    past ``limit`` (-1: none, or no limit given)."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    b = np.frombuffer(raw, dtype=np.uint8)
    walk = BracketWalk()
    inside, carried, step, passed = 0, 0, 1 << 22, -1
    for s in range(0, len(b), step):
        part = b[s : s + step]
        quotes, carried = unescaped_quotes(part, carried)
        at = np.flatnonzero((part == _LB) | (part == _RB) | (part == _LC) | (part == _RC))
        outside = at[(np.searchsorted(quotes, at) + inside) % 2 == 0]
        only = part[outside]
        if limit is not None and passed < 0 and only.size:
            levels = _reflected(walk.depth, only)
            over = np.flatnonzero(levels > limit)
            if over.size:
                passed = s + int(outside[over[0]])
        walk.feed(only.tobytes())
        inside = (inside + len(quotes)) % 2
    return walk.deepest, passed


def _json_error_before(text: str | bytes, at: int) -> bool:
    """Whether the JSON text has a syntax error before byte ``at`` (the bracket that nests
    too deep): the text up to there, with a value in place of that bracket's, is refused
    no later than the bracket. Such a text is the reader's to refuse: it names the line
    and column of what is wrong, where "too deep" would point at a later part of the text
    (``{"units": [1]] [[[[…``). Parsing stops at the error, so it never recurses deep."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        head = raw[:at].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return True  # not UTF-8 before the depth: the reader names the byte
    try:
        json.loads(head + "null")  # "null": a value that cannot join a token before it
    except json.JSONDecodeError as e:
        return e.pos <= len(head)
    except RecursionError:
        return False
    return False  # pragma: no cover - the bracket at ``at`` opens a level, never closed here


def _yaml_depth(text: str | bytes, limit: int) -> int:
    """The deepest nesting of a YAML (or JSON) document's mappings and sequences, from the
    parser's events (no document is built), read until it passes ``limit``. A document the
    parser refuses is left to the reader, which names what is wrong."""
    depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, _OPENS):
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > limit:
                        break
            elif isinstance(event, _CLOSES):
                depth -= 1
    except yaml.YAMLError as e:
        if getattr(e, "problem", None) == "exceeded maximum nesting depth":
            # libyaml's scanner stops at 1,000 flow levels before the parser hands out the
            # events of the first 64: deeper than any limit, so refused as too deep
            return max(deepest, limit + 1)
    return deepest


def _bracket_depth(text: str | bytes) -> int:
    """The deepest bracket nesting, a close with nothing open counting as nothing."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    walk = BracketWalk()
    walk.feed(raw)
    return walk.deepest


class BracketWalk:
    """The bracket nesting of a document read in pieces, as :func:`check_nesting`'s quick
    pass counts it (brackets inside strings too: past the limit, the caller counts the
    structure exactly; a close with nothing open counts as nothing).

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
            reflected = _reflected(self.depth, only)
            self.depth = int(reflected[-1])
            self.deepest = max(self.deepest, int(reflected.max()))
        return self.deepest


def _reflected(depth: int, only: np.ndarray) -> np.ndarray:
    """The nesting after each of the brackets ``only`` (bytes), starting at ``depth``: the
    running sum minus its running minimum below zero (the reflected walk), so it needs no
    Python loop."""
    opens = (only == _LB) | (only == _LC)
    walk = depth + np.cumsum(np.where(opens, 1, -1).astype(np.int64))
    floor = np.minimum.accumulate(np.minimum(walk, 0))
    return walk - floor
