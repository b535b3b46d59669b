"""People and organizations the gazetteer lacks, found in prose by their shape.

People: a title before the name ("Foreign Office Minister Andrew Mitchell", "press secretary X",
"Rabbi X") or a role after it ("Juliette Touma, UNRWA's director of communications").
Organizations: an institution word after the name ("South Yorkshire Police", "Syracuse
University", "National Unity Party") or before it ("Ministry of Foreign Affairs", "University of
Oxford"), and an acronym tied to its expansion in the same text ("Community Security Trust (CST)").
Guards keep fragments out: no weekday or month ends a name, a bare title and surname is not a name,
news outlets are not organizations, and what the gazetteer already knows is left to it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import polars as pl

from loaders.places import common_given_names

# Letters of the Latin scripts names in English coverage are written in. Explicit ranges, not
# Unicode classes: the regex engine runs them as a DFA, about 4x faster (and one combined pass
# of all the patterns below stays fast only this way: 0.2 s against 34 s for 5,000 articles).
_LU = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_LL = "a-zß-öø-ÿā-žſ"
_UP = f"[{_LU}]"
_LOW = f"[{_LL}]"
_LETTER = f"[{_LU}{_LL}]"
# A name token: "Netanyahu", "McGovern", "O'Neill", "Ben-Gvir", "Türk", "Corbière".
_TOKEN = rf"(?:{_UP}['’]?{_LOW}+(?:{_UP}{_LOW}+)?(?:['’]{_LOW}+)?(?:-{_UP}?{_LOW}+)*)"
_PARTICLE = r"(?:al|el|Al|El|bin|ibn|bint|Abu|abu|de|da|van|von|der|le|du|ben|Ben|Abdel|Abdul)[ -]"
# A middle initial ("Charles Q. Brown") may stand before any later token.
_NEXT = rf"(?: (?:{_UP}\.? )?(?:{_PARTICLE})?{_TOKEN})"
NAME = rf"{_TOKEN}{_NEXT}{{1,3}}"

# Titles before a name, as they are written in running text (both cases where both occur).
PERSON_TITLES = (
    "Deputy Prime Minister",
    "Prime Minister",
    "Foreign Minister",
    "Defence Minister",
    "Defense Minister",
    "Interior Minister",
    "Finance Minister",
    "Justice Minister",
    "Health Minister",
    "Minister",
    "minister",
    "Foreign Secretary",
    "Home Secretary",
    "Health Secretary",
    "Defence Secretary",
    "Defense Secretary",
    "Communities Secretary",
    "Secretary of State",
    "Secretary-General",
    "Secretary General",
    "Secretary",
    "secretary",
    "Vice President",
    "President",
    "Crown Prince",
    "Prince",
    "King",
    "Queen",
    "Emir",
    "Sheikh",
    "Special Envoy",
    "Envoy",
    "envoy",
    "Ambassador",
    "ambassador",
    "Chancellor",
    "Speaker",
    "First Minister",
    "Taoiseach",
    "Tánaiste",
    "Chief Rabbi",
    "Rabbi",
    "Imam",
    "Archbishop",
    "Bishop",
    "Rev",
    "Reverend",
    "Pope",
    "Ayatollah",
    "General",
    "Gen",
    "Lt Gen",
    "Maj Gen",
    "Brig Gen",
    "Lieutenant Colonel",
    "Lt Col",
    "Colonel",
    "Col",
    "Rear Adm",
    "Rear Admiral",
    "Vice Admiral",
    "Admiral",
    "Senator",
    "Sen",
    "Rep",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Governor",
    "Gov",
    "Mayor",
    "mayor",
    "Lord",
    "Baroness",
    "Dame",
    "Sir",
    "Dr",
    "Professor",
    "Prof",
    "Judge",
    "Commissioner",
    "Attorney General",
    "Director-General",
    "Director General",
    "Director",
    "director",
    "Chairman",
    "chairman",
    "Chief of Staff",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "press secretary",
    "Press Secretary",
    "national security adviser",
    "National Security Adviser",
    "adviser",
    "MP",
    "MK",
    "councillor",
    "Councillor",
    "leader",
    "Leader",
    "chief",
)
# Roles after a name and a comma: "X, the group's spokesman", "X, a senior adviser to".
PERSON_ROLES = (
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "director-general",
    "adviser",
    "advisor",
    "minister",
    "secretary",
    "ambassador",
    "envoy",
    "chief",
    "head",
    "leader",
    "president",
    "professor",
    "founder",
    "co-founder",
    "chairman",
    "chairwoman",
    "chair",
    "commander",
    "official",
    "councillor",
    "MP",
    "senator",
    "governor",
    "mayor",
    "rabbi",
    "imam",
    "analyst",
    "researcher",
    "author",
    "writer",
    "poet",
    "journalist",
    "activist",
    "actor",
    "lawyer",
    "economist",
    "historian",
    "lecturer",
    "fellow",
    "executive",
    "coordinator",
    "representative",
    "editor",
    "filmmaker",
    "deputy",
    "member",
    "officer",
    "diplomat",
    "negotiator",
    "expert",
    "scholar",
    "commentator",
    "politician",
    "congressman",
    "congresswoman",
    "lawmaker",
    "legislator",
    "strategist",
    "organiser",
    "organizer",
)
# Lowercase roles that also stand before a name: "Gazan poet Mosab Abu Toha", "US president X".
ROLE_TITLES = (
    "PM",
    "Pres",
    "First Lady",
    "first lady",
    "First lady",
    "congressman",
    "congresswoman",
    "senator",
    "governor",
    "rabbi",
    "professor",
    "president",
    "actor",
    "actress",
    "author",
    "writer",
    "poet",
    "journalist",
    "activist",
    "filmmaker",
    "economist",
    "historian",
    "analyst",
    "scholar",
    "Mayor of London",
)
_TITLE_ALT = "|".join(
    re.escape(t) + r"\.?" for t in sorted(PERSON_TITLES + ROLE_TITLES, key=len, reverse=True)
)
# An office named by what it is of or for, before the name: "Minister for Foreign Affairs Micheál
# Martin", "Chairman of the Joint Chiefs of Staff Charles Q. Brown", "Taoiseach (Irish Prime
# Minister) Leo Varadkar".
OFFICE_HEADS = (
    "Minister",
    "Secretary",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Director",
    "Head",
    "Commissioner",
)
_OFFICE_HEAD = "|".join(OFFICE_HEADS)
_MINISTER_FOR = (
    rf"(?:{_OFFICE_HEAD}) (?:for|of) (?:the )?{_UP}{_LOW}+(?: (?:and |of |for )?{_UP}{_LOW}+){{0,3}}"
)
# A first name may be two capitals: "JB Pritzker", "JD Vance".
TITLE_NAME = rf"(?-u:\b)(?:{_MINISTER_FOR}|{_TITLE_ALT})\)? (?:[A-Z]{{2}}|{_TOKEN}){_NEXT}{{1,3}}"
# A peer is named by title and one name: "Lord Mann".
PEER_NAME = rf"(?-u:\b)(?:Lord|Baroness) {_TOKEN}"
_TITLE_AT_START = rf"^(?:(?:{_TITLE_ALT})\)? )+"
_ROLE_ALT = "|".join(PERSON_ROLES)
NAME_ROLE = (
    rf"{NAME}(?:,| is| was) (?:(?:the|a|an|its|his|her|their|former|then) |{_UP}[{_LU}{_LL}\-]*['’]s )?"
    rf"(?:[{_LU}{_LL}'’\-]+ ){{0,4}}?(?:{_ROLE_ALT})(?-u:\b)"
)
_NAME_AT_START = rf"^{NAME}"
# A role, then the name between commas: "Another former Conservative minister, George Eustice,",
# "the head of the Palestinian Prisoners Society, Abdullah al-Zaghary,".
# Party members are introduced the same way: "Another Tory, Andrew Percy, disagreed".
PARTY_MEMBERS = ("Tory", "Conservative", "Democrat", "Republican", "Labour MP", "Liberal Democrat")
_BEFORE_ROLES = "|".join((*PERSON_ROLES, "Speaker", "MP", *PARTY_MEMBERS))
ROLE_NAME = (
    rf"(?-u:\b)(?:{_BEFORE_ROLES})(?: (?:of|to|for) (?:the )?(?:{_UP}[{_LU}{_LL}'’\-]* ?){{1,4}})?, {NAME}"
)
# Honorifics dropped from the front of a found name; a peer keeps "Lord" with a single name.
HONORIFICS = {"Sir", "Dame", "Dr", "Mr", "Mrs", "Ms", "Rev", "Sheikh", "Prof", "Professor"}
PEERAGE = {"Lord", "Baroness", "Lady"}
# Words that end a name found by pattern, or show it is not one.
# Places, peoples and directions: never a name on their own, but they can lead an organization's
# name ("Israeli Defence Forces", "West Midlands Police").
GROUP_WORDS = frozenset(
    {
        "Israel",
        "Gaza",
        "Israeli",
        "Palestinian",
        "British",
        "American",
        "Jewish",
        "Muslim",
        "Arab",
        "Christian",
        "Islamic",
        "West",
        "East",
        "North",
        "South",
    }
)
NOT_NAME = {
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "The",
    "In",
    "On",
    "At",
    "And",
    "But",
    "As",
    "He",
    "She",
    "They",
    "It",
    "This",
    "That",
    "His",
    "Her",
    "Their",
    "Minister",
    "President",
    "Secretary",
    "General",
    "Party",
    "Council",
    "Ministry",
    "Office",
    "University",
    "Police",
    "Army",
    "Forces",
    "Strip",
    "City",
    "Street",
    "Square",
    "Hospital",
    *GROUP_WORDS,
    "Hamas",
    "News",
    "Times",
    "Post",
    "Day",
    "Sunni",
    "Shia",
    "Labour",
    "Conservative",
    "Democrat",
    "Democrats",
    "Republican",
    "Republicans",
    "Tory",
    "Mr",
    "Mrs",
    "Ms",
    "Staff",
    "House",
    "Rear",
    "Adm",
    "Gen",
    "Lt",
    "Col",
    "Maj",
    "Brig",
    "Sgt",
    "Capt",
    "Chief",
    "Deputy",
    "Former",
    "Senior",
    "Rep",
    "Sen",
    "Gov",
}
MIN_PERSON_TOKENS = 2

# Institution words after a name ("... Police") and before one ("Ministry of ...").
ORG_HEADS = (
    "Police",
    "Police Service",
    "Constabulary",
    "University",
    "College",
    "Academy",
    "School",
    "Hospital",
    "Medical Center",
    "Medical Centre",
    "Medical Complex",
    "Party",
    "Council",
    "Brigade",
    "Brigades",
    "Ministry",
    "Office",
    "Department",
    "Committee",
    "Commission",
    "Agency",
    "Authority",
    "Foundation",
    "Institute",
    "Institution",
    "Center",
    "Centre",
    "Society",
    "Trust",
    "Forum",
    "Movement",
    "Network",
    "Campaign",
    "Coalition",
    "Service",
    "Corps",
    "Forces",
    "Guard",
    "Army",
    "Navy",
    "Association",
    "Federation",
    "Union",
    "League",
    "Front",
    "Airlines",
    "Airways",
    "Monitor",
    "Bureau",
    "Assembly",
    "Court",
    "Tribunal",
    "Church",
)
ORG_HEADS_FIRST = (
    "University",
    "Ministry",
    "Department",
    "Council",
    "Bank",
    "Office",
    "Institute",
    "Bureau",
    "Church",
    "Society",
    "Board",
    "Court",
    "Union",
    "League",
    "Federation",
    "Association",
    "Organisation",
    "Organization",
    "Police Service",
    "Commission",
    "Committee",
    "Museum",
)
_ORG_WORD = rf"(?:al-|el-)?{_UP}[{_LU}{_LL}'’\-]*"
_ORG_JOIN = ""
# "City University of New York", "Faiths Forum for London": a short name after the head.
_ORG_AFTER = rf"(?: (?:of|for) (?:the )?{_ORG_WORD}(?: {_ORG_WORD}){{0,2}}){{0,2}}"
_ORG_TAIL = "|".join(re.escape(h) for h in sorted(ORG_HEADS, key=len, reverse=True))
_ORG_HEAD = "|".join(re.escape(h) for h in sorted(ORG_HEADS_FIRST, key=len, reverse=True))
# A congressional committee joins its subjects with "and": "Senate Homeland Security and
# Governmental Affairs Committee", "House Oversight and Accountability Committee".
_LEGISLATURE_COMMITTEE = (
    rf"(?-u:\b)(?:Senate|House)(?: (?:and|on|{_ORG_WORD})){{1,7}}? (?:Sub)?[Cc]ommittee(?-u:\b)"
)
_COMMITTEE = re.compile(r"(?:Senate|House) .+ (?:Sub)?[Cc]ommittee")  # the same, for Python's re
ORG_NAME = (
    rf"{_LEGISLATURE_COMMITTEE}"
    rf"|(?:{_ORG_WORD} {_ORG_JOIN}){{1,5}}(?:{_ORG_TAIL})(?-u:\b){_ORG_AFTER}"
    rf"|(?-u:\b)(?:{_ORG_HEAD}) (?:of|for) (?:the )?{_ORG_WORD}(?: {_ORG_JOIN}{_ORG_WORD}){{0,4}}"
)
ACRONYM = rf"(?:{_ORG_WORD} {_ORG_JOIN}){{1,7}}\([A-Z]{{2,6}}\)"
# The shapes of each kind in one pass; at one starting point the earlier shape wins. (All six in
# one pass cost three times the two: the engine's state cache overflows.)
# A party's or a body's person: "Sinn Féin's Declan Kearney", "the SDLP's Paul Doherty".
OWNER_NAME = rf"(?-u:\b)(?:[A-Z]{{3,6}}|(?:{_UP}{_LOW}+ )*Party|Sinn F[ée]in)['’]s {NAME}"
# A US legislator by state: "Thomas Massie of Kentucky".
US_STATES = (
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
)
NAME_OF_STATE = rf"{NAME} of (?:{'|'.join(US_STATES)})(?-u:\b)"
# Speech verbs around a name: "said Alexis Corbière", "according to Corey Scher", "Oliver Dowden
# told". Anyone may be quoted, so these count only with a common given name first (_shape).
SPEECH_BEFORE = ("said", "says", "added", "according to", "according to his colleague")
SPEECH_AFTER = ("said", "says", "told", "added", "warned", "wrote", "also said", "also told")
_SPEECH_BEFORE = "|".join(sorted(SPEECH_BEFORE, key=len, reverse=True))
_SPEECH_AFTER = "|".join(sorted(SPEECH_AFTER, key=len, reverse=True))
SAID_NAME = rf"(?-u:\b)(?:{_SPEECH_BEFORE}) {NAME}"
NAME_SAID = rf"{NAME} (?:{_SPEECH_AFTER})(?-u:\b)"
_SAID_AT_START = re.compile(rf"^(?:{_SPEECH_BEFORE}) ")
_SAID_AT_END = re.compile(rf" (?:{_SPEECH_AFTER})$")
PERSON_SHAPES = "|".join(
    f"(?:{p})" for p in (TITLE_NAME, PEER_NAME, ROLE_NAME, OWNER_NAME, NAME_OF_STATE, NAME_ROLE)
)
# The same shapes in two passes, each keeping the alternation's order: the shapes that open with
# a title or a role word, then those that open with the name. On real coverage the one
# alternation overflows the regex engine's state cache: 1,192 BBC and NPR articles took 148 ms
# in it and 50 ms in the two passes (5,000 generated articles, with their small vocabulary:
# 67 and 92 ms). Where both passes match in one paragraph, the alternation decides.
PERSON_PASSES = tuple(
    "|".join(f"(?:{p})" for p in group)
    for group in ((TITLE_NAME, PEER_NAME, ROLE_NAME), (OWNER_NAME, NAME_OF_STATE, NAME_ROLE))
)
# A pass of their own: in one alternation "said X" would swallow "X, professor of history".
SPEECH_SHAPES = "|".join(f"(?:{p})" for p in (SAID_NAME, NAME_SAID))
ORGANIZATION_SHAPES = "|".join(f"(?:{p})" for p in (ACRONYM, ORG_NAME))
# Words every match of a pass holds. No shape matches a line break, so a pass over each paragraph
# finds what one pass over the whole segment finds, and a paragraph without its words can be
# skipped. Measured on 5,000 generated articles: the institution words keep 18% of the text and
# the speech verbs 50%; the persons' ~175 titles and roles keep 79% and cost more than they save.
_ORGANIZATION_CUE = "|".join(
    re.escape(w) for w in sorted({*ORG_HEADS, *ORG_HEADS_FIRST, "ommittee"}, key=len, reverse=True)
)
_SPEECH_CUE = "|".join(re.escape(w) for w in sorted({*SPEECH_BEFORE, *SPEECH_AFTER}, key=len, reverse=True))
# Leading words a sentence puts before a name: dropped from the front of a found organization.
ORG_LEADING = (
    NOT_NAME
    - GROUP_WORDS
    - {
        "Labour",
        "Conservative",
        "Republican",
    }
)
ORG_LEADING |= {
    "A",
    "An",
    "If",
    "When",
    "While",
    "Since",
    "After",
    "Before",
    "Meanwhile",
    "Earlier",
    "Later",
    "Last",
    "Former",
    "Its",
    "Our",
    "By",
    "For",
    "From",
    "Under",
    "of",
    "for",
    "on",
    "the",
    "and",
    "Both",
    "Some",
    "Many",
    "Several",
    "Two",
    "Three",
    "Senior",
    "Top",
    "Then",
}
# An institution word leads the name it heads ("Ministry of Water Resources"): never dropped.
ORG_LEADING -= {w for h in ORG_HEADS + ORG_HEADS_FIRST for w in h.split()} | {"House"}
# A country's ministry named in lowercase: "Egypt's health ministry" -> "Egyptian Health Ministry".
MINISTRIES = ("health", "foreign", "interior", "defence", "defense", "finance", "justice", "education")
# Modifiers that alone do not make an institution a named one ("the Health Ministry", "High Court").
GENERIC = {
    "High",
    "Supreme",
    "Central",
    "National",
    "General",
    "Local",
    "City",
    "County",
    "State",
    "Federal",
    "Regional",
    "District",
    "Health",
    "Interior",
    "Foreign",
    "Defence",
    "Defense",
    "Finance",
    "Justice",
    "Education",
    "Security",
    "Human",
    "Medical",
    "Press",
    "Police",
    "Prime",
    "Deputy",
    "Chief",
    "Senior",
    "New",
    "Royal",
    "Special",
    "Public",
    "Military",
    "Armed",
    "Air",
    "Home",
    "Cabinet",
    "Executive",
    "Emergency",
    "Peace",
    "Intelligence",
    "Crown",
    "International",
    "Islamic",
    "Civil",
    "Borough",
    "Parish",
    "Town",
    "Village",
    "Israeli",
    "Palestinian",
    "American",
    "British",
    "Arab",
    "Jewish",
    "Muslim",
    "Western",
    "Eastern",
    "Soviet",
}
# Tokens that make a found organization a news outlet or a platform, which are not organizations.
MEDIA = {
    "BBC",
    "CNN",
    "NPR",
    "CBS",
    "NBC",
    "ABC",
    "Fox",
    "Sky",
    "Reuters",
    "AFP",
    "AP",
    "Times",
    "Post",
    "Guardian",
    "Telegraph",
    "Journal",
    "News",
    "Radio",
    "TV",
    "Television",
    "Press",
    "Jazeera",
    "Al-Jazeera",
    "Tribune",
    "Herald",
    "Gazette",
    "Channel",
    "Broadcasting",
    "Media",
    "Newspaper",
}
# Scored organization mentions, whatever found them: the name is its own evidence.
_ORGANIZATION_COLUMNS = (
    "position",
    pl.lit("organization").alias("kind"),
    "value",
    "count",
    "score",
    pl.concat_list("value").alias("evidence"),
)
SCORED_SCHEMA = {
    "position": pl.UInt32,
    "kind": pl.String,
    "value": pl.String,
    "count": pl.Int64,
    "score": pl.Float64,
    "evidence": pl.List(pl.String),
}


# Patterns the per-name checks use, compiled once (some are long: the titles, the states).
_ALNUM_RUN = re.compile(r"[a-z0-9]+")
_POSSESSIVE_END = re.compile(r"['’]s$")
_PEER_ONLY = re.compile(r"(?:Lord|Baroness) [A-Z][\w'’-]+")
_TITLES_AT_START = re.compile(_TITLE_AT_START)
_OWNER_THEN_WORD = re.compile(r"^(.*['’]s) (\S+)")
_OWNER_THEN_REST = re.compile(r"(.+?)['’]s (.+)$")
_OF_STATE_END = re.compile(rf"(.+) of (?:{'|'.join(US_STATES)})$")
_OFFICE_START = re.compile(rf"^(?:{_OFFICE_HEAD}) (?:for|of) ")
_IS_WAS = re.compile(r" is | was ")
_INITIAL = re.compile(r"[A-Z]\.?")
_JOINING_WORDS = frozenset({"of", "for", "on", "and", "the"})


def fold(text: str) -> str:
    """Lowercase ASCII words of a name, accents and punctuation dropped: keys for comparing names."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_ALNUM_RUN.findall(text))


# A name ending in an institution word is an organization: "Golani Brigade".
_ORG_WORDS = frozenset(w for h in ORG_HEADS + ORG_HEADS_FIRST for w in h.split())
ROLE_WORDS = frozenset((*PERSON_ROLES, "Speaker", "MP")) | {
    w for r in PERSON_ROLES + PARTY_MEMBERS for w in r.split()
}
_PARTICLES = {"al", "el", "bin", "ibn", "bint", "de", "da", "van", "von", "der", "le", "du", "ben"}


def person_tokens(name: str) -> tuple[str, ...]:
    """The folded tokens of a person's name without particles: el-Sisi = al-Sisi = Sisi."""
    return tuple(t for t in fold(name).split() if t not in _PARTICLES)


def person_variants(name: str) -> list[str]:
    """Other spellings of a listed person: al- for el-, ibn for bin, without a ruling-family name."""
    out = {name}
    out.add(re.sub(r"\b(al|Al)([ -])", r"el\2", name))
    out.add(re.sub(r"\b(el|El)([ -])", r"al\2", name))
    out.add(re.sub(r"\bbin\b", "ibn", name))
    # "Tamim bin Hamad Al Thani" is also "Tamim bin Hamad"; a bare "Al Thani" is not the person.
    out.add(re.sub(r" Al[ -](?:Thani|Khalifa|Nahyan|Saud|Sabah|Maktoum)$", "", name))
    return sorted(v for v in out if len(v.split()) >= MIN_PERSON_TOKENS)


def clean_person(found: str) -> str | None:
    """A found name without its titles and honorifics, or None when it is a fragment."""
    found = _POSSESSIVE_END.sub("", found.strip())  # "Lord Cameron's"
    if _PEER_ONLY.fullmatch(found):
        return found
    tokens = _TITLES_AT_START.sub("", found).split()
    while tokens and tokens[-1].rstrip(".") in NOT_NAME:
        tokens.pop()
    while tokens and tokens[0].rstrip(".") in NOT_NAME - PEERAGE:
        tokens.pop(0)
    peer = bool(tokens) and tokens[0] in PEERAGE
    while tokens and tokens[0].rstrip(".") in HONORIFICS | PEERAGE:
        tokens.pop(0)
    if peer and len(tokens) == 1:
        return f"Lord {tokens[0]}"
    if len(tokens) < MIN_PERSON_TOKENS or any(t in NOT_NAME or t in _ORG_WORDS for t in tokens):
        return None
    return " ".join(tokens)


def clean_organization(found: str) -> str | None:
    """A found organization without leading sentence words, or None when it is not a named one."""
    # "Gaza's Islamic University" -> "Islamic University"; but an institution word right after
    # the possessive makes it the name's own: "Queen's University Belfast", "King's College".
    owner = _OWNER_THEN_WORD.match(found)
    if owner and owner.group(2) not in _ORG_WORDS:
        found = found[owner.end(1) + 1 :]
    tokens = found.split()
    while tokens and (tokens[0] in ORG_LEADING or tokens[0].endswith("-based") or len(tokens[0]) == 1):
        tokens.pop(0)
    if len(tokens) < 2 or any(t.strip("()") in MEDIA for t in tokens):
        return None
    tokens[-1] = tokens[-1].rstrip("'’")  # a plural's possessive: "the Muslim Council of Wales' call"
    modifiers = [t for t in tokens if t not in _ORG_WORDS and t not in _JOINING_WORDS]
    if not modifiers or all(t in GENERIC for t in modifiers):
        return None
    return " ".join(tokens)


def _known(name: str, known_keys: set[str]) -> bool:
    """Whether a found name holds a phrase the gazetteer already tags (any run of its words)."""
    words = fold(name).split()
    spans = (
        " " + " ".join(words[i:j]) + " " for i in range(len(words)) for j in range(i + 1, len(words) + 1)
    )
    return any(span in known_keys for span in spans)


def find_names(
    prose: pl.DataFrame, person_keys: set[str], known_keys: set[str], organization_keys: set[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(people, organizations) the gazetteer lacks, from one pass of all the name patterns."""
    found = shape_matches(prose)
    shapes = {raw: _shape(raw) for raw in found.get_column("name").unique(maintain_order=True).to_list()}
    people = {raw: v for raw, (k, v) in shapes.items() if k == "person"}
    organizations = {raw: v for raw, (k, v) in shapes.items() if k == "organization"}
    acronyms = {raw: v for raw, (k, v) in shapes.items() if k == "acronym"}
    return (
        _people(found, people, prose, person_keys, known_keys),
        _organizations(found, organizations, acronyms, prose, organization_keys),
    )


def shape_matches(prose: pl.DataFrame) -> pl.DataFrame:
    """(position, section_weight, name) of every match of the person, organization and speech
    passes, in the order the three passes over each segment give them."""
    text = pl.col("text")
    segments = prose.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("segment"), "text")
    paragraphs = segments.select("segment", text.str.split("\n")).explode("text")
    # The acronym's "(" is a literal test of its own: in the alternation it slows the words' scan.
    organization_cue = text.str.contains("(", literal=True) | text.str.contains(_ORGANIZATION_CUE)
    passes = (
        _person_matches(paragraphs),
        paragraphs.filter(organization_cue)
        .select("segment", text.str.extract_all(ORGANIZATION_SHAPES).alias("name"))
        .explode("name"),
        paragraphs.filter(text.str.contains(_SPEECH_CUE))
        .select("segment", text.str.extract_all(SPEECH_SHAPES).alias("name"))
        .explode("name"),
    )
    found = (
        pl.concat([p.with_columns(pl.lit(i, pl.UInt8).alias("pass")) for i, p in enumerate(passes)])
        .drop_nulls("name")
        .sort("segment", "pass", maintain_order=True)
    )
    segment = found.get_column("segment")
    return pl.DataFrame(
        {
            "position": prose.get_column("position").gather(segment),
            "section_weight": prose.get_column("section_weight").gather(segment),
            "name": found.get_column("name"),
        }
    )


def _person_matches(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """(segment, name) per match of PERSON_SHAPES in the paragraphs, in text order, found by the
    cheaper PERSON_PASSES. A paragraph where one pass matches gets that pass's matches: the other
    shapes match nowhere in it, so the alternation could only have found the same. Where both
    match, their matches may overlap and the alternation's order decides: it runs there."""
    rows = paragraphs.with_row_index("row")
    text = pl.col("text")
    found = pl.concat(
        [
            _matched(rows.select("row", "segment", text.str.extract_all(p).alias("name"))).with_columns(
                pl.lit(i, pl.UInt8).alias("pass")
            )
            for i, p in enumerate(PERSON_PASSES)
        ]
    )
    both = found.group_by("row").agg(pl.col("pass").n_unique()).filter(pl.col("pass") > 1).select("row")
    found = found.select("row", "segment", "name")
    if both.height:
        again = _one_alternation(rows.join(both, on="row", how="semi"))
        found = pl.concat([found.join(both, on="row", how="anti"), again])
    # Stable: a paragraph's matches come from one pass, in text order.
    return found.sort("row", maintain_order=True).select("segment", "name")


def _one_alternation(rows: pl.DataFrame) -> pl.DataFrame:
    """(row, segment, name) of PERSON_SHAPES' matches, in text order."""
    found = rows.select("row", "segment", pl.col("text").str.extract_all(PERSON_SHAPES).alias("name"))
    return _matched(found)


def _matched(found: pl.DataFrame) -> pl.DataFrame:
    """One row per match: most paragraphs hold none, so they are dropped before the explode."""
    return found.filter(pl.col("name").list.len() > 0).explode("name")


def find_ministries(prose: pl.DataFrame, demonyms: dict[str, str], known_keys: set[str]) -> pl.DataFrame:
    """Ministries named by their country: demonyms maps a lowercase country word (name or
    demonym, as the matcher's text spells it) to the demonym the canonical name uses."""
    if not demonyms:
        return pl.DataFrame(schema=SCORED_SCHEMA)
    words = "|".join(re.escape(w) for w in sorted(demonyms, key=len, reverse=True))
    pattern = rf" (?:{words})(?: s)? (?:{'|'.join(MINISTRIES)}) ministry "
    found = (
        prose.filter(pl.col("lower").str.contains(" ministry ", literal=True))
        .select("position", "section_weight", pl.col("lower").str.extract_all(pattern).alias("name"))
        .explode("name")
        .drop_nulls("name")
        # What the gazetteer lists ("British foreign ministry" is the Foreign Office) is its own.
        .filter(~pl.col("name").is_in(list(known_keys)))
    )
    if not found.height:
        return pl.DataFrame(schema=SCORED_SCHEMA)
    mapping = {}
    for raw in found.get_column("name").unique().to_list():
        tokens = raw.split()
        word = " ".join(tokens[:-2]).removesuffix(" s")
        mapping[raw] = f"{demonyms[word]} {tokens[-2].title()} Ministry"
    return (
        found.with_columns(value=pl.col("name").replace_strict(mapping))
        .group_by("position", "value")
        .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("section_weight").sum().alias("score"))
        .select(*_ORGANIZATION_COLUMNS)
    )


def _shape(raw: str) -> tuple[str, object]:
    """What one match of the shapes is: ("person", name), ("acronym", (name, ACR)),
    ("organization", name), or ("none", None) for a fragment."""
    if raw.endswith(")"):
        expansion = _expansion(raw)
        return ("acronym", expansion) if expansion else ("none", None)
    speech = _SAID_AT_START.sub("", _SAID_AT_END.sub("", raw))
    if speech != raw:
        name = _from_given_name(speech)
        return ("person", name) if name else ("none", None)
    head, _, rest = raw.partition(", ")
    owner = _OWNER_THEN_REST.match(raw)
    # An owner's unit is an organization, not a person: "the IDF's Golani Brigade".
    if (
        owner
        and not rest
        and (owner.group(1).isupper() or owner.group(1).split()[-1] in ("Party", "Féin", "Fein"))
        and owner.group(2).split()[-1] not in _ORG_WORDS
    ):
        name = None if owner.group(1) in MEDIA else clean_person(owner.group(2))
        return ("person", name) if name else ("none", None)
    state = _OF_STATE_END.match(raw)
    if state and not rest:
        name = clean_person(state.group(1))
        return ("person", name) if name else ("none", None)
    if rest:
        words = head.split()
        if words[-1] in ROLE_WORDS or words[0] in ROLE_WORDS or words[0].lower() in ROLE_WORDS:
            # "former minister, George Eustice", "head of the X Society, Abdullah al-Zaghary"
            name = clean_person(rest)
        else:  # "Juliette Touma, UNRWA's director"
            name = clean_person(head)
        return ("person", name) if name else ("none", None)
    office = _OFFICE_START.match(raw)
    if office:
        name = clean_person(_name_after_office(raw))
        return ("person", name) if name else ("none", None)
    title = _TITLES_AT_START.match(raw)
    # A title word that names a body is no person's: "Representative Council of ...".
    if title and raw[title.end() :].split(" ", 1)[0] not in _ORG_WORDS:
        name = clean_person(raw)
        return ("person", name) if name else ("none", None)
    if _IS_WAS.search(raw):  # "Mark Mellman is founder of ..."
        name = clean_person(_IS_WAS.split(raw, maxsplit=1)[0])
        return ("person", name) if name else ("none", None)
    name = clean_organization(raw)
    return ("organization", name) if name else ("none", None)


def _name_after_office(raw: str) -> str:
    """The name at the end of "Minister for Foreign Affairs Micheál Martin": the last two words,
    with a middle initial or particle before the last ("Charles Q. Brown", "Ali al Hassan")."""
    tokens = raw.split()
    start = len(tokens) - 2
    while start > 1 and (_INITIAL.fullmatch(tokens[start]) or tokens[start].lower() in _PARTICLES):
        start -= 1
    return " ".join(tokens[start:])


def _from_given_name(found: str) -> str | None:
    """A quoted person's name from its first common given name on ("Ex-minister Kit Malthouse",
    "Unwra's Thomas White"), or None: without one, "X said" is as often a place or a body."""
    tokens = found.split()
    for start in range(len(tokens) - 1):
        if tokens[start] not in NOT_NAME and _given_name(tokens[start]):
            return clean_person(" ".join(tokens[start:]))
    return None


def _given_name(name: str) -> bool:
    """Whether a name starts with a common given name (the gender-guesser package's list)."""
    first = fold(name).split()[0]
    return first in common_given_names()


def _people(
    found: pl.DataFrame,
    names: dict[str, str],
    prose: pl.DataFrame,
    person_keys: set[str],
    known_keys: set[str],
) -> pl.DataFrame:
    """Found people the gazetteer does not list, one spelling each, with their surname counts."""
    names = {raw: n for raw, n in names.items() if not _listed_person(n, person_keys, known_keys)}
    if not names:
        return pl.DataFrame(schema=SCORED_SCHEMA)
    canonical = _canonical_people(names.values())
    found = found.filter(pl.col("name").is_in(list(names))).with_columns(
        value=pl.col("name").replace_strict({raw: canonical[n] for raw, n in names.items()})
    )
    return _count_surnames(found.unique(["position", "value"]), prose)


def _listed_person(name: str, person_keys: set[str], known_keys: set[str]) -> bool:
    """Whether the gazetteer already finds this person (by name, variant or surname), or the name
    is a place or organization it lists."""
    tokens = person_tokens(name)
    if not tokens:
        return True
    full = " " + " ".join(tokens) + " "
    pair = " " + tokens[0] + " " + tokens[-1] + " "
    # A listed surname with another common given name is another person ("Jill Biden"), and so is
    # one with a first name no listed person of that surname has ("Medhat Abbas", a doctor).
    surname_only = " " + tokens[-1] + " " in person_keys and not (
        len(tokens) > 1 and (_given_name(name) or _another_first_name(tokens, person_keys))
    )
    return full in person_keys or pair in person_keys or surname_only or " " + fold(name) + " " in known_keys


def _another_first_name(tokens: tuple[str, ...], person_keys: set[str]) -> bool:
    """Whether a found name's first word is a name of its own: three or more letters, not a word
    of any listed name with its surname ("Fattah" of Abdel Fattah al-Burhan), and not a near
    spelling of such a name's first word ("Yoan Gallant" is a misspelt Yoav Gallant)."""
    first = tokens[0]
    if len(first) < 3 or not first.isalpha() or first in _STYLES:  # "Lord Cameron" is David Cameron
        return False
    listed = _listed_words(person_keys).get(tokens[-1])
    if listed is None:
        return True
    words, firsts = listed
    return first not in words and all(
        difflib.SequenceMatcher(None, first, other).ratio() < MISSPELLING_RATIO for other in firsts
    )


_STYLES = frozenset(w.lower() for w in HONORIFICS | PEERAGE | {"Mr", "Mrs", "Ms", "Miss", "Madam"})
# Two first names this alike (difflib's ratio) are one name spelt two ways: Yoav/Yoan 0.75,
# Recep/Recip 0.8; Medhat/Mahmoud 0.46.
MISSPELLING_RATIO = 0.6


def _listed_words(person_keys: set[str]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Surname -> (every word, the first words) of the listed names that end with it."""
    return _per_gazetteer(person_keys, _words_by_surname)


def _words_by_surname(person_keys: set[str]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    words: dict[str, set[str]] = {}
    firsts: dict[str, set[str]] = {}
    for key in person_keys:
        parts = key.split()
        if len(parts) > 1:
            words.setdefault(parts[-1], set()).update(parts[:-1])
            firsts.setdefault(parts[-1], set()).add(parts[0])
    return {k: (frozenset(words[k]), frozenset(firsts[k])) for k in words}


_DERIVED: dict[Callable, tuple[set[str], Any]] = {}  # per function: the keys last asked about, its answer


T = TypeVar("T")


def _per_gazetteer(keys: set[str], derive: Callable[[set[str]], T]) -> T:
    """derive(keys), computed once for a gazetteer's key set (they live as long as it does) and
    not for every batch or name: only the set last asked about is kept."""
    cached = _DERIVED.get(derive)
    if cached is None or cached[0] is not keys:
        cached = _DERIVED[derive] = (keys, derive(keys))
    return cached[1]


def _canonical_people(names) -> dict[str, str]:
    """One spelling per person across the batch: the longest of the forms sharing first and last
    name ("William J. Burns" and "William Burns" are one)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name in names:
        tokens = person_tokens(name)
        groups.setdefault((tokens[0], tokens[-1]), []).append(name)
    out = {}
    for forms in groups.values():
        counts = Counter(forms)
        # Ties go to the spelling itself, never to the order the batch met them in.
        pick = min(counts, key=lambda f: (-counts[f], -len(f), f))
        out.update({f: pick for f in forms})
    return out


def _count_surnames(found: pl.DataFrame, prose: pl.DataFrame) -> pl.DataFrame:
    """A found person counts every later mention of their surname in the article."""
    # The surname as the matcher's text has it: lowercase, hyphens and apostrophes as spaces.
    surname = pl.concat_str(
        pl.lit(" "),
        pl.col("value").str.to_lowercase().str.replace_all(r"[-'’.]", " ").str.split(" ").list.last(),
        pl.lit(" "),
    )
    counted = (
        found.select("position", "value", surname.alias("surname"))
        .join(prose.select("position", "section_weight", "lower"), on="position")
        .with_columns(n=pl.col("lower").str.count_matches(pl.col("surname"), literal=True).cast(pl.Int64))
    )
    return (
        counted.group_by("position", "value")
        .agg(pl.col("n").sum().alias("count"), (pl.col("n") * pl.col("section_weight")).sum().alias("score"))
        .filter(pl.col("count") > 0)
        .select(
            "position",
            pl.lit("person").alias("kind"),
            "value",
            "count",
            "score",
            pl.concat_list("value").alias("evidence"),
        )
    )


def _organizations(
    found: pl.DataFrame,
    names: dict[str, str],
    acronyms: dict[str, tuple[str, str]],
    prose: pl.DataFrame,
    known_keys: set[str],
) -> pl.DataFrame:
    """Found organizations the gazetteer does not list, one spelling each, acronyms counted."""
    names = dict(names) | {raw: e[0] for raw, e in acronyms.items()}
    # The end of a listed name is that name's ("Development Office" of "Foreign, Commonwealth
    # and Development Office").
    tails = _tails(known_keys)
    # A committee's subjects may be listed names ("Homeland Security"): the committee is kept.
    names = {
        raw: n
        for raw, n in names.items()
        if _COMMITTEE.fullmatch(n) or (not _known(n, known_keys) and f" {fold(n)} " not in tails)
    }
    if not names:
        return pl.DataFrame(schema=SCORED_SCHEMA)
    canonical = _canonical_organizations(names.values())
    mapping = {raw: canonical[n] for raw, n in names.items()}
    named = (
        found.filter(pl.col("name").is_in(list(mapping)))
        .with_columns(value=pl.col("name").replace_strict(mapping))
        .group_by("position", "value")
        .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("section_weight").sum().alias("score"))
    )
    tied = found.filter(pl.col("name").is_in([raw for raw in acronyms if raw in mapping]))
    counted = pl.concat([named, _acronym_mentions(tied, acronyms, mapping, prose)])
    return (
        counted.group_by("position", "value")
        .agg(pl.col("count").sum(), pl.col("score").sum())
        .select(*_ORGANIZATION_COLUMNS)
    )


def _tails(known_keys: set[str]) -> frozenset[str]:
    """Every listed name's word runs that end it, minus the whole name (5 ms to build: once per
    gazetteer)."""
    return _per_gazetteer(known_keys, _word_runs_ending_names)


def _word_runs_ending_names(known_keys: set[str]) -> frozenset[str]:
    return frozenset(
        " " + " ".join(k.split()[i:]) + " " for k in known_keys for i in range(1, len(k.split()))
    )


def _expansion(found: str) -> tuple[str, str] | None:
    """(name, acronym) when the capitals of the words before "(ACR)" spell the acronym."""
    words, acronym = found.rsplit("(", 1)
    acronym = acronym.rstrip(")")
    tokens = [t for t in re.split(r"[ -]", words.strip()) if t]
    for start in range(len(tokens)):
        initials = "".join(t[0] for t in tokens[start:] if t[0].isupper())
        if initials == acronym and tokens[start][0].isupper():
            name = clean_organization(" ".join(words.split()[-len(tokens[start:]) :])) or " ".join(
                tokens[start:]
            )
            return (name, acronym) if len(tokens[start:]) >= 2 else None
    return None


def _acronym_mentions(
    acronyms: pl.DataFrame,
    expansions: dict[str, tuple[str, str] | None],
    mapping: dict[str, str],
    prose: pl.DataFrame,
) -> pl.DataFrame:
    """Each later "CST" in an article whose text expanded it counts to the organization."""
    pairs = [(raw, mapping[raw], e[1]) for raw, e in expansions.items() if e and raw in mapping]
    empty = pl.DataFrame(
        schema={"position": pl.UInt32, "value": pl.String, "count": pl.Int64, "score": pl.Float64}
    )
    if not pairs:
        return empty
    table = pl.DataFrame(pairs, schema=["name", "value", "acronym"], orient="row")
    padded = pl.concat_str(pl.lit(" "), "acronym", pl.lit(" "))
    tied = acronyms.join(table, on="name").select("position", "value", padded.alias("acronym"))
    n = pl.col("cased").str.count_matches(pl.col("acronym"), literal=True).cast(pl.Int64)
    counted = (
        tied.unique(["position", "value"])
        .join(prose.select("position", "section_weight", "cased"), on="position")
        .with_columns(n=n)
        .group_by("position", "value")
        # The expansion's own "(CST)" is already counted with the name.
        .agg(
            (pl.col("n").sum() - 1).alias("count"),
            (pl.col("n") * pl.col("section_weight")).sum().alias("score"),
        )
    )
    return counted.filter(pl.col("count") > 0).select(empty.columns).cast(empty.schema)


def _canonical_organizations(names) -> dict[str, str]:
    """One spelling per organization across the batch: the most frequent of those folding alike,
    then one that opens with a capital ("Al Aqsa Hospital" before "al-Aqsa Hospital"), then the
    first in alphabetical order, so the same batch always gives the same spelling."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(fold(name), []).append(name)
    out = {}
    for forms in groups.values():
        counts = Counter(forms)
        pick = min(counts, key=lambda f: (-counts[f], not f[:1].isupper(), f))
        out.update({f: pick for f in forms})
    return out
