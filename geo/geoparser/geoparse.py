"""Find every place a text names and resolve it to one gazetteer entry (`python -m geo geoparse`).

Finding follows the atlas's mention rules (geo/atlas/article.py `FormFinder`: exact forms,
whole words, possessives, the longest form wins); the forms tried are the gazetteer names
that occur in the text, and capitalised words that are another transliteration of a name
of the region (Djulfa, Mardakert; toponyms.variant_key). Then:
- a name that is part of an organisation's name ("Azerbaijan State Highway Agency", "the
  Organization for Security and Co-operation in Europe") or of a longer proper name (a
  person's) is dropped; a qualifier before it ("Lowland Karabakh") is not such a name;
- demonyms are never places (aliases.yaml), but a country's adjective before a noun of
  place is ("a Hungarian prison");
- in a title-case headline, a weak name (a foreign town: "Reading") needs the body too;
- a capital used for its government ("Baku said") stays a mention of the city;
- among same-name candidates the text's context decides: curated names first, then the
  countries the text names, nearness to the places it names without ambiguity, the kind
  of place and its population (Syunik the province over the village; Julfa in Nakhchivan
  over Jolfa in Iran in a text about Nakhchivan);
- a name in a list of states or countries is one of them ("Manitoba, Ontario and New Brunswick"), and a
  common word numbered is no place ("Section 2AA").
"""

from __future__ import annotations

import itertools
import math
import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from geo.atlas.article import FormFinder, sentence_bounds
from geo.geoparser.confidence import DEMONYM, INSIDE_NAME, features, load_model, probability
from geo.geoparser.gazetteer import HOME, WORD, NameHit, Toponym, Toponyms, load_toponyms, variant_key

POSSESSIVE_END = re.compile(r"['’]s$")
SAINT = re.compile(r"(?:St\.|St|Saint) (?=[A-Z])")  # the ways a place's saint is written
SAINT_SPELLINGS = ("St. ", "St ", "Saint ")
CAPITALISED_RUN = re.compile(r"\s+(?:of\s+(?:the\s+)?)?([A-Z][\w-]*)")
SENTENCE_MARKS = frozenset('.!?:;"“”')  # a sentence starts after one of these and spaces
KIND_PRIOR = {
    "continent": 5.0,
    "country": 5.0,
    "capital": 4.0,
    "exclave": 4.0,
    "region": 3.0,  # as a city: a division's settlements' population counts for it (_score)
    "wider region": 3.5,
    "route": 3.5,
    "sea": 3.5,
    "lake": 3.0,
    "river": 3.0,
    "mountains": 3.0,
    "island": 3.0,  # Natural Earth's islands; one that bears a village's name ("Java") outweighs it by its kind
    "canal": 3.0,
    "city": 3.0,
    "county": 3.0,
    "town": 2.0,
    "village": 1.0,
    "airport": 3.0,  # named with the word Airport, or by a short form no town's name spells (Heathrow, Schiphol)
}
HOW_PRIOR = {"curated": 3.0, "name": 0.5, "alternate": 0.0, "variant": -0.5, "division": 0.0}
OVERSHADOWED = 3.0  # an other name of one place where another place bears it as its own name
STRONG_KINDS = ("country", "capital", "exclave", "region", "county", "wider region", "route", "sea", "lake", "river")
STRONG_KINDS += ("mountains", "canal", "island")
# An airport's name of several words stands out as a place ("Heathrow Airport", "London Heathrow"); its bare
# short form ("Heathrow", "O'Hare")
# is a weak name like a town's abroad: it needs a preposition of place or the text's places around it, and a
# verb of speech after it makes it a person's (scripts/airport_names.py keeps the short forms few).
AIRPORT = "airport"
# a settlement that bears a country's, a continent's or a sea's name ("China", "Atlantic") gains nothing from
# the text's country: a story set in the US that names "the Atlantic" means the ocean, not Atlantic, Iowa
RIVALLED_BY = frozenset({"country", "continent", "sea"})
# a village or town that bears the name of another first-level division of its own country ("Florida", New
# York; "Kansas", Illinois): the text's states and nearby places speak for the division, not for the village
NAMESAKES = frozenset({"town", "village"})
# A settlement under a CAPITAL_RATIO-th of the capital that bears its name (London, Ohio; Paris, Texas) gains nothing
# from the text's country alone: "London, Paris and New York" are the capitals. Its state's other places, a place
# of the text near it, or its county ("a Paris man ... the Henry County jail") still make it the namesake.
CAPITAL_RATIO = 30
# Words that qualify a place without making a longer proper name of it: "Lowland Karabakh", "Eastern Turkey".
QUALIFIERS = frozenset(
    {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central"}
    | {"Upper", "Lower", "Greater", "Lesser", "Highland", "Lowland", "Mountainous", "Inner", "Outer"}
    | {"Northeast", "Northwest", "Southeast", "Southwest", "Metropolitan", "Metro", "Downtown", "Rural", "Coastal"}
)
# Between a place and the country that follows it ("Julfa in the Republic of Azerbaijan", "Julfa, Azerbaijan").
FOLLOWS = re.compile(r"\s*(?:,|\(|in|of|near)\s*(?:the\s+)?(?:Republic\s+of\s+)?$")
# Between a country and the place it qualifies ("Iran's Jolfa").
PRECEDES = re.compile(r"(?:['’]s)?\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+|village\s+of\s+)?$")
CONNECTOR = re.compile(r"(?:of|the|for|in|and|on|&)$")
# A lower-case preposition of place just before a name: evidence that a weak name is a place ("in Mobile", "southwest of
# Brandon", "just outside Alton").
PREPOSITION_BEFORE = re.compile(
    r"(?<![\w-])(?:in|at|near|from|to|into|outside|around|across|toward|towards|through|via|throughout|inside|"
    r"within|between|visit|visited|downtown|suburban|"
    r"(?:north|south)(?:[\s-]?(?:east|west))?\s+of|(?:east|west)\s+of)\s+(?:the\s+)?$"
)
# A division or country named right after a place: "Paris, Texas", "Charleston, W.Va.", "Kherson, Ukraine".
COMMA_AFTER = re.compile(r",\s*")
# The words between a town or a county and the division it lies in, but a comma: "Springfield in Illinois",
# "Crawford County located in Pennsylvania", "Paris in the state of Texas", "Springfield (Illinois)".
IN_DIVISION = r"\s+(?:located\s+)?in\s+(?:the\s+(?:U\.?S\.?\s+)?[Ss]tate\s+of\s+)?|\s*\(\s*"
IN_DIVISION_AFTER = re.compile(IN_DIVISION)
QUALIFIER_BETWEEN = re.compile(rf",\s?|{IN_DIVISION}")  # the same words, or a comma: all that lies between the two
# A noun of place in apposition: "Van, a city in eastern Turkey".
APPOSITION = re.compile(r",\s+(?:a|an)\s+(?:\w+\s+){0,2}?(?:city|town|village|port|suburb)\b")
# A governor governs a first-level division, not a city: "Murmansk Governor Yury Yevdokimov", "a former
# Murmansk deputy governor", "New York Gov. Andrew Cuomo" name the oblast and the state.
GOVERNOR = r"(?:(?:deputy|lieutenant|vice)[\s-]+)?(?:governor\b|gov\.)"
DATELINE_INDENT = 40  # the most spaces before a dateline on its line
HEADLINE_CHARS = 200  # the longest headline a dateline may follow on its line
SENTENCE_END = re.compile(r"[.!?]\s")
STORY_START = re.compile(r"\s*[A-Z“\"]")
# What follows a dateline's place: its state or country, then the agency in brackets or a dash ("NEW YORK (AP) -",
# "RALEIGH, N.C. (AP) -", "TORONTO —").
DATELINE_AFTER = re.compile(r"(?:,\s+[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*(?:\(|[-—–])")
# A generic word after a name that makes it the division: "the Donetsk region", "Rapides Parish".
DIVISION_AFTER = re.compile(
    r"\s+(?:(?:region|province|oblast|state|district|governorate|county|parish|prefecture|raion|rayon|marz|krai|"
    r"department|voivodeship|canton|municipality)\b|" + GOVERNOR + ")",
    re.IGNORECASE,
)
# The same word before it: "the state of Washington", "the province of Alberta".
DIVISION_BEFORE = re.compile(
    r"(?<![\w-])(?:state|province|oblast|governorate|prefecture|region)\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
# Only a first-level word names the division a city lies in: "the Donetsk region", not "Jolfa County"; nor
# "State", which after a city's name makes a university's ("San Diego State"), not California.
FIRST_LEVEL_AFTER = re.compile(
    r"\s+(?:(?:region|province|oblast|governorate|prefecture|krai|voivodeship)\b|" + GOVERNOR + ")", re.IGNORECASE
)
# A physical feature's generic word after its name: "the Araz river", "Java island".
WATER_AFTER = re.compile(r"\s+(?:river|sea|lake|gulf|bay|strait|mountains|range|canal|islands?)\b", re.IGNORECASE)
WATER_KINDS = ("river", "sea", "lake", "mountains", "canal", "island")  # the kinds WATER_AFTER names
# A river of Natural Earth named without the word River is the river only after "the" (THE_BEFORE): "the Nile",
# "the Amazon", not "Amazon said" (geo/geoparser/gazetteer.py keeps a bare name only where no place or word bears it).
PHYSICAL_REF = "ne:physical:"
# "the Goris-Kapan highway": both ends of a road or railway between two settlements.
ROUTE_AFTER = re.compile(r"\s+(?:highway|road|motorway|railway|railroad|rail\s+line|route|pipeline)\b", re.IGNORECASE)
SETTLEMENTS = ("capital", "city", "town", "village")
QUALIFIED_KINDS = frozenset(SETTLEMENTS) | {"county"}  # the places a division after them qualifies
# A compound adjective of origin after a place name, its one or two words: "Houston-based", "New York-born".
COMPOUND = re.compile(
    r"(?<![\w.'’-])(?:([A-Z][\w.'’]*)\s)?([A-Z][\w.'’]*)-(?:based|born|bred|headquartered|registered|flagged|area)(?![\w-])"
)
SMALL_PLACE = 10_000
OTHER_NAME_PLACE = 100_000  # a smaller place named by one of its other names needs evidence
CALENDAR = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October"}
    | {"November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)  # a place smaller than this needs evidence beyond its name
TITLES = frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "Sen", "Gov", "Rep", "Lt", "Sgt", "Gen", "Col", "Capt", "Det", "Prof", "St"}
    | {"President", "Senator", "Governor", "Judge", "Officer", "Minister", "Mayor", "Coach", "Pastor", "Sheriff"}
)
# The weights of the evidence for a candidate (_score): its population (per power of ten), the share of
# the text's places in its country and in its first-level division, a known place near it.
POPULATION_WEIGHT = 0.3
COUNTRY_BASE, COUNTRY_SHARE = 1.0, 3.0
DIVISION_BASE, DIVISION_SHARE = 1.5, 2.0
NEARNESS_WEIGHT = 1.0
# A verb of speech right after a name: a person speaks ("Trapani said"); a weak name so read is a
# person's wherever it stands (a capital or a country that "said" stays a place: metonymy).
SPEECH_AFTER = re.compile(
    r"\s+(?:said|says|told|added|explained|noted|asked|wrote|stated|testified|recalled|replied)\b"
)
# People of the place after its name: "55 Gainesville residents", "a Tyler native".
RESIDENTS_AFTER = re.compile(r"(?:['’]s)?\s+(?:residents?|natives?|homeowners|voters|taxpayers)\b")
OF_BEFORE = re.compile(r"(?<![\w-])of\s+$")
# A person's age in apposition ("Gary Wilson, 54, of Palestine"): a weak name so followed is a surname.
AGE_AFTER = re.compile(r",\s+\d{1,3},")
CURATED_REVIEW_BELOW = 0.8  # a curated name's winning share below which the review flags it
NEAR_KM, AROUND_KM = 100.0, 300.0
# A story that prices things in pounds sterling (and not in dollars) is most likely British: Richmond and
# Lancaster are then England's. The dollar says less (Canada's, Australia's, and the world's trade currency).
POUND, POUND_COUNTRY = "£", "GB"
EARTH_RADIUS_KM = 6371.0
LOCAL_COUNTRY = 3.0  # a country named next to the mention: "Julfa in the Republic of Azerbaijan"
LOCAL_WINDOW = 40  # characters between the two names
# Ambiguous names whose candidates lie near each other's (Montgomery, Delano and Scott County in Minnesota):
# each candidate gains one for each other name with a candidate within NEAR_KM, up to CLUSTER_MAX.
CLUSTER_WEIGHT, CLUSTER_MAX = 1.0, 2.0
FAMOUS = frozenset({"capital", "country"})  # a name first read so supports its namesakes only by their share
CLUSTER_TOP = 6  # the likeliest candidates of each name looked at
CLUSTER_NAMES = 100  # past this many ambiguous names the text's own states and countries decide alone
CLUSTER_KINDS = frozenset(SETTLEMENTS) | {"county"}
ANCHOR_KINDS = frozenset({"country", "continent"})  # by their own name, unambiguous where the rest are other names
# A town and a county of the text whose points lie within SEAT_KM: the town in (often the seat of) that
# county ("Huntsville ... Walker County": Texas's pair, not Alabama's Huntsville); both gain SEAT_WEIGHT.
SEAT_KM, SEAT_WEIGHT = 30.0, 2.0
SEAT_STATES = 2  # two names that pair in more states than this say nothing of which
SEAT_CANDIDATES = 40  # the most candidates of one name looked at, the most populous first: a bounded cost
SHARPEN = 2.0  # an ambiguous name's places count by their share squared: the likeliest speak loudest
READINGS = 3  # readings of the text's names: the unambiguous ones, then twice every name's likeliest place


# A mention's role: a literal place (drawn on the map), or a name that only stands for one inside an
# organisation's or an event's name, or as a people's adjective ("Ohio Department of Development",
# "Iraqi officials", "the Turkish army"): an associative mention, shown apart and not drawn by default.
PLACE, NAMED = "place", "named"
NAMED_HEADING = "Also named: in an organisation's name or as an adjective"  # how the CLI and the page list them


@dataclass(frozen=True)
class Span:
    """One mention: the text as written, its character offsets into the text parsed, and its role."""

    text: str
    start: int
    end: int
    role: str = PLACE


@dataclass(frozen=True)
class Candidate:
    toponym: Toponym
    score: float
    share: float  # the candidate's share of the name's total evidence (0-1)
    how: str = ""  # how the name stands for it (NameHit.how): curated, name, alternate, variant, division


@dataclass(frozen=True)
class FoundPlace:
    """One distinct place the text names, the candidate chosen and the runners-up."""

    toponym: Toponym
    mentions: tuple[Span, ...]
    score: float
    runners_up: tuple[Candidate, ...]
    # the share of the text's other mentions whose places lie in the same country, and division
    country_support: float = 0.0
    division_support: float = 0.0
    # the text names the country, or the first-level division, the place lies in ("Goris ... Armenia")
    country_named: bool = False
    division_named: bool = False
    how: str = ""  # how the name written stands for the place (NameHit.how): "curated" is a checked name
    demonym: bool = False  # every mention inside another name is a people's adjective ("Iraqi officials")
    # the text's literal places, asked how near the nearest other lies (near_other) when the review reads it
    neighbours: Neighbours | None = field(default=None, compare=False, repr=False)

    @property
    def role(self) -> str:
        """PLACE when the text names the place itself at least once, else NAMED (only inside other names)."""
        return PLACE if any(m.role == PLACE for m in self.mentions) else NAMED

    @property
    def name(self) -> str:
        """The name as the text writes it most often (its own usage first), else the gazetteer's."""
        forms = [m.text for m in self.mentions if not (len(m.text) >= 4 and m.text.isupper())]  # not datelines
        return max(dict.fromkeys(forms), key=forms.count) if forms else self.toponym.name

    @property
    def near_other(self) -> float:
        """1.0 when another place the text names literally lies within NEAR_KM, 0.5 within AROUND_KM, else 0.0."""
        return self.neighbours.nearness(self.toponym) if self.neighbours is not None else 0.0

    @property
    def associative(self) -> str:
        """How a place the text names only inside other names is named: "" for a literal place."""
        if self.role == PLACE:
            return ""
        return DEMONYM if self.demonym else INSIDE_NAME

    def features(self) -> list[float]:
        """What the review model (geo/geoparser/confidence.py) reads of this choice.

        It reads the mentions of the place's role only, so that a place keeps its flag whether it is
        found with or without the associative mentions, or parted from them by `by_role`.
        """
        role = self.role
        mentions = [m.text for m in self.mentions if m.role == role]
        support = (self.country_support, self.division_support, float(self.country_named), float(self.division_named))
        shares = [c.share for c in self.runners_up]
        return features(
            self.toponym, mentions, self.score, shares, support, self.how, self.associative, self.near_other
        )

    @property
    def confidence(self) -> float:
        """The probability that the place is the one the text means (the calibrated review model)."""
        return probability(load_model(), self.features())

    @property
    def judged_by_model(self) -> bool:
        """Whether the review model decides the flag: for every place but a curated name of a bounded area
        and an airport.

        A curated name (aliases.yaml: the region's corridors, reservoirs, other names, each
        checked with its source) is flagged only when another place comes close: the corpora
        hold almost none, so the model cannot be calibrated for them. A curated wider region
        (the EU, the Middle East) is the exception: its point stands for an area thousands of
        kilometres across, which texts and the corpora place elsewhere, and the corpora hold many.
        An airport is judged like a curated name: its names are built from its IATA entry
        (scripts/airport_names.py) and are found only with the word Airport or as a distinctive short form,
        the corpora's dev documents name a dozen, and the model, which knows no airport, would read one with
        no population and no GeoNames id as unsure ("Schiphol" 0.58).
        """
        if self.toponym.kind == AIRPORT:
            return False
        return self.how != "curated" or self.toponym.kind == "wider region"

    @property
    def review(self) -> bool:
        """Unsure: a confidence below the threshold calibrated on the public corpora's development documents."""
        if not self.judged_by_model:
            return self.score < CURATED_REVIEW_BELOW
        return self.confidence < load_model().threshold


def _title_case(text: str) -> bool:
    """A headline in title case: its capitals say nothing about proper names."""
    words = WORD.findall(text)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def gazetteer_name(form: str, toponyms: Toponyms) -> str | None:
    """The gazetteer name a form written in the text stands for: itself, or a dateline's capitals."""
    if form in toponyms.names:
        return form
    if len(form) >= 4 and form.isupper():  # "YEREVAN, Armenia (AP) —"
        titled = form.title()
        return titled if titled in toponyms.names else None
    return None


def hits_for(form: str, toponyms: Toponyms) -> list[NameHit]:
    """The gazetteer entries a form written in the text may stand for: by its name, else by a variant spelling."""
    if form in toponyms.adjectives or form in toponyms.demonyms:  # an adjective or a people: its country
        return toponyms.candidates(form)
    name = gazetteer_name(form, toponyms)
    return toponyms.candidates(name) if name else toponyms.variant_hits(form)


def resolution_hits(form: str, toponyms: Toponyms) -> list[NameHit]:
    """The places a mention found may stand for (hits_for), with a larger place spelling its saint otherwise.

    "St. Petersburg" is also Saint Petersburg: GeoNames spells a saint one way per place. Only a
    settlement larger than every one spelt as written is added ("St. Thomas", Ontario, keeps its one place).
    """
    hits = hits_for(form, toponyms)
    name = gazetteer_name(form, toponyms)
    if name is not None and name.endswith(CITY_WORD) and hits and all(_division_other_name(h) for h in hits):
        hits = hits + _city_of(name[: -len(CITY_WORD)], toponyms, {h.toponym.ref for h in hits})
    if name is None or (saint := SAINT.match(name)) is None:
        return hits
    seen = {h.toponym.ref for h in hits}
    known = max((_prominence(h.toponym) for h in hits), default=-1.0)
    others = []
    for spelling in SAINT_SPELLINGS:
        for h in toponyms.names.get(spelling + name[saint.end() :], []) if spelling != saint.group() else []:
            if h.toponym.ref not in seen and h.toponym.kind in SETTLEMENTS and h.toponym.population > known:
                seen.add(h.toponym.ref)
                others.append(NameHit(h.toponym, "alternate"))
    return hits + others


CITY_WORD = " City"


def _division_other_name(hit: NameHit) -> bool:
    return hit.how == "alternate" and hit.toponym.kind in ("region", "county")


def _city_of(name: str, toponyms: Toponyms, seen: set[str]) -> list[NameHit]:
    """The settlements that bear `name` as their own, for "<name> City" that only a division bears as an other name.

    "Dublin City" is an other name of the Irish county of Dublin City, but "the Dublin City Council" of a
    story from Ohio is Dublin, Ohio's: every town of that name is a candidate, and the text decides.
    """
    return [
        h
        for h in toponyms.names.get(name, [])
        if h.how == "name" and h.toponym.kind in SETTLEMENTS and h.toponym.ref not in seen
    ]


def _may_be_variant(form: str, toponyms: Toponyms) -> bool:
    """A capitalised run of letters, no demonym, that folds to a name of the region."""
    return (
        form.istitle() and form[-1].isalpha() and form not in toponyms.not_places and bool(toponyms.variant_hits(form))
    )


def _may_go_on(words: list[re.Match[str]], toponyms: Toponyms) -> bool:
    """Whether these words (two or more) start a longer name, as written or as a dateline's capitals.

    Longer phrases are tried only then, so a text costs a few lookups per word, not one per
    word and length of the longest name.
    """
    written = tuple(w.group() for w in words)
    return written in toponyms.name_starts or tuple(w.title() for w in written) in toponyms.name_starts


def candidate_forms(text: str, toponyms: Toponyms) -> set[str]:
    """The forms, as written, of gazetteer names that occur in the text as runs of up to n whole words.

    A capitalised run of one or two words that is no name may be another transliteration
    of one (Djulfa for Julfa, Mardakert for Martakert).
    """
    words = list(WORD.finditer(text))
    found: set[str] = set()
    checked: set[str] = set()  # a phrase met again needs no second look
    for i in range(len(words)):
        first = words[i].group()
        if first[0].islower() and first not in toponyms.lower_starts:
            continue  # names start with a capital, but for a few curated ones ("southern Armenia")
        for j in range(i, min(i + toponyms.longest_name_words, len(words))):
            if j - i >= 2 and not _may_go_on(words[i:j], toponyms):
                break
            phrase = text[words[i].start() : words[j].end()]
            if phrase in checked:
                continue
            checked.add(phrase)
            if gazetteer_name(phrase, toponyms):  # "U.S.": not also its "U.S" (another place's alternate name)
                found.add(phrase)
                continue
            for form in (phrase, phrase.rstrip("."), POSSESSIVE_END.sub("", phrase)):
                if gazetteer_name(form, toponyms) or (j - i < 2 and _may_be_variant(form, toponyms)):
                    found.add(form)
    return found


class RunAfter:
    """The capitalised words that follow a name (with 'of (the)' between them), read once per position.

    In a long run of capitalised words every name in it would otherwise read the rest of
    the run again: the run after a position is its next word and the run after that
    word, so each position is read once whatever the number of names.
    """

    def __init__(self, text: str, organisation_words: frozenset[str]) -> None:
        self.text = text
        self.organisation_words = organisation_words
        self._next: dict[int, tuple[str, int] | None] = {}
        self._organisation: dict[int, bool] = {}

    def next_word(self, pos: int) -> tuple[str, int] | None:
        """The capitalised word right after pos on the same line, and where it ends."""
        if pos not in self._next:
            match = CAPITALISED_RUN.match(self.text, pos)
            found = match is not None and "\n" not in self.text[pos : match.start(1)]
            self._next[pos] = (match.group(1), match.end()) if found else None
        return self._next[pos]

    def first(self, pos: int) -> str | None:
        step = self.next_word(pos)
        return step[0] if step else None

    def has_organisation_word(self, pos: int) -> bool:
        """Whether a word of the run after pos says organisation ("Agency", "Ministry")."""
        chain: list[int] = []
        while pos not in self._organisation:
            step = self.next_word(pos)
            if step is None or step[0] in self.organisation_words:
                self._organisation[pos] = step is not None
                break
            chain.append(pos)
            pos = step[1]
        answer = self._organisation[pos]
        for seen in chain:
            self._organisation[seen] = answer
        return answer


def _word_before(text: str, start: int) -> str | None:
    """The word just before a name on the same line, if it is capitalised and not a sentence start."""
    match = re.search(r"([A-Z][\w-]*)\s+$", text[max(0, start - 60) : start])
    if not match:
        return None
    return None if _sentence_starts(text, start - len(match.group(0))) else match.group(1)


def _sentence_starts(text: str, pos: int) -> bool:
    """Whether a sentence starts at pos: only spaces since the text's start, a line break or an end mark.

    Read back from pos over the spaces only, so a name late in a long line costs no more than an early one.
    """
    while pos > 0 and text[pos - 1].isspace():
        if text[pos - 1] == "\n":
            return True
        pos -= 1
    return pos == 0 or text[pos - 1] in SENTENCE_MARKS


def _run_before(text: str, start: int) -> list[str]:
    """The capitalised words of the proper name a place name ends, if any, with 'of', 'in', 'and'... between them.

    "Organization for Security and Co-operation in Europe": Co-operation, Security, Organization.
    """
    run: list[str] = []
    tokens = re.findall(r"[\w&-]+|[^\w\s]", text[max(0, start - 120) : start])
    pending = 0  # connectors read since the last capitalised word
    for token in reversed(tokens):
        if token[:1].isupper():
            run.append(token)
            pending = 0
        elif CONNECTOR.match(token) and pending < 2:
            pending += 1
        else:
            break
    return run


class Capitals:
    """How often each capitalised word stands in the text, and how often right after each word: one reading.

    "the Minnesota House", "the Tennessee Senior Olympics": a country or a state after "the"
    and before a capitalised word that stands nowhere else names an organisation or an event;
    "Vladimir Putin", "Virginia Woolf ... Woolf said" are people.
    """

    def __init__(self, text: str) -> None:
        self.alone: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        previous: re.Match[str] | None = None
        for match in WORD.finditer(text):
            word = match.group()
            if word[0].isupper():
                self.alone[word] += 1
                if previous is not None and text[previous.end() : match.start()] == " ":
                    self.pairs[(previous.group(), word)] += 1
            previous = match

    def elsewhere(self, word: str, after: str) -> bool:
        """Whether `after` stands in the text other than right after `word`."""
        return self.alone[after] > self.pairs[(word, after)]


def _country_or_state(form: str, toponyms: Toponyms) -> bool:
    """A name some country, continent or first-level division bears as its own (not an other name)."""
    return any(
        h.toponym.kind in ("country", "continent", "region") and h.how != "alternate" for h in hits_for(form, toponyms)
    )


def mention_role(
    run: RunAfter,
    start: int,
    end: int,
    toponyms: Toponyms,
    forms: set[str],
    headline: bool,
    capitals: Capitals | None = None,
) -> str | None:
    """The role of a name where it stands (`run` reads the line the name is in): None inside a person's name.

    NAMED inside an organisation's name: a word of the run after it or before it says
    organisation ("Azerbaijan State Highway Agency", "Organization for Security and
    Co-operation in Europe"), or the word after it is a common noun, not a person's name
    ("Springfield Police", "Ohio Department of Development").
    """
    text = run.text
    form = text[start:end]
    abbreviation = "." in form
    if (abbreviation or form in ERAS) and NUMBER_BEFORE.search(text, max(0, start - 12), start):
        return None  # "500 B.C.", "300 BC", "A.D. 70": an era, not British Columbia
    if run.has_organisation_word(end):
        return NAMED
    if any(w in toponyms.organisation_words for w in _run_before(text, start)):
        return NAMED
    if DISEASE_AFTER.match(text, end):
        return NAMED  # "the Marburg virus", "Rift Valley fever": a disease named after the place it was found in
    before = _word_before(text, start)
    if headline:
        return PLACE
    # "Harrisburg, Pa. Smith said": a state's abbreviation after a comma ends the sentence
    comma_before = text[max(0, start - 3) : start].rstrip().endswith(",")  # a few characters: no rereading
    after = None if form.endswith(".") and comma_before else run.first(end)
    if after in CALENDAR:
        after = None  # "in Alexandria Friday night": a day or a month is no one's surname
    if after is not None and after in toponyms.place_words:
        return PLACE  # "Vayots Dzor Province", "Meghri Municipality"
    if after in STREET_WORDS:
        return None  # "Washington Drive", "Richmond Street": a street, neither the place nor an organisation
    acronym = abbreviation or (len(form) > 1 and form.isupper() and not (after or "").isupper())  # not "KENT MALLETT"
    if after is not None and acronym and after not in forms:
        return NAMED  # "U.S. House of Representatives", "EU Commission": an acronym is no first name
    if after is not None and after not in forms and not text[end : end + 3].startswith(("'s", "’s")):
        # "Nikol Pashinyan": a place name followed by another proper name; "Springfield Police": a noun
        if not _may_be_name(after, toponyms):
            return NAMED
        last = WORD.findall(form)[-1]
        the = THE_BEFORE.search(text, max(0, start - 5), start) is not None
        if the and capitals is not None and not capitals.elsewhere(last, after) and _country_or_state(form, toponyms):
            return NAMED  # "the Minnesota House", "the Tennessee Senior Olympics"
        return None
    if before is None or before in forms or before in toponyms.not_places or before in QUALIFIERS:
        return PLACE
    return None


THE_BEFORE = re.compile(r"(?<![\w-])the\s+$")
RIVER_THE_BEFORE = re.compile(r"(?<![\w-])[Tt]he\s+$")
DISEASE_AFTER = re.compile(r"\s+(?:virus|viruses|ebolavirus|fever|encephalitis)\b", re.IGNORECASE)
STREET_WORDS = frozenset(
    {"Street", "St", "Road", "Rd", "Drive", "Dr", "Avenue", "Ave", "Boulevard", "Blvd", "Lane", "Ln", "Way", "Place"}
    | {"Parkway", "Pkwy", "Pike", "Highway", "Hwy", "Route", "Trail", "Terrace", "Circle", "Court", "Square"}
)
# Street words no one bears as a surname ("Emin Lane", "Margaret Court" are people)
STREET_ONLY = frozenset({"Street", "Road", "Rd", "Avenue", "Ave", "Boulevard", "Blvd", "Parkway", "Pkwy", "Hwy"})
NUMBER_BEFORE = re.compile(r"\d\s*$")
ERAS = frozenset({"BC", "AD", "BCE", "CE"})  # written without stops after a year, an era: "300 BC"
# A politician's party and state: "Sen. Bob Casey, D-Pa.", "Rep. James Clyburn, D-S.C.": the state.
PARTY_STATE = re.compile(r"(?<![\w.-])(?:[DRI]|DFL)-([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


def _party_states(text: str, toponyms: Toponyms) -> list[Span]:
    """The state or the town after a party's letter ("D-Pa.", "R-Texas", "R-Elbow Lake", "DFL-Minneapolis")."""
    out = []
    for match in PARTY_STATE.finditer(text):
        for form in (match.group(1), match.group(1).split()[0], match.group(1).split()[0].rstrip(",")):
            if gazetteer_name(form, toponyms):
                start = match.start(1)
                out.append(Span(form, start, start + len(form)))
                break
    return out


def _strong(form: str, toponyms: Toponyms) -> bool:
    """A name that stands out as a place even in a headline's capitals (a country, a curated name, a local place)."""
    airport_named = " " in form  # "Heathrow Airport", "London Heathrow"; not the bare "Heathrow"
    return any(
        h.how == "curated"
        or h.toponym.kind in STRONG_KINDS
        or h.toponym.country in HOME
        or (h.toponym.kind == AIRPORT and airport_named)
        for h in hits_for(form, toponyms)
    )


def _may_be_name(word: str, toponyms: Toponyms) -> bool:
    """Whether a capitalised word beside a place name may be a person's other name ("Emin Milli").

    Not a word that marks an organisation, a common noun or adjective ("Police", "Mayor",
    "High"), a title, a month or a day, nor an acronym ("PTA", "VFW"): beside those the
    place qualifies a noun.
    """
    return not (
        word in toponyms.organisation_words
        or word.lower() in toponyms.common_words
        or word in TITLES
        or word in CALENDAR
        or (len(word) > 1 and word.isupper())
    )


def _adjective_pattern(toponyms: Toponyms) -> re.Pattern[str]:
    """A country's adjective before a noun of place: "a Hungarian prison" names Hungary."""
    if not toponyms.adjectives or not toponyms.locative_nouns:
        return re.compile(r"(?!x)x")
    adjectives = "|".join(re.escape(a) for a in sorted(toponyms.adjectives, key=len, reverse=True))
    nouns = "|".join(re.escape(n) for n in sorted(toponyms.locative_nouns, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({adjectives})\s+(?:{nouns})(?![\w-])")


class People:
    """Names read as a person's ("Emin Milli"), found again wherever the same words stand.

    Kept by the place name they end with and the words before it, so that checking a
    mention looks up the few lengths of words before it, not every person named.
    """

    def __init__(self) -> None:
        self._before: dict[str, set[str]] = {}  # a name a person's name ends with -> the words before it
        self._lengths: dict[str, set[int]] = {}

    def add(self, person: str) -> None:
        for i, ch in enumerate(person):
            if ch == " ":
                ending = person[i + 1 :]
                self._before.setdefault(ending, set()).add(person[:i])
                self._lengths.setdefault(ending, set()).add(i)

    def named_at(self, text: str, span: Span) -> bool:
        """Whether the mention ends a person's name: the words just before it, a space, then it."""
        before = self._before.get(span.text)
        if not before or span.start < 1 or text[span.start - 1] != " ":
            return False
        stop = span.start - 1
        return any(n <= stop and text[stop - n : stop] in before for n in self._lengths[span.text])


GIVEN_BEFORE = re.compile(r"(?<![\w.'’-])([A-Z][a-z]+) $")  # the word right before a name, one space between
GIVEN_WINDOW = 20  # characters read back for it: longer than any common given name


def find_spans(text: str, toponyms: Toponyms, named: bool = False) -> dict[str, list[Span]]:
    """Every kept mention, grouped by the form written, in reading order; with `named`, associative ones too.

    Three rules look beyond the name itself:
    - in a headline's capitals, a weak name (a foreign town, "Reading") counts only if the
      text also names it outside headlines;
    - a name once read as part of a person's name ("Emin Milli") is that name wherever
      the same words stand, also where they open a sentence or a headline;
    - a country's adjective counts where a noun of place follows it ("a Hungarian prison").
    """
    forms = candidate_forms(text, toponyms)
    capitals = Capitals(text) if named else None
    finder = FormFinder(forms)
    # Names that may stand beside another without making a person's name of it ("Vayots Dzor", not "Congress").
    placeish = {f for f in forms if f not in toponyms.english_words and not _weak(f, toponyms)}
    adjective_pattern = _adjective_pattern(toponyms)
    kept: list[tuple[str, Span, bool]] = []
    people = People()
    surnames: set[str] = set()  # weak names read once as a person's ("Chiquita Henry"): people wherever they stand
    # weak names that speak ("Trapani said") or follow a given name ("Andrew Trapani"), each time they do:
    # people, unless the text places them as often
    speakers: Counter[str] = Counter()
    lines = _lines(text)
    alone = sum(1 for _, line in lines if line.strip()) == 1  # a text of one line has no body to head
    for line_start, line in lines:
        headline = _title_case(line) and not alone
        run = RunAfter(line, toponyms.organisation_words)
        line_kept = len(kept)
        for match in finder.finditer(line):
            start, end, form = match.start, match.end, match.form
            role = mention_role(run, start, end, toponyms, placeish, headline, capitals)
            given = GIVEN_BEFORE.search(line, max(0, start - GIVEN_WINDOW), start)
            before = _word_before(line, start)
            if (
                role == PLACE
                and not headline
                and given
                and given[1] in toponyms.given_names
                and (_weak(form, toponyms) or _minor_abroad(hits_for(form, toponyms)))
            ):
                # "Mary Moore", "Levi Jackson": a common given name before a town abroad makes a person,
                # even where the given name is itself a town's or opens the sentence; elsewhere the town
                # is a person's unless the text places it more often ("grew up in Milton, Ontario")
                people.add(f"{given[1]} {form}")
                speakers[form] += 1
                if kept and kept[-1][1].text == given[1] and kept[-1][1].end == line_start + start - 1:
                    kept.pop()
            elif role == PLACE or (named and role == NAMED):
                kept.append((form, Span(form, line_start + start, line_start + end, role), headline))
            elif role == NAMED or (after := run.first(end)) in STREET_ONLY:
                pass  # "West Palestine Avenue": a street bears the town's name, no person does
            elif not headline and after is not None and _may_be_name(after, toponyms):
                surnames.add(form)  # a first name: "Emin Milli"; not "Mansfield Police", "Mansfield Mayor"
                speakers[form] += 1  # a reading as a person's name, weighed against the text's placings
            elif before is not None and _may_be_name(before, toponyms):
                people.add(f"{before} {form}")
                surnames.add(form)
                speakers[form] += 1  # "Carlos Flores" is a man, whatever Flores is
            if _titled(line, start):
                surnames.add(form)  # "Sen. Baker", "Mayor Lincoln"
            elif (SPEECH_AFTER.match(line, end) or AGE_AFTER.match(line, end)) and not _place_before(line, start):
                speakers[form] += 1  # "Trapani said"; not "a nurse in Austin told"
        for match in adjective_pattern.finditer(line):
            start, end = match.span(1)
            kept.append((match.group(1), Span(match.group(1), line_start + start, line_start + end), False))
        if named:  # the line's own mentions only: a text of many lines is not read again for each
            kept.extend((span.text, span, False) for span in _demonyms(line, line_start, kept[line_kept:], toponyms))
    in_body = {form for form, span, headline in kept if not headline and span.role == PLACE}
    found: dict[str, list[Span]] = {}
    for form, span, headline in sorted(kept, key=lambda k: k[1].start):
        if headline and form not in in_body and not _strong(form, toponyms):
            continue
        if people.named_at(text, span):
            continue
        found.setdefault(form, []).append(span)
    for span in [*_routes(text, toponyms), *_compounds(text, toponyms), *_party_states(text, toponyms)]:
        found.setdefault(span.text, []).append(span)
    for county, span in _county_lists(text, toponyms):
        if span.text in found:  # "Douglas" read as the town is, here, the county
            found[span.text] = [s for s in found[span.text] if s.start != span.start]
            if not found[span.text]:
                del found[span.text]
        found.setdefault(county, []).append(span)
    return _weighed(text, found, toponyms, surnames, speakers)


# "Douglas, Sarpy and Lancaster counties": each name is a county's, though "County" is written once.
COUNTIES_WORD = re.compile(r"(?<=[\w.'’]) (counties|parishes)\b", re.IGNORECASE)
LIST_TOKEN = re.compile(r"[\w.'’&-]+|,")
LIST_WINDOW = 200  # characters read back from "counties": a list of a dozen names, a bounded cost per list
LIST_NAME_WORDS = 3  # the most words of one name of the list ("Prince George's")


def _list_name(tokens: list[re.Match[str]], i: int) -> tuple[list[re.Match[str]], int]:
    """The capitalised words that end at token i (up to LIST_NAME_WORDS), and the token before them."""
    words: list[re.Match[str]] = []
    while i >= 0 and len(words) < LIST_NAME_WORDS and tokens[i].group()[0].isupper():
        words.insert(0, tokens[i])
        i -= 1
    return words, i


def _county_lists(text: str, toponyms: Toponyms) -> list[tuple[str, Span]]:
    """The names of a list that ends with "counties" or "parishes", each with the county's gazetteer name.

    A reader takes "Cooke, Grayson and Love counties" as three counties; each name counts as the
    county's mention (a name the gazetteer knows with " County" after it; of a run of capitalised
    words, its last one: "Small Hitchcock and Hayes counties"), written as the text writes it. The list
    is read back from its last word, each word once: a bounded cost per list.
    """
    out: list[tuple[str, Span]] = []
    previous = 0  # lists do not overlap: each is read back to the previous one at most
    for match in COUNTIES_WORD.finditer(text):
        suffix = "County" if match.group(1).lower() == "counties" else "Parish"
        start = max(previous, match.start() - LIST_WINDOW, text.rfind("\n", 0, match.start()) + 1)
        previous = match.end()
        tokens = list(LIST_TOKEN.finditer(text, start, match.start()))
        last, i = _list_name(tokens, len(tokens) - 1)
        if not last or i < 0 or tokens[i].group() not in ("and", "or", "&"):
            continue
        i -= 1 if i >= 1 and tokens[i - 1].group() == "," else 0  # "Butler, Clark, and Warren counties"
        names = [last]
        while (found := _list_name(tokens, i - 1))[0]:
            names.append(found[0])
            i = found[1]
            if i < 0 or tokens[i].group() != ",":
                break
        for words in names:
            for first in (words[0], words[-1]):  # the whole run, else its last word
                name = text[first.start() : words[-1].end()]
                county = f"{name} {suffix}"
                if county in toponyms.names and any(h.toponym.kind == "county" for h in toponyms.candidates(county)):
                    out.append((county, Span(name, first.start(), words[-1].end())))
                    break
    return out


DEMONYM_WORD = re.compile(r"(?<![\w.'’-])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w'’-])")
DEMONYM_WORDS = 3  # the most words of a demonym ("South Georgia and ..." aside): "Papua New Guinean"


def _demonyms(line: str, line_start: int, kept: list[tuple[str, Span, bool]], toponyms: Toponyms) -> list[Span]:
    """The demonyms of a line that none of its mentions found (`kept`) covers, as associative mentions.

    "Iraqi officials", "the Turkish army": the longest demonym of up to three words at each
    capitalised word ("South African", not "African"); the overlap with a mention is found by
    bisection, so a line of thousands of names costs little.
    """
    taken = sorted((s.start - line_start, s.end - line_start) for _, s, _ in kept)
    starts = [a for a, _ in taken]
    reach = list(itertools.accumulate((b for _, b in taken), max))  # the furthest end of the first i mentions
    words = list(DEMONYM_WORD.finditer(line))
    out: list[Span] = []
    i = 0
    while i < len(words):
        found = None
        for j in range(min(len(words), i + DEMONYM_WORDS) - 1, i - 1, -1):
            phrase = line[words[i].start() : words[j].end()]
            if phrase in toponyms.demonyms and " " * (j - i) == re.sub(r"\S", "", phrase):
                found = (j, phrase)
                break
        if found is None:
            i += 1
            continue
        j, phrase = found
        start, end = words[i].start(), words[j].end()
        i_taken = bisect_left(starts, end)  # the mentions that start before the demonym ends
        if not (i_taken > 0 and reach[i_taken - 1] > start):
            out.append(Span(phrase, line_start + start, line_start + end, NAMED))
        i = j + 1
    return out


def max_population(hits: list[NameHit]) -> int:
    return max(h.toponym.population for h in hits)


def _routes(text: str, toponyms: Toponyms) -> list[Span]:
    """Both ends of a road or railway written "A-B highway" ("the Goris-Kapan highway"), where both are settlements."""
    out = []
    for match in re.finditer(r"(?<![\w-])([A-Z][\w'’]+)-([A-Z][\w'’]+)(?=\s)", text):
        if not ROUTE_AFTER.match(text, match.end()):
            continue
        ends = [match.span(1), match.span(2)]
        if all(any(h.toponym.kind in SETTLEMENTS for h in hits_for(text[a:b], toponyms)) for a, b in ends):
            out.extend(Span(text[a:b], a, b) for a, b in ends)
    return out


def _compounds(text: str, toponyms: Toponyms) -> list[Span]:
    """The place a compound adjective says something is from: "a Houston-based company", "the New York-born actor".

    Words inside other hyphenated compounds stay no names ("de-Armenianisation", "Russia-Turkey ties").
    """
    out = []
    for match in COMPOUND.finditer(text):
        for start in (s for s in (match.start(1), match.start(2)) if s >= 0):  # two words, else the last
            form = text[start : match.end(2)]
            if gazetteer_name(form, toponyms) and form not in toponyms.not_places:
                out.append(Span(form, start, match.end(2)))
                break
    return out


def _place_before(line: str, start: int) -> bool:
    """A preposition of place, or "of", just before the name: "a nurse in Austin told", "Ann Lee, 54, of Tyler said"."""
    window = max(0, start - 30)
    return bool(PREPOSITION_BEFORE.search(line, window, start) or OF_BEFORE.search(line, window, start))


def _titled(line: str, start: int) -> bool:
    """A title stands before the name: "Sen. Baker", "Mayor Lincoln"."""
    match = re.search(r"([A-Z][a-z]+)\.?\s+$", line[max(0, start - 20) : start])
    return bool(match) and match.group(1) in TITLES


def _weak(form: str, toponyms: Toponyms) -> bool:
    """A name that only settlements abroad bear (no country, division, curated or regional place)."""
    hits = hits_for(form, toponyms)
    return (
        bool(hits)
        and not _strong(form, toponyms)
        and all(h.toponym.kind in SETTLEMENTS or h.toponym.kind == AIRPORT for h in hits)
    )


class Prefixes:
    """The forms found, by their first two characters: which of them the text goes on with at a position, in the
    order found holds them.

    Asked after every comma of a text, trying each form in turn cost the number of commas times
    the number of names; a look-up by the two characters at the position tries only the few forms
    that start with them, and building the index costs one step per form.
    """

    KEY = 2

    def __init__(self, forms: Iterable[str]) -> None:
        self._by_start: dict[str, list[tuple[int, str]]] = {}
        for order, form in enumerate(forms):
            self._by_start.setdefault(form[: self.KEY], []).append((order, form))

    def at(self, text: str, pos: int) -> list[str]:
        """The forms text[pos:] starts with (text.startswith(form, pos)), in the forms' order."""
        out = [
            (order, form)
            for n in range(1, self.KEY + 1)
            for order, form in self._by_start.get(text[pos : pos + n], ())
            if len(form) >= n and (n == self.KEY or len(form) < self.KEY) and text.startswith(form, pos)
        ]
        return [form for _, form in sorted(out)]


def _evidence(text: str, span: Span, found: dict[str, list[Span]], prefixes: Prefixes) -> bool:
    """Something beside the name says it is a place: a preposition of place, or a division or country after a comma."""
    if PREPOSITION_BEFORE.search(text, max(0, span.start - 30), span.start):
        return True
    if APPOSITION.match(text, span.end) or _dateline(text, span):  # "FALLS VILLAGE - The board met"
        return True
    after = COMMA_AFTER.match(text, span.end)
    return bool(after) and any(other != span.text for other in prefixes.at(text, after.end()))


GIVEN_NAME_KINDS = (*SETTLEMENTS, AIRPORT)  # the kinds a common given name asks for evidence of place
KNOWN_CITY = 200_000  # a city this large by its own name (Regina, Florence, Dallas) is known by it
# Countries whose news names their states and provinces bare (Alberta, Victoria): those stay places.
ENGLISH_SPEAKING = frozenset({"US", "CA", "GB", "AU", "NZ", "IE"})


def _minor_abroad(hits: list[NameHit]) -> bool:
    """Whether only towns abroad or divisions abroad bear the name ("Levi", "Miranda", "Trapani").

    Such a name beside a given name, or as one, is more often a person's than the place's.
    Left out: a curated or local name, a large city by its own name ("Regina", "Florence")
    and a state or province of an English-speaking country ("Virginia", "Alberta"), which
    news names bare.
    """
    return bool(hits) and all(
        h.how != "curated"
        and h.toponym.country not in HOME
        and not (h.how == "name" and h.toponym.population >= KNOWN_CITY)
        and (
            h.toponym.kind in GIVEN_NAME_KINDS
            or (h.toponym.kind == "region" and h.toponym.country not in ENGLISH_SPEAKING)
        )
        for h in hits
    )


def _given_name(form: str, hits: list[NameHit], toponyms: Toponyms) -> bool:
    """A common given name that only towns or divisions abroad bear: "Levi", "Miranda", "Mary"."""
    return form in toponyms.given_names and _minor_abroad(hits)


# Where a person named with an age is from: "Gary Wilson, 54, of Tyler".
AGE_OF_BEFORE = re.compile(r",\s+\d{1,3},\s+of\s+$")
# A distance from another place in apposition: "Wilson, 12 miles east of Tyler".
DISTANCE_AFTER = re.compile(
    r",\s+(?:about\s+)?\d[\d,.]*\s*(?:miles?|km|kilometres?|kilometers?)\s+(?:\w+\s+){0,2}?(?:of|from)\b"
)


def _placed_as_town(text: str, span: Span) -> bool:
    """The text speaks of the place as a town: "55 Gainesville residents", "Ann Lee, 54, of Tyler",
    "Wilson, 12 miles east of Tyler"."""
    return bool(
        RESIDENTS_AFTER.match(text, span.end)
        or DISTANCE_AFTER.match(text, span.end)
        or AGE_OF_BEFORE.search(text, max(0, span.start - 15), span.start)
    )


def _in_context(t: Toponym, context: set[str]) -> bool:
    """The text names the division the place lies in, or the division itself or its country."""
    return t.admin1 in context or (t.kind == "region" and (t.ref in context or t.country in context))


def _weighed(
    text: str, found: dict[str, list[Span]], toponyms: Toponyms, surnames: set[str], speakers: Mapping[str, int]
) -> dict[str, list[Span]]:
    """Weak names kept only with evidence that they are places here.

    - a weak name read once as a person's (after a first name or a title) is a person's everywhere;
    - a name that is also an English word ("March", "Mobile", "Police") or is borne only by small
      places needs a preposition of place before it, a division or country after it ("Lanexa, Va."),
      or a division or country of the text around one of its places;
    - a weak name found only inside other names ("Springfield Police") needs the text's divisions
      or countries around one of its places;
    - a common given name that only towns or divisions abroad bear ("Levi", "Miranda") needs the
      same evidence, or people of the town ("Ann Lee, 54, of Tyler");
    - a name read as a person's (speaking, with an age, after a given name) more often than the
      text places it is a person's ("Andrew Trapani ... Trapani said");
    - a division's two capitals ("BC") need another place of its country in the text ("Kelowna, BC").
    """
    context: set[str] = set()
    countries: Counter[str] = Counter()  # the forms whose likeliest place lies in each country, a town's too
    for form in found:
        hits = hits_for(form, toponyms)
        if hits and hits[0].toponym.country:
            countries[hits[0].toponym.country] += 1
        if hits and not _weak(form, toponyms) and not _given_name(form, hits, toponyms):
            t = hits[0].toponym
            context.update(x for x in (t.country, t.admin1, t.ref if t.kind == "region" else None) if x)
    out: dict[str, list[Span]] = {}
    prefixes = Prefixes(found)
    ends: dict[int, list[NameHit]] | None = None
    for form, spans in found.items():
        hits = hits_for(form, toponyms)
        countryless = not hits or hits[0].how == "curated" or hits[0].toponym.kind == "country"
        common = form in toponyms.english_words and not countryless
        weak = _weak(form, toponyms)
        if (weak and form in surnames) or (common and (form in CALENDAR or form in QUALIFIERS)):
            continue
        # "Gainesville says no": a town that speaks is a person's name where the text places it less often
        # than it speaks ("Andrew Trapani ... Trapani said ... came to Trapani after")
        if speakers.get(form, 0) and (weak or _minor_abroad(hits)):
            placed_at = sum(
                1 for s in spans if _evidence(text, s, found, prefixes) or RESIDENTS_AFTER.match(text, s.end)
            )
            if placed_at < speakers[form]:
                continue
        if common:  # "Section 2AA", "Phase 2": a word numbered is a division of something else, no place
            spans = [s for s in spans if not CODE_AFTER.match(text, s.end)]
        small = weak and max_population(hits) < SMALL_PLACE
        # "Sahar", an old name of Sohar; but English news writes Rafah and Khan Younis, not Rafaḩ and Khān Yūnis
        other_name = weak and all(h.how == "alternate" for h in hits) and max_population(hits) < OTHER_NAME_PLACE
        given = _given_name(form, hits, toponyms)
        if common or small or other_name or given:
            placed = (small or given) and not common and any(_in_context(h.toponym, context) for h in hits)
            spans = [
                s
                for s in spans
                if placed or _evidence(text, s, found, prefixes) or (given and _placed_as_town(text, s))
            ]
        if _initials(form, hits) and not any(countries[h.toponym.country] > 1 for h in hits):
            # "BC" is British Columbia only in a text that names another place of Canada (its own counts once),
            # or right after a town of the province and a comma ("Victoria, BC")
            if ends is None:  # made once per text, for the first such name
                ends = {s.end: hits_for(f, toponyms) for f, f_spans in found.items() for s in f_spans}
            spans = [s for s in spans if _after_own_town(text, s, hits, ends)]
        if _bare_river(form, hits):  # "the Nile", "The Danube froze": after "the", opening a sentence too
            spans = [s for s in spans if RIVER_THE_BEFORE.search(text, max(0, s.start - 5), s.start)]
        if weak and not any(s.role == PLACE for s in spans) and not any(h.toponym.admin1 in context for h in hits):
            spans = []  # "Lincoln Center": a town abroad named only inside another name needs the text around it
        if spans:
            out[form] = spans
    return out


def _after_own_town(text: str, span: Span, hits: list[NameHit], ends: Mapping[int, list[NameHit]]) -> bool:
    """The mention follows a place and a comma ("Victoria, BC"), and one of that place's candidates lies in the
    division it names. `ends` gives the candidates of the mention that ends at each position."""
    comma = text.rfind(",", max(0, span.start - 3), span.start)
    if comma < 0 or text[comma + 1 : span.start].strip():
        return False
    divisions = {h.toponym.ref for h in hits}
    return any(h.toponym.admin1 in divisions for h in ends.get(comma, ()))


def _initials(form: str, hits: list[NameHit]) -> bool:
    """Two capitals without stops that name a division ("BC"): many other things are so written (Boston College,
    a product's code), so the text must name another place of the division's country."""
    return len(form) == 2 and form.isupper() and bool(hits) and all(h.toponym.kind == "region" for h in hits)


# A number or a code right after a name ("Section 2AA", "Class 4A", "Chapter 11", "Phase II"); not a score
# ("Reading 2-1"), a time ("at 6:30") nor a quantity ("lived in Mobile 12 years").
CODE_AFTER = re.compile(
    r" (?:No\. ?)?(?:\d+[A-Z]{0,3}|[IVX]{2,})(?![\w.:/–-]*\d)(?![\w'’-])"
    r"(?!,?\s+(?:years?|months?|weeks?|days?|hours?|minutes?|times|miles?|kilometres?|kilometers?|km|people)\b)"
)


def _lines(text: str) -> list[tuple[int, str]]:
    """The text's lines with their offsets: headlines are judged line by line."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def distance_km(a: Toponym, b: Toponym) -> float:
    """Great-circle distance (haversine), enough to judge nearness."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


class Anchors:
    """The places a text names without ambiguity, indexed by where they are, so that "is one of them
    near?" looks only at those around it, not at every one: a text naming thousands of places costs
    seconds, not minutes.

    Each place goes into a cube of AROUND_KM's side by its point on the sphere; a chord is never
    longer than its arc, so every anchor within AROUND_KM of a place lies in the 27 cubes around it.
    """

    def __init__(self) -> None:
        self._refs: set[str] = set()
        # cube -> (ref, x, y, z) of its anchors, their points in km from the Earth's centre
        self._cells: dict[tuple[int, int, int], list[tuple[str, float, float, float]]] = {}
        # the same anchors in cubes of NEAR_KM's side: "one within NEAR_KM?" reads a few, not a dense region's all
        self._near_cells: dict[tuple[int, int, int], list[tuple[str, float, float, float]]] = {}
        # A candidate is scored once per reading and per surrounding; its nearness only changes with
        # the anchors: asked once per candidate, a text of thousands of places measures each pair once.
        self._nearness: dict[str, float] = {}

    def add(self, toponym: Toponym) -> None:
        if toponym.ref in self._refs:
            return
        self._refs.add(toponym.ref)
        self._nearness.clear()
        if toponym.kind not in ("country", "wider region"):  # too large for their point to say "near"
            x, y, z = _point(toponym)
            self._cells.setdefault(_cube(x, y, z), []).append((toponym.ref, x, y, z))
            self._near_cells.setdefault(_cube(x, y, z, NEAR_KM), []).append((toponym.ref, x, y, z))

    def nearness(self, t: Toponym) -> float:
        """2 with another anchor within NEAR_KM, 1 within AROUND_KM, else 0."""
        known = self._nearness.get(t.ref)
        if known is None:
            known = self._nearness[t.ref] = self._measure(t)
        return known

    def _measure(self, t: Toponym) -> float:
        # Compared as chords (an arc is longer the longer its chord): no trigonometry per pair.
        x, y, z = _point(t)
        if self._any_within(self._near_cells, _cube(x, y, z, NEAR_KM), t.ref, x, y, z, NEAR_CHORD2):
            return 2.0
        return 1.0 if self._any_within(self._cells, _cube(x, y, z), t.ref, x, y, z, AROUND_CHORD2) else 0.0

    @staticmethod
    def _any_within(
        cells: dict[tuple[int, int, int], list[tuple[str, float, float, float]]],
        cube: tuple[int, int, int],
        own: str,
        x: float,
        y: float,
        z: float,
        chord2: float,
    ) -> bool:
        """Whether an anchor other than `own` lies within the chord of the 27 cubes around `cube`."""
        cx, cy, cz = cube
        for cell in itertools.product((cx - 1, cx, cx + 1), (cy - 1, cy, cy + 1), (cz - 1, cz, cz + 1)):
            for ref, ax, ay, az in cells.get(cell, ()):
                if ref != own and (ax - x) ** 2 + (ay - y) ** 2 + (az - z) ** 2 < chord2:
                    return True
        return False


class Neighbours:
    """The text's literal places, put on the anchors' grid the first time one is asked about.

    Only the places whose review is read are measured (a draft keeps its first 300), so a text
    naming thousands of places pays for the grid once and for the places it shows.
    """

    def __init__(self, toponyms: list[Toponym]) -> None:
        self._toponyms = toponyms
        self._grid: Anchors | None = None

    def nearness(self, t: Toponym) -> float:
        if self._grid is None:
            self._grid = Anchors()
            for other in self._toponyms:
                self._grid.add(other)
        return self._grid.nearness(t) / 2


def _chord2(km: float) -> float:
    """The squared chord of an arc of `km` on the Earth."""
    return (2 * EARTH_RADIUS_KM * math.sin(km / (2 * EARTH_RADIUS_KM))) ** 2


NEAR_CHORD2, AROUND_CHORD2 = _chord2(NEAR_KM), _chord2(AROUND_KM)


def _point(t: Toponym) -> tuple[float, float, float]:
    """The place's point in km from the Earth's centre."""
    return _point_at(t.lat, t.lon)


def _point_at(lat_degrees: float, lon_degrees: float) -> tuple[float, float, float]:
    """A latitude and longitude as a point in km from the Earth's centre."""
    lat, lon = math.radians(lat_degrees), math.radians(lon_degrees)
    return (
        EARTH_RADIUS_KM * math.cos(lat) * math.cos(lon),
        EARTH_RADIUS_KM * math.cos(lat) * math.sin(lon),
        EARTH_RADIUS_KM * math.sin(lat),
    )


def _cube(x: float, y: float, z: float, side: float = AROUND_KM) -> tuple[int, int, int]:
    return math.floor(x / side), math.floor(y / side), math.floor(z / side)


def _cell(t: Toponym) -> tuple[int, int, int]:
    return _cube(*_point(t))


@dataclass(frozen=True)
class Tally:
    """Mentions counted by country or division, with their total, less what one name adds itself.

    Each name is ranked with the others' places only; a tally that leaves one name out shares
    the counts of the whole text instead of copying them, so a text naming thousands of places
    costs no copy per name. An ambiguous name counts for each of its likelier places by its
    share (Moscow: mostly Russia, a little Idaho), so that two ambiguous names never
    talk each other into one wrong country.
    """

    counts: Mapping[str, float]
    total: float
    less: Mapping[str, float] = field(default_factory=dict)  # what the name ranked adds itself

    @classmethod
    def of(cls, counts: Mapping[str, float]) -> Tally:
        return cls(counts, sum(counts.values()))

    def get(self, key: str | None) -> float:
        if key is None:
            return 0.0
        n = self.counts.get(key, 0) - self.less.get(key, 0.0)
        return n if n > 1e-9 else 0.0

    def without(self, own: Mapping[str, float]) -> Tally:
        return Tally(self.counts, self.total - sum(own.values()), own) if own else self


@dataclass(frozen=True)
class Context:
    """What the text is about: its countries and first-level divisions (with counts), and its unambiguous places."""

    countries: Tally
    divisions: Tally
    anchors: Anchors
    division_population: Mapping[str, int] = field(default_factory=dict)  # Toponyms.division_population
    cluster: Mapping[str, float] = field(default_factory=dict)  # a candidate's ref -> _cluster_support
    seat: frozenset[str] = frozenset()  # candidates paired with a county or a town of another name (_seats)
    # the mentions of each country by a name of its own ("North Korea"): no evidence for a name two countries share
    country_mentions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Beside:
    """What stands right beside one mention: a country or division named with it, the generic word after it."""

    country: str | None = None
    division: str | None = None  # "Paris, Texas": Texas's ref
    generic: str | None = None  # "division" ("the Donetsk region"), "water" ("the Araz river"), "dateline"
    within: frozenset[str] | None = None  # "Toronto, Ontario": the only readings the pair leaves (_qualified)


def _division(t: Toponym) -> str | None:
    """The first-level division a place is or lies in (a state's own ref; a town's or a county's state)."""
    return t.ref if t.kind == "region" else t.admin1


# The hand-weighted score's terms (_score_terms, then _rank's two), in order: their sum ranks a name's candidates.
SCORE_TERMS = (
    "kind",
    "how",
    "population",
    "country",
    "home",
    "division",
    "beside_country",
    "beside_division",
    "generic_division",
    "generic_water",
    "cluster",
    "seat",
    "nearness",
    "overshadowed",
    "own_city",
)


def _score_terms(
    hit: NameHit,
    context: Context,
    beside: Beside = Beside(),
    rivals_country: bool = False,
    namesake: bool = False,
    capital_size: int = 0,
    shared_country: bool = False,
) -> tuple[float, ...]:
    """The evidence for one candidate, term by term (SCORE_TERMS but _rank's last two): kept apart so that
    scripts/build_ranker_weights.py can weigh each term on the corpora; their sum is the candidate's score."""
    t = hit.toponym
    # a division's own population is 0: its settlements' stand for it, so California outweighs a town of that name
    people = t.population or context.division_population.get(t.ref, 0)
    prior = (KIND_PRIOR.get(t.kind, 1.0), HOW_PRIOR[hit.how], POPULATION_WEIGHT * math.log10(people + 1))
    if namesake and beside.division is None:  # only "Florida, N.Y." makes "Florida" the village
        return (*prior, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    countries, divisions = context.countries, context.divisions
    # "China", "Cuba": the country a text is about says nothing for a village that bears a country's name
    rival = t.kind in SETTLEMENTS if rivals_country else False
    in_division = divisions.get(_division(t))
    # London, Ohio in a text whose only tie to it is the United States: the capital, not the namesake
    capitals_namesake = t.kind in SETTLEMENTS and t.population * CAPITAL_RATIO < capital_size
    unsettled = capitals_namesake and not (in_division > 0 or context.anchors.nearness(t) > 0 or t.ref in context.seat)
    country = home = 0.0
    if rival or unsettled:
        pass
    elif (in_country := _places_in(t, countries, context, shared_country)) > 0:  # the more of the text's places there
        country = COUNTRY_BASE * min(1.0, in_country) + COUNTRY_SHARE * in_country / countries.total
    elif t.country in HOME:
        home = 0.5
    division = 0.0
    if in_division > 0:  # Gainesville in the Georgia a text is about
        division = DIVISION_BASE * min(1.0, in_division) + DIVISION_SHARE * in_division / divisions.total
    near_country = LOCAL_COUNTRY if beside.country is not None and t.country == beside.country and not rival else 0.0
    near_division = LOCAL_COUNTRY if beside.division is not None and beside.division in (t.admin1, t.ref) else 0.0
    generic_division = 0.0
    if beside.generic == "division":  # "Washington state", "the state of Washington": not the capital, however curated
        generic_division = 3.0 if t.kind in ("region", "exclave") else -3.0 if t.kind in SETTLEMENTS else 0.0
    generic_division += 3.0 if beside.generic == "country" and t.kind == "country" else 0.0  # in a list of countries
    water = 3.0 if beside.generic == "water" and t.kind in WATER_KINDS else 0.0
    return (
        *prior,
        country,
        home,
        division,
        near_country,
        near_division,
        generic_division,
        water,
        CLUSTER_WEIGHT * min(context.cluster.get(t.ref, 0.0), CLUSTER_MAX),
        SEAT_WEIGHT if t.ref in context.seat else 0.0,
        NEARNESS_WEIGHT * context.anchors.nearness(t),
    )


def _places_in(t: Toponym, countries: Tally, context: Context, shared_country: bool) -> float:
    """The text's places in a candidate's country; for a country that shares its name with another ("Congo",
    "Korea"), its settlements and divisions only: "North Korea ... Korea" names the South, "Pyongyang ... Korea"
    the North."""
    n = countries.get(t.country)
    if shared_country and t.kind == "country":
        n = max(0.0, n - context.country_mentions.get(t.country or "", 0))
    return n


def _prominence(t: Toponym) -> float:
    """How widely known a place is likely to be: its population, and no limit for a country, a division or a sea."""
    return float(t.population) if t.kind in SETTLEMENTS else math.inf


def _namesake(t: Toponym, divisions: Mapping[str | None, str]) -> bool:
    """A village or town outside the first-level division of its country that bears its name (Florida, N.Y.)."""
    return t.kind in NAMESAKES and t.country in divisions and t.admin1 != divisions[t.country]


def score_terms(hits: list[NameHit], context: Context, beside: Beside = Beside()) -> list[tuple[float, ...]]:
    """Each candidate's evidence, term by term in the order of SCORE_TERMS (the order of `hits`)."""
    # A name some place bears as its own is rarely another's old or foreign name: "Philadelphia" is
    # the city in Pennsylvania, not Amman; "Africa" the continent, not Mahdia; "Dublin" the city, not
    # South Dublin; unless the other is far larger ("Zaporizhzhia", the city, not a village of that name).
    named = max((_prominence(h.toponym) for h in hits if h.how in ("curated", "name")), default=-1.0)
    own = [h.toponym.kind for h in hits if h.how != "alternate"]
    shared = sum(h.toponym.kind == "country" for h in hits) > 1  # "Congo": two countries' name
    rivals = any(kind in RIVALLED_BY for kind in own)
    divisions = {h.toponym.country: h.toponym.ref for h in hits if h.toponym.kind == "region" and h.how != "alternate"}
    capital = max(
        (h.toponym.population for h in hits if h.toponym.kind == "capital" and h.how != "alternate"), default=0
    )
    own_city: set[tuple[str | None, str | None]] = set()
    if beside.generic is None:  # a bare "Kherson" is the city, not its oblast: "the Kherson region" is the oblast
        # and a division's other name ("Tipperary" for both halves of the county) is its country's town of that name
        own_city = {(h.toponym.admin1, h.toponym.name) for h in hits if h.toponym.kind in ("capital", "city", "town")}
        own_city |= {(h.toponym.country, None) for h in hits if h.toponym.kind in SETTLEMENTS and h.how == "name"}
        # both named by another form ("Zurich": Zürich the city and its canton): the city, as for their own names
        own_city |= {(h.toponym.country, None) for h in hits if h.toponym.kind in ("capital", "city")}
    return [
        (
            *_score_terms(h, context, beside, rivals, _namesake(h.toponym, divisions), capital, shared),
            -OVERSHADOWED if h.how == "alternate" and named * 10 >= _prominence(h.toponym) else 0.0,
            -2.5
            if h.toponym.kind == "region"
            and ((h.toponym.ref, h.toponym.name) if h.how != "alternate" else (h.toponym.country, None)) in own_city
            else 0.0,
        )
        for h in hits
    ]


def _rank(hits: list[NameHit], context: Context, beside: Beside = Beside()) -> list[Candidate]:
    """A name's candidates, the likeliest first, each with its score and share of the evidence."""
    scored = []
    for i, terms in enumerate(score_terms(hits, context, beside)):
        before = sum(terms[:-1])  # the own_city term last, as a second look: ties go to the better before it
        scored.append((before + terms[-1], before, i))
    scored.sort(key=lambda st: (-st[0], -st[1]))
    total = sum(math.exp(sc) for sc, _, _ in scored)
    return [
        Candidate(hits[i].toponym, round(sc, 2), round(math.exp(sc) / total, 3), hits[i].how) for sc, _, i in scored
    ]


def _with_divisions(hits: list[NameHit], toponyms: Toponyms) -> list[NameHit]:
    """The candidates and the divisions named after them that their settlements lie in: "the Donetsk region"
    names Donetsk's oblast (Donets'k), "the Moscow region" Moskva oblast.

    A division of another name is no candidate: "the Houston region", "the Sydney region" are the
    cities' metropolitan areas, not Texas and New South Wales, and "the tropical Pacific region" is the ocean.
    """
    settlements = sorted((h for h in hits if h.toponym.kind in SETTLEMENTS), key=lambda h: -h.toponym.population)
    extra = []
    for h in settlements:
        division = toponyms.by_ref.get(h.toponym.admin1) if h.toponym.admin1 else None
        if division is not None and _named_after(division.name, h.toponym.name):
            extra.append(NameHit(division, "division"))
    return hits + list({h.toponym.ref: h for h in extra}.values())


NAMED_AFTER_LETTERS = 3  # the fewest first letters a division shares with the centre it is named after


def _named_after(division: str, centre: str) -> bool:
    """Whether a division's name is its centre's in another spelling: Donets'k and Donetsk, Moskva and Moscow,
    L'viv and Lviv; not Texas and Houston. The two share their first letters, at least half the shorter name."""
    a, b = (variant_key(n).replace(" ", "") for n in (division, centre))
    shared = len(os.path.commonprefix([a, b]))
    return shared >= max(NAMED_AFTER_LETTERS, min(len(a), len(b)) / 2)


def _beside(text: str, span: Span, prefixes: Prefixes, hits: dict[str, list[NameHit]]) -> Beside:
    """The division named right after a mention ("Paris, Texas", "Springfield in Illinois") and the generic word
    after it ("Donetsk region")."""
    division = None
    between = COMMA_AFTER.match(text, span.end)
    if between is None and (after_in := IN_DIVISION_AFTER.match(text, span.end)):
        between = None if _division_or_country(hits.get(span.text, [])) else after_in  # "Ontario in Canada"
    if between:
        for form in prefixes.at(text, between.end()):
            if form != span.text and hits[form]:
                top = hits[form][0].toponym
                if top.kind == "region" or any(h.toponym.kind == "region" for h in hits[form]):
                    division = next(h.toponym.ref for h in hits[form] if h.toponym.kind == "region")
    generic = None
    if _dateline(text, span):
        generic = "dateline"
    elif DIVISION_AFTER.match(text, span.end) or DIVISION_BEFORE.search(text, max(0, span.start - 30), span.start):
        generic = "division"
    elif WATER_AFTER.match(text, span.end):
        generic = "water"
    return Beside(division=division, generic=generic)


def _dateline(text: str, span: Span) -> bool:
    """Whether the mention is a dateline's place: capitals opening a line, then an agency or a dash ("NEW YORK -"),
    or right after a headline run into the story on its line ("Council votes. MANSFIELD - The council ...")."""
    if len(span.text) < 4 or not span.text.isupper():
        return False
    after = DATELINE_AFTER.match(text, span.end)
    if after is None:
        return False
    before = text[max(0, span.start - HEADLINE_CHARS) : span.start]  # a bounded look back, however long the line
    parts = before.rsplit("\n", 1)
    own = parts[-1]  # the line's text before the mention
    if len(parts) == 1 and span.start > HEADLINE_CHARS:
        return False  # the line started too far back: neither an opening nor a headline's end
    if len(own) <= DATELINE_INDENT and not own.strip():
        return True
    # one sentence, its full stop, then the dateline, its dash, and a story that starts ("NATO - the alliance" is none)
    headline = own.endswith(". ") and SENTENCE_END.search(own, 0, len(own) - 2) is None
    return headline and STORY_START.match(text, after.end()) is not None


def _division_or_country(hits: list[NameHit], country: str | None = None) -> bool:
    """Whether a name is itself a country's or a division's own (a division of `country`, if given): "Georgia in
    Atlanta" qualifies no Georgia."""
    return any(
        h.how != "alternate"
        and (h.toponym.kind == "country" or (h.toponym.kind == "region" and country in (None, h.toponym.country)))
        for h in hits
    )


def _readings_in(place: list[NameHit], qualifier: Toponym) -> frozenset[str]:
    """The readings of a name that lie in a qualifier's reading: Toronto's in Ontario the province, Kingston's
    in Jamaica the country (a town or a county in a division; those and the divisions in a country)."""
    if qualifier.kind == "region":
        return frozenset(
            h.toponym.ref for h in place if h.toponym.kind in QUALIFIED_KINDS and h.toponym.admin1 == qualifier.ref
        )
    return frozenset(
        h.toponym.ref
        for h in place
        if h.toponym.country == qualifier.country and h.toponym.kind in QUALIFIED_KINDS | {"region"}
    )


def _pair(
    place: list[NameHit], qualifier: list[NameHit], abbreviation: bool
) -> tuple[frozenset[str], frozenset[str]] | None:
    """The readings a place and its qualifier take together ("Toronto, Ontario": the city and the province), or
    None when no reading of the place lies in a division or country the qualifier names.

    After a state's abbreviation ("CAMP MURRAY, Wash."), which qualifies and lists nothing, a place none of whose
    readings lies in that state takes none: it is not placed in another state. A name that is itself a division
    or a country is not so qualified ("Texas, Calif." is no town)."""
    readings = [h.toponym for h in qualifier if h.how != "alternate" and h.toponym.kind in ("region", "country")]
    inside = {t.ref: _readings_in(place, t) for t in readings}
    holding = frozenset(ref for ref, refs in inside.items() if refs)
    if holding:
        return frozenset().union(*(inside[ref] for ref in holding)), holding
    if abbreviation and readings and not _division_or_country(place):
        return frozenset(), frozenset(t.ref for t in readings)
    return None


def _qualified(text: str, found: dict[str, list[Span]], hits: dict[str, list[NameHit]]) -> dict[int, frozenset[str]]:
    """For each place written right before a comma, "in" or a bracket and a division or a country it lies in, and
    for that qualifier, the readings the pair leaves them (_pair): whatever else the text is about.

    "Tacoma, Washington", "Toronto, Ontario", "Kingston, Jamaica", "Springfield in Illinois", "Crawford County
    located in Pennsylvania": a reader reads the town of that name that lies in the division or country of the
    other name, so the pair decides both, above the text's leaning ("Paris, Texas" in a French story). Only such
    a division qualifies: "a summit in Paris in June" or "Jordan, Syria" name none. After "in" or a bracket, a
    name that is itself a division or a country is not qualified ("protests in Ontario in Canada"); nor is the
    first of a list of divisions or countries ("Texas, Mexico and Canada": no village of Mexico). Each pair of
    names is judged once, so a long list of places costs one look per pair.
    """
    mentions = sorted((span.start, span.end, form) for form, spans in found.items() for span in spans)
    ends = sorted((end, start, form) for start, end, form in mentions)
    at_ends = [end for end, _, _ in ends]
    at_starts = [start for start, _, _ in mentions]
    judged: dict[tuple[str, str, bool], tuple[frozenset[str], frozenset[str]] | None] = {}
    out: dict[int, frozenset[str]] = {}
    own = frozenset({"region", "country"})
    kinds = {form: frozenset(h.toponym.kind for h in hits[form] if h.how != "alternate") & own for form in found}
    may_qualify = {form for form in found if any(h.toponym.kind in own for h in hits[form])}
    for start, end, form in mentions:
        if form not in may_qualify:
            continue
        before = bisect_right(at_ends, start) - 1  # the mention that ends last before this one
        if before < 0 or (previous := ends[before][2]) == form:
            continue
        between = QUALIFIER_BETWEEN.fullmatch(text, ends[before][0], start)
        if between is None:
            continue
        comma = between.group().startswith(",")
        if (previous, form, comma) not in judged:
            if not comma and _division_or_country(hits[previous]):
                judged[(previous, form, comma)] = None  # "Ontario in Canada", "Georgia in Atlanta"
            else:
                judged[(previous, form, comma)] = _pair(hits[previous], hits[form], comma and form.endswith("."))
        if (pair := judged[(previous, form, comma)]) is None:
            continue
        # a list's members, not a pair: "Texas, Mexico and Canada", "among them Vietnam, China, Japan"
        after, first = bisect_left(at_starts, end), bisect_right(at_ends, ends[before][1]) - 1
        if after < len(mentions) and _listed(text, (end, form), mentions[after][::2], kinds):
            continue
        if first >= 0 and _listed(text, ends[first][::2], (ends[before][1], previous), kinds):
            continue
        # "Toronto, Ontario, Canada": Ontario keeps the readings both of its pairs leave it
        for at, refs in zip((ends[before][1], start), pair, strict=True):
            out[at] = (out[at] & refs or out[at]) if at in out else refs
    return out


def _listed(text: str, name: tuple[int, str], then: tuple[int, str], kinds: Mapping[str, frozenset[str]]) -> bool:
    """Whether a name (where it ends, its form) and the next (where it starts, its form) are members of one list:
    joined as a list joins them, and both a country's or both a division's by their own names (`kinds`)."""
    return bool(kinds[name[1]] & kinds[then[1]]) and LIST_ON.fullmatch(text, name[0], then[0]) is not None


def _local_countries(text: str, found: dict[str, list[Span]], hits: dict[str, list[NameHit]]) -> dict[int, str]:
    """For each mention, the country named next to it (same sentence, a few words away), if any.

    "Jolfa ... the town of Julfa in the Republic of Azerbaijan": that Julfa is the one in
    Azerbaijan, whatever the rest of the text is about. A country's name qualifies one
    name: the one it follows ("Julfa in Azerbaijan", "Julfa, Azerbaijan"), else the one it
    precedes as a possessive or an adjective ("Iran's Jolfa"). So in "Djulfa, across the river
    from Iran's Jolfa", Iran is Jolfa's, not Djulfa's; and a country merely nearby qualifies no
    name ("Moscow's concern over the US attempts" leaves Moscow Russia's, not Idaho's); nor does a country a list
    goes on from ("Texas, Mexico and Canada" names no village of Mexico).
    """
    countries = sorted(
        (span.start, span.end, hits[form][0].toponym.country)
        for form, spans in found.items()
        if hits[form][0].toponym.kind == "country"
        for span in spans
    )
    at_starts = [start for start, _, _ in countries]
    shared = [form for form in found if len({h.toponym.country for h in hits[form]}) > 1]
    mentions = sorted((span.start, span.end) for form in shared for span in found[form])
    starts = [start for start, _ in mentions]
    longest = max((end - start for start, end in mentions), default=0)
    local: dict[int, str] = {}
    for start, end in sentence_bounds(text):
        first, last = bisect_left(starts, start), bisect_left(starts, end)
        if first == last:
            continue
        in_sentence = countries[bisect_left(at_starts, start) : bisect_left(at_starts, end)]
        for i, (c_start, c_end, country) in enumerate(in_sentence):
            if i + 1 < len(in_sentence) and LIST_ON.fullmatch(text, c_end, in_sentence[i + 1][0]):
                continue  # "Texas, Mexico and Canada": a list of countries, none a name's own
            # Only mentions starting within LOCAL_WINDOW (and a name's length) of the country can be beside it.
            low = max(first, bisect_left(starts, c_start - LOCAL_WINDOW - longest))
            high = min(last, bisect_left(starts, c_end + LOCAL_WINDOW + 1))
            inside = mentions[low:high]
            before = [m for m in inside if m[1] <= c_start and c_start - m[1] <= LOCAL_WINDOW]
            after = [m for m in inside if m[0] >= c_end and m[0] - c_end <= LOCAL_WINDOW]
            if before and FOLLOWS.match(text, before[-1][1], c_start):
                local[before[-1][0]] = country
            elif after and PRECEDES.match(text, c_end, after[0][0]):
                local[after[0][0]] = country
    return local


def _cluster_support(rankings: dict[tuple[str, ...], list[Candidate]]) -> dict[str, float]:
    """Each candidate's support from the other ambiguous names: one for each name with a candidate near it.

    A town's name alone says little, but three names that each have a candidate in one corner
    of Minnesota say that corner, however unlikely each of those towns was on its own ("Lexington
    4 ... Gaston ... Swansea": South Carolina's three, not the larger Lexingtons). A name read first
    as a capital or a country (FAMOUS) lends and receives support only by its share: London and Paris
    have namesakes 100 km apart in Ontario, which say nothing against the capitals. Only settlements
    and counties (a state's point says nothing of nearness), the CLUSTER_TOP likeliest candidates of
    at most CLUSTER_NAMES names, on a grid of NEAR_KM cubes compared as chords (as Anchors): a bounded
    cost whatever the text.

    Not more of a name's candidates: a name of thirty towns has one within NEAR_KM of most places, so
    its unlikely ones would lend to any corner by chance (the state of Florida's namesake village near
    New York City), and the corpora's small towns of one corner are among their names' likeliest.
    """
    if len(rankings) > CLUSTER_NAMES:
        return {}
    cells: dict[tuple[int, int, int], list[tuple[int, float, float, float, float]]] = {}
    looked: list[tuple[int, Candidate, float, float, float]] = []
    for k, ranked in enumerate(rankings.values()):
        for c in ranked[:CLUSTER_TOP]:
            if c.toponym.kind in CLUSTER_KINDS:
                x, y, z = _point(c.toponym)
                cells.setdefault(_cube(x, y, z, NEAR_KM), []).append((k, c.share, x, y, z))
                looked.append((k, c, x, y, z))
    famous = {k for k, ranked in enumerate(rankings.values()) if ranked[0].toponym.kind in FAMOUS}
    support: dict[str, float] = {}
    for k, c, x, y, z in looked:
        best: dict[int, float] = {}
        cx, cy, cz = _cube(x, y, z, NEAR_KM)
        for cell in itertools.product((cx - 1, cx, cx + 1), (cy - 1, cy, cy + 1), (cz - 1, cz, cz + 1)):
            for other, share, ox, oy, oz in cells.get(cell, ()):
                closer = other != k and share > best.get(other, 0.0)
                if closer and (ox - x) ** 2 + (oy - y) ** 2 + (oz - z) ** 2 < NEAR_CHORD2:
                    best[other] = share
        if best:
            lent = sum(share if k in famous or other in famous else 1.0 for other, share in best.items())
            support[c.toponym.ref] = max(support.get(c.toponym.ref, 0.0), lent)
    return support


def _seats(hits: dict[str, list[NameHit]], same_name: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """The candidates that pair a town with a county of another name of the text, their points within SEAT_KM.

    Local news names a town and its county without their state ("Paris ... Henry County"): the one
    pair of candidates that lie together says which. It does not hang on the names' likelihoods, so
    a small town's pair outweighs a large namesake elsewhere. But two names that pair in more than
    SEAT_STATES states say nothing of which (Madison and Madison County lie together in seven). At most
    CLUSTER_NAMES names and SEAT_CANDIDATES candidates of each: a bounded cost whatever the text.
    """
    names = {key: hits[form] for form, key in same_name.items() if len(hits[form]) > 1}
    if len(names) > CLUSTER_NAMES:
        return frozenset()
    # beside a county, a state's own name is the state, not its namesake village (Florida, in Orange County, New
    # York); a division abroad that bears a town's name says nothing of it ("Paris ... Henry County": Paris, Tennessee)
    county_countries = {h.toponym.country for v in names.values() for h in v if h.toponym.kind == "county"}

    def state_name(found: list[NameHit]) -> bool:
        return any(
            h.toponym.kind == "region" and h.how != "alternate" and h.toponym.country in county_countries for h in found
        )

    names = {k: v for k, v in names.items() if not state_name(v)}
    if not names:
        return frozenset()
    counties: dict[tuple[int, int, int], list[tuple[tuple[str, ...], Toponym]]] = {}
    towns: list[tuple[tuple[str, ...], Toponym]] = []
    for key, found in names.items():
        kept = sorted((h.toponym for h in found if h.toponym.kind in CLUSTER_KINDS), key=lambda t: -t.population)
        for t in kept[:SEAT_CANDIDATES]:
            if t.kind == "county":
                counties.setdefault(_cell(t), []).append((key, t))
            else:
                towns.append((key, t))
    # the pairs of each two names, by the county's state (a town's own state is read from its point, which may lie
    # over a river from its county: St. Louis, Columbus, Georgia)
    pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str | None, list[str]]] = {}
    for key, town in towns:
        x, y, z = _cell(town)
        for cell in itertools.product((x - 1, x, x + 1), (y - 1, y, y + 1), (z - 1, z, z + 1)):
            for other, county in counties.get(cell, ()):
                if other != key and distance_km(town, county) <= SEAT_KM:
                    pairs.setdefault((key, other), {}).setdefault(county.admin1, []).extend((town.ref, county.ref))
    # two names that pair in many states say none ("Madison" and "Madison County": the county's town of its name)
    telling = [by_state for by_state in pairs.values() if len(by_state) <= SEAT_STATES]
    return frozenset(ref for by_state in telling for refs in by_state.values() for ref in refs)


def _spread(ranked: list[Candidate], mentions: int) -> tuple[dict[str, float], dict[str, float]]:
    """What one ambiguous name says of the text's countries and divisions: its likelier places' shares."""
    countries: dict[str, float] = {}
    divisions: dict[str, float] = {}
    top = ranked[:CLUSTER_TOP]
    weights = [c.share**SHARPEN for c in top]
    total = sum(weights) or 1.0
    for c, w in zip(top, weights, strict=True):
        if c.toponym.country:
            countries[c.toponym.country] = countries.get(c.toponym.country, 0.0) + w / total * mentions
        if division := _division(c.toponym):
            divisions[division] = divisions.get(division, 0.0) + w / total * mentions
    return countries, divisions


def _contexts(
    countries: dict[str, int],
    divisions: dict[str, int],
    anchors: Anchors,
    people: Mapping[str, int],
    spread: dict[tuple[str, ...], tuple[dict[str, float], dict[str, float]]],
    same_name: dict[str, tuple[str, ...]],
    seat: frozenset[str] = frozenset(),
    named: Mapping[str, int] | None = None,
) -> dict[str, Context]:
    """Each form's context: the unambiguous places' countries and divisions, and every other name's spread."""
    c: dict[str, float] = dict(countries)
    d: dict[str, float] = dict(divisions)
    for own_c, own_d in spread.values():
        for key, n in own_c.items():
            c[key] = c.get(key, 0.0) + n
        for key, n in own_d.items():
            d[key] = d.get(key, 0.0) + n
    named = named or {}
    whole = Context(Tally.of(c), Tally.of(d), anchors, people, seat=seat, country_mentions=named)
    out: dict[str, Context] = {}
    for form, key in same_name.items():
        if key not in spread:
            out[form] = whole
        else:  # every name's places but its own
            own_c, own_d = spread[key]
            countries, divisions = whole.countries.without(own_c), whole.divisions.without(own_d)
            out[form] = Context(countries, divisions, anchors, people, seat=seat, country_mentions=named)
    return out


COUNTY_WORDS = (" County", " Parish")  # the words that make a name a county's: "Hall County", "Rapides Parish"


def _county_states(
    found: dict[str, list[Span]], hits: dict[str, list[NameHit]], likeliest: Callable[[str], Toponym]
) -> dict[str, tuple[Toponym | None, str]]:
    """For each bare name whose county the text also names ("Suffolk County ... Suffolk"), that county's state,
    and the county itself when none of the name's places lies in that state.

    Local news names a county, then the county or its seat by the bare name: "Hall County ... Hall" is the
    county in Georgia, not Schwäbisch Hall; "Madison County ... Madison" a Madison of that county's state. A name
    that is itself a country or a division of the county's country keeps its own reading ("Washington County ...
    Washington"; but England's Suffolk is no reading of a story about Suffolk County, New York).
    `likeliest` gives the county's place with nothing beside it: one look per county the text names.
    """
    out: dict[str, tuple[Toponym | None, str]] = {}
    for form in found:
        bare = next((form.removesuffix(word) for word in COUNTY_WORDS if form.endswith(word)), None)
        if bare not in found or bare in out or not hits[form]:
            continue
        county = likeliest(form)
        if county.kind != "county" or county.admin1 is None or _division_or_country(hits[bare], county.country):
            continue
        in_state = any(h.toponym.admin1 == county.admin1 for h in hits[bare])
        out[bare] = (None if in_state else county, county.admin1)
    return out


def _only_demonyms(spans: Iterable[Span], toponyms: Toponyms) -> bool:
    """Whether the place's associative mentions are all people's adjectives ("Iraqi"), none an organisation's."""
    associative = [s.text for s in spans if s.role == NAMED]
    return bool(associative) and all(t in toponyms.demonyms or t in toponyms.adjectives for t in associative)


def resolve(found: dict[str, list[Span]], toponyms: Toponyms, text: str = "") -> list[FoundPlace]:
    """Pick one entry per mention, using the text's other places, then merge mentions by place.

    Every mention of a form is resolved alike, unless what stands beside it says otherwise:
    its candidates lie in different countries and one of them is named right beside it (the
    two Julfas facing each other), a division follows it ("Paris, Texas"), or a generic word
    ("the Kherson region", "the Araz river").
    """
    hits = {form: resolution_hits(form, toponyms) for form in found}
    countries: dict[str, int] = {}
    divisions: dict[str, int] = {}
    named: dict[str, int] = {}  # Context.country_mentions
    anchors = Anchors()
    for form, spans in found.items():
        first = hits[form][0]
        # A curated name, or a country's or continent's own, is unambiguous unless another place bears it as its
        # main name (Julfa, Iran; Jordan, Minnesota): "Canada" is the country from the first reading, not also
        # the villages spelt Cañada, so a Canadian story's Toronto is not read in Ohio first.
        unambiguous = len(hits[form]) == 1 or (
            (first.how == "curated" or (first.how == "name" and first.toponym.kind in ANCHOR_KINDS))
            and all(h.how == "alternate" for h in hits[form][1:])
        )
        if unambiguous:
            anchors.add(first.toponym)
        if unambiguous and first.toponym.country:
            countries[first.toponym.country] = countries.get(first.toponym.country, 0) + len(spans)
        if unambiguous and first.toponym.kind == "country" and first.toponym.country:
            named[first.toponym.country] = named.get(first.toponym.country, 0) + len(spans)
        if unambiguous and (division := _division(first.toponym)):
            divisions[division] = divisions.get(division, 0) + len(spans)
    # Second reading: the countries and divisions of every other name's likeliest place (Atlanta's Georgia).
    # A name never supports itself, whatever its forms ("MONROE" in a dateline and "Monroe" in the body):
    # each is ranked with the other names' places only. A third reading ranks again with the second's
    # places, so that ambiguous names that agree settle together (Monroe, Walton County and Atlanta in Georgia).
    if text and POUND in text and "$" not in text:  # a story priced in pounds: as if it named the UK once
        countries[POUND_COUNTRY] = countries.get(POUND_COUNTRY, 0) + 1
    people = toponyms.division_population
    same_name: dict[str, tuple[str, ...]] = {form: tuple(h.toponym.ref for h in hits[form]) for form in found}
    seat = _seats(hits, same_name)
    first = Context(Tally.of(countries), Tally.of(divisions), anchors, people, seat=seat, country_mentions=named)
    mentions: dict[tuple[str, ...], int] = {}
    for form, key in same_name.items():
        mentions[key] = mentions.get(key, 0) + len(found[form])
    contexts: dict[str, Context] = dict.fromkeys(found, first)
    ambiguous: dict[tuple[str, ...], list[Candidate]] = {}
    for _ in range(READINGS - 1):
        spread = {}
        for form in found:
            if len(hits[form]) > 1 and same_name[form] not in spread:
                ambiguous[same_name[form]] = ranked = _rank(hits[form], contexts[form])
                spread[same_name[form]] = _spread(ranked, mentions[same_name[form]])
        contexts = _contexts(countries, divisions, anchors, people, spread, same_name, seat, named)
    cluster = _cluster_support(ambiguous)
    contexts = {form: replace(context, cluster=cluster) for form, context in contexts.items()}
    local = _local_countries(text, found, hits) if text else {}
    prefixes = Prefixes(found)
    qualified = _qualified(text, found, hits) if text else {}
    plain: dict[str, list[Candidate]] = {}  # each form's ranking with nothing beside it, made once

    def alone(form: str) -> list[Candidate]:
        if form not in plain:
            plain[form] = _rank(hits[form], contexts[form])
        return plain[form]

    listed = _list_kinds(text, found, hits, lambda form: alone(form)[0].toponym) if text else {}
    unread = _shared_seas(found, hits, lambda form: alone(form)[0].toponym)
    counties = _county_states(found, hits, lambda form: alone(form)[0].toponym)
    for form, (county, _) in counties.items():
        if county is not None:  # "Suffolk County ... Suffolk": no place of that name in New York but the county
            hits[form] = [*hits[form], NameHit(county, "division")]
    places: dict[str, tuple[list[Span], Candidate, list[Candidate]]] = {}
    for form, spans in found.items():
        if form in unread:  # "the Gulf" in a text around neither gulf
            continue
        several = len({h.toponym.country for h in hits[form]}) > 1
        rankings: dict[Beside, list[Candidate]] = {}  # one ranking per distinct surrounding
        for span in spans:
            beside = _beside(text, span, prefixes, hits) if text else Beside()
            if form in counties and beside.division is None:  # "Hall County ... Hall": Georgia's
                beside = replace(beside, division=counties[form][1])
            if several and span.start in local:
                beside = replace(beside, country=local[span.start])
            if span.start in qualified:  # "Toronto, Ontario": the city in the province, the province of the city
                beside = Beside(beside.country, beside.division, beside.generic, qualified[span.start])
            if span.start in listed:  # "Manitoba, Ontario and New Brunswick": one of the list's provinces
                beside = Beside(generic=listed[span.start])
            if beside not in rankings and beside == Beside():
                rankings[beside] = alone(form)
            elif beside not in rankings:
                candidates = hits[form]
                if beside.within is not None:
                    candidates = [h for h in candidates if h.toponym.ref in beside.within]
                first_level = beside.generic == "division" and FIRST_LEVEL_AFTER.match(text, span.end)
                if first_level and not any(h.toponym.kind == "region" for h in candidates):
                    candidates = _with_divisions(candidates, toponyms)  # "the Donetsk region": Donetsk's oblast
                if beside.generic == "dateline":  # a dateline names the town the story was filed from
                    candidates = [h for h in candidates if h.toponym.kind in SETTLEMENTS] or candidates
                rankings[beside] = _rank(candidates, contexts[form], beside)
            ranked = rankings[beside]
            if not ranked:  # "CAMP MURRAY, Wash.": no Murray in Washington, and none placed in another state
                continue
            best = ranked[0]
            if best.toponym.ref in places:
                places[best.toponym.ref][0].append(span)
            else:
                places[best.toponym.ref] = ([span], best, ranked[1:4])
    for ref, point in _along_courses(places).items():  # a river marked at the stretch the text is about
        spans, best, others = places[ref]
        places[ref] = (spans, replace(best, toponym=replace(best.toponym, lat=point[0], lon=point[1])), others)
    by_country: dict[str | None, int] = {}
    by_division: dict[str | None, int] = {}
    for spans, best, _ in places.values():
        by_country[best.toponym.country] = by_country.get(best.toponym.country, 0) + len(spans)
        by_division[_division(best.toponym)] = by_division.get(_division(best.toponym), 0) + len(spans)
    total = sum(by_country.values())
    named_countries = {best.toponym.country for _, best, _ in places.values() if best.toponym.kind == "country"}
    named_divisions = {best.toponym.ref for _, best, _ in places.values() if best.toponym.kind == "region"}

    def support(counts: dict[str | None, int], key: str | None, own: int) -> float:
        """The share of the other places' mentions that lie in the same country or division."""
        return (counts[key] - own) / (total - own) if key is not None and total > own else 0.0

    literal = Neighbours([best.toponym for spans, best, _ in places.values() if any(s.role == PLACE for s in spans)])
    result = [
        FoundPlace(
            best.toponym,
            tuple(sorted(spans, key=lambda s: s.start)),
            best.share,
            tuple(others),
            support(by_country, best.toponym.country, len(spans)),
            support(by_division, _division(best.toponym), len(spans)),
            best.toponym.kind != "country" and best.toponym.country in named_countries,
            best.toponym.kind != "region" and best.toponym.admin1 in named_divisions,
            best.how,
            _only_demonyms(spans, toponyms),
            literal,
        )
        for spans, best, others in places.values()
    ]
    return sorted(result, key=lambda p: p.mentions[0].start)


SHORE_KM = 1200.0  # a sea's point to the places of its shores: Kuwait and Qatar, Louisiana and Houston


def _shared_seas(
    found: dict[str, list[Span]], hits: dict[str, list[NameHit]], likeliest: Callable[[str], Toponym]
) -> set[str]:
    """Settle the names several seas bear ("the Gulf"): the sea the text's other places lie around, or none.

    "The Gulf" is the Persian Gulf in a text about Kuwait, Qatar and Iran, the Gulf of Mexico in one about
    Louisiana and Houston: each such sea counts the other names whose likeliest place lies within SHORE_KM of its
    point, and the one with the most keeps the name (`hits` is changed in place). Where neither has more, the
    seas are dropped; the name keeps its other places only if one lies in a country of the text's other places,
    and else is returned among the names to leave unread. One look per other name: a bounded cost.
    """
    shared = {form: [h for h in found_hits if _shared_sea(h)] for form, found_hits in hits.items() if form in found}
    shared = {form: seas for form, seas in shared.items() if len(seas) > 1}
    if not shared:
        return set()
    others = {form: likeliest(form) for form in found if form not in shared}
    unread = set()
    for form, seas in shared.items():
        near = sorted(
            ((sum(distance_km(h.toponym, t) <= SHORE_KM for t in others.values()), h) for h in seas),
            key=lambda nh: -nh[0],
        )
        rest = [h for h in hits[form] if not _shared_sea(h)]
        if near[0][0] > near[1][0]:
            hits[form] = [near[0][1], *rest]
        elif any(h.toponym.country in {t.country for t in others.values()} for h in rest):
            hits[form] = rest
        else:
            unread.add(form)
    return unread


def _shared_sea(hit: NameHit) -> bool:
    return hit.toponym.kind == "sea" and hit.toponym.country is None


# Between two names of a list: "Alberta, Manitoba", "Ontario and Quebec", "Utah, Washington, and Wisconsin".
LIST_BETWEEN = re.compile(r",\s?|,?\s(?:and|or)\s")
LIST_AND = re.compile(r",?\s(?:and|or)\s")
LIST_GAP = len(", and ")  # the most characters between two names of a list
# The same, or with "the" before the next name: "China, Japan, and the United Kingdom" (_qualified, _local_countries)
LIST_ON = re.compile(rf"(?:{LIST_BETWEEN.pattern})(?:the\s)?")
LIST_KINDS = {"region": "division", "country": "country"}  # a list's kind -> the generic word it lends (Beside)


def _list_kinds(
    text: str, found: dict[str, list[Span]], hits: dict[str, list[NameHit]], likeliest: Callable[[str], Toponym]
) -> dict[int, str]:
    """For each mention of a list of divisions or of countries, the kind the list lends it (Beside.generic).

    In "British Columbia, Alberta, Manitoba, Ontario and New Brunswick" Ontario is the province, not
    the city in California: when most of the other names of a list (three names or more, or two joined
    by "and" or "or") are first-level divisions, or countries, a name that has a candidate of that kind
    takes it. The others are judged by their own likeliest place without the list, so that a list of
    cities ("Kherson, Mykolaiv and Odesa") keeps its cities. Such a member is not a town qualified by the
    division after it ("Oregon, Tennessee"); a town of the list that has no division's name keeps its
    qualifier ("Paris, Texas, and Tulsa, Oklahoma"); nor is a capital that the list's other divisions
    surround ("Maryland, Virginia and Washington"). `likeliest` gives a form's place with nothing beside
    it, the ranking the mentions with nothing beside them reuse: a list costs one look per name.
    """
    spans = sorted(((s, form) for form, form_spans in found.items() for s in form_spans), key=lambda sf: sf[0].start)
    runs: list[tuple[list[tuple[Span, str]], list[bool]]] = []  # names read one after another; "and" between two
    for previous, current in itertools.pairwise(spans):
        end, start = previous[0].end, current[0].start
        if not 0 < start - end <= LIST_GAP or LIST_BETWEEN.fullmatch(text, end, start) is None:
            continue
        if not runs or runs[-1][0][-1] is not previous:
            runs.append(([previous], []))
        runs[-1][0].append(current)
        runs[-1][1].append(LIST_AND.fullmatch(text, end, start) is not None)
    out: dict[int, str] = {}
    for names, joins in runs:
        if len(names) == 2 and not joins[0]:  # "Tacoma, Washington": a place and its qualifier, no list
            continue
        read = [likeliest(form) for _, form in names]
        distinct = {t.ref: t for t in read}
        surrounded: dict[str, bool] = {}
        for kind, generic in LIST_KINDS.items():
            of_kind = [t for t in read if t.kind == kind]
            if 2 * len(of_kind) < len(read) - 1:  # not most of the others', whichever name is left out
                continue
            # a division of the others' countries: in a list of US states, "Ontario, California" is the city
            countries = Counter(t.country for t in of_kind)
            for (member, form), own in zip(names, read, strict=True):
                mine = own.kind == kind
                if 2 * (len(of_kind) - mine) <= len(read) - 1:
                    continue
                if kind == "region" and form not in surrounded:  # judged once per name of the list
                    others = [t for ref, t in distinct.items() if ref != own.ref]
                    surrounded[form] = _capital_among(hits[form], others)
                if kind == "region" and surrounded[form]:
                    continue  # "Maryland, Virginia and Washington": the capital the other states surround
                if any(
                    h.toponym.kind == kind
                    and (kind != "region" or countries[h.toponym.country] > (mine and own.country == h.toponym.country))
                    for h in hits[form]
                ):
                    out[member.start] = generic
    return out


def _capital_among(hits: list[NameHit], others: list[Toponym]) -> bool:
    """Whether one of a name's candidates is a capital within AROUND_KM of every other name of its list: in
    "Maryland, Virginia and Washington" the states around the capital say the capital, where "Oregon, Idaho
    and Washington" say the state."""
    return bool(others) and any(
        h.toponym.kind == "capital" and all(distance_km(h.toponym, t) <= AROUND_KM for t in others) for h in hits
    )


def _along_courses(
    places: Mapping[str, tuple[list[Span], Candidate, list[Candidate]]],
) -> dict[str, tuple[float, float]]:
    """For each river the text names, the point of its course nearest one of the text's towns or counties.

    A river's own point is the middle of its longest line, hundreds of kilometres from the stretch a
    story is about ("both sides of the Chattahoochee River" in Columbus, Georgia). A text naming no town
    keeps it. At most CLUSTER_NAMES towns are looked at, and a course has a few points: a bounded cost.
    """
    rivers = {ref: best.toponym.course for ref, (_, best, _) in places.items() if best.toponym.course}
    if not rivers:
        return {}
    towns = [
        _point(best.toponym)
        for spans, best, _ in places.values()
        if best.toponym.kind in CLUSTER_KINDS and any(s.role == PLACE for s in spans)
    ][:CLUSTER_NAMES]
    if not towns:
        return {}

    def nearest_town(lat: float, lon: float) -> float:
        x, y, z = _point_at(lat, lon)
        return min((tx - x) ** 2 + (ty - y) ** 2 + (tz - z) ** 2 for tx, ty, tz in towns)

    return {ref: min(course, key=lambda p: nearest_town(*p)) for ref, course in rivers.items()}


def _bare_river(form: str, hits: list[NameHit]) -> bool:
    """A Natural Earth river written without the word River ("Nile", "Amazon"): it needs "the" before it."""
    return (
        bool(hits)
        and all(h.toponym.ref.startswith(PHYSICAL_REF) and h.toponym.kind == "river" for h in hits)
        and "river" not in form.lower()
    )


def geoparse(text: str, toponyms: Toponyms | None = None, named: bool = False) -> list[FoundPlace]:
    """Every place the text names, in the order it first names them; with `named`, its associative mentions too
    (each Span's role says which; `by_role` parts them)."""
    toponyms = toponyms or load_toponyms()
    return resolve(find_spans(text, toponyms, named), toponyms, text)


def by_role(places: Iterable[FoundPlace]) -> tuple[list[FoundPlace], list[FoundPlace]]:
    """The places the text names itself, with their literal mentions only, and those it names only inside
    other names or as a people (NAMED), each in the text's order."""
    literal, named = [], []
    for place in places:
        if place.role == PLACE:
            literal.append(replace(place, mentions=tuple(m for m in place.mentions if m.role == PLACE)))
        else:
            named.append(place)
    return literal, named


def place_record(place: FoundPlace) -> dict:
    """One place as `geoparse --format json` prints it."""

    def brief(c: Candidate) -> dict:
        t = c.toponym
        return {
            "name": t.name,
            "geonameid": t.geonameid,
            "ref": t.ref,
            "kind": t.kind,
            "country": t.country,
            "lat": t.lat,
            "lon": t.lon,
            "score": c.share,
        }

    t = place.toponym
    return {
        "name": place.name,
        "gazetteer_name": t.name,
        "geonameid": t.geonameid,
        "ref": t.ref,
        "lat": t.lat,
        "lon": t.lon,
        "kind": t.kind,
        "country": t.country,
        "role": place.role,
        "mentions": [{"text": s.text, "start": s.start, "end": s.end, "role": s.role} for s in place.mentions],
        "score": place.score,
        "confidence": round(place.confidence, 3),
        "review": place.review,
        "runners_up": [brief(c) for c in place.runners_up],
        "source": t.source,
    }
