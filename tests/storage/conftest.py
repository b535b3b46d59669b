"""Fixtures the storage tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.query import Store


@pytest.fixture(scope="module")
def sample(sample_store: Path) -> Iterator[Store]:
    """The demo corpus, open for one test module: it names people and tags primary countries
    (the fixture corpus names no one)."""
    opened = Store(sample_store)
    yield opened
    opened.close()
