"""The map rendered once per process (geo/app/atlas_map.py): the same map on every run, a highlight per selection."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app.atlas_map import (
    LOADER,
    SCRIPT_CACHE,
    SOURCE_MAP,
    cached,
    local_script,
    render_highlight,
    render_map,
    render_places_highlight,
    script_of,
    write_script_file,
)
from geo.app.folium_component import fit_first, quiet_start
from geo.app.style import compact_css
from geo.render.maps import MAP_CSS_FILES, build_map, place_bounds, view_for
from geo.render.templating import static_text

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TOUR = str(ROOT / "pages" / "1_Classroom_tour.py")


def map_args(at: AppTest) -> dict:
    """The arguments the page sent to the map's front end on its last run."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def highlighted_slugs(script: str | None) -> set[str]:
    """The places a highlight draws: their features (a saved atlas's or a draft's map) or, on a map
    drawn from static/atlas/places.js (the default atlas's), the slugs it names."""
    inline = set(re.findall(r'"slug": "([a-z0-9-]+)"', script or ""))
    called = re.search(r"AtlasPlaces\.highlight\(map_div, (\[[^\]]*\])\)", script or "")
    return inline | set(json.loads(called.group(1)) if called else ())


@pytest.fixture(scope="module")
def explore_runs(atlas):
    """One Explore session that opens with no place, then picks three in turn."""
    at = AppTest.from_file(APP, default_timeout=60)
    runs = []
    for slug in (None, "baku", "stepanakert", "zangezur-corridor"):
        if slug:
            at.query_params["place"] = slug
        at.run()
        assert not at.exception
        runs.append((slug, map_args(at)))
    return runs


def test_every_run_sends_the_same_map_so_the_browser_keeps_it(explore_runs):
    first = explore_runs[0][1]
    assert len(script_of(first)) > 10_000 and "L.map(" in script_of(first)
    for _slug, args in explore_runs[1:]:
        # The first run's map reports once drawn (geo/app/explore.py); the script is the same otherwise.
        quiet = quiet_start(args["returned_objects"])
        assert args["script"].removesuffix(quiet) == first["script"].removeprefix(fit_first())
        assert args["header"] == first["header"]
        assert args["key"] == first["key"]
        assert args["js_links"] == first["js_links"] and args["css_links"] == first["css_links"]


def test_a_map_opening_on_its_opening_view_takes_it_before_drawing_its_places(explore_runs):
    """Placed once, at the opening view, rather than at the map's first view and again just after."""
    for slug, args in explore_runs:
        assert args["script"].startswith(fit_first()) == (slug is None), slug
    drawing = script_of(explore_runs[0][1])
    fitted = drawing.index("if (window.atlasOpensFitted) { window.atlasOpening(); }")
    assert drawing.index("L.map(") < fitted < drawing.index("AtlasPlaces.draw(")


def test_the_highlight_follows_the_selection(explore_runs):
    for slug, args in explore_runs:
        if slug is None:
            # No place: nothing highlighted, and the browser fits the opening view to the map's real size.
            assert highlighted_slugs(args["feature_group"]) == set()
            assert "atlasOpening" in args["feature_group"]
            assert args["center"] is None and args["zoom"] is None
        else:
            assert highlighted_slugs(args["feature_group"]) == {slug}


def test_the_view_is_fitted_to_the_selected_place(explore_runs, atlas):
    for slug, args in explore_runs[1:]:
        center, zoom = view_for(place_bounds(atlas, atlas.by_slug[slug]), 480, 640)
        assert args["center"] == list(center)
        assert args["zoom"] == zoom


def test_the_map_draws_its_places_from_the_cached_script_and_sends_none(explore_runs, atlas):
    """The places travel once, in static/atlas/places.js, not in the arguments of every run."""
    args = explore_runs[0][1]
    assert static_text("atlas/places.js").rstrip() in script_of(args)  # carried by the map's cached script
    assert "AtlasPlaces.draw(" in script_of(args)
    assert re.findall(r'"slug": "([a-z0-9-]+)"', script_of(args)) == []
    for _slug, run in explore_runs:
        assert "coordinates" not in (run["feature_group"] or "")


def test_the_per_run_arguments_carry_no_map_script_only_the_view_and_the_selection(explore_runs):
    """The map's script travels once, as a cached file; each change sends a loader, the view and the highlight."""
    for slug, args in explore_runs:
        assert args["script"].removeprefix(fit_first()).startswith(LOADER) and "L.map(" not in args["script"]
        assert "L.map(" not in json.dumps(args) and "AtlasPlaces.draw(" not in json.dumps(args)
        # What changes between runs: the view and the selection, a few hundred bytes.
        assert len(json.dumps({k: args[k] for k in ("center", "zoom", "feature_group")})) < 400, slug
    assert len(json.dumps(explore_runs[1][1])) < 3_000


def test_the_script_file_is_named_for_its_page_and_content_and_replaces_older_ones(tmp_path, atlas):
    rendered = render_map(build_map(atlas, basemap_from_script=True, places_from_script=True), "k")
    (tmp_path / "page-map-k-0000.js").write_text("old", encoding="utf-8")
    (tmp_path / "page-map-other-0000.js").write_text("another page's", encoding="utf-8")
    made = cached(rendered, "k", tmp_path)
    name = made.js_links[0].rsplit("/", 1)[1]
    assert made.js_links[0] == f"/app/static/{SCRIPT_CACHE}/{name}"
    assert made.js_links == (made.js_links[0],) and sorted(made.bundled + made.data_links) == sorted(rendered.js_links)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "page-map-other-0000.js"])
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert "window.atlasPageMap = function () {" in text and rendered.script in text
    assert json.dumps(rendered.header) in text  # the header's rules, added by the file
    assert made.script == LOADER and made.header == "" and made.component_key == rendered.component_key
    assert cached(rendered, "k", tmp_path) == made
    assert write_script_file("another map", tmp_path, "page-map-k-") != name


def test_the_script_file_carries_every_script_the_map_waits_for_in_their_order(tmp_path, atlas):
    """The front end loads the frame's scripts one after another: one file, one round trip, Leaflet first."""
    rendered = render_map(build_map(atlas, basemap_from_script=True, places_from_script=True), "k")
    made = cached(rendered, "k", tmp_path)
    text = (tmp_path / made.js_links[0].rsplit("/", 1)[1]).read_text(encoding="utf-8")
    assert [link.rsplit("/", 1)[1] for link in made.bundled][:1] == ["leaflet.js"] and len(made.bundled) > 3
    at = [text.index(SOURCE_MAP.sub("", local_script(link)).rstrip()) for link in made.bundled]
    assert at == sorted(at) and at[-1] < text.index("window.atlasPageMap = function")
    assert "sourceMappingURL" not in text  # Leaflet's map would be looked for beside the cached file
    # What the frame needs after the chain is fetched from the start: the data below and Leaflet's style sheet.
    hints = json.loads(re.search(r"^\s*(\[\[.*\]\])\.forEach", text, re.M).group(1))
    assert hints == [[link, "script"] for link in made.data_links] + [[link, "style"] for link in made.css_links]
    assert text.index("forEach") < at[0]


def test_a_map_linking_a_script_the_app_does_not_serve_keeps_its_links(tmp_path, atlas):
    rendered = render_map(build_map(atlas, basemap_from_script=True, places_from_script=True), "k")
    outside = replace(rendered, js_links=(*rendered.js_links, "https://cdn.example/x.js"))
    assert cached(outside, "k", tmp_path) == outside
    assert local_script("/app/static/../app.py") is None and local_script("/app/static/atlas/none.js") is None


def test_a_folder_that_cannot_be_written_keeps_the_script_inline(tmp_path, atlas):
    rendered = render_map(build_map(atlas, basemap_from_script=True, places_from_script=True), "k")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert write_script_file("a map", blocked, "page-map-k-") is None
    assert cached(rendered, "k", blocked) == rendered


def test_the_tour_map_is_rendered_once_and_follows_the_step(atlas):
    at = AppTest.from_file(TOUR, default_timeout=60)
    sent = []
    for step in ("1", "2", "3"):
        at.query_params["step"] = step
        at.run()
        assert not at.exception
        sent.append(map_args(at))
    assert len({args["script"] for args in sent}) == 1
    assert len({args["feature_group"] for args in sent}) == 3
    assert "#map_div { height: 100vh !important; }" in script_of(sent[0])


def test_highlights_rendered_at_once_from_many_threads_stay_their_own(atlas):
    slugs = [p.slug for p in atlas.places if p.geometry_ref] * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        scripts = list(pool.map(lambda s: render_highlight(atlas, s), slugs))
    for slug, script in zip(slugs, scripts, strict=True):
        assert highlighted_slugs(script) == {slug}
        assert "map_div.addLayer(feature_group_feature_group_0)" in script


def test_no_highlight_for_no_place_or_an_unknown_one(atlas):
    assert render_highlight(atlas, None) is None
    assert render_highlight(atlas, "<script>") is None


def test_rendering_is_repeatable_so_every_worker_sends_the_same_map(atlas):
    a = render_map(build_map(atlas), "atlas-map")
    b = render_map(build_map(atlas), "atlas-map")
    assert a == b
    assert render_map(build_map(atlas), "tour-map").component_key != a.component_key


def test_an_event_highlights_all_its_places_and_fits_them(atlas):
    from geo.atlas.events import load_events
    from geo.render.maps import places_bounds

    event = next(e for e in load_events(atlas) if e.slug == "ibadoglu-imprisoned")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["event"] = event.slug
    at.run()
    assert not at.exception
    args = map_args(at)
    assert highlighted_slugs(args["feature_group"]) == set(event.places) == {"azerbaijan", "london"}
    center, zoom = view_for(places_bounds(atlas, [atlas.by_slug[s] for s in event.places]), 480, 640)
    assert args["center"] == list(center) and args["zoom"] == zoom


def test_places_highlight_leaves_out_unknown_and_undrawn_places(atlas):
    script = render_places_highlight(atlas, ("baku", "stepanakert", "<script>", "russian-peacekeepers-zone"))
    assert highlighted_slugs(script) == {"baku", "stepanakert"}
    assert render_places_highlight(atlas, ("<script>",)) is None
    assert render_places_highlight(atlas, ()) is None


def test_only_the_default_atlas_map_links_the_static_orientation_script(atlas, draft_sample_files):
    """static/atlas/context.js holds the Karabakh atlas's towns and waters; another atlas's map carries
    its own (a saved atlas with a context.yaml) or none (a draft's are empty)."""
    from geo.app.atlas_map import render_page_map
    from geo.atlas.water import load_context_layers
    from geo.geoparser.draft import load_draft_atlas
    from geo.render.maps import TOWNS_LAYER

    def links_static(rendered) -> bool:
        scripts = rendered.js_links + rendered.data_links + rendered.bundled
        return any(link.endswith("/atlas/context.js") for link in scripts)

    default = render_page_map(atlas, "atlas-map", ())
    assert links_static(default) and "Sisian" not in default.drawing
    own = render_page_map(atlas, "atlas-map", (), load_context_layers(atlas))
    assert not links_static(own) and "Sisian" in own.drawing
    draft = load_draft_atlas(draft_sample_files)
    bare = render_page_map(draft.atlas, "atlas-map", (), (draft.context, draft.waters))
    assert not links_static(bare) and "Sisian" not in bare.drawing and TOWNS_LAYER not in bare.drawing


def test_an_atlas_about_anywhere_draws_the_world_and_opens_on_its_places(atlas, draft_sample_files):
    """A draft's map links the world's outlines and names (static/atlas/world.js), never the default
    atlas's Caucasus outlines, and opens on its places; the default atlas keeps its own outlines."""
    from geo.app.atlas_map import render_page_map
    from geo.geoparser.draft import load_draft_atlas
    from geo.render.maps import opening_bounds

    def links(rendered, name: str) -> bool:
        scripts = rendered.js_links + rendered.data_links + rendered.bundled
        return any(link.endswith(f"/atlas/{name}") for link in scripts)

    default = render_page_map(atlas, "atlas-map", ())
    assert links(default, "basemap.js") and not links(default, "world.js")
    assert '"world": false' in default.drawing
    draft = load_draft_atlas(draft_sample_files)
    world = render_page_map(draft.atlas, "atlas-map", (), (draft.context, draft.waters), world=True)
    assert links(world, "world.js") and not links(world, "basemap.js")
    assert "ATLAS_WORLD.outlines" in world.drawing and '"world": true' in world.drawing
    (south, west), (north, east) = opening_bounds(draft.atlas)
    lat, lon = (float(v) for v in re.search(r"center: \[([-\d.]+), ([-\d.]+)\]", world.drawing).groups())
    assert south <= lat <= north and west <= lon <= east


def test_the_map_s_own_style_sheets_travel_in_its_cached_script_not_as_files_to_fetch(explore_runs):
    args = explore_runs[0][1]
    assert [link for link in args["css_links"] if "/atlas/" in link] == []
    text = script_of(args)
    for name in MAP_CSS_FILES:
        assert json.dumps(compact_css(static_text(name)))[1:-1] in text, name
    assert text.index(":root") < text.index(".atlas-legend")  # the palette first, as when linked


def test_the_outlines_and_water_data_are_fetched_at_once_and_run_after_the_places(tmp_path, atlas):
    """The map draws them after its places: the frame's chain of scripts neither fetches nor waits for them."""
    rendered = render_map(build_map(atlas, basemap_from_script=True, places_from_script=True), "k")
    made = cached(rendered, "k", tmp_path)
    assert [link.rsplit("/", 2)[-1] for link in made.data_links] == ["basemap.js", "context.js"]
    assert not set(made.data_links) & set(made.js_links)
    text = (tmp_path / made.js_links[0].rsplit("/", 1)[1]).read_text(encoding="utf-8")
    # Fetched as the file starts, run only when what draws them asks (after the places are drawn).
    started = json.loads(re.search(r"^\}\)\((\[.*?\])\);$", text, re.M).group(1))
    assert started == list(made.data_links)
    assert text.index("window.atlasData = ") < text.index("window.atlasPageMap")
    assert "window.atlasData().then(" in made.drawing
