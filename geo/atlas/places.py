"""Load and validate the gazetteer (data/places.yaml).

Validation is strict because slugs end up in shared links and names end up in HTML:
a problem should stop the load with a message a data editor can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas.datafile import flag_field, read_yaml, reject_unknown_keys, text_field
from geo.atlas.geometry import Shape
from geo.errors import DataError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("capital", "city", "exclave", "region", "wider region", "country", "route", "official term")
REQUIRED = ("slug", "name", "kind", "description", "geometry", "sources", "mentions")
OPTIONAL = (
    "other_names",
    "adjectives",
    "geometry_note",
    "within",
    "indicative",
    "no_passage",
    "route",
    "published_area_km2",
    "review",
)
OTHER_NAME_FIELDS = ("name", "usage")
ROUTE_STOP_FIELDS = ("geonames", "name")
PUBLISHED_FIELDS = ("value", "source")
SOURCE_FIELDS = ("geonames", "natural_earth", "note")
NATURAL_EARTH_FIELDS = ("layer", "feature")
# A point may sit this far (degrees, about 1 km) outside the simplified outline it claims.
WITHIN_TOLERANCE = 0.01


@dataclass(frozen=True)
class OtherName:
    name: str
    usage: str


@dataclass(frozen=True)
class RouteStop:
    geonames: int
    name: str


@dataclass(frozen=True)
class PublishedFigure:
    value: float
    source: str


@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    kind: str
    description: str
    geometry_ref: str | None
    sources: dict[str, Any]
    mentions: tuple[str, ...]
    other_names: tuple[OtherName, ...] = ()
    adjectives: tuple[str, ...] = ()
    geometry_note: str | None = None
    within: str | None = None
    indicative: bool = False
    no_passage: str | None = None
    route: tuple[RouteStop, ...] = ()
    published_area_km2: PublishedFigure | None = None
    review: str | None = None  # why a drafted entry needs an editor's eye (python -m geo new)

    @property
    def all_names(self) -> tuple[str, ...]:
        """The article's name first, then every other name, for search and display."""
        return (self.name, *(o.name for o in self.other_names))


def _str_list(file: str, entry: str, raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(file, "must be a list of non-empty strings", entry=entry, field=key)
    return tuple(v.strip() for v in value)


def _items(file: str, entry: str, raw: dict, key: str, fields: tuple[str, ...]) -> list[dict]:
    """The mappings of a list field (other_names, route), each with known keys only."""
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise DataError(file, "must be a list", entry=entry, field=key)
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise DataError(file, f"item {i} must be a mapping of {', '.join(fields)}", entry=entry, field=key)
        reject_unknown_keys(item, fields, file, entry=entry, parent=f"{key}[{i}]")
    return value


def other_names_field(raw: dict, file: str, *, entry: str) -> tuple[OtherName, ...]:
    """An entry's `other_names` (places.yaml, context.yaml): a list of {name, usage}, both non-empty strings."""
    names = []
    for i, other in enumerate(_items(file, entry, raw, "other_names", OTHER_NAME_FIELDS), 1):
        if not all(isinstance(other.get(k), str) and other[k].strip() for k in OTHER_NAME_FIELDS):
            raise DataError(file, f"item {i} needs 'name' and 'usage' strings", entry=entry, field="other_names")
        names.append(OtherName(other["name"].strip(), other["usage"].strip()))
    return tuple(names)


def _route(file: str, entry: str, raw: dict) -> tuple[RouteStop, ...]:
    stops = []
    for i, stop in enumerate(_items(file, entry, raw, "route", ROUTE_STOP_FIELDS), 1):
        geonames, name = stop.get("geonames"), stop.get("name")
        if isinstance(geonames, bool) or not isinstance(geonames, int) or not isinstance(name, str):
            raise DataError(file, f"stop {i} needs an integer 'geonames' id and a 'name'", entry=entry, field="route")
        stops.append(RouteStop(geonames, name))
    return tuple(stops)


def _published(file: str, entry: str, raw: dict) -> PublishedFigure | None:
    key = "published_area_km2"
    if key not in raw:
        return None
    pub = raw[key]
    if not isinstance(pub, dict):
        raise DataError(file, "needs a positive 'value' and a 'source'", entry=entry, field=key)
    reject_unknown_keys(pub, PUBLISHED_FIELDS, file, entry=entry, parent=key)
    value = pub.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise DataError(file, "needs a positive 'value' and a 'source'", entry=entry, field=key)
    source = pub.get("source")
    if not isinstance(source, str) or not source.strip():
        raise DataError(file, "needs a 'source'", entry=entry, field=key)
    return PublishedFigure(float(value), source.strip())


def _sources(file: str, entry: str, raw: dict) -> dict[str, Any]:
    sources = raw["sources"]
    if not isinstance(sources, dict) or not sources:
        raise DataError(file, "must be a non-empty mapping", entry=entry, field="sources")
    reject_unknown_keys(sources, SOURCE_FIELDS, file, entry=entry, parent="sources")
    geonames = sources.get("geonames")
    if geonames is not None and (isinstance(geonames, bool) or not isinstance(geonames, int)):
        raise DataError(file, "must be a GeoNames id (a whole number)", entry=entry, field="sources.geonames")
    note = sources.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise DataError(file, "must be a non-empty string", entry=entry, field="sources.note")
    natural_earth = sources.get("natural_earth")
    if natural_earth is not None:
        if not isinstance(natural_earth, dict):
            raise DataError(
                file, "must be a mapping with 'layer' and 'feature'", entry=entry, field="sources.natural_earth"
            )
        reject_unknown_keys(natural_earth, NATURAL_EARTH_FIELDS, file, entry=entry, parent="sources.natural_earth")
        for key in NATURAL_EARTH_FIELDS:
            if not isinstance(natural_earth.get(key), str) or not natural_earth[key].strip():
                raise DataError(file, "must be a non-empty string", entry=entry, field=f"sources.natural_earth.{key}")
    return sources


def _parse_entry(file: str, index: int, raw: Any) -> Place:
    if not isinstance(raw, dict):
        raise DataError(file, "each place must be a mapping", entry=f"#{index + 1}")
    entry = str(raw.get("slug") or f"#{index + 1}")
    reject_unknown_keys(raw, REQUIRED + OPTIONAL, file, entry=entry)
    for key in REQUIRED:
        if key not in raw:
            raise DataError(file, "missing required field", entry=entry, field=key)
    slug = raw["slug"]
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        raise DataError(
            file, "slug must be lowercase letters, digits and single hyphens (URL-safe)", entry=entry, field="slug"
        )
    kind = text_field(raw, "kind", file, entry=entry)
    if kind not in KINDS:
        raise DataError(file, f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", entry=entry, field="kind")
    geometry_ref = raw["geometry"]
    if geometry_ref is not None and (not isinstance(geometry_ref, str) or not geometry_ref):
        raise DataError(file, "must be a geometry reference or null", entry=entry, field="geometry")
    geometry_note = text_field(raw, "geometry_note", file, entry=entry, required=geometry_ref is None)
    sources = _sources(file, entry, raw)
    other_names = other_names_field(raw, file, entry=entry)
    route = _route(file, entry, raw)
    if kind == "route" and len(route) < 2:
        raise DataError(file, "a route needs at least two stops", entry=entry, field="route")
    published = _published(file, entry, raw)
    mentions = _str_list(file, entry, raw, "mentions")
    return Place(
        slug=slug,
        name=text_field(raw, "name", file, entry=entry),
        kind=kind,
        description=" ".join(text_field(raw, "description", file, entry=entry).split()),
        geometry_ref=geometry_ref,
        sources=sources,
        mentions=mentions,
        other_names=other_names,
        adjectives=_str_list(file, entry, raw, "adjectives"),
        geometry_note=" ".join(geometry_note.split()) if geometry_note else None,
        within=text_field(raw, "within", file, entry=entry, required=False),
        indicative=flag_field(raw, "indicative", file, entry=entry),
        no_passage=text_field(raw, "no_passage", file, entry=entry, required=False),
        route=route,
        published_area_km2=published,
        review=text_field(raw, "review", file, entry=entry, required=False),
    )


def _check_links(file: str, places: list[Place], shapes: dict[str, Shape]) -> None:
    """Cross-entry checks: unique slugs and mention forms, known geometry, points inside their region."""
    seen: dict[str, str] = {}
    forms: dict[str, str] = {}
    by_slug = {p.slug: p for p in places}
    for place in places:
        if place.slug in seen:
            raise DataError(file, "duplicate slug", entry=place.slug, field="slug")
        seen[place.slug] = place.slug
        for form in (*place.mentions, *place.adjectives):
            if form in forms:
                raise DataError(
                    file, f"mention {form!r} is already used by '{forms[form]}'", entry=place.slug, field="mentions"
                )
            forms[form] = place.slug
        if place.geometry_ref is not None and place.geometry_ref not in shapes:
            raise DataError(
                file, f"unknown geometry reference {place.geometry_ref!r}", entry=place.slug, field="geometry"
            )
        if place.kind == "route" and place.geometry_ref and not place.geometry_ref.startswith("route:"):
            raise DataError(file, "a route's geometry must be a route: reference", entry=place.slug, field="geometry")
    for place in places:
        if place.within is None:
            continue
        region = by_slug.get(place.within)
        if region is None or region.geometry_ref is None:
            raise DataError(file, f"unknown or undrawn region {place.within!r}", entry=place.slug, field="within")
        if place.geometry_ref is None:
            raise DataError(file, "a place with 'within' needs a geometry", entry=place.slug, field="within")
        point = shapes[place.geometry_ref].geom
        if not shapes[region.geometry_ref].geom.buffer(WITHIN_TOLERANCE).contains(point):
            raise DataError(
                file,
                f"point ({point.y:.4f}, {point.x:.4f}) lies outside '{place.within}'",
                entry=place.slug,
                field="geometry",
            )


def load_places(path: Path, shapes: dict[str, Shape]) -> list[Place]:
    """Read the gazetteer; raise DataError naming file, entry and field on any problem."""
    data = read_yaml(path)
    file = path.name
    if isinstance(data, dict):
        reject_unknown_keys(data, ("places",), file)
    if not isinstance(data, dict) or not isinstance(data.get("places"), list) or not data["places"]:
        raise DataError(file, "expected a top-level 'places' list", field="places")
    places = [_parse_entry(file, i, raw) for i, raw in enumerate(data["places"])]
    _check_links(file, places, shapes)
    return places
