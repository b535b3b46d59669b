"""Tests for loaders.entities: gazetteer files and the tagger, on invented text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loaders.entities import GAZETTEER_DIR, load_gazetteer, tag_articles


def tag_one(body: str, title: str = "", captions: tuple[str, ...] = ()):
    """Tags of a single made-up article."""
    return tag_articles([title], [body], [list(captions)])


def read(name: str) -> list[dict[str, str]]:
    with (GAZETTEER_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials in Iran and Israel traded warnings.", {"IRN", "ISR"}),
        ("The United Arab Emirates and the UAE are the same.", {"ARE"}),
        ("Iranian diplomats met Saudi and Emirati envoys.", {"IRN", "SAU", "ARE"}),
        ("Moscow said the proposal was unacceptable.", {"RUS"}),
        ("Tehran rejected the claim; Washington disagreed.", {"IRN", "USA"}),
        ("Fighting resumed near Aleppo and Idlib.", {"SYR"}),
        ("Aid trucks waited outside Gaza.", {"PSE"}),
        ("Strikes hit the southern suburbs of Beirut.", {"LBN"}),
        ("Talks were held in Türkiye and Turkiye's capital Ankara.", {"TUR"}),
        ("A woman spoke to the press about the harvest.", set()),
        ("Let us hope the weather holds for all of us.", set()),
        ("The US and the U.S. Treasury agreed.", {"USA"}),
        ("She flew from Tirana to Vienna.", {"ALB", "AUT"}),  # not Iran inside Tirana
        ("Settlers were seen in East Jerusalem.", {"PSE"}),
        ("The mayor of Jerusalem spoke.", {"ISR"}),
        ("Houthi fighters fired on ships off Hodeidah and Sanaa.", {"YEM"}),
    ],
)
def test_countries(text: str, expected: set[str]) -> None:
    assert set(tag_one(text).countries[0]) == expected


def test_countries_ordered_by_mentions() -> None:
    tags = tag_one("Lebanon, Lebanon and Lebanon. Syria once. Lebanese officials.")
    assert tags.countries[0][0] == "LBN"


def test_gaza_strip_counts_once() -> None:
    tags = tag_one("Rain fell over the Gaza Strip.")
    counts = tags.mentions.set_index(["kind", "value"])["count"]
    assert counts[("country", "PSE")] == 1


def test_primary_excludes_passing_mention() -> None:
    title = "Lebanon says Israel escalated strikes on border villages"
    body = (
        "Lebanese officials accused Israel of shelling villages in southern Lebanon.\n\n"
        "The Israeli army said it targeted militants near the frontier with Lebanon.\n\n"
        "Residents fled north as Israeli drones circled. Lebanese troops deployed.\n\n"
        "A diplomat recalled that France had once offered to mediate.\n\n"
        "Israel and Lebanon have no diplomatic relations."
    )
    primary = tag_one(body, title).countries_primary[0]
    assert {"LBN", "ISR"} <= set(primary)
    assert "FRA" not in primary
    assert "FRA" in tag_one(body, title).countries[0]


def test_primary_never_empty_when_countries_found() -> None:
    tags = tag_one("A brief note that Oman hosted a conference.")
    assert tags.countries_primary[0] == ["OMN"]


def test_captions_weigh_lightly_for_primary() -> None:
    tags = tag_one(
        "Jordan and Egypt called for a truce. Jordanian and Egyptian ministers spoke.",
        title="Jordan and Egypt urge truce",
        captions=("Ministers at a conference in Rome, Italy.",),
    )
    assert set(tags.countries_primary[0]) == {"JOR", "EGY"}
    assert "ITA" in tags.countries[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Russian Foreign Minister Sergei Lavrov spoke. Later Lavrov added more.",
            ["Sergei Lavrov"],
        ),
        ("Abdelatty said Cairo would host the meeting.", ["Badr Abdelatty"]),
        (
            "Foreign Minister Jane Doe of Ruritania arrived. Doe then met officials. Doe left.",
            ["Jane Doe"],
        ),
        ("Prime Minister Netanyahu spoke.", ["Benjamin Netanyahu"]),
        ("Foreign Minister Abbas Araghchi met the envoy.", ["Abbas Araghchi"]),
    ],
)
def test_people(body: str, expected: list[str]) -> None:
    assert tag_one(body).people[0] == expected


def test_unknown_person_surname_counts() -> None:
    tags = tag_one("Foreign Minister Jane Doe arrived. Doe then met officials. Doe left.")
    counts = tags.mentions.set_index(["kind", "value"])["count"]
    assert counts[("person", "Jane Doe")] == 3


def test_person_alone_is_no_country_mention() -> None:
    # A person's country only strengthens a country the text names (labelling rules, gold README).
    assert tag_one("Lavrov spoke at length.").countries[0] == []


def test_person_strengthens_a_named_country() -> None:
    tags = tag_one("Lavrov and Putin spoke. Russia and France were named once each.")
    assert tags.countries[0] == ["FRA", "RUS"] or tags.countries_primary[0][0] == "RUS"
    assert tags.countries_primary[0][0] == "RUS"


def test_place_name_does_not_imply_person() -> None:
    assert tag_one("Ships docked at Bandar Abbas.").people[0] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The UN Security Council met on Friday.", {"UN Security Council"}),
        ("Hamas and Hezbollah issued statements.", {"Hamas", "Hezbollah"}),
        ("The Houthis, also known as Ansar Allah, fired missiles.", {"Houthis"}),
        ("UNRWA and the WHO warned of disease.", {"UNRWA", "World Health Organization"}),
        ("Who will pay? Nobody knows who.", set()),
        ("The Arab League and the League of Arab States are one body.", {"Arab League"}),
        ("NATO and Nato allies met.", {"NATO"}),
    ],
)
def test_organizations(text: str, expected: set[str]) -> None:
    assert set(tag_one(text).organizations[0]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mediators pushed for a ceasefire.", "ceasefire"),
        ("The cease-fire held overnight.", "ceasefire"),
        ("A truce was announced.", "ceasefire"),
        ("New sanctions were imposed.", "sanctions"),
        ("Families of the hostages protested.", "hostages"),
        ("Inspectors visited uranium enrichment sites.", "nuclear program"),
    ],
)
def test_topics(text: str, expected: str) -> None:
    assert expected in tag_one(text).topics[0]


def test_batch_alignment_and_mentions_shape() -> None:
    tags = tag_articles(
        ["Syria talks", "", "Weather"],
        ["Damascus said talks would resume.", "", "Sunny skies."],
        [[], ["Photo in Cairo"], []],
    )
    assert tags.countries == [["SYR"], ["EGY"], []]
    assert len(tags.people) == len(tags.topics) == len(tags.organizations) == 3
    assert list(tags.mentions.columns)[:4] == ["position", "kind", "value", "count"]
    assert "evidence" in tags.mentions.columns
    assert str(tags.mentions["position"].dtype) == "int64"
    assert str(tags.mentions["count"].dtype) == "int64"
    assert set(tags.mentions["kind"]) <= {"country", "person", "organization", "topic"}


def test_empty_batch() -> None:
    tags = tag_articles([], [], [])
    assert tags.countries == [] and tags.mentions.empty


def test_gazetteer_files_parse_and_iso3_exist() -> None:
    countries = {row["iso3"] for row in read("countries.csv")}
    assert {"PSE", "ISR", "IRN", "USA", "RUS", "TUR", "SAU", "ARE"} <= countries
    for row in read("country_terms.csv"):
        assert row["iso3"] in countries, row
        assert row["kind"] in {"name", "demonym", "capital", "place", "label"}, row
    for row in read("people.csv"):
        assert not row["iso3"] or row["iso3"] in countries, row
    assert all(row["name"] for row in read("organizations.csv"))
    assert all(row["patterns"] for row in read("topics.csv"))


def test_load_gazetteer_default_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()


def test_load_gazetteer_from_folder(tmp_path: Path) -> None:
    for name in ("countries.csv", "people.csv", "organizations.csv", "topics.csv"):
        (tmp_path / name).write_text((GAZETTEER_DIR / name).read_text(encoding="utf-8"))
    (tmp_path / "country_terms.csv").write_text("pattern,iso3,kind\nNarnia,XXX,name\n")
    with pytest.raises(ValueError, match="XXX"):
        load_gazetteer(tmp_path)
