"""What a page shows for the atlas, a place or a tour step: one view, drawn by every page.

Explore, the classroom tour, the handout and the static export all render these views
through the templates in geo/templates/, so a wording, a count or a plural changes here
and nowhere else. Views are plain data; escaping is the templates' job.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.article import Mention, Passage
from geo.atlas import Atlas, Figure
from geo.gazetteer import OtherName, Place
from geo.tour import Tour

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


def plural(n: int, word: str) -> str:
    """'1 passage', '3 passages'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


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
    place: PlaceView
    passage: PassageView | None
    note: str | None

    @property
    def counter(self) -> str:
        return f"{self.number} / {self.total}"

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def last(self) -> bool:
        return self.number == self.total


def step_views(view: AtlasView, tour: Tour) -> tuple[StepView, ...]:
    """Every step of the tour, numbered from 1."""
    total = len(tour.steps)
    return tuple(
        StepView(
            number=n,
            total=total,
            place=view.place(step.slug),
            passage=None if step.passage is None else passage_view(step.passage, step.passage_number),
            note=step.note,
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
