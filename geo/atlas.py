"""Everything a page needs, loaded and cross-checked once: places, shapes, article, passages, figures."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.article import Block, Passage, find_passages, first_mention_order, load_article
from geo.errors import DataError
from geo.gazetteer import Place, PublishedFigure, load_places, read_yaml
from geo.geometry import Shape, load_geometry
from geo.measure import area_km2, distance_km, length_km

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
META_FIELDS = ("title", "author", "publisher", "first_published", "url", "attribution", "licence")


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
    places: list[Place]  # in the order the article introduces them
    shapes: dict[str, Shape]
    blocks: list[Block]
    passages: dict[str, list[Passage]]
    meta: dict[str, Any]
    distances: list[Figure]

    @property
    def by_slug(self) -> dict[str, Place]:
        return {p.slug: p for p in self.places}

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
    data = read_yaml(path)
    items = data.get("distances") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DataError(path.name, "expected a top-level 'distances' list", field="distances")
    figures = []
    for i, item in enumerate(items):
        entry = f"#{i + 1}"
        if not isinstance(item, dict):
            raise DataError(path.name, "each distance must be a mapping", entry=entry)
        for key in ("from", "to", "label"):
            if not isinstance(item.get(key), str):
                raise DataError(path.name, "missing or not a string", entry=entry, field=key)
        a = _resolve(item["from"], places, shapes, path.name, entry, "from")
        b = _resolve(item["to"], places, shapes, path.name, entry, "to")
        figures.append(Figure(item["label"], distance_km(a.geom, b.geom), "km", ends=(item["from"], item["to"])))
    return figures


def load_meta(path: Path) -> dict[str, Any]:
    meta = read_yaml(path)
    if not isinstance(meta, dict):
        raise DataError(path.name, "expected a mapping of metadata")
    for key in META_FIELDS:
        if not meta.get(key):
            raise DataError(path.name, "missing required field", field=key)
    return meta


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


def load_atlas(data_dir: Path | None = None) -> Atlas:
    """Load and cross-check every data file; raise DataError on the first problem.

    Without a folder, ATLAS_DATA_DIR (read at each call) or the repository's data/.
    """
    data_dir = data_dir or Path(os.environ.get("ATLAS_DATA_DIR") or DATA_DIR)
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
        meta=load_meta(data_dir / "article.yaml"),
        distances=load_distances(data_dir / "figures.yaml", by_slug, shapes),
    )
