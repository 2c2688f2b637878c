"""One student cannot stall the class's server: each test is one way a hostile input used to cost
without bound (a paste naming thousands of places, rooms opened tab after tab, atlases saved over
and over, a formula in a pasted paragraph), and checks the limit that now holds.

Each test imports the limit it checks itself, so that on a tree without it that test alone fails.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from geo.geoparser.draft import ArticleInfo, draft_files, find_places, load_draft_atlas, site_zip
from geo.geoparser.many_places import article_naming, gazetteer_names
from geo.geoparser.review import review_view
from geo.render.serialize import places_csv_text
from geo.rooms.backends import open_store
from geo.rooms.store import RoomError, StoreSettings

STUDENT = "198.51.100.23"
HYPERLINK = '=HYPERLINK("https://example.org/phish","Click here for the map of Baku")'


def test_a_paste_naming_a_thousand_places_makes_a_draft_of_at_most_the_limit():
    from geo.geoparser.draft import MAX_DRAFT_PLACES

    found = find_places(article_naming(gazetteer_names(1000)), None)
    assert len(found.places) == MAX_DRAFT_PLACES and found.left_out > 600
    assert f"a draft holds at most {MAX_DRAFT_PLACES}" in found.notice
    view = review_view(found.markdown, found.places, {}, page=2, per_page=25)
    assert len(view.rows) == 25 and view.total == MAX_DRAFT_PLACES and view.rows[0].number == 26


def test_three_tabs_opening_three_rooms_each_stop_at_the_addresss_share(room_settings):
    from geo.rooms.store import DEFAULT_ROOMS_PER_CLIENT, RoomLimit

    opened, refused = 0, 0
    for _tab in range(3):  # each a new session (a reload, another tab), maybe on another worker
        store = open_store(room_settings)
        try:
            for _ in range(3):
                try:
                    store.create(client=STUDENT)
                    opened += 1
                except RoomLimit:
                    refused += 1
        finally:
            store.shutdown()
    assert (opened, refused) == (DEFAULT_ROOMS_PER_CLIENT, 9 - DEFAULT_ROOMS_PER_CLIENT)


def test_the_server_opens_no_more_rooms_than_its_cap(room_settings):
    from dataclasses import replace

    from geo.rooms.store import RoomLimits

    store = open_store(replace(room_settings, limits=RoomLimits(max_rooms=5)))
    try:
        for n in range(5):
            store.create(client=f"192.0.2.{n}")
        with pytest.raises(RoomError, match="the most it holds"):
            store.create(client="192.0.2.200")
    finally:
        store.shutdown()


def test_a_new_room_finds_idle_rooms_by_an_index(tmp_path):
    store = open_store(StoreSettings(rooms_dir=tmp_path / "rooms"))
    store.shutdown()
    db = sqlite3.connect(tmp_path / "rooms" / "rooms.sqlite3")
    try:
        plan = db.execute("EXPLAIN QUERY PLAN DELETE FROM rooms WHERE touched < 0").fetchall()
    finally:
        db.close()
    assert "INDEX" in " ".join(row[-1] for row in plan)


@pytest.fixture(scope="module")
def sample_files() -> dict[str, bytes]:
    text = (Path(__file__).parent / "fixtures" / "geoparse" / "draft-sample.txt").read_text(encoding="utf-8")
    return draft_files(*find_places(text, None), ArticleInfo())


def test_saving_the_same_atlas_again_keeps_no_second_copy(sample_files, tmp_path):
    from geo.geoparser.saved import save_atlas

    first = save_atlas(tmp_path, sample_files, "Buses")
    assert save_atlas(tmp_path, dict(sample_files), "Buses") == first
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [first]


def test_one_address_cannot_fill_the_folder_of_saved_atlases(sample_files, tmp_path):
    from geo.geoparser.saved import DEFAULT_LIMITS, SaveLimit, save_atlas

    def another(n: int) -> dict[str, bytes]:
        return {**sample_files, "article.md": sample_files["article.md"] + b" " * n}

    saved = []
    with pytest.raises(SaveLimit, match="in the last hour"):
        for n in range(DEFAULT_LIMITS.saves_per_hour + 1):
            saved.append(save_atlas(tmp_path, another(n), "Buses", STUDENT))
    assert len(saved) == DEFAULT_LIMITS.saves_per_hour


def test_a_formula_in_a_pasted_paragraph_reaches_no_csv_as_a_formula():
    text = f"Roads to the east\n\n{HYPERLINK}\n\nBuses left Baku at dawn.\n"
    files = draft_files(*find_places(text, None), ArticleInfo())
    atlas = load_draft_atlas(files).atlas
    with zipfile.ZipFile(io.BytesIO(site_zip(files, "site"))) as archive:
        in_site = archive.read("site/data/places.csv").decode("utf-8")
    for name, text in (("download", places_csv_text(atlas)), ("static site", in_site)):
        [baku] = [row for row in csv.DictReader(io.StringIO(text)) if row["slug"] == "baku"]
        assert baku["first_passage"] == "'" + HYPERLINK, name  # shown as text, never run
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not any(cell.startswith("=") for cell in cells), name
