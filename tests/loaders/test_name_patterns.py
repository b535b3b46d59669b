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


# Paragraphs where shapes of different passes meet: the title's name is also a "NAME, role" and
# a "NAME of State"; an owner's person follows a role; a peer sits inside a title's reach.
CROSSING = [
    "Foreign Minister Ayman Qadri, the country's chief negotiator, arrived.",
    "Senator Lena Voss of Kentucky, a former prosecutor, objected.",
    "The party's leader, Tom Reyes, said the SDLP's Ann Doyle was right.",
    "Lord Brennan met Prime Minister Rosa Ilic, the coalition's head, in the capital.",
    "Dana Kerr was director of the fund; Envoy Mark Lund is its founder.",
    "Nothing here but a quiet street.",
    "",
]


def paragraph_rows(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": pl.Series(range(len(texts)), dtype=pl.UInt32),
            "segment": pl.Series(range(len(texts)), dtype=pl.UInt32),
            "text": texts,
        }
    )


def test_the_passes_find_what_the_alternation_finds() -> None:
    rows = paragraph_rows(CROSSING)
    alternation = name_patterns._one_alternation(rows).select("segment", "name")
    assert alternation.height >= 8
    assert name_patterns._person_matches(rows.drop("row")).equals(alternation)


def test_where_passes_overlap_the_alternation_decides() -> None:
    # TITLE_NAME takes "Foreign Minister Ayman Qadri"; the second pass alone would also take
    # "Ayman Qadri, the country's chief" as a NAME, role: the alternation never reaches it.
    rows = paragraph_rows(CROSSING[:1])
    separate = [
        rows.select(pl.col("text").str.extract_all(p)).item().to_list() for p in name_patterns.PERSON_PASSES
    ]
    assert all(separate)
    names = name_patterns._person_matches(rows.drop("row")).get_column("name").to_list()
    assert names == name_patterns._one_alternation(rows).get_column("name").to_list()
    assert not any(n.startswith("Ayman") for n in names)
