"""Top countries and people of a set of articles, counted over tags read once per store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from storage.query import Filters, Store
from storage.top_values import tags, top_values


@pytest.fixture(scope="module")
def store(sample_store: Path) -> Iterator[Store]:
    """The demo corpus: it names people and tags primary countries."""
    opened = Store(sample_store)
    yield opened
    opened.close()


def test_no_articles_have_no_top_values(store: Store) -> None:
    assert top_values(store, np.empty(0, dtype=np.int64), False, 5) == []


@pytest.mark.parametrize("primary_only", [False, True])
def test_every_article_counts_as_the_facets_count(store: Store, primary_only: bool) -> None:
    every = np.arange(store.size)
    counted = {store.value_name(v): n for v, n in top_values(store, every, primary_only, 1_000)}
    facets = store.facets(Filters(primary_only=primary_only), limit=1_000)
    expected = {v: n for kind in ("country", "person") for v, n in facets[kind].itertuples(index=False)}
    assert counted == expected
    assert {kind: bool(len(facets[kind])) for kind in ("country", "person")} == {
        "country": True,
        "person": True,
    }


def test_the_tags_are_read_once_per_store(store: Store) -> None:
    assert tags(store) is tags(store)
    assert tags(store).primary[~tags(store).country].sum() == 0  # people are never primary
