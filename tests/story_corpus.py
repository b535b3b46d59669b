"""An invented corpus with developing stories: three outlets on one set of talks over three
days, two on a water deal, the talks again a month later (a new story), and two loners."""

from __future__ import annotations

from pathlib import Path

from loaders.normalize import copies_from_raw
from loaders.schema import RawArticle
from storage.build import append_copies

# (title, body, published, source): one-sentence bodies, too short to fold as near copies.
TALKS = [
    (
        "Envoys open maritime corridor talks in Muscat",
        "Negotiators from three coastal states opened talks in Muscat on a shared maritime corridor"
        " for cargo ships.",
        "2025-03-03",
        "Levant Wire",
    ),
    (
        "Maritime corridor talks in Muscat enter second day",
        "The maritime corridor talks in Muscat continued with a debate on port fees and cargo inspections.",
        "2025-03-04",
        "Gulf Ledger",
    ),
    (
        "Muscat talks end with a draft maritime corridor accord",
        "Envoys left Muscat with a draft accord on the maritime corridor and a date for signing.",
        "2025-03-05",
        "Nile Dispatch",
    ),
]
WATER = [
    (
        "Aqaba desalination plant deal signed by two governments",
        "Ministers signed a deal in Aqaba to build a desalination plant that will pump water north.",
        "2025-03-04",
        "Levant Wire",
    ),
    (
        "Desalination plant deal in Aqaba draws praise from donors",
        "Donors praised the Aqaba desalination plant deal and pledged loans for the water pipeline.",
        "2025-03-05",
        "Gulf Ledger",
    ),
]
LATER_TALKS = (
    "Maritime corridor accord signed in Muscat",
    "The maritime corridor accord drafted in Muscat was signed by the three coastal states.",
    "2025-04-10",
    "Gulf Ledger",
)
LONERS = [
    (
        "Wheat harvest falls after a dry winter",
        "Farmers counted the smallest wheat harvest in ten years after a winter without rain.",
        "2025-03-04",
        "Nile Dispatch",
    ),
    (
        "Museum reopens with a hall of ancient coins",
        "A national museum reopened its doors with a hall of ancient coins and pottery.",
        "2025-03-05",
        "Levant Wire",
    ),
]


def story_articles() -> list[RawArticle]:
    """Every article of the corpus, in the order they are ingested."""
    rows = [*TALKS, *WATER, LATER_TALKS, *LONERS]
    return [
        RawArticle(
            title=title,
            body=lead,
            published_meta=published,
            source=source,
            origin=f"fixture:story-{number}",
        )
        for number, (title, lead, published, source) in enumerate(rows)
    ]


def build_story_store(path: Path, batches: int = 1) -> Path:
    """A store of story_articles(), ingested in this many batches (in order)."""
    articles = story_articles()
    size = -(-len(articles) // batches)
    for start in range(0, len(articles), size):
        append_copies(path, [copies_from_raw(articles[start : start + size])])
    return path
