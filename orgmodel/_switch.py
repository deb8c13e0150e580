"""One process-wide switch shared by overlapping callers (threads of the API, a report
inside an edit): the first to enter turns it off, the last to leave restores what it was.
Without the count, two overlapping calls could restore in the wrong order and leave the
switch off. Used by :func:`orgmodel._gc.gc_paused` and :func:`orgmodel._pages.small_pages`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

__all__ = ["counted_switch"]


def counted_switch(
    turn_off: Callable[[], Any], restore: Callable[[Any], None]
) -> Callable[[], AbstractContextManager[None]]:
    """A context manager factory: ``turn_off()`` (returning the previous state) when the first
    caller enters, ``restore(previous)`` when the last one leaves.

    >>> state = {"on": True}
    >>> def off():
    ...     was, state["on"] = state["on"], False
    ...     return was
    >>> paused = counted_switch(off, lambda was: state.update(on=was))
    >>> with paused():
    ...     with paused():
    ...         state["on"]
    ...     state["on"]
    False
    False
    >>> state["on"]
    True
    """
    lock = threading.Lock()
    depth = 0
    was: Any = None

    @contextmanager
    def switched() -> Iterator[None]:
        nonlocal depth, was
        with lock:
            if depth == 0:
                was = turn_off()
            depth += 1
        try:
            yield
        finally:
            with lock:
                depth -= 1
                if depth == 0:
                    restore(was)

    return switched
