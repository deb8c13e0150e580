"""The cyclic garbage collector paused while large acyclic structures are built.

CPython starts a collection every few hundred container objects allocated, and a *full*
collection each time the objects alive have grown by a quarter. Reading a plan of 10,000
operations builds about 270,000 transient objects (libyaml's node tree and its marks) before
the first operation exists, so the heap grows by a quarter again and again: three or four
full collections per read, each walking everything alive and finding nothing (every node is
freed by reference counting once read). A collection holds the GIL from start to end: in the
API server it ran in a worker thread while the event loop waited for the GIL — 60–400 ms
each on this 2-core machine under load, the longest stalls of ``/health`` during a large
create. Mercurial's ``util.nogc`` pauses the collector around such builds for the same
reason; :func:`gc_paused` does so safely when several threads build at once.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import AbstractContextManager

from orgmodel._switch import counted_switch

__all__ = ["gc_paused"]


def _off() -> bool:
    was = gc.isenabled()
    gc.disable()
    return was


def _restore(was: bool) -> None:
    if was:
        gc.enable()


_paused: Callable[[], AbstractContextManager[None]] = counted_switch(_off, _restore)


def gc_paused() -> AbstractContextManager[None]:
    """Pause automatic cyclic garbage collection for the ``with`` block.

    Nested and concurrent pauses (worker threads of the API server) are counted: the
    collector is paused by the first to enter and resumed by the last to leave, and only if it
    was running before the first. Objects freed by reference counting are freed as usual;
    only reference cycles made meanwhile wait for the next collection after the pause.

    Examples
    --------
    >>> import gc
    >>> with gc_paused():
    ...     with gc_paused():
    ...         gc.isenabled()
    ...     gc.isenabled()
    False
    False
    >>> gc.isenabled()
    True
    """
    return _paused()
