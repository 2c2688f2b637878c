"""The app serves its own copy of Leaflet: it must match the packaged one."""

from pathlib import Path

from bs4 import BeautifulSoup

from geo.paths import STATIC_DIR
from geo.render.assets import LEAFLET_FILES, asset_links, leaflet_source_dir

SERVED_PREFIX = "/app/static/"  # where Streamlit serves static/ (server.enableStaticServing)


def served_file(url: str) -> Path:
    """The file in static/ that Streamlit sends for this URL."""
    assert url.startswith(SERVED_PREFIX), url
    return STATIC_DIR / url.removeprefix(SERVED_PREFIX)


def test_static_leaflet_matches_the_packaged_release():
    for name in LEAFLET_FILES:
        assert (STATIC_DIR / "leaflet" / name).read_bytes() == (leaflet_source_dir() / name).read_bytes(), name


def test_asset_links_are_local():
    js, css = asset_links()
    for _, url in js + css:
        assert served_file(url).is_file(), url
    js, css = asset_links("../assets")
    assert js == [("leaflet", "../assets/leaflet/leaflet.js")]
    assert css == [("leaflet_css", "../assets/leaflet/leaflet.css")]


def test_streamlit_config_serves_static_files_and_sends_no_statistics():
    import tomllib

    config = tomllib.loads((STATIC_DIR.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_basemap_script_is_in_step_with_the_data():
    from geo.atlas.loader import load_atlas
    from geo.render.maps import BASEMAP_SCRIPT, basemap_script

    served = served_file(f"{SERVED_PREFIX}{BASEMAP_SCRIPT}")
    assert served.read_text(encoding="utf-8") == basemap_script(load_atlas()), "rerun scripts/build_geometry.py"


def test_a_map_with_the_basemap_script_leaves_the_outlines_out_of_the_map():
    from geo.atlas.loader import load_atlas
    from geo.render.maps import BASEMAP_SCRIPT, build_map

    atlas = load_atlas()
    inline = build_map(atlas).get_root().render()
    scripted = build_map(atlas, basemap_from_script=True).get_root().render()
    assert "window.ATLAS_BASEMAP" in scripted and "window.ATLAS_BASEMAP" not in inline
    tree = BeautifulSoup(scripted, "html.parser")
    sources = [tag["src"] for tag in tree.find_all("script", src=True)]
    assert f"{SERVED_PREFIX}{BASEMAP_SCRIPT}" in sources and all(served_file(src).is_file() for src in sources)
    sheets = [tag["href"] for tag in tree.find_all("link", rel="stylesheet")]
    assert f"{SERVED_PREFIX}atlas/palette.css" in sheets and all(served_file(h).is_file() for h in sheets)
    assert len(scripted) < len(inline) - 50_000
