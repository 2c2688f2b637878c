"""What a page shows for the atlas, a place, an event or a tour step: one view, drawn by every page.

Explore, the classroom tour, the handout and the static export all render these views
through the templates in geo/render/templates/, so a wording, a count or a plural changes here
and nowhere else. Views are plain data; escaping is the templates' job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo.atlas.article import Mention, Passage
from geo.atlas.events import Event
from geo.atlas.loader import Atlas, Figure
from geo.atlas.places import OtherName, Place
from geo.atlas.tours import Tour, View
from geo.atlas.wording import plural

# Which list (and map layer) each kind of place belongs to, in the order the lists are shown.
GROUPS = {
    "country": "Countries",
    "region": "Regions",
    "exclave": "Regions",
    "wider region": "Regions",
    "official term": "Azerbaijani official terms",
    "route": "Routes (indicative)",
    "city": "Cities",
    "capital": "Cities",
}
GROUP_ORDER = ("Countries", "Regions", "Azerbaijani official terms", "Routes (indicative)", "Cities")
# A short key per group, for CSS classes (the colour of a mention, a swatch of the key).
GROUP_KEYS = {
    "Countries": "country",
    "Regions": "region",
    "Azerbaijani official terms": "term",
    "Routes (indicative)": "route",
    "Cities": "city",
}


def figure_sentence(figure: Figure) -> str:
    """A figure in words, with its published value and the difference when there is one."""
    text = figure.text()
    if figure.published is not None and figure.deviation is not None:
        text += (
            f" (published: {figure.published.value:,.0f} {figure.unit}, {figure.published.source};"
            f" difference {figure.deviation:+.1%})"
        )
    return text


@dataclass(frozen=True)
class Part:
    """A run of text: plain, the place's own mention (`marked`), or a mention of another place (`slug`)."""

    text: str
    slug: str | None = None
    marked: bool = False


def split_text(text: str, offset: int, mentions: tuple[Mention, ...], own: str | None = None) -> tuple[Part, ...]:
    """Cut `text` (which starts at `offset` in its block) at the mentions inside it.

    Mentions of `own` become marked parts; every other mention becomes a link part.
    """
    parts, pos = [], 0
    for m in mentions:
        start, end = m.start - offset, m.end - offset
        if start < 0 or end > len(text):
            continue
        if start > pos:
            parts.append(Part(text[pos:start]))
        parts.append(Part(text[start:end], None if m.slug == own else m.slug, m.slug == own))
        pos = end
    if pos < len(text):
        parts.append(Part(text[pos:]))
    return tuple(parts)


@dataclass(frozen=True)
class PassageView:
    """A sentence naming the place, within its paragraph; spans mark the mention.

    The parts cut the same texts at every mention: the place's own are marked, the other
    places the passage names are links to them.
    """

    number: int
    sentence: str
    sentence_spans: tuple[tuple[int, int], ...]
    paragraph: str
    paragraph_spans: tuple[tuple[int, int], ...]
    sentence_parts: tuple[Part, ...] = ()
    paragraph_parts: tuple[Part, ...] = ()


def passage_view(passage: Passage, number: int, mentions: tuple[Mention, ...] = ()) -> PassageView:
    """`mentions` are those of the passage's block (Atlas.mentions), to link the other places it names."""
    return PassageView(
        number,
        passage.sentence,
        passage.sentence_spans,
        passage.paragraph,
        passage.spans,
        split_text(passage.sentence, passage.sentence_start, mentions, passage.slug),
        split_text(passage.paragraph, 0, mentions, passage.slug),
    )


@dataclass(frozen=True)
class PlaceLink:
    slug: str
    name: str


@dataclass(frozen=True)
class PlaceView:
    slug: str
    name: str
    kind_line: str
    group: str
    group_key: str  # CSS class suffix of the group: country, region, term, route, city
    other_names: tuple[OtherName, ...]
    description: str
    figures: tuple[str, ...]
    geometry_note: str | None
    passages: tuple[PassageView, ...]
    passage_count: str  # "3 passages"
    no_passage: str | None
    previous: PlaceLink | None  # neighbours in the order the article introduces places
    next: PlaceLink | None

    @property
    def named(self) -> bool:
        return bool(self.passages)

    @property
    def list_label(self) -> str:
        """How the place list shows it: 'Baku · 3 passages'."""
        return f"{self.name} · {self.passage_count if self.named else 'not named'}"


def place_figures(atlas: Atlas, place: Place) -> tuple[str, ...]:
    """A place's own area or length, then the distances that involve it, in words."""
    figure = atlas.figure(place)
    own = () if figure is None else (figure_sentence(figure),)
    return own + tuple(figure_sentence(d) for d in atlas.distances_for(place))


def place_view(atlas: Atlas, place: Place) -> PlaceView:
    passages = atlas.passages[place.slug]
    i = atlas.places.index(place)
    before = atlas.places[i - 1] if i > 0 else None
    after = atlas.places[i + 1] if i + 1 < len(atlas.places) else None
    return PlaceView(
        slug=place.slug,
        name=place.name,
        kind_line=place.kind.capitalize() + (" · indicative route" if place.indicative else ""),
        group=GROUPS[place.kind],
        group_key=GROUP_KEYS[GROUPS[place.kind]],
        other_names=place.other_names,
        description=place.description,
        figures=place_figures(atlas, place),
        geometry_note=place.geometry_note,
        passages=tuple(passage_view(p, n, atlas.mentions.get(p.block, ())) for n, p in enumerate(passages, 1)),
        passage_count=plural(len(passages), "passage"),
        no_passage=place.no_passage,
        previous=PlaceLink(before.slug, before.name) if before else None,
        next=PlaceLink(after.slug, after.name) if after else None,
    )


@dataclass(frozen=True)
class Group:
    label: str
    places: tuple[PlaceView, ...]


@dataclass(frozen=True)
class AtlasView:
    """The whole atlas as its front page shows it."""

    title: str
    author: str
    publisher: str
    published: str  # "28 September 2023"
    url: str
    licence: str
    named_count: int
    named_line: str  # "19 places"
    distances: tuple[tuple[str, str], ...]  # (label, amount)
    places: tuple[PlaceView, ...]  # every place, in article order
    groups: tuple[Group, ...]  # the same places by kind, for the list

    def place(self, slug: str) -> PlaceView:
        return next(p for p in self.places if p.slug == slug)

    @property
    def context_count(self) -> int:
        """Places drawn that the article refers to without naming them (none in a draft)."""
        return len(self.places) - self.named_count


# The Karabakh atlas's search hint: names a reader may know a place by, other than the ones shown.
DEFAULT_SEARCH_HINT = "e.g. Khankendi, Zangezur, Shushi"


def search_hint(view: AtlasView, default: bool) -> str:
    """The search box's example names: the Karabakh atlas's aliases, or another atlas's first places
    (the Karabakh names would find nothing in an article about elsewhere)."""
    if default:
        return DEFAULT_SEARCH_HINT
    names = list(dict.fromkeys(p.name for p in view.places))[:3]
    return f"e.g. {', '.join(names)}" if names else ""


def atlas_view(atlas: Atlas) -> AtlasView:
    places = tuple(place_view(atlas, p) for p in atlas.places)
    groups = tuple(
        Group(label, members) for label in GROUP_ORDER if (members := tuple(p for p in places if p.group == label))
    )
    named = sum(1 for p in places if p.named)
    meta = atlas.meta
    return AtlasView(
        title=meta.title,
        author=meta.author,
        publisher=meta.publisher,
        published=meta.first_published_text,
        url=meta.url,
        licence=meta.licence,
        named_count=named,
        named_line=plural(named, "place"),
        distances=tuple((d.label, d.amount) for d in atlas.distances),
        places=places,
        groups=groups,
    )


@dataclass(frozen=True)
class StepView:
    """One step of a tour as the tour page and the handout show it."""

    number: int  # 1-based
    total: int
    place: PlaceView  # for an event, its first place
    passage: PassageView | None  # for an event, the sentence that dates it
    note: str | None
    event: EventView | None = None
    kind: str = "show"  # "question": presenting, the teacher may ask the class where it is first
    text: str | None = None  # the teacher's own words, shown to the class
    view: View | None = None  # the map's view the teacher chose; None: fitted to place_slugs
    also: tuple[str, ...] = ()  # other places lit with the step

    @property
    def counter(self) -> str:
        return f"{self.number} / {self.total}"

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def last(self) -> bool:
        return self.number == self.total

    @property
    def title(self) -> str:
        """What the step is about: the event's title, or the place's name."""
        return self.event.title if self.event else self.place.name

    @property
    def place_slugs(self) -> tuple[str, ...]:
        """Every place the map shows for the step: its own, then the others lit with it."""
        own = self.event.place_slugs if self.event else (self.place.slug,)
        return own + tuple(s for s in self.also if s not in own)


def step_views(view: AtlasView, tour: Tour, timeline: TimelineView | None = None) -> tuple[StepView, ...]:
    """Every step of the tour, numbered from 1. A tour with event steps needs the timeline's events."""
    total = len(tour.steps)
    if timeline is None and any(step.event for step in tour.steps):
        raise ValueError("this tour has event steps: pass the timeline view")
    return tuple(
        StepView(
            number=n,
            total=total,
            place=view.place(step.slug),
            passage=None if step.passage is None else passage_view(step.passage, step.passage_number or 1),
            note=step.note,
            event=timeline.event(step.event.slug) if step.event and timeline else None,
            kind=step.kind,
            text=step.text,
            view=step.view,
            also=step.also,
        )
        for n, step in enumerate(tour.steps, 1)
    )


@dataclass(frozen=True)
class BlockView:
    """One block of the article (title, standfirst, heading, pullquote, paragraph), cut at its mentions."""

    index: int
    kind: str
    parts: tuple[Part, ...]

    @property
    def anchor(self) -> str:
        return f"block-{self.index}"


@dataclass(frozen=True)
class ArticleView:
    """The whole article, every mention the atlas counts a link to its place."""

    blocks: tuple[BlockView, ...]
    mention_count: int
    attribution: str
    keys: tuple[tuple[str, str], ...]  # (group key, group label) of the kinds of place it links


def article_view(atlas: Atlas) -> ArticleView:
    blocks = tuple(
        BlockView(block.index, block.kind, split_text(block.text, 0, atlas.mentions.get(block.index, ())))
        for block in atlas.blocks
    )
    linked = {GROUPS[atlas.by_slug[m.slug].kind] for found in atlas.mentions.values() for m in found}
    return ArticleView(
        blocks=blocks,
        mention_count=sum(len(found) for found in atlas.mentions.values()),
        attribution=atlas.meta.attribution,
        keys=tuple((GROUP_KEYS[label], label) for label in GROUP_ORDER if label in linked),
    )


# The article's chronology ------------------------------------------------------------------

# A bead on the time axis is drawn at least this wide (percent of the axis), so events closer
# than this share a column and stack in lanes, the crowded Septembers highest.
BEAD_PERCENT = 1.5
TICK_YEARS = 5


@dataclass(frozen=True)
class EventLink:
    slug: str
    title: str


@dataclass(frozen=True)
class DatingView:
    """Words of the article that date the event, marked in their sentence, and how they were read."""

    quote: str
    resolved: str | None
    passage: PassageView


@dataclass(frozen=True)
class OutsideView:
    """A fact from outside the article, with its source."""

    fact: str
    when: str | None
    source: str
    url: str | None


@dataclass(frozen=True)
class EventView:
    """One event as the timeline, its panel, the chronology tour and the export show it."""

    slug: str
    title: str
    when: str  # "December 2022 – September 2023"
    when_short: str  # "Dec 2022 – Sep 2023"
    start: str  # ISO 8601 as written: "2022-12"
    end: str | None
    september: bool
    dating: tuple[DatingView, ...]  # the event's quote first
    places: tuple[PlaceLink, ...]
    outside: tuple[OutsideView, ...]
    previous: EventLink | None
    next: EventLink | None
    at: float  # where it starts on the time axis, percent from the left
    span: float  # how long it lasted there, percent (0 for a moment)
    lane: int  # its row above the axis, from 0

    @property
    def passage(self) -> PassageView:
        return self.dating[0].passage

    @property
    def place_slugs(self) -> tuple[str, ...]:
        return tuple(p.slug for p in self.places)

    @property
    def label(self) -> str:
        """ "Sep 2022: Another huge escalation", for a tooltip or a screen reader."""
        return f"{self.when_short}: {self.title}"


@dataclass(frozen=True)
class Tick:
    year: int
    at: float
    labelled: bool


@dataclass(frozen=True)
class TimelineView:
    """Every event on one time axis, positioned in proportion to the time between them."""

    events: tuple[EventView, ...]
    ticks: tuple[Tick, ...]
    lanes: int
    septembers: tuple[tuple[int, float], ...]  # (year, position) of each September the article dates
    published: str  # "28 September 2023"
    published_at: float

    def event(self, slug: str) -> EventView:
        return next(e for e in self.events if e.slug == slug)

    def involving(self, place: str | None) -> frozenset[str]:
        """Slugs of the events that involve a place: the timeline marks them when the place is selected."""
        return frozenset(e.slug for e in self.events if place in e.place_slugs)

    @property
    def september_years(self) -> str:
        """ "1991, 2020, 2022 and 2023"."""
        years = [str(year) for year, _ in self.septembers]
        return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]


def _moment(event: Event) -> tuple[dt.date, dt.date]:
    """First and last day to draw: a period from start to end, a moment on its day (or mid-period if vague)."""
    first, last = event.exact_first, event.exact_last
    if event.end is None and not any(f.end for f in event.outside) and first != last:
        middle = first + (last - first) / 2
        return middle, middle
    return first, last


def _lanes(extents: list[tuple[float, float]]) -> list[int]:
    """Each bead in the lowest lane where it does not touch the bead before it."""
    ends: list[float] = []
    lanes = []
    for at, span in extents:
        reach = at + max(span, BEAD_PERCENT)
        lane = next((i for i, end in enumerate(ends) if end <= at), len(ends))
        if lane == len(ends):
            ends.append(reach)
        else:
            ends[lane] = reach
        lanes.append(lane)
    return lanes


def timeline_view(atlas: Atlas, events: tuple[Event, ...]) -> TimelineView:
    """The events on a time axis from the January of the first to the end of the publication year."""
    published = atlas.meta.first_published
    axis_start = dt.date(min(e.start.first.year for e in events), 1, 1) if events else dt.date(published.year, 1, 1)
    axis_end = dt.date(published.year + 1, 1, 1)
    days = (axis_end - axis_start).days

    def at(day: dt.date) -> float:
        return round(100 * (day - axis_start).days / days, 3)

    extents = []
    for event in events:
        first, last = _moment(event)
        extents.append((at(first), round(at(last + dt.timedelta(days=1)) - at(first), 3) if first != last else 0.0))
    lanes = _lanes(extents)
    names = {p.slug: p.name for p in atlas.places}
    views = []
    for i, event in enumerate(events):
        before = events[i - 1] if i > 0 else None
        after = events[i + 1] if i + 1 < len(events) else None
        views.append(
            EventView(
                slug=event.slug,
                title=event.title,
                when=event.when,
                when_short=event.when_short,
                start=event.start.iso,
                end=event.end.iso if event.end else None,
                september=event.september,
                dating=tuple(
                    DatingView(d.quote, d.resolved, passage_view(d.passage, n)) for n, d in enumerate(event.dating, 1)
                ),
                places=tuple(PlaceLink(slug, names[slug]) for slug in event.places),
                outside=tuple(OutsideView(f.fact, f.when, f.source, f.url) for f in event.outside),
                previous=EventLink(before.slug, before.title) if before else None,
                next=EventLink(after.slug, after.title) if after else None,
                at=extents[i][0],
                span=extents[i][1],
                lane=lanes[i],
            )
        )
    years = range(axis_start.year + 1, axis_end.year)
    ticks = tuple(Tick(year, at(dt.date(year, 1, 1)), year % TICK_YEARS == 0) for year in years)
    september_years = sorted({e.start.first.year for e in events if e.september})
    return TimelineView(
        events=tuple(views),
        ticks=ticks,
        lanes=max(lanes, default=-1) + 1,
        septembers=tuple((year, at(dt.date(year, 9, 1))) for year in september_years),
        published=atlas.meta.first_published_text,
        published_at=at(published),
    )
