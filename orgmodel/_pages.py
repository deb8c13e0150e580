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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from orgmodel._switch import counted_switch

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


def _off() -> bool:
    assert _set_madvise_hugepage is not None
    return _set_madvise_hugepage(False)


def _restore(was: bool) -> None:
    assert _set_madvise_hugepage is not None
    _set_madvise_hugepage(was)


# process-wide: overlapping calls (threads of the API, a report inside an edit) share one
# "off" period, and the last one out restores numpy's setting (orgmodel._switch)
_off_period: Callable[[], AbstractContextManager[None]] = counted_switch(_off, _restore)


@contextmanager
def small_pages() -> Iterator[None]:
    """Allocate arrays without the huge-page advice inside the block (see the module)."""
    if _set_madvise_hugepage is None:  # pragma: no cover
        yield
        return
    with _off_period():
        yield
