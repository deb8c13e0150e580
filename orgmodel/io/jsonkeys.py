"""Keys given twice in one JSON object, found without slowing the readers down.

JSON parsers (``json``, orjson, msgspec) keep the last of two equal keys in an object without
a word, so a unit written ``{"police": 12, …, "police": 21}`` would silently hold 21, and a
second top-level ``"units"`` would replace the first. The YAML reader refuses a repeated key
(:mod:`orgmodel._yaml`); the JSON readers refuse it here, naming the key and the object
(``units[12]``, unit ``'s1'``).

The test costs near nothing on a clean file. In valid JSON a colon outside a string
separates a key from its value, so the colons of the text (:func:`colons`) are at least the
keys written, and the keys written at least the keys the parser kept (:func:`key_count`).
When the colons equal the keys kept, no key was given twice. Only when they differ (a colon
inside a string, or a repeated key) are the colons outside strings counted exactly
(:func:`key_colons`), and only when those still differ is the text parsed again, pair by
pair, to name each repeated key (:func:`repeated_keys`).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from orgmodel.errors import InputError
from orgmodel.i18n import lazy
from orgmodel.model import OrgValidationError, ValidationIssue

__all__ = [
    "check_unique_keys",
    "colons",
    "fast_key_count",
    "find_repeated_keys",
    "json_problem",
    "key_colons",
    "key_count",
    "malformed_json",
    "repeated_keys",
    "unescaped_quotes",
]

_COLON, _QUOTE, _BACKSLASH = 58, 34, 92


def json_problem(e: json.JSONDecodeError) -> str:
    """The decoder's words for what is wrong, without the dangling "at" of
    ``Unterminated string starting at`` and ``Invalid control character at`` (the standard
    library follows it with the position, which the messages give as line and column).

    >>> json_problem(json.JSONDecodeError("Unterminated string starting at", '{"a', 1))
    'Unterminated string'
    """
    return e.msg.removesuffix(" at").removesuffix(" starting")


def malformed_json(source: object, e: json.JSONDecodeError) -> InputError:
    """The error for a JSON text that does not parse, naming the file (``source``), the
    line and the column: the one message every JSON file reader raises."""
    return InputError(
        lazy(
            "{source}: malformed JSON at line {lineno}, column {colno}: {msg}",
            source=source,
            lineno=e.lineno,
            colno=e.colno,
            msg=json_problem(e),
        )
    )


#: Bytes looked at in one numpy pass (bounds the temporary arrays of a large document).
_CHUNK = 1 << 22


def _bytes(raw: str | bytes | bytearray | memoryview) -> Any:
    return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw


def colons(raw: str | bytes | bytearray | memoryview) -> int:
    """Colons in a JSON text, inside strings or not (one numpy pass per 4 MiB)."""
    b = np.frombuffer(_bytes(raw), dtype=np.uint8)
    return sum(int(np.count_nonzero(b[i : i + _CHUNK] == _COLON)) for i in range(0, len(b), _CHUNK))


def key_colons(raw: str | bytes | bytearray | memoryview) -> int:
    """Colons outside strings in a well-formed JSON text: exactly the keys it writes.

    A quote opens or closes a string unless an odd run of backslashes precedes it
    (``\\"`` is text, ``\\\\"`` closes); outside strings JSON has no backslash.
    """
    b = np.frombuffer(_bytes(raw), dtype=np.uint8)
    n, inside, keys, carried = len(b), 0, 0, 0
    for s in range(0, n, _CHUNK):
        part = b[s : s + _CHUNK]
        quotes, carried = unescaped_quotes(part, carried)
        cols = np.flatnonzero(part == _COLON)
        keys += int(np.count_nonzero((np.searchsorted(quotes, cols) + inside) % 2 == 0))
        inside = (inside + len(quotes)) % 2
    return keys


def unescaped_quotes(
    part: np.ndarray, carried: int, backslashes: bool = True
) -> tuple[np.ndarray, int]:
    """Positions of the quotes in ``part`` that no odd run of backslashes precedes (the
    run may begin in the part before, ``carried`` backslashes long), and the backslashes
    ending ``part``. Works over the quotes and the runs of backslashes, not byte by byte.
    ``backslashes=False``: the caller knows ``part`` holds none (no pass looks for them)."""
    quotes = np.flatnonzero(part == _QUOTE)
    slashes = np.flatnonzero(part == _BACKSLASH) if backslashes else quotes[:0]
    if not len(slashes):
        if carried % 2 and len(quotes) and quotes[0] == 0:
            quotes = quotes[1:]
        return quotes, 0
    breaks = np.flatnonzero(np.diff(slashes) != 1)
    starts = slashes[np.concatenate(([0], breaks + 1))]
    ends = slashes[np.concatenate((breaks, [len(slashes) - 1]))] + 1
    lengths = ends - starts
    if starts[0] == 0:
        lengths[0] += carried
    elif carried % 2 and len(quotes) and quotes[0] == 0:
        quotes = quotes[1:]
    left = int(lengths[-1]) if ends[-1] == len(part) else 0
    if len(quotes):
        k = np.minimum(np.searchsorted(ends, quotes), len(ends) - 1)
        quotes = quotes[~((ends[k] == quotes) & (lengths[k] % 2 == 1))]
    return quotes, left


def key_count(value: Any) -> int:
    """Keys of every mapping in parsed JSON (each mapping's keys are distinct)."""
    if type(value) is dict:
        return len(value) + sum(key_count(v) for v in value.values() if type(v) in (dict, list))
    if type(value) is list:
        if value and all(type(v) is dict for v in value):
            n = sum(map(len, value))
            for d in value:  # a value nested in an item (units hold none when well-formed)
                if not all(type(v) not in (dict, list) for v in d.values()):
                    n += sum(key_count(v) for v in d.values() if type(v) in (dict, list))
            return n
        return sum(key_count(v) for v in value if type(v) in (dict, list))
    return 0


def fast_key_count(data: Any) -> int:
    """At most :func:`key_count`, at C speed on an organisation (a list of flat units) or on
    a list of mappings (items' nested mappings not counted: at most the keys)."""
    if type(data) is list and data and set(map(type, data)) == {dict}:
        return sum(map(len, data))
    if type(data) is not dict:
        return key_count(data)
    n = len(data)
    for v in data.values():
        if type(v) is list and v and set(map(type, v)) == {dict}:
            n += sum(map(len, v))  # items' nested mappings not counted: at most the keys
        elif type(v) in (dict, list):
            n += key_count(v)
    return n


class _Pairs(list[tuple[str, Any]]):
    """An object as its key-value pairs, in order, repeated keys kept."""


def repeated_keys(text: str | bytes | bytearray) -> list[ValidationIssue]:
    """Each key given twice in one object of a well-formed JSON text, naming the object as
    the organisation file does: ``units[12]`` (and the unit's id), ``guides[3]``,
    ``parent_bureau``, or the document's top level."""
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8")
    data = json.loads(text, object_pairs_hook=_Pairs)
    found: list[ValidationIssue] = []

    def visit(value: Any, place: str, unit: str | None) -> None:
        if type(value) is _Pairs:
            seen: set[str] = set()
            for k, _v in value:
                if k in seen:
                    found.append(
                        ValidationIssue(
                            lazy(
                                "key {key!r} is given twice in one object: the last value "
                                "would silently win; give it once",
                                key=k,
                            ),
                            unit,
                            place or lazy("the top level"),
                            field=k,
                        )
                    )
                seen.add(k)
            for k, v in value:
                visit(v, f"{place}.{k}" if place else k, unit)
        elif type(value) is list:
            for i, v in enumerate(value):
                uid = unit
                if place == "units" and type(v) is _Pairs:
                    ids = [x for k, x in v if k == "id"]
                    uid = ids[0] if ids and isinstance(ids[0], str) else None
                visit(v, f"{place}[{i}]", uid)

    visit(data, "", None)
    return found


def find_repeated_keys(
    raw: str | bytes | bytearray | memoryview, data: Any
) -> list[ValidationIssue]:
    """Each key a JSON text gives twice in one object (:func:`repeated_keys`), found at near
    no cost when there is none.

    ``data`` is the text as a JSON parser read it (repeated keys collapsed). The one home of
    this check for every JSON reader: organisation files and bodies, plans, lineage maps.

    >>> text = '{"ops": [{"op": "move", "unit": "a", "unit": "b"}]}'
    >>> [(str(i.where), i.field) for i in find_repeated_keys(text, json.loads(text))]
    [('ops[0]', 'unit')]
    """
    fast = fast_key_count(data)
    if colons(raw) == fast:
        return []
    # fast_key_count <= key_count <= key_colons: the exact colons matching the C-speed count
    # settle it without the Python walk (a colon in the description of every generated file).
    written = key_colons(raw)
    if written == fast or written == key_count(data):
        return []
    return repeated_keys(bytes(raw) if isinstance(raw, memoryview) else raw)


def check_unique_keys(
    raw: str | bytes | bytearray | memoryview, data: Any, source: str | None = None
) -> None:
    """Refuse an organisation's JSON text that gives a key twice in one object.

    ``data`` is the text as a JSON parser read it (repeated keys collapsed).

    Raises
    ------
    OrgValidationError
        One problem per repeated key, naming the key and its object (``units[12]``, unit
        ``'s1'``).
    """
    issues = find_repeated_keys(raw, data)
    if issues:
        raise OrgValidationError(issues, source)
