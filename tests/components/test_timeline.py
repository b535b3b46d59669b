"""The timeline figure: whole-number ticks, bars one period wide, labels as text."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.timeline import DAY_MS, figure, figure_spec, named_series, period_days, selected_range

HOSTILE = "<img src=x onerror=alert(1)> & <b>Co</b>"


def frame(rows: list[tuple[str, str, bool, float]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["bucket", "series", "weak", "value"])
    return table.assign(bucket=pd.to_datetime(table["bucket"]))


def spec(rows: list[tuple[str, str, bool, float]], granularity: str = "month", **options: object) -> dict:
    settings = {"measure": "articles", "share": False, "weak": "apart", "denominator": ""} | options
    return figure_spec(frame(rows), granularity, **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "linear"),
    [([1.0], True), ([2.0, 1.0], True), ([10.0], True), ([11.0, 3.0], False), ([400.0], False)],
)
def test_small_counts_tick_every_whole_number(values: list[float], linear: bool) -> None:
    rows = [(f"2024-{m + 1:02d}-01", "all", False, v) for m, v in enumerate(values)]
    axis = spec(rows)["layout"]["yaxis"]
    assert axis["tickformat"] == ",d"
    assert (axis.get("dtick") == 1 and axis.get("tickmode") == "linear") is linear


def test_stacked_bars_count_towards_the_tallest() -> None:
    rows = [("2024-01-01", "LBN", False, 6.0), ("2024-01-01", "ISR", False, 6.0)]
    assert "dtick" not in spec(rows)["layout"]["yaxis"]  # 12 on one bar: plotly's own ticks


@pytest.mark.parametrize(("tallest", "fmt"), [(0.04, ".1%"), (0.5, ".0%")])
def test_share_ticks_keep_a_decimal_when_shares_are_small(tallest: float, fmt: str) -> None:
    axis = spec([("2024-01-01", "all", False, tallest)], share=True)["layout"]["yaxis"]
    assert axis["tickformat"] == fmt


@pytest.mark.parametrize(
    ("granularity", "bucket", "days"),
    [("day", "2024-03-05", 1), ("week", "2024-03-04", 7), ("month", "2024-02-01", 29),
     ("month", "2023-02-01", 28), ("month", "2024-07-01", 31), ("year", "2024-01-01", 366),
     ("year", "2023-01-01", 365)],
)  # fmt: skip
def test_each_bar_is_one_period_wide(granularity: str, bucket: str, days: int) -> None:
    far = "2014-01-01"  # a bucket ten years away: plotly alone would draw both bars years wide
    trace = spec([(far, "all", False, 1.0), (bucket, "all", False, 2.0)], granularity)["data"][0]
    widths = [w + 2 * o for w, o in zip(trace["width"], trace["offset"], strict=True)]
    assert widths[1] == pytest.approx(days * DAY_MS)
    assert 0 < trace["offset"][1] < trace["width"][1]  # the bar starts inside its own period
    assert period_days(date.fromisoformat(bucket), granularity) == days


def test_a_lone_bar_gets_room_either_side() -> None:
    axis = spec([("2024-05-01", "all", False, 3.0)])["layout"]["xaxis"]
    low, high = axis["range"]
    assert low < pd.Timestamp("2024-05-01") < pd.Timestamp("2024-06-01") < high


def test_series_names_and_axis_title_are_text_not_markup() -> None:
    rows = [("2024-01-01", HOSTILE, False, 1.0), ("2024-01-01", HOSTILE, True, 1.0)]
    built = spec(rows, share=True, denominator="share of <i>all</i>")
    names = [trace["name"] for trace in built["data"]]
    assert names == [
        "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;Co&lt;/b&gt;",
        "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;Co&lt;/b&gt; (date from weak evidence)",
    ]
    assert built["layout"]["yaxis"]["title"]["text"] == "share of &lt;i&gt;all&lt;/i&gt;"
    for trace in built["data"]:
        assert "<img" not in trace["hovertemplate"] and "<b>" not in trace["hovertemplate"]


def test_split_series_are_named_and_the_figure_validates() -> None:
    named = named_series(frame([("2024-01-01", "LBN", False, 1.0)]), {"LBN": "Lebanon"}.get)
    fig = figure(named, "month", "articles", False, "apart", "")
    assert [trace.name for trace in fig.data] == ["Lebanon"]
    assert named_series(frame([("2024-01-01", "all", False, 1.0)]), str.upper)["series"].tolist() == ["all"]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"box": [{"x": ["2024-03-09", "2024-01-02"]}]}}, (date(2024, 1, 2), date(2024, 3, 9))),
        ({"selection": {"points": [{"x": "2024-02-01"}, {"x": "2024-01-01"}]}}, (date(2024, 1, 1), date(2024, 2, 29))),
        ({"selection": {}}, None),
        (None, None),
    ],
)  # fmt: skip
def test_a_brushed_or_clicked_range_becomes_dates(event: object, expected: object) -> None:
    assert selected_range(event, "month") == expected
