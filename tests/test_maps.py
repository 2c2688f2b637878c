"""The folium map (geo/render/maps.py): every place drawn, nothing fetched from outside, names escaped."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from geo.atlas.loader import load_atlas
from geo.render.maps import (
    CONTEXT_SCRIPTS,
    LEGEND,
    NARROW_MAP,
    OSM_LAYER,
    OSM_TILES,
    PLAIN_LAYER,
    TOWNS_LAYER,
    WATER_LAYER,
    build_map,
    highlight_group,
    map_feature,
    place_bounds,
    styles,
    view_for,
)

HOSTILE = "<script>alert(1)</script>"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"


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
    allowed = {"https://tile.openstreetmap.org/{z}/{x}/{y}.png", OSM_COPYRIGHT}
    assert urls <= allowed, urls - allowed


def test_map_loads_leaflet_from_the_app(map_html):
    assert "/app/static/leaflet/leaflet.js" in map_html
    assert "/app/static/leaflet/leaflet.css" in map_html
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrap", "font-awesome"):
        assert cdn not in map_html


def tile_layers(map_html: str) -> dict[str, str]:
    """Each tile layer's URL and its attribution as HTML, read from the map's script."""
    pattern = r'L\.tileLayer\(\s*"([^"]+)",\s*\{[^}]*?"attribution": ("(?:[^"\\]|\\.)*")'
    return {url: json.loads(attribution) for url, attribution in re.findall(pattern, map_html)}


@pytest.mark.parametrize("osm_default", [False, True])
def test_the_only_tile_layer_is_osm_credited_with_one_link_to_its_copyright(atlas, osm_default):
    layers = tile_layers(build_map(atlas, osm_default=osm_default).get_root().render())
    assert list(layers) == [OSM_TILES]
    credit = BeautifulSoup(layers[OSM_TILES], "html.parser")
    assert [(a["href"], a.get_text()) for a in credit.find_all("a")] == [(OSM_COPYRIGHT, "OpenStreetMap")]
    assert credit.get_text() == "© OpenStreetMap contributors"


def test_map_draws_every_place_with_geometry(atlas, map_html):
    for place in atlas.places:
        if place.geometry_ref:
            assert f'"slug": "{place.slug}"' in map_html, place.slug


def test_selected_map_highlights_and_stays_offline(atlas):
    html_text = build_map(atlas, selected="stepanakert").get_root().render()
    assert "fitBounds" in html_text
    urls = set(re.findall(r"https?://[^\s\"'`<>)\\]+", html_text))
    assert urls <= {"https://tile.openstreetmap.org/{z}/{x}/{y}.png", OSM_COPYRIGHT}


def test_highlight_group_is_empty_for_a_place_without_geometry(atlas):
    place = next(p for p in atlas.places if not p.geometry_ref)
    assert not highlight_group(atlas, place)._children
    assert highlight_group(atlas, atlas.by_slug["baku"])._children


def test_several_places_are_highlighted_together_towns_on_top(atlas):
    from geo.render.maps import highlight_places_group

    places = [atlas.by_slug[s] for s in ("stepanakert", "nagorno-karabakh", "russian-peacekeepers-zone")]
    group = highlight_places_group(atlas, places)
    layers = list(group._children.values())
    assert [layer.data["features"][0]["properties"]["slug"] for layer in layers] == ["nagorno-karabakh", "stepanakert"]
    assert not highlight_places_group(atlas, [atlas.by_slug["russian-peacekeepers-zone"]])._children


def test_places_bounds_hold_every_place(atlas):
    from geo.render.maps import places_bounds

    places = [atlas.by_slug[s] for s in ("baku", "stepanakert", "russian-peacekeepers-zone")]
    (south, west), (north, east) = places_bounds(atlas, places)
    for place in places[:2]:
        (s, w), (n, e) = place_bounds(atlas, place)
        assert south <= s and west <= w and n <= north and e <= east
    assert places_bounds(atlas, [atlas.by_slug["russian-peacekeepers-zone"]]) is None
    assert places_bounds(atlas, [atlas.by_slug["baku"]]) == place_bounds(atlas, atlas.by_slug["baku"])


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


def test_map_feature_carries_the_slug_and_escaped_labels(atlas):
    baku = atlas.by_slug["baku"]
    feature = map_feature(baku, atlas.shape(baku).geom, "capital")
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    expected = {"slug": "baku", "name": "Baku", "kind": "capital", "label": "Baku", "style": "capital"}
    assert feature["properties"] == expected
    corridor = atlas.by_slug["zangezur-corridor"]
    assert map_feature(corridor, atlas.shape(corridor).geom)["properties"]["label"].endswith(" (indicative)")
    assert "style" not in map_feature(corridor, atlas.shape(corridor).geom)["properties"]


# Orientation: water, context towns, names, overview, the key -------------------------------


def test_the_orientation_layers_come_from_cached_scripts_not_the_map(map_html):
    tree = BeautifulSoup(map_html, "html.parser")
    sources = [tag["src"] for tag in tree.find_all("script", src=True)]
    for name in CONTEXT_SCRIPTS:
        assert f"/app/static/{name}" in sources, name
    # The map itself carries only the calls, never the data: it is resent on every run.
    assert "window.ATLAS_CONTEXT =" not in map_html
    for call in ("AtlasContext.water(", "AtlasContext.towns(", "AtlasContext.names(", "AtlasOverview.add("):
        assert call in map_html, call
    assert "Yerevan" not in map_html


def test_layer_names_say_what_a_reader_would(map_html):
    names = set(re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*feature_group_[0-9a-f_]+', map_html))
    names |= set(re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*tile_layer_[0-9a-f_]+', map_html))
    assert {PLAIN_LAYER, OSM_LAYER, WATER_LAYER, TOWNS_LAYER} <= names, names
    assert not any("No background tiles" in n for n in names)


def legend_tree(map_html: str) -> BeautifulSoup:
    fragment = re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', map_html).group(1)
    return BeautifulSoup(json.loads(fragment), "html.parser")


def test_the_key_folds_away_and_starts_folded(map_html):
    key = legend_tree(map_html).find("details", class_="atlas-legend")
    assert key is not None and not key.has_attr("open")  # opened by its script only on a wide map
    assert key.find("summary").get_text(strip=True) == "Map key"
    rows = [row.get_text(" ", strip=True) for row in key.find_all("div", class_="atlas-legend-row")]
    assert rows == [label for _key, label in LEGEND]
    assert "Town not named in the article" in rows and "River, lake or sea" in rows
    assert f"map.getSize().x <= {NARROW_MAP}" in map_html


def test_context_styles_are_quieter_than_the_places():
    s = styles()
    assert s["context-town"]["radius"] < 7  # the article's towns are drawn with radius 7
    assert s["context-town"]["fillColor"] not in (s["city"]["fillColor"], s["capital"]["fillColor"])


def script_sources(map_html: str) -> list[str]:
    return [tag["src"] for tag in BeautifulSoup(map_html, "html.parser").find_all("script", src=True)]


def layer_names(map_html: str) -> set[str]:
    return set(re.findall(r'"((?:[^"\\]|\\.)*)"\s*:\s*feature_group_[0-9a-f_]+', map_html))


def test_an_atlas_of_its_own_writes_its_orientation_layers_into_its_map_escaped(atlas):
    """static/atlas/context.js is the default atlas's: another atlas's map must not link it."""
    from geo.atlas.water import load_context_layers
    from geo.render.orientation import orientation_data

    data = orientation_data(atlas, *load_context_layers(atlas))
    data["towns"][0]["name"] = HOSTILE
    html = build_map(atlas, context=data).get_root().render()
    sources = script_sources(html)
    assert not any(src.endswith("/atlas/context.js") for src in sources)
    assert any(src.endswith("/atlas/context-map.js") for src in sources)  # the code that draws it, still cached
    assert "window.ATLAS_CONTEXT = {" in html and "Sisian" in html
    assert HOSTILE not in html and "\\u003cscript\\u003ealert(1)" in html
    assert {WATER_LAYER, TOWNS_LAYER} <= layer_names(html)
    assert html.index("window.ATLAS_CONTEXT =") < html.index("AtlasContext.water(")


def test_an_atlas_without_orientation_layers_draws_none_and_its_key_leaves_them_out(atlas):
    html = build_map(atlas, orientation=False).get_root().render()
    assert not any(src.endswith("/atlas/context.js") for src in script_sources(html))
    assert "window.ATLAS_CONTEXT = null;" in html  # never another atlas's, left in the window
    for call in ("AtlasContext.water(", "AtlasContext.towns(", "AtlasContext.names("):
        assert call not in html, call
    assert "AtlasOverview.add(" in html
    assert not {WATER_LAYER, TOWNS_LAYER} & layer_names(html)
    rows = [row.get_text(" ", strip=True) for row in legend_tree(html).find_all("div", class_="atlas-legend-row")]
    assert "Town not named in the article" not in rows and "River, lake or sea" not in rows
    assert "Town named in the article" in rows


def test_the_opening_view_holds_the_regions_places_and_leaves_far_ones_out():
    from geo.render.maps import opening_bounds

    atlas = load_atlas()
    (south, west), (north, east) = opening_bounds(atlas)
    for slug in ("baku", "stepanakert", "nakhchivan", "zangezur-corridor", "southern-armenia"):
        w, s, e, n = atlas.shape(atlas.by_slug[slug]).geom.bounds
        assert west <= w and e <= east and south <= s and n <= north, slug
    london = atlas.shape(atlas.by_slug["london"]).geom
    assert not (west <= london.x <= east)
