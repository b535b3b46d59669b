"""Deterministic synthetic corpus of Middle East diplomacy coverage, for benchmarks and the demo."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import random
import re
import sys
import time
from bisect import bisect
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "loaders" / "gazetteer"

FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
TITLE_WORDS = (8, 15)
BODY_WORDS = (300, 1200)
# Most news stories are short: a triangular draw peaking here gives a mean near 650 words.
BODY_WORDS_MODE = 480
# Share of articles with 0, 1, 2, 3 photo captions.
CAPTION_COUNT_CUM = [0.22, 0.77, 0.93, 1.0]
EXACT_DUPLICATE_RATE = 0.03
NEAR_DUPLICATE_RATE = 0.02
UNDATED_RATE = 0.03
# A few weeks carry a big story: ten times the usual traffic, as after a summit or a war.
BURST_WEEK_RATE = 0.04
BURST_FACTOR = 10.0
# Within a burst week half the articles follow that week's story.
BURST_STORY_SHARE = 0.5
# Coverage grows over the decade; the last year is this many times busier than the first.
GROWTH_FACTOR = 2.0
ZIPF_EXPONENT = 1.1
# Duplicates copy one of the most recent originals: memory stays bounded at millions of articles.
RECENT_ORIGINALS = 2000
FILLER_SENTENCES = 6000
FILLER_PARAGRAPHS = 30000
FILLER_MAX_STRIDE = 997
# Rough length of the lede and the paragraph naming officials, to size the filler.
ANCHOR_WORDS = 35
PERSON_PARAGRAPHS = 3000
QUOTE_PARAGRAPHS = 3000
# The sentence pools do not depend on the corpus seed, so every seed shares one vocabulary.
POOL_SEED = 20160101

# Articles are drawn in independent chunks: the unit of parallel work, and the span within
# which a duplicate finds its original.
CHUNK_ARTICLES = 10000
ARTICLES_PER_DUMP = 200
FORMATS = ("dump", "csv", "jsonl", "parquet")
CSV_COLUMNS = ("title", "body", "published", "url", "source")
PARQUET_SCHEMA = pa.schema(
    [
        ("title", pa.string()),
        ("body", pa.string()),
        ("captions", pa.list_(pa.string())),
        ("source", pa.string()),
        ("url", pa.string()),
        ("published", pa.date32()),
    ]
)

SAMPLE_SEED = 2021
SAMPLE_DUMP_FILES = 3
SAMPLE_DUMP_ARTICLES = 150
SAMPLE_WIRE_ARTICLES = 250

# Invented outlets (name, domain, whether their URLs carry the date). The .example domain is
# reserved, so no link in the corpus points at a real site.
SOURCES = (
    ("Gulf Ledger", "gulfledger.example", True),
    ("Levant Wire", "levantwire.example", True),
    ("Maghreb Daily", "maghrebdaily.example", False),
    ("Nile Dispatch", "niledispatch.example", True),
    ("Euphrates Review", "euphratesreview.example", False),
    ("Red Sea Courier", "redseacourier.example", True),
    ("Atlas Brief", "atlasbrief.example", False),
)
# Cumulative shares of SOURCES: a few big outlets and a tail.
SOURCE_CUM = [30.0, 52.0, 67.0, 80.0, 88.0, 95.0, 100.0]
CREDITS = ("AFP", "AFP", "AFP", "Reuters", "Reuters", "AP", "EPA", "Anadolu Agency", "SPA", "WAM")
HANDOUT_CREDIT_SHARE = 0.12

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The most covered countries first: the Zipf draw follows this order, then the gazetteer's.
COUNTRY_PRIORITY = (
    "ISR", "PSE", "IRN", "SAU", "USA", "EGY", "TUR", "SYR", "LBN", "IRQ", "ARE", "QAT", "JOR", "YEM",
    "RUS", "FRA", "GBR", "CHN", "KWT", "OMN", "BHR", "LBY", "SDN", "DZA", "MAR", "TUN", "DEU",
)  # fmt: skip
# Country names read with "the" in running text.
NAMES_WITH_THE = {
    "United States",
    "United Kingdom",
    "United Arab Emirates",
    "Netherlands",
    "Philippines",
    "Czech Republic",
    "Central African Republic",
    "Democratic Republic of the Congo",
    "Gambia",
    "Bahamas",
    "Comoros",
    "Maldives",
}
TITLE_NAMES = {"USA": "US", "GBR": "UK", "ARE": "UAE"}
SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to"}

# Built-in fallback gazetteer: iso3|name|demonym|capital|places (";"-separated).
BUILTIN_COUNTRIES = """
ISR|Israel|Israeli|Jerusalem|Tel Aviv;Haifa
PSE|Palestine|Palestinian|Ramallah|Gaza;Nablus;Jenin
IRN|Iran|Iranian|Tehran|Isfahan;Mashhad
SAU|Saudi Arabia|Saudi|Riyadh|Jeddah;Dammam
USA|United States|US|Washington|New York
EGY|Egypt|Egyptian|Cairo|Alexandria;Sharm el-Sheikh
TUR|Turkey|Turkish|Ankara|Istanbul;Gaziantep
SYR|Syria|Syrian|Damascus|Aleppo;Idlib;Homs
LBN|Lebanon|Lebanese|Beirut|Tyre;Tripoli
IRQ|Iraq|Iraqi|Baghdad|Erbil;Basra;Mosul
ARE|United Arab Emirates|Emirati|Abu Dhabi|Dubai
QAT|Qatar|Qatari|Doha|Lusail
JOR|Jordan|Jordanian|Amman|Aqaba
YEM|Yemen|Yemeni|Sanaa|Aden;Hodeidah
RUS|Russia|Russian|Moscow|Sochi
FRA|France|French|Paris|Marseille
GBR|United Kingdom|British|London|Manchester
CHN|China|Chinese|Beijing|Shanghai
KWT|Kuwait|Kuwaiti|Kuwait City|
OMN|Oman|Omani|Muscat|Salalah
BHR|Bahrain|Bahraini|Manama|
LBY|Libya|Libyan|Tripoli|Benghazi;Misrata
SDN|Sudan|Sudanese|Khartoum|Port Sudan;Darfur
DZA|Algeria|Algerian|Algiers|Oran
MAR|Morocco|Moroccan|Rabat|Casablanca;Tangier
TUN|Tunisia|Tunisian|Tunis|Sfax
DEU|Germany|German|Berlin|Munich
ITA|Italy|Italian|Rome|Milan
IND|India|Indian|New Delhi|Mumbai
PAK|Pakistan|Pakistani|Islamabad|Karachi
AFG|Afghanistan|Afghan|Kabul|Kandahar
"""
# name|role|iso3|short name used in headlines and second mentions.
BUILTIN_PEOPLE = """
Antony Blinken|Secretary of State|USA|Blinken
Sergei Lavrov|Foreign Minister|RUS|Lavrov
Hakan Fidan|Foreign Minister|TUR|Fidan
Abbas Araghchi|Foreign Minister|IRN|Araghchi
Faisal bin Farhan|Foreign Minister|SAU|Prince Faisal
Sameh Shoukry|Foreign Minister|EGY|Shoukry
Abdullah bin Zayed|Foreign Minister|ARE|Sheikh Abdullah
Fuad Hussein|Foreign Minister|IRQ|Hussein
Badr Albusaidi|Foreign Minister|OMN|Albusaidi
Josep Borrell|EU foreign policy chief||Borrell
Antonio Guterres|UN Secretary-General||Guterres
Ahmed Aboul Gheit|Arab League Secretary-General||Aboul Gheit
"""
# name|short name.
BUILTIN_ORGANIZATIONS = """
United Nations|UN
UN Security Council|Security Council
Arab League|Arab League
Gulf Cooperation Council|GCC
European Union|EU
Organization of Islamic Cooperation|OIC
International Atomic Energy Agency|IAEA
African Union|AU
World Food Programme|WFP
Union for the Mediterranean|UfM
"""
# topic|phrases.
BUILTIN_TOPICS = """
ceasefire|a ceasefire|the truce|a cessation of hostilities
nuclear program|the nuclear file|uranium enrichment|the nuclear deal
humanitarian aid|humanitarian aid|aid deliveries|relief access
normalization|normalization of relations|restoring diplomatic ties
hostages|the release of hostages|a prisoner exchange
refugees|the return of refugees|displaced people
energy|energy cooperation|gas exports|oil production
trade|trade ties|investment|economic cooperation
maritime security|maritime security|shipping in the Red Sea
reconstruction|reconstruction|post-war recovery
elections|the coming elections|a political transition
sanctions|sanctions|the easing of sanctions
water|water sharing|the Nile dam
counterterrorism|counterterrorism|border security
"""

TITLE_TEMPLATES = (
    "{A_adj} and {B_adj} Foreign Ministers Discuss {Topic_title} in {Venue}",
    "{A_title} Calls for Renewed Talks With {B_title} on {Topic_title}",
    "{Official_title} Visits {Venue} for Talks on {Topic_title} and Regional Security",
    "{Org_short} Meeting in {Venue} Focuses on {Topic_title} as Tensions Rise",
    "{A_adj} Envoy Holds Talks in {Venue} on {Topic_title} and Bilateral Ties",
    "{A_title} and {B_title} Agree to Expand Cooperation on {Topic_title}",
    "{B_adj} Officials Say Progress Made in Talks With {A_title} on {Topic_title}",
    "Diplomats Push for Breakthrough on {Topic_title} Ahead of {Org_short} Summit",
    "{Official_title} Speaks by Phone With {Official2_title} About {Topic_title}",
    "{A_title} Hosts Regional Meeting on {Topic_title} With {B_adj} Delegation",
    "Talks Between {A_title} and {B_title} Stall Over {Topic_title}, Officials Say",
    "{Org_short} Urges {A_title} and {B_title} to Settle Differences Over {Topic_title}",
    "{A_adj} Delegation Arrives in {Venue} for Second Round of Talks on {Topic_title}",
    "New Round of {A_adj}-{B_adj} Talks Opens in {Venue} With {Topic_title} on Agenda",
    "{A_title} Says It Is Ready to Resume Dialogue With {B_title} on {Topic_title}",
    "{B_title} Welcomes {A_adj} Proposal on {Topic_title} but Seeks Guarantees",
    "Regional Ministers Gather in {Venue} to Discuss {Topic_title} and Security",
    "{A_adj} President Receives {B_adj} Foreign Minister in {Venue} for Talks",
    "{A_title} and {B_title} Sign Memorandum of Understanding on {Topic_title} in {Venue}",
    "Analysts See Limited Gains From {A_adj}-{B_adj} Talks on {Topic_title}",
    "{Org_short} Envoy Briefs Members on {Topic_title} After Visit to {Venue}",
    "{A_title} Recalls Ambassador From {B_title} Amid Dispute Over {Topic_title}",
    "{A_title} and {B_title} Move to Restore Full Diplomatic Ties After Talks in {Venue}",
    "Mediators Shuttle Between {A_cap} and {B_cap} as Talks on {Topic_title} Drag On",
    "{A_adj} Foreign Ministry Summons {B_adj} Envoy Over Remarks on {Topic_title}",
    "{Official_title} Meets {B_adj} Counterpart on Sidelines of {Org_short} Meeting",
    "Arab Ministers Back {A_adj} Initiative on {Topic_title} at Meeting in {Venue}",
    "{A_title} Pledges Support for {Org_short} Efforts on {Topic_title} in Talks With {B_title}",
    "Joint Committee of {A_title} and {B_title} Meets in {Venue} to Review {Topic_title}",
    "Officials in {Venue} Play Down Hopes of a Quick Deal on {Topic_title}",
    "{A_adj} and {B_adj} Leaders Discuss {Topic_title} in Phone Call, Statement Says",
    "{C_title} Offers to Mediate Between {A_title} and {B_title} on {Topic_title}",
)
# Padding for headlines a short name left below the minimum length.
TITLE_TAILS = ("Amid Regional Tensions", "as Diplomacy Intensifies", "After Weeks of Contacts")

# {when} is " on Tuesday, 12 March 2021", " on Tuesday" or "", so one template serves all.
LEDE_TEMPLATES = (
    "{A_adj} officials met their {b_adj} counterparts in {venue}{when} to discuss {topic}, "
    "as both governments sought to ease tensions that have strained relations.",
    "{Official} arrived in {venue}{when} for talks with {b_adj} leaders focused on {topic} "
    "and wider regional security.",
    "The foreign ministers of {a_name} and {b_name} spoke by phone{when} about {topic}, "
    "according to a statement from the {a_adj} foreign ministry.",
    "{A_name} and {b_name} agreed{when} to set up a joint committee to follow up on {topic}, "
    "a move diplomats described as a cautious step forward.",
    "{An_a_adj} delegation held a second round of talks with {b_adj} officials in {venue}{when}, "
    "with {topic} at the top of the agenda.",
    "Ministers from across the region gathered in {venue}{when} for a meeting of the {org} "
    "dominated by {topic}.",
    "{A_name} called{when} for renewed international efforts on {topic}, urging the {org} "
    "to take a more active role.",
    "{Official} received {official2} in {venue}{when}, and the two discussed {topic} as well "
    "as bilateral trade.",
    "Talks between {a_name} and {b_name} on {topic} ended{when} without a breakthrough, "
    "officials on both sides said.",
    "The {org} said{when} it would send an envoy to {venue} to help revive stalled discussions on {topic}.",
    "{A_adj} and {b_adj} negotiators resumed talks in {venue}{when} after a pause of several "
    "weeks, focusing on {topic}.",
    "{Official} and {official2} met in {venue}{when}, where they reviewed {topic} and ways to "
    "expand cooperation.",
    "{B_name} welcomed{when} a proposal put forward by {a_name} on {topic}, though it said "
    "several points still needed clarification.",
    "The {a_adj} foreign ministry summoned the {b_adj} ambassador in {a_cap}{when} over remarks "
    "related to {topic}.",
    "Senior officials from {a_name}, {b_name} and {c_name} met in {venue}{when} to coordinate "
    "their positions on {topic}.",
    "{A_adj} leaders hosted a regional conference in {venue}{when} aimed at building support "
    "for a common approach to {topic}.",
    "{C_name} offered{when} to mediate between {a_name} and {b_name}, saying that progress on "
    "{topic} was within reach.",
    "{Official} travelled to {venue}{when} on a regional tour expected to focus on {topic}.",
)
LEDE_FOLLOWUPS = (
    "The talks were the latest in a series of contacts between the two governments.",
    "Neither side gave details of the proposals under discussion.",
    "It was the first meeting at this level in several months.",
    "The meeting came amid mounting pressure from regional partners to show results.",
    "Officials described the atmosphere as businesslike.",
    "A joint statement is expected to be issued later.",
    "The visit had been announced only a day earlier.",
)

PERSON_SENTENCES = (
    "{Official} later held separate talks with {official2}, according to the {b_adj} side.",
    "{Official} spoke by phone with {official2} ahead of the meeting.",
    "During the visit, {official_short} met members of {an_b_adj} parliamentary committee.",
    "{Official_short} is expected to travel to {b_cap} next month for further consultations.",
    "{Official} briefed {b_adj} officials on recent contacts with the {org}.",
    "{Official} also visited {place} and met local officials.",
    "{Official_short} and {official2} reviewed a draft framework on {topic}.",
    "{Official} met the {org} envoy on the sidelines of the talks.",
    "{Official_short} later flew to {c_cap} for a meeting with {c_adj} officials.",
    "{Official} received a message from the {b_adj} leadership on {topic}.",
    "{Official} and {official2} agreed to keep in close contact.",
    "{Official_short} attended a working dinner hosted by {b_adj} officials in {venue}.",
)

# Quotes are only ever given to unnamed speakers: never invent words for a real person.
QUOTES = (
    "We are committed to dialogue and we expect the other side to show the same seriousness",
    "There is a real opportunity now, but it will not last forever",
    "The discussions on {topic} were frank and constructive",
    "Nobody should expect a breakthrough in a single meeting",
    "Our position on {topic} has not changed",
    "We will continue to work with {b_name} and with our partners in the {org}",
    "The region cannot afford another round of escalation",
    "Both sides agreed that the channels of communication must stay open",
    "We want guarantees, not promises",
    "This is a first step, and there is a lot of work ahead",
    "The humanitarian situation requires immediate action",
    "We have asked for clarifications on several points and are waiting for answers",
    "Any solution must respect the sovereignty of the states concerned",
    "The meeting was useful, but differences remain on {topic}",
    "We are ready to host the next round of talks",
    "Security and economic cooperation go hand in hand",
    "The door remains open, but time is running short",
    "There was broad agreement on the principles, less on the details",
    "We expect concrete steps on {topic} before the next meeting",
    "The international community has a responsibility to act",
    "Progress has been slower than we hoped",
    "These contacts will continue at every level",
)
UNNAMED_SPEAKERS = (
    "a spokesperson for the {a_adj} foreign ministry",
    "{an_b_adj} official",
    "an official",
    "a senior diplomat",
    "a diplomat",
    "a Western diplomat",
    "an official familiar with the talks",
    "a spokesperson for the {org}",
    "{an_a_adj} official who asked not to be named",
    "an Arab diplomat",
    "a spokesperson",
    "a government spokesperson",
)
QUOTE_FORMS = (
    "“{q},” {speaker} said.",
    '"{q}," {speaker} said.',
    "“{q},” said {speaker}.",
    "{Speaker} told reporters: “{q}.”",
    '"{q}," {speaker} told reporters in {venue}.',
    "“{q},” {speaker} added.",
)

FILLER_SUBJECTS = (
    "Diplomats in the region",
    "Analysts",
    "Observers",
    "Western envoys",
    "Officials in {a_cap}",
    "{A_adj} officials",
    "Negotiators",
    "Regional governments",
    "Mediators",
    "Aid agencies",
    "Members of the {org}",
    "Lawmakers in {b_cap}",
    "Business leaders",
    "Commentators in the {b_adj} press",
    "Former officials",
    "People close to the talks",
    "Several European governments",
    "Economists in the region",
    "Opposition figures in {a_name}",
    "Humanitarian groups",
)
FILLER_VERBS = (
    "have long argued that",
    "say privately that",
    "expect that",
    "have warned that",
    "believe that",
    "noted that",
    "cautioned that",
    "suggested that",
    "point out that",
    "have concluded that",
)
FILLER_CLAUSES = (
    "progress on {topic} will depend on sustained engagement",
    "the talks could resume within weeks",
    "any agreement would need the backing of the {org}",
    "the two governments remain far apart on key issues",
    "{b_name} is unlikely to change its position before the next round",
    "regional tensions have complicated earlier efforts",
    "economic pressures are shaping the negotiations",
    "a technical committee would follow up on the details",
    "the gap between public statements and private positions has narrowed",
    "domestic politics in {a_name} limit the room for concessions",
    "{topic} has become a test of the wider relationship",
    "earlier rounds produced more goodwill than substance",
    "outside powers are watching the process closely",
    "the humanitarian toll adds urgency to the diplomacy",
    "trade and investment could follow a political deal",
    "confidence-building measures should come first",
    "the timing of the talks reflects a shift in regional alignments",
    "a lasting settlement will require broader participation",
    "the {org} could play a larger role if asked",
    "previous agreements were never fully implemented",
    "both sides have an interest in avoiding escalation",
    "the mediation effort has gained momentum",
    "public opinion in {b_name} remains sceptical",
    "the security situation on the ground is fragile",
    "a framework agreement is within reach",
    "the financial cost of the crisis is rising",
    "{a_adj} diplomacy has become more active in recent years",
    "the next steps are still unclear",
    "the issue of {topic} cannot be separated from regional security",
    "the talks have helped to reduce tensions",
    "the two capitals have quietly expanded their contacts",
    "sanctions relief remains a sticking point",
    "a summit could be arranged if the talks succeed",
    "further delays would weaken the moderates on both sides",
    "guarantees from third parties will be needed",
    "the pace of the negotiations has picked up",
    "the proposals on the table are largely technical",
    "energy markets reacted calmly to the news",
    "donor countries want clearer commitments",
    "the border question remains unresolved",
    "a prisoner exchange could open the way to wider talks",
    "aid convoys still face long delays at the crossings",
    "the reconstruction bill will run into billions of dollars",
    "the region's smaller states are seeking a larger voice",
    "shipping insurers are watching the talks closely",
    "the parliament in {b_cap} will have the final word",
    "the {org} lacks the means to enforce its decisions",
    "a new envoy could give the process fresh impetus",
    "the talks have become a channel for other issues as well",
    "expectations should remain modest",
)
# Empty tails are listed several times: most sentences end without a qualifier.
FILLER_TAILS = (
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    ", according to people briefed on the discussions",
    " in the coming months",
    ", though no timetable has been set",
    ", at least for now",
    " despite recent setbacks",
    ", a view shared by several governments",
    " in the long run",
    ", according to local media",
    " after years of stalemate",
    ", diplomatic sources said",
    " as the talks enter a new phase",
    ", even if progress is slow",
    " this year",
    ", according to regional media reports",
    " unless the security situation worsens",
    ", in the view of many in the region",
)
FILLER_STANDALONE = (
    "The meeting lasted several hours.",
    "No joint statement was issued.",
    "The two delegations agreed to meet again.",
    "Working groups will continue to meet at a technical level.",
    "The issue has dominated regional diplomacy for years.",
    "Officials did not say when the next round would take place.",
    "The talks were held behind closed doors.",
    "The foreign ministry published a short readout of the meeting.",
    "Both sides described the discussions as positive.",
    "Several regional capitals welcomed the contacts.",
    "The {org} has called for restraint.",
    "Relations between {a_name} and {b_name} have had their ups and downs.",
    "The agenda also included trade, transport and visa rules.",
    "Security was tight around the venue.",
    "The delegations exchanged written proposals.",
    "A previous round of talks ended without agreement.",
    "Experts from both sides are drafting a joint document.",
    "Details of the plan have not been made public.",
    "{A_name} has hosted several rounds of similar talks.",
    "The talks touched on {topic} and on wider regional issues.",
    "The meeting was also attended by representatives of the {org}.",
    "Observers said the tone had improved compared with earlier meetings.",
    "The ministers also discussed cooperation in health and education.",
    "{B_adj} media gave the meeting prominent coverage.",
    "Talks on a wider package are expected to take longer.",
)

CAPTION_TEMPLATES = (
    "{Official} meets with {official2} in {venue}{cap_when}.",
    "{A_adj} and {b_adj} delegations attend talks in {venue}{cap_when}.",
    "Delegates attend the opening session of a meeting of the {org} in {venue}{cap_when}.",
    "{Official} speaks during a joint press conference in {venue}{cap_when}.",
    "A general view of a meeting between {a_adj} and {b_adj} officials in {venue}{cap_when}.",
    "{Official} arrives for talks in {venue}{cap_when}.",
    "Flags of {a_name} and {b_name} are seen ahead of a meeting in {venue}{cap_when}.",
    "People walk past a mural in {place}{cap_when}.",
    "Foreign ministers pose for a group photo before a meeting of the {org} in {venue}{cap_when}.",
    "{Official} and {official2} shake hands in {venue}{cap_when}.",
    "Trucks carrying aid wait at a crossing near {place}{cap_when}.",
    "Journalists wait outside the venue of the talks in {venue}{cap_when}.",
)

TITLE_SYNONYMS = (
    (" Discuss ", " Review "),
    (" Talks ", " Meeting "),
    (" Officials ", " Diplomats "),
    (" Urges ", " Presses "),
    (" Holds ", " Opens "),
    (" Agree ", " Pledge "),
    (" Meets ", " Sees "),
    (" Calls for ", " Seeks "),
    (" Hosts ", " Convenes "),
)

_SLOT = re.compile(r"\{[A-Za-z0-9_]+\}")
_SLUG = re.compile(r"[^a-z0-9]+")
_REGEX_CHARS = re.compile(r"[\\\[\]()*+?^$|{}]")


@dataclass(frozen=True)
class Country:
    """A country as the generator names it in running text."""

    iso3: str
    name: str
    adj: str
    capital: str
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """An official who may be named doing things, never quoted."""

    name: str
    role: str
    iso3: str
    short: str


@dataclass(frozen=True)
class Gazetteer:
    """The entities the generator draws from, most covered first."""

    countries: tuple[Country, ...]
    people: tuple[Person, ...]
    organizations: tuple[tuple[str, str], ...]
    topics: tuple[tuple[str, tuple[str, ...]], ...]


def _rows(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.strip().splitlines()]


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    """The small gazetteer shipped in this module, used when the project's files are absent."""
    countries = tuple(
        Country(iso3, name, adj, cap, tuple(p for p in places.split(";") if p))
        for iso3, name, adj, cap, places in _rows(BUILTIN_COUNTRIES)
    )
    people = tuple(Person(*row) for row in _rows(BUILTIN_PEOPLE))
    organizations = tuple((name, short) for name, short in _rows(BUILTIN_ORGANIZATIONS))
    topics = tuple((row[0], tuple(row[1:])) for row in _rows(BUILTIN_TOPICS))
    return Gazetteer(countries, people, organizations, topics)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
        ]


def _plain_phrase(pattern: str) -> bool:
    # Gazetteer patterns may be regexes; only literal phrases read well in a sentence.
    return bool(pattern) and not _REGEX_CHARS.search(pattern)


def load_gazetteer(directory: Path = GAZETTEER_DIR) -> Gazetteer:
    """The project's gazetteer files where present, the built-in lists where not."""
    builtin = builtin_gazetteer()
    known = {c.iso3: c for c in builtin.countries}
    terms: dict[tuple[str, str], list[str]] = {}
    for row in _read_csv(directory / "country_terms.csv"):
        if _plain_phrase(row.get("pattern", "")):
            terms.setdefault((row.get("iso3", ""), row.get("kind", "")), []).append(row["pattern"])
    countries = []
    for row in _read_csv(directory / "countries.csv"):
        iso3, name = row.get("iso3", ""), row.get("name", "")
        if not iso3 or not name:
            continue
        fallback = known.get(iso3)
        adj = (terms.get((iso3, "demonym")) or [fallback.adj if fallback else name])[0]
        capital = (terms.get((iso3, "capital")) or [fallback.capital if fallback else name])[0]
        places = tuple(terms.get((iso3, "place"), ())) or (fallback.places if fallback else ())
        countries.append(Country(iso3, name, adj, capital, places))
    people = []
    for row in _read_csv(directory / "people.csv"):
        if row.get("name"):
            aliases = [a.strip() for a in row.get("aliases", "").split("|") if a.strip()]
            short = min(aliases, key=lambda a: len(a.split())) if aliases else row["name"]
            people.append(Person(row["name"], row.get("role", ""), row.get("iso3", ""), short))
    organizations = []
    for row in _read_csv(directory / "organizations.csv"):
        if row.get("name"):
            aliases = [a.strip() for a in row.get("aliases", "").split("|") if a.strip()]
            organizations.append((row["name"], min(aliases, key=len) if aliases else row["name"]))
    topics = []
    for row in _read_csv(directory / "topics.csv"):
        phrases = tuple(p for p in row.get("patterns", "").split("|") if _plain_phrase(p.strip()))
        if row.get("topic"):
            topics.append((row["topic"], tuple(p.strip() for p in phrases) or (row["topic"],)))
    return Gazetteer(
        tuple(countries) or builtin.countries,
        tuple(people) or builtin.people,
        tuple(organizations) or builtin.organizations,
        tuple(topics) or builtin.topics,
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(text: str) -> str:
    words = text.split()
    return " ".join(
        w if not w.islower() or (i and w in SMALL_WORDS) else _cap(w) for i, w in enumerate(words)
    )


def _pick(rng: random.Random, cum: list[float]) -> int:
    # bisect on cumulative weights: what random.choices does, without its per-call overhead.
    return bisect(cum, rng.random() * cum[-1])


def _count_words(text: str) -> int:
    # Generated text has single spaces and blank-line paragraph breaks: no need to split.
    return text.count(" ") + text.count("\n\n") + 1


def _cap_template(text: str) -> str:
    # A sentence opening on a slot capitalizes the slot's value: {topic} -> {Topic_title}.
    return "{" + _cap(text[1:]) if text.startswith("{") else _cap(text)


def _mention(person: Person, adj: str) -> tuple[str, str, str, str, str]:
    """How an article names a person: full, capitalized, short, short capitalized, headline."""
    role = person.role
    if adj and role[:1].isupper() and adj not in role:
        role = f"{adj} {role}"
    long = f"{role} {person.name}" if role and len(role.split()) <= 5 else person.name
    return long, _cap(long), person.short, _cap(person.short), person.short


def _zipf_cum(n: int) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**ZIPF_EXPONENT
        out.append(total)
    return out


def _words(template: str) -> int:
    # A slot is usually a one- or two-word name: count it as 1.5 words.
    slots = len(_SLOT.findall(template))
    return template.count(" ") + 1 + slots // 2


@dataclass(frozen=True)
class _Pools:
    filler: tuple[str, ...]
    filler_mean_words: float
    person: tuple[str, ...]
    quote: tuple[str, ...]


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    """Paragraph templates with named slots, built once; articles fill the slots."""
    rng = random.Random(POOL_SEED)
    sentences = list(FILLER_STANDALONE)
    for _ in range(FILLER_SENTENCES):
        clause = rng.choice(FILLER_CLAUSES)
        if rng.random() < 0.3:
            sentences.append(f"{_cap_template(clause)}{rng.choice(FILLER_TAILS)}.")
        else:
            subject, verb = rng.choice(FILLER_SUBJECTS), rng.choice(FILLER_VERBS)
            sentences.append(f"{subject} {verb} {clause}{rng.choice(FILLER_TAILS)}.")
    filler = tuple(
        " ".join(rng.sample(sentences, rng.choice((1, 2, 2, 3, 3, 4)))) for _ in range(FILLER_PARAGRAPHS)
    )
    person = tuple(
        " ".join(rng.sample(PERSON_SENTENCES, rng.choice((1, 2))))
        + (" " + rng.choice(sentences) if rng.random() < 0.5 else "")
        for _ in range(PERSON_PARAGRAPHS)
    )
    quote = []
    for _ in range(QUOTE_PARAGRAPHS):
        speaker = rng.choice(UNNAMED_SPEAKERS)
        form = rng.choice(QUOTE_FORMS)
        text = form.replace("{Speaker}", _cap_template(speaker)).replace("{speaker}", speaker)
        text = text.replace("{q}", rng.choice(QUOTES))
        if rng.random() < 0.4:
            text += " " + rng.choice(sentences)
        quote.append(text)
    mean = sum(_words(p) for p in filler) / len(filler)
    return _Pools(filler, mean, person, tuple(quote))


@lru_cache(maxsize=1)
def _days() -> tuple[tuple[str, str, str, str], ...]:
    """Per day: ISO date, weekday, '12 March 2021' and 'March 12, 2021'."""
    out = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        month = MONTHS[day.month - 1]
        dmy, mdy = f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}"
        out.append((day.isoformat(), WEEKDAYS[day.weekday()], dmy, mdy))
        day += dt.timedelta(days=1)
    return tuple(out)


class _Generator:
    """Precomputed tables and the per-article draw; one instance per seed."""

    def __init__(self, seed: int, gazetteer: Gazetteer) -> None:
        self.seed = seed
        # The calendar (busy weeks and their stories) is drawn from the seed alone, so every
        # chunk of the corpus shares it.
        self.rng = random.Random(seed)
        self.pools = _pools()
        self.days = _days()
        self._prepare_entities(gazetteer)
        self._prepare_calendar()
        self.recent: list[tuple[dict, dict[str, str]]] = []
        self.serial = 0

    def chunk(self, index: int, count: int) -> list[dict]:
        """Articles of chunk `index`: drawn from (seed, index) alone, so chunks can run anywhere."""
        self.rng = random.Random(f"{self.seed}/{index}")
        self.recent = []
        self.serial = index * CHUNK_ARTICLES
        return [self.next() for _ in range(count)]

    def _prepare_entities(self, gaz: Gazetteer) -> None:
        # Every string an article needs is built here once, so the per-article work is lookups.
        order = {iso3: i for i, iso3 in enumerate(COUNTRY_PRIORITY)}
        countries = sorted(gaz.countries, key=lambda c: order.get(c.iso3, len(order)))
        adjectives = {c.iso3: c.adj for c in countries}
        mentions: dict[str, list[tuple[str, str, str, str, str]]] = {}
        self.people = []
        for person in gaz.people:
            mention = _mention(person, adjectives.get(person.iso3, ""))
            self.people.append(mention)
            mentions.setdefault(person.iso3, []).append(mention)
        self.people_cum = _zipf_cum(len(self.people)) if self.people else []
        self.countries = []
        for c in countries:
            name = f"the {c.name}" if c.name in NAMES_WITH_THE else c.name
            title = TITLE_NAMES.get(c.iso3, c.name)
            unnamed = (f"the {c.adj} foreign minister", f"The {c.adj} foreign minister")
            officials = (*unnamed, *unnamed, f"{c.adj} Foreign Minister")
            self.countries.append(
                (
                    c,
                    name,
                    _cap(name),
                    title,
                    c.places or (c.capital,),
                    tuple(mentions.get(c.iso3, ())),
                    officials,
                    f"{'an' if c.adj[:1] in 'AEIOU' else 'a'} {c.adj}",
                )
            )
        self.country_cum = _zipf_cum(len(self.countries))
        self.orgs = [(name, _cap(name), short) for name, short in gaz.organizations]
        self.org_cum = _zipf_cum(len(self.orgs))
        self.topics = [
            [(p, _cap(p), _title_case(p.removeprefix("the ").removeprefix("a "))) for p in phrases]
            for _, phrases in gaz.topics
        ]
        self.topic_cum = _zipf_cum(len(self.topics))

    def _prepare_calendar(self) -> None:
        rng = self.rng
        n_days = len(self.days)
        weeks = (n_days + 6) // 7
        self.burst_story: dict[int, tuple[int, int, int]] = {}
        cum, total = [], 0.0
        for week in range(weeks):
            weight = 1.0 + (GROWTH_FACTOR - 1.0) * week / weeks
            if rng.random() < BURST_WEEK_RATE:
                weight *= BURST_FACTOR
                story = (self._country(), self._country(), self._topic())
                self.burst_story[week] = story
            for _ in range(min(7, n_days - week * 7)):
                total += weight
                cum.append(total)
        self.day_cum = cum

    def _country(self) -> int:
        return _pick(self.rng, self.country_cum)

    def _topic(self) -> int:
        return _pick(self.rng, self.topic_cum)

    def _official(self, country: tuple) -> tuple[str, str, str, str, str]:
        """A named official of the country (mention, capitalized, short), or an unnamed role."""
        people = country[5]
        random = self.rng.random
        if people and random() < 0.8:
            return people[0] if random() < 0.5 else people[int(random() * len(people))]
        if self.people and random() < 0.15:
            return self.people[_pick(self.rng, self.people_cum)]
        return country[6]

    def _context(self, day: int, dated: bool) -> dict[str, str]:
        rng = self.rng
        story = self.burst_story.get(day // 7)
        if story and rng.random() < BURST_STORY_SHARE:
            a, b, t = story
        else:
            a, b, t = self._country(), self._country(), self._topic()
        n = len(self.countries)
        while b == a:
            b = int(rng.random() * n)
        c = int(rng.random() * n)
        while c in (a, b) and n > 2:
            c = int(rng.random() * n)
        country_a, country_b = self.countries[a], self.countries[b]
        ca, a_name, a_cname, a_title, a_places = country_a[:5]
        cb, b_name, b_cname, b_title = country_b[:4]
        cc, c_name, c_cname, c_title = self.countries[c][:4]
        phrases = self.topics[t]
        topic, topic_cap, topic_title = phrases[int(rng.random() * len(phrases))]
        org, org_cap, org_short = self.orgs[_pick(rng, self.org_cum)]
        official, official_cap, official_short, official_scap, official_title = self._official(country_a)
        official2, _, _, _, official2_title = self._official(country_b)
        roll = rng.random()
        venue = ca.capital if roll < 0.45 else cb.capital if roll < 0.8 else cc.capital
        iso, weekday, dmy, mdy = self.days[day]
        return {
            "a_name": a_name,
            "A_name": a_cname,
            "a_adj": ca.adj,
            "A_adj": ca.adj,
            "a_cap": ca.capital,
            "an_a_adj": country_a[7],
            "An_a_adj": _cap(country_a[7]),
            "an_b_adj": country_b[7],
            "An_b_adj": _cap(country_b[7]),
            "A_cap": ca.capital,
            "A_title": a_title,
            "b_name": b_name,
            "B_name": b_cname,
            "b_adj": cb.adj,
            "B_adj": cb.adj,
            "b_cap": cb.capital,
            "B_cap": cb.capital,
            "B_title": b_title,
            "c_name": c_name,
            "C_name": c_cname,
            "c_adj": cc.adj,
            "c_cap": cc.capital,
            "C_title": c_title,
            "place": a_places[int(rng.random() * len(a_places))],
            "venue": venue,
            "Venue": venue,
            "topic": topic,
            "Topic": topic_cap,
            "Topic_title": topic_title,
            "org": org,
            "Org": org_cap,
            "Org_short": org_short,
            "official": official,
            "Official": official_cap,
            "official_short": official_short,
            "Official_short": official_scap,
            "Official_title": official_title,
            "official2": official2,
            "Official2_title": official2_title,
            "weekday": weekday if dated else "",
            "dmy": dmy if dated else "",
            "mdy": mdy if dated else "",
            "iso": iso if dated else "",
        }

    def _title(self, ctx: dict[str, str]) -> str:
        rng = self.rng
        title = TITLE_TEMPLATES[int(rng.random() * len(TITLE_TEMPLATES))].format_map(ctx)
        words = title.split()
        while len(words) < TITLE_WORDS[0]:
            words += rng.choice(TITLE_TAILS).split()
        if len(words) > TITLE_WORDS[1]:
            words = words[: TITLE_WORDS[1]]
            while words[-1].lower() in SMALL_WORDS or words[-1].endswith(","):
                words.pop()
        return " ".join(words)

    def _captions(self, ctx: dict[str, str], count: int, date_in_first: bool) -> list[str]:
        rng = self.rng
        captions = []
        for i in range(count):
            if ctx["iso"] and ((date_in_first and i == 0) or rng.random() < 0.5):
                when = f" on {ctx['mdy']}" if rng.random() < 0.6 else f", {ctx['dmy']}"
            else:
                when = ""
            ctx["cap_when"] = when
            text = CAPTION_TEMPLATES[int(rng.random() * len(CAPTION_TEMPLATES))].format_map(ctx)
            if rng.random() < HANDOUT_CREDIT_SHARE:
                credit = f"Photo by Handout / {ctx['a_adj'].upper()} FOREIGN MINISTRY / AFP"
            else:
                credit = CREDITS[int(rng.random() * len(CREDITS))]
            captions.append(f"{text} ({credit})")
        return captions

    def _body(self, ctx: dict[str, str], evidence: str) -> str:
        rng = self.rng
        pools = self.pools
        if evidence == "body":
            date = ctx["dmy"] if rng.random() < 0.5 else ctx["mdy"]
            when = f" on {ctx['weekday']}, {date}"
        elif evidence in ("dateline", "caption") and rng.random() < 0.6:
            when = f" on {ctx['weekday']}"
        else:
            when = ""
        random = rng.random
        lede = LEDE_TEMPLATES[int(random() * len(LEDE_TEMPLATES))].replace("{when}", when)
        if random() < 0.5:
            lede += " " + LEDE_FOLLOWUPS[int(random() * len(LEDE_FOLLOWUPS))]
        if evidence == "dateline":
            lede = f"{ctx['venue'].upper()}, {ctx['mdy']} — {lede}"
        paragraphs = [lede]
        if random() < 0.75:
            paragraphs.append(pools.person[int(random() * len(pools.person))])
        target = int(rng.triangular(BODY_WORDS[0] + 30, BODY_WORDS[1] - 60, BODY_WORDS_MODE))
        words = ANCHOR_WORDS * len(paragraphs)
        quotes = 1 + (target > 700) if random() < 0.7 else 0
        # A strided slice of the shuffled pool: one draw per article instead of one per paragraph.
        # Articles only share a run of paragraphs if they draw the same stride and nearby starts.
        k = max(1, round((target - words) / pools.filler_mean_words))
        step = 1 + int(random() * FILLER_MAX_STRIDE)
        start = int(random() * (len(pools.filler) - k * step))
        paragraphs += pools.filler[start : start + k * step : step]
        for _ in range(quotes):
            quote = pools.quote[int(random() * len(pools.quote))]
            paragraphs.insert(1 + int(random() * len(paragraphs)), quote)
        body = "\n\n".join(paragraphs).format_map(ctx)
        return self._fit(body, len(paragraphs), ctx)

    def _fit(self, body: str, n_paragraphs: int, ctx: dict[str, str]) -> str:
        """Trim or pad whole paragraphs so the body stays within BODY_WORDS."""
        count = body.count(" ") + n_paragraphs
        if BODY_WORDS[0] <= count <= BODY_WORDS[1]:
            return body
        paragraphs = body.split("\n\n")
        while count > BODY_WORDS[1] and len(paragraphs) > 2:
            count -= _count_words(paragraphs.pop())
        while count < BODY_WORDS[0]:
            extra = self.rng.choice(self.pools.filler).format_map(ctx)
            paragraphs.append(extra)
            count += _count_words(extra)
        return "\n\n".join(paragraphs)

    def _source(self) -> tuple[str, str, bool]:
        return SOURCES[_pick(self.rng, SOURCE_CUM)]

    def _url(self, domain: str, dated_urls: bool, title: str, iso: str) -> str:
        self.serial += 1
        slug = _SLUG.sub("-", title.lower()).strip("-")[:80]
        if dated_urls and iso:
            year, month, day = iso.split("-")
            return f"https://{domain}/{year}/{int(month)}/{int(day)}/{slug}-{self.serial}"
        return f"https://{domain}/news/{self.serial}-{slug}"

    def original(self) -> tuple[dict, dict[str, str]]:
        """A new article and the slot values it was written from."""
        rng = self.rng
        dated = rng.random() >= UNDATED_RATE
        day = _pick(rng, self.day_cum)
        ctx = self._context(day, dated)
        n_captions = _pick(rng, CAPTION_COUNT_CUM)
        if not dated:
            evidence = "none"
        else:
            roll = rng.random()
            evidence = "dateline" if roll < 0.3 else "body" if roll < 0.65 else "caption"
            if evidence == "caption" and not n_captions:
                evidence = "body"
        title = self._title(ctx)
        captions = self._captions(ctx, n_captions, evidence == "caption")
        body = self._body(ctx, evidence)
        name, domain, dated_urls = self._source()
        article = {
            "title": title,
            "body": body,
            "captions": captions,
            "source": name,
            "url": self._url(domain, dated_urls, title, ctx["iso"]),
            "published": ctx["iso"] or None,
        }
        return article, ctx

    def exact_copy(self, article: dict) -> dict:
        """The same story picked up by another outlet, or re-published by the same one."""
        copy = dict(article, captions=list(article["captions"]))
        if self.rng.random() < 0.6:
            copy["source"], domain, dated_urls = self._source()
        else:
            domain, dated_urls = next((d, u) for s, d, u in SOURCES if s == article["source"])
        copy["url"] = self._url(domain, dated_urls, article["title"], article["published"] or "")
        return copy

    def near_copy(self, article: dict, ctx: dict[str, str]) -> dict:
        """An edited version: a reworded headline and a paragraph cut or added."""
        rng = self.rng
        copy = self.exact_copy(article)
        title = article["title"]
        swaps = [(old, new) for old, new in TITLE_SYNONYMS if old in f" {title} "]
        if swaps:
            old, new = rng.choice(swaps)
            edited = f" {title} ".replace(old, new, 1).strip()
        else:
            edited = self._title(ctx)
        if edited == title or not TITLE_WORDS[0] <= len(edited.split()) <= TITLE_WORDS[1]:
            edited = title.rsplit(" ", 1)[0] + " Talks" if len(title.split()) > 8 else title
        copy["title"] = edited
        paragraphs = article["body"].split("\n\n")
        count = _count_words(article["body"])
        last = _count_words(paragraphs[-1])
        if len(paragraphs) > 4 and count - last >= BODY_WORDS[0] and rng.random() < 0.5:
            paragraphs.pop()
        else:
            extra = rng.choice(self.pools.filler).format_map(ctx)
            if count + _count_words(extra) > BODY_WORDS[1]:
                paragraphs.pop()
            paragraphs.insert(rng.randint(1, len(paragraphs)), extra)
        copy["body"] = "\n\n".join(paragraphs)
        return copy

    def next(self) -> dict:
        """The next article of the stream: mostly originals, some exact and near copies."""
        rng = self.rng
        roll = rng.random()
        recent = self.recent
        if recent and roll < EXACT_DUPLICATE_RATE:
            return self.exact_copy(recent[int(rng.random() * len(recent))][0])
        if recent and roll < EXACT_DUPLICATE_RATE + NEAR_DUPLICATE_RATE:
            return self.near_copy(*recent[int(rng.random() * len(recent))])
        article, ctx = self.original()
        if len(recent) < RECENT_ORIGINALS:
            recent.append((article, ctx))
        else:
            recent[int(rng.random() * RECENT_ORIGINALS)] = (article, ctx)
        return article


def _chunk_sizes(n: int) -> list[int]:
    return [min(CHUNK_ARTICLES, n - start) for start in range(0, n, CHUNK_ARTICLES)]


def generate_articles(n: int, seed: int = 0, gazetteer: Gazetteer | None = None) -> Iterator[dict]:
    """Yield n synthetic articles (title, body, captions, source, url, published), same per seed."""
    generator = _Generator(seed, gazetteer or load_gazetteer())
    for index, count in enumerate(_chunk_sizes(n)):
        yield from generator.chunk(index, count)


def dump_text(article: dict) -> str:
    """One article in the page-text dump format: title, captions twice, TT, title, captions, body."""
    title, captions = article["title"], article["captions"]
    doubled = "".join(f"{c}\n{c}\n" for c in captions)
    second = f"{doubled}\n" if captions else ""
    return f"{title}\n\n{doubled}TT\n\n{title}\n\n{second}{article['body']}"


def _write_dump(path: Path, articles: list[dict]) -> None:
    # Articles are separated by three blank lines and the file has no final newline, as the seeds.
    path.write_text("\n\n\n\n".join(dump_text(a) for a in articles), encoding="utf-8")


def _csv_text(articles: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([article[c] or "" for c in CSV_COLUMNS] for article in articles)
    return buffer.getvalue()


def _arrow_table(articles: list[dict]) -> pa.Table:
    columns = {name: [a[name] for a in articles] for name in PARQUET_SCHEMA.names}
    columns["published"] = [dt.date.fromisoformat(d) if d else None for d in columns["published"]]
    return pa.table(columns, schema=PARQUET_SCHEMA)


_GENERATORS: dict[tuple[int, Gazetteer], _Generator] = {}


def _render_chunk(job: tuple[int, Gazetteer, int, int, frozenset[str], Path]) -> tuple:
    """Draw one chunk and render it: dump files written here, tabular text handed back."""
    seed, gazetteer, index, count, formats, out_dir = job
    generator = _GENERATORS.get((seed, gazetteer))
    if generator is None:
        generator = _GENERATORS[(seed, gazetteer)] = _Generator(seed, gazetteer)
    articles = generator.chunk(index, count)
    if "dump" in formats:
        first = index * (CHUNK_ARTICLES // ARTICLES_PER_DUMP)
        for i, start in enumerate(range(0, count, ARTICLES_PER_DUMP)):
            path = out_dir / "dumps" / f"dump_{first + i:05d}.txt"
            _write_dump(path, articles[start : start + ARTICLES_PER_DUMP])
    csv_text = _csv_text(articles) if "csv" in formats else ""
    jsonl = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles) if "jsonl" in formats else ""
    table = _arrow_table(articles) if "parquet" in formats else None
    return csv_text, jsonl, table


def _rendered_chunks(jobs: list[tuple], workers: int) -> Iterator[tuple]:
    """Results of _render_chunk in order; a few chunks ahead at most, so memory stays flat."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_render_chunk, jobs)
        return
    # Workers hand back one rendered string per chunk, not article dicts: pickling a million
    # small objects would cost as much as drawing them.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(workers) as pool:
        pending: deque = deque()
        queue = iter(jobs)
        for job in queue:
            pending.append(pool.apply_async(_render_chunk, (job,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            for job in queue:
                pending.append(pool.apply_async(_render_chunk, (job,)))
                break
            yield result


def write_corpus(
    n: int,
    out_dir: Path,
    seed: int = 0,
    formats: Iterable[str] = ("dump",),
    workers: int = 1,
    gazetteer: Gazetteer | None = None,
) -> int:
    """Write the same n articles in each requested format under out_dir; return the count."""
    wanted = frozenset(formats)
    unknown = wanted - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats: {', '.join(sorted(unknown))}")
    (out_dir / "dumps" if "dump" in wanted else out_dir).mkdir(parents=True, exist_ok=True)
    gazetteer = gazetteer or load_gazetteer()
    jobs = [(seed, gazetteer, index, count, wanted, out_dir) for index, count in enumerate(_chunk_sizes(n))]
    csv_file = (out_dir / "articles.csv").open("w", encoding="utf-8") if "csv" in wanted else None
    jsonl_file = (out_dir / "articles.jsonl").open("w", encoding="utf-8") if "jsonl" in wanted else None
    parquet = pq.ParquetWriter(out_dir / "articles.parquet", PARQUET_SCHEMA) if "parquet" in wanted else None
    try:
        if csv_file:
            csv_file.write(",".join(CSV_COLUMNS) + "\n")
        for csv_text, jsonl_text, table in _rendered_chunks(jobs, workers):
            if csv_file:
                csv_file.write(csv_text)
            if jsonl_file:
                jsonl_file.write(jsonl_text)
            if parquet:
                parquet.write_table(table)
    finally:
        for handle in (csv_file, jsonl_file, parquet):
            if handle:
                handle.close()
    return n


SAMPLE_README = """# Demo corpus (synthetic)

Every article in this folder is **synthetic**: written by this project's generator
(`benchmarks/generate.py`) from sentence templates, not collected from any outlet. The outlets
("Gulf Ledger", "Levant Wire", ...) are invented and their URLs use the reserved `.example` domain.
Real countries, organizations and officials appear by name doing things (meeting, visiting,
calling); the events and dates are invented. Quotations are only ever attributed to unnamed
speakers ("a diplomat", "an official").

- `dumps/*.txt`: {dump_articles} articles in the page-text dump format (title, captions twice,
  `TT`, title again, captions again, body); dates appear only in datelines, captions or the body.
- `wire.csv`: {wire_articles} articles with columns `title,body,published,url,source`.

Dates run from {first} to {last}, with a few busy weeks. About 3% of the articles are exact
copies and 2% edited copies (reworded headline, a paragraph cut or added) of another article, some
across the two files, so duplicate folding is visible; about 3% carry no date evidence at all.
In this sample: {copies} exact copies, {undated} undated articles.

Produced with seed {seed} and the generator's built-in gazetteer (so it does not change when the
gazetteer files are edited):

```
python -c "from pathlib import Path; from benchmarks.generate import generate_sample; \\
generate_sample(Path('data/sample'))"
```
"""


def generate_sample(out_dir: Path | str) -> None:
    """Write the demo corpus: a few dump files, a wire CSV and a README saying how it was made."""
    out_dir = Path(out_dir)
    total = SAMPLE_DUMP_ARTICLES + SAMPLE_WIRE_ARTICLES
    articles = list(generate_articles(total, SAMPLE_SEED, builtin_gazetteer()))
    dumps = out_dir / "dumps"
    dumps.mkdir(parents=True, exist_ok=True)
    per_file = -(-SAMPLE_DUMP_ARTICLES // SAMPLE_DUMP_FILES)
    for i in range(SAMPLE_DUMP_FILES):
        part = articles[i * per_file : min((i + 1) * per_file, SAMPLE_DUMP_ARTICLES)]
        _write_dump(dumps / f"coverage_{i + 1:02d}.txt", part)
    header = ",".join(CSV_COLUMNS) + "\n"
    wire = header + _csv_text(articles[SAMPLE_DUMP_ARTICLES:])
    (out_dir / "wire.csv").write_text(wire, encoding="utf-8")
    dates = sorted(a["published"] for a in articles if a["published"])
    readme = SAMPLE_README.format(
        dump_articles=SAMPLE_DUMP_ARTICLES,
        wire_articles=SAMPLE_WIRE_ARTICLES,
        seed=SAMPLE_SEED,
        first=dates[0],
        last=dates[-1],
        copies=len(articles) - len({(a["title"], a["body"]) for a in articles}),
        undated=len(articles) - len(dates),
    )
    (out_dir / "README.md").write_text(readme, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m benchmarks.generate N OUT_DIR [--seed S] [--format dump,csv]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", default="dump", help=f"comma-separated, any of: {','.join(FORMATS)}")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes drawing articles (the output does not depend on it)",
    )
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    started = time.perf_counter()
    try:
        count = write_corpus(args.n, args.out_dir, args.seed, formats, args.workers)
    except ValueError as error:
        parser.error(str(error))
    seconds = time.perf_counter() - started
    rate = count / seconds if seconds else float("inf")
    print(f"{count} articles in {seconds:.1f} s ({rate:,.0f}/s) -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
