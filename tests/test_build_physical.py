"""scripts/build_physical.py: Natural Earth's physical layers to the geoparser's small table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.geoparser.gazetteer import read_physical
from scripts.build_physical import build, main, parse_take

TAKE = {
    "rivers_lake_centerlines": ("110m", 2),
    "lakes": ("110m", 2),
    "geography_marine_polys": ("110m", 2),
    "geography_regions_polys": ("110m", 2),
}


def _layer(folder: Path, name: str, features: list[tuple[dict, dict]], ext: str = ".geojson") -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }
    (folder / f"ne_110m_{name}{ext}").write_text(json.dumps(collection), encoding="utf-8")


def _square(x: float, y: float, side: float) -> dict:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _folder(tmp_path: Path) -> Path:
    river = {"featurecla": "River", "name": "Donau", "name_alt": "Danube", "name_en": "Danube", "scalerank": 2}
    two_lines = {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 0]], [[10, 0], [10, 4]]]}
    square = _square(30, 0, 2)
    lake = {"featurecla": "Lake", "name": "L. Erie", "name_alt": "Great Lakes", "scalerank": 0, "wikidataid": "Q5492"}
    other = {**lake, "name": "Lake\rHuron", "wikidataid": "Q1383"}
    small = {"featurecla": "Lake", "name": "Small Pond", "scalerank": 6}
    _layer(tmp_path, "rivers_lake_centerlines", [(river, two_lines)], ext=".json")  # the mirror's extension
    _layer(tmp_path, "lakes", [(lake, square), (other, _square(40, 0, 2)), (small, square)])
    sahara = {"featurecla": "Desert", "name": "SAHARA", "scalerank": 0}
    mouth = {"featurecla": "river", "name": "Amazon River", "scalerank": 1}  # the marine table's estuary
    _layer(tmp_path, "geography_marine_polys", [(mouth, square)])
    _layer(
        tmp_path,
        "geography_regions_polys",
        [(sahara, square), ({"featurecla": "Continent", "name": "AFRICA", "scalerank": 0}, square)],
    )
    return tmp_path


def test_features_are_kept_by_scale_rank_with_their_names_kind_and_point(tmp_path):
    rows = {r["name"]: r for r in build(_folder(tmp_path), TAKE)}
    assert set(rows) == {"Danube", "Lake Erie", "Lake Huron", "Sahara"}  # no pond, no continent, no river mouth
    danube = rows["Danube"]
    assert danube["kind"] == "river" and (danube["lat"], danube["lon"]) == (2.0, 10.0)  # the longest line's middle
    assert danube["names"] == ["Danube", "Danube River", "River Danube", "Donau River", "River Donau"]
    assert rows["Lake Erie"]["names"] == ["Lake Erie"]  # "Great Lakes" names the group, not the lake; "L." written out
    assert rows["Lake Erie"]["scalerank"] == 0 and rows["Lake Erie"]["wikidata"] == "Q5492"
    assert rows["Lake Erie"]["scale"] == "110m"
    assert rows["Sahara"]["kind"] == "wider region" and 0 < rows["Sahara"]["lat"] < 2


def test_a_river_cut_in_pieces_is_one_river_at_the_middle_of_its_joined_line(tmp_path):
    """Natural Earth's Yangtze: "Jinsha" and "Chang Jiang" upstream, a two-point "Yangtze" at the mouth."""
    upper = {"featurecla": "River", "name": "Jinsha", "name_en": "Yangtze", "scalerank": 1}
    middle = {"featurecla": "River", "name": "Chang Jiang", "name_en": "Yangtze", "scalerank": 1}
    stub = {"featurecla": "River", "name": "Yangtze", "name_en": "Yangtze", "scalerank": 1}
    line = {"type": "LineString", "coordinates": [[0, 0], [4, 0]]}
    _layer(
        tmp_path,
        "rivers_lake_centerlines",
        [
            (upper, line),
            (middle, {"type": "LineString", "coordinates": [[4, 0], [8, 0]]}),
            (stub, {"type": "LineString", "coordinates": [[8, 0], [8.1, 0]]}),
        ],
    )
    (river,) = build(tmp_path, TAKE)
    assert river["name"] == "Yangtze" and (river["lat"], river["lon"]) == (0.0, 4.05)
    assert {"Jinsha River", "Chang Jiang River"} <= set(river["names"]) and "Jinsha" not in river["names"]


def test_of_two_areas_with_one_name_the_larger_is_kept(tmp_path):
    """A second, smaller "Lake Onega" in America is not the lake readers mean."""
    onega = {"featurecla": "Lake", "name": "Lake Onega", "scalerank": 1}
    _layer(tmp_path, "lakes", [(onega, _square(-113, 41, 1)), (onega, _square(35, 61, 2))])
    (lake,) = build(tmp_path, TAKE)
    assert 61 < lake["lat"] < 63 and 35 < lake["lon"] < 37


def test_the_table_it_writes_is_what_the_gazetteer_reads_and_the_same_bytes_twice(tmp_path):
    out, again = tmp_path / "physical.json", tmp_path / "again.json"
    take = [f"--take={layer}={scale}:{rank}" for layer, (scale, rank) in TAKE.items()]
    assert main([str(_folder(tmp_path)), "--out", str(out), "--commit", "abc", *take]) == 0
    assert main([str(_folder(tmp_path)), "--out", str(again), "--commit", "abc", *take]) == 0
    assert out.read_bytes() == again.read_bytes()
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["commit"] == "abc" and "public domain" in written["licence"]
    assert "--commit abc" in written["built_by"] and written["layers"]["lakes"] == "1:110m up to scale rank 2"
    assert {t.name for t, _ in read_physical(out)} == {"Danube", "Lake Erie", "Lake Huron", "Sahara"}
    assert main([str(tmp_path / "empty"), "--out", str(out)]) == 1


def test_a_bad_take_option_is_refused_with_its_form():
    assert parse_take(["lakes=10m:3", "geography_marine_polys=none"])["lakes"] == ("10m", 3)
    assert "geography_marine_polys" not in parse_take(["geography_marine_polys=none"])
    with pytest.raises(SystemExit, match="LAYER=SCALE:MAXRANK"):
        parse_take(["lakes=5m:3"])
