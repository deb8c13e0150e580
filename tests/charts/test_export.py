"""Figures as SVG and PNG files, drawn offline by Kaleido in the system's chromium.

Skipped (with the reason) where chromium is not installed; ``make test`` installs it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgmodel.charts import mirror_heatmap_figure
from orgmodel.charts.export import write_figure
from orgmodel.io import load_org
from orgmodel.seeds import seed_path
from tests.api._helpers import ADMIN, SMALL_ORG, VIEWER, TestClient, auth, make_client

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("export-api")) as c:
        r = c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN))
        assert r.status_code == 201, r.text
        yield c


def test_svg_of_a_chart_from_the_api(client: TestClient, tmp_path: Path) -> None:
    r = client.get("/api/v1/orgs/test-county/charts/hierarchy?format=svg", headers=auth(VIEWER))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "attachment" in r.headers["content-disposition"]
    svg = r.content.decode("utf-8")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    # the title is text in the SVG, in 汉字: the small org's bureau is 测试县公安局
    assert "测试县公安局 组织层级" in svg
    (tmp_path / "hierarchy.svg").write_text(svg, encoding="utf-8")
    # JSON stays the default answer
    j = client.get("/api/v1/orgs/test-county/charts/hierarchy", headers=auth(VIEWER))
    assert j.headers["content-type"].startswith("application/json")
    bad = client.get("/api/v1/orgs/test-county/charts/hierarchy?format=gif", headers=auth(VIEWER))
    assert bad.status_code == 422


def test_png_file_of_a_figure(tmp_path: Path, output_dir: Path) -> None:
    county = load_org(seed_path("orgs") / "mirror-county.yaml")
    fig = mirror_heatmap_figure(county)
    out = write_figure(fig, tmp_path / "mirror.png", width=900, scale=1)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # IHDR: width and height, big-endian, right after the chunk's length and name
    width, height = struct.unpack(">II", data[16:24])
    assert width == 900  # scale 1: the layout's pixels
    assert height == fig.layout.height
    assert not (tmp_path / "mirror.png.part").exists()
    (output_dir / "export-mirror-county.png").write_bytes(data)
    # the charts' tests run in Chinese (tests/charts/conftest.py): the refusal too
    with pytest.raises(ValueError, match=r"mirror\.jpg：图表只能写入 \.svg 或 \.png 文件"):
        write_figure(fig, tmp_path / "mirror.jpg")


@pytest.fixture(scope="module")
def output_dir() -> Path:
    out = Path(__file__).resolve().parents[1] / "output"
    out.mkdir(parents=True, exist_ok=True)
    return out
