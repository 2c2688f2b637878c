"""The static export: determinism, one page per place, escaping, no outside assets, data files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from geo import cli
from geo.atlas import load_atlas
from geo.export import export_site, places_csv, places_geojson, single_map_html, stable_ids

HOSTILE = "<script>alert(1)</script>"
OUTSIDE_ASSET = re.compile(r"<(?:script|img|iframe)[^>]*\ssrc=[\"']?https?:|<link[^>]*\shref=[\"']?https?:", re.I)


@pytest.fixture(scope="module")
def site(atlas, tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("site")
    return out, export_site(atlas, out)


def test_export_is_deterministic_and_drops_stale_pages(site, tmp_path, capsys):
    out, written = site
    again = tmp_path / "again"
    (again / "place").mkdir(parents=True)
    (again / "place" / "old-slug.html").write_text("a place that is gone")
    assert cli.main(["export", str(again)]) == 0  # python -m geo export OUT_DIR
    printed = capsys.readouterr().out
    assert "index.html" in printed and "place/stepanakert.html" in printed and "total, " in printed
    rewritten = sorted(p for p in again.rglob("*") if p.is_file())
    assert [p.relative_to(out) for p in written] == [p.relative_to(again) for p in rewritten]
    for a, b in zip(written, rewritten, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.relative_to(out)
    assert not (again / "place" / "old-slug.html").exists()


def test_no_random_ids_left(site):
    out, _ = site
    for page in (out / "index.html", out / "place" / "stepanakert.html"):
        assert not re.search(r"[0-9a-f]{32}", page.read_text(encoding="utf-8"))


def test_stable_ids_numbers_by_first_appearance():
    a, b = "a" * 32, "b" * 32
    text = f"map_{b} geo_json_{a}_add(x); geo_json_{a}.addTo(map_{b})"
    assert stable_ids(text) == "map_1 geo_json_2_add(x); geo_json_2.addTo(map_1)"


def test_every_place_has_a_page(atlas, site):
    out, written = site
    names = {p.relative_to(out).as_posix() for p in written}
    assert {"index.html", "data/places.geojson", "data/places.csv", "assets/leaflet/leaflet.js"} <= names
    assert {f"place/{p.slug}.html" for p in atlas.places} == {n for n in names if n.startswith("place/")}


def test_place_page_title_meta_and_back_link(atlas, site):
    out, _ = site
    page = (out / "place" / "stepanakert.html").read_text(encoding="utf-8")
    assert "<title>Stepanakert — Karabakh Atlas</title>" in page
    first = atlas.passages["stepanakert"][0].sentence
    assert f'<meta name="description" content="{first[:60]}' in page
    assert '<meta property="og:title" content="Stepanakert — Karabakh Atlas">' in page
    assert '<meta property="og:description"' in page
    assert 'href="../index.html"' in page
    assert "<mark>Stepanakert</mark>" in page
    # A place the article does not name falls back to its description.
    unnamed = next(p for p in atlas.places if not atlas.passages[p.slug])
    text = (out / "place" / f"{unnamed.slug}.html").read_text(encoding="utf-8")
    assert f'<meta name="description" content="{unnamed.description[:40]}' in text


def test_index_lists_every_place_and_passage(atlas, site):
    out, _ = site
    page = (out / "index.html").read_text(encoding="utf-8")
    for place in atlas.places:
        assert f'href="place/{place.slug}.html"' in page
        assert f'id="place-{place.slug}"' in page
    assert page.count('class="atlas-passage"') == sum(len(v) for v in atlas.passages.values())
    assert 'href="data/places.geojson"' in page and 'href="data/places.csv"' in page


def test_pages_use_the_local_leaflet_copy(site):
    out, _ = site
    for page in (out / "index.html", out / "place" / "baku.html"):
        text = page.read_text(encoding="utf-8")
        assert not OUTSIDE_ASSET.search(text)
        for ref in re.findall(r'(?:src|href)="([^"#]+\.(?:js|css))"', text):
            assert (page.parent / ref).resolve().is_file(), ref
    assert "cdn" not in (out / "index.html").read_text(encoding="utf-8").lower()


def test_single_file_map_is_self_contained(atlas):
    for slug in (None, "stepanakert"):
        page = single_map_html(atlas, slug)
        assert not OUTSIDE_ASSET.search(page)
        assert not re.search(r"<(?:script|link)[^>]*\s(?:src|href)=", page), "every asset inlined"
        assert "url(images/" not in page
        assert "L.map(" in page and "atlas-credits" in page
    page = single_map_html(atlas, "stepanakert")
    assert "<title>Stepanakert — Karabakh Atlas</title>" in page and "<mark>Stepanakert</mark>" in page
    assert single_map_html(atlas, "stepanakert") == page
    assert "<title>Karabakh Atlas" in single_map_html(atlas, "no-such-place")


def test_geojson(atlas):
    text = places_geojson(atlas)
    assert text == places_geojson(atlas)
    data = json.loads(text)
    assert [f["properties"]["slug"] for f in data["features"]] == [p.slug for p in atlas.places]
    by_slug = {f["id"]: f for f in data["features"]}
    step = by_slug["stepanakert"]
    assert step["geometry"]["type"] == "Point"
    assert step["properties"]["sources"]["geonames"] == 146970
    assert [p["sentence"] for p in step["properties"]["passages"]] == [
        p.sentence for p in atlas.passages["stepanakert"]
    ]
    assert by_slug["russian-peacekeepers-zone"]["geometry"] is None
    assert by_slug["nagorno-karabakh"]["properties"]["figure"]["unit"] == "km²"


def test_csv(atlas):
    text = places_csv(atlas)
    assert text == places_csv(atlas)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["slug"] for r in rows] == [p.slug for p in atlas.places]
    step = next(r for r in rows if r["slug"] == "stepanakert")
    assert 39 < float(step["latitude"]) < 41 and 46 < float(step["longitude"]) < 47.5
    assert "Khankendi" in step["other_names"]
    assert step["geonames_id"] == "146970" and step["figure"] == ""
    assert next(r for r in rows if r["slug"] == "nagorno-karabakh")["figure"].endswith("km²")
    assert step["first_passage"] == atlas.passages["stepanakert"][0].sentence


@pytest.fixture
def hostile_atlas(data_copy: Path):
    path = data_copy / "places.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  name: Stepanakert\n" in text
    path.write_text(text.replace("  name: Stepanakert\n", f'  name: "{HOSTILE} & Co"\n', 1), encoding="utf-8")
    return load_atlas(data_copy)


def test_hostile_names_are_escaped_everywhere(hostile_atlas, tmp_path):
    out = tmp_path / "site"
    written = export_site(hostile_atlas, out)
    outputs = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in written if p.suffix != ".png"}
    outputs["single:stepanakert"] = single_map_html(hostile_atlas, "stepanakert")
    outputs["single:all"] = single_map_html(hostile_atlas, None)
    for name, text in outputs.items():
        if name == "data/places.csv":
            continue  # plain data, not HTML: checked below
        assert "<script>alert(1)" not in text, name
    page = outputs["place/stepanakert.html"]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"
    assert f"<title>{escaped} — Karabakh Atlas</title>" in page
    assert f'<meta property="og:title" content="{escaped} — Karabakh Atlas">' in page
    assert f"<h1>{escaped}</h1>" in page
    assert escaped in outputs["index.html"] and escaped in outputs["single:stepanakert"]
    # The data files keep the real name, safely encoded for their format.
    assert "\\u003cscript\\u003e" in outputs["data/places.geojson"]
    geo = json.loads(outputs["data/places.geojson"])
    assert any(f["properties"]["name"] == f"{HOSTILE} & Co" for f in geo["features"])
    rows = list(csv.DictReader(io.StringIO(outputs["data/places.csv"])))
    assert any(r["name"] == f"{HOSTILE} & Co" for r in rows)
