"""Load and validate the gazetteer (data/places.yaml).

Validation is strict because slugs end up in shared links and names end up in HTML:
a problem should stop the load with a message a data editor can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from geo.errors import DataError
from geo.geometry import Shape

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("capital", "city", "exclave", "region", "wider region", "country", "route", "official term")
REQUIRED = ("slug", "name", "kind", "description", "geometry", "sources", "mentions")
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

    @property
    def all_names(self) -> tuple[str, ...]:
        """The article's name first, then every other name, for search and display."""
        return (self.name, *(o.name for o in self.other_names))


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into a DataError that names the line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(path.name, f"cannot read file: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(path.name, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from exc


def _text(file: str, entry: str, raw: dict, key: str, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DataError(file, "must be a non-empty string", entry=entry, field=key)
    return value.strip()


def _str_list(file: str, entry: str, raw: dict, key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(file, "must be a list of non-empty strings", entry=entry, field=key)
    return tuple(v.strip() for v in value)


def _parse_entry(file: str, index: int, raw: Any) -> Place:
    if not isinstance(raw, dict):
        raise DataError(file, "each place must be a mapping", entry=f"#{index + 1}")
    entry = str(raw.get("slug") or f"#{index + 1}")
    for key in REQUIRED:
        if key not in raw:
            raise DataError(file, "missing required field", entry=entry, field=key)
    slug = raw["slug"]
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise DataError(
            file, "slug must be lowercase letters, digits and single hyphens (URL-safe)", entry=entry, field="slug"
        )
    kind = _text(file, entry, raw, "kind")
    if kind not in KINDS:
        raise DataError(file, f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", entry=entry, field="kind")
    geometry_ref = raw["geometry"]
    if geometry_ref is not None and (not isinstance(geometry_ref, str) or not geometry_ref):
        raise DataError(file, "must be a geometry reference or null", entry=entry, field="geometry")
    geometry_note = _text(file, entry, raw, "geometry_note", required=geometry_ref is None)
    if not isinstance(raw["sources"], dict) or not raw["sources"]:
        raise DataError(file, "must be a non-empty mapping", entry=entry, field="sources")
    other_names = []
    for i, other in enumerate(raw.get("other_names") or []):
        if (
            not isinstance(other, dict)
            or not isinstance(other.get("name"), str)
            or not isinstance(other.get("usage"), str)
        ):
            raise DataError(file, f"item {i + 1} needs 'name' and 'usage' strings", entry=entry, field="other_names")
        other_names.append(OtherName(other["name"].strip(), other["usage"].strip()))
    route = []
    for i, stop in enumerate(raw.get("route") or []):
        if (
            not isinstance(stop, dict)
            or not isinstance(stop.get("geonames"), int)
            or not isinstance(stop.get("name"), str)
        ):
            raise DataError(
                file, f"stop {i + 1} needs an integer 'geonames' id and a 'name'", entry=entry, field="route"
            )
        route.append(RouteStop(stop["geonames"], stop["name"]))
    if kind == "route" and len(route) < 2:
        raise DataError(file, "a route needs at least two stops", entry=entry, field="route")
    published = None
    if "published_area_km2" in raw:
        pub = raw["published_area_km2"]
        if not isinstance(pub, dict) or not isinstance(pub.get("value"), (int, float)) or pub["value"] <= 0:
            raise DataError(file, "needs a positive 'value' and a 'source'", entry=entry, field="published_area_km2")
        published = PublishedFigure(float(pub["value"]), str(pub.get("source") or ""))
        if not published.source:
            raise DataError(file, "needs a 'source'", entry=entry, field="published_area_km2")
    mentions = _str_list(file, entry, raw, "mentions")
    return Place(
        slug=slug,
        name=_text(file, entry, raw, "name"),
        kind=kind,
        description=" ".join(_text(file, entry, raw, "description").split()),
        geometry_ref=geometry_ref,
        sources=raw["sources"],
        mentions=mentions,
        other_names=tuple(other_names),
        adjectives=_str_list(file, entry, raw, "adjectives"),
        geometry_note=" ".join(geometry_note.split()) if geometry_note else None,
        within=_text(file, entry, raw, "within", required=False),
        indicative=bool(raw.get("indicative", False)),
        no_passage=_text(file, entry, raw, "no_passage", required=False),
        route=tuple(route),
        published_area_km2=published,
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
    if not isinstance(data, dict) or not isinstance(data.get("places"), list) or not data["places"]:
        raise DataError(file, "expected a top-level 'places' list", field="places")
    places = [_parse_entry(file, i, raw) for i, raw in enumerate(data["places"])]
    _check_links(file, places, shapes)
    return places
