"""What a page shows for the atlas, a place or a tour step: one view, drawn by every page.

Explore, the classroom tour, the handout and the static export all render these views
through the templates in geo/templates/, so a wording, a count or a plural changes here
and nowhere else. Views are plain data; escaping is the templates' job.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.article import Passage
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
class PassageView:
    """A sentence naming the place, within its paragraph; spans mark the mention."""

    number: int
    sentence: str
    sentence_spans: tuple[tuple[int, int], ...]
    paragraph: str
    paragraph_spans: tuple[tuple[int, int], ...]


def passage_view(passage: Passage, number: int) -> PassageView:
    return PassageView(number, passage.sentence, passage.sentence_spans, passage.paragraph, passage.spans)


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
        other_names=place.other_names,
        description=place.description,
        figures=place_figures(atlas, place),
        geometry_note=place.geometry_note,
        passages=tuple(passage_view(p, n) for n, p in enumerate(passages, 1)),
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
