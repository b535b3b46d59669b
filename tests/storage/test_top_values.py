"""Top countries and people of a set of articles, counted over tags read once per store."""

from __future__ import annotations

import numpy as np
import pytest

from storage.query import Filters, Store
from storage.top_values import tags, top_values


def test_no_articles_have_no_top_values(sample: Store) -> None:
    assert top_values(sample, np.empty(0, dtype=np.int64), False, 5) == []


@pytest.mark.parametrize("primary_only", [False, True])
def test_every_article_counts_as_the_facets_count(sample: Store, primary_only: bool) -> None:
    every = np.arange(sample.size)
    counted = {sample.value_name(v): n for v, n in top_values(sample, every, primary_only, 1_000)}
    facets = sample.facets(Filters(primary_only=primary_only), limit=1_000)
    expected = {v: n for kind in ("country", "person") for v, n in facets[kind].itertuples(index=False)}
    assert counted == expected
    assert {kind: bool(len(facets[kind])) for kind in ("country", "person")} == {
        "country": True,
        "person": True,
    }


def test_the_tags_are_read_once_per_store(sample: Store) -> None:
    assert tags(sample) is tags(sample)
    assert tags(sample).primary[~tags(sample).country].sum() == 0  # people are never primary
