"""The scripting API's and the figure exporter's refusals come from the gettext catalogue:
English from a script, Chinese under ``language("zh")``, each naming the input at fault
(orgmodel/scripting.py, orgmodel/charts/export.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from orgmodel import scripting as om
from orgmodel.charts.export import figure_image, write_figure
from orgmodel.charts.report import report_html
from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.metrics.workforce import availability_funnel
from orgmodel.model import OrgGraph, Unit

ORG = OrgGraph(
    [Unit("b", "县局", "county", police=4), Unit("s", "城关派出所", "station", "b", police=10)],
    id="t",
)


def _both(call: Any, error: type[Exception]) -> tuple[str, str]:
    with pytest.raises(error) as e:
        call()
    with language("zh"):
        zh = str(e.value)
    return str(e.value), zh


@pytest.mark.parametrize(
    ("call", "error", "en", "zh"),
    [
        (lambda: om.metrics("org.yaml"), TypeError,
         "metrics: org must be an OrgGraph (om.read(path) reads a file), not str",
         "metrics：org 应为 OrgGraph（用 om.read(path) 读取文件），收到的是 str"),
        (lambda: om.metrics(ORG, norms="n.yaml"), TypeError,
         "metrics: norms= must be Norms (om.load_norms(path) reads a file), not str",
         "metrics：norms= 应为 Norms（用 om.load_norms(path) 读取文件），收到的是 str"),
        (lambda: om.metrics(ORG, policy="p.yaml"), TypeError,
         "metrics: policy= must be a list of PolicyRule (om.load_policy(path) reads a file), "
         "not str",
         "metrics：policy= 应为 PolicyRule 的列表（用 om.load_policy(path) 读取文件），收到的是 str"),
        (lambda: om.apply(ORG, 42), TypeError,
         "apply: plan must be a Plan, a plan dict or a plan file's path, not int",
         "apply：plan 应为 Plan、方案字典或方案文件路径，收到的是 int"),
        (lambda: om.compare(ORG), TypeError,
         "compare(a, b) needs two organisations, or one apply() result",
         "compare(a, b) 需要两个组织，或一个 apply() 的结果"),
        (lambda: om.metrics(ORG).to_frame("nope"), ValueError,
         "to_frame: what='nope' is none of 'units', 'headline', 'policy'",
         "to_frame：what='nope' 不是 'units'、'headline'、'policy'"),
        (lambda: om.compare(ORG, ORG).to_frame("nope"), ValueError,
         "to_frame: what='nope' is none of 'metrics', 'policy', 'flows', 'categories'",
         "to_frame：what='nope' 不是 'metrics'、'policy'、'flows'、'categories' 之一"),
        (lambda: availability_funnel(ORG, by="unit"), ValueError,
         "availability_funnel: by='unit' is neither 'level' nor 'category'",
         "availability_funnel：by='unit' 既不是 'level' 也不是 'category'"),
        (lambda: report_html(ORG, compare=ORG, scenario=object()), ValueError,
         "report_html: give either compare= or scenario=, not both",
         "report_html：compare= 与 scenario= 只能给出其一"),
    ],
    ids=["org", "norms", "policy", "plan", "compare", "frame", "compare-frame", "funnel",
         "report"],
)  # fmt: skip
def test_scripting_refusals_in_both_languages(
    call: Any, error: type[Exception], en: str, zh: str
) -> None:
    got_en, got_zh = _both(call, error)
    assert got_en.startswith(en), got_en
    assert got_zh.startswith(zh), got_zh


def test_export_refusals_name_the_input_in_both_languages(tmp_path: Path) -> None:
    fig = go.Figure()
    en, zh = _both(lambda: figure_image(fig, "pdf"), InputError)  # type: ignore[arg-type]
    assert en == "image format: 'pdf' is neither 'svg' nor 'png'"
    assert zh == "图片格式：'pdf' 既不是 'svg' 也不是 'png'"
    path = tmp_path / "chart.pdf"
    en, zh = _both(lambda: write_figure(fig, path), ValueError)
    assert en == f"{path}: a figure is written to a .svg or .png file"
    assert zh == f"{path}：图表只能写入 .svg 或 .png 文件"
    assert not path.exists() and not list(tmp_path.iterdir())
