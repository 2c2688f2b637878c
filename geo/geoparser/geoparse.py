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
  over Jolfa in Iran in a text about Nakhchivan).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from geo.atlas.article import FormFinder, sentence_bounds
from geo.geoparser.gazetteer import HOME, WORD, NameHit, Toponym, Toponyms, load_toponyms

POSSESSIVE_END = re.compile(r"['’]s$")
CAPITALISED_RUN = re.compile(r"\s+(?:of\s+(?:the\s+)?)?([A-Z][\w-]*)")
SENTENCE_MARKS = frozenset('.!?:;"“”')  # a sentence starts after one of these and spaces
KIND_PRIOR = {
    "country": 5.0,
    "capital": 4.0,
    "exclave": 4.0,
    "region": 3.5,
    "wider region": 3.5,
    "route": 3.5,
    "sea": 3.5,
    "lake": 3.0,
    "river": 3.0,
    "mountains": 3.0,
    "city": 3.0,
    "town": 2.0,
    "village": 1.0,
}
HOW_PRIOR = {"curated": 3.0, "name": 0.5, "alternate": 0.0, "variant": -0.5}
STRONG_KINDS = ("country", "capital", "exclave", "region", "wider region", "route", "sea", "lake", "river", "mountains")
# Words that qualify a place without making a longer proper name of it: "Lowland Karabakh", "Eastern Turkey".
QUALIFIERS = frozenset(
    {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central"}
    | {"Upper", "Lower", "Greater", "Lesser", "Highland", "Lowland", "Mountainous", "Inner", "Outer"}
)
# Between a place and the country that follows it ("Julfa in the Republic of Azerbaijan", "Julfa, Azerbaijan").
FOLLOWS = re.compile(r"\s*(?:,|\(|in|of|near)\s*(?:the\s+)?(?:Republic\s+of\s+)?$")
# Between a country and the place it qualifies ("Iran's Jolfa").
PRECEDES = re.compile(r"(?:['’]s)?\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+|village\s+of\s+)?$")
CONNECTOR = re.compile(r"(?:of|the|for|in|and|on|&)$")
NEAR_KM, AROUND_KM = 100.0, 300.0
LOCAL_COUNTRY = 3.0  # a country named next to the mention: "Julfa in the Republic of Azerbaijan"
LOCAL_WINDOW = 40  # characters between the two names
REVIEW_BELOW = 0.8  # a place whose winning share of the score is lower is marked for review


@dataclass(frozen=True)
class Span:
    """One mention: the text as written and its character offsets into the text parsed."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    toponym: Toponym
    score: float
    share: float  # the candidate's share of the name's total evidence (0-1)


@dataclass(frozen=True)
class FoundPlace:
    """One distinct place the text names, the candidate chosen and the runners-up."""

    toponym: Toponym
    mentions: tuple[Span, ...]
    score: float
    runners_up: tuple[Candidate, ...]

    @property
    def name(self) -> str:
        """The name as the text writes it most often (its own usage first), else the gazetteer's."""
        forms = [m.text for m in self.mentions if not (len(m.text) >= 4 and m.text.isupper())]  # not datelines
        return max(dict.fromkeys(forms), key=forms.count) if forms else self.toponym.name

    @property
    def review(self) -> bool:
        """Unsure: close runners-up, or a village known only by an alternate spelling."""
        return self.score < REVIEW_BELOW or self.toponym.kind == "village"


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
    if form in toponyms.adjectives:  # found only before a noun of place
        return toponyms.candidates(form)
    name = gazetteer_name(form, toponyms)
    return toponyms.candidates(name) if name else toponyms.variant_hits(form)


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
        for j in range(i, min(i + toponyms.longest_name_words, len(words))):
            if j - i >= 2 and not _may_go_on(words[i:j], toponyms):
                break
            phrase = text[words[i].start() : words[j].end()]
            if phrase in checked:
                continue
            checked.add(phrase)
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


def keep_mention(run: RunAfter, start: int, end: int, toponyms: Toponyms, forms: set[str], headline: bool) -> bool:
    """False where a name is part of an organisation's or a person's name (`run` reads the line the name is in)."""
    text = run.text
    if run.has_organisation_word(end):
        return False
    if any(w in toponyms.organisation_words for w in _run_before(text, start)):
        return False
    before = _word_before(text, start)
    if headline:
        return True
    after = run.first(end)
    if after is not None and after in toponyms.place_words:
        return True  # "Vayots Dzor Province", "Meghri Municipality"
    if after is not None and after not in forms and not text[end : end + 3].startswith(("'s", "’s")):
        return False  # "Nikol Pashinyan": a place name followed by another proper name
    return before is None or before in forms or before in toponyms.not_places or before in QUALIFIERS


def _strong(form: str, toponyms: Toponyms) -> bool:
    """A name that stands out as a place even in a headline's capitals (a country, a curated name, a local place)."""
    return any(
        h.how == "curated" or h.toponym.kind in STRONG_KINDS or h.toponym.country in HOME
        for h in hits_for(form, toponyms)
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


def find_spans(text: str, toponyms: Toponyms) -> dict[str, list[Span]]:
    """Every kept mention, grouped by the form written, in reading order.

    Three rules look beyond the name itself:
    - in a headline's capitals, a weak name (a foreign town, "Reading") counts only if the
      text also names it outside headlines;
    - a name once read as part of a person's name ("Emin Milli") is that name wherever
      the same words stand, also where they open a sentence or a headline;
    - a country's adjective counts where a noun of place follows it ("a Hungarian prison").
    """
    forms = candidate_forms(text, toponyms)
    finder = FormFinder(forms)
    adjective_pattern = _adjective_pattern(toponyms)
    kept: list[tuple[str, Span, bool]] = []
    people = People()
    for line_start, line in _lines(text):
        headline = _title_case(line)
        run = RunAfter(line, toponyms.organisation_words)
        for match in finder.finditer(line):
            start, end, form = match.start, match.end, match.form
            if keep_mention(run, start, end, toponyms, forms, headline):
                kept.append((form, Span(form, line_start + start, line_start + end), headline))
            elif (before := _word_before(line, start)) is not None and before not in toponyms.organisation_words:
                people.add(f"{before} {form}")
        for match in adjective_pattern.finditer(line):
            start, end = match.span(1)
            kept.append((match.group(1), Span(match.group(1), line_start + start, line_start + end), False))
    in_body = {form for form, _, headline in kept if not headline}
    found: dict[str, list[Span]] = {}
    for form, span, headline in sorted(kept, key=lambda k: k[1].start):
        if headline and form not in in_body and not _strong(form, toponyms):
            continue
        if people.named_at(text, span):
            continue
        found.setdefault(form, []).append(span)
    return found


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
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


class Anchors:
    """The places a text names without ambiguity, as unit vectors, for `_score`'s nearness.

    Comparing every candidate with every anchor one by one in Python made a text naming
    thousands of places take minutes; here each candidate's nearest anchor is one
    product of a matrix with a vector (numpy), and only that anchor's distance is computed
    by `distance_km`, so the thresholds see the same figure as before. Countries and
    wider regions are never anchors of nearness.
    """

    def __init__(self) -> None:
        self.refs: set[str] = set()
        self.near: list[Toponym] = []
        self._at: dict[str, int] = {}  # ref -> its row in near
        self._vectors: np.ndarray | None = None
        self._closest: dict[str, float | None] = {}

    def add(self, toponym: Toponym) -> None:
        if toponym.ref in self.refs:
            return
        self.refs.add(toponym.ref)
        if toponym.kind not in ("country", "wider region"):
            self._at[toponym.ref] = len(self.near)
            self.near.append(toponym)
            self._vectors, self._closest = None, {}

    def closest_km(self, t: Toponym) -> float | None:
        """The distance from t to the nearest other anchor (None with no other anchor)."""
        if t.ref not in self._closest:
            self._closest[t.ref] = self._nearest(t)
        return self._closest[t.ref]

    def _nearest(self, t: Toponym) -> float | None:
        if self._vectors is None:
            self._vectors = _unit_vectors(self.near)
        cosines = self._vectors @ _unit_vectors([t])[0]
        if t.ref in self._at:
            cosines[self._at[t.ref]] = -2.0  # never its own anchor
        if not len(cosines) or cosines.max() < -1.5:
            return None
        return distance_km(t, self.near[int(cosines.argmax())])


def _unit_vectors(toponyms: list[Toponym]) -> np.ndarray:
    lat = np.radians([t.lat for t in toponyms])
    lon = np.radians([t.lon for t in toponyms])
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat))).reshape(-1, 3)


def _score(hit: NameHit, countries: dict[str, int], anchors: Anchors, local: str | None = None) -> float:
    t = hit.toponym
    score = KIND_PRIOR.get(t.kind, 1.0) + HOW_PRIOR[hit.how] + 0.3 * math.log10(t.population + 1)
    if t.country in countries:  # the more of the text's places lie in that country, the likelier
        score += 1.0 + 3.0 * countries[t.country] / sum(countries.values())
    elif t.country in HOME:
        score += 0.5
    if local is not None and t.country == local:
        score += LOCAL_COUNTRY
    closest = anchors.closest_km(t)
    if closest is not None:
        score += 2.0 if closest < NEAR_KM else 1.0 if closest < AROUND_KM else 0.0
    return score


def _rank(
    hits: list[NameHit], countries: dict[str, int], anchors: Anchors, local: str | None = None
) -> list[Candidate]:
    scored = sorted(((_score(h, countries, anchors, local), h.toponym) for h in hits), key=lambda st: -st[0])
    total = sum(math.exp(s) for s, _ in scored)
    return [Candidate(t, round(s, 2), round(math.exp(s) / total, 3)) for s, t in scored]


def _local_countries(text: str, found: dict[str, list[Span]], hits: dict[str, list[NameHit]]) -> dict[int, str]:
    """For each mention, the country named next to it (same sentence, a few words away), if any.

    "Jolfa ... the town of Julfa in the Republic of Azerbaijan": that Julfa is the one in
    Azerbaijan, whatever the rest of the text is about. A country's name qualifies one
    name: the one it follows ("Julfa in Azerbaijan", "Julfa, Azerbaijan"), else the one it
    precedes as a possessive or an adjective ("Iran's Jolfa"), else the nearest. So in
    "Djulfa, across the river from Iran's Jolfa", Iran is Jolfa's, not Djulfa's.
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
        for c_start, c_end, country in countries[bisect_left(at_starts, start) : bisect_left(at_starts, end)]:
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
            elif before or after:
                nearest = min(before[-1:] + after[:1], key=lambda m: min(abs(m[0] - c_end), abs(c_start - m[1])))
                local.setdefault(nearest[0], country)
    return local


def resolve(found: dict[str, list[Span]], toponyms: Toponyms, text: str = "") -> list[FoundPlace]:
    """Pick one entry per mention, using the text's other places, then merge mentions by place.

    Every mention of a form is resolved alike, unless its candidates lie in different
    countries and one of them is named right beside it (the two Julfas facing each other).
    """
    hits = {form: hits_for(form, toponyms) for form in found}
    countries: dict[str, int] = {}
    anchors = Anchors()
    for form, spans in found.items():
        first = hits[form][0]
        # A curated name is unambiguous unless another place bears it as its main name (Julfa, Iran).
        unambiguous = len(hits[form]) == 1 or (
            first.how == "curated" and all(h.how == "alternate" for h in hits[form][1:])
        )
        if unambiguous:
            anchors.add(first.toponym)
        if unambiguous and first.toponym.country:
            countries[first.toponym.country] = countries.get(first.toponym.country, 0) + len(spans)
    local = _local_countries(text, found, hits) if text else {}
    places: dict[str, tuple[list[Span], Candidate, list[Candidate]]] = {}
    for form, spans in found.items():
        several = len({h.toponym.country for h in hits[form]}) > 1
        rankings: dict[str | None, list[Candidate]] = {}  # one ranking per country named beside a mention
        for span in spans:
            near = local.get(span.start) if several else None
            if near not in rankings:
                rankings[near] = _rank(hits[form], countries, anchors, near)
            ranked = rankings[near]
            best = ranked[0]
            if best.toponym.ref in places:
                places[best.toponym.ref][0].append(span)
            else:
                places[best.toponym.ref] = ([span], best, ranked[1:4])
    result = [
        FoundPlace(best.toponym, tuple(sorted(spans, key=lambda s: s.start)), best.share, tuple(others))
        for spans, best, others in places.values()
    ]
    return sorted(result, key=lambda p: p.mentions[0].start)


def geoparse(text: str, toponyms: Toponyms | None = None) -> list[FoundPlace]:
    """Every place the text names, in the order it first names them."""
    toponyms = toponyms or load_toponyms()
    return resolve(find_spans(text, toponyms), toponyms, text)


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
        "mentions": [{"text": s.text, "start": s.start, "end": s.end} for s in place.mentions],
        "score": place.score,
        "review": place.review,
        "runners_up": [brief(c) for c in place.runners_up],
        "source": t.source,
    }
