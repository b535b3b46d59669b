"""Countries, people, organizations and topics in article text, from editable gazetteers."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import polars as pl

from loaders import name_patterns, places
from loaders.gazetteer import GAZETTEER_DIR, read_table, rules_dir, split_aliases
from loaders.spacing import Spacer

__all__ = ["GAZETTEER_DIR", "Gazetteer", "Tags", "load_gazetteer", "tag_articles"]
from loaders.schema import EVIDENCE_SEPARATOR

# How much one mention weighs for countries_primary, by where it stands in the article.
TITLE_WEIGHT = 4.0
LEAD_WEIGHT = 2.0
BODY_WEIGHT = 1.0
# Captions repeat what the photo shows (often a venue or a visiting official): count them lightly.
CAPTION_WEIGHT = 0.25
# The lead is the first paragraphs, cut at this many characters for bodies without paragraph breaks.
LEAD_MAX_CHARS = 500
# A capital is as often the venue ("talks in Rome") as the government ("Moscow said").
CAPITAL_WEIGHT = 0.5
# A named official implies their country, but less than naming the country itself.
PERSON_COUNTRY_WEIGHT = 0.5
# countries_primary keeps at most this many, each scoring at least this share of the top score.
MAX_PRIMARY = 3
PRIMARY_MIN_SHARE = 0.4
# A name found only by the title pattern needs a first name and a surname to be trusted.
MIN_NAME_TOKENS = 2
# A city ("Sheffield", from loaders/places.py) or a state institution ("the Knesset", "the Met")
# says where a story happens more than a country's name, which is as often the subject of a
# protest or a vote elsewhere: both weigh double.
PLACE_WEIGHT = 2.0
INSTITUTION_COUNTRY_WEIGHT = 2.0
# The war's own name ("the Israel-Gaza war") in a story from elsewhere is a reference, not a report
# from there: it counts as a mention of both countries but weighs a quarter.
LABEL_WEIGHT = 0.25
# Topic cues: each mention scores its weight times the section weight. A strong cue fires alone;
# a weak one needs a second mention or the title/lead. A topic is kept when its score reaches
# TOPIC_MIN_SCORE. (Counting once per sentence instead measured the same on the gold set, at
# twice the cost.)
TOPIC_STRONG_WEIGHT = 2.0
TOPIC_WEAK_WEIGHT = 1.0
TOPIC_MIN_SCORE = 3.0
# Evidence keeps at most this many distinct phrases per tag.
MAX_EVIDENCE = 5
# Kinds that only steer other tags and are never shown: a veto swallows what it contains
# ("Jordan River" holds "Jordan"); a hint adds to a country already mentioned (a person's country).
VETO = "veto"
# Marks a gazetteer phrase that matches only with its case (organizations.csv `cased`).
CASED_MARK = "="
COUNTRY_HINT = "country_hint"
# country_terms.csv kinds that name a state itself (not "place" or "label"): in a headline, primary.
HEADLINE_TERM_KINDS = ("name", "demonym", "capital")
# Between a topic cue and its weight in topics.csv: "visit:0.5".
CUE_WEIGHT_MARK = ":"

# Characters that end a word. Each becomes one space (loaders/spacing.py, on the text's bytes);
# spaces themselves are kept, so the automaton runs overlapping.
SEPARATORS = tuple("\n\r\t\u00a0\u2009\u202f\u200b,.;:!?'\"’‘“”()[]{}<>-‐‑–—/\\|«»…•*&+=#@_~`$%")
_SPACER = Spacer(SEPARATORS)
# Titles that precede a name: "Foreign Minister Ayman Safadi", "President Joe Biden".
ROLE_TITLES = (
    "Deputy Prime Minister",
    "Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Interior Minister",
    "Finance Minister",
    "Foreign Secretary",
    "Secretary of State",
    "Secretary-General",
    "Secretary General",
    "Vice President",
    "President",
    "Crown Prince",
    "Special Envoy",
    "Envoy",
    "Ambassador",
    "Chancellor",
    "Speaker",
)
_NAME_TOKEN = r"[A-Z][a-z]+(?:['’][a-z]{2,}|-[A-Za-z][a-z]+)*"
_NAME_PARTICLE = r"(?:(?:al|el|bin|ibn|bou|abu|de|van|von|der|le)[ -])"
_ROLE_PREFIX = r"\b(?:" + "|".join(re.escape(t) for t in ROLE_TITLES) + r") "
_ROLE_PREFIX_AT_START = "^" + _ROLE_PREFIX.removeprefix(r"\b")
ROLE_NAME_PATTERN = _ROLE_PREFIX + _NAME_TOKEN + rf"(?: {_NAME_PARTICLE}?{_NAME_TOKEN}){{0,3}}"

_LEAD_RE = r"^\s*[^\n]*(?:\n\s*[^\n]*)?"
_URL_RE = r"(?:https?://|www\.)\S+"
_INITIAL_STOP = r"(?-u:\b)([A-Z])\. "
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]+$")
_SCORED_SCHEMA = name_patterns.SCORED_SCHEMA  # one shape for every scored mention
_KEY_SHIFT = 1 << 32  # (segment, pattern code) as one integer: segment * _KEY_SHIFT + code
_SPLIT = re.compile("[" + re.escape("".join(SEPARATORS)) + r"\s]+")


@dataclass
class Gazetteer:
    """Patterns from the gazetteer files, ready for the automaton; build it once and reuse."""

    countries: dict[str, tuple[str, str]]  # iso3 -> (name, region)
    lower_patterns: list[str]  # space-padded, lowercased: matched against lowercased text
    cased_patterns: list[str]  # space-padded acronyms ("US", "UN"): matched with their case
    entities: pl.DataFrame  # pattern, kind, value, weight (one pattern may name several things)
    nesting: pl.DataFrame  # pattern, parent, multiplicity: "gaza" inside "gaza strip"
    person_keys: set[str] = field(default_factory=set)  # normalized names and aliases of people
    organization_keys: set[str] = field(default_factory=set)  # lowercase patterns of organizations
    known_keys: set[str] = field(default_factory=set)  # lowercase patterns of places and organizations
    demonyms: dict[str, str] = field(default_factory=dict)  # country word -> demonym ("egypt": "Egyptian")
    # pattern, value: phrases naming a state itself, which make it primary when in the headline
    headline_countries: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"pattern": pl.String, "value": pl.String})
    )
    # The same tables keyed by integers, built at the first tagging (see _pattern_index).
    index: PatternIndex | None = field(default=None, repr=False, compare=False)


@dataclass
class PatternIndex:
    """The gazetteer's match tables with every pattern a code and every (kind, value) an entity
    number: the per-hit groups and joins run on integers, about three times cheaper than on the
    pattern strings. Codes follow the phrases' order, so sorting codes sorts the evidence."""

    pattern_type: pl.Enum  # every pattern, in code order
    phrases: pl.Series  # code -> the pattern unpadded, as evidence shows it (an Enum, code order)
    entities: pl.DataFrame  # code, entity, weight
    kinds: pl.Series  # entity -> kind
    values: pl.Series  # entity -> value
    nesting: pl.DataFrame  # code (the child), parent (its code), multiplicity
    # The automaton's patterns: the lowercase ones and the lowercase forms of the cased ones.
    scan_patterns: list[str] = field(default_factory=list)
    scan_type: pl.Enum = field(default_factory=lambda: pl.Enum([]))
    scan_codes: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.UInt32))  # scan -> code
    # scan number of a lowercase form -> the cased patterns it stands for, with their codes
    probes: dict[int, list[tuple[str, int]]] = field(default_factory=dict)


@dataclass
class Tags:
    """Entities per article, aligned with the inputs, plus the long form for facets."""

    countries: list[list[str]]
    countries_primary: list[list[str]]
    people: list[list[str]]
    organizations: list[list[str]]
    topics: list[list[str]]
    mentions: pd.DataFrame  # position, kind, value, count, evidence (the phrases that fired it)


def normalize_phrase(text: str) -> str:
    """A phrase as the automaton sees it: separators to single spaces, padded with one space.
    A comma before a space stays two spaces, as in the text ("Foreign, Commonwealth and ...")."""
    parts = (" ".join(t for t in _SPLIT.split(part) if t) for part in text.split(", "))
    return " " + "  ".join(p for p in parts if p) + " "


def is_acronym_pattern(text: str) -> bool:
    """Whether a phrase must match with its case: "US" and "U.S." but not "us"."""
    tokens = [t for t in _SPLIT.split(text) if t]
    # Longer phrases ("UN Security Council") are unambiguous in lowercase: one cheaper pass.
    single = len(tokens) == 1 or all(len(t) == 1 for t in tokens)
    return single and any(c.isalpha() for c in text) and text == text.upper()


def _gazetteer_rows(folder: Path) -> tuple[dict[str, tuple[str, str]], list[tuple], set[str]]:
    """(countries, rows of (phrase, kind, value, weight), person keys) from the CSV files."""
    countries = {r["iso3"]: (r["name"], r["region"]) for r in read_table(folder / "countries.csv")}
    rows: list[tuple[str, str, str, float]] = []
    for r in read_table(folder / "country_terms.csv"):
        _check_iso3(countries, r["iso3"], "country_terms.csv", r["pattern"])
        weight = {"capital": CAPITAL_WEIGHT, "label": LABEL_WEIGHT}.get(r["kind"], 1.0)
        rows.append((r["pattern"], "country", r["iso3"], weight))
    for country_name_iso3, (name, _region) in countries.items():
        rows.append((name, "country", country_name_iso3, 1.0))
    person_keys: set[str] = set()
    for r in read_table(folder / "people.csv"):
        names = [r["name"], *split_aliases(r["aliases"])]
        for phrase in [*names, *(v for n in names for v in name_patterns.person_variants(n))]:
            rows.append((phrase, "person", r["name"], 1.0))
            person_keys.add(normalize_phrase(phrase.lower()))
            tokens = name_patterns.person_tokens(phrase)
            if tokens:
                person_keys.add(" " + " ".join(tokens) + " ")
                person_keys.add(f" {tokens[0]} {tokens[-1]} ")
            if r["iso3"]:
                _check_iso3(countries, r["iso3"], "people.csv", r["name"])
                rows.append((phrase, COUNTRY_HINT, r["iso3"], PERSON_COUNTRY_WEIGHT))
    for r in read_table(folder / "organizations.csv"):
        # Cased aliases match only as written: "Labour" the party, not "forced labour".
        cased = [CASED_MARK + a for a in split_aliases(r.get("cased", ""))]
        for phrase in [r["name"], *split_aliases(r["aliases"]), *cased]:
            rows.append((phrase, "organization", r["name"], 1.0))
            if r.get("iso3"):
                _check_iso3(countries, r["iso3"], "organizations.csv", r["name"])
                rows.append((phrase, "country", r["iso3"], INSTITUTION_COUNTRY_WEIGHT))
    for r in read_table(folder / "topics.csv"):
        for column, weight in (("strong", TOPIC_STRONG_WEIGHT), ("patterns", TOPIC_WEAK_WEIGHT)):
            for cue in split_aliases(r.get(column, "")):
                phrase, share = cue_weight(cue)
                rows.append((phrase, "topic", r["topic"], weight * share))
    vetoes = folder / "vetoes.csv"
    for r in read_table(vetoes) if vetoes.exists() else []:
        rows.append((r["pattern"], VETO, "", 1.0))
    rows += _place_rows(countries, rows, folder)
    return countries, rows, person_keys


def cue_weight(cue: str) -> tuple[str, float]:
    """A topic cue and its share of its column's weight: "visit:0.5" counts half ("visit" is as
    often a family's as a minister's); a cue without a share counts in full."""
    phrase, mark, share = cue.rpartition(CUE_WEIGHT_MARK)
    if mark and re.fullmatch(r"\d+(?:\.\d+)?", share.strip()):
        return phrase.strip(), float(share)
    return cue, 1.0


def _place_rows(countries: dict[str, tuple[str, str]], rows: list[tuple], folder: Path) -> list[tuple]:
    """Cities from the places package for the countries listed, as country rows."""
    focus = frozenset(iso3 for iso3, (_name, region) in countries.items() if region in places.FOCUS_REGIONS)
    taken = frozenset(" ".join(_SPLIT.split(phrase.lower())).strip() for phrase, *_ in rows)
    people = frozenset(w.lower() for phrase, kind, *_ in rows if kind == "person" for w in phrase.split())
    found = places.place_rows(focus, taken, people, folder / "place_exclusions.csv")
    # Matched only as written: "Sheffield", and "East London" (South Africa) is not "east London".
    return [(CASED_MARK + name, "country", iso3, PLACE_WEIGHT) for name, iso3 in found if iso3 in countries]


def _check_iso3(countries: dict[str, tuple[str, str]], iso3: str, file: str, what: str) -> None:
    if iso3 not in countries:
        raise ValueError(f"{file}: {what!r} names iso3 {iso3!r}, which countries.csv lacks")


def _pattern_key(phrase: str) -> str:
    """The padded pattern for a phrase: acronyms and cased aliases keep their case, everything else
    is lowercased."""
    if phrase.startswith(CASED_MARK):
        return normalize_phrase(phrase.removeprefix(CASED_MARK))
    return normalize_phrase(phrase if is_acronym_pattern(phrase) else phrase.lower())


def load_gazetteer(folder: Path | None = None) -> Gazetteer:
    """Read the gazetteer CSVs into matchable patterns. Default: loaders.gazetteer.rules_dir()
    ($COVERAGE_GAZETTEER or loaders/gazetteer/), built once per folder and cached."""
    if folder is None:
        return _default_gazetteer(rules_dir())
    return _build_gazetteer(Path(folder))


@functools.lru_cache(maxsize=2)
def _default_gazetteer(folder: Path) -> Gazetteer:
    return _build_gazetteer(folder)


def _build_gazetteer(folder: Path) -> Gazetteer:
    countries, rows, person_keys = _gazetteer_rows(folder)
    own: dict[str, dict[tuple[str, str], float]] = {}
    for phrase, kind, value, weight in rows:
        key = _pattern_key(phrase)
        if key.strip():
            entry = own.setdefault(key, {})
            entry[(kind, value)] = max(weight, entry.get((kind, value), 0.0))
    own = _fold_acronyms_into_lowercase(own)
    nesting, capitalized = _nesting(list(own))
    entities = _inherit(own, nesting)
    lowercase = {
        kind: {k.lower() for k, ents in own.items() if any(e[0] == kind for e in ents)}
        for kind in ("organization", "country")
    }
    lower = sorted(k for k in own if k == k.lower())
    cased = sorted(k for k in own if k != k.lower())
    return Gazetteer(
        countries=countries,
        lower_patterns=lower,
        cased_patterns=cased,
        entities=pl.DataFrame(
            [(p, kind, value, w) for p, ents in entities.items() for (kind, value), w in ents.items()],
            schema={"pattern": pl.String, "kind": pl.String, "value": pl.String, "weight": pl.Float64},
            orient="row",
        ),
        nesting=pl.DataFrame(
            [(child, parent, m) for (child, parent), m in _direct(nesting | capitalized).items()],
            schema={"pattern": pl.String, "parent": pl.String, "multiplicity": pl.Int64},
            orient="row",
        ),
        person_keys=person_keys,
        organization_keys=lowercase["organization"],
        known_keys=lowercase["organization"] | lowercase["country"],
        demonyms=_demonyms(folder, countries),
        headline_countries=_headline_countries(folder, countries, own, entities, nesting),
    )


def _demonyms(folder: Path, countries: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Country names and demonyms (as the matcher spells them) -> the country's first demonym.
    PSE is left out: Gaza's ministries are listed by name in organizations.csv."""
    rows = [r for r in read_table(folder / "country_terms.csv") if r["iso3"] != "PSE"]
    first: dict[str, str] = {}
    for r in rows:
        if r["kind"] == "demonym":
            first.setdefault(r["iso3"], r["pattern"])
    words = {r["pattern"]: r["iso3"] for r in rows if r["kind"] in ("name", "demonym")}
    words |= {name: iso3 for iso3, (name, _region) in countries.items() if iso3 != "PSE"}
    return {normalize_phrase(w.lower()).strip(): first[iso3] for w, iso3 in words.items() if iso3 in first}


def _headline_countries(
    folder: Path,
    countries: dict[str, tuple[str, str]],
    own: dict[str, dict[tuple[str, str], float]],
    entities: dict[str, dict[tuple[str, str], float]],
    nesting: dict[tuple[str, str], int],
) -> pl.DataFrame:
    """(pattern, value) of the phrases that name a state as an actor: its name, its people, its
    capital, one of its institutions, or a phrase holding one ("Israeli settlements").
    Cities and regions are left out: a headline place is as often a protest's cause as its setting
    ("vigil for Gaza" in a Sheffield story); so is the war's own name."""
    phrases = [name for name, _region in countries.values()]
    terms = read_table(folder / "country_terms.csv")
    phrases += [r["pattern"] for r in terms if r["kind"] in HEADLINE_TERM_KINDS]
    for r in read_table(folder / "organizations.csv"):
        if r.get("iso3"):
            cased = [CASED_MARK + a for a in split_aliases(r.get("cased", ""))]
            phrases += [r["name"], *split_aliases(r["aliases"]), *cased]
    keys = {k if k in own else k.lower() for k in map(_pattern_key, phrases)}
    found = {(k, v) for k in keys for kind, v in entities.get(k, {}) if kind == "country"}
    # A phrase holding one, unless it is a name: "Palestine Action" is a British group.
    for child, parent in nesting:
        if child in keys and not {kind for kind, _ in own[parent]} & {"country", "organization", "person"}:
            found |= {(parent, v) for kind, v in entities[parent] if kind == "country"}
    return pl.DataFrame(sorted(found), schema={"pattern": pl.String, "value": pl.String}, orient="row")


def _fold_acronyms_into_lowercase(
    own: dict[str, dict[tuple[str, str], float]],
) -> dict[str, dict[tuple[str, str], float]]:
    """Drop "NATO" when "Nato" is listed too: the lowercase pass already finds "NATO"."""
    for key in [k for k in own if k != k.lower() and k.lower() in own]:
        for entity, weight in own.pop(key).items():
            target = own[key.lower()]
            target[entity] = max(weight, target.get(entity, 0.0))
    return own


def _nesting(keys: list[str]) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """(child, parent) -> how often child occurs inside parent, e.g. ("gaza", "gaza strip"); and
    the same for capitalized children of lowercase parents ("Austin" in "lloyd austin"), which
    are subtracted where both match but pass nothing on (the parent may be lowercase text)."""
    known = set(keys)
    out: dict[tuple[str, str], int] = {}
    capitalized: dict[tuple[str, str], int] = {}
    for parent in keys:
        tokens = parent.split()
        cased = parent != parent.lower()
        for start in range(len(tokens)):
            for stop in range(start + 1, len(tokens) + 1):
                if stop - start == len(tokens):
                    continue
                span = " " + " ".join(tokens[start:stop]) + " "
                # "UN" inside "un security council": the acronym pass finds it there too.
                for child in {span, span.lower(), span.upper()} if not cased else {span}:
                    if child in known:
                        out[(child, parent)] = out.get((child, parent), 0) + 1
                title = span.title()
                if not cased and title in known and title not in {span, span.lower(), span.upper()}:
                    capitalized[(title, parent)] = capitalized.get((title, parent), 0) + 1
    return out, capitalized


def _direct(nesting: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Keep only the closest parents, so "gaza" inside "gaza city" inside X is subtracted once."""
    parents: dict[str, set[str]] = {}
    for child, parent in nesting:
        parents.setdefault(child, set()).add(parent)
    return {
        (child, parent): m
        for (child, parent), m in nesting.items()
        if not any((other, parent) in nesting for other in parents[child] if other != parent)
    }


def _inherit(
    own: dict[str, dict[tuple[str, str], float]], nesting: dict[tuple[str, str], int]
) -> dict[str, dict[tuple[str, str], float]]:
    """A phrase also names what its parts name, of other kinds: "Israeli army" -> ISR too."""
    out = {key: dict(entities) for key, entities in own.items()}
    for child, parent in nesting:
        kinds = {kind for kind, _ in own[parent]}
        if VETO in kinds:  # "Jordan River" names no country
            continue
        # A name is not about what its words say: "Palestine Solidarity Campaign" is no election.
        named = bool(kinds & {"organization", "person"})
        for (kind, value), weight in own[child].items():
            # A surname inside a place ("Abbas" in "Bandar Abbas") is a coincidence, not a mention.
            if (
                kind not in kinds
                and kind not in ("person", COUNTRY_HINT, VETO)
                and not (named and kind == "topic")
            ):
                entry = out[parent]
                entry[(kind, value)] = max(weight, entry.get((kind, value), 0.0))
    return out


def tag_articles(
    titles: Sequence[str] | pl.Series,
    bodies: Sequence[str] | pl.Series,
    captions: Sequence[Sequence[str]] | pl.Series,
    gazetteer: Gazetteer | None = None,
) -> Tags:
    """Countries, primary countries, people, organizations and topics of a batch of articles.
    Columns may come as polars Series (captions a list column), as the store's ingest has them."""
    gaz = gazetteer or load_gazetteer()
    index = _pattern_index(gaz)
    segments = _segments(titles, bodies, captions)
    hits = _subtract_nested(_match(segments, gaz), index.nesting)
    scored = _score(hits, index, segments)
    headline = _headline_states(hits, segments, index, gaz.headline_countries)
    # Headlines are Title Case ("Ambassador From Italy Amid Dispute"): names only from prose.
    prose = segments.filter(pl.col("section_weight") != TITLE_WEIGHT)
    found = [
        *name_patterns.find_names(prose, gaz.person_keys, gaz.known_keys, gaz.organization_keys),
        name_patterns.find_ministries(prose, gaz.demonyms, gaz.organization_keys),
    ]
    # One row per (article, entity); most-mentioned first, the weightier mention breaking ties.
    scored = _apply_rules(_merge(scored, [f for f in found if f.height]))
    scored = scored.sort(["position", "count", "score", "value"], descending=[False, True, True, False])
    n = len(titles)
    return Tags(
        countries=_lists(scored.filter(pl.col("kind") == "country"), n),
        countries_primary=_lists(_primary(scored.filter(pl.col("kind") == "country"), headline), n),
        people=_lists(scored.filter(pl.col("kind") == "person"), n),
        organizations=_lists(scored.filter(pl.col("kind") == "organization"), n),
        topics=_lists(scored.filter(pl.col("kind") == "topic"), n),
        mentions=_mentions(scored),
    )


def _pattern_index(gaz: Gazetteer) -> PatternIndex:
    """The gazetteer's integer-keyed tables, built once per gazetteer."""
    if gaz.index is None:
        patterns = {*gaz.lower_patterns, *gaz.cased_patterns, *gaz.entities.get_column("pattern")}
        ordered = sorted(patterns, key=lambda p: p.strip(" "))
        phrases = [p.strip(" ") for p in ordered]  # distinct: every pattern is padded by one space
        pattern_type = pl.Enum(ordered)
        code = pl.col("pattern").cast(pattern_type).to_physical().cast(pl.UInt32)
        pairs = gaz.entities.select("kind", "value").unique(maintain_order=True)
        numbered = pairs.with_row_index("entity")
        entities = gaz.entities.join(numbered, on=["kind", "value"]).select(
            code.alias("code"), "entity", "weight"
        )
        nesting = gaz.nesting.select(
            code.alias("code"),
            pl.col("parent").cast(pattern_type).to_physical().cast(pl.UInt32),
            "multiplicity",
        )
        codes = {p: i for i, p in enumerate(ordered)}
        # A cased pattern's lowercase form is never a lowercase pattern (_fold_acronyms_into_lowercase).
        forms: dict[str, list[tuple[str, int]]] = {}
        for pattern in gaz.cased_patterns:
            forms.setdefault(pattern.lower(), []).append((pattern, codes[pattern]))
        scan_patterns = sorted({*gaz.lower_patterns, *forms})
        gaz.index = PatternIndex(
            pattern_type=pattern_type,
            phrases=pl.Series("phrase", phrases, dtype=pl.Enum(phrases)),
            entities=entities,
            kinds=numbered.get_column("kind"),
            values=numbered.get_column("value"),
            nesting=nesting,
            scan_patterns=scan_patterns,
            scan_type=pl.Enum(scan_patterns),
            scan_codes=pl.Series([None if p in forms else codes[p] for p in scan_patterns], dtype=pl.UInt32),
            probes={i: forms[p] for i, p in enumerate(scan_patterns) if p in forms},
        )
    return gaz.index


def _segments(
    titles: Sequence[str] | pl.Series,
    bodies: Sequence[str] | pl.Series,
    captions: Sequence[Sequence[str]] | pl.Series,
) -> pl.DataFrame:
    """One row per (article, section) with its weight, raw text and normalized text."""
    if isinstance(captions, pl.Series):
        joined = captions.list.join("\n")
    else:  # joined here: a list column costs more to build from Python than the whole match pass
        joined = pl.Series(["\n".join(c) for c in captions], dtype=pl.String)
    frame = pl.DataFrame(
        {
            "title": titles if isinstance(titles, pl.Series) else list(titles),
            "body": bodies if isinstance(bodies, pl.Series) else list(bodies),
            "captions": joined,
        },
        schema={"title": pl.String, "body": pl.String, "captions": pl.String},
    ).with_row_index("position")
    body = pl.col("body").fill_null("")
    lead = body.str.extract(_LEAD_RE, 0).fill_null("").str.slice(0, LEAD_MAX_CHARS)
    # A title that is only the body's first words (exports and feeds without a headline) is not a
    # headline: counting it would weigh the first sentence six times.
    # Such a title may end in an ellipsis, and the body may open with a dateline ("LONDON -").
    title = pl.col("title").fill_null("")
    opening = title.str.strip_chars_end("….  ")
    copied = (opening.str.len_chars() > 0) & body.str.slice(0, LEAD_MAX_CHARS).str.contains(
        opening, literal=True
    )
    frame = frame.with_columns(title=pl.when(copied).then(pl.lit("")).otherwise(title))
    frame = frame.with_columns(lead=lead).with_columns(
        rest=body.str.slice(pl.col("lead").str.len_chars()),
        captions=pl.col("captions").fill_null(""),
    )
    parts = [
        frame.select("position", pl.lit(weight).alias("section_weight"), pl.col(column).alias("text"))
        for column, weight in (
            ("title", TITLE_WEIGHT),
            ("lead", LEAD_WEIGHT),
            ("rest", BODY_WEIGHT),
            ("captions", CAPTION_WEIGHT),
        )
    ]
    # An initial's full stop is dropped ("U.S. Navy", "U. S. Navy" -> "U.S Navy", "U S Navy"):
    # punctuation before a space leaves two spaces, and no phrase would match across them.
    segments = pl.concat(parts)
    segments = segments.with_columns(
        _without_urls(segments.get_column("text")).str.replace_all(_INITIAL_STOP, "$1 ")
    )
    spaced = pl.concat_str(pl.lit(" "), _SPACER(segments.get_column("text")), pl.lit(" "))
    # A segment's number is its row: the hits carry it instead of (position, section weight).
    return (
        segments.with_columns(cased=spaced)
        .with_columns(lower=pl.col("cased").str.to_lowercase())
        .with_row_index("segment")
    )


def _without_urls(text: pl.Series) -> pl.Series:
    """A URL's words are not the article's ("...-calling-genocide"): each URL blanked to a space.
    Only the rows holding one are rewritten (a literal test is a fraction of the regex's cost)."""
    text = text.fill_null("")
    rows = (text.str.contains("://", literal=True) | text.str.contains("www.", literal=True)).arg_true()
    if rows.len():
        text = text.scatter(rows, text.gather(rows).str.replace_all(_URL_RE, " "))
    return text


def _match(segments: pl.DataFrame, gaz: Gazetteer) -> pl.DataFrame:
    """Raw pattern counts per segment (segment, code, n), overlapping: one automaton pass over the
    lowercased text finds the lowercase patterns and, in lowercase, the cased ones, which are then
    counted in the cased text of the few segments where their lowercase form occurs. (A second
    pass over the cased text cost as much as the first: the automaton's speed is bound by the
    text, not by the number of patterns.)"""
    index = _pattern_index(gaz)
    if not index.scan_patterns:
        return pl.DataFrame(schema={"segment": pl.UInt32, "code": pl.UInt32, "n": pl.Int64})
    found = (
        segments.select(
            "segment",
            pl.col("lower").str.extract_many(index.scan_patterns, overlapping=True).alias("pattern"),
        )
        .explode("pattern")
        .drop_nulls("pattern")
    )
    scan = found.get_column("pattern").cast(index.scan_type).to_physical()
    segment = found.get_column("segment")
    direct = index.scan_codes.gather(scan)  # null where the hit is a cased pattern's lowercase form
    # One integer key per (segment, pattern): a single-column group is the cheapest there is.
    key = segment.cast(pl.UInt64) * _KEY_SHIFT + direct.cast(pl.UInt64)
    counted = (
        pl.DataFrame({"key": key})
        .drop_nulls("key")
        .group_by("key")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .select(
            (pl.col("key") // _KEY_SHIFT).cast(pl.UInt32).alias("segment"),
            (pl.col("key") % _KEY_SHIFT).cast(pl.UInt32).alias("code"),
            "n",
        )
    )
    probed = pl.DataFrame({"segment": segment, "scan": scan}).filter(direct.is_null()).unique()
    if not probed.height:
        return counted
    return pl.concat([counted, _count_cased(probed, segments.get_column("cased"), index)])


def _count_cased(probed: pl.DataFrame, cased: pl.Series, index: PatternIndex) -> pl.DataFrame:
    """(segment, code, n) of the cased patterns in the segments where their lowercase form was
    found, counted overlapping as the automaton counts ("US" twice in " US US ")."""
    rows: list[tuple[int, int, int]] = []
    texts = cased.gather(probed.get_column("segment")).to_list()
    for segment, scan, text in zip(*probed.get_columns(), texts, strict=True):
        for pattern, code in index.probes[scan]:
            n, at = 0, text.find(pattern)
            while at >= 0:
                n, at = n + 1, text.find(pattern, at + 1)
            if n:
                rows.append((segment, code, n))
    return pl.DataFrame(rows, schema={"segment": pl.UInt32, "code": pl.UInt32, "n": pl.Int64}, orient="row")


def _subtract_nested(hits: pl.DataFrame, nesting: pl.DataFrame) -> pl.DataFrame:
    """Count "Gaza" inside "Gaza Strip" once: the overlapping automaton reports both. Each parent
    hit takes its multiplicity off each child it holds, where that child was hit too."""
    keys = ["segment", "code"]
    inside = (
        hits.rename({"code": "parent", "n": "parent_n"})
        .join(nesting, on="parent")
        .group_by(keys)
        .agg((pl.col("parent_n") * pl.col("multiplicity")).sum().alias("inside"))
    )
    return (
        hits.join(inside, on=keys, how="left")
        .with_columns(pl.col("n") - pl.col("inside").fill_null(0))
        .filter(pl.col("n") > 0)
        .drop("inside")
    )


def _score(hits: pl.DataFrame, index: PatternIndex, segments: pl.DataFrame) -> pl.DataFrame:
    """Per (article, kind, value): mentions, a score weighted by section and kind of phrase, and
    the phrases that matched (the evidence, sorted here and cut in _mentions for the tags kept)."""
    # In code order, so each tag's phrases come out sorted (codes sort as the phrases do).
    joined = hits.join(index.entities, on="code").sort("code")
    segment, code = joined.get_column("segment"), joined.get_column("code")
    grouped = (
        joined.with_columns(
            position=segments.get_column("position").gather(segment),
            section_weight=segments.get_column("section_weight").gather(segment),
            phrase=index.phrases.gather(code),
        )
        .group_by("position", "entity")
        .agg(
            pl.col("n").sum().alias("count"),
            (pl.col("n") * pl.col("section_weight") * pl.col("weight")).sum().alias("score"),
            pl.col("phrase").unique(maintain_order=True).alias("phrases"),
        )
    )
    entity = grouped.get_column("entity")
    return grouped.select(
        "position",
        kind=index.kinds.gather(entity),
        value=index.values.gather(entity),
        count="count",
        score="score",
        phrases="phrases",
    )


def _merge(scored: pl.DataFrame, found: list[pl.DataFrame]) -> pl.DataFrame:
    """The gazetteer's rows and the names found by pattern, one row per (article, kind, value).
    A value found both ways is rare (patterns skip what the gazetteer knows): its counts add up
    and the gazetteer's evidence is kept, so only then are the rows grouped. A found name's
    evidence (itself) is tidied here, the gazetteer's in _mentions."""
    keys = ["position", "kind", "value"]
    if not found:
        return scored.with_columns(evidence=pl.lit(None, dtype=pl.String))
    extra = (
        pl.concat(found, how="vertical_relaxed")
        .group_by(keys)
        .agg(pl.col("count").sum(), pl.col("score").sum(), pl.col("evidence").first())
        .with_columns(
            pl.col("evidence")
            .list.eval(pl.element().str.strip_chars(" "))
            .list.sort()
            .list.head(MAX_EVIDENCE)
            .list.join(EVIDENCE_SEPARATOR)
        )
    )
    both = pl.concat([scored, extra], how="diagonal_relaxed")
    if not extra.join(scored, on=keys, how="semi").height:
        return both
    return both.group_by(keys).agg(
        pl.col("count").sum(), pl.col("score").sum(), pl.col("phrases").first(), pl.col("evidence").first()
    )


def _apply_rules(scored: pl.DataFrame) -> pl.DataFrame:
    """Drop vetoes and weak topics; add a person's country only to a country already mentioned."""
    kind = pl.col("kind")
    hints = scored.filter(kind == COUNTRY_HINT).select("position", "value", hint=pl.col("score"))
    kept = scored.filter(
        ~kind.is_in([VETO, COUNTRY_HINT]) & ((kind != "topic") | (pl.col("score") >= TOPIC_MIN_SCORE))
    )
    return (
        kept.join(hints, on=["position", "value"], how="left")
        .with_columns(
            score=pl.when(kind == "country")
            .then(pl.col("score") + pl.col("hint").fill_null(0.0))
            .otherwise(pl.col("score"))
        )
        .drop("hint")
    )


def _headline_states(
    hits: pl.DataFrame, segments: pl.DataFrame, index: PatternIndex, headline_countries: pl.DataFrame
) -> pl.DataFrame:
    """(position, value) of the states each article's headline names (titles are a few words:
    this joins a few percent of the hits)."""
    in_title = segments.get_column("section_weight").gather(hits.get_column("segment")) == TITLE_WEIGHT
    codes = headline_countries.select(
        pl.col("pattern").cast(index.pattern_type, strict=False).to_physical().cast(pl.UInt32).alias("code"),
        "value",
    ).drop_nulls("code")
    named = hits.filter(in_title).join(codes, on="code")
    return pl.DataFrame({
        "position": segments.get_column("position").gather(named.get_column("segment")),
        "value": named.get_column("value"),
        "in_title": pl.Series([True] * named.height, dtype=pl.Boolean),
    }).unique(["position", "value"])  # fmt: skip


def _primary(countries: pl.DataFrame, headline: pl.DataFrame | None = None) -> pl.DataFrame:
    """The few countries a story is about: the top scorer, any close enough to it, and any state
    the headline names ("Washington urges Amman to reopen crossing": the US is a main actor
    however few times the body names it)."""
    if headline is not None:
        countries = countries.join(headline, on=["position", "value"], how="left")
    ranked = countries.sort(
        ["position", "score", "count", "value"], descending=[False, True, True, False]
    ).with_columns(
        rank=pl.int_range(pl.len()).over("position"),
        top=pl.col("score").max().over("position"),
    )
    keep = (pl.col("rank") == 0) | (
        (pl.col("rank") < MAX_PRIMARY) & (pl.col("score") >= PRIMARY_MIN_SHARE * pl.col("top"))
    )
    if headline is not None:
        keep = keep | ((pl.col("rank") < MAX_PRIMARY) & pl.col("in_title").fill_null(False))
    return ranked.filter(keep)


def _lists(scored: pl.DataFrame, n: int) -> list[list[str]]:
    """Values per article in the frame's order, an empty list where an article has none."""
    # A plain loop: half the cost of a group, a join and a list column's conversion.
    lists: list[list[str]] = [[] for _ in range(n)]
    positions, values = scored.get_column("position").to_list(), scored.get_column("value").to_list()
    for position, value in zip(positions, values, strict=True):
        lists[position].append(value)
    return lists


def _mentions(scored: pl.DataFrame) -> pd.DataFrame:
    """The long form the store keeps for facets: one row per (article, kind, value)."""
    # The gazetteer's phrases come sorted from _score; a found name's evidence is its own.
    phrases = pl.col("phrases").list.head(MAX_EVIDENCE).cast(pl.List(pl.String)).list.join(EVIDENCE_SEPARATOR)
    table = scored.select(
        pl.col("position").cast(pl.Int64),
        pl.col("kind"),
        pl.col("value"),
        pl.col("count").cast(pl.Int64),
        pl.coalesce(phrases, "evidence").alias("evidence"),
    ).sort(["position", "kind", "count", "value"], descending=[False, False, True, False])
    return table.to_pandas()
