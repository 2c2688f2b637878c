"""The review of a draft's places, as the page "Map your own article" shows it (data only, no Streamlit).

Between the geoparser and the atlas a person checks every place: the text with each
mention marked, and per place its name, what it was resolved to, its confidence, its
mentions and the other candidates. `review_view` turns the found places and the
decisions taken so far into that view, so the page only lays it out (the template
geo/render/templates/mapany_text.html escapes every piece of the text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from geo.errors import InputError
from geo.geoparser.draft import MAX_DRAFT_PLACES, ArticleInfo, Decision, country_names, place_key
from geo.geoparser.geoparse import FoundPlace

KEEP, REJECT = "keep", "reject"  # the two choices every place has; the others are candidates' keys


@dataclass(frozen=True)
class Segment:
    """A piece of the text: plain, or a mention of the place numbered `place` (1-based), in its state."""

    text: str
    place: int | None = None
    state: str = ""  # "kept", "unsure", "rejected" or "added"
    label: str = ""  # what the mention was resolved to, shown on hover


@dataclass(frozen=True)
class Choice:
    """One option of a place's decision: keep it, reject it, or one of its other candidates."""

    key: str  # KEEP, REJECT, or a candidate's key (geonames:<id>, ne:..., curated:...)
    label: str


@dataclass(frozen=True)
class ReviewRow:
    """One found place, as its row of the review shows it."""

    number: int
    key: str  # the place's key, which decisions are keyed by
    name: str  # as the text writes it
    resolved: str  # the gazetteer's entry chosen: "Julfa (town, Azerbaijan, GeoNames 147288)"
    kind: str
    country: str
    confidence: int  # percent: the probability that the place is right (FoundPlace.confidence)
    unsure: bool
    mentions: int
    added: bool  # typed in by the person, not found by the geoparser
    state: str
    choices: tuple[Choice, ...]  # KEEP first, then REJECT, then the other candidates

    @property
    def alternatives(self) -> tuple[Choice, ...]:
        return self.choices[2:]


@dataclass(frozen=True)
class NamedRow:
    """A place the text names only inside an organisation's name or as a people (role NAMED): listed apart,
    left off the map unless the person includes it."""

    key: str
    name: str  # as the text writes it: "Iraqi", "Ohio"
    place_name: str  # the place it stands for: "Iraq"
    resolved: str
    mentions: int
    example: str  # the words around its first mention: "the Ohio Department of Development"


@dataclass(frozen=True)
class ReviewView:
    """The marked text, and the rows of one page of the places (all of them unless the page asked for fewer).

    A draft holds up to MAX_DRAFT_PLACES places, and a page with a widget per place reruns slowly at
    hundreds: the page shows `rows`, one page of `per_page`, with a way to the others (`pages`).
    """

    segments: tuple[Segment, ...]
    rows: tuple[ReviewRow, ...]  # the page's rows
    total: int = 0  # rows on every page together
    kept: int = 0  # places not rejected, on every page
    page: int = 1
    per_page: int = 0  # 0: every row on one page
    named: tuple[NamedRow, ...] = ()  # NAMED_HEADING: not drawn unless included

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    def page_of(self, number: int) -> int:
        """The page that holds the place numbered `number` (a mention in the text names its number)."""
        return (number - 1) // self.per_page + 1 if self.per_page else 1


def _where(kind: str, country: str | None, countries: Mapping[str, str]) -> str:
    if kind == "country" or not country:
        return ""
    return countries.get(country, country)


def describe(toponym, countries: Mapping[str, str]) -> str:
    """A candidate in a few words: "Julfa (town, Iran, GeoNames 130614)"."""
    parts = [toponym.kind]
    where = _where(toponym.kind, toponym.country, countries)
    if where:
        parts.append(where)
    parts.append(f"GeoNames {toponym.geonameid}" if toponym.geonameid else toponym.ref)
    return f"{toponym.name} ({', '.join(parts)})"


def _state(place: FoundPlace, decision: Decision | None, added: bool) -> str:
    if decision is not None and decision.action == REJECT:
        return "rejected"
    if added:
        return "added"
    return "unsure" if place.review and (decision is None or decision.action == KEEP) else "kept"


def review_row(
    number: int, place: FoundPlace, decision: Decision | None, added: bool, countries: Mapping[str, str]
) -> ReviewRow:
    t = place.toponym
    others = tuple(Choice(c.toponym.ref, f"{describe(c.toponym, countries)}, {c.share:.0%}") for c in place.runners_up)
    chosen = next(
        (
            c.toponym
            for c in place.runners_up
            if decision and decision.action == "choose" and c.toponym.ref == decision.choice
        ),
        t,
    )
    return ReviewRow(
        number=number,
        key=place_key(place),
        name=place.name,
        resolved=describe(chosen, countries),
        kind=t.kind,
        country=countries.get(t.country, t.country or "") if t.country else "",
        confidence=round(place.confidence * 100),
        unsure=place.review,
        mentions=len(place.mentions),
        added=added,
        state=_state(place, decision, added),
        choices=(Choice(KEEP, f"Keep: {describe(t, countries)}"), Choice(REJECT, "Reject: not a place"), *others),
    )


def segments(text: str, rows: Sequence[ReviewRow], places: Sequence[FoundPlace]) -> tuple[Segment, ...]:
    """The text cut at every mention; overlapping mentions (none expected) keep the first."""
    spans = sorted(
        ((m.start, m.end, row) for row, place in zip(rows, places, strict=True) for m in place.mentions),
        key=lambda s: (s[0], -s[1]),
    )
    out: list[Segment] = []
    pos = 0
    for start, end, row in spans:
        if start < pos or end > len(text):
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], row.number, row.state, row.resolved))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return tuple(out)


def review_view(
    text: str,
    places: Sequence[FoundPlace],
    decisions: Mapping[str, Decision],
    added: frozenset[str] | set[str] = frozenset(),
    countries: Mapping[str, str] | None = None,
    *,
    page: int = 1,
    per_page: int = 0,
    named: Sequence[FoundPlace] = (),
) -> ReviewView:
    """The review of `places` found in `text` (mention offsets into it), with the decisions so far, and the
    places `named` only inside other names, apart.

    `added` holds the keys of the places the person typed in; `countries` names ISO codes.
    With `per_page`, `rows` holds only page `page` (1-based; a page past the last shows the last),
    while the text still marks every mention, numbered as on every page.
    """
    if per_page < 0:
        raise ValueError("per_page is 0 (every row) or a number of rows")
    countries = countries or {}
    rows = tuple(
        review_row(n, place, decisions.get(place_key(place)), place_key(place) in added, countries)
        for n, place in enumerate(places, start=1)
    )
    kept = sum(1 for row in rows if row.state != "rejected")
    also = tuple(named_row(text, place, countries) for place in named)
    view = ReviewView(segments(text, rows, places), rows, len(rows), kept, 1, per_page, also)
    if not per_page:
        return view
    page = min(max(1, page), view.pages)
    return replace(view, rows=rows[(page - 1) * per_page : page * per_page], page=page)


EXAMPLE_WORDS = 4  # words shown either side of a named place's first mention


def named_row(text: str, place: FoundPlace, countries: Mapping[str, str]) -> NamedRow:
    """A place named only inside other names, with the words around its first mention to show how."""
    first = place.mentions[0]
    before = text[max(0, first.start - 80) : first.start].split()[-EXAMPLE_WORDS:]
    after = text[first.end : first.end + 80].split()[:EXAMPLE_WORDS]
    example = " ".join([*before, text[first.start : first.end], *after])
    return NamedRow(
        place_key(place),
        place.name,
        place.toponym.name,
        describe(place.toponym, countries),
        len(place.mentions),
        example,
    )


def with_added(found: Sequence[FoundPlace], added: FoundPlace) -> list[FoundPlace]:
    """The places with one the person typed in: a new row, or more mentions of a place already on the list."""
    key = place_key(added)
    places = list(found)
    for i, place in enumerate(places):
        if place_key(place) == key:
            mentions = tuple(sorted({*place.mentions, *added.mentions}, key=lambda m: m.start))
            places[i] = replace(place, mentions=mentions)
            return places
    return sorted([*places, added], key=lambda p: p.mentions[0].start)


def decision_for(choice: str) -> Decision:
    """The decision a choice of the review stands for."""
    if choice == KEEP:
        return Decision()
    if choice == REJECT:
        return Decision(REJECT)
    return Decision("choose", choice)


def decisions_for(choices: Mapping[str, str]) -> dict[str, Decision]:
    """The decisions that a review's choices stand for, by place key; a place left as kept is not listed."""
    return {key: decision_for(choice) for key, choice in choices.items() if choice != KEEP}


# What a key of the files made from a review holds: the text's hash, the keys of the places added by
# hand, each decision as (place key, action, chosen candidate's key or ""), and the article's details.
DraftKey = tuple[str, tuple[str, ...], tuple[tuple[str, str, str], ...], ArticleInfo]


@dataclass(frozen=True)
class Found:
    """What "Find places" found: the article as the atlas stores it and its places, with those added by hand."""

    markdown: str
    places: tuple[FoundPlace, ...]
    added: frozenset[str] = frozenset()  # keys of the places the person typed in
    notice: str | None = None  # the places the draft left out past MAX_DRAFT_PLACES (draft.FoundText.notice)
    named: tuple[FoundPlace, ...] = ()  # named only inside other names (role NAMED): not drawn unless included
    digest: str = field(init=False, repr=False, compare=False)  # of the text, for keys of what is made from it

    def __post_init__(self) -> None:
        text_hash = hashlib.sha256(self.markdown.encode("utf-8", "surrogatepass")).hexdigest()
        object.__setattr__(self, "digest", text_hash)

    @property
    def title(self) -> str:
        return self.markdown.partition("\n")[0].removeprefix("# ").strip()

    def adding(self, place: FoundPlace) -> Found:
        """These places with one the person typed in (see `with_added`)."""
        return replace(self, places=tuple(with_added(self.places, place)), added=self.added | {place_key(place)})

    def including(self, key: str) -> Found:
        """These places with a NAMED one the person included (one click): it joins the list and the map."""
        place = next((p for p in self.named if place_key(p) == key), None)
        if place is None:
            raise InputError("that place is no longer among those named inside other names")
        if len(self.places) >= MAX_DRAFT_PLACES:
            raise InputError(f"the list already holds {len(self.places):,} places, the most a draft can hold")
        named = tuple(p for p in self.named if place_key(p) != key)
        return replace(self.adding(place), named=named)

    def review(self, decisions: Mapping[str, Decision], *, page: int = 1, per_page: int = 0) -> ReviewView:
        """The review of these places with the decisions so far, countries named; one page of rows with
        `per_page` (see review_view)."""
        return review_view(
            self.markdown,
            self.places,
            decisions,
            self.added,
            country_names(),
            page=page,
            per_page=per_page,
            named=self.named,
        )

    def draft_key(self, decisions: Mapping[str, Decision], info: ArticleInfo) -> DraftKey:
        """A small hashable key naming the draft made from these places, decisions and details: the
        same key, the same files."""
        chosen = tuple(sorted((key, d.action, d.choice_key or "") for key, d in decisions.items()))
        return self.digest, tuple(sorted(self.added)), chosen, info
