"""URL query parameters <-> view: a table of URL -> expected view, and junk -> notices."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.state import View, parse_params, to_params
from loaders.schema import KINDS, Kind
from storage.query import Filters

KNOWN = {("country", "LBN"), ("country", "ISR"), ("topic", "ceasefire"), ("source", "Levant Wire")}


def known(kind: str, value: str) -> bool:
    return (kind, value) in KNOWN


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, View()),
        ({"q": ["ceasefire"]}, View(filters=Filters(search="ceasefire"))),
        ({"country": ["LBN", "ISR"], "mode": ["all"]}, View(filters=Filters(countries=("LBN", "ISR"), countries_mode="all"))),
        ({"from": ["2024-01-01"], "to": ["2024-02-01"]}, View(filters=Filters(date_from=date(2024, 1, 1), date_to=date(2024, 2, 1)))),
        ({"topic": ["ceasefire"], "primary": ["1"]}, View(filters=Filters(topics=("ceasefire",), primary_only=True))),
        ({"source": ["Levant Wire"], "sort": ["oldest"], "page": ["3"]}, View(filters=Filters(sources=("Levant Wire",)), sort="oldest", page=2)),
        ({"gran": ["week"], "split": ["country"], "measure": ["copies"], "scale": ["share"], "weak": ["exclude"]},
         View(granularity="week", split="country", measure="copies", share=True, weak="exclude")),
        ({"article": ["0123456789abcdef"], "v": ["abc123"]}, View(article="0123456789abcdef", corpus="abc123")),
    ],
)  # fmt: skip
def test_params_to_view(params: dict[str, list[str]], expected: View) -> None:
    view, notices = parse_params(params, known)
    assert view == expected
    assert notices == []


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"country": ["XXX"]}, "unknown country"),
        ({"from": ["yesterday"]}, "not a date"),
        ({"from": ["2025-01-01"], "to": ["2024-01-01"]}, "'from' is after 'to'"),
        ({"page": ["-1"]}, "not a page number"),
        ({"page": ["99999999999"]}, "not a page number"),
        ({"sort": ["'; DROP TABLE articles; --"]}, "is not one of"),
        ({"article": ["<script>"]}, "not an article id"),
        ({"q": ["x" * 1000]}, "longer than"),
        ({"q": ["a", "b"]}, "given 2 times"),
        ({"__proto__": ["1"]}, "unknown parameter"),
    ],
)
def test_junk_params_become_notices(params: dict[str, list[str]], notice: str) -> None:
    view, notices = parse_params(params, known)
    assert any(notice in n for n in notices), notices
    assert isinstance(view, View)


def test_view_round_trips_through_params() -> None:
    view = View(
        filters=Filters(search='"peace talks" -Hamas', countries=("LBN",), date_from=date(2024, 5, 1)),
        granularity="day",
        share=True,
        page=4,
        article="0123456789abcdef",
        corpus="abc",
    )
    again, notices = parse_params(to_params(view), known)
    assert again == view and notices == []


@given(st.dictionaries(st.text(max_size=20), st.lists(st.text(max_size=400), max_size=4), max_size=8))
def test_any_params_parse_without_raising(params: dict[str, list[str]]) -> None:
    view, _ = parse_params(params, known)
    assert isinstance(view, View)
    assert all(v in {"LBN", "ISR"} for v in view.filters.countries)


@pytest.mark.parametrize("page", ["²", "①", "٣", "３", "1\n", " 2", "+3", "0x10", "1_000"])
def test_page_numbers_are_ascii_digits_only(page: str) -> None:
    view, notices = parse_params({"page": [page]}, known)
    assert view.page == 0
    assert any("not a page number" in n for n in notices), notices


@pytest.mark.parametrize("day", ["20240101", "2024-W01-1", "２０２４-01-01", "2024-01-0١"])
def test_dates_are_ascii_iso_days_only(day: str) -> None:
    view, notices = parse_params({"from": [day]}, known)
    assert view.filters.date_from is None
    assert any("not a date" in n for n in notices), notices


def test_an_article_id_with_a_trailing_newline_is_refused() -> None:
    view, notices = parse_params({"article": ["0123456789abcdef\n"]}, known)
    assert view.article is None and notices


def test_more_values_than_kept_say_so() -> None:
    view, notices = parse_params({"country": ["LBN"] * 60}, known)
    assert view.filters.countries == ("LBN",)
    assert any("given 60 values: kept the first 50" in n for n in notices), notices


def test_unknown_parameters_are_counted() -> None:
    _, notices = parse_params({f"x{i}": ["1"] for i in range(12)}, known)
    assert any("ignored 12 unknown parameter(s)" in n for n in notices), notices


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_kind_has_a_left_out_parameter(kind: Kind) -> None:
    """Generated from the table of kinds: ?country_not=, ?topic_not=, ... each parse and write."""
    assert kind.exclude_param == f"{kind.param}_not"
    everything = lambda _kind, _value: True  # noqa: E731
    view, notices = parse_params({kind.exclude_param: ["Some value"]}, everything)
    assert view.filters.excluded(kind.name) == ("Some value",) and notices == []
    assert to_params(view) == {kind.exclude_param: ["Some value"]}


def test_left_out_values_round_trip() -> None:
    view = View(filters=Filters(countries=("LBN",), countries_not=("ISR",), sources_not=("Levant Wire",)))
    params = to_params(view)
    assert params["country_not"] == ["ISR"] and params["source_not"] == ["Levant Wire"]
    again, notices = parse_params(params, known)
    assert again == view and notices == []


@pytest.mark.parametrize(
    ("values", "notice"),
    [
        (["XXX"], "unknown country_not"),
        (["'; DROP TABLE articles; --"], "unknown country_not"),
        (["<script>alert(1)</script>"], "unknown country_not"),
        (["LBN" * 200], "unknown country_not"),
        (["ISR"] * 60, "given 60 values"),
    ],
)
def test_hostile_left_out_values_become_notices(values: list[str], notice: str) -> None:
    view, notices = parse_params({"country_not": values}, known)
    assert set(view.filters.countries_not) <= {"ISR"}
    assert any(notice in n for n in notices), notices


def test_a_value_chosen_and_left_out_stays_chosen() -> None:
    view, notices = parse_params({"country": ["LBN"], "country_not": ["LBN", "ISR"]}, known)
    assert view.filters.countries == ("LBN",) and view.filters.countries_not == ("ISR",)
    assert any("also in country" in n for n in notices), notices
