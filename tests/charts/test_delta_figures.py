"""The change beside two figures is the change of the figures as shown (the report, the
dashboard's delta table and the API's numbers panel all use :func:`format_delta`)."""

from __future__ import annotations

from orgmodel.charts.numbers import delta_rows, format_delta


def test_the_change_adds_up_with_the_figures_shown_in_both_languages() -> None:
    # deployable 139.46 → 98.54 shows 139.5 → 98.5: the change shown is 98.5 − 139.5 = −41.0
    # (the exact −40.92 showed −40.9, which no subtraction of the figures gives).
    assert format_delta("deployable", 139.46, 98.54, lang="en") == ("−41.0", "worse")
    # mean span 7/3 → 8/3 shows 2.3 → 2.7: +0.4 (exact +0.333 showed +0.3)
    assert format_delta("mean_span", 7 / 3, 8 / 3)[0] == "+0.4"
    # a share 2/3 → 1/3 shows 66.7% → 33.3%: 33.3 − 66.7 = −33.4 points (exact −33.3)
    assert format_delta("narrow_span_share", 2 / 3, 1 / 3, lang="en")[0] == (
        "−33.4 percentage points"
    )
    assert format_delta("narrow_span_share", 2 / 3, 1 / 3)[0] == "−33.4 个百分点"
    # figures that show the same show no change: 12.04 and 11.96 both show 12.0
    assert format_delta("hidden_loss", 12.04, 11.96) == ("0", None)
    rows = {r["id"]: r for r in delta_rows({"deployable": 139.46}, {"deployable": 98.54})}
    row = rows["deployable"]
    assert (row["before"], row["after"], row["delta"]) == ("139.5", "98.5", "−41.0")
