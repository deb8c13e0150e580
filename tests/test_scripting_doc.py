"""docs/scripting.md runs: every ```python block, in order, in one namespace (as a notebook
would), so the walkthrough cannot drift from the code. The blocks carry their own asserts,
with numbers of the seed county worked in the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "scripting.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_walkthrough_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas", reason="the walkthrough's DataFrames need orgmodel[pandas]")
    monkeypatch.chdir(tmp_path)
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    ns: dict[str, Any] = {"__name__": "scripting_doc"}
    for i, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"docs/scripting.md block {i}", "exec"), ns)
        except Exception as e:
            raise AssertionError(f"docs/scripting.md block {i} failed: {e!r}\n{code}") from e
    assert ns["r"]["police"] == 497


def test_keyword_only_options_and_html() -> None:
    import orgmodel as om

    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    with pytest.raises(TypeError):
        om.metrics(org, None)  # type: ignore[misc]
    html = om.metrics(org)._repr_html_()
    assert "<table>" in html and "可部署警力（期望值）" in html and "<td>497</td>" in html
    c = om.compare(om.apply(org, om.seed_path("plans", "dabumen-county.yaml")))
    assert "better" in c._repr_html_()
    with pytest.raises(TypeError, match="two organisations"):
        om.compare(org)


def test_compare_an_org_with_its_apply_result_uses_the_plan_lineage() -> None:
    import orgmodel as om

    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    after = om.apply(org, om.seed_path("plans", "dabumen-county.yaml"))
    both = om.compare(org, after)  # as a scripter writes it: before, after
    assert both.exact and str(both) == str(om.compare(after))
    # Against a different organisation the lineage does not apply: matched by id, estimated.
    other = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    assert not om.compare(other, after).exact
