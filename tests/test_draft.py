"""`python -m geo new`: a draft data folder that `geo check` accepts and the app serves."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from geo.atlas.check import check_data
from geo.atlas.loader import load_atlas
from geo.cli import main
from geo.errors import DataError, InputError
from geo.geoparser.draft import (
    DRAFT_FILES,
    MAX_DRAFT_PLACES,
    ArticleInfo,
    Decision,
    FoundText,
    add_name,
    apply_decisions,
    article_markdown,
    country_names,
    draft_files,
    find_places,
    load_draft_atlas,
    place_entry,
    place_key,
    site_zip,
    slugify,
    title_slug,
    write_draft,
    write_files,
    zip_files,
)
from geo.geoparser.gazetteer import GEOPARSE_DIR, PHYSICAL_FILE, load_toponyms
from geo.geoparser.geoparse import FoundPlace, geoparse
from geo.geoparser.ingest import read_paste
from geo.geoparser.many_places import article_naming, gazetteer_names
from geo.paths import ROOT
from tests.apptest import html_blocks

SAMPLE = ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt"


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("draft")
    argv = ["new", str(SAMPLE), "--out", str(out), "--author", "A. Reporter", "--publisher", "A Paper"]
    assert main([*argv, "--published", "2024-05-01", "--url", "https://example.com/story"]) == 0
    return out


def places(folder: Path) -> dict[str, dict]:
    data = yaml.safe_load((folder / "places.yaml").read_text(encoding="utf-8"))
    return {p["slug"]: p for p in data["places"]}


def test_the_draft_passes_geo_check(draft):
    reports = {r.file: r.summary for r in check_data(draft)}
    assert reports["places.yaml"].startswith(f"{len(places(draft))} places")
    assert set(reports) >= {"geometry.geojson", "article.md", "article.yaml", "figures.yaml", "tour.yaml"}


def test_places_carry_sources_geometry_and_review_notes(draft):
    found = places(draft)
    assert found["stepanakert"]["sources"]["geonames"] == 146970
    assert found["stepanakert"]["geometry"] == "geonames:146970"
    assert found["armenia"]["geometry"] == "ne:country:AM"
    assert found["syunik"]["geometry"] == "ne:admin1:AM08"
    assert found["lachin-corridor"]["kind"] == "route" and len(found["lachin-corridor"]["route"]) == 5
    assert "village" in found["kornidzor"]["review"]
    reservoir = found["sarsang-reservoir"]  # no outline: drawn at its point, and the entry says so
    assert reservoir["geometry"] == "curated:sarsang-reservoir" and "drawn at its point" in reservoir["geometry_note"]
    assert "review" not in found["armenia"]  # a country the text is about: confident, drawn


def test_metadata_and_article(draft):
    meta = load_atlas(draft).meta
    assert (meta.title, meta.author, meta.first_published) == (
        "Buses leave Goris for Stepanakert",
        "A. Reporter",
        dt.date(2024, 5, 1),
    )
    assert (draft / "article.md").read_text(encoding="utf-8").startswith("# Buses leave Goris for Stepanakert\n\n")


def test_the_app_serves_the_draft(draft, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(draft))
    st.cache_resource.clear()
    try:
        for page in ("app.py", "pages/1_Classroom_tour.py", "pages/2_Article.py"):
            at = AppTest.from_file(str(ROOT / page), default_timeout=60)
            at.run()
            assert not at.exception, (page, [e.value for e in at.exception])
            assert not at.error, (page, [e.value for e in at.error])
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["place"] = "stepanakert"
        at.run()
        assert not at.exception
        assert any("Stepanakert" in v for v in html_blocks(at))
    finally:
        st.cache_resource.clear()


def test_export_works_on_the_draft(draft, tmp_path):
    from geo.render.export import export_site

    export_site(load_atlas(draft), tmp_path / "site")
    assert (tmp_path / "site" / "index.html").exists()


def test_markdown_gets_a_title():
    assert article_markdown("Goris\nThe road to Kapan.", None) == "# Goris\n\nThe road to Kapan.\n"
    assert article_markdown("The road to Kapan.", "Roads").startswith("# Roads\n\n")
    with pytest.raises(InputError):
        article_markdown("The road to Kapan.", None)


def test_slugs_are_unique_and_url_safe():
    taken: set[str] = set()
    assert [slugify(n, taken) for n in ("Şuşa", "Şuşa", "Laçın")] == ["susa", "susa-2", "lacin"]


@pytest.mark.parametrize(
    ("title", "limit", "slug"),
    [
        ("Buses leave Goris for Stepanakert", 60, "buses-leave-goris-for-stepanakert"),
        ("Buses leave Goris for Stepanakert", 12, "buses-leave"),  # cut, with no hyphen left at the end
        ("", 60, "atlas"),
        ("«»!", 60, "atlas"),  # no letter or digit: slugify says "place", a file says "atlas"
        ("Ş" * 80, 50, "s" * 50),
    ],
)
def test_a_title_gives_a_file_or_folder_name(title, limit, slug):
    assert title_slug(title, limit) == slug


def test_countries_are_named_by_their_iso_code():
    names = country_names()
    assert names["AM"] == "Armenia" and names["AZ"] == "Azerbaijan"
    assert country_names() is names  # read once per process


def test_a_text_without_places_is_refused(tmp_path):
    with pytest.raises(InputError, match="no place"):
        write_draft("Nothing here\n\nThe weather was fine and the people were well.", tmp_path, ArticleInfo())


def test_bad_dates_and_links_are_usage_errors(tmp_path):
    with pytest.raises(SystemExit):
        main(["new", str(SAMPLE), "--out", str(tmp_path), "--published", "2024-02-30"])
    with pytest.raises(SystemExit):
        main(["new", str(SAMPLE), "--out", str(tmp_path), "--url", "javascript:alert(1)"])
    with pytest.raises(SystemExit):  # a scheme with no host is no link either, as in article.yaml
        main(["new", str(SAMPLE), "--out", str(tmp_path), "--url", "https://"])
    assert not (tmp_path / "places.yaml").exists()


def test_a_draft_never_overwrites_a_folder(tmp_path):
    (tmp_path / "places.yaml").write_text("places: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an empty folder"):
        write_draft(SAMPLE.read_text(encoding="utf-8"), tmp_path, ArticleInfo())
    assert (tmp_path / "places.yaml").read_text(encoding="utf-8") == "places: []\n"


def test_bad_input_to_new_is_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["new", str(empty), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: empty.txt: the file is empty") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


# The draft in memory: the steps the app puts a person between -------------------------------

INFO = ArticleInfo(
    author="A. Reporter", publisher="A Paper", published=dt.date(2024, 5, 1), url="https://example.com/s"
)


@pytest.fixture(scope="module")
def found() -> FoundText:
    return find_places(SAMPLE.read_text(encoding="utf-8"), None)


def by_key(places: list[FoundPlace]) -> dict[str, FoundPlace]:
    return {place_key(p): p for p in places}


def test_find_places_gives_the_markdown_and_offsets_into_it(found):
    markdown, places = found
    assert markdown.startswith("# Buses leave Goris for Stepanakert\n\n")
    assert {"geonames:146970", "ne:admin1:AM08", "curated:lachin-corridor"} <= set(by_key(places))
    for place in places:
        for span in place.mentions:
            assert markdown[span.start : span.end] == span.text


def test_draft_files_are_every_file_of_a_folder_geo_check_accepts(found, tmp_path):
    markdown, places = found
    files = draft_files(markdown, places, INFO, today=dt.date(2024, 6, 1))
    assert tuple(files) == DRAFT_FILES and all(isinstance(v, bytes) for v in files.values())
    write_files(files, tmp_path / "data")
    reports = {r.file: r.summary for r in check_data(tmp_path / "data")}
    assert reports["events.yaml"] == "0 events"
    assert reports["places.yaml"].startswith(f"{len(places)} places: {len(places)} named in the article")
    assert yaml.safe_load(files["events.yaml"]) == {"events": []}


def test_write_draft_writes_what_draft_files_makes(found, tmp_path):
    markdown, places = found
    write_draft(SAMPLE.read_text(encoding="utf-8"), tmp_path / "out", INFO, today=dt.date(2024, 6, 1))
    files = draft_files(markdown, places, INFO, today=dt.date(2024, 6, 1))
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == files


def test_reject_drops_a_place(found):
    markdown, places = found
    kept = apply_decisions(places, {"geonames:174840": Decision("reject"), "geonames:174895": Decision("keep")})
    assert "geonames:174840" not in by_key(kept) and len(kept) == len(places) - 1
    entries = yaml.safe_load(draft_files(markdown, kept, INFO)["places.yaml"])["places"]
    assert "kornidzor" not in {e["slug"] for e in entries}


def test_choose_picks_the_runner_up_and_its_coordinates(found):
    markdown, places = found
    syunik = by_key(places)["ne:admin1:AM08"]
    village = next(c for c in syunik.runners_up if c.toponym.kind == "village")
    for choice in (village.toponym.ref, village.toponym.geonameid, str(village.toponym.geonameid)):
        chosen = by_key(apply_decisions(places, {"ne:admin1:AM08": Decision("choose", choice)}))
        assert "ne:admin1:AM08" not in chosen
        place = chosen[village.toponym.ref]
        assert (place.toponym.lat, place.toponym.lon) == (village.toponym.lat, village.toponym.lon)
        assert place.mentions == syunik.mentions and place.score == village.share
        assert place.runners_up[0].toponym.ref == "ne:admin1:AM08"  # the geoparser's choice, now second
    files = draft_files(markdown, list(chosen.values()), INFO)
    entry = next(e for e in yaml.safe_load(files["places.yaml"])["places"] if e["slug"] == "syunik")
    assert entry["sources"]["geonames"] == village.toponym.geonameid and entry["geometry"] == village.toponym.ref
    feature = next(f for f in json.loads(files["geometry.geojson"])["features"] if f["id"] == village.toponym.ref)
    assert feature["geometry"]["coordinates"] == [village.toponym.lon, village.toponym.lat]


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        ({"geonames:1": Decision("reject")}, "no found place has the key geonames:1"),
        ({"ne:admin1:AM08": Decision("choose", "geonames:587084")}, "not a candidate for “Syunik”"),
    ],
)
def test_decisions_that_cannot_apply_are_refused(found, decisions, message):
    with pytest.raises(InputError, match=message):
        apply_decisions(found.places, decisions)


@pytest.mark.parametrize(("action", "choice"), [("delete", None), ("choose", None), ("reject", "geonames:1")])
def test_a_decision_is_one_of_three(action, choice):
    with pytest.raises(InputError):
        Decision(action, choice)


MISSED = (
    "Mines near Kapan\n\n"
    "The Kapan Mining Company said on Monday that trucks from Goris and Stepanakert were stopped. "
    "Workers in Narnia Street waited, and the company's office in Yerevan said nothing."
)


def test_add_name_finds_a_missed_name_and_its_best_candidate():
    markdown, places = find_places(MISSED, None)
    assert "geonames:174875" in by_key(places)  # the title's Kapan; the company's is not a mention
    kapan = by_key(places)["geonames:174875"]
    assert [s.start for s in kapan.mentions] == [markdown.index("Kapan")]
    with pytest.raises(InputError, match="already on the list"):
        add_name(markdown, "Stepanakert", places)
    without = [p for p in places if place_key(p) != "geonames:174875"]
    added = add_name(markdown, " Kapan ", without)
    assert place_key(added) == "geonames:174875" and added.toponym.country == "AM"
    assert [(s.text, s.start) for s in added.mentions] == [
        ("Kapan", markdown.index("Kapan")),
        ("Kapan", markdown.index("Kapan Mining")),
    ]
    files = draft_files(markdown, [*without, added], INFO)
    entry = next(e for e in yaml.safe_load(files["places.yaml"])["places"] if e["slug"] == "kapan")
    assert entry["sources"]["geonames"] == 174875


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Lisbon", "“Lisbon” is not in the text"),
        ("kapan", "“kapan” is not in the text"),
        ("Narnia", "“Narnia” is not in the gazetteer"),
        ("   ", "type the place name"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_add_name_refuses_what_it_cannot_map(name, message):
    markdown, places = find_places(MISSED, None)
    with pytest.raises(InputError, match=message):
        add_name(markdown, name, places)


def test_a_name_added_for_a_place_already_found_joins_it():
    text = "Roads\n\nBuses leave Stepanakert for Goris. In Khankendi, as Azerbaijan calls it, the market is open."
    markdown, places = find_places(text, None)
    stepanakert = by_key(places)["geonames:146970"]
    assert {m.text for m in stepanakert.mentions} == {"Stepanakert", "Khankendi"}
    # As if the geoparser had missed the other name: the editor adds it, and it joins the same place.
    missed = replace(stepanakert, mentions=tuple(m for m in stepanakert.mentions if m.text == "Stepanakert"))
    others = [missed if p is stepanakert else p for p in places]
    added = add_name(markdown, "Khankendi", others)
    assert place_key(added) == "geonames:146970"
    merged = by_key(apply_decisions([*others, added], {}))
    assert merged["geonames:146970"].mentions == stepanakert.mentions
    assert len(merged) == len(places)


@pytest.fixture(scope="module")
def crowded() -> FoundText:
    """A text naming 40 more places than a draft holds."""
    return find_places(article_naming(gazetteer_names(MAX_DRAFT_PLACES + 40)), None)


def test_a_draft_keeps_the_first_places_up_to_its_limit_and_says_how_many_it_left_out(crowded):
    markdown, places = crowded
    assert len(places) == MAX_DRAFT_PLACES
    starts = [p.mentions[0].start for p in places]
    assert starts == sorted(starts)  # the article's order
    left_out = geoparse(markdown)[MAX_DRAFT_PLACES:]
    assert crowded.left_out == len(left_out) > 0 and crowded.first_left_out == left_out[0].name
    assert crowded.notice == (
        f"The text names {MAX_DRAFT_PLACES + len(left_out)} places; a draft holds at most {MAX_DRAFT_PLACES}, "
        f"so it keeps the first {MAX_DRAFT_PLACES} in the article's order and leaves out the other "
        f"{len(left_out)} (from “{left_out[0].name}” on). To map them, split the text into shorter articles."
    )
    entries = yaml.safe_load(draft_files(markdown, places, INFO)["places.yaml"])["places"]
    assert len(entries) == MAX_DRAFT_PLACES


def test_a_text_within_the_limit_leaves_nothing_out(found):
    assert found.left_out == 0 and found.first_left_out is None and found.notice is None


def test_past_the_limit_a_name_joins_a_place_on_the_list_but_adds_none(crowded):
    markdown, places = crowded
    later = f"{markdown}\nLater the market in Goris was quiet, and in {places[0].name} again.\n"
    with pytest.raises(InputError, match=f"already holds {MAX_DRAFT_PLACES} places, the most a draft can hold"):
        add_name(later, "Goris", places)
    joined = add_name(later, places[0].name, places)
    assert place_key(joined) == place_key(places[0])


def test_geo_new_says_which_places_it_left_out(tmp_path, capsys):
    source = tmp_path / "crowded.txt"
    source.write_text(article_naming(gazetteer_names(MAX_DRAFT_PLACES + 40)), encoding="utf-8")
    assert main(["new", str(source), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {tmp_path / 'out'}: {MAX_DRAFT_PLACES} places" in printed
    assert f"a draft holds at most {MAX_DRAFT_PLACES}, so it keeps the first {MAX_DRAFT_PLACES}" in printed
    assert len(places(tmp_path / "out")) == MAX_DRAFT_PLACES


def test_draft_files_refuse_more_places_than_a_draft_holds(crowded):
    every = geoparse(crowded.markdown)
    with pytest.raises(
        InputError, match=f"the draft has {len(every)} places; a draft holds at most {MAX_DRAFT_PLACES}"
    ):
        draft_files(crowded.markdown, every, INFO)


def test_article_info_is_tidied_and_checked():
    info = ArticleInfo(title="  Roads\nto  Goris ", author="", publisher="   ", url=" https://example.com/a ")
    assert (info.title, info.author, info.publisher, info.url) == (
        "Roads to Goris",
        None,
        None,
        "https://example.com/a",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "javascript:alert(1)"}, r"the link must be an http\(s\) address"),
        ({"url": "example.com"}, r"the link must be an http\(s\) address"),
        ({"title": "x" * 301}, "the title is too long"),
        ({"url": "https://example.com/?q=" + "x" * 2000}, "the link is too long"),
        ({"author": 5}, "the author must be text"),
        ({"published": "2024-01-01"}, "must be a date"),
    ],
)
def test_article_info_that_no_atlas_can_hold_is_refused(fields, message):
    with pytest.raises(InputError, match=message):
        ArticleInfo(**fields)


# Zips and the temporary atlas ----------------------------------------------------------------


@pytest.fixture(scope="module")
def files(found) -> dict[str, bytes]:
    return draft_files(*found, INFO, today=dt.date(2024, 6, 1))


def test_the_data_zip_holds_every_file_under_one_folder_and_is_reproducible(files):
    data = zip_files(files, "buses-leave-goris")
    assert zip_files(files, "buses-leave-goris") == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == sorted(f"buses-leave-goris/{name}" for name in files)
        assert {n.split("/", 1)[1]: archive.read(n) for n in archive.namelist()} == files


@pytest.mark.parametrize("folder", ["", "..", "../x", "a/b", "/abs", ".hidden", "a b", "draft\n"])
def test_a_zip_folder_or_file_name_cannot_leave_the_zip(files, folder):
    with pytest.raises(InputError):
        zip_files(files, folder)


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "a//b", "a\\b", ""])
def test_a_file_name_that_could_land_outside_is_refused(name):
    with pytest.raises(InputError):
        zip_files({name: b"x"}, "draft")


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """The temporary folder that site_zip and load_draft_atlas work in, to see that they leave it empty."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_site_zip_holds_the_index_and_every_place_page(files, scratch):
    slugs = [p["slug"] for p in yaml.safe_load(files["places.yaml"])["places"]]
    with zipfile.ZipFile(io.BytesIO(site_zip(files))) as archive:
        names = set(archive.namelist())
        assert {"atlas-site/index.html", "atlas-site/article.html", "atlas-site/assets/leaflet/leaflet.js"} <= names
        assert {f"atlas-site/place/{slug}.html" for slug in slugs} <= names
        assert "Stepanakert" in archive.read("atlas-site/place/stepanakert.html").decode()
    assert list(scratch.iterdir()) == []


def test_a_draft_opens_as_an_atlas_and_leaves_nothing_on_disk(files, scratch):
    draft = load_draft_atlas(files)
    assert [p.slug for p in draft.atlas.places][:2] == ["goris", "stepanakert"]
    assert draft.tour.title == "Buses leave Goris for Stepanakert: a tour of the places"
    assert len(draft.tour.steps) == len(draft.atlas.places)
    assert draft.events == () and draft.context.towns == () and draft.waters.rivers == ()
    assert list(scratch.iterdir()) == [] and not draft.atlas.data_dir.exists()


def test_a_broken_draft_is_a_data_error_and_leaves_nothing_on_disk(files, scratch):
    broken = {**files, "places.yaml": b"places: [{slug: x}]\n"}
    with pytest.raises(DataError):
        load_draft_atlas(broken)
    assert list(scratch.iterdir()) == []


PAYLOAD = "<script>alert('x')</script>"


def test_pasted_markup_is_escaped_in_every_page_of_the_site(scratch):
    text = read_paste(f"Buses leave Goris {PAYLOAD}\n\nBuses now leave Goris for Stepanakert. {PAYLOAD} Baku said no.")
    markdown, places = find_places(text, f"Roads {PAYLOAD}")
    info = ArticleInfo(author=PAYLOAD, publisher=PAYLOAD)
    with zipfile.ZipFile(io.BytesIO(site_zip(draft_files(markdown, places, info)))) as archive:
        pages = [n for n in archive.namelist() if n.endswith(".html")]
        assert len(pages) >= 4
        for name in pages:
            html = archive.read(name).decode()
            assert PAYLOAD not in html and "alert('x')</script>" not in html, name
        assert "&lt;script&gt;alert(" in archive.read("atlas-site/article.html").decode()


def test_a_curated_settlement_without_a_geonames_id_is_drawn_at_its_point(tmp_path):
    """Martakert is not in GeoNames' cities500; aliases.yaml gives its point and source."""
    text = (
        "Shelling near Martakert\n\n"
        "Residents of Martakert left for Stepanakert on Tuesday, and some went on to Goris in Armenia."
    )
    markdown, places = find_places(read_paste(text), None)
    martakert = next(p for p in places if p.toponym.ref == "curated:martakert")
    files = draft_files(markdown, [martakert, *[p for p in places if p is not martakert]], INFO)
    entry = next(e for e in yaml.safe_load(files["places.yaml"])["places"] if e["name"] == "Martakert")
    assert entry["geometry"] == "curated:martakert" and "geometry_note" not in entry
    feature = next(f for f in json.loads(files["geometry.geojson"])["features"] if f["id"] == "curated:martakert")
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert abs(lat - 40.2153) < 0.01 and abs(lon - 46.8128) < 0.01
    write_files(files, tmp_path / "data")
    reports = {r.file: r.summary for r in check_data(tmp_path / "data")}  # raises DataError on a problem
    assert reports["geometry.geojson"] == f"{len(json.loads(files['geometry.geojson'])['features'])} features"


def test_a_draft_draws_rivers_lakes_seas_and_regions_at_their_point(tmp_path):
    """No outline for the Nile or the Sahel in the compact gazetteer: the draft marks them at their source's point."""
    text = tmp_path / "water.txt"
    text.write_text(
        "Floods along the Nile reached Khartoum. Fishermen on Lake Victoria and tankers in the Strait of Hormuz "
        "waited, and drought hit the Sahel.\n",
        encoding="utf-8",
    )
    out = tmp_path / "draft"
    assert main(["new", str(text), "--out", str(out), "--title", "Water news"]) == 0
    drawn = {p["name"]: p["geometry"] for p in places(out).values()}
    features = {
        f["id"]: f["geometry"] for f in json.loads((out / "geometry.geojson").read_text(encoding="utf-8"))["features"]
    }
    rows = {r["name"]: r for r in json.loads((GEOPARSE_DIR / PHYSICAL_FILE).read_bytes())["features"]}
    for name in ("Lake Victoria", "Sahel"):
        assert features[drawn[name]] == {"type": "Point", "coordinates": [rows[name]["lon"], rows[name]["lat"]]}, name
    # a river is marked at the point of its course nearest the text's towns: the Nile by Khartoum, not its middle
    khartoum = (15.55, 32.53)
    nearest = min(rows["Nile"]["course"], key=lambda p: (p[0] - khartoum[0]) ** 2 + (p[1] - khartoum[1]) ** 2)
    assert features[drawn["Nile"]] == {"type": "Point", "coordinates": [nearest[1], nearest[0]]}
    assert nearest != [rows["Nile"]["lat"], rows["Nile"]["lon"]]
    assert features[drawn["Strait of Hormuz"]]["type"] == "Point"
    assert load_atlas(out).places  # the atlas loads the draft with its points


def test_an_island_is_drawn_at_its_point_and_described_as_an_island_of_its_country():
    """Natural Earth's islands have no outline in the compact gazetteer: a point, and words a reader understands."""
    toponyms = load_toponyms()
    (place,) = [p for p in geoparse("Floods hit Sumatra on Monday.", toponyms) if p.toponym.kind == "island"]
    entry, feature = place_entry(place, "sumatra", toponyms, country_names())
    assert entry["kind"] == "region" and entry["description"].startswith("Island in Indonesia (Natural Earth")
    assert feature["geometry"] == {"type": "Point", "coordinates": [place.toponym.lon, place.toponym.lat]}
    assert entry["geometry_note"] == "The compact gazetteer has no outline for it: drawn at its point."
