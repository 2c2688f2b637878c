"""Everything a page needs, loaded and cross-checked once: places, shapes, article, passages, figures."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from geo.atlas.article import Block, Mention, Passage, find_mentions, find_passages, first_mention_order, load_article
from geo.atlas.article_meta import ArticleMeta, load_article_meta
from geo.atlas.datafile import read_yaml, reject_unknown_keys
from geo.atlas.geometry import Shape, load_geometry
from geo.atlas.measure import area_km2, distance_km, length_km
from geo.atlas.places import Place, PublishedFigure, load_places
from geo.errors import DataError
from geo.paths import DATA_DIR

DISTANCE_FIELDS = ("from", "to", "label")


@dataclass(frozen=True)
class Figure:
    """A computed figure, with the published value it can be checked against."""

    label: str
    value: float
    unit: str
    published: PublishedFigure | None = None
    ends: tuple[str, ...] = ()  # the places or geometry references a distance joins

    @property
    def deviation(self) -> float | None:
        """Relative difference from the published value (0.05 = 5 % larger)."""
        return None if self.published is None else self.value / self.published.value - 1

    @property
    def amount(self) -> str:
        """The value with its unit, as every view prints it: "4,419 km²"."""
        return f"{self.value:,.0f} {self.unit}"

    def text(self) -> str:
        return f"{self.label}: {self.amount}"


@dataclass(frozen=True)
class Atlas:
    """The loaded data. Pages look places up on every rerun, so `by_slug` is built once, here."""

    places: list[Place]  # in the order the article introduces them
    shapes: dict[str, Shape]
    blocks: list[Block]
    passages: dict[str, list[Passage]]
    meta: ArticleMeta
    distances: list[Figure]
    data_dir: Path  # the folder it was loaded from: other files (tour.yaml) are read beside it
    by_slug: dict[str, Place] = field(init=False, repr=False, compare=False)
    # Every mention of every place, by block: the article reader links them, passages link the others.
    mentions: dict[int, tuple[Mention, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_slug", {p.slug: p for p in self.places})
        by_block: dict[int, list[Mention]] = {}
        for mention in find_mentions(self.blocks, self.places):
            by_block.setdefault(mention.block, []).append(mention)
        object.__setattr__(self, "mentions", {block: tuple(found) for block, found in by_block.items()})

    def first_passage(self, place: Place) -> Passage | None:
        """The first sentence of the article that names the place, if any."""
        passages = self.passages[place.slug]
        return passages[0] if passages else None

    def shape(self, place: Place) -> Shape | None:
        return self.shapes.get(place.geometry_ref) if place.geometry_ref else None

    def distances_for(self, place: Place) -> list[Figure]:
        return [d for d in self.distances if place.slug in d.ends or place.geometry_ref in d.ends]

    def figure(self, place: Place) -> Figure | None:
        """Area of a region or length of a route; None for points and clipped countries."""
        shape = self.shape(place)
        if shape is None:
            return None
        if shape.layer == "route":
            return Figure("Length (indicative route)", length_km(shape.geom), "km")
        if shape.geom.geom_type in ("Polygon", "MultiPolygon") and not shape.properties.get("clipped"):
            return Figure("Area", area_km2(shape.geom), "km²", place.published_area_km2)
        return None


def _resolve(ref: str, places: dict[str, Place], shapes: dict[str, Shape], file: str, entry: str, key: str) -> Shape:
    if ref in places and places[ref].geometry_ref:
        return shapes[places[ref].geometry_ref]
    if ref in shapes:
        return shapes[ref]
    raise DataError(file, f"unknown place or geometry {ref!r}", entry=entry, field=key)


def load_distances(path: Path, places: dict[str, Place], shapes: dict[str, Shape]) -> list[Figure]:
    """Read figures.yaml and compute each distance; raise DataError naming entry and field."""
    data = read_yaml(path)
    if isinstance(data, dict):
        reject_unknown_keys(data, ("distances",), path.name)
    items = data.get("distances") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DataError(path.name, "expected a top-level 'distances' list", field="distances")
    figures = []
    for i, item in enumerate(items):
        entry = f"#{i + 1}"
        if not isinstance(item, dict):
            raise DataError(path.name, "each distance must be a mapping", entry=entry)
        reject_unknown_keys(item, DISTANCE_FIELDS, path.name, entry=entry)
        for key in DISTANCE_FIELDS:
            if not isinstance(item.get(key), str):
                raise DataError(path.name, "missing or not a string", entry=entry, field=key)
        a = _resolve(item["from"], places, shapes, path.name, entry, "from")
        b = _resolve(item["to"], places, shapes, path.name, entry, "to")
        figures.append(Figure(item["label"], distance_km(a.geom, b.geom), "km", ends=(item["from"], item["to"])))
    return figures


def check_passages(file: str, places: list[Place], passages: dict[str, list[Passage]]) -> None:
    """Every place is either mentioned or says why not, and never both."""
    for place in places:
        if not passages[place.slug] and not place.no_passage:
            raise DataError(
                file,
                "no passage of the article mentions this place; add a mention form or 'no_passage'",
                entry=place.slug,
                field="mentions",
            )
        if passages[place.slug] and place.no_passage:
            raise DataError(
                file, "the article does mention this place; remove 'no_passage'", entry=place.slug, field="no_passage"
            )


def resolve_data_dir(data_dir: Path | None = None) -> Path:
    """The data folder: the one given, else ATLAS_DATA_DIR (read at each call), else the repository's data/."""
    return Path(data_dir or os.environ.get("ATLAS_DATA_DIR") or DATA_DIR)


def load_atlas(data_dir: Path | None = None) -> Atlas:
    """Load and cross-check every data file; raise DataError on the first problem.

    The folder is found by resolve_data_dir.
    """
    data_dir = resolve_data_dir(data_dir)
    shapes = load_geometry(data_dir / "geometry.geojson")
    places = load_places(data_dir / "places.yaml", shapes)
    blocks = load_article(data_dir / "article.md")
    passages = find_passages(blocks, places)
    check_passages("places.yaml", places, passages)
    by_slug = {p.slug: p for p in places}
    ordered = [by_slug[s] for s in first_mention_order(passages)]
    return Atlas(
        places=ordered,
        shapes=shapes,
        blocks=blocks,
        passages=passages,
        meta=load_article_meta(data_dir / "article.yaml"),
        distances=load_distances(data_dir / "figures.yaml", by_slug, shapes),
        data_dir=data_dir,
    )
