"""streamlit-folium's front end, fed with a map rendered once: the one module that reaches into
streamlit-folium's private functions.

`st_folium` renders its map into a header, a body, a script and the style sheets and scripts it
links, on every run, then draws them with its component. geo/app/atlas_map.py renders the map
once per process and draws the same strings on every run, so it needs the pieces `st_folium` is
made of: four private functions that render, and the private component. They are reached here
and nowhere else, for the version pinned in requirements.txt; tests/test_folium_component.py fails
when another version renames them, changes what they take or return, or when `st_folium` sends
its component an argument this module does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import folium
import streamlit_folium
from streamlit_folium import generate_js_hash, get_full_id

_COMPONENT = streamlit_folium._component_func  # the front end `st_folium` draws with


def header(fmap: folium.Map) -> str:
    """The map's header (its style rules and inline scripts; linked files go by `css_links`/`js_links`)."""
    return streamlit_folium._get_header(fmap)


def body(fmap: folium.Map) -> str:
    """The map's HTML besides its own div."""
    return streamlit_folium._get_html(fmap)


def map_script(fmap: folium.Map) -> str:
    """The script that draws the map into the front end's `map_div`."""
    return streamlit_folium._get_map_string(fmap)


def feature_group_script(group: folium.FeatureGroup, fmap: folium.Map) -> str:
    """The script that adds one feature group to the drawn map (adding it mutates `fmap`)."""
    return streamlit_folium._get_feature_group_string(group, map=fmap)


def opening_view() -> str:
    """The script, sent as a feature group, that puts the drawn map back on its opening view
    (`window.atlasOpening`, geo/render/maps.py) at the map's real size. It also forgets the last
    view the front end was sent, which it compares with each new one: otherwise the place shown
    before would not be shown again when picked a second time."""
    return (
        "if (window.atlasOpening) { window.atlasOpening(); }\n"
        "if (window.__GLOBAL_DATA__) { window.__GLOBAL_DATA__.last_center = null;"
        " window.__GLOBAL_DATA__.last_zoom = null; }\n"
    )


def fit_first() -> str:
    """The line, run before a page map's script, that has the map take its opening view as soon as it is
    made, before its places are drawn (geo/render/templates/map/opening.js): they are then placed once,
    where otherwise they were placed at the map's first view and again at the opening view just after
    (some 15 ms of a first visit's map). `opening_view` then finds the map already there."""
    return "window.atlasOpensFitted = true;\n"


def report_script(returned_objects: Sequence[str]) -> str:
    """The script, sent as a feature group, that changes what the drawn map reports back. The front end
    reads `returned_objects` only when it first draws a map, and a map drawn once is kept from run to
    run: a page that starts asking for a tap (`last_clicked`) later tells the drawn map so."""
    names = json.dumps(list(returned_objects))
    return f"if (window.__GLOBAL_DATA__) {{ window.__GLOBAL_DATA__.returned_objects = {names}; }}\n"


# What the front end reports of clicks before the first click, in the order its report lists them
# (updateComponentValue in streamlit-folium's main.js; tests/test_folium_component.py reads them there).
UNCLICKED: dict[str, Any] = {
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_count": 0,
    "last_object_clicked_tooltip": None,
    "last_object_clicked_popup": None,
    "last_active_drawing": None,
}


def quiet_start(returned_objects: Sequence[str]) -> str:
    """The script, run with the map's script, that spares the page a second run on every first visit.

    The front end reports what it was asked for as soon as it has drawn a map, and compares each report
    with the one before, of which it has none on a first draw (the component's default stays on the
    server): so the page ran once more, about a second after the map showed, for a report that says
    nothing was clicked. When everything asked for is about clicks, what that first report holds is known:
    it is given to the front end as the report before, and it is not sent. A map asked for its view
    (`center`, `zoom`, `bounds`) still reports it at once."""
    returned = list(returned_objects)
    if any(name not in UNCLICKED for name in returned):
        return ""
    first = json.dumps({name: value for name, value in UNCLICKED.items() if name in returned})
    return f"if (window.__GLOBAL_DATA__) {{ window.__GLOBAL_DATA__.previous_data = {first}; }}\n"


def map_id(fmap: folium.Map) -> str:
    return get_full_id(fmap)


def component_key(script: str, key: str) -> str:
    """The front end's identity of a map, as `st_folium` makes it: the same script and key, the same map."""
    return generate_js_hash(script, key, False)


def component_args(
    *,
    script: str,
    header: str,
    html: str,
    map_id: str,
    height: int,
    zoom: Any,
    center: tuple[float, float] | None,
    feature_group: str | None,
    css_links: Sequence[str],
    js_links: Sequence[str],
    returned_objects: Sequence[str],
) -> dict[str, Any]:
    """Every argument but the key, the default and the callback that `st_folium` sends its component,
    for a map that fills its column, reports no hover, has no layer control of the component's own
    and does not wrap longitudes.

    Sequences are tuples: Streamlit asks of every argument whether it is a data frame, and for a
    list that costs some 20-190 µs (pandas' and numpy's checks), for a tuple nothing; both travel
    as the same JSON array. Every run of a page with a map pays it, a class's follower after each Next."""
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": map_id,
        "height": height,
        "width": None,
        "returned_objects": tuple(returned_objects),
        "zoom": zoom,
        "center": center,
        "feature_group": feature_group,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": tuple(css_links),
        "js_links": tuple(js_links),
        "wrap_longitude": False,
    }


def draw(
    args: dict[str, Any], *, key: str, default: dict[str, Any], on_change: Callable[[], None] | None = None
) -> dict[str, Any] | None:
    """Draw the map in the page; what the front end reports back (the objects asked for in `args`)."""
    return _COMPONENT(**args, key=key, default=default, on_change=on_change)
