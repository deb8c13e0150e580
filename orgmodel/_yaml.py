"""YAML as orgmodel reads it: safe, fast (libyaml where PyYAML has it), and strict about keys.

PyYAML keeps the last of two equal keys in a mapping without a word, so a unit written with
``police: 12`` and, further down, ``police: 21`` would silently be 21. Every YAML file a user
gives orgmodel (organisations, plans, templates, norms, settings, lineage) is read with
:class:`UniqueKeyLoader`, which refuses a repeated key, naming it and both lines. Merge keys
(``<<: *base``) may still be overridden: that is what they are for.
"""

from __future__ import annotations

from typing import Any

import yaml

from orgmodel._gc import gc_paused
from orgmodel.i18n import lazy

__all__ = ["DuplicateKeyError", "UniqueKeyLoader", "load_yaml"]

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key given twice in one mapping. Shown as its reason alone (it names both lines), in
    the language in force: PyYAML's own words and marks around it would be English."""

    def __str__(self) -> str:
        return str(self.problem)


class UniqueKeyLoader(_BASE):
    """The safe loader (libyaml's where available) refusing duplicate mapping keys.

    Raises
    ------
    DuplicateKeyError
        A ``yaml.constructor.ConstructorError``: ``duplicate key 'police' at line 5 (first
        given at line 3)``, with the marks.

    Examples
    --------
    >>> yaml.load("a: 1\\nb: 2", Loader=UniqueKeyLoader)
    {'a': 1, 'b': 2}
    >>> yaml.load("a: 1\\nb: 2\\na: 3", Loader=UniqueKeyLoader)
    Traceback (most recent call last):
    ...
    orgmodel._yaml.DuplicateKeyError: duplicate key 'a' at line 3 (first given at line 1)...
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], Any] = {}
            # marks: libyaml's and PyYAML's both carry the line
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                    continue
                k = (key_node.tag, key_node.value)
                first = seen.setdefault(k, key_node.start_mark)
                if first is not key_node.start_mark:
                    line = key_node.start_mark.line + 1
                    first_line = getattr(first, "line", -1) + 1
                    raise DuplicateKeyError(
                        "while constructing a mapping",
                        node.start_mark,
                        lazy(
                            "duplicate key {key!r} at line {line} (first given at line "
                            "{first_line}): a key may be given once; the last value would "
                            "silently win",
                            key=key_node.value,
                            line=line,
                            first_line=first_line,
                        ),
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """Parse YAML text with :class:`UniqueKeyLoader`, the garbage collector paused: the node
    tree of a large document is hundreds of thousands of objects, none in a cycle
    (:func:`orgmodel._gc.gc_paused`)."""
    with gc_paused():
        return yaml.load(text, Loader=UniqueKeyLoader)
