"""The shape passes run per paragraph with cue tests: they must find what whole-segment passes find."""

from __future__ import annotations

import polars as pl
import pytest

from loaders import name_patterns

# Invented text: names by title, institution word, acronym and speech verb, in several paragraphs,
# some without any cue word, one name broken across a line.
SEGMENTS = [
    "Foreign Minister Marta Quillon met the Harbour Valley Police.\nNothing else happened here.",
    "The Riverside Tenants Association (RTA) wrote to the Ministry of Coastal Works.\n"
    "Leona Brask said the talks would go on, said Tomas Everly.",
    "A quiet paragraph with Capital Words Only.\nOwen Marsh told reporters of the Delta\nUniversity.",
    "",
    "Juliette Farrow, the group's spokeswoman, said Adam Kessel had left the Northfield College.",
]


def whole_segment_passes(prose: pl.DataFrame) -> pl.DataFrame:
    """The three passes over each whole segment, as find_names ran them before the cue tests."""
    text = pl.col("text")
    shapes = (name_patterns.PERSON_SHAPES, name_patterns.ORGANIZATION_SHAPES, name_patterns.SPEECH_SHAPES)
    found = pl.concat_list([text.str.extract_all(s) for s in shapes]).alias("name")
    return prose.select("position", "section_weight", found).explode("name").drop_nulls("name")


@pytest.fixture
def prose() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "position": pl.Series([0, 0, 1, 2, 2], dtype=pl.UInt32),
            "section_weight": [3.0, 1.0, 3.0, 1.0, 0.5],
            "text": SEGMENTS,
        }
    )


def test_shape_matches_equal_whole_segment_passes(prose: pl.DataFrame) -> None:
    found = name_patterns.shape_matches(prose)
    assert found.height >= 8  # the text's names are found, not skipped
    assert found.equals(whole_segment_passes(prose))


def test_no_shape_spans_a_line_break(prose: pl.DataFrame) -> None:
    names = name_patterns.shape_matches(prose).get_column("name").to_list()
    assert not any("\n" in n for n in names)
    assert "Delta\nUniversity" not in names
