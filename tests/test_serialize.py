"""The published schema of the places (geo/render/serialize.py): GeoJSON as a dict and as text, and CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from geo.render.serialize import (
    CSV_COLUMNS,
    csv_cell,
    json_for_html,
    place_feature,
    places_csv_text,
    places_feature_collection,
    places_geojson_text,
)

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def collection(atlas) -> dict:
    return places_feature_collection(atlas)


def test_collection_holds_every_place_in_article_order(atlas, collection):
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [p.slug for p in atlas.places]
    assert collection["features"] == [place_feature(atlas, p) for p in atlas.places]


def test_feature_properties(atlas, collection):
    by_slug = {f["id"]: f for f in collection["features"]}
    for place in atlas.places:
        feature = by_slug[place.slug]
        props = feature["properties"]
        assert set(props) == {
            "slug", "name", "kind", "description", "other_names", "sources", "indicative", "figure", "passages",
            "geometry_note", "no_passage",
        }  # fmt: skip
        assert props["slug"] == place.slug and props["name"] == place.name and props["kind"] == place.kind
        assert props["other_names"] == [{"name": o.name, "usage": o.usage} for o in place.other_names]
        assert props["sources"] == place.sources and props["indicative"] is place.indicative
        if place.geometry_ref is None:
            assert feature["geometry"] is None and props["geometry_note"]
        else:
            assert feature["geometry"]["type"] == atlas.shape(place).geom.geom_type
    stepanakert = by_slug["stepanakert"]
    assert stepanakert["geometry"]["coordinates"] == pytest.approx([46.7528, 39.8177])
    assert stepanakert["properties"]["sources"]["geonames"] == 146970
    assert {"name": "Khankendi", "usage": "Azerbaijani"} in stepanakert["properties"]["other_names"]


def test_figures_carry_value_unit_text_and_published_source(collection):
    by_slug = {f["id"]: f["properties"] for f in collection["features"]}
    syunik = by_slug["southern-armenia"]["figure"]
    assert syunik["label"] == "Area" and syunik["unit"] == "km²" and syunik["text"] == "4,419 km²"
    assert syunik["value"] == pytest.approx(4419, abs=1)
    assert syunik["published"]["value"] == 4506 and "Armstat" in syunik["published"]["source"]
    corridor = by_slug["zangezur-corridor"]["figure"]
    assert corridor["text"] == "204 km" and corridor["published"] is None
    assert by_slug["stepanakert"]["figure"] is None


def test_passages_slice_each_mention_out_of_the_sentence(atlas, collection):
    count = 0
    for feature in collection["features"]:
        passages = feature["properties"]["passages"]
        assert [p["sentence"] for p in passages] == [p.sentence for p in atlas.passages[feature["id"]]]
        for passage in passages:
            assert atlas.blocks[passage["paragraph_index"]].text.count(passage["sentence"]) >= 1
            assert len(passage["spans"]) == len(passage["mentions"]) >= 1
            for (start, end), mention in zip(passage["spans"], passage["mentions"], strict=True):
                assert passage["sentence"][start:end] == mention
                count += 1
    assert count >= 60
    hungary = next(f for f in collection["features"] if f["id"] == "hungary")
    assert hungary["properties"]["passages"][0]["mentions"] == ["Hungarian"]


def test_geojson_text_is_the_collection_one_place_a_line_and_stable(atlas, collection):
    text = places_geojson_text(atlas)
    assert text == places_geojson_text(atlas) and text.endswith("]}\n")
    assert json.loads(text) == json.loads(json.dumps(collection))
    lines = text.splitlines()
    assert lines[0] == '{"type":"FeatureCollection","features":['
    assert [json.loads(line.rstrip(","))["id"] for line in lines[1:-1]] == [p.slug for p in atlas.places]
    assert "Xankəndi" in text  # UTF-8, not \u escapes


def test_json_for_html_keeps_the_same_json_and_no_markup():
    text = json.dumps({"name": f"{HOSTILE} & Co"})
    safe = json_for_html(text)
    assert json.loads(safe) == json.loads(text)
    assert "<" not in safe and ">" not in safe and "&" not in safe


def test_geojson_text_of_a_hostile_name_is_inert_in_html(atlas):
    hostile = replace(atlas, places=[replace(atlas.places[0], name=HOSTILE)])
    text = places_geojson_text(hostile)
    assert "<" not in text and "\\u003cscript\\u003e" in text
    assert json.loads(text)["features"][0]["properties"]["name"] == HOSTILE


def test_csv(atlas):
    text = places_csv_text(atlas)
    assert text == places_csv_text(atlas)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["slug"] for r in rows] == [p.slug for p in atlas.places]
    by_slug = {r["slug"]: r for r in rows}
    step = by_slug["stepanakert"]
    assert (step["latitude"], step["longitude"]) == ("39.81770", "46.75280")
    assert "Khankendi (Azerbaijani)" in step["other_names"].split("; ")
    assert step["geonames_id"] == "146970" and step["figure"] == "" and step["geometry_type"] == "Point"
    assert step["first_passage"] == atlas.passages["stepanakert"][0].sentence
    assert step["passages"] == str(len(atlas.passages["stepanakert"]))
    assert step["page"] == "place/stepanakert.html"
    assert by_slug["nagorno-karabakh"]["figure"] == "4,275 km²"
    assert by_slug["nagorno-karabakh"]["geometry_type"] in ("Polygon", "MultiPolygon")
    zone = by_slug["russian-peacekeepers-zone"]
    assert zone["latitude"] == zone["longitude"] == zone["geometry_type"] == ""


def test_csv_points_of_areas_and_routes_lie_on_them(atlas):
    from shapely.geometry import Point

    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(places_csv_text(atlas)))}
    for slug in ("nagorno-karabakh", "zangezur-corridor"):
        point = Point(float(rows[slug]["longitude"]), float(rows[slug]["latitude"]))
        assert atlas.shape(atlas.by_slug[slug]).geom.distance(point) < 1e-4, slug


def test_csv_keeps_a_hostile_name_as_plain_data(atlas):
    hostile = replace(atlas, places=[replace(atlas.places[0], name=f'{HOSTILE}, "quoted" & Co')])
    [row] = csv.DictReader(io.StringIO(places_csv_text(hostile)))
    assert row["name"] == f'{HOSTILE}, "quoted" & Co'


# Events ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def events(atlas):
    from geo.atlas.events import load_events

    return load_events(atlas)


def test_event_records_keep_the_text_s_precision_and_the_quote(events):
    from geo.render.serialize import events_records

    records = events_records(events)
    assert [r["slug"] for r in records] == [e.slug for e in events]
    first = records[0]
    assert set(first) >= {"slug", "title", "start", "end", "quote", "places", "passage", "outside", "also"}
    assert (first["start"], first["end"]) == ("1988", "1994")
    exodus = next(r for r in records if r["slug"] == "exodus")
    assert exodus["start"] == "2023-09-25" and exodus["end"] is None and exodus["precision"] == "week"
    for record in records:
        sentence, ((s, e),) = record["passage"]["sentence"], record["passage"]["spans"]
        assert sentence[s:e] == record["quote"]
        for other in record["also"]:
            assert other["sentence"][other["spans"][0][0] : other["spans"][0][1]] == other["quote"]
    war = next(r for r in records if r["slug"] == "four-day-war")
    assert war["outside"][0]["start"] == "2016-04-02" and war["outside"][0]["source"]


def test_events_json_text_is_the_records_and_inert_in_html(events):
    from geo.render.serialize import events_json_text, events_records

    text = events_json_text(events)
    assert json.loads(text) == events_records(events)
    assert "<" not in text and text.endswith("\n")


def test_events_csv(events):
    from geo.render.serialize import EVENT_CSV_COLUMNS, events_csv_text

    rows = list(csv.DictReader(io.StringIO(events_csv_text(events))))
    assert tuple(rows[0]) == EVENT_CSV_COLUMNS
    assert [r["slug"] for r in rows] == [e.slug for e in events]
    blockade = next(r for r in rows if r["slug"] == "blockade-2022")
    assert (blockade["start"], blockade["end"]) == ("2022-12", "2023-09")
    assert blockade["places"] == "nagorno-karabakh; lachin-corridor"
    assert "ACAPS" in blockade["outside_sources"] and blockade["september"] == "no"
    assert next(r for r in rows if r["slug"] == "attack-2023")["september"] == "yes"


# Formulas ------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("https://example.org/","Open the map")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Baku", " =1+1", "a=b", "'quoted", "", 42, -1.5, None])
def test_other_cells_are_left_as_they_are(value):
    assert csv_cell(value) == value


def test_the_places_csv_neutralises_text_and_keeps_numbers(atlas):
    london = replace(atlas.by_slug["london"], name=FORMULA, description="-2 degrees and rain")
    hostile = replace(atlas, places=[london])
    [row] = csv.DictReader(io.StringIO(places_csv_text(hostile)))
    assert row["name"] == "'" + FORMULA and row["description"] == "'-2 degrees and rain"
    assert row["other_names"].startswith("London") and not row["other_names"].startswith("'")
    assert float(row["longitude"]) < 0 and row["longitude"].startswith("-")  # a number, west of Greenwich


def test_the_events_csv_neutralises_text_and_keeps_dates(events):
    from geo.render.serialize import events_csv_text

    hostile = (replace(events[0], title="@SUM(A1:A9)", places=("+cmd", "baku")),)
    [row] = csv.DictReader(io.StringIO(events_csv_text(hostile)))
    assert (row["title"], row["places"]) == ("'@SUM(A1:A9)", "'+cmd; baku")
    assert (row["start"], row["end"]) == (events[0].start.iso, events[0].end.iso)
