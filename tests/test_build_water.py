"""The water build (scripts/build_water.py) and what it wrote to data/water.geojson."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from geo.paths import ROOT

WATER = ROOT / "data" / "water.geojson"
GSHHG = Path("/usr/share/gmt-gshhg/binned_GSHHS_h.nc")


def build_water():
    spec = importlib.util.spec_from_file_location("build_water", ROOT / "scripts" / "build_water.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def water() -> dict:
    return {f["id"]: f for f in json.loads(WATER.read_text(encoding="utf-8"))["features"]}


def test_the_network_follows_the_shortest_course_the_same_way_every_time():
    network = build_water().Network()
    for a, b in [((0, 0), (1, 0)), ((1, 0), (2, 0)), ((0, 0), (0, 1)), ((0, 1), (2, 1)), ((2, 1), (2, 0))]:
        network.add_edge(a, b)
    network.add_edge((5, 5), (6, 5))
    assert network.shortest_path((0, 0), (2, 0)) == [(0, 0), (1, 0), (2, 0)]
    assert network.component((0, 0)) == {(0, 0), (1, 0), (2, 0), (0, 1), (2, 1)}


def test_the_rivers_run_where_the_towns_say(water, atlas):
    araks, kura = shape(water["wdbii:araks"]["geometry"]), shape(water["wdbii:kura"]["geometry"])
    # The Araks is the border of Nakhchivan and southern Armenia with Iran; the Kura runs through Tbilisi.
    for ref in ("geonames:148251", "geonames:174823", "geonames:148003"):  # Julfa, Meghri, Horadiz
        assert araks.distance(atlas.shapes[ref].geom) < 0.08, ref
    assert kura.distance(Point(44.8, 41.7)) < 0.08
    assert araks.distance(kura) > 0.05  # two rivers, not one network drawn twice


def test_lakes_and_the_sea_are_named_from_the_context_file(water):
    assert water["gshhg:lake-sevan"]["properties"]["layer"] == "lake"
    assert shape(water["gshhg:lake-sevan"]["geometry"]).contains(Point(45.3, 40.35))
    assert water["gshhg:caspian-sea"]["properties"]["layer"] == "sea"
    assert shape(water["gshhg:caspian-sea"]["geometry"]).contains(Point(50.5, 41.0))


def test_the_water_file_is_small():
    assert WATER.stat().st_size < 60 * 1024


def test_water_file_is_what_the_build_script_writes(tmp_path):
    if shutil.which("gmt") is None or not GSHHG.exists():
        pytest.skip(f"gmt and its shorelines are not installed (apt-get install gmt gmt-gshhg-high: {GSHHG})")
    out = tmp_path / "water.geojson"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_water.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert out.read_bytes() == WATER.read_bytes(), "data/water.geojson is stale: rerun scripts/build_water.py"
