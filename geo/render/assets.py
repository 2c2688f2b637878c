"""Front-end assets served by the app itself, so maps draw with no internet.

Leaflet comes from the `xstatic-leaflet` wheel (1.9.3, the version folium expects).
A copy lives in static/leaflet/ because Streamlit serves only that folder; refresh it
after upgrading the wheel with `python -c "import geo.assets as a; a.copy_leaflet()"`
(tests/test_assets.py fails while the copy and the wheel differ).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

from geo.paths import STATIC_DIR

LEAFLET_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
# Where Streamlit serves static/ (server.enableStaticServing in .streamlit/config.toml).
STREAMLIT_STATIC = "/app/static"


def leaflet_source_dir() -> Path:
    return Path(xleaflet.BASE_DIR)


def copy_leaflet(static_dir: Path = STATIC_DIR) -> None:
    for name in LEAFLET_FILES:
        target = static_dir / "leaflet" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(leaflet_source_dir() / name, target)


def asset_links(static_base: str = STREAMLIT_STATIC) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(js, css) link lists in folium's format, pointing at the copy of Leaflet under `static_base`."""
    return [("leaflet", f"{static_base}/leaflet/leaflet.js")], [("leaflet_css", f"{static_base}/leaflet/leaflet.css")]
