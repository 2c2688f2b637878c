"""scripts/build_physical.py: Natural Earth's physical layers to the geoparser's small table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.geoparser.gazetteer import read_physical
from scripts.build_physical import Countries, build, main, parse_take

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
    course = danube["course"]  # evenly along the longest line, its ends and its middle among them
    assert len(course) == 9 and [2.0, 10.0] in course and "course" not in rows["Lake Erie"]
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


def test_islands_and_land_forms_are_kept_by_class_with_their_english_names(tmp_path):
    """Islands to rank 5, island groups to 4, plateaus to 4; Natural Earth's abbreviations and local names
    written as English news writes them; no small Atlantic island (Flores), no Antarctic namesake."""
    regions = [
        ({"featurecla": "Island", "name": "HONSHÜ", "scalerank": 2}, _square(138, 36, 2)),
        ({"featurecla": "Island", "name": "I. Clarión", "scalerank": 5}, _square(-115, 18, 0.2)),
        ({"featurecla": "Island", "name": "Unimak I.", "scalerank": 5}, _square(-164, 54, 0.5)),
        ({"featurecla": "Island", "name": "Sicilia", "scalerank": 3}, _square(13, 37, 1)),
        ({"featurecla": "Island group", "name": "Dahlak Arch.", "scalerank": 4}, _square(40, 15, 0.5)),
        ({"featurecla": "Pen/cape", "name": "PEN. DE YUCATÁN", "scalerank": 3}, _square(-89, 19, 2)),
        ({"featurecla": "Delta", "name": "Nile Delta", "scalerank": 4}, _square(30, 30, 1)),
        ({"featurecla": "Island", "name": "Flores", "scalerank": 7}, _square(-31, 39, 0.1)),
        ({"featurecla": "Island group", "name": "Tiny Is.", "scalerank": 5}, _square(0, 0, 0.1)),
        ({"featurecla": "Plateau", "name": "Small Plat.", "scalerank": 5}, _square(5, 5, 0.1)),
        (
            {"featurecla": "Island", "name": "Roosevelt Island", "scalerank": 5, "region": "Antarctica"},
            _square(0, -80, 1),
        ),
    ]
    _layer(tmp_path, "geography_regions_polys", regions)
    rows = {r["name"]: r for r in build(tmp_path, TAKE)}
    assert set(rows) == {"Honshu", "Isla Clarión", "Unimak Island", "Sicily", "Dahlak Archipelago"} | {
        "Península de Yucatán",
        "Nile Delta",
    }
    assert rows["Honshu"]["names"] == ["Honshu", "Honshü"] and rows["Honshu"]["kind"] == "island"
    clarion = ["Isla Clarión", "Clarión Island", "Isla Clarion", "Clarion Island", "Clarión island", "Clarion island"]
    assert rows["Isla Clarión"]["names"] == clarion
    assert rows["Sicily"]["names"] == ["Sicily"]  # not "Sicilia", more often a person's name in English
    assert rows["Dahlak Archipelago"]["kind"] == "island"
    assert "Yucatán Peninsula" in rows["Península de Yucatán"]["names"]
    assert rows["Nile Delta"]["kind"] == "wider region" and rows["Nile Delta"]["names"] == ["Nile Delta", "Nile delta"]


def test_an_island_has_the_country_of_the_places_around_its_coast_or_none_when_two_share_it(tmp_path):
    """An island all of whose coast lies by one country's places is in it; one two countries share is in neither."""
    _layer(
        tmp_path,
        "geography_regions_polys",
        [
            ({"featurecla": "Island", "name": "Alpha", "scalerank": 3}, _square(10, 10, 2)),
            ({"featurecla": "Island", "name": "Beta", "scalerank": 3}, _square(30, 10, 2)),
        ],
    )
    lat, lon, codes = [10.5, 11.5, 11.0, 10.5, 11.5], [10.5, 11.5, 31.0, 30.0, 32.0], ["AA", "AA", "BB", "CC", "CC"]
    rows = {r["name"]: r for r in build(tmp_path, TAKE, Countries(lat, lon, codes))}
    assert rows["Alpha"]["country"] == "AA"
    assert "country" not in rows["Beta"]


def test_an_island_group_across_the_180th_meridian_is_placed_among_its_islands(tmp_path):
    """The Aleutians' parts lie both sides of the meridian: their centre is near it, not in the Atlantic."""
    group = {
        "type": "MultiPolygon",
        "coordinates": [_square(177, 51, 1)["coordinates"], _square(-177, 51, 1)["coordinates"]],
    }
    _layer(
        tmp_path,
        "geography_regions_polys",
        [({"featurecla": "Island group", "name": "Far Is.", "scalerank": 2}, group)],
    )
    (row,) = build(tmp_path, TAKE)
    assert row["name"] == "Far Islands" and 51 < row["lat"] < 52 and abs(row["lon"]) > 179
