"""The shared columns of the metrics (orgmodel.metrics._frame) against plain loops.

Each pass that takes a short cut (children whose total is 0.0 left out of a float sum, …)
is compared, bit for bit, with the loop it stands for, on a generated organisation whose
values hit the short cut and on values that must not take it (negatives, -0.0).
"""

from __future__ import annotations

import numpy as np
import pytest

from orgmodel.metrics._frame import Frame
from tests.metrics.test_reference import varied


def loop_subtree_sums(fr: Frame, values: np.ndarray) -> np.ndarray:
    """Σ over every unit's subtree, added child by child in the reversed breadth-first order."""
    out = values.astype(np.float64).copy()
    ppos = fr.ppos.tolist()
    acc = out.tolist()
    for i in range(fr.n - 1, 0, -1):
        acc[ppos[i]] += acc[i]
    return np.array(acc, dtype=np.float64)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.view(np.int64).tolist() == b.view(np.int64).tolist()


@pytest.mark.parametrize("case", ["mostly_zero", "negative", "negative_zero"])
def test_float_subtree_sums_are_the_loops_to_the_bit(case: str) -> None:
    fr = Frame(varied(0))
    rng = np.random.default_rng(7)
    values = rng.random(fr.n) / 3  # sums of thirds round differently in another order
    values[rng.random(fr.n) < 0.7] = 0.0
    if case == "negative":
        values[rng.random(fr.n) < 0.2] *= -1
    elif case == "negative_zero":
        # -0.0 kept where nothing is added to it; +0.0 children added make it +0.0
        values[np.flatnonzero(values == 0.0)[::2]] = -0.0
    want = loop_subtree_sums(fr, values)
    got = fr.up_float(values)
    assert same_bits(got, want)
    if case == "negative_zero":
        assert np.signbit(got[values == 0.0]).any()  # some -0.0 survives: the case is real
