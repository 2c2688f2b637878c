"""The app serves its own copy of Leaflet: it must match the packaged one."""

from geo.assets import LEAFLET_FILES, STATIC_DIR, asset_links, leaflet_source_dir


def test_static_leaflet_matches_the_packaged_release():
    for name in LEAFLET_FILES:
        assert (STATIC_DIR / "leaflet" / name).read_bytes() == (leaflet_source_dir() / name).read_bytes(), name


def test_asset_links_are_local():
    js, css = asset_links()
    for _, url in js + css:
        assert url.startswith("/app/static/leaflet/")
    js, css = asset_links("assets/leaflet")
    assert js == [("leaflet", "assets/leaflet/leaflet.js")]


def test_streamlit_config_serves_static_files_and_sends_no_statistics():
    import tomllib

    config = tomllib.loads((STATIC_DIR.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False
