"""Unit tests for shared links (geo/links.py), map building (geo/maps.py) and panel HTML (geo/panel.py)."""

from __future__ import annotations

import re

import pytest

from geo.atlas import load_atlas
from geo.links import place_link, read_place_param, search_places
from geo.maps import OSM_ATTRIBUTION, build_map, highlight_group, place_bounds, view_for
from geo.panel import credits_html, marked

HOSTILE = "<script>alert(1)</script>"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def slugs(places) -> list[str]:
    return [p.slug for p in places]


# read_place_param --------------------------------------------------------------------------


def test_valid_slug_opens_that_place(atlas):
    request = read_place_param("baku", atlas.places)
    assert request.slug == "baku"
    assert request.notice is None
    assert request.suggestions == ()


@pytest.mark.parametrize("raw", ["BAKU", "  baku ", "Baku\n", ["baku"], ["armenia", "baku"]])
def test_case_whitespace_and_lists_are_forgiven(atlas, raw):
    assert read_place_param(raw, atlas.places).slug == "baku"


@pytest.mark.parametrize("raw", [None, "", []])
def test_no_value_means_no_place_and_no_notice(atlas, raw):
    request = read_place_param(raw, atlas.places)
    assert (request.slug, request.notice, request.suggestions) == (None, None, ())


def test_unknown_slug_gives_a_notice_and_suggests_the_closest(atlas):
    request = read_place_param("bakuu", atlas.places)
    assert request.slug is None
    assert request.notice and "bakuu" in request.notice
    assert request.suggestions and request.suggestions[0] == "baku"


def test_misspelt_alias_suggests_the_place(atlas):
    request = read_place_param("khankendy", atlas.places)
    assert request.slug is None
    assert "stepanakert" in request.suggestions


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 81,
        "baku" * 100,
        HOSTILE,
        "../../etc",
        "../../etc/passwd",
        "baku'; DROP TABLE places; --",
        'baku" onmouseover="alert(1)',
        "%3Cscript%3E",
        "javascript:alert(1)",
        "${alert(1)}",
        [HOSTILE],
        ["baku", HOSTILE],
        [123],
    ],
)
def test_malformed_values_give_a_harmless_notice_and_no_slug(atlas, raw):
    request = read_place_param(raw, atlas.places)
    assert request.slug is None
    assert request.notice
    assert "<" not in request.notice and ">" not in request.notice
    assert '"' not in request.notice and "`" not in request.notice
    value = raw[-1] if isinstance(raw, list) else raw
    if isinstance(value, str) and len(value) > 3:
        assert value not in request.notice
    assert "../" not in request.notice
    assert all(s in atlas.by_slug for s in request.suggestions)


def test_very_long_values_are_not_echoed(atlas):
    request = read_place_param("x" * 5000, atlas.places)
    assert request.slug is None
    assert len(request.notice) < 200


def test_read_place_param_never_raises_on_odd_input(atlas):
    for raw in ["\x00", "ü" * 90, "-", "--", "a-", " ", "\u202e", "😀", ["", ""], [None]]:
        request = read_place_param(raw, atlas.places)
        assert request.slug is None or request.slug in atlas.by_slug


# search_places -----------------------------------------------------------------------------


def test_empty_search_lists_every_place_in_article_order(atlas):
    assert slugs(search_places(atlas.places, "")) == slugs(atlas.places)
    assert slugs(search_places(atlas.places, "   ")) == slugs(atlas.places)


def test_search_finds_stepanakert_by_its_azerbaijani_name(atlas):
    assert slugs(search_places(atlas.places, "Khankendi")) == ["stepanakert"]


def test_search_zangezur_finds_the_corridor_and_southern_armenia(atlas):
    found = slugs(search_places(atlas.places, "zangezur"))
    assert "zangezur-corridor" in found
    assert "southern-armenia" in found


@pytest.mark.parametrize("query", ["xankendi", "Xankəndi", "XANKƏNDI", "xanken"])
def test_search_ignores_case_and_accents(atlas, query):
    assert "stepanakert" in slugs(search_places(atlas.places, query))


def test_search_with_no_match_is_empty(atlas):
    assert search_places(atlas.places, "qwertyuiop") == []


def test_search_is_safe_with_regex_characters(atlas):
    for query in ["(", "[", ".*", "\\", HOSTILE]:
        assert search_places(atlas.places, query) == []


# place_link --------------------------------------------------------------------------------


def test_place_link_builds_a_query_with_the_slug():
    assert place_link("http://localhost:8501/", "baku") == "http://localhost:8501/?place=baku"
    assert place_link("http://localhost:8501", "baku") == "http://localhost:8501/?place=baku"


def test_place_link_replaces_any_previous_query_and_fragment():
    link = place_link("https://atlas.example.org/?place=armenia&x=1#top", "stepanakert")
    assert link == "https://atlas.example.org/?place=stepanakert"


def test_place_link_without_slug_is_the_bare_page():
    assert place_link("http://localhost:8501/?place=baku", None) == "http://localhost:8501/"


def test_place_link_encodes_extra_parameters():
    link = place_link("http://localhost:8501/Classroom_tour", "baku", {"step": "2 & 3"})
    assert link == "http://localhost:8501/Classroom_tour?place=baku&step=2+%26+3"


# view_for ----------------------------------------------------------------------------------


def test_view_without_bounds_is_the_default_view():
    center, zoom = view_for(None)
    assert isinstance(zoom, int)
    assert 39 < center[0] < 41 and 45 < center[1] < 48


def test_wider_bounds_give_a_smaller_zoom():
    narrow = [[39.7, 46.6], [39.9, 46.9]]
    middle = [[39.0, 45.5], [40.5, 47.5]]
    wide = [[35.0, 40.0], [45.0, 52.0]]
    zooms = [view_for(b, 800, 600)[1] for b in (narrow, middle, wide)]
    assert zooms[0] > zooms[1] > zooms[2]


def test_view_respects_the_maximum_zoom():
    tiny = [[40.0, 46.0], [40.0001, 46.0001]]
    assert view_for(tiny, 800, 600, max_zoom=10)[1] == 10


def test_every_place_view_is_centred_inside_its_bounds(atlas):
    for place in atlas.places:
        bounds = place_bounds(atlas, place)
        if bounds is None:
            assert atlas.shape(place) is None
            continue
        (south, west), (north, east) = bounds
        (lat, lon), zoom = view_for(bounds, 760, 640)
        assert south <= lat <= north, place.slug
        assert west <= lon <= east, place.slug
        assert 1 <= zoom <= 10


def test_point_places_get_context_around_them(atlas):
    (south, west), (north, east) = place_bounds(atlas, atlas.by_slug["baku"])
    assert north - south > 1 and east - west > 1


# build_map ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def map_html() -> str:
    return build_map(load_atlas()).get_root().render()


def test_map_requests_nothing_from_outside_but_osm_tiles(map_html):
    urls = set(re.findall(r"https?://[^\s\"'`<>)\\]+", map_html))
    allowed = {OSM_TILES, "https://www.openstreetmap.org/copyright"}
    assert urls <= allowed, urls - allowed


def test_map_loads_leaflet_from_the_app(map_html):
    assert "/app/static/leaflet/leaflet.js" in map_html
    assert "/app/static/leaflet/leaflet.css" in map_html
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrap", "font-awesome"):
        assert cdn not in map_html


def test_osm_attribution_link_is_the_only_anchor_in_it():
    assert re.findall(r"https?://[^\"]+", OSM_ATTRIBUTION) == ["https://www.openstreetmap.org/copyright"]


def test_map_draws_every_place_with_geometry(atlas, map_html):
    for place in atlas.places:
        if place.geometry_ref:
            assert f'"slug": "{place.slug}"' in map_html, place.slug


def test_selected_map_highlights_and_stays_offline(atlas):
    html_text = build_map(atlas, selected="stepanakert").get_root().render()
    assert "fitBounds" in html_text
    urls = set(re.findall(r"https?://[^\s\"'`<>)\\]+", html_text))
    assert urls <= {OSM_TILES, "https://www.openstreetmap.org/copyright"}


def test_highlight_group_is_empty_for_a_place_without_geometry(atlas):
    place = next(p for p in atlas.places if not p.geometry_ref)
    assert not highlight_group(atlas, place)._children
    assert highlight_group(atlas, atlas.by_slug["baku"])._children


def renamed_atlas(edit_yaml, data_copy, slug: str, name: str):
    def rename(data):
        entry = next(p for p in data["places"] if p["slug"] == slug)
        entry["name"] = name

    edit_yaml("places.yaml", rename)
    return load_atlas(data_copy)


def test_a_hostile_place_name_reaches_the_map_only_escaped(edit_yaml, data_copy):
    atlas = renamed_atlas(edit_yaml, data_copy, "baku", HOSTILE)
    assert atlas.by_slug["baku"].name == HOSTILE
    for selected in (None, "baku"):
        fmap = build_map(atlas, selected=selected)
        text = fmap.get_root().render()
        assert HOSTILE not in text
        # Escaped for HTML; inside the map's GeoJSON data folium also writes "&" as \u0026.
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        assert escaped in text or escaped.replace("&", "\\u0026") in text
        highlight = highlight_group(atlas, atlas.by_slug["baku"])
        highlight.add_to(fmap)
        assert HOSTILE not in fmap.get_root().render()


def test_a_place_name_cannot_break_out_of_the_tooltip_script(edit_yaml, data_copy):
    """Tooltips are JavaScript template literals: a backtick or ${...} in a name must stay text."""
    name = "Baku`+alert(1)+` ${alert(2)}"
    atlas = renamed_atlas(edit_yaml, data_copy, "baku", name)
    text = build_map(atlas, selected="baku").get_root().render()
    tooltips = re.findall(r"bindTooltip\(\s*`(.*?)`,\s*\{", text, flags=re.S)
    baku = [t for t in tooltips if "Baku" in t]
    assert len(baku) == 1  # the highlight's tooltip; the map's own labels are read from its GeoJSON data
    assert "`+alert(1)+`" not in text and "${alert(2)}" not in text
    for tooltip in baku:
        assert "`" not in tooltip and "${" not in tooltip, tooltip


# panel -------------------------------------------------------------------------------------


def test_marked_escapes_text_and_wraps_each_span():
    text = "A <b>bold</b> claim about Baku & Shusha"
    out = marked(text, ((text.index("Baku"), text.index("Baku") + 4), (text.index("Shusha"), len(text))))
    assert out == "A &lt;b&gt;bold&lt;/b&gt; claim about <mark>Baku</mark> &amp; <mark>Shusha</mark>"


def test_marked_sorts_spans_and_escapes_inside_them():
    text = "<i>x</i> and y"
    out = marked(text, ((13, 14), (0, 8)))
    assert out == "<mark>&lt;i&gt;x&lt;/i&gt;</mark> and <mark>y</mark>"


def test_marked_without_spans_only_escapes():
    assert marked(HOSTILE, ()) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_credits_name_the_article_and_every_source(atlas):
    text = credits_html(atlas.meta)
    assert atlas.meta.author in text
    assert "openDemocracy" in text
    assert "GeoNames" in text and "CC BY 4.0" in text
    assert "Natural Earth" in text
    assert "OpenStreetMap" in text
    assert "OpenStreetMap" not in credits_html(atlas.meta, osm=False)


def test_credits_escape_hostile_metadata(atlas):
    from dataclasses import replace

    meta = replace(atlas.meta, title=HOSTILE, author=HOSTILE, url='javascript:alert(1)" onclick="x')
    text = credits_html(meta)
    assert HOSTILE not in text
    assert 'onclick="x' not in text
