"""Benchmark cases: every module here registers its cases with :func:`benchmarks.case`.

Add a module (``restructure.py``, ``store.py``, ``api.py`` …) and its cases appear in
``make bench`` and in ``python -m benchmarks.run --list``.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every case module of this package (registration happens on import)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
