"""om.metrics(org).to_frame(...) for each per-unit list of the report, and how scripting
results show in a notebook (_repr_html_, a short repr) — issue 15, point 5."""

from __future__ import annotations

import pytest

import orgmodel as om
from orgmodel.io.per_unit import PER_UNIT_LISTS

pd = pytest.importorskip("pandas", reason="to_frame needs orgmodel[pandas]")


@pytest.fixture(scope="module")
def report() -> om.MetricReport:
    return om.metrics(om.read(om.seed_path("orgs", "mirror-county.yaml")))


NAMES = [
    "policy",
    "narrow",
    "wide",
    "hollow",
    "bureaus",
    "mirror_units",
    "county_level",
    "stations",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_per_unit_list_is_a_frame(report: om.MetricReport, name: str) -> None:
    frame = report.to_frame(name)
    section, key = dict(zip(NAMES, ["policy.results", "span.narrow", "span.wide",
        "workforce.hollow", "mirror.by_bureau", "mirror.units", "shares.county_level",
        "shares.stations"], strict=True))[name].split(".")  # fmt: skip
    rows = report.report[section][key]
    assert len(frame) == len(rows)
    # by its long name too: the same table
    assert frame.equals(report.to_frame(f"{section}.{key}"))
    if name != "policy":  # a unit per row: indexed by its id, Chinese name in a column
        assert frame.index.name == "id" and list(frame.index) == [r["id"] for r in rows]
        assert (frame["name"] == [r["name"] for r in rows]).all()
    # nested {id, name} fields become columns
    assert not any(isinstance(v, dict) for v in frame.to_numpy().ravel())


def test_the_names_cover_every_list() -> None:
    from orgmodel.scripting import _LIST_NAMES

    assert set(_LIST_NAMES.values()) == set(PER_UNIT_LISTS)


def test_list_frames_hold_the_report_numbers(report: om.MetricReport) -> None:
    hollow = report.to_frame("hollow")
    # the seed county's 9 hollow establishments, short of 23 posts in all (docs/scripting.md)
    assert len(hollow) == report["hollow_units"] == 9 and hollow["shortfall"].sum() == 23
    assert (hollow["police"] < hollow["fixed_posts"]).all()
    stations = report.to_frame("stations")
    assert len(stations) == 15 and (stations["bureau_id"] == "bureau").all()
    assert set(stations["bureau_name"]) == {"河西县公安局"}
    # one county-level bureau: its station share = its stations' police / its police
    [county] = report.to_frame("county_level").itertuples()
    units = report.to_frame()
    in_stations = units.loc[units["kind"] == "station", "subtree_police"].sum()
    assert county.station_share == pytest.approx(in_stations / units["police"].sum())
    assert county.station_police == in_stations
    with pytest.raises(ValueError, match="'hollow', 'bureaus'"):
        report.to_frame("hollows")


def test_results_show_short_in_a_notebook() -> None:
    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    after = om.apply(org, om.seed_path("plans", "dabumen-county.yaml"))
    # 22 departments and the command centre become 8: 74 − 22 + 8 = 60 units
    assert repr(after) == (
        "<Scenario 县局大部门制改革: 河西县公安局 → 74 → 60 units, 497 → 497 police, 1 steps>"
    )
    page = after._repr_html_()
    assert "<td>单位数</td><td>74</td><td>60</td>" in page and "大部门整合" in page
    tricky = om.apply(org, {"name": "<b>并</b>", "ops": []})
    assert "&lt;b&gt;并&lt;/b&gt;" in tricky._repr_html_()  # names are escaped
    assert "<Comparison" in repr(om.compare(after))


def test_compare_flows_and_categories_as_frames() -> None:
    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    c = om.compare(om.apply(org, om.seed_path("plans", "sink-20pct.yaml")))
    flows = c.to_frame("flows")
    assert list(flows.columns) == ["from", "from_name", "to", "to_name", "police", "auxiliaries"]
    # 警力下沉 20%: the 5 + 43 + 262 = 310 organ officers, 62 of them (20%) move down to the
    # stations; nobody is hired or retired, so every flow has both ends
    assert flows["police"].sum() == 62 and flows["to"].notna().all()
    assert all(name.endswith("派出所") for name in flows["to_name"])
    cats = c.to_frame("categories")
    assert cats.loc["frontline", ["before_police", "moved_in_police", "after_police"]].tolist() == [
        187,
        62,
        187 + 62,
    ]
    # per category: before = stayed + moved out + retired; after = stayed + moved in + hired
    for _, r in cats.iterrows():
        assert r.before_police == r.stayed_police + r.moved_out_police + r.retired_police
        assert r.after_police == r.stayed_police + r.moved_in_police + r.hired_police
    assert cats["moved_out_police"].sum() == 62
    with pytest.raises(ValueError, match="is none of 'metrics', 'policy', 'flows', 'categories'"):
        c.to_frame("units")


def _full_frames(name: str) -> list[object]:
    """The table of a list from two seed organisations where it has rows."""
    frames = []
    for seed in ("mirror-county.yaml", "mirror-city.yaml"):
        frame = om.metrics(om.read(om.seed_path("orgs", seed))).to_frame(name)
        assert len(frame) > 0, (seed, name)
        frames.append(frame)
    return frames


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_list_is_a_table_with_the_columns_of_a_full_one(
    report: om.MetricReport, name: str
) -> None:
    """A list with no rows (no narrow spans, no policy rules …) keeps its columns, index and
    dtypes: a script's `frame["shortfall"].sum()` works on it too (it was a table with no
    columns: KeyError)."""
    from orgmodel.scripting import _LIST_NAMES

    section, key = _LIST_NAMES[name]
    emptied = {s: dict(v) if isinstance(v, dict) else v for s, v in report.report.items()}
    emptied[section][key] = []
    empty = om.MetricReport(report.org, emptied, report.norms).to_frame(name)
    full = _full_frames(name)
    assert len(empty) == 0
    for frame in full:
        assert list(empty.columns) == list(frame.columns) and empty.index.name == frame.index.name
    for col in empty.columns:
        # the dtype of a table with rows (a nullable number is float64 where a row has none)
        assert str(empty[col].dtype) in {str(f[col].dtype) for f in full}, col  # type: ignore[index]
    numbers = [c for c in empty.columns if str(empty[c].dtype) in ("int64", "float64")]
    assert numbers and all(empty[c].sum() == 0 for c in numbers)


def test_lists_empty_in_a_real_report_keep_their_columns() -> None:
    # one community post measured alone: no span, no bureau, no station, no policy check
    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    post = next(u for u in org.order() if org.unit(u).kind == "community_post")
    part = om.metrics(org, root=post, policy=[])
    for name in NAMES:
        frame = part.to_frame(name)
        full = _full_frames(name)[0]
        assert list(frame.columns) == list(full.columns), name  # type: ignore[attr-defined]
    assert len(part.to_frame("narrow")) == len(part.to_frame("policy")) == 0
    assert len(part.to_frame("stations")) == 0


def test_comparison_tables_keep_their_columns_when_empty() -> None:
    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    after = om.apply(org, om.seed_path("plans", "sink-20pct.yaml"))
    same = om.compare(org, org, policy=[])
    full = om.compare(after)
    # no rule: no policy row (it was KeyError: 'rule'); nothing moved: no flow
    for what in ("policy", "flows", "categories", "metrics"):
        a, b = same.to_frame(what), full.to_frame(what)
        assert list(a.columns) == list(b.columns) and a.index.name == b.index.name, what
    assert len(same.to_frame("policy")) == len(same.to_frame("flows")) == 0
    assert str(same.to_frame("flows")["police"].dtype) == "int64"
    assert same.to_frame("flows")["police"].sum() == 0
    # the categories of a comparison without units on either side
    c = om.compare(org, org, policy=[])
    c.diff = {**c.diff, "officers": {**c.diff["officers"], "categories": []}}
    cats = c.to_frame("categories")
    want = full.to_frame("categories")
    assert len(cats) == 0 and list(cats.columns) == list(want.columns)
    assert cats.index.name == "category" and dict(cats.dtypes) == dict(want.dtypes)


def test_the_delta_table_has_the_numbers_to_compute_with() -> None:
    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    d = om.compare(om.apply(org, om.seed_path("plans", "dabumen-county.yaml"))).to_frame()
    # shown as text ("22", "37.6%"), and as numbers: 22 departments become 8 (the 大部门 plan)
    assert d.loc["departments", ["before", "after", "delta"]].tolist() == ["22", "8", "−14"]
    assert d.loc["departments", ["before_value", "after_value", "delta_value"]].tolist() == [
        22,
        8,
        -14,
    ]
    # the 22 departments become 8: 74 − 22 + 8 = 60 units
    assert d.loc["units", "delta_value"] == 60 - 74
    assert d["delta_value"].dtype == "float64" and d.sort_values("delta_value").index[0] in d.index
    assert d.loc["station_share", "before_value"] == pytest.approx(187 / 497)


def test_plans_apply_in_turn_to_a_result() -> None:
    org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
    strict = [r for r in om.load_policy() if r.id == "station-share-40"]
    first = om.apply(org, om.seed_path("plans", "dabumen-county.yaml"), policy=strict)
    second = om.apply(first, om.seed_path("plans", "sink-20pct.yaml"))
    assert second.base is first.org and len(second.org) == len(first.org) == 60
    assert second.policy == tuple(strict)  # kept from the first result
    c = om.compare(second)
    assert c.exact and c.before is first.org
    assert c.to_frame("policy").index.tolist() == ["station-share-40"]


def test_the_headline_frame_keeps_whole_figures_whole() -> None:
    # One float64 column showed 民警 497 as 497.000000 beside the mean span; each figure is
    # now the report's own: ints for head counts and counts, floats for shares and means.
    r = om.metrics(om.read(om.seed_path("orgs", "mirror-county.yaml")))
    f = r.to_frame("headline")
    assert f["value"].dtype == object
    police, units = f.loc["police", "value"], f.loc["units", "value"]
    assert (police, type(police), units, type(units)) == (497, int, 74, int)
    assert type(f.loc["station_share", "value"]) is float
    assert f.loc["station_share", "value"] == pytest.approx(187 / 497)
    assert [f.loc[k, "value"] for k in f.index] == [r.headline[k] for k in f.index]
    assert "497.0" not in f.to_string()


def test_to_frame_refuses_a_what_that_is_not_text() -> None:
    # to_frame(3) raised "argument of type 'int' is not iterable", to_frame(['x']) "unhashable
    # type: 'list'": the refusal names the value and the choices, as for an unknown name.
    org = om.read("seeds/orgs/mirror-county.yaml")
    r = om.metrics(org)
    c = om.compare(org, om.apply(org, "seeds/plans/dabumen-county.yaml"))
    for what in (3, ["units"], None):
        with pytest.raises(ValueError, match=r"what=.* is none of 'units', 'headline'"):
            r.to_frame(what)  # type: ignore[arg-type]
    for what in (3, ["metrics"]):
        with pytest.raises(ValueError, match=r"what=.* is none of 'metrics', 'policy'"):
            c.to_frame(what)  # type: ignore[arg-type]
