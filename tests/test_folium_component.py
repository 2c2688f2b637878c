"""streamlit-folium's pieces (geo/app/folium_component.py): the private functions and component that the
pre-rendered map relies on still take and return what they did for the pinned version."""

from __future__ import annotations

import ast
import inspect
import json
import re
from importlib import metadata
from pathlib import Path

import folium
import pytest
import streamlit_folium
from streamlit.components.v1.custom_component import CustomComponent

from geo.app import folium_component

ROOT = Path(__file__).resolve().parents[1]


def pinned(package: str) -> str:
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(package)}==(\S+)$", requirements, re.MULTILINE).group(1)


def test_the_installed_streamlit_folium_is_the_pinned_one():
    assert metadata.version("streamlit-folium") == pinned("streamlit-folium")


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("_get_header", ["fig"]),
        ("_get_html", ["fig"]),
        ("_get_map_string", ["fig"]),
        ("_get_feature_group_string", ["feature_group_to_add", "map", "idx"]),
        ("get_full_id", ["m"]),
        ("generate_js_hash", ["js_string", "key", "return_on_hover"]),
    ],
)
def test_the_functions_it_calls_take_what_they_took(name, parameters):
    assert list(inspect.signature(getattr(streamlit_folium, name)).parameters) == parameters


def test_the_component_is_st_folium_s_own_front_end():
    component = streamlit_folium._component_func
    assert isinstance(component, CustomComponent) and component.name == "streamlit_folium.st_folium"
    assert (Path(component.path) / "index.html").is_file()


def st_folium_component_arguments() -> set[str]:
    """The keyword arguments `st_folium` passes its component, read from its source."""
    tree = ast.parse(inspect.getsource(streamlit_folium.st_folium))
    (call,) = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_component_func"
    ]
    return {keyword.arg for keyword in call.keywords}


def small_args(**changed: object) -> dict:
    """The component's arguments for a tiny map, with `changed` ones in place of the defaults."""
    given = {
        "script": "",
        "header": "",
        "html": "",
        "map_id": "map_x",
        "height": 100,
        "zoom": 5,
        "center": (40.0, 46.0),
        "feature_group": None,
        "css_links": (),
        "js_links": (),
        "returned_objects": (),
    }
    return folium_component.component_args(**(given | changed))


def test_the_component_gets_every_argument_st_folium_sends_it():
    args = small_args()
    assert set(args) | {"key", "default", "on_change"} == st_folium_component_arguments()


def test_the_arguments_hold_no_list_that_streamlit_would_inspect_as_a_data_frame():
    """Streamlit asks of every component argument whether it is a data frame: a list costs it pandas'
    and numpy's checks on every run of a page with a map, a tuple nothing, and both are the same JSON."""
    from streamlit.dataframe_util import is_dataframe_like

    links = ("/app/static/a.js", "/app/static/b.js")
    args = small_args(css_links=list(links), js_links=list(links), returned_objects=["last_clicked"])
    assert not any(isinstance(value, list) for value in args.values())
    assert not any(is_dataframe_like(value) for value in args.values())
    assert json.loads(json.dumps(args))["js_links"] == list(links)


@pytest.fixture
def small_map() -> folium.Map:
    fmap = folium.Map(location=(40.0, 46.0), zoom_start=7, tiles=None)
    folium.GeoJson({"type": "Point", "coordinates": [46.7, 39.8]}, name="a place").add_to(fmap)
    fmap.get_root().header.add_child(folium.Element("<style>#map_div { height: 10px; }</style>"))
    fmap.get_root().render()
    fmap.render()
    return fmap


def test_what_they_return_is_what_the_front_end_draws(small_map):
    map_id = folium_component.map_id(small_map)
    assert map_id.startswith("map_") and len(map_id) > 10
    header = folium_component.header(small_map)
    assert "#map_div { height: 10px; }" in header and "<script src" not in header and map_id not in header
    script = folium_component.map_script(small_map)
    assert re.search(r'var map_div = L\.map\(\s*"map_div",', script) and map_id not in script
    assert ".addTo(map_div);" in script and "var drawnItems = [];" in script
    assert isinstance(folium_component.body(small_map), str)
    key = folium_component.component_key(script, "atlas-map")
    assert re.fullmatch(r"[0-9a-f]{64}", key) and key != folium_component.component_key(script, "tour-map")


def test_a_feature_group_becomes_a_layer_added_to_the_drawn_map():
    scratch = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="highlight")
    folium.GeoJson({"type": "Point", "coordinates": [46.7, 39.8]}).add_to(group)
    script = folium_component.feature_group_script(group, scratch)
    assert "map_div.addLayer(feature_group_feature_group_0)" in script
    assert folium_component.map_id(scratch) not in script


def front_end_script() -> str:
    component = streamlit_folium._component_func
    return "".join(p.read_text(encoding="utf-8") for p in (Path(component.path) / "static" / "js").glob("main.*.js"))


def test_the_first_report_it_spares_is_the_one_the_front_end_would_send():
    """quiet_start's report holds the click fields in the order the front end lists them, with the values
    it starts from; the front end skips a report equal to the one before."""
    script = front_end_script()
    listed = re.search(r"let c=\{(.*?)\};", script).group(1)
    order = re.findall(r"(\w+):", listed)
    assert [name for name in order if name in folium_component.UNCLICKED] == list(folium_component.UNCLICKED)
    start = re.search(r"window\.__GLOBAL_DATA__=\{(.*?)\}", script).group(1)
    for name, value in folium_component.UNCLICKED.items():
        if name != "last_clicked":  # kept as lat_lng_clicked
            assert f"{name}:{json.dumps(value)}" in start
    assert "lat_lng_clicked:null" in start
    assert "JSON.stringify(n)!==JSON.stringify(u)" in script


@pytest.mark.parametrize(
    ("returned", "first"),
    [
        (
            ("last_active_drawing", "last_object_clicked_count"),
            {"last_object_clicked_count": 0, "last_active_drawing": None},
        ),
        (("last_clicked",), {"last_clicked": None}),
        ((), {}),
    ],
)
def test_a_map_asked_only_about_clicks_does_not_report_before_the_first_one(returned, first):
    script = folium_component.quiet_start(returned)
    given = re.search(r"previous_data = (\{.*?\});", script).group(1)
    assert json.loads(given) == first and list(json.loads(given)) == list(first)


def test_a_map_asked_for_its_view_reports_it_at_once():
    assert folium_component.quiet_start(("center", "zoom")) == ""
    assert folium_component.quiet_start(("last_active_drawing", "bounds")) == ""
