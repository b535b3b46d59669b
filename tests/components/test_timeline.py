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
    rows = [("2024-01-01", "all", False, 6.0), ("2024-01-01", "all", True, 6.0)]
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
    assert trace["width"][1] == pytest.approx(days * DAY_MS * 0.8)  # 80% of its period
    middle = pd.Timestamp(bucket) + pd.Timedelta(days=days / 2)
    assert pd.Timestamp(trace["x"][1]) == middle  # centred in its own period
    assert period_days(date.fromisoformat(bucket), granularity) == days


def test_a_lone_bar_gets_room_either_side() -> None:
    axis = spec([("2024-05-01", "all", False, 3.0)])["layout"]["xaxis"]
    low, high = axis["range"]
    assert low < pd.Timestamp("2024-05-01") < pd.Timestamp("2024-06-01") < high


def test_series_names_and_axis_title_are_text_not_markup() -> None:
    rows = [("2024-01-01", "all", False, 2.0), ("2024-01-01", "all", True, 1.0)]
    rows += [("2024-01-01", HOSTILE, False, 1.0), ("2024-01-01", HOSTILE, True, 1.0)]
    built = spec(rows, share=True, denominator="share of <i>all</i>")
    names = [trace["name"] for trace in built["data"]]
    assert names == [
        "all matching articles",
        "all matching articles (date from weak evidence)",
        "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;Co&lt;/b&gt;",  # one line: weak and firm added
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
        ({"selection": {"box": [{"x": ["2024-03-09", "2024-01-02"]}]}}, (date(2024, 1, 1), date(2024, 3, 31))),
        ({"selection": {"points": [{"x": "2024-02-01"}, {"x": "2024-01-01"}]}}, (date(2024, 1, 1), date(2024, 2, 29))),
        # a line's point sits mid-period: it picks its whole period
        ({"selection": {"points": [{"x": "2024-01-16 12:00"}]}}, (date(2024, 1, 1), date(2024, 1, 31))),
        # a box edge in the gap after January's bar starts in February; one before April's ends in March
        ({"selection": {"box": [{"x": ["2024-01-30", "2024-04-02"]}]}}, (date(2024, 2, 1), date(2024, 3, 31))),
        ({"selection": {}}, None),
        (None, None),
    ],
)  # fmt: skip
def test_a_brushed_or_clicked_range_becomes_dates(event: object, expected: object) -> None:
    assert selected_range(event, "month") == expected


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        (
            ["2024-11-19 22:00", "2024-11-21 20:00"],
            (date(2024, 11, 20), date(2024, 11, 21)),
        ),  # not a day early
        (["2024-11-20 01:00", "2024-11-20 23:00"], (date(2024, 11, 20), date(2024, 11, 20))),
        (["2024-11-20 22:00", "2024-11-21 01:00"], None),  # only the gap between two bars
    ],
)
def test_a_brush_covers_the_days_whose_bars_it_touches(box: list[str], expected: object) -> None:
    assert selected_range({"selection": {"box": [{"x": box}]}}, "day") == expected


def test_split_series_are_lines_over_the_whole_never_stacked() -> None:
    rows = [("2024-01-01", "all", False, 5.0), ("2024-01-01", "all", True, 1.0)]
    rows += [("2024-01-01", "Lebanon", False, 4.0), ("2024-01-01", "Israel", False, 5.0)]
    rows += [("2024-01-01", "Israel", True, 1.0)]
    built = spec(rows)
    bars = [t for t in built["data"] if t["type"] == "bar"]
    lines = {t["name"]: list(t["y"]) for t in built["data"] if t["type"] == "scatter"}
    assert sum(float(t["y"][0]) for t in bars) == 6.0  # the stack is the whole
    assert lines == {"Israel": [6.0], "Lebanon": [4.0]}  # each line at most the whole, not stacked on it
    assert all(t.get("stackgroup") is None for t in built["data"] if t["type"] == "scatter")


def test_weak_date_bars_are_hatched_and_outlined() -> None:
    weak = spec([("2024-01-01", "all", True, 2.0)])["data"][0]
    assert weak["marker"]["pattern"]["shape"] and weak["marker"]["line"]["width"] > 0


@pytest.mark.parametrize(
    ("granularity", "buckets"),
    [("day", ["2024-11-20", "2024-11-21", "2024-11-22"]), ("week", ["2024-11-04", "2024-11-11"]),
     ("month", ["2024-11-01", "2024-12-01"]), ("day", [f"2024-01-{d:02d}" for d in range(1, 31)])],
)  # fmt: skip
def test_date_ticks_step_by_whole_periods(granularity: str, buckets: list[str]) -> None:
    axis = spec([(b, "all", False, 1.0) for b in buckets], granularity)["layout"]["xaxis"]
    assert axis["tickmode"] == "linear" and axis["tick0"] == buckets[0]
    step = axis["dtick"]
    if isinstance(step, str):
        assert step.startswith("M") and int(step[1:]) >= 1
    else:
        assert step % (DAY_MS * (7 if granularity == "week" else 1)) == 0  # never half a day
    lo, hi = axis["range"]
    assert (hi - lo) / pd.Timedelta(milliseconds=step if not isinstance(step, str) else DAY_MS * 30) <= 13


def test_the_window_opens_the_axis_on_the_dense_part() -> None:
    rows = [("2014-01-01", "all", False, 1.0)] + [(f"2024-{m:02d}-01", "all", False, 9.0) for m in (1, 2, 3)]
    axis = spec(rows, window=(date(2024, 1, 5), date(2024, 3, 10)))["layout"]["xaxis"]
    assert axis["range"] == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")]
