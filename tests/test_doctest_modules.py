"""``pytest --doctest-modules`` on the package's files (the root conftest.py): a module that
the package's ``__init__`` imports is not executed twice when its doctests are collected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_model_and_metrics_doctests_collected_together_pass() -> None:
    # before: metrics/suite.py's headline example failed ('OrgGraph' object is not
    # subscriptable): collecting orgmodel/model.py first gave a second orgmodel.model, whose
    # OrgGraph the first copy's isinstance checks did not know
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--doctest-modules", "orgmodel/model.py",
         "orgmodel/metrics", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout, run.stdout[-2000:]
