"""What is made once per atlas (geo/app/bundle.py): each thing once per bundle and arguments, the bundles
bounded, and every atlas its own."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo.app import bundle, source
from geo.app.atlas_map import script_of
from geo.app.bundle import Bundle
from geo.atlas.loader import load_atlas
from geo.atlas.tours import DEFAULT_TOUR
from geo.errors import DataError

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def made(atlas) -> Bundle:
    """A fresh bundle of the real atlas, so each test sees what it makes itself."""
    return Bundle(atlas)


def test_each_thing_is_made_once_per_bundle_and_arguments(made, atlas):
    assert made.view() is made.view()
    assert made.tour() is made.tour(DEFAULT_TOUR) is made.tour(name=DEFAULT_TOUR)  # defaults filled in
    assert made.steps("chronology") is made.steps("chronology") is not made.steps()
    assert made.view() is not Bundle(atlas).view()  # kept with its bundle, not shared between atlases


def test_what_many_sessions_ask_for_at_once_is_one_object(made):
    with ThreadPoolExecutor(max_workers=8) as pool:
        views = list(pool.map(lambda _: made.view(), range(16)))
    assert all(v is views[0] for v in views)


def test_a_broken_storyline_is_not_kept_and_fails_each_time(data_copy):
    made = Bundle(load_atlas(data_copy))
    (data_copy / "tour-chronology.yaml").write_text("steps: [{place: nowhere}]\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            made.tour("chronology")
    assert made.tour() is made.tour() and not any(key == ("tour", "chronology") for key in made._made)


def test_names_that_are_no_place_or_event_are_not_kept(made, atlas):
    before = len(made._made)
    assert made.highlight(None) is None and made.highlight("<script>") is None
    assert made.highlight_places(("<script>", "nowhere")) is None
    assert len(made._made) == before
    baku = made.highlight("baku")
    assert 'AtlasPlaces.highlight(map_div, ["baku"])' in baku and made.highlight("baku") is baku
    assert made.timeline_state("<x>", "<y>") is made.timeline_state(None, None)
    assert made.map_file("<script>") is made.map_file(None)


def test_links_keep_a_saved_atlas_and_file_names_follow_its_title(atlas):
    default, kept = Bundle(atlas), Bundle(atlas, source.Source("saved", "my-atlas"))
    assert default.place_hrefs()["baku"] == "?place=baku"
    assert kept.place_hrefs()["baku"] == "?place=baku&atlas=my-atlas"
    assert kept.event_hrefs()["exodus"] == "?event=exodus&atlas=my-atlas"
    assert 'href="?place=stepanakert&amp;atlas=my-atlas"' in kept.article_html()
    assert default.file_stem() == "karabakh-atlas" and default.file_stem("karabakh") == "karabakh"
    assert (
        kept.file_stem()
        == kept.file_stem("karabakh")
        == "this-is-not-the-end-of-the-conflict-between-armenia-and-azerbai"[:60]
    )


def test_a_draft_is_cached_by_its_content_so_the_same_files_load_once(draft_sample_files):
    a = source.Draft(dict(draft_sample_files), "A")
    b = source.Draft(dict(draft_sample_files), "B")
    assert a.digest == b.digest
    article = draft_sample_files["article.yaml"].replace(b"A. Reporter", b"B. Reporter")
    assert source.Draft({**draft_sample_files, "article.yaml": article}, "A").digest != a.digest
    st.cache_resource.clear()
    assert bundle.check_draft(a) is None
    first = bundle._draft_bundle(a.digest, a.files)
    assert bundle._draft_bundle(b.digest, b.files) is first
    assert first.source == source.Source("draft", a.digest)
    assert not first.atlas.data_dir.exists()  # loaded from a folder removed at once
    assert first.tour() is first.tour() and first.events() == ()  # came with it: the folder is gone


def test_drafts_and_saved_atlases_held_in_memory_are_bounded():
    assert bundle._draft_bundle._info.max_entries == bundle.MAX_DRAFTS
    assert bundle._draft_bundle._info.ttl == bundle.KEEP_SECONDS
    assert bundle._saved_bundle._info.max_entries == bundle.MAX_SAVED
    assert bundle._saved_bundle._info.ttl == bundle.KEEP_SECONDS


def test_a_broken_draft_says_why_it_cannot_open(draft_sample_files):
    broken = source.Draft({**draft_sample_files, "places.yaml": b"places: [{slug: x}]\n"}, "Broken")
    assert "places.yaml" in bundle.check_draft(broken)


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def test_each_atlas_has_its_own_map_made_once_and_kept_between_runs(draft_sample_files):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    default = map_args(at)
    draft = source.Draft(draft_sample_files, "Buses")
    at.session_state[source.DRAFT] = draft
    at.session_state[source.SOURCE] = source.Source("draft", draft.digest)
    at.run()
    first = map_args(at)
    at.query_params["place"] = "goris"
    at.run()
    second = map_args(at)
    assert first["script"] != default["script"] and first["key"] != default["key"]
    # The static orientation script is the Karabakh atlas's: the draft's map neither links it nor has its own.
    assert "/atlas/context.js" in script_of(default)  # fetched by the default map's cached script
    assert not any(link.endswith("/atlas/context.js") for link in first["js_links"])
    assert "/atlas/context.js" not in first["script"]
    assert "AtlasContext.towns(" in script_of(default) and "AtlasContext.towns(" not in first["script"]
    assert '"slug": "goris"' in first["script"] and '"slug": "nakhchivan"' not in first["script"]
    assert second["script"] == first["script"] and second["key"] == first["key"]  # the browser keeps it
    assert '"slug": "goris"' in second["feature_group"]
    kept = bundle._draft_bundle(draft.digest, draft.files)._made
    assert first["script"].startswith(kept[("page_map", "atlas-map", ())].script)  # made by the first run, kept
