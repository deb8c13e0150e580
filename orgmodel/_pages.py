"""Fresh memory for whole-organisation arrays without transparent huge pages.

numpy asks the kernel for transparent huge pages (``madvise(MADV_HUGEPAGE)``) on every
array of 4 MB or more. Where the kernel honours that by compacting memory on the spot
(``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, a common default), each
fresh column of a national organisation (≈ 650k units, 5 MB) costs 10–20 ms of page
faults instead of 1–2 ms: a one-unit edit, which writes about fifteen such columns, took
0.11 CPU s instead of 0.05 on the development machine. :func:`small_pages` turns the advice
off for the duration of a call and restores numpy's setting after it, so that a caller's
own arrays are left as numpy would make them.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# numpy ≥ 2 (``numpy.core`` before): private, but the switch behind the documented
# NUMPY_MADVISE_HUGEPAGE environment variable; nothing to switch where it is missing.
_set_madvise_hugepage: Callable[[bool], bool] | None = None
for _where in ("numpy._core.multiarray", "numpy.core.multiarray"):
    try:
        _set_madvise_hugepage = importlib.import_module(_where)._set_madvise_hugepage
        break
    except (ImportError, AttributeError):  # pragma: no cover - another numpy
        continue

__all__ = ["small_pages"]

# The switch is process-wide: calls that overlap (threads of the API, a report inside an
# edit) share one "off" period, and the last one out restores numpy's setting. Without the
# count, two overlapping calls could restore in the wrong order and leave the advice off.
_lock = threading.Lock()
_depth = 0
_was = True


@contextmanager
def small_pages() -> Iterator[None]:
    """Allocate arrays without the huge-page advice inside the block (see the module)."""
    if _set_madvise_hugepage is None:  # pragma: no cover
        yield
        return
    global _depth, _was
    with _lock:
        if _depth == 0:
            _was = _set_madvise_hugepage(False)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _set_madvise_hugepage(_was)
