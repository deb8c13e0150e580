"""A limit on how deeply a JSON or YAML document nests, checked before it is parsed.

An organisation file nests three levels (document → units → unit) and a plan four; a
document nested thousands deep is an attack or an accident, and the parsers meet it with a
``RecursionError`` (PyYAML only after seconds of work). :func:`check_nesting` refuses it first,
in one pass over the brackets and the indentation.
"""

from __future__ import annotations

import re

from orgmodel.errors import InputError

__all__ = ["MAX_NESTING", "NestingError", "check_nesting"]

#: Deepest nesting accepted in an organisation file or a plan (brackets or YAML indentation).
MAX_NESTING = 64

_BRACKETS = re.compile(r"[\[\]{}]")
_INDENT = re.compile(r"^( *)\S", re.MULTILINE)


class NestingError(InputError):
    """A JSON or YAML document nests deeper than :data:`MAX_NESTING`."""


def check_nesting(text: str, source: str, limit: int = MAX_NESTING) -> None:
    """Refuse ``text`` if its brackets or its indentation nest deeper than ``limit``.

    Brackets inside quoted strings count too (the check does not parse): a real document
    is far from the limit either way.

    Raises
    ------
    NestingError
        Naming the source, the depth reached and the limit.
    """
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif depth:
            depth -= 1
    if deepest <= limit:
        # Block YAML nests by indentation; any indent step counts as one level.
        indents = sorted({len(m.group(1)) for m in _INDENT.finditer(text)})
        deepest = max(deepest, len(indents) - 1)
    if deepest > limit:
        raise NestingError(
            f"{source}: the document nests more than {limit} levels deep; an organisation "
            "file or a plan needs a handful"
        )
