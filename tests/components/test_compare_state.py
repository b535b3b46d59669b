"""The cmp parameter: compared queries <-> URL, round trips, and hostile values -> notices."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlencode

import pytest

from components.state import (
    MAX_QUERY_CHARS,
    MAX_QUERY_NAME,
    Query,
    View,
    describe_filters,
    encode_query,
    parse_params,
    query_name,
    to_params,
    unique_names,
)
from storage.compare import MAX_QUERIES
from storage.query import Filters

KNOWN = {("country", "LBN"), ("country", "ISR"), ("topic", "ceasefire"), ("person", "Jane Envoy")}


def known(kind: str, value: str) -> bool:
    return (kind, value) in KNOWN


QUERIES = (
    Query("Ceasefire in Lebanon", Filters(search="ceasefire -Hamas", countries=("LBN",))),
    Query('Both & "all"', Filters(countries=("LBN", "ISR"), countries_mode="all", primary_only=True)),
    Query("Dated envoy", Filters(people=("Jane Envoy",), date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))),
    Query("Topic = ?&#", Filters(topics=("ceasefire",), search='"humanitarian aid" OR relief')),
)  # fmt: skip


def through_url(view: View) -> tuple[View, list[str]]:
    """The view written to a link and read back, as a browser would carry it."""
    query = urlencode(to_params(view), doseq=True)
    return parse_params(parse_qs(query), known)


@pytest.mark.parametrize("count", range(len(QUERIES) + 1))
def test_compared_queries_round_trip_through_the_url(count: int) -> None:
    view = View(filters=Filters(search="gaza"), chart="compare", compare=QUERIES[:count])
    back, notices = through_url(view)
    assert back == view
    assert notices == []


def test_one_query_is_one_cmp_value_of_the_pages_own_filter_parameters() -> None:
    value = encode_query(QUERIES[0])
    assert parse_qs(value) == {
        "name": ["Ceasefire in Lebanon"],
        "q": ["ceasefire -Hamas"],
        "country": ["LBN"],
    }
    assert to_params(View(compare=QUERIES[:2]))["cmp"] == [encode_query(q) for q in QUERIES[:2]]


def cmp(*values: str) -> dict[str, list[str]]:
    return {"cmp": list(values)}


@pytest.mark.parametrize(
    ("params", "notice", "kept"),
    [
        (cmp(*[f"name=q{n}&q=w{n}" for n in range(MAX_QUERIES + 3)]), "kept the first 5", MAX_QUERIES),
        (cmp("name=big&q=" + "x" * MAX_QUERY_CHARS), f"longer than {MAX_QUERY_CHARS}", 0),
        (cmp("&".join(["c=1"] * 250)), "more than 200 values", 0),
        (cmp("name=a&country=XXX&country=<script>"), "compared query 1: ignored 2 unknown country", 1),
        (cmp("name=a&from=yesterday"), "compared query 1: ignored 'from'", 1),
        (cmp("name=a&page=3&article=0123456789abcdef&cmp=name%3Dnested"), "not filters", 1),
        (cmp("name=a&q=" + "y" * 400), "compared query 1: ignored 'q': longer than", 1),
        (cmp("name=a&mode=DROP TABLE"), "is not one of", 1),
        (cmp("ok=1", "name=b&from=2025-01-01&to=2024-01-01"), "compared query 2: ignored the date range", 2),
    ],
)
def test_hostile_cmp_values_become_notices(params: dict[str, list[str]], notice: str, kept: int) -> None:
    view, notices = parse_params(params, known)
    assert any(notice in n for n in notices), notices
    assert len(view.compare) == kept


def test_a_nested_cmp_or_view_parameter_inside_a_query_is_not_obeyed() -> None:
    view, _ = parse_params(cmp("name=a&q=talks&page=3&cmp=name%3Dnested&sort=oldest"), known)
    assert view.compare == (Query("a", Filters(search="talks")),)
    assert view.page == 0 and view.sort == "newest"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Gaza\u202e talks", "Gaza talks"),  # a bidi override would reverse the legend
        ("two\x00\nlines\ttabbed", "two lines tabbed"),
        ("x" * 500, "x" * MAX_QUERY_NAME),
        ("  \u200b ", "All coverage"),  # nothing visible: a name from the filters
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # kept as text, escaped when shown
    ],
)
def test_names_are_plain_and_short(name: str, expected: str) -> None:
    assert query_name(name, Filters()) == expected
    view, _ = parse_params(cmp(urlencode({"name": name})), known)
    assert view.compare[0].name == expected


def test_a_query_without_a_name_is_named_from_its_filters() -> None:
    view, _ = parse_params(cmp("country=LBN&q=ceasefire"), known)
    assert view.compare[0].name == '"ceasefire" · Lebanon'
    assert describe_filters(Filters()) == "All coverage"
    long = Filters(search="a", countries=("LBN", "ISR"), topics=("ceasefire",))
    assert describe_filters(long).endswith(" …")
    assert len(describe_filters(Filters(search="w" * 300))) <= MAX_QUERY_NAME


def test_repeated_names_are_told_apart() -> None:
    named = unique_names(
        [Query("Gaza", Filters()), Query("Gaza", Filters(search="a")), Query("Gaza", Filters())]
    )
    assert [q.name for q in named] == ["Gaza", "Gaza (2)", "Gaza (3)"]
    view, _ = parse_params(cmp("name=Gaza", "name=Gaza&q=aid"), known)
    assert [q.name for q in view.compare] == ["Gaza", "Gaza (2)"]
