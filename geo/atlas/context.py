"""Load and validate what the map draws only to orient a reader (data/context.yaml).

Towns, seas, lakes and rivers the article does not name. They are kept apart from the
gazetteer on purpose: nothing here is a place of the atlas, so nothing here can enter
the place list, the passages or the count of places the article names. Loading is as
strict as for places.yaml: an unknown key or a town without its GeoNames point stops
the load with a DataError naming the file, the entry and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas.datafile import flag_field, read_yaml, reject_unknown_keys, text_field
from geo.atlas.geometry import Shape
from geo.atlas.places import SLUG_RE, OtherName, Place, other_names_field
from geo.errors import DataError

CONTEXT_FILE_NAME = "context.yaml"
SECTIONS = ("towns", "waters", "rivers")
TOWN_FIELDS = ("geonames", "name", "other_names", "note", "capital")
WATER_FIELDS = ("slug", "name", "kind", "shore_town", "source")
RIVER_FIELDS = ("slug", "name", "other_names", "from", "to", "through", "source")
WATER_KINDS = ("sea", "lake")


@dataclass(frozen=True)
class ContextTown:
    """A GeoNames town drawn for orientation; its point is `geonames:<id>` in geometry.geojson."""

    geonames: int
    name: str
    note: str
    other_names: tuple[OtherName, ...] = ()
    capital: bool = False

    @property
    def ref(self) -> str:
        return f"geonames:{self.geonames}"

    @property
    def label(self) -> str:
        """What the map writes: every name where the name is contested ("Lachin / Berdzor")."""
        return " / ".join((self.name, *(o.name for o in self.other_names)))


@dataclass(frozen=True)
class Water:
    """A sea or lake, found in GSHHG as the shoreline nearest a town on its shore."""

    slug: str
    name: str
    kind: str
    shore_town: int
    source: str


@dataclass(frozen=True)
class River:
    """A river of WDBII, followed from the network point nearest `from_town` to the one nearest `to_town`."""

    slug: str
    name: str
    from_town: int
    to_town: int
    through: tuple[int, ...]
    source: str
    other_names: tuple[OtherName, ...] = ()

    @property
    def label(self) -> str:
        """The name and the first other name: "Araks / Aras"."""
        return " / ".join((self.name, *(o.name for o in self.other_names[:1])))


@dataclass(frozen=True)
class Context:
    towns: tuple[ContextTown, ...]
    waters: tuple[Water, ...]
    rivers: tuple[River, ...]


def _geonameid(file: str, entry: str, value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DataError(
            file, f"must be a GeoNames id (a positive whole number), not {value!r}", entry=entry, field=field
        )
    return value


def _entries(file: str, data: dict, section: str) -> list[dict]:
    value = data.get(section)
    if not isinstance(value, list):
        raise DataError(file, "expected a list (empty where a region needs none)", field=section)
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise DataError(file, "each entry must be a mapping", entry=f"{section} #{i}")
    return value


def _slug(file: str, entry: str, raw: dict, seen: set[str]) -> str:
    slug = text_field(raw, "slug", file, entry=entry)
    if not SLUG_RE.fullmatch(slug):
        raise DataError(file, "lowercase letters, digits and single hyphens only", entry=entry, field="slug")
    if slug in seen:
        raise DataError(file, "duplicate slug", entry=entry, field="slug")
    seen.add(slug)
    return slug


def _towns(file: str, data: dict, shapes: dict[str, Shape], places: list[Place]) -> tuple[ContextTown, ...]:
    place_refs = {p.geometry_ref: p.slug for p in places if p.geometry_ref}
    towns: list[ContextTown] = []
    for i, raw in enumerate(_entries(file, data, "towns"), 1):
        entry = str(raw.get("name") or f"towns #{i}")
        reject_unknown_keys(raw, TOWN_FIELDS, file, entry=entry)
        town = ContextTown(
            geonames=_geonameid(file, entry, raw.get("geonames"), "geonames"),
            name=text_field(raw, "name", file, entry=entry),
            note=text_field(raw, "note", file, entry=entry),
            other_names=other_names_field(raw, file, entry=entry),
            capital=flag_field(raw, "capital", file, entry=entry),
        )
        if any(t.geonames == town.geonames for t in towns):
            raise DataError(file, "this town is listed twice", entry=entry, field="geonames")
        if town.ref in place_refs:
            raise DataError(
                file,
                f"this town is the place '{place_refs[town.ref]}' of places.yaml: an article's place is never context",
                entry=entry,
                field="geonames",
            )
        shape = shapes.get(town.ref)
        if shape is None or shape.geom.geom_type != "Point":
            raise DataError(
                file,
                f"geometry.geojson has no point {town.ref}: rerun scripts/build_geometry.py",
                entry=entry,
                field="geonames",
            )
        towns.append(town)
    return tuple(towns)


def _waters(file: str, data: dict) -> tuple[Water, ...]:
    seen: set[str] = set()
    waters = []
    for i, raw in enumerate(_entries(file, data, "waters"), 1):
        entry = str(raw.get("slug") or f"waters #{i}")
        reject_unknown_keys(raw, WATER_FIELDS, file, entry=entry)
        kind = text_field(raw, "kind", file, entry=entry)
        if kind not in WATER_KINDS:
            raise DataError(file, f"must be one of: {', '.join(WATER_KINDS)}", entry=entry, field="kind")
        waters.append(
            Water(
                slug=_slug(file, entry, raw, seen),
                name=text_field(raw, "name", file, entry=entry),
                kind=kind,
                shore_town=_geonameid(file, entry, raw.get("shore_town"), "shore_town"),
                source=text_field(raw, "source", file, entry=entry),
            )
        )
    return tuple(waters)


def _rivers(file: str, data: dict) -> tuple[River, ...]:
    seen: set[str] = set()
    rivers = []
    for i, raw in enumerate(_entries(file, data, "rivers"), 1):
        entry = str(raw.get("slug") or f"rivers #{i}")
        reject_unknown_keys(raw, RIVER_FIELDS, file, entry=entry)
        through = raw.get("through") or []
        if not isinstance(through, list):
            raise DataError(file, "must be a list of GeoNames ids", entry=entry, field="through")
        rivers.append(
            River(
                slug=_slug(file, entry, raw, seen),
                name=text_field(raw, "name", file, entry=entry),
                from_town=_geonameid(file, entry, raw.get("from"), "from"),
                to_town=_geonameid(file, entry, raw.get("to"), "to"),
                through=tuple(_geonameid(file, entry, t, "through") for t in through),
                source=text_field(raw, "source", file, entry=entry),
                other_names=other_names_field(raw, file, entry=entry),
            )
        )
    return tuple(rivers)


def read_context(path: Path) -> dict:
    """The file's top-level mapping, with its sections checked by name only (for the builds)."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path.name, f"expected a mapping with {', '.join(SECTIONS)}")
    reject_unknown_keys(data, SECTIONS, path.name)
    return data


def load_context(path: Path, shapes: dict[str, Shape], places: list[Place]) -> Context:
    """Read context.yaml; every town must have its GeoNames point and be no place of the article."""
    file = path.name
    data = read_context(path)
    return Context(towns=_towns(file, data, shapes, places), waters=_waters(file, data), rivers=_rivers(file, data))


def context_geonames(path: Path) -> list[int]:
    """Every town id of the file whose point the geometry build must add (for scripts/build_geometry.py)."""
    data = read_context(path)
    return [
        _geonameid(path.name, str(t.get("name")), t.get("geonames"), "geonames")
        for t in _entries(path.name, data, "towns")
    ]


def read_waters_and_rivers(path: Path) -> tuple[tuple[Water, ...], tuple[River, ...]]:
    """The waters and rivers alone, for scripts/build_water.py (which needs no town's point)."""
    data = read_context(path)
    return _waters(path.name, data), _rivers(path.name, data)
