"""Doctests collected from the package's own files (``pytest --doctest-modules orgmodel/…``).

Under ``--import-mode=importlib`` (pyproject) pytest imports a collected file under its
dotted name, but first imports the parent package itself; when the package's ``__init__``
imports that very module (``orgmodel`` imports ``orgmodel.model``), pytest then executes the
file a second time and puts the copy in ``sys.modules``. Two ``OrgGraph`` classes then exist,
and ``isinstance`` in modules imported before (``metrics.suite.headline``) fails on an
organisation the doctest builds. Importing each collected module by its name the ordinary
way first leaves pytest the one module to reuse.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
PACKAGES = ("orgmodel", "api")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    if not parent.config.option.doctestmodules or file_path.suffix != ".py":
        return
    try:
        parts = file_path.resolve().relative_to(ROOT).with_suffix("").parts
    except ValueError:
        return
    if not parts or parts[0] not in PACKAGES or parts[-1] == "__main__":
        return
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
