"""scripts/build_physical.py: Natural Earth's physical layers to the geoparser's small table."""

from __future__ import annotations

import json
from pathlib import Path

from geo.geoparser.gazetteer import read_physical
from scripts.build_physical import build, main


def _layer(folder: Path, name: str, features: list[tuple[dict, dict]]) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }
    (folder / f"ne_110m_{name}.geojson").write_text(json.dumps(collection), encoding="utf-8")


def _folder(tmp_path: Path) -> Path:
    river = {"featurecla": "River", "name": "Donau", "name_alt": "Danube", "name_en": "Danube", "scalerank": 2}
    two_lines = {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 0]], [[10, 0], [10, 4]]]}
    square = {"type": "Polygon", "coordinates": [[[30, 0], [32, 0], [32, 2], [30, 2], [30, 0]]]}
    lake = {"featurecla": "Lake", "name": "Lake Erie", "name_alt": "Great Lakes", "scalerank": 0, "wikidataid": "Q5492"}
    other = {**lake, "name": "Lake Huron", "wikidataid": "Q1383"}
    same = {**lake, "scalerank": 1}  # the same lake again (Natural Earth repeats features between tables)
    small = {"featurecla": "Lake", "name": "Small Pond", "scalerank": 6}
    _layer(tmp_path, "rivers_lake_centerlines", [(river, two_lines)])
    _layer(tmp_path, "lakes", [(lake, square), (other, square), (same, square), (small, square)])
    sahara = {"featurecla": "Desert", "name": "SAHARA", "scalerank": 0, "wikidataid": "Q6583"}
    _layer(
        tmp_path,
        "geography_regions_polys",
        [(sahara, square), ({"featurecla": "Continent", "name": "AFRICA", "scalerank": 0}, square)],
    )
    return tmp_path


def test_features_are_kept_by_scale_rank_with_their_names_kind_and_point(tmp_path):
    rows = {r["name"]: r for r in build(_folder(tmp_path), max_scalerank=2)}
    assert set(rows) == {"Danube", "Lake Erie", "Lake Huron", "Sahara"}  # no pond, no continent
    danube = rows["Danube"]
    assert danube["kind"] == "river" and (danube["lat"], danube["lon"]) == (2.0, 10.0)  # the longest line's middle
    assert danube["names"] == ["Danube", "Danube River", "River Danube", "Donau River", "River Donau"]
    assert rows["Lake Erie"]["names"] == ["Lake Erie"]  # "Great Lakes" names the group, not the lake
    assert rows["Lake Erie"]["scalerank"] == 0 and rows["Lake Erie"]["wikidata"] == "Q5492"
    assert rows["Sahara"]["kind"] == "wider region" and 0 < rows["Sahara"]["lat"] < 2


def test_the_table_it_writes_is_what_the_gazetteer_reads(tmp_path):
    out = tmp_path / "physical.json"
    assert main([str(_folder(tmp_path)), "--out", str(out), "--commit", "abc"]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["commit"] == "abc" and "public domain" in written["licence"]
    assert {t.name for t, _ in read_physical(out)} == {"Danube", "Lake Erie", "Lake Huron", "Sahara"}
    assert main([str(tmp_path / "empty"), "--out", str(out)]) == 1
