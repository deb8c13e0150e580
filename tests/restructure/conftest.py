from __future__ import annotations

import pytest

from orgmodel.model import OrgGraph
from tests.restructure._graphs import small_org


@pytest.fixture
def org() -> OrgGraph:
    return small_org()
