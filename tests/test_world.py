"""The world's country outlines and names (static/atlas/world.js) that maps of atlases about anywhere draw."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from shapely.geometry import Point, shape
from shapely.prepared import prep

from geo.paths import ROOT, STATIC_DIR
from geo.render.maps import overview_region
from tests.test_measure import _gpkg

WORLD = STATIC_DIR / "atlas" / "world.js"
PREFIX = "window.ATLAS_WORLD = "


@pytest.fixture(scope="module")
def world() -> dict:
    line = next(line for line in WORLD.read_text(encoding="utf-8").splitlines() if line.startswith(PREFIX))
    return json.loads(line.removeprefix(PREFIX).removesuffix(";"))


def test_the_world_layer_is_small_and_covers_every_continent(world):
    assert WORLD.stat().st_size < 420_000  # a cached script, fetched once: simplified, not 1:10m
    land = prep(shape(world["outlines"]["geometry"]))
    # Lyon, Nairobi, Lima, Sydney, Tokyo on land, and Montreal and Manhattan, small islands kept
    # for their towns; the middle of the Atlantic not.
    towns = (
        (4.85, 45.75),
        (36.82, -1.28),
        (-77.03, -12.05),
        (151.2, -33.87),
        (139.7, 35.7),
        (-73.57, 45.5),
        (-73.98, 40.76),
    )
    for lon, lat in towns:
        assert land.contains(Point(lon, lat)), (lat, lon)
    assert not land.contains(Point(-35.0, 30.0))


def test_each_country_is_named_at_points_inside_it(world):
    labels = {label["text"]: label for label in world["labels"]}
    assert {"France", "Kenya", "Brazil", "Azerbaijan"} <= labels.keys()
    land = prep(shape(world["outlines"]["geometry"]).buffer(0.2))
    for name in ("France", "Kenya", "Brazil", "Russia"):
        label = labels[name]
        assert label["kind"] == "country" and 1 <= len(label["at"]) <= 24
        assert all(land.contains(Point(lon, lat)) for lat, lon in label["at"]), name


def test_the_overview_region_holds_the_places_with_the_continent_around():
    region = overview_region([[43.3, 2.3], [48.9, 5.4]])
    (south, west), (north, east) = region
    assert south < 43.3 and north > 48.9 and west < 2.3 and east > 5.4
    assert east - west < 90  # a continent, where the box still shows
    (south, west), (north, east) = overview_region([[-80.0, -179.0], [85.0, 179.0]])
    assert south >= -80 and north <= 80 and west >= -180 and east <= 180


def test_world_file_is_what_the_build_script_writes(tmp_path):
    gpkg = _gpkg()
    if gpkg is None or not gpkg.exists():
        pytest.skip("Natural Earth GeoPackage not found: set ATLAS_GPKG or install qgis-common")
    if importlib.util.find_spec("geopandas") is None:
        pytest.skip("geopandas is needed to rebuild the world layer")
    out = tmp_path / "world.js"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_world.py"), str(gpkg), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert out.read_bytes() == WORLD.read_bytes(), "static/atlas/world.js is stale: rerun scripts/build_world.py"
