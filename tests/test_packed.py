"""Coordinates packed into the map's data scripts (geo/render/packed.py): exact, smaller, and safe to skip."""

from __future__ import annotations

import gzip
import json

import pytest

from geo.atlas.water import load_context_layers
from geo.paths import STATIC_DIR
from geo.render.maps import basemap_feature, places_data
from geo.render.orientation import context_data
from geo.render.packed import UNPACK_JS, pack, read_script_value, scale_for, script_value, unpack


def plain(data) -> object:
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def scripts(atlas):
    """The three data scripts a first visit loads: their variable, data and file as served."""
    return [
        ("ATLAS_PLACES", places_data(atlas), "atlas/places.js"),
        ("ATLAS_BASEMAP", basemap_feature(atlas), "atlas/basemap.js"),
        ("ATLAS_CONTEXT", context_data(atlas, *load_context_layers(atlas)), "atlas/context.js"),
    ]


def test_the_served_scripts_give_back_every_position_exactly(scripts):
    for name, data, path in scripts:
        text = (STATIC_DIR / path).read_text(encoding="utf-8")
        assert UNPACK_JS in text, path
        assert read_script_value(text, name) == plain(data), path


def test_packing_makes_each_script_smaller_on_the_wire(scripts):
    for _name, data, path in scripts:
        packed = gzip.compress(script_value(data).encode())
        unpacked = gzip.compress(json.dumps(data, separators=(",", ":")).encode())
        assert len(packed) < 0.9 * len(unpacked), path


def test_positions_become_steps_in_units_of_the_last_decimal():
    line = {"type": "LineString", "coordinates": [[46.512, 39.568], [46.498, 39.474], [46.5, 39.5]]}
    assert scale_for(line) == 1000
    assert pack(line, 1000) == {"type": "LineString", "coordinates": "46512,39568,-14,-94,2,26"}
    assert unpack(pack(line, 1000), 1000) == line


def test_points_nesting_and_other_fields_are_kept():
    data = {
        "point": {"type": "Point", "coordinates": [44.5, 40.25]},
        "multi": {"type": "MultiPolygon", "coordinates": [[[[1.0, 2.0], [1.5, 2.5], [1.0, 2.0]]], [[]]]},
        "name": "coordinates are a word",
        "n": [1.25, 2.5],
    }
    scale = scale_for(data)
    assert scale == 10  # from the lists of positions; a single point is written as it is
    assert unpack(pack(data, scale), scale) == data
    assert pack(data, scale)["point"] == data["point"] and pack(data, scale)["n"] == data["n"]


def test_data_that_cannot_be_packed_without_loss_is_written_as_it_is():
    fine = {"type": "LineString", "coordinates": [[1.123456789, 2.0], [3.0, 4.0]]}
    height = {"type": "LineString", "coordinates": [[1.0, 2.0, 300.0], [3.0, 4.0, 10.0]]}
    for data in (fine, height):
        assert scale_for(data) is None
        assert script_value(data) == json.dumps(data, separators=(",", ":"))
        assert read_script_value(f"window.X = {script_value(data)};\n", "X") == data
