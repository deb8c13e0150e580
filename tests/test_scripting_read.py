"""om.read on every format orgmodel reads (issue 15, point 5), with the spreadsheet options a
script needs and the reader's warnings shown as Python warnings, never silent."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import orgmodel as om
from orgmodel.io import write_org
from orgmodel.io.graphml import write_graphml
from orgmodel.io.tabular import export_table
from tests.hr_cases import CASES, POLICE, UNITS


@pytest.fixture(scope="module")
def county() -> om.OrgGraph:
    return om.read(om.seed_path("orgs", "mirror-county.yaml"))


@pytest.fixture(scope="module")
def files(county: om.OrgGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("formats")
    for suffix in ("yaml", "yml", "json"):
        write_org(county, d / f"county.{suffix}")
    export_table(county, d / "county.csv")
    export_table(county, d / "county.xlsx")
    write_graphml(county, d / "county.graphml")
    return d


@pytest.mark.parametrize("suffix", ["yaml", "yml", "json", "xlsx", "graphml", "csv"])
def test_read_every_format_gives_the_same_numbers(
    county: om.OrgGraph, files: Path, suffix: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", om.OrgWarning)  # a clean file: no warning
        org = om.read(files / f"county.{suffix}")
    assert len(org) == 74 and org.name == "河西县公安局"
    got, want = om.metrics(org).headline, om.metrics(county).headline
    if suffix == "csv":
        # a CSV holds units and edges only (docs/format.md): the city bureau above the county
        # is not known, so its 上下对口 is not measured; everything else is the same
        assert org.id == "county"  # the file name, as the importer names it
        assert want["mirror_index"] == 1.0 and got["mirror_index"] is None
        got = {k: v for k, v in got.items() if k not in ("mirror_index", "mirror_units")}
        want = {k: v for k, v in want.items() if k not in ("mirror_index", "mirror_units")}
    else:
        assert org.id == "mirror-county"
    assert got == want
    assert got["police"] == 497


def test_read_an_old_xls(tmp_path: Path) -> None:
    pytest.importorskip("xlwt", reason="writing a test .xls needs xlwt (dev extra)")
    org = om.read(CASES["old .xls"].write(tmp_path), id="lc", name="临川县公安局")
    assert (org.id, org.name, len(org), org.total_police()) == ("lc", "临川县公安局", UNITS, POLICE)
    assert org.attrs("s1")["duty_roster"] is True  # the merged 是 cell


def test_spreadsheet_options_and_the_warnings_a_script_sees(tmp_path: Path) -> None:
    path = CASES["subtree totals with the bureau's total"].write(tmp_path)
    # read as own figures: 167 民警, and a warning that says how to read it as totals,
    # spelled as a script spells it (totals=True), not as the command line (--totals)
    with pytest.warns(om.OrgWarning) as seen:
        as_own = om.read(path)
    assert as_own.total_police() == 167
    text = " ".join(str(w.message) for w in seen)
    assert "may be subtree totals" in text and "totals=True" in text and "--totals" not in text
    # as subtree totals: the bureau's own is 77 − (12 + 20 + 9 + 19 + 11) = 6; 77 in all
    with pytest.warns(om.OrgWarning, match="auxiliaries column is not subtree totals"):
        as_totals = om.read(path, totals=True)
    assert as_totals.total_police() == 77 and as_totals.attrs("b")["police"] == 6
    # two data sheets: the error names the option as a script gives it
    two = CASES["two data sheets"].write(tmp_path)
    with pytest.raises(om.InputError, match=r"sheet='2023'"):
        om.read(two)
    assert om.read(two, sheet="2023").total_police() == POLICE - 2


def test_spreadsheet_options_on_another_format_are_refused(files: Path) -> None:
    with pytest.raises(om.InputError, match=r"county\.yaml: sheet=, totals= apply to spreadsheets"):
        om.read(files / "county.yaml", sheet="x", totals=True)
    with pytest.raises(om.InputError, match=r"unknown file type '\.txt'"):
        om.read(files / "county.txt")
