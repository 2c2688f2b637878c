"""The default atlas's places as a cached script (static/atlas/places.js, geo/render/maps.py)."""

from __future__ import annotations

from geo.paths import STATIC_DIR
from geo.render.maps import (
    CEASEFIRE_LAYER,
    PLACES_DATA_SCRIPT,
    build_map,
    places_data,
    places_script,
    script_highlight,
    tooltip_text,
)
from geo.render.packed import read_script_value
from geo.render.view_models import GROUP_ORDER, GROUPS

HOSTILE = "<script>alert(1)</script>"


def script_data(text: str) -> dict:
    return read_script_value(text, "ATLAS_PLACES")


def test_the_served_script_is_in_step_with_the_data(atlas):
    served = (STATIC_DIR / PLACES_DATA_SCRIPT).read_text(encoding="utf-8")
    assert served == places_script(atlas), "run python -m geo map-scripts"


def test_the_script_holds_every_drawn_place_in_its_group_with_its_style(atlas):
    data = script_data(places_script(atlas))
    features = [(name, f) for name, group in data["groups"].items() for f in group["features"]]
    assert list(data["groups"]) == list(GROUP_ORDER)
    for place in atlas.places:
        found = [(name, f) for name, f in features if f["properties"]["slug"] == place.slug]
        if place.geometry_ref is None:
            assert found == []
            continue
        [(name, feature)] = found
        assert name == GROUPS[place.kind]
        assert feature["properties"]["style"] in data["styles"]
    assert {"highlight", "highlight-route"} <= set(data["styles"])
    assert data["ceasefire"]["geometry"]["type"].endswith("LineString")


def test_names_in_the_script_are_escaped_for_tooltips(atlas):
    """places-map.js shows names as tooltip HTML: they go in escaped, as in a map drawn inline."""
    features = {f["properties"]["slug"]: f for g in places_data(atlas)["groups"].values() for f in g["features"]}
    for slug, feature in features.items():
        assert feature["properties"]["name"] == tooltip_text(atlas.by_slug[slug].name)
    assert tooltip_text(HOSTILE) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_map_drawn_from_the_script_carries_no_shape_of_a_place(atlas):
    inline = build_map(atlas, basemap_from_script=True).get_root().render()
    scripted = build_map(atlas, basemap_from_script=True, places_from_script=True).get_root().render()
    assert '"slug": "baku"' in inline and '"slug": "baku"' not in scripted
    assert scripted.count("AtlasPlaces.draw(") == len(GROUP_ORDER) + 1  # the groups and the ceasefire line
    assert CEASEFIRE_LAYER in scripted
    assert "/atlas/places.js" in scripted and "/atlas/places-map.js" in scripted
    assert len(scripted) < len(inline) / 3


def test_a_highlight_names_the_places_only():
    script = script_highlight(("baku", "stepanakert"))
    assert 'AtlasPlaces.highlight(map_div, ["baku", "stepanakert"])' in script
    assert len(script) < 200
