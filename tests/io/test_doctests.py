"""The examples in the import modules' docstrings run (GUIDE: doctests run in make test)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["orgmodel.io.ids", "orgmodel.io.tabular", "orgmodel.kind_rules"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
