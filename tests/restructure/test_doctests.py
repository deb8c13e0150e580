"""The examples in the restructure package's docstrings run (GUIDE: doctests run in make test)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "orgmodel.restructure.plan",
    "orgmodel.restructure.apply",
    "orgmodel.restructure.workspace",
    "orgmodel.restructure.select",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name != "orgmodel.restructure.select":
        assert result.attempted > 0
