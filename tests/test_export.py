"""The static export: determinism, one page per place, escaping, no outside assets, data files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from geo import cli
from geo.atlas.loader import load_atlas
from geo.render.export import export_site, single_map_html, stable_ids
from geo.render.serialize import places_csv_text, places_geojson_text

HOSTILE = "<script>alert(1)</script>"
SITE = "Karabakh Atlas"
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


def page_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta_content(soup: BeautifulSoup, **attrs: str) -> str:
    return soup.find("meta", attrs=attrs)["content"]


def test_place_page_title_meta_and_back_link(atlas, site):
    out, _ = site
    soup = page_soup(out / "place" / "stepanakert.html")
    assert soup.title.get_text() == f"Stepanakert — {SITE}"
    first = atlas.passages["stepanakert"][0].sentence
    assert meta_content(soup, name="description").startswith(first[:60])
    assert meta_content(soup, property="og:title") == f"Stepanakert — {SITE}"
    assert meta_content(soup, property="og:description") == meta_content(soup, name="description")
    assert soup.find("a", class_="back")["href"] == "../index.html"
    assert soup.h1.get_text() == "Stepanakert"
    marks = {m.get_text() for q in soup.select("blockquote.atlas-passage") for m in q.find_all("mark")}
    assert marks == {"Stepanakert"}
    # The article is credited in the header with its date written out.
    source = soup.select_one(".site-head .source")
    assert source.a["href"] == atlas.meta.url and source.a.get_text() == atlas.meta.title
    assert atlas.meta.first_published_text in source.get_text()
    # A place the article does not name falls back to its description.
    unnamed = next(p for p in atlas.places if not atlas.passages[p.slug])
    other = page_soup(out / "place" / f"{unnamed.slug}.html")
    assert meta_content(other, name="description").startswith(unnamed.description[:40])


def test_place_pages_link_to_their_neighbours_in_article_order(atlas, site):
    out, _ = site
    order = [p.slug for p in atlas.places]
    middle = order[len(order) // 2]
    nav = page_soup(out / "place" / f"{middle}.html").select_one("nav.place-nav")
    i = order.index(middle)
    assert [a["href"] for a in nav.find_all("a")] == [f"../place/{order[i - 1]}.html", f"../place/{order[i + 1]}.html"]


def test_index_lists_every_place_and_passage(atlas, site):
    out, _ = site
    soup = page_soup(out / "index.html")
    listed = [a["href"] for a in soup.select("ul.place-list a")]
    assert sorted(listed) == sorted(f"place/{p.slug}.html" for p in atlas.places)
    assert {h["id"] for h in soup.select("h3[id]")} == {f"place-{p.slug}" for p in atlas.places}
    assert len(soup.select("blockquote.atlas-passage")) == sum(len(v) for v in atlas.passages.values())
    downloads = [a["href"] for a in soup.select("p.downloads a[download]")]
    assert downloads == ["data/places.geojson", "data/places.csv", "data/events.json", "data/events.csv"]


def test_the_data_files_are_the_published_schema(atlas, site):
    out, _ = site
    assert (out / "data" / "places.geojson").read_text(encoding="utf-8") == places_geojson_text(atlas)
    assert (out / "data" / "places.csv").read_text(encoding="utf-8") == places_csv_text(atlas)


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
    name = f"{HOSTILE} & Co"
    for key in ("place/stepanakert.html", "single:stepanakert"):
        soup = BeautifulSoup(outputs[key], "html.parser")
        assert soup.title.get_text() == f"{name} — {SITE}", key
        assert meta_content(soup, property="og:title") == f"{name} — {SITE}", key
        assert soup.h1.get_text() == name, key
        assert soup.h1.find("script") is None, key
    index = BeautifulSoup(outputs["index.html"], "html.parser")
    assert name in [a.get_text() for a in index.select("ul.place-list a")]
    # The data files keep the real name, safely encoded for their format.
    assert "\\u003cscript\\u003e" in outputs["data/places.geojson"]
    geo = json.loads(outputs["data/places.geojson"])
    assert any(f["properties"]["name"] == f"{HOSTILE} & Co" for f in geo["features"])
    rows = list(csv.DictReader(io.StringIO(outputs["data/places.csv"])))
    assert any(r["name"] == f"{HOSTILE} & Co" for r in rows)


def test_the_article_page_links_every_mention_to_its_place_page(atlas, site):
    out, _written = site
    soup = page_soup(out / "article.html")
    links = soup.select(".atlas-article a.atlas-mention")
    assert len(links) == sum(len(found) for found in atlas.mentions.values())
    assert all(a["href"] == f"place/{a['data-slug']}.html" for a in links)
    assert all((out / a["href"]).is_file() for a in links)
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert scripts[-1] == "assets/atlas/mentions.js" and "assets/atlas/map.js" in scripts
    assert soup.select_one(".article-pullquote") is not None
    assert page_soup(out / "index.html").select_one("a.read")["href"] == "article.html"


def test_hostile_article_text_is_escaped_on_the_article_page(data_copy, tmp_path):
    path = data_copy / "article.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Meanwhile, Azerbaijan", f"Meanwhile, {HOSTILE} Azerbaijan", 1), encoding="utf-8")
    atlas = load_atlas(data_copy)
    out = tmp_path / "site"
    export_site(atlas, out)
    page = (out / "article.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert "<script>alert(1)" not in page
    paragraph = next(p for p in soup.select(".article-paragraph") if HOSTILE in p.get_text())
    assert paragraph.find("script") is None
    assert [a.get_text() for a in paragraph.select("a.atlas-mention")][:1] == ["Azerbaijan"]


# The chronology ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def events(atlas):
    from geo.atlas.events import load_events

    return load_events(atlas)


def test_the_timeline_page_links_each_event_to_its_places(atlas, site, events):
    out, written = site
    assert out / "timeline.html" in written
    soup = page_soup(out / "timeline.html")
    assert soup.title.get_text().startswith("The chronology of “") and soup.h1.get_text() == "The article's chronology"
    assert [a["href"] for a in soup.select("ol.tl-list a")] == [f"#event-{e.slug}" for e in events]
    assert [a["href"] for a in soup.select("a.tl-bead")] == [f"#event-{e.slug}" for e in events]
    cards = soup.select("section.event-card")
    assert [c["id"] for c in cards] == [f"event-{e.slug}" for e in events]
    for card, event in zip(cards, events, strict=True):
        assert [a["href"] for a in card.select(".atlas-event-places a")] == [f"place/{s}.html" for s in event.places]
        assert [m.get_text() for m in card.select("blockquote.atlas-event-passage mark")] == [
            d.quote for d in event.dating
        ]
        sources = card.select(".atlas-outside .atlas-source a")
        assert [a["href"] for a in sources] == [f.url for f in event.outside if f.url]
    nav = cards[1].select("nav.event-nav a")
    assert [a["href"] for a in nav] == [f"#event-{events[0].slug}", f"#event-{events[2].slug}"]
    # No script, nothing from outside: it opens from disk.
    text = (out / "timeline.html").read_text(encoding="utf-8")
    assert soup.find("script") is None and not OUTSIDE_ASSET.search(text)
    for ref in re.findall(r'href="([^"#]+\.css)"', text):
        assert (out / ref).is_file(), ref
    assert soup.select_one(".site-nav a")["href"] == "index.html"


def test_every_map_page_links_the_chronology_and_places_list_their_events(site, events):
    out, _ = site
    assert page_soup(out / "index.html").select_one(".site-nav a")["href"] == "timeline.html"
    assert page_soup(out / "index.html").select_one("p.chronology a")["href"] == "timeline.html"
    page = page_soup(out / "place" / "london.html")
    assert page.select_one(".site-nav a")["href"] == "../timeline.html"
    linked = [a["href"] for a in page.select("ul.place-events a")]
    assert linked == [f"../timeline.html#event-{e.slug}" for e in events if "london" in e.places]
    assert page_soup(out / "place" / "south-caucasus.html").select("ul.place-events") == []


def test_the_event_files_are_the_published_schema(site, events):
    from geo.render.serialize import events_csv_text, events_json_text

    out, _ = site
    assert (out / "data" / "events.json").read_text(encoding="utf-8") == events_json_text(events)
    assert (out / "data" / "events.csv").read_text(encoding="utf-8") == events_csv_text(events)


def test_without_events_there_is_no_timeline_and_a_stale_one_goes(atlas, data_copy, tmp_path):
    from dataclasses import replace

    out = tmp_path / "site"
    export_site(replace(atlas, data_dir=data_copy), out)
    assert (out / "timeline.html").exists()
    (data_copy / "events.yaml").unlink()
    written = export_site(replace(atlas, data_dir=data_copy), out)
    assert not (out / "timeline.html").exists() and not (out / "data" / "events.json").exists()
    assert out / "timeline.html" not in written
    assert page_soup(out / "index.html").select(".site-nav") == []


def test_a_drafts_downloads_carry_its_own_orientation_layers_not_the_karabakh_ones(draft_sample_files):
    """A draft's folder is gone once it is loaded: its one-file map takes the layers it came with."""
    import zipfile

    from geo.geoparser.draft import load_draft_atlas, site_zip
    from geo.render.maps import TOWNS_LAYER, WATER_LAYER

    draft = load_draft_atlas(draft_sample_files)
    page = single_map_html(draft.atlas, "goris", (draft.context, draft.waters))
    assert "Goris" in page
    for leak in ("Sisian", "Mingachevir", "Lake Urmia", TOWNS_LAYER, WATER_LAYER):
        assert leak not in page, leak
    with zipfile.ZipFile(io.BytesIO(site_zip(draft_sample_files))) as archive:
        shared = archive.read("atlas-site/assets/atlas/map.js").decode("utf-8")
        context = archive.read("atlas-site/assets/atlas/context.js").decode("utf-8")
    assert TOWNS_LAYER not in shared and WATER_LAYER not in shared
    assert '"towns":[]' in context and "Sisian" not in context


def test_a_drafts_site_is_not_named_the_karabakh_atlas(draft_sample_files):
    import zipfile

    from geo.atlas.article_meta import DEFAULT_SITE_NAME
    from geo.geoparser.draft import site_zip

    with zipfile.ZipFile(io.BytesIO(site_zip(draft_sample_files))) as archive:
        pages = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".html")}
    assert "atlas-site/index.html" in pages and len(pages) > 2
    for name, text in pages.items():
        soup = BeautifulSoup(text, "html.parser")
        assert SITE not in soup.title.text, name
        assert soup.select_one(".brand").text == DEFAULT_SITE_NAME, name


def test_every_whole_page_is_written_by_one_frame_template(site):
    """page.html alone writes a document's doctype and head; every page of the site and the handout extend it."""
    from geo.render.templating import TEMPLATE_DIR

    framing = sorted(
        str(path.relative_to(TEMPLATE_DIR))
        for path in TEMPLATE_DIR.rglob("*.html")
        if re.search(r"<!doctype|<html|<head>", path.read_text(encoding="utf-8"), re.I)
    )
    assert framing == ["page.html"]
    out, _ = site
    for page in (out / "index.html", out / "timeline.html", out / "place" / "baku.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == "en" and soup.head.meta["charset"] == "utf-8"
        assert soup.head.find("meta", attrs={"name": "viewport"}) and soup.title.get_text()


def test_a_drafts_downloads_draw_the_worlds_outlines(atlas, draft_sample_files):
    """A draft may be about anywhere: its one-file map and its site carry the world's outlines and
    names (static/atlas/world.js); the Karabakh atlas's keep its own detailed outlines."""
    import zipfile

    from geo.geoparser.draft import load_draft_atlas, site_zip

    draft = load_draft_atlas(draft_sample_files)
    page = single_map_html(draft.atlas, None, (draft.context, draft.waters), world=True)
    assert "window.ATLAS_WORLD = " in page and "ATLAS_WORLD.outlines" in page
    assert "window.ATLAS_WORLD = " not in single_map_html(atlas, None)
    with zipfile.ZipFile(io.BytesIO(site_zip(draft_sample_files))) as archive:
        basemap = archive.read("atlas-site/assets/atlas/basemap.js").decode("utf-8")
        shared = archive.read("atlas-site/assets/atlas/map.js").decode("utf-8")
    assert basemap.startswith("// Generated by scripts/build_world.py") and '"text":"France"' in basemap
    assert "ATLAS_WORLD.outlines" in shared
